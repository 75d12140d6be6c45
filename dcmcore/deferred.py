"""Reading the value of a deferred raw element from where its data set was read.

A raw element read with ``defer_size`` has ``value None`` and the offset and
length of its value; :func:`read_deferred` reads those bytes from the dataset's
source (a path, checked against the modification time it had when read, an
open buffer, or bytes) the first time the element is converted.
"""

from __future__ import annotations

import os
from typing import Any, Protocol

from dcmcore.errors import InvalidDicomError, TruncatedDataError

__all__ = ["read_deferred"]

_UNDEFINED_LENGTH = 0xFFFFFFFF


class RawLike(Protocol):
    """What :func:`read_deferred` needs of a raw element."""

    @property
    def tag(self) -> int: ...
    @property
    def length(self) -> int: ...
    @property
    def value_tell(self) -> int | None: ...
    @property
    def is_undefined_length(self) -> bool: ...
    def _replace(self, *, value: bytes) -> RawLike: ...


class SourceHolder(Protocol):
    """What :func:`read_deferred` needs of a dataset."""

    def _deferred_source(self) -> tuple[Any, float | None]: ...


def _keep(raw: RawLike, data: bytes, ds: SourceHolder | None) -> None:
    """Leave `data` in `ds` as the value of `raw`: a value the reader deferred on its own.

    Large native pixel data is left in the file by the reader so that
    :mod:`dcmcore.pixels` can read it straight into an array; once read as bytes (to
    write the dataset, say, even over its own file) it stays, as if read at once.
    """
    elements = getattr(ds, "__dict__", {}).get("_dict")
    if isinstance(elements, dict) and elements.get(raw.tag) is raw:
        elements[raw.tag] = raw._replace(value=data)


def read_deferred(raw: RawLike, ds: SourceHolder | None) -> bytes:
    """Read the value of the deferred raw element `raw` from the source of `ds`.

    Parameters
    ----------
    raw : RawDataElement
        A raw element whose value was not read (``value is None``); its
        ``value_tell`` and ``length`` say where the value is.
    ds : Dataset, optional
        The dataset holding `raw`: ``ds._deferred_source()`` gives the path,
        buffer or bytes to read from, and the modification time to check.

    Raises
    ------
    FileNotFoundError
        The file is gone.
    ValueError
        The buffer is closed.
    InvalidDicomError
        No offset, undefined length, no source, or the file changed since it was read.
    TruncatedDataError
        Fewer bytes than the length could be read.
    """
    tag = raw.tag
    if raw.value_tell is None:
        raise InvalidDicomError("Deferred element has no value offset", tag=tag)
    if raw.length == _UNDEFINED_LENGTH or raw.is_undefined_length:
        raise InvalidDicomError(
            "Cannot read a deferred element of undefined length", tag=tag, offset=raw.value_tell
        )
    source, timestamp = (None, None) if ds is None else ds._deferred_source()
    if source is None:
        raise InvalidDicomError(
            "Deferred element cannot be read: the dataset has no source file or buffer",
            tag=tag,
            offset=raw.value_tell,
        )
    offset, length = raw.value_tell, raw.length
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source[offset : offset + length])
    elif isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        guarded = getattr(timestamp, "read_value", None)
        if guarded is not None:  # recorded by the reader: checks the file is unchanged
            data = bytes(guarded(path, offset, length, tag))
            if offset in getattr(timestamp, "kept", ()):
                _keep(raw, data, ds)
            return data
        try:
            stat = os.stat(path)
        except FileNotFoundError as exc:
            raise FileNotFoundError(
                f"Deferred read of {tag} at byte offset {offset} failed: the original file "
                f"{path!r} is missing"
            ) from exc
        if timestamp is not None and stat.st_mtime != timestamp:
            raise InvalidDicomError(
                f"Deferred read failed: {path!r} was modified after the dataset was read",
                tag=tag,
                offset=offset,
            )
        with open(path, "rb") as fp:
            fp.seek(offset)
            data = fp.read(length)
    else:
        if getattr(source, "closed", False):
            raise ValueError(
                f"Deferred read of {tag} at byte offset {offset} failed: the buffer the "
                "dataset was read from is closed (I/O operation on closed file)"
            )
        position = source.tell()
        try:
            source.seek(offset)
            data = source.read(length)
        finally:
            source.seek(position)
    if len(data) != length:
        raise TruncatedDataError(
            f"Deferred read got {len(data)} of {length} bytes", tag=tag, offset=offset
        )
    return data
