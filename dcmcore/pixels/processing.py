"""What a viewer does with pixel values after decoding: pydicom 3's ``pixels.processing``.

The grayscale pipeline of PS3.3 C.11 and PS3.4 N.2 (Modality LUT or rescale, VOI LUT
or windowing, Presentation LUT), palette colour (PS3.3 C.7.6.3.1.5, C.7.9, the
well-known palettes of PS3.6 Annex B), colour space conversion and ICC profiles
(Pillow's ImageCms, optional).  Each function takes the array and the dataset
holding the module it applies, with pydicom 3's signature and results.

Examples
--------
>>> from dcmcore import dcmread
>>> from dcmcore.pixels.processing import apply_modality_lut, apply_voi_lut
>>> ds = dcmread(path)                                          # doctest: +SKIP
>>> hu = apply_modality_lut(ds.pixel_array, ds)                 # doctest: +SKIP
>>> shown = apply_voi_lut(hu, ds)                               # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import numpy as np

from dcmcore.codecs._warnings import warn
from dcmcore.errors import PixelDataError
from dcmcore.pixels import _icc
from dcmcore.pixels._luts import (
    dataset_is_little_endian,
    expand_segmented_lut,
    lut_data,
    lut_descriptor,
    map_through_lut,
)
from dcmcore.pixels._palettes import PALETTE_UIDS, PALETTES
from dcmcore.pixels.colour import convert_colour_space

if TYPE_CHECKING:
    from PIL.ImageCms import ImageCmsTransform

    from dcmcore.dataset import Dataset

__all__ = [
    "apply_color_lut",
    "apply_icc_profile",
    "apply_modality_lut",
    "apply_presentation_lut",
    "apply_rescale",
    "apply_voi",
    "apply_voi_lut",
    "apply_windowing",
    "convert_color_space",
    "create_icc_transform",
]

_PALETTES_BY_UID: Final = {p.uid: p for p in PALETTES}
_CHANNELS: Final = ("Red", "Green", "Blue", "Alpha")


def _little_or_default(ds: Any) -> bool:
    """Byte order of the OW values of `ds`, little endian when it cannot tell."""
    try:
        return dataset_is_little_endian(ds)
    except AttributeError:
        return True


def _entry_dtype(bits: int, where: str) -> str:
    if bits == 8:
        return "uint8"
    if 8 < bits <= 16:
        return "uint16"
    raise NotImplementedError(f"'{bits}' bits per LUT entry is not supported ({where})")


def apply_modality_lut(arr: np.ndarray, ds: Dataset) -> np.ndarray:
    """Apply the Modality LUT or the rescale operation of `ds` to `arr`.

    Parameters
    ----------
    arr : numpy.ndarray
        Stored pixel values.
    ds : Dataset
        A dataset with a Modality LUT Module (PS3.3 C.11.1).

    Returns
    -------
    numpy.ndarray
        With (0028,3000) *Modality LUT Sequence*: the LUT's output, ``uint8`` or
        ``uint16`` by the third value of its LUT Descriptor.  With (0028,1052)
        *Rescale Intercept* and (0028,1053) *Rescale Slope*: ``float64`` values
        ``arr * slope + intercept``.  Otherwise `arr` itself.

    Examples
    --------
    >>> hu = apply_modality_lut(ds.pixel_array, ds)             # doctest: +SKIP
    """
    sequence = ds.get("ModalityLUTSequence")
    if sequence:
        item = sequence[0]
        entries, first_map, bits = lut_descriptor(item.LUTDescriptor,
                                                  "(0028,3002) LUT Descriptor")
        lut = lut_data(item, ds, entries, _entry_dtype(bits, "Modality LUT"))
        return map_through_lut(arr, lut, first_map, entries)
    if "RescaleSlope" in ds and "RescaleIntercept" in ds:
        out = arr.astype(np.float64) * ds.RescaleSlope
        out += ds.RescaleIntercept
        return out
    return arr


#: pydicom's other name for :func:`apply_modality_lut`
apply_rescale = apply_modality_lut


def apply_voi_lut(arr: np.ndarray, ds: Dataset, index: int = 0,
                  prefer_lut: bool = True) -> np.ndarray:
    """Apply the VOI LUT or the windowing operation of `ds` to `arr`.

    Parameters
    ----------
    arr : numpy.ndarray
        Values after the Modality LUT / rescale (:func:`apply_modality_lut`).
    ds : Dataset
        A dataset with a VOI LUT Module (PS3.3 C.11.2).
    index : int, optional
        Which of several alternative views (LUT item or window) to apply.
    prefer_lut : bool, optional
        With both a (0028,3010) *VOI LUT Sequence* and a window, apply the LUT
        (default) rather than the window.

    Returns
    -------
    numpy.ndarray
        See :func:`apply_voi` and :func:`apply_windowing`; `arr` itself when `ds`
        has neither.
    """
    has_lut = False
    sequence = ds.get("VOILUTSequence")
    if sequence:
        first = sequence[0]
        has_lut = (first.get("LUTDescriptor") is not None
                   and first.get("LUTData") is not None)
    has_window = ds.get("WindowCenter") is not None and ds.get("WindowWidth") is not None
    if has_lut and (prefer_lut or not has_window):
        return apply_voi(arr, ds, index)
    if has_window:
        return apply_windowing(arr, ds, index)
    return arr


def apply_voi(arr: np.ndarray, ds: Dataset, index: int = 0) -> np.ndarray:
    """Apply item `index` of the (0028,3010) *VOI LUT Sequence* of `ds` to `arr`.

    Parameters
    ----------
    arr : numpy.ndarray
        Values after the Modality LUT / rescale; a float array is truncated (with a
        warning).
    ds : Dataset
        A dataset with a VOI LUT Module (PS3.3 C.11.2).
    index : int, optional
        The item of the sequence to apply.

    Returns
    -------
    numpy.ndarray
        ``uint8`` (8 bits per entry) or ``uint16`` (10 to 16 bits per entry, PS3.3
        C.8.11.3.1.5) values, or `arr` itself without a VOI LUT Sequence.
    """
    sequence = ds.get("VOILUTSequence")
    if not sequence:
        return arr
    if not np.issubdtype(arr.dtype, np.integer):
        warn("Applying a VOI LUT on a float input array may give incorrect results")
    item = sequence[index]
    entries, first_map, bits = lut_descriptor(item.LUTDescriptor,
                                              "(0028,3002) LUT Descriptor")
    if bits != 8 and not 10 <= bits <= 16:
        raise NotImplementedError(f"'{bits}' bits per LUT entry is not supported")
    lut = lut_data(item, ds, entries, "uint8" if bits == 8 else "uint16")
    return map_through_lut(arr, lut, first_map, entries)


def _nth(ds: Dataset, keyword: str, index: int) -> float:
    elem = ds[keyword]
    value = elem.value[index] if elem.VM > 1 else elem.value
    return float(value)


def _output_range(ds: Dataset) -> tuple[float, float]:
    """(min, max) of the values windowing maps to: the range of the modality output."""
    bits_stored = int(ds.BitsStored)
    sequence = ds.get("ModalityLUTSequence")
    low: float
    high: float
    if sequence:  # a Modality LUT's output is unsigned, PS3.3 C.11.1.1.1
        bits = int(sequence[0].LUTDescriptor[2])
        low, high = 0, 2**bits - 1
    elif ds.PixelRepresentation == 0:
        low, high = 0, 2**bits_stored - 1
    else:
        low, high = -(2 ** (bits_stored - 1)), 2 ** (bits_stored - 1) - 1
    slope, intercept = ds.get("RescaleSlope"), ds.get("RescaleIntercept")
    if slope is not None and intercept is not None:
        low = low * slope + intercept
        high = high * slope + intercept
    return low, high


def apply_windowing(arr: np.ndarray, ds: Dataset, index: int = 0) -> np.ndarray:
    """Apply window `index` of (0028,1050) *Window Center* / (0028,1051) *Window Width*.

    The (0028,1056) *VOI LUT Function* chooses ``LINEAR`` (default),
    ``LINEAR_EXACT`` or ``SIGMOID`` (PS3.3 C.11.2.1.2, C.11.2.1.3).  The output spans
    the range of the modality output: the Modality LUT's entries, else the stored
    values' range through the rescale.

    Parameters
    ----------
    arr : numpy.ndarray
        Values after the Modality LUT / rescale.
    ds : Dataset
        A MONOCHROME1 or MONOCHROME2 dataset with a VOI LUT Module.
    index : int, optional
        The window to apply when there are several.

    Returns
    -------
    numpy.ndarray
        ``float64`` values, or `arr` itself without a window.

    Raises
    ------
    ValueError
        Not monochrome, a width the function does not allow, an unknown function.
    """
    if "WindowWidth" not in ds and "WindowCenter" not in ds:
        return arr
    if ds.PhotometricInterpretation not in ("MONOCHROME1", "MONOCHROME2"):
        raise PixelDataError(
            "When performing a windowing operation only 'MONOCHROME1' and "
            "'MONOCHROME2' are allowed for (0028,0004) Photometric Interpretation"
        )
    function = str(getattr(ds, "VOILUTFunction", "LINEAR")).upper()
    center = _nth(ds, "WindowCenter", index)
    width = _nth(ds, "WindowWidth", index)
    low, high = _output_range(ds)
    span = high - low

    out = arr.astype(np.float64)
    if function in ("LINEAR", "LINEAR_EXACT"):
        if function == "LINEAR":
            if width < 1:
                raise PixelDataError(
                    "The (0028,1051) Window Width must be greater than or equal to 1 "
                    "for a 'LINEAR' windowing operation"
                )
            center, width = center - 0.5, width - 1
        elif width <= 0:
            raise PixelDataError(
                "The (0028,1051) Window Width must be greater than 0 for a "
                "'LINEAR_EXACT' windowing operation"
            )
        below = out <= center - width / 2
        above = out > center + width / 2
        # the linear ramp everywhere (the same float operations, in the same order, as
        # per element), then the ends: one pass instead of fancy indexing
        if width:  # a LINEAR width of 1 leaves no value between the ends
            out -= center
            out /= width
            out += 0.5
            out *= span
            out += low
        np.copyto(out, low, where=below)
        np.copyto(out, high, where=above)
        return out
    if function == "SIGMOID":
        if width <= 0:
            raise PixelDataError(
                "The (0028,1051) Window Width must be greater than 0 for a 'SIGMOID' "
                "windowing operation"
            )
        return span / (1 + np.exp(-4 * (out - center) / width)) + low
    raise PixelDataError(f"Unsupported (0028,1056) VOI LUT Function value '{function}'")


def apply_presentation_lut(arr: np.ndarray, ds: Dataset) -> np.ndarray:
    """Apply the Presentation LUT Module of `ds` to `arr` and return P-values.

    With a (2050,0010) *Presentation LUT Sequence* the values of `arr` are scaled
    linearly onto the LUT's entries and mapped through it; a (2050,0020)
    *Presentation LUT Shape* of ``INVERSE`` gives ``arr.max() - arr``, ``IDENTITY``
    leaves `arr` as it is.  Apply the Modality and VOI LUTs first.

    Parameters
    ----------
    arr : numpy.ndarray
        Values after the VOI LUT.
    ds : Dataset
        A dataset with a Presentation LUT Module (PS3.3 C.11.4).

    Returns
    -------
    numpy.ndarray
        The P-values, or `arr` itself without a Presentation LUT Module.

    Raises
    ------
    NotImplementedError
        A Presentation LUT Shape other than IDENTITY and INVERSE.
    """
    if "PresentationLUTSequence" in ds:
        item = ds.PresentationLUTSequence[0]
        entries, _, bits = lut_descriptor(item.LUTDescriptor, "(0028,3002) LUT Descriptor")
        itemsize = 8 if bits <= 8 else 16
        elem = item["LUTData"]
        if elem.VR == "US":
            value = elem.value
            lut = np.asarray([value] if isinstance(value, int) else list(value), dtype="u2")
        else:
            size = itemsize // 8
            raw = bytes(elem.value or b"")[: entries * size]
            raw = raw[: len(raw) // size * size]
            order = "<" if itemsize == 8 or _little_or_default(ds) else ">"
            lut = np.frombuffer(raw, dtype=f"{order}u{itemsize // 8}").astype(
                f"u{itemsize // 8}")
        if lut.shape[0] < entries:
            raise PixelDataError(
                f"(0028,3006) LUT Data of the Presentation LUT holds {lut.shape[0]} entries, "
                f"fewer than the {entries} of its LUT Descriptor")
        unused = itemsize - bits
        if unused > 0:  # entries keep their low `bits` bits
            lut = lut & np.asarray((1 << bits) - 1, dtype=lut.dtype)
        scaled = arr.astype(np.float32)
        scaled -= scaled.min()
        scaled /= scaled.max() / (entries - 1)
        result: np.ndarray = lut[scaled.astype(np.uint16)]
        return result
    if "PresentationLUTShape" in ds:
        shape = str(ds.PresentationLUTShape).strip().upper()
        if shape not in ("IDENTITY", "INVERSE"):
            raise NotImplementedError(
                "A (2050,0020) 'Presentation LUT Shape' value of "
                f"'{ds.PresentationLUTShape}' is not supported"
            )
        if shape == "INVERSE":
            return arr.max() - arr
    return arr


def _palette_dataset(palette: str) -> tuple[list[bytes], bool]:
    """The LUT data of a well-known palette named by label or UID, and if segmented."""
    name = str(palette).strip()
    record = _PALETTES_BY_UID.get(name) or _PALETTES_BY_UID.get(PALETTE_UIDS.get(name, ""))
    if record is None:
        raise ValueError(f"Unknown palette '{palette}'")
    return [record.red, record.green, record.blue], record.segmented


def apply_color_lut(arr: np.ndarray, ds: Dataset | None = None,
                    palette: str | None = None) -> np.ndarray:
    """Map `arr` through a palette: the dataset's Palette Color LUT or a well-known one.

    Parameters
    ----------
    arr : numpy.ndarray
        Stored pixel values (PALETTE COLOR).
    ds : Dataset, optional
        A dataset with the (0028,1101-1104) descriptors and either the (0028,1201-1204)
        Palette Color LUT Data or the (0028,1221-1224) Segmented Palette Color LUT Data
        (PS3.3 C.7.6.3.1.5, C.7.9.2); Alpha is optional.  Required without `palette`.
    palette : str, optional
        A well-known palette (PS3.6 Annex B) by name, ``'HOT_IRON'``, ``'PET'``,
        ``'HOT_METAL_BLUE'``, ``'PET_20_STEP'``, ``'SPRING'``, ``'SUMMER'``,
        ``'FALL'``, ``'WINTER'``, or by SOP Instance UID; used instead of `ds`.

    Returns
    -------
    numpy.ndarray
        Shape ``arr.shape + (3,)`` (RGB) or ``+ (4,)`` (RGBA), ``uint8`` or
        ``uint16`` by the LUT data's entry size.

    Raises
    ------
    ValueError
        No palette, a Supplemental Palette (Pixel Presentation MIXED or COLOR),
        channels of different lengths, entries neither 8 nor 16 bits, malformed
        segments.

    Examples
    --------
    >>> rgb = apply_color_lut(ds.pixel_array, palette="HOT_IRON")  # doctest: +SKIP
    """
    if not ds and not palette:
        raise ValueError("Either 'ds' or 'palette' is required")

    little = True
    if palette:
        datas, segmented = _palette_dataset(palette)
        entries, first_map, bits = 256, 0, 8
    else:
        assert ds is not None
        if getattr(ds, "PixelPresentation", None) in ("MIXED", "COLOR"):
            raise PixelDataError(
                "Use of this function with the Supplemental Palette Color Lookup Table "
                "Module is not currently supported"
            )
        if "RedPaletteColorLookupTableDescriptor" not in ds:
            raise PixelDataError("No suitable Palette Color Lookup Table Module found")
        entries, first_map, bits = lut_descriptor(
            ds.RedPaletteColorLookupTableDescriptor,
            "(0028,1101) Red Palette Color Lookup Table Descriptor")
        if "RedPaletteColorLookupTableData" in ds:
            segmented = False
            prefix = ""
        elif "SegmentedRedPaletteColorLookupTableData" in ds:
            segmented = True
            prefix = "Segmented"
            little = dataset_is_little_endian(ds)
        else:
            raise PixelDataError("No suitable Palette Color Lookup Table Module found")
        datas = [getattr(ds, f"{prefix}{c}PaletteColorLookupTableData", None) or b""
                 for c in _CHANNELS]

    luts: list[np.ndarray] = []
    if segmented:
        depth = float(bits)
        if depth in (8, 16):
            dtype = f"uint{bits}"
            luts = [np.asarray(expand_segmented_lut(bytes(d), bits, little), dtype=dtype)
                    for d in datas if d]
    else:
        # the entry size is the data's: 8-bit entries may be held in 16 bits
        depth = len(datas[0]) / entries * 8
        if depth in (8, 16):
            size = int(depth) // 8
            order = "<"
            if size == 2 and ds is not None:
                order = "<" if _little_or_default(ds) else ">"
            luts = [np.frombuffer(bytes(d)[: len(d) // size * size],
                                  dtype=f"{order}u{size}").astype(f"u{size}")
                    for d in datas if d]
    if depth not in (8, 16):
        raise PixelDataError(
            f"The bit depth of the LUT data '{depth:.1f}' is invalid (only 8 or 16 bits "
            "per entry allowed)"
        )
    if any(len(lut) != len(luts[0]) for lut in luts[1:]):
        raise PixelDataError("LUT data must be the same length")

    out = np.empty(arr.shape + (len(luts),), dtype=luts[0].dtype)
    for channel, lut in enumerate(luts):
        out[..., channel] = map_through_lut(arr, lut, first_map, entries)
    return out


def convert_color_space(arr: np.ndarray, current: str, desired: str,
                        per_frame: bool = False) -> np.ndarray:
    """Convert 8-bit images between ``RGB``, ``YBR_FULL`` and ``YBR_FULL_422``.

    The full-range ITU-T T.871 equations of PS3.3 C.7.6.3.1.2.

    Parameters
    ----------
    arr : numpy.ndarray
        ``uint8``, shape (rows, columns, 3) or (frames, rows, columns, 3).
    current, desired : str
        Photometric Interpretation values: ``'RGB'``, ``'YBR_FULL'``,
        ``'YBR_FULL_422'`` (the last two convert the same way).
    per_frame : bool, optional
        Convert frame by frame into `arr` itself (less memory).

    Returns
    -------
    numpy.ndarray
        A new array, or `arr` converted in place with `per_frame`.

    Raises
    ------
    ValueError
        `arr` is not ``uint8``.
    NotImplementedError
        A conversion between other colour spaces.
    """
    if arr.dtype != np.dtype("u1"):
        raise ValueError(
            f"Invalid ndarray.dtype '{arr.dtype}' for color space conversion, must be "
            "'uint8' or an equivalent"
        )
    known = ("RGB", "YBR_FULL", "YBR_FULL_422")
    if current not in known or desired not in known:
        raise NotImplementedError(f"Conversion from {current} to {desired} is not supported.")
    if per_frame and arr.ndim == 4:
        for index, frame in enumerate(arr):
            arr[index] = convert_colour_space(frame, current, desired)
        return arr
    return convert_colour_space(arr, current, desired)


def create_icc_transform(ds: Dataset | None = None, icc_profile: bytes = b"",
                         intent: int | None = None,
                         color_space: str | None = None) -> ImageCmsTransform:
    """A Pillow colour transform from the ICC profile of `ds` or from `icc_profile`.

    Needs Pillow.

    Parameters
    ----------
    ds : Dataset, optional
        A dataset with an ICC Profile Module (PS3.3 C.11.15); or use `icc_profile`.
    icc_profile : bytes, optional
        An ICC profile; or use `ds`.
    intent : int, optional
        Rendering intent: 0 perceptual, 1 relative colorimetric, 2 saturation, 3
        absolute colorimetric; the profile's default when not given.
    color_space : str, optional
        Output colour space, ``'sRGB'``, ``'LAB'`` or ``'XYZ'``; default the
        (0028,2002) *Color Space* of `ds`, else sRGB.

    Returns
    -------
    PIL.ImageCms.ImageCmsTransform
        For :func:`apply_icc_profile`, reusable over many arrays.
    """
    return _icc.create_transform(ds, icc_profile, intent, color_space)


def apply_icc_profile(arr: np.ndarray, ds: Dataset | None = None,
                      transform: ImageCmsTransform | None = None,
                      intent: int | None = None,
                      color_space: str | None = None) -> np.ndarray:
    """Apply the ICC profile of `ds`, or a `transform`, to 8-bit RGB `arr` in place.

    Needs Pillow.

    Parameters
    ----------
    arr : numpy.ndarray
        ``uint8`` RGB, (rows, columns, 3) or (frames, rows, columns, 3).
    ds : Dataset, optional
        A dataset with an ICC Profile Module; or give `transform`.
    transform : PIL.ImageCms.ImageCmsTransform, optional
        From :func:`create_icc_transform`; or give `ds`.
    intent, color_space : optional
        As for :func:`create_icc_transform`, when the transform is made from `ds`.

    Returns
    -------
    numpy.ndarray
        `arr`, converted in place.
    """
    _icc.require_pillow("apply an ICC profile to an ndarray")
    if ds is None and not transform:
        raise ValueError("Either 'ds' or 'transform' must be supplied")
    if ds is not None and transform:
        raise ValueError("Only one of 'ds' and 'transform' should be used, not both")
    if arr.ndim not in (3, 4):
        raise ValueError(f"The ndarray must have 3 or 4 dimensions, not {arr.ndim}")
    if arr.shape[-1] != 3:
        raise ValueError(
            "Invalid ndarray shape, must be (rows, columns, 3) or (frames, rows, columns, "
            f"3), not {arr.shape}"
        )
    if not transform:
        transform = _icc.create_transform(ds, b"", intent, color_space)
    return _icc.apply_transform(arr, transform)
