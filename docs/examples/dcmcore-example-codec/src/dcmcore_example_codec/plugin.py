"""The ``example`` plugin: the ``example-zlib`` decoder and encoder.

Deflated Image Frame Compression (1.2.840.10008.1.2.8.1) stores each frame as
its native little-endian bytes compressed with zlib (deflate). The decoder
returns the frame's *stored* values as unsigned integers shaped
``(rows, columns[, samples])``; everything else (sign extension for Pixel
Representation 1, Bits Stored, colour conversion, the output array) is done
by dcmcore's core, the same for every plugin.
"""

from __future__ import annotations

import zlib
from typing import Any

import numpy as np

from dcmcore.codecs import Decoder, Encoder, FrameInfo, hookimpl
from dcmcore.errors import CodecError

__all__ = ["DEFLATED_IMAGE_FRAME", "ExampleZlibDecoder", "ExampleZlibEncoder"]

DEFLATED_IMAGE_FRAME = "1.2.840.10008.1.2.8.1"


def _frame_shape(info: FrameInfo) -> tuple[int, ...]:
    if info.samples_per_pixel == 1:
        return (info.rows, info.columns)
    return (info.rows, info.columns, info.samples_per_pixel)


class ExampleZlibDecoder(Decoder):
    """Inflate one frame and view its bytes as unsigned stored values."""

    name = "example-zlib"
    transfer_syntaxes = (DEFLATED_IMAGE_FRAME,)
    priority = 40               # below dcmcore's builtin "deflate" (50): tried second
    thread_safe = True          # zlib releases the GIL while inflating
    library = ""                # the work is done by Python's own zlib module
    license = "MIT"

    def decode(self, data: bytes, info: FrameInfo, **options: Any) -> np.ndarray:
        """Decode one frame.

        `data` may end with one padding byte after the zlib stream (DICOM pads
        fragments to an even length): ``decompressobj`` stops at the end of the
        stream and leaves it in ``unused_data``.
        """
        if info.bits_allocated not in (8, 16, 32):
            raise CodecError(f"example-zlib: Bits Allocated {info.bits_allocated} unsupported")
        inflater = zlib.decompressobj()
        raw = inflater.decompress(data, info.frame_length)
        if len(raw) != info.frame_length:
            raise CodecError(
                f"example-zlib: frame inflates to {len(raw)} bytes, expected "
                f"{info.frame_length}")
        dtype = np.dtype(f"<u{info.bits_allocated // 8}")
        return np.frombuffer(raw, dtype).reshape(_frame_shape(info))


class ExampleZlibEncoder(Encoder):
    """Deflate one frame's native little-endian bytes."""

    name = "example-zlib"
    transfer_syntaxes = (DEFLATED_IMAGE_FRAME,)
    priority = 40
    thread_safe = True
    library = ""
    license = "MIT"
    options = {"example_level": 6}     # options are prefixed with the plugin's name

    def encode(self, arr: np.ndarray, info: FrameInfo, **options: Any) -> bytes:
        """Encode one ``(rows, columns[, samples])`` frame; ``example_level`` 0-9."""
        dtype = np.dtype(f"<u{info.bits_allocated // 8}")
        native = np.ascontiguousarray(arr).astype(dtype, copy=False).tobytes()
        return zlib.compress(native, options["example_level"])


@hookimpl
def dcmcore_decoders() -> list[Decoder]:
    """The plugin's decoders (called by dcmcore when plugins load)."""
    return [ExampleZlibDecoder()]


@hookimpl
def dcmcore_encoders() -> list[Encoder]:
    """The plugin's encoders."""
    return [ExampleZlibEncoder()]
