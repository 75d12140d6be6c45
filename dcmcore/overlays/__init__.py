"""pydicom 3's ``overlays``: Overlay Data (60xx,3000) as arrays.

``get_overlay_array(ds, group)`` is :func:`dcmcore.pixels.overlay_array`;
:mod:`dcmcore.overlays.numpy_handler` keeps pydicom's handler module.

Examples
--------
>>> from dcmcore.overlays import get_overlay_array
>>> arr = get_overlay_array(ds, 0x6000)        # doctest: +SKIP
"""

from dcmcore.overlays import numpy_handler
from dcmcore.overlays.numpy_handler import get_overlay_array

__all__ = ["get_overlay_array", "numpy_handler"]
