"""dcmcore.overlays gives pydicom 3's overlay arrays and handler results."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pydicom
import pydicom.overlays as ref
import pydicom.overlays.numpy_handler as ref_handler
import pytest

import dcmcore
from dcmcore import overlays
from dcmcore.overlays import numpy_handler

CORPUS = Path(pydicom.__file__).parent / "data" / "test_files"
HANDLER_NAMES = ["get_expected_length", "get_overlay_array", "is_available",
                 "reshape_overlay_array"]


def _params(func: Callable[..., object]) -> list[tuple[str, object, object]]:
    return [(p.name, p.kind, p.default) for p in inspect.signature(func).parameters.values()]


@pytest.mark.parametrize("name", HANDLER_NAMES)
def test_handler_functions_have_pydicoms_signatures(name: str) -> None:
    assert _params(getattr(numpy_handler, name)) == _params(getattr(ref_handler, name))


def test_package_names_are_pydicoms() -> None:
    assert _params(overlays.get_overlay_array) == _params(ref.get_overlay_array)
    assert numpy_handler.HANDLER_NAME == ref_handler.HANDLER_NAME
    assert numpy_handler.DEPENDENCIES == ref_handler.DEPENDENCIES
    assert numpy_handler.is_available() is True


def _overlay_files() -> list[Path]:
    out = []
    for path in sorted(CORPUS.glob("*.dcm")):
        try:
            ds = pydicom.dcmread(path, force=True)
        except Exception:
            continue
        if any(elem.tag.group & 0xFF00 == 0x6000 and elem.tag.element == 0x3000 for elem in ds):
            out.append(path)
    return out


@pytest.mark.parametrize("path", _overlay_files(), ids=lambda p: p.name)
def test_corpus_overlays_as_pydicom(path: Path) -> None:
    p, d = pydicom.dcmread(path), dcmcore.dcmread(path)
    groups = {e.tag.group for e in p if e.tag.group & 0xFF00 == 0x6000 and e.tag.element == 0x3000}
    assert groups
    for group in groups:
        np.testing.assert_array_equal(overlays.get_overlay_array(d, group),
                                      ref.get_overlay_array(p, group))


def test_overlay_of_several_frames_as_pydicom() -> None:
    path = CORPUS / "examples_overlay.dcm"
    p, d = pydicom.dcmread(path), dcmcore.dcmread(path)
    arr = np.random.default_rng(3).integers(0, 2, (3, 8, 10), np.uint8)
    for ds in (p, d):
        ds[0x60000010].value, ds[0x60000011].value = 8, 10
        ds.add_new(0x60000015, "IS", 3)
        ds[0x60003000].value = pydicom.pixels.pack_bits(arr)
    got = numpy_handler.get_overlay_array(d, 0x6000)
    np.testing.assert_array_equal(got, ref_handler.get_overlay_array(p, 0x6000))
    np.testing.assert_array_equal(got, arr)


@pytest.mark.parametrize("values", [
    {"OverlayRows": 5, "OverlayColumns": 3, "NumberOfFramesInOverlay": 1},
    {"OverlayRows": 4, "OverlayColumns": 4, "NumberOfFramesInOverlay": 3},
])
def test_length_and_reshape_as_pydicom(values: dict[str, int]) -> None:
    for unit in ("bytes", "pixels"):
        assert numpy_handler.get_expected_length(values, unit) == \
            ref_handler.get_expected_length(values, unit)
    flat = np.arange(ref_handler.get_expected_length(values, "pixels"))
    np.testing.assert_array_equal(numpy_handler.reshape_overlay_array(values, flat),
                                  ref_handler.reshape_overlay_array(values, flat))


def test_missing_elements_and_bad_frames_raise_as_pydicom() -> None:
    with pytest.raises(AttributeError, match="OverlayData"):
        overlays.get_overlay_array(dcmcore.Dataset(), 0x6000)
    with pytest.raises(ValueError, match="Number of Frames in Overlay"):
        numpy_handler.reshape_overlay_array(
            {"OverlayRows": 1, "OverlayColumns": 1, "NumberOfFramesInOverlay": 0},
            np.zeros(1))
