"""Builders of encoded DICOM bytes for the reader tests (our own, not pydicom's)."""

from __future__ import annotations

import glob
import os
import struct
import zlib

import pydicom

LONG_VRS = {"OB", "OD", "OF", "OL", "OV", "OW", "SQ", "UC", "UN", "UR", "UT", "SV", "UV"}
UNDEFINED = 0xFFFFFFFF

IMPLICIT_LE = "1.2.840.10008.1.2"
EXPLICIT_LE = "1.2.840.10008.1.2.1"
EXPLICIT_BE = "1.2.840.10008.1.2.2"
DEFLATED_LE = "1.2.840.10008.1.2.1.99"
JPEG_BASELINE = "1.2.840.10008.1.2.4.50"

DATA_DIR = os.path.join(os.path.dirname(pydicom.__file__), "data")


def corpus_files() -> list[str]:
    """Every file of pydicom's test_files and charset_files folders, and its palettes."""
    found = glob.glob(os.path.join(DATA_DIR, "test_files", "**", "*"), recursive=True)
    found += glob.glob(os.path.join(DATA_DIR, "charset_files", "*"))
    found += glob.glob(os.path.join(DATA_DIR, "palettes", "*.dcm"))
    return sorted(f for f in found if os.path.isfile(f))


def elem(
    tag: int,
    vr: str,
    value: bytes = b"",
    *,
    implicit: bool = False,
    little: bool = True,
    length: int | None = None,
) -> bytes:
    """One encoded element; `length` overrides the length field (e.g. UNDEFINED)."""
    e = "<" if little else ">"
    n = len(value) if length is None else length
    group, element = tag >> 16, tag & 0xFFFF
    if implicit:
        return struct.pack(e + "HHL", group, element, n) + value
    if vr in LONG_VRS:
        return struct.pack(e + "HH2sHL", group, element, vr.encode(), 0, n) + value
    return struct.pack(e + "HH2sH", group, element, vr.encode(), n) + value


def item(content: bytes = b"", *, undefined: bool = False, little: bool = True) -> bytes:
    """One sequence item (defined length, or undefined with its delimiter)."""
    e = "<" if little else ">"
    if undefined:
        return (
            struct.pack(e + "HHL", 0xFFFE, 0xE000, UNDEFINED)
            + content
            + struct.pack(e + "HHL", 0xFFFE, 0xE00D, 0)
        )
    return struct.pack(e + "HHL", 0xFFFE, 0xE000, len(content)) + content


def seq_delim(little: bool = True) -> bytes:
    return struct.pack(("<" if little else ">") + "HHL", 0xFFFE, 0xE0DD, 0)


def sequence(
    tag: int,
    items: list[bytes],
    *,
    undefined: bool = False,
    implicit: bool = False,
    little: bool = True,
    vr: str = "SQ",
) -> bytes:
    """A sequence element holding already encoded `items`."""
    body = b"".join(items)
    if undefined:
        return elem(
            tag, vr, body + seq_delim(little), implicit=implicit, little=little, length=UNDEFINED
        )
    return elem(tag, vr, body, implicit=implicit, little=little)


def meta(ts_uid: str = EXPLICIT_LE, *, group_length: bool = True, implicit: bool = False) -> bytes:
    """A File Meta Information group (explicit VR LE unless `implicit`)."""
    uid = ts_uid.encode()
    if len(uid) % 2:
        uid += b"\0"
    body = elem(0x00020001, "OB", b"\0\1", implicit=implicit)
    body += elem(0x00020002, "UI", b"1.2.3.4\0", implicit=implicit)
    body += elem(0x00020003, "UI", b"1.2.3.4.5.6\0", implicit=implicit)
    body += elem(0x00020010, "UI", uid, implicit=implicit)
    if group_length:
        body = elem(0x00020000, "UL", struct.pack("<L", len(body)), implicit=implicit) + body
    return body


def part10(dataset: bytes, ts_uid: str = EXPLICIT_LE, **meta_options: bool) -> bytes:
    """Preamble, 'DICM', file meta and `dataset` (deflated when `ts_uid` says so)."""
    if ts_uid == DEFLATED_LE:
        dataset = deflate(dataset)
    return b"\0" * 128 + b"DICM" + meta(ts_uid, **meta_options) + dataset


def deflate(data: bytes, level: int = 9) -> bytes:
    """Raw deflate (no zlib header), as the Deflated transfer syntax uses."""
    obj = zlib.compressobj(level, zlib.DEFLATED, -zlib.MAX_WBITS)
    return obj.compress(data) + obj.flush()


def text(value: str) -> bytes:
    """Even-length ASCII value padded with a space."""
    raw = value.encode()
    return raw + b" " if len(raw) % 2 else raw
