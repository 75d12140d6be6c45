"""dcmcore-jpegls: JPEG-LS Lossless and Near-Lossless codec plugin for dcmcore (pyjpegls).

:mod:`dcmcore_jpegls.codestream` reads JPEG-LS headers (no dcmcore import);
:mod:`dcmcore_jpegls.plugin` holds the dcmcore decoder, encoder and hooks.
"""

from dcmcore_jpegls.codestream import JPEGLSCodestreamError, JPEGLSHeader, parse_header

__all__ = ["JPEGLSCodestreamError", "JPEGLSHeader", "parse_header", "__version__"]
__version__ = "0.1.0"
