"""Every pydicom 3 name of the compatibility modules exists in dcmcore with pydicom's signature.

A dcmcore signature may add parameters after pydicom's, each with a default
(e.g. ``dcmread(..., *, validation_mode=None)``): pydicom-style calls still work.
The few deliberate differences are listed in ``DOCUMENTED`` (and in docs/migrating.md).
"""

from __future__ import annotations

import importlib
import inspect

import pytest

MODULES = [
    "dataelem", "valuerep", "multival", "datadict", "filereader", "filewriter", "filebase",
    "fileutil", "jsonrep", "hooks", "values", "config", "util.codify",
]  # fmt: skip

#: Names that are typing helpers or module imports in pydicom, not API.
NOT_API = {"TYPE_CHECKING", "Self", "T", "logger", "annotations", "have_numpy"}

#: name -> why its signature differs (see docs/migrating.md)
DOCUMENTED = {
    "valuerep.DS": "auto_format=None: False for strings, config.auto_format_DS for numbers",
    "valuerep.DSfloat": "auto_format=None (as DS)",
    "valuerep.DSdecimal": "auto_format=None (as DS)",
    "valuerep.DSclass": "DSfloat (as DS)",
    "dataelem.RawDataElement": "field 9 is is_undefined_length (no buffered raw values)",
}


def _api_names(module):
    names = getattr(module, "__all__", None)
    if names is None:
        names = [
            n
            for n, v in vars(module).items()
            if not n.startswith("_")
            and not inspect.ismodule(v)
            and getattr(v, "__module__", None) == module.__name__
        ]
    return sorted(set(names) - NOT_API)


def _cases():
    for name in MODULES:
        theirs = importlib.import_module(f"pydicom.{name}")
        for attr in _api_names(theirs):
            yield name, attr


def _default(value):
    # a default that is a function (codify's name_filter) is compared by name
    return getattr(value, "__name__", value) if callable(value) else value


def _params(sig):
    return [(p.name, p.kind, _default(p.default)) for p in sig.parameters.values()]


def _compatible(ours, theirs):
    mine, expected = _params(ours), _params(theirs)
    if mine[: len(expected)] != expected:
        return False
    return all(p.default is not inspect.Parameter.empty or p.kind in (p.VAR_KEYWORD, p.VAR_POSITIONAL)
               for p in list(ours.parameters.values())[len(expected):])  # fmt: skip


@pytest.mark.parametrize(("module", "name"), list(_cases()))
def test_pydicom_name_exists_with_pydicoms_signature(module, name):
    theirs = getattr(importlib.import_module(f"pydicom.{module}"), name)
    ours_module = importlib.import_module(f"dcmcore.{module}")
    assert hasattr(ours_module, name), f"dcmcore.{module}.{name} is missing"
    ours = getattr(ours_module, name)
    if not callable(theirs) or f"{module}.{name}" in DOCUMENTED:
        return
    try:
        their_sig = inspect.signature(theirs)
    except (TypeError, ValueError):
        return
    our_sig = inspect.signature(ours)
    assert _compatible(our_sig, their_sig), f"{our_sig} is not {their_sig}"


@pytest.mark.parametrize("cls", ["DicomIO", "DicomBytesIO", "DicomFileLike"])
def test_filebase_methods_have_pydicoms_signatures(cls):
    import pydicom.filebase

    from dcmcore import filebase

    theirs, ours = getattr(pydicom.filebase, cls), getattr(filebase, cls)
    for name, member in vars(pydicom.filebase.DicomIO).items():
        if callable(member) and not name.startswith("__"):
            assert _compatible(
                inspect.signature(getattr(ours, name)), inspect.signature(getattr(theirs, name))
            ), name


def test_dcmcore_version_info():
    import dcmcore

    assert dcmcore.__version_info__ == tuple(int(x) for x in dcmcore.__version__.split("."))


def test_pydicom_module_names_import_from_the_package():
    import dcmcore

    for name in MODULES[:-1]:
        assert getattr(dcmcore, name) is importlib.import_module(f"dcmcore.{name}")
