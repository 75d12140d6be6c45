"""Element value bytes <-> Python values, per VR (all VRs but SQ).

:func:`decode_value` is on the hot path of every read: it dispatches through a
dict keyed by VR to one small function per VR family, and never uses a regular
expression for well-formed values. Values follow pydicom 3's types
(:mod:`dcmcore.values`).

Lenient reading: a malformed DA/DT/TM/IS/DS value, or a binary value whose
length is not a multiple of its item size, gives a warning naming the tag and
the best value available (the raw string; the items that fit). In the RAISE
reading mode these raise :class:`~dcmcore.errors.InvalidValueError` or
:class:`~dcmcore.errors.BytesLengthException`.
"""

from __future__ import annotations

import datetime
import re
import reprlib
import struct
import warnings
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from dcmcore import config
from dcmcore.charset import (
    PN_VALUE_DELIMS,
    TEXT_VR_DELIMS,
    decode_bytes,
    default_encoding,
    encode_string,
)
from dcmcore.datetimes import DA, DT, TM
from dcmcore.errors import BytesLengthException, DcmcoreWarning, InvalidValueError
from dcmcore.tag import BaseTag, Tag
from dcmcore.uid import UID
from dcmcore.validators import MAX_VALUE_LEN
from dcmcore.validators import validate_value as _validate_one
from dcmcore.values import (
    IS,
    DSdecimal,
    DSfloat,
    MultiValue,
    PersonName,
    format_number_as_ds,
)

__all__ = ["decode_value", "encode_value", "empty_value_for_VR", "validate_value"]

_TEXT_MULTI_DELIMS = TEXT_VR_DELIMS | {0x5C}
_NUMPY_THRESHOLD = 512  # values with more items than this are unpacked with numpy

_STR_VR = frozenset(
    {"AE", "AS", "CS", "DA", "DS", "DT", "IS", "LO", "LT", "PN", "SH", "ST", "TM", "UC", "UI",
     "UR", "UT"}
)
_EMPTY_STR_VR = _STR_VR - {"DS", "IS", "PN"}
_BYTES_VR = frozenset(
    {"OB", "OD", "OF", "OL", "OV", "OW", "UN", "OB or OW", "US or OW", "US or SS or OW",
     "US or SS"}
)
_NUMBER_FORMAT = {"FL": "f", "FD": "d", "SL": "l", "SS": "h", "SV": "q", "UL": "L", "US": "H",
                  "UV": "Q"}
_NUMBER_SIZE = {vr: struct.calcsize("=" + f) for vr, f in _NUMBER_FORMAT.items()}
# numpy's "l"/"L" are the platform's C long (8 bytes on 64-bit Linux): use sized codes
_NUMPY_TYPE = {"FL": "f4", "FD": "f8", "SL": "i4", "SS": "i2", "SV": "i8", "UL": "u4",
               "US": "u2", "UV": "u8"}
_CHARSET_MULTI_VR = frozenset({"LO", "SH", "UC"})
_CHARSET_SINGLE_VR = frozenset({"LT", "ST", "UT"})
# stand-alone multi-byte sets whose second byte may be 0x5C (ISO 2022 multi-byte G0 sets
# are recognised by their ESC $ escape sequences)
_BACKSLASH_TRAIL_CODECS = frozenset({"GB18030", "GBK", "gb18030", "gbk", "shift_jis"})


def _setting(name: str) -> Any:
    """``config.settings.<name>`` without the cost of ``Settings.__getattr__`` (hot path)."""
    try:
        local = config._overrides.get()
        return local[name] if name in local else config.settings._globals[name]
    except (AttributeError, KeyError):  # config's internals changed: the public way
        return getattr(config.settings, name)


def _settings() -> Mapping[str, Any]:
    """The settings in effect as one mapping (one call for a decoder reading several).

    With no ``config.override`` active (the common case) that is the global settings'
    own dict, not copied: read it, never write it.
    """
    try:
        local = config._overrides.get()
        values: Mapping[str, Any] = config.settings._globals
    except AttributeError:  # config's internals changed: the public way
        return config.settings.as_dict()
    return {**values, **local} if local else values


def _tag_text(tag: int | None) -> str:
    return "" if tag is None else f" for tag ({tag >> 16:04X},{tag & 0xFFFF:04X})"


def _identity(x: Any) -> Any:
    return x


# ----------------------------------------------------------------------------
# empty values


def empty_value_for_VR(vr: str | None, raw: bool = False) -> Any:
    """Return the value an empty element of `vr` has (pydicom semantics).

    ``[]`` for SQ (``b''`` when `raw`), an empty :class:`PersonName` for PN,
    ``''`` for the other text VRs except DS and IS, else ``None`` (``None`` for every VR
    but SQ with ``config.use_none_as_empty_text_VR_value``).
    """
    if vr == "SQ":
        return b"" if raw else []
    if _setting("use_none_as_empty_text_VR_value"):
        return None  # pydicom's switch
    if vr == "PN":
        return b"" if raw else PersonName("")
    if vr in _EMPTY_STR_VR:
        return b"" if raw else ""
    return None


# ----------------------------------------------------------------------------
# decoding


def _split(text: str, ctor: Callable[[str], Any]) -> Any:
    items = text.rstrip(" \x00").split("\\")
    if len(items) == 1:
        return ctor(items[0])
    return MultiValue(ctor, items)


def _malformed(vr: str, text: str, tag: int | None, exc: Exception) -> str:
    mode = _setting("reading_validation_mode")
    msg = f"Invalid {vr} value {text!r}{_tag_text(tag)}: {exc}"
    if mode == config.RAISE:
        raise InvalidValueError(msg) from exc
    if mode == config.WARN:
        warnings.warn(msg + " - keeping the string", DcmcoreWarning, stacklevel=4)
    return text


def _dec_string(raw: bytes, le: bool, encs: Any, tag: int | None, vr: str) -> Any:
    text = raw.decode(default_encoding).rstrip(" \x00")
    if "\\" in text:
        return MultiValue(str, text.split("\\"))
    return text


def _dec_AE(raw: bytes, le: bool, encs: Any, tag: int | None, vr: str) -> Any:
    items = [s.strip() for s in raw.decode(default_encoding).split("\\")]
    return items[0] if len(items) == 1 else MultiValue(str, items)


def _dec_UR(raw: bytes, le: bool, encs: Any, tag: int | None, vr: str) -> Any:
    return raw.decode(default_encoding).rstrip()


def _dec_UI(raw: bytes, le: bool, encs: Any, tag: int | None, vr: str) -> Any:
    text = raw.decode(default_encoding).rstrip("\x00 ")
    if "\\" not in text:
        # what UID(text) makes of a plain str, without its checks
        return _new_str(UID, text.strip(" \x00"))
    return MultiValue(UID, text.split("\\"))


_new_str = str.__new__


def _make_lenient(vr: str, ctor: Callable[[str], Any], tag: int | None) -> Callable[[str], Any]:
    def convert(item: str) -> Any:
        try:
            return ctor(item)
        except InvalidValueError as exc:  # RAISE mode: name the tag
            if tag is None:
                raise
            raise type(exc)(f"{exc}{_tag_text(tag)}") from exc
        except (ValueError, TypeError, ArithmeticError) as exc:
            return _malformed(vr, item, tag, exc)

    return convert


def _da(item: str) -> Any:
    return DA(item.rstrip())


def _dt(item: str) -> Any:
    return DT(item.rstrip())


def _tm(item: str) -> Any:
    return TM(item.rstrip())


_DATETIME_CTOR = {"DA": _da, "DT": _dt, "TM": _tm}


def _dec_datetime(raw: bytes, le: bool, encs: Any, tag: int | None, vr: str) -> Any:
    text = raw.decode(default_encoding)
    if not _setting("datetime_conversion"):  # _dec_string, inlined
        text = text.rstrip(" \x00")
        return MultiValue(str, text.split("\\")) if "\\" in text else text
    items = text.split("\\")
    ctor = _make_lenient(vr, _DATETIME_CTOR[vr], tag)
    if len(items) == 1:
        return ctor(items[0])
    return _multi(_DATETIME_CTOR[vr], [ctor(item) for item in items])


def _multi(ctor: Callable[[Any], Any], converted: list[Any]) -> MultiValue[Any]:
    # items already converted: build without calling the constructor again (nor
    # MultiValue.__init__, which would pass each item through a function)
    mv: MultiValue[Any] = _new_multivalue(MultiValue)
    mv._constructor = ctor
    mv._list = converted
    return mv


_new_multivalue = MultiValue.__new__


_new_float = float.__new__
_new_int = int.__new__


def _ds_fast(item: str) -> Any:
    item = item.strip()
    if not item:
        return item
    value = float.__new__(DSfloat, item)  # ValueError for a malformed item
    value.original_string = item
    value.auto_format = False
    return value


def _is_fast(item: str) -> Any:
    item = item.strip()
    digits = item[1:] if item[:1] in ("-", "+") else item
    if not (digits.isascii() and digits.isdigit() and len(item) <= 12):
        raise ValueError(item)
    value = int.__new__(IS, item)
    value.original_string = item
    return value


_NUMPY_DS_CHARS = re.compile(r"[ \\0-9.+eE-]*\Z")
_NUMPY_IS_CHARS = re.compile(r"[ \\0-9+-]*\Z")


def _numpy_numbers(text: str, dtype: str) -> Any:
    """pydicom's ``use_DS_numpy`` / ``use_IS_numpy`` values: a numpy number or array."""
    import numpy as np  # deferred: numpy is needed only with these switches on

    parts = text.strip(" \x00").split("\\")
    kind = float if dtype == "f8" else int
    values = np.array([kind(part) for part in parts], dtype=dtype)
    return values[0] if len(values) == 1 else values


def _dec_DS(raw: bytes, le: bool, encs: Any, tag: int | None, vr: str) -> Any:
    text = raw.decode(default_encoding).strip()
    settings = _settings()
    if settings["use_DS_numpy"] and _NUMPY_DS_CHARS.match(text):
        return _numpy_numbers(text, "f8")
    cls = DSdecimal if settings["use_DS_decimal"] else DSfloat
    if cls is DSfloat and settings["reading_validation_mode"] != config.RAISE:
        text = text.rstrip(" \x00")
        try:
            if "\\" not in text:  # _ds_fast, inlined
                item = text.strip()
                if not item:
                    return item
                value = _new_float(DSfloat, item)  # ValueError for a malformed value
                value.original_string = item
                value.auto_format = False
                return value
            return _multi(DSfloat, [_ds_fast(item) for item in text.split("\\")])
        except ValueError:
            pass  # a malformed item: the lenient path below warns about it
    lenient = _make_lenient(vr, cls, tag)
    items = text.rstrip(" \x00").split("\\")
    if len(items) == 1:
        return lenient(items[0])
    return _multi(cls, [lenient(item) for item in items])


def _dec_IS(raw: bytes, le: bool, encs: Any, tag: int | None, vr: str) -> Any:
    text = raw.decode(default_encoding)
    settings = _settings()
    if settings["use_IS_numpy"] and _NUMPY_IS_CHARS.match(text.strip(" \x00")):
        return _numpy_numbers(text, "i8")
    text = text.rstrip(" \x00")
    if settings["reading_validation_mode"] != config.RAISE:
        if "\\" not in text:  # _is_fast, inlined
            item = text.strip()
            digits = item[1:] if item[:1] in ("-", "+") else item
            if digits.isascii() and digits.isdigit() and len(item) <= 12:
                value = _new_int(IS, item)
                value.original_string = item
                return value
        else:
            try:
                return _multi(IS, [_is_fast(item) for item in text.split("\\")])
            except ValueError:
                pass  # not a plain integer: the full IS rules below
    items = text.split("\\")
    lenient = _make_lenient(vr, IS, tag)
    if len(items) == 1:
        return lenient(items[0])
    return _multi(IS, [lenient(item) for item in items])


def _check_text(vr: str, item: str, tag: int | None) -> None:
    limit = MAX_VALUE_LEN.get(vr)
    if limit is not None and len(item) > limit:
        mode = _setting("reading_validation_mode")
        if mode != config.IGNORE:
            _validate_one(vr, item, mode, tag=tag)


def _dec_text(raw: bytes, le: bool, encs: Any, tag: int | None, vr: str) -> Any:
    text = decode_bytes(raw, encs or [default_encoding], _TEXT_MULTI_DELIMS)
    if "\\" not in text:
        _check_text(vr, text, tag)
        return text.rstrip("\x00 ")
    items = text.split("\\")
    for item in items:
        _check_text(vr, item, tag)
    return MultiValue(str, [item.rstrip("\x00 ") for item in items])


def _dec_single_text(raw: bytes, le: bool, encs: Any, tag: int | None, vr: str) -> Any:
    text = decode_bytes(raw, encs or [default_encoding], TEXT_VR_DELIMS)
    _check_text(vr, text, tag)
    return text.rstrip("\x00 ")


def _multibyte_g0(raw: bytes) -> bool:
    """True if `raw` designates a multi-byte set into G0 (ESC $ F or ESC $ ( F)."""
    pos = raw.find(b"\x1b$")
    while pos >= 0:
        if raw[pos + 2 : pos + 3] != b")":
            return True
        pos = raw.find(b"\x1b$", pos + 2)
    return False


def _dec_PN(raw: bytes, le: bool, encs: Any, tag: int | None, vr: str) -> Any:
    encs = encs or [default_encoding]
    stripped = raw.rstrip(b"\x00 ")
    if b"\\" not in stripped:
        return PersonName(stripped, encs)

    def make(item: Any) -> PersonName:
        return item if isinstance(item, PersonName) else PersonName(item, encs)

    if not _multibyte_g0(stripped) and encs[0] not in _BACKSLASH_TRAIL_CODECS:
        # 0x5C can only be the value delimiter: keep each value's own bytes
        return _multi(make, [PersonName(part, encs) for part in stripped.split(b"\\")])
    text = decode_bytes(stripped, encs, PN_VALUE_DELIMS)
    items = text.split("\\")
    if len(items) == 1:  # the byte 0x5C was part of a multi-byte character
        return PersonName(text, encs, stripped)
    return MultiValue(make, items)


def _bad_length(vr: str, raw: bytes, size: int, tag: int | None) -> bytes:
    msg = (
        f"Expected total bytes to be an even multiple of bytes per value{_tag_text(tag)}: "
        f"value length {len(raw)} is not a multiple of {size} for VR {vr}"
    )
    mode = _setting("reading_validation_mode")
    if mode == config.RAISE:
        raise BytesLengthException(msg)
    if mode == config.WARN:
        warnings.warn(msg + " - ignoring the trailing bytes", DcmcoreWarning, stacklevel=4)
    return raw[: len(raw) - len(raw) % size]


def _unpack(vr: str, raw: bytes, le: bool, tag: int | None) -> tuple[Any, ...] | list[Any]:
    size = _NUMBER_SIZE[vr]
    if len(raw) % size:
        raw = _bad_length(vr, raw, size, tag)
    count = len(raw) // size
    if count > _NUMPY_THRESHOLD:
        import numpy

        dtype = numpy.dtype(("<" if le else ">") + _NUMPY_TYPE[vr])
        return numpy.frombuffer(raw, dtype=dtype).tolist()
    return struct.unpack(f"{'<' if le else '>'}{count}{_NUMBER_FORMAT[vr]}", raw)


def _dec_number(raw: bytes, le: bool, encs: Any, tag: int | None, vr: str) -> Any:
    values = _unpack(vr, raw, le, tag)
    if len(values) == 1:
        return values[0]
    if not values:
        return empty_value_for_VR(vr)
    return MultiValue(_identity, values)


def _dec_AT(raw: bytes, le: bool, encs: Any, tag: int | None, vr: str) -> Any:
    if len(raw) % 4:
        raw = _bad_length(vr, raw, 4, tag)
    count = len(raw) // 2
    if not count:
        return None
    parts = struct.unpack(f"{'<' if le else '>'}{count}H", raw)
    tags = [BaseTag((parts[i] << 16) | parts[i + 1]) for i in range(0, count, 2)]
    return tags[0] if len(tags) == 1 else MultiValue(Tag, tags)


def _dec_bytes(raw: bytes, le: bool, encs: Any, tag: int | None, vr: str) -> Any:
    return raw


_DECODERS: dict[str, Callable[[bytes, bool, Any, int | None, str], Any]] = {
    "AE": _dec_AE,
    "AS": _dec_string,
    "CS": _dec_string,
    "DA": _dec_datetime,
    "DT": _dec_datetime,
    "TM": _dec_datetime,
    "DS": _dec_DS,
    "IS": _dec_IS,
    "UI": _dec_UI,
    "UR": _dec_UR,
    "LO": _dec_text,
    "SH": _dec_text,
    "UC": _dec_text,
    "LT": _dec_single_text,
    "ST": _dec_single_text,
    "UT": _dec_single_text,
    "PN": _dec_PN,
    "AT": _dec_AT,
    **{vr: _dec_number for vr in _NUMBER_FORMAT},
    **{vr: _dec_bytes for vr in _BYTES_VR},
}


def decode_value(
    vr: str,
    raw: bytes,
    *,
    little_endian: bool = True,
    encodings: list[str] | None = None,
    tag: int | None = None,
) -> Any:
    """Convert the bytes of an element value to its Python value.

    Parameters
    ----------
    vr : str
        The element's VR (any but SQ; ambiguous VRs give bytes).
    raw : bytes
        The value bytes, padding included.
    little_endian : bool
        Byte order of binary numbers and AT.
    encodings : list of str, optional
        Python codecs of (0008,0005) (see :func:`dcmcore.charset.convert_encodings`),
        used by SH, LO, UC, ST, LT, UT and PN.
    tag : int, optional
        Named in warnings and errors.

    Returns
    -------
    Any
        str / MultiValue[str] for text, PersonName, DSfloat or DSdecimal, IS,
        UID, DA/DT/TM (only when ``datetime_conversion``), BaseTag, int, float,
        MultiValue of those, or bytes; :func:`empty_value_for_VR` when `raw` is empty.

    Raises
    ------
    ValueError
        If `vr` is SQ or unknown.
    dcmcore.errors.InvalidValueError, dcmcore.errors.BytesLengthException
        Only in the RAISE reading validation mode, for malformed values.
    """
    if not raw:
        return empty_value_for_VR(vr)
    if type(raw) is not bytes:
        raw = bytes(raw)  # bytearray / memoryview from a buffer
    try:
        decoder = _DECODERS[vr]
    except KeyError:
        if vr == "SQ":
            raise ValueError("decode_value() does not decode sequences (VR SQ)") from None
        raise ValueError(f"Unknown Value Representation {vr!r}{_tag_text(tag)}") from None
    return decoder(raw, little_endian, encodings, tag, vr)


# ----------------------------------------------------------------------------
# encoding


def _pad(data: bytes, pad: bytes) -> bytes:
    return data + pad if len(data) & 1 else data


def _items(value: Any) -> list[Any]:
    if isinstance(value, (str, bytes, bytearray, PersonName)) or not hasattr(value, "__iter__"):
        return [value]
    return list(value)


def _ascii(text: str, vr: str) -> bytes:
    try:
        return text.encode(default_encoding)
    except UnicodeEncodeError as exc:
        msg = f"Value {text!r} of VR {vr} has characters outside the default repertoire"
        if _setting("writing_validation_mode") == config.RAISE:
            raise InvalidValueError(msg) from exc
        warnings.warn(msg + " - replacing them", DcmcoreWarning, stacklevel=4)
        return text.encode(default_encoding, errors="replace")


def _ds_text(item: Any) -> str:
    text = str(item)
    if len(text) > 16 and _setting("auto_format_DS") and isinstance(item, (float, Decimal)):
        return format_number_as_ds(item)
    return text


def _datetime_text(item: Any, vr: str) -> str:
    if isinstance(item, str):
        return item
    if hasattr(item, "original_string"):
        return str(item)
    ctor = {"DA": DA, "DT": DT, "TM": TM}[vr]
    if isinstance(item, (datetime.date, datetime.time)):
        return str(ctor(item))
    return str(item)


def _text_item(vr: str, item: Any, encodings: list[str]) -> bytes:
    if item is None:
        return b""
    if isinstance(item, (bytes, bytearray)):
        return bytes(item)
    if vr == "PN":
        if isinstance(item, PersonName):
            return item.encode(encodings)
        return PersonName(str(item), validation_mode=config.IGNORE).encode(encodings)
    if vr in _CHARSET_MULTI_VR or vr in _CHARSET_SINGLE_VR:
        return encode_string(str(item), encodings)
    if vr == "DS":
        return _ascii(_ds_text(item), vr)
    if vr in ("DA", "DT", "TM"):
        return _ascii(_datetime_text(item, vr), vr)
    return _ascii(str(item), vr)


def encode_value(
    vr: str,
    value: Any,
    *,
    little_endian: bool = True,
    encodings: list[str] | None = None,
) -> bytes:
    """Encode a Python value as element value bytes, padded to an even length.

    Parameters
    ----------
    vr : str
        The element's VR (not SQ).
    value : Any
        A value as :func:`decode_value` returns, or a list of items, or
        ready-made bytes.
    little_endian : bool
        Byte order of binary numbers and AT.
    encodings : list of str, optional
        Python codecs for SH, LO, UC, ST, LT, UT and PN.

    Returns
    -------
    bytes
        The value bytes; text is padded with a space, UI and byte VRs with NUL.
    """
    if value is None:
        return b""
    encodings = encodings or [default_encoding]
    if vr in _BYTES_VR:
        if isinstance(value, (bytes, bytearray, memoryview)):
            return _pad(bytes(value), b"\x00")
        if vr == "US or SS" or vr == "US or OW" or vr == "US or SS or OW":
            return encode_value("US", value, little_endian=little_endian)
        raise TypeError(f"A value of VR {vr} must be bytes, not {type(value).__name__}")
    fmt = _NUMBER_FORMAT.get(vr)
    if fmt is not None:
        if isinstance(value, (bytes, bytearray)):
            return bytes(value)
        if hasattr(value, "tolist"):
            value = value.tolist()
        items = _items(value)
        if not items or items == [""]:
            return b""
        try:
            return struct.pack(f"{'<' if little_endian else '>'}{len(items)}{fmt}", *items)
        except struct.error as exc:
            shown = reprlib.repr(value)  # bounded: values may hold millions of items
            raise InvalidValueError(f"Cannot encode {shown} as VR {vr}: {exc}") from exc
    if vr == "AT":
        items = [Tag(v) for v in _items(value) if v is not None and not (isinstance(v, str) and not v)]
        order = "<" if little_endian else ">"
        return b"".join(struct.pack(f"{order}HH", t >> 16, t & 0xFFFF) for t in items)
    if vr == "SQ":
        raise ValueError("encode_value() does not encode sequences (VR SQ)")
    if isinstance(value, (bytes, bytearray)):
        data = bytes(value)
    elif vr in _CHARSET_SINGLE_VR or vr == "UR":
        data = _text_item(vr, value, encodings)
    else:
        data = b"\\".join(_text_item(vr, item, encodings) for item in _items(value))
    return _pad(data, b"\x00" if vr == "UI" else b" ")


# ----------------------------------------------------------------------------
# validation


def validate_value(vr: str, value: Any, validation_mode: int | None) -> None:
    """Check `value` (one value or a list of them) against `vr`.

    Parameters
    ----------
    vr : str
        The element's VR.
    value : Any
        The value; lists and MultiValues are checked item by item.
    validation_mode : int or None
        ``IGNORE``, ``WARN`` (warns :class:`~dcmcore.errors.DcmcoreWarning`) or
        ``RAISE`` (raises :class:`~dcmcore.errors.InvalidValueError`); ``None``
        uses ``config.settings.writing_validation_mode``.
    """
    if validation_mode is None:
        validation_mode = _setting("writing_validation_mode")
    if validation_mode == config.IGNORE or value is None:
        return
    if vr in _BYTES_VR:
        _validate_one(vr, value, validation_mode)
        return
    for item in _items(value):
        _validate_one(vr, item, validation_mode)
