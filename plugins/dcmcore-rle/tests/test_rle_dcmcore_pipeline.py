"""End to end through dcmcore's pixel pipeline: the plugin is found and used by name.

Skipped when the core's reader or pixel API is not there yet.
"""

from __future__ import annotations

import io

import numpy as np
import pytest

dcmcore = pytest.importorskip("dcmcore")
pydicom = pytest.importorskip("pydicom")
from pydicom.data import get_testdata_file  # noqa: E402

RLE_LOSSLESS = "1.2.840.10008.1.2.5"


def _need(attr: str):
    if not hasattr(dcmcore, attr):
        pytest.skip(f"dcmcore.{attr} is not available yet")
    return getattr(dcmcore, attr)


@pytest.mark.parametrize(
    "name", ["MR_small_RLE.dcm", "SC_rgb_rle_16bit_2frame.dcm", "rtdose_rle.dcm"]
)
def test_pixel_array_with_the_rle_plugin_equals_pydicom(name):
    dcmread = _need("dcmread")
    path = get_testdata_file(name)
    ds = dcmread(path)
    ds.pixel_array_options(decoding_plugin="rle")
    ref = pydicom.dcmread(path).pixel_array
    assert ds.pixel_array.dtype == ref.dtype
    assert np.array_equal(ds.pixel_array, ref)


def test_compress_with_the_rle_plugin_decodes_with_pydicom_and_dcmcore():
    dcmread = _need("dcmread")
    ds = dcmread(get_testdata_file("CT_small.dcm"))
    original = ds.pixel_array.copy()
    ds.compress(RLE_LOSSLESS, encoding_plugin="rle")
    buffer = io.BytesIO()
    ds.save_as(buffer)
    assert np.array_equal(pydicom.dcmread(io.BytesIO(buffer.getvalue())).pixel_array, original)
    assert np.array_equal(dcmread(io.BytesIO(buffer.getvalue())).pixel_array, original)
