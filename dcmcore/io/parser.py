"""Parsing of encoded data sets into raw elements, and lazy sequences.

:func:`read_elements` turns the elements of a buffer (``bytes`` or ``mmap``)
into :class:`~dcmcore.element.RawDataElement` objects whose values are the
undecoded bytes. Sequences are not parsed when found: an ``SQ`` element's value
is the bytes of its items. On first access the data model calls
:func:`split_sequence` (registered as its item splitter when this module is
imported), which hands back one loader per item; the data model builds the
lazy items from them, and each item parses its own elements only when touched.
The parser never builds datasets. Header-only walks and the bad-input policy are in
:mod:`dcmcore.io.scan`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from struct import Struct
from typing import TYPE_CHECKING, Any

from dcmcore.dictionary import entry as _dictionary_entry
from dcmcore.element import RawDataElement, set_item_splitter
from dcmcore.errors import MalformedDataError
from dcmcore.io.scan import (
    _FAR,
    _HEADERS,
    _ITEM_BYTES,
    _LONG_VR_NAMES,
    _PIXEL_TAGS,
    _SEQ_DELIM_BYTES,
    _SHORT_VR_NAMES,
    CHARSET_TAG,
    ITEM,
    ITEM_DELIM,
    MAX_SEQUENCE_DEPTH,
    SEQ_DELIM,
    UNDEFINED,
    NeedMore,
    SequenceBytes,
    _too_long,
    find_sequence_end,
    indexed_sequence,
    is_complete,
    looks_implicit,
    nested_sequence,
    problem,
    simple_sequence_end,
    split_items,
)
from dcmcore.sequence import ItemSource, Sequence, sequence_depth, sequence_from_items
from dcmcore.tag import _SHARED, BaseTag, shared_tag

if TYPE_CHECKING:  # pragma: no cover
    from dcmcore.dataset import Dataset

#: Nested sequence values at least this long keep the cache of the walk that found
#: them (their items and inner ends); shorter ones are plain bytes, split again when
#: used: re-walking a few headers costs less than the cache's objects (each one the
#: garbage collector tracks), and the walks stay linear in the data size.
_NESTED_CACHE_MIN = 1024
#: The little endian key of a tag (its four bytes read as one little endian int:
#: group | element << 16) to its shared BaseTag, for the tags of elements read
#: (never an item or delimiter tag); bounded like tag.shared_tag's cache.
_LE_TAGS: dict[int, BaseTag] = {}
_LE_TAGS_MAX = 1 << 16
#: the same for the reads limited to one group (read_elements' `group`): that group's
#: tags only
_LE_GROUP_TAGS: dict[int, dict[int, BaseTag]] = {}
#: Explicit VR little endian: an element header's first six bytes (tag and VR) read as
#: one little endian int to (shared BaseTag, VR, whether the VR has a 4-byte length),
#: for the elements read with a known VR; one lookup gives the tight loop both.
_LE_EX_TAGS: dict[int, tuple[BaseTag, str, bool]] = {}
#: the same for the reads limited to one group
_LE_EX_GROUP_TAGS: dict[int, dict[int, tuple[BaseTag, str, bool]]] = {}
_HEADER6 = (1 << 48) - 1


def _group_stop(group: int) -> Callable[[int], bool]:
    """``stop_when`` of a read limited to `group`: true for a tag of another group."""
    return lambda tag: tag >> 16 != group
_NO_TAGS: frozenset[int] = frozenset()
#: an element header's first eight bytes as two little endian ints: the tag key, and
#: the VR | 2-byte length << 16 (explicit VR) or the 4-byte length (implicit VR)
_UNPACK_LL = Struct("<LL").unpack_from
#: an element header's first eight bytes as one little endian int
_UNPACK_Q = Struct("<Q").unpack_from
#: read_elements status: all elements read (or a stop condition met)
DONE = 0
#: read_elements status: the data ended inside an element (lenient reads)
TRUNCATED = 1
#: read_elements status: the window ended inside an element (partial reads)
NEED_MORE = 2

__all__ = [
    "DONE",
    "TRUNCATED",
    "NEED_MORE",
    "MAX_SEQUENCE_DEPTH",
    "SequenceBytes",
    "parse_sequence",
    "split_sequence",
    "read_elements",
    "split_items",
    "find_sequence_end",
    "looks_implicit",
    "problem",
]


def read_elements(
    buf: Any,
    pos: int,
    end: int,
    implicit: bool,
    little: bool,
    *,
    base: int = 0,
    depth: int = 0,
    stop_when: Callable[[int], bool] | None = None,
    only: Collection[int] | None = None,
    defer_size: int | None = None,
    context: str = "data set",
    complete: bool = False,
    partial: bool = False,
    group: int | None = None,
) -> tuple[dict[BaseTag, RawDataElement], int, int]:
    """Parse the elements in ``buf[pos:end]`` into raw data elements.

    Parameters
    ----------
    buf : bytes or mmap
        The encoded data.
    pos, end : int
        The range holding the elements (an item's content or a data set).
    implicit, little : bool
        The encoding.
    base : int
        Offset of ``buf[0]`` in the file; added to every ``value_tell``.
    depth : int
        Nesting level of this data set (0 for the top level).
    stop_when : callable, optional
        ``stop_when(tag)`` true stops before that element.
    only : collection of int, optional
        Keep only these tags (and Specific Character Set).
    defer_size : int, optional
        Values longer than this many bytes get ``value=None`` (read later).
    context : str
        What is being read, for messages.
    complete : bool
        `buf` holds all its data (an item of a complete sequence value):
        running past its end is corruption, not truncation.
    partial : bool
        `buf` is a window of a file that goes on after it: an element that
        does not fit stops the read with status :data:`NEED_MORE`.
    group : int, optional
        Read only elements of this group: stop before the first of another group
        (the file meta information, a command set), with `stop_when` if given.

    Returns
    -------
    elements : dict
        Tag to :class:`RawDataElement`, in file order.
    pos : int
        Where reading stopped (the start of the element that did not fit).
    status : int
        :data:`DONE`, :data:`TRUNCATED` (the data ended early; lenient reads
        only) or :data:`NEED_MORE` (with `partial`).
    """
    unpack_tl, unpack_ex, unpack_len = _HEADERS[little]
    short_names = _SHORT_VR_NAMES.get
    long_names = _LONG_VR_NAMES.get
    new = tuple.__new__
    RDE = RawDataElement
    cached_tag = _SHARED.get
    data_end = min(end, len(buf))
    avail = _FAR if complete else len(buf)
    elements: dict[BaseTag, RawDataElement] = {}
    child_depth = depth + 1
    ends = getattr(buf, "ends", None)
    plain = only is None and defer_size is None
    value: bytes | None
    # little endian, every value kept, no stop or a stop at a set of tags (the reader's
    # stop before pixels): the common elements go through the tight loop below; the
    # first element it does not handle (new tag, undefined length, unknown VR, delimiter,
    # stop tag, a value past the data) is read by the full loop body, then it resumes
    stop_owner = getattr(stop_when, "__self__", None) if stop_when is not None else _NO_TAGS
    stop_set: frozenset[int] = stop_owner if isinstance(stop_owner, frozenset) else _NO_TAGS
    fast = little and plain and (stop_when is None or stop_owner is stop_set)
    le_tags = _LE_TAGS
    ex_tags = _LE_EX_TAGS
    if group is not None:
        # the tight loop looks tags up among this group's only: a tag of another group
        # leaves it for the full loop body, which stops there
        le_tags = _LE_GROUP_TAGS.setdefault(group, {})
        ex_tags = _LE_EX_GROUP_TAGS.setdefault(group, {})
        outer_stop = stop_when
        if outer_stop is None:
            stop_when = _group_stop(group)
        else:
            # `group` itself is reused by the loop below: bind its value now
            stop_when = lambda tag, g=group: tag >> 16 != g or outer_stop(tag)  # noqa: E731
    le_tag = le_tags.get
    ex_tag = ex_tags.get
    unpack_ll = _UNPACK_LL
    unpack_q = _UNPACK_Q
    header6 = _HEADER6
    vr_code: int | None
    while pos < data_end:
        if fast:
            while pos + 8 <= data_end:
                if implicit:
                    key, length = unpack_ll(buf, pos)
                    t = le_tag(key)
                    if t is None or t in stop_set or length == UNDEFINED:
                        break
                    vr = None
                    vpos = pos + 8
                else:
                    head = unpack_q(buf, pos)[0]
                    found = ex_tag(head & header6)
                    if found is None:
                        break
                    t, vr, long_length = found
                    if t in stop_set:
                        break
                    if long_length:
                        if pos + 12 > data_end:
                            break
                        length = unpack_len(buf, pos + 8)[0]
                        if length == UNDEFINED:
                            break
                        vpos = pos + 12
                    else:
                        length = head >> 48
                        vpos = pos + 8
                nxt = vpos + length
                if nxt > data_end:
                    break
                elements[t] = new(
                    RDE,
                    (t, vr, length, buf[vpos:nxt] if length else b"", base + vpos,
                     implicit, True, True, False),
                )  # fmt: skip
                pos = nxt
            if pos >= data_end:
                break
        if pos + 8 > data_end:
            if partial:
                return elements, pos, NEED_MORE
            problem(_too_long(8, pos, end, avail, None, f"element header in the {context}", base))
            return elements, data_end, TRUNCATED
        if implicit:
            group, elem, length = unpack_tl(buf, pos)
            tag = group << 16 | elem
            if stop_when is not None and stop_when(tag):
                return elements, pos, DONE
            vr = None
            vr_code = None
            hdr = 8
        else:
            group, elem, raw_vr, length = unpack_ex(buf, pos)
            tag = group << 16 | elem
            if stop_when is not None and stop_when(tag):
                return elements, pos, DONE
            hdr = 8
            vr = short_names(raw_vr)
            vr_code = int.from_bytes(raw_vr, "little") if little else None
            if vr is None and group != 0xFFFE:
                vr = long_names(raw_vr)
                if vr is not None:
                    if pos + 12 > data_end:
                        if partial:
                            return elements, pos, NEED_MORE
                        problem(_too_long(12, pos, end, avail, tag, "element header", base))
                        return elements, data_end, TRUNCATED
                    length = unpack_len(buf, pos + 8)[0]
                    hdr = 12
                else:
                    vr_code = None  # not a known VR: never in the tight loop's lookup
                    vr, length, hdr = _unknown_vr(buf, pos, raw_vr, length, tag, base, little)
        if group == 0xFFFE:
            what = {ITEM_DELIM: "item delimiter", SEQ_DELIM: "sequence delimiter", ITEM: "item"}
            problem(
                MalformedDataError(
                    f"unexpected {what.get(tag, 'delimiter group tag')} in the {context}",
                    offset=base + pos,
                    tag=tag,
                ),
                soft=True,
            )
            return elements, pos, DONE
        vpos = pos + hdr
        if length == UNDEFINED:
            try:
                value, after, seq_vr, cut, un_seq = _undefined_value(
                    buf, pos, vpos, end, tag, vr, implicit, little, base, child_depth, ends,
                    complete, partial,
                )  # fmt: skip
            except NeedMore:
                return elements, pos, NEED_MORE
            if only is None or tag in only or tag == CHARSET_TAG:
                t = cached_tag(tag) or shared_tag(tag)
                elements[t] = new(
                    RDE,
                    (t, seq_vr, UNDEFINED, value, base + vpos,
                     implicit or un_seq, little or un_seq, True, True),
                )  # fmt: skip
            if cut:
                return elements, data_end, TRUNCATED
            pos = after
            continue
        nxt = vpos + length
        cut = False
        if nxt > data_end:
            if partial:
                return elements, pos, NEED_MORE
            exc = _too_long(length, vpos, end, avail, tag, "element value", base)
            problem(exc)
            nxt = data_end
            cut = True
        if plain:
            value = buf[vpos:nxt] if length else b""
        else:
            if only is not None and tag not in only and tag != CHARSET_TAG:
                pos = nxt
                if cut:
                    return elements, data_end, TRUNCATED
                continue
            if defer_size is not None and length > defer_size and tag != CHARSET_TAG and not cut:
                value = None
            else:
                value = buf[vpos:nxt] if length else b""
        t = cached_tag(tag) or shared_tag(tag)
        if little:  # the tight loop's tag lookups
            key = (tag & 0xFFFF) << 16 | tag >> 16
            if len(le_tags) < _LE_TAGS_MAX:
                le_tags[key] = t
            if vr_code is not None and vr is not None and len(ex_tags) < _LE_TAGS_MAX:
                ex_tags[key | vr_code << 32] = (t, vr, hdr == 12)
        elements[t] = new(RDE, (t, vr, length, value, base + vpos, implicit, little, True, False))
        if cut:
            return elements, data_end, TRUNCATED
        pos = nxt
    return elements, pos, NEED_MORE if partial else DONE


def _unknown_vr(
    buf: Any, pos: int, raw_vr: bytes, length16: int, tag: int, base: int, little: bool
) -> tuple[str | None, int, int]:
    """Handle an explicit VR element whose VR bytes are not a known VR."""
    if 0x41 <= raw_vr[0] <= 0x5A and 0x41 <= raw_vr[1] <= 0x5A:
        # Well-formed but unknown (e.g. "ZZ"): assume a 2-byte length and read as UN
        problem(
            MalformedDataError(
                f"unknown VR {raw_vr.decode('ascii')!r}, read as UN with a 2-byte length",
                offset=base + pos,
                tag=tag,
            ),
            soft=True,
            stacklevel=4,
        )
        return "UN", length16, 8
    # Not a VR at all: the writer switched to implicit VR for this element
    problem(
        MalformedDataError(
            f"invalid VR bytes 0x{raw_vr.hex().upper()} in explicit VR data, assuming implicit VR",
            offset=base + pos,
            tag=tag,
        ),
        soft=True,
        stacklevel=4,
    )
    length = _HEADERS[little][2](buf, pos + 4)[0]
    return None, length, 8


def _is_sequence(tag: int, vr: str | None, buf: Any, vpos: int, little: bool) -> bool:
    """Whether an undefined-length element of `tag` and `vr` holds a sequence."""
    if vr == "SQ":
        return True
    if vr == "UN":  # PS3.5 6.2.2: a sequence, unless it is not item structured
        start = buf[vpos : vpos + 4]
        return tag not in _PIXEL_TAGS and start in (_ITEM_BYTES[True], _SEQ_DELIM_BYTES[True])
    if vr is not None or tag in _PIXEL_TAGS:
        return False
    if not tag >> 16 & 1:
        found = _dictionary_entry(tag)
        if found is not None:
            return found.VR == "SQ"
    # private or unknown: a sequence when the value starts with an item
    return buf[vpos : vpos + 4] == _ITEM_BYTES[little]


def _undefined_value(
    buf: Any,
    pos: int,
    vpos: int,
    end: int,
    tag: int,
    vr: str | None,
    implicit: bool,
    little: bool,
    base: int,
    depth: int,
    ends: dict[int, tuple[int, int]] | None,
    complete: bool,
    partial: bool = False,
) -> tuple[bytes, int, str | None, bool, bool]:
    """Read an undefined-length value: a sequence, encapsulated pixel data or a delimited value.

    Returns the value, the position after the delimiter, the VR, whether the data
    ended first, and whether it is a UN value read as an implicit VR LE sequence.
    """
    is_seq = _is_sequence(tag, vr, buf, vpos, little)
    # UN with undefined length holds implicit VR little endian items (PS3.5 6.2.2)
    un = is_seq and vr == "UN"
    if not is_seq and vr is not None and vr not in ("OB", "OW", "UN") and tag not in _PIXEL_TAGS:
        problem(
            MalformedDataError(f"undefined length on a {vr} element", offset=base + pos, tag=tag),
            soft=True,
            stacklevel=4,
        )
    if ends is not None:
        known = ends.get(vpos)
        if known is not None:  # found by the walk that read the enclosing sequence
            if is_seq and known[0] - vpos >= _NESTED_CACHE_MIN:
                # keep that walk's cache for this sequence's items and the levels below
                cached = nested_sequence(buf, vpos, known[0])
                if cached is not None:
                    return cached, known[1], "SQ", False, un
            return buf[vpos : known[0]], known[1], "SQ" if is_seq else vr, False, un
    if is_seq and depth > 1 and (little or un):
        # a sequence inside an item, most often short and simple: found without the
        # full walk; a short one is plain bytes, split again when used
        simple = simple_sequence_end(buf, vpos, min(end, len(buf)), implicit or un)
        if simple is not None and simple[0] - vpos < _NESTED_CACHE_MIN:
            return buf[vpos : simple[0]], simple[1], "SQ", False, un
    if is_seq:
        # keep its item list and the ends (and item lists) of every value nested
        # in it, so parsing each level below needs no walk: one walk in all
        found: dict[int, tuple[int, int]] = {}
        nested: dict[int, list[tuple[int, int, bool, bool]]] = {}
        items, content_end, after, cut = find_sequence_end(
            buf, vpos, end, True if un else little, implicit=implicit or un, detect=not implicit,
            tag=tag, depth=depth, base=base, origin=vpos, ends=found, nested=nested,
            complete=complete, partial=partial, record_min=_NESTED_CACHE_MIN,
        )  # fmt: skip
        if depth > 1 and not cut and content_end - vpos < _NESTED_CACHE_MIN:
            # a short sequence inside an item: plain bytes, split again when used
            return buf[vpos:content_end], after, "SQ", False, un
        value = indexed_sequence(buf, vpos, content_end, items, found, nested)
        if cut:
            value.truncated = True
        return value, after, "SQ", cut, un
    _, content_end, after, cut = find_sequence_end(
        buf, vpos, end, True if un else little, implicit=implicit or un,
        detect=is_seq and not implicit, tag=tag, depth=depth, base=base, items_only=is_seq,
        complete=complete, partial=partial,
    )  # fmt: skip
    if cut and is_seq:
        value = SequenceBytes(memoryview(buf)[vpos:content_end])
        value.truncated = True
        return value, after, "SQ", cut, un
    return buf[vpos:content_end], after, "SQ" if is_seq else vr, cut, un


class _ItemLoader(tuple):
    """Parses one sequence item's elements on first access (called by the data model).

    A tuple ``(context, start, end, implicit)``, made without a Python call; `context`
    is ``(buf, little, base, depth, complete)``, one per sequence, shared by its items.
    """

    __slots__ = ()

    def __call__(self) -> dict[BaseTag, RawDataElement]:
        (buf, little, base, depth, complete), start, end, implicit = self
        elements, _, _ = read_elements(
            buf,
            start,
            end,
            implicit,
            little,
            base=base,
            depth=depth,
            context="sequence item",
            complete=complete,
        )
        return elements


def split_sequence(raw: RawDataElement, depth: int) -> list[ItemSource]:
    """Split a raw ``SQ`` element's value into item sources (one loader per item).

    The data model calls this (registered with
    :func:`dcmcore.element.set_item_splitter` when this module is imported) and
    builds the lazily parsed items with :func:`dcmcore.sequence.sequence_from_items`.

    Parameters
    ----------
    raw : RawDataElement
        The raw sequence element; its value holds the encoded items (without
        the sequence delimiter for undefined lengths).
    depth : int
        The nesting level of the sequence's items (1 for a top-level sequence).

    Returns
    -------
    list of (loader, bool, bool, bool)
        ``(loader, is_implicit_VR, is_little_endian, is_undefined_length)``
        per item; ``loader()`` parses the item's elements.

    Raises
    ------
    TruncatedDataError, MalformedDataError
        When the items are malformed or nested deeper than
        :data:`MAX_SEQUENCE_DEPTH` (truncation only warns in lenient reads).
    """
    value = raw.value
    if value is None:
        raise ValueError("parse_sequence needs the value of a deferred element to be read first")
    if not isinstance(value, bytes):
        raw = raw._replace(value=bytes(value))
        value = raw.value
    if depth > MAX_SEQUENCE_DEPTH:
        raise MalformedDataError(
            f"sequences nested deeper than {MAX_SEQUENCE_DEPTH} levels",
            offset=raw.value_tell,
            tag=int(raw.tag),
        )
    little = raw.is_little_endian or raw.VR == "UN"
    base = raw.value_tell or 0
    complete = is_complete(raw)
    context = (value, little, base, depth, complete)
    new = tuple.__new__
    loader = _ItemLoader
    return [
        (new(loader, (context, start, stop, item_implicit)), item_implicit, little, undefined)
        for start, stop, item_implicit, undefined in split_items(raw, depth)
    ]


def parse_sequence(
    raw: RawDataElement,
    *,
    parent: Dataset | None = None,
    encoding: str | list[str] | None = None,
) -> Sequence:
    """Split a raw ``SQ`` element's value into a Sequence of lazily parsed item datasets.

    :func:`split_sequence` and :func:`dcmcore.sequence.sequence_from_items` in one call.

    Parameters
    ----------
    raw : RawDataElement
        The raw sequence element.
    parent : Dataset, optional
        The data set holding the sequence; items inherit its character set
        and deferred-read source.
    encoding : str or list of str, optional
        A character set to record as the items' original one (normally None:
        inherited from `parent`).

    Returns
    -------
    Sequence
        One :class:`~dcmcore.dataset.Dataset` per item, each parsed on first access.

    Raises
    ------
    TruncatedDataError, MalformedDataError
        When the items are malformed (truncation only warns in lenient reads).
    """
    items = split_sequence(raw, sequence_depth(parent) + 1)
    return sequence_from_items(
        items, parent=parent, undefined_length=bool(raw.is_undefined_length), encoding=encoding
    )


set_item_splitter(split_sequence)
