"""dcmcore.jsonrep: pydicom's JSON value converter gives pydicom's values."""

from __future__ import annotations

import pydicom
import pydicom.jsonrep as pjsonrep
import pytest

import dcmcore
from dcmcore import jsonrep

CASES = [
    ("00280010", "US", [512], "Value"),
    ("00280030", "DS", [0.5, 0.25], "Value"),
    ("00200013", "IS", [3], "Value"),
    ("00100010", "PN", [{"Alphabetic": "Doe^John"}], "Value"),
    ("00080060", "CS", ["CT"], "Value"),
    ("00080005", "CS", None, None),
    ("7FE00010", "OB", "AAEC", "InlineBinary"),
    ("00189089", "FD", [1.5, 2.5], "Value"),
]


@pytest.mark.parametrize(("tag", "vr", "value", "key"), CASES)
def test_get_element_values_matches_pydicom(tag, vr, value, key):
    ours = jsonrep.JsonDataElementConverter(dcmcore.Dataset, tag, vr, value, key)
    theirs = pjsonrep.JsonDataElementConverter(pydicom.Dataset, tag, vr, value, key)
    assert ours.get_element_values() == theirs.get_element_values()


def test_sequences_and_bulk_data_use_the_handler_as_pydicom():
    items = [{"00081150": {"vr": "UI", "Value": ["1.2.3"]}}]
    ours = jsonrep.JsonDataElementConverter(dcmcore.Dataset, "00081199", "SQ", items, "Value")
    theirs = pjsonrep.JsonDataElementConverter(pydicom.Dataset, "00081199", "SQ", items, "Value")
    assert [d.ReferencedSOPClassUID for d in ours.get_element_values()] == [
        d.ReferencedSOPClassUID for d in theirs.get_element_values()
    ]

    def handler(tag, vr, uri):
        return b"\x01\x02"

    args = ("7FE00010", "OB", "http://x/1", "BulkDataURI", handler)
    assert (
        jsonrep.JsonDataElementConverter(dcmcore.Dataset, *args).get_element_values()
        == pjsonrep.JsonDataElementConverter(pydicom.Dataset, *args).get_element_values()
    )


@pytest.mark.parametrize(
    ("value", "vr"),
    [
        (["1", "2"], "IS"),
        ("1.5", "DS"),
        ([1, None], "US"),
        ("x", "LO"),
        (None, "US"),
        ("7", "US or SS"),
    ],
)
def test_convert_to_python_number_matches_pydicom(value, vr):
    assert jsonrep.convert_to_python_number(value, vr) == pjsonrep.convert_to_python_number(
        value, vr
    )


def test_json_round_trip_through_the_dataset_api():
    ds = dcmcore.dcmread(pydicom.data.get_testdata_file("CT_small.dcm"))
    again = dcmcore.Dataset.from_json(ds.to_json())
    assert again.PatientName == ds.PatientName
    assert jsonrep.JSON_VALUE_KEYS == pjsonrep.JSON_VALUE_KEYS or set(
        jsonrep.JSON_VALUE_KEYS
    ) == set(pjsonrep.JSON_VALUE_KEYS)
