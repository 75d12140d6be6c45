"""Round trips through the bridge's encoders: ``ds.compress(..., encoding_plugin=...)``.

Encoded datasets are written to bytes and decoded by pydicom with independent backends
(GDCM's OpenJPEG build and pydicom's native RLE decoder) as well as pylibjpeg, and must
give back the source (lossless) or stay within the requested quality (lossy).
"""

from __future__ import annotations

import io

import numpy as np
import pytest

import dcmcore
from dcmcore.errors import CodecError

J2K_LOSSLESS = "1.2.840.10008.1.2.4.90"
J2K = "1.2.840.10008.1.2.4.91"
RLE = "1.2.840.10008.1.2.5"

CASES = [  # (bits stored, signed, samples, frames)
    (8, False, 1, 1), (8, True, 1, 2), (12, False, 1, 3), (12, True, 1, 3), (16, True, 1, 1),
    (16, False, 1, 2), (8, False, 3, 2), (16, False, 3, 1),
]


def _compressed(make_dataset, to_bytes, arr, pi, bits, uid, **options):
    ds = make_dataset(arr, pi, bits)
    ds.compress(uid, encoding_plugin="pylibjpeg", **options)
    return ds, to_bytes(ds)


def _source(image, bits, signed, samples, frames, rows=48, columns=40):
    shape = ((frames,) if frames > 1 else ()) + (rows, columns) + ((3,) if samples == 3 else ())
    return image(shape, bits, signed, seed=3 * bits + samples)


@pytest.mark.parametrize(("bits", "signed", "samples", "frames"), CASES)
def test_j2k_lossless_round_trip_decodes_to_the_source(bits, signed, samples, frames, image,
                                                       make_dataset, to_bytes, pydicom_array,
                                                       dcmcore_array):
    arr = _source(image, bits, signed, samples, frames)
    pi = "RGB" if samples == 3 else "MONOCHROME2"
    ds, data = _compressed(make_dataset, to_bytes, arr, pi, bits, J2K_LOSSLESS)
    assert str(ds.file_meta.TransferSyntaxUID) == J2K_LOSSLESS
    assert ds.PhotometricInterpretation == pi
    assert "LossyImageCompression" not in ds
    assert np.array_equal(pydicom_array(data, "pylibjpeg"), arr)
    assert np.array_equal(dcmcore_array(data, "pylibjpeg"), arr)
    if bits <= 16:  # pydicom's GDCM backend: an independent decoder
        pytest.importorskip("gdcm")
        assert np.array_equal(pydicom_array(data, "gdcm"), arr)


def test_j2k_lossless_ybr_rct_applies_the_component_transform(image, make_dataset, to_bytes,
                                                              pydicom_array, dcmcore_array):
    arr = _source(image, 8, False, 3, 2)
    plain = _compressed(make_dataset, to_bytes, arr, "RGB", 8, J2K_LOSSLESS)[1]
    ds = make_dataset(arr, "RGB", 8)
    ds.PhotometricInterpretation = "YBR_RCT"  # pydicom's way to ask for the RCT
    ds.compress(J2K_LOSSLESS, encoding_plugin="pylibjpeg")
    data = to_bytes(ds)
    assert ds.PhotometricInterpretation == "YBR_RCT"
    assert data != plain
    assert np.array_equal(dcmcore_array(data, "pylibjpeg"), arr)
    assert np.array_equal(pydicom_array(data, "pylibjpeg"), arr)


def test_decompressed_ybr_rct_data_is_labelled_rgb_as_pydicom_does(image, make_dataset,
                                                                    to_bytes):
    import pydicom

    arr = _source(image, 8, False, 3, 1)
    ds = make_dataset(arr, "RGB", 8)
    ds.PhotometricInterpretation = "YBR_RCT"
    ds.compress(J2K_LOSSLESS, encoding_plugin="pylibjpeg")
    data = to_bytes(ds)
    ours = dcmcore.dcmread(io.BytesIO(data))
    ours.decompress(decoding_plugin="pylibjpeg")
    ref = pydicom.dcmread(io.BytesIO(data))
    ref.decompress(decoding_plugin="pylibjpeg")
    assert ours.PhotometricInterpretation == ref.PhotometricInterpretation == "RGB"
    assert np.array_equal(ours.pixel_array, arr)


def test_ybr_rct_without_the_transform_is_encoded_as_rgb(image, make_dataset, to_bytes,
                                                         dcmcore_array):
    arr = _source(image, 8, False, 3, 1)
    ds = make_dataset(arr, "RGB", 8)
    ds.PhotometricInterpretation = "YBR_RCT"
    ds.compress(J2K_LOSSLESS, encoding_plugin="pylibjpeg", use_mct=False)
    assert ds.PhotometricInterpretation == "RGB"
    assert np.array_equal(dcmcore_array(to_bytes(ds), "gdcm" if _has_gdcm() else "pylibjpeg"),
                          arr)


def test_lossy_ybr_ict_round_trip_is_close_and_labelled(image, make_dataset, to_bytes,
                                                        pydicom_array, dcmcore_array):
    arr = _source(image, 8, False, 3, 1, rows=64, columns=64)
    ds = make_dataset(arr, "RGB", 8)
    ds.PhotometricInterpretation = "YBR_ICT"
    ds.compress(J2K, encoding_plugin="pylibjpeg", j2k_psnr=[40])
    assert ds.PhotometricInterpretation == "YBR_ICT"
    assert ds.LossyImageCompression == "01"
    data = to_bytes(ds)
    ours = dcmcore_array(data, "pylibjpeg")
    assert np.array_equal(ours, pydicom_array(data, "pylibjpeg"))
    assert np.abs(ours.astype(int) - arr.astype(int)).mean() < 4


def _has_gdcm() -> bool:
    return any(c.name == "gdcm" for c in dcmcore.codecs.available_decoders())


@pytest.mark.parametrize(("bits", "signed", "samples"), [(8, False, 1), (12, True, 1),
                                                          (16, False, 1), (8, False, 3)])
def test_j2k_lossy_with_psnr_reaches_the_requested_quality(bits, signed, samples, image,
                                                           make_dataset, to_bytes,
                                                           pydicom_array, dcmcore_array):
    arr = _source(image, bits, signed, samples, 2, rows=64, columns=64)
    pi = "RGB" if samples == 3 else "MONOCHROME2"
    ds, data = _compressed(make_dataset, to_bytes, arr, pi, bits, J2K, j2k_psnr=[45])
    assert ds.LossyImageCompression == "01"
    assert "ISO_15444_1" in str(ds.LossyImageCompressionMethod)
    ours = dcmcore_array(data, "pylibjpeg")
    assert np.array_equal(ours, pydicom_array(data, "pylibjpeg"))
    peak = float((1 << bits) - 1)
    mse = np.mean((ours.astype(float) - arr.astype(float)) ** 2)
    psnr = 10 * np.log10(peak**2 / max(mse, 1e-12))
    assert psnr >= 45 - 1.0  # openjpeg's rate control lands within a fraction of a dB
    assert not np.array_equal(ours, arr) or psnr == float("inf")


@pytest.mark.parametrize("ratio", [5, 20])
def test_j2k_lossy_with_compression_ratio_shrinks_the_data(ratio, image, make_dataset,
                                                           to_bytes, dcmcore_array):
    arr = _source(image, 12, False, 1, 1, rows=128, columns=128)
    ds = make_dataset(arr, "MONOCHROME2", 12)
    native = arr.nbytes
    ds.compress(J2K, encoding_plugin="pylibjpeg", j2k_cr=[ratio])
    frames = list(dcmcore.pixels.generate_frames(ds.PixelData, number_of_frames=1))
    assert len(frames[0]) <= native / ratio * 1.15
    ours = dcmcore_array(to_bytes(ds), "pylibjpeg")
    assert np.abs(ours.astype(int) - arr.astype(int)).mean() < 0.02 * 4095 * ratio / 5


@pytest.mark.parametrize(("uid", "options", "message"), [
    (J2K, {}, "needs 'j2k_cr' or 'j2k_psnr'"),
    (J2K, {"j2k_cr": [10], "j2k_psnr": [40]}, "not both"),
    (J2K_LOSSLESS, {"j2k_cr": [10]}, "ask for lossy encoding"),
])
def test_j2k_option_errors_name_the_problem(uid, options, message, image, make_dataset):
    ds = make_dataset(_source(image, 8, False, 1, 1), "MONOCHROME2", 8)
    with pytest.raises(CodecError, match=message):
        ds.compress(uid, encoding_plugin="pylibjpeg", **options)
    assert str(ds.file_meta.TransferSyntaxUID) == "1.2.840.10008.1.2.1"  # left untouched


def test_j2k_refuses_frames_too_small_for_six_resolutions(image, make_dataset):
    ds = make_dataset(_source(image, 8, False, 1, 1, rows=31, columns=64), "MONOCHROME2", 8)
    with pytest.raises(CodecError, match="at least 32 rows and columns"):
        ds.compress(J2K_LOSSLESS, encoding_plugin="pylibjpeg")


def test_j2k_refuses_values_outside_bits_stored(make_dataset):
    arr = np.full((40, 40), 300, dtype=np.uint16)
    ds = make_dataset(arr, "MONOCHROME2", 12)
    ds.BitsStored = 8  # the data holds 9-bit values
    with pytest.raises(CodecError, match="outside"):
        ds.compress(J2K_LOSSLESS, encoding_plugin="pylibjpeg")


@pytest.mark.parametrize(("pi", "uid"), [("YBR_ICT", J2K_LOSSLESS), ("YBR_RCT", J2K)])
def test_j2k_refuses_a_component_transform_of_the_other_kind(pi, uid, image, make_dataset):
    ds = make_dataset(_source(image, 8, False, 3, 1), "RGB", 8)
    ds.PhotometricInterpretation = pi
    with pytest.raises(CodecError, match=pi):
        ds.compress(uid, encoding_plugin="pylibjpeg", j2k_cr=[10] if uid == J2K else None)


RLE_CASES = [(8, False, 1, 1), (8, True, 1, 3), (16, True, 1, 2), (12, False, 1, 1),
             (16, False, 3, 2), (8, False, 3, 1)]


@pytest.mark.parametrize(("bits", "signed", "samples", "frames"), RLE_CASES)
def test_rle_round_trip_decodes_to_the_source(bits, signed, samples, frames, image,
                                              make_dataset, to_bytes, pydicom_array,
                                              dcmcore_array):
    arr = _source(image, bits, signed, samples, frames, rows=17, columns=131)
    pi = "RGB" if samples == 3 else "MONOCHROME2"
    ds, data = _compressed(make_dataset, to_bytes, arr, pi, bits, RLE)
    assert str(ds.file_meta.TransferSyntaxUID) == RLE
    assert np.array_equal(pydicom_array(data, "pydicom"), arr)  # pydicom's native decoder
    assert np.array_equal(pydicom_array(data, "pylibjpeg"), arr)
    assert np.array_equal(dcmcore_array(data, "pylibjpeg"), arr)


def test_rle_32_bit_round_trip(make_dataset, to_bytes, pydicom_array, dcmcore_array):
    arr = np.random.default_rng(5).integers(0, 2**32, (2, 9, 20), dtype=np.uint32)
    ds = make_dataset(np.zeros((2, 9, 20), np.uint16), "MONOCHROME2", 16)
    ds.BitsAllocated = ds.BitsStored = 32  # set_pixel_data takes 8 and 16 bits only
    ds.HighBit = 31
    ds.PixelData = arr.astype("<u4").tobytes()
    ds.compress(RLE, encoding_plugin="pylibjpeg")
    data = to_bytes(ds)
    assert np.array_equal(pydicom_array(data, "pydicom"), arr)
    assert np.array_equal(dcmcore_array(data, "pylibjpeg"), arr)


def test_rle_encoding_is_byte_identical_to_pydicom_native(image, make_dataset):
    # Same PackBits rule as pydicom's own RLE encoder: the segments must match byte for byte.
    from pydicom.pixels.encoders import RLELosslessEncoder

    arr = _source(image, 16, False, 3, 1, rows=13, columns=77)
    ds = make_dataset(arr, "RGB", 16)
    ds.compress(RLE, encoding_plugin="pylibjpeg")
    ours = next(dcmcore.pixels.generate_frames(ds.PixelData, number_of_frames=1))
    theirs = RLELosslessEncoder.encode(arr, encoding_plugin="pydicom", rows=13, columns=77,
                                       samples_per_pixel=3, bits_allocated=16, bits_stored=16,
                                       pixel_representation=0, photometric_interpretation="RGB",
                                       number_of_frames=1, planar_configuration=0)
    assert bytes(ours).rstrip(b"\x00") == bytes(theirs).rstrip(b"\x00")


def test_compressed_file_reads_back_with_dcmcore_only(image, make_dataset, to_bytes):
    arr = _source(image, 12, True, 1, 3)
    data = _compressed(make_dataset, to_bytes, arr, "MONOCHROME2", 12, J2K_LOSSLESS)[1]
    ds = dcmcore.dcmread(io.BytesIO(data))
    assert np.array_equal(ds.pixel_array, arr)
