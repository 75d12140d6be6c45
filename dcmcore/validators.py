"""Validation of element values against their VR (PS3.5 Table 6.2-1).

:func:`validate_value` checks one value (not a list of values) and, depending
on the validation mode, does nothing, warns (:class:`~dcmcore.errors.DcmcoreWarning`)
or raises :class:`~dcmcore.errors.InvalidValueError`. The checks follow pydicom's.
"""

from __future__ import annotations

import datetime
import re
import warnings
from collections.abc import Callable
from typing import Any

from dcmcore import config
from dcmcore.errors import DcmcoreWarning, InvalidValueError

__all__ = [
    "MAX_VALUE_LEN",
    "VR_REGEXES",
    "validate_value",
    "validate_type",
    "validate_vr_length",
    "validate_regex",
    "validate_pn",
    "validate_pn_component_length",
    "is_valid_ds",
    "is_valid_is",
    "is_valid_da",
    "is_valid_dt",
    "is_valid_tm",
    "is_valid_ui",
    "VALIDATORS",
]

#: Maximum value length (characters) checked per VR; UR and UT are not checked.
MAX_VALUE_LEN = {
    "AE": 16, "CS": 16, "DS": 16, "IS": 12, "LO": 64, "LT": 10240, "SH": 16, "ST": 1024,
    "UI": 64,
}


def _range(regex: str) -> str:
    # DA, DT and TM may be ranges in queries (PS3.4 C.2.2.2.5)
    return rf"^{regex}$|^\-{regex} ?$|^{regex}\- ?$|^{regex}\-{regex} ?$"


#: Regular expressions a valid value matches, per VR.
VR_REGEXES = {
    "AE": r"^[\x20-\x7e]*$",
    "AS": r"^\d\d\d[DWMY]$",
    "CS": r"^[A-Z0-9 _]*$",
    "DS": r"^ *[+\-]?(\d+|\d+\.\d*|\.\d+)([eE][+\-]?\d+)? *$",
    "IS": r"^ *[+\-]?\d+ *$",
    "DA": _range(r"\d{4}(0[1-9]|1[0-2])([0-2]\d|3[01])"),
    "DT": _range(
        r"\d{4}((0[1-9]|1[0-2])(([0-2]\d|3[01])(([01]\d|2[0-3])"
        r"([0-5]\d((60|[0-5]\d)(\.\d{1,6} ?)?)?)?)?)?)?([+-][01]\d\d\d)?"
    ),
    "TM": _range(r"([01]\d|2[0-3])([0-5]\d((60|[0-5]\d)(\.\d{1,6} ?)?)?)?"),
    "UI": r"^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$",
    "UR": r"^[A-Za-z_\d:/?#\[\]@!$&'()*+,;=%\-.~]* *$",
}
_STR_RE = {vr: re.compile(rx) for vr, rx in VR_REGEXES.items()}
_BYTES_RE = {vr: re.compile(rx.encode()) for vr, rx in VR_REGEXES.items()}

Result = tuple[bool, str]


def validate_type(vr: str, value: Any, types: type | tuple[type, ...]) -> Result:
    """Check that `value` is one of `types` (``None`` always passes)."""
    if value is not None and not isinstance(value, types):
        return False, (
            f"A value of type '{type(value).__name__}' cannot be assigned to a tag with VR {vr}."
        )
    return True, ""


def validate_vr_length(vr: str, value: Any) -> Result:
    """Check the value length against the VR's maximum."""
    max_length = MAX_VALUE_LEN.get(vr, 0)
    if max_length and len(value) > max_length:
        return False, (
            f"The value length ({len(value)}) exceeds the maximum length of {max_length} "
            f"allowed for VR {vr}."
        )
    return True, ""


def validate_regex(vr: str, value: Any) -> Result:
    """Check the characters of a str or bytes value with the VR's regular expression."""
    if value:
        if isinstance(value, str):
            bad = _STR_RE[vr].match(value) is None or value[-1] == "\n"
        else:
            bad = _BYTES_RE[vr].match(value) is None or value[-1] == 10
        if bad:
            return False, f"Invalid value for VR {vr}: {value!r}."
    return True, ""


def _type_and_length(vr: str, value: Any) -> Result:
    ok, msg = validate_type(vr, value, (str, bytes))
    return validate_vr_length(vr, value) if ok else (ok, msg)


def _type_and_regex(vr: str, value: Any) -> Result:
    ok, msg = validate_type(vr, value, (str, bytes))
    return validate_regex(vr, value) if ok else (ok, msg)


def _length_type_regex(vr: str, value: Any) -> Result:
    ok, msg = validate_type(vr, value, (str, bytes))
    if not ok:
        return ok, msg
    ok1, msg1 = validate_vr_length(vr, value)
    ok2, msg2 = validate_regex(vr, value)
    msg = " ".join([msg1, msg2]).strip()
    if msg:
        msg += (
            " Please see <https://dicom.nema.org/medical/dicom/current/output/html/"
            "part05.html#table_6.2-1> for allowed values for each VR."
        )
    return ok1 and ok2, msg


def _date_time(vr: str, value: Any, kind: type) -> Result:
    if value and isinstance(value, kind):
        return True, ""
    return _type_and_regex(vr, value)


def validate_pn_component_length(vr: str, value: Any) -> Result:
    """Check that one PN component group is at most 64 characters."""
    if len(value) > 64:
        return False, (
            f"The PN component length ({len(value)}) exceeds the maximum allowed length of 64."
        )
    return True, ""


def validate_pn(vr: str, value: Any) -> Result:
    """Check a PN value: at most 3 component groups of at most 64 characters each."""
    if not value or not isinstance(value, (str, bytes)):
        if value and type(value).__name__ != "PersonName":
            return validate_type(vr, value, (str, bytes))
        return True, ""
    groups = value.split(b"=") if isinstance(value, bytes) else value.split("=")
    if len(groups) > 3:
        return False, (
            f"The number of PN components length ({len(groups)}) exceeds the maximum "
            "allowed number of 3."
        )
    for group in groups:
        ok, msg = validate_pn_component_length(vr, group)
        if not ok:
            return ok, msg
    return True, ""


_VALUE_LENGTH = {"US": 2, "SS": 2, "UL": 4, "SL": 4, "UV": 8, "SV": 8, "FL": 4, "FD": 8}


def _number(vr: str, value: Any, low: int, high: int) -> Result:
    ok, msg = validate_type(vr, value, (int, bytes))
    if not ok:
        return ok, msg
    if isinstance(value, int):
        if not low <= value <= high:
            return False, (
                f"Invalid value: a value for a tag with VR {vr} must be between {low} and {high}."
            )
    elif len(value) % _VALUE_LENGTH[vr]:
        return False, (
            f"Invalid value length {len(value)}: the value length for a tag with VR {vr} "
            f"must be a multiple of {_VALUE_LENGTH[vr]}."
        )
    return True, ""


def _bytes(vr: str, value: Any) -> Result:
    return validate_type(vr, value, (bytes, bytearray))


def _float(vr: str, value: Any) -> Result:
    return validate_type(vr, value, (float, int))


#: The check for each VR: ``validator(vr, value) -> (is_valid, message)``.
VALIDATORS: dict[str, Callable[[str, Any], Result]] = {
    "AE": _length_type_regex,
    "AS": _type_and_regex,
    "CS": _length_type_regex,
    "DA": lambda vr, v: _date_time(vr, v, datetime.date),
    "DS": _length_type_regex,
    "DT": lambda vr, v: _date_time(vr, v, datetime.datetime),
    "FD": _float,
    "FL": _float,
    "IS": _length_type_regex,
    "LO": _type_and_length,
    "LT": _type_and_length,
    "OB": _bytes, "OD": _bytes, "OF": _bytes, "OL": _bytes, "OW": _bytes, "OV": _bytes,
    "PN": validate_pn,
    "SH": _type_and_length,
    "SL": lambda vr, v: _number(vr, v, -0x80000000, 0x7FFFFFFF),
    "SS": lambda vr, v: _number(vr, v, -0x8000, 0x7FFF),
    "ST": _type_and_length,
    "SV": lambda vr, v: _number(vr, v, -0x8000000000000000, 0x7FFFFFFFFFFFFFFF),
    "TM": lambda vr, v: _date_time(vr, v, datetime.time),
    "UI": _length_type_regex,
    "UL": lambda vr, v: _number(vr, v, 0, 0xFFFFFFFF),
    "US": lambda vr, v: _number(vr, v, 0, 0xFFFF),
    "UR": _type_and_regex,
    "UV": lambda vr, v: _number(vr, v, 0, 0xFFFFFFFFFFFFFFFF),
}


def validate_value(
    vr: str,
    value: Any,
    validation_mode: int | None,
    validator: Callable[[str, Any], Result] | None = None,
    tag: int | None = None,
) -> None:
    """Check one value for `vr`; warn or raise as `validation_mode` says.

    Parameters
    ----------
    vr : str
        The VR of the element the value belongs to.
    value : Any
        One value (str, bytes, number, ...); ``None`` always passes.
    validation_mode : int or None
        :data:`~dcmcore.config.IGNORE`, :data:`~dcmcore.config.WARN` or
        :data:`~dcmcore.config.RAISE`; ``None`` means the reading mode.
    validator : callable, optional
        ``validator(vr, value) -> (is_valid, message)`` instead of the VR's own.
    tag : int, optional
        Named in the message when given.

    Raises
    ------
    dcmcore.errors.InvalidValueError
        If the value is invalid and the mode is ``RAISE``.
    """
    if validation_mode is None:
        validation_mode = config.settings.reading_validation_mode
    if validation_mode == config.IGNORE or value is None:
        return
    validator = validator or VALIDATORS.get(vr)
    if validator is None:
        return
    ok, msg = validator(vr, value)
    if ok:
        return
    if tag is not None:
        msg = f"({tag >> 16:04X},{tag & 0xFFFF:04X}): {msg}"
    if validation_mode == config.RAISE:
        raise InvalidValueError(msg)
    warnings.warn(msg, DcmcoreWarning, stacklevel=2)


def _is_valid(vr: str, value: Any) -> bool:
    return VALIDATORS[vr](vr, value)[0]


def is_valid_ds(s: str) -> bool:
    """Return True if `s` is a valid DS string (at most 16 characters, DS repertoire)."""
    return _length_type_regex("DS", s)[0]


def is_valid_is(s: str) -> bool:
    """Return True if `s` is a valid IS string."""
    return _length_type_regex("IS", s)[0]


def is_valid_da(s: str) -> bool:
    """Return True if `s` is a valid DA string (or a date range)."""
    return _is_valid("DA", s)


def is_valid_dt(s: str) -> bool:
    """Return True if `s` is a valid DT string (or a date-time range)."""
    return _is_valid("DT", s)


def is_valid_tm(s: str) -> bool:
    """Return True if `s` is a valid TM string (or a time range)."""
    return _is_valid("TM", s)


def is_valid_ui(s: str) -> bool:
    """Return True if `s` is a valid UID string (at most 64 characters)."""
    return _length_type_regex("UI", s)[0]
