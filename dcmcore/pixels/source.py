"""Pixel data inside a Part 10 file, read without loading the rest of it.

:func:`open_file_source` walks the top-level element headers of a file (seeking over
values, walking item headers of undefined-length sequences iteratively), decodes the few
Image Pixel values it needs, and stops at the pixel data element. Frames are then read
on demand with ``seek`` + ``read``: decoding frame *k* reads only frame *k*'s bytes.
"""

from __future__ import annotations

import os
import struct
from typing import Any, BinaryIO

from dcmcore.errors import InvalidDicomError, MalformedDataError, TruncatedDataError
from dcmcore.pixels.decode import PixelSource
from dcmcore.pixels.module import IMAGE_PIXEL_TAGS, PIXEL_TAGS, ImagePixelValues, syntax_for
from dcmcore.pixels.validation import validate_module

__all__ = ["FileLayout", "scan_file", "open_file_source", "values_from_layout"]

_LONG_VRS = {b"OB", b"OD", b"OF", b"OL", b"OV", b"OW", b"SQ", b"SV", b"UC", b"UN", b"UR",
             b"UT", b"UV"}
_US_TAGS = {0x00280002, 0x00280006, 0x00280010, 0x00280011, 0x00280100, 0x00280101,
            0x00280103}
_TEXT_TAGS = {0x00280004, 0x00280008}
_OV_TAGS = {0x7FE00001, 0x7FE00002}
_WANTED = _US_TAGS | _TEXT_TAGS | _OV_TAGS
_MAX_DEPTH = 64
_UNDEFINED = 0xFFFFFFFF


class FileLayout:
    """What :func:`scan_file` found: encoding, module values, pixel element position."""

    def __init__(self) -> None:
        self.transfer_syntax_uid = ""
        self.values: dict[int, Any] = {}
        self.pixel_tag: int | None = None
        self.pixel_vr = "OB"
        self.value_start = 0
        self.value_length: int | None = None
        self.dataset_start = 0


class _Reader:
    def __init__(self, f: BinaryIO) -> None:
        self.f = f

    def read(self, pos: int, n: int) -> bytes:
        self.f.seek(pos)
        data = self.f.read(n)
        return data

    def exact(self, pos: int, n: int, what: str, tag: int | None = None) -> bytes:
        data = self.read(pos, n)
        if len(data) < n:
            raise TruncatedDataError(f"Unexpected end of file reading {what}", offset=pos, tag=tag)
        return data


def _header(r: _Reader, pos: int, implicit: bool, little: bool
            ) -> tuple[int, bytes | None, int, int] | None:
    """Return ``(tag, vr, length, header_size)`` of the element at `pos` (None at EOF)."""
    head = r.read(pos, 8)
    if len(head) == 0:
        return None
    if len(head) < 8:
        raise TruncatedDataError("Truncated element header", offset=pos)
    e = "<" if little else ">"
    group, elem = struct.unpack(e + "HH", head[:4])
    tag = (group << 16) | elem
    if group == 0xFFFE:  # item / delimiters are always implicit
        return tag, None, struct.unpack(e + "L", head[4:])[0], 8
    if implicit:
        return tag, None, struct.unpack(e + "L", head[4:])[0], 8
    vr = head[4:6]
    if vr in _LONG_VRS:
        ext = r.exact(pos + 8, 4, "element length", tag)
        return tag, vr, struct.unpack(e + "L", ext)[0], 12
    if not (65 <= vr[0] <= 90 and 65 <= vr[1] <= 90):
        raise MalformedDataError(f"Invalid VR {vr!r}", offset=pos + 4, tag=tag)
    return tag, vr, struct.unpack(e + "H", head[6:])[0], 8


def _skip_undefined(r: _Reader, pos: int, implicit: bool, little: bool, tag: int) -> int:
    """Return the position after an undefined-length value starting at `pos`.

    Iterative: a stack of (kind, implicit, little) levels replaces recursion.
    """
    stack: list[tuple[str, bool, bool]] = [("seq", implicit, little)]
    while stack:
        if len(stack) > _MAX_DEPTH:
            raise MalformedDataError("Sequences nested too deeply", offset=pos, tag=tag)
        kind, imp, le = stack[-1]
        h = _header(r, pos, imp, le)
        if h is None:
            raise TruncatedDataError("End of file inside an undefined length value",
                                     offset=pos, tag=tag)
        etag, vr, length, size = h
        pos += size
        if kind == "seq":
            if etag == 0xFFFEE0DD:
                stack.pop()
            elif etag == 0xFFFEE000:
                if length == _UNDEFINED:
                    stack.append(("item", imp, le))
                else:
                    pos += length
            else:
                raise MalformedDataError(
                    f"Expected an item tag, got ({etag >> 16:04X},{etag & 0xFFFF:04X})",
                    offset=pos - size, tag=tag)
        else:  # in an undefined-length item
            if etag == 0xFFFEE00D:
                stack.pop()
            elif length == _UNDEFINED:
                # undefined-length UN content is implicit VR little endian (PS3.5 6.2.2)
                nested = (True, True) if vr == b"UN" else (imp, le)
                stack.append(("seq", *nested))
            else:
                pos += length
    return pos


def _decode_value(tag: int, raw: bytes, little: bool) -> Any:
    e = "<" if little else ">"
    if tag in _US_TAGS:
        if len(raw) < 2:
            return None
        return struct.unpack(e + "H", raw[:2])[0]
    if tag in _TEXT_TAGS:
        text = raw.decode("ascii", "replace").strip("\x00 ")
        if tag == 0x00280008:
            text = text.split("\\")[0].strip()
            if not text:
                return None
            try:
                return int(text)
            except ValueError:
                try:
                    return int(float(text))
                except ValueError:
                    return text
        return text.split("\\")[0].strip()
    return bytes(raw)  # OV tables: decoded later


def scan_file(f: BinaryIO) -> FileLayout:
    """Locate the pixel data of the Part 10 file `f` and read the Image Pixel values."""
    r = _Reader(f)
    out = FileLayout()
    pos = 0
    pre = r.read(0, 132)
    if len(pre) == 132 and pre[128:132] == b"DICM":
        pos = 132
    # File meta group: explicit VR little endian
    while True:
        h = r.read(pos, 2)
        if len(h) < 2 or struct.unpack("<H", h)[0] != 0x0002:
            break
        hdr = _header(r, pos, False, True)
        if hdr is None:
            break
        tag, _vr, length, size = hdr
        if length == _UNDEFINED:
            raise MalformedDataError("Undefined length in the file meta group", offset=pos,
                                     tag=tag)
        if tag == 0x00020010:
            out.transfer_syntax_uid = r.exact(pos + size, length, "Transfer Syntax UID", tag
                                              ).decode("ascii", "replace").strip("\x00 ")
        pos += size + length
    out.dataset_start = pos
    if not out.transfer_syntax_uid:
        raise InvalidDicomError("No (0002,0010) 'Transfer Syntax UID' in the file meta "
                                "information; cannot locate the pixel data", offset=pos)
    info = syntax_for(out.transfer_syntax_uid)
    if info.deflated:
        raise NotImplementedError("deflated dataset")  # the caller falls back to dcmread
    implicit, little = info.implicit_vr, info.little_endian
    while True:
        hdr = _header(r, pos, implicit, little)
        if hdr is None:
            return out  # no pixel data
        tag, vr, length, size = hdr
        if tag in PIXEL_TAGS:
            out.pixel_tag = tag
            out.pixel_vr = vr.decode("ascii") if vr else (
                "OB" if length == _UNDEFINED else ("OF" if tag == 0x7FE00008 else
                                                  "OD" if tag == 0x7FE00009 else "OW"))
            out.value_start = pos + size
            out.value_length = None if length == _UNDEFINED else length
            return out
        if tag > 0x7FE00010:
            return out
        if length == _UNDEFINED:
            pos = _skip_undefined(r, pos + size, implicit, little, tag)
            continue
        if tag in _WANTED:
            out.values[tag] = _decode_value(tag, r.exact(pos + size, length, "value", tag),
                                            little)
        pos += size + length


def values_from_layout(layout: FileLayout) -> ImagePixelValues:
    """The Image Pixel values :func:`scan_file` found, not yet checked."""
    values = {name: layout.values[tag] for name, tag in IMAGE_PIXEL_TAGS.items()
              if tag in layout.values}
    eot = None
    if 0x7FE00001 in layout.values and 0x7FE00002 in layout.values:
        eot = (layout.values[0x7FE00001], layout.values[0x7FE00002])
    pixel_tags = () if layout.pixel_tag is None else (layout.pixel_tag,)
    return ImagePixelValues(values, syntax_for(layout.transfer_syntax_uid), pixel_tags,
                            layout.pixel_vr, None, eot)


def open_file_source(f: BinaryIO, **overrides: object) -> PixelSource:
    """Return a :class:`PixelSource` reading frames from the open file `f` on demand.

    `overrides` are Image Pixel values (``rows=``...) that replace the file's.
    """
    layout = scan_file(f)
    if layout.pixel_tag is None:
        raise AttributeError(
            "The dataset has no 'Pixel Data', 'Float Pixel Data' or 'Double Float Pixel "
            "Data' element, no pixel data to decode"
        )
    found = values_from_layout(layout)
    mod = validate_module(found.with_values(**overrides) if overrides else found)
    start = layout.value_start
    length = layout.value_length
    f.seek(0, os.SEEK_END)
    available = max(0, f.tell() - start)
    if length is not None and available < length:
        length = available  # truncated file: the length check reports it
    # reads never go past the pixel data value (or the end of the file): a table entry
    # asking for more must not allocate, seek out of range or overflow
    limit = available if length is None else length

    def read_at(pos: int, size: int) -> bytes:
        if pos < 0 or pos >= limit or size <= 0:
            return b""
        f.seek(start + pos)
        return f.read(min(size, limit - pos))

    return PixelSource(mod, read_at, length, origin=start)
