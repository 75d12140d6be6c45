"""pydicom 3's ``encaps`` module: encapsulated Pixel Data (PS3.5 A.4) by function.

The functions take the value as ``bytes``/``bytearray`` or as a readable, seekable
file-like object positioned where pydicom's are: at the Basic Offset Table item for
:func:`parse_basic_offsets`, :func:`generate_fragmented_frames`,
:func:`generate_frames` and :func:`get_frame`; at the first fragment's item tag
(after the Basic Offset Table) for :func:`parse_fragments` and
:func:`generate_fragments`.  The walking of items, the offset tables and the frame
rules are :mod:`dcmcore.pixels.encapsulation`'s, which the pixel pipeline uses.

Encapsulation defined by PS3.5 A.4 is little endian: ``endianness=">"`` raises
``NotImplementedError``.

The functions pydicom 3 deprecated (``get_frame_offsets``, ``get_nr_fragments``,
``generate_pixel_data_fragment``, ``generate_pixel_data_frame``,
``generate_pixel_data``, ``decode_data_sequence``, ``defragment_data``, ``read_item``,
``itemise_frame``, ``itemise_fragment``) still work, with a ``DeprecationWarning``.

Examples
--------
>>> from dcmcore.encaps import encapsulate, generate_frames
>>> value = encapsulate([b"\\x01\\x02", b"\\x03\\x04"])
>>> list(generate_frames(value))
[b'\\x01\\x02', b'\\x03\\x04']
"""

from __future__ import annotations

import io
import struct
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Final, Protocol

from dcmcore import config
from dcmcore.errors import MalformedDataError, TruncatedDataError
from dcmcore.pixels._encapsulated_buffer import EncapsulatedBuffer
from dcmcore.pixels.encapsulation import (
    FragmentIndex,
    encapsulate,
    encapsulate_extended,
    fragment_frame,
    frame_spans,
    index_fragments,
    itemize_fragment,
    itemize_frame,
    read_frame,
)

__all__ = [
    "EncapsulatedBuffer",
    "encapsulate",
    "encapsulate_buffer",
    "encapsulate_extended",
    "encapsulate_extended_buffer",
    "fragment_frame",
    "generate_fragmented_frames",
    "generate_fragments",
    "generate_frames",
    "get_frame",
    "itemize_fragment",
    "itemize_frame",
    "parse_basic_offsets",
    "parse_fragments",
]


class ReadableBuffer(Protocol):
    """What a file-like value must offer: ``read``, ``seek`` and ``tell``."""

    def read(self, size: int = ..., /) -> bytes: ...
    def seek(self, offset: int, whence: int = ..., /) -> int: ...
    def tell(self) -> int: ...


Buffer = bytes | bytearray | memoryview | ReadableBuffer
ExtendedOffsets = tuple[list[int], list[int]] | tuple[bytes, bytes]

_ITEM: Final = 0xFFFEE000
_SEQ_DELIM: Final = 0xFFFEE0DD
_EMPTY_BOT: Final = b"\xfe\xff\x00\xe0\x00\x00\x00\x00"


@contextmanager
def _as_value_error() -> Iterator[None]:
    """Truncated items are a ValueError here, as in pydicom."""
    try:
        yield
    except TruncatedDataError as exc:
        raise MalformedDataError(str(exc)) from exc


class _Source:
    """Random access to an encapsulated value held in bytes or in a file-like object.

    Positions are the source's own (a file-like object's absolute positions);
    ``start`` is where the value begins, ``end`` just past it (None for a file-like
    object: the items end at the Sequence Delimiter or the end of the stream).
    """

    __slots__ = ("view", "fp", "start", "end")

    def __init__(self, buffer: Buffer, endianness: str) -> None:
        if endianness != "<":
            if endianness == ">":
                raise NotImplementedError(
                    "Big endian encapsulated pixel data is not supported: PS3.5 A.4 "
                    "encapsulation is little endian")
            raise ValueError(f"Invalid 'endianness' value '{endianness}', must be '<'")
        self.view: memoryview | None = None
        self.fp: ReadableBuffer | None = None
        self.end: int | None
        if isinstance(buffer, bytes | bytearray | memoryview):
            self.view = memoryview(buffer).cast("B")
            self.start, self.end = 0, len(self.view)
        else:
            self.fp = buffer
            self.start, self.end = buffer.tell(), None

    def read_at(self, pos: int, size: int) -> bytes:
        if self.view is not None:
            return bytes(self.view[pos:pos + size])
        assert self.fp is not None
        self.fp.seek(pos)
        return self.fp.read(size)

    def seek(self, pos: int) -> None:
        if self.fp is not None:
            self.fp.seek(pos)

    def index(self, end: int | None = None) -> FragmentIndex:
        """The offset table and fragments of a value that starts with its table."""
        with _as_value_error():
            return index_fragments(self.read_at, self.start, end or self.end)

    def fragments(self) -> list[tuple[int, int]]:
        """(value position, length) of each fragment of a value that starts with one.

        The fragments are walked as if an empty Basic Offset Table came first.
        """
        start = self.start

        def read_at(pos: int, size: int) -> bytes:
            if pos >= 8:
                return self.read_at(start + pos - 8, size)
            head = _EMPTY_BOT[pos:pos + size]
            return head + (self.read_at(start, size - len(head)) if size > len(head) else b"")

        end = None if self.end is None else self.end - start + 8
        with _as_value_error():
            index = index_fragments(read_at, 0, end, origin=start - 8)
        return [(start + pos - 8, length) for pos, length in index.fragments]


def parse_basic_offsets(buffer: bytes | bytearray | ReadableBuffer, *,
                        endianness: str = "<") -> list[int]:
    """The offsets of the Basic Offset Table of an encapsulated value.

    Parameters
    ----------
    buffer : bytes, bytearray or readable buffer
        The value, positioned at the Basic Offset Table item tag.  A file-like
        object is left at the item tag of the first fragment.
    endianness : str, optional
        ``"<"``, little endian (the only encoding PS3.5 A.4 uses).

    Returns
    -------
    list of int
        Offset of each frame's first item from the end of the table (empty
        when the table is).

    Raises
    ------
    ValueError
        The first item is not an item (FFFE,E000) or its length is not a multiple of 4.
    """
    source = _Source(buffer, endianness)
    header = source.read_at(source.start, 8)
    end = source.end
    if len(header) == 8:
        length = struct.unpack("<L", header[4:])[0]
        if length != 0xFFFFFFFF:
            end = source.start + 8 + length
            if source.end is not None:
                end = min(end, source.end)
    offsets = source.index(end).basic_offsets
    source.seek(source.start + 8 + 4 * len(offsets))
    return offsets


def parse_fragments(buffer: bytes | bytearray | ReadableBuffer, *,
                    endianness: str = "<") -> tuple[int, list[int]]:
    """The number of fragments and the position of each one's item tag.

    Parameters
    ----------
    buffer : bytes, bytearray or readable buffer
        The fragments, from the item tag of the first one (after the Basic Offset
        Table).  A file-like object is returned to where it was.
    endianness : str, optional
        ``"<"``, little endian.

    Returns
    -------
    tuple of int and list of int
        How many fragments, and the position in `buffer` of each one's item tag.
    """
    source = _Source(buffer, endianness)
    fragments = source.fragments()
    source.seek(source.start)
    return len(fragments), [pos - 8 for pos, _ in fragments]


def generate_fragments(buffer: bytes | bytearray | ReadableBuffer, *,
                       endianness: str = "<") -> Iterator[bytes]:
    """Yield each fragment's value.

    Parameters
    ----------
    buffer : bytes, bytearray or readable buffer
        The fragments, from the item tag of the first one (after the Basic Offset
        Table).  A file-like object is left after the last fragment yielded.
    endianness : str, optional
        ``"<"``, little endian.

    Yields
    ------
    bytes
        A fragment.
    """
    source = _Source(buffer, endianness)
    for pos, length in source.fragments():
        yield source.read_at(pos, length)


def generate_fragmented_frames(
    buffer: bytes | bytearray | ReadableBuffer,
    *,
    number_of_frames: int | None = None,
    extended_offsets: ExtendedOffsets | None = None,
    endianness: str = "<",
) -> Iterator[tuple[bytes, ...]]:
    """Yield the fragments of each frame.

    The Extended Offset Table, else the Basic Offset Table, else the rules of PS3.5
    A.4 (one fragment: one frame; as many fragments as frames; otherwise JPEG EOI /
    EOC markers end frames) find the frames.

    Parameters
    ----------
    buffer : bytes, bytearray or readable buffer
        The value, positioned at the Basic Offset Table item tag.
    number_of_frames : int, optional
        (0028,0008) *Number of Frames*, needed when neither table helps.
    extended_offsets : tuple, optional
        (offsets, lengths): the (7FE0,0001) and (7FE0,0002) values as bytes, or
        as lists of int.
    endianness : str, optional
        ``"<"``, little endian.

    Yields
    ------
    tuple of bytes
        One frame's fragments.
    """
    source = _Source(buffer, endianness)
    spans = frame_spans(source.index(), number_of_frames, source.read_at,
                        extended_offsets or None)
    for pieces in spans:
        yield tuple(source.read_at(pos, length) for pos, length in pieces)


def generate_frames(
    buffer: bytes | ReadableBuffer,
    *,
    number_of_frames: int | None = None,
    extended_offsets: ExtendedOffsets | None = None,
    endianness: str = "<",
) -> Iterator[bytes]:
    """Yield each frame's codestream; see :func:`generate_fragmented_frames`.

    Examples
    --------
    >>> frames = list(generate_frames(ds.PixelData, number_of_frames=ds.NumberOfFrames))
    ... # doctest: +SKIP
    """
    for fragments in generate_fragmented_frames(
        buffer, number_of_frames=number_of_frames, extended_offsets=extended_offsets,
        endianness=endianness,
    ):
        yield b"".join(fragments)


def get_frame(
    buffer: bytes | bytearray | ReadableBuffer,
    index: int,
    *,
    extended_offsets: ExtendedOffsets | None = None,
    number_of_frames: int | None = None,
    endianness: str = "<",
) -> bytes:
    """The codestream of frame `index` (0 first); see :func:`generate_fragmented_frames`.

    A file-like `buffer` is returned to where it was.

    Raises
    ------
    ValueError
        There is no frame `index`, or the frames cannot be found.
    """
    source = _Source(buffer, endianness)
    spans = frame_spans(source.index(), number_of_frames, source.read_at,
                        extended_offsets or None)
    if not 0 <= index < len(spans):
        source.seek(source.start)
        raise ValueError(
            f"There is insufficient pixel data to contain {index + 1} frames "
            f"({len(spans)} found)")
    frame = read_frame(source.read_at, spans[index])
    source.seek(source.start)
    return frame


def encapsulate_buffer(buffers: list[io.BufferedIOBase],
                       has_bot: bool = True) -> EncapsulatedBuffer:
    """An :class:`EncapsulatedBuffer` of `buffers`, one frame each.

    Parameters
    ----------
    buffers : list of io.BufferedIOBase
        Readable, seekable buffers, one frame's codestream each.
    has_bot : bool, optional
        Fill the Basic Offset Table (default).
    """
    return EncapsulatedBuffer(buffers, use_bot=has_bot)


def encapsulate_extended_buffer(
    buffers: list[io.BufferedIOBase],
) -> tuple[EncapsulatedBuffer, bytes, bytes]:
    """(encapsulated value, Extended Offset Table, Extended Offset Table Lengths).

    The value has an empty Basic Offset Table, as PS3.3 C.7.6.3.1.8 requires beside an
    Extended Offset Table.
    """
    value = EncapsulatedBuffer(buffers)
    return value, value.extended_offsets, value.extended_lengths


# -- pydicom 3's deprecated functions ----------------------------------------------

def _little_endian_only(fp: Any) -> None:
    if getattr(fp, "is_little_endian", True) is False:
        raise ValueError("'fp.is_little_endian' must be True")


def _get_frame_offsets(fp: Any) -> tuple[bool, list[int]]:
    """(whether the Basic Offset Table has values, its offsets or ``[0]``)."""
    _little_endian_only(fp)
    offsets = parse_basic_offsets(fp)
    return bool(offsets), offsets or [0]


def _get_nr_fragments(fp: Any) -> int:
    """Number of fragments from the position of `fp` (after the Basic Offset Table)."""
    _little_endian_only(fp)
    return parse_fragments(fp)[0]


def _generate_pixel_data_fragment(fp: Any) -> Iterator[bytes]:
    """The fragments from the position of `fp` (after the Basic Offset Table)."""
    _little_endian_only(fp)
    yield from generate_fragments(fp)


def _generate_pixel_data_frame(bytestream: bytes,
                               nr_frames: int | None = None) -> Iterator[bytes]:
    """Each frame of an encapsulated value."""
    yield from generate_frames(bytestream, number_of_frames=nr_frames)


def _generate_pixel_data(bytestream: bytes,
                         nr_frames: int | None = None) -> Iterator[tuple[bytes, ...]]:
    """The fragments of each frame of an encapsulated value."""
    yield from generate_fragmented_frames(bytestream, number_of_frames=nr_frames)


def _read_item(fp: Any) -> bytes | None:
    """The value of the item at the position of `fp`; None at a delimiter or the end."""
    header = fp.read(8)
    if len(header) < 8:
        return None
    group, element, length = struct.unpack("<HHL", header)
    tag = group << 16 | element
    if tag == _SEQ_DELIM:
        return None
    if length == 0xFFFFFFFF:
        raise ValueError(
            f"Encapsulated data fragment had Undefined Length at data position "
            f"0x{fp.tell() - 4:x}")
    value: bytes = fp.read(length)
    return value


def _decode_data_sequence(data: bytes) -> list[bytes]:
    """Every fragment of an encapsulated value."""
    stream = io.BytesIO(data)
    _read_item(stream)  # the Basic Offset Table
    items = []
    while item := _read_item(stream):
        items.append(item)
    return items


def _defragment_data(data: bytes) -> bytes:
    """The fragments of an encapsulated value joined."""
    return b"".join(_decode_data_sequence(data))


_DEPRECATED: Final[dict[str, Callable[..., Any]]] = {
    "get_frame_offsets": _get_frame_offsets,
    "get_nr_fragments": _get_nr_fragments,
    "generate_pixel_data_fragment": _generate_pixel_data_fragment,
    "generate_pixel_data_frame": _generate_pixel_data_frame,
    "generate_pixel_data": _generate_pixel_data,
    "decode_data_sequence": _decode_data_sequence,
    "defragment_data": _defragment_data,
    "read_item": _read_item,
    "itemise_frame": itemize_frame,
    "itemise_fragment": itemize_fragment,
}


def __getattr__(name: str) -> Callable[..., Any]:
    if name in _DEPRECATED and not getattr(config, "_use_future", False):
        warnings.warn(f"{name} is deprecated and will be removed in v4.0",
                      DeprecationWarning, stacklevel=2)
        return _DEPRECATED[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
