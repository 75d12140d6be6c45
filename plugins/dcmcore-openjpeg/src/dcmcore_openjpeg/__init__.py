"""dcmcore-openjpeg: JPEG 2000 and HTJ2K codec plugin for dcmcore (pylibjpeg-openjpeg).

:mod:`dcmcore_openjpeg.codestream` reads JPEG 2000 main headers (no dependency);
:mod:`dcmcore_openjpeg.plugin` holds the dcmcore decoder, encoder and hooks.
"""

from dcmcore_openjpeg.codestream import CodestreamError, J2KHeader, parse_header

__all__ = ["CodestreamError", "J2KHeader", "parse_header", "__version__"]
__version__ = "0.1.0"
