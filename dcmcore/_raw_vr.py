"""Which VR a raw element has: from its header, the data dictionary, and its dataset.

Implicit VR elements take the dictionary's VR (private ones their creator's entry), an
explicit UN may be replaced by the known VR, and ambiguous VRs ("US or SS", "OB or OW"...)
are resolved from the dataset they are read in (Pixel Representation, Bits Allocated,
the LUT Descriptor), looking up through the parent datasets of sequence items.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, MutableSequence
from typing import TYPE_CHECKING

from dcmcore import config
from dcmcore.dictionary import entry as _entry
from dcmcore.dictionary import private_entry as _private_entry
from dcmcore.errors import DcmcoreWarning
from dcmcore.tag import BaseTag
from dcmcore.vr import AMBIGUOUS_VR

if TYPE_CHECKING:  # pragma: no cover
    from dcmcore.dataset import Dataset
    from dcmcore.element import RawDataElement

_UNDEFINED_LENGTH = 0xFFFFFFFF


def _private_creator_of(tag: BaseTag, ds: Dataset | None) -> str | None:
    """The private creator string reserving the block of private `tag`, if any."""
    if ds is None or not tag & 0xFF00:
        return None
    creator_tag = BaseTag((tag & 0xFFFF0000) | ((tag & 0xFF00) >> 8))
    if creator_tag not in ds._dict:
        return None
    value = ds[creator_tag].value
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, MutableSequence) and value:  # a backslash in a creator value
        return "\\".join(str(v) for v in value)
    return None


def _private_vr(tag: BaseTag, ds: Dataset | None) -> str:
    if 0x0010 <= tag & 0xFFFF <= 0x00FF:
        return "LO"
    creator = _private_creator_of(tag, ds)
    if creator:
        found = _private_entry(tag, creator)
        if found is not None and found.VR:
            return found.VR
    return "UN"


def _ancestors(ds: Dataset | None) -> Iterator[Dataset]:
    depth = 0
    while ds is not None and depth < 1000:
        yield ds
        ds = ds.parent_dataset
        depth += 1


def _pixel_representation(ds: Dataset | None) -> int:
    for item in _ancestors(ds):
        if 0x00280103 in item._dict:
            value = item[0x00280103].value
            if value is not None and value != b"":
                if isinstance(value, bytes):
                    return int(b"\x01" in value)
                try:
                    return int(value)
                except (TypeError, ValueError):
                    return 0
    return 0


def _int_element(ds: Dataset | None, tag: int) -> int | None:
    for item in _ancestors(ds):
        if tag in item._dict:
            value = item[tag].value
            try:
                return int(value[0] if isinstance(value, MutableSequence) else value)
            except (TypeError, ValueError, IndexError):
                return None
    return None


def _resolve_ambiguous(vr: str, raw: RawDataElement, ds: Dataset | None) -> str:
    """Pick the concrete VR for an ambiguous one from the dataset's context."""
    tag = raw.tag
    undefined = raw.length == _UNDEFINED_LENGTH or raw.is_undefined_length
    if tag == 0x7FE00010:
        if undefined:
            return "OB"
        if raw.is_implicit_VR:
            return "OW"
        bits = _int_element(ds, 0x00280100)
        return "OW" if bits is not None and bits > 8 else "OB"
    if vr == "US or SS":
        return "SS" if _pixel_representation(ds) == 1 else "US"
    if vr == "US or OW":
        # LUT Data: US when the LUT Descriptor says a single entry
        first = _int_element(ds, 0x00283002)
        return "US" if first == 1 else "OW"
    if vr == "US or SS or OW":
        return "OW"
    if vr == "OB or OW":
        if raw.is_implicit_VR or (tag >> 16) & 0xFF00 == 0x6000:
            return "OW"
        bits = _int_element(ds, 0x54001004)  # Waveform Bits Allocated
        return "OW" if bits is not None and bits > 8 else "OB"
    return vr


def _resolve_vr(raw: RawDataElement, ds: Dataset | None) -> tuple[str, RawDataElement]:
    """Return the VR to use for `raw`, and `raw` adjusted when the VR changed."""
    tag = raw.tag
    vr = raw.VR
    is_private = tag & 0x10000
    if vr is None:
        found = None if is_private else _entry(tag)
        if found is not None:
            vr = found.VR
        elif is_private:
            vr = _private_vr(tag, ds)
        elif tag & 0xFFFF == 0:
            vr = "UL"
        else:
            msg = f"VR lookup failed for the raw element with tag {tag}"
            if config.settings.reading_validation_mode == config.RAISE:
                raise KeyError(msg)
            vr = "UN"
            if config.settings.reading_validation_mode == config.WARN:
                warnings.warn(f"{msg} - setting VR to 'UN'", DcmcoreWarning, stacklevel=4)
    elif vr == "UN":
        undefined = raw.length == _UNDEFINED_LENGTH or raw.is_undefined_length
        if not config.settings.replace_un_with_known_vr:
            pass  # pydicom's switch: keep an explicit UN
        elif is_private:
            vr = _private_vr(tag, ds)
        elif undefined or raw.value is None or len(raw.value) < 0xFFFF:
            found = _entry(tag)
            if found is not None and found.VR:
                vr = found.VR
        if vr == "UN" and undefined:
            vr = "SQ"  # undefined length UN: a sequence in implicit VR little endian
        if vr == "SQ":
            raw = raw._replace(is_implicit_VR=True, is_little_endian=True)
    if vr in AMBIGUOUS_VR:
        vr = _resolve_ambiguous(vr, raw, ds)
    return str(vr), raw
