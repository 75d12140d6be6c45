"""Structural types for what dcmcore functions accept: "anything dataset-like".

Functions that only read elements (the pixel functions, for example) accept any
object with the pydicom-style Dataset API, not just :class:`~dcmcore.dataset.Dataset`:
a pydicom ``Dataset`` satisfies :class:`DatasetLike` too.

>>> from dcmcore.dataset import Dataset
>>> from dcmcore.protocols import DatasetLike
>>> def rows(ds: DatasetLike) -> int:
...     return int(ds[0x00280010].value) if 0x00280010 in ds else 0
>>> ds = Dataset()
>>> ds.Rows = 512
>>> rows(ds)
512
"""

from __future__ import annotations

from typing import Any, Protocol

__all__ = ["DataElementLike", "DatasetLike"]


class DataElementLike(Protocol):
    """An element with a ``value`` (a DICOM value: its Python type depends on the VR)."""

    @property
    def value(self) -> Any: ...


class DatasetLike(Protocol):
    """A mapping of tags to elements in the pydicom Dataset style: ``tag in ds``, ``ds[tag]``.

    Optional attributes a function may also look up (``file_meta``,
    ``original_encoding``...) are read with :func:`getattr` and a default.
    """

    def __contains__(self, key: Any, /) -> bool: ...

    def __getitem__(self, key: int, /) -> DataElementLike: ...
