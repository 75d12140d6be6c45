"""dcmcore.errors: every exception of the package is defined there, and behaves as documented."""

from __future__ import annotations

import importlib
import inspect
import pickle
import pkgutil

import pytest

import dcmcore
from dcmcore import errors

#: Control-flow signals that never leave the module raising them (not user-facing errors).
_INTERNAL_SIGNALS = {"dcmcore.io.scan.NeedMore"}


def _dcmcore_modules():
    """Every importable dcmcore module (those needing a missing optional extra are left out)."""
    modules = [dcmcore]
    for info in pkgutil.walk_packages(dcmcore.__path__, "dcmcore.", onerror=lambda name: None):
        if info.name.endswith("__main__"):
            continue
        try:
            modules.append(importlib.import_module(info.name))
        except ImportError as exc:  # an optional extra (rich, dask...) is not installed
            if (exc.name or "").startswith("dcmcore"):
                raise
    return modules


def test_every_exception_class_of_the_package_is_defined_in_errors():
    outside = []
    for module in _dcmcore_modules():
        for name, obj in vars(module).items():
            if (
                inspect.isclass(obj)
                and issubclass(obj, BaseException)
                and obj.__module__ == module.__name__
                and module.__name__ != "dcmcore.errors"
                and f"{module.__name__}.{name}" not in _INTERNAL_SIGNALS
            ):
                outside.append(f"{module.__name__}.{name}")
    assert outside == []


def test_every_exception_and_warning_of_errors_is_in_its_all():
    defined = {
        name
        for name, obj in vars(errors).items()
        if inspect.isclass(obj) and issubclass(obj, Warning | Exception)
        and obj.__module__ == "dcmcore.errors"
    }
    assert defined == set(errors.__all__)


@pytest.mark.parametrize(
    ("module", "name"),
    [
        ("dcmcore.codecs", "CodecFailedError"),
        ("dcmcore.codecs.runner", "CodecFailedError"),
        ("dcmcore.codecs.runner", "CodecOutputError"),
        ("dcmcore.pixels", "MissingElementError"),
        ("dcmcore.pixels", "NoEncoderError"),
        ("dcmcore.pixels", "UnknownPluginError"),
        ("dcmcore.pixels", "WorkerProcessError"),
        ("dcmcore.pixels.parallel", "WorkerProcessError"),
        ("dcmcore.pixels.parallel", "SharedSpaceError"),
        ("dcmcore.pixels.rewrite", "NoEncoderError"),
        ("dcmcore.pixels.selection", "UnknownPluginError"),
        ("dcmcore.pixels.validation", "MissingElementError"),
        ("dcmcore.pixels.shared_memory", "SharedSpaceError"),
        ("dcmcore.pixels.shared_memory", "ArenaOpenError"),
    ],
)
def test_moved_exception_still_importable_where_users_import_it(module, name):
    assert getattr(importlib.import_module(module), name) is getattr(errors, name)


@pytest.mark.parametrize(
    ("name", "builtin"),
    [
        ("MissingElementError", AttributeError),
        ("NoEncoderError", NotImplementedError),
        ("UnknownPluginError", ValueError),
        ("SharedSpaceError", OSError),
        ("ValueOverflowError", OverflowError),
        ("NonIntegerISError", TypeError),
        ("CodecFailedError", RuntimeError),
    ],
)
def test_moved_exception_is_a_dcmcore_error_and_the_builtin_pydicom_raises(name, builtin):
    cls = getattr(errors, name)
    assert issubclass(cls, errors.DcmcoreError)
    assert issubclass(cls, builtin)


def test_invalid_dicom_error_without_message_is_empty_like_pydicom():
    err = errors.InvalidDicomError()
    assert str(err) == ""
    assert err.args == ()
    assert err.offset is None and err.tag is None
    with pytest.raises(errors.InvalidDicomError):
        raise errors.InvalidDicomError


def test_invalid_dicom_error_without_message_still_names_where():
    err = errors.TruncatedDataError(offset=12, tag=0x7FE00010)
    assert str(err) == "at tag (7FE0,0010) at byte offset 12 (0xC)"


def test_invalid_dicom_error_with_message_keeps_it_first():
    err = errors.InvalidDicomError("File is missing DICOM File Meta", offset=128)
    assert str(err) == "File is missing DICOM File Meta at byte offset 128 (0x80)"


def test_codec_failed_error_pickles_with_its_failures():
    err = errors.CodecFailedError(
        "no decoder", kind="decoder", ts_uid="1.2.840.10008.1.2.5", frame=3,
        failures=[("rle", "bad header")], skipped=[("gdcm", "not installed")],
    )
    back = pickle.loads(pickle.dumps(err))
    assert (back.kind, back.ts_uid, back.frame) == ("decoder", "1.2.840.10008.1.2.5", 3)
    assert back.failures == [("rle", "bad header")]
    assert back.skipped == [("gdcm", "not installed")]
    assert str(back) == "no decoder"
