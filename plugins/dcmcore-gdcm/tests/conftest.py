"""Shared helpers for the dcmcore-gdcm tests, as fixtures (pydicom is a test-only reference).

The suite runs with ``--import-mode=importlib``, so helpers are handed out as fixtures.
The child-process runner (:class:`ChildDecoder`) lets tests feed GDCM inputs that may
abort the process: a crash or hang kills only the child, and is reported.
"""

from __future__ import annotations

import io
import os
import pickle
import select
import struct
import subprocess
import sys
import warnings
from typing import Any

import numpy as np
import pytest

pytest.importorskip("gdcm")

# ---- corpus and references ------------------------------------------------------------


def _corpus_file(name: str) -> str:
    data = pytest.importorskip("pydicom.data")
    return str(data.get_testdata_file(name))


def _pydicom_array(src: Any, backend: str, **options: Any) -> np.ndarray:
    """pydicom's pixel array of a path, bytes or dcmcore dataset, decoded by `backend`."""
    pydicom = pytest.importorskip("pydicom")
    if hasattr(src, "save_as"):
        buf = io.BytesIO()
        src.save_as(buf)
        src = buf.getvalue()
    if isinstance(src, bytes):
        src = io.BytesIO(src)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = pydicom.dcmread(src)
        ds.pixel_array_options(decoding_plugin=backend, **options)
        return ds.pixel_array


def _dcmcore_array(src: Any, plugin: str = "gdcm", **options: Any) -> np.ndarray:
    """dcmcore's whole pipeline: read (path, bytes or dataset), decode with `plugin`."""
    import dcmcore

    if isinstance(src, bytes):
        src = io.BytesIO(src)
    ds = src if hasattr(src, "pixel_array_options") else dcmcore.dcmread(src)
    ds.pixel_array_options(decoding_plugin=plugin, **options)
    return ds.pixel_array


def _make_dataset(arr: np.ndarray, photometric: str, bits_stored: int) -> Any:
    """An uncompressed dcmcore dataset (CT_small's header) holding `arr`."""
    import dcmcore

    ds = dcmcore.dcmread(_corpus_file("CT_small.dcm"))
    ds.set_pixel_data(arr, photometric, bits_stored)
    return ds


def _test_image(rng: np.random.Generator, shape: tuple[int, ...], bits: int,
                signed: bool = False) -> np.ndarray:
    """A gradient plus noise spanning the whole range of `bits`, both ends included."""
    low, high = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed else (0, (1 << bits) - 1)
    count = int(np.prod(shape))
    ramp = np.linspace(low, high, count).reshape(shape)
    spread = 1 << max(bits - 5, 1)
    arr = np.clip(ramp + rng.integers(-spread, spread + 1, shape), low, high)
    flat = arr.reshape(-1)
    flat[0], flat[-1] = low, high
    return arr.astype(f"{'i' if signed else 'u'}{1 if bits <= 8 else 2}")


def _frame_info(ds: Any, **changes: Any) -> Any:
    """The FrameInfo of a pydicom dataset's pixel data, with `changes`."""
    from dcmcore.codecs import FrameInfo

    fields = {
        "rows": int(ds.Rows),
        "columns": int(ds.Columns),
        "samples_per_pixel": int(ds.SamplesPerPixel),
        "bits_allocated": int(ds.BitsAllocated),
        "bits_stored": int(ds.BitsStored),
        "pixel_representation": int(ds.PixelRepresentation),
        "photometric_interpretation": str(ds.PhotometricInterpretation),
        "planar_configuration": int(ds.get("PlanarConfiguration", 0) or 0),
        "number_of_frames": int(ds.get("NumberOfFrames", 1) or 1),
        "transfer_syntax_uid": str(ds.file_meta.TransferSyntaxUID),
    }
    fields.update(changes)
    return FrameInfo(**fields)


def _first_frame(name: str) -> tuple[bytes, Any]:
    """(first frame's codestream, FrameInfo) of a corpus file."""
    pydicom = pytest.importorskip("pydicom")
    from pydicom.encaps import generate_frames

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = pydicom.dcmread(_corpus_file(name))
        frames = int(ds.get("NumberOfFrames", 1) or 1)
        frame = next(generate_frames(ds.PixelData, number_of_frames=frames))
    return bytes(frame), _frame_info(ds)


# ---- child processes --------------------------------------------------------------------

_WORKER = r"""
import os, pickle, struct, sys
os.dup2(os.open(os.devnull, os.O_WRONLY), 2)  # GDCM, libjpeg and OpenJPEG print to stderr
from dcmcore.codecs import FrameInfo
from dcmcore_gdcm import gdcm_io
from dcmcore_gdcm.plugin import GDCMDecoder, GDCMEncoder
decoder, encoder = GDCMDecoder(), GDCMEncoder()
read, write = sys.stdin.buffer, sys.stdout.buffer
while True:
    head = read.read(4)
    if len(head) < 4:
        break
    kind, payload, fields, options = pickle.loads(read.read(struct.unpack("<I", head)[0]))
    try:
        if kind == "decode":
            out = decoder.decode(payload, FrameInfo(*fields))
            arr = getattr(out, "array", out)
            result = ("ok", arr.shape, arr.dtype.str)
        elif kind == "encode":
            out = encoder.encode(payload, FrameInfo(*fields), **encoder.accepted_options(options))
            result = ("ok", len(getattr(out, "data", out)))
        elif kind == "raw_decode":  # straight to GDCM, no checks (positive control)
            info = FrameInfo(*fields)
            image = gdcm_io.read_image(
                payload, info.transfer_syntax_uid, rows=info.rows, columns=info.columns,
                samples_per_pixel=info.samples_per_pixel, bits_allocated=info.bits_allocated,
                pixel_representation=info.pixel_representation,
                photometric_interpretation=info.photometric_interpretation)
            result = ("ok", len(image.data))
        elif kind == "raw_encode":  # straight to GDCM, no checks (positive control)
            data, _ = gdcm_io.encode_image(payload, fields[-1], bits_stored=fields[4],
                                           pixel_representation=fields[5],
                                           photometric_interpretation=fields[6])
            result = ("ok", len(data))
        elif kind == "limit_memory":  # address space: current size + payload bytes
            import resource
            status = open("/proc/self/status").read()
            size = int(status.split("VmSize:")[1].split()[0]) * 1024
            resource.setrlimit(resource.RLIMIT_AS, (size + payload, size + payload))
            result = ("ok", size + payload)
        else:
            os.abort()
    except Exception as exc:  # noqa: BLE001 - reported to the parent
        result = ("error", type(exc).__name__, str(exc)[:300])
    blob = pickle.dumps(result)
    write.write(struct.pack("<I", len(blob)) + blob)
    write.flush()
"""


class ChildDecoder:
    """Run GDCM decodes/encodes in a child process; a crash or hang kills only the child.

    ``run(kind, payload, fields, options)`` returns ``("ok", ...)``, ``("error", type,
    message)``, ``("crash", returncode)`` or ``("hang",)``; a crashed or hung child is
    replaced by a fresh one.
    """

    def __init__(self, timeout: float = 20.0) -> None:
        self.timeout = timeout
        self.proc: subprocess.Popen[bytes] | None = None

    def _start(self) -> subprocess.Popen[bytes]:
        if self.proc is None:
            self.proc = subprocess.Popen(
                [sys.executable, "-c", _WORKER], stdin=subprocess.PIPE, stdout=subprocess.PIPE
            )
        return self.proc

    def _discard(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None

    def run(self, kind: str, payload: Any, fields: tuple, options: dict | None = None) -> tuple:
        proc = self._start()
        assert proc.stdin is not None and proc.stdout is not None
        blob = pickle.dumps((kind, payload, tuple(fields), options or {}))
        try:
            proc.stdin.write(struct.pack("<I", len(blob)) + blob)
            proc.stdin.flush()
        except BrokenPipeError:
            code = proc.wait()
            self.proc = None
            return ("crash", code)
        fd, buf = proc.stdout.fileno(), b""
        while True:
            ready, _, _ = select.select([fd], [], [], self.timeout)
            if not ready:
                self._discard()
                return ("hang",)
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                code = proc.wait()
                self.proc = None
                return ("crash", code)
            buf += chunk
            if len(buf) >= 4 and len(buf) >= 4 + struct.unpack("<I", buf[:4])[0]:
                return tuple(pickle.loads(buf[4:]))

    def close(self) -> None:
        if self.proc is not None:
            assert self.proc.stdin is not None
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._discard()
            self.proc = None


@pytest.fixture
def child():
    """A :class:`ChildDecoder`, closed after the test."""
    if sys.platform == "win32":  # select() on pipes
        pytest.skip("the child-process runner needs select() on pipes")
    runner = ChildDecoder()
    yield runner
    runner.close()


# ---- fixtures -------------------------------------------------------------------------


@pytest.fixture
def corpus_file():
    """Path of a file of pydicom's test corpus."""
    return _corpus_file


@pytest.fixture
def pydicom_array():
    """pydicom's decoding (path, bytes or dcmcore dataset; backend name; options)."""
    return _pydicom_array


@pytest.fixture
def dcmcore_array():
    """dcmcore's whole pipeline with an explicit decoding plugin (default "gdcm")."""
    return _dcmcore_array


@pytest.fixture
def make_dataset():
    """Build an uncompressed dcmcore dataset from an array with set_pixel_data."""
    return _make_dataset


@pytest.fixture
def test_image():
    """Test images spanning a bit depth's whole range."""
    return _test_image


@pytest.fixture
def first_frame():
    """(codestream, FrameInfo) of a corpus file's first frame."""
    return _first_frame


@pytest.fixture
def frame_info():
    """FrameInfo of a pydicom dataset, with changes."""
    return _frame_info
