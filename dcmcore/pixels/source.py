"""Pixel data inside a Part 10 file, read without loading the rest of it.

:func:`open_file_source` walks the file's element headers with the reader's own walker
(:func:`dcmcore.io.parser.read_elements`, over windows of the file: a value too large
for its window and not wanted is seeked over, undefined-length sequences are walked by
:func:`dcmcore.io.scan.find_sequence_end` with its depth limit), keeps only the Image
Pixel elements and stops at the pixel data element. The Image Pixel module is then read
from those elements through the data model exactly as from a dataset
(:func:`~dcmcore.pixels.module.read_image_pixel`), and frames are read on demand with
``seek`` + ``read``: decoding frame *k* reads only frame *k*'s bytes.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection
from dataclasses import replace
from typing import BinaryIO, Final

from dcmcore.dataset import Dataset, FileMetaDataset
from dcmcore.element import DataElement, RawDataElement
from dcmcore.errors import InvalidDicomError
from dcmcore.io.parser import NEED_MORE, read_elements
from dcmcore.io.scan import CHARSET_TAG, UNDEFINED, element_header
from dcmcore.pixels.decode import PixelSource
from dcmcore.pixels.module import (
    IMAGE_PIXEL_TAGS,
    ImagePixelValues,
    dataset_syntax,
    read_image_pixel,
)
from dcmcore.pixels.validation import validate_module
from dcmcore.tag import PIXEL_DATA_TAGS, BaseTag

__all__ = ["FileLayout", "scan_file", "open_file_source"]

#: bytes read at a time while walking element headers (a frame or two must be more)
WINDOW: Final = 4096
_WANTED: Final = frozenset({*IMAGE_PIXEL_TAGS.values(), 0x7FE00001, 0x7FE00002})
_TRANSFER_SYNTAX_UID: Final = 0x00020010


class _File:
    """A binary file read at absolute positions; bytes of the previous read are not read
    again."""

    __slots__ = ("f", "size", "_pos", "_last")

    def __init__(self, f: BinaryIO) -> None:
        self.f = f
        f.seek(0, os.SEEK_END)
        self.size = f.tell()
        self._pos, self._last = 0, b""

    def read(self, pos: int, n: int) -> bytes:
        n = min(n, self.size - pos)
        if n <= 0:
            return b""
        offset = pos - self._pos
        held = self._last[offset:offset + n] if 0 <= offset < len(self._last) else b""
        if len(held) < n:
            self.f.seek(pos + len(held))
            self._pos, self._last = pos, held + self.f.read(n - len(held))
            return self._last
        return held


def _walk(
    file: _File, pos: int, implicit: bool, little: bool, stop_when: Callable[[int], bool],
    only: Collection[int] | None,
) -> tuple[dict[BaseTag, DataElement | RawDataElement], int]:
    """Read elements from file position `pos` until `stop_when` or the end of the file.

    Returns the elements kept (`only`, all when None) and where the walk stopped.
    """
    elements: dict[BaseTag, DataElement | RawDataElement] = {}
    window = WINDOW
    while True:
        buf = file.read(pos, window)
        partial = pos + len(buf) < file.size
        found, stop, status = read_elements(buf, 0, len(buf), implicit, little, base=pos,
                                            stop_when=stop_when, only=only, partial=partial)
        elements.update(found)
        if status != NEED_MORE:
            return elements, pos + stop
        # an element that does not fit in the window: seek over its value when it is
        # not wanted, else read a window starting at it that holds it (an undefined-length
        # value, or a header that cannot be read: twice the window)
        header = element_header(buf, stop, implicit, little)
        pos += stop
        if header is None or header[2] == UNDEFINED:
            window = 2 * window if stop == 0 else WINDOW
        elif only is not None and header[0] not in only and header[0] != CHARSET_TAG:
            pos += header[3] + header[2]
            window = WINDOW
        else:
            window = max(WINDOW, header[3] + header[2])


class FileLayout:
    """What :func:`scan_file` found: the dataset (Image Pixel elements only) and where the
    pixel data element is."""

    def __init__(self, dataset: Dataset, pixel_tag: int | None, pixel_vr: str,
                 value_start: int, value_length: int | None) -> None:
        self.dataset = dataset
        self.pixel_tag = pixel_tag
        self.pixel_vr = pixel_vr
        self.value_start = value_start
        self.value_length = value_length


def scan_file(f: BinaryIO) -> FileLayout:
    """Locate the pixel data of the Part 10 file `f` and read the Image Pixel elements.

    Raises
    ------
    InvalidDicomError
        The file has no Transfer Syntax UID (the caller reads it whole instead).
    NotImplementedError
        The dataset is deflated and cannot be seeked into.
    """
    file = _File(f)
    pos = 132 if file.read(128, 4) == b"DICM" else 0
    meta, pos = _walk(file, pos, False, True, lambda tag: tag >> 16 != 0x0002, None)
    if BaseTag(_TRANSFER_SYNTAX_UID) not in meta:
        raise InvalidDicomError("No (0002,0010) 'Transfer Syntax UID' in the file meta "
                                "information; cannot locate the pixel data", offset=pos)
    ds = Dataset()
    ds.file_meta = FileMetaDataset(meta)
    record = dataset_syntax(ds)
    if record.deflated:
        raise NotImplementedError("deflated dataset")  # the caller falls back to dcmread
    implicit, little = record.implicit_vr, record.little_endian
    elements, stop = _walk(file, pos, implicit, little,
                           lambda tag: tag in PIXEL_DATA_TAGS or tag > 0x7FE00010, _WANTED)
    ds = Dataset(elements)
    ds.file_meta = FileMetaDataset(meta)
    ds.set_original_encoding(implicit, little, "iso8859")
    header = element_header(file.read(stop, 12), 0, implicit, little)  # read already, mostly
    if header is None or header[0] not in PIXEL_DATA_TAGS:
        return FileLayout(ds, None, "OB", 0, None)
    tag, vr, length, size = header
    if vr is None:  # implicit VR (always little endian): as the data model resolves it
        vr = "OB" if length == UNDEFINED else {0x7FE00008: "OF", 0x7FE00009: "OD"}.get(
            tag, "OW")
    return FileLayout(ds, tag, vr, stop + size, None if length == UNDEFINED else length)


def _image_pixel_values(layout: FileLayout) -> ImagePixelValues:
    """The Image Pixel values of the file, read as from a dataset (not yet checked)."""
    found = read_image_pixel(layout.dataset)
    tags = () if layout.pixel_tag is None else (layout.pixel_tag,)
    return replace(found, pixel_tags=tags, pixel_vr=layout.pixel_vr)


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
    found = _image_pixel_values(layout)
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
