"""Character sets: (0008,0005) Specific Character Set terms, decoding and encoding.

DICOM text is either in one stand-alone character set (``ISO_IR 192`` UTF-8,
``GB18030``, ``GBK``, or one of the single-byte ``ISO_IR nnn`` sets), or uses
ISO 2022 code extensions: value 1 of Specific Character Set is active at the
start of a value and after each delimiter, and escape sequences designate other
code elements into the G0 (7-bit) or G1 (8-bit) area (PS3.5 6.1.2.5, PS3.3
C.12.1.1.2).

Encodings are passed around as lists of Python codec names, as pydicom does.
"""

from __future__ import annotations

import codecs
import re
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from dcmcore import config
from dcmcore.errors import CharsetError, DcmcoreWarning

if TYPE_CHECKING:  # pragma: no cover
    from dcmcore.element import DataElement

__all__ = [
    "default_encoding",
    "python_encoding",
    "convert_encodings",
    "decode_bytes",
    "encode_string",
    "TEXT_VR_DELIMS",
    "PN_DELIMS",
    "STAND_ALONE_ENCODINGS",
    "decode_string",
    "decode_element",
]

#: Python codec used when no character set is given (ISO-IR 6; high bytes read as Latin-1).
default_encoding = "iso8859"

#: Bytes that reset code extensions in text values: LF, CR, TAB, FF.
TEXT_VR_DELIMS = frozenset({0x0D, 0x0A, 0x09, 0x0C})
#: Bytes that reset code extensions in person names: the text delimiters, ``^``, ``=``.
PN_DELIMS = TEXT_VR_DELIMS | {0x5E, 0x3D}
#: Delimiters used when a whole multi-valued PN value is decoded at once.
PN_VALUE_DELIMS = PN_DELIMS | {0x5C}

#: Defined terms of (0008,0005) and the Python codec of each.
python_encoding: dict[str, str] = {
    "": default_encoding,
    "ISO_IR 6": default_encoding,
    "ISO_IR 13": "shift_jis",
    "ISO_IR 100": "latin_1",
    "ISO_IR 101": "iso8859_2",
    "ISO_IR 109": "iso8859_3",
    "ISO_IR 110": "iso8859_4",
    "ISO_IR 126": "iso_ir_126",
    "ISO_IR 127": "iso_ir_127",
    "ISO_IR 138": "iso_ir_138",
    "ISO_IR 144": "iso_ir_144",
    "ISO_IR 148": "iso_ir_148",
    "ISO_IR 166": "iso_ir_166",
    "ISO_IR 203": "iso8859_15",
    "ISO_IR 192": "UTF8",
    "GB18030": "GB18030",
    "GBK": "GBK",
    "ISO 2022 IR 6": default_encoding,
    "ISO 2022 IR 13": "shift_jis",
    "ISO 2022 IR 87": "iso2022_jp",
    "ISO 2022 IR 159": "iso2022_jp_2",
    "ISO 2022 IR 100": "latin_1",
    "ISO 2022 IR 101": "iso8859_2",
    "ISO 2022 IR 109": "iso8859_3",
    "ISO 2022 IR 110": "iso8859_4",
    "ISO 2022 IR 126": "iso_ir_126",
    "ISO 2022 IR 127": "iso_ir_127",
    "ISO 2022 IR 138": "iso_ir_138",
    "ISO 2022 IR 144": "iso_ir_144",
    "ISO 2022 IR 148": "iso_ir_148",
    "ISO 2022 IR 166": "iso_ir_166",
    "ISO 2022 IR 203": "iso8859_15",
    "ISO 2022 IR 149": "euc_kr",
    "ISO 2022 IR 58": "iso_ir_58",
    # CP 1234 spellings
    "ISO 2022 GBK": "GBK",
    "ISO 2022 58": "GB2312",
}

#: Terms that forbid code extensions (PS3.3 Table C.12-5, PS3.5 6.1.2.5.4 d).
STAND_ALONE_ENCODINGS = frozenset({"ISO_IR 192", "GBK", "GB18030"})
_STAND_ALONE_CODECS = frozenset(codecs.lookup(c).name for c in ("UTF8", "GB18030", "GBK"))

ESC = 0x1B
_ESC = b"\x1b"

# graphic areas
_G0, _G1 = 0, 1


class _Element(NamedTuple):
    """One code element: where it goes (G0/G1), its escape, the codec for its bytes."""

    area: int
    escape: bytes
    codec: str
    multibyte: bool = False


# Escape sequences of PS3.3 Tables C.12-3 and C.12-4 -> code element
_ESCAPES: dict[bytes, _Element] = {
    b"\x1b(B": _Element(_G0, b"\x1b(B", default_encoding),
    b"\x1b(J": _Element(_G0, b"\x1b(J", "shift_jis"),
    b"\x1b$B": _Element(_G0, b"\x1b$B", "iso2022_jp", True),
    b"\x1b$(D": _Element(_G0, b"\x1b$(D", "iso2022_jp_2", True),
    b"\x1b-A": _Element(_G1, b"\x1b-A", "latin_1"),
    b"\x1b-B": _Element(_G1, b"\x1b-B", "iso8859_2"),
    b"\x1b-C": _Element(_G1, b"\x1b-C", "iso8859_3"),
    b"\x1b-D": _Element(_G1, b"\x1b-D", "iso8859_4"),
    b"\x1b-F": _Element(_G1, b"\x1b-F", "iso_ir_126"),
    b"\x1b-G": _Element(_G1, b"\x1b-G", "iso_ir_127"),
    b"\x1b-H": _Element(_G1, b"\x1b-H", "iso_ir_138"),
    b"\x1b-L": _Element(_G1, b"\x1b-L", "iso_ir_144"),
    b"\x1b-M": _Element(_G1, b"\x1b-M", "iso_ir_148"),
    b"\x1b-T": _Element(_G1, b"\x1b-T", "iso_ir_166"),
    b"\x1b-b": _Element(_G1, b"\x1b-b", "iso8859_15"),
    b"\x1b)I": _Element(_G1, b"\x1b)I", "shift_jis"),
    b"\x1b$)C": _Element(_G1, b"\x1b$)C", "euc_kr", True),
    b"\x1b$)A": _Element(_G1, b"\x1b$)A", "iso_ir_58", True),
}

# Python codec (normalised name) -> the code element used when encoding with it
_CODEC_ELEMENT: dict[str, _Element] = {}
for _el in _ESCAPES.values():
    _CODEC_ELEMENT.setdefault(codecs.lookup(_el.codec).name, _el)
_CODEC_ELEMENT[codecs.lookup("shift_jis").name] = _ESCAPES[b"\x1b)I"]
_CODEC_ELEMENT.pop(codecs.lookup(default_encoding).name)
_CODEC_ELEMENT[codecs.lookup("latin_1").name] = _ESCAPES[b"\x1b-A"]


# ISO 2022 IR 13 as value 1: JIS X 0201 Roman in G0 and Katakana in G1
_SJIS_VALUE1 = _Element(_G0, b"\x1b(J", "shift_jis")


def _warn(msg: str) -> None:
    warnings.warn(msg, DcmcoreWarning, stacklevel=3)


def _strict(mode: str = "reading_validation_mode") -> bool:
    """Raise instead of warning: ``strict_charset``, or the RAISE validation mode (as pydicom)."""
    settings = config.settings
    return bool(settings.strict_charset) or getattr(settings, mode) == config.RAISE


# ----------------------------------------------------------------------------
# Specific Character Set -> codecs

_MISSPELLED = re.compile(r"^ISO[\s_+-]*(2022)?[\s_+-]*IR[\s_+-]*(\d+)$")


def _corrected_term(term: str) -> str | None:
    """The defined term `term` was probably meant to be, or None."""
    upper = term.strip().upper()
    if upper in python_encoding:
        return upper
    match = _MISSPELLED.match(upper)
    if match is None:
        if upper.replace("-", "").replace("_", "").replace(" ", "") in ("GB18030", "GBK"):
            return upper.replace("-", "").replace("_", "").replace(" ", "")
        return None
    number = match.group(2).lstrip("0") or "0"
    candidates = [f"ISO 2022 IR {number}", f"ISO_IR {number}"]
    if not match.group(1):
        candidates.reverse()
    for candidate in candidates:
        if candidate in python_encoding:
            return candidate
    return None


def _codec_for_term(term: str) -> str:
    try:
        return python_encoding[term]
    except KeyError:
        pass
    corrected = _corrected_term(term)
    if corrected is not None:
        _warn(f"Incorrect value for Specific Character Set '{term}' - assuming '{corrected}'")
        return python_encoding[corrected]
    try:
        # already a Python codec name (pydicom accepts those silently)
        codecs.lookup(term)
        return term
    except (LookupError, ValueError):  # ValueError: e.g. an embedded NUL
        pass
    if _strict():
        raise CharsetError(f"Unknown Specific Character Set term '{term}'")
    _warn(f"Unknown encoding '{term}' in Specific Character Set - using default encoding instead")
    return default_encoding


def convert_encodings(specific_character_set: str | Sequence[str] | None) -> list[str]:
    """Return the Python codecs for a (0008,0005) *Specific Character Set* value.

    Parameters
    ----------
    specific_character_set : str, list of str or None
        The element value; ``None`` or empty means the default repertoire.

    Returns
    -------
    list of str
        One Python codec name per value. Misspelled terms (``'ISO IR 100'``)
        are corrected with a warning; unknown terms become the default encoding
        with a :class:`~dcmcore.errors.DcmcoreWarning` (or raise
        :class:`~dcmcore.errors.CharsetError` when ``strict_charset`` is set).
        Stand-alone sets used with code extensions are dropped with a warning.
    """
    if not specific_character_set:
        return [default_encoding]
    if isinstance(specific_character_set, (bytes, bytearray)):
        specific_character_set = bytes(specific_character_set).decode("latin_1")
    if isinstance(specific_character_set, str):
        terms = specific_character_set.split("\\")
    elif isinstance(specific_character_set, Sequence):
        terms = [str(t) for t in specific_character_set]
    else:  # a wrongly encoded element, e.g. with VR IS or US: judge its text
        terms = [str(specific_character_set)]
    terms = [t.strip(" \x00") for t in terms]
    if not terms[0]:
        terms[0] = "ISO_IR 6"
    result = [_codec_for_term(t) for t in terms]
    if len(terms) > 1:
        if terms[0] in STAND_ALONE_ENCODINGS:
            _warn(
                f"Value '{terms[0]}' for Specific Character Set does not allow code "
                f"extensions, ignoring: {', '.join(terms[1:])}"
            )
            return result[:1]
        for i in range(len(terms) - 1, 0, -1):
            if terms[i] in STAND_ALONE_ENCODINGS:
                _warn(f"Value '{terms[i]}' cannot be used as code extension, ignoring it")
                del result[i]
    return result


# ----------------------------------------------------------------------------
# decoding


def _normalised(codec: str) -> str:
    try:
        return codecs.lookup(codec).name
    except LookupError:
        return codec


def _decode_with(data: bytes, codec: str, encodings: Sequence[str]) -> str:
    """Decode `data` with one codec; lenient fallbacks as the module docstring says."""
    try:
        return data.decode(codec)
    except LookupError:
        if _strict():
            raise CharsetError(f"Unknown encoding '{codec}'") from None
        _warn(f"Unknown encoding '{codec}' - using default encoding instead")
        return data.decode(default_encoding, errors="replace")
    except UnicodeError as exc:
        if _strict():
            raise CharsetError(
                f"Failed to decode {data[:64]!r} with encodings {list(encodings)}: {exc}"
            ) from exc
        _warn(
            f"Failed to decode byte string with encodings: {', '.join(encodings)} "
            "- using replacement characters in decoded string"
        )
        return data.decode(codec, errors="replace")


def decode_bytes(
    value: bytes, encodings: Sequence[str], delimiters: frozenset[int] | set[int] = TEXT_VR_DELIMS
) -> str:
    """Decode a text value that may use ISO 2022 code extensions.

    Parameters
    ----------
    value : bytes
        The encoded value.
    encodings : list of str
        Python codecs from :func:`convert_encodings`; the first is value 1,
        active at the start and after each delimiter.
    delimiters : set of int
        Byte values after which value 1 is active again (PS3.5 6.1.2.5.3).

    Returns
    -------
    str
        The decoded text. Bytes that cannot be decoded become U+FFFD with a
        warning (or :class:`~dcmcore.errors.CharsetError` in strict mode).
    """
    if not encodings:
        encodings = [default_encoding]
    first = encodings[0]
    if ESC not in value or _normalised(first) in _STAND_ALONE_CODECS:
        return _decode_with(value, first, encodings)
    return _decode_extended(value, encodings, delimiters)


_SEVEN_EIGHT_BIT = re.compile(rb"[\x00-\x7f]+|[\x80-\xff]+")


def _decode_extended(value: bytes, encodings: Sequence[str], delimiters: frozenset[int] | set[int]) -> str:
    first = encodings[0]
    first_norm = _normalised(first)
    jis_first = first_norm == "shift_jis"
    allowed = {_normalised(e) for e in encodings}
    # state: (G0 element or None for value 1's G0, G1 codec)
    g0: _Element | None = None
    g1 = first
    out: list[str] = []
    pos = 0
    end = len(value)
    while pos < end:
        esc = value.find(_ESC, pos)
        chunk_end = end if esc < 0 else esc
        if chunk_end > pos:
            chunk = value[pos:chunk_end]
            if g0 is not None and g0.multibyte:
                # a multi-byte G0 set: the codec handles the 7-bit bytes after its
                # escape; 8-bit bytes still belong to the G1 set
                for run in _SEVEN_EIGHT_BIT.findall(chunk):
                    if run[0] < 0x80:
                        out.append(_decode_with(g0.escape + run, g0.codec, encodings))
                    else:
                        out.append(_decode_with(run, g1, encodings))
            else:
                # JIS X 0201 Roman in G0 (not value 1's): decode as shift_jis,
                # else the 7-bit bytes are ASCII and the high bytes belong to G1
                codec = "shift_jis" if g0 is not None else g1
                if g0 is not None or g1 != first:
                    idx = next((i for i, b in enumerate(chunk) if b in delimiters), -1)
                    if idx >= 0:
                        out.append(_decode_with(chunk[:idx], codec, encodings))
                        chunk = chunk[idx:]
                        codec = first
                        g0, g1 = None, first
                out.append(_decode_with(chunk, codec, encodings))
        if esc < 0:
            break
        element = _ESCAPES.get(value[esc : esc + 4]) or _ESCAPES.get(value[esc : esc + 3])
        if element is None:
            if _strict():
                raise CharsetError(f"Unknown escape sequence {value[esc:esc + 4]!r} in text value")
            _warn(f"Found unknown escape sequence in encoded string value - using encoding {first}")
            out.append("\x1b")
            pos = esc + 1
            continue
        if _normalised(element.codec) not in allowed and element.escape not in (b"\x1b(B", b"\x1b(J"):
            # not declared in (0008,0005): decode it anyway, since that is what it says
            _warn(
                f"Escape sequence {element.escape!r} used but its character set is not "
                f"in Specific Character Set (encodings {list(encodings)})"
            )
        if element.area == _G0:
            if element.escape == b"\x1b(B" and not jis_first:
                g0 = None
            elif element.escape == b"\x1b(J" and jis_first:
                g0 = None
            else:
                g0 = element
        else:
            g1 = element.codec
        pos = esc + len(element.escape)
    return "".join(out)


# ----------------------------------------------------------------------------
# encoding


def _encode_element(text: str, element: _Element | None, codec: str) -> bytes:
    """Encode `text` in one code element only; raise UnicodeEncodeError if impossible."""
    if element is None:
        return text.encode(codec)
    if element.escape in (b"\x1b$B", b"\x1b$(D"):
        parts = []
        for i, ch in enumerate(text):
            enc = ch.encode(element.codec)
            if not enc.startswith(element.escape):
                raise UnicodeEncodeError(codec, text, i, i + 1, "not in this code element")
            body = enc[len(element.escape):]
            tail = body.find(_ESC)
            parts.append(body if tail < 0 else body[:tail])
        return b"".join(parts)
    if element.codec == "shift_jis":
        out = text.encode("shift_jis")
        if len(out) != len(text):
            idx = next(i for i, ch in enumerate(text) if len(ch.encode("shift_jis")) != 1)
            raise UnicodeEncodeError(codec, text, idx, idx + 1, "not in JIS X 0201")
        if element is not _SJIS_VALUE1:
            # as a code extension only the Katakana half (G1) is designated: the
            # JIS X 0201 Roman characters that differ from ASCII (yen, overline) can't be used
            for i, (ch, byte) in enumerate(zip(text, out)):
                if byte < 0x80 and ord(ch) >= 0x80:
                    raise UnicodeEncodeError(codec, text, i, i + 1, "not in JIS X 0201 Katakana")
        return out
    return text.encode(element.codec)


def _element_for(codec: str) -> _Element | None:
    # 'iso8859' (ISO-IR 6) and 'latin_1' (ISO-IR 100) are the same Python codec
    if codec == default_encoding:
        return _ESCAPES[b"\x1b(B"]
    return _CODEC_ELEMENT.get(_normalised(codec))


def encode_string(value: str, encodings: Sequence[str], delimiters: str = "\r\n\t\f") -> bytes:
    """Encode `value` with value 1 of `encodings`, using code extensions when needed.

    Parameters
    ----------
    value : str
        The text to encode.
    encodings : list of str
        Python codecs from :func:`convert_encodings`.
    delimiters : str
        Characters before which value 1 must be active again.

    Returns
    -------
    bytes
        The encoded value, with escape sequences designating the other code
        elements where characters need them, and returning to value 1 before
        delimiters and at the end. Characters no code element can encode are
        replaced by ``?`` with a warning (:class:`~dcmcore.errors.CharsetError`
        in strict mode).
    """
    if not encodings:
        encodings = [default_encoding]
    first = encodings[0]
    first_el = _element_for(first)
    if first_el is not None and first_el.codec == "shift_jis":
        first_el = _SJIS_VALUE1
    # with code extensions an empty value 1 is strictly ISO-IR 6 (ASCII); alone it
    # is read as Latin-1 for leniency, and written so, as pydicom does
    strict_first = "ascii" if first == default_encoding and len(encodings) > 1 else first
    try:
        if first_el is not None and first_el.codec == "shift_jis":
            return _encode_element(value, first_el, first)
        return value.encode(strict_first)
    except UnicodeEncodeError:
        pass
    except LookupError:
        if _strict("writing_validation_mode"):
            raise CharsetError(f"Unknown encoding '{first}'") from None
        _warn(f"Unknown encoding '{first}' - using default encoding instead")
        return value.encode(default_encoding, errors="replace")
    extended = len(encodings) > 1 and _normalised(first) not in _STAND_ALONE_CODECS
    if extended:
        try:
            return _encode_extended(value, encodings, delimiters)
        except UnicodeEncodeError:
            pass
    if _strict("writing_validation_mode"):
        raise CharsetError(f"Failed to encode {value!r} with encodings {list(encodings)}")
    _warn(
        f"Failed to encode value with encodings: {', '.join(encodings)} "
        "- using replacement characters in encoded string"
    )
    if extended:
        return _encode_extended(value, encodings, delimiters, replace=True)
    return value.encode(first, errors="replace")


def _return_escape(first: str) -> bytes:
    """The escape that makes value 1's G0 active again."""
    return b"\x1b(J" if _normalised(first) == "shift_jis" else b"\x1b(B"


def _encode_extended(
    value: str, encodings: Sequence[str], delimiters: str, replace: bool = False
) -> bytes:
    first = encodings[0]
    first_el = _element_for(first)
    first_is_sj = first_el is not None and first_el.codec == "shift_jis"
    if first_is_sj:
        first_el = _SJIS_VALUE1
    # value 1's own element for encoding; plain codec when it has no escape
    elements = [(None if i == 0 else _element_for(c), c) for i, c in enumerate(encodings)]
    if first == default_encoding:
        elements[0] = (None, "ascii")
    if first_is_sj:
        elements[0] = (first_el, first)

    # the whole value in one extension element (pydicom's preferred form), unless
    # a delimiter inside it would reset the decoder to value 1
    spans_delimiter = any(ch in value for ch in delimiters)
    for el, codec in elements[1:]:
        if el is None or spans_delimiter:
            continue
        try:
            body = _encode_element(value, el, codec)
        except UnicodeEncodeError:
            continue
        escape = el.escape
        tail = _return_escape(first) if el.area == _G0 and el.multibyte else b""
        return escape + body + tail

    out = bytearray()
    g0_changed = False  # a multi-byte G0 set is active
    g1_current: _Element | None = None  # G1 designated by us (None: value 1's)
    # G1 is designated again after a G0 return escape: some decoders (pydicom's)
    # reset both areas at ESC ( B
    g1_stale = False
    i, n = 0, len(value)
    while i < n:
        ch = value[i]
        if ch in delimiters:
            if g0_changed:
                out += _return_escape(first)
                g0_changed = False
            if g1_current is not None and first_el is not None and first_el.area == _G1:
                out += first_el.escape  # value 1 active again before the delimiter
            g1_current = None
            out += ch.encode(first, errors="replace")
            i += 1
            continue
        # keep the current element while it can encode the characters
        chosen = None
        if not g0_changed and g1_current is None:
            try:
                _encode_element(ch, elements[0][0], elements[0][1])
                chosen = elements[0]
            except UnicodeEncodeError:
                pass
        if chosen is None:
            for el, codec in elements:
                try:
                    _encode_element(ch, el, codec)
                except UnicodeEncodeError:
                    continue
                chosen = (el, codec)
                break
        if chosen is None:
            if not replace:
                raise UnicodeEncodeError(first, value, i, i + 1, "no code element can encode it")
            value = value[:i] + "?" + value[i + 1 :]
            continue
        el, codec = chosen
        # collect the run this element can encode
        j = i + 1
        while j < n and value[j] not in delimiters:
            try:
                _encode_element(value[j], el, codec)
            except UnicodeEncodeError:
                break
            j += 1
        run = value[i:j]
        body = _encode_element(run, el, codec)
        if el is None or el is elements[0][0] and first_is_sj:
            if g0_changed:
                out += _return_escape(first)
                g0_changed = False
                g1_stale = True
            if (g1_current is not None or g1_stale) and any(b >= 0x80 for b in body):
                if first_el is not None and first_el.area == _G1:
                    out += first_el.escape
                g1_current = None
                g1_stale = False
        elif el.area == _G0:
            out += el.escape
            g0_changed = el.multibyte
        else:
            if g0_changed:
                out += _return_escape(first)
                g0_changed = False
                g1_stale = True
            if g1_current is not el or g1_stale:
                out += el.escape
                g1_current = el
                g1_stale = False
        out += body
        i = j
    if g0_changed:
        out += _return_escape(first)
    return bytes(out)


#: pydicom's older name of :func:`decode_bytes`.
decode_string = decode_bytes

_CHARSET_VRS = frozenset({"LO", "LT", "PN", "SH", "ST", "UC", "UT"})


def decode_element(elem: DataElement, dicom_character_set: str | Sequence[str] | None) -> None:
    """Decode a data element's byte value(s) in place, as pydicom's ``decode_element``.

    Parameters
    ----------
    elem : DataElement
        An element whose value may still be ``bytes`` (or a ``PersonName``
        made from bytes) for a VR affected by Specific Character Set.
    dicom_character_set : str, list of str or None
        The (0008,0005) value to decode with.
    """
    value = elem.value
    if value is None or value == "" or value == b"" or elem.VR not in _CHARSET_VRS:
        return
    encodings = convert_encodings(dicom_character_set or ["ISO_IR 6"])
    multi = isinstance(value, (list, tuple)) or hasattr(value, "_list")
    items = list(value) if multi else [value]
    if elem.VR == "PN":
        from dcmcore.personname import PersonName  # cycle: personname imports charset

        out: list[Any] = [
            (item if isinstance(item, PersonName) else PersonName(item)).decode(encodings)
            for item in items
        ]
    else:
        out = [
            decode_bytes(item, encodings, TEXT_VR_DELIMS) if isinstance(item, bytes) else item
            for item in items
        ]
    elem.value = out if multi else out[0]
