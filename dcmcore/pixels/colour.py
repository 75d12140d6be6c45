"""Colour space conversion between YCbCr (YBR_FULL) and RGB, PS3.3 C.7.6.3.1.2.

Uses the full-range ITU-T T.871 equations in float32 with round-half-up, the same
arithmetic pydicom uses, so converted arrays are identical.
"""

from __future__ import annotations

import numpy as np

from dcmcore.errors import PixelDataError

__all__ = ["ybr_to_rgb", "rgb_to_ybr", "convert_colour_space"]

_YBR_TO_RGB = np.array(
    [
        [1.000, 1.000, 1.000],
        [0.000, -0.114 * 1.772 / 0.587, 1.772],
        [1.402, -0.299 * 1.402 / 0.587, 0.000],
    ],
    dtype=np.float32,
)
_RGB_TO_YBR = np.array(
    [
        [+0.299, -0.299 / 1.772, +0.701 / 1.402],
        [+0.587, -0.587 / 1.772, -0.587 / 1.402],
        [+0.114, +0.886 / 1.772, -0.114 / 1.402],
    ],
    dtype=np.float32,
)


def _check(arr: np.ndarray) -> None:
    if arr.dtype.kind != "u" or arr.dtype.itemsize != 1:
        raise PixelDataError(
            f"Invalid ndarray.dtype '{arr.dtype}' for color space conversion, must be "
            "'uint8' or an equivalent"
        )
    if arr.shape[-1] != 3:
        raise PixelDataError(f"Colour conversion needs 3 samples per pixel, got {arr.shape}")


def ybr_to_rgb(arr: np.ndarray) -> np.ndarray:
    """Return a new uint8 array converted from YBR_FULL to RGB (last axis = samples)."""
    _check(arr)
    out = arr.astype(np.float32)
    out -= np.array([0, 128, 128], dtype=np.float32)
    np.matmul(out, _YBR_TO_RGB, out=out)
    out += np.float32(0.5)
    np.floor(out, out=out)
    np.clip(out, 0, 255, out=out)
    return out.astype(arr.dtype)


def rgb_to_ybr(arr: np.ndarray) -> np.ndarray:
    """Return a new uint8 array converted from RGB to YBR_FULL (last axis = samples)."""
    _check(arr)
    out = np.matmul(arr, _RGB_TO_YBR, dtype=np.float32)
    out += np.array([0.5, 128.5, 128.5], dtype=np.float32)
    np.floor(out, out=out)
    np.clip(out, 0, 255, out=out)
    return out.astype(arr.dtype)


def convert_colour_space(arr: np.ndarray, current: str, desired: str) -> np.ndarray:
    """Convert `arr` between 'RGB', 'YBR_FULL' and 'YBR_FULL_422' (same transform)."""
    ybr = ("YBR_FULL", "YBR_FULL_422")
    if current == desired or (current in ybr and desired in ybr):
        return arr
    if current in ybr and desired == "RGB":
        return ybr_to_rgb(arr)
    if current == "RGB" and desired in ybr:
        return rgb_to_ybr(arr)
    raise NotImplementedError(f"Conversion from {current} to {desired} is not supported.")
