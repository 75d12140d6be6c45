"""pydicom's ``values`` functions: raw element bytes to Python values.

Each function is a thin adapter over :func:`dcmcore.converters.decode_value`
(or the data model's :func:`~dcmcore.element.convert_raw_data_element` for
sequences), with pydicom 3's signature. They are reached as
``dcmcore.values.convert_*`` (loaded on first use).
"""

from __future__ import annotations

import struct
from collections.abc import Callable, MutableSequence
from typing import Any

from dcmcore import config
from dcmcore.charset import TEXT_VR_DELIMS, default_encoding
from dcmcore.converters import decode_value
from dcmcore.element import RawDataElement, convert_raw_data_element
from dcmcore.errors import BytesLengthException
from dcmcore.tag import BaseTag
from dcmcore.values import MultiValue
from dcmcore.vr import VR

__all__ = [
    "CUSTOMIZABLE_CHARSET_VR",
    "TEXT_VR_DELIMS",
    "convert_AE_string",
    "convert_ATvalue",
    "convert_DA_string",
    "convert_DS_string",
    "convert_DT_string",
    "convert_IS_string",
    "convert_OBvalue",
    "convert_OVvalue",
    "convert_OWvalue",
    "convert_PN",
    "convert_SQ",
    "convert_TM_string",
    "convert_UI",
    "convert_UN",
    "convert_UR_string",
    "convert_numbers",
    "convert_retry_VR_order",
    "convert_single_string",
    "convert_string",
    "convert_tag",
    "convert_text",
    "convert_value",
    "converters",
    "default_encoding",
    "multi_string",
]

CUSTOMIZABLE_CHARSET_VR: frozenset[VR] = frozenset(
    VR(x) for x in ("LO", "LT", "PN", "SH", "ST", "UC", "UT")
)

_FORMAT_VR = {"H": "US", "h": "SS", "L": "UL", "l": "SL", "Q": "UV", "q": "SV"}
_FORMAT_VR.update({"f": "FL", "d": "FD"})


def _decode(vr: str, byte_string: bytes, is_little_endian: bool = True) -> Any:
    return decode_value(vr, byte_string, little_endian=is_little_endian)


def convert_AE_string(
    byte_string: bytes, is_little_endian: bool, struct_format: str | None = None
) -> str | MutableSequence[str]:
    """Decode an AE value (leading and trailing spaces removed)."""
    return _decode("AE", byte_string)


def convert_ATvalue(
    byte_string: bytes, is_little_endian: bool, struct_format: str | None = None
) -> BaseTag | MutableSequence[BaseTag]:
    """Decode an AT value: one tag or a list of tags."""
    return _decode("AT", byte_string, is_little_endian)


def convert_DA_string(
    byte_string: bytes, is_little_endian: bool, struct_format: str | None = None
) -> Any:
    """Decode a DA value (a ``DA`` when ``config.datetime_conversion``, else str)."""
    return _decode("DA", byte_string)


def convert_DT_string(
    byte_string: bytes, is_little_endian: bool, struct_format: str | None = None
) -> Any:
    """Decode a DT value (a ``DT`` when ``config.datetime_conversion``, else str)."""
    return _decode("DT", byte_string)


def convert_TM_string(
    byte_string: bytes, is_little_endian: bool, struct_format: str | None = None
) -> Any:
    """Decode a TM value (a ``TM`` when ``config.datetime_conversion``, else str)."""
    return _decode("TM", byte_string)


def convert_DS_string(
    byte_string: bytes, is_little_endian: bool, struct_format: str | None = None
) -> Any:
    """Decode a DS value: ``DSfloat`` (``DSdecimal`` with ``config.use_DS_decimal``)."""
    return _decode("DS", byte_string)


def convert_IS_string(
    byte_string: bytes, is_little_endian: bool, struct_format: str | None = None
) -> Any:
    """Decode an IS value: ``IS`` or a list of them."""
    return _decode("IS", byte_string)


def convert_OBvalue(
    byte_string: bytes, is_little_endian: bool, struct_format: str | None = None
) -> bytes:
    """Return an OB (or OD, OL) value: the bytes unchanged."""
    return byte_string


def convert_OWvalue(
    byte_string: bytes, is_little_endian: bool, struct_format: str | None = None
) -> bytes:
    """Return an OW (or OF) value: the bytes unchanged, in their encoded byte order."""
    return byte_string


def convert_OVvalue(
    byte_string: bytes, is_little_endian: bool, struct_format: str | None = None
) -> bytes:
    """Return an OV value: the bytes unchanged."""
    return byte_string


def convert_UN(
    byte_string: bytes, is_little_endian: bool, struct_format: str | None = None
) -> bytes:
    """Return a UN value: the bytes unchanged."""
    return byte_string


def convert_PN(byte_string: bytes, encodings: list[str] | None = None) -> Any:
    """Decode a PN value with `encodings`: a ``PersonName`` or a list of them."""
    return decode_value("PN", byte_string, encodings=encodings)


def convert_string(
    byte_string: bytes, is_little_endian: bool, struct_format: str | None = None
) -> str | MutableSequence[str]:
    """Decode a value of a default-character-set text VR (AS, CS), split on backslash."""
    return _decode("CS", byte_string)


def convert_text(
    byte_string: bytes, encodings: list[str] | None = None, vr: str | None = None
) -> str | MutableSequence[str]:
    """Decode SH, LO or UC text with `encodings`, split on backslash."""
    return decode_value(vr or "LO", byte_string, encodings=encodings)


def convert_single_string(
    byte_string: bytes, encodings: list[str] | None = None, vr: str | None = None
) -> str:
    """Decode ST, LT or UT text with `encodings` (never split)."""
    return decode_value(vr or "LT", byte_string, encodings=encodings)


def convert_UI(byte_string: bytes, is_little_endian: bool, struct_format: str | None = None) -> Any:
    """Decode a UI value: a ``UID`` or a list of them."""
    return _decode("UI", byte_string)


def convert_UR_string(
    byte_string: bytes, is_little_endian: bool, struct_format: str | None = None
) -> str:
    """Decode a UR value (trailing spaces removed)."""
    return _decode("UR", byte_string)


def convert_numbers(byte_string: bytes, is_little_endian: bool, struct_format: str) -> Any:
    """Unpack binary numbers with a :mod:`struct` format character (``"H"``, ``"d"``...).

    Returns ``""`` for no bytes, the number for one value, else a list.

    Raises
    ------
    BytesLengthException
        If the length is not a multiple of the value size.
    """
    size = struct.calcsize("=" + struct_format)
    if len(byte_string) % size:
        raise BytesLengthException(
            "Expected total bytes to be an even multiple of bytes per value. Instead "
            f"received {len(byte_string)} bytes with struct format '{struct_format}' (bytes "
            f"per value {size})."
        )
    count = len(byte_string) // size
    order = "<" if is_little_endian else ">"
    values = struct.unpack(f"{order}{count}{struct_format}", byte_string)
    if not values:
        return ""
    return values[0] if count == 1 else list(values)


def convert_tag(byte_string: bytes, is_little_endian: bool, offset: int = 0) -> BaseTag:
    """Decode the tag stored in the 4 bytes of `byte_string` at `offset`.

    Raises
    ------
    ValueError
        If `byte_string` is shorter than 4 bytes.
    """
    if len(byte_string) < 4:
        raise ValueError("byte string too short - must be at least 4 bytes long.")
    group, element = struct.unpack(
        "<HH" if is_little_endian else ">HH", byte_string[offset : offset + 4]
    )
    return BaseTag(group << 16 | element)


def convert_SQ(
    byte_string: bytes,
    is_implicit_VR: bool,
    is_little_endian: bool,
    encoding: list[str] | None = None,
    offset: int = 0,
) -> Any:
    """Parse the encoded items of a sequence into a ``Sequence`` of datasets."""
    raw = RawDataElement(
        BaseTag(0xFFFFFFFF), "SQ", len(byte_string), byte_string, offset,
        is_implicit_VR, is_little_endian,
    )  # fmt: skip
    return convert_raw_data_element(raw, encoding=encoding).value


def multi_string(val: str, valtype: Callable[[str], Any] | None = None) -> Any:
    """Split `val` on backslashes, convert each part with `valtype` (default str).

    One part gives the value itself, several a ``MultiValue``.
    """
    valtype = str if valtype is None else valtype
    # trailing NUL padding is not part of the value
    text = val[:-1] if val.endswith("\0") else val
    parts = text.split("\\")
    if len(parts) == 1:
        return valtype(parts[0])
    return MultiValue(valtype, parts)


#: The VRs pydicom tries, in order, when a value cannot be decoded with its own.
convert_retry_VR_order: list[VR] = [
    VR(x)
    for x in ("SH", "UL", "SL", "US", "SS", "FL", "FD", "OF", "OB", "UI", "DA", "TM", "PN")
    + ("IS", "DS", "LT", "SQ", "UN", "AT", "OW", "DT", "UT")
]

#: VR -> converter (or ``(convert_numbers, struct format)``), as pydicom's table.
converters: dict[str, Any] = {
    "AE": convert_AE_string, "AS": convert_string, "AT": convert_ATvalue,
    "CS": convert_string, "DA": convert_DA_string, "DS": convert_DS_string,
    "DT": convert_DT_string, "IS": convert_IS_string, "LO": convert_text,
    "LT": convert_single_string, "OB": convert_OBvalue, "OD": convert_OBvalue,
    "OF": convert_OWvalue, "OL": convert_OBvalue, "OW": convert_OWvalue,
    "OV": convert_OVvalue, "PN": convert_PN, "SH": convert_text, "SQ": convert_SQ,
    "ST": convert_single_string, "TM": convert_TM_string, "UC": convert_text,
    "UI": convert_UI, "UN": convert_UN, "UR": convert_UR_string,
    "UT": convert_single_string, "OB or OW": convert_OBvalue,
    "US or SS": convert_OWvalue, "US or OW": convert_OWvalue,
    "US or SS or OW": convert_OWvalue,
}  # fmt: skip
for _fmt, _vr in _FORMAT_VR.items():
    converters[_vr] = (convert_numbers, _fmt)


def _convert_as(vr: str, raw: RawDataElement, encodings: Any) -> Any:
    converter = converters[vr]
    if isinstance(converter, tuple):
        return converter[0](raw.value, raw.is_little_endian, converter[1])
    if vr == "PN":
        return converter(raw.value, encodings)
    if vr in CUSTOMIZABLE_CHARSET_VR:
        return converter(raw.value, encodings, vr)
    if vr == "SQ":
        return converter(
            raw.value, raw.is_implicit_VR, raw.is_little_endian, encodings, raw.value_tell or 0
        )
    return converter(raw.value, raw.is_little_endian, None)


def convert_value(
    VR: str,
    raw_data_element: RawDataElement,
    encodings: str | MutableSequence[str] | None = None,
) -> Any:
    """Decode the value of `raw_data_element` as `VR`.

    A value that `VR` cannot decode is retried with the VRs of
    :data:`convert_retry_VR_order`, as pydicom does (except in the RAISE reading
    validation mode); if none decodes it, the raw bytes are returned.

    Raises
    ------
    NotImplementedError
        If `VR` is not a known VR.
    """
    if VR not in converters:
        raise NotImplementedError(f"Unknown Value Representation '{VR}'")
    if isinstance(encodings, str):
        encodings = [encodings]
    encodings = list(encodings) if encodings is not None else [default_encoding]
    try:
        return _convert_as(VR, raw_data_element, encodings)
    except ValueError:
        if config.settings.reading_validation_mode == config.RAISE:
            raise
    for vr in convert_retry_VR_order:
        if vr != VR:
            try:
                return _convert_as(vr, raw_data_element, encodings)
            except Exception:  # noqa: BLE001 - pydicom tries the next VR on any error
                continue
    return raw_data_element.value


_ = TEXT_VR_DELIMS
