"""Shared helpers for the dcmcore-pylibjpeg tests, handed out as fixtures.

The suite runs with ``--import-mode=importlib``, so helpers are fixtures, not imports.
pydicom (and its pylibjpeg/gdcm backends) is the test-only reference; python-gdcm also
makes the JPEG Lossless and JPEG-LS test files nothing else here can encode.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import dcmcore

pydicom = pytest.importorskip("pydicom")

EXPLICIT_VR_LE = "1.2.840.10008.1.2.1"
# CT Image Storage: GDCM's writer refuses multi-frame signed or 16-bit colour data under
# the Secondary Capture classes (their IODs do not allow it), not under CT.
SOP_CLASS = "1.2.840.10008.5.1.4.1.1.2"
CORPUS = Path(pydicom.__file__).parent / "data" / "test_files"

#: pydicom's names of the transfer syntaxes the bridge decodes
SYNTAXES = {
    "1.2.840.10008.1.2.4.50": "JPEGBaseline8Bit",
    "1.2.840.10008.1.2.4.51": "JPEGExtended12Bit",
    "1.2.840.10008.1.2.4.57": "JPEGLossless",
    "1.2.840.10008.1.2.4.70": "JPEGLosslessSV1",
    "1.2.840.10008.1.2.4.80": "JPEGLSLossless",
    "1.2.840.10008.1.2.4.81": "JPEGLSNearLossless",
    "1.2.840.10008.1.2.4.90": "JPEG2000Lossless",
    "1.2.840.10008.1.2.4.91": "JPEG2000",
    "1.2.840.10008.1.2.4.201": "HTJ2KLossless",
    "1.2.840.10008.1.2.4.202": "HTJ2KLosslessRPCL",
    "1.2.840.10008.1.2.4.203": "HTJ2K",
    "1.2.840.10008.1.2.5": "RLELossless",
}


def _corpus_files() -> dict[str, str]:
    """{file name: transfer syntax UID} of every corpus file in a syntax the bridge decodes."""
    found = {}
    for path in sorted(CORPUS.rglob("*.dcm")):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                meta = pydicom.filereader.read_file_meta_info(path)
        except Exception:  # noqa: BLE001 - not a DICOM file: not corpus for us
            continue
        uid = str(meta.get("TransferSyntaxUID", ""))
        if uid in SYNTAXES:
            found[str(path.relative_to(CORPUS))] = uid
    return found


CORPUS_FILES = _corpus_files()


def _pydicom_array(src: str | Path | bytes, plugin: str = "pylibjpeg", **options: Any
                   ) -> np.ndarray:
    """pydicom's pixel_array of a path or file bytes, decoded by pydicom's `plugin` backend."""
    fp = io.BytesIO(src) if isinstance(src, bytes) else src
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = pydicom.dcmread(fp)
        ds.pixel_array_options(decoding_plugin=plugin, **options)
        return ds.pixel_array


def _dcmcore_array(src: str | Path | bytes, plugin: str = "pylibjpeg", **options: Any
                   ) -> np.ndarray:
    """dcmcore's pixel_array of a path or file bytes, through the whole pipeline."""
    fp = io.BytesIO(src) if isinstance(src, bytes) else src
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = dcmcore.dcmread(fp)
        ds.pixel_array_options(decoding_plugin=plugin, **options)
        return ds.pixel_array


def _make_dataset(arr: np.ndarray, photometric_interpretation: str, bits_stored: int) -> Any:
    """A native Explicit VR Little Endian dcmcore dataset holding `arr`.

    `arr` is ``(rows, columns)``, ``(rows, columns, 3)`` (with an RGB/YBR
    interpretation) or has a leading frame axis.
    """
    ds = dcmcore.Dataset()
    ds.file_meta = dcmcore.FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = EXPLICIT_VR_LE
    ds.SOPClassUID = SOP_CLASS
    ds.set_pixel_data(arr, photometric_interpretation, bits_stored)
    return ds


def _to_bytes(ds: Any) -> bytes:
    """The dataset written as a DICOM file (pydicom reads it back)."""
    buffer = io.BytesIO()
    ds.save_as(buffer, enforce_file_format=True)
    return buffer.getvalue()


def _image(shape: tuple[int, ...], bits_stored: int, signed: bool, seed: int = 0
           ) -> np.ndarray:
    """A smooth image with noise spanning the whole range of `bits_stored`.

    The dtype has the smallest itemsize holding `bits_stored` (8 or 16 bits).
    """
    rng = np.random.default_rng(seed)
    rows, columns = shape[-3:-1] if len(shape) >= 3 and shape[-1] == 3 else shape[-2:]
    y, x = np.mgrid[0:rows, 0:columns]
    smooth = np.sin(x / 5.0 + seed) * np.cos(y / 7.0)
    lo = -(1 << (bits_stored - 1)) if signed else 0
    hi = (1 << (bits_stored - 1)) - 1 if signed else (1 << bits_stored) - 1
    base = np.broadcast_to(smooth[..., None] if len(shape) >= 3 and shape[-1] == 3
                           else smooth, shape)
    values = (base + 1) / 2 * (hi - lo) + lo + rng.integers(-20, 21, shape)
    values.flat[:4] = [lo, hi, lo, hi]  # the extremes of the range are always present
    dtype = f"{'i' if signed else 'u'}{1 if bits_stored <= 8 else 2}"
    return np.clip(np.rint(values), lo, hi).astype(dtype)


def _gdcm_transcode(data: bytes, ts_uid: str) -> bytes:
    """Re-encode a DICOM file (bytes) to `ts_uid` with GDCM; return the new file's bytes."""
    gdcm = pytest.importorskip("gdcm")
    import os
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        src, dst = os.path.join(tmp, "in.dcm"), os.path.join(tmp, "out.dcm")
        Path(src).write_bytes(data)
        reader = gdcm.ImageReader()
        reader.SetFileName(src)
        assert reader.Read(), "gdcm could not read the source file"
        change = gdcm.ImageChangeTransferSyntax()
        change.SetTransferSyntax(gdcm.TransferSyntax(gdcm.TransferSyntax.GetTSType(ts_uid)))
        change.SetInput(reader.GetImage())
        assert change.Change(), f"gdcm could not encode {ts_uid}"
        writer = gdcm.ImageWriter()
        writer.SetFileName(dst)
        writer.SetFile(reader.GetFile())
        writer.SetImage(change.GetOutput())
        assert writer.Write()
        return Path(dst).read_bytes()


def _frames(data: bytes) -> list[bytes]:
    """The encoded frames of a DICOM file (bytes)."""
    ds = pydicom.dcmread(io.BytesIO(data))
    count = int(ds.get("NumberOfFrames", 1) or 1)
    return [bytes(f) for f in pydicom.encaps.generate_frames(ds.PixelData,
                                                             number_of_frames=count)]


@pytest.fixture
def corpus_path() -> Callable[[str], Path]:
    """Path of a file of pydicom's test corpus (shipped in its wheel)."""
    return lambda name: CORPUS / name


@pytest.fixture
def pydicom_array() -> Callable[..., np.ndarray]:
    """pydicom's array (``plugin``: its backend, default ``"pylibjpeg"``)."""
    return _pydicom_array


@pytest.fixture
def dcmcore_array() -> Callable[..., np.ndarray]:
    """dcmcore's array (``plugin``: decoding_plugin, default ``"pylibjpeg"``)."""
    return _dcmcore_array


@pytest.fixture
def make_dataset() -> Callable[..., Any]:
    """Build a native dcmcore dataset from an array with ``set_pixel_data``."""
    return _make_dataset


@pytest.fixture
def to_bytes() -> Callable[[Any], bytes]:
    """Write a dcmcore dataset as DICOM file bytes."""
    return _to_bytes


@pytest.fixture
def image() -> Callable[..., np.ndarray]:
    """A test image spanning the full range of its bits stored."""
    return _image


@pytest.fixture
def gdcm_transcode() -> Callable[[bytes, str], bytes]:
    """Re-encode DICOM file bytes to another transfer syntax with GDCM."""
    return _gdcm_transcode


@pytest.fixture
def frames_of() -> Callable[[bytes], list[bytes]]:
    """The encoded frames of DICOM file bytes."""
    return _frames


@pytest.fixture
def frame_info() -> Callable[..., Any]:
    """Build a dcmcore FrameInfo with defaults for a small 8-bit monochrome frame."""
    from dcmcore.codecs import FrameInfo

    def build(**values: Any) -> Any:
        base = dict(rows=8, columns=8, samples_per_pixel=1, bits_allocated=8, bits_stored=8,
                    pixel_representation=0, photometric_interpretation="MONOCHROME2",
                    transfer_syntax_uid="1.2.840.10008.1.2.4.50")
        base.update(values)
        return FrameInfo(**base)

    return build


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize ``corpus_file`` with every corpus file the bridge decodes."""
    if "corpus_file" in metafunc.fixturenames:
        metafunc.parametrize("corpus_file", sorted(CORPUS_FILES), ids=lambda n: n)


@pytest.fixture
def corpus_syntaxes() -> dict[str, str]:
    """{corpus file name: transfer syntax UID} for the files the bridge decodes."""
    return dict(CORPUS_FILES)
