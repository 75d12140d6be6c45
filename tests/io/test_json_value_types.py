"""DICOM JSON values of the wrong type for their VR: every one raises a dcmcore error
naming the tag and the VR, or warns naming them and converts predictably; malformed
``InlineBinary`` raises naming the tag."""

from __future__ import annotations

import warnings

import pytest

from dcmcore.dataset import Dataset
from dcmcore.errors import DcmcoreError, DcmcoreWarning

TEXT = ["AE", "AS", "CS", "DA", "DT", "LO", "LT", "SH", "ST", "TM", "UC", "UI", "UR", "UT"]
INTEGER = ["IS", "SL", "SS", "SV", "UL", "US", "UV"]
FLOAT = ["DS", "FD", "FL"]
BINARY = ["OB", "OD", "OF", "OL", "OV", "OW", "UN"]
WRONG = {
    "object": {"a": 1}, "true": True, "false": False, "array": [1, 2], "null array": [None],
    "float": 1.5, "int": 7, "string": "abc", "numeric string": "12", "huge int": 2**70,
    "negative": -1, "integral float": 1.0,
}


def _wrong_for(vr: str) -> list[str]:
    if vr in TEXT:
        return ["object", "true", "false", "array", "null array", "float", "int"]
    if vr in INTEGER:
        return ["object", "true", "array", "string", "numeric string", "huge int", "float",
                "integral float"] + (["negative"] if vr in ("UL", "US", "UV") else [])
    if vr in FLOAT:
        return ["object", "true", "array", "string", "numeric string"]
    return ["object", "true", "array", "string", "int"]  # binary, PN, AT, SQ


#: What a value converted with a warning must become.
_CONVERTED = {"float": "1.5", "int": "7", "numeric string": 12, "integral float": 1}

PAIRS = [(vr, kind) for vr in TEXT + INTEGER + FLOAT + BINARY + ["PN", "AT", "SQ"]
         for kind in _wrong_for(vr)]


def test_the_matrix_covers_every_vr_with_many_wrong_types() -> None:
    assert len(PAIRS) > 180


@pytest.mark.parametrize(("vr", "kind"), PAIRS)
def test_wrongly_typed_value_raises_or_warns_naming_tag_and_vr(vr, kind) -> None:
    data = {"00091010": {"vr": vr, "Value": [WRONG[kind]]}}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            ds = Dataset.from_json(data)
            value = ds[0x00091010].value
        except DcmcoreError as exc:
            assert "(0009,1010)" in str(exc) and f"VR {vr}" in str(exc), str(exc)
            return
        except Exception as exc:  # noqa: BLE001 - the failure this test is about
            pytest.fail(f"{type(exc).__name__} outside dcmcore's errors: {exc}")
    if vr in ("SV", "UV") and kind == "numeric string":  # strings allowed (F.2.3.1)
        assert value == 12
        return
    ours = [w for w in caught if issubclass(w.category, DcmcoreWarning)]
    assert ours, f"accepted silently: {value!r}"
    assert any("(0009,1010)" in str(w.message) and f"VR {vr}" in str(w.message)
               for w in ours), [str(w.message) for w in ours]
    if vr == "PN":  # a string is taken as the name; unknown component groups dropped
        assert value == {"string": "abc", "object": ""}[kind]
    elif vr == "AT":  # hex digits read as a tag, with a warning
        assert value == 0xABC
    else:
        assert value == _CONVERTED[kind]


@pytest.mark.parametrize("vr", ["US", "UL", "SS", "SL", "IS"])
def test_out_of_range_integers_raise_instead_of_overflowing(vr) -> None:
    with pytest.raises(DcmcoreError, match=r"\(0028,0010\).*outside the range"):
        Dataset.from_json({"00280010": {"vr": vr, "Value": [2**40]}})


def test_right_types_read_without_warnings() -> None:
    data = {
        "00100010": {"vr": "PN", "Value": [{"Alphabetic": "Doe^John"}]},
        "00100020": {"vr": "LO", "Value": ["12", None]},
        "00280010": {"vr": "US", "Value": [512]},
        "00181050": {"vr": "DS", "Value": [0.5]},
        "00209165": {"vr": "AT", "Value": ["00100010"]},
        "00091010": {"vr": "OB", "InlineBinary": "AAEC"},
        "00091011": {"vr": "UV", "Value": ["18446744073709551615"]},
    }
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ds = Dataset.from_json(data)
    assert ds.Rows == 512 and ds[0x00091010].value == b"\0\1\2"
    assert ds[0x00091011].value == 2**64 - 1


def test_person_name_component_that_is_not_a_string_raises() -> None:
    with pytest.raises(DcmcoreError, match=r"\(0010,0010\) with VR PN.*Alphabetic"):
        Dataset.from_json({"00100010": {"vr": "PN", "Value": [{"Alphabetic": 1}]}})


@pytest.mark.parametrize("text", ["AAE!", "AAE", "A" * 5, "%%%%", "AA=A", "ÀÀÀÀ"])
def test_malformed_inline_binary_raises_naming_the_tag(text) -> None:
    with pytest.raises(DcmcoreError, match=r"\(0009,1010\).*InlineBinary"):
        Dataset.from_json({"00091010": {"vr": "OB", "InlineBinary": text}})


def test_large_inline_binary_of_invalid_characters_raises_not_empty_bytes() -> None:
    text = "*" * (16 << 20)
    with pytest.raises(DcmcoreError, match=r"\(0009,1010\).*not valid base64.*'\*'"):
        Dataset.from_json({"00091010": {"vr": "OB", "InlineBinary": text}})


def test_inline_binary_with_line_breaks_reads() -> None:
    ds = Dataset.from_json({"00091010": {"vr": "OB", "InlineBinary": "AA\r\nEC"}})
    assert ds[0x00091010].value == b"\0\1\2"


def test_value_that_is_not_an_array_raises_a_dcmcore_type_error() -> None:
    with pytest.raises(DcmcoreError, match=r"\(0010,0020\) with VR LO") as info:
        Dataset.from_json({"00100020": {"vr": "LO", "Value": "12"}})
    assert isinstance(info.value, TypeError)
