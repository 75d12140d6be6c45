"""pydicom's ``fileutil`` module: helpers for buffers and undefined-length values.

Examples
--------
>>> import io
>>> from dcmcore.fileutil import read_buffer
>>> b"".join(read_buffer(io.BytesIO(b"abcdef"), chunk_size=4))
b'abcdef'
"""

from __future__ import annotations

import io
import logging
import os
import struct
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from typing import Any, BinaryIO

from dcmcore import config
from dcmcore.io.reader import size_in_bytes
from dcmcore.tag import BaseTag, ItemTag, SequenceDelimiterTag

__all__ = [
    "absorb_delimiter_item",
    "buffer_equality",
    "buffer_length",
    "buffer_remaining",
    "check_buffer",
    "find_bytes",
    "find_delimiter",
    "length_of_undefined_length",
    "path_from_pathlike",
    "read_buffer",
    "read_undefined_length_value",
    "reset_buffer_position",
]

logger = logging.getLogger("dcmcore")

PathType = str | bytes | os.PathLike[Any]


def check_buffer(buffer: io.BufferedIOBase) -> None:
    """Check that `buffer` is an open, readable and seekable :class:`io.BufferedIOBase`.

    Raises
    ------
    TypeError
        If it is not an :class:`io.BufferedIOBase`.
    ValueError
        If it is closed, not readable or not seekable.
    """
    if not isinstance(buffer, io.BufferedIOBase):
        raise TypeError("the buffer must inherit from 'io.BufferedIOBase'")
    if buffer.closed:
        raise ValueError("the buffer has been closed")
    if not buffer.readable() or not buffer.seekable():
        raise ValueError("the buffer must be readable and seekable")


@contextmanager
def reset_buffer_position(buffer: io.BufferedIOBase) -> Generator[int, None, None]:
    """Yield the position of `buffer`, and move it back there when the block ends."""
    check_buffer(buffer)
    start = buffer.tell()
    try:
        yield start
    finally:
        buffer.seek(start)


def read_buffer(buffer: io.BufferedIOBase, *, chunk_size: int | None = None) -> Iterator[bytes]:
    """Yield the rest of `buffer` in chunks of `chunk_size` bytes.

    Parameters
    ----------
    chunk_size : int, optional
        Default: ``config.settings.buffered_read_size`` (8192).

    Raises
    ------
    ValueError
        If `chunk_size` is not positive.
    """
    size = config.settings.buffered_read_size if chunk_size is None else chunk_size
    if size <= 0:
        raise ValueError(f"Invalid 'chunk_size' value '{size}', must be greater than 0")
    check_buffer(buffer)
    while chunk := buffer.read(size):
        yield chunk


def buffer_length(buffer: io.BufferedIOBase) -> int:
    """Return the total length of `buffer` (its position is kept)."""
    with reset_buffer_position(buffer):
        return buffer.seek(0, os.SEEK_END)


def buffer_remaining(buffer: io.BufferedIOBase) -> int:
    """Return the number of bytes from the position of `buffer` to its end."""
    with reset_buffer_position(buffer) as start:
        return buffer.seek(0, os.SEEK_END) - start


def buffer_equality(
    buffer: io.BufferedIOBase, other: bytes | bytearray | io.BufferedIOBase
) -> bool:
    """Return whether the whole content of `buffer` equals `other` (bytes or a buffer)."""
    if not isinstance(other, (bytes, bytearray, io.BufferedIOBase)):
        return False
    with reset_buffer_position(buffer):
        buffer.seek(0)
        if isinstance(other, (bytes, bytearray)):
            start = 0
            for chunk in read_buffer(buffer):
                if other[start : start + len(chunk)] != chunk:
                    return False
                start += len(chunk)
            return start == len(other)
        if buffer_length(buffer) != buffer_length(other):
            return False
        with reset_buffer_position(other):
            other.seek(0)
            return all(a == b for a, b in zip(read_buffer(buffer), read_buffer(other)))


def path_from_pathlike(file_object: Any) -> str | BinaryIO:
    """Return the path of a path-like `file_object`, or `file_object` itself."""
    try:
        return os.fspath(file_object)
    except TypeError:
        return file_object


def absorb_delimiter_item(fp: BinaryIO, is_little_endian: bool, delimiter: BaseTag) -> None:
    """Read the 8-byte `delimiter` item at the position of `fp`.

    If something else is there, log it and move back to where it started.
    """
    group, elem, length = struct.unpack("<HHL" if is_little_endian else ">HHL", fp.read(8))
    if (group << 16 | elem) != delimiter:
        logger.warning(
            f"Did not find expected delimiter {delimiter}, instead found "
            f"({group:04X},{elem:04X}) at file position 0x{fp.tell() - 8:X}"
        )
        fp.seek(fp.tell() - 8)


def find_bytes(
    fp: BinaryIO, bytes_to_find: bytes, read_size: int = 128, rewind: bool = True
) -> int | None:
    """Return the position of the next `bytes_to_find` in `fp`, else None.

    `fp` is moved back to where it started when `rewind`, else left just after
    what was found (or at the end).
    """
    start = fp.tell()
    overlap = len(bytes_to_find) - 1
    carry = b""
    offset = start
    while True:
        chunk = fp.read(read_size)
        data = carry + chunk
        index = data.find(bytes_to_find)
        if index != -1:
            found = offset - len(carry) + index
            fp.seek(start if rewind else found + len(bytes_to_find))
            return found
        if not chunk:
            if rewind:
                fp.seek(start)
            return None
        offset += len(chunk)
        carry = data[-overlap:] if overlap else b""


def find_delimiter(
    fp: BinaryIO,
    delimiter: BaseTag,
    is_little_endian: bool,
    read_size: int = 128,
    rewind: bool = True,
) -> int | None:
    """Return the position of the next `delimiter` tag in `fp`, else None."""
    pattern = struct.pack("<HH" if is_little_endian else ">HH", delimiter >> 16, delimiter & 0xFFFF)
    return find_bytes(fp, pattern, read_size=read_size, rewind=rewind)


def length_of_undefined_length(
    fp: BinaryIO,
    delimiter: BaseTag,
    is_little_endian: bool,
    read_size: int = 128,
    rewind: bool = True,
) -> int | None:
    """Return the number of bytes from the position of `fp` to the next `delimiter`.

    `fp` is moved back when `rewind`, else left just after the delimiter's tag.
    """
    start = fp.tell()
    found = find_delimiter(fp, delimiter, is_little_endian, read_size=read_size, rewind=rewind)
    if found is None:
        return None
    return found - start


def _items_length(fp: BinaryIO, little: bool) -> int | None:
    """Length of an item stream ending with a sequence delimiter, walking item headers."""
    start = fp.tell()
    header = struct.Struct("<HHL" if little else ">HHL")
    try:
        while True:
            data = fp.read(8)
            if len(data) < 8:
                return None
            group, elem, length = header.unpack(data)
            tag = group << 16 | elem
            if tag == SequenceDelimiterTag:
                return fp.tell() - 8 - start
            if tag != ItemTag or length == 0xFFFFFFFF:
                return None
            fp.seek(length, os.SEEK_CUR)
    finally:
        fp.seek(start)


def read_undefined_length_value(
    fp: BinaryIO,
    is_little_endian: bool,
    delimiter_tag: BaseTag,
    defer_size: int | float | None = None,
    read_size: int = 8192,
) -> bytes | None:
    """Read an undefined-length value up to `delimiter_tag`; leave `fp` after the delimiter.

    Encapsulated data (items ending with a sequence delimiter) is walked item by
    item; otherwise the delimiter is searched for. Returns None (nothing kept)
    when the value is longer than `defer_size`.

    Raises
    ------
    EOFError
        If the delimiter is not found.
    """
    limit = size_in_bytes(defer_size)
    start = fp.tell()
    length = _items_length(fp, is_little_endian) if delimiter_tag == SequenceDelimiterTag else None
    if length is None:
        length = length_of_undefined_length(
            fp, delimiter_tag, is_little_endian, read_size=read_size
        )
    if length is None:
        raise EOFError(
            f"End of file reached before the delimiter {delimiter_tag} was found "
            f"(value starting at 0x{start:X})"
        )
    value = None if limit is not None and length > limit else fp.read(length)
    fp.seek(start + length + 8)
    return value
