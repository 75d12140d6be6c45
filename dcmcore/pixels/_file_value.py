"""A pixel data value the reader left in its file: read from there, checked, on demand.

:func:`dcmcore.dcmread` of a path leaves large native pixel data in the file (see
:data:`dcmcore.io.reader.PIXEL_DEFER_SIZE`). :func:`deferred_pixel_value` finds such a
value in a dataset without reading it, and :class:`FilePixelValue` reads parts of it
with the reader's guarded reads (:class:`~dcmcore.io._deferred.FileIdentity`: the file
must be the one that was read), straight into the caller's buffer.
"""

from __future__ import annotations

from typing import Final

from dcmcore.element import RawDataElement
from dcmcore.io._deferred import FileIdentity

__all__ = ["FilePixelValue", "deferred_pixel_value"]

_UNDEFINED: Final = 0xFFFFFFFF
#: VR of a pixel data element read with implicit VR (always little endian: the VR only
#: tells how big endian data is swapped)
_IMPLICIT_VR: Final = {0x7FE00008: "OF", 0x7FE00009: "OD"}


class FilePixelValue:
    """`length` bytes at file offset `offset` of the file `identity` describes."""

    __slots__ = ("identity", "path", "tag", "vr", "offset", "length")

    def __init__(self, identity: FileIdentity, path: str, tag: int, vr: str, offset: int,
                 length: int) -> None:
        self.identity = identity
        self.path = path
        self.tag = tag
        self.vr = vr
        self.offset = offset
        self.length = length

    def read_into(self, pos: int, out: memoryview) -> None:
        """Fill `out` with the value's bytes from `pos` (read once, from the file)."""
        self.identity.read_into(self.path, self.offset, self.length, self.tag, pos, out)

    def read_at(self, pos: int, size: int) -> memoryview:
        """Up to `size` bytes of the value from `pos`, in a new writeable buffer."""
        size = min(size, self.length - pos)
        if pos < 0 or size <= 0:
            return memoryview(b"")
        out = memoryview(bytearray(size))
        self.read_into(pos, out)
        return out


def deferred_pixel_value(ds: object, tag: int) -> FilePixelValue | None:
    """The pixel data element `tag` of `ds` if the reader left its value in the file.

    None for anything else (a value in memory, another kind of dataset, a value
    deferred from a buffer): the caller reads the element's value as usual.
    """
    # a dcmcore Dataset (duck-typed: the data model imports this package for its type hints)
    elements = getattr(ds, "_dict", None)
    deferred_source = getattr(ds, "_deferred_source", None)
    if not isinstance(elements, dict) or deferred_source is None:
        return None
    raw = elements.get(tag)
    if (
        not isinstance(raw, RawDataElement)
        or raw.value is not None
        or raw.value_tell is None
        or raw.length == _UNDEFINED
        or raw.is_undefined_length
    ):
        return None
    path, identity = deferred_source()
    if not isinstance(path, str) or not isinstance(identity, FileIdentity):
        return None
    vr = raw.VR or _IMPLICIT_VR.get(tag, "OW")
    return FilePixelValue(identity, path, int(tag), str(vr), raw.value_tell, raw.length)
