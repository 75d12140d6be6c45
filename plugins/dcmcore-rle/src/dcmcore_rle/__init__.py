"""dcmcore-rle: native (numpy) RLE Lossless codec plugin for dcmcore.

:mod:`dcmcore_rle.rle` holds the algorithm (no dcmcore import);
:mod:`dcmcore_rle.plugin` holds the dcmcore decoder, encoder and hooks.
"""

from dcmcore_rle.rle import RLEError, RLEWarning, decode_frame, encode_frame

__all__ = ["RLEError", "RLEWarning", "decode_frame", "encode_frame", "__version__"]
__version__ = "0.1.0"
