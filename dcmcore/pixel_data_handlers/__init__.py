"""pydicom's ``pixel_data_handlers`` as pydicom 3 keeps it: deprecated names only.

``from dcmcore.pixel_data_handlers import apply_voi_lut`` (and the names of
:mod:`dcmcore.pixel_data_handlers.util`) still work, with a ``DeprecationWarning``
naming the import to use instead, as in pydicom 3.  The handler modules themselves
(``numpy_handler``, ``rle_handler``...) are not provided: dcmcore decodes through its
codec plugins (:mod:`dcmcore.codecs`).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any, Final

from dcmcore import config
from dcmcore.pixels import processing as _processing
from dcmcore.pixels import utils as _utils

__all__: list[str] = []

#: name -> function now in dcmcore.pixels
# (the functions are looked up, not imported by name: a module global would be found
# before __getattr__ and never warn)
MOVED_TO_PIXELS: Final[dict[str, Callable[..., Any]]] = {
    "apply_color_lut": _processing.apply_color_lut,
    "apply_modality_lut": _processing.apply_modality_lut,
    "apply_rescale": _processing.apply_modality_lut,
    "apply_voi_lut": _processing.apply_voi_lut,
    "apply_voi": _processing.apply_voi,
    "apply_windowing": _processing.apply_windowing,
    "convert_color_space": _processing.convert_color_space,
    "pack_bits": _utils.pack_bits,
    "unpack_bits": _utils.unpack_bits,
}
_MOVED_TO_UTILS: Final[dict[str, Callable[..., Any]]] = {"expand_ybr422": _utils.expand_ybr422}


def future_mode() -> bool:
    """Whether :func:`dcmcore.config.future_behavior` removed the deprecated names."""
    return bool(getattr(config, "_use_future", False))


def deprecated(module: str, name: str, where: str) -> None:
    """Warn that `name` of `module` is deprecated in favour of `where`."""
    warnings.warn(
        f"The '{module}' module will be removed in v4.0, please use "
        f"'from {where} import {name}' instead", DeprecationWarning, stacklevel=3)


def __getattr__(name: str) -> Callable[..., Any]:
    if not future_mode():
        if name in MOVED_TO_PIXELS:
            deprecated("dcmcore.pixel_data_handlers", name, "dcmcore.pixels")
            return MOVED_TO_PIXELS[name]
        if name in _MOVED_TO_UTILS:
            deprecated("dcmcore.pixel_data_handlers", name, "dcmcore.pixels.utils")
            return _MOVED_TO_UTILS[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
