"""Shared helpers for the dcmcore-rle tests, as fixtures (pydicom is a test-only reference).

The suite runs with ``--import-mode=importlib``, so helpers are handed out as fixtures.
"""

from __future__ import annotations

import numpy as np
import pytest


def _pydicom_decode(frames: list[bytes], rows: int, columns: int, samples: int, bits: int):
    """Decode RLE frames with pydicom's own decoder; return (frames, rows, columns[, samples])."""
    pydicom = pytest.importorskip("pydicom")
    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.encaps import encapsulate
    from pydicom.uid import RLELossless

    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = RLELossless
    ds.Rows, ds.Columns = rows, columns
    ds.SamplesPerPixel = samples
    ds.BitsAllocated = ds.BitsStored = bits
    ds.HighBit = bits - 1
    ds.PixelRepresentation = 0
    ds.PhotometricInterpretation = "RGB" if samples == 3 else "MONOCHROME2"
    if samples == 3:
        ds.PlanarConfiguration = 0
    ds.NumberOfFrames = len(frames)
    ds.PixelData = encapsulate(frames)
    ds["PixelData"].VR = "OB"
    del pydicom
    ds.pixel_array_options(decoding_plugin="pydicom")
    return ds.pixel_array.reshape(len(frames), rows, columns, *((samples,) if samples > 1 else ()))


def _pylibjpeg_decode(frame: bytes, rows: int, columns: int, samples: int, bits: int) -> np.ndarray:
    """Decode one frame with pylibjpeg-rle; return (rows, columns[, samples]) native uints."""
    utils = pytest.importorskip("rle.utils")
    raw = utils.decode_pixel_data(
        frame, version=2, rows=rows, columns=columns, bits_allocated=bits, byteorder="<"
    )
    arr = np.frombuffer(bytes(raw), dtype=f"<u{bits // 8}").reshape(samples, rows, columns)
    return arr[0] if samples == 1 else arr.transpose(1, 2, 0)


def _pylibjpeg_encode(arr: np.ndarray, bits: int) -> bytes:
    """Encode one (rows, columns[, samples]) frame with pylibjpeg-rle."""
    utils = pytest.importorskip("rle.utils")
    rows, columns = arr.shape[:2]
    samples = arr.shape[2] if arr.ndim == 3 else 1
    native = np.ascontiguousarray(arr, dtype=f"<u{bits // 8}")
    return utils.encode_pixel_data(
        native.tobytes(), rows=rows, columns=columns, samples_per_pixel=samples,
        bits_allocated=bits, byteorder="<",
    )


@pytest.fixture
def pydicom_decode():
    """pydicom's RLE decoder, through its public Dataset API."""
    return _pydicom_decode


@pytest.fixture
def pylibjpeg_decode():
    """pylibjpeg-rle's decoder."""
    return _pylibjpeg_decode


@pytest.fixture
def pylibjpeg_encode():
    """pylibjpeg-rle's encoder."""
    return _pylibjpeg_encode
