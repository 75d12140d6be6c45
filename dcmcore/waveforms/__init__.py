"""pydicom 3's ``waveforms``: the multiplex groups of (5400,0100) Waveform Sequence.

The arrays come from :func:`dcmcore.pixels.waveform_array`;
:mod:`dcmcore.waveforms.numpy_handler` keeps pydicom's handler module.

Examples
--------
>>> from dcmcore.waveforms import multiplex_array
>>> ecg = multiplex_array(ds, 0, as_raw=False)  # doctest: +SKIP
"""

from dcmcore.waveforms import numpy_handler
from dcmcore.waveforms.numpy_handler import generate_multiplex, multiplex_array

__all__ = ["generate_multiplex", "multiplex_array", "numpy_handler"]
