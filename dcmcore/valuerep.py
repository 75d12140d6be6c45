"""pydicom's ``valuerep`` module: value types, the VR enumeration, VR sets and validators.

dcmcore keeps these in :mod:`dcmcore.values` (value types), :mod:`dcmcore.vr`
(the VR enumeration) and :mod:`dcmcore.validators`; this module re-exports them
under pydicom 3's names. The VR sets here have **pydicom's** meaning (for example
``ALLOW_BACKSLASH`` lists the VRs whose values may contain a backslash; dcmcore's own
:data:`dcmcore.vr.ALLOW_BACKSLASH` lists the VRs that split values on it).

Examples
--------
>>> from dcmcore.valuerep import DSfloat, PersonName, VR
>>> DSfloat("1.50")
'1.50'
>>> PersonName("Doe^John").family_name
'Doe'
>>> VR.PN in STR_VR
True
"""

from __future__ import annotations

import datetime
from typing import Any

from dcmcore import config
from dcmcore.charset import PN_DELIMS as _PN_DELIM_CODES
from dcmcore.charset import TEXT_VR_DELIMS, default_encoding
from dcmcore.validators import _BYTES_RE as BYTE_VR_REGEXES
from dcmcore.validators import _STR_RE as STR_VR_REGEXES
from dcmcore.validators import (
    MAX_VALUE_LEN,
    VALIDATORS,
    VR_REGEXES,
    is_valid_ds,
    validate_pn,
    validate_pn_component_length,
    validate_regex,
    validate_type,
    validate_value,
    validate_vr_length,
)
from dcmcore.values import (
    DA,
    DS,
    DT,
    IS,
    TM,
    DSdecimal,
    DSfloat,
    ISfloat,
    PersonName,
    format_number_as_ds,
)
from dcmcore.vr import AMBIGUOUS_VR, BYTES_VR, DEFAULT_CHARSET_VR, EXPLICIT_VR_LENGTH_32, VR

__all__ = [
    "ALLOW_BACKSLASH",
    "AMBIGUOUS_VR",
    "BUFFERABLE_VRS",
    "BYTES_VR",
    "BYTE_VR_REGEXES",
    "CUSTOMIZABLE_CHARSET_VR",
    "DA",
    "DEFAULT_CHARSET_VR",
    "DS",
    "DSclass",
    "DSdecimal",
    "DSfloat",
    "DT",
    "EXPLICIT_VR_LENGTH_16",
    "EXPLICIT_VR_LENGTH_32",
    "FLOAT_VR",
    "INT_VR",
    "IS",
    "ISfloat",
    "LIST_VR",
    "LONG_VALUE_VR",
    "MAX_VALUE_LEN",
    "PN_DELIMS",
    "PersonName",
    "STANDARD_VR",
    "STR_VR",
    "STR_VR_REGEXES",
    "TEXT_VR_DELIMS",
    "TM",
    "VALIDATORS",
    "VALUE_LENGTH",
    "VR",
    "VR_REGEXES",
    "default_encoding",
    "format_number_as_ds",
    "is_valid_ds",
    "validate_date_time",
    "validate_length_and_type_and_regex",
    "validate_number",
    "validate_pn",
    "validate_pn_component",
    "validate_pn_component_length",
    "validate_regex",
    "validate_type",
    "validate_type_and_length",
    "validate_type_and_regex",
    "validate_value",
    "validate_vr_length",
]

#: The class DS values get by default (pydicom's ``DSclass``).
DSclass: type = DSfloat

#: Every standard VR (Part 5 Table 6.2-1).
STANDARD_VR: frozenset[VR] = frozenset(vr for vr in VR if len(vr) == 2)
#: VRs with a 2-byte length in explicit VR.
EXPLICIT_VR_LENGTH_16: frozenset[VR] = STANDARD_VR - EXPLICIT_VR_LENGTH_32
#: Text VRs whose character set the Specific Character Set can change.
CUSTOMIZABLE_CHARSET_VR: frozenset[VR] = frozenset(
    VR(x) for x in ("LO", "LT", "PN", "SH", "ST", "UC", "UT")
)
#: VRs holding str values (pydicom's set).
STR_VR: frozenset[VR] = frozenset(
    VR(x)
    for x in ("AE", "AS", "CS", "DA", "DS", "DT", "IS", "LO", "LT", "PN", "SH", "ST")
    + ("TM", "UC", "UI", "UR", "UT")
)
#: VRs whose values may contain a backslash (pydicom's meaning), ambiguous ones included.
ALLOW_BACKSLASH: frozenset[str] = frozenset(
    {"LT", "ST", "UT", "US or SS or OW", "US or OW", "OB or OW"} | set(BYTES_VR)
)
#: VRs that may hold a file-like buffer (pydicom 3's buffered values).
BUFFERABLE_VRS: frozenset[str] = frozenset({"OB", "OB or OW", "OD", "OF", "OL", "OV", "OW"})
#: VRs whose values may be too long to show in full.
LONG_VALUE_VR: frozenset[str] = frozenset({"LT", "UC", "UT", "UN"} | AMBIGUOUS_VR | BUFFERABLE_VRS)
#: Numeric VRs with float values (DS included, as pydicom).
FLOAT_VR: frozenset[VR] = frozenset({VR.DS, VR.FD, VR.FL})
#: Numeric VRs with int values (AT and IS included, as pydicom).
INT_VR: frozenset[VR] = frozenset(VR(x) for x in ("AT", "IS", "SL", "SS", "SV", "UL", "US", "UV"))
#: VRs holding a list of datasets.
LIST_VR: frozenset[VR] = frozenset({VR.SQ})
#: Byte size of one value of the fixed-size binary VRs.
VALUE_LENGTH: dict[str, int] = {
    "US": 2, "SS": 2, "UL": 4, "SL": 4, "UV": 8, "SV": 8, "FL": 4, "FD": 8,
}  # fmt: skip
#: The PN delimiters besides the text ones (``^``), as byte values.
PN_DELIMS: set[int] = set(_PN_DELIM_CODES) - set(TEXT_VR_DELIMS) - {0x3D}

Result = tuple[bool, str]

_DEFAULT_CHARSET: frozenset[str] = frozenset(DEFAULT_CHARSET_VR)


def validate_type_and_length(vr: str, value: Any) -> Result:
    """Check that `value` is str or bytes and not longer than the VR allows."""
    ok, msg = validate_type(vr, value, (str, bytes))
    return validate_vr_length(vr, value) if ok else (ok, msg)


def validate_type_and_regex(vr: str, value: Any) -> Result:
    """Check that `value` is str or bytes and matches the VR's regular expression."""
    ok, msg = validate_type(vr, value, (str, bytes))
    return validate_regex(vr, value) if ok else (ok, msg)


def validate_length_and_type_and_regex(vr: str, value: Any) -> Result:
    """Check type, maximum length and characters of `value` for `vr`."""
    return VALIDATORS.get(vr, validate_type_and_regex)(vr, value)


def validate_date_time(vr: str, value: Any, date_time_type: type) -> Result:
    """Check a DA/DT/TM value: a `date_time_type` instance, or a valid string."""
    if value and isinstance(value, date_time_type):
        return True, ""
    return validate_length_and_type_and_regex(vr, value)


def validate_number(vr: str, value: Any, min_value: int, max_value: int) -> Result:
    """Check that an int `value` lies in ``[min_value, max_value]``."""
    ok, msg = validate_type(vr, value, (int, bytes))
    if not ok or value is None or isinstance(value, bytes):
        return ok, msg
    if not min_value <= value <= max_value:
        return False, (
            f"Invalid value: a value for a tag with VR {vr} must be between "
            f"{min_value} and {max_value}."
        )
    return True, ""


def validate_pn_component(value: str | bytes) -> None:
    """Validate one PN component group's length with the writing validation mode."""
    validate_value(
        "PN", value, config.settings.writing_validation_mode, validate_pn_component_length
    )


# keep the date types importable for code that did ``valuerep.datetime``
_ = datetime
