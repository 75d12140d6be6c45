"""Element value conversion: decode_value / encode_value / empty_value_for_VR / validate_value.

The differential tests convert every element of every file in pydicom's
test_files and charset_files with dcmcore and compare with pydicom's value
(string form and type), in the default, datetime-conversion and Decimal-DS modes,
then check that encode_value -> decode_value gives the value back.
"""

from __future__ import annotations

import datetime
import glob
import os
import struct
import warnings
from decimal import Decimal

import pytest

from dcmcore import config
from dcmcore.charset import convert_encodings
from dcmcore.converters import decode_value, empty_value_for_VR, encode_value, validate_value
from dcmcore.errors import BytesLengthException, DcmcoreWarning, InvalidValueError
from dcmcore.tag import BaseTag
from dcmcore.values import DA, DT, IS, TM, DSdecimal, DSfloat, MultiValue, PersonName

pydicom = pytest.importorskip("pydicom")
from pydicom import config as pconfig  # noqa: E402
from pydicom.charset import convert_encodings as p_convert_encodings  # noqa: E402
from pydicom.dataelem import RawDataElement  # noqa: E402
from pydicom.dataelem import empty_value_for_VR as p_empty_value_for_VR  # noqa: E402

DATA = os.path.join(os.path.dirname(pydicom.__file__), "data")
FILES = sorted(
    os.path.relpath(p, DATA)
    for p in glob.glob(os.path.join(DATA, "test_files", "**", "*"), recursive=True)
    + glob.glob(os.path.join(DATA, "charset_files", "*"))
    if os.path.isfile(p) and not p.endswith((".py", ".txt", ".json", ".gz", ".bz2"))
)


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def _text(value):
    if isinstance(value, (list, pydicom.multival.MultiValue, MultiValue)):
        return [_text(v) for v in value]
    return str(value)


_TYPE_ALIASES = {"list": "MultiValue"}


def _type_name(value):
    # pydicom returns a list for several binary numbers, dcmcore a MultiValue
    name = type(value).__name__
    return _TYPE_ALIASES.get(name, name)


def _types(value):
    if isinstance(value, (list, pydicom.multival.MultiValue, MultiValue)):
        return _type_name(value), [_type_name(v) for v in value]
    return _type_name(value)


def _walk(ds, encodings, out):
    charset = ds.get("SpecificCharacterSet")
    if charset is not None:
        encodings = convert_encodings(charset)
        assert encodings == p_convert_encodings(charset)
    for tag in list(ds._dict):
        raw = ds.get_item(tag)
        if not isinstance(raw, RawDataElement):
            continue
        try:
            elem = ds[tag]
        except Exception:  # pydicom can't convert it either
            continue
        if elem.VR == "SQ":
            for item in elem.value:
                _walk(item, encodings, out)
        elif raw.value is not None:
            out.append((tag, elem.VR, raw.value, raw.is_little_endian, elem.value, encodings))


def _elements(relpath):
    try:
        ds = pydicom.dcmread(os.path.join(DATA, relpath), force=True)
        out = []
        _walk(ds, convert_encodings(None), out)
    except Exception:
        pytest.skip("pydicom cannot read this file")
    return out


@pytest.fixture(params=["default", "datetime", "decimal"])
def mode(request):
    saved = (pconfig.datetime_conversion, pconfig.use_DS_decimal)
    if request.param == "datetime":
        pconfig.datetime_conversion = True
        overrides = {"datetime_conversion": True}
    elif request.param == "decimal":
        pconfig.DS_decimal(True)
        overrides = {"use_DS_decimal": True}
    else:
        overrides = {}
    with config.override(**overrides):
        yield request.param
    pconfig.datetime_conversion = saved[0]
    pconfig.DS_decimal(saved[1])


@pytest.mark.parametrize("relpath", FILES)
def test_decode_value_agrees_with_pydicom_and_round_trips(relpath, mode):
    mismatches, round_trip = [], []
    for tag, vr, raw, little, theirs, encodings in _elements(relpath):
        mine = decode_value(vr, raw, little_endian=little, encodings=encodings, tag=tag)
        if _text(mine) != _text(theirs) or _types(mine) != _types(theirs):
            mismatches.append((tag, vr, theirs, mine))
        encoded = encode_value(vr, mine, little_endian=little, encodings=encodings)
        assert len(encoded) % 2 == 0
        back = decode_value(vr, encoded, little_endian=little, encodings=encodings)
        if isinstance(mine, bytes):
            same = back.rstrip(b"\x00") == mine.rstrip(b"\x00")
        else:
            same = _text(back) == _text(mine)
        if not same:
            round_trip.append((tag, vr, mine, back))
    assert not mismatches
    assert not round_trip


def test_charset_file_pn_bytes_are_kept_exactly():
    ds = pydicom.dcmread(os.path.join(DATA, "charset_files", "chrH32.dcm"))
    raw = ds.get_item(0x00100010).value
    encodings = convert_encodings(ds.SpecificCharacterSet)
    name = decode_value("PN", raw, little_endian=True, encodings=encodings)
    assert str(name) == "ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう"
    assert name.encode() == raw.rstrip(b" ")
    assert encode_value("PN", name, little_endian=True, encodings=encodings) == raw


# ---------------------------------------------------------------------------
# per VR


@pytest.mark.parametrize(
    "vr, raw, expected, kind",
    [
        ("AE", b" STORESCP ", "STORESCP", str),
        ("AE", b" A \\ B ", ["A", "B"], MultiValue),
        ("CS", b"ORIGINAL\\PRIMARY ", ["ORIGINAL", "PRIMARY"], MultiValue),
        ("CS", b" M ", " M", str),
        ("AS", b"030Y", "030Y", str),
        ("UI", b"1.2.840.10008.1.2\x00", "1.2.840.10008.1.2", str),
        ("UR", b"http://x/y ", "http://x/y", str),
        ("LO", b" lead\\trail  ", [" lead", "trail"], MultiValue),
        ("SH", b"abc\x00", "abc", str),
        ("LT", b"a\\b\r\n ", "a\\b\r\n", str),
        ("UT", b"text  ", "text", str),
        ("DA", b"20240102", "20240102", str),
        ("TM", b"1010 ", "1010", str),
        ("DT", b"2024\\2025", ["2024", "2025"], MultiValue),
        ("DS", b" 1.50 ", "1.50", DSfloat),
        ("DS", b"1\\2.5 ", ["1", "2.5"], MultiValue),
        ("IS", b" 12 ", "12", IS),
        ("IS", b"1\\-2", ["1", "-2"], MultiValue),
        ("PN", b"Doe^John ", "Doe^John", PersonName),
        ("PN", b"A^B\\C^D ", ["A^B", "C^D"], MultiValue),
        ("US", b"\x01\x02", str(0x0201), int),
        ("SS", b"\xff\xff", "-1", int),
        ("UL", b"\x01\x00\x00\x00\x02\x00\x00\x00", ["1", "2"], MultiValue),
        ("SL", b"\xfe\xff\xff\xff", "-2", int),
        ("UV", b"\x01" + b"\x00" * 7, "1", int),
        ("SV", b"\xff" * 8, "-1", int),
        ("FL", struct.pack("<f", 1.5), "1.5", float),
        ("FD", struct.pack("<2d", 1.5, -2.0), ["1.5", "-2.0"], MultiValue),
        ("AT", b"\x10\x00\x10\x00", "(0010,0010)", BaseTag),
        ("OB", b"\x00\x01", str(b"\x00\x01"), bytes),
        ("OW", b"\x00\x01", str(b"\x00\x01"), bytes),
        ("UN", b"\x00\x01\x02", str(b"\x00\x01\x02"), bytes),
        ("US or SS", b"\x00\x01", str(b"\x00\x01"), bytes),
    ],
)
def test_decode_value_per_vr(vr, raw, expected, kind):
    value = decode_value(vr, raw, little_endian=True, encodings=None)
    assert isinstance(value, kind)
    assert _text(value) == expected


def test_big_endian_numbers_and_tags():
    assert decode_value("US", b"\x01\x02", little_endian=False, encodings=None) == 0x0102
    assert decode_value("AT", b"\x00\x10\x00\x20", little_endian=False, encodings=None) == (
        0x00100020
    )
    assert encode_value("UL", [1, 2], little_endian=False, encodings=None) == (
        b"\x00\x00\x00\x01\x00\x00\x00\x02"
    )


def test_long_numeric_values_use_the_fast_path_and_agree():
    data = struct.pack("<2000H", *range(2000))
    value = decode_value("US", data, little_endian=True, encodings=None)
    assert isinstance(value, MultiValue) and list(value) == list(range(2000))
    assert all(type(v) is int for v in value)
    big = decode_value("FD", struct.pack(">600d", *range(600)), little_endian=False,
                       encodings=None)
    assert list(big) == [float(i) for i in range(600)] and type(big[0]) is float


def test_datetime_conversion_returns_datetime_types():
    with config.override(datetime_conversion=True):
        assert type(decode_value("DA", b"20240102", little_endian=True, encodings=None)) is DA
        assert type(decode_value("DT", b"2024 ", little_endian=True, encodings=None)) is DT
        value = decode_value("TM", b"1010\\1111", little_endian=True, encodings=None)
        assert [type(v) for v in value] == [TM, TM]


def test_use_ds_decimal_returns_dsdecimal():
    with config.override(use_DS_decimal=True):
        assert type(decode_value("DS", b"1.5 ", little_endian=True, encodings=None)) is DSdecimal


def test_uid_values_use_dcmcore_uid_when_available():
    value = decode_value("UI", b"1.2.3\x00", little_endian=True, encodings=None)
    try:
        from dcmcore.uid import UID
    except ImportError:
        assert type(value) is str
    else:
        assert isinstance(value, UID)


# ---------------------------------------------------------------------------
# malformed values


@pytest.mark.parametrize("vr, raw", [("DA", b"2024-1-2"), ("TM", b"99"), ("DT", b"x2024")])
def test_malformed_datetime_warns_with_tag_and_keeps_string(vr, raw):
    with config.override(datetime_conversion=True), warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(DcmcoreWarning, match=r"\(0008,0020\)"):
            decode_value(vr, raw, little_endian=True, encodings=None, tag=0x00080020)
    with config.override(datetime_conversion=True):
        value = decode_value(vr, raw, little_endian=True, encodings=None, tag=0x00080020)
        assert value == raw.decode()
        with config.override(reading_validation_mode=config.RAISE):
            with pytest.raises(InvalidValueError, match=r"\(0008,0020\)"):
                decode_value(vr, raw, little_endian=True, encodings=None, tag=0x00080020)


@pytest.mark.parametrize("vr, raw", [("IS", b"12a"), ("DS", b"1,5"), ("IS", b"1\\x\\3"),
                                     ("DS", b"nan?")])
def test_malformed_numbers_in_strings_never_crash_in_lenient_mode(vr, raw):
    with pytest.warns(DcmcoreWarning, match=r"\(0018,0050\)"):
        value = decode_value(vr, raw, little_endian=True, encodings=None, tag=0x00180050)
    assert _text(value) == _text(raw.decode().split("\\") if b"\\" in raw else raw.decode())
    with config.override(reading_validation_mode=config.RAISE):
        with pytest.raises(InvalidValueError):
            decode_value(vr, raw, little_endian=True, encodings=None, tag=0x00180050)


def test_overlong_ds_raises_in_raise_mode_naming_the_tag():
    with config.override(reading_validation_mode=config.RAISE):
        with pytest.raises(InvalidValueError, match=r"\(0018,0050\)"):
            decode_value("DS", b"1.23456789012345678", little_endian=True, encodings=None,
                         tag=0x00180050)


@pytest.mark.parametrize("vr, raw, expected", [("US", b"\x01\x00\x02", 1),
                                               ("FL", b"\x00\x00\xc0\x3f\x01", 1.5),
                                               ("AT", b"\x10\x00\x10\x00\x01", 0x00100010)])
def test_byte_length_not_multiple_of_item_size(vr, raw, expected):
    with pytest.warns(DcmcoreWarning, match=r"\(0028,0010\)"):
        assert decode_value(vr, raw, little_endian=True, encodings=None, tag=0x00280010) == (
            expected
        )
    with config.override(reading_validation_mode=config.RAISE):
        with pytest.raises(BytesLengthException, match=r"\(0028,0010\)"):
            decode_value(vr, raw, little_endian=True, encodings=None, tag=0x00280010)


def test_too_short_numeric_value_is_empty():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert decode_value("UL", b"\x01", little_endian=True, encodings=None) is None


def test_overlong_text_warns_on_read():
    with pytest.warns(DcmcoreWarning, match="exceeds"):
        assert decode_value("SH", b"x" * 20, little_endian=True, encodings=None) == "x" * 20


def test_sq_and_unknown_vr_are_rejected():
    with pytest.raises(ValueError, match="SQ"):
        decode_value("SQ", b"\x00\x00", little_endian=True, encodings=None)
    with pytest.raises(ValueError, match="XX"):
        decode_value("XX", b"\x00\x00", little_endian=True, encodings=None)


# ---------------------------------------------------------------------------
# empty values


@pytest.mark.parametrize(
    "vr",
    ["AE", "AS", "AT", "CS", "DA", "DS", "DT", "FD", "FL", "IS", "LO", "LT", "OB", "OD", "OF",
     "OL", "OV", "OW", "PN", "SH", "SL", "SQ", "SS", "ST", "SV", "TM", "UC", "UI", "UL", "UN",
     "UR", "US", "UT", "UV"],
)
def test_empty_value_for_vr_matches_pydicom(vr):
    for raw in (False, True):
        mine, theirs = empty_value_for_VR(vr, raw), p_empty_value_for_VR(vr, raw)
        assert type(mine).__name__ == type(theirs).__name__ and mine == theirs
    if vr != "SQ":
        assert decode_value(vr, b"", little_endian=True, encodings=None) == (
            p_empty_value_for_VR(vr)
        )


# ---------------------------------------------------------------------------
# encoding


@pytest.mark.parametrize(
    "vr, value, expected",
    [
        ("CS", "M", b"M "),
        ("CS", ["A", "B"], b"A\\B "),
        ("UI", "1.2.3", b"1.2.3\x00"),
        ("UI", ["1.2", "1.3"], b"1.2\\1.3\x00"),
        ("OB", b"\x01", b"\x01\x00"),
        ("LT", "a\\b", b"a\\b "),
        ("DS", DSfloat(" 1.50"), b"1.50"),
        ("DS", 1 / 3, b"0.33333333333333"),
        ("DS", Decimal("1.5"), b"1.5 "),
        ("IS", [1, IS(" 2 ")], b"1\\2 "),
        ("DA", datetime.date(2024, 1, 2), b"20240102"),
        ("TM", datetime.time(10, 10), b"101000"),
        ("DT", DT("2024+0100"), b"2024+0100 "),
        ("PN", "Doe^John", b"Doe^John"),
        ("PN", ["A", "B"], b"A\\B "),
        ("LO", "Jérôme", b"J\xe9r\xf4me"),
        ("US", [1, 2], b"\x01\x00\x02\x00"),
        ("US", 1, b"\x01\x00"),
        ("FL", 1.5, struct.pack("<f", 1.5)),
        ("AT", 0x00100020, b"\x10\x00\x20\x00"),
        ("AT", [(0x10, 0x20), "PatientName"], None),
        ("US", None, b""),
        ("US", "", b""),
        ("SH", "", b""),
    ],
)
def test_encode_value(vr, value, expected):
    if vr == "AT" and isinstance(value, list):
        expected = b"\x10\x00\x20\x00\x10\x00\x10\x00"
    assert encode_value(vr, value, little_endian=True, encodings=["latin_1"]) == expected


def test_encode_value_uses_code_extensions_for_charset_vrs():
    encodings = ["iso8859", "iso2022_jp"]
    assert encode_value("SH", "山田", little_endian=True, encodings=encodings) == (
        b"\x1b$B;3ED\x1b(B"
    )
    name = PersonName("Yamada^Tarou=山田^太郎")
    assert encode_value("PN", name, little_endian=True, encodings=encodings) == (
        b"Yamada^Tarou=\x1b$B;3ED\x1b(B^\x1b$BB@O:\x1b(B"
    )


def test_encode_non_ascii_in_default_repertoire_vr_follows_writing_mode():
    with config.override(writing_validation_mode=config.RAISE):
        with pytest.raises(InvalidValueError):
            encode_value("CS", "Δ", little_endian=True, encodings=None)
    with config.override(writing_validation_mode=config.WARN):
        with pytest.warns(DcmcoreWarning):
            assert encode_value("CS", "Δ", little_endian=True, encodings=None) == b"? "


# ---------------------------------------------------------------------------
# validate_value


def test_validate_value_modes_and_lists():
    validate_value("US", [1, 70000], config.IGNORE)
    with pytest.warns(DcmcoreWarning):
        validate_value("US", [1, 70000], config.WARN)
    with pytest.raises(InvalidValueError):
        validate_value("US", [1, 70000], config.RAISE)
    with pytest.raises(InvalidValueError):
        validate_value("CS", "lower", config.RAISE)
    validate_value("CS", ["A", "B"], config.RAISE)
    validate_value("OB", b"\x00", config.RAISE)
    with config.override(writing_validation_mode=config.RAISE):
        with pytest.raises(InvalidValueError):
            validate_value("AE", "x" * 17, None)


# ---------------------------------------------------------------------------
# robustness

_VRS = ["AE", "AS", "AT", "CS", "DA", "DS", "DT", "FD", "FL", "IS", "LO", "LT", "OB", "OD",
        "OF", "OL", "OV", "OW", "PN", "SH", "SL", "SS", "ST", "SV", "TM", "UC", "UI", "UL",
        "UN", "UR", "US", "UT", "UV"]
_ENCODINGS = [["iso8859"], ["iso8859", "iso2022_jp"], ["shift_jis", "iso2022_jp", "iso2022_jp_2"],
              ["iso8859", "euc_kr"], ["UTF8"], ["latin_1", "iso_ir_126"], ["iso8859", "iso_ir_58"],
              ["GB18030"]]
_ALPHABET = b"0123456789.+-eE \\^=\x1b$()BJDCAI-FG\x00\xff\x80\xa1\xb1:"


def _fuzz_cases(seed, count):
    import random

    rng = random.Random(seed)
    for _ in range(count):
        raw = bytes(rng.choice(_ALPHABET) for _ in range(rng.randint(1, 24)))
        yield rng.choice(_VRS), raw, rng.choice(_ENCODINGS)


def _touch(value):
    str(value), repr(value)
    items = value if isinstance(value, MultiValue) else [value]
    for item in items:
        if isinstance(item, PersonName):
            assert isinstance(item.components, tuple)


@pytest.mark.parametrize("datetime_conversion", [False, True])
def test_random_bytes_never_crash_in_lenient_mode(datetime_conversion):
    with config.override(datetime_conversion=datetime_conversion):
        for vr, raw, encodings in _fuzz_cases(5, 3000):
            value = decode_value(vr, raw, little_endian=True, encodings=encodings, tag=0x10)
            _touch(value)


def test_random_bytes_raise_only_dcmcore_errors_in_strict_mode():
    from dcmcore.errors import DcmcoreError

    with config.override(reading_validation_mode=config.RAISE, strict_charset=True,
                         datetime_conversion=True):
        for vr, raw, encodings in _fuzz_cases(7, 3000):
            try:
                _touch(decode_value(vr, raw, little_endian=True, encodings=encodings, tag=0x10))
            except DcmcoreError:
                pass


def test_buffer_types_are_accepted():
    assert decode_value("US", memoryview(b"\x01\x00"), little_endian=True, encodings=None) == 1
    assert decode_value("CS", bytearray(b"AB"), little_endian=True, encodings=None) == "AB"


def test_global_settings_are_read_at_use_time():
    try:
        config.settings.use_DS_decimal = True
        assert type(decode_value("DS", b"1.5", little_endian=True, encodings=None)) is DSdecimal
    finally:
        config.settings.use_DS_decimal = False
    assert type(decode_value("DS", b"1.5", little_endian=True, encodings=None)) is DSfloat


def test_multi_valued_pn_keeps_the_bytes_of_each_value():
    raw = b"\x1b$)C\xb1\xe8\xc8\xf1\xc1\xdf\x1b(B\\\x1b$)C\xb1\xe8\xc8\xf1\xc1\xdf\x1b(B "
    encodings = ["iso8859", "euc_kr"]
    value = decode_value("PN", raw, little_endian=True, encodings=encodings)
    assert [str(v) for v in value] == ["김희중", "김희중"]
    assert encode_value("PN", value, little_endian=True, encodings=encodings) == raw


def test_pn_bytes_of_delimiters_inside_jis_characters_are_not_delimiters():
    # '予' is 0x4D 0x3D ('M=') and '俑' 0x50 0x5C ('P\\') in JIS X 0208
    encodings = ["iso8859", "iso2022_jp"]
    raw = b"A^B=\x1b$BM=P\\\x1b(B\\C "
    value = decode_value("PN", raw, little_endian=True, encodings=encodings)
    assert [str(v) for v in value] == ["A^B=予俑", "C"]
    assert value[0].ideographic == "予俑"
    single = decode_value("PN", b"\x1b$BM=P\\\x1b(B", little_endian=True, encodings=encodings)
    assert str(single) == "予俑"


@pytest.mark.parametrize("vr, value", [("US", 70000), ("US", -1), ("SS", [1, 40000]),
                                       ("FL", "x"), ("UL", 1.5)])
def test_encoding_numbers_out_of_range_raises_invalid_value_error(vr, value):
    with pytest.raises(InvalidValueError, match=vr):
        encode_value(vr, value, little_endian=True, encodings=None)


@pytest.mark.parametrize("vr", ["FL", "FD", "SL", "SS", "SV", "UL", "US", "UV"])
@pytest.mark.parametrize("little_endian", [True, False])
@pytest.mark.parametrize("count", [3, 600, 601])
def test_long_binary_number_values_decode_with_the_vr_size(vr, little_endian, count):
    """Long values take a numpy path: its item size must be the VR's, not C long's."""
    import struct

    fmt = {"FL": "f", "FD": "d", "SL": "l", "SS": "h", "SV": "q", "UL": "L", "US": "H",
           "UV": "Q"}[vr]
    values = list(range(count))
    raw = struct.pack(("<" if little_endian else ">") + f"{count}{fmt}", *values)
    decoded = decode_value(vr, raw, little_endian=little_endian, encodings=None)
    assert list(decoded) == values
    assert encode_value(vr, decoded, little_endian=little_endian, encodings=None) == raw


def test_unencodable_long_value_error_message_is_bounded():
    from dcmcore.errors import InvalidValueError

    with pytest.raises(InvalidValueError, match="as VR US") as info:
        encode_value("US", [*range(200_000), -1], little_endian=True, encodings=None)
    assert len(str(info.value)) < 500
