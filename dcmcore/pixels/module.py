"""The Image Pixel module of a dataset: read once, checked once, then a plain value.

:func:`read_image_pixel` reads each element the pixel pipeline needs from a dataset
once, through the pydicom-style Dataset API (``tag in ds``, ``ds[tag]``), into an
:class:`ImagePixelValues` holding them as found. :func:`~dcmcore.pixels.validation.validate_module`
checks those and returns a :class:`PixelModule` of plain ints and strings: the one
description later stages use, which pickles to worker processes and gives the codecs
their :class:`~dcmcore.codecs.FrameInfo`. Transfer-syntax facts come from the
registry's :class:`~dcmcore.transfer_syntax.TransferSyntax` record, which the module
carries.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any, Final

import numpy as np

from dcmcore import transfer_syntax
from dcmcore.codecs.base import FrameInfo
from dcmcore.dictionary import keyword_for_tag
from dcmcore.errors import PixelDataError
from dcmcore.pixels._file_value import deferred_pixel_value
from dcmcore.pixels.encapsulation import OffsetTable
from dcmcore.protocols import DatasetLike
from dcmcore.tag import PIXEL_DATA_TAGS
from dcmcore.transfer_syntax import TransferSyntax
from dcmcore.uid import ExplicitVRBigEndian, ExplicitVRLittleEndian, ImplicitVRLittleEndian

__all__ = [
    "IMAGE_PIXEL_ELEMENTS",
    "IMAGE_PIXEL_TAGS",
    "PIXEL_TAGS",
    "ImagePixelValues",
    "PixelModule",
    "dataset_syntax",
    "element_value",
    "read_image_pixel",
    "syntax_for",
    "transfer_syntax_of",
]

#: tag -> keyword of the pixel data elements (:data:`dcmcore.tag.PIXEL_DATA_TAGS`),
#: Pixel Data first
PIXEL_TAGS: Final[Mapping[int, str]] = MappingProxyType({
    tag: keyword_for_tag(tag) for tag in sorted(PIXEL_DATA_TAGS, reverse=True)})

#: name -> (tag, name in messages) of the Image Pixel module elements the pipeline reads
IMAGE_PIXEL_ELEMENTS: Final[Mapping[str, tuple[int, str]]] = MappingProxyType({
    "samples_per_pixel": (0x00280002, "Samples per Pixel"),
    "photometric_interpretation": (0x00280004, "Photometric Interpretation"),
    "planar_configuration": (0x00280006, "Planar Configuration"),
    "number_of_frames": (0x00280008, "Number of Frames"),
    "rows": (0x00280010, "Rows"),
    "columns": (0x00280011, "Columns"),
    "bits_allocated": (0x00280100, "Bits Allocated"),
    "bits_stored": (0x00280101, "Bits Stored"),
    "pixel_representation": (0x00280103, "Pixel Representation"),
})

#: name -> tag of the same elements
IMAGE_PIXEL_TAGS: Final[Mapping[str, int]] = MappingProxyType(
    {name: tag for name, (tag, _) in IMAGE_PIXEL_ELEMENTS.items()})

_EXTENDED_OFFSET_TABLE: Final = 0x7FE00001
_EXTENDED_OFFSET_LENGTHS: Final = 0x7FE00002


def syntax_for(uid: str) -> TransferSyntax:
    """The registry's record of `uid`.

    A UID the registry does not know is taken to be explicit VR little endian with
    encapsulated pixel data, as every syntax defined after the first three (PS3.5 A.4).
    """
    uid = str(uid).strip("\x00 ")
    record = transfer_syntax.get(uid)
    if record is None:
        record = TransferSyntax(uid=uid, name=uid, keyword="", implicit_vr=False,
                                little_endian=True, deflated=False, encapsulated=True,
                                lossless=False, private=True)
    return record


def element_value(ds: DatasetLike, tag: int, default: object = None) -> Any:
    """The value of element `tag` of `ds`, or `default` when absent.

    Raises
    ------
    PixelDataError
        The data model could not convert the value (names the element).
    """
    try:
        if tag not in ds:
            return default
        return ds[tag].value
    except (ValueError, TypeError, LookupError) as exc:
        raise PixelDataError(
            f"({tag >> 16:04X},{tag & 0xFFFF:04X}) could not be read: {exc}") from exc


def transfer_syntax_of(ds: DatasetLike) -> str:
    """The Transfer Syntax UID in the file meta of `ds` (``''`` when there is none)."""
    meta = getattr(ds, "file_meta", None)
    if meta is None:
        return ""
    return str(element_value(meta, 0x00020010, "") or "").strip("\x00 ")


def dataset_syntax(ds: DatasetLike) -> TransferSyntax:
    """The transfer syntax of `ds`: its file meta's, else the encoding it was read with.

    Without a Transfer Syntax UID the pixel data is native, in the byte order the
    dataset was read in (``ds.original_encoding``), little endian when unknown.
    """
    uid = transfer_syntax_of(ds)
    if uid:
        return syntax_for(uid)
    encoding = getattr(ds, "original_encoding", None)
    implicit, little = encoding if isinstance(encoding, tuple) and len(encoding) == 2 else \
        (None, None)
    if little is False:
        return syntax_for(ExplicitVRBigEndian)
    return syntax_for(ImplicitVRLittleEndian if implicit else ExplicitVRLittleEndian)


_NATIVE_LE: Final = syntax_for(ExplicitVRLittleEndian)


@dataclass(frozen=True)
class ImagePixelValues:
    """The Image Pixel module as found, each element read once and not yet checked.

    Attributes
    ----------
    values : mapping of str to object
        Value of each element of :data:`IMAGE_PIXEL_TAGS` present, by name (an
        absent element has no entry; an empty one is ``None``).
    transfer_syntax : TransferSyntax
        The syntax of the pixel data.
    pixel_tags : tuple of int
        The pixel data elements present (the pipeline needs exactly one).
    pixel_vr : str
        VR of the first of them.
    pixel_value : object
        Its value (``None`` when read from a file: frames are read on demand).
    extended_offsets : tuple or None
        (Extended Offset Table, Extended Offset Table Lengths) values when both exist.
    """

    values: Mapping[str, object]
    transfer_syntax: TransferSyntax = _NATIVE_LE
    pixel_tags: tuple[int, ...] = ()
    pixel_vr: str = "OB"
    pixel_value: object = field(default=None, repr=False, compare=False)
    extended_offsets: tuple[OffsetTable, OffsetTable] | None = field(default=None, repr=False)

    @property
    def pixel_keyword(self) -> str:
        """Keyword of the pixel data element (``"PixelData"`` when there is none)."""
        return PIXEL_TAGS[self.pixel_tags[0]] if self.pixel_tags else "PixelData"

    def with_values(self, **values: object) -> ImagePixelValues:
        """A copy in which `values` (Image Pixel names, e.g. ``rows=``) replace those found."""
        unknown = set(values) - set(IMAGE_PIXEL_TAGS)
        if unknown:
            raise TypeError(f"not Image Pixel values: {', '.join(sorted(unknown))}")
        return replace(self, values={**self.values, **values})


def read_image_pixel(
    ds: DatasetLike, tsyntax: TransferSyntax | None = None, *, in_file: bool = False
) -> ImagePixelValues:
    """Read the Image Pixel module and the pixel data element of `ds`, each element once.

    Parameters
    ----------
    ds : Dataset
        Any object with the pydicom-style Dataset API.
    tsyntax : TransferSyntax, optional
        The transfer syntax; default :func:`dataset_syntax`.
    in_file : bool
        If True, a pixel data value the reader left in its file is not read: the
        ``pixel_value`` is then a :class:`~dcmcore.pixels._file_value.FilePixelValue`.

    Raises
    ------
    PixelDataError
        An element's value cannot be converted by the data model (names the element).
    """
    values = {}
    for name, tag in IMAGE_PIXEL_TAGS.items():
        found = element_value(ds, tag, _ABSENT)
        if found is not _ABSENT:
            values[name] = found
    pixel_tags = tuple(tag for tag in PIXEL_TAGS if tag in ds)
    vr = "OB"
    value: object = None
    in_place = deferred_pixel_value(ds, pixel_tags[0]) if pixel_tags and in_file else None
    if in_place is not None:
        vr, value = in_place.vr, in_place
    elif pixel_tags:
        elem = ds[pixel_tags[0]]
        vr, value = str(getattr(elem, "VR", "OB")), elem.value
        if isinstance(value, io.BufferedIOBase):  # a buffered value (pydicom 3): its bytes
            buffer, start = value, value.tell()
            try:
                value = buffer.read()
            finally:
                buffer.seek(start)
    offsets = None
    if _EXTENDED_OFFSET_TABLE in ds and _EXTENDED_OFFSET_LENGTHS in ds:
        offsets = (ds[_EXTENDED_OFFSET_TABLE].value, ds[_EXTENDED_OFFSET_LENGTHS].value)
    return ImagePixelValues(
        values, tsyntax if tsyntax is not None else dataset_syntax(ds), pixel_tags, vr, value,
        offsets)


_ABSENT: Final = object()


@dataclass(frozen=True)
class PixelModule:
    """Everything needed to turn a pixel data value into an array, checked.

    Built by :func:`~dcmcore.pixels.validation.validate_module` only.
    """

    rows: int
    columns: int
    samples_per_pixel: int
    bits_allocated: int
    bits_stored: int
    pixel_representation: int
    photometric_interpretation: str
    planar_configuration: int
    number_of_frames: int
    transfer_syntax: TransferSyntax = _NATIVE_LE
    pixel_keyword: str = "PixelData"
    pixel_vr: str = "OB"
    extended_offsets: tuple[OffsetTable, OffsetTable] | None = field(default=None, repr=False)

    @property
    def transfer_syntax_uid(self) -> str:
        """The UID of :attr:`transfer_syntax`."""
        return self.transfer_syntax.uid

    @property
    def little_endian(self) -> bool:
        """Native pixel data is little endian (encapsulated frames always are)."""
        return self.transfer_syntax.little_endian

    @property
    def encapsulated(self) -> bool:
        """The pixel data is encapsulated: frames go to the codecs."""
        return self.transfer_syntax.encapsulated

    @property
    def is_float(self) -> bool:
        """Float or Double Float Pixel Data."""
        return self.pixel_keyword != "PixelData"

    @property
    def pixels_per_frame(self) -> int:
        """Samples in one frame (rows x columns x samples per pixel)."""
        return self.rows * self.columns * self.samples_per_pixel

    @property
    def native_frame_bits(self) -> int:
        """Bits one frame occupies in native encoding (YBR_FULL_422 sub-sampled)."""
        bits = self.pixels_per_frame * self.bits_allocated
        if self.photometric_interpretation == "YBR_FULL_422" and not self.encapsulated:
            bits = bits // 3 * 2
        return bits

    def frame_length(self) -> int | float:
        """Bytes per frame; a float for bit-packed frames that are not byte aligned.

        For encapsulated data this is the decoded length rounded up to whole bytes.
        """
        if self.bits_allocated == 1:
            n = self.pixels_per_frame
            if self.encapsulated:
                return n // 8 + (n % 8 > 0)
            length = n / 8
            return int(length) if length.is_integer() else length
        return self.native_frame_bits // 8

    @property
    def dtype(self) -> np.dtype:
        """The dtype of the unpacked pixels, in the transfer syntax byte order."""
        if self.pixel_keyword == "FloatPixelData":
            code = "f4"
        elif self.pixel_keyword == "DoubleFloatPixelData":
            code = "f8"
        elif self.bits_allocated == 1:
            code = "u1"
        else:
            code = f"{'ui'[self.pixel_representation]}{self.bits_allocated // 8}"
        return np.dtype(("<" if self.little_endian else ">") + code)

    @property
    def decoded_dtype(self) -> np.dtype:
        """The dtype codecs' frames are decoded into (native byte order)."""
        return self.dtype.newbyteorder("=")

    @property
    def swap_ow(self) -> bool:
        """8-bit big endian data stored as OW has its bytes swapped pairwise."""
        return (
            not self.little_endian
            and self.bits_allocated == 8
            and self.pixel_keyword == "PixelData"
            and self.pixel_vr == "OW"
        )

    def with_(self, **changes: Any) -> PixelModule:
        """Return a copy with `changes` applied (values already checked by the caller)."""
        return replace(self, **changes)

    def frame_info(self, **changes: Any) -> FrameInfo:
        """Return the codecs' :class:`~dcmcore.codecs.FrameInfo` for one frame of this module."""
        values: dict[str, Any] = dict(
            rows=self.rows,
            columns=self.columns,
            samples_per_pixel=self.samples_per_pixel,
            bits_allocated=self.bits_allocated,
            bits_stored=self.bits_stored,
            pixel_representation=self.pixel_representation,
            photometric_interpretation=self.photometric_interpretation,
            planar_configuration=self.planar_configuration,
            number_of_frames=self.number_of_frames,
            transfer_syntax_uid=self.transfer_syntax.uid,
        )
        values.update(changes)
        return FrameInfo(**values)
