"""pydicom 3's deprecated pixel_data_handlers names still work, with a DeprecationWarning."""

from __future__ import annotations

import importlib
import warnings

import numpy as np
import pytest

import dcmcore.pixels
import dcmcore.pixels.utils

PIXELS_NAMES = ["apply_color_lut", "apply_modality_lut", "apply_rescale", "apply_voi_lut",
                "apply_voi", "apply_windowing", "convert_color_space", "pack_bits",
                "unpack_bits"]
UTILS_NAMES = ["expand_ybr422", "get_expected_length", "get_image_pixel_ids",
               "get_j2k_parameters", "get_nr_frames", "pixel_dtype", "reshape_pixel_array"]


def _same_names_as_pydicom(module: str, names: list[str]) -> None:
    theirs = importlib.import_module(f"pydicom.{module}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name in names:
            getattr(theirs, name)  # pydicom 3 still has it


@pytest.mark.parametrize("name", PIXELS_NAMES)
def test_package_names_warn_and_are_the_pixels_functions(name: str) -> None:
    _same_names_as_pydicom("pixel_data_handlers", [name])
    module = importlib.import_module("dcmcore.pixel_data_handlers")
    with pytest.warns(DeprecationWarning, match=f"from dcmcore.pixels import {name}"):
        func = getattr(module, name)
    assert func is getattr(dcmcore.pixels, name)


@pytest.mark.parametrize("name", PIXELS_NAMES + UTILS_NAMES)
def test_util_names_warn_and_are_the_new_functions(name: str) -> None:
    if name != "apply_rescale":  # dcmcore's util also has it
        _same_names_as_pydicom("pixel_data_handlers.util", [name])
    module = importlib.import_module("dcmcore.pixel_data_handlers.util")
    with pytest.warns(DeprecationWarning, match="will be removed in v4.0"):
        func = getattr(module, name)
    owner = dcmcore.pixels.utils if name in UTILS_NAMES else dcmcore.pixels
    assert func is getattr(owner, name)


def test_from_import_works_as_in_pydicom() -> None:
    with pytest.warns(DeprecationWarning):
        from dcmcore.pixel_data_handlers.util import apply_voi_lut  # noqa: F401
    with pytest.warns(DeprecationWarning):
        from dcmcore.pixel_data_handlers import apply_modality_lut  # noqa: F401


def test_dtype_corrected_for_endianness_as_pydicom() -> None:
    from pydicom.pixel_data_handlers import util as ref

    from dcmcore.pixel_data_handlers import util

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours, theirs = util.dtype_corrected_for_endianness, ref.dtype_corrected_for_endianness
    for little in (True, False):
        assert ours(little, np.dtype("u2")) == theirs(little, np.dtype("u2"))
    with pytest.raises(ValueError, match="is_little_endian"):
        ours(None, np.dtype("u2"))  # type: ignore[arg-type]


def test_unknown_names_are_attribute_errors() -> None:
    from dcmcore import pixel_data_handlers
    from dcmcore.pixel_data_handlers import util

    for module in (pixel_data_handlers, util):
        with pytest.raises(AttributeError, match="no attribute 'nothing'"):
            module.nothing  # noqa: B018
