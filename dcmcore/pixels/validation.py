"""Checks of the Image Pixel module, done before any plugin is called.

:func:`validate_module` turns the values as found (:class:`ImagePixelValues`) into a
:class:`PixelModule`; every bad value raises a :class:`~dcmcore.errors.PixelDataError`
naming the element (a missing one :class:`MissingElementError`, also an
``AttributeError`` as pydicom raises).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final, SupportsInt

from dcmcore.codecs._warnings import warn
from dcmcore.errors import MissingElementError, PixelDataError
from dcmcore.pixels.module import IMAGE_PIXEL_ELEMENTS, ImagePixelValues, PixelModule

__all__ = [
    "MissingElementError",
    "MAX_DECODED_BYTES",
    "validate_module",
    "check_native_length",
    "check_decoded_size",
    "PHOTOMETRIC_INTERPRETATIONS",
]

#: Upper bound on the size of a decoded array; a larger request is refused before
#: anything is allocated (override with the ``max_decoded_bytes`` option).
MAX_DECODED_BYTES = 2**34

PHOTOMETRIC_INTERPRETATIONS = frozenset(
    {
        "MONOCHROME1", "MONOCHROME2", "PALETTE COLOR", "RGB", "YBR_FULL",
        "YBR_FULL_422", "YBR_ICT", "YBR_RCT", "XYB",
        "HSV", "ARGB", "CMYK", "YBR_PARTIAL_422", "YBR_PARTIAL_420",  # retired
    }
)
_FOUR_SAMPLE_PI = frozenset({"ARGB", "CMYK"})
_MAX_US = 2**16 - 1
_MAX_FRAMES = 2**31 - 1


_ELEMENTS: Final = IMAGE_PIXEL_ELEMENTS


def _name(tag: int, keyword: str) -> str:
    return f"(0028,{tag & 0xFFFF:04X}) '{keyword}'"


def _int(value: object, tag: int, keyword: str) -> int:
    if isinstance(value, (list, tuple)) or (
            not isinstance(value, (int, str, bytes, float)) and hasattr(value, "__len__")):
        raise PixelDataError(f"{_name(tag, keyword)} must have one value, got {value!r}")
    if isinstance(value, float) and not value.is_integer():
        raise PixelDataError(f"{_name(tag, keyword)} value {value!r} is not an integer")
    if isinstance(value, (str, bytes, SupportsInt)):
        try:
            return int(value)
        except (TypeError, ValueError):
            pass
    raise PixelDataError(f"{_name(tag, keyword)} value {value!r} is not an integer")


def _require(values: Mapping[str, object], key: str) -> object:
    tag, keyword = _ELEMENTS[key]
    value = values.get(key)
    if value is None or value == "":
        raise MissingElementError(f"Missing required element: {_name(tag, keyword)}")
    return value


def _required_int(values: Mapping[str, object], key: str) -> int:
    tag, keyword = _ELEMENTS[key]
    return _int(_require(values, key), tag, keyword)


def _number_of_frames(values: Mapping[str, object]) -> int:
    """Number of Frames: absent is 1; empty or 0 warns and is 1 (as pydicom); else checked."""
    if "number_of_frames" not in values:
        return 1
    value = values["number_of_frames"]
    if isinstance(value, str):
        value = value.strip()
    if value in (None, "", 0):
        warn(f"A value of '{value}' for (0028,0008) 'Number of Frames' is invalid, "
             "assuming 1 frame")
        return 1
    nf = _int(value, 0x00280008, "Number of Frames")
    if not 0 < nf <= _MAX_FRAMES:
        raise PixelDataError(
            f"A {_name(0x00280008, 'Number of Frames')} value of '{nf}' is invalid, it must"
            f" be in the range (1, {_MAX_FRAMES})"
        )
    return nf


def validate_module(found: ImagePixelValues) -> PixelModule:
    """Check the Image Pixel values `found` and return them as a :class:`PixelModule`.

    Raises
    ------
    MissingElementError
        A required element is absent (also an ``AttributeError``).
    PixelDataError
        A value is invalid; the message names the element.
    """
    values = found.values
    keyword = found.pixel_keyword
    ba = _required_int(values, "bits_allocated")
    if ba not in (1, 8, 16, 32, 64):
        raise PixelDataError(
            f"A {_name(0x00280100, 'Bits Allocated')} value of '{ba}' is invalid, it must "
            "be 1, 8, 16, 32 or 64"
        )
    if keyword == "FloatPixelData" and ba != 32:
        raise PixelDataError(
            f"A {_name(0x00280100, 'Bits Allocated')} value of '{ba}' is invalid for "
            "(7FE0,0008) 'Float Pixel Data', it must be 32"
        )
    if keyword == "DoubleFloatPixelData" and ba != 64:
        raise PixelDataError(
            f"A {_name(0x00280100, 'Bits Allocated')} value of '{ba}' is invalid for "
            "(7FE0,0009) 'Double Float Pixel Data', it must be 64"
        )

    if keyword != "PixelData":
        # the Floating Point Image Pixel modules have neither element: stored = allocated
        bs = ba
        pr = 0 if values.get("pixel_representation") in (None, "") else _int(
            values["pixel_representation"], 0x00280103, "Pixel Representation")
    else:
        bs = _required_int(values, "bits_stored")
        if not 1 <= bs <= ba:
            raise PixelDataError(
                f"A {_name(0x00280101, 'Bits Stored')} value of '{bs}' is invalid, it must "
                f"be in the range (1, {ba}) and no greater than the "
                f"{_name(0x00280100, 'Bits Allocated')} value of '{ba}'"
            )
        pr = _required_int(values, "pixel_representation")
        if pr not in (0, 1):
            raise PixelDataError(
                f"A {_name(0x00280103, 'Pixel Representation')} value of '{pr}' is invalid,"
                " it must be 0 or 1"
            )

    size = {}
    for key in ("rows", "columns"):
        tag, kw = _ELEMENTS[key]
        v = _required_int(values, key)
        if not 0 < v <= _MAX_US:
            raise PixelDataError(
                f"A {_name(tag, kw)} value of '{v}' is invalid, it must be in the range "
                f"(1, {_MAX_US})"
            )
        size[key] = v

    nf = _number_of_frames(values)

    raw_pi = _require(values, "photometric_interpretation")
    pi = raw_pi.strip() if isinstance(raw_pi, str) else str(raw_pi)
    if pi not in PHOTOMETRIC_INTERPRETATIONS:
        raise PixelDataError(
            f"Unknown {_name(0x00280004, 'Photometric Interpretation')} value '{pi}'"
        )

    spp = _required_int(values, "samples_per_pixel")
    allowed = (1, 3, 4) if pi in _FOUR_SAMPLE_PI else (1, 3)
    if spp not in allowed:
        raise PixelDataError(
            f"A {_name(0x00280002, 'Samples per Pixel')} value of '{spp}' is invalid, it "
            f"must be {' or '.join(str(a) for a in allowed)}"
        )
    pc = 0
    if spp > 1:
        pc = _required_int(values, "planar_configuration")
        if pc not in (0, 1):
            raise PixelDataError(
                f"A {_name(0x00280006, 'Planar Configuration')} value of '{pc}' is invalid, "
                "it must be 0 or 1"
            )
    if pi == "YBR_FULL_422" and spp != 3:
        raise PixelDataError(
            f"{_name(0x00280004, 'Photometric Interpretation')} 'YBR_FULL_422' requires "
            f"{_name(0x00280002, 'Samples per Pixel')} 3, not {spp}"
        )
    encapsulated = found.transfer_syntax.encapsulated
    if pi == "YBR_FULL_422" and not encapsulated and size["columns"] % 2:
        raise PixelDataError(
            f"Native 'YBR_FULL_422' pixel data needs an even {_name(0x00280011, 'Columns')}"
            f" value, not {size['columns']}"
        )

    offsets = found.extended_offsets
    if offsets is not None:
        table, lengths = offsets
        if not _count(table) or not _count(lengths):
            offsets = None  # an empty table is no table
        elif _count(table) != _count(lengths):
            warn("The number of items in (7FE0,0001) 'Extended Offset Table' and "
                 "(7FE0,0002) 'Extended Offset Table Lengths' don't match - the "
                 "extended offset table will be ignored")
            offsets = None
    return PixelModule(
        rows=size["rows"], columns=size["columns"], samples_per_pixel=spp, bits_allocated=ba,
        bits_stored=bs, pixel_representation=pr, photometric_interpretation=pi,
        planar_configuration=pc, number_of_frames=nf, transfer_syntax=found.transfer_syntax,
        pixel_keyword=keyword, pixel_vr=found.pixel_vr, extended_offsets=offsets)


def _count(value: Any) -> int:
    """Entries of an (Extended) Offset Table value: 64-bit LE bytes, ints or None."""
    if value is None:
        return 0
    if isinstance(value, (bytes, bytearray, memoryview)):
        return len(value) // 8
    if isinstance(value, int):
        return 1
    return len(value)


def check_decoded_size(mod: PixelModule, n_frames: int, limit: int | None = None) -> int:
    """Return the bytes an array of `n_frames` decoded frames needs, refusing huge sizes."""
    limit = MAX_DECODED_BYTES if limit is None else int(limit)
    itemsize = 1 if mod.bits_allocated == 1 else mod.bits_allocated // 8
    size = mod.pixels_per_frame * itemsize * n_frames
    if size > limit:
        raise PixelDataError(
            f"The decoded pixel data would need {size} bytes ({n_frames} frames of "
            f"{mod.rows} x {mod.columns} x {mod.samples_per_pixel} at {mod.bits_allocated}"
            f" bits), more than the limit of {limit} bytes; check (0028,0008) 'Number of "
            "Frames', (0028,0010) 'Rows' and (0028,0011) 'Columns'"
        )
    return size


def check_native_length(
    mod: PixelModule, actual: int, *, allow_excess_frames: bool = True
) -> PixelModule:
    """Compare native pixel data length `actual` with what `mod` needs.

    Shorter data raises (an odd length missing only its padding byte is accepted);
    longer data warns and is trimmed, or gives extra whole frames when
    `allow_excess_frames` (pydicom's default). Returns `mod` with the frame count used.
    """
    frame_bits = mod.native_frame_bits
    expected_bits = frame_bits * mod.number_of_frames
    expected = -(-expected_bits // 8)
    padded = expected + expected % 2
    tag = {"PixelData": "(7FE0,0010) 'Pixel Data'", "FloatPixelData":
           "(7FE0,0008) 'Float Pixel Data'"}.get(mod.pixel_keyword,
                                                 "(7FE0,0009) 'Double Float Pixel Data'")
    if actual < padded:
        if actual != expected:
            raise PixelDataError(
                f"The number of bytes of {tag} is less than expected ({actual} vs "
                f"{padded} bytes) for {mod.number_of_frames} frame(s) of {mod.rows} x "
                f"{mod.columns} x {mod.samples_per_pixel} at {mod.bits_allocated} bits - "
                "the dataset may be corrupted, have an invalid group 0028 element value, "
                "or the transfer syntax may be incorrect"
            )
        return mod
    if actual > padded:
        if mod.photometric_interpretation == "YBR_FULL_422":
            full = expected // 2 * 3
            if actual >= full + full % 2:
                raise PixelDataError(
                    f"The number of bytes of {tag} is a third larger than expected "
                    f"({actual} vs {expected} bytes) which indicates the set (0028,0004) "
                    "'Photometric Interpretation' value of 'YBR_FULL_422' is incorrect and "
                    "may need to be changed to either 'RGB' or 'YBR_FULL'"
                )
        elif allow_excess_frames and frame_bits:
            whole = (actual * 8) // frame_bits
            if whole > mod.number_of_frames:
                warn(f"The number of bytes of {tag} is sufficient to contain {whole} frames "
                     "which is larger than the given (0028,0008) 'Number of Frames' value "
                     f"of {mod.number_of_frames}. The returned data will include these extra"
                     " frames and if it's correct then you should update 'Number of "
                     "Frames' accordingly, otherwise pass 'allow_excess_frames=False' to "
                     f"return only the first {mod.number_of_frames} frames.")
                return mod.with_(number_of_frames=whole)
        warn(f"The {tag} is {actual} bytes long, which indicates it contains "
             f"{actual - expected} bytes of excess padding to be removed")
    return mod
