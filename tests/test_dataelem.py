"""dcmcore.dataelem: pydicom's DataElement module, compared with pydicom on real files."""

from __future__ import annotations

import pydicom
import pydicom.dataelem as pdataelem
import pytest
from pydicom.data import get_testdata_file

from dcmcore import dataelem, dcmread
from dcmcore.element import RawDataElement
from dcmcore.tag import BaseTag


@pytest.mark.parametrize("name", ["CT_small.dcm", "rtplan.dcm", "MR_small_bigendian.dcm"])
def test_convert_raw_data_element_gives_pydicoms_elements(name):
    path = get_testdata_file(name)
    ours_ds, theirs_ds = dcmread(path), pydicom.dcmread(path)
    for tag in theirs_ds.keys():
        raw, their_raw = ours_ds.get_item(tag), theirs_ds.get_item(tag)
        if not isinstance(raw, RawDataElement) or not their_raw.is_raw:
            continue
        ours = dataelem.convert_raw_data_element(raw, ds=ours_ds)
        theirs = pdataelem.convert_raw_data_element(their_raw, ds=theirs_ds)
        assert ours.VR == theirs.VR
        if theirs.VR == "SQ":
            assert len(ours.value) == len(theirs.value)
        else:
            assert ours.value == theirs.value, tag
        if not ours.tag.is_private:  # pydicom's function alone leaves private names unknown
            assert repr(ours) == repr(theirs)


def test_convert_raw_data_element_takes_keyword_only_encoding():
    raw = RawDataElement(BaseTag(0x00100010), "PN", 4, b"\xe9a^b"[:4], 0, False, True)
    elem = dataelem.convert_raw_data_element(raw, encoding=["latin_1"])
    assert str(elem.value) == "éa^b"
    with pytest.raises(TypeError):
        dataelem.convert_raw_data_element(raw, ["latin_1"])  # type: ignore[misc]


def test_DataElement_from_raw_is_deprecated_but_works():
    raw = RawDataElement(BaseTag(0x00280010), None, 2, b"\x00\x02", 0, True, True)
    with pytest.warns(DeprecationWarning, match="convert_raw_data_element"):
        elem = dataelem.DataElement_from_raw(raw)
    assert elem.VR == "US" and elem.value == 512


def test_module_names_match_pydicom():
    for name in ["DataElement", "RawDataElement", "empty_value_for_VR"]:
        assert hasattr(dataelem, name)
    for vr in ["AE", "SQ", "PN", "OB", "US or SS"]:
        assert dataelem.empty_value_for_VR(vr) == pdataelem.empty_value_for_VR(vr)
        assert dataelem.empty_value_for_VR(vr, True) == pdataelem.empty_value_for_VR(vr, True)
    assert {str(v) for v in dataelem.BUFFERABLE_VRS} == {str(v) for v in pdataelem.BUFFERABLE_VRS}


def test_data_element_str_and_repr_match_pydicom():
    ours = dataelem.DataElement(0x00100010, "PN", "Doe^John")
    theirs = pdataelem.DataElement(0x00100010, "PN", "Doe^John")
    assert str(ours) == str(theirs)
    assert repr(ours) == repr(theirs)
    assert ours.keyword == theirs.keyword and ours.name == theirs.name
