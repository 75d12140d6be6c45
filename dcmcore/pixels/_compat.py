"""Small adapters to the rest of dcmcore.

The pixel pipeline talks to the data model only through the pydicom-compatible
``Dataset`` API (``tag in ds``, ``ds[tag].value``, keyword attributes), and to the
transfer-syntax registry and UID generator through the functions below, so that it
keeps working while those modules evolve.
"""

from __future__ import annotations

import uuid
from typing import Any, NamedTuple

__all__ = ["TSInfo", "ts_info", "new_uid", "element_value", "has_element", "EXPLICIT_VR_LE"]

EXPLICIT_VR_LE = "1.2.840.10008.1.2.1"
IMPLICIT_VR_LE = "1.2.840.10008.1.2"
EXPLICIT_VR_BE = "1.2.840.10008.1.2.2"
DEFLATED_LE = "1.2.840.10008.1.2.1.99"


class TSInfo(NamedTuple):
    """What the pixel pipeline needs to know about a transfer syntax."""

    uid: str
    encapsulated: bool
    little_endian: bool
    implicit_vr: bool
    deflated: bool
    lossless: bool
    known: bool


_NATIVE = {
    IMPLICIT_VR_LE: TSInfo(IMPLICIT_VR_LE, False, True, True, False, True, True),
    EXPLICIT_VR_LE: TSInfo(EXPLICIT_VR_LE, False, True, False, False, True, True),
    EXPLICIT_VR_BE: TSInfo(EXPLICIT_VR_BE, False, False, False, False, True, True),
    DEFLATED_LE: TSInfo(DEFLATED_LE, False, True, False, True, True, True),
}


def ts_info(uid: str) -> TSInfo:
    """Return the registry's description of `uid` (unknown UIDs count as encapsulated)."""
    uid = str(uid).strip("\x00 ")
    try:
        from dcmcore import transfer_syntax
    except ImportError:  # registry not there yet
        ts = None
    else:
        ts = transfer_syntax.get(uid)
    if ts is not None:
        return TSInfo(
            uid,
            bool(ts.encapsulated),
            bool(ts.little_endian),
            bool(ts.implicit_vr),
            bool(ts.deflated),
            bool(getattr(ts, "lossless", True)),
            True,
        )
    if uid in _NATIVE:
        return _NATIVE[uid]
    # Unknown syntaxes: every syntax defined after the three native ones is
    # explicit VR little endian with encapsulated pixel data (PS3.5 A.4).
    return TSInfo(uid, True, True, False, False, False, False)


def new_uid() -> str:
    """Return a new UID, from dcmcore.uid when available."""
    try:
        from dcmcore.uid import generate_uid
    except ImportError:
        return f"2.25.{uuid.uuid4().int}"
    return str(generate_uid())


def has_element(ds: Any, tag: int) -> bool:
    """Return True if the element `tag` is in `ds`."""
    try:
        return tag in ds
    except Exception:  # noqa: BLE001 - exotic mappings
        return False


def element_value(ds: Any, tag: int, default: Any = None) -> Any:
    """Return the value of element `tag` in `ds`, or `default` when absent."""
    if not has_element(ds, tag):
        return default
    return ds[tag].value


def file_meta_of(ds: Any) -> Any:
    """Return the dataset's file meta, creating an empty one when missing."""
    meta = getattr(ds, "file_meta", None)
    if meta is None:
        try:
            from dcmcore.dataset import FileMetaDataset
        except ImportError:  # pragma: no cover - data model not there yet
            raise AttributeError("the dataset has no 'file_meta'") from None
        meta = FileMetaDataset()
        ds.file_meta = meta
    return meta


def transfer_syntax_of(ds: Any) -> str:
    """Return the dataset's Transfer Syntax UID ('' when unknown)."""
    meta = getattr(ds, "file_meta", None)
    if meta is None:
        return ""
    uid = element_value(meta, 0x00020010, "")
    return str(uid or "").strip("\x00 ")
