"""dcmcore.valuerep and dcmcore.multival: pydicom's names, with pydicom's sets and results."""

from __future__ import annotations

import pydicom.multival as pmultival
import pydicom.valuerep as pvaluerep
import pytest
from pydicom.data import get_testdata_file

import dcmcore
from dcmcore import config, multival, valuerep

SET_NAMES = [
    "ALLOW_BACKSLASH", "AMBIGUOUS_VR", "BUFFERABLE_VRS", "BYTES_VR", "CUSTOMIZABLE_CHARSET_VR",
    "DEFAULT_CHARSET_VR", "EXPLICIT_VR_LENGTH_16", "EXPLICIT_VR_LENGTH_32", "FLOAT_VR",
    "INT_VR", "LIST_VR", "LONG_VALUE_VR", "STANDARD_VR", "STR_VR",
]  # fmt: skip


@pytest.mark.parametrize("name", SET_NAMES)
def test_vr_sets_hold_what_pydicoms_hold(name):
    assert {str(vr) for vr in getattr(valuerep, name)} == {
        str(vr) for vr in getattr(pvaluerep, name)
    }


def test_tables_equal_pydicoms():
    assert valuerep.MAX_VALUE_LEN == pvaluerep.MAX_VALUE_LEN
    assert valuerep.VALUE_LENGTH == pvaluerep.VALUE_LENGTH
    assert set(valuerep.TEXT_VR_DELIMS) == set(pvaluerep.TEXT_VR_DELIMS)
    assert set(valuerep.PN_DELIMS) == set(pvaluerep.PN_DELIMS)
    assert set(valuerep.VR_REGEXES) == set(pvaluerep.VR_REGEXES)
    assert set(valuerep.VALIDATORS) == set(pvaluerep.VALIDATORS)
    assert valuerep.default_encoding == pvaluerep.default_encoding
    assert valuerep.DSclass is valuerep.DSfloat


@pytest.mark.parametrize(
    ("vr", "value"),
    [
        ("DS", "1.5"), ("DS", "1.5a"), ("DS", "12345678901234567"), ("IS", "12"), ("IS", "1.5"),
        ("AE", "A" * 17), ("CS", "lower"), ("UI", "1.2.03"), ("DA", "20240131"), ("DA", "2024"),
        ("TM", "251000"), ("PN", "A" * 65), ("LO", "x" * 65), ("US", 70000), ("SS", -5),
        ("UR", "http://a b"), ("AS", "012Y"), ("AS", "12Y"),
    ],
)  # fmt: skip
def test_validators_give_pydicoms_verdicts(vr, value):
    ours = valuerep.VALIDATORS[vr](vr, value)[0]
    theirs = pvaluerep.VALIDATORS[vr](vr, value)[0]
    assert ours == theirs


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("validate_type_and_length", ("LO", "x" * 70)),
        ("validate_type_and_length", ("LO", 5)),
        ("validate_type_and_regex", ("AS", "012Y")),
        ("validate_type_and_regex", ("AS", "12Y")),
        ("validate_length_and_type_and_regex", ("CS", "ABC")),
        ("validate_length_and_type_and_regex", ("CS", "abc")),
        ("validate_number", ("US", 70000, 0, 65535)),
        ("validate_number", ("US", 7, 0, 65535)),
        ("validate_pn_component_length", ("PN", "A" * 65)),
        ("validate_vr_length", ("SH", "x" * 17)),
        ("validate_regex", ("UI", "1.02")),
    ],
)
def test_named_validators_agree_with_pydicom(name, args):
    assert getattr(valuerep, name)(*args)[0] == getattr(pvaluerep, name)(*args)[0]


def test_validate_pn_component_warns_with_the_writing_mode():
    with pytest.warns(UserWarning):
        valuerep.validate_pn_component("A" * 65)
    with config.override(writing_validation_mode=config.RAISE):
        with pytest.raises(ValueError):
            valuerep.validate_pn_component("A" * 65)


def test_value_types_read_from_a_file_are_valuereps_types():
    path = get_testdata_file("CT_small.dcm")
    ds = dcmcore.dcmread(path)
    assert isinstance(ds.SliceThickness, valuerep.DSfloat)
    assert isinstance(ds.PatientName, valuerep.PersonName)
    assert isinstance(ds.ImagePositionPatient, multival.MultiValue)
    assert isinstance(ds.ImagePositionPatient, multival.ConstrainedList)


@pytest.mark.parametrize("text", ["1.5", "1e3", " 2 ", "-0.0"])
def test_ds_and_format_number_as_ds_match_pydicom(text):
    assert str(valuerep.DS(text)) == str(pvaluerep.DS(text))
    assert valuerep.format_number_as_ds(float(text)) == pvaluerep.format_number_as_ds(float(text))
    assert valuerep.is_valid_ds(text) == pvaluerep.is_valid_ds(text)


def test_person_name_components_match_pydicom():
    for text in ["Doe^John^M^Dr^Jr", "Yamada^Tarou=山田^太郎=やまだ^たろう"]:
        ours, theirs = valuerep.PersonName(text), pvaluerep.PersonName(text)
        assert ours.components == theirs.components
        assert ours.family_name == theirs.family_name
        assert ours.given_name == theirs.given_name


def test_multivalue_behaves_as_pydicoms():
    ours = multival.MultiValue(int, ["1", "2"])
    theirs = pmultival.MultiValue(int, ["1", "2"])
    ours.append("3")
    theirs.append("3")
    assert list(ours) == list(theirs) == [1, 2, 3]
    assert str(ours) == str(theirs)
