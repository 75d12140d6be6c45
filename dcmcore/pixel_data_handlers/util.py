"""pydicom's ``pixel_data_handlers.util`` as pydicom 3 keeps it: deprecated names only.

Each name warns (``DeprecationWarning``) and gives the function now in
:mod:`dcmcore.pixels` or :mod:`dcmcore.pixels.utils`, as in pydicom 3.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable
from typing import Any, Final

import numpy as np

from dcmcore.pixel_data_handlers import MOVED_TO_PIXELS, deprecated, future_mode
from dcmcore.pixels import utils as _utils

__all__: list[str] = []

# looked up, not imported by name: a module global would never reach __getattr__
_MOVED_TO_UTILS: Final[dict[str, Callable[..., Any]]] = {
    name: getattr(_utils, name)
    for name in ("expand_ybr422", "get_expected_length", "get_image_pixel_ids",
                 "get_j2k_parameters", "get_nr_frames", "pixel_dtype", "reshape_pixel_array")
}


def _dtype_corrected_for_endianness(is_little_endian: bool,
                                    numpy_dtype: np.dtype) -> np.dtype:
    """`numpy_dtype` in the byte order `is_little_endian` says (deprecated in pydicom 3)."""
    if is_little_endian is None:
        raise ValueError("Dataset attribute 'is_little_endian' has to be set before writing "
                         "the dataset")
    if is_little_endian != (sys.byteorder == "little"):
        return numpy_dtype.newbyteorder("S")
    return numpy_dtype


def __getattr__(name: str) -> Callable[..., Any]:
    if not future_mode():
        module = "dcmcore.pixel_data_handlers"
        if name in MOVED_TO_PIXELS:
            deprecated(module, name, "dcmcore.pixels")
            return MOVED_TO_PIXELS[name]
        if name in _MOVED_TO_UTILS:
            deprecated(module, name, "dcmcore.pixels.utils")
            return _MOVED_TO_UTILS[name]
        if name == "dtype_corrected_for_endianness":
            warnings.warn("'dtype_corrected_for_endianness' is deprecated and will be "
                          "removed in v4.0", DeprecationWarning, stacklevel=2)
            return _dtype_corrected_for_endianness
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
