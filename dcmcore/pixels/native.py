"""Unpacking natively encoded (uncompressed) pixel data.

Works on any buffer holding the pixel data value (or the part of it that holds
the wanted frames, read from a file), without copying when the layout allows.
"""

from __future__ import annotations

import numpy as np

from dcmcore.pixels.module import PixelModule

__all__ = [
    "frame_span", "unpack_native", "expand_ybr422", "subsample_ybr422", "pack_bits",
    "unpack_bits",
]


def frame_span(mod: PixelModule, index: int | None) -> tuple[int, int, int]:
    """Return ``(start, end, skip_bits)``: the bytes of the value holding the frames.

    `index` None means all frames. For bit-packed data the frames need not start on a
    byte boundary; the first frame starts `skip_bits` bits after byte `start`.
    For 8-bit big endian OW data the span is widened to whole 16-bit words.
    """
    frame_bits = mod.native_frame_bits
    first, count = (0, mod.number_of_frames) if index is None else (index, 1)
    start_bit = first * frame_bits
    end_bit = start_bit + count * frame_bits
    start, end = start_bit // 8, -(-end_bit // 8)
    if mod.swap_ow:
        start -= start % 2
        end += end % 2
    return start, end, start_bit - start * 8


def unpack_native(
    data: bytes | bytearray | memoryview,
    mod: PixelModule,
    n_frames: int,
    *,
    skip_bits: int = 0,
) -> tuple[np.ndarray, str]:
    """Return ``(flat array, photometric interpretation)`` for `n_frames` frames.

    `data` starts `skip_bits` bits before the first frame (see :func:`frame_span`).
    The array is a read-only view on `data` when no unpacking is needed. YBR_FULL_422
    data is expanded to YBR_FULL.
    """
    byte_offset, bit_offset = divmod(skip_bits, 8)
    pi = mod.photometric_interpretation
    ppf = mod.pixels_per_frame
    if mod.swap_ow:
        buf = np.frombuffer(data, dtype=np.uint8)
        if buf.size % 2:
            buf = np.concatenate([buf, np.zeros(1, np.uint8)])
        buf = buf.view(np.uint16).byteswap().view(np.uint8)
        data = buf.data

    if mod.bits_allocated == 1:
        nbytes = -(-(bit_offset + ppf * n_frames) // 8)
        packed = np.frombuffer(data, dtype=np.uint8, count=nbytes, offset=byte_offset)
        bits = np.unpackbits(packed, bitorder="little")
        return bits[bit_offset : bit_offset + ppf * n_frames], pi

    count = mod.native_frame_bits // mod.bits_allocated * n_frames
    arr = np.frombuffer(data, dtype=mod.dtype, count=count, offset=byte_offset)
    if pi == "YBR_FULL_422" and not mod.encapsulated:
        return expand_ybr422(arr), "YBR_FULL"
    return arr, pi


def expand_ybr422(arr: np.ndarray) -> np.ndarray:
    """Expand sub-sampled ``Y1 Y2 Cb Cr`` groups to ``Y1 Cb Cr Y2 Cb Cr`` (flat arrays)."""
    groups = arr.reshape(-1, 4)
    out = np.empty((groups.shape[0], 2, 3), dtype=arr.dtype)
    out[:, 0, 0] = groups[:, 0]
    out[:, 1, 0] = groups[:, 1]
    out[:, :, 1] = groups[:, 2:3]
    out[:, :, 2] = groups[:, 3:4]
    return out.reshape(-1)


def subsample_ybr422(arr: np.ndarray) -> np.ndarray:
    """Inverse of :func:`expand_ybr422`: keep the chroma of the first pixel of each pair."""
    pairs = np.ascontiguousarray(arr).reshape(-1, 2, 3)
    out = np.empty((pairs.shape[0], 4), dtype=arr.dtype)
    out[:, 0] = pairs[:, 0, 0]
    out[:, 1] = pairs[:, 1, 0]
    out[:, 2] = pairs[:, 0, 1]
    out[:, 3] = pairs[:, 0, 2]
    return out.reshape(-1)


def pack_bits(arr: np.ndarray, pad: bool = True) -> bytes:
    """Pack an array of 0/1 values little-bit-first, as Bits Allocated 1 data is stored."""
    flat = np.ascontiguousarray(arr).reshape(-1)
    if flat.size and (flat.min() < 0 or flat.max() > 1):
        raise ValueError("Only binary arrays (containing ones or zeroes) can be packed")
    out = np.packbits(flat.astype(np.uint8), bitorder="little").tobytes()
    if pad and len(out) % 2:
        out += b"\x00"
    return out


def unpack_bits(src: bytes | bytearray | memoryview, as_array: bool = True
                ) -> np.ndarray | bytes:
    """Unpack bit-packed (Bits Allocated 1) data, least significant bit first.

    Returns a uint8 array of 0/1 values, or its bytes when `as_array` is False.
    """
    bits = np.unpackbits(np.frombuffer(src, dtype=np.uint8), bitorder="little")
    return bits if as_array else bits.tobytes()
