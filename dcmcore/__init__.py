"""dcmcore: a pure-Python DICOM core with the pydicom 3 Dataset API and codec plugins.

Public names are imported on first use, so ``import dcmcore`` stays fast and
never imports numpy, a codec library or a plugin. The type checker sees them as
plain imports (the ``TYPE_CHECKING`` block below binds every name of ``__all__``).

>>> import dcmcore
>>> ds = dcmcore.Dataset()
>>> ds.PatientName = "Doe^John"
>>> str(ds.PatientName)
'Doe^John'
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

__version__ = "0.1.0"
__version_info__ = tuple(int(part) for part in __version__.split("."))

#: Public name -> (module, attribute), imported on first access.
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
#: Subpackages and modules reachable as attributes of the package.
_SUBMODULES = {
    "uid", "config", "examples", "errors", "codecs", "pixels", "values", "charset",
    # pydicom's module names
    "dataelem", "valuerep", "multival", "datadict", "filereader", "filewriter", "filebase",
    "fileutil", "jsonrep", "hooks",
}  # fmt: skip

__all__ = [
    "DataElement",
    "Dataset",
    "FileDataset",
    "FileMetaDataset",
    "RawDataElement",
    "Sequence",
    "Tag",
    "charset",
    "codecs",
    "config",
    "datadict",
    "dataelem",
    "dcmread",
    "dcmwrite",
    "errors",
    "examples",
    "filebase",
    "filereader",
    "fileutil",
    "filewriter",
    "hooks",
    "iter_pixels",
    "jsonrep",
    "multival",
    "pixel_array",
    "pixels",
    "read_file_meta_info",
    "uid",
    "valuerep",
    "values",
]

if TYPE_CHECKING:  # pragma: no cover - the same names, as the type checker sees them
    from dcmcore import (
        charset,
        codecs,
        config,
        datadict,
        dataelem,
        errors,
        examples,
        filebase,
        filereader,
        fileutil,
        filewriter,
        hooks,
        jsonrep,
        multival,
        pixels,
        uid,
        valuerep,
        values,
    )
    from dcmcore.dataset import Dataset, FileDataset, FileMetaDataset
    from dcmcore.element import DataElement, RawDataElement
    from dcmcore.io.reader import dcmread, read_file_meta_info
    from dcmcore.io.writer import dcmwrite
    from dcmcore.pixels import iter_pixels, pixel_array
    from dcmcore.sequence import Sequence
    from dcmcore.tag import Tag
else:

    def __getattr__(name: str) -> object:
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
    return sorted({*__all__, "__version__"})
