"""Conformance of dcmcore's Dataset to pydicom 3's ``FileDataset`` documentation, member by member.

Each test exercises one documented member, parameter, behaviour, exception or
return type on pydicom's test corpus, with pydicom as the reference where the
documentation is silent. Where pydicom and its documentation disagree the test
follows the documentation and its docstring says so. Private blocks and JSON:
test_dataset_documented_private_json.py; mapping protocol, copies and pickles:
test_dataset_documented_protocol.py; text (str/repr) and whole-corpus checks:
test_dataset_documented_text.py.
"""

from __future__ import annotations

import copy
import io
import warnings
from typing import Any

import pytest

from dcmcore import config
from dcmcore.dataset import Dataset, FileMetaDataset
from dcmcore.element import DataElement, RawDataElement
from dcmcore.io.reader import dcmread
from dcmcore.sequence import Sequence
from dcmcore.tag import BaseTag
from tests.corpus_pairs import (
    _both,
    _first_item,
    _mine,
    _path,
    _tags,
    pydicom,
)


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


# ---------------------------------------------------------------- encoding of sequence items
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


def test_sequence_item_original_character_set_is_the_one_it_was_decoded_with() -> None:
    ds, ref = _both("chrSQEncoding.dcm")
    item, ref_item = _first_item(ds), _first_item(ref)
    assert list(ref_item.original_character_set) == ["shift_jis", "iso2022_jp"]
    assert list(item.original_character_set) == ["shift_jis", "iso2022_jp"]


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


# ---------------------------------------------------------------- more member details
def test_trait_names_public_names_like_pydicom() -> None:
    ds, ref = _both("CT_small.dcm")
    # dcmcore's documented item links, and which plugin decoded the pixel data
    extras = {"parent_dataset", "parent_seq", "decoded_by"}
    mine = {n for n in ds.trait_names() if not n.startswith("_")} - extras
    theirs = {n for n in ref.trait_names() if not n.startswith("_")}
    assert mine == theirs


def test_formatted_lines_indent_format_is_accepted_and_ignored() -> None:
    ds = _mine("rtplan.dcm")
    default = list(ds.formatted_lines())
    assert list(ds.formatted_lines(indent_format="XX%(tag)s")) == default


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
