"""Differential test: every native and RLE file of pydicom's corpus decodes the same."""

from __future__ import annotations

import io
import warnings

import numpy as np
import pytest

from tests.pixel_datasets import TEST_FILES, assert_same_array

pydicom = pytest.importorskip("pydicom")

import dcmcore  # noqa: E402
import dcmcore.pixels as px  # noqa: E402
from dcmcore import transfer_syntax  # noqa: E402

RLE = "1.2.840.10008.1.2.5"


def _corpus():
    out = []
    for path in sorted(TEST_FILES.glob("*.dcm")):
        try:
            ds = pydicom.dcmread(path)
        except Exception:  # noqa: BLE001 - unreadable by the reference: not a pixel test
            continue
        if not any(k in ds for k in ("PixelData", "FloatPixelData", "DoubleFloatPixelData")):
            continue
        meta = getattr(ds, "file_meta", None)
        ts = str(meta.get("TransferSyntaxUID", "")) if meta is not None else ""
        record = transfer_syntax.get(ts) if ts else None
        if ts and (record is None or record.encapsulated) and ts != RLE:
            continue  # JPEG family: other plugins
        out.append(pytest.param(path, ts, id=path.name))
    return out


def _reference(path):
    ds = pydicom.dcmread(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return ds.pixel_array
        except Exception as exc:  # noqa: BLE001
            return exc


@pytest.mark.parametrize("path,ts", _corpus())
def test_corpus_pixel_array_matches_pydicom(path, ts):
    if ts == RLE:
        pytest.importorskip("dcmcore_rle")
    ref = _reference(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if isinstance(ref, Exception):
            # pydicom refuses it: so must dcmcore, with an exception of the same family
            with pytest.raises((ValueError, AttributeError)):
                dcmcore.dcmread(path).pixel_array  # noqa: B018
            return
        ds = dcmcore.dcmread(path)
        assert_same_array(ref, ds.pixel_array)
        # from the path and from a file object, without the dataset
        assert_same_array(ref, px.pixel_array(path))
        assert_same_array(ref, px.pixel_array(io.BytesIO(path.read_bytes())))
        nf = int(ds.get("NumberOfFrames", 1) or 1)
        if nf > 1:
            frames = list(px.iter_pixels(path))
            assert len(frames) == ref.shape[0]
            for i in (0, nf - 1):
                assert_same_array(ref[i], frames[i])
                assert_same_array(ref[i], px.pixel_array(path, index=i))


@pytest.mark.parametrize("path,ts", [p for p in _corpus() if p.values[1] != RLE])
def test_corpus_compress_rle_decodes_to_original_with_dcmcore_and_pydicom(path, ts):
    pytest.importorskip("dcmcore_rle")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = dcmcore.dcmread(path)
        try:
            original = ds.pixel_array
        except Exception:  # noqa: BLE001 - not decodable: nothing to compress
            pytest.skip("no decodable pixel data")
        if "PixelData" not in ds or ds.BitsAllocated == 1:
            pytest.skip("RLE needs Pixel Data with whole bytes")
        if ds.PhotometricInterpretation in ("YBR_FULL", "YBR_FULL_422"):
            original = ds.pixel_array_options(raw=True) or ds.pixel_array
        original = original.astype(original.dtype.newbyteorder("="))  # big endian sources
        ds.compress(RLE)
        assert ds.file_meta.TransferSyntaxUID == RLE
        got = ds.pixel_array
        assert_same_array(original, got)
        buf = io.BytesIO()
        dcmcore.dcmwrite(buf, ds)
        ref = pydicom.dcmread(io.BytesIO(buf.getvalue()))
        ref.pixel_array_options(raw=True)
        np.testing.assert_array_equal(original, ref.pixel_array)
