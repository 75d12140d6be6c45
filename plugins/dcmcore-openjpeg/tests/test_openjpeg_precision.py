"""Codestream precision/sign against Bits Stored/Pixel Representation: pydicom's arrays.

The decoder returns what openjpeg gives (its container, the codestream's sign); the core
reconciles. Each case is a frame whose codestream and dataset may disagree, as real files do
(pydicom#1149), compared through the whole pipeline with pydicom 3 (pylibjpeg and gdcm).
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("pydicom")
openjpeg = pytest.importorskip("openjpeg")
from openjpeg.utils import encode_array  # noqa: E402

JPEG2000_LOSSLESS = "1.2.840.10008.1.2.4.90"

# (codestream precision, codestream signed, Bits Allocated, Bits Stored, Pixel Representation)
CASES = [
    (12, False, 16, 12, 1),   # unsigned codestream, signed dataset (pydicom#1149)
    (13, False, 16, 16, 1),
    (16, False, 16, 12, 1),
    (12, True, 16, 12, 0),    # signed codestream, unsigned dataset
    (8, True, 8, 8, 0),
    (12, True, 16, 16, 1),    # agreeing sign, precision below Bits Stored
    (12, True, 16, 14, 1),
    (8, True, 16, 8, 1),      # 8-bit container widened to Bits Allocated 16
    (8, False, 16, 8, 1),
    (12, False, 16, 12, 0),   # everything agrees
]


@pytest.mark.parametrize("backend", ["pylibjpeg", "gdcm"])
@pytest.mark.parametrize(("precision", "signed", "ba", "bs", "pr"), CASES,
                         ids=lambda v: str(v))
def test_sign_and_precision_are_reconciled_like_pydicom(precision, signed, ba, bs, pr, backend,
                                                        encapsulated, ours, pydicom_array):
    if backend == "gdcm":
        pytest.importorskip("gdcm")
    rng = np.random.default_rng(precision * 7 + bs)
    lo, hi = (-(1 << (precision - 1)), 1 << (precision - 1)) if signed else (0, 1 << precision)
    itemsize = 1 if precision <= 8 else 2
    arr = rng.integers(lo, hi, (48, 40)).astype(f"{'i' if signed else 'u'}{itemsize}")
    frames = [encode_array(arr, precision, 2, False), encode_array(arr[::-1].copy(),
                                                                    precision, 2, False)]
    ds = encapsulated(frames, JPEG2000_LOSSLESS, rows=48, columns=40, bits_allocated=ba,
                      bits_stored=bs, signed=bool(pr))
    got = ours(ds)
    ref = pydicom_array(ds, backend)
    assert got.dtype == ref.dtype
    assert np.array_equal(got, ref)


def test_ybr_full_data_roundtrips_and_is_converted_to_rgb_like_pydicom(image, native, ours,
                                                                      pydicom_array):
    ybr = image("ramp", (48, 64, 3), 8, False)
    ds = native(ybr, "YBR_FULL", 8)
    ds.compress(JPEG2000_LOSSLESS, encoding_plugin="openjpeg", use_mct=True)
    assert ds.PhotometricInterpretation == "YBR_FULL"  # no transform of YCbCr data
    got = ours(ds)
    assert np.array_equal(got, pydicom_array(ds, "pylibjpeg"))
    assert np.array_equal(ours(ds, as_rgb=False), ybr)
