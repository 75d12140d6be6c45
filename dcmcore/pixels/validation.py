"""Checks of the Image Pixel module, done before any plugin is called."""

from __future__ import annotations

import warnings
from typing import Any

from dcmcore.errors import DcmcoreWarning, PixelDataError
from dcmcore.pixels.frame_info import PixelModule

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


class MissingElementError(PixelDataError, AttributeError):
    """A required Image Pixel module element is absent (pydicom raises AttributeError)."""


def _name(tag: int, keyword: str) -> str:
    return f"(0028,{tag & 0xFFFF:04X}) '{keyword}'"


def _int(value: Any, tag: int, keyword: str) -> int:
    if not isinstance(value, (int, str, bytes, float)) and hasattr(value, "__len__"):
        raise PixelDataError(f"{_name(tag, keyword)} must have one value, got {value!r}")
    try:
        out = int(value)
    except (TypeError, ValueError):
        raise PixelDataError(f"{_name(tag, keyword)} value {value!r} is not an integer") from None
    return out


def _require(value: Any, tag: int, keyword: str) -> Any:
    if value is None or value == "":
        raise MissingElementError(f"Missing required element: {_name(tag, keyword)}")
    return value


def validate_module(mod: PixelModule) -> PixelModule:
    """Check `mod` and return it with integer values.

    Raises
    ------
    MissingElementError
        A required element is absent (also an ``AttributeError``).
    PixelDataError
        A value is invalid; the message names the element.
    """
    if mod.pixel_keyword not in ("PixelData", "FloatPixelData", "DoubleFloatPixelData"):
        raise PixelDataError(f"Unknown pixel data keyword {mod.pixel_keyword!r}")
    ba = _int(_require(mod.bits_allocated, 0x00280100, "Bits Allocated"), 0x00280100,
              "Bits Allocated")
    if ba not in (1, 8, 16, 32, 64):
        raise PixelDataError(
            f"A {_name(0x00280100, 'Bits Allocated')} value of '{ba}' is invalid, it must "
            "be 1, 8, 16, 32 or 64"
        )
    if mod.pixel_keyword == "FloatPixelData" and ba != 32:
        raise PixelDataError(
            f"A {_name(0x00280100, 'Bits Allocated')} value of '{ba}' is invalid for "
            "(7FE0,0008) 'Float Pixel Data', it must be 32"
        )
    if mod.pixel_keyword == "DoubleFloatPixelData" and ba != 64:
        raise PixelDataError(
            f"A {_name(0x00280100, 'Bits Allocated')} value of '{ba}' is invalid for "
            "(7FE0,0009) 'Double Float Pixel Data', it must be 64"
        )

    changes: dict[str, Any] = {"bits_allocated": ba}
    if mod.is_float:
        bs = ba if mod.bits_stored in (None, "") else _int(mod.bits_stored, 0x00280101,
                                                           "Bits Stored")
        pr = 0 if mod.pixel_representation in (None, "") else _int(
            mod.pixel_representation, 0x00280103, "Pixel Representation")
        changes["bits_stored"] = ba
        changes["pixel_representation"] = pr
        del bs
    else:
        bs = _int(_require(mod.bits_stored, 0x00280101, "Bits Stored"), 0x00280101,
                  "Bits Stored")
        if not 1 <= bs <= ba:
            raise PixelDataError(
                f"A {_name(0x00280101, 'Bits Stored')} value of '{bs}' is invalid, it must "
                f"be in the range (1, {ba}) and no greater than the "
                f"{_name(0x00280100, 'Bits Allocated')} value of '{ba}'"
            )
        pr = _int(_require(mod.pixel_representation, 0x00280103, "Pixel Representation"),
                  0x00280103, "Pixel Representation")
        if pr not in (0, 1):
            raise PixelDataError(
                f"A {_name(0x00280103, 'Pixel Representation')} value of '{pr}' is invalid,"
                " it must be 0 or 1"
            )
        changes["bits_stored"] = bs
        changes["pixel_representation"] = pr

    for key, tag, kw in (("rows", 0x00280010, "Rows"), ("columns", 0x00280011, "Columns")):
        v = _int(_require(getattr(mod, key), tag, kw), tag, kw)
        if not 0 < v <= _MAX_US:
            raise PixelDataError(
                f"A {_name(tag, kw)} value of '{v}' is invalid, it must be in the range "
                f"(1, {_MAX_US})"
            )
        changes[key] = v

    nf = _int(mod.number_of_frames, 0x00280008, "Number of Frames")
    if not 0 < nf <= _MAX_FRAMES:
        raise PixelDataError(
            f"A {_name(0x00280008, 'Number of Frames')} value of '{nf}' is invalid, it must"
            f" be in the range (1, {_MAX_FRAMES})"
        )
    changes["number_of_frames"] = nf

    pi = _require(mod.photometric_interpretation, 0x00280004, "Photometric Interpretation")
    pi = str(pi).strip()
    if pi not in PHOTOMETRIC_INTERPRETATIONS:
        raise PixelDataError(
            f"Unknown {_name(0x00280004, 'Photometric Interpretation')} value '{pi}'"
        )
    changes["photometric_interpretation"] = pi

    spp = _int(_require(mod.samples_per_pixel, 0x00280002, "Samples per Pixel"), 0x00280002,
               "Samples per Pixel")
    allowed = (1, 3, 4) if pi in _FOUR_SAMPLE_PI else (1, 3)
    if spp not in allowed:
        raise PixelDataError(
            f"A {_name(0x00280002, 'Samples per Pixel')} value of '{spp}' is invalid, it "
            f"must be {' or '.join(str(a) for a in allowed)}"
        )
    changes["samples_per_pixel"] = spp
    if spp > 1:
        pc = _int(_require(mod.planar_configuration, 0x00280006, "Planar Configuration"),
                  0x00280006, "Planar Configuration")
        if pc not in (0, 1):
            raise PixelDataError(
                f"A {_name(0x00280006, 'Planar Configuration')} value of '{pc}' is invalid, "
                "it must be 0 or 1"
            )
        changes["planar_configuration"] = pc
    else:
        changes["planar_configuration"] = 0
    if pi == "YBR_FULL_422" and spp != 3:
        raise PixelDataError(
            f"{_name(0x00280004, 'Photometric Interpretation')} 'YBR_FULL_422' requires "
            f"{_name(0x00280002, 'Samples per Pixel')} 3, not {spp}"
        )
    if pi == "YBR_FULL_422" and not mod.encapsulated and changes["columns"] % 2:
        raise PixelDataError(
            f"Native 'YBR_FULL_422' pixel data needs an even {_name(0x00280011, 'Columns')}"
            f" value, not {changes['columns']}"
        )

    if mod.extended_offsets is not None:
        offsets, lengths = mod.extended_offsets
        if not _count(offsets) or not _count(lengths):
            changes["extended_offsets"] = None  # an empty table is no table
        elif _count(offsets) != _count(lengths):
            warnings.warn(
                "The number of items in (7FE0,0001) 'Extended Offset Table' and "
                "(7FE0,0002) 'Extended Offset Table Lengths' don't match - the "
                "extended offset table will be ignored",
                DcmcoreWarning,
                stacklevel=3,
            )
            changes["extended_offsets"] = None
    return mod.with_(**changes)


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
                warnings.warn(
                    f"The number of bytes of {tag} is sufficient to contain {whole} frames "
                    "which is larger than the given (0028,0008) 'Number of Frames' value "
                    f"of {mod.number_of_frames}. The returned data will include these extra"
                    " frames and if it's correct then you should update 'Number of "
                    "Frames' accordingly, otherwise pass 'allow_excess_frames=False' to "
                    f"return only the first {mod.number_of_frames} frames.",
                    DcmcoreWarning,
                    stacklevel=3,
                )
                return mod.with_(number_of_frames=whole)
        warnings.warn(
            f"The {tag} is {actual} bytes long, which indicates it contains "
            f"{actual - expected} bytes of excess padding to be removed",
            DcmcoreWarning,
            stacklevel=3,
        )
    return mod
