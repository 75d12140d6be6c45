"""dcmcore.tag: every form pydicom accepts for a tag."""

from __future__ import annotations

import pickle

import pytest

from dcmcore.tag import BaseTag, Tag


@pytest.mark.parametrize(
    "arg",
    [0x00100010, (0x0010, 0x0010), ("0010", "0010"), "0x00100010", "00100010", [0x10, 0x10],
     BaseTag(0x00100010)],
)
def test_tag_accepts_every_pydicom_form(arg):
    tag = Tag(arg)
    assert tag == 0x00100010
    assert (tag.group, tag.element) == (0x0010, 0x0010)
    assert str(tag) == "(0010,0010)"


def test_tag_from_group_and_element_arguments():
    assert Tag(0x0008, 0x0018) == 0x00080018


def test_tag_from_keyword_uses_dictionary():
    assert Tag("PatientName") == 0x00100010


@pytest.mark.parametrize("bad", [0x1_0000_0000, (0x10000, 0), (0, 0x10000)])
def test_tag_out_of_range_raises_overflow(bad):
    with pytest.raises(OverflowError):
        Tag(bad)


@pytest.mark.parametrize("bad", [-1, (-1, 0), (0, -1)])
def test_negative_tag_raises_valueerror_as_pydicom(bad):
    with pytest.raises(ValueError, match="positive"):
        Tag(bad)


def test_tag_bad_tuple_and_type_raise():
    with pytest.raises(ValueError):
        Tag((1, 2, 3))
    with pytest.raises(TypeError):
        Tag(object())


def test_tag_compares_hashes_and_pickles_as_int():
    tag = Tag(0x00100020)
    assert tag == (0x0010, 0x0020) and tag != (0x0010, 0x0010)
    assert tag > 0x00100010 and tag < "0x00100030"
    assert {tag: 1}[0x00100020] == 1
    assert pickle.loads(pickle.dumps(tag)) == tag
    assert tag.is_private is False and Tag(0x00091010).is_private is True


def test_private_creator_of_private_tag():
    assert Tag(0x00091012).private_creator == 0x00090010
    assert Tag(0x00090010).is_private_creator
    assert not Tag(0x00091000).is_private_creator
