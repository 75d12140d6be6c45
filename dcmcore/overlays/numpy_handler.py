"""pydicom 3's ``overlays.numpy_handler``: Overlay Data as a numpy array.

:func:`get_overlay_array` is :func:`dcmcore.pixels.overlay_array`; the other
functions work on a dict of Overlay Plane values keyed by keyword, as pydicom's do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import numpy as np

from dcmcore.pixels.overlays import overlay_array

if TYPE_CHECKING:
    from dcmcore.dataset import Dataset

__all__ = [
    "DEPENDENCIES",
    "HANDLER_NAME",
    "get_expected_length",
    "get_overlay_array",
    "is_available",
    "reshape_overlay_array",
]

HANDLER_NAME: Final = "Numpy Overlay"
DEPENDENCIES: Final = {"numpy": ("https://numpy.org/", "NumPy")}


def is_available() -> bool:
    """True: numpy is a dependency of dcmcore."""
    return True


def get_expected_length(elem: dict[str, Any], unit: str = "bytes") -> int:
    """The length of the Overlay Data the values in `elem` describe.

    Parameters
    ----------
    elem : dict
        ``OverlayRows``, ``OverlayColumns`` and ``NumberOfFramesInOverlay`` values.
    unit : str, optional
        ``"bytes"`` (whole bytes of bit-packed data, without the padding byte) or
        ``"pixels"``.
    """
    pixels = int(elem["OverlayRows"]) * int(elem["OverlayColumns"])
    pixels *= int(elem["NumberOfFramesInOverlay"])
    return pixels if unit == "pixels" else -(-pixels // 8)


def reshape_overlay_array(elem: dict[str, Any], arr: np.ndarray) -> np.ndarray:
    """`arr` shaped (rows, columns), or (frames, rows, columns) for several frames.

    Raises
    ------
    ValueError
        ``NumberOfFramesInOverlay`` is below 1.
    """
    frames = int(elem["NumberOfFramesInOverlay"])
    rows, columns = int(elem["OverlayRows"]), int(elem["OverlayColumns"])
    if frames < 1:
        raise ValueError(
            f"Unable to reshape the overlay array as a value of {frames} for (60xx,0015) "
            "'Number of Frames in Overlay' is invalid.")
    return arr.reshape(frames, rows, columns) if frames > 1 else arr.reshape(rows, columns)


def get_overlay_array(ds: Dataset, group: int) -> np.ndarray:
    """The (`group`,3000) Overlay Data of `ds` as a uint8 array of 0 and 1.

    Raises
    ------
    AttributeError
        An element of the Overlay Plane module is missing.
    ValueError
        `group` is not 0x6000 to 0x60FF, or the data is shorter than its module says.
    """
    return overlay_array(ds, group)
