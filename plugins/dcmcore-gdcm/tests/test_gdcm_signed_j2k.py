"""Signed JPEG 2000 samples narrower than Bits Allocated: the core sign-extends them.

GDCM decodes a JPEG 2000 codestream of precision 8 into an 8-bit buffer even when Bits
Allocated is 16 (it switches to the codestream's pixel format), so the plugin returns
uint8 stored values, as the plugin contract allows ("unsigned stored values are fine").
For a *signed* codestream, ``dcmcore.pixels.codestream.corrections`` sign-extends from
the codestream's precision even when its signedness agrees with Pixel Representation,
so -4 (stored byte 252) comes back as -4, as pydicom (GDCM and pylibjpeg backends) gives.
"""

from __future__ import annotations

import io

import numpy as np
import pytest


def _signed_8_bit_j2k_in_16_bits(corpus_file) -> tuple[bytes, np.ndarray]:
    openjpeg = pytest.importorskip("openjpeg")
    pydicom = pytest.importorskip("pydicom")
    from pydicom.encaps import encapsulate

    rng = np.random.default_rng(21)
    src = rng.integers(-128, 128, (64, 64)).astype(np.int8)
    src[0, 0] = -4
    frame = openjpeg.encode(src, bits_stored=8, photometric_interpretation=2)
    assert frame[42] == 0x87  # SIZ: signed, precision 8
    ds = pydicom.dcmread(corpus_file("MR_small_jp2klossless.dcm"))
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 8, 7, 1
    ds.PixelData = encapsulate([frame])
    buf = io.BytesIO()
    ds.save_as(buf)
    return buf.getvalue(), src


def test_gdcm_returns_the_8_bit_stored_values_and_pydicom_reads_minus_4(corpus_file,
                                                                        pydicom_array):
    from dcmcore_gdcm.plugin import GDCMDecoder

    from dcmcore.codecs import FrameInfo

    blob, src = _signed_8_bit_j2k_in_16_bits(corpus_file)
    for backend in ("gdcm", "pylibjpeg"):
        assert np.array_equal(pydicom_array(blob, backend), src.astype(np.int16))
    import dcmcore

    frame = next(dcmcore.pixels.generate_frames(dcmcore.dcmread(io.BytesIO(blob)).PixelData,
                                                number_of_frames=1))
    info = FrameInfo(64, 64, 1, 16, 8, 1, "MONOCHROME2", 0, 1, "1.2.840.10008.1.2.4.90")
    out = GDCMDecoder().decode(bytes(frame), info)
    assert out.dtype == np.uint8 and out[0, 0] == 252  # -4 as a stored byte


def test_signed_8_bit_j2k_in_16_bits_allocated_decodes_to_negative_values(corpus_file,
                                                                          dcmcore_array):
    blob, src = _signed_8_bit_j2k_in_16_bits(corpus_file)
    assert np.array_equal(dcmcore_array(blob, "gdcm"), src.astype(np.int16))
