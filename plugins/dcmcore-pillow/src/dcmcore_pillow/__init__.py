"""dcmcore-pillow: JPEG Baseline / 8-bit JPEG Extended codec plugin for dcmcore using Pillow.

:mod:`dcmcore_pillow.jpeg` reads JPEG marker segments (no Pillow or dcmcore import);
:mod:`dcmcore_pillow.plugin` holds the dcmcore decoder, encoder and hooks.
"""

from dcmcore_pillow.jpeg import JPEGHeader, JPEGHeaderError, read_header

__all__ = ["JPEGHeader", "JPEGHeaderError", "read_header", "__version__"]
__version__ = "0.1.0"
