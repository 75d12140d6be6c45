"""The Image Pixel module description of a dataset's pixel data.

:class:`PixelModule` gathers, once, every value the pipeline needs (group 0028, the
pixel data element's keyword and VR, the transfer syntax) so that later stages never
look at the dataset again and the description can be pickled to worker processes.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from dcmcore import transfer_syntax
from dcmcore.codecs.base import FrameInfo
from dcmcore.errors import DcmcoreWarning
from dcmcore.pixels._compat import element_value, has_element, transfer_syntax_of
from dcmcore.transfer_syntax import TransferSyntax
from dcmcore.uid import ExplicitVRBigEndian, ExplicitVRLittleEndian, ImplicitVRLittleEndian

__all__ = ["PixelModule", "PIXEL_TAGS", "module_from_dataset", "syntax_for", "dataset_syntax"]

#: tag -> keyword of the three pixel data elements
PIXEL_TAGS = {
    0x7FE00010: "PixelData",
    0x7FE00008: "FloatPixelData",
    0x7FE00009: "DoubleFloatPixelData",
}

# keyword -> tag for the Image Pixel module elements read here
IMAGE_PIXEL_TAGS = {
    "samples_per_pixel": 0x00280002,
    "photometric_interpretation": 0x00280004,
    "planar_configuration": 0x00280006,
    "number_of_frames": 0x00280008,
    "rows": 0x00280010,
    "columns": 0x00280011,
    "bits_allocated": 0x00280100,
    "bits_stored": 0x00280101,
    "pixel_representation": 0x00280103,
}


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


def dataset_syntax(ds: Any) -> TransferSyntax:
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


_NATIVE_LE = syntax_for(ExplicitVRLittleEndian)


@dataclass(frozen=True)
class PixelModule:
    """Everything needed to turn a pixel data value into an array.

    Values are as found in the dataset (possibly ``None`` when absent); call
    :func:`dcmcore.pixels.validation.validate_module` before trusting them.
    """

    rows: Any = None
    columns: Any = None
    samples_per_pixel: Any = None
    bits_allocated: Any = None
    bits_stored: Any = None
    pixel_representation: Any = None
    photometric_interpretation: Any = None
    planar_configuration: Any = None
    number_of_frames: Any = 1
    transfer_syntax: TransferSyntax = _NATIVE_LE
    pixel_keyword: str = "PixelData"
    pixel_vr: str = "OB"
    extended_offsets: tuple[Any, Any] | None = field(default=None, repr=False)

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

    # ---- derived values (only meaningful after validation) ----
    @property
    def is_float(self) -> bool:
        return self.pixel_keyword != "PixelData"

    @property
    def pixels_per_frame(self) -> int:
        return int(self.rows) * int(self.columns) * int(self.samples_per_pixel)

    @property
    def native_frame_bits(self) -> int:
        """Bits one frame occupies in native encoding (YBR_FULL_422 sub-sampled)."""
        bits = self.pixels_per_frame * int(self.bits_allocated)
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
            code = f"{'ui'[int(self.pixel_representation)]}{int(self.bits_allocated) // 8}"
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
        """Return a copy with `changes` applied."""
        return replace(self, **changes)

    def frame_info(self, **changes: Any) -> FrameInfo:
        """Return the codecs' :class:`FrameInfo` for one frame of this module."""
        values: dict[str, Any] = dict(
            rows=int(self.rows),
            columns=int(self.columns),
            samples_per_pixel=int(self.samples_per_pixel),
            bits_allocated=int(self.bits_allocated),
            bits_stored=int(self.bits_stored or self.bits_allocated),
            pixel_representation=int(self.pixel_representation or 0),
            photometric_interpretation=str(self.photometric_interpretation),
            planar_configuration=int(self.planar_configuration or 0),
            number_of_frames=int(self.number_of_frames),
            transfer_syntax_uid=self.transfer_syntax.uid,
            transfer_syntax=self.transfer_syntax,
        )
        values.update(changes)
        return FrameInfo(**values)


def _frames_value(value: Any) -> int:
    if isinstance(value, str):
        value = value.strip()
        value = int(value) if value else None
    if value in (None, 0):
        warnings.warn(
            f"A value of '{value}' for (0028,0008) 'Number of Frames' is invalid, "
            "assuming 1 frame",
            DcmcoreWarning,
            stacklevel=4,
        )
        return 1
    try:
        return int(value)
    except (TypeError, ValueError):
        return value  # validation names it


def module_from_dataset(ds: Any, tsyntax: TransferSyntax | None = None, **overrides: Any
                        ) -> PixelModule:
    """Build a :class:`PixelModule` from a dataset (no validation).

    Parameters
    ----------
    ds : Dataset
        Any object with the pydicom-style Dataset API.
    tsyntax : TransferSyntax, optional
        The transfer syntax; default :func:`dataset_syntax`.
    **overrides
        Field values that win over the dataset's.
    """
    values: dict[str, Any] = {}
    for name, tag in IMAGE_PIXEL_TAGS.items():
        values[name] = element_value(ds, tag)
    values["number_of_frames"] = (
        _frames_value(values["number_of_frames"]) if has_element(ds, 0x00280008) else 1
    )
    if isinstance(values["photometric_interpretation"], str):
        values["photometric_interpretation"] = values["photometric_interpretation"].strip()

    present = [tag for tag in PIXEL_TAGS if has_element(ds, tag)]
    if present:
        tag = present[0]
        values["pixel_keyword"] = PIXEL_TAGS[tag]
        values["pixel_vr"] = str(getattr(ds[tag], "VR", "OB"))
    if has_element(ds, 0x7FE00001) and has_element(ds, 0x7FE00002):
        values["extended_offsets"] = (ds[0x7FE00001].value, ds[0x7FE00002].value)

    values["transfer_syntax"] = tsyntax if tsyntax is not None else dataset_syntax(ds)
    values.update(overrides)
    return PixelModule(**values)

