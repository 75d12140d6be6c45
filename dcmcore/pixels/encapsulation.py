"""Encapsulated pixel data (PS3.5 A.4): items, offset tables, frame boundaries.

Reading works on any random-access source through a ``read_at(position, size)``
callable, so the same code indexes an in-memory value and a pixel data element
inside a file (walking item headers with seeks, never reading fragment values).
"""

from __future__ import annotations

import bisect
import struct
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TypeAlias

from dcmcore.codecs._warnings import warn
from dcmcore.errors import MalformedDataError, PixelDataError, TruncatedDataError

__all__ = [
    "FragmentIndex",
    "index_fragments",
    "frame_spans",
    "parse_basic_offsets",
    "parse_fragments",
    "generate_fragments",
    "generate_fragmented_frames",
    "generate_frames",
    "get_frame",
    "fragment_frame",
    "itemize_fragment",
    "itemize_frame",
    "encapsulate",
    "encapsulate_extended",
    "OffsetTable",
    "decode_extended_offsets",
]

ITEM = 0xFFFEE000
SEQ_DELIM = 0xFFFEE0DD
#: Read `size` bytes at `position` (of an encapsulated value, or of the file holding it);
#: a memoryview when the value is in memory (no copy).
ReadAt = Callable[[int, int], bytes | memoryview]
#: An Extended Offset Table or its lengths: the element's bytes (64-bit little endian
#: values) or the numbers themselves.
OffsetTable: TypeAlias = "bytes | bytearray | memoryview | int | Sequence[int]"
_EOI = b"\xff\xd9"


@dataclass
class FragmentIndex:
    """Where the offset table and the fragments of an encapsulated value are.

    Positions are relative to the source ``read_at`` addresses: ``fragments`` holds
    ``(value_position, length)`` for every fragment item; ``first_item`` is the
    position of the first fragment's item tag (the origin of table offsets).
    """

    basic_offsets: list[int]
    fragments: list[tuple[int, int]]
    first_item: int


def _buffer_reader(buf: bytes | bytearray | memoryview) -> tuple[ReadAt, int]:
    mv = memoryview(buf)

    def read_at(pos: int, size: int) -> memoryview:
        return mv[pos : pos + size]

    return read_at, len(mv)


def _item_header(read_at: ReadAt, pos: int, end: int | None, origin: int = 0
                 ) -> tuple[int, int] | None:
    """Return ``(tag, length)`` of the item header at `pos`; None at the end."""
    if end is not None and pos >= end:
        return None
    raw = bytes(read_at(pos, 8))
    if len(raw) == 0 and end is None:
        return None
    if len(raw) < 8:
        if end is not None and all(b == 0 for b in raw):
            return None  # trailing padding
        raise TruncatedDataError(
            "Truncated item header in encapsulated pixel data", offset=origin + pos,
            tag=0x7FE00010
        )
    group, elem, length = struct.unpack("<HHL", raw)
    return (group << 16) | elem, length


def index_fragments(
    read_at: ReadAt, start: int = 0, end: int | None = None, origin: int = 0
) -> FragmentIndex:
    """Walk the item headers of an encapsulated value.

    Parameters
    ----------
    read_at : callable
        ``read_at(position, size) -> bytes``.
    start : int
        Position of the Basic Offset Table item tag.
    end : int, optional
        Position just past the value; None to stop at the Sequence Delimiter.
    origin : int
        Added to positions in error messages (the value's offset in its file).
    """
    header = _item_header(read_at, start, end, origin)
    if header is None:
        raise TruncatedDataError("No Basic Offset Table item in encapsulated pixel data",
                                 offset=origin + start, tag=0x7FE00010)
    tag, length = header
    if tag != ITEM:
        raise MalformedDataError(
            f"Expected the Basic Offset Table item tag (FFFE,E000), got "
            f"({tag >> 16:04X},{tag & 0xFFFF:04X}) in encapsulated pixel data",
            offset=origin + start, tag=0x7FE00010,
        )
    if length % 4 or length == 0xFFFFFFFF:
        raise MalformedDataError(
            f"The Basic Offset Table item length {length} is not a multiple of 4",
            offset=origin + start, tag=0x7FE00010,
        )
    if end is not None and start + 8 + length > end:
        raise TruncatedDataError("The Basic Offset Table runs past the end of the value",
                                 offset=origin + start, tag=0x7FE00010)
    table = bytes(read_at(start + 8, length)) if length else b""
    if len(table) < length:
        raise TruncatedDataError("Truncated Basic Offset Table", offset=origin + start, tag=0x7FE00010)
    offsets = list(struct.unpack(f"<{length // 4}L", table))
    pos = start + 8 + length
    first = pos
    fragments: list[tuple[int, int]] = []
    while True:
        header = _item_header(read_at, pos, end, origin)
        if header is None:
            break
        tag, length = header
        if tag == SEQ_DELIM:
            break
        if tag != ITEM:
            raise MalformedDataError(
                f"Unexpected tag ({tag >> 16:04X},{tag & 0xFFFF:04X}) while reading "
                "encapsulated pixel data fragments, expected an item (FFFE,E000)",
                offset=origin + pos, tag=0x7FE00010,
            )
        if length == 0xFFFFFFFF:
            raise MalformedDataError("Undefined length fragment item in encapsulated "
                                     "pixel data", offset=origin + pos, tag=0x7FE00010)
        if end is not None and pos + 8 + length > end:
            warn(f"The fragment item at offset {origin + pos} runs past the end of the pixel data "
                 f"({length} bytes announced, {end - pos - 8} present); it is truncated")
            length = max(0, end - pos - 8)
            fragments.append((pos + 8, length))
            break
        fragments.append((pos + 8, length))
        pos += 8 + length
    return FragmentIndex(offsets, fragments, first)


def decode_extended_offsets(value: OffsetTable) -> list[int]:
    """Return an Extended Offset Table (bytes of 64-bit LE, or ints) as a list."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        b = bytes(value)
        if len(b) % 8:
            raise PixelDataError(f"An Extended Offset Table value of {len(b)} bytes is not "
                                 "a multiple of 8 (tag (7FE0,0001))")
        return list(struct.unpack(f"<{len(b) // 8}Q", b))
    if isinstance(value, int):
        return [value]
    return [int(v) for v in value]


def _extended_spans(index: FragmentIndex, offsets: list[int], lengths: list[int]
                    ) -> list[list[tuple[int, int]]] | None:
    """One span per frame from the Extended Offset Table, or None (with a warning) when
    an entry does not point at a fragment item or is longer than that fragment."""
    starts = dict(index.fragments)
    spans = []
    for i, (o, n) in enumerate(zip(offsets, lengths)):
        pos = index.first_item + o + 8
        size = starts.get(pos)
        if size is None or n > size:
            what = (f"offset {o} does not point at a fragment item" if size is None else
                    f"length {n} is more than the {size} bytes of its fragment")
            warn(f"The (7FE0,0001) 'Extended Offset Table' entry for frame {i}: {what}; "
                 "the table is ignored and the frames located without it")
            return None
        spans.append([(pos, n)])
    return spans


def frame_spans(
    index: FragmentIndex,
    number_of_frames: int | None,
    read_at: ReadAt,
    extended_offsets: tuple[OffsetTable, OffsetTable] | None = None,
) -> list[list[tuple[int, int]]]:
    """Return, per frame, the ``(position, length)`` pieces that make its codestream.

    Uses the Extended Offset Table, else the Basic Offset Table, else the rules of
    PS3.5 A.4 (one fragment: one frame; as many fragments as frames; one frame: all
    fragments; otherwise JPEG EOI/EOC markers end frames).
    """
    frags = index.fragments
    if extended_offsets is not None:
        offsets = decode_extended_offsets(extended_offsets[0])
        lengths = decode_extended_offsets(extended_offsets[1])
        if offsets and len(offsets) == len(lengths):
            spans = _extended_spans(index, offsets, lengths)
            if spans is not None:
                return spans

    if not frags:
        raise PixelDataError("The encapsulated pixel data has no fragments (7FE0,0010)")

    if index.basic_offsets:
        bot = index.basic_offsets
        if bot[0] != 0 or any(b < a for a, b in zip(bot, bot[1:])):
            raise PixelDataError(
                f"The Basic Offset Table of (7FE0,0010) 'Pixel Data' is invalid: {bot[:8]}"
                f"{'...' if len(bot) > 8 else ''} (must start at 0 and increase)"
            )
        frames: list[list[tuple[int, int]]] = [[] for _ in bot]
        for pos, length in frags:
            rel = pos - 8 - index.first_item
            frames[bisect.bisect_right(bot, rel) - 1].append((pos, length))
        return frames

    if len(frags) == 1:
        return [[frags[0]]]
    if not number_of_frames:
        raise PixelDataError(
            "Unable to determine the frame boundaries for the encapsulated pixel data as "
            "there is no Basic or Extended Offset Table and the number of frames has not "
            "been supplied"
        )
    if len(frags) == number_of_frames:
        return [[f] for f in frags]
    if number_of_frames == 1:
        return [list(frags)]
    if len(frags) > number_of_frames:
        frames = []
        current: list[tuple[int, int]] = []
        for pos, length in frags:
            current.append((pos, length))
            tail = bytes(read_at(pos + max(0, length - 10), min(10, length)))
            if _EOI in tail:
                frames.append(current)
                current = []
        if current:
            msg = (
                "The end of the encapsulated pixel data has been reached but no JPEG "
                "EOI/EOC marker was found, the final frame may be invalid"
                if len(frames) >= number_of_frames
                else "The end of the encapsulated pixel data has been reached but fewer "
                "frames than expected have been found"
            )
            warn(msg)
            frames.append(current)
        elif len(frames) < number_of_frames:
            warn("The end of the encapsulated pixel data has been reached but fewer "
                 "frames than expected have been found")
        return frames
    raise PixelDataError(
        f"Unable to generate frames from the encapsulated pixel data as there are fewer "
        f"fragments ({len(frags)}) than frames ({number_of_frames}); the dataset may be "
        "corrupt or (0028,0008) 'Number of Frames' may be incorrect"
    )


def read_frame(read_at: ReadAt, pieces: Sequence[tuple[int, int]]) -> bytes:
    """Return the codestream of one frame from its pieces."""
    if len(pieces) == 1:
        pos, length = pieces[0]
        return bytes(read_at(pos, length))
    return b"".join(bytes(read_at(pos, length)) for pos, length in pieces)


# ---- pydicom-compatible functional API on buffers -----------------------------------

def parse_basic_offsets(buffer: bytes | bytearray | memoryview) -> list[int]:
    """Return the Basic Offset Table of an encapsulated value."""
    read_at, end = _buffer_reader(buffer)
    return index_fragments(read_at, 0, end).basic_offsets


def parse_fragments(buffer: bytes | bytearray | memoryview) -> tuple[int, list[int]]:
    """Return ``(number of fragments, [item tag offset of each fragment])``."""
    read_at, end = _buffer_reader(buffer)
    idx = index_fragments(read_at, 0, end)
    return len(idx.fragments), [pos - 8 for pos, _ in idx.fragments]


def generate_fragments(buffer: bytes | bytearray | memoryview) -> Iterator[bytes]:
    """Yield each fragment's bytes."""
    read_at, end = _buffer_reader(buffer)
    for pos, length in index_fragments(read_at, 0, end).fragments:
        yield bytes(read_at(pos, length))


def generate_fragmented_frames(
    buffer: bytes | bytearray | memoryview,
    *,
    number_of_frames: int | None = None,
    extended_offsets: tuple[OffsetTable, OffsetTable] | None = None,
) -> Iterator[tuple[bytes, ...]]:
    """Yield, per frame, the tuple of fragments (or EOT spans) that make it."""
    read_at, end = _buffer_reader(buffer)
    idx = index_fragments(read_at, 0, end)
    for pieces in frame_spans(idx, number_of_frames, read_at, extended_offsets):
        yield tuple(bytes(read_at(p, n)) for p, n in pieces)


def generate_frames(
    buffer: bytes | bytearray | memoryview,
    *,
    number_of_frames: int | None = None,
    extended_offsets: tuple[OffsetTable, OffsetTable] | None = None,
) -> Iterator[bytes]:
    """Yield each frame's codestream from an encapsulated value."""
    for fragments in generate_fragmented_frames(
        buffer, number_of_frames=number_of_frames, extended_offsets=extended_offsets
    ):
        yield b"".join(fragments)


def get_frame(
    buffer: bytes | bytearray | memoryview,
    index: int,
    *,
    number_of_frames: int | None = None,
    extended_offsets: tuple[OffsetTable, OffsetTable] | None = None,
) -> bytes:
    """Return the codestream of frame `index` (0-based)."""
    read_at, end = _buffer_reader(buffer)
    idx = index_fragments(read_at, 0, end)
    spans = frame_spans(idx, number_of_frames, read_at, extended_offsets)
    if not 0 <= index < len(spans):
        raise ValueError(f"There is no frame at index {index}, only {len(spans)} found")
    return read_frame(read_at, spans[index])


# ---- writing ------------------------------------------------------------------------

def fragment_frame(frame: bytes, nr_fragments: int = 1) -> Iterator[bytes]:
    """Split `frame` into `nr_fragments` fragments of even length.

    The first ``nr_fragments - 1`` fragments have the same (even) size, the last one
    holds the rest, padded with a null byte when odd.
    """
    length = len(frame)
    if nr_fragments < 1 or nr_fragments > (length + 1) / 2:
        raise ValueError("Too many fragments requested (the minimum fragment size is 2 bytes)")
    size = length // nr_fragments
    size += size % 2
    for i in range(nr_fragments - 1):
        yield bytes(frame[i * size : (i + 1) * size])
    last = bytes(frame[(nr_fragments - 1) * size :])
    yield last + b"\x00" * (len(last) % 2)


def itemize_fragment(fragment: bytes) -> bytes:
    """Return `fragment` as an item: tag, length and value (padded to even)."""
    if len(fragment) % 2:
        fragment = bytes(fragment) + b"\x00"
    return struct.pack("<HHL", 0xFFFE, 0xE000, len(fragment)) + bytes(fragment)


def itemize_frame(frame: bytes, nr_fragments: int = 1) -> Iterator[bytes]:
    """Yield the items of `frame` split into `nr_fragments` fragments."""
    for fragment in fragment_frame(frame, nr_fragments):
        yield itemize_fragment(fragment)


def encapsulate(
    frames: Iterable[bytes], fragments_per_frame: int = 1, has_bot: bool = True
) -> bytes:
    """Return the encapsulated Pixel Data value for `frames`.

    Parameters
    ----------
    frames : iterable of bytes
        One codestream per frame.
    fragments_per_frame : int
        How many fragments to split each frame into.
    has_bot : bool
        Fill the Basic Offset Table (it must then fit in 32-bit offsets; use
        :func:`encapsulate_extended` otherwise).
    """
    items: list[bytes] = []
    offsets: list[int] = []
    position = 0
    for frame in frames:
        offsets.append(position)
        for item in itemize_frame(frame, fragments_per_frame):
            items.append(item)
            position += len(item)
    if has_bot and offsets and offsets[-1] > 0xFFFFFFFF:
        raise ValueError(
            "The total length of the encapsulated frames is too large for the Basic Offset "
            "Table (offsets above 2**32 - 1); use encapsulate_extended() instead"
        )
    table = struct.pack(f"<{len(offsets)}L", *offsets) if has_bot else b""
    return b"".join([struct.pack("<HHL", 0xFFFE, 0xE000, len(table)), table, *items])


def encapsulate_extended(frames: Sequence[bytes]) -> tuple[bytes, bytes, bytes]:
    """Return ``(pixel data value, Extended Offset Table, Extended Offset Table Lengths)``.

    One fragment per frame and an empty Basic Offset Table, as PS3.3 C.7.6.3.1.8 needs.
    """
    offsets: list[int] = []
    lengths: list[int] = []
    position = 0
    for frame in frames:
        padded = len(frame) + len(frame) % 2
        offsets.append(position)
        lengths.append(padded)
        position += 8 + padded
    return (
        encapsulate(frames, has_bot=False),
        struct.pack(f"<{len(offsets)}Q", *offsets),
        struct.pack(f"<{len(lengths)}Q", *lengths),
    )
