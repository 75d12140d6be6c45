"""Builders of hostile inputs: deflate bombs and files with deferred values.

Shared by the reliability tests of this folder and ``tools/hostile_inputs.py``.
"""

from __future__ import annotations

import struct
import sys
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))

from encoded_bytes import (  # noqa: E402
    DEFLATED_LE,
    EXPLICIT_LE,
    UNDEFINED,
    elem,
    item,
    meta,
    part10,
    seq_delim,
    text,
)

DEFLATED_FRAMES = "1.2.840.10008.1.2.8.1"
PN = elem(0x00100010, "PN", text("Doe^John"))


def zero_stream(size: int, head: bytes = b"") -> bytes:
    """A raw deflate stream of `head` then `size` zero bytes, built in milliseconds.

    Full-flush segments of one MiB of zeros do not refer to each other, so one segment
    is compressed and repeated.
    """
    obj = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    start = obj.compress(head) + obj.flush(zlib.Z_FULL_FLUSH)
    mib, rest = divmod(size, 1 << 20)
    segment = b""
    if mib:
        obj.compress(b"\0" * (1 << 20))
        obj.flush(zlib.Z_FULL_FLUSH)
        segment = obj.compress(b"\0" * (1 << 20)) + obj.flush(zlib.Z_FULL_FLUSH)
    tail = obj.compress(b"\0" * rest) + obj.flush()
    return start + segment * mib + tail


def dataset_bomb(inflated: int) -> bytes:
    """A Deflated Explicit VR Little Endian file whose data set inflates to `inflated`
    bytes (a Pixel Data value of zeros)."""
    head = PN + struct.pack("<HH2sHL", 0x7FE0, 0x0010, b"OB", 0, min(inflated, 0xFFFFFFFE))
    return b"\0" * 128 + b"DICM" + meta(DEFLATED_LE) + zero_stream(inflated, head)


def image_pixel(rows: int, columns: int, bits: int = 16, frames: int = 1) -> bytes:
    """The Image Pixel elements of a monochrome image."""
    us = lambda tag, v: elem(tag, "US", struct.pack("<H", v))  # noqa: E731
    return (
        PN
        + us(0x00280002, 1)
        + elem(0x00280004, "CS", text("MONOCHROME2"))
        + elem(0x00280008, "IS", text(str(frames)))
        + us(0x00280010, rows)
        + us(0x00280011, columns)
        + us(0x00280100, bits)
        + us(0x00280101, bits)
        + us(0x00280102, bits - 1)
        + us(0x00280103, 0)
    )


def frame_bomb(inflated: int, rows: int = 8, columns: int = 8) -> bytes:
    """A Deflated Image Frame Compression file of one `rows` x `columns` 16-bit frame
    whose deflate stream inflates to `inflated` bytes."""
    fragment = zero_stream(inflated)
    if len(fragment) % 2:
        fragment += b"\0"
    pixels = elem(
        0x7FE00010, "OB", item() + item(fragment) + seq_delim(), length=UNDEFINED
    )
    return part10(image_pixel(rows, columns) + pixels, DEFLATED_FRAMES)


def deferred_file(value_size: int = 1 << 20) -> bytes:
    """An explicit VR file with a large OB value (to defer) between two small ones."""
    return part10(
        PN
        + elem(0x00091010, "OB", bytes(range(256)) * (value_size // 256))
        + elem(0x00100020, "LO", text("after")),
        EXPLICIT_LE,
    )
