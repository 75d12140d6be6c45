"""Decoding through dcmcore's whole pipeline, compared with pydicom 3 on the same files.

Bounds between decoders of the same lossy codestream (stated per test):

- pydicom + Pillow (the same libjpeg-turbo): identical with ``pillow_ycbcr_to_rgb=False``
  (stored YCbCr, converted by the core with pydicom's float arithmetic); within 1 with the
  default (libjpeg-turbo's fixed-point YCbCr->RGB rounds differently in ~0.01% of samples);
- pydicom + pylibjpeg-libjpeg: within 3 (a different IDCT and, for subsampled chroma, a
  different upsampling filter: libjpeg-turbo's "fancy" triangular filter);
- pydicom + GDCM (IJG libjpeg): within 1.
"""

from __future__ import annotations

import dataclasses
import io

import numpy as np
import pytest

pydicom = pytest.importorskip("pydicom")
from pydicom.data import get_testdata_file  # noqa: E402

import dcmcore  # noqa: E402
from dcmcore.errors import CodecError  # noqa: E402

JPEG_EXTENDED = "1.2.840.10008.1.2.4.51"
pytestmark = pytest.mark.filterwarnings("ignore:Expected explicit VR")

COLOUR_FILES = [
    "SC_rgb_jpeg_dcmtk.dcm",  # YBR_FULL, JFIF, 4:4:4
    "SC_rgb_dcmtk_+eb+cy+n1.dcm",  # YBR_FULL, JFIF, 4:2:0 sampling
    "SC_rgb_dcmtk_+eb+cy+n2.dcm",
    "SC_rgb_dcmtk_+eb+cy+np.dcm",  # YBR_FULL_422
    "SC_rgb_dcmtk_+eb+cy+s2.dcm",
    "SC_rgb_dcmtk_+eb+cy+s4.dcm",
    "SC_rgb_dcmtk_+eb+cr.dcm",  # RGB, component IDs 'R','G','B', Adobe transform 0
    "examples_ybr_color.dcm",  # 30 frames YBR_FULL_422
    "SC_jpeg_no_color_transform.dcm",  # RGB, IDs 0,1,2, no APP marker
    "SC_jpeg_no_color_transform_2.dcm",  # RGB, Adobe transform 0
    "SC_rgb_jpeg_app14_dcmd.dcm",  # RGB, Adobe transform 0
    "SC_rgb_small_odd_jpeg.dcm",  # 3 x 3
    "SC_rgb_jpeg_lossy_gdcm.dcm",  # YBR_FULL, no APP marker
    "SC_rgb_jpeg.dcm",  # RGB, Adobe segment too short to hold a transform flag
]


@pytest.mark.parametrize("name", COLOUR_FILES)
def test_corpus_colour_equals_pydicom_pillow_and_is_near_pylibjpeg(
    name, dcmcore_array, pydicom_array, max_error
):
    path = get_testdata_file(name)
    mine = dcmcore_array(path)
    assert mine.dtype == np.uint8
    assert max_error(mine, pydicom_array(path, "pillow")) <= 1
    assert max_error(mine, pydicom_array(path, "pylibjpeg")) <= 3
    stored = dcmcore_array(dcmcore.dcmread(path), pillow_ycbcr_to_rgb=False)
    assert np.array_equal(stored, pydicom_array(path, "pillow"))


@pytest.mark.parametrize("name", ["examples_ybr_color.dcm", "SC_rgb_dcmtk_+eb+cy+np.dcm"])
def test_stored_ycbcr_with_as_rgb_false_equals_pydicom(name, dcmcore_array, pydicom_array):
    path = get_testdata_file(name)
    mine = dcmcore_array(path, pillow_ycbcr_to_rgb=False, as_rgb=False)
    assert np.array_equal(mine, pydicom_array(path, "pillow", as_rgb=False))
    # pylibjpeg returns the stored YCbCr too: within the decoders' bound
    theirs = pydicom_array(path, "pylibjpeg", as_rgb=False)
    assert np.abs(mine.astype(int) - theirs).max() <= 3


def test_corpus_matches_gdcm(dcmcore_array, pydicom_array, max_error):
    path = get_testdata_file("SC_rgb_dcmtk_+eb+cy+np.dcm")
    assert max_error(dcmcore_array(path), pydicom_array(path, "gdcm")) <= 1


def test_libjpeg_conversion_is_reported_as_rgb_and_decompress_sets_rgb():
    ds = dcmcore.dcmread(get_testdata_file("SC_rgb_dcmtk_+eb+cy+np.dcm"))
    reference = pydicom.dcmread(get_testdata_file("SC_rgb_dcmtk_+eb+cy+np.dcm"))
    reference.pixel_array_options(decoding_plugin="pillow")
    ds.decompress(decoding_plugin="pillow")
    assert ds.PhotometricInterpretation == "RGB"
    assert ds.file_meta.TransferSyntaxUID == "1.2.840.10008.1.2.1"
    assert np.abs(ds.pixel_array.astype(int) - reference.pixel_array).max() <= 1


def test_rgb_data_is_not_converted_by_libjpeg(dcmcore_array, pydicom_array):
    # no APP marker, IDs 0,1,2: libjpeg on its own would guess YCbCr and convert
    from PIL import Image

    path = get_testdata_file("SC_jpeg_no_color_transform.dcm")
    ds = pydicom.dcmread(path)
    frame = next(pydicom.encaps.generate_frames(ds.PixelData, number_of_frames=1))
    guessed = np.asarray(Image.open(io.BytesIO(frame)))
    mine = dcmcore_array(path)
    assert np.array_equal(mine, pydicom_array(path, "pillow"))
    assert np.abs(mine.astype(int) - guessed).max() > 100  # what letting libjpeg guess gives


def test_multiframe_colour_decodes_every_frame(dcmcore_array, pydicom_array):
    path = get_testdata_file("examples_ybr_color.dcm")
    mine = dcmcore_array(path)
    assert mine.shape == (30, 240, 320, 3)
    assert not np.array_equal(mine[0], mine[29])
    assert np.abs(mine.astype(int) - pydicom_array(path, "pillow")).max() <= 1


def test_two_worker_threads_give_the_sequential_result():
    path = get_testdata_file("examples_ybr_color.dcm")
    one = dcmcore.pixels.pixel_array(path, decoding_plugin="pillow")
    two = dcmcore.pixels.pixel_array(path, decoding_plugin="pillow", workers=2)
    assert np.array_equal(one, two)


def test_greyscale_baseline_from_another_encoder(
    smooth_grey, pillow_jpeg, encapsulated_dataset, to_pydicom, dcmcore_array, pydicom_array,
    max_error,
):
    frames = smooth_grey(3, 48, 72, seed=3)
    ds = encapsulated_dataset([pillow_jpeg(f, quality=85) for f in frames], 48, 72, 1,
                              "MONOCHROME2")
    reference = to_pydicom(ds)
    mine = dcmcore_array(ds)
    assert mine.shape == (3, 48, 72) and mine.dtype == np.uint8
    assert np.array_equal(mine, pydicom_array(reference, "pillow"))
    assert max_error(mine, pydicom_array(reference, "pylibjpeg")) <= 1
    assert max_error(mine, frames) <= 12  # the lossy coding itself, quality 85


def test_eight_bit_jpeg_extended_sof1(
    smooth_rgb, pillow_jpeg, encapsulated_dataset, to_pydicom, dcmcore_array, pydicom_array,
    max_error,
):
    # A baseline codestream is a valid extended sequential one: relabel SOF0 as SOF1
    frame = bytearray(pillow_jpeg(smooth_rgb(1, 40, 56)[0], quality=90, subsampling=1))
    at = frame.index(b"\xff\xc0")
    frame[at + 1] = 0xC1
    ds = encapsulated_dataset([bytes(frame)], 40, 56, 3, "YBR_FULL_422", JPEG_EXTENDED)
    reference = to_pydicom(ds)
    mine = dcmcore_array(ds)
    assert max_error(mine, pydicom_array(reference, "pillow")) <= 1
    assert max_error(mine, pydicom_array(reference, "pylibjpeg")) <= 3


def test_progressive_frame_decodes_like_pylibjpeg(
    smooth_grey, pillow_jpeg, encapsulated_dataset, to_pydicom, dcmcore_array, pydicom_array,
    max_error,
):
    frame = pillow_jpeg(smooth_grey(1, 64, 64)[0], quality=90, progressive=True)
    assert b"\xff\xc2" in frame
    ds = encapsulated_dataset([frame], 64, 64, 1, "MONOCHROME2")
    assert max_error(dcmcore_array(ds), pydicom_array(to_pydicom(ds), "pylibjpeg")) <= 1


def test_twelve_bit_jpeg_extended_is_refused_naming_the_precision():
    ds = dcmcore.dcmread(get_testdata_file("JPEG-lossy.dcm"))
    ds.pixel_array_options(decoding_plugin="pillow")
    with pytest.raises(CodecError, match="precision 12"):
        _ = ds.pixel_array


def test_twelve_bit_refusal_happens_before_pillow(decoder, frame_info, monkeypatch):
    import PIL.Image

    ds = pydicom.dcmread(get_testdata_file("JPGExtended.dcm"))
    frame = next(pydicom.encaps.generate_frames(ds.PixelData, number_of_frames=1))
    called = []
    monkeypatch.setattr(PIL.Image, "frombytes", lambda *a, **k: called.append(a))
    from dcmcore_pillow.plugin import PillowPixelDataError

    info = frame_info(ds.Rows, ds.Columns, 1, "MONOCHROME2", 16, 12, 0, JPEG_EXTENDED)
    with pytest.raises(PillowPixelDataError, match="precision 12"):
        decoder.decode(frame, info)
    assert called == []


def test_padded_frame_and_memoryview_input(decoder, frame_info, smooth_grey, pillow_jpeg):
    arr = smooth_grey(1, 16, 24)[0]
    frame = pillow_jpeg(arr, quality=95)
    info = frame_info(16, 24)
    plain = decoder.decode(frame, info)
    assert np.array_equal(decoder.decode(frame + b"\x00", info), plain)
    assert np.array_equal(decoder.decode(memoryview(frame + b"\x00"), info), plain)
    assert plain.shape == (16, 24) and plain.dtype == np.uint8


def test_ybr_option_selects_converted_or_stored_values(decoder, frame_info, smooth_rgb,
                                                        pillow_jpeg):
    from dcmcore.codecs import DecodedFrame
    from dcmcore.pixels.colour import ybr_to_rgb

    frame = pillow_jpeg(smooth_rgb(1, 24, 32)[0], quality=90, subsampling=1)
    info = frame_info(24, 32, 3, "YBR_FULL_422")
    converted = decoder.decode(frame, info)
    stored = decoder.decode(frame, info, pillow_ycbcr_to_rgb=False)
    assert isinstance(converted, DecodedFrame) and converted.photometric_interpretation == "RGB"
    assert isinstance(stored, np.ndarray) and stored.shape == (24, 32, 3)
    assert np.abs(converted.array.astype(int) - ybr_to_rgb(stored)).max() <= 1
    assert np.abs(converted.array.astype(int) - stored).max() > 20  # really converted
    rgb = decoder.decode(frame, dataclasses.replace(info, photometric_interpretation="RGB"))
    assert np.array_equal(rgb, stored)  # RGB: the stored values, whatever the markers say


def _adobe_frame(pillow_jpeg, source: np.ndarray, transform: int) -> bytes:
    """A YCbCr codestream with an Adobe APP14 segment (and no JFIF) after SOI."""
    from dcmcore_pillow.jpeg import strip_jfif

    frame = strip_jfif(pillow_jpeg(source, quality=95, subsampling=0))
    body = b"Adobe" + (100).to_bytes(2, "big") + bytes(4) + bytes([transform])
    return frame[:2] + b"\xff\xee" + (len(body) + 2).to_bytes(2, "big") + body + frame[2:]


def test_adobe_transform_one_in_an_rgb_dataset_gives_rgb_like_pydicom_pillow(
    smooth_rgb, pillow_jpeg, encapsulated_dataset, to_pydicom, dcmcore_array, pydicom_array,
    max_error,
):
    source = smooth_rgb(1, 32, 32, seed=4)[0]
    ds = encapsulated_dataset([_adobe_frame(pillow_jpeg, source, 1)], 32, 32, 3, "RGB")
    theirs = pydicom_array(to_pydicom(ds), "pillow")
    assert max_error(theirs, source) <= 12  # pydicom + Pillow honours the flag
    assert max_error(dcmcore_array(ds), theirs) <= 1


def test_as_rgb_false_gives_ycbcr_with_the_default_options(dcmcore_array, pydicom_array):
    path = get_testdata_file("SC_rgb_dcmtk_+eb+cy+np.dcm")
    mine = dcmcore_array(path, as_rgb=False)
    assert np.array_equal(mine, pydicom_array(path, "pillow", as_rgb=False))


def test_rgb_component_ids_in_a_ybr_dataset_are_decoded_as_rgb(
    smooth_rgb, pillow_jpeg, encapsulated_dataset, to_pydicom, dcmcore_array, pydicom_array,
    max_error,
):
    # Pillow's keep_rgb writes RGB components with IDs 'R','G','B' (and Adobe transform 0);
    # the core reads the IDs and hands the plugin "RGB", as pydicom does
    source = smooth_rgb(1, 32, 40, seed=6)[0]
    frame = pillow_jpeg(source, quality=95, keep_rgb=True)
    from dcmcore_pillow.jpeg import read_header

    assert [c[0] for c in read_header(frame).components] == [82, 71, 66]
    ds = encapsulated_dataset([frame], 32, 40, 3, "YBR_FULL_422")
    with pytest.warns(UserWarning, match="component IDs"):
        ds.pixel_array_options(decoding_plugin="pillow")
        mine = ds.pixel_array
    assert max_error(mine, source) <= 12
    assert max_error(mine, pydicom_array(to_pydicom(ds), "pillow")) <= 1


def test_signed_eight_bit_dataset_is_reinterpreted_like_pydicom(
    smooth_grey, pillow_jpeg, encapsulated_dataset, to_pydicom, dcmcore_array, pydicom_array,
):
    # JPEG stores unsigned samples; with Pixel Representation 1 the core (like pydicom)
    # reads them as two's complement int8
    frames = smooth_grey(2, 16, 24, seed=7)
    ds = encapsulated_dataset([pillow_jpeg(f, quality=90) for f in frames], 16, 24, 1,
                              "MONOCHROME2")
    ds.PixelRepresentation = 1
    mine = dcmcore_array(ds)
    theirs = pydicom_array(to_pydicom(ds), "pillow")
    assert mine.dtype == theirs.dtype == np.int8
    assert np.array_equal(mine, theirs)
