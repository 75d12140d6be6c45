"""The parser shares one BaseTag per tag value and keeps GC-tracked objects per element low."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1]))

from encoded_bytes import IMPLICIT_LE, elem, item, part10, sequence, text  # noqa: E402

from dcmcore.errors import DcmcoreWarning  # noqa: E402
from dcmcore.io.parser import DONE, read_elements  # noqa: E402
from dcmcore.io.reader import dcmread  # noqa: E402
from dcmcore.tag import BaseTag, shared_tag  # noqa: E402


def _file(n: int) -> bytes:
    # n private LO elements in one block, plus a creator
    body = elem(0x00090010, "LO", text("CREATOR"))
    body += b"".join(elem(0x00091000 | i, "LO", text(f"v{i}")) for i in range(n))
    return part10(body)


def test_the_same_tag_is_the_same_object_in_every_data_set_read() -> None:
    data = _file(10)
    first, second = dcmread(data), dcmread(data)
    for tag_a, tag_b in zip(first.keys(), second.keys(), strict=True):
        assert type(tag_a) is BaseTag
        assert tag_a is tag_b
        assert first.get_item(tag_a).tag is tag_a
    assert shared_tag(0x00091003) is next(t for t in first.keys() if t == 0x00091003)


def test_shared_tag_returns_equal_tags_beyond_its_bound() -> None:
    tags = [shared_tag(0x00110000 | i) for i in range(5)]
    assert [int(t) for t in tags] == [0x00110000 | i for i in range(5)]
    assert all(type(t) is BaseTag for t in tags)


def test_reading_creates_about_one_tracked_object_per_element() -> None:
    data = _file(2000)
    dcmread(data)  # warm the tag cache and lazy imports
    before = len(gc.get_objects())
    ds = dcmread(data)
    created = len(gc.get_objects()) - before
    assert len(ds) == 2001
    # one raw element each (a tuple holding a shared tag), plus a few per data set
    assert created < 2001 * 1.1, created


def _mixed_file(implicit: bool) -> bytes:
    kw = {"implicit": implicit}
    body = elem(0x00080005, "CS", text("ISO_IR 100"), **kw)
    body += elem(0x00100010, "PN", text("Tight^Loop"), **kw)
    body += elem(0x00181310, "US", b"\x01\x00\x02\x00\x03\x00\x04\x00", **kw)
    body += elem(0x00191010, "OB", b"\x00\x01" * 40, **kw)  # private, 4-byte length
    inner = item(elem(0x00080100, "SH", text("CODE"), **kw), undefined=True)
    body += sequence(0x00082218, [inner], undefined=True, **kw)
    body += elem(0x00200013, "IS", text("7"), **kw)
    body += elem(0x7FE00010, "OW", b"\x05\x00" * 8, **kw)
    return part10(body, IMPLICIT_LE if implicit else "1.2.840.10008.1.2.1")


def _summary(ds) -> list[tuple[int, object, int, object, object]]:
    return [
        (int(r.tag), r.VR, r.length, r.value, r.value_tell)
        for r in (ds.get_item(t) for t in ds.keys())
    ]


@pytest.mark.parametrize("implicit", [False, True])
@pytest.mark.parametrize("stop", [False, True])
def test_a_second_read_of_known_tags_gives_the_same_raw_elements(implicit: bool, stop: bool) -> None:
    # the first read meets every tag for the first time (full loop); the second finds
    # them known (the tight loop): the raw elements must be the same
    data = _mixed_file(implicit)
    first = dcmread(data, stop_before_pixels=stop)
    second = dcmread(data, stop_before_pixels=stop)
    assert _summary(first) == _summary(second)
    assert (0x7FE00010 in second) is not stop
    assert str(second[0x00082218].value[0].CodeValue) == "CODE"


def test_a_value_past_the_data_still_warns_with_its_offset_when_the_tag_is_known() -> None:
    data = _mixed_file(False)
    dcmread(data)  # every tag known
    cut = data[:-6]
    with pytest.warns(DcmcoreWarning, match="offset"):
        ds = dcmread(cut)
    assert ds[0x00200013].value == 7
    assert len(ds.get_item(0x7FE00010).value) == 10


@pytest.mark.parametrize("implicit", [False, True])
def test_a_read_limited_to_one_group_stops_at_the_first_element_of_another(
    implicit: bool,
) -> None:
    kw = {"implicit": implicit}
    group2 = elem(0x00020001, "OB", b"\0\1", **kw) + elem(0x00020010, "UI", text("1.2.3"), **kw)
    # a group 0x0008 element that is also in the tight loop's tag cache of ordinary reads
    data = group2 + elem(0x00080060, "CS", text("CT"), **kw) + elem(0x00020002, "UI", text("9"), **kw)
    read_elements(data, len(group2), len(data), implicit, True)  # warms the ordinary cache
    for _ in range(2):  # a first read, then one through the group's tag cache
        elements, pos, status = read_elements(data, 0, len(data), implicit, True, group=2)
        assert [int(t) for t in elements] == [0x00020001, 0x00020010]
        assert (pos, status) == (len(group2), DONE)
    # with a stop condition of its own as well
    elements, pos, _ = read_elements(
        data, 0, len(data), implicit, True, group=2, stop_when=lambda t: t == 0x00020010
    )
    assert [int(t) for t in elements] == [0x00020001] and pos == len(group2) - len(
        elem(0x00020010, "UI", text("1.2.3"), **kw)
    )


@pytest.mark.parametrize("implicit", [False, True])
def test_a_read_limited_to_one_group_with_a_stop_condition_still_stops_at_another_group(
    implicit: bool,
) -> None:
    kw = {"implicit": implicit}
    group2 = elem(0x00020001, "OB", b"\0\1", **kw) + elem(0x00020010, "UI", text("1.2.3"), **kw)
    data = group2 + elem(0x00080060, "CS", text("CT"), **kw)
    for _ in range(2):  # a first read, then one through the group's tag cache
        elements, pos, status = read_elements(
            data, 0, len(data), implicit, True, group=2, stop_when=lambda t: False
        )
        assert [int(t) for t in elements] == [0x00020001, 0x00020010]
        assert (pos, status) == (len(group2), DONE)


def test_one_tag_read_with_different_vrs_keeps_each_elements_own_vr_and_length() -> None:
    # (0028,1101) is US or SS; OB has a 4-byte length: each header read as written
    first = elem(0x00281101, "US", b"\1\0\2\0\3\0") + elem(0x00091010, "OB", b"\1\2")
    second = elem(0x00281101, "SS", b"\4\0\5\0\6\0") + elem(0x00091010, "UN", b"\3\4\5\6")
    for _ in range(2):  # a first read, then one through the tight loop's cache
        for data, vrs, values in (
            (first, ["US", "OB"], [b"\1\0\2\0\3\0", b"\1\2"]),
            (second, ["SS", "UN"], [b"\4\0\5\0\6\0", b"\3\4\5\6"]),
        ):
            elements, pos, status = read_elements(data, 0, len(data), False, True)
            assert [r.VR for r in elements.values()] == vrs
            assert [r.value for r in elements.values()] == values
            assert (pos, status) == (len(data), DONE)


def test_an_unknown_vr_warns_on_every_read() -> None:
    raw = b"\x09\x00\x20\x10ZZ\x02\x00ab"  # (0009,1020), VR 'ZZ', 2 bytes
    for _ in range(2):
        with pytest.warns(DcmcoreWarning, match="unknown VR 'ZZ'"):
            elements, _, _ = read_elements(raw, 0, len(raw), False, True)
        assert [(r.VR, r.value) for r in elements.values()] == [("UN", b"ab")]
