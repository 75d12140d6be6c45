"""Bundled example datasets.

Each access to an example returns a fresh :class:`~dcmcore.FileDataset`
read from the file shipped in the package, with ``filename`` set:

>>> from dcmcore import examples
>>> ds = examples.ct
>>> ds.Modality
'CT'
>>> examples.get_path("ct").name
'ct.dcm'

The files are synthetic phantoms made by ``tools/make_examples.py`` with
dcmcore's own writer, so they carry no patient data. Reading an example
needs no codec plugin; decoding the pixels of a compressed one does.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Final, NamedTuple

from dcmcore.io.reader import dcmread

if TYPE_CHECKING:  # pragma: no cover
    from dcmcore.filedataset import FileDataset

__all__ = [
    "get_path", "names", "describe",
    "ct", "mr", "rgb_color", "ybr_color", "palette_color", "overlay", "waveform", "jpeg2k",
    "rle", "jpegls", "jpeg_baseline", "enhanced_mr", "rt_ss", "monochrome1",
]

_DATA: Final = Path(__file__).parent / "data"


class _Example(NamedTuple):
    filename: str
    description: str


#: Example name -> file and one-line description.
_EXAMPLES: Final[dict[str, _Example]] = {
    "ct": _Example("ct.dcm", "CT head, 128x128, 16-bit signed, explicit VR little endian"),
    "mr": _Example("mr.dcm", "MR head, 64x64, 12 bits stored in 16, explicit VR little endian"),
    "rgb_color": _Example("rgb_color.dcm", "Ultrasound colour Doppler, 120x160 RGB, 8-bit"),
    "ybr_color": _Example("ybr_color.dcm",
                          "Ultrasound multi-frame colour Doppler, 4 frames 120x160 YBR_FULL"),
    "palette_color": _Example("palette_color.dcm",
                              "Secondary capture perfusion map, 8-bit PALETTE COLOR"),
    "overlay": _Example("overlay.dcm", "CT head with a graphics overlay plane (6000,xxxx)"),
    "waveform": _Example("waveform.dcm", "12-lead ECG, 10 s at 500 Hz, 16-bit signed"),
    "jpeg2k": _Example("jpeg2k.dcm", "CT abdomen, 192x192, 16-bit signed, JPEG 2000 lossless"),
    "rle": _Example("rle.dcm", "MR head, 128x128, 12 bits stored, RLE Lossless"),
    "jpegls": _Example("jpegls.dcm", "CT abdomen, 192x192, 12 bits stored, JPEG-LS lossless"),
    "jpeg_baseline": _Example("jpeg_baseline.dcm",
                              "Ultrasound colour Doppler, JPEG Baseline, YBR_FULL_422"),
    "enhanced_mr": _Example("enhanced_mr.dcm",
                            "Enhanced MR, 12 frames 64x64 with per-frame functional groups"),
    "rt_ss": _Example("rt_ss.dcm", "RT Structure Set outlining the ct example"),
    "monochrome1": _Example("monochrome1.dcm",
                            "CR chest, 256x224, 12 bits stored, MONOCHROME1"),
}


def names() -> tuple[str, ...]:
    """Return the names of the bundled examples, sorted.

    Returns
    -------
    tuple of str
        Each name is also an attribute of :mod:`dcmcore.examples`.

    Examples
    --------
    >>> from dcmcore import examples
    >>> "ct" in examples.names()
    True
    """
    return tuple(sorted(_EXAMPLES))


def describe(name: str) -> str:
    """Return the one-line description of the example `name`.

    Raises
    ------
    KeyError
        If there is no example of that name.
    """
    return _lookup(name).description


def get_path(name: str) -> Path:
    """Return the path of the file of the bundled example `name`.

    Parameters
    ----------
    name : str
        One of :func:`names`.

    Returns
    -------
    pathlib.Path
        The file inside the installed package; read it, never write to it.

    Raises
    ------
    KeyError
        If there is no example of that name.

    Examples
    --------
    >>> from dcmcore import dcmread, examples
    >>> dcmread(examples.get_path("mr")).Modality
    'MR'
    """
    return _DATA / _lookup(name).filename


def _lookup(name: str) -> _Example:
    try:
        return _EXAMPLES[name]
    except KeyError:
        raise KeyError(
            f"No example named {name!r}; examples are {', '.join(names())}"
        ) from None


def __getattr__(name: str) -> FileDataset:
    if name in _EXAMPLES:
        return dcmread(get_path(name))
    raise AttributeError(f"module 'dcmcore.examples' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*__all__, *_EXAMPLES})
