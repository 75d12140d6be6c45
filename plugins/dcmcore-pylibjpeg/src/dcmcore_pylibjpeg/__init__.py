"""dcmcore-pylibjpeg: pylibjpeg's backends (libjpeg, openjpeg, rle) as dcmcore codecs.

:mod:`dcmcore_pylibjpeg.plugin` holds the decoders, encoders and hooks;
:mod:`dcmcore_pylibjpeg.discovery` reads pylibjpeg's entry points;
:mod:`dcmcore_pylibjpeg.headers` checks codestream headers before a library sees them.
Importing this package imports no codec library.
"""

__all__ = ["__version__"]
__version__ = "0.1.0"
