"""Type checks of DICOM JSON values against their VR (Part 18, F.2.3).

Every value of a ``"Value"`` array must have the JSON type its VR takes: strings for
text VRs, numbers for numeric VRs, objects for PN and SQ, nothing for the binary VRs
(which take ``InlineBinary`` or ``BulkDataURI``). Where a producer's slip has one obvious
meaning it is converted with a :class:`~dcmcore.errors.DcmcoreWarning` naming the tag
and VR: a number for a text VR becomes ``str(number)``, a numeric string for a numeric
VR becomes the number, an integral float for an integer VR becomes the integer. Anything
else (objects, booleans, nested arrays, out-of-range integers, undecodable base64)
raises :class:`~dcmcore.errors.JSONValueError` naming the tag and the VR.
"""

from __future__ import annotations

import binascii
import re
import warnings
from typing import Any, Final

from dcmcore.errors import DcmcoreWarning, JSONValueError

__all__ = ["check_value", "decode_inline_binary", "describe_tag", "json_error"]

TEXT_VRS: Final = frozenset(
    {"AE", "AS", "CS", "DA", "DT", "LO", "LT", "SH", "ST", "TM", "UC", "UI", "UR", "UT"}
)
#: Integer VRs and their value ranges.
INT_RANGES: Final = {
    "IS": (-(2**31), 2**31 - 1),
    "SL": (-(2**31), 2**31 - 1),
    "SS": (-(2**15), 2**15 - 1),
    "SV": (-(2**63), 2**63 - 1),
    "UL": (0, 2**32 - 1),
    "US": (0, 2**16 - 1),
    "UV": (0, 2**64 - 1),
    "US or SS": (-(2**15), 2**16 - 1),
}
FLOAT_VRS: Final = frozenset({"DS", "FD", "FL"})
BINARY_VRS: Final = frozenset(
    {"OB", "OD", "OF", "OL", "OV", "OW", "UN", "US or SS or OW", "US or OW", "OB or OW"}
)
#: SV and UV values beyond 2**53 are JSON strings (F.2.3.1).
_STRING_INTEGERS: Final = frozenset({"SV", "UV"})
_PN_GROUPS: Final = frozenset({"Alphabetic", "Ideographic", "Phonetic"})
_BLANKS: Final = (" ", "\t", "\r", "\n")
#: Characters of an InlineBinary value looked at for line breaks and for the character
#: named in an error (the whole value is decoded by binascii, in C).
_PEEK: Final = 1 << 16
_BASE64_ALPHABET: Final = (
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="
)
_INT_TEXT: Final = re.compile(r"\s*[+-]?\d+\s*")


def describe_tag(tag: str) -> str:
    """``(GGGG,EEEE)`` for an 8-digit hex tag, else the tag as given."""
    if len(tag) == 8:
        return f"({tag[:4].upper()},{tag[4:].upper()})"
    return str(tag)


def json_error(tag: str, vr: str, problem: str) -> JSONValueError:
    """The error for element `tag` with `vr`: ``DICOM JSON element (GGGG,EEEE) VR XX: ...``."""
    return JSONValueError(f"DICOM JSON element {describe_tag(tag)} with VR {vr}: {problem}")


def _warn(tag: str, vr: str, problem: str) -> None:
    warnings.warn(
        f"DICOM JSON element {describe_tag(tag)} with VR {vr}: {problem}",
        DcmcoreWarning,
        stacklevel=6,
    )


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return f"JSON {str(value).lower()}"
    if isinstance(value, dict):
        return "a JSON object"
    if isinstance(value, list):
        return "a JSON array"
    if isinstance(value, str):
        return "a JSON string"
    if isinstance(value, (int, float)):
        return f"a JSON number ({value!r})"
    return type(value).__name__


def _integer(tag: str, vr: str, value: Any) -> int:
    if isinstance(value, float):
        if not value.is_integer():
            raise json_error(tag, vr, f"{value!r} is not an integer")
        _warn(tag, vr, f"the integer is written as the float {value!r}; read as {int(value)}")
        value = int(value)
    elif isinstance(value, str):
        if not _INT_TEXT.fullmatch(value):
            raise json_error(tag, vr, f"{_kind(value)} {value[:40]!r} is not an integer")
        if vr not in _STRING_INTEGERS:
            _warn(tag, vr, f"the integer is written as the string {value!r}; read as a number")
        value = int(value)
    low, high = INT_RANGES[vr]
    if not low <= value <= high:
        raise json_error(tag, vr, f"{value} is outside the range {low}..{high} of the VR")
    return int(value)


def _number(tag: str, vr: str, value: Any) -> float:
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            raise json_error(tag, vr, f"{_kind(value)} {value[:40]!r} is not a number") from None
        _warn(tag, vr, f"the number is written as the string {value!r}; read as {number!r}")
        return number
    return float(value)


def _person_name(tag: str, vr: str, value: dict[Any, Any]) -> dict[str, str]:
    for key, part in value.items():
        if key not in _PN_GROUPS:
            _warn(tag, vr, f"unknown person name component group {key!r} ignored")
        elif not isinstance(part, str):
            raise json_error(tag, vr, f"the {key} component group is {_kind(part)}, not a string")
    return {k: v for k, v in value.items() if k in _PN_GROUPS}


def check_value(tag: str, vr: str, value: Any) -> Any:
    """One non-null item of the ``"Value"`` array of a non-sequence element, checked
    against (and where unambiguous converted to) the JSON type of `vr`.

    Parameters
    ----------
    tag : str
        The element's tag as in the JSON (8 hex digits), for messages.
    vr : str
        The element's VR.
    value : Any
        The item as decoded by :mod:`json`.

    Returns
    -------
    Any
        The value (str, int, float or a PN component dict).

    Raises
    ------
    JSONValueError
        For a wrongly typed value; the message names the tag and the VR.
    """
    if vr in BINARY_VRS:
        raise json_error(tag, vr, "values of a binary VR are given as 'InlineBinary' or "
                         f"'BulkDataURI', not in 'Value' (found {_kind(value)})")
    if isinstance(value, bool) or isinstance(value, list):
        raise json_error(tag, vr, f"{_kind(value)} is not a value of this VR")
    if vr == "PN":
        if isinstance(value, (dict, str)):
            return _person_name(tag, vr, value) if isinstance(value, dict) else value
        raise json_error(tag, vr, f"{_kind(value)} is not a person name (an object)")
    if isinstance(value, dict):
        raise json_error(tag, vr, f"{_kind(value)} is not a value of this VR")
    if vr in TEXT_VRS or vr == "AT":
        if isinstance(value, str):
            return value
        if vr == "AT":
            raise json_error(tag, vr, f"{_kind(value)} is not a tag (8 hex digits)")
        text = str(value)
        _warn(tag, vr, f"{_kind(value)} is not a string; read as {text!r}")
        return text
    if vr in INT_RANGES:
        return _integer(tag, vr, value)
    if vr in FLOAT_VRS:
        return _number(tag, vr, value)
    return value


def decode_inline_binary(tag: str, vr: str, text: Any) -> bytes:
    """Decode an ``InlineBinary`` value (base64; blanks and line breaks are ignored).

    Raises
    ------
    JSONValueError
        If `text` is not a string or not valid base64; the message names the tag.
    """
    if not isinstance(text, str):
        raise json_error(tag, vr, f"'InlineBinary' must be a string, not {_kind(text)}")
    compact = text
    try:
        return binascii.a2b_base64(compact, strict_mode=True)
    except (binascii.Error, ValueError) as exc:
        error: Exception = exc
    head = text[:_PEEK]
    if any(blank in head for blank in _BLANKS):  # line-wrapped base64: drop the blanks
        for blank in _BLANKS:
            compact = compact.replace(blank, "")
        try:
            return binascii.a2b_base64(compact, strict_mode=True)
        except (binascii.Error, ValueError) as exc:
            error = exc
    try:
        invalid = compact[:_PEEK].encode("ascii").translate(None, _BASE64_ALPHABET)
        bad = chr(invalid[0]) if invalid else None
    except UnicodeEncodeError as exc:
        bad = compact[exc.start]
    where = f" (found {bad!r})" if bad is not None else ""
    raise json_error(tag, vr, f"'InlineBinary' is not valid base64{where}: {error}") from None
