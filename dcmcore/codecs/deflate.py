"""Builtin codecs for frames that are native data: deflated or not.

- Deflated Image Frame Compression (1.2.840.10008.1.2.8.1): each frame is the native
  (little endian, bit-packed for Bits Allocated 1) encoding of one frame, compressed
  with Deflate (RFC 1951); codec ``"deflate"``, zlib only.
- Encapsulated Uncompressed Explicit VR Little Endian (1.2.840.10008.1.2.1.98): each
  frame is the native encoding itself; codec ``"uncompressed"``.

Both are registered through the codecs registry as the builtin plugin ``"deflate"``.
"""

from __future__ import annotations

import zlib
from typing import Any, Final

import numpy as np

from dcmcore.codecs.base import Decoder as _DecoderBase
from dcmcore.codecs.base import Encoder as _EncoderBase
from dcmcore.codecs.base import FrameInfo
from dcmcore.codecs.hookspecs import hookimpl

__all__ = [
    "DEFLATED_IMAGE_FRAME", "ENCAPSULATED_UNCOMPRESSED", "DeflateDecoder", "DeflateEncoder",
    "UncompressedDecoder", "UncompressedEncoder", "decoders", "encoders",
]

DEFLATED_IMAGE_FRAME = "1.2.840.10008.1.2.8.1"
ENCAPSULATED_UNCOMPRESSED = "1.2.840.10008.1.2.1.98"



#: Inflated bytes accepted beyond a frame's expected size (padding some writers add).
FRAME_SLACK: Final = 1024


def _expected_size(info: FrameInfo) -> int:
    """Bytes of one native frame described by `info`."""
    n = int(info.rows) * int(info.columns) * int(info.samples_per_pixel)
    if int(info.bits_allocated) == 1:
        return -(-n // 8)
    return n * max(1, int(info.bits_allocated) // 8)


def _inflate(data: bytes, info: FrameInfo) -> bytes:
    """Inflate one frame, never producing more than its expected size plus a slack.

    Raises
    ------
    ValueError
        The stream is corrupt, or inflates past the frame's size (a deflate bomb): the
        inflation stops there.
    """
    expected = _expected_size(info)
    limit = expected + FRAME_SLACK
    try:
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        raw = inflater.decompress(data, limit + 1)
    except zlib.error:
        # tolerate zlib/gzip wrapped streams written by some implementations
        inflater = zlib.decompressobj(47)
        raw = inflater.decompress(data, limit + 1)
    if len(raw) > limit:
        raise ValueError(
            f"the deflated frame inflates to more than {limit} bytes ({len(data)} bytes "
            f"compressed, {expected} expected); refusing to inflate further"
        )
    return raw


def _frame_dtype(info: FrameInfo) -> np.dtype:
    """Native frames are little endian; decoders return stored values unsigned."""
    return np.dtype(f"<u{max(1, info.bits_allocated // 8)}")


class DeflateDecoder(_DecoderBase):
    """Inflate one frame and return it flat, in the native layout."""

    name = "deflate"
    transfer_syntaxes = (DEFLATED_IMAGE_FRAME,)
    priority = 50
    thread_safe = True  # zlib releases the GIL
    supports_batch = False
    options: dict[str, Any] = {}

    def unavailable_reason(self) -> str | None:
        return None

    def decode(self, data: bytes, info: FrameInfo, **options: Any) -> np.ndarray:
        return _unpack_frame(_inflate(bytes(data), info), info)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), ())


def _unpack_frame(raw: bytes, info: FrameInfo) -> np.ndarray:
    """A native frame's bytes as ``(rows, columns[, samples])``, interleaved."""
    rows, columns, samples = info.rows, info.columns, info.samples_per_pixel
    n = rows * columns * samples
    if info.bits_allocated == 1:
        need = -(-n // 8)
        if len(raw) < need:
            raise ValueError(f"the frame has {len(raw)} bytes, {need} needed")
        flat = np.unpackbits(np.frombuffer(raw, np.uint8, count=need), bitorder="little")[:n]
    else:
        dtype = _frame_dtype(info)
        need = n * dtype.itemsize
        if len(raw) < need:
            raise ValueError(f"the frame has {len(raw)} bytes, {need} needed")
        flat = np.frombuffer(raw, dtype=dtype, count=n)
    if samples == 1:
        return flat.reshape(rows, columns)
    if info.planar_configuration == 1:
        return np.moveaxis(flat.reshape(samples, rows, columns), 0, -1)
    return flat.reshape(rows, columns, samples)


class DeflateEncoder(_EncoderBase):
    """Deflate one frame given as an array shaped (rows, columns[, samples])."""

    name = "deflate"
    transfer_syntaxes = (DEFLATED_IMAGE_FRAME,)
    priority = 50
    thread_safe = True
    options: dict[str, Any] = {"level": 6}

    def unavailable_reason(self) -> str | None:
        return None

    def encode(self, arr: np.ndarray, info: FrameInfo, **options: Any) -> bytes:
        level = int(options.get("level", 6))
        comp = zlib.compressobj(level, zlib.DEFLATED, -15)
        return comp.compress(_pack_frame(arr, info)) + comp.flush()

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), ())


def _pack_frame(arr: np.ndarray, info: FrameInfo) -> bytes:
    """The native encoding of one frame given as (rows, columns[, samples])."""
    if int(info.bits_allocated) == 1:
        return np.packbits(np.asarray(arr, dtype=np.uint8).reshape(-1),
                           bitorder="little").tobytes()
    a = np.asarray(arr)
    if int(info.samples_per_pixel) > 1 and int(info.planar_configuration) == 1:
        a = np.moveaxis(a.reshape(int(info.rows), int(info.columns), -1), -1, 0)
    stored = np.dtype(f"<{'ui'[info.pixel_representation]}{max(1, info.bits_allocated // 8)}")
    return np.ascontiguousarray(a, dtype=stored).tobytes()


class UncompressedDecoder(_DecoderBase):
    """Frames of Encapsulated Uncompressed Explicit VR Little Endian: native bytes."""

    name = "uncompressed"
    transfer_syntaxes = (ENCAPSULATED_UNCOMPRESSED,)
    priority = 50
    thread_safe = True
    supports_batch = False
    options: dict[str, Any] = {}

    def unavailable_reason(self) -> str | None:
        return None

    def decode(self, data: bytes, info: FrameInfo, **options: Any) -> np.ndarray:
        return _unpack_frame(bytes(data), info)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), ())


class UncompressedEncoder(_EncoderBase):
    """Native bytes of a frame, for Encapsulated Uncompressed Explicit VR Little Endian."""

    name = "uncompressed"
    transfer_syntaxes = (ENCAPSULATED_UNCOMPRESSED,)
    priority = 50
    thread_safe = True
    options: dict[str, Any] = {}

    def unavailable_reason(self) -> str | None:
        return None

    def encode(self, arr: np.ndarray, info: FrameInfo, **options: Any) -> bytes:
        return _pack_frame(arr, info)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), ())


def decoders() -> list[Any]:
    """The builtin decoders of this module."""
    return [DeflateDecoder(), UncompressedDecoder()]


def encoders() -> list[Any]:
    """The builtin encoders of this module."""
    return [DeflateEncoder(), UncompressedEncoder()]


class DeflatePlugin:
    """The hook implementations registered with ``dcmcore.codecs`` as plugin "deflate"."""

    @staticmethod
    @hookimpl
    def dcmcore_decoders() -> list[Any]:
        return decoders()

    @staticmethod
    @hookimpl
    def dcmcore_encoders() -> list[Any]:
        return encoders()


PLUGIN_NAME = "deflate"
