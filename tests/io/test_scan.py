"""Header-only walks of io/scan.py: the simple walk agrees with the full one or declines."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1]))

from encoded_bytes import elem, item, sequence, text  # noqa: E402

from dcmcore.io.scan import find_sequence_end, simple_item_end, simple_sequence_end  # noqa: E402

SEQ = 0x00082218
INNER = 0x00082228


def _value(data: bytes) -> bytes:
    """The value of the one undefined-length sequence element in `data` (delimiter kept)."""
    return data[12:]


@pytest.mark.parametrize("implicit", [False, True])
@pytest.mark.parametrize("undefined_items", [False, True])
def test_simple_walk_ends_where_the_full_walk_ends(implicit: bool, undefined_items: bool) -> None:
    kw = {"implicit": implicit}
    items = [
        item(elem(0x00080100, "SH", text(f"C{i}"), **kw) + elem(0x00081150, "UI", text("1.2"), **kw),
             undefined=undefined_items)
        for i in range(3)
    ]  # fmt: skip
    data = sequence(SEQ, items, undefined=True, **kw)
    start = 8 if implicit else 12
    value = data[start:]
    full = find_sequence_end(value, 0, len(value), True, implicit=implicit)
    assert simple_sequence_end(value, 0, len(value), implicit) == (full[1], full[2])


def test_simple_walk_reads_an_implicit_item_in_explicit_data() -> None:
    body = item(elem(0x00080100, "SH", text("CODE"), implicit=True), undefined=True)
    value = _value(sequence(SEQ, [body], undefined=True))
    full = find_sequence_end(value, 0, len(value), True, implicit=False)
    assert simple_sequence_end(value, 0, len(value), False) == (full[1], full[2])


@pytest.mark.parametrize(
    "value",
    [
        # a nested undefined-length sequence: left to the full walk
        _value(sequence(SEQ, [item(sequence(INNER, [item(elem(0x00080100, "SH", text("X")))],
                                            undefined=True), undefined=True)], undefined=True)),
        # no delimiter before the data ends
        _value(sequence(SEQ, [item(elem(0x00080100, "SH", text("X")), undefined=True)],
                        undefined=True))[:-8],
        # not an item
        elem(0x00080100, "SH", text("X")) + b"\xfe\xff\xdd\xe0\0\0\0\0",
        # an element running past the data
        b"\xfe\xff\x00\xe0\xff\xff\xff\xff" + b"\x08\x00\x00\x01SH\x40\x00" + b"AB",
    ],
    ids=["nested", "truncated", "not-an-item", "value-past-end"],
)  # fmt: skip
def test_simple_walk_declines_what_it_does_not_handle(value: bytes) -> None:
    assert simple_sequence_end(value, 0, len(value), False) is None


def _outer(items: list[bytes], implicit: bool) -> bytes:
    return sequence(SEQ, items, undefined=True, implicit=implicit)[8 if implicit else 12:]


def _nested_item(i: int, implicit: bool, *, inner_undefined: bool = True) -> bytes:
    kw = {"implicit": implicit}
    inner = item(elem(0x00080100, "SH", text(f"C{i}"), **kw), undefined=inner_undefined)
    return item(
        elem(0x00080104, "LO", text("meaning"), **kw)
        + sequence(INNER, [inner], undefined=True, **kw)
        + elem(0x00081150, "UI", text("1.2"), **kw),
        undefined=True,
    )


@pytest.mark.parametrize("implicit", [False, True])
@pytest.mark.parametrize("inner_undefined", [False, True])
def test_items_with_short_nested_sequences_split_as_the_full_walk_splits(
    implicit: bool, inner_undefined: bool
) -> None:
    value = _outer([_nested_item(i, implicit, inner_undefined=inner_undefined) for i in range(4)],
                   implicit)  # fmt: skip
    light = find_sequence_end(value, 0, len(value), True, implicit=implicit, record_min=1024)
    full = find_sequence_end(value, 0, len(value), True, implicit=implicit)
    assert light == full
    first_start, first_end = full[0][0][:2]
    assert simple_item_end(value, first_start, len(value), implicit, 1024) == (
        first_end, first_end + 8
    )


def test_item_walk_leaves_long_nested_sequences_to_the_full_walk() -> None:
    value = _outer([_nested_item(0, False)], False)
    start = find_sequence_end(value, 0, len(value), True, implicit=False)[0][0][0]
    assert simple_item_end(value, start, len(value), False, 1024) is not None
    assert simple_item_end(value, start, len(value), False, 8) is None


@pytest.mark.parametrize(
    "content",
    [
        # an item that never ends
        elem(0x00080100, "SH", text("X")),
        # a nested sequence nested again
        sequence(INNER, [item(sequence(SEQ, [item(elem(0x00080100, "SH", text("X")))],
                                       undefined=True), undefined=True)], undefined=True),
        # an undefined-length value that is not a sequence (explicit VR)
        b"\xe0\x7f\x10\x00OB\0\0\xff\xff\xff\xff" + b"\xfe\xff\xdd\xe0\0\0\0\0" + b"\xfe\xff\x0d\xe0\0\0\0\0",
        # an item tag inside the item
        b"\xfe\xff\x00\xe0\0\0\0\0",
    ],
    ids=["unended", "doubly-nested", "undefined-OB", "item-in-item"],
)  # fmt: skip
def test_item_walk_declines_what_it_does_not_handle(content: bytes) -> None:
    assert simple_item_end(content, 0, len(content), False, 1024) is None
