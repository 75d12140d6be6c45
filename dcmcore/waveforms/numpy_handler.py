"""pydicom 3's ``waveforms.numpy_handler``: waveform multiplex groups as numpy arrays."""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Final

import numpy as np

from dcmcore.pixels.overlays import waveform_array

if TYPE_CHECKING:
    from dcmcore.dataset import Dataset

__all__ = [
    "DEPENDENCIES",
    "HANDLER_NAME",
    "WAVEFORM_DTYPES",
    "generate_multiplex",
    "is_available",
    "multiplex_array",
]

HANDLER_NAME: Final = "Numpy Waveform"
DEPENDENCIES: Final = {"numpy": ("https://numpy.org/", "NumPy")}
#: (Waveform Bits Allocated, Waveform Sample Interpretation) -> numpy dtype
WAVEFORM_DTYPES: Final = {
    (8, "SB"): "int8",
    (8, "UB"): "uint8",
    (8, "MB"): "uint8",
    (8, "AB"): "uint8",
    (16, "SS"): "int16",
    (16, "US"): "uint16",
    (32, "SL"): "int32",
    (32, "UL"): "uint32",
    (64, "SV"): "int64",
    (64, "UV"): "uint64",
}


def is_available() -> bool:
    """True: numpy is a dependency of dcmcore."""
    return True


def multiplex_array(ds: Dataset, index: int, as_raw: bool = True) -> np.ndarray:
    """Multiplex group `index` of the Waveform Sequence, shaped (samples, channels).

    Parameters
    ----------
    ds : Dataset
        With a Waveform module.
    index : int
        The item of (5400,0100) Waveform Sequence.
    as_raw : bool, optional
        The stored values (default), or float values in each channel's sensitivity
        units (``raw * sensitivity * correction + baseline``).

    Raises
    ------
    AttributeError
        No Waveform Sequence, or an item lacks a required element.
    """
    return waveform_array(ds, index, as_raw=as_raw)


def generate_multiplex(ds: Dataset, as_raw: bool = True) -> Generator[np.ndarray, None, None]:
    """Yield each multiplex group of the Waveform Sequence; see :func:`multiplex_array`."""
    if "WaveformSequence" not in ds:
        raise AttributeError("No (5400,0100) Waveform Sequence element found in the dataset")
    for index in range(len(ds.WaveformSequence)):
        yield waveform_array(ds, index, as_raw=as_raw)
