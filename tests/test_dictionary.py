"""Data dictionary: differential tests against pydicom's tables plus the masked-entry rules."""

from __future__ import annotations

import pytest

from dcmcore import dictionary as d

pydicom_dict = pytest.importorskip("pydicom._dicom_dict")
pydicom_datadict = pytest.importorskip("pydicom.datadict")
pydicom_private = pytest.importorskip("pydicom._private_dict")
pydicom_uids = pytest.importorskip("pydicom._uid_dict")


def test_every_public_tag_matches_pydicom_entry():
    mismatches = []
    for tag, (vr, vm, name, retired, keyword) in pydicom_dict.DicomDictionary.items():
        e = d.entry(tag)
        want = (vr, vm, name, retired == "Retired", keyword)
        if e is None or tuple(e) != want:
            mismatches.append((hex(tag), e, want))
    assert not mismatches, mismatches[:5]
    assert len(pydicom_dict.DicomDictionary) > 5000


def test_keyword_tag_round_trip_for_every_public_keyword():
    for tag, (*_, keyword) in pydicom_dict.DicomDictionary.items():
        if not keyword:
            continue
        assert d.tag_for_keyword(keyword) == tag, keyword
        assert d.keyword_for_tag(tag) == keyword
        assert d.tag_for_keyword(keyword) == pydicom_datadict.tag_for_keyword(keyword)


def test_empty_and_unknown_keywords_give_none():
    assert d.tag_for_keyword("") is None
    assert d.tag_for_keyword("NotAKeyword") is None
    assert d.keyword_for_tag(0x00111234) == ""
    assert d.keyword_for_tag(0x00080002) == ""


def test_every_repeater_mask_matches_pydicom():
    # Instantiate each mask with a few values for the x digits and compare with pydicom.
    for mask, (vr, vm, name, retired, keyword) in pydicom_dict.RepeatersDictionary.items():
        for fill in ("0", "2", "E"):
            tag = int(mask.replace("x", fill).replace("X", fill), 16)
            if (tag >> 16) & 1 or tag in pydicom_dict.DicomDictionary:
                continue
            e = d.entry(tag)
            assert e is not None, (mask, hex(tag))
            assert tuple(e) == (vr, vm, name, retired == "Retired", keyword)
            assert tuple(e) == (*pydicom_datadict.get_entry(tag)[:3], e.is_retired, keyword)
            assert d.keyword_for_tag(tag) == pydicom_datadict.keyword_for_tag(tag)


@pytest.mark.parametrize(
    "tag, keyword, vr",
    [
        (0x60020010, "OverlayRows", "US"),
        (0x601E3000, "OverlayData", "OB or OW"),
        (0x50200005, "CurveDimensions", "US"),
        (0x7F100010, "VariablePixelData", "OB or OW"),
        (0x00203105, "SourceImageIDs", "CS"),
        (0x10000015, "ShiftTableTriplet", "US"),
        (0x10101234, "ZonalMap", "US"),
        (0x00280432, "CoefficientCoding", "LO"),
    ],
)
def test_masked_entries_resolve(tag, keyword, vr):
    e = d.entry(tag)
    assert e is not None and e.keyword == keyword and e.VR == vr
    assert d.dictionary_VR(tag) == vr
    assert d.repeater_has_tag(tag)
    assert not d.dictionary_has_tag(tag)  # pydicom: only exact entries
    assert d.tag_for_keyword(keyword) is None
    assert d.repeater_has_keyword(keyword)


def test_repeating_group_does_not_match_private_odd_group():
    assert d.entry(0x60010010) is None
    assert d.entry(0x60030010) is None


def test_group_length_rule():
    for tag in (0x00080000, 0x00280000, 0x00090000, 0x7FE00000):
        e = d.entry(tag)
        assert e == d.DictEntry("UL", "1", "Group Length", False, "")
        # pydicom-compatible lookups do not know implied group lengths
        with pytest.raises(KeyError):
            d.dictionary_VR(tag)
        assert d.keyword_for_tag(tag) == ""
    # explicit dictionary entries win over the rule
    assert d.entry(0x00000000).keyword == "CommandGroupLength"
    assert d.entry(0x00020000).keyword == "FileMetaInformationGroupLength"


def test_command_elements_present():
    assert d.entry(0x00000100).keyword == "CommandField"
    assert d.entry(0x00000001).is_retired


def test_retired_flags_and_multi_vr():
    assert d.dictionary_is_retired(0x00080010)  # Recognition Code (retired)
    assert not d.dictionary_is_retired(0x00100010)
    assert d.dictionary_VR(0x00280106) == "US or SS"  # Smallest Image Pixel Value
    assert d.dictionary_VR(0x7FE00010) == "OB or OW"
    assert d.dictionary_VR(0x00283006) == "US or OW"  # LUT Data
    assert "US or SS or OW" in {e.VR for e in map(d.entry, pydicom_dict.DicomDictionary)}
    assert d.dictionary_VM(0x00200032) == "3"
    assert d.dictionary_description(0x00100010) == "Patient's Name"
    assert d.dictionary_keyword(0x00100010) == "PatientName"


def test_dictionary_functions_accept_tag_forms_and_raise_keyerror():
    assert d.dictionary_VR("PatientName") == "PN"
    assert d.dictionary_VR((0x0010, 0x0010)) == "PN"
    with pytest.raises(KeyError):
        d.dictionary_VR(0x00111234)
    with pytest.raises(KeyError):
        d.dictionary_keyword(0x00080002)
    assert d.dictionary_has_tag(0x00100010)
    assert not d.dictionary_has_tag(0x00111234)
    assert not d.dictionary_has_tag("NotAKeyword")


def test_private_entries_match_pydicom_for_every_creator_key():
    checked = 0
    for creator, entries in pydicom_private.private_dictionaries.items():
        for key in entries:
            tag = int(key.replace("xx", "10") if key[4:6] == "xx" else key.replace("x", "1"), 16)
            try:
                want = pydicom_datadict.get_private_entry(tag, creator)
            except KeyError:
                continue
            got = d.private_entry(tag, creator)
            assert got is not None, (creator, key)
            want_vr = want[0].replace("_", " or ")  # source spells one choice "OB_OW"
            assert (got.VR, got.VM, got.name) == (want_vr, *want[1:3]), (creator, key)
            checked += 1
    assert checked > 9000


@pytest.mark.parametrize(
    "creator, tag, vr, name",
    [
        ("GEMS_ACQU_01", 0x00191012, "SS", "Last pseq"),
        ("GEMS_ACQU_01", 0x00192012, "SS", "Last pseq"),  # block 0x20: same element
        ("SIEMENS CSA HEADER", 0x00291010, "OB", "CSA Image Header Info"),
        ("SIEMENS CSA HEADER", 0x00291110, "OB", "CSA Image Header Info"),
    ],
)
def test_private_entry_is_block_independent(creator, tag, vr, name):
    e = d.private_entry(tag, creator)
    assert e is not None and e.VR == vr and e.name == name and e.keyword == ""
    assert d.private_dictionary_VR(tag, creator) == vr


def test_private_entry_unknown_creator_or_tag():
    assert d.private_entry(0x00191012, "NO SUCH CREATOR") is None
    assert d.private_entry(0x0019FFFF, "GEMS_ACQU_01") is None
    with pytest.raises(KeyError):
        d.private_dictionary_VR(0x00191012, "NO SUCH CREATOR")
    assert "GEMS_ACQU_01" in d.private_creators()


def test_private_vrs_are_valid_vr_values():
    from dcmcore.vr import VR

    valid = {v.value for v in VR}
    for creator in d.private_creators():
        table = d._private_table(creator)
        for part in (table.exact, table.any_block, table.any_group_byte):
            for e in part.values():
                assert e.VR in valid, (creator, e)


def test_private_creator_with_padding_is_found():
    assert d.private_entry(0x00191012, "GEMS_ACQU_01 ") == d.private_entry(
        0x00191012, "GEMS_ACQU_01"
    )


def test_uid_registry_matches_pydicom():
    for uid, (name, typ, info, retired, keyword) in pydicom_uids.UID_dictionary.items():
        assert tuple(d.uid_info(uid)) == (name, typ, info, retired == "Retired", keyword)
        if keyword:
            assert d.uid_for_keyword(keyword) == uid
    assert d.uid_info("1.2.3.4") is None


def test_uid_registry_has_later_edition_transfer_syntaxes():
    assert d.uid_info("1.2.840.10008.1.2.4.110").keyword == "JPEGXLLossless"
    assert d.uid_info("1.2.840.10008.1.2.8.1").name == "Deflated Image Frame Compression"


def test_edition_is_recorded():
    from pydicom._version import __dicom_version__

    assert d.EDITION == __dicom_version__
    assert len(d.EDITION) == 5 and d.EDITION[:4].isdigit()
