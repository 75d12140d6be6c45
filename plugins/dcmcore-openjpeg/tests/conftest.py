"""Shared helpers for the dcmcore-openjpeg tests, as fixtures (pydicom is a test-only reference).

The suite runs with ``--import-mode=importlib``, so helpers are handed out as fixtures.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import dcmcore
from dcmcore.pixels import encapsulate

DATA = Path(__file__).parent / "data"
JPEG2000_LOSSLESS = "1.2.840.10008.1.2.4.90"
JPEG2000 = "1.2.840.10008.1.2.4.91"
HTJ2K_LOSSLESS = "1.2.840.10008.1.2.4.201"
HTJ2K_LOSSLESS_RPCL = "1.2.840.10008.1.2.4.202"
HTJ2K = "1.2.840.10008.1.2.4.203"


def _corpus(name: str) -> str:
    """Path of a file shipped in pydicom's wheel (never downloads)."""
    pydicom = pytest.importorskip("pydicom")
    path = Path(pydicom.__file__).parent / "data" / "test_files" / name
    if not path.is_file():
        pytest.skip(f"{name} is not in this pydicom's wheel")
    return str(path)


def _ours(source: Any, **options: Any) -> np.ndarray:
    """The array dcmcore gives through the whole pipeline with the 'openjpeg' decoder."""
    ds = source if isinstance(source, dcmcore.Dataset) else dcmcore.dcmread(source)
    ds.pixel_array_options(decoding_plugin="openjpeg", **options)
    return ds.pixel_array


def _as_file(ds: Any) -> io.BytesIO:
    buf = io.BytesIO()
    ds.save_as(buf)
    buf.seek(0)
    return buf


def _pydicom_array(source: Any, plugin: str = "pylibjpeg") -> np.ndarray:
    """pydicom 3's array for a path or a dcmcore dataset, with the given backend."""
    pydicom = pytest.importorskip("pydicom")
    if isinstance(source, dcmcore.Dataset):
        source = _as_file(source)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = pydicom.dcmread(source)
        ds.pixel_array_options(decoding_plugin=plugin)
        return ds.pixel_array


def _pydicom_dataset(ds: Any) -> Any:
    """The dcmcore dataset `ds` written and read back by pydicom."""
    pydicom = pytest.importorskip("pydicom")
    return pydicom.dcmread(_as_file(ds))


def _encapsulated(frames: list[bytes], transfer_syntax: str, *, rows: int, columns: int,
                  samples: int = 1, bits_allocated: int = 16, bits_stored: int | None = None,
                  signed: bool = False, photometric: str | None = None) -> Any:
    """A dcmcore dataset (CT_small's attributes) holding `frames` under `transfer_syntax`."""
    ds = dcmcore.dcmread(_corpus("CT_small.dcm"))
    ds.Rows, ds.Columns = rows, columns
    ds.SamplesPerPixel = samples
    ds.BitsAllocated = bits_allocated
    ds.BitsStored = bits_stored or bits_allocated
    ds.HighBit = ds.BitsStored - 1
    ds.PixelRepresentation = int(signed)
    ds.PhotometricInterpretation = photometric or ("RGB" if samples == 3 else "MONOCHROME2")
    if samples == 3:
        ds.PlanarConfiguration = 0
    ds.NumberOfFrames = len(frames)
    ds.PixelData = encapsulate(frames)
    ds["PixelData"].VR = "OB"
    ds.file_meta.TransferSyntaxUID = transfer_syntax
    return ds


def _native(arr: np.ndarray, photometric: str, bits_stored: int) -> Any:
    """A native dcmcore dataset (CT_small's other attributes) holding `arr`."""
    ds = dcmcore.dcmread(_corpus("CT_small.dcm"))
    ds.set_pixel_data(arr, photometric, bits_stored)
    return ds


def _image(kind: str, shape: tuple[int, ...], bits: int, signed: bool, seed: int = 0,
           frames: int = 0) -> np.ndarray:
    """A test image of `shape` (rows, columns[, samples]) with values in the `bits` range.

    `kind` "ramp" is a smooth ramp plus noise (compresses, covers the whole range),
    "noise" uniform noise. With `frames`, a stack of that many different images.
    """
    if frames:
        return np.stack([_image(kind, shape, bits, signed, seed + i) for i in range(frames)])
    rng = np.random.default_rng(seed)
    lo, hi = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed else (0, (1 << bits) - 1)
    if kind == "noise":
        values = rng.integers(lo, hi, shape, endpoint=True)
    else:  # a smooth ramp with noise: compresses, exercises every value range
        rows, columns = shape[:2]
        ramp = np.add.outer(np.linspace(0, 1, rows), np.linspace(0, 1, columns)) / 2
        if len(shape) == 3:
            ramp = np.stack([np.roll(ramp, 7 * i, axis=1) for i in range(shape[2])], axis=-1)
        values = lo + ramp * (hi - lo) + rng.normal(0, (hi - lo) / 200, shape)
        values = np.clip(np.rint(values), lo, hi)
    itemsize = 1 if bits <= 8 else 2
    return values.astype(f"{'i' if signed else 'u'}{itemsize}")


@pytest.fixture
def corpus():
    """Path of a pydicom test file by name."""
    return _corpus


@pytest.fixture
def ours():
    """dcmcore's whole-pipeline array with decoding_plugin='openjpeg'."""
    return _ours


@pytest.fixture
def pydicom_array():
    """pydicom 3's array for a path or dcmcore dataset (backend 'pylibjpeg' or 'gdcm')."""
    return _pydicom_array


@pytest.fixture
def pydicom_dataset():
    """A dcmcore dataset written and read back by pydicom."""
    return _pydicom_dataset


@pytest.fixture
def encapsulated():
    """Build a dcmcore dataset from encoded frames."""
    return _encapsulated


@pytest.fixture
def native():
    """Build a native dcmcore dataset from an array."""
    return _native


@pytest.fixture
def image():
    """Deterministic test images."""
    return _image


@pytest.fixture
def htj2k():
    """The HTJ2K codestreams made by OpenJPH (see tests/data/make_htj2k.py), by file name."""
    return lambda name: (DATA / name).read_bytes()


@pytest.fixture
def frames_of():
    """The encoded frames of a dcmcore dataset, read back with pydicom."""

    def frames(ds: Any) -> list[bytes]:
        pytest.importorskip("pydicom")
        from pydicom.encaps import generate_frames

        pds = _pydicom_dataset(ds)
        count = int(pds.get("NumberOfFrames", 1) or 1)
        return [bytes(f) for f in generate_frames(pds.PixelData, number_of_frames=count)]

    return frames
