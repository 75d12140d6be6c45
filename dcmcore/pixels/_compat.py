"""Small adapters to the rest of dcmcore.

The pixel pipeline talks to the data model only through the pydicom-compatible
``Dataset`` API (``tag in ds``, ``ds[tag].value``, keyword attributes), and to the
UID generator through the functions below.
"""

from __future__ import annotations

from typing import Any

from dcmcore.uid import generate_uid

__all__ = ["new_uid", "element_value", "has_element", "file_meta_of", "transfer_syntax_of"]


def new_uid() -> str:
    """Return a new UID."""
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
