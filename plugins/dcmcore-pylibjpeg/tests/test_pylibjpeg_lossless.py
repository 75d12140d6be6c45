"""JPEG Lossless and JPEG-LS frames made by GDCM decode to the source array.

pydicom's wheel has no JPEG Lossless (Process 14) file and few JPEG-LS ones, so GDCM
encodes synthetic multi-frame images (8, 12 and 16 bits stored, signed and unsigned,
1 and 3 samples). libjpeg returns the stored values unsigned; the core applies the sign
(bits-stored correction for lossless JPEG, codestream precision for JPEG-LS): the result
must be the source array, as pydicom's pylibjpeg backend gives.
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("gdcm")

JPEG_LOSSLESS = "1.2.840.10008.1.2.4.57"
JPEG_LOSSLESS_SV1 = "1.2.840.10008.1.2.4.70"
JPEG_LS = "1.2.840.10008.1.2.4.80"

CASES = [  # (bits stored, signed, samples)
    (8, False, 1), (8, True, 1), (12, False, 1), (12, True, 1), (16, False, 1), (16, True, 1),
    (8, False, 3), (16, False, 3),
]


def _source(image, bits, signed, samples, frames=3):
    shape = (frames, 40, 33) + ((3,) if samples == 3 else ())
    return image(shape, bits, signed, seed=bits + samples)


@pytest.mark.parametrize("uid", [JPEG_LOSSLESS, JPEG_LOSSLESS_SV1, JPEG_LS])
@pytest.mark.parametrize(("bits", "signed", "samples"), CASES)
def test_gdcm_encoded_frames_decode_to_the_source(uid, bits, signed, samples, image,
                                                  make_dataset, to_bytes, gdcm_transcode,
                                                  dcmcore_array, pydicom_array):
    arr = _source(image, bits, signed, samples)
    native = to_bytes(make_dataset(arr, "RGB" if samples == 3 else "MONOCHROME2", bits))
    data = gdcm_transcode(native, uid)
    ours = dcmcore_array(data, "pylibjpeg")
    assert ours.dtype == arr.dtype
    assert np.array_equal(ours, arr)
    assert np.array_equal(ours, pydicom_array(data, "pylibjpeg"))


@pytest.mark.parametrize("uid", [JPEG_LOSSLESS_SV1, JPEG_LS])
def test_each_frame_alone_decodes_to_its_source_frame(uid, image, make_dataset, to_bytes,
                                                      gdcm_transcode):
    import io

    import dcmcore

    arr = _source(image, 12, True, 1, frames=4)
    data = gdcm_transcode(to_bytes(make_dataset(arr, "MONOCHROME2", 12)), uid)
    ds = dcmcore.dcmread(io.BytesIO(data))
    frames = list(dcmcore.iter_pixels(ds, decoding_plugin="pylibjpeg"))
    assert len(frames) == 4
    for got, want in zip(frames, arr, strict=True):
        assert np.array_equal(got, want)


def test_parallel_decode_equals_sequential(image, make_dataset, to_bytes, gdcm_transcode,
                                           dcmcore_array):
    # thread_safe is False: the core decodes in worker processes (codecs pickled there).
    arr = _source(image, 16, True, 1, frames=12)
    data = gdcm_transcode(to_bytes(make_dataset(arr, "MONOCHROME2", 16)), JPEG_LOSSLESS_SV1)
    assert np.array_equal(dcmcore_array(data, "pylibjpeg", workers=2), arr)
