"""Low-level walks over encoded items and sequences, without building elements.

:func:`find_sequence_end` finds where an undefined-length sequence (or
encapsulated value) ends by walking headers only, iteratively (an explicit
stack, depth-limited by :data:`MAX_SEQUENCE_DEPTH`), recording the item spans
it passes; :func:`split_items` lists the items of a raw sequence value.
:func:`problem` applies the bad-input policy (raise, or warn in lenient reads).
"""

from __future__ import annotations

import warnings
from struct import Struct
from typing import TYPE_CHECKING, Any

from dcmcore import config
from dcmcore.errors import DcmcoreWarning, InvalidDicomError, MalformedDataError, TruncatedDataError
from dcmcore.io._simple_walk import simple_item_end, simple_sequence_end
from dcmcore.tag import PIXEL_DATA_TAGS
from dcmcore.vr import EXPLICIT_VR_LENGTH_32, VR

if TYPE_CHECKING:  # pragma: no cover
    from dcmcore.element import RawDataElement

__all__ = [
    "MAX_SEQUENCE_DEPTH",
    "NeedMore",
    "SequenceBytes",
    "find_sequence_end",
    "indexed_sequence",
    "nested_sequence",
    "split_items",
    "is_complete",
    "simple_sequence_end",
    "simple_item_end",
    "looks_implicit",
    "problem",
    "element_header",
]

ITEM = 0xFFFEE000
ITEM_DELIM = 0xFFFEE00D
SEQ_DELIM = 0xFFFEE0DD
UNDEFINED = 0xFFFFFFFF
CHARSET_TAG = 0x00080005
#: Lengths at or above this that run past the data are corrupt, never truncation.
ABSURD_LENGTH = 0x80000000
_FAR = 1 << 62
#: Deepest sequence nesting read; deeper data raises MalformedDataError.
MAX_SEQUENCE_DEPTH = 200

_VR_NAMES: dict[bytes, str] = {v.value.encode(): v.value for v in VR if len(v.value) == 2}
_LONG_VRS = frozenset(k for k, v in _VR_NAMES.items() if v in EXPLICIT_VR_LENGTH_32)
#: the VRs with a 2-byte length (8-byte header) and those with a 4-byte one (12 bytes)
_SHORT_VR_NAMES: dict[bytes, str] = {k: v for k, v in _VR_NAMES.items() if k not in _LONG_VRS}
_LONG_VR_NAMES: dict[bytes, str] = {k: v for k, v in _VR_NAMES.items() if k in _LONG_VRS}
_PIXEL_TAGS = PIXEL_DATA_TAGS

_HEADERS = {
    True: (Struct("<HHL").unpack_from, Struct("<HH2sH").unpack_from, Struct("<L").unpack_from),
    False: (Struct(">HHL").unpack_from, Struct(">HH2sH").unpack_from, Struct(">L").unpack_from),
}
_ITEM_BYTES = {True: b"\xfe\xff\x00\xe0", False: b"\xff\xfe\xe0\x00"}
_SEQ_DELIM_BYTES = {True: b"\xfe\xff\xdd\xe0", False: b"\xff\xfe\xe0\xdd"}


class NeedMore(Exception):
    """Raised by walks over a window of a file when the window ends too early."""


class SequenceBytes(bytes):
    """The encoded items of a top-level undefined-length sequence, as the reader keeps it.

    A plain ``bytes`` for every purpose; the attributes are a cache filled by
    the walk that found the sequence's end, so neither :func:`parse_sequence`
    nor the parsing of an item has to walk the same headers again.

    Attributes
    ----------
    items : list of (int, int, bool, bool)
        For each item: start and end of its content in this value, whether
        the item is encoded with implicit VR and whether it has an undefined length.
    ends : mapping of int to (int, int)
        For each undefined-length value nested in the items, at any depth:
        value start to (value end, position after its delimiter), in this
        value (only ``get`` is used).
    truncated : bool
        True when the file ended inside this value (lenient reads only).
    """

    items: list[tuple[int, int, bool, bool]] | None = None
    ends: Any = None
    #: the cache of the outermost walked value, shared by the values nested in it:
    #: its ``ends`` and the item lists of nested sequences, in its coordinates
    root_ends: dict[int, tuple[int, int]] | None = None
    nested: dict[int, list[tuple[int, int, bool, bool]]] | None = None
    #: where this value starts in the outermost walked value
    offset: int = 0
    #: True when the data ended inside this value (lenient reads)
    truncated: bool = False


class _ShiftedEnds:
    """The ``ends`` of a value nested at `offset` in the value whose walk found them."""

    __slots__ = ("root", "offset")

    def __init__(self, root: dict[int, tuple[int, int]], offset: int) -> None:
        self.root = root
        self.offset = offset

    def get(self, pos: int) -> tuple[int, int] | None:
        found = self.root.get(pos + self.offset)
        if found is None:
            return None
        return found[0] - self.offset, found[1] - self.offset


def indexed_sequence(
    buf: Any,
    start: int,
    stop: int,
    items: list[tuple[int, int, bool, bool]] | None,
    ends: dict[int, tuple[int, int]],
    nested: dict[int, list[tuple[int, int, bool, bool]]],
) -> SequenceBytes:
    """``buf[start:stop]``, a sequence value just walked, with what the walk found.

    `items`, `ends` and `nested` are in the value's coordinates (the walk's
    `origin` was `start`).
    """
    value = SequenceBytes(memoryview(buf)[start:stop])
    value.items = items
    value.ends = value.root_ends = ends
    value.nested = nested
    return value


def nested_sequence(buf: SequenceBytes, start: int, stop: int) -> SequenceBytes | None:
    """``buf[start:stop]``, a sequence nested in `buf`, with its items and inner ends
    from the walk that found them; None when `buf` has no such cache."""
    root = buf.root_ends
    nested = buf.nested
    if root is None or nested is None:
        return None
    off = buf.offset + start
    value = SequenceBytes(memoryview(buf)[start:stop])
    items = nested.get(off)
    if items is not None:
        value.items = [(a - off, b - off, imp, und) for a, b, imp, und in items]
    value.ends = _ShiftedEnds(root, off)
    value.root_ends = root
    value.nested = nested
    value.offset = off
    return value


def problem(exc: InvalidDicomError, *, soft: bool = False, stacklevel: int = 3) -> None:
    """Raise `exc`, or warn with its message when the read is lenient.

    Truncation (:class:`TruncatedDataError`) and `soft` problems (also an
    error with a true ``soft`` attribute) only warn
    unless ``config.settings.reading_validation_mode`` is ``RAISE`` (and are
    silent in ``IGNORE``); any other error is always raised.

    Parameters
    ----------
    exc : InvalidDicomError
        The error describing the problem (with offset and tag in its message).
    soft : bool
        A problem the reader can work around (unknown VR, misplaced delimiter).
    stacklevel : int
        Passed to :func:`warnings.warn`.
    """
    mode = config.settings.reading_validation_mode
    soft = soft or getattr(exc, "soft", False) or isinstance(exc, TruncatedDataError)
    if mode == config.RAISE or not soft:
        raise exc
    if mode == config.WARN:
        warnings.warn(str(exc), DcmcoreWarning, stacklevel=stacklevel)


def element_header(
    buf: Any, pos: int, implicit: bool, little: bool
) -> tuple[int, str | None, int, int] | None:
    """``(tag, VR, length, header size)`` of the element whose header starts at `pos`.

    The VR is None for implicit VR data and for item/delimiter tags; None is returned
    when the header does not fit in `buf` or its explicit VR is not a known one.
    """
    unpack_tl, unpack_ex, unpack_len = _HEADERS[little]
    if pos + 8 > len(buf):
        return None
    group, elem, length = unpack_tl(buf, pos)
    if implicit or group == 0xFFFE:
        return group << 16 | elem, None, length, 8
    _, _, raw_vr, length = unpack_ex(buf, pos)
    vr = _VR_NAMES.get(bytes(raw_vr))
    if vr is None:
        return None
    if raw_vr in _LONG_VRS:
        if pos + 12 > len(buf):
            return None
        return group << 16 | elem, vr, unpack_len(buf, pos + 8)[0], 12
    return group << 16 | elem, vr, length, 8


def looks_implicit(buf: Any, pos: int, end: int) -> bool:
    """Return True when the element at `pos` does not start with a valid explicit VR.

    Used to detect implicit VR items inside explicit VR data, as PS3.5
    section 6.2.2 allows for undefined length sequences and UN values.
    """
    if pos + 6 > end:
        return False
    a = buf[pos + 4]
    b = buf[pos + 5]
    return not (0x41 <= a <= 0x5A and 0x41 <= b <= 0x5A)


def _too_long(
    length: int, pos: int, end: int, avail: int, tag: int | None, what: str, base: int = 0
) -> InvalidDicomError:
    """The error for a `what` of `length` bytes at `pos` that does not fit before `end`.

    Running past the available data (`avail`) is truncation, unless the length is
    absurd; running past an enclosing item or sequence that the data does cover
    is corruption.
    """
    if pos + length > avail:
        if length >= ABSURD_LENGTH:
            return MalformedDataError(
                f"{what} length 0x{length:08X} is larger than the {max(avail - pos, 0)} bytes left",
                offset=base + pos,
                tag=tag,
            )
        return TruncatedDataError(
            f"data ends {pos + length - avail} bytes before the end of the {what} (length {length})",
            offset=base + pos,
            tag=tag,
        )
    exc = MalformedDataError(
        f"{what} length {length} runs {pos + length - end} bytes past the end of its "
        "enclosing item or sequence",
        offset=base + pos,
        tag=tag,
    )
    # inconsistent but readable (pydicom reads up to the container's end): lenient
    exc.soft = length < ABSURD_LENGTH  # type: ignore[attr-defined]
    return exc


def _cut_off(
    items: list[tuple[int, int, bool, bool]],
    stack: list[tuple[bool, bool, int, int, int, Any]],
    in_item: bool,
    item_start: int,
    cur_implicit: bool,
    data_end: int,
    origin: int,
) -> tuple[list[tuple[int, int, bool, bool]], int, int, bool]:
    """Result of a sequence walk cut short by the end of the data (lenient reads)."""
    # keep the partial first-level item being read
    if in_item and len(stack) == 1:
        items.append((item_start - origin, data_end - origin, cur_implicit, True))
    elif len(stack) >= 2:
        items.append((stack[1][2] - origin, data_end - origin, stack[1][1], True))
    return items, data_end, data_end, True


def find_sequence_end(
    buf: Any,
    pos: int,
    end: int,
    little: bool,
    *,
    implicit: bool,
    detect: bool = True,
    tag: int = 0,
    depth: int = 1,
    base: int = 0,
    origin: int = 0,
    ends: dict[int, tuple[int, int]] | None = None,
    nested: dict[int, list[tuple[int, int, bool, bool]]] | None = None,
    items_only: bool = True,
    complete: bool = False,
    partial: bool = False,
    record_min: int = 0,
) -> tuple[list[tuple[int, int, bool, bool]], int, int, bool]:
    """Walk an undefined-length sequence (or encapsulated value) without parsing values.

    Parameters
    ----------
    buf : bytes-like
        The encoded data; offsets are positions in it.
    pos : int
        First byte of the sequence's value (just after the element header).
    end : int
        Limit of the data that may belong to the sequence.
    little : bool
        Byte order.
    implicit : bool
        VR encoding of the data set holding the sequence.
    detect : bool
        Detect implicit VR items in explicit VR data (PS3.5 6.2.2).
    tag : int
        The sequence's tag (for messages).
    depth : int
        Nesting level of this sequence.
    base : int
        Offset of ``buf[0]`` in the file (for messages).
    origin : int
        Subtracted from the positions recorded in `items` and `ends`.
    partial : bool
        `buf` is a window of a file that goes on after it: reaching its end
        raises :class:`NeedMore` (the reader then reads a larger window).
    complete : bool
        `buf` is known to hold all its data (a complete sequence value):
        running past its end is corruption, never truncation.
    items_only : bool
        The value is a sequence: anything but items is an error. Otherwise
        (encapsulated pixel data, a delimited value) a value that does not
        start with an item is searched for the sequence delimiter bytes.
    ends : dict, optional
        Filled with ``value start -> (value end, position after delimiter)``
        for the undefined-length values nested in the items (at any depth), so
        parsing those items later, at every level, needs no walk.
    nested : dict, optional
        Filled with ``value start -> items`` (as the returned `items`) for the
        nested undefined-length sequences, so splitting them needs no walk.
    record_min : int
        Only nested values at least this long go into `ends` and `nested`
        (shorter ones are walked again when used: a few headers cost less than
        the recorded objects).

    Returns
    -------
    items : list of (int, int, bool, bool)
        The first-level items: content start, content end, implicit VR, undefined length.
    content_end : int
        Position of the sequence delimiter (end of the value).
    after : int
        Position just after the sequence delimiter.
    truncated : bool
        True when the data ended first (only returned in lenient reads).

    Raises
    ------
    TruncatedDataError, MalformedDataError
        On bad structure; truncation only in the ``RAISE`` validation mode.
    """
    unpack_tl, unpack_ex, unpack_len = _HEADERS[little]
    long_vrs = _LONG_VRS
    data_end = min(end, len(buf))
    avail = _FAR if complete else len(buf)
    items: list[tuple[int, int, bool, bool]] = []
    # the item list of the sequence being walked (None: not recorded)
    cur_items: list[tuple[int, int, bool, bool]] | None = items
    # enclosing frames: (in_item, implicit, item_start, tag of the sequence being walked,
    # start of its value, its item list)
    stack: list[tuple[bool, bool, int, int, int, Any]] = []
    in_item = False
    cur_implicit = implicit
    item_start = 0
    seq_tag = tag
    first_in_seq = not items_only
    seq_start = pos
    seq_delim_bytes = _SEQ_DELIM_BYTES[little]

    while True:
        if pos + 8 > data_end:
            if partial:
                raise NeedMore
            what = "item" if in_item else "sequence"
            if data_end >= avail:
                exc: InvalidDicomError = TruncatedDataError(
                    f"data ends before the delimiter of the undefined length {what}",
                    offset=base + pos,
                    tag=seq_tag,
                )
            else:
                exc = MalformedDataError(
                    f"undefined length {what} has no delimiter before the end of its "
                    "enclosing item or sequence",
                    offset=base + pos,
                    tag=seq_tag,
                )
                exc.soft = True  # type: ignore[attr-defined]
            problem(exc, stacklevel=4)
            return _cut_off(items, stack, in_item, item_start, cur_implicit, data_end, origin)
        if not in_item:
            group, elem, length = unpack_tl(buf, pos)
            t = group << 16 | elem
            if t == ITEM:
                first_in_seq = False
                if length == UNDEFINED:
                    if depth + len(stack) // 2 >= MAX_SEQUENCE_DEPTH:
                        raise MalformedDataError(
                            f"sequences nested deeper than {MAX_SEQUENCE_DEPTH} levels",
                            offset=base + pos,
                            tag=seq_tag,
                        )
                    if (
                        little
                        and record_min
                        and depth + len(stack) // 2 + 2 < MAX_SEQUENCE_DEPTH
                        and pos + 14 <= data_end
                    ):
                        # an item of defined-length elements and short simple sequences
                        # (nothing in it to record): one light walk, no per-level state
                        item_implicit = cur_implicit or (
                            detect
                            and not (0x41 <= buf[pos + 12] <= 0x5A and 0x41 <= buf[pos + 13] <= 0x5A)
                        )
                        simple = simple_item_end(buf, pos + 8, data_end, item_implicit, record_min)
                        if simple is not None:
                            if cur_items is not None:
                                cur_items.append(
                                    (pos + 8 - origin, simple[0] - origin, item_implicit, True)
                                )
                            pos = simple[1]
                            continue
                    stack.append((False, cur_implicit, 0, seq_tag, seq_start, cur_items))
                    pos += 8
                    item_start = pos
                    if (
                        detect
                        and not cur_implicit
                        and pos + 6 <= data_end  # looks_implicit(), inlined: once per item
                        and not (0x41 <= buf[pos + 4] <= 0x5A and 0x41 <= buf[pos + 5] <= 0x5A)
                    ):
                        cur_implicit = True
                    in_item = True
                    continue
                stop = pos + 8 + length
                if stop > data_end:
                    if partial:
                        raise NeedMore
                    exc = _too_long(length, pos + 8, end, avail, ITEM, "item", base)
                    problem(exc, stacklevel=4)
                    if not stack:
                        items.append((pos + 8 - origin, data_end - origin, cur_implicit, False))
                    return (
                        _cut_off(items, stack, in_item, item_start, cur_implicit, data_end, origin)
                        if stack
                        else (items, data_end, data_end, True)
                    )
                if cur_items is not None:
                    item_implicit = cur_implicit or (detect and looks_implicit(buf, pos + 8, stop))
                    cur_items.append((pos + 8 - origin, stop - origin, item_implicit, False))
                pos = stop
            elif t == SEQ_DELIM:
                content_end = pos
                pos += 8
                if not stack:
                    return items, content_end, pos, False
                if (
                    ends is not None
                    and (len(stack) == 2 or cur_items is not None)
                    and content_end - seq_start >= record_min
                ):
                    ends[seq_start - origin] = (content_end - origin, pos - origin)
                    if cur_items is not None and nested is not None:
                        nested[seq_start - origin] = cur_items
                in_item, cur_implicit, item_start, seq_tag, seq_start, cur_items = stack.pop()
                first_in_seq = False
            elif first_in_seq:
                # not item structured (e.g. an undefined length text value): find the delimiter
                found = buf.find(seq_delim_bytes, pos, data_end)
                while found != -1 and (found - seq_start) % 2:
                    found = buf.find(seq_delim_bytes, found + 1, data_end)
                if found == -1 or found + 8 > data_end:
                    if partial:
                        raise NeedMore
                    problem(
                        TruncatedDataError(
                            "no sequence delimiter found for the undefined length value",
                            offset=base + seq_start,
                            tag=seq_tag,
                        ),
                        stacklevel=4,
                    )
                    return _cut_off(
                        items, stack, in_item, item_start, cur_implicit, data_end, origin
                    )
                pos = found + 8
                if not stack:
                    return items, found, pos, False
                if (
                    ends is not None
                    and (len(stack) == 2 or cur_items is not None)
                    and found - seq_start >= record_min
                ):
                    ends[seq_start - origin] = (found - origin, pos - origin)
                in_item, cur_implicit, item_start, seq_tag, seq_start, cur_items = stack.pop()
                first_in_seq = False
            else:
                raise MalformedDataError(
                    f"expected an item or sequence delimiter, found ({group:04X},{elem:04X})",
                    offset=base + pos,
                    tag=seq_tag,
                )
        else:
            if cur_implicit:
                group, elem, length = unpack_tl(buf, pos)
                hdr = 8
                vr = None
            else:
                group, elem, vr, length = unpack_ex(buf, pos)
                if group == 0xFFFE:
                    length = unpack_len(buf, pos + 4)[0]
                    hdr = 8
                elif vr in long_vrs:
                    if pos + 12 > data_end:
                        if partial:
                            raise NeedMore
                        problem(
                            _too_long(
                                12, pos, end, avail, group << 16 | elem, "element header", base
                            ),
                            stacklevel=4,
                        )
                        return _cut_off(
                            items, stack, in_item, item_start, cur_implicit, data_end, origin
                        )
                    length = unpack_len(buf, pos + 8)[0]
                    hdr = 12
                else:
                    hdr = 8
            t = group << 16 | elem
            if t == ITEM_DELIM:
                if cur_items is not None:
                    cur_items.append((item_start - origin, pos - origin, cur_implicit, True))
                pos += 8
                in_item, cur_implicit, item_start, seq_tag, seq_start, cur_items = stack.pop()
                first_in_seq = False
                continue
            if group == 0xFFFE:
                raise MalformedDataError(
                    "unexpected item or delimiter inside an item", offset=base + pos, tag=t
                )
            if length == UNDEFINED:
                if depth + len(stack) // 2 >= MAX_SEQUENCE_DEPTH:
                    raise MalformedDataError(
                        f"sequences nested deeper than {MAX_SEQUENCE_DEPTH} levels",
                        offset=base + pos,
                        tag=t,
                    )
                if little and record_min and (vr is None or vr == b"SQ" or vr == b"UN"):
                    # a short simple sequence (nothing to record): skipped by the light walk
                    simple = simple_sequence_end(
                        buf, pos + hdr, data_end, cur_implicit or vr == b"UN"
                    )
                    if simple is not None and simple[0] - pos - hdr < record_min:
                        pos = simple[1]
                        continue
                stack.append((True, cur_implicit, item_start, seq_tag, seq_start, cur_items))
                pos += hdr
                seq_tag = t
                seq_start = pos
                first_in_seq = vr != b"SQ"
                in_item = False
                # record nested items (and ends) only where the walk reads them as the
                # parser will: not inside a UN value walked in big endian
                if cur_items is None or nested is None or (vr == b"UN" and not little):
                    cur_items = None
                else:
                    cur_items = []
                if vr == b"UN":
                    cur_implicit = True
                continue
            nxt = pos + hdr + length
            if nxt > data_end:
                if partial:
                    raise NeedMore
                exc = _too_long(length, pos + hdr, end, avail, t, "element value", base)
                problem(exc, stacklevel=4)
                return _cut_off(items, stack, in_item, item_start, cur_implicit, data_end, origin)
            pos = nxt


def is_complete(raw: RawDataElement) -> bool:
    """Whether a raw sequence value holds all its bytes (the file did not end inside it)."""
    value = raw.value
    if raw.length == UNDEFINED or raw.is_undefined_length:
        return not getattr(value, "truncated", False)
    return value is not None and len(value) >= raw.length


def split_items(raw: RawDataElement, depth: int = 1) -> list[tuple[int, int, bool, bool]]:
    """Return the items of a raw sequence value.

    Each item is (content start, content end, implicit VR, undefined length).

    Offsets are positions in ``raw.value``. Uses the reader's cached item list
    when the value is a :class:`SequenceBytes` that has one.
    """
    value = raw.value
    if value is None:
        raise ValueError("split_items needs the value of a deferred element to be read first")
    items = getattr(value, "items", None)
    if items is not None:
        return items
    little = raw.is_little_endian
    implicit = raw.is_implicit_VR
    if raw.VR == "UN":  # a UN value holding a sequence: implicit VR little endian
        implicit = little = True
    base = raw.value_tell or 0
    tag = int(raw.tag)
    n = len(value)
    complete = is_complete(raw)
    unpack_tl = _HEADERS[little][0]
    items = []
    pos = 0
    while pos < n:
        if pos + 8 > n:
            problem(_too_long(8, pos, n, _FAR if complete else n, tag, "item header", base))
            break
        group, elem, length = unpack_tl(value, pos)
        t = group << 16 | elem
        if t == SEQ_DELIM:  # some writers put the delimiter inside a defined length
            break
        if t != ITEM:
            raise MalformedDataError(
                f"expected an item in the sequence, found ({group:04X},{elem:04X})",
                offset=base + pos,
                tag=tag,
            )
        start = pos + 8
        if length == UNDEFINED:
            item_implicit = implicit or looks_implicit(value, start, n)
            content_end, after = _item_end(
                value, start, n, item_implicit, little, tag, depth, base, complete
            )
            items.append((start, content_end, item_implicit, True))
            pos = after
            continue
        stop = start + length
        if stop > n:
            problem(_too_long(length, start, n, _FAR if complete else n, tag, "item", base))
            items.append((start, n, implicit or looks_implicit(value, start, n), False))
            break
        items.append((start, stop, implicit or looks_implicit(value, start, stop), False))
        pos = stop
    return items


def _item_end(
    value: Any,
    pos: int,
    n: int,
    implicit: bool,
    little: bool,
    tag: int,
    depth: int,
    base: int,
    complete: bool = False,
) -> tuple[int, int]:
    """Find the end of one undefined-length item whose content starts at `pos`.

    Returns the position of its item delimiter and the position after it (both
    ``n`` when the data ends first, in lenient reads).
    """
    unpack_tl, unpack_ex, unpack_len = _HEADERS[little]
    long_vrs = _LONG_VRS
    while True:
        if pos + 8 > n:
            cls = MalformedDataError if complete else TruncatedDataError
            exc: InvalidDicomError = cls(
                "undefined length item has no item delimiter", offset=base + pos, tag=tag
            )
            problem(exc, soft=True)
            return n, n
        vr = None
        if implicit:
            group, elem, length = unpack_tl(value, pos)
            hdr = 8
        else:
            group, elem, vr, length = unpack_ex(value, pos)
            if group == 0xFFFE:
                length = unpack_len(value, pos + 4)[0]
                hdr = 8
            elif vr in long_vrs:
                if pos + 12 > n:
                    far = _FAR if complete else n
                    problem(_too_long(12, pos, n, far, tag, "element header", base))
                    return n, n
                length = unpack_len(value, pos + 8)[0]
                hdr = 12
            else:
                hdr = 8
        t = group << 16 | elem
        if t == ITEM_DELIM:
            return pos, pos + 8
        if group == 0xFFFE:
            raise MalformedDataError(
                "unexpected item or delimiter inside an item", offset=base + pos, tag=t
            )
        if length == UNDEFINED:
            un = vr == b"UN"
            _, _, after, cut = find_sequence_end(
                value,
                pos + hdr,
                n,
                True if un else little,
                implicit=implicit or un,
                detect=not implicit,
                tag=t,
                depth=depth + 1,
                base=base,
                items_only=vr == b"SQ",
                complete=complete,
            )
            if cut:
                return n, n
            pos = after
            continue
        nxt = pos + hdr + length
        if nxt > n:
            exc = _too_long(length, pos + hdr, n, _FAR if complete else n, t, "element value", base)
            problem(exc)
            return n, n
        pos = nxt
