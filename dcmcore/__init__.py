"""dcmcore: a pure-Python DICOM core with the pydicom 3 Dataset API and codec plugins.

Public names are imported on first use, so ``import dcmcore`` stays fast and
never imports a codec library.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_LAZY = {
    "dcmread": ("dcmcore.io.reader", "dcmread"),
    "read_file_meta_info": ("dcmcore.io.reader", "read_file_meta_info"),
    "dcmwrite": ("dcmcore.io.writer", "dcmwrite"),
    "Dataset": ("dcmcore.dataset", "Dataset"),
    "FileDataset": ("dcmcore.dataset", "FileDataset"),
    "FileMetaDataset": ("dcmcore.dataset", "FileMetaDataset"),
    "DataElement": ("dcmcore.element", "DataElement"),
    "RawDataElement": ("dcmcore.element", "RawDataElement"),
    "Sequence": ("dcmcore.sequence", "Sequence"),
    "Tag": ("dcmcore.tag", "Tag"),
    "pixel_array": ("dcmcore.pixels", "pixel_array"),
    "iter_pixels": ("dcmcore.pixels", "iter_pixels"),
}
_SUBMODULES = {"uid", "config", "examples", "errors", "codecs", "pixels", "values", "charset"}

__all__ = sorted([*_LAZY, *_SUBMODULES])

if TYPE_CHECKING:  # pragma: no cover
    from dcmcore import codecs, config, errors, examples, uid  # noqa: F401
    from dcmcore.dataset import Dataset, FileDataset, FileMetaDataset  # noqa: F401
    from dcmcore.element import DataElement, RawDataElement  # noqa: F401
    from dcmcore.io.reader import dcmread, read_file_meta_info  # noqa: F401
    from dcmcore.io.writer import dcmwrite  # noqa: F401
    from dcmcore.sequence import Sequence  # noqa: F401
    from dcmcore.tag import Tag  # noqa: F401


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module, attr = _LAZY[name]
        value = getattr(importlib.import_module(module), attr)
    elif name in _SUBMODULES:
        value = importlib.import_module(f"dcmcore.{name}")
    else:
        raise AttributeError(f"module 'dcmcore' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
