"""Tests of the DICOM JSON Model (dcmcore.io.json), with pydicom as the reference."""

from __future__ import annotations

import base64
import io
import json
import sys
import warnings
from pathlib import Path

import pytest

from dcmcore import dcmread
from dcmcore.dataset import Dataset
from dcmcore.element import DataElement, RawDataElement
from dcmcore.errors import DcmcoreWarning
from dcmcore.io import json as dicom_json
from dcmcore.sequence import Sequence

sys.path.insert(0, str(Path(__file__).parents[1]))
import writer_corpus  # noqa: E402


def _ds() -> Dataset:
    ds = Dataset()
    ds.PatientName = "Yamada^Tarou=山田^太郎=やまだ^たろう"
    ds.PatientID = "12"
    ds.SeriesNumber = 7
    ds.SliceThickness = "2.5"
    ds.Rows = 4
    ds.add_new(0x00209165, "AT", [0x00100010, 0x7FE00010])
    ds.add_new(0x00091010, "OB", b"\x01\x02\x03")
    ds.StudyDescription = ""
    item = Dataset()
    item.add_new(0x00091011, "OW", b"\x00\x01" * 100)
    item.PatientID = "x"
    ds.OtherPatientIDsSequence = Sequence([item])
    return ds


# ---------------------------------------------------------------- to JSON


def test_value_types_follow_the_json_model():
    out = _ds().to_json_dict()
    assert out["00100010"] == {
        "vr": "PN",
        "Value": [{"Alphabetic": "Yamada^Tarou", "Ideographic": "山田^太郎",
                   "Phonetic": "やまだ^たろう"}],
    }
    assert out["00100020"] == {"vr": "LO", "Value": ["12"]}
    assert out["00200011"] == {"vr": "IS", "Value": [7]}
    assert type(out["00200011"]["Value"][0]) is int
    assert out["00180050"] == {"vr": "DS", "Value": [2.5]}
    assert type(out["00180050"]["Value"][0]) is float
    assert out["00280010"] == {"vr": "US", "Value": [4]}
    assert out["00209165"] == {"vr": "AT", "Value": ["00100010", "7FE00010"]}
    assert out["00091010"] == {"vr": "OB", "InlineBinary": base64.b64encode(b"\x01\x02\x03").decode()}


def test_empty_values_keep_only_the_vr_and_empty_sequences_an_empty_list():
    ds = Dataset()
    ds.StudyDescription = ""
    ds.add_new(0x00091010, "OB", b"")
    ds.OtherPatientIDsSequence = Sequence()
    out = ds.to_json_dict()
    assert out["00081030"] == {"vr": "LO"}
    assert out["00091010"] == {"vr": "OB"}
    assert out["00101002"] == {"vr": "SQ", "Value": []}  # as pydicom writes it


def test_multi_valued_person_names_are_separate_groups():
    ds = Dataset()
    ds.add_new(0x00081070, "PN", ["A^B", "C^D"])
    assert ds.to_json_dict()["00081070"]["Value"] == [{"Alphabetic": "A^B"}, {"Alphabetic": "C^D"}]


def test_bulk_data_handler_used_above_the_threshold_also_in_sequences():
    seen = []

    def handler(elem):
        seen.append(int(elem.tag))
        return f"http://x/{elem.tag.json_key}"

    out = _ds().to_json_dict(bulk_data_threshold=20, bulk_data_element_handler=handler)
    assert "InlineBinary" in out["00091010"]  # 3 bytes: below the threshold
    item = out["00101002"]["Value"][0]
    assert item["00091011"] == {"vr": "OW", "BulkDataURI": "http://x/00091011"}
    assert seen == [0x00091011]


def test_without_a_handler_binary_values_are_inline_whatever_their_size():
    out = _ds().to_json_dict(bulk_data_threshold=1)
    item = out["00101002"]["Value"][0]
    assert base64.b64decode(item["00091011"]["InlineBinary"]) == b"\x00\x01" * 100


def test_to_json_sorts_keys_and_accepts_a_dump_handler():
    text = _ds().to_json()
    assert json.loads(text) == _ds().to_json_dict()
    keys = list(json.loads(text))
    assert keys == sorted(keys)
    assert _ds().to_json(dump_handler=lambda d: "custom") == "custom"


def test_element_to_json_delegates_to_the_json_module():
    elem = DataElement(0x00100020, "LO", "12")
    assert elem.to_json_dict(None, 1024) == {"vr": "LO", "Value": ["12"]}
    assert json.loads(elem.to_json()) == {"vr": "LO", "Value": ["12"]}


def test_invalid_element_raises_or_is_left_out_when_suppressed():
    ds = Dataset()
    ds.PatientID = "1"
    ds._dict[0x00200011] = RawDataElement(0x00200011, "IS", 2, b"1A", 0, False, True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ValueError):
            ds.to_json_dict()
        out = ds.to_json_dict(suppress_invalid_tags=True)
    assert list(out) == ["00100020"]


def test_suppressed_invalid_tags_keep_a_sequence_whose_truncation_only_warned_when_read():
    pydicom = pytest.importorskip("pydicom")
    from pydicom.data import get_testdata_file

    path = get_testdata_file("rtplan_truncated.dcm")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = dcmread(path, force=True).to_json_dict(suppress_invalid_tags=True)
        theirs = pydicom.dcmread(path, force=True).to_json_dict(suppress_invalid_tags=True)
    assert "300A00B0" in ours  # Beam Sequence: its items are parsed lazily, after the read
    assert ours == theirs


def test_suppressed_invalid_value_inside_a_lazily_read_item_still_drops_its_sequence():
    item = Dataset()
    item.PatientID = "1"
    item._dict[0x00200011] = RawDataElement(0x00200011, "IS", 2, b"1A", 0, True, True)
    ds = Dataset()
    ds.PatientName = "A"
    ds.ReferencedImageSequence = Sequence([item])
    ds.SeriesNumber = "2"
    from dcmcore import dcmwrite

    out = io.BytesIO()
    dcmwrite(out, ds, implicit_vr=True)
    back = dcmread(io.BytesIO(out.getvalue()), force=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = back.to_json_dict(suppress_invalid_tags=True)
    assert list(result) == ["00100010", "00200011"]  # as pydicom: the whole sequence goes


# ---------------------------------------------------------------- from JSON


def test_round_trip_through_text_and_bytes():
    ds = _ds()
    text = ds.to_json()
    for source in (text, text.encode(), json.loads(text)):
        back = Dataset.from_json(source)
        assert back.to_json_dict() == ds.to_json_dict()
    back = Dataset.from_json(text)
    assert back.PatientName == ds.PatientName
    assert back.SeriesNumber == 7
    assert back.SliceThickness == 2.5
    assert back[0x00209165].value == [0x00100010, 0x7FE00010]
    assert back.OtherPatientIDsSequence[0][0x00091011].value == b"\x00\x01" * 100


def test_bulk_data_uri_handler_with_one_or_three_arguments():
    data = {"00091010": {"vr": "OB", "BulkDataURI": "http://x/1"},
            "00101002": {"vr": "SQ", "Value": [{"00091011": {"vr": "OB", "BulkDataURI": "u2"}}]}}
    calls = []

    def three(tag, vr, uri):
        calls.append((tag, vr, uri))
        return b"\x05\x06"

    ds = Dataset.from_json(data, three)
    assert ds[0x00091010].value == b"\x05\x06"
    assert ds.OtherPatientIDsSequence[0][0x00091011].value == b"\x05\x06"
    assert calls == [("00091010", "OB", "http://x/1"), ("00091011", "OB", "u2")]
    ds = Dataset.from_json(data, lambda uri: uri.encode())
    assert ds[0x00091010].value == b"http://x/1"


def test_bulk_data_without_handler_gives_an_empty_value_and_warns():
    with pytest.warns(DcmcoreWarning, match="bulk data URI handler"):
        ds = Dataset.from_json({"00091010": {"vr": "OB", "BulkDataURI": "http://x/1"}})
    assert ds[0x00091010].value in (b"", None)


def test_inline_binary_given_as_a_list_is_accepted():
    ds = Dataset.from_json({"00091010": {"vr": "OB", "InlineBinary": ["AQI="]}})
    assert ds[0x00091010].value == b"\x01\x02"


def test_missing_vr_raises_key_error():
    with pytest.raises(KeyError, match="vr"):
        Dataset.from_json({"00100020": {"Value": ["1"]}})
    with pytest.raises(KeyError, match="vr"):
        Dataset.from_json({"00101002": {"vr": "SQ", "Value": [{"00100020": {"Value": ["1"]}}]}})


def test_value_that_is_not_a_list_raises_type_error():
    with pytest.raises(TypeError, match="must be a list"):
        Dataset.from_json({"00100020": {"vr": "LO", "Value": "1"}})


def test_empty_and_null_values():
    ds = Dataset.from_json({
        "00100020": {"vr": "LO"},
        "00200011": {"vr": "IS", "Value": []},
        "00101002": {"vr": "SQ", "Value": [None]},
    })
    assert ds.PatientID == ""
    assert ds[0x00200011].VM == 0
    assert len(ds.OtherPatientIDsSequence) == 1


def test_bad_at_and_pn_values_warn():
    with pytest.warns(DcmcoreWarning, match="AT"):
        Dataset.from_json({"00209165": {"vr": "AT", "Value": ["zz"]}})
    with pytest.warns(DcmcoreWarning, match="Person Name"):
        ds = Dataset.from_json({"00100010": {"vr": "PN", "Value": ["A^B"]}})
    assert ds.PatientName == "A^B"


def test_person_name_groups_are_joined_with_equals_signs():
    ds = Dataset.from_json({"00100010": {"vr": "PN", "Value": [{"Ideographic": "山田"}]}})
    assert str(ds.PatientName) == "=山田"


def test_element_from_json_delegates_to_the_json_module():
    elem = DataElement.from_json(Dataset, "00100020", "LO", ["12"], "Value")
    assert elem.tag == 0x00100020 and elem.value == "12"


def test_values_from_json_are_validated_like_read_values():
    # invalid, but accepted with a warning as when read from a file (pydicom does the same)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = Dataset.from_json({"00080020": {"vr": "DA", "Value": ["1997.04.24"]}})
    assert ds.StudyDate == "1997.04.24"


# ---------------------------------------------------------------- differential (pydicom)

_FILES = [p for p in writer_corpus.corpus_files() if writer_corpus.pydicom_readable(p)]


def _pydicom_json(path, **kwargs):
    import pydicom

    try:
        return pydicom.dcmread(path, force=True).to_json_dict(**kwargs)
    except Exception:
        return None


def test_to_json_dict_equals_pydicom_for_the_whole_corpus():
    pytest.importorskip("pydicom")

    def handler(elem):
        return f"uri:{int(elem.tag):08X}"

    compared = 0
    differ = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for path in _FILES:
            for kwargs in ({}, {"bulk_data_threshold": 100, "bulk_data_element_handler": handler}):
                expected = _pydicom_json(path, **kwargs)
                if expected is None:
                    continue  # pydicom cannot convert it (badVR.dcm: IS '1A')
                compared += 1
                if dcmread(path, force=True).to_json_dict(**kwargs) != expected:
                    differ.append(path.name)
    assert compared >= 2 * (len(_FILES) - 1)
    assert differ == []


def test_from_json_equals_pydicom_on_its_json_files():
    pydicom = pytest.importorskip("pydicom")
    root = writer_corpus.corpus_files()[0].parent
    for name in ("test1.json", "test_PN.json"):
        text = (root / name).read_text()
        assert Dataset.from_json(text).to_json_dict() == pydicom.Dataset.from_json(
            text
        ).to_json_dict()


def test_corpus_round_trips_through_json():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for path in _FILES:
            try:
                expected = dcmread(path, force=True).to_json_dict()
            except ValueError:
                continue
            back = Dataset.from_json(json.dumps(expected))
            assert back.to_json_dict() == expected, path.name


def test_module_functions_are_the_public_api():
    ds = _ds()
    assert dicom_json.to_json_dict(ds) == ds.to_json_dict()
    assert dicom_json.from_json(ds.to_json()).to_json_dict() == ds.to_json_dict()


# ---------------------------------------------------------------- strict Part 18 output


def test_strict_output_follows_part_18_where_pydicom_does_not():
    ds = Dataset()
    ds.add_new(0x00080000, "UL", 10)
    ds.ImageType = ["ORIGINAL", "", "AXIAL"]
    ds.PatientName = "=山田"
    ds.add_new(0x00081070, "PN", ["A^B", ""])
    ds.OtherPatientIDsSequence = Sequence()
    loose = ds.to_json_dict()
    assert "00080000" in loose
    assert loose["00080008"]["Value"] == ["ORIGINAL", "", "AXIAL"]
    assert loose["00100010"]["Value"] == [{"Alphabetic": "", "Ideographic": "山田"}]
    assert loose["00101002"] == {"vr": "SQ", "Value": []}
    strict = dicom_json.to_json_dict(ds, strict=True)
    assert "00080000" not in strict  # F.2.2: no group lengths
    assert strict["00080008"]["Value"] == ["ORIGINAL", None, "AXIAL"]  # F.2.5: null
    assert strict["00100010"]["Value"] == [{"Ideographic": "山田"}]  # non-empty groups only
    assert strict["00081070"]["Value"] == [{"Alphabetic": "A^B"}, None]
    assert strict["00101002"] == {"vr": "SQ"}  # F.2.5: empty value, no "Value"
    assert json.loads(dicom_json.to_json(ds, strict=True)) == strict


def test_strict_output_reads_back_to_the_same_values():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for path in _FILES:
            try:
                strict = dicom_json.to_json_dict(dcmread(path, force=True), strict=True)
            except ValueError:
                continue
            back = Dataset.from_json(json.dumps(strict))
            assert dicom_json.to_json_dict(back, strict=True) == strict, path.name


def test_from_json_refuses_absurd_nesting():
    data: dict = {}
    node = data
    for _ in range(300):
        inner: dict = {}
        node["00101002"] = {"vr": "SQ", "Value": [inner]}
        node = inner
    with pytest.raises(ValueError, match="nested"):
        Dataset.from_json(data)
