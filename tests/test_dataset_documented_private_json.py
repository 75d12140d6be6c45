"""Seed-page conformance of the private-element and DICOM JSON members of Dataset.

add_new_private, get_private_item, private_block (create=), private_creators,
remove_private_tags, to_json / to_json_dict / from_json parameters; pydicom 3
as the reference where its documentation is silent.
"""

from __future__ import annotations

import io
import json
import warnings
from typing import Any

import pytest

from dcmcore.dataset import Dataset, PrivateBlock
from dcmcore.element import DataElement
from dcmcore.io.reader import dcmread
from dcmcore.sequence import Sequence
from tests.corpus_pairs import (
    _both,
    _mine,
    _tags,
    pydicom,
)


# ---------------------------------------------------------------- add_new_private
def test_add_new_private_reserves_a_block_and_sets_value() -> None:
    ds = Dataset()
    ds.add_new_private("My Creator", 0x0041, 0x01, "12345", "LO")
    assert ds[0x00410010].value == "My Creator"
    assert ds[0x00411001].value == "12345"
    assert ds[0x00411001].VR == "LO"
    assert ds[0x00411001].private_creator == "My Creator"
    ref = pydicom.Dataset()
    ref.add_new_private("My Creator", 0x0041, 0x01, "12345", "LO")
    assert _tags(ds) == _tags(ref)


def test_add_new_private_second_creator_uses_next_free_block() -> None:
    ds = Dataset()
    ds.add_new_private("A", 0x0041, 0x01, "x", "LO")
    ds.add_new_private("B", 0x0041, 0x02, "y", "LO")
    assert ds[0x00410011].value == "B"
    assert ds[0x00411102].value == "y"


def test_add_new_private_vr_none_taken_from_private_dictionary() -> None:
    ds = Dataset()
    ds.add_new_private("SIEMENS CSA HEADER", 0x0029, 0x08, "IMAGE NUM 4")
    assert ds[0x00291008].VR == "CS"


@pytest.mark.parametrize("group", [0x0010, 0x0008, 0x0002])
def test_add_new_private_even_group_raises_value_error(group: int) -> None:
    with pytest.raises(ValueError):
        Dataset().add_new_private("My Creator", group, 0x01, "x", "LO")


def test_add_new_private_empty_creator_raises_value_error() -> None:
    with pytest.raises(ValueError):
        Dataset().add_new_private("", 0x0041, 0x01, "x", "LO")


def test_add_new_private_unknown_tag_without_vr_raises_key_error() -> None:
    with pytest.raises(KeyError):
        Dataset().add_new_private("Not A Known Creator", 0x0041, 0x01, "x")


# ---------------------------------------------------------------- from_json / to_json
def test_from_json_accepts_dict_str_bytes_and_bytearray() -> None:
    ds = _mine("CT_small.dcm")
    del ds.PixelData
    text = ds.to_json()
    for form in (json.loads(text), text, text.encode(), bytearray(text.encode())):
        back = Dataset.from_json(form)
        assert isinstance(back, Dataset)
        assert back.PatientName == ds.PatientName
        assert back.Rows == ds.Rows


def test_from_json_bulk_data_uri_handler_three_arguments() -> None:
    seen = []

    def handler(tag: str, vr: str, uri: str) -> bytes:
        seen.append((tag, vr, uri))
        return b"\x01\x02"

    model = {"00091002": {"vr": "OB", "BulkDataURI": "http://example.com/x"}}
    ds = Dataset.from_json(model, handler)
    assert seen == [("00091002", "OB", "http://example.com/x")]
    assert ds[0x00091002].value == b"\x01\x02"


def test_from_json_bulk_data_uri_handler_one_argument() -> None:
    model = {"00091002": {"vr": "OB", "BulkDataURI": "http://example.com/x"}}
    ds = Dataset.from_json(model, lambda uri: uri.encode())
    assert ds[0x00091002].value == b"http://example.com/x"


@pytest.mark.parametrize(
    "tag, vr",
    [("00091002", "OB"), ("00100020", "LO"), ("00280010", "US"), ("00100010", "PN"),
     ("00189087", "FD"), ("300A00B0", "SQ"), ("00091004", "UN")],
)
def test_from_json_without_handler_gives_empty_value(tag: str, vr: str) -> None:
    """Documented: an "empty" value ("", b"" or None depending on the VR), VM 0; the exact
    empty value per VR is pydicom's (None for OB)."""
    model = {tag: {"vr": vr, "BulkDataURI": "http://example.com/x"}}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mine = Dataset.from_json(model)[int(tag, 16)]
        theirs = pydicom.Dataset.from_json(model)[int(tag, 16)]
    assert mine.VM == theirs.VM  # 0, but 1 for an (empty) sequence as in pydicom
    if vr == "SQ":
        assert isinstance(mine.value, Sequence) and len(mine.value) == 0
    else:
        assert mine.value == theirs.value
        assert type(mine.value).__name__ == type(theirs.value).__name__


@pytest.mark.parametrize("name", ["CT_small.dcm", "rtplan.dcm", "MR_small.dcm"])
def test_to_json_dict_matches_pydicom(name: str) -> None:
    ds, ref = _both(name)
    assert ds.to_json_dict() == ref.to_json_dict()


def test_to_json_dict_returns_dict_to_json_returns_str() -> None:
    ds = _mine("rtplan.dcm")
    result = ds.to_json_dict()
    assert isinstance(result, dict)
    text = ds.to_json()
    assert isinstance(text, str)
    assert json.loads(text) == result


def test_to_json_bulk_data_threshold_and_handler() -> None:
    """The handler is called for binary values whose base64 length exceeds the threshold."""
    ds, ref = _both("CT_small.dcm")
    calls: list[int] = []

    def handler(elem: Any) -> str:
        calls.append(int(elem.tag))
        return "http://example.com/bulk"

    result = ds.to_json_dict(bulk_data_threshold=1024, bulk_data_element_handler=handler)
    assert 0x7FE00010 in calls
    assert result["7FE00010"] == {"vr": "OW", "BulkDataURI": "http://example.com/bulk"}
    assert result == ref.to_json_dict(1024, lambda e: "http://example.com/bulk")
    calls.clear()
    ds.to_json_dict(bulk_data_threshold=10**9, bulk_data_element_handler=handler)
    assert calls == []


def test_to_json_threshold_ignored_without_handler() -> None:
    ds = _mine("CT_small.dcm")
    result = ds.to_json_dict(bulk_data_threshold=1)
    assert "InlineBinary" in result["7FE00010"]


def test_to_json_dump_handler_used() -> None:
    ds = _mine("CT_small.dcm")

    def my_dumps(data: dict[str, Any]) -> str:
        return json.dumps(data, indent=4, sort_keys=True)

    text = ds.to_json(dump_handler=my_dumps)
    assert text == my_dumps(ds.to_json_dict())
    assert ds.to_json(dump_handler=lambda d: "custom") == "custom"


def test_to_json_suppress_invalid_tags() -> None:
    """An element that cannot be serialised raises, unless suppressed (then dropped)."""
    ds = Dataset()
    ds.PatientName = "Doe^John"
    bad = DataElement(0x00280010, "US", 5)
    bad._value = "not-a-number"  # bypass validation: an unserialisable value
    ds.add(bad)
    with pytest.raises(Exception):  # noqa: B017 - pydicom lets the error through
        ds.to_json_dict()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = ds.to_json_dict(suppress_invalid_tags=True)
        text = ds.to_json(suppress_invalid_tags=True)
    assert "00280010" not in result
    assert "00100010" in result
    assert "00280010" not in json.loads(text)


# ---------------------------------------------------------------- get_private_item
def test_get_private_item_finds_element_by_creator() -> None:
    ds = Dataset()
    ds.add_new_private("Creator A", 0x0041, 0x01, "a", "LO")
    ds.add_new_private("Creator B", 0x0041, 0x01, "b", "LO")
    elem = ds.get_private_item(0x0041, 0x01, "Creator B")
    assert isinstance(elem, DataElement)
    assert elem.value == "b"
    assert ds.get_private_item(0x0041, 0x01, "Creator A").value == "a"


def test_get_private_item_on_corpus_file_matches_pydicom() -> None:
    ds, ref = _both("CT_small.dcm")
    creator = ref[0x00430010].value
    mine = ds.get_private_item(0x0043, 0x29, creator)
    theirs = ref.get_private_item(0x0043, 0x29, creator)
    assert int(mine.tag) == int(theirs.tag)
    assert mine.value == theirs.value


def test_get_private_item_errors() -> None:
    ds = Dataset()
    ds.add_new_private("Creator A", 0x0041, 0x01, "a", "LO")
    with pytest.raises(ValueError):
        ds.get_private_item(0x0040, 0x01, "Creator A")
    with pytest.raises(ValueError):
        ds.get_private_item(0x0041, 0x01, "")
    with pytest.raises(KeyError):
        ds.get_private_item(0x0041, 0x01, "No Such Creator")
    with pytest.raises(KeyError):
        ds.get_private_item(0x0041, 0x02, "Creator A")


# ---------------------------------------------------------------- private_block / private_creators
def test_private_block_existing_on_corpus_file() -> None:
    ds, ref = _both("CT_small.dcm")
    creator = ref[0x00090010].value
    block = ds.private_block(0x0009, creator)
    assert isinstance(block, PrivateBlock)
    assert block.group == 0x0009
    assert block.private_creator == creator
    assert int(block.get_tag(0x01)) == int(ref.private_block(0x0009, creator).get_tag(0x01))


def test_private_block_missing_without_create_raises_key_error() -> None:
    with pytest.raises(KeyError):
        Dataset().private_block(0x0041, "My Creator")
    with pytest.raises(KeyError):
        Dataset().private_block(0x0041, "My Creator", create=False)


def test_private_block_create_adds_creator_at_next_free_block() -> None:
    ds = Dataset()
    ds.add_new(0x00410010, "LO", "Other")
    ds.add_new(0x00410011, "LO", "Another")
    block = ds.private_block(0x0041, "My Creator", create=True)
    assert ds[0x00410012].value == "My Creator"
    assert block.block_start == 0x1200
    block.add_new(0x01, "LO", "12345")
    assert ds[0x00411201].value == "12345"
    # existing creator: same block, nothing added
    n = len(ds)
    again = ds.private_block(0x0041, "My Creator", create=True)
    assert again.block_start == 0x1200 and len(ds) == n


@pytest.mark.parametrize("group, creator", [(0x0040, "My Creator"), (0x0041, "")])
def test_private_block_value_errors(group: int, creator: str) -> None:
    with pytest.raises(ValueError):
        Dataset().private_block(group, creator, create=True)


def test_private_creators_lists_creators_in_group() -> None:
    ds, ref = _both("CT_small.dcm")
    for group in (0x0009, 0x0019, 0x0043):
        assert ds.private_creators(group) == ref.private_creators(group)
    assert ds.private_creators(0x0041) == []
    ds2 = Dataset()
    if "My Creator" not in ds2.private_creators(0x0041):
        ds2.private_block(0x0041, "My Creator", create=True)
    assert ds2.private_creators(0x0041) == ["My Creator"]


def test_private_creators_even_group_raises_value_error() -> None:
    with pytest.raises(ValueError):
        Dataset().private_creators(0x0010)


# ---------------------------------------------------------------- remove_private_tags
def test_remove_private_tags_recursive_like_pydicom() -> None:
    ds, ref = _both("nested_priv_SQ.dcm")
    assert ds.remove_private_tags() is None
    ref.remove_private_tags()
    assert not any(e.tag.is_private for e in ds.iterall())
    assert [int(e.tag) for e in ds.iterall()] == [int(e.tag) for e in ref.iterall()]


def test_remove_private_tags_keeps_public_elements() -> None:
    ds, ref = _both("CT_small.dcm")
    ds.remove_private_tags()
    ref.remove_private_tags()
    assert _tags(ds) == _tags(ref)
    assert ds.PatientName == ref.PatientName


# ---------------------------------------------------------------- private blocks, JSON thresholds
def test_private_block_members_like_pydicom() -> None:
    def build(ds: Any) -> list[Any]:
        block = ds.private_block(0x0041, "A", create=True)
        block.add_new(1, "LO", "x")
        block.add_new(2, "US", 3)
        result = [1 in block, 3 in block, block[1].value, str(block[2])]
        del block[1]
        result.append(1 in block)
        result.append(str(ds))
        return result

    assert build(Dataset()) == build(pydicom.Dataset())


def test_private_block_after_creator_removed_raises_key_error() -> None:
    """pydicom 3.0.2 keeps returning a stale cached block after pop(); dcmcore follows the
    documented KeyError 'if the private creator tag is not found'."""
    for remove in (lambda ds: ds.pop(0x00410010), lambda ds: ds.__delitem__(0x00410010)):
        ds = Dataset()
        ds.private_block(0x0041, "A", create=True)
        remove(ds)
        with pytest.raises(KeyError):
            ds.private_block(0x0041, "A")


def test_private_block_follows_changed_creator_value() -> None:
    ds = Dataset()
    ds.private_block(0x0041, "A", create=True)
    ds[0x00410010].value = "B"
    assert ds.private_block(0x0041, "B").block_start == 0x1000


def test_add_new_private_uses_existing_block_of_creator() -> None:
    ds, ref = Dataset(), pydicom.Dataset()
    for lib_ds in (ds, ref):
        lib_ds.add_new(0x00410012, "LO", "A")
        lib_ds.add_new_private("A", 0x0041, 5, "v", "LO")
    assert _tags(ds) == _tags(ref) == [0x00410012, 0x00411205]


def test_private_creators_in_sequence_item_and_duplicates_like_pydicom() -> None:
    ds, ref = _both("nested_priv_SQ.dcm")
    assert ds[0x00010001].value[0].private_creators(0x0001) == ref[0x00010001].value[
        0
    ].private_creators(0x0001)
    a, b = Dataset(), pydicom.Dataset()
    for lib_ds in (a, b):
        lib_ds.add_new(0x00410010, "LO", "A")
        lib_ds.add_new(0x00410011, "LO", "A")
    assert a.private_creators(0x0041) == b.private_creators(0x0041) == ["A", "A"]
    assert a.private_block(0x0041, "A").block_start == 0x1000


def test_remove_private_tags_removes_creators_and_group_lengths_like_pydicom() -> None:
    ds, ref = Dataset(), pydicom.Dataset()
    for lib_ds in (ds, ref):
        lib_ds.add_new(0x00090000, "UL", 4)
        lib_ds.add_new_private("A", 0x0041, 0x01, "v", "LO")
        lib_ds.add_new(0xFFFF0010, "LO", "x")
        lib_ds.PatientName = "x"
        lib_ds.remove_private_tags()
    assert _tags(ds) == _tags(ref) == [0x00100010]
    assert ds.private_creators(0x0041) == []


@pytest.mark.parametrize("threshold", [3, 4, 8, 10**6])
def test_to_json_bulk_data_threshold_is_base64_length_like_pydicom(threshold: int) -> None:
    """Binary values whose base64 length exceeds the threshold go to the handler; text and
    numeric VRs never do."""

    def build(ds: Any) -> Any:
        ds.add_new(0x00091010, "OB", b"\x01\x02\x03")
        ds.add_new(0x00091011, "OB", b"\x01\x02\x03\x04")
        ds.add_new(0x00091012, "OW", b"\x01\x02" * 3)
        ds.add_new(0x00091013, "OF", b"\x00" * 8)
        ds.add_new(0x00091014, "UN", b"\x00" * 6)
        ds.add_new(0x00091015, "LO", "x" * 60)
        ds.add_new(0x00091016, "UT", "x" * 2000)
        ds.add_new(0x00091017, "FD", [1.0] * 100)
        return ds.to_json_dict(threshold, lambda elem: "http://example.com/bulk")

    mine, theirs = build(Dataset()), build(pydicom.Dataset())
    assert mine == theirs


def test_unknown_ge_private_element_in_implicit_vr_is_un_like_pydicom() -> None:
    src = Dataset()
    src.add_new(0x00430010, "LO", "GEMS_PARM_01")
    src.add_new(0x004310FE, "UN", b"\x01\x02\x03\x04")
    buf = io.BytesIO()
    src.save_as(buf, implicit_vr=True)
    ref = pydicom.dcmread(io.BytesIO(buf.getvalue()), force=True)
    ds = dcmread(io.BytesIO(buf.getvalue()), force=True)
    assert (ref[0x004310FE].VR, ref[0x004310FE].name) == ("UN", "Private tag data")
    assert ds[0x004310FE].VR == "UN"
    assert ds[0x004310FE].value == b"\x01\x02\x03\x04"
    assert str(ds) == str(ref)


@pytest.mark.parametrize(
    "tag, vr, returned",
    [
        ("00280010", "US", 512),
        ("00280010", "US", None),
        ("00100020", "LO", "abc"),
        ("00180050", "DS", 2.5),
        ("00091002", "OB", b"\x01\x02"),
        ("00100010", "PN", "A^B"),
        ("00189087", "FD", 1.5),
        ("00200013", "IS", 7),
    ],
)
def test_from_json_bulk_data_handler_return_types_like_pydicom(
    tag: str, vr: str, returned: Any
) -> None:
    """The handler may return None, str, int, float or bytes (documented signature)."""
    model = {tag: {"vr": vr, "BulkDataURI": "http://example.com/x"}}
    mine = Dataset.from_json(model, lambda t, v, u: returned)[int(tag, 16)]
    theirs = pydicom.Dataset.from_json(model, lambda t, v, u: returned)[int(tag, 16)]
    assert repr(mine.value) == repr(theirs.value)
    assert mine.VM == theirs.VM
