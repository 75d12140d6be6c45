"""dcmcore-gdcm: python-gdcm codec plugin for dcmcore.

:mod:`dcmcore_gdcm.checks` validates frames before GDCM sees them (no GDCM import);
:mod:`dcmcore_gdcm.part10` builds the one-frame files GDCM reads;
:mod:`dcmcore_gdcm.gdcm_io` holds the calls into python-gdcm;
:mod:`dcmcore_gdcm.plugin` holds the dcmcore decoder, encoder and hooks.
"""

__all__ = ["__version__"]
__version__ = "0.1.0"
