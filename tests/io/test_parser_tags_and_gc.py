"""The parser shares one BaseTag per tag value and keeps GC-tracked objects per element low."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))

from encoded_bytes import elem, part10, text  # noqa: E402

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
