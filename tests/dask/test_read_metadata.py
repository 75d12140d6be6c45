"""dcmcore.dask.read_metadata on a real 2-process cluster: rows, values, dtypes, error rows."""

from __future__ import annotations

import datetime
import io
import subprocess
import sys
import warnings
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pydicom
import pytest

sys.path.insert(0, str(Path(__file__).parent))

from conftest import CORPUS, all_files  # noqa: E402

from dcmcore.dask import (  # noqa: E402
    BASE_KEYWORDS,
    _headers,  # noqa: E402
    read_metadata,
)

BAD = {"empty.dcm", "garbage.dcm", "header_cut.dcm", "no_dicm.dcm", "bad_meta.dcm"}


@pytest.fixture(scope="module")
def table(client, archive) -> pd.DataFrame:
    df = read_metadata(archive, keywords=["PatientID", "StudyDate", "StudyTime", "ImageType",
                                          "PixelSpacing", "SeriesNumber"],
                       files_per_partition=25)
    assert df.npartitions > 2  # spread over both workers
    return df.compute()


def _pydicom_header(path: str) -> pydicom.Dataset | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return pydicom.dcmread(path, stop_before_pixels=True)
    except Exception:
        return None


def _as_int(value: object) -> int | None:
    """pydicom's value as the int column holds it (None: absent, empty or invalid)."""
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None


def test_one_row_per_input_file(table, archive):
    assert sorted(table["path"]) == all_files(archive)
    assert table["path"].is_unique


def test_every_corrupt_file_has_an_error_row(table, archive):
    errors = dict(zip(table["path"], table["error"]))
    for name in BAD:
        error = errors[str(archive / "bad" / name)]
        assert isinstance(error, str) and error
    # and files that are fine have none
    assert pd.isna(errors[str(archive / "corpus" / "CT_small.dcm")])
    assert pd.isna(errors[str(archive / "corpus" / "MR_small_bigendian.dcm")])


def test_base_columns_and_dtypes(table):
    assert list(table.columns[:3]) == ["path", "size", "TransferSyntaxUID"]
    assert list(table.columns[3:3 + len(BASE_KEYWORDS)]) == list(BASE_KEYWORDS)
    assert table.columns[-1] == "error"
    dtypes = table.dtypes
    assert dtypes["path"] == pd.ArrowDtype(pa.string())
    assert dtypes["Rows"] == pd.ArrowDtype(pa.int64())
    assert dtypes["NumberOfFrames"] == pd.ArrowDtype(pa.int64())
    assert dtypes["StudyDate"] == pd.ArrowDtype(pa.date32())
    assert dtypes["StudyTime"] == pd.ArrowDtype(pa.time64("us"))
    assert dtypes["ImageType"] == pd.ArrowDtype(pa.list_(pa.string()))
    assert dtypes["PixelSpacing"] == pd.ArrowDtype(pa.list_(pa.float64()))


def test_values_match_pydicom(table, archive):
    row = table.set_index("path").loc[str(archive / "corpus" / "CT_small.dcm")]
    assert row["StudyDate"] == datetime.date(2004, 1, 19)
    assert row["StudyTime"] == datetime.time(7, 27, 30)
    assert list(row["ImageType"]) == ["ORIGINAL", "PRIMARY", "AXIAL"]
    compared = 0
    for r in table.itertuples(index=False):
        ref = _pydicom_header(r.path)
        if ref is None or not isinstance(r.SOPInstanceUID, str):
            continue
        compared += 1
        assert r.TransferSyntaxUID == ref.file_meta.get("TransferSyntaxUID")
        assert r.size == Path(r.path).stat().st_size
        for kw in ("SOPClassUID", "SOPInstanceUID", "StudyInstanceUID", "SeriesInstanceUID",
                   "Modality", "PatientID"):
            expected = ref.get(kw)
            got = getattr(r, kw)
            assert (str(expected) if expected not in (None, "") else None) == (
                None if pd.isna(got) else got), (r.path, kw)
        for kw in ("Rows", "Columns", "NumberOfFrames", "SeriesNumber"):
            got = getattr(r, kw)
            assert _as_int(ref.get(kw)) == (None if pd.isna(got) else got), (r.path, kw)
    assert compared > 100


def test_glob_list_and_file_url_inputs(client, archive):
    files = sorted(str(p) for p in (archive / "corpus").glob("MR_small*.dcm"))
    by_glob = read_metadata(str(archive / "corpus" / "MR_small*.dcm"), keywords=[]).compute()
    by_list = read_metadata(files, keywords=[], files_per_partition=2).compute()
    by_url = read_metadata(f"file://{archive}/corpus/MR_small*.dcm", keywords=[]).compute()
    assert list(by_glob["path"]) == files == list(by_list["path"])
    assert [p.removeprefix("file://") for p in by_url["path"]] == files
    assert list(by_url["SOPInstanceUID"]) == list(by_glob["SOPInstanceUID"])
    assert by_glob["error"].isna().all()


def test_missing_file_in_a_list_is_an_error_row(client, tmp_path):
    df = read_metadata([str(CORPUS / "CT_small.dcm"), str(tmp_path / "gone.dcm")]).compute()
    assert pd.isna(df["error"].iloc[0])
    assert "FileNotFoundError" in df["error"].iloc[1]


def test_unknown_or_binary_keyword_is_refused():
    with pytest.raises(ValueError, match="NotAKeyword"):
        read_metadata(CORPUS, keywords=["NotAKeyword"])
    with pytest.raises(ValueError, match="PixelData"):
        read_metadata(CORPUS, keywords=["PixelData"])


class _Counting(io.FileIO):
    read_total = 0

    def read(self, size: int = -1) -> bytes:
        data = super().read(size)
        _Counting.read_total += len(data)
        return data


def test_only_the_header_of_a_large_file_is_read(tmp_path, monkeypatch):
    ds = pydicom.dcmread(CORPUS / "CT_small.dcm")
    ds.PixelData = bytes(8 * 2**20)  # 8 MiB of pixel data after a 6 KiB header
    ds.Rows, ds.Columns, ds.NumberOfFrames = 2048, 2048, 1
    path = tmp_path / "big.dcm"
    ds.save_as(path)
    monkeypatch.setattr(_headers, "open_binary", lambda p: _Counting(p, "rb"))
    header = _headers.read_header(str(path))
    assert header.error is None and header.dataset.Rows == 2048
    assert header.size == path.stat().st_size
    assert _Counting.read_total <= _headers.HEAD_BYTES


def test_a_header_longer_than_the_first_read_is_read_whole(tmp_path):
    ds = pydicom.dcmread(CORPUS / "CT_small.dcm")
    ds.add_new(0x00091010, "LO", "x")
    ds.add_new(0x00091011, "OB", bytes(3 * _headers.HEAD_BYTES))  # a long private value
    ds.PatientID = "late"
    ds.add_new(0x00290010, "LO", "after the long value")
    path = tmp_path / "long_header.dcm"
    ds.save_as(path)
    header = _headers.read_header(str(path))
    assert header.error is None
    assert header.dataset[0x00290010].value == "after the long value"
    assert "PixelData" not in header.dataset


def test_importing_without_dask_says_how_to_install():
    code = ("import sys; sys.modules['dask'] = None\n"
            "try:\n import dcmcore.dask\nexcept ImportError as e: print(e)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert "pip install dcmcore[dask]" in out.stdout


def test_a_corrupt_large_file_is_not_read_whole(tmp_path, monkeypatch):
    ds = pydicom.dcmread(CORPUS / "CT_small.dcm")
    ds.add_new(0x00091010, "LO", "x")
    ds.add_new(0x00091011, "OB", b"abcd")
    ds.PixelData = bytes(4 * 2**20)
    ds.Rows, ds.Columns = 1024, 2048
    path = tmp_path / "corrupt_big.dcm"
    ds.save_as(path)
    data = path.read_bytes()
    header = b"\x09\x00\x11\x10OB\x00\x00\x04\x00\x00\x00"
    assert data.count(header) == 1
    path.write_bytes(data.replace(header, header[:8] + b"\x00\x00\x00\xf0"))  # 3.75 GiB
    monkeypatch.setattr(_headers, "open_binary", lambda p: _Counting(p, "rb"))
    _Counting.read_total = 0
    found = _headers.read_header(str(path))
    assert "MalformedDataError" in found.error and "(0009,1011)" in found.error
    assert _Counting.read_total <= _headers.HEAD_BYTES
