"""Shared helpers for the dcmcore-pillow tests, as fixtures (pydicom is a test-only reference).

The suite runs with ``--import-mode=importlib``, so helpers are handed out as fixtures.
"""

from __future__ import annotations

import copy
import io
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest

JPEG_BASELINE = "1.2.840.10008.1.2.4.50"
JPEG_EXTENDED = "1.2.840.10008.1.2.4.51"


def _smooth_rgb(frames: int, rows: int, columns: int, seed: int = 0) -> np.ndarray:
    """Smooth colour gradients with a little noise, uint8 (frames, rows, columns, 3)."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:rows, 0:columns].astype(np.float32)
    out = np.empty((frames, rows, columns, 3), dtype=np.uint8)
    for f in range(frames):
        r = 128 + 100 * np.sin(x / 17 + f) * np.cos(y / 23)
        g = 128 + 90 * np.cos((x + y) / 29 + f)
        b = 128 + 80 * np.sin(np.hypot(x - columns / 2, y - rows / 2) / 11 + f)
        img = np.stack([r, g, b], -1) + rng.normal(0, 2, (rows, columns, 3))
        out[f] = np.clip(img, 0, 255).astype(np.uint8)
    return out


def _smooth_grey(frames: int, rows: int, columns: int, seed: int = 0) -> np.ndarray:
    """Smooth greyscale frames, uint8 (frames, rows, columns)."""
    return _smooth_rgb(frames, rows, columns, seed)[..., 1].copy()


def _new_dataset(arr: np.ndarray, photometric: str, bits_stored: int = 8):
    """A dcmcore dataset (CT_small's attributes) holding `arr` as native pixel data.

    `arr` is (rows, columns[, 3]) for one frame or (frames, rows, columns[, 3]).
    """
    from pydicom.data import get_testdata_file

    import dcmcore

    ds = dcmcore.dcmread(get_testdata_file("CT_small.dcm"))
    ds.set_pixel_data(arr, photometric, bits_stored)
    return ds


def _to_pydicom(ds):
    """Write the dcmcore dataset and read it back with pydicom."""
    import pydicom

    buffer = io.BytesIO()
    ds.save_as(buffer)
    return pydicom.dcmread(io.BytesIO(buffer.getvalue()))


def _pydicom_array(source, backend: str, **options) -> np.ndarray:
    """pydicom's pixel_array of a path or pydicom dataset with the named backend."""
    import pydicom

    ds = pydicom.dcmread(source) if isinstance(source, str) else copy.deepcopy(source)
    ds.pixel_array_options(decoding_plugin=backend, **options)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ds.pixel_array


def _dcmcore_array(source, **options) -> np.ndarray:
    """dcmcore's pixel_array through the whole pipeline with the pillow plugin."""
    import dcmcore

    ds = dcmcore.dcmread(source) if isinstance(source, str) else source
    ds.pixel_array_options(decoding_plugin="pillow", **options)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ds.pixel_array


def _pillow_jpeg(arr: np.ndarray, **save) -> bytes:
    """A JPEG codestream of one (rows, columns[, 3]) uint8 frame written by Pillow."""
    from PIL import Image

    mode = "L" if arr.ndim == 2 else "RGB"
    image = Image.frombytes(mode, (arr.shape[1], arr.shape[0]), np.ascontiguousarray(arr))
    out = io.BytesIO()
    image.save(out, "JPEG", **save)
    return out.getvalue()


def _encapsulated_dataset(frames: list[bytes], rows: int, columns: int, samples: int,
                          photometric: str, syntax: str = JPEG_BASELINE, bits: int = 8):
    """A dcmcore dataset whose Pixel Data encapsulates the given codestreams."""
    from dcmcore.pixels import encapsulate

    shape = (len(frames), rows, columns) + ((samples,) if samples > 1 else ())
    ds = _new_dataset(np.zeros(shape, dtype=np.uint8), photometric)
    ds.BitsAllocated = 8 if bits <= 8 else 16
    ds.BitsStored = bits
    ds.HighBit = bits - 1
    ds.PixelData = encapsulate(frames)
    ds["PixelData"].VR = "OB"
    ds.file_meta.TransferSyntaxUID = syntax
    return ds


def _frame_info(rows: int, columns: int, samples: int = 1, photometric: str = "MONOCHROME2",
                bits_allocated: int = 8, bits_stored: int = 8, pixel_representation: int = 0,
                syntax: str = JPEG_BASELINE):
    from dcmcore.codecs import FrameInfo

    return FrameInfo(rows, columns, samples, bits_allocated, bits_stored, pixel_representation,
                     photometric, 0, 1, syntax)


def _run_child(code: str, timeout: float = 120.0) -> subprocess.CompletedProcess:
    """Run `code` in a fresh interpreter (crashes and memory blow-ups stay there)."""
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=timeout)


def _max_error(a: np.ndarray, b: np.ndarray) -> int:
    assert a.shape == b.shape, (a.shape, b.shape)
    return int(np.abs(a.astype(np.int32) - b.astype(np.int32)).max())


@pytest.fixture
def smooth_rgb():
    """Smooth colour test frames: ``smooth_rgb(frames, rows, columns, seed=0)``."""
    return _smooth_rgb


@pytest.fixture
def smooth_grey():
    """Smooth greyscale test frames: ``smooth_grey(frames, rows, columns, seed=0)``."""
    return _smooth_grey


@pytest.fixture
def new_dataset():
    """``new_dataset(arr, photometric, bits_stored=8)``: a native dcmcore dataset."""
    return _new_dataset


@pytest.fixture
def to_pydicom():
    """``to_pydicom(ds)``: save a dcmcore dataset and read it with pydicom."""
    return _to_pydicom


@pytest.fixture
def pydicom_array():
    """``pydicom_array(path_or_dataset, backend, **options)``: pydicom's decode."""
    pytest.importorskip("pydicom")
    return _pydicom_array


@pytest.fixture
def dcmcore_array():
    """``dcmcore_array(path_or_dataset, **options)``: dcmcore's decode with this plugin."""
    return _dcmcore_array


@pytest.fixture
def pillow_jpeg():
    """``pillow_jpeg(arr, **save_options)``: a codestream written by Pillow directly."""
    return _pillow_jpeg


@pytest.fixture
def encapsulated_dataset():
    """``encapsulated_dataset(frames, rows, columns, samples, photometric, syntax)``."""
    return _encapsulated_dataset


@pytest.fixture
def frame_info():
    """``frame_info(rows, columns, samples=1, photometric="MONOCHROME2", ...)``."""
    return _frame_info


@pytest.fixture
def run_child():
    """``run_child(code)``: run Python code in a child process, return the result."""
    return _run_child


@pytest.fixture
def max_error():
    """``max_error(a, b)``: the largest absolute difference of two same-shape arrays."""
    return _max_error


@pytest.fixture
def decoder():
    from dcmcore_pillow.plugin import PillowJPEGDecoder

    return PillowJPEGDecoder()


@pytest.fixture
def encoder():
    from dcmcore_pillow.plugin import PillowJPEGEncoder

    return PillowJPEGEncoder()
