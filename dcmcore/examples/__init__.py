"""Bundled example datasets.

Each access to an example returns a fresh :class:`~dcmcore.FileDataset`
read from the file shipped in the package, with ``filename`` set::

    >>> from dcmcore import examples
    >>> ds = examples.ct
    >>> ds.Modality
    'CT'

The files are synthetic phantoms made by ``tools/make_examples.py`` with
dcmcore's own writer.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from dcmcore.dataset import FileDataset

__all__ = ["get_path", "names", "ct", "mr"]

_DATA = Path(__file__).parent / "data"

#: Example name -> (file name, description).
_EXAMPLES: dict[str, tuple[str, str]] = {
    "ct": ("ct.dcm", "CT image, 128x128, 16-bit signed greyscale, explicit VR little endian"),
    "mr": ("mr.dcm", "MR image, 64x64, 12 bits stored in 16, explicit VR little endian"),
}


def names() -> list[str]:
    """The names of the bundled examples."""
    return sorted(_EXAMPLES)


def get_path(name: str) -> Path:
    """Return the path of the bundled example `name`.

    Raises
    ------
    KeyError
        If there is no example of that name.
    """
    try:
        return _DATA / _EXAMPLES[name][0]
    except KeyError:
        raise KeyError(f"No example named {name!r}; examples are {names()}") from None


def __getattr__(name: str) -> Any:
    if name in _EXAMPLES:
        from dcmcore.io.reader import dcmread

        dataset: FileDataset = dcmread(get_path(name))
        return dataset
    raise AttributeError(f"module 'dcmcore.examples' has no attribute {name!r}")


def __dir__() -> list[str]:
    return [*__all__]
