"""Differential tests: pydicom's JPEG-LS corpus decodes through the whole dcmcore pipeline
with this plugin exactly as pydicom decodes it with each of its JPEG-LS backends.

JPEG-LS decoding is exact even for near-lossless streams (the reconstruction is defined
bit for bit by T.87), so the lossy files must match the references exactly too; their
bound against the unknown original is the NEAR value of their codestream, checked on
our own round trips (test_jpegls_roundtrip.py).
"""

from __future__ import annotations

import numpy as np
import pytest
from dcmcore_jpegls.codestream import parse_header

import dcmcore

CORPUS = (
    "MR_small_jpeg_ls_lossless.dcm",   # 64x64 16-bit signed, lossless
    "JPEGLSNearLossless_08.dcm",       # 8-bit, NEAR=2
    "JPEGLSNearLossless_16.dcm",       # 16-bit, NEAR=2
    "SC_rgb_jls_lossy_sample.dcm",     # RGB, ILV 2 (by sample), SPIFF header, NEAR=2
    "SC_rgb_jls_lossy_line.dcm",       # RGB, ILV 1 (by line), SPIFF header, NEAR=2
)
BACKENDS = ("pyjpegls", "gdcm", "pylibjpeg")


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("name", CORPUS)
def test_pipeline_array_equals_pydicom_backend(name, backend, corpus_file, pydicom_array,
                                               dcmcore_array):
    path = corpus_file(name)
    mine = dcmcore_array(path)
    theirs = pydicom_array(path, backend)
    assert mine.dtype == theirs.dtype
    assert mine.shape == theirs.shape
    np.testing.assert_array_equal(mine, theirs)


@pytest.mark.parametrize("backend", BACKENDS)
def test_signed_12_bit_file_decodes_to_its_negative_values(backend, charls_encode,
                                                           encapsulated_file, pydicom_array,
                                                           dcmcore_array):
    # a real-shaped signed file: MR_small's header with Bits Stored 12, Pixel
    # Representation 1 and a codestream of precision 12 holding the two's complement
    # pattern (what other encoders write); the plugin returns it unsigned and the core
    # must sign-extend it from the codestream precision
    rng = np.random.default_rng(12)
    values = rng.integers(-2048, 2048, (64, 64)).astype(np.int16)
    values[0, :4] = [-2048, -1, 0, 2047]
    stream = charls_encode(values.view(np.uint16) & 0x0FFF, 12)
    data = encapsulated_file("MR_small_jpeg_ls_lossless.dcm", [stream], BitsStored=12,
                             HighBit=11, PixelRepresentation=1)
    mine = dcmcore_array(data)
    assert mine.dtype == np.int16
    np.testing.assert_array_equal(mine, values)
    np.testing.assert_array_equal(mine, pydicom_array(data, backend))


@pytest.mark.parametrize("name", CORPUS)
def test_decompress_gives_the_pixel_array(name, corpus_file, pydicom_array):
    path = corpus_file(name)
    ds = dcmcore.dcmread(path)
    ds.decompress(decoding_plugin="pyjpegls")
    assert ds.file_meta.TransferSyntaxUID == "1.2.840.10008.1.2.1"
    np.testing.assert_array_equal(ds.pixel_array, pydicom_array(path, "pyjpegls"))


def test_pixels_pixel_array_path_api_uses_the_plugin(corpus_file, pydicom_array):
    path = corpus_file("SC_rgb_jls_lossy_line.dcm")
    arr = dcmcore.pixels.pixel_array(path, decoding_plugin="pyjpegls")
    np.testing.assert_array_equal(arr, pydicom_array(path, "gdcm"))


@pytest.mark.parametrize(
    ("name", "ilv"), [("SC_rgb_jls_lossy_sample.dcm", 2), ("SC_rgb_jls_lossy_line.dcm", 1)]
)
def test_header_parser_reads_corpus_streams_with_spiff_headers(name, ilv, corpus_file):
    pydicom = pytest.importorskip("pydicom")
    from pydicom.encaps import generate_frames

    ds = pydicom.dcmread(corpus_file(name))
    frame = next(generate_frames(ds.PixelData, number_of_frames=1))
    assert frame[2:4] == b"\xff\xe8"  # an APP8 (SPIFF) segment before the frame header
    head = parse_header(frame)
    assert (head.rows, head.columns, head.components) == (ds.Rows, ds.Columns, 3)
    assert head.interleave_mode == ilv
    assert head.precision == ds.BitsStored
    assert head.near == 2
