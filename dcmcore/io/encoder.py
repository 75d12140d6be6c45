"""Encode a dataset into DICOM bytes (the body of a Part 10 file, or a bare dataset).

The encoder appends bytes chunks to a list instead of writing to a stream:
large values (pixel data) are referenced, never copied, until the caller joins
or writes the chunks, and lengths that are only known once their content is
encoded (group lengths, defined-length sequences and items) are filled in later
through small ``bytearray`` placeholders kept in the same list.

Raw elements read in the same encoding as the one being written are copied as
they are; the others are converted to :class:`~dcmcore.element.DataElement`
and encoded with :func:`dcmcore.converters.encode_value`.
"""

from __future__ import annotations

import array
import struct
import sys
from typing import TYPE_CHECKING, Any, TypeAlias

from dcmcore import charset, converters, dictionary
from dcmcore.element import DataElement, RawDataElement, convert_raw_data_element
from dcmcore.errors import WriteError
from dcmcore.vr import EXPLICIT_VR_LENGTH_32, STRUCT_FORMAT

if TYPE_CHECKING:  # pragma: no cover
    from dcmcore.dataset import Dataset

#: The encoded bytes, in order: bytes (values referenced, not copied) and
#: ``bytearray`` placeholders for lengths filled in later.
Chunks: TypeAlias = "list[bytes | bytearray | memoryview]"

__all__ = ["Chunks", "Encoding", "encode_dataset", "encode_element", "swap_bytes", "resolve_ambiguous_vr"]

_UNDEFINED = 0xFFFFFFFF

_LE_SHORT = struct.Struct("<HH2sH").pack  # explicit VR, 2-byte length
_LE_LONG = struct.Struct("<HH2sHL").pack  # explicit VR, reserved + 4-byte length
_LE_IMPL = struct.Struct("<HHL").pack  # implicit VR
_BE_SHORT = struct.Struct(">HH2sH").pack
_BE_LONG = struct.Struct(">HH2sHL").pack
_BE_IMPL = struct.Struct(">HHL").pack
_LE_UL = struct.Struct("<L").pack
_BE_UL = struct.Struct(">L").pack

#: VRs whose byte values hold words that change with the byte order, and the word size.
SWAP_SIZE = {"OW": 2, "OF": 4, "OL": 4, "OD": 8, "OV": 8}
_ARRAY_CODE = {2: "H", 4: "I" if array.array("I").itemsize == 4 else "L", 8: "Q"}

#: VR bytes (explicit VR) of every VR; unknown strings are checked at use.
_VR_BYTES: dict[str | None, bytes] = {
    vr: vr.encode("ascii")
    for vr in (
        "AE AS AT CS DA DS DT FD FL IS LO LT OB OD OF OL OV OW PN SH SL SQ SS ST SV TM UC "
        "UI UL UN UR US UT UV"
    ).split()
}
_LONG_VR = frozenset(EXPLICIT_VR_LENGTH_32)
_BYTES_VALUE_VR = frozenset({"OB", "OD", "OF", "OL", "OV", "OW", "UN"})
#: VRs padded with a space (text); the others are padded with a NUL byte.
_SPACE_PADDED = frozenset(
    {"AE", "AS", "CS", "DA", "DS", "DT", "IS", "LO", "LT", "PN", "SH", "ST", "TM", "UC", "UR", "UT"}
)

#: VRs always in the default repertoire (ASCII) whose str values take the fast path.
_ASCII_VR = frozenset({"AE", "AS", "CS", "DA", "DT", "TM", "UI", "UR"})
#: VRs using the character set whose str values are plain text (not PN: it has groups).
_CHARSET_TEXT_VR = frozenset({"LO", "LT", "SH", "ST", "UC", "UT"})
#: Python encodings (single, no code extensions) that encode ASCII text as ASCII.
_ASCII_COMPATIBLE = frozenset(
    {
        "iso8859",
        "latin_1",
        "UTF8",
        "utf_8",
        "iso8859_2",
        "iso8859_3",
        "iso8859_4",
        "iso8859_5",
        "iso8859_6",
        "iso8859_7",
        "iso8859_8",
        "iso8859_9",
        "iso8859_15",
        "tis_620",
        "GB18030",
        "GBK",
        "ascii",
    }
)
#: VRs whose encoded value is the same in both byte orders.
_ORDER_FREE_VR = frozenset(
    {
        "AE",
        "AS",
        "CS",
        "DA",
        "DS",
        "DT",
        "IS",
        "LO",
        "LT",
        "PN",
        "SH",
        "ST",
        "TM",
        "UC",
        "UI",
        "UR",
        "UT",
        "OB",
    }
)
_INT_PACK = frozenset({"US", "SS", "UL", "SL", "UV", "SV"})

_ITEM_LE = b"\xfe\xff\x00\xe0"
_ITEM_BE = b"\xff\xfe\xe0\x00"
_ITEM_DELIM_LE = b"\xfe\xff\x0d\xe0\x00\x00\x00\x00"
_ITEM_DELIM_BE = b"\xff\xfe\xe0\x0d\x00\x00\x00\x00"
_SEQ_DELIM_LE = b"\xfe\xff\xdd\xe0\x00\x00\x00\x00"
_SEQ_DELIM_BE = b"\xff\xfe\xe0\xdd\x00\x00\x00\x00"


class Encoding:
    """The target encoding of one write, with its pre-bound header packers.

    Parameters
    ----------
    implicit_vr : bool
        Write implicit VR (no VR field in element headers).
    little_endian : bool
        Byte order of lengths and binary values.
    """

    __slots__ = (
        "implicit_vr",
        "little_endian",
        "short",
        "long",
        "impl",
        "ul",
        "item",
        "item_delim",
        "seq_delim",
        "key",
        "int_pack",
    )

    def __init__(self, implicit_vr: bool, little_endian: bool) -> None:
        self.implicit_vr = implicit_vr
        self.little_endian = little_endian
        self.key = (implicit_vr, little_endian)
        if little_endian:
            self.short, self.long, self.impl, self.ul = _LE_SHORT, _LE_LONG, _LE_IMPL, _LE_UL
            self.item, self.item_delim, self.seq_delim = _ITEM_LE, _ITEM_DELIM_LE, _SEQ_DELIM_LE
        else:
            self.short, self.long, self.impl, self.ul = _BE_SHORT, _BE_LONG, _BE_IMPL, _BE_UL
            self.item, self.item_delim, self.seq_delim = _ITEM_BE, _ITEM_DELIM_BE, _SEQ_DELIM_BE
        order = "<" if little_endian else ">"
        self.int_pack = {
            vr: struct.Struct(order + code).pack
            for vr, code in (
                ("US", "H"),
                ("SS", "h"),
                ("UL", "L"),
                ("SL", "l"),
                ("UV", "Q"),
                ("SV", "q"),
            )
        }


def swap_bytes(value: bytes, size: int) -> bytes:
    """Return `value` with the byte order of each `size`-byte word reversed.

    A trailing partial word (a malformed value) is kept as it is.
    """
    if size < 2 or not value:
        return value
    whole = len(value) - len(value) % size
    arr = array.array(_ARRAY_CODE[size])
    arr.frombytes(bytes(value[:whole]))
    arr.byteswap()
    return arr.tobytes() + bytes(value[whole:])


def _ow_word_size(tag: int, ds: Any) -> int:
    """The size of the words to swap in the OW value of `tag` (2 unless pixel-like).

    Pixel Data and Waveform Data hold samples of (Waveform) Bits Allocated bits,
    and readers interpret their bytes in units of that size: 32- and 64-bit
    samples must be swapped as whole words, not as 16-bit halves.
    """
    if tag == 0x7FE00010:
        bits = _ds_int(ds, 0x00280100)
    elif tag == 0x54001010:
        bits = _ds_int(ds, 0x54000004)
    else:
        return 2
    return bits // 8 if bits in (32, 64) else 2


def _chunks_len(chunks: Chunks, start: int) -> int:
    return sum(map(len, chunks[start:]))


def _header(enc: Encoding, tag: int, vr: str, length: int, chunks: Chunks) -> None:
    """Append the header of an element with a known final length (or undefined)."""
    if enc.implicit_vr:
        chunks.append(enc.impl(tag >> 16, tag & 0xFFFF, length))
        return
    vrb = _VR_BYTES.get(vr)
    if vrb is None:
        raise WriteError(f"Cannot write the VR {vr!r} of element {_tagstr(tag)} in explicit VR")
    if vr in _LONG_VR:
        chunks.append(enc.long(tag >> 16, tag & 0xFFFF, vrb, 0, length))
    elif length > 0xFFFF:
        # Part 5, 6.2.2 note: a value too long for a 2-byte length is written as UN
        chunks.append(enc.long(tag >> 16, tag & 0xFFFF, b"UN", 0, length))
    else:
        chunks.append(enc.short(tag >> 16, tag & 0xFFFF, vrb, length))


def _tagstr(tag: int) -> str:
    return f"({tag >> 16:04X},{tag & 0xFFFF:04X})"


def _dictionary_vr(tag: int) -> str:
    """The dictionary VR of `tag`, 'UN' when unknown (only used for rare cases)."""
    if tag & 0xFFFF == 0:
        return "UL"
    try:
        found = dictionary.entry(tag)
    except Exception:  # noqa: BLE001 - dictionary not available: fall back to UN
        found = None
    return found.VR if found is not None else "UN"


def _pad(value: bytes, vr: str | None, tag: int) -> bytes:
    if vr is None or vr == "UN":
        vr = _dictionary_vr(tag)
    return bytes(value) + (b" " if vr in _SPACE_PADDED else b"\x00")


def resolve_ambiguous_vr(
    vr: str, tag: int, ds: Dataset | None, value: Any, *, undefined_length: bool = False
) -> str:
    """Choose the VR to write for an element whose VR is ambiguous (``'US or SS'`` ...).

    Rules (Part 3 and Part 5, as pydicom applies them when writing): Pixel Data
    is OB when encapsulated, OW when the dataset was read as implicit VR, else
    OW if Bits Allocated > 8, else OB; waveform data likewise with Waveform
    Bits Allocated; overlay data is OW; LUT Data is US when the LUT Descriptor
    says one entry, else OW; US/SS follows the Pixel Representation of the
    dataset or its ancestors (without one, SS only for negative values).
    """
    if vr == "OB or OW":
        if tag == 0x7FE00010:
            if undefined_length:
                return "OB"
            bits_tag = 0x00280100
        elif tag >> 16 & 0xFF00 == 0x6000 and tag & 0xFFFF == 0x3000:
            return "OW"  # overlay data
        else:
            bits_tag = 0x54000004 if tag >> 16 & 0xFF00 == 0x5400 else 0x00280100
        if getattr(ds, "original_encoding", (None, None))[0]:
            return "OW"
        bits = _ds_int(ds, bits_tag)
        return "OB" if bits is not None and bits <= 8 else "OW"
    if tag == 0x00283006 and vr in ("US or OW", "US or SS or OW"):
        descriptor = _first_int(ds, 0x00283002)
        return "US" if descriptor == 1 else "OW"
    if vr in ("US or SS", "US or SS or OW", "US or OW"):
        if vr == "US or OW":
            return "US"
        rep = None
        node = ds
        for _ in range(64):  # the dataset and its ancestors
            if node is None:
                break
            rep = _ds_int(node, 0x00280103)
            if rep is not None:
                break
            node = getattr(node, "parent_dataset", None)
        if rep is None:
            values = value if isinstance(value, (list, tuple)) else [value]
            return "SS" if any(isinstance(v, int) and v < 0 for v in values) else "US"
        return "SS" if rep == 1 else "US"
    return vr


def _first_int(ds: Any, tag: int) -> int | None:
    try:
        elem = ds.get(tag) if ds is not None else None
        value: Any = elem.value if elem is not None else None
        if isinstance(value, (list, tuple)) or type(value).__name__ == "MultiValue":
            value = value[0] if len(value) else None
        return int(value) if value not in (None, b"", "") else None
    except Exception:  # noqa: BLE001 - best effort context lookup
        return None


def _ds_int(ds: Any, tag: int) -> int | None:
    if ds is None:
        return None
    try:
        elem = ds.get(tag)
        value = elem.value if elem is not None else None
        return int(value) if value not in (None, b"", "") else None
    except Exception:  # noqa: BLE001 - best effort context lookup
        return None


class _Context:
    """Per-write state shared by nested datasets."""

    __slots__ = (
        "enc",
        "key",
        "encode_value",
        "convert_encodings",
        "depth",
        "pixel_undefined",
        "default_encodings",
        "original",
    )

    def __init__(self, enc: Encoding, pixel_undefined: bool | None = None) -> None:
        self.enc = enc
        self.key = enc.key
        self.encode_value = converters.encode_value
        self.convert_encodings = charset.convert_encodings
        self.default_encodings = list(charset.convert_encodings(None))
        self.depth = 0
        # original character encodings of the dataset being encoded (None: top level)
        self.original: list[str] | None = None
        # top-level Pixel Data: undefined length follows the transfer syntax when known
        self.pixel_undefined = pixel_undefined


def _dataset_encodings(ctx: _Context, ds: Any, parent: list[str] | None) -> list[str] | None:
    """The character encodings of `ds`: its own Specific Character Set, else the parent's."""
    raw = ds._dict.get(0x00080005)
    if raw is None:
        if parent is None and getattr(ds, "parent_dataset", None) is not None:
            return list(ds._character_set)
        return parent
    value = ds[0x00080005].value
    if not value:
        return parent
    return ctx.convert_encodings(value)


def _original_encodings(ctx: _Context, ds: Any, encodings: list[str] | None) -> list[str]:
    """The character encodings the raw elements of `ds` were read with.

    The top-level dataset records them (``original_character_set``); a sequence
    item read with the file has its own Specific Character Set (assumed
    unchanged) or inherits the original encodings of its parent.
    """
    default = ctx.default_encodings
    parent_original = ctx.original
    if parent_original is None:  # the top-level dataset
        if getattr(ds, "original_encoding", (None, None))[0] is None:
            # created, not read: raw elements put in it are taken as they are
            return list(encodings or default)
        original = getattr(ds, "original_character_set", None)
    else:
        original = ds.__dict__.get("_read_charset")
        if not original:
            if 0x00080005 in ds._dict:
                return list(encodings or default)
            return parent_original
    if not original:
        return list(encodings or default)
    if isinstance(original, str):
        original = ctx.convert_encodings(original)
    return list(original)


def encode_dataset(
    ds: Dataset,
    enc: Encoding,
    chunks: Chunks,
    parent_encodings: list[str] | None = None,
    *,
    ctx: _Context | None = None,
    skip_groups: tuple[int, ...] = (),
) -> None:
    """Append the encoding of every element of `ds`, in tag order, to `chunks`.

    Parameters
    ----------
    ds : Dataset
        The dataset (or sequence item) to encode.
    enc : Encoding
        The target encoding.
    chunks : list
        Receives bytes-like chunks; join them to get the encoded dataset.
    parent_encodings : list of str, optional
        Character encodings inherited from the enclosing dataset.
    skip_groups : tuple of int
        Groups not to write.

    Raises
    ------
    WriteError
        If an element cannot be written; the message names the element's tag.
    """
    if ctx is None:
        ctx = _Context(enc)
    encodings = _dataset_encodings(ctx, ds, parent_encodings)
    original = _original_encodings(ctx, ds, encodings)
    same_charset = original == list(encodings or ctx.default_encodings)
    outer_original = ctx.original
    ctx.original = original
    elements = ds._dict
    key = ctx.key
    implicit = enc.implicit_vr
    impl = enc.impl
    short = enc.short
    long_ = enc.long
    read_little = getattr(ds, "original_encoding", (None, None))[1]
    group_start = -1  # index in chunks just after the current group length element
    group_ph: bytearray | None = None
    group = -1
    tag = 0
    elem: RawDataElement | DataElement
    try:
        for tag, elem in sorted(zip(map(int, elements), elements.values())):
            if tag >> 16 != group:
                if group_ph is not None:
                    group_ph[:] = enc.ul(_chunks_len(chunks, group_start))
                    group_ph = None
                group = tag >> 16
                if group in skip_groups:
                    continue
            elif group in skip_groups:
                continue
            if tag & 0xFFFF == 0:
                if group > 6:
                    continue  # retired group lengths (PS3.5 7.2) are not written, as pydicom
                # group length of the command set / file meta: always recomputed
                _header(enc, tag, "UL", 4, chunks)
                group_ph = bytearray(4)
                chunks.append(group_ph)
                group_start = len(chunks)
                continue
            if type(elem) is not tuple and isinstance(elem, tuple):  # RawDataElement
                value = elem.value
                vr = elem.VR
                if (
                    same_charset
                    and value is not None
                    and (elem.is_implicit_VR, elem.is_little_endian) == key
                    and not _truncated(elem, value)
                    and (implicit or (vr is not None and len(vr) == 2))
                    and (tag != 0x7FE00010 or _pixel_length_kept(ctx, elem))
                ):
                    length = elem.length
                    undefined = length == _UNDEFINED or elem.is_undefined_length
                    if undefined:
                        if implicit:
                            chunks.append(impl(tag >> 16, tag & 0xFFFF, _UNDEFINED))
                        else:
                            chunks.append(
                                long_(
                                    tag >> 16, tag & 0xFFFF, _VR_BYTES.get(vr, b"UN"), 0, _UNDEFINED
                                )
                            )
                        chunks.append(value)
                        chunks.append(enc.seq_delim)
                        continue
                    n = len(value)
                    if n & 1:
                        value = _pad(value, vr, tag)
                        n += 1
                    if implicit:
                        chunks.append(impl(tag >> 16, tag & 0xFFFF, n))
                    elif vr in _LONG_VR:
                        chunks.append(
                            long_(tag >> 16, tag & 0xFFFF, _VR_BYTES.get(vr, b"UN"), 0, n)
                        )
                    elif n > 0xFFFF:
                        chunks.append(long_(tag >> 16, tag & 0xFFFF, b"UN", 0, n))
                    else:
                        vrb = _VR_BYTES.get(vr)
                        if vrb is None:
                            raise WriteError(f"Cannot write the VR {vr!r} in explicit VR")
                        chunks.append(short(tag >> 16, tag & 0xFFFF, vrb, n))
                    chunks.append(value)
                    continue
                _encode_raw_converted(ctx, ds, elem, chunks, encodings, same_charset)
                continue
            encode_element(
                elem, enc, chunks, encodings, ds=ds, ctx=ctx, source_little=read_little, tag=tag
            )
        if group_ph is not None:
            group_ph[:] = enc.ul(_chunks_len(chunks, group_start))
    except WriteError as exc:
        if _tagstr(tag) not in str(exc):
            raise WriteError(f"{_tagstr(tag)}: {exc}") from exc.__cause__
        raise
    except (
        ValueError,
        TypeError,
        OverflowError,
        UnicodeError,
        struct.error,
        AttributeError,
        LookupError,
    ) as exc:
        raise WriteError(f"Cannot encode element {_tagstr(tag)}: {exc}") from exc
    finally:
        ctx.original = outer_original


def _pixel_length_kept(ctx: _Context, raw: Any) -> bool:
    """False if the transfer syntax wants top-level Pixel Data of the other length kind."""
    if ctx.depth or ctx.pixel_undefined is None:
        return True
    return ctx.pixel_undefined == (raw.length == _UNDEFINED or raw.is_undefined_length)


def _truncated(raw: Any, value: Any) -> bool:
    """True if the data ended inside `raw`'s value (lenient reads): its bytes are incomplete."""
    length = raw.length
    return getattr(value, "truncated", False) or (length != _UNDEFINED and len(value) < length)


def _encode_raw_converted(
    ctx: _Context,
    ds: Any,
    raw: Any,
    chunks: Chunks,
    encodings: list[str] | None,
    same_charset: bool,
) -> None:
    """Write a raw element read in another encoding (or charset) than the target."""
    enc = ctx.enc
    vr = raw.VR
    value = raw.value
    if (
        same_charset
        and value is not None
        and vr is not None
        and not raw.is_implicit_VR
        and not _truncated(raw, value)
        and (raw.tag != 0x7FE00010 or _pixel_length_kept(ctx, raw))
        and raw.length != _UNDEFINED
        and not raw.is_undefined_length
        and (
            vr in _ORDER_FREE_VR
            or (raw.is_little_endian == enc.little_endian and vr != "SQ" and len(vr) == 2)
        )
    ):
        # the VR is known and the value bytes do not depend on the byte order
        # (or it does not change): only the header changes
        if len(value) & 1:
            value = _pad(value, vr, raw.tag)
        _header(enc, int(raw.tag), vr, len(value), chunks)
        chunks.append(value)
        return
    # decode with the character set the value was read in, encode with the current one
    elem = convert_raw_data_element(raw, None if same_charset else ctx.original, ds)
    if raw.value is None:
        # deferred value: now loaded by the conversion
        encode_element(
            elem, enc, chunks, encodings, ds=ds, ctx=ctx, source_little=raw.is_little_endian
        )
        return
    vr = elem.VR
    undefined = raw.length == _UNDEFINED or raw.is_undefined_length
    if (
        same_charset
        and raw.is_little_endian == enc.little_endian
        and vr != "SQ"
        and not undefined
        and len(vr) == 2
        and (raw.tag != 0x7FE00010 or _pixel_length_kept(ctx, raw))
    ):
        # only the VR field changes: keep the value bytes as they were read
        value = raw.value
        if len(value) & 1:
            value = _pad(value, vr, raw.tag)
        _header(enc, raw.tag, vr, len(value), chunks)
        chunks.append(value)
        return
    encode_element(elem, enc, chunks, encodings, ds=ds, ctx=ctx, source_little=raw.is_little_endian)


def encode_element(
    elem: DataElement,
    enc: Encoding,
    chunks: Chunks,
    encodings: list[str] | None,
    *,
    ds: Dataset | None = None,
    ctx: _Context | None = None,
    source_little: bool | None = None,
    tag: int | None = None,
) -> None:
    """Append the encoding of one (converted) data element to `chunks`.

    Parameters
    ----------
    elem : DataElement
        The element; raw elements must be converted first.
    enc : Encoding
        The target encoding.
    chunks : list
        Receives the bytes chunks.
    encodings : list of str or None
        Character encodings for text values.
    ds : Dataset, optional
        The dataset holding `elem` (context for ambiguous VRs).
    source_little : bool, optional
        Byte order the element's OW/OF/OD/OL/OV bytes are held in (the dataset's
        original byte order); they are swapped when it differs from the target.
    tag : int, optional
        ``int(elem.tag)``, when the caller has it.
    """
    if ctx is None:
        ctx = _Context(enc)
    if tag is None:
        tag = int(elem.tag)
    vr = elem.VR
    value = elem.value
    if vr is None or len(vr) != 2:
        undefined = elem.is_undefined_length or (
            tag == 0x7FE00010 and ctx.depth == 0 and bool(ctx.pixel_undefined)
        )
        vr = resolve_ambiguous_vr(
            vr or _dictionary_vr(tag), tag, ds, value, undefined_length=undefined
        )
    if vr == "SQ":
        _encode_sequence(elem, enc, chunks, encodings, ctx, tag)
        return
    tv = type(value)
    if tv is str:
        # fast path: text in the default repertoire
        if vr in _ASCII_VR or (
            vr in _CHARSET_TEXT_VR
            and (encodings is None or (len(encodings) == 1 and encodings[0] in _ASCII_COMPATIBLE))
        ):
            try:
                data = value.encode("ascii")
            except UnicodeEncodeError:
                data = ctx.encode_value(
                    vr, value, little_endian=enc.little_endian, encodings=encodings
                )
            if len(data) & 1:
                data += b"\x00" if vr == "UI" else b" "
        else:
            data = ctx.encode_value(vr, value, little_endian=enc.little_endian, encodings=encodings)
    elif tv is int and vr in _INT_PACK:
        try:
            data = enc.int_pack[vr](value)
        except struct.error as exc:
            raise WriteError(
                f"Cannot encode element {_tagstr(tag)}: value {value} does not fit VR {vr}"
            ) from exc
    elif vr in _BYTES_VALUE_VR and (
        tv is bytes or tv is bytearray or tv is memoryview or hasattr(value, "read")
    ):
        if hasattr(value, "read"):  # a buffered value (file-like)
            pos = value.tell() if hasattr(value, "tell") else None
            data = value.read()
            if pos is not None and hasattr(value, "seek"):
                value.seek(pos)
        else:
            data = value
        undefined = elem.is_undefined_length
        if tag == 0x7FE00010 and ctx.depth == 0 and ctx.pixel_undefined is not None:
            undefined = ctx.pixel_undefined
        if undefined and vr != "UN":
            # encapsulated data: the value already holds the items
            if bytes(data[:4]) != enc.item:
                raise WriteError(
                    f"The value of {_tagstr(tag)} has an undefined length but does not hold "
                    "encapsulated items: encapsulate the frames first"
                )
            _header(enc, tag, vr, _UNDEFINED, chunks)
            chunks.append(data)
            chunks.append(enc.seq_delim)
            return
        size = SWAP_SIZE.get(vr)
        if size and source_little is not None and source_little != enc.little_endian:
            if vr == "OW":
                size = _ow_word_size(tag, ds)
            data = swap_bytes(data, size)
        if len(data) & 1:
            data = bytes(data) + b"\x00"
    elif vr in SWAP_SIZE and value is not None and not isinstance(value, (str, bytes)):
        # numbers for OW/OF/OL/OD/OV (e.g. LUT Data given as a list): pack them
        if hasattr(value, "tobytes") and hasattr(value, "dtype"):
            data = value.astype(value.dtype.newbyteorder("<" if enc.little_endian else ">"))
            data = data.tobytes()
        else:
            items = list(value) if hasattr(value, "__iter__") else [value]
            order = "<" if enc.little_endian else ">"
            data = struct.pack(f"{order}{len(items)}{STRUCT_FORMAT[vr]}", *items)
    else:
        data = ctx.encode_value(vr, value, little_endian=enc.little_endian, encodings=encodings)
        if len(data) & 1:
            data = data + (b" " if vr in _SPACE_PADDED else b"\x00")
    n = len(data)
    if enc.implicit_vr:
        chunks.append(enc.impl(tag >> 16, tag & 0xFFFF, n))
    elif n <= 0xFFFF and vr not in _LONG_VR:
        chunks.append(enc.short(tag >> 16, tag & 0xFFFF, _VR_BYTES[vr], n))
    else:
        _header(enc, tag, vr, n, chunks)
    chunks.append(data)


def _encode_sequence(
    elem: Any,
    enc: Encoding,
    chunks: Chunks,
    encodings: list[str] | None,
    ctx: _Context,
    tag: int,
) -> None:
    undefined = bool(getattr(elem, "is_undefined_length", False))
    if enc.implicit_vr:
        chunks.append(enc.impl(tag >> 16, tag & 0xFFFF, _UNDEFINED))
    else:
        chunks.append(enc.long(tag >> 16, tag & 0xFFFF, b"SQ", 0, _UNDEFINED))
    header_index = len(chunks) - 1
    start = len(chunks)
    items = elem.value or ()
    if ctx.depth > 200:
        raise WriteError(f"Sequence {_tagstr(tag)} is nested more than 200 levels deep")
    ctx.depth += 1
    try:
        for item in items:
            chunks.append(enc.item)
            ph = bytearray(enc.ul(_UNDEFINED))
            chunks.append(ph)
            item_start = len(chunks)
            encode_dataset(item, enc, chunks, encodings, ctx=ctx)
            if getattr(item, "is_undefined_length_sequence_item", False):
                chunks.append(enc.item_delim)
            else:
                ph[:] = enc.ul(_chunks_len(chunks, item_start))
    finally:
        ctx.depth -= 1
    if undefined:
        chunks.append(enc.seq_delim)
    else:
        length = _chunks_len(chunks, start)
        if enc.implicit_vr:
            chunks[header_index] = enc.impl(tag >> 16, tag & 0xFFFF, length)
        else:
            chunks[header_index] = enc.long(tag >> 16, tag & 0xFFFF, b"SQ", 0, length)


if sys.byteorder not in ("little", "big"):  # pragma: no cover
    raise ImportError("unsupported platform byte order")
