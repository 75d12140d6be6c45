"""Private blocks and private elements, compared with pydicom."""

from __future__ import annotations

import copy

import pytest

from dcmcore.dataset import Dataset
from dcmcore.private import PrivateBlock

pydicom = pytest.importorskip("pydicom")


def _both() -> tuple[Dataset, object]:
    ours, theirs = Dataset(), pydicom.Dataset()
    for ds in (ours, theirs):
        ds.PatientName = "Doe^John"
        ds.add_new(0x00410010, "LO", "Other Creator")
        block = ds.private_block(0x0041, "My Creator", create=True)
        block.add_new(0x01, "LO", "12345")
        block.add_new(0x02, "US", 7)
        ds.add_new_private("Another", 0x0043, 0x10, "value", "SH")
    return ours, theirs


def test_private_blocks_print_like_pydicom() -> None:
    ours, theirs = _both()
    assert str(ours) == str(theirs)
    assert sorted(ours.keys()) == sorted(theirs.keys())


def test_create_uses_the_first_free_block() -> None:
    ours, _ = _both()
    block = ours.private_block(0x0041, "My Creator")
    assert block.block_start == 0x1100
    assert block.get_tag(0x01) == 0x00411101
    assert ours[0x00410011].value == "My Creator"
    assert ours.private_creators(0x0041) == ["Other Creator", "My Creator"]


def test_block_contains_getitem_delitem() -> None:
    ours, _ = _both()
    block = ours.private_block(0x0041, "My Creator")
    assert 0x01 in block and 0x03 not in block
    assert block[0x01].value == "12345"
    assert block[0x01].private_creator == "My Creator"
    del block[0x01]
    assert 0x01 not in block
    with pytest.raises(KeyError):
        block[0x01]
    with pytest.raises(ValueError, match="less than 256"):
        block.get_tag(0x100)


def test_private_block_errors() -> None:
    ds = Dataset()
    with pytest.raises(KeyError, match="Private creator 'Nobody' not found"):
        ds.private_block(0x0041, "Nobody")
    with pytest.raises(ValueError, match="must be private"):
        ds.private_block(0x0010, "Creator", create=True)
    with pytest.raises(ValueError, match="must have a value"):
        ds.private_block(0x0041, "", create=True)
    with pytest.raises(ValueError, match="odd"):
        ds.private_creators(0x0010)


def test_get_private_item() -> None:
    ours, theirs = _both()
    assert ours.get_private_item(0x0041, 0x02, "My Creator").value == 7
    assert str(ours.get_private_item(0x0041, 0x02, "My Creator")) == str(
        theirs.get_private_item(0x0041, 0x02, "My Creator")
    )
    with pytest.raises(KeyError):
        ours.get_private_item(0x0041, 0x09, "My Creator")
    with pytest.raises(KeyError):
        ours.get_private_item(0x0041, 0x01, "Missing")


def test_add_new_private_takes_vr_from_the_private_dictionary() -> None:
    ds = Dataset()
    ds.add_new_private("GEMS_IDEN_01", 0x0009, 0x01, "FULL")
    elem = ds.get_private_item(0x0009, 0x01, "GEMS_IDEN_01")
    assert elem.VR == "LO"
    assert elem.name == "[Full fidelity]"
    with pytest.raises(KeyError):
        ds.add_new_private("Unknown Creator", 0x0009, 0x01, "x")


def test_remove_private_tags_recurses_into_sequences() -> None:
    ours, _ = _both()
    item = Dataset()
    item.add_new_private("Item Creator", 0x0029, 0x01, "x", "LO")
    item.PatientID = "ID"
    ours.ReferencedImageSequence = [item]
    ours.remove_private_tags()
    assert [elem.tag for elem in ours] == [0x00081140, 0x00100010]
    assert [elem.tag for elem in ours.ReferencedImageSequence[0]] == [0x00100020]


def test_deleting_a_creator_forgets_the_cached_block() -> None:
    ds = Dataset()
    ds.private_block(0x0041, "My Creator", create=True)
    del ds[0x00410010]
    with pytest.raises(KeyError):
        ds.private_block(0x0041, "My Creator")


def test_private_block_deepcopies_with_its_dataset_reference() -> None:
    ds = Dataset()
    block = ds.private_block(0x0041, "My Creator", create=True)
    clone = copy.deepcopy(block)
    assert isinstance(clone, PrivateBlock)
    assert clone.dataset is ds and clone.block_start == block.block_start


def test_setting_a_private_element_records_its_creator() -> None:
    ds = Dataset()
    ds.private_block(0x0029, "SIEMENS CSA HEADER", create=True)
    ds.add_new(0x00291008, "CS", "IMAGE NUM 4")
    assert ds[0x00291008].private_creator == "SIEMENS CSA HEADER"
    assert ds[0x00291008].name == "[CSA Image Header Type]"


def test_private_creator_next_to_a_group_length_is_named_private_creator() -> None:
    """pydicom takes (0019,0000) as the creator of (0019,0010) and names it 'Private tag
    data'; the creator of a private block is (gggg,00xx) for elements (gggg,xx00-xxFF)
    only, so dcmcore names it 'Private Creator' (the one text difference on pydicom's
    charset test files)."""
    ds = Dataset()
    ds.add_new(0x00190000, "UL", 10)
    ds.add_new(0x00190010, "LO", "AGFA")
    assert ds[0x00190010].private_creator is None
    assert ds[0x00190010].name == "Private Creator"
    theirs = pydicom.Dataset()
    theirs.add_new(0x00190000, "UL", 10)
    theirs.add_new(0x00190010, "LO", "AGFA")
    assert theirs[0x00190010].name == "Private tag data"
