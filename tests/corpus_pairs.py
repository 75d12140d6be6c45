"""The same corpus file read by dcmcore and by pydicom, for the documented-behaviour tests."""

from __future__ import annotations

import warnings
from typing import Any

import pytest

from dcmcore.io.reader import dcmread

pydicom = pytest.importorskip("pydicom")
from pydicom.data import get_charset_files, get_testdata_file  # noqa: E402


def _path(name: str) -> str:
    if name.startswith("chr"):
        return get_charset_files(name)[0]
    return get_testdata_file(name)


def _both(name: str, **kwargs: Any) -> tuple[Any, Any]:
    """The same corpus file read by dcmcore and by pydicom."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return dcmread(_path(name), **kwargs), pydicom.dcmread(_path(name), **kwargs)


def _mine(name: str, **kwargs: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return dcmread(_path(name), **kwargs)


def _tags(ds: Any) -> list[int]:
    return [int(tag) for tag in ds.keys()]


def _corpus() -> list[str]:
    import glob
    import os

    base = os.path.dirname(get_testdata_file("CT_small.dcm"))
    charset = os.path.dirname(get_charset_files("chrRuss.dcm")[0])
    return sorted(glob.glob(os.path.join(base, "*.dcm"))) + sorted(
        glob.glob(os.path.join(charset, "*.dcm"))
    )


def _first_item(ds: Any) -> Any:
    return next(elem for elem in ds if elem.VR == "SQ").value[0]


def _charset_paths() -> list[str]:
    import glob
    import os

    return sorted(glob.glob(os.path.join(os.path.dirname(_path("chrRuss.dcm")), "*.dcm")))
