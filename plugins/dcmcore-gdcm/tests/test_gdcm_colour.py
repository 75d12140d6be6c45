"""Colour: the plugin returns the stored components, or says when they are RGB.

GDCM's JPEG codec (by its source) lets libjpeg convert YCbCr to RGB only when the
DICOM photometric interpretation it is given is YBR_FULL_422; the plugin always hands
colour JPEG to GDCM as YBR_FULL, so the array is what is stored and the core converts
once. JPEG 2000 YBR_ICT/YBR_RCT frames come out RGB (OpenJPEG inverts the component
transform): the decoder returns ``DecodedFrame(array, "RGB")``.
"""

from __future__ import annotations

import io

import numpy as np
import pytest
from dcmcore_gdcm import gdcm_io
from dcmcore_gdcm.plugin import GDCMDecoder, _pi_for_gdcm

from dcmcore.codecs import DecodedFrame

JPEG_COLOUR = [
    "SC_rgb_jpeg_dcmtk.dcm",
    "SC_rgb_dcmtk_+eb+cy+n1.dcm",
    "SC_rgb_dcmtk_+eb+cy+n2.dcm",
    "SC_rgb_dcmtk_+eb+cy+np.dcm",
    "SC_rgb_dcmtk_+eb+cy+s2.dcm",
    "SC_rgb_dcmtk_+eb+cy+s4.dcm",
    "SC_rgb_dcmtk_+eb+cr.dcm",
    "examples_ybr_color.dcm",
    "SC_jpeg_no_color_transform.dcm",
    "SC_jpeg_no_color_transform_2.dcm",
    "SC_rgb_jpeg_app14_dcmd.dcm",
    "SC_rgb_jpeg.dcm",
    "SC_rgb_jpeg_lossy_gdcm.dcm",
    "SC_rgb_small_odd_jpeg.dcm",
]


@pytest.mark.parametrize("name", JPEG_COLOUR)
@pytest.mark.parametrize("as_rgb", [True, False])
def test_colour_jpeg_equals_pydicom_with_and_without_rgb_conversion(
    name, as_rgb, corpus_file, dcmcore_array, pydicom_array
):
    path = corpus_file(name)  # first frame only (examples_ybr_color has 30)
    ours = dcmcore_array(path, as_rgb=as_rgb, index=0)
    assert np.array_equal(ours, pydicom_array(path, "gdcm", as_rgb=as_rgb, index=0))
    pillow = pydicom_array(path, "pillow", as_rgb=as_rgb, index=0)
    assert np.abs(ours.astype(int) - pillow).max() <= 3


@pytest.mark.parametrize("name", ["examples_ybr_color.dcm", "SC_rgb_dcmtk_+eb+cy+np.dcm"])
def test_ybr_full_422_jpeg_is_returned_as_stored_not_converted(name, first_frame):
    frame, info = first_frame(name)
    assert info.photometric_interpretation == "YBR_FULL_422"
    out = GDCMDecoder().decode(frame, info)
    assert not isinstance(out, DecodedFrame)  # the core converts, once


def _solid_jpeg(rgb: tuple[int, int, int], subsampling: str) -> bytes:
    pil = pytest.importorskip("PIL.Image")
    arr = np.empty((16, 24, 3), np.uint8)
    arr[...] = rgb
    buf = io.BytesIO()
    pil.fromarray(arr).save(buf, "JPEG", quality=100, subsampling=subsampling)
    return buf.getvalue()


@pytest.mark.parametrize("pi", ["RGB", "YBR_FULL", "YBR_FULL_422"])
def test_gdcm_itself_returns_stored_ycbcr_whatever_the_photometric_interpretation(pi):
    # the library behaviour the plugin relies on (python-gdcm 3.2.6); a GDCM that
    # converts would fail here, while the plugin is protected by handing YBR_FULL
    frame = _solid_jpeg((255, 0, 0), "4:2:2")
    image = gdcm_io.read_image(
        frame, "1.2.840.10008.1.2.4.50", rows=16, columns=24, samples_per_pixel=3,
        bits_allocated=8, pixel_representation=0, photometric_interpretation=pi,
    )
    y, cb, cr = image.as_array()[8, 12].astype(int)
    assert abs(y - 76) <= 2 and abs(cb - 85) <= 2 and abs(cr - 255) <= 2  # YCbCr of red


def test_solid_red_ybr_full_422_jpeg_comes_out_red_once_through_the_pipeline(make_dataset):
    import dcmcore

    ds = make_dataset(np.zeros((16, 24, 3), np.uint8), "RGB", 8)
    from dcmcore.pixels import encapsulate

    ds.PixelData = encapsulate([_solid_jpeg((255, 0, 0), "4:2:2")])
    ds["PixelData"].VR = "OB"
    ds.PhotometricInterpretation = "YBR_FULL_422"
    ds.file_meta.TransferSyntaxUID = "1.2.840.10008.1.2.4.50"
    buf = io.BytesIO()
    ds.save_as(buf)
    arr = dcmcore.pixels.pixel_array(io.BytesIO(buf.getvalue()), decoding_plugin="gdcm")
    assert np.abs(arr.astype(int) - [255, 0, 0]).max() <= 3


@pytest.mark.parametrize("name", ["examples_jpeg2k.dcm", "GDCMJ2K_TextGBR.dcm"])
def test_j2k_ybr_rct_frames_are_reported_rgb(name, first_frame, corpus_file, dcmcore_array,
                                              pydicom_array):
    frame, info = first_frame(name)
    assert info.photometric_interpretation == "YBR_RCT"
    out = GDCMDecoder().decode(frame, info)
    assert isinstance(out, DecodedFrame) and out.photometric_interpretation == "RGB"
    path = corpus_file(name)
    import dcmcore

    ds = dcmcore.dcmread(path)
    ds.pixel_array_options(decoding_plugin="gdcm")
    arr = ds.pixel_array
    assert np.array_equal(arr, pydicom_array(path, "pylibjpeg"))


@pytest.mark.parametrize(
    ("uid", "spp", "pi", "expected"),
    [
        ("1.2.840.10008.1.2.4.50", 3, "YBR_FULL_422", "YBR_FULL"),
        ("1.2.840.10008.1.2.4.50", 3, "RGB", "YBR_FULL"),
        ("1.2.840.10008.1.2.4.70", 3, "RGB", "YBR_FULL"),
        ("1.2.840.10008.1.2.4.90", 3, "YBR_RCT", "YBR_RCT"),
        ("1.2.840.10008.1.2.4.91", 3, "YBR_FULL_422", "YBR_FULL"),
        ("1.2.840.10008.1.2.4.80", 3, "YBR_ICT", "RGB"),
        ("1.2.840.10008.1.2.5", 3, "YBR_FULL", "YBR_FULL"),
        ("1.2.840.10008.1.2.5", 1, "PALETTE COLOR", "MONOCHROME2"),
        ("1.2.840.10008.1.2.4.80", 1, "MONOCHROME1", "MONOCHROME2"),
    ],
)
def test_photometric_interpretation_handed_to_gdcm(uid, spp, pi, expected):
    from dcmcore.codecs import FrameInfo

    info = FrameInfo(8, 8, spp, 8, 8, 0, pi, 0, 1, uid)
    assert _pi_for_gdcm(info) == expected


def test_palette_colour_indices_are_returned_unchanged(corpus_file, make_dataset,
                                                       test_image, pydicom_array):
    rng = np.random.default_rng(5)
    arr = test_image(rng, (32, 48), 8)
    ds = make_dataset(arr, "MONOCHROME2", 8)
    ds.compress("1.2.840.10008.1.2.5", encoding_plugin="gdcm")
    ds.PhotometricInterpretation = "PALETTE COLOR"
    ds.pixel_array_options(decoding_plugin="gdcm")
    assert np.array_equal(ds.pixel_array, arr)


def _colour_frames(rng) -> dict:
    jpeg_ls = pytest.importorskip("jpeg_ls")
    openjpeg = pytest.importorskip("openjpeg")

    src = rng.integers(0, 256, (64, 64, 3)).astype(np.uint8)
    frames = {
        f"1.2.840.10008.1.2.4.80/ilv{ilv}": bytes(jpeg_ls.encode_array(
            src.transpose(2, 0, 1).copy() if ilv == 0 else src, interleave_mode=ilv))
        for ilv in (0, 1, 2)
    }
    frames["1.2.840.10008.1.2.5/rle"] = gdcm_io.encode_image(
        src, "1.2.840.10008.1.2.5", bits_stored=8, pixel_representation=0,
        photometric_interpretation="RGB")[0]
    frames["1.2.840.10008.1.2.4.90/j2k"] = openjpeg.encode(src, photometric_interpretation=1)
    return src, frames


@pytest.mark.parametrize("planar", [0, 1])
def test_colour_layout_is_interleaved_whatever_the_codestream_interleave_and_planar_config(
    planar,
):
    from dcmcore.codecs import FrameInfo

    src, frames = _colour_frames(np.random.default_rng(8))
    for key, data in frames.items():
        uid = key.split("/")[0]
        pi = "YBR_RCT" if uid.endswith(".90") else "RGB"
        out = GDCMDecoder().decode(data, FrameInfo(64, 64, 3, 8, 8, 0, pi, planar, 1, uid))
        assert np.array_equal(getattr(out, "array", out), src), key
