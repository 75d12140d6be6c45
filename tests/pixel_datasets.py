"""Helpers for the pixel tests: synthetic datasets built with pydicom (reference only)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pydicom = pytest.importorskip("pydicom")
from pydicom.dataset import Dataset, FileMetaDataset  # noqa: E402
from pydicom.uid import ExplicitVRBigEndian, ExplicitVRLittleEndian  # noqa: E402

TEST_FILES = Path(pydicom.__file__).parent / "data" / "test_files"


def corpus_file(name: str) -> str:
    """Path of a file of pydicom's bundled corpus (never downloads)."""
    path = TEST_FILES / name
    if not path.exists():
        pytest.skip(f"{name} is not in the local pydicom corpus")
    return str(path)


def write_file(ds, tsyntax: str | None = None) -> bytes:
    """Part 10 bytes of a pydicom dataset; `tsyntax` patches a UID pydicom doesn't know.

    The file is written as JPEG-LS Lossless (a 22-byte UID, encapsulated) and the UID
    replaced by `tsyntax`, which must encode to the same padded length.
    """
    import io

    if tsyntax is None:
        buf = io.BytesIO()
        ds.save_as(buf, enforce_file_format=True)
        return buf.getvalue()
    stand_in = "1.2.840.10008.1.2.4.80"
    padded = tsyntax + "\x00" * (len(tsyntax) % 2)
    assert len(padded) == len(stand_in)
    original = ds.file_meta.TransferSyntaxUID
    ds.file_meta.TransferSyntaxUID = stand_in
    try:
        buf = io.BytesIO()
        ds.save_as(buf, enforce_file_format=True)
    finally:
        ds.file_meta.TransferSyntaxUID = original
    return buf.getvalue().replace(stand_in.encode(), padded.encode(), 1)


def native_length(rows, cols, spp, ba, frames, pi):
    bits = rows * cols * spp * ba * frames
    if pi == "YBR_FULL_422":
        bits = bits // 3 * 2
    return -(-bits // 8)


def make_ds(
    rows=5, cols=6, spp=1, ba=16, bs=None, pr=0, pi=None, pc=0, frames=1,
    tsyntax=ExplicitVRLittleEndian, keyword="PixelData", data=None, seed=0, pad=True,
    vr=None,
):
    """A pydicom dataset with random native pixel data for the given module."""
    rng = np.random.default_rng(seed)
    if pi is None:
        pi = "MONOCHROME2" if spp == 1 else "RGB"
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = tsyntax
    ds.file_meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.7"
    ds.file_meta.MediaStorageSOPInstanceUID = "1.2.3.4"
    ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.7"
    ds.SOPInstanceUID = "1.2.3.4"
    ds.Rows, ds.Columns, ds.SamplesPerPixel = rows, cols, spp
    ds.PhotometricInterpretation = pi
    ds.BitsAllocated = ba
    if keyword == "PixelData":
        ds.BitsStored = bs if bs is not None else ba
        ds.HighBit = ds.BitsStored - 1
        ds.PixelRepresentation = pr
    if spp > 1:
        ds.PlanarConfiguration = pc
    if frames != 1:
        ds.NumberOfFrames = frames
    if data is None:
        n = native_length(rows, cols, spp, ba, frames, pi)
        if keyword == "PixelData":
            data = rng.integers(0, 256, n, dtype=np.uint8).tobytes()
        else:
            dt = np.dtype("float32" if ba == 32 else "float64")
            dt = dt.newbyteorder("<" if tsyntax != ExplicitVRBigEndian else ">")
            data = rng.normal(size=n // dt.itemsize).astype(dt).tobytes()
    if pad and len(data) % 2:
        data += b"\x00"
    setattr(ds, keyword, data)
    if vr is None:
        vr = {"PixelData": "OB" if ba <= 8 else "OW", "FloatPixelData": "OF",
              "DoubleFloatPixelData": "OD"}[keyword]
    ds[keyword].VR = vr
    return ds


def assert_same_array(a, b):
    assert a.shape == b.shape, (a.shape, b.shape)
    assert a.dtype == b.dtype, (a.dtype, b.dtype)
    np.testing.assert_array_equal(a, b)
