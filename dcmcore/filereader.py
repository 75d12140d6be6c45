"""pydicom's ``filereader`` module: reading Part 10 files and encoded data sets.

:func:`dcmread` and :func:`read_file_meta_info` are dcmcore's reader
(:mod:`dcmcore.io.reader`); the lower-level functions pydicom exposes
(:func:`read_preamble`, :func:`read_dataset`, :func:`data_element_generator`...)
are adapters over dcmcore's element parser (:func:`dcmcore.io.parser.read_elements`).

Examples
--------
>>> from dcmcore.filereader import dcmread
>>> ds = dcmread(path)  # doctest: +SKIP
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, MutableSequence
from typing import Any, BinaryIO, Literal

from dcmcore._raw_values import convert_SQ
from dcmcore.charset import default_encoding
from dcmcore.dataset import Dataset
from dcmcore.element import DataElement, RawDataElement, empty_value_for_VR
from dcmcore.errors import InvalidDicomError
from dcmcore.fileutil import length_of_undefined_length, read_undefined_length_value
from dcmcore.io.parser import read_elements
from dcmcore.io.reader import _read_preamble, dcmread, read_file_meta_info, size_in_bytes
from dcmcore.tag import BaseTag, ItemTag, SequenceDelimiterTag, Tag
from dcmcore.vr import EXPLICIT_VR_LENGTH_32

__all__ = [
    "data_element_generator",
    "data_element_offset_to_value",
    "dcmread",
    "read_dataset",
    "read_deferred_data_element",
    "read_file_meta_info",
    "read_partial",
    "read_preamble",
    "read_sequence",
    "read_sequence_item",
]

StopWhenType = Callable[[BaseTag, str | None, int], bool]
_UNDEFINED = 0xFFFFFFFF
_ = (ItemTag, SequenceDelimiterTag, DataElement)


def read_preamble(fp: BinaryIO, force: bool) -> bytes | None:
    """Read the 128-byte preamble and the ``DICM`` prefix at the position of `fp`.

    Returns the preamble, or None with `force` when there is none (then `fp`
    is moved back to where it was).

    Raises
    ------
    InvalidDicomError
        If there is no ``DICM`` prefix and `force` is False.
    """
    start = fp.tell()
    data = fp.read(132)
    preamble, _ = _read_preamble(data, force)
    if preamble is None:
        fp.seek(start)
    return preamble


def data_element_offset_to_value(is_implicit_VR: bool, VR: str | None) -> int:
    """Return the size of an element header: the offset of its value from its tag."""
    if is_implicit_VR:
        return 8
    return 12 if VR in EXPLICIT_VR_LENGTH_32 else 8


def _header_size(raw: RawDataElement) -> int:
    return data_element_offset_to_value(raw.is_implicit_VR, raw.VR)


def _read_raw(
    fp: BinaryIO,
    is_implicit_VR: bool,
    is_little_endian: bool,
    bytelength: int | None,
    stop_when: StopWhenType | None,
    specific_tags: Any,
) -> dict[BaseTag, RawDataElement]:
    """Parse elements from the position of `fp`; leave `fp` where reading stopped."""
    start = fp.tell()
    data = fp.read() if bytelength is None else fp.read(bytelength)
    only = None if specific_tags is None else {int(Tag(t)) for t in specific_tags}
    if only is not None:
        only.add(0x00080005)
    elements, stop, _ = read_elements(
        data, 0, len(data), is_implicit_VR, is_little_endian, base=start, only=only
    )
    stop += start
    if stop_when is not None:
        kept: dict[BaseTag, RawDataElement] = {}
        for tag, raw in elements.items():
            if stop_when(tag, raw.VR, raw.length):
                stop = (raw.value_tell or 0) - _header_size(raw)
                break
            kept[tag] = raw
        elements = kept
    fp.seek(stop)
    return elements


def data_element_generator(
    fp: BinaryIO,
    is_implicit_VR: bool,
    is_little_endian: bool,
    stop_when: StopWhenType | None = None,
    defer_size: int | str | float | None = None,
    encoding: str | MutableSequence[str] = default_encoding,
    specific_tags: list[BaseTag | int] | None = None,
) -> Iterator[RawDataElement | DataElement]:
    """Yield the raw elements encoded from the position of `fp` to its end.

    Values longer than `defer_size` are yielded as None; empty values are those of
    ``empty_value_for_VR(VR, raw=True)`` (None for implicit VR), as pydicom does. Sequences are raw ``SQ`` elements (their items parsed on access).
    """
    limit = size_in_bytes(defer_size)
    elements = _read_raw(fp, is_implicit_VR, is_little_endian, None, stop_when, specific_tags)
    for raw in elements.values():
        value = raw.value
        if raw.length == 0:
            raw = raw._replace(value=empty_value_for_VR(raw.VR, raw=True))  # as pydicom
        elif (
            limit is not None
            and value is not None
            and raw.VR != "SQ"
            and len(value) > limit
            and raw.tag != 0x00080005
        ):
            raw = raw._replace(value=None)
        yield raw


def read_dataset(
    fp: BinaryIO,
    is_implicit_VR: bool,
    is_little_endian: bool,
    bytelength: int | None = None,
    stop_when: StopWhenType | None = None,
    defer_size: str | int | float | None = None,
    parent_encoding: str | MutableSequence[str] = default_encoding,
    specific_tags: list[BaseTag | int] | None = None,
    at_top_level: bool = True,
) -> Any:
    """Read the data set encoded from the position of `fp` (`bytelength` bytes, or to the end).

    Returns
    -------
    Dataset
        With its original encoding set; values are decoded on access.
    """

    elements = _read_raw(fp, is_implicit_VR, is_little_endian, bytelength, stop_when, specific_tags)
    ds = Dataset(elements)  # raw elements are converted on access
    encoding = parent_encoding
    charset = elements.get(BaseTag(0x00080005))
    if charset is not None and charset.value:
        encoding = charset.value.decode("ascii", "replace").strip(" \0")
    ds.set_original_encoding(is_implicit_VR, is_little_endian, encoding)
    return ds


def read_sequence(
    fp: BinaryIO,
    is_implicit_VR: bool,
    is_little_endian: bool,
    bytelength: int,
    encoding: str | MutableSequence[str],
    offset: int = 0,
) -> Any:
    """Read the encoded items of a sequence (`bytelength` bytes, or undefined length)."""

    if bytelength == _UNDEFINED:

        data = read_undefined_length_value(fp, is_little_endian, SequenceDelimiterTag) or b""
    else:
        data = fp.read(bytelength)
    encodings = [encoding] if isinstance(encoding, str) else list(encoding)
    return convert_SQ(data, is_implicit_VR, is_little_endian, encodings, offset)


def read_sequence_item(
    fp: BinaryIO,
    is_implicit_VR: bool,
    is_little_endian: bool,
    encoding: str | MutableSequence[str],
    offset: int = 0,
) -> Any:
    """Read one sequence item at the position of `fp`; None at a sequence delimiter."""
    start = fp.tell()
    header = fp.read(8)
    if len(header) < 8:
        raise InvalidDicomError("Data ended inside a sequence item header", offset=start)
    order: Literal["little", "big"] = "little" if is_little_endian else "big"
    group = int.from_bytes(header[:2], order)
    elem = int.from_bytes(header[2:4], order)
    length = int.from_bytes(header[4:], order)
    tag = group << 16 | elem
    if tag == SequenceDelimiterTag:
        return None
    if tag != ItemTag:
        raise InvalidDicomError(f"Expected a sequence item, found {BaseTag(tag)}", offset=start)
    if length == _UNDEFINED:

        item_delim = BaseTag(0xFFFEE00D)
        size = length_of_undefined_length(fp, item_delim, is_little_endian)
        if size is None:
            raise InvalidDicomError("Sequence item has no item delimiter", offset=start)
        ds = read_dataset(fp, is_implicit_VR, is_little_endian, size, parent_encoding=encoding)
        fp.seek(8, os.SEEK_CUR)
        ds.is_undefined_length_sequence_item = True
    else:
        ds = read_dataset(fp, is_implicit_VR, is_little_endian, length, parent_encoding=encoding)
    return ds


def read_partial(
    fileobj: BinaryIO,
    stop_when: StopWhenType | None = None,
    defer_size: int | str | float | None = None,
    force: bool = False,
    specific_tags: list[BaseTag | int] | None = None,
) -> Any:
    """Read a Part 10 file from `fileobj` (pydicom's lower-level ``dcmread``).

    A `stop_when` other than None is applied after the read: the elements from the
    first one it accepts on are dropped.
    """
    ds = dcmread(fileobj, defer_size=defer_size, force=force, specific_tags=specific_tags)
    if stop_when is not None:
        for tag in list(ds.keys()):
            raw = ds.get_item(tag, keep_deferred=True)
            if stop_when(BaseTag(tag), getattr(raw, "VR", None), getattr(raw, "length", 0)):
                for later in [t for t in ds.keys() if t >= tag]:
                    del ds[later]
                break
    return ds


def read_deferred_data_element(
    fileobj_type: Any,
    filename_or_obj: str | bytes | os.PathLike[Any] | BinaryIO,
    timestamp: float | None,
    raw_data_elem: RawDataElement,
) -> RawDataElement:
    """Return `raw_data_elem` with its deferred value read from `filename_or_obj`.

    Raises
    ------
    OSError
        If the file is missing or changed since `timestamp` (``mtime``).
    """
    offset = raw_data_elem.value_tell or 0
    length = raw_data_elem.length
    if isinstance(filename_or_obj, (str, bytes, os.PathLike)):
        path = os.fsdecode(filename_or_obj)
        if not os.path.exists(path):
            raise OSError(f"Deferred read -- original file {path} is missing")
        if timestamp is not None and os.stat(path).st_mtime != timestamp:
            raise OSError(f"Deferred read -- {path} was modified after it was read")
        with open(path, "rb") as fh:
            fh.seek(offset)
            value = fh.read(length)
    else:
        position = filename_or_obj.tell()
        filename_or_obj.seek(offset)
        value = filename_or_obj.read(length)
        filename_or_obj.seek(position)
    if len(value) != length:
        raise InvalidDicomError(
            f"Deferred read got {len(value)} of {length} bytes",
            tag=raw_data_elem.tag,
            offset=offset,
        )
    return raw_data_elem._replace(value=value)
