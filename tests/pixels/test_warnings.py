"""Warnings of the pixel path point at the caller's line, and come once per call."""

from __future__ import annotations

import io
import warnings

import numpy as np
import pytest

import dcmcore
import dcmcore.pixels as px
from dcmcore.errors import DcmcoreWarning
from tests.pixel_datasets import corpus_file, make_ds, write_file

J2K_LOSSLESS = "1.2.840.10008.1.2.4.90"


def _recorded(call):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = call()
    return result, [w for w in caught if issubclass(w.category, DcmcoreWarning)]


def _padded_native() -> bytes:
    ds = make_ds(rows=4, cols=4, ba=8)
    ds.PixelData = bytes(ds.PixelData) + b"\x00" * 4  # excess padding: a warning
    return write_file(ds)


@pytest.mark.parametrize("call", [
    lambda raw: px.pixel_array(io.BytesIO(raw)),
    lambda raw: dcmcore.dcmread(io.BytesIO(raw)).pixel_array,
    lambda raw: next(px.iter_pixels(io.BytesIO(raw))),
], ids=["pixel_array(file)", "Dataset.pixel_array", "iter_pixels"])
def test_pixel_warnings_point_at_the_callers_line(call):
    _, caught = _recorded(lambda: call(_padded_native()))
    assert [w.filename for w in caught] == [__file__]
    assert "excess padding" in str(caught[0].message)


def test_number_of_frames_zero_warns_at_the_callers_line():
    ds = make_ds(rows=4, cols=4, ba=8)
    ds.NumberOfFrames = 0
    _, caught = _recorded(lambda: px.pixel_array(ds))
    assert [w.filename for w in caught] == [__file__]
    assert "assuming 1 frame" in str(caught[0].message)


# ---- JPEG 2000 precision and sign reconciled with the dataset ----------------------------

@pytest.fixture
def j2k_mismatch():
    """pydicom's J2K_pixelrep_mismatch.dcm (unsigned 13-bit codestream, Pixel
    Representation 1) and pydicom's array of it."""
    pydicom = pytest.importorskip("pydicom")
    if not dcmcore.codecs.decoders_for(J2K_LOSSLESS):
        pytest.skip("no JPEG 2000 decoder installed")
    path = corpus_file("J2K_pixelrep_mismatch.dcm")
    return path, pydicom.dcmread(path).pixel_array


def test_j2k_sign_mismatch_gives_pydicoms_array_with_one_warning(j2k_mismatch):
    path, expected = j2k_mismatch
    arr, caught = _recorded(lambda: px.pixel_array(path))
    assert np.array_equal(arr, expected) and (arr.min(), arr.max()) == (-2000, 1896)
    assert len(caught) == 1 and caught[0].filename == __file__
    assert "unsigned 13-bit samples but (0028,0103) 'Pixel Representation' is 1" in str(
        caught[0].message)


@pytest.mark.parametrize("how", ["pixel_array", "workers", "iter_pixels"])
def test_j2k_mismatch_warns_once_per_call_not_per_frame(j2k_mismatch, how):
    path, expected = j2k_mismatch
    ds = dcmcore.dcmread(path)
    frame = next(px.generate_frames(ds.PixelData, number_of_frames=1))
    ds.PixelData = px.encapsulate([frame] * 4)
    ds.NumberOfFrames = 4
    if how == "iter_pixels":
        arrs, caught = _recorded(lambda: list(px.iter_pixels(ds)))
        arr = np.stack(arrs)
    else:
        arr, caught = _recorded(lambda: px.pixel_array(ds, workers=2 if how == "workers"
                                                       else None))
    assert np.array_equal(arr, np.stack([expected] * 4))
    assert len(caught) == 1 and caught[0].filename == __file__
