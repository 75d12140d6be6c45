"""dcmcore plugin: the ``"rle"`` decoder and encoder for RLE Lossless.

Registered through the ``dcmcore`` entry-point group (``rle = "dcmcore_rle.plugin"``).

``thread_safe`` is False for both: they hold the GIL most of the time (the
decoder's ``bytes.translate`` and ``numpy.repeat``, which do most of its work,
keep it), so threads give no speedup; the core runs parallel decodes in
processes instead, which the codecs support (they pickle and keep no state;
work arrays are per thread, so threads would still be correct).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dcmcore.codecs import Decoder, Encoder, FrameInfo, hookimpl
from dcmcore.errors import PixelDataError
from dcmcore_rle import rle

__all__ = ["RLEDecoder", "RLEEncoder", "RLEPixelDataError", "RLE_LOSSLESS"]

RLE_LOSSLESS = "1.2.840.10008.1.2.5"


class RLEPixelDataError(PixelDataError, rle.RLEError):
    """Invalid RLE data or parameters (a dcmcore ``PixelDataError`` and a ``ValueError``)."""


class RLEDecoder(Decoder):
    """Native numpy RLE Lossless decoder.

    Options
    -------
    rle_segment_order : str
        ``">"`` (default, the standard: most significant byte first) or ``"<"``
        for non-conformant data whose segments are least significant first.
    """

    name = "rle"
    transfer_syntaxes = (RLE_LOSSLESS,)
    priority = 50
    thread_safe = False
    options = {"rle_segment_order": ">"}

    def decode(self, data: bytes, info: FrameInfo, **options: Any) -> np.ndarray:
        """Decode one frame to ``(rows, columns[, samples])`` unsigned ints."""
        order = options.get("rle_segment_order", ">")
        try:
            return rle.decode_frame(
                data,
                info.rows,
                info.columns,
                info.samples_per_pixel,
                info.bits_allocated,
                segment_order=order,
            )
        except RLEPixelDataError:
            raise
        except rle.RLEError as exc:
            raise RLEPixelDataError(str(exc)) from exc


class RLEEncoder(Encoder):
    """Native numpy RLE Lossless encoder (one segment per byte plane, MSB first)."""

    name = "rle"
    transfer_syntaxes = (RLE_LOSSLESS,)
    priority = 50
    thread_safe = False

    def encode(self, arr: np.ndarray, info: FrameInfo, **options: Any) -> bytes:
        """Encode one ``(rows, columns[, samples])`` frame."""
        try:
            return rle.encode_frame(
                arr,
                info.rows,
                info.columns,
                info.samples_per_pixel,
                info.bits_allocated,
            )
        except rle.RLEError as exc:
            raise RLEPixelDataError(str(exc)) from exc


@hookimpl
def dcmcore_decoders() -> list[Decoder]:
    """Return the RLE decoder."""
    return [RLEDecoder()]


@hookimpl
def dcmcore_encoders() -> list[Encoder]:
    """Return the RLE encoder."""
    return [RLEEncoder()]
