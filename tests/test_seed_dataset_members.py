"""Conformance of dcmcore's Dataset to the seed page (pydicom 3 ``FileDataset`` docs), member by member.

Each test exercises one documented member, parameter, behaviour, exception or
return type on pydicom's test corpus, with pydicom as the reference where the
documentation is silent. Where pydicom and its documentation disagree the test
follows the documentation and its docstring says so.
"""

from __future__ import annotations

import copy
import io
import json
import pickle
import warnings
from typing import Any

import pytest

from dcmcore import config
from dcmcore.dataset import Dataset, FileMetaDataset, PrivateBlock
from dcmcore.element import DataElement, RawDataElement
from dcmcore.errors import DcmcoreWarning
from dcmcore.io.reader import dcmread
from dcmcore.sequence import Sequence
from dcmcore.tag import BaseTag

pydicom = pytest.importorskip("pydicom")
from pydicom.data import get_charset_files, get_testdata_file  # noqa: E402


def _path(name: str) -> str:
    if name.startswith("chr"):
        return get_charset_files(name)[0]
    return get_testdata_file(name)


def _both(name: str, **kwargs: Any) -> tuple[Any, Any]:
    """The same corpus file read by dcmcore and by pydicom."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return dcmread(_path(name), **kwargs), pydicom.dcmread(_path(name), **kwargs)


def _mine(name: str, **kwargs: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return dcmread(_path(name), **kwargs)


def _tags(ds: Any) -> list[int]:
    return [int(tag) for tag in ds.keys()]


# ---------------------------------------------------------------- add, add_new
def test_add_is_equivalent_to_setting_by_tag() -> None:
    ds = Dataset()
    elem = DataElement(0x00100010, "PN", "Doe^John")
    assert ds.add(elem) is None
    assert ds[0x00100010] is elem
    assert ds.PatientName == "Doe^John"


@pytest.mark.parametrize(
    "tag", [[0x0010, 0x0020], (0x10, 0x20), 0x00100020, "PatientID", BaseTag(0x00100020)]
)
def test_add_new_accepts_any_tag_form(tag: Any) -> None:
    ds = Dataset()
    assert ds.add_new(tag, "LO", "12345") is None
    assert ds[0x00100020].value == "12345"
    assert ds[0x00100020].VR == "LO"


def test_add_new_value_forms() -> None:
    """Single value, list/tuple, backslash multi-value string, empty list / list of Datasets."""
    ds = Dataset()
    ds.add_new(0x00280010, "US", 512)
    ds.add_new(0x00080008, "CS", ("ORIGINAL", "PRIMARY"))
    ds.add_new(0x00200037, "DS", "1\\0\\0\\0\\1\\0")
    ds.add_new(0x300A00B0, "SQ", [])
    ds.add_new(0x300A0070, "SQ", [Dataset(), Dataset()])
    assert ds.Rows == 512
    assert list(ds.ImageType) == ["ORIGINAL", "PRIMARY"]
    assert [float(v) for v in ds.ImageOrientationPatient] == [1, 0, 0, 0, 1, 0]
    assert isinstance(ds.BeamSequence, Sequence) and len(ds.BeamSequence) == 0
    assert len(ds.FractionGroupSequence) == 2
    assert all(isinstance(item, Dataset) for item in ds.FractionGroupSequence)


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


# ---------------------------------------------------------------- clear
def test_clear_deletes_all_elements() -> None:
    ds = _mine("CT_small.dcm")
    assert len(ds) > 0
    assert ds.clear() is None
    assert len(ds) == 0
    assert "PatientName" not in ds
    assert list(ds) == []


# ---------------------------------------------------------------- copy
def test_copy_is_shallow_copy_of_the_dataset() -> None:
    """Shallow copy: same element objects, equal datasets. (pydicom's copy shares the
    whole mapping, so adding to the copy adds to the original; dcmcore copies the mapping,
    which is what 'shallow copy' documents.)"""
    ds = _mine("CT_small.dcm")
    ds.PatientName  # noqa: B018
    ds.PatientID  # noqa: B018
    other = ds.copy()
    assert isinstance(other, type(ds))
    assert other == ds
    assert other is not ds
    assert other[0x00100010] is ds[0x00100010]
    other.PatientID = "changed-in-copy"
    assert ds[0x00100020] is other[0x00100020]  # same element object, mutated in place


def test_copy_copy_module_matches_copy_method() -> None:
    ds = _mine("rtplan.dcm")
    assert copy.copy(ds) == ds.copy() == ds


# ---------------------------------------------------------------- data_element
def test_data_element_returns_element_for_keyword() -> None:
    ds = _mine("CT_small.dcm")
    elem = ds.data_element("PatientName")
    assert isinstance(elem, DataElement)
    assert elem.tag == 0x00100010
    assert elem is ds[0x00100010]


def test_data_element_returns_none_for_absent_valid_keyword() -> None:
    """Documented: None when not present. pydicom 3.0.2 raises KeyError instead."""
    ds = _mine("CT_small.dcm")
    assert "BeamSequence" not in ds
    assert ds.data_element("BeamSequence") is None


def test_data_element_returns_none_for_non_keyword() -> None:
    assert _mine("CT_small.dcm").data_element("NotAKeyword") is None


# ---------------------------------------------------------------- decode
def test_decode_applies_character_set_to_raw_elements() -> None:
    base = _path("chrRuss.dcm")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = dcmread(base)
        ref = pydicom.dcmread(base)
    assert ds.decode() is None
    ref.decode()
    assert str(ds.PatientName) == str(ref.PatientName) == "Люкceмбypг"
    assert all(isinstance(v, DataElement) for v in ds.values())


def test_decode_decodes_bytes_values_set_by_user() -> None:
    ds = Dataset()
    ds.SpecificCharacterSet = "ISO_IR 192"
    ds.add(DataElement(0x00080080, "LO", "Küche".encode(), already_converted=True))
    ds.decode()
    assert ds.InstitutionName == "Küche"


# ---------------------------------------------------------------- dir
def test_dir_without_filters_is_sorted_keywords_of_top_level() -> None:
    ds, ref = _both("rtplan.dcm")
    names = ds.dir()
    assert names == sorted(names)
    assert names == ref.dir()
    # only the current level: keywords that appear only in sequence items are absent
    assert "BeamName" not in names


def test_dir_filters_are_case_insensitive_substring_any_match() -> None:
    ds, ref = _both("CT_small.dcm")
    assert ds.dir("patient") == ref.dir("patient")
    assert ds.dir("PATIENT") == ds.dir("patient")
    assert all("patient" in n.lower() for n in ds.dir("patient"))
    both = ds.dir("study", "series")
    assert both == ref.dir("study", "series")
    assert set(both) == set(ds.dir("study")) | set(ds.dir("series"))
    assert ds.dir("no-such-thing") == []


def test_dir_returns_list_of_str() -> None:
    names = _mine("MR_small.dcm").dir()
    assert isinstance(names, list) and all(isinstance(n, str) for n in names)


# ---------------------------------------------------------------- elements
def test_elements_yields_unconverted_elements_in_tag_order() -> None:
    ds = _mine("CT_small.dcm")
    elems = list(ds.elements())
    assert [int(e.tag) for e in elems] == sorted(_tags(ds))
    assert any(isinstance(e, RawDataElement) for e in elems)
    # not converted by iterating elements()
    assert isinstance(ds.get_item(0x00100010), RawDataElement)


def test_elements_is_iterator_on_empty_dataset() -> None:
    it = Dataset().elements()
    assert iter(it) is it
    assert list(it) == []


# ---------------------------------------------------------------- ensure_file_meta
def test_ensure_file_meta_creates_empty_file_meta_if_none() -> None:
    ds = Dataset()
    assert ds.ensure_file_meta() is None
    assert isinstance(ds.file_meta, FileMetaDataset)
    assert len(ds.file_meta) == 0


def test_ensure_file_meta_keeps_existing_file_meta() -> None:
    ds = _mine("CT_small.dcm")
    meta = ds.file_meta
    ds.ensure_file_meta()
    assert ds.file_meta is meta
    assert "TransferSyntaxUID" in ds.file_meta


# ---------------------------------------------------------------- formatted_lines
@pytest.mark.parametrize("name", ["CT_small.dcm", "rtplan.dcm", "nested_priv_SQ.dcm"])
def test_formatted_lines_default_matches_pydicom(name: str) -> None:
    ds, ref = _both(name)
    assert list(ds.formatted_lines()) == list(ref.formatted_lines())


def test_formatted_lines_custom_formats_use_element_attributes() -> None:
    ds, ref = _both("rtplan.dcm")
    fmt = "%(tag)s|%(keyword)s|%(VR)s|%(VM)s"
    seq_fmt = "SEQ %(name)s %(VR)s"
    mine = list(ds.formatted_lines(fmt, seq_fmt))
    assert mine == list(ref.formatted_lines(fmt, seq_fmt))
    assert any(line.startswith("SEQ ") for line in mine)
    assert "(300A,00B0)|BeamSequence|SQ|1" not in mine  # sequences use the sequence format
    assert "SEQ Beam Sequence SQ" in mine


def test_formatted_lines_is_an_iterator_of_str() -> None:
    it = _mine("CT_small.dcm").formatted_lines()
    assert iter(it) is it
    assert all(isinstance(line, str) for line in it)


def test_default_format_class_attributes_match_pydicom() -> None:
    assert Dataset.default_element_format == pydicom.Dataset.default_element_format
    assert (
        Dataset.default_sequence_element_format
        == pydicom.Dataset.default_sequence_element_format
    )
    assert Dataset.indent_chars == pydicom.Dataset.indent_chars


def test_indent_chars_used_for_nested_items_in_str() -> None:
    ds = _mine("rtplan.dcm")
    text = str(ds)
    assert "\n" + Dataset.indent_chars + "(" in text


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


# ---------------------------------------------------------------- get
def test_get_keyword_returns_value_tag_returns_element() -> None:
    ds = _mine("CT_small.dcm")
    assert ds.get("PatientName") == ds.PatientName
    assert not isinstance(ds.get("PatientName"), DataElement)
    for key in (0x00100010, (0x0010, 0x0010), BaseTag(0x00100010)):
        elem = ds.get(key)
        assert isinstance(elem, DataElement)
        assert elem.tag == 0x00100010


def test_get_class_attribute_returns_its_value() -> None:
    ds = _mine("CT_small.dcm")
    assert ds.get("indent_chars") == Dataset.indent_chars
    assert ds.get("filename") == ds.filename


def test_get_absent_returns_default() -> None:
    ds = _mine("CT_small.dcm")
    assert ds.get("BeamSequence") is None
    assert ds.get("BeamSequence", "dflt") == "dflt"
    assert ds.get(0x300A00B0, 42) == 42
    assert ds.get("not_an_attribute", 7) == 7


# ---------------------------------------------------------------- get_item
def test_get_item_returns_raw_element_if_never_accessed() -> None:
    ds = _mine("CT_small.dcm")
    raw = ds.get_item(0x00100010)
    assert isinstance(raw, RawDataElement)
    ds.PatientName  # noqa: B018
    assert isinstance(ds.get_item(0x00100010), DataElement)


def test_get_item_user_set_value_is_data_element() -> None:
    ds = _mine("CT_small.dcm")
    ds.PatientName = "New^Name"
    assert isinstance(ds.get_item("PatientName"), DataElement)


@pytest.mark.parametrize("key", [[0x0010, 0x0010], (0x10, 0x10), 0x00100010, "PatientName"])
def test_get_item_accepts_any_tag_form(key: Any) -> None:
    assert int(_mine("CT_small.dcm").get_item(key).tag) == 0x00100010


def test_get_item_absent_returns_none() -> None:
    assert _mine("CT_small.dcm").get_item(0x300A00B0) is None


def test_get_item_slice_returns_dataset() -> None:
    ds, ref = _both("CT_small.dcm")
    part = ds.get_item(slice(0x00080000, 0x00100000))
    assert isinstance(part, Dataset)
    assert _tags(part) == _tags(ref.get_item(slice(0x00080000, 0x00100000)))
    assert all(0x00080000 <= t < 0x00100000 for t in _tags(part))


def test_get_item_deferred_element_read_unless_keep_deferred() -> None:
    """A deferred element is read and converted; keep_deferred=True keeps value None."""
    ds = _mine("MR_small.dcm", defer_size=256)
    kept = ds.get_item(0x7FE00010, keep_deferred=True)
    assert isinstance(kept, RawDataElement)
    assert kept.value is None
    assert kept.length == 8192
    read = ds.get_item(0x7FE00010)
    assert read.value is not None and len(read.value) == 8192
    ref = pydicom.dcmread(_path("MR_small.dcm"))
    assert read.value == ref.PixelData


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


# ---------------------------------------------------------------- group_dataset
def test_group_dataset_contains_only_that_group() -> None:
    ds, ref = _both("CT_small.dcm")
    g = ds.group_dataset(0x0028)
    assert isinstance(g, Dataset)
    assert _tags(g) == _tags(ref.group_dataset(0x0028))
    assert g and all((t >> 16) == 0x0028 for t in _tags(g))
    assert g.Rows == ds.Rows
    assert len(ds.group_dataset(0x0099)) == 0


# ---------------------------------------------------------------- items / keys / values
def test_keys_values_items_are_dict_views() -> None:
    ds = _mine("CT_small.dcm")
    keys, values, items = ds.keys(), ds.values(), ds.items()
    assert type(keys).__name__ == "dict_keys"
    assert type(values).__name__ == "dict_values"
    assert type(items).__name__ == "dict_items"
    assert all(isinstance(k, BaseTag) for k in keys)
    assert len(keys) == len(values) == len(items) == len(ds)
    for tag, elem in items:
        assert elem.tag == tag
    assert 0x00100010 in keys


# ---------------------------------------------------------------- iterall
@pytest.mark.parametrize("name", ["rtplan.dcm", "nested_priv_SQ.dcm"])
def test_iterall_recurses_into_sequences_like_pydicom(name: str) -> None:
    ds, ref = _both(name)
    mine = [int(e.tag) for e in ds.iterall()]
    assert mine == [int(e.tag) for e in ref.iterall()]
    assert len(mine) > len(ds)
    assert all(isinstance(e, DataElement) for e in ds.iterall())


# ---------------------------------------------------------------- pop / popitem / setdefault
def test_pop_by_tag_and_keyword_removes_and_returns_element() -> None:
    ds = _mine("CT_small.dcm")
    n = len(ds)
    elem = ds.pop(0x00100010)
    assert int(elem.tag) == 0x00100010
    assert isinstance(elem, (RawDataElement, DataElement))
    assert 0x00100010 not in ds and len(ds) == n - 1
    elem = ds.pop("PatientID")
    assert int(elem.tag) == 0x00100020
    elem = ds.pop((0x0028, 0x0010))
    assert int(elem.tag) == 0x00280010


def test_pop_absent_with_default_returns_default() -> None:
    ds = _mine("CT_small.dcm")
    assert ds.pop(0x300A00B0, "dflt") == "dflt"
    assert ds.pop("BeamSequence", None) is None


def test_pop_absent_without_default_raises_key_error() -> None:
    ds = _mine("CT_small.dcm")
    with pytest.raises(KeyError):
        ds.pop(0x300A00B0)
    with pytest.raises(KeyError):
        ds.pop("BeamSequence")


def test_pop_invalid_key_raises_key_error() -> None:
    ds = _mine("CT_small.dcm")
    with pytest.raises(KeyError):
        ds.pop("NotAKeyword")


def test_popitem_returns_tag_element_tuple() -> None:
    ds = Dataset()
    ds.PatientName = "A"
    ds.PatientID = "1"
    tag, elem = ds.popitem()
    assert isinstance(tag, BaseTag)
    assert elem.tag == tag
    assert len(ds) == 1
    ds.popitem()
    with pytest.raises(KeyError):
        ds.popitem()


_UNKNOWN_PUBLIC = 0x00109998  # an even-group tag the dictionary does not know


def test_setdefault_doc_examples() -> None:
    ds = Dataset()
    elem = ds.setdefault((0x0010, 0x0010), "Test")
    assert isinstance(elem, DataElement)
    assert elem.VR == "PN"
    assert elem.value == "Test"
    assert str(elem) == str(pydicom.Dataset().setdefault((0x0010, 0x0010), "Test"))
    elem = ds.setdefault("PatientSex", DataElement(0x00100040, "CS", "F"))
    assert elem.value == "F"
    assert ds.PatientSex == "F"


def test_setdefault_existing_returns_existing_element_unchanged() -> None:
    ds = _mine("CT_small.dcm")
    name = ds.PatientName
    elem = ds.setdefault("PatientName", "Other^Name")
    assert elem is ds[0x00100010]
    assert elem.value == name


def test_setdefault_private_tag_gets_vr_un() -> None:
    ds = Dataset()
    elem = ds.setdefault(0x00411001, b"\x01\x02")
    assert elem.VR == "UN"


def test_setdefault_invalid_key_raises_value_error() -> None:
    with pytest.raises(ValueError):
        Dataset().setdefault("NotAKeyword", "x")


def test_setdefault_unknown_public_tag_raises_if_reading_validation_raise() -> None:
    """Documented: KeyError if reading_validation_mode is RAISE and the tag is an unknown
    non-private tag. pydicom 3.0.2 checks writing_validation_mode instead."""
    with config.override(
        reading_validation_mode=config.RAISE, writing_validation_mode=config.WARN
    ):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with pytest.raises(KeyError):
                Dataset().setdefault(_UNKNOWN_PUBLIC, "x")


def test_setdefault_unknown_public_tag_warns_and_uses_un_if_not_raise() -> None:
    with config.override(reading_validation_mode=config.WARN, writing_validation_mode=config.WARN):
        with pytest.warns(UserWarning):
            elem = Dataset().setdefault(_UNKNOWN_PUBLIC, "x")
    assert elem.VR == "UN"


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


# ---------------------------------------------------------------- set_original_encoding & co
def test_original_encoding_of_read_dataset() -> None:
    assert _mine("CT_small.dcm").original_encoding == (False, True)
    assert _mine("MR_small_implicit.dcm").original_encoding == (True, True)
    assert _mine("MR_small_bigendian.dcm").original_encoding == (False, False)


def test_original_encoding_scratch_is_none_none() -> None:
    assert Dataset().original_encoding == (None, None)


def test_set_original_encoding_sets_and_resets() -> None:
    ds = Dataset()
    assert ds.set_original_encoding(True, False, "ISO_IR 100") is None
    assert ds.original_encoding == (True, False)
    assert ds.original_character_set == "ISO_IR 100"
    ds.set_original_encoding(False, True)  # character_encoding None: unchanged
    assert ds.original_encoding == (False, True)
    assert ds.original_character_set == "ISO_IR 100"
    ds.set_original_encoding(None, None, ["ISO 2022 IR 6", "ISO 2022 IR 87"])
    assert ds.original_encoding == (None, None)
    assert list(ds.original_character_set) == ["ISO 2022 IR 6", "ISO 2022 IR 87"]


def test_original_character_set_scratch_is_iso8859() -> None:
    """Documented: 'iso8859' for a dataset created from scratch (pydicom 3.0.2 gives '')."""
    assert Dataset().original_character_set == "iso8859"


def test_original_character_set_of_read_dataset_matches_pydicom() -> None:
    for name in ("chrRuss.dcm", "chrJapMulti.dcm", "chrX1.dcm"):
        path = _path(name)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            mine = dcmread(path).original_character_set
            theirs = pydicom.dcmread(path).original_character_set
        assert mine == theirs, name


def test_is_implicit_vr_and_is_little_endian_none_for_scratch() -> None:
    ds = Dataset()
    assert ds.is_implicit_VR is None
    assert ds.is_little_endian is None


def test_is_implicit_vr_and_is_little_endian_of_read_dataset() -> None:
    ds = _mine("MR_small_bigendian.dcm")
    assert ds.is_implicit_VR is False
    assert ds.is_little_endian is False
    ds = _mine("MR_small_implicit.dcm")
    assert ds.is_implicit_VR is True
    assert ds.is_little_endian is True


def test_is_implicit_vr_and_is_little_endian_setters_deprecated() -> None:
    ds = Dataset()
    with pytest.warns(DeprecationWarning):
        ds.is_implicit_VR = False
    with pytest.warns(DeprecationWarning):
        ds.is_little_endian = True
    assert ds.is_implicit_VR is False
    assert ds.is_little_endian is True


def test_is_original_encoding() -> None:
    ds = _mine("CT_small.dcm")
    assert ds.is_original_encoding is True
    with pytest.warns(DeprecationWarning):
        ds.is_implicit_VR = True
    assert ds.is_original_encoding is False
    assert Dataset().is_original_encoding is False


def test_is_original_encoding_includes_character_set() -> None:
    ds, ref = _both("chrRuss.dcm")
    assert ds.is_original_encoding is ref.is_original_encoding is True
    ds.SpecificCharacterSet = "ISO_IR 192"
    ref.SpecificCharacterSet = "ISO_IR 192"
    assert ds.is_original_encoding is ref.is_original_encoding is False


def test_read_encoding_deprecated_alias() -> None:
    ds = _mine("chrRuss.dcm")
    with pytest.warns(DeprecationWarning):
        assert ds.read_encoding == ds.original_character_set


def test_read_implicit_vr_and_read_little_endian_deprecated() -> None:
    ds = _mine("MR_small_bigendian.dcm")
    with pytest.warns(DeprecationWarning):
        assert ds.read_implicit_vr is False
    with pytest.warns(DeprecationWarning):
        assert ds.read_little_endian is False
    scratch = Dataset()
    with pytest.warns(DeprecationWarning):
        assert scratch.read_implicit_vr is None
    with pytest.warns(DeprecationWarning):
        assert scratch.read_little_endian is None


# ---------------------------------------------------------------- top / trait_names / update
@pytest.mark.parametrize("name", ["CT_small.dcm", "rtplan.dcm", "nested_priv_SQ.dcm"])
def test_top_matches_pydicom(name: str) -> None:
    ds, ref = _both(name)
    text = ds.top()
    assert isinstance(text, str)
    assert text == ref.top()
    assert not any(line.startswith(Dataset.indent_chars) for line in text.splitlines())


def test_trait_names_lists_keywords_and_methods() -> None:
    ds = _mine("CT_small.dcm")
    names = ds.trait_names()
    assert isinstance(names, list)
    for name in ("PatientName", "Rows", "save_as", "pixel_array", "walk"):
        assert name in names


def test_update_with_dict_of_keywords_and_tags() -> None:
    ds = Dataset()
    ds.update(
        {"PatientName": "Doe^John", BaseTag(0x00100020): DataElement(0x00100020, "LO", "42")}
    )
    assert ds.PatientName == "Doe^John"
    assert ds.PatientID == "42"


def test_update_with_dataset() -> None:
    ds = Dataset()
    ds.PatientName = "Old"
    src = _mine("CT_small.dcm")
    assert ds.update(src) is None
    assert len(ds) == len(src)
    assert ds.PatientName == src.PatientName


# ---------------------------------------------------------------- update_raw_element
def test_update_raw_element_vr_doc_example() -> None:
    ds = _mine("CT_small.dcm")
    ds.update_raw_element(0x00291026, vr="US")
    elem = ds[0x00291026]
    assert type(elem) is DataElement
    assert elem.VR == "US"
    ref = pydicom.dcmread(_path("CT_small.dcm"))
    ref.update_raw_element(0x00291026, vr="US")
    assert elem.value == ref[0x00291026].value


def test_update_raw_element_value() -> None:
    ds = _mine("CT_small.dcm")
    ds.update_raw_element("PatientID", value=b"NEWID ")
    assert ds.PatientID == "NEWID"


def test_update_raw_element_both() -> None:
    ds = _mine("CT_small.dcm")
    ds.update_raw_element(0x00100020, vr="SH", value=b"AB")
    assert ds[0x00100020].VR == "SH"
    assert ds.PatientID == "AB"


def test_update_raw_element_errors() -> None:
    ds = _mine("CT_small.dcm")
    with pytest.raises(ValueError):
        ds.update_raw_element(0x00100020)  # neither vr nor value
    with pytest.raises(KeyError):
        ds.update_raw_element(0x300A00B0, vr="SQ")
    ds.PatientID  # noqa: B018 - converted: too late to update raw
    with pytest.raises(TypeError):
        ds.update_raw_element(0x00100020, vr="SH")


# ---------------------------------------------------------------- walk
def test_walk_recursive_visits_all_elements_like_pydicom() -> None:
    ds, ref = _both("rtplan.dcm")
    mine: list[tuple[int, bool]] = []
    theirs: list[tuple[int, bool]] = []
    ds.walk(lambda d, e: mine.append((int(e.tag), d is ds)))
    ref.walk(lambda d, e: theirs.append((int(e.tag), d is ref)))
    assert mine == theirs
    assert any(not top for _, top in mine)
    assert any(tag == 0x300A00B0 for tag, _ in mine)  # SQ elements included


def test_walk_non_recursive_visits_top_level_in_tag_order() -> None:
    ds = _mine("rtplan.dcm")
    seen: list[int] = []

    def callback(dataset: Any, elem: Any) -> None:
        assert dataset is ds
        assert isinstance(elem, DataElement)
        seen.append(int(elem.tag))

    assert ds.walk(callback, recursive=False) is None
    assert seen == sorted(_tags(ds))


def test_walk_callback_may_delete_elements() -> None:
    ds, ref = _both("nested_priv_SQ.dcm")

    def remove_private(dataset: Any, elem: Any) -> None:
        if elem.tag.is_private:
            del dataset[elem.tag]

    ds.walk(remove_private)
    ref.walk(remove_private)
    assert [int(e.tag) for e in ds.iterall()] == [int(e.tag) for e in ref.iterall()]


# ============================================================ mapping protocol
def test_attribute_access_by_keyword() -> None:
    ds, ref = _both("CT_small.dcm")
    assert ds.PatientName == ref.PatientName
    assert ds.Rows == ref.Rows == 128
    assert ds.ImagePositionPatient == ref.ImagePositionPatient
    with pytest.raises(AttributeError):
        ds.BeamSequence  # noqa: B018
    ds.PatientName = "New^Name"
    assert ds[0x00100010].value == "New^Name"
    ds.BeamSequence = [Dataset()]
    assert ds[0x300A00B0].VR == "SQ"


def test_unknown_camel_case_attribute_warns() -> None:
    ds = Dataset()
    with pytest.warns(UserWarning):
        ds.PatientNme = "x"  # typo of a keyword
    assert 0x00100010 not in ds


def test_contains_tag_keyword_tuple() -> None:
    ds = _mine("CT_small.dcm")
    for key in ("PatientName", 0x00100010, (0x0010, 0x0010), BaseTag(0x00100010)):
        assert key in ds
    assert "BeamSequence" not in ds
    assert 0x300A00B0 not in ds


def test_contains_invalid_key_warns_and_is_false() -> None:
    ds = Dataset()
    with pytest.warns(DcmcoreWarning):
        assert ("not", "a", "tag") not in ds


def test_del_by_keyword_tag_and_slice() -> None:
    ds, ref = _both("CT_small.dcm")
    del ds.PatientName
    del ref.PatientName
    del ds[0x00100020]
    del ref[0x00100020]
    del ds[0x00280000:0x00290000]
    del ref[0x00280000:0x00290000]
    assert _tags(ds) == _tags(ref)
    with pytest.raises(AttributeError):
        del ds.PatientName
    with pytest.raises(KeyError):
        del ds[0x00100010]


def test_equality() -> None:
    a = _mine("CT_small.dcm")
    b = _mine("CT_small.dcm")
    assert a == b
    assert not (a != b)
    b.PatientName = "Different"
    assert a != b
    assert Dataset() == Dataset()
    assert Dataset() != {}
    c = Dataset()
    c.PatientName = "A"
    d = Dataset()
    d.PatientName = "A"
    assert c == d
    d.PatientID = "1"
    assert c != d


def test_iteration_in_tag_order_yields_data_elements() -> None:
    ds, ref = _both("rtplan.dcm")
    mine = list(ds)
    assert [int(e.tag) for e in mine] == sorted(_tags(ds))
    assert [int(e.tag) for e in mine] == [int(e.tag) for e in ref]
    assert all(isinstance(e, DataElement) for e in mine)


def test_iteration_in_tag_order_after_adding_out_of_order() -> None:
    ds = Dataset()
    ds.PatientID = "1"
    ds.Rows = 2
    ds.PatientName = "a"
    ds.SOPClassUID = "1.2"
    assert [int(e.tag) for e in ds] == [0x00080016, 0x00100010, 0x00100020, 0x00280010]


@pytest.mark.parametrize(
    "sl",
    [
        slice(0x00080000, 0x00100000),
        slice(None, 0x00100000),
        slice(0x00280000, None),
        slice((0x0008, 0x0000), (0x0010, 0x0020)),
        slice(0x00080000, 0x00200000, 2),
        slice(0x00100010, 0x00100011),
    ],
)
def test_slicing_by_tag_range_like_pydicom(sl: slice) -> None:
    ds, ref = _both("CT_small.dcm")
    part = ds[sl]
    assert isinstance(part, Dataset)
    assert _tags(part) == _tags(ref[sl])


def test_slice_keeps_raw_elements_and_values() -> None:
    ds = _mine("CT_small.dcm")
    part = ds[0x00100000:0x00110000]
    assert part.PatientName == ds.PatientName
    assert str(part) == str(pydicom.dcmread(_path("CT_small.dcm"))[0x00100000:0x00110000])


def test_setting_slice_not_supported() -> None:
    with pytest.raises(NotImplementedError):
        Dataset()[0x00100000:0x00110000] = DataElement(0x00100010, "PN", "x")


def test_len_and_bool() -> None:
    ds, ref = _both("CT_small.dcm")
    assert len(ds) == len(ref)
    assert not Dataset()
    assert ds


# ============================================================ copy / pickle
@pytest.mark.parametrize("name", ["CT_small.dcm", "rtplan.dcm", "nested_priv_SQ.dcm"])
def test_deepcopy_equal_and_independent(name: str) -> None:
    ds = _mine(name)
    other = copy.deepcopy(ds)
    assert other == ds
    assert str(other) == str(ds)
    first = next(iter(other))
    assert first is not ds[first.tag]
    other.PatientName = "Changed"
    assert ds.get("PatientName") != "Changed"


def test_deepcopy_sequence_items_linked_to_new_parent() -> None:
    ds = _mine("rtplan.dcm")
    other = copy.deepcopy(ds)
    seq = other.BeamSequence
    assert seq[0] is not ds.BeamSequence[0]
    assert seq[0] == ds.BeamSequence[0]
    seq[0].BeamName = "changed"
    assert ds.BeamSequence[0].BeamName != "changed"


@pytest.mark.parametrize("name", ["CT_small.dcm", "rtplan.dcm", "nested_priv_SQ.dcm"])
def test_pickle_round_trip(name: str) -> None:
    ds = _mine(name)
    back = pickle.loads(pickle.dumps(ds))
    assert type(back) is type(ds)
    assert back == ds
    assert str(back) == str(ds)
    assert back.file_meta == ds.file_meta


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_pickle_every_protocol(protocol: int) -> None:
    ds = _mine("rtplan.dcm", defer_size=16)
    back = pickle.loads(pickle.dumps(ds, protocol=protocol))
    assert str(back) == str(ds)


def test_pickle_deferred_values_and_unaccessed_lazy_sequences() -> None:
    """A dataset read with deferred values and never-accessed sequences pickles; the copy
    reads the deferred values and the sequences."""
    ds = _mine("rtplan.dcm", defer_size=16)
    ref = pydicom.dcmread(_path("rtplan.dcm"))
    back = pickle.loads(pickle.dumps(ds))
    assert str(back) == str(ref)
    assert back.BeamSequence[0].BeamName == ref.BeamSequence[0].BeamName
    mr = _mine("MR_small.dcm", defer_size=256)
    assert mr.get_item(0x7FE00010, keep_deferred=True).value is None
    back = pickle.loads(pickle.dumps(mr))
    assert back.PixelData == pydicom.dcmread(_path("MR_small.dcm")).PixelData


def test_pickle_of_dataset_read_from_buffer_with_deferred_values() -> None:
    with open(_path("MR_small.dcm"), "rb") as f:
        data = f.read()
    ds = dcmread(io.BytesIO(data), defer_size=256)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        back = pickle.loads(pickle.dumps(ds))
    assert back.PixelData == pydicom.dcmread(io.BytesIO(data)).PixelData


def test_pickle_of_scratch_dataset_with_sequence() -> None:
    ds = Dataset()
    ds.PatientName = "Doe^John"
    item = Dataset()
    item.BeamName = "b1"
    ds.BeamSequence = [item]
    back = pickle.loads(pickle.dumps(ds))
    assert back == ds
    assert back.BeamSequence[0].BeamName == "b1"
    assert back.BeamSequence[0].parent_dataset is back


# ============================================================ str / repr
_STR_FILES = [
    "CT_small.dcm",
    "MR_small.dcm",
    "rtplan.dcm",
    "rtdose.dcm",
    "rtstruct.dcm",
    "nested_priv_SQ.dcm",
    "examples_overlay.dcm",
    "waveform_ecg.dcm",
    "MR_small_RLE.dcm",
    "test-SR.dcm",
    "reportsi.dcm",
    "priv_SQ.dcm",
    "UN_sequence.dcm",
    "ExplVR_BigEnd.dcm",
    "no_meta.dcm",
    "chrRuss.dcm",
    "chrH31.dcm",
]


@pytest.mark.parametrize("name", _STR_FILES)
def test_str_and_repr_equal_pydicom_text(name: str) -> None:
    path = _path(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = dcmread(path, force=True)
        ref = pydicom.dcmread(path, force=True)
        assert str(ds) == str(ref)
        assert repr(ds) == repr(ref)


def test_str_of_scratch_dataset_equals_pydicom() -> None:
    def fill(ds: Any, item: Any) -> Any:
        ds.PatientName = "Doe^John"
        ds.ImageType = ["ORIGINAL", "PRIMARY"]
        ds.Rows = 10
        item.BeamName = "b1"
        ds.BeamSequence = [item]
        ds.add_new(0x00291010, "OB", b"\x00" * 200)
        return ds

    assert str(fill(Dataset(), Dataset())) == str(fill(pydicom.Dataset(), pydicom.Dataset()))


# ============================================================ str over the whole corpus
def _corpus() -> list[str]:
    import glob
    import os

    base = os.path.dirname(get_testdata_file("CT_small.dcm"))
    charset = os.path.dirname(get_charset_files("chrRuss.dcm")[0])
    return sorted(glob.glob(os.path.join(base, "*.dcm"))) + sorted(
        glob.glob(os.path.join(charset, "*.dcm"))
    )


def _private_creator_line(line: str) -> bool:
    return line.startswith("(0019,0010) Private")


@pytest.mark.parametrize("path", _corpus(), ids=lambda p: p.rsplit("/", 1)[-1])
def test_str_equals_pydicom_over_whole_corpus(path: str) -> None:
    """str(ds) is pydicom's text for every corpus file pydicom reads.

    Known, deliberate difference (tests/test_private.py): in chrJapMulti.dcm,
    chrJapMultiExplicitIR6.dcm and chrKoreanMulti.dcm, (0019,0010) follows a (0019,0000)
    group length; pydicom takes the group length as its creator and names the element
    'Private tag data', dcmcore names it 'Private Creator'. Only that line may differ.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            theirs = str(pydicom.dcmread(path, force=True))
        except Exception:
            pytest.skip("pydicom cannot print this file")
        mine = str(dcmread(path, force=True))
    if mine == theirs:
        return
    mine_lines, their_lines = mine.splitlines(), theirs.splitlines()
    assert len(mine_lines) == len(their_lines)
    diff = [(a, b) for a, b in zip(mine_lines, their_lines) if a != b]
    assert len(diff) == 1, diff[:5]
    a, b = diff[0]
    assert a == "(0019,0010) Private Creator                     LO: 'AGFA'"
    assert b == "(0019,0010) Private tag data                    LO: 'AGFA'"


@pytest.mark.parametrize("name", ["rtplan.dcm", "MR_small.dcm", "nested_priv_SQ.dcm"])
def test_str_with_deferred_values_equals_pydicom(name: str) -> None:
    ds = _mine(name, defer_size=32)
    ref = pydicom.dcmread(_path(name), defer_size=32)
    assert str(ds) == str(ref)


def test_str_after_accessing_and_modifying_equals_pydicom() -> None:
    ds, ref = _both("rtplan.dcm")
    for lib_ds in (ds, ref):
        lib_ds.PatientName = "Changed^Name"
        lib_ds.BeamSequence[0].BeamName = "NEW"
        del lib_ds.BeamSequence[0].ControlPointSequence
        lib_ds.add_new(0x00091001, "LO", "private")
        lib_ds.ImageType = ["A", "B"]
    assert str(ds) == str(ref)


@pytest.mark.parametrize(
    "vr, value",
    [
        ("LO", ""),
        ("LO", None),
        ("US", None),
        ("US", [1, 2, 3]),
        ("DS", ["1.5", "2"]),
        ("OB", b"\x00\x01"),
        ("OB", b"\x00" * 300),
        ("UT", "x" * 200),
        ("LT", "line1\r\nline2"),
        ("PN", "Yamada^Tarou=山田^太郎"),
        ("AT", 0x00100010),
        ("FD", 1.5),
        ("SQ", []),
    ],
)
def test_str_of_element_values_equals_pydicom(vr: str, value: Any) -> None:
    tag = {"SQ": 0x300A00B0, "AT": 0x00209165}.get(vr, 0x00091010)
    ds, ref = Dataset(), pydicom.Dataset()
    for lib_ds in (ds, ref):
        if tag & 0x10000:
            lib_ds.add_new(0x00090010, "LO", "Creator")
        lib_ds.add_new(tag, vr, value)
    assert str(ds) == str(ref)


# ============================================================ more documented behaviour
def test_set_original_encoding_enables_writing_raw_elements_unconverted() -> None:
    """Documented use: a Dataset of raw elements, original encoding set, is written
    without decoding its elements."""
    src = _mine("CT_small.dcm")
    raws = {tag: src.get_item(tag) for tag in src.keys()}
    ds = Dataset(raws)
    ds.set_original_encoding(False, True, "ISO_IR 100")
    buf = io.BytesIO()
    ds.save_as(buf, implicit_vr=False, little_endian=True)
    with open(_path("CT_small.dcm"), "rb") as f:
        data = f.read()
    assert data.endswith(buf.getvalue())
    assert isinstance(ds.get_item(0x00100010), RawDataElement)
    assert isinstance(ds.get_item(0x00280010), RawDataElement)


def test_is_implicit_vr_is_little_endian_set_are_used_for_writing() -> None:
    """Get/set the encoding used when encoding the dataset (deprecated setters)."""
    ds = Dataset()
    ds.PatientName = "A^B"
    with pytest.warns(DeprecationWarning):
        ds.is_implicit_VR = False
    with pytest.warns(DeprecationWarning):
        ds.is_little_endian = True
    buf = io.BytesIO()
    ds.save_as(buf)
    assert buf.getvalue().startswith(b"\x10\x00\x10\x00PN")


def test_clear_keeps_file_meta_like_pydicom() -> None:
    ds, ref = _both("CT_small.dcm")
    ds.clear()
    ref.clear()
    assert len(ds.file_meta) == len(ref.file_meta) > 0


def test_copy_of_file_dataset_keeps_file_attributes() -> None:
    ds = _mine("CT_small.dcm")
    other = ds.copy()
    assert type(other) is type(ds)
    assert other.filename == ds.filename
    assert other.preamble == ds.preamble
    assert other.file_meta == ds.file_meta


def test_equality_dataset_and_file_dataset_with_same_elements() -> None:
    ds = _mine("CT_small.dcm")
    plain = Dataset({tag: ds[tag] for tag in ds.keys()})
    assert plain == ds
    assert ds == plain


def test_equality_raw_against_converted() -> None:
    a, b = _mine("rtplan.dcm"), _mine("rtplan.dcm")
    for elem in a:
        elem.value  # noqa: B018 - a fully converted, b still raw
    assert a == b
    assert b == a


def test_to_json_from_json_round_trip_like_pydicom() -> None:
    ds, ref = _both("rtplan.dcm")
    back = Dataset.from_json(ds.to_json())
    ref_back = pydicom.Dataset.from_json(ref.to_json())
    assert str(back) == str(ref_back)
    assert back.BeamSequence[0].BeamName == ds.BeamSequence[0].BeamName


def test_pickle_sequence_item_alone() -> None:
    ds = _mine("rtplan.dcm")
    item = ds.BeamSequence[0]
    back = pickle.loads(pickle.dumps(item))
    assert back == item
    assert str(back) == str(item)


def test_pickle_unaccessed_nested_items_then_original_still_reads() -> None:
    ds = _mine("nested_priv_SQ.dcm")
    ref = pydicom.dcmread(_path("nested_priv_SQ.dcm"))
    blob = pickle.dumps(ds)
    assert str(ds) == str(ref)  # the original still works after pickling
    back = pickle.loads(blob)
    assert str(back) == str(ref)


def test_deepcopy_with_deferred_values() -> None:
    ds = _mine("MR_small.dcm", defer_size=256)
    other = copy.deepcopy(ds)
    assert other.PixelData == pydicom.dcmread(_path("MR_small.dcm")).PixelData
    assert other == ds


def test_getitem_by_keyword_string() -> None:
    ds, ref = _both("CT_small.dcm")
    assert ds["PatientName"].value == ref["PatientName"].value
    with pytest.raises(KeyError):
        ds["BeamSequence"]  # noqa: B018


def test_ensure_file_meta_replaces_none() -> None:
    """Documented: 'Create an empty file_meta if none exists' -- also when it is None
    (pydicom 3.0.2 leaves a None file_meta of a FileDataset unchanged)."""
    ds = _mine("CT_small.dcm")
    ds.file_meta = None
    ds.ensure_file_meta()
    assert isinstance(ds.file_meta, FileMetaDataset)
    assert len(ds.file_meta) == 0


def test_is_original_encoding_of_new_file_dataset() -> None:
    """An encoding set and equal to the original one, default character set on both sides:
    True as documented (pydicom 3.0.2 gives False: it compares its '' scratch character set
    with ['iso8859'])."""
    from dcmcore.dataset import FileDataset

    ds = FileDataset("x.dcm", {}, is_implicit_VR=False, is_little_endian=True)
    assert ds.is_original_encoding is True


@pytest.mark.xfail(
    strict=True,
    reason="values set on elements are validated with writing_validation_mode (default "
    "RAISE): ds.PatientID = 'x' * 100 raises InvalidValueError; pydicom 3.0.2 validates "
    "element values with reading_validation_mode (default WARN) and only warns",
)
def test_setting_over_long_value_warns_like_pydicom() -> None:
    """The seed page is silent; pydicom's DataElement defaults its validation_mode to
    reading_validation_mode (its writing_validation_mode, default WARN, is used when
    writing). Possibly a deliberate dcmcore choice (architecture.md), reported for review."""
    ref = pydicom.dcmread(_path("CT_small.dcm"))
    with pytest.warns(UserWarning):
        ref.PatientID = "x" * 100
    with pytest.warns(UserWarning):
        ref.OperatorsName = "x" * 100
    ds = _mine("CT_small.dcm")
    with pytest.warns(UserWarning):
        ds.PatientID = "x" * 100
    with pytest.warns(UserWarning):
        ds.OperatorsName = "x" * 100
    assert ds.PatientID == "x" * 100


def test_setitem_errors_like_pydicom() -> None:
    for lib, ds in ((pydicom, pydicom.Dataset()), (None, Dataset())):
        element = lib.DataElement if lib else DataElement
        with pytest.raises(ValueError):
            ds[0x00100020] = element(0x00100010, "PN", "x")
        with pytest.raises(ValueError):
            ds["NotAKeyword"] = element(0x00100010, "PN", "x")
        with pytest.raises(ValueError):
            ds.setdefault("PatientName", element(0x00100020, "LO", "x"))
        with pytest.raises(TypeError):
            ds[0x00100010] = "x"


@pytest.mark.parametrize(
    "action, exc",
    [
        (lambda ds: ds[0x300A00B0], KeyError),
        (lambda ds: ds["NotAKeyword"], KeyError),
        (lambda ds: ds.foo, AttributeError),
        (lambda ds: ds.__delitem__(0x300A00B0), KeyError),
        (lambda ds: delattr(ds, "foo"), AttributeError),
        (lambda ds: ds.get((1, 2, 3)), TypeError),
        (lambda ds: hash(ds), TypeError),
        (lambda ds: ds.add_new("NotAKeyword", "LO", "x"), ValueError),
        (lambda ds: ds.private_block(0x0041, "A", create=True).get_tag(0x100), ValueError),
    ],
)
def test_error_types_like_pydicom(action: Any, exc: type[Exception]) -> None:
    ref = pydicom.dcmread(_path("CT_small.dcm"))
    with pytest.raises(exc):
        action(ref)
    with pytest.raises(exc):
        action(_mine("CT_small.dcm"))


@pytest.mark.parametrize(
    "key", ["NotAKeyword", "foo", 0x1FFFFFFFF, -1, (0x10, 0x10), 0x00100010, "PatientName"]
)
def test_contains_like_pydicom(key: Any) -> None:
    ref = pydicom.dcmread(_path("CT_small.dcm"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert (key in _mine("CT_small.dcm")) == (key in ref)


def test_slice_with_keyword_bounds_like_pydicom() -> None:
    ds, ref = _both("CT_small.dcm")
    assert _tags(ds["PatientName":"Rows"]) == _tags(ref["PatientName":"Rows"])
    assert len(ds[0x00100000:0x00080000]) == 0


def test_empty_dataset_text_like_pydicom() -> None:
    assert str(Dataset()) == repr(Dataset()) == Dataset().top() == ""


# ============================================================ private blocks, JSON thresholds
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


# ============================================================ str of element values
_VALUES: dict[str, tuple[int, list[Any]]] = {
    "AE": (0x00080054, ["", "AET", ["A", "B"]]),
    "AS": (0x00101010, ["035Y"]),
    "AT": (0x00209165, [0x00100010, [0x00100010, 0x00100020], (0x10, 0x10)]),
    "CS": (0x00080008, ["", "A", ["A", "B"], "A\\B", None]),
    "DA": (0x00080020, ["20200101", "", ["20200101", "20200102"]]),
    "DS": (0x00180050, ["1.5", 1.5, [1, 2.5], "", "1e3", None, "  1.0 "]),
    "DT": (0x0008002A, ["20200101120000"]),
    "FL": (0x00089459, [1.5, [1.0, 2.0], None]),
    "FD": (0x00189087, [1e-20, 3.141592653589793, [0.1] * 20]),
    "IS": (0x00200013, ["10", 10, [1, 2], "", None]),
    "LO": (0x00100020, ["x", "", None, ["a", "b"]]),
    "LT": (0x00104000, ["a\\b", "x" * 100]),
    "OB": (0x00091010, [b"", b"\x00", b"\x00" * 16, b"\x00" * 17, None]),
    "OD": (0x00091011, [b"\x00" * 8]),
    "OF": (0x00091012, [b"\x00" * 8]),
    "OL": (0x00091013, [b"\x00" * 8]),
    "OV": (0x00091014, [b"\x00" * 8]),
    "OW": (0x00091015, [b"\x00\x01" * 8, b"\x00" * 18]),
    "PN": (0x00100010, ["A^B", "", "A^B=C^D=E^F", ["A^B", "C^D"], None]),
    "SH": (0x00080050, ["short"]),
    "SL": (0x00091016, [-1, [1, -2]]),
    "SS": (0x00091017, [-1, [1, 2]]),
    "ST": (0x00080081, ["text"]),
    "SV": (0x00091018, [2**40, [1, 2]]),
    "TM": (0x00080030, ["120000", "120000.123"]),
    "UC": (0x00091019, ["x" * 100]),
    "UI": (0x00080016, ["1.2.840.10008.1.2", "1.2.3", ["1.2", "1.3"], ""]),
    "UL": (0x0009101A, [1, [1, 2], 0]),
    "UN": (0x0009101B, [b"\x00\x01", b"abc"]),
    "UR": (0x0009101C, ["http://x y"]),
    "US": (0x00280010, [1, [1, 2, 3], None]),
    "UT": (0x0009101D, ["x" * 300]),
    "UV": (0x0009101E, [2**63]),
}


@pytest.fixture
def no_validation() -> Any:
    saved = (
        pydicom.config.settings._reading_validation_mode,
        pydicom.config.settings._writing_validation_mode,
    )
    pydicom.config.settings.reading_validation_mode = pydicom.config.IGNORE
    pydicom.config.settings.writing_validation_mode = pydicom.config.IGNORE
    try:
        with config.override(
            reading_validation_mode=config.IGNORE, writing_validation_mode=config.IGNORE
        ):
            yield
    finally:
        (
            pydicom.config.settings._reading_validation_mode,
            pydicom.config.settings._writing_validation_mode,
        ) = saved


@pytest.mark.parametrize(
    "vr, tag, value",
    [(vr, tag, value) for vr, (tag, values) in _VALUES.items() for value in values],
    ids=lambda x: repr(x)[:20],
)
def test_str_of_every_vr_value_form_equals_pydicom(
    vr: str, tag: int, value: Any, no_validation: Any
) -> None:
    ds, ref = Dataset(), pydicom.Dataset()
    ds.add_new(tag, vr, value)
    ref.add_new(tag, vr, value)
    assert str(ds) == str(ref)


# ============================================================ encoding of sequence items
def _first_item(ds: Any) -> Any:
    return next(elem for elem in ds if elem.VR == "SQ").value[0]


@pytest.mark.parametrize(
    "name, encoding",
    [("rtplan.dcm", (True, True)), ("chrSQEncoding.dcm", (False, True))],
)
def test_sequence_item_original_encoding_is_the_files(name: str, encoding: tuple) -> None:
    ds, ref = _both(name)
    item = _first_item(ds)
    assert item.original_encoding == _first_item(ref).original_encoding == encoding
    # documented: "the VR encoding method used by the decoded dataset" (pydicom 3.0.2: None)
    assert (item.is_implicit_VR, item.is_little_endian) == encoding


@pytest.mark.xfail(
    strict=True,
    reason="a sequence item read from a file reports original_character_set 'iso8859' instead "
    "of the character set it was decoded with (its own (0008,0005), here ISO 2022 IR 13/87)",
)
def test_sequence_item_original_character_set_is_the_one_it_was_decoded_with() -> None:
    ds, ref = _both("chrSQEncoding.dcm")
    item, ref_item = _first_item(ds), _first_item(ref)
    assert list(ref_item.original_character_set) == ["shift_jis", "iso2022_jp"]
    assert list(item.original_character_set) == ["shift_jis", "iso2022_jp"]


@pytest.mark.xfail(
    strict=True,
    reason="a sequence item read from a file without its own (0008,0005) reports "
    "original_character_set 'iso8859' instead of the inherited character set it was decoded "
    "with (chrRuss-like parent: ISO_IR 144 / pydicom ['iso_ir_144'])",
)
def test_sequence_item_original_character_set_inherited_from_parent() -> None:
    parent = Dataset()
    parent.SpecificCharacterSet = "ISO_IR 144"
    item = Dataset()
    item.PatientName = "Люкceмбypг"
    parent.ReferencedPatientSequence = [item]
    parent.ensure_file_meta()
    parent.file_meta.TransferSyntaxUID = "1.2.840.10008.1.2.1"
    buf = io.BytesIO()
    parent.save_as(buf)
    ds = dcmread(io.BytesIO(buf.getvalue()), force=True)
    ref = pydicom.dcmread(io.BytesIO(buf.getvalue()), force=True)
    ref_item = ref.ReferencedPatientSequence[0]
    assert list(ref_item.original_character_set) == ["iso_ir_144"]
    assert list(ds.ReferencedPatientSequence[0].original_character_set) == ["iso_ir_144"]
    assert str(ds.ReferencedPatientSequence[0].PatientName) == "Люкceмбypг"


# ============================================================ dict emulation details
def test_popitem_removes_last_inserted_like_pydicom() -> None:
    ds, ref = _both("CT_small.dcm")
    for _ in range(3):
        mine, theirs = ds.popitem(), ref.popitem()
        assert int(mine[0]) == int(theirs[0])
        assert type(mine[1]).__name__ == type(theirs[1]).__name__


def test_pop_returns_raw_element_if_never_accessed_like_pydicom() -> None:
    ds, ref = _both("CT_small.dcm")
    assert isinstance(ds.pop("PatientName"), RawDataElement)
    assert type(ref.pop("PatientName")).__name__ == "RawDataElement"
    ds.PatientID  # noqa: B018
    assert isinstance(ds.pop("PatientID"), DataElement)


def test_update_with_tuple_keys() -> None:
    ds, ref = Dataset(), pydicom.Dataset()
    ds.update({(0x10, 0x10): DataElement(0x00100010, "PN", "x")})
    ref.update({(0x10, 0x10): pydicom.DataElement(0x00100010, "PN", "x")})
    assert str(ds) == str(ref)


@pytest.mark.parametrize("behaviour", ["RAISE", "WARN", "IGNORE"])
def test_invalid_key_behaviour_for_in(behaviour: str, monkeypatch: Any) -> None:
    monkeypatch.setattr(config, "INVALID_KEY_BEHAVIOR", behaviour, raising=False)
    monkeypatch.setattr(pydicom.config, "INVALID_KEY_BEHAVIOR", behaviour)
    for ds in (Dataset(), pydicom.Dataset()):
        if behaviour == "RAISE":
            with pytest.raises(ValueError):
                ("not", "a", "tag") in ds  # noqa: B015
        else:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                assert ("not", "a", "tag") not in ds
            assert bool(caught) == (behaviour == "WARN")


@pytest.mark.parametrize("behaviour", ["RAISE", "WARN", "IGNORE"])
def test_invalid_keyword_behaviour_for_attributes(behaviour: str, monkeypatch: Any) -> None:
    monkeypatch.setattr(config, "INVALID_KEYWORD_BEHAVIOR", behaviour, raising=False)
    monkeypatch.setattr(pydicom.config, "INVALID_KEYWORD_BEHAVIOR", behaviour)
    for ds in (Dataset(), pydicom.Dataset()):
        if behaviour == "RAISE":
            with pytest.raises(ValueError):
                ds.PatientNme = "x"
        else:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                ds.PatientNme = "x"
            assert bool(caught) == (behaviour == "WARN")
            assert ds.PatientNme == "x"
            assert 0x00100010 not in ds
        ds.lower_case_name = 1  # never a keyword: no warning, plain attribute
        assert ds.lower_case_name == 1


def test_trait_names_public_names_like_pydicom() -> None:
    ds, ref = _both("CT_small.dcm")
    extras = {"parent_dataset", "parent_seq"}  # dcmcore's documented item links
    mine = {n for n in ds.trait_names() if not n.startswith("_")} - extras
    theirs = {n for n in ref.trait_names() if not n.startswith("_")}
    assert mine == theirs


def test_formatted_lines_indent_format_is_accepted_and_ignored() -> None:
    ds = _mine("rtplan.dcm")
    default = list(ds.formatted_lines())
    assert list(ds.formatted_lines(indent_format="XX%(tag)s")) == default


def _charset_paths() -> list[str]:
    import glob
    import os

    return sorted(glob.glob(os.path.join(os.path.dirname(_path("chrRuss.dcm")), "*.dcm")))


@pytest.mark.parametrize("path", _charset_paths(), ids=lambda p: p.rsplit("/", 1)[-1])
def test_decode_then_str_like_pydicom_for_charset_files(path: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds, ref = dcmread(path), pydicom.dcmread(path)
        ds.decode()
        ref.decode()
        mine, theirs = str(ds), str(ref)
    # the one known, deliberate naming difference (see test_str_equals_pydicom_over_whole_corpus)
    mine = mine.replace("(0019,0010) Private Creator                   ", "")
    theirs = theirs.replace("(0019,0010) Private tag data                  ", "")
    assert mine == theirs


def test_nested_item_mutations_survive_copy_pickle_and_save_like_pydicom() -> None:
    """Changes inside never-accessed (lazy) items: deepcopy, pickle and save_as keep them."""
    results = []
    for lib in (None, pydicom):
        ds = _mine("rtplan.dcm") if lib is None else pydicom.dcmread(_path("rtplan.dcm"))
        new_item = Dataset() if lib is None else pydicom.Dataset()
        ds.BeamSequence[0].ControlPointSequence[0].GantryAngle = 123
        new_item.BeamName = "added"
        ds.BeamSequence.append(new_item)
        del ds.FractionGroupSequence[0].ReferencedBeamSequence[0]
        ds.PatientSetupSequence[0].add_new(0x00091001, "LO", "priv")
        buf = io.BytesIO()
        ds.save_as(buf)
        results.append(
            (
                str(ds),
                str(copy.deepcopy(ds)),
                str(pickle.loads(pickle.dumps(ds))),
                buf.getvalue(),
            )
        )
    mine, theirs = results
    assert mine == theirs
    assert mine[0] == mine[1] == mine[2]
    back = dcmread(io.BytesIO(mine[3]))
    assert back.BeamSequence[0].ControlPointSequence[0].GantryAngle == 123
    assert back.BeamSequence[-1].BeamName == "added"


@pytest.mark.xfail(
    strict=True,
    reason="private dictionary lookup also matches (gggg,bbxx) entries: GDCM's 11 "
    "'(gggg,10xx) Private Element Creator' rows (GEMS_*_01, BioPri3D) name and type EVERY "
    "unknown element of block 0x10 of those creators (VR LO instead of UN in implicit VR); "
    "pydicom only matches (gggg,xxee) and (ggxx,xxee)",
)
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


# ============================================================ random operation sequences
_FUZZ_KEYWORDS: dict[str, list[Any]] = {
    "PatientName": ["A^B", "", "X"],
    "PatientID": ["1", "abc"],
    "Rows": [1, 512],
    "Columns": [3],
    "ImageType": [["A", "B"], "ORIGINAL"],
    "SliceThickness": ["2.5", 1.25],
    "StudyDate": ["20200101"],
    "InstitutionName": ["Inst"],
    "SeriesNumber": [1, "7"],
    "WindowCenter": [[1, 2], "40"],
    "BeamSequence": [[]],
}


def _run_operations(seed: int, ds: Any, lib: Any) -> list[str]:
    """Apply a seeded random sequence of mapping operations; log results and str(ds)."""
    import random

    rnd = random.Random(seed)
    log: list[str] = []
    for step in range(40):
        op = rnd.choice(
            ["set", "del", "pop", "setdefault", "add_new", "private", "slice_del", "update",
             "popitem", "get", "contains"]
        )  # fmt: skip
        kw = rnd.choice(list(_FUZZ_KEYWORDS))
        value = rnd.choice(_FUZZ_KEYWORDS[kw])
        try:
            if op == "set":
                setattr(ds, kw, value)
            elif op == "del":
                delattr(ds, kw)
            elif op == "pop":
                elem = ds.pop(kw, None)
                log.append(f"{type(elem).__name__} {getattr(elem, 'tag', None)}")
            elif op == "setdefault":
                log.append(str(ds.setdefault(kw, value)))
            elif op == "add_new":
                ds.add_new(0x00092000 + rnd.randint(0, 5), "LO", f"v{step}")
            elif op == "private":
                block = ds.private_block(0x0041, rnd.choice(["A", "B"]), create=True)
                block.add_new(rnd.randint(0, 3), "LO", f"p{step}")
            elif op == "slice_del":
                low = rnd.choice([0x00080000, 0x00100000, 0x00200000])
                del ds[low : low + 0x00010000]
            elif op == "update":
                ds.update({kw: value})
            elif op == "popitem":
                log.append(str(ds.popitem()[0]) if len(ds) else "empty")
            elif op == "get":
                log.append(str(ds.get(kw, "default")))
            else:
                log.append(str(kw in ds))
            log.append(f"{op}: ok")
        except Exception as exc:  # noqa: BLE001 - the error type is compared
            log.append(f"{op}: {type(exc).__name__}")
        log.append(str(ds))
    return log


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("name", ["CT_small.dcm", "rtplan.dcm"])
def test_random_operation_sequences_like_pydicom(seed: int, name: str) -> None:
    ds, ref = _both(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mine = _run_operations(seed, ds, None)
        theirs = _run_operations(seed, ref, pydicom)
    for i, (a, b) in enumerate(zip(mine, theirs)):
        assert a == b, f"step {i // 2}: {mine[i - 1] if i else ''}"


@pytest.mark.parametrize("path", _corpus(), ids=lambda p: p.rsplit("/", 1)[-1])
def test_members_over_whole_corpus_like_pydicom(path: str) -> None:
    """keys order, dir(), elements(), top(), iterall(), walk() and group_dataset()
    agree with pydicom for every corpus file pydicom reads."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            ref = pydicom.dcmread(path, force=True)
            ref_elements = [int(e.tag) for e in ref.elements()]
            ref_all = [int(e.tag) for e in ref.iterall()]
        except Exception:
            pytest.skip("pydicom cannot iterate this file")
        ds = dcmread(path, force=True)
        assert _tags(ds) == _tags(ref)
        assert ds.dir() == ref.dir()
        # which elements are already converted after reading is an implementation detail
        assert [int(e.tag) for e in ds.elements()] == ref_elements
        assert [int(e.tag) for e in ds.iterall()] == ref_all
        walked: list[int] = []
        ds.walk(lambda d, e: walked.append(int(e.tag)))
        assert walked == ref_all
        for group in sorted({t >> 16 for t in _tags(ds)}):
            assert _tags(ds.group_dataset(group)) == _tags(ref.group_dataset(group))
        mine, theirs = ds.top(), ref.top()
    if mine != theirs:  # the one known naming difference (see the str test above)
        diff = [(a, b) for a, b in zip(mine.splitlines(), theirs.splitlines()) if a != b]
        assert [a[:11] for a, _ in diff] == ["(0019,0010)"]


@pytest.mark.parametrize(
    "text",
    [
        lambda d: str(d.BeamSequence),
        lambda d: repr(d.BeamSequence),
        lambda d: str(d["BeamSequence"]),
        lambda d: repr(d["BeamSequence"]),
        lambda d: repr(d["PatientName"]),
        lambda d: repr(d.BeamSequence[0]),
        lambda d: str(d.file_meta),
        lambda d: repr(d.file_meta),
        lambda d: str(d.PatientName),
        lambda d: repr(d.PatientName),
        lambda d: repr(d.BeamSequence[0].ControlPointSequence),
        lambda d: str(d[0x300A0000:0x300B0000]),
    ],
)
def test_text_of_parts_of_a_dataset_like_pydicom(text: Any) -> None:
    ds, ref = _both("rtplan.dcm")
    assert text(ds) == text(ref)


def test_raw_element_repr_differs_from_pydicom_only_in_last_field() -> None:
    """Cosmetic, reported: dcmcore's RawDataElement has an is_undefined_length field where
    pydicom 3.0.2 has is_buffered (dcmcore offers is_buffered as a property)."""
    ds, ref = _both("rtplan.dcm")
    mine, theirs = repr(ds.get_item(0x00100020)), repr(ref.get_item(0x00100020))
    assert mine.rsplit(", ", 1)[0] == theirs.rsplit(", ", 1)[0]
    assert mine.endswith("is_undefined_length=False)")
    assert theirs.endswith("is_buffered=False)")
    assert ds.get_item(0x00100020).is_buffered is False


def test_update_raw_element_argument_errors_like_pydicom() -> None:
    ds, ref = _both("CT_small.dcm")
    for lib_ds in (ds, ref):
        with pytest.raises(ValueError):
            lib_ds.update_raw_element(0x00100020, vr="XX")
        with pytest.raises(TypeError):
            lib_ds.update_raw_element(0x00100020, value="not bytes")  # type: ignore[arg-type]
        lib_ds.update_raw_element(0x00100020, vr="OB")
    assert str(ds[0x00100020]) == str(ref[0x00100020])


def test_update_raw_element_of_deferred_element() -> None:
    ds = _mine("MR_small.dcm", defer_size=100)
    ds.update_raw_element(0x7FE00010, vr="OB")
    elem = ds[0x7FE00010]
    assert elem.VR == "OB"
    assert len(elem.value) == 8192  # the deferred value is still read
    ds = _mine("MR_small.dcm", defer_size=100)
    ds.update_raw_element(0x7FE00010, value=b"\x00\x01")
    assert ds.PixelData == b"\x00\x01"


@pytest.mark.parametrize(
    "name, kwargs",
    [("rtplan.dcm", {"defer_size": 8}), ("rtplan.dcm", {}), ("chrSQEncoding.dcm", {})],
)
@pytest.mark.parametrize("source", ["path", "buffer"])
def test_sequence_item_outlives_its_parent_like_pydicom(
    name: str, kwargs: dict[str, Any], source: str
) -> None:
    """An item kept after its parent dataset is garbage collected still reads its values
    (deferred ones too) with the right character set."""
    import gc

    import dcmcore

    def item_text(lib: Any) -> str:
        path = _path(name)
        with open(path, "rb") as f:
            src: Any = path if source == "path" else io.BytesIO(f.read())
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            item = _first_item(lib.dcmread(src, **kwargs))
        gc.collect()  # the parent dataset is gone
        return str(item)

    assert item_text(dcmcore) == item_text(pydicom)


def test_repeating_group_keywords_like_pydicom() -> None:
    """dir() lists repeater keywords (OverlayRows) but, as in pydicom, they are not usable
    as attribute names, data_element() names or 'in' keys."""
    ds, ref = _both("examples_overlay.dcm")
    for lib_ds in (ds, ref):
        assert "OverlayRows" in lib_ds.dir()
        assert lib_ds.data_element("OverlayRows") is None
        assert "OverlayRows" not in lib_ds
        assert lib_ds.get("OverlayRows", "default") == "default"
        with pytest.raises(AttributeError):
            lib_ds.OverlayRows  # noqa: B018
        with pytest.raises(ValueError):
            lib_ds.OverlayRows = 10


def test_copies_of_unloaded_items_whose_parent_is_gone_like_pydicom() -> None:
    import gc

    import dcmcore

    texts = []
    for lib in (dcmcore, pydicom):
        seq = lib.dcmread(_path("rtplan.dcm"), defer_size=8).BeamSequence
        gc.collect()  # only the sequence is left; its items were never accessed
        texts.append(
            (
                str(copy.deepcopy(seq[0])),
                str(pickle.loads(pickle.dumps(seq[0]))),
                str(copy.deepcopy(seq)),
                str(pickle.loads(pickle.dumps(seq))),
            )
        )
    assert texts[0] == texts[1]
