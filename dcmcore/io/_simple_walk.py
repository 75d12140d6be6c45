"""The light walks over simple little endian sequences and items (no object per element).

:func:`simple_sequence_end` and :func:`simple_item_end` find where a short, simple
undefined-length sequence or item ends; for anything else they return None and
:func:`dcmcore.io.scan.find_sequence_end` walks it with its checks, messages and depth
limit. They are the hot inner loops of reading long sequences, kept apart from the full walk.
"""

from __future__ import annotations

from struct import Struct
from typing import Any

from dcmcore.vr import EXPLICIT_VR_LENGTH_32, VR

__all__ = ["simple_sequence_end", "simple_item_end"]

UNDEFINED = 0xFFFFFFFF
#: a little endian element header as two ints: the tag's group | element << 16, and
#: the VR bytes | 2-byte length << 16 (explicit VR) or the 4-byte length (items, implicit VR)
_UNPACK_LL = Struct("<LL").unpack_from
_UNPACK_L = Struct("<L").unpack_from
_LONG_VR_CODES_LE = frozenset(
    int.from_bytes(v.value.encode(), "little")
    for v in VR
    if len(v.value) == 2 and v.value in EXPLICIT_VR_LENGTH_32
)
_ITEM_KEY_LE = 0xE000FFFE
_ITEM_DELIM_KEY_LE = 0xE00DFFFE
_SEQ_DELIM_KEY_LE = 0xE0DDFFFE
_SQ_CODE_LE = int.from_bytes(b"SQ", "little")
_UN_CODE_LE = int.from_bytes(b"UN", "little")


def simple_sequence_end(buf: Any, pos: int, end: int, implicit: bool) -> tuple[int, int] | None:
    """Where a little endian undefined-length sequence at `pos` ends, when it is simple.

    Simple: items of defined length, or of undefined length holding only elements of
    defined length (no nested undefined-length value). Returns the position of the
    sequence delimiter and the position after it, or None for anything else (other
    structures, bad or truncated data), which :func:`find_sequence_end` then walks
    (with its checks, messages and depth limit). No object is made per element.
    """
    unpack_ll = _UNPACK_LL
    unpack_len = _UNPACK_L
    long_codes = _LONG_VR_CODES_LE
    while pos + 8 <= end:
        key, length = unpack_ll(buf, pos)
        if key == _SEQ_DELIM_KEY_LE:
            return pos, pos + 8
        if key != _ITEM_KEY_LE:
            return None
        pos += 8
        if length != UNDEFINED:
            pos += length
            if pos > end:
                return None
            continue
        # PS3.5 6.2.2: an item of implicit VR elements in explicit VR data
        item_implicit = implicit or (
            pos + 6 <= end and not (0x41 <= buf[pos + 4] <= 0x5A and 0x41 <= buf[pos + 5] <= 0x5A)
        )
        while True:
            if pos + 8 > end:
                return None
            key, second = unpack_ll(buf, pos)
            if key & 0xFFFF == 0xFFFE:
                if key != _ITEM_DELIM_KEY_LE:
                    return None
                pos += 8
                break
            if item_implicit:
                if second == UNDEFINED:
                    return None
                pos += 8 + second
            elif second & 0xFFFF in long_codes:
                if pos + 12 > end:
                    return None
                length = unpack_len(buf, pos + 8)[0]
                if length == UNDEFINED:
                    return None
                pos += 12 + length
            else:
                pos += 8 + (second >> 16)
            if pos > end:
                return None
    return None


def simple_item_end(
    buf: Any, pos: int, end: int, implicit: bool, record_min: int
) -> tuple[int, int] | None:
    """Where a little endian undefined-length item whose content starts at `pos` ends,
    when it is simple.

    Simple: its elements have a defined length, or are undefined-length sequences
    that :func:`simple_sequence_end` would read (its walk, inlined) and that are
    shorter than `record_min` bytes (the full walk records nothing for them). Returns the position of the item
    delimiter and the position after it, or None for anything else (other structures,
    bad or truncated data), which :func:`find_sequence_end` then walks with its
    checks. `implicit` is the item's own VR encoding.
    """
    unpack_ll = _UNPACK_LL
    unpack_len = _UNPACK_L
    long_codes = _LONG_VR_CODES_LE
    while pos + 8 <= end:
        key, second = unpack_ll(buf, pos)
        if key & 0xFFFF == 0xFFFE:
            if key != _ITEM_DELIM_KEY_LE:
                return None
            return pos, pos + 8
        if implicit:
            length = second
            hdr = 8
            nested_implicit = True
        else:
            code = second & 0xFFFF
            if code not in long_codes:
                pos += 8 + (second >> 16)
                if pos > end:
                    return None
                continue
            if pos + 12 > end:
                return None
            length = unpack_len(buf, pos + 8)[0]
            hdr = 12
            nested_implicit = code == _UN_CODE_LE
            if length == UNDEFINED and not nested_implicit and code != _SQ_CODE_LE:
                return None
        if length == UNDEFINED:
            # simple_sequence_end's walk, inlined (a call per nested sequence costs as much)
            start = pos = pos + hdr
            while True:
                if pos + 8 > end:
                    return None
                key, length = unpack_ll(buf, pos)
                if key == _SEQ_DELIM_KEY_LE:
                    break
                if key != _ITEM_KEY_LE:
                    return None
                pos += 8
                if length != UNDEFINED:
                    pos += length
                    if pos > end:
                        return None
                    continue
                item_implicit = nested_implicit or (
                    pos + 6 <= end
                    and not (0x41 <= buf[pos + 4] <= 0x5A and 0x41 <= buf[pos + 5] <= 0x5A)
                )
                while True:
                    if pos + 8 > end:
                        return None
                    key, second = unpack_ll(buf, pos)
                    if key & 0xFFFF == 0xFFFE:
                        if key != _ITEM_DELIM_KEY_LE:
                            return None
                        pos += 8
                        break
                    if item_implicit:
                        if second == UNDEFINED:
                            return None
                        pos += 8 + second
                    elif second & 0xFFFF in long_codes:
                        if pos + 12 > end:
                            return None
                        length = unpack_len(buf, pos + 8)[0]
                        if length == UNDEFINED:
                            return None
                        pos += 12 + length
                    else:
                        pos += 8 + (second >> 16)
                    if pos > end:
                        return None
            if pos - start >= record_min:
                return None
            pos += 8
            continue
        pos += hdr + length
        if pos > end:
            return None
    return None
