"""The package's public face: names, typing marker, examples, import cost."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import dcmcore

PUBLIC_NAMES = [
    "dcmread", "dcmwrite", "read_file_meta_info", "Dataset", "FileDataset", "FileMetaDataset",
    "DataElement", "RawDataElement", "Sequence", "Tag", "uid", "config", "examples", "errors",
]


@pytest.mark.parametrize("name", PUBLIC_NAMES)
def test_public_name_is_importable_from_package(name):
    assert getattr(dcmcore, name) is not None
    assert name in dir(dcmcore)


def test_unknown_attribute_raises_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nonsense'"):
        dcmcore.nonsense  # noqa: B018


def test_package_ships_py_typed_marker():
    assert (Path(dcmcore.__file__).parent / "py.typed").is_file()


def test_import_dcmcore_imports_no_codec_or_plugin_module():
    code = (
        "import sys, dcmcore\n"
        "bad = [m for m in sys.modules if m.startswith(('dcmcore_', 'pydicom', 'pylibjpeg',"
        " 'openjpeg', 'jpeg_ls', 'gdcm', 'pluggy', 'dcmcore.codecs', 'dcmcore.pixels'))]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_errors_family_subclasses_builtins_pydicom_users_catch():
    from dcmcore import errors

    assert issubclass(errors.InvalidDicomError, errors.DcmcoreError)
    assert issubclass(errors.TruncatedDataError, EOFError)
    assert issubclass(errors.MalformedDataError, ValueError)
    err = errors.MalformedDataError("bad length", offset=300, tag=0x00100010)
    assert "(0010,0010)" in str(err) and "300" in str(err)
