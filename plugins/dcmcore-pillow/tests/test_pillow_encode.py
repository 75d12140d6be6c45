"""JPEG Baseline encoding with ``ds.compress(..., encoding_plugin="pillow")``, read back by pydicom.

Error bounds against the source (smooth test images with noise sigma 2, quality 90):
greyscale max 10, mean 2; colour max 20, mean 3 (colour adds the RGB->YCbCr->RGB rounding
and the 4:2:2 chroma subsampling). The same bounds hold for every reading decoder
(pydicom with pylibjpeg-libjpeg, with Pillow, with GDCM, and dcmcore with this plugin).
"""

from __future__ import annotations

import copy

import numpy as np
import pytest

pydicom = pytest.importorskip("pydicom")

import dcmcore  # noqa: E402
from dcmcore.errors import CodecError  # noqa: E402

JPEG_BASELINE = "1.2.840.10008.1.2.4.50"
BOUNDS = {1: (10, 2.0), 3: (20, 3.0)}  # samples per pixel: (max, mean) error at quality 90


def _errors(decoded: np.ndarray, source: np.ndarray) -> tuple[int, float]:
    diff = np.abs(decoded.astype(np.int32) - source.astype(np.int32))
    return int(diff.max()), float(diff.mean())


def _segments(data: bytes) -> list[tuple[int, bytes]]:
    """(marker, body) of every marker segment before the first scan."""
    out, pos = [], 2
    while True:
        marker = data[pos + 1]
        length = int.from_bytes(data[pos + 2 : pos + 4], "big")
        out.append((marker, data[pos + 4 : pos + 2 + length]))
        if marker == 0xDA:
            return out
        pos += 2 + length


def _first_frame(ds) -> bytes:
    return next(pydicom.encaps.generate_frames(ds.PixelData, number_of_frames=1))


@pytest.mark.parametrize(
    "frames, samples, photometric",
    [(1, 1, "MONOCHROME2"), (4, 1, "MONOCHROME2"), (1, 1, "MONOCHROME1"), (1, 3, "RGB"),
     (3, 3, "RGB")],
)
def test_round_trip_is_within_the_stated_bound_for_every_reader(
    frames, samples, photometric, smooth_rgb, smooth_grey, new_dataset, to_pydicom,
    pydicom_array, dcmcore_array,
):
    make = smooth_grey if samples == 1 else smooth_rgb
    source = make(frames, 64, 80, seed=frames)
    if frames == 1:
        source = source[0]
    ds = new_dataset(source, photometric)
    ds.compress(JPEG_BASELINE, encoding_plugin="pillow")
    expected_pi = "YBR_FULL_422" if samples == 3 else photometric
    assert ds.PhotometricInterpretation == expected_pi
    assert ds.file_meta.TransferSyntaxUID == JPEG_BASELINE
    written = to_pydicom(ds)
    bound_max, bound_mean = BOUNDS[samples]
    for backend in ("pylibjpeg", "pillow", "gdcm"):
        decoded = pydicom_array(written, backend)
        assert decoded.shape == source.shape, backend
        worst, mean = _errors(decoded, source)
        assert worst <= bound_max and mean <= bound_mean, (backend, worst, mean)
    worst, mean = _errors(dcmcore_array(ds), source)
    assert worst <= bound_max and mean <= bound_mean


def test_lossy_attributes_are_set_by_the_core(smooth_rgb, new_dataset, to_pydicom):
    source = smooth_rgb(2, 32, 48)
    ds = new_dataset(source, "RGB")
    ds.compress(JPEG_BASELINE, encoding_plugin="pillow", jpeg_quality=80)
    written = to_pydicom(ds)
    assert written.LossyImageCompression == "01"
    assert written.LossyImageCompressionMethod == "ISO_10918_1"
    frames = list(pydicom.encaps.generate_frames(written.PixelData, number_of_frames=2))
    ratio = source.nbytes / sum(len(f) for f in frames)
    assert float(written.LossyImageCompressionRatio) == pytest.approx(ratio, rel=0.01)
    assert written.NumberOfFrames == 2 and written.SamplesPerPixel == 3
    assert written.PlanarConfiguration == 0


@pytest.mark.parametrize("quality", [1, 25, 90, 100])
@pytest.mark.parametrize("samples", [1, 3])
def test_codestream_is_baseline_without_jfif(quality, samples, smooth_rgb, new_dataset):
    source = smooth_rgb(1, 24, 40)[0]
    if samples == 1:
        source = source[..., 0].copy()
    ds = new_dataset(source, "RGB" if samples == 3 else "MONOCHROME2")
    ds.compress(JPEG_BASELINE, encoding_plugin="pillow", jpeg_quality=quality)
    data = _first_frame(ds)
    segments = _segments(data)
    markers = [m for m, _ in segments]
    assert 0xE0 not in markers  # no JFIF APP0 (PS3.5 8.2.1 recommends its absence)
    assert 0xEE not in markers  # no Adobe APP14 either
    sofs = [body for m, body in segments if 0xC0 <= m <= 0xCF and m not in (0xC4, 0xC8, 0xCC)]
    assert [m for m in markers if 0xC0 <= m <= 0xCF and m not in (0xC4, 0xC8, 0xCC)] == [0xC0]
    sof = sofs[0]
    assert sof[0] == 8 and int.from_bytes(sof[1:3], "big") == 24
    assert int.from_bytes(sof[3:5], "big") == 40
    components = [(sof[6 + 3 * i], sof[7 + 3 * i] >> 4, sof[7 + 3 * i] & 15)
                  for i in range(sof[5])]
    if samples == 3:
        assert components == [(1, 2, 1), (2, 1, 1), (3, 1, 1)]  # YCbCr 4:2:2
    else:
        assert components == [(1, 1, 1)]
    assert all(body[0] >> 4 == 0 for m, body in segments if m == 0xDB)  # 8-bit tables
    assert data.rstrip(b"\x00").endswith(b"\xff\xd9")


def test_higher_quality_gives_smaller_error_and_larger_frames(smooth_rgb, new_dataset,
                                                              to_pydicom, pydicom_array):
    source = smooth_rgb(1, 64, 64, seed=5)[0]
    results = []
    for quality in (10, 50, 95):
        ds = new_dataset(source, "RGB")
        ds.compress(JPEG_BASELINE, encoding_plugin="pillow", jpeg_quality=quality)
        mean = _errors(pydicom_array(to_pydicom(ds), "pylibjpeg"), source)[1]
        results.append((mean, len(_first_frame(ds))))
    means, sizes = zip(*results)
    assert means[0] > means[1] > means[2]
    assert sizes[0] < sizes[1] < sizes[2]


def test_odd_sizes_and_ybr_full_input(smooth_rgb, new_dataset, to_pydicom, pydicom_array):
    from dcmcore.pixels.colour import rgb_to_ybr

    source = smooth_rgb(1, 17, 33, seed=2)[0]
    ds = new_dataset(source, "RGB")
    ds.compress(JPEG_BASELINE, encoding_plugin="pillow", jpeg_quality=95)
    decoded = pydicom_array(to_pydicom(ds), "pylibjpeg")
    assert decoded.shape == (17, 33, 3)
    assert _errors(decoded, source)[0] <= BOUNDS[3][0]
    ybr = new_dataset(rgb_to_ybr(source), "YBR_FULL")
    ybr.compress(JPEG_BASELINE, encoding_plugin="pillow", jpeg_quality=95)
    assert ybr.PhotometricInterpretation == "YBR_FULL_422"
    decoded = pydicom_array(to_pydicom(ybr), "pylibjpeg")  # converted to RGB by pydicom
    assert _errors(decoded, source)[0] <= BOUNDS[3][0]


def test_source_from_a_ct_file_is_refused_as_not_eight_bit():
    from pydicom.data import get_testdata_file

    ds = dcmcore.dcmread(get_testdata_file("CT_small.dcm"))  # 16 bits allocated, signed
    with pytest.raises(CodecError, match="8-bit unsigned"):
        ds.compress(JPEG_BASELINE, encoding_plugin="pillow")


@pytest.mark.parametrize("bits_stored, signed", [(12, 0), (8, 1)])
def test_twelve_bit_and_signed_sources_are_refused(bits_stored, signed, new_dataset):
    dtype = np.uint16 if bits_stored > 8 else (np.int8 if signed else np.uint8)
    ds = new_dataset(np.zeros((8, 8), dtype=dtype), "MONOCHROME2", bits_stored)
    assert ds.PixelRepresentation == signed
    with pytest.raises(CodecError, match="8-bit unsigned"):
        ds.compress(JPEG_BASELINE, encoding_plugin="pillow")


@pytest.mark.parametrize("quality", [0, 96, 99, 101, -5, 1.5, "90", True, None])
def test_invalid_quality_is_refused(quality, new_dataset):
    ds = new_dataset(np.zeros((8, 8), dtype=np.uint8), "MONOCHROME2")
    with pytest.raises(CodecError, match="jpeg_quality must be an integer 1-95 or 100"):
        ds.compress(JPEG_BASELINE, encoding_plugin="pillow", jpeg_quality=quality)


@pytest.mark.parametrize("quality", [1, 95, 100, np.int64(60)])
def test_valid_quality_is_accepted(quality, encoder, frame_info):
    out = encoder.encode(np.zeros((8, 8), dtype=np.uint8), frame_info(8, 8),
                         jpeg_quality=quality)
    assert out.lossy_method == "ISO_10918_1" and out.photometric_interpretation == ""


def test_palette_colour_is_refused(encoder, frame_info):
    with pytest.raises(ValueError, match="PALETTE COLOR"):
        encoder.encode(np.zeros((8, 8), dtype=np.uint8), frame_info(8, 8, 1, "PALETTE COLOR"))


def test_encoder_output_decodes_with_this_plugin(encoder, decoder, frame_info, smooth_rgb):
    source = smooth_rgb(1, 32, 32)[0]
    out = encoder.encode(source, frame_info(32, 32, 3, "RGB"), jpeg_quality=90)
    assert out.photometric_interpretation == "YBR_FULL_422"
    decoded = decoder.decode(out.data, frame_info(32, 32, 3, "YBR_FULL_422"))
    assert decoded.photometric_interpretation == "RGB"
    assert _errors(decoded.array, source)[0] <= BOUNDS[3][0]


def test_compress_leaves_the_source_dataset_copy_untouched(smooth_grey, new_dataset):
    source = smooth_grey(1, 16, 16)[0]
    ds = new_dataset(source, "MONOCHROME2")
    before = copy.deepcopy(ds)
    ds.compress(JPEG_BASELINE, encoding_plugin="pillow")
    assert np.array_equal(before.pixel_array, source)
