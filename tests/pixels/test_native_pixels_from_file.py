"""Native pixel data of a file read by path is read once, from the file into the array.

The reader leaves large native pixel data in the file (a deferred value it keeps once
read); ``pixel_array`` reads the frames straight into a new array. Everything a user
relies on still holds: the array equals pydicom's, is writeable and owns its memory;
``ds.PixelData`` gives the same bytes; the dataset can be written (over its own file
too), copied and pickled; a file changed or deleted after the read is a dcmcore error.
"""

from __future__ import annotations

import copy
import io
import os
import pickle
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import numpy as np
import pytest

from tests.pixel_datasets import TEST_FILES, assert_same_array

pydicom = pytest.importorskip("pydicom")
from pydicom.dataset import Dataset as PDataset  # noqa: E402
from pydicom.dataset import FileMetaDataset as PFileMeta  # noqa: E402
from pydicom.uid import (  # noqa: E402
    ExplicitVRBigEndian,
    ExplicitVRLittleEndian,
    ImplicitVRLittleEndian,
)

import dcmcore  # noqa: E402
import dcmcore.pixels as px  # noqa: E402
from dcmcore import transfer_syntax  # noqa: E402
from dcmcore.errors import DcmcoreError, InvalidDicomError, SourceFileError  # noqa: E402
from dcmcore.io import reader  # noqa: E402

PIXEL_DATA = 0x7FE00010


def _write(path: Path, *, frames: int = 40, rows: int = 256, cols: int = 256, spp: int = 1,
           bits: int = 16, stored: int | None = None, signed: int = 0, planar: int = 0,
           tsyntax: str = ExplicitVRLittleEndian, seed: int = 0) -> np.ndarray:
    """Write a native multi-frame file larger than the reader's streaming threshold."""
    rng = np.random.default_rng(seed)
    dtype = np.dtype(f"{'i' if signed else 'u'}{bits // 8}")
    shape = (frames, rows, cols) if spp == 1 else (frames, rows, cols, spp)
    arr = rng.integers(np.iinfo(dtype).min, np.iinfo(dtype).max, shape, dtype=dtype,
                       endpoint=True)
    ds = PDataset()
    ds.file_meta = PFileMeta()
    ds.file_meta.TransferSyntaxUID = tsyntax
    ds.file_meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.7"
    ds.file_meta.MediaStorageSOPInstanceUID = "1.2.3.4"
    ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.7"
    ds.SOPInstanceUID = "1.2.3.4"
    ds.PatientName = "Frames^Many"
    ds.Rows, ds.Columns, ds.NumberOfFrames = rows, cols, frames
    ds.SamplesPerPixel = spp
    ds.PhotometricInterpretation = "MONOCHROME2" if spp == 1 else "RGB"
    if spp > 1:
        ds.PlanarConfiguration = planar
    ds.BitsAllocated, ds.BitsStored = bits, stored or bits
    ds.HighBit = (stored or bits) - 1
    ds.PixelRepresentation = signed
    stored_arr = np.moveaxis(arr, -1, 1) if spp > 1 and planar else arr
    big = tsyntax == ExplicitVRBigEndian
    ds.PixelData = stored_arr.astype(dtype.newbyteorder(">" if big else "<")).tobytes()
    ds.save_as(path, enforce_file_format=True, implicit_vr=tsyntax == ImplicitVRLittleEndian,
               little_endian=not big)
    return arr


def _reference(path: Path) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pydicom.dcmread(path).pixel_array


def _stored_bytes(path: Path) -> bytes:
    return pydicom.dcmread(path).PixelData


def _left_in_file(ds) -> bool:
    return ds.get_item(PIXEL_DATA, keep_deferred=True).value is None


@pytest.fixture(autouse=True)
def _files_over_2_mib_are_large(monkeypatch) -> None:
    """Files over 2 MiB are read as the reader reads large files (the test files stay
    small); the peak memory test runs a child process with the real thresholds."""
    monkeypatch.setattr(reader, "STREAM_THRESHOLD", 2 * 2**20)


@pytest.fixture
def big(tmp_path) -> Path:
    path = tmp_path / "frames.dcm"
    _write(path)
    assert path.stat().st_size > reader.STREAM_THRESHOLD
    return path


def test_large_native_pixel_data_is_left_in_the_file_and_decoded_from_it(big) -> None:
    ds = dcmcore.dcmread(big)
    assert _left_in_file(ds)
    arr = ds.pixel_array
    assert_same_array(_reference(big), arr)
    assert arr.flags.writeable and arr.flags.owndata and arr.flags.c_contiguous
    assert _left_in_file(ds)  # reading the array did not load the bytes
    arr[...] = 0  # the array is the user's: the bytes do not change
    assert ds.PixelData == _stored_bytes(big)
    assert not _left_in_file(ds)  # read as bytes once: kept, as if read at once
    assert_same_array(_reference(big), ds.pixel_array)


@pytest.mark.parametrize(
    "kwargs",
    [
        pytest.param({}, id="16-bit"),
        pytest.param({"bits": 8, "frames": 80}, id="8-bit"),
        pytest.param({"stored": 12, "signed": 1}, id="12-of-16-bits-signed"),
        pytest.param({"bits": 32, "frames": 20}, id="32-bit"),
        pytest.param({"spp": 3, "bits": 8, "frames": 30}, id="rgb"),
        pytest.param({"spp": 3, "bits": 8, "frames": 30, "planar": 1}, id="rgb-planar"),
        pytest.param({"tsyntax": ExplicitVRBigEndian}, id="big-endian"),
        pytest.param({"tsyntax": ExplicitVRBigEndian, "bits": 8, "frames": 80},
                     id="big-endian-8-bit"),
        pytest.param({"tsyntax": ImplicitVRLittleEndian}, id="implicit-vr"),
    ],
)
def test_pixel_array_from_the_file_equals_pydicoms(tmp_path, kwargs) -> None:
    path = tmp_path / "frames.dcm"
    _write(path, **kwargs)
    ds = dcmcore.dcmread(path)
    assert _left_in_file(ds)
    ref = _reference(path)
    arr = ds.pixel_array
    assert_same_array(ref, arr)
    assert arr.flags.writeable
    assert_same_array(ref[3], px.pixel_array(ds, index=3))
    frames = list(px.iter_pixels(ds, indices=[0, ref.shape[0] - 1]))
    assert_same_array(ref[0], frames[0])
    assert_same_array(ref[-1], frames[1])
    assert ds.PixelData == _stored_bytes(path)


def _native_corpus() -> list:
    out = []
    for path in sorted(TEST_FILES.glob("*.dcm")):
        try:
            ds = pydicom.dcmread(path)
        except Exception:  # noqa: BLE001 - unreadable by the reference: not a pixel test
            continue
        if "PixelData" not in ds or ds["PixelData"].is_undefined_length:
            continue
        ts = str(getattr(ds, "file_meta", {}).get("TransferSyntaxUID", ""))
        record = transfer_syntax.get(ts) if ts else None
        if record is None or record.encapsulated or record.deflated:
            continue
        out.append(pytest.param(path, id=path.name))
    return out


@pytest.mark.parametrize("path", _native_corpus())
def test_every_native_corpus_file_decodes_the_same_from_its_file(path, monkeypatch) -> None:
    # read every file as a large one: in small windows, its pixel data left in the file
    for name, value in (("STREAM_THRESHOLD", 0), ("PIXEL_DEFER_SIZE", 1), ("_HEAD", 1024),
                        ("_WINDOW", 1024), ("_DIRECT_READ", 1)):
        monkeypatch.setattr(reader, name, value)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            ref = pydicom.dcmread(path).pixel_array
        except Exception:  # noqa: BLE001 - pydicom refuses it: covered by test_corpus
            pytest.skip("pydicom cannot decode it")
        ds = dcmcore.dcmread(path)
        left = _left_in_file(ds)
        arr = ds.pixel_array
    assert left or len(pydicom.dcmread(path).PixelData) < 1024
    assert_same_array(ref, arr)
    assert arr.flags.writeable
    assert ds.PixelData == pydicom.dcmread(path).PixelData


def test_save_as_over_its_own_file_writes_the_pixels_and_keeps_them(big) -> None:
    ref, stored = _reference(big), _stored_bytes(big)
    ds = dcmcore.dcmread(big)
    ds.PatientName = "Over^Written"
    ds.save_as(big)
    assert ds.PixelData == stored  # kept when written: the file it came from is gone
    assert_same_array(ref, ds.pixel_array)
    again = dcmcore.dcmread(big)
    assert again.PatientName == "Over^Written"
    assert_same_array(ref, again.pixel_array)
    assert again.PixelData == stored


def test_save_as_to_another_path_and_to_a_buffer(big, tmp_path) -> None:
    ds = dcmcore.dcmread(big)
    other = tmp_path / "other.dcm"
    ds.save_as(other)
    buf = io.BytesIO()
    ds.save_as(buf)
    assert_same_array(_reference(big), dcmcore.dcmread(other).pixel_array)
    assert_same_array(_reference(big), dcmcore.dcmread(io.BytesIO(buf.getvalue())).pixel_array)


@pytest.mark.parametrize("how", ["deepcopy", "pickle"])
def test_copies_read_the_pixels_from_the_file(big, how) -> None:
    ds = dcmcore.dcmread(big)
    dup = copy.deepcopy(ds) if how == "deepcopy" else pickle.loads(pickle.dumps(ds))
    assert_same_array(_reference(big), dup.pixel_array)
    assert dup.PixelData == _stored_bytes(big)
    assert _left_in_file(ds)  # the original is untouched


def test_copy_of_a_dataset_whose_pixels_were_read_carries_the_bytes(big) -> None:
    ds = dcmcore.dcmread(big)
    stored = ds.PixelData
    dup = pickle.loads(pickle.dumps(ds))
    big.unlink()
    assert dup.PixelData == stored


def test_deleted_file_is_a_dcmcore_error_naming_it(big) -> None:
    ds = dcmcore.dcmread(big)
    big.unlink()
    with pytest.raises(SourceFileError, match="deleted") as info:
        ds.pixel_array  # noqa: B018
    assert str(big) in str(info.value)
    with pytest.raises(SourceFileError):
        ds.PixelData  # noqa: B018


def test_pixel_data_read_at_dcmread_when_the_setting_is_off(big, monkeypatch) -> None:
    monkeypatch.setattr(dcmcore.config.settings, "pixel_data_in_file", False)
    ds = dcmcore.dcmread(big)
    assert not _left_in_file(ds)
    big_bytes = _stored_bytes(big)
    reference = _reference(big)
    big.unlink()  # as pydicom allows: the dataset holds its pixels
    assert ds.PixelData == big_bytes
    assert_same_array(ds.pixel_array, reference)


def test_file_changed_after_the_read_is_a_dcmcore_error(big) -> None:
    ds = dcmcore.dcmread(big)
    before = big.stat()
    data = bytearray(big.read_bytes())
    data[-10] ^= 0xFF
    with open(big, "r+b") as f:  # rewritten in place, same size and times
        f.write(data)
    os.utime(big, ns=(before.st_atime_ns, before.st_mtime_ns))
    with pytest.raises(InvalidDicomError, match="rewritten") as info:
        ds.pixel_array  # noqa: B018
    assert str(big) in str(info.value) and isinstance(info.value, DcmcoreError)


def test_file_truncated_after_the_read_is_a_dcmcore_error(big) -> None:
    ds = dcmcore.dcmread(big)
    os.truncate(big, big.stat().st_size - 1000)
    with pytest.raises(DcmcoreError, match="truncated"):
        ds.pixel_array  # noqa: B018


def test_stop_before_pixels_reads_no_pixel_data(big) -> None:
    ds = dcmcore.dcmread(big, stop_before_pixels=True)
    assert "PixelData" not in ds


def test_buffers_and_small_files_hold_the_pixel_bytes(big, tmp_path) -> None:
    from_buffer = dcmcore.dcmread(io.BytesIO(big.read_bytes()))
    assert not _left_in_file(from_buffer)
    with open(big, "rb") as f:
        assert not _left_in_file(dcmcore.dcmread(f))
    small = tmp_path / "small.dcm"
    _write(small, frames=2)
    assert not _left_in_file(dcmcore.dcmread(small))
    assert_same_array(_reference(big), from_buffer.pixel_array)


def test_defer_size_smaller_than_the_pixels_still_decodes_from_the_file(big) -> None:
    ds = dcmcore.dcmread(big, defer_size=1024)
    assert_same_array(_reference(big), ds.pixel_array)
    assert ds.PixelData == _stored_bytes(big)


_PEAK = textwrap.dedent("""
    import gc, sys
    import numpy
    import dcmcore, dcmcore.pixels, dcmcore.io.reader, dcmcore.dataset

    def status(field):
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024

    gc.collect()
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    before = status("VmRSS")
    arr = dcmcore.dcmread(sys.argv[1]).pixel_array
    print(status("VmHWM") - before, arr.nbytes)
""")


@pytest.mark.skipif(not Path("/proc/self/clear_refs").exists(), reason="needs Linux /proc")
def test_pixel_array_of_a_path_peaks_near_the_array_size(tmp_path) -> None:
    path = tmp_path / "frames.dcm"
    _write(path, frames=100, rows=512, cols=512)
    env = dict(os.environ, PYTHONPATH=str(Path(dcmcore.__file__).parent.parent))
    out = subprocess.run([sys.executable, "-c", _PEAK, str(path)], capture_output=True,
                         text=True, timeout=120, env=env, check=True).stdout.split()
    peak, size = int(out[0]), int(out[1])
    assert size == 100 * 512 * 512 * 2
    assert peak < size * 1.2, f"peak {peak / 1e6:.1f} MB for a {size / 1e6:.1f} MB array"
