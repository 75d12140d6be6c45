"""Shared helpers for the dcmcore-jpegls tests, as fixtures (pydicom is a test-only reference).

The suite runs with ``--import-mode=importlib``, so helpers are handed out as fixtures.
"""

from __future__ import annotations

import io
import warnings
from typing import Any

import numpy as np
import pytest


def _corpus_file(name: str) -> str:
    data = pytest.importorskip("pydicom.data")
    return str(data.get_testdata_file(name))


def _pydicom_array(src: Any, backend: str) -> np.ndarray:
    """pydicom's pixel array of a path, bytes or dcmcore dataset, with `backend`."""
    pydicom = pytest.importorskip("pydicom")
    if hasattr(src, "save_as"):  # a dcmcore dataset: write it, pydicom reads the bytes
        buf = io.BytesIO()
        src.save_as(buf)
        src = buf.getvalue()
    if isinstance(src, bytes):
        src = io.BytesIO(src)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = pydicom.dcmread(src)
        ds.pixel_array_options(decoding_plugin=backend)
        return ds.pixel_array


def _dcmcore_array(src: Any, plugin: str = "pyjpegls") -> np.ndarray:
    """The whole dcmcore pipeline: read (path/bytes/dataset) and decode with `plugin`."""
    import dcmcore

    if isinstance(src, bytes):
        src = io.BytesIO(src)
    ds = src if hasattr(src, "pixel_array_options") else dcmcore.dcmread(src)
    ds.pixel_array_options(decoding_plugin=plugin)
    return ds.pixel_array


def _make_dataset(arr: np.ndarray, photometric: str, bits_stored: int) -> Any:
    """An uncompressed dcmcore dataset (CT_small's header) holding `arr`."""
    import dcmcore

    ds = dcmcore.dcmread(_corpus_file("CT_small.dcm"))
    ds.set_pixel_data(arr, photometric, bits_stored)
    return ds


def _random_frames(
    rng: np.random.Generator, shape: tuple[int, ...], bits: int, signed: bool
) -> np.ndarray:
    """Smooth gradient plus noise covering the whole range of `bits` (incl. both ends)."""
    if signed:
        low, high = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    else:
        low, high = 0, (1 << bits) - 1
    ramp = np.linspace(low, high, int(np.prod(shape[-2:]) if len(shape) > 1 else shape[0]))
    base = np.resize(ramp, shape)
    noise = rng.integers(-(1 << max(bits - 4, 1)), 1 << max(bits - 4, 1), shape)
    arr = np.clip(base + noise, low, high)
    flat = arr.reshape(-1)
    flat[0], flat[-1] = low, high
    dtype = f"{'i' if signed else 'u'}{1 if bits <= 8 else 2}"
    return arr.astype(dtype)


def _charls_encode(
    arr: np.ndarray, bits: int, near: int = 0, interleave: int = 2
) -> bytes:
    """Encode (rows, columns[, 3]) unsigned values with pyjpegls directly (no plugin)."""
    jpeg_ls = pytest.importorskip("jpeg_ls")
    samples = arr.shape[2] if arr.ndim == 3 else 1
    src = arr.astype("<u1" if bits <= 8 else "<u2")
    if samples == 3 and interleave == 0:
        src = np.ascontiguousarray(src.transpose(2, 0, 1))
    return bytes(jpeg_ls.encode_buffer(src.tobytes(), arr.shape[0], arr.shape[1], samples,
                                       bits, near, interleave if samples == 3 else 0))


def _encapsulated_file(ds_source: str, frames: list[bytes], **elements: Any) -> bytes:
    """The corpus file `ds_source` (a JPEG-LS file) with its Pixel Data replaced by `frames`
    and the given elements (keyword=value) set."""
    pydicom = pytest.importorskip("pydicom")
    from pydicom.encaps import encapsulate

    ds = pydicom.dcmread(_corpus_file(ds_source))
    for keyword, value in elements.items():
        setattr(ds, keyword, value)
    ds.PixelData = encapsulate(frames)
    if len(frames) > 1:
        ds.NumberOfFrames = len(frames)
    buf = io.BytesIO()
    ds.save_as(buf)
    return buf.getvalue()


@pytest.fixture
def corpus_file():
    """Path of a file of pydicom's test corpus."""
    return _corpus_file


@pytest.fixture
def pydicom_array():
    """pydicom's decoding (path, bytes or dcmcore dataset; backend name)."""
    return _pydicom_array


@pytest.fixture
def dcmcore_array():
    """dcmcore's whole pipeline with an explicit decoding plugin."""
    return _dcmcore_array


@pytest.fixture
def make_dataset():
    """Build an uncompressed dcmcore dataset from an array with set_pixel_data."""
    return _make_dataset


@pytest.fixture
def random_frames():
    """Test images spanning a bit depth's whole range."""
    return _random_frames


@pytest.fixture
def charls_encode():
    """pyjpegls' own encoder, to make codestreams without the plugin."""
    return _charls_encode


@pytest.fixture
def encapsulated_file():
    """A corpus JPEG-LS file with replaced frames, as bytes."""
    return _encapsulated_file
