"""Pixel values to 8-bit display values, as a viewer shows them (``dcmcore render``).

Greyscale: Modality LUT or rescale, then the VOI LUT or window when the dataset has
one (else the frame's own range), scaled to 0-255, MONOCHROME1 inverted. Palette
colour through its Palette Color LUT; RGB (YBR already converted by the decoder)
scaled from Bits Stored. Enhanced multi-frame datasets use each frame's Pixel Value
Transformation and Frame VOI LUT from the shared and per-frame functional groups.
The transforms themselves are :mod:`dcmcore.pixels.processing`'s.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Final

import numpy as np

from dcmcore.dataset import Dataset
from dcmcore.pixels.processing import apply_color_lut, apply_modality_lut, apply_voi_lut

__all__ = ["contact_sheet", "display_frame", "frame_dataset"]

#: Functional group sequences holding the rescale and the window of a frame.
_FRAME_GROUPS: Final = ("PixelValueTransformationSequence", "FrameVOILUTSequence")
_GREY: Final = ("MONOCHROME1", "MONOCHROME2")


def frame_dataset(ds: Dataset, index: int) -> Dataset:
    """`ds`, or for an enhanced multi-frame dataset a copy with frame `index`'s
    rescale and window (shared then per-frame functional groups) at the top level."""
    shared = ds.get("SharedFunctionalGroupsSequence")
    per_frame = ds.get("PerFrameFunctionalGroupsSequence")
    if not shared and not per_frame:
        return ds
    view = Dataset()
    for elem in ds:
        if elem.tag < 0x7FE00000:
            view.add(elem)
    groups = [*(shared[:1] if shared else []),
              *(per_frame[index:index + 1] if per_frame else [])]
    for group in groups:
        for keyword in _FRAME_GROUPS:
            items = group.get(keyword)
            if items:
                for elem in items[0]:
                    view.add(elem)
    return view


def _stored_range(ds: Dataset) -> tuple[int, int]:
    bits = int(ds.get("BitsStored") or ds.get("BitsAllocated") or 16)
    if int(ds.get("PixelRepresentation") or 0):
        return -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    return 0, (1 << bits) - 1


def _modality_range(ds: Dataset) -> tuple[float, float]:
    """The range of the Modality LUT / rescale output over every possible stored value."""
    lo, hi = _stored_range(ds)
    values = np.arange(lo, hi + 1) if hi - lo < 1 << 17 else np.array([lo, hi])
    out = apply_modality_lut(values, ds)
    return float(np.min(out)), float(np.max(out))


def _voi_range(ds: Dataset) -> tuple[float, float] | None:
    """The output range of the VOI transform `apply_voi_lut` applies, None without one."""
    sequence = ds.get("VOILUTSequence")
    if sequence and sequence[0].get("LUTDescriptor") is not None \
            and sequence[0].get("LUTData") is not None:
        bits = int(sequence[0].LUTDescriptor[2])
        return 0.0, float((1 << bits) - 1)
    if ds.get("WindowCenter") is not None and ds.get("WindowWidth") is not None:
        return _modality_range(ds)  # windowing spans the modality output's range
    return None


def _to_uint8(values: np.ndarray, lo: float, hi: float) -> np.ndarray:
    scale = 255.0 / (hi - lo) if hi > lo else 0.0
    scaled = (values.astype(np.float64) - lo) * scale
    return np.clip(np.rint(scaled), 0, 255).astype(np.uint8)


def display_frame(frame: np.ndarray, ds: Dataset) -> np.ndarray:
    """One decoded frame as ``uint8`` display values: (rows, cols) or (rows, cols, 3).

    Parameters
    ----------
    frame : numpy.ndarray
        One frame as ``pixel_array`` gives it (YBR converted to RGB).
    ds : Dataset
        The dataset holding the frame's modules (see :func:`frame_dataset`).
    """
    pi = str(ds.get("PhotometricInterpretation", "MONOCHROME2")).strip()
    if pi == "PALETTE COLOR":
        rgb = apply_color_lut(frame, ds)[..., :3]
        top = 255 if rgb.dtype.itemsize == 1 else 65535
        return _to_uint8(rgb, 0, top)
    if frame.ndim == 3:  # RGB, or YBR the decoder converted
        bits = int(ds.get("BitsStored") or 8)
        return _to_uint8(frame, 0, (1 << bits) - 1)
    values = apply_modality_lut(frame, ds)
    voi = _voi_range(ds)
    if voi is not None:
        values = apply_voi_lut(values, ds)
        lo, hi = voi
    else:  # no window: the frame's own range, as viewers do
        lo, hi = float(np.min(values)), float(np.max(values))
    shown = _to_uint8(values, lo, hi)
    if pi == "MONOCHROME1":
        shown = 255 - shown
    return shown


def contact_sheet(frames: Sequence[np.ndarray], gap: int = 2) -> np.ndarray:
    """Tile display frames row by row (about square), `gap` black pixels apart."""
    count = len(frames)
    columns = math.ceil(math.sqrt(count))
    rows = math.ceil(count / columns)
    height, width = frames[0].shape[:2]
    shape = (rows * height + (rows - 1) * gap, columns * width + (columns - 1) * gap,
             *frames[0].shape[2:])
    sheet = np.zeros(shape, dtype=np.uint8)
    for i, frame in enumerate(frames):
        r, c = divmod(i, columns)
        y, x = r * (height + gap), c * (width + gap)
        sheet[y:y + height, x:x + width] = frame
    return sheet
