"""Value types: PersonName, DS, IS, DA/DT/TM, MultiValue, validators.

Many tests compare with pydicom's valuerep (test-only reference) on the same inputs.
"""

from __future__ import annotations

import copy
import datetime
import functools
import math
import pickle
import random
import warnings
from decimal import Decimal

import pytest

from dcmcore import config
from dcmcore import validators as dv
from dcmcore.errors import DcmcoreWarning, InvalidValueError
from dcmcore.values import (
    DA,
    DS,
    DT,
    IS,
    TM,
    DSdecimal,
    DSfloat,
    ISfloat,
    MultiValue,
    PersonName,
    format_number_as_ds,
    is_valid_ds,
)

pydicom = pytest.importorskip("pydicom")
from pydicom import valuerep as pv  # noqa: E402


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


# ---------------------------------------------------------------------------
# format_number_as_ds


def _floats():
    rng = random.Random(1234)
    values = [0.0, -0.0, 1.0, -1.0, 1 / 3, -1 / 3, math.pi, 1e-5, 1e14, -1e13, 1.5e300, 5e-324]
    for _ in range(2000):
        values.append(rng.uniform(-1, 1) * 10 ** rng.randint(-30, 30))
    return values


def test_format_number_as_ds_agrees_with_pydicom_on_2000_floats():
    for val in _floats():
        mine = format_number_as_ds(val)
        assert mine == pv.format_number_as_ds(val), val
        assert len(mine) <= 16 and is_valid_ds(mine), mine


def test_format_number_as_ds_accepts_decimal_and_rejects_others():
    assert format_number_as_ds(Decimal("1.2345678901234567890")) == pv.format_number_as_ds(
        Decimal("1.2345678901234567890")
    )
    with pytest.raises(TypeError):
        format_number_as_ds(1)
    for bad in (math.nan, math.inf, -math.inf):
        with pytest.raises(ValueError):
            format_number_as_ds(bad)


# ---------------------------------------------------------------------------
# DS

DS_STRINGS = ["1", " 1.5 ", "1.50", "-0.0", "1e3", "+12.", ".5", "1234567890123456", "3.14159"]


@pytest.mark.parametrize("text", DS_STRINGS)
def test_dsfloat_from_string_matches_pydicom(text):
    mine, theirs = DSfloat(text, validation_mode=config.IGNORE), pv.DSfloat(text, False, 0)
    assert float(mine) == float(theirs)
    assert str(mine) == str(theirs) and repr(mine) == repr(theirs)
    assert mine.original_string == theirs.original_string
    assert mine == text.strip()  # equal to its string


@pytest.mark.parametrize("text", DS_STRINGS)
def test_dsdecimal_from_string_matches_pydicom(text):
    mine, theirs = DSdecimal(text, validation_mode=config.IGNORE), pv.DSdecimal(text, False, 0)
    assert Decimal(mine) == Decimal(theirs)
    assert str(mine) == str(theirs) and repr(mine) == repr(theirs)


@pytest.mark.parametrize("number", [1.5, 1 / 3, 1e-20, 123456789.123456789, -2.0])
def test_dsfloat_from_float_with_and_without_auto_format_matches_pydicom(number):
    for auto in (False, True):
        mine, theirs = DSfloat(number, auto, config.IGNORE), pv.DSfloat(number, auto, 0)
        assert str(mine) == str(theirs) and repr(mine) == repr(theirs)


def test_dsfloat_auto_format_default_follows_config_for_numbers_only():
    with config.override(auto_format_DS=True):
        assert str(DSfloat(1 / 3, validation_mode=config.IGNORE)) == "0.33333333333333"
        assert str(DSfloat("0.3333333333333333", validation_mode=config.IGNORE)) == (
            "0.3333333333333333"
        )
    with config.override(auto_format_DS=False):
        assert str(DSfloat(1 / 3, validation_mode=config.IGNORE)) == "0.3333333333333333"


def test_dsfloat_blank_and_none():
    assert DSfloat("  ") == "  " and DSfloat(None) is None
    assert DS("") == "" and DS(None) is None


def test_dsfloat_raise_mode_rejects_overlong_and_non_finite():
    with pytest.raises(OverflowError):
        DSfloat("1.23456789012345678", validation_mode=config.RAISE)
    with pytest.raises(InvalidValueError):
        DSfloat(math.nan, auto_format=False, validation_mode=config.RAISE)
    with pytest.raises(ValueError):
        DSfloat("inf", validation_mode=config.RAISE)
    assert str(DSfloat("1.23456789012345678", auto_format=True, validation_mode=config.RAISE)) == (
        "1.23456789012346"
    )


def test_dsdecimal_warns_in_warn_mode_and_raises_in_raise_mode():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(DcmcoreWarning):
            DSdecimal("1.23456789012345678", validation_mode=config.WARN)
    with pytest.raises(OverflowError):
        DSdecimal("1.23456789012345678", validation_mode=config.RAISE)
    with pytest.raises(TypeError):
        DSdecimal(1.5)


def test_ds_factory_follows_use_DS_decimal():
    assert type(DS("1.5")) is DSfloat
    with config.override(use_DS_decimal=True):
        assert type(DS("1.5")) is DSdecimal


def test_ds_hash_and_equality():
    assert hash(DSfloat("1.5")) == hash(1.5)
    assert DSfloat("1.50") == 1.5 and DSfloat("1.50") == "1.50" and DSfloat("1.50") != "1.5"
    assert hash(DSdecimal("1.5")) == hash(Decimal("1.5"))


def test_ds_and_is_pickle_and_copy_keep_original_string():
    for value in (DSfloat(" 1.50"), DSdecimal("1.50"), IS(" 12 "), IS("1.5")):
        for clone in (pickle.loads(pickle.dumps(value)), copy.deepcopy(value)):
            assert clone == value and str(clone) == str(value) and type(clone) is type(value)


# ---------------------------------------------------------------------------
# IS

IS_INPUTS = ["12", "  12 ", "-5", "+7", "1.0", "1.5", "007", "2147483647", 12, 3.0, 2.5,
             Decimal("4"), Decimal("4.5")]


@pytest.mark.parametrize("value", IS_INPUTS, ids=repr)
def test_is_matches_pydicom(value):
    mine, theirs = IS(value, config.IGNORE), pv.IS(value, 0)
    assert type(mine).__name__ == type(theirs).__name__
    assert mine == theirs
    assert str(mine) == str(theirs) and repr(mine) == repr(theirs)
    assert getattr(mine, "original_string", None) == getattr(theirs, "original_string", None)


def test_is_blank_none_and_invalid():
    assert IS("  ") == "  " and IS(None) is None
    with pytest.raises(ValueError):
        IS("abc", config.IGNORE)
    with pytest.raises(InvalidValueError):
        IS("1.5", config.RAISE)  # the string fails the IS check
    with pytest.raises(TypeError):
        IS(1.5, config.RAISE)  # a non-integer number, as pydicom
    with pytest.raises(OverflowError):
        IS("4294967296", config.RAISE)
    assert isinstance(IS("1.5", config.IGNORE), ISfloat)


def test_is_equality_with_strings_uses_original():
    assert IS(" 12 ") == "12" and IS(" 12 ") == 12 and hash(IS("12")) == hash(12)


# ---------------------------------------------------------------------------
# DA / DT / TM

DA_STRINGS = ["20240102", "19991231", "2024.01.02", "20240230", "2024", "20241", "abcdefgh"]
DT_STRINGS = [
    "2024", "202401", "20240102", "2024010203", "202401020304", "20240102030405",
    "20240102030405.1", "20240102030405.123456", "20240102030405.5+0100",
    "20240102030405-0530", "2024+0100", "20240102030460", "x2024", "20241302",
    "20240102030405.1234567",
]
TM_STRINGS = ["10", "1010", "101010", "101010.1", "101010.123456", "235960", "24", "1060", "10:10"]


def _compare_datetime(mine_cls, their_cls, text):
    try:
        theirs = their_cls(text)
    except ValueError:
        with pytest.raises(ValueError):
            mine_cls(text)
        return
    mine = mine_cls(text)
    assert mine == theirs
    assert str(mine) == str(theirs) and repr(mine) == repr(theirs)
    if hasattr(theirs, "tzinfo"):
        assert mine.tzinfo == theirs.tzinfo


@pytest.mark.parametrize("text", DA_STRINGS)
def test_da_matches_pydicom(text):
    _compare_datetime(DA, pv.DA, text)


@pytest.mark.parametrize("text", DT_STRINGS)
def test_dt_matches_pydicom(text):
    _compare_datetime(DT, pv.DT, text)


@pytest.mark.parametrize("text", TM_STRINGS)
def test_tm_matches_pydicom(text):
    _compare_datetime(TM, pv.TM, text)


def test_datetime_values_from_datetime_objects_get_dicom_strings():
    assert str(DA(datetime.date(2024, 1, 2))) == "20240102"
    tz = datetime.timezone(datetime.timedelta(hours=-5, minutes=-30))
    assert str(DT(datetime.datetime(2024, 1, 2, 3, 4, 5, 600, tzinfo=tz))) == (
        "20240102030405.000600-0530"
    )
    assert str(TM(datetime.time(1, 2, 3))) == "010203"
    assert DA("") is None and DT(None) is None and TM("  ") is None


def test_partial_values_and_time_zone():
    assert DT("2024") == datetime.datetime(2024, 1, 1)
    assert TM("1010") == datetime.time(10, 10)
    dt = DT("20240102030405.25+0100")
    assert dt.microsecond == 250000 and dt.utcoffset() == datetime.timedelta(hours=1)


def test_leap_second_becomes_59_with_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(DcmcoreWarning):
            TM("235960")


def test_datetime_values_pickle_with_original_string():
    for value in (DA("20240102"), DT("2024010203+0100"), TM("1010")):
        clone = pickle.loads(pickle.dumps(value))
        assert clone == value and str(clone) == str(value) and type(clone) is type(value)


# ---------------------------------------------------------------------------
# PersonName

PN_BYTES = [
    (b"Yamada^Tarou=\x1b$B;3ED\x1b(B^\x1b$BB@O:\x1b(B=\x1b$B$d$^$@\x1b(B^\x1b$B$?$m$&\x1b(B",
     ["iso8859", "iso2022_jp"]),
    (b"Hong^Gildong=\x1b$)C\xfb\xf3^\x1b$)C\xd1\xce\xd4\xd7=\x1b$)C\xc8\xab^\x1b$)C\xb1\xe6\xb5\xbf",
     ["iso8859", "euc_kr"]),
    (b"Buc^J\xe9r\xf4me", ["latin_1"]),
    (b"Adams^John Robert Quincy^^Rev.^B.A. M.Div.", ["iso8859"]),
    (b"Wang^XiaoDong=\xe7\x8e\x8b^\xe5\xb0\x8f\xe6\x9d\xb1=", ["UTF8"]),
    (b"=Family", ["iso8859"]),
    (b"", ["iso8859"]),
]
PN_ATTRS = ["components", "family_name", "given_name", "middle_name", "name_prefix",
            "name_suffix", "alphabetic", "ideographic", "phonetic"]


@pytest.mark.parametrize("raw, encodings", PN_BYTES)
def test_person_name_from_bytes_matches_pydicom(raw, encodings):
    mine, theirs = PersonName(raw, encodings), pv.PersonName(raw, encodings)
    for attr in PN_ATTRS:
        assert getattr(mine, attr) == getattr(theirs, attr), attr
    assert str(mine) == str(theirs) and repr(mine) == repr(theirs)
    assert bool(mine) == bool(theirs) and len(mine) == len(theirs)
    assert hash(mine) == hash(theirs)
    assert mine.encode() == raw == theirs.encode()
    assert mine.formatted("%(family_name)s, %(given_name)s") == theirs.formatted(
        "%(family_name)s, %(given_name)s"
    )
    assert mine.family_comma_given() == theirs.family_comma_given()


def test_person_name_from_str_encodes_with_given_encodings():
    name = PersonName("Yamada^Tarou=山田^太郎", ["iso8859", "iso2022_jp"])
    assert name.original_string is None
    assert name.encode() == b"Yamada^Tarou=\x1b$B;3ED\x1b(B^\x1b$BB@O:\x1b(B"
    assert name.original_string == name.encode()
    assert name.encode(["UTF8"]) == "Yamada^Tarou=山田^太郎".encode()
    assert name.decode(["UTF8"]) is not name


def test_person_name_equality_and_hash():
    name = PersonName("Doe^John")
    assert name == "Doe^John" and "Doe^John" == name and name != "Doe^Jane"
    assert name == PersonName(b"Doe^John") and hash(name) == hash(PersonName(b"Doe^John"))
    assert {name: 1}[PersonName("Doe^John")] == 1
    assert "John" in name and list(name)[:3] == ["D", "o", "e"]
    assert PersonName(None) is None
    assert not PersonName("") and PersonName("=x")


def test_person_name_copy_and_pickle():
    name = PersonName(b"Hong^Gildong=\x1b$)C\xfb\xf3", ["iso8859", "euc_kr"])
    for clone in (copy.deepcopy(name), pickle.loads(pickle.dumps(name)), PersonName(name)):
        assert clone == name and clone.encode() == name.encode()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"family_name": "Adams", "given_name": "John Robert Quincy", "name_prefix": "Rev.",
         "name_suffix": "B.A. M.Div."},
        {"family_name": "Hong", "given_name": "Gildong", "family_name_ideographic": "洪",
         "given_name_ideographic": "吉洞", "family_name_phonetic": "홍",
         "given_name_phonetic": "길동", "encodings": ["iso8859", "euc_kr"]},
        {"family_name": "Yamada", "family_name_ideographic": "山田",
         "encodings": ["iso8859", "iso2022_jp"]},
        {"family_name_phonetic": b"abc"},
        {},
    ],
)
def test_from_named_components_matches_pydicom(kwargs):
    mine = PersonName.from_named_components(**kwargs)
    theirs = pv.PersonName.from_named_components(**kwargs)
    assert mine.encode() == theirs.encode() and str(mine) == str(theirs)


def test_from_named_components_veterinary_matches_pydicom():
    kwargs = {"responsible_party_name": "ABC Farms", "patient_name": "Running on Water"}
    mine = PersonName.from_named_components_veterinary(**kwargs)
    assert mine.encode() == pv.PersonName.from_named_components_veterinary(**kwargs).encode()


@pytest.mark.parametrize("bad", ["a^b", "a=b", "a\\b"])
def test_from_named_components_rejects_separators(bad):
    with pytest.raises(ValueError):
        PersonName.from_named_components(family_name=bad)


def test_person_name_validation_of_component_length():
    with pytest.raises(InvalidValueError):
        PersonName("x" * 65, validation_mode=config.RAISE)
    with pytest.raises(InvalidValueError):
        PersonName("a=b=c=d", validation_mode=config.RAISE)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(DcmcoreWarning):
            PersonName("x" * 65, validation_mode=config.WARN)


# ---------------------------------------------------------------------------
# MultiValue


def test_multivalue_converts_items_on_every_kind_of_set():
    mv = MultiValue(IS, ["1", "2"])
    mv.append("3")
    mv.insert(0, "0")
    mv.extend(["4"])
    mv += ["5"]
    mv[1] = "10"
    mv[2:3] = ["20", "21"]
    assert all(type(x) is IS for x in mv)
    assert mv == [0, 10, 20, 21, 3, 4, 5]
    del mv[0]
    assert len(mv) == 6 and mv[0] == 10 and mv[-1] == 5
    mv.sort(reverse=True)
    assert list(mv) == [21, 20, 10, 5, 4, 3]


def test_multivalue_str_and_repr_match_pydicom():
    for ctor, items in ((str, ["a", "b"]), (IS, ["1", "2"]), (DSfloat, ["1.5", "2"]),
                        (PersonName, ["A^B", "C"]), (str, [])):
        mine = MultiValue(ctor, items)
        their_ctor = {IS: pv.IS, DSfloat: pv.DSfloat, PersonName: pv.PersonName}.get(ctor, ctor)
        theirs = pydicom.multival.MultiValue(their_ctor, items)
        assert str(mine) == str(theirs) and repr(mine) == repr(theirs)


def test_multivalue_is_unhashable_and_compares_to_lists():
    mv = MultiValue(str, ["a"])
    with pytest.raises(TypeError):
        hash(mv)
    assert mv == ["a"] and mv != ["b"]


def test_multivalue_pickles_and_deep_copies():
    mv = MultiValue(DSfloat, ["1.50", "2"])
    for clone in (pickle.loads(pickle.dumps(mv)), copy.deepcopy(mv)):
        assert clone == mv and [str(x) for x in clone] == ["1.50", "2"]
        clone.append("3")
        assert type(clone[-1]) is DSfloat


# ---------------------------------------------------------------------------
# validators

VALIDATION_CASES = [
    ("AE", "STORESCP"), ("AE", "x" * 17), ("AE", "a\x01"), ("AS", "012Y"), ("AS", "12Y"),
    ("CS", "ORIGINAL"), ("CS", "lower"), ("CS", "A" * 17), ("DS", "1.5"), ("DS", "1,5"),
    ("DS", "1" * 17), ("IS", "12"), ("IS", "1.0"), ("DA", "20240102"), ("DA", "2024010"),
    ("DA", "20240102-"), ("DT", "2024"), ("DT", "20240102030405.123456+0100"), ("DT", "2024x"),
    ("TM", "1010"), ("TM", "2500"), ("TM", "101010.1 "), ("UI", "1.2.3"), ("UI", "1.02.3"),
    ("UI", "1." + "2" * 63), ("UR", "http://a.b/c d"), ("LO", "x" * 65), ("SH", "x" * 16),
    ("LT", "x" * 10241), ("ST", "x"), ("PN", "a=b=c=d"), ("PN", "x" * 65), ("US", 70000),
    ("US", -1), ("SS", -1), ("UL", 2**32), ("SV", -(2**63)), ("UV", 2**64), ("US", b"\x00"),
    ("FL", "1.5"), ("FD", 1), ("OB", "text"), ("OB", b"x"), ("DA", b"20240102"),
    ("US", 1.5), ("LO", 5),
]


@pytest.mark.parametrize("vr, value", VALIDATION_CASES, ids=repr)
def test_validators_agree_with_pydicom(vr, value):
    mine = dv.VALIDATORS[vr](vr, value)[0]
    assert mine == pv.VALIDATORS[vr](vr, value)[0]


def test_validate_value_modes():
    dv.validate_value("US", 70000, config.IGNORE)
    with pytest.warns(DcmcoreWarning, match=r"\(0028,0010\)"):
        dv.validate_value("US", 70000, config.WARN, tag=0x00280010)
    with pytest.raises(InvalidValueError):
        dv.validate_value("US", 70000, config.RAISE)
    dv.validate_value("US", None, config.RAISE)


def test_is_valid_helpers():
    assert dv.is_valid_ds("1.5") and not dv.is_valid_ds("nan")
    assert dv.is_valid_is(" 12 ") and not dv.is_valid_is("1.5")
    assert dv.is_valid_da("20240102") and not dv.is_valid_da("2024")
    assert dv.is_valid_dt("2024") and dv.is_valid_tm("1010") and not dv.is_valid_tm("2500")
    assert dv.is_valid_ui("1.2.840.10008.1.2") and not dv.is_valid_ui("1.2.")


# ---------------------------------------------------------------------------
# randomized differential: DS / IS constructors in every validation mode


def _outcome(fn):
    try:
        value = fn()
    except OverflowError:
        return ("OverflowError",)
    except TypeError:
        return ("TypeError",)
    except ValueError:
        return ("ValueError",)
    except ArithmeticError as exc:
        return (type(exc).__name__,)
    if value is None:
        return (None,)
    return (type(value).__name__, str(value), repr(value),
            getattr(value, "original_string", None), getattr(value, "auto_format", None))


def _number_inputs():
    rng = random.Random(3)
    inputs = ["1", " 1.5 ", "1e400", "nan", "-inf", "1.23456789012345678", "12345678901234567",
              "+.5", "1.", "abc", "", "  ", "0x10", "1_000", "1e-400", "\u0663",
              Decimal("1.5"), Decimal("1.23456789012345678901"), 1.5, 2**31, -(2**31),
              2**31 - 1]
    for _ in range(80):
        inputs += [str(rng.uniform(-1e6, 1e6)), repr(rng.random() * 10 ** rng.randint(-20, 20)),
                   str(rng.randint(-10**12, 10**12)), rng.uniform(-1, 1) * 10 ** rng.randint(-20, 20),
                   rng.randint(-2**40, 2**40)]
    return inputs


@pytest.mark.parametrize("mode", [config.IGNORE, config.WARN, config.RAISE])
def test_ds_and_is_constructors_agree_with_pydicom_on_random_inputs(mode):
    differences = []
    for x in _number_inputs():
        for auto in (False, True):
            pairs = [(DSfloat, pv.DSfloat, (x, auto, mode)),
                     (DSdecimal, pv.DSdecimal, (x, auto, mode)),
                     (DS, pv.DS, (x, auto, mode))]
            if not auto:
                pairs.append((IS, pv.IS, (x, mode)))
            for mine, theirs, args in pairs:
                if _outcome(functools.partial(mine, *args)) != _outcome(
                    functools.partial(theirs, *args)
                ):
                    differences.append((mine.__name__, auto, x))
    assert differences == []


def test_non_finite_float_with_auto_format_follows_validation_mode():
    # pydicom raises in every mode; dcmcore auto-formats numbers by default, so it
    # follows the validation mode instead
    with pytest.raises(ValueError):
        DSfloat(math.nan, True, config.RAISE)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(DcmcoreWarning):
            DSfloat(math.inf, True, config.WARN)
    assert str(DSfloat(math.inf, True, config.IGNORE)) == "inf"


def _datetime_outcome(fn):
    try:
        value = fn()
    except ValueError:
        return ("ValueError",)
    if value is None:
        return (None,)
    tz = getattr(value, "tzinfo", None)
    return (type(value).__name__, str(value), repr(value), value.isoformat(), tz and str(tz))


def test_da_dt_tm_agree_with_pydicom_on_random_strings():
    rng = random.Random(11)
    alphabet = "0123456789" * 4 + ".+- :"
    differences = []
    for _ in range(3000):
        if rng.random() < 0.5:
            text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 28)))
        else:
            digits = "".join(rng.choice("0123456789") for _ in range(rng.choice(range(2, 16, 2))))
            text = digits + rng.choice(["", ".", ".1", ".123456", "+0100", "-1130", " "])
        for mine, theirs in ((DA, pv.DA), (DT, pv.DT), (TM, pv.TM)):
            if _datetime_outcome(functools.partial(mine, text)) != _datetime_outcome(
                functools.partial(theirs, text)
            ):
                differences.append((mine.__name__, text))
    assert differences == []


def test_multivalue_from_and_to_backslash_string():
    mv = MultiValue.from_string(IS, "1\\ 2 \\3")
    assert mv == [1, 2, 3] and all(type(x) is IS for x in mv)
    assert mv.to_string() == "1\\2\\3"
    assert MultiValue(DSfloat, ["1.50", "2"]).to_string() == "1.50\\2"
    assert str(mv) == "[1, 2, 3]"  # pydicom's form
