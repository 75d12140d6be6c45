"""dcmcore.datadict: pydicom's dictionary lookups and run-time additions, compared with pydicom."""

from __future__ import annotations

import pydicom
import pydicom.datadict as pdatadict
import pytest

import dcmcore
from dcmcore import datadict

TAGS = [0x00100010, 0x00280010, 0x60003000, 0x60023000, 0x00200032, 0x7FE00010, 0x00080016,
        0x50000010, 0x00181060, 0x00080001, 0x00280040]  # fmt: skip


@pytest.mark.parametrize("tag", TAGS)
def test_lookups_match_pydicom(tag):
    for name in ["dictionary_VR", "dictionary_VM", "dictionary_description",
                 "dictionary_is_retired", "dictionary_keyword", "get_entry"]:  # fmt: skip
        try:
            expected = getattr(pdatadict, name)(tag)
        except KeyError:
            with pytest.raises(KeyError):
                getattr(datadict, name)(tag)
        else:
            assert getattr(datadict, name)(tag) == expected, name
    assert datadict.dictionary_has_tag(tag) == pdatadict.dictionary_has_tag(tag)
    assert datadict.keyword_for_tag(tag) == pdatadict.keyword_for_tag(tag)
    assert datadict.repeater_has_tag(tag) == pdatadict.repeater_has_tag(tag)
    assert datadict.mask_match(tag) == pdatadict.mask_match(tag)


def test_unknown_and_group_length_tags_raise_keyerror_like_pydicom():
    for tag in (0x00080000, 0x00110010, 0x00091001):
        with pytest.raises(KeyError):
            pdatadict.get_entry(tag)
        with pytest.raises(KeyError):
            datadict.get_entry(tag)


def test_tables_equal_pydicoms():
    assert datadict.RepeatersDictionary == pdatadict.RepeatersDictionary
    assert datadict.masks == pdatadict.masks
    assert sorted(datadict.REPEATER_KEYWORDS) == sorted(pdatadict.REPEATER_KEYWORDS)
    assert set(datadict.DicomDictionary) == set(pdatadict.DicomDictionary)
    for tag in TAGS[:3]:
        if tag in pdatadict.DicomDictionary:
            assert datadict.DicomDictionary[tag] == pdatadict.DicomDictionary[tag]
    assert datadict.keyword_dict["PatientName"] == pdatadict.keyword_dict["PatientName"]
    assert datadict.tag_for_keyword("PatientName") == pdatadict.tag_for_keyword("PatientName")
    assert set(datadict.private_dictionaries) == set(pdatadict.private_dictionaries)


@pytest.mark.parametrize(
    ("creator", "tag"),
    [("GEMS_ACQU_01", 0x00191012), ("SIEMENS CSA HEADER", 0x00291010), ("ACUSON", 0x00091002)],
)
def test_private_lookups_match_pydicom(creator, tag):
    for name in [
        "private_dictionary_VR",
        "private_dictionary_VM",
        "private_dictionary_description",
    ]:
        assert getattr(datadict, name)(tag, creator) == getattr(pdatadict, name)(tag, creator)
    assert datadict.get_private_entry(tag, creator) == pdatadict.get_private_entry(tag, creator)


def test_add_dict_entries_makes_keywords_usable_as_in_pydicom():
    entries = {0x10021001: ("UL", "1", "Test One", "", "TestOne"),
               0x10021002: ("DS", "3", "Test Two", "", "TestTwo")}  # fmt: skip
    datadict.add_dict_entries(entries)
    pdatadict.add_dict_entries(entries)
    ours, theirs = dcmcore.Dataset(), pydicom.Dataset()
    for ds in (ours, theirs):
        ds.TestOne = 42
        ds.TestTwo = ["1", "2", "3"]
    assert str(ours) == str(theirs)
    assert datadict.get_entry(0x10021002) == pdatadict.get_entry(0x10021002)
    assert datadict.DicomDictionary[0x10021001] == entries[0x10021001]


def test_add_dict_entry_after_a_failed_attribute_lookup_still_works():
    ds = dcmcore.Dataset()
    assert not hasattr(ds, "LaterKeyword")
    datadict.add_dict_entry(0x10041001, "LO", "LaterKeyword", "Later Keyword")
    ds.LaterKeyword = "x"
    assert ds[0x10041001].value == "x"


def test_add_private_dict_entries_names_private_elements_as_in_pydicom():
    entries = {0x00410001: ("UL", "1", "Test One", ""), 0x00410002: ("DS", "3", "Test Two", "")}
    datadict.add_private_dict_entries("ACME LTD 1.2", entries)
    pdatadict.add_private_dict_entries("ACME LTD 1.2", entries)
    datadict.add_private_dict_entry("ACME LTD 1.3", 0x00410001, "US", "Test Three")
    pdatadict.add_private_dict_entry("ACME LTD 1.3", 0x00410001, "US", "Test Three")
    ours, theirs = dcmcore.Dataset(), pydicom.Dataset()
    for ds in (ours, theirs):
        block = ds.private_block(0x0041, "ACME LTD 1.2", create=True)
        block.add_new(0x01, "UL", 42)
        block = ds.private_block(0x0041, "ACME LTD 1.3", create=True)
        block.add_new(0x01, "US", 3)
    assert str(ours) == str(theirs)
    for tag, creator in [(0x00411001, "ACME LTD 1.2"), (0x00411101, "ACME LTD 1.3")]:
        assert datadict.get_private_entry(tag, creator) == pdatadict.get_private_entry(tag, creator)
    assert "ACME LTD 1.2" in datadict.private_dictionaries


def test_adding_entries_of_the_wrong_kind_raises_valueerror():
    with pytest.raises(ValueError):
        datadict.add_dict_entry(0x00410001, "UL", "Bad", "Bad")
    with pytest.raises(ValueError):
        datadict.add_private_dict_entry("X", 0x00100010, "UL", "Bad")


def test_dicomdictionary_assignment_adds_an_entry_as_pydicom_users_do():
    datadict.DicomDictionary.update({0x10061001: ("SH", "1", "Old Style", "", "OldStyle")})
    datadict.keyword_dict.update({"OldStyle": 0x10061001})
    ds = dcmcore.Dataset()
    ds.OldStyle = "a"
    assert ds[0x10061001].VR == "SH"
