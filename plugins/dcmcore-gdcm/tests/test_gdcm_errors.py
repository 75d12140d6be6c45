"""Refusals: what must never reach GDCM is refused with a message naming the problem.

Each case starts from a real corpus codestream (or one GDCM wrote) and breaks one thing.
"""

from __future__ import annotations

import struct

import numpy as np
import pytest
from dcmcore_gdcm.plugin import GDCMDecoder, GDCMEncoder, GDCMPixelDataError

JPEG_8 = "SC_rgb_jpeg_dcmtk.dcm"  # baseline, JFIF, 3 components
JPEG_12 = "JPGExtended.dcm"  # extended, 12-bit
JPEG_LS = "MR_small_jpeg_ls_lossless.dcm"  # 16-bit
J2K = "MR_small_jp2klossless.dcm"  # 16-bit signed
RLE = "MR_small_RLE.dcm"  # 16-bit, 2 segments


_FIELDS = ("rows", "columns", "samples_per_pixel", "bits_allocated", "bits_stored",
           "pixel_representation", "photometric_interpretation", "planar_configuration",
           "number_of_frames", "transfer_syntax_uid")


def _replace(info, **changes):
    """A new FrameInfo from `info`'s description fields with `changes`."""
    from dcmcore.codecs import FrameInfo

    fields = {name: getattr(info, name) for name in _FIELDS}
    fields.update(changes)
    return FrameInfo(**fields)


def _refused(data: bytes, info, match: str) -> None:
    with pytest.raises(GDCMPixelDataError, match=match):
        GDCMDecoder().decode(data, info)


def _find(data: bytes, marker: bytes) -> int:
    pos = data.find(marker)
    assert pos >= 0
    return pos


# ---- frame description --------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"rows": 0}, "rows must be between 1 and 65535"),
        ({"columns": 70000}, "columns must be between 1 and 65535"),
        ({"samples_per_pixel": 4}, "samples per pixel must be 1 or 3"),
        ({"bits_allocated": 32}, "bits allocated 32 is not supported"),
        ({"bits_allocated": 12}, "bits allocated 12 is not supported"),
        ({"bits_stored": 17}, "bits stored must be between 1 and bits allocated"),
        ({"bits_stored": 0}, "bits stored must be between 1"),
        ({"pixel_representation": 2}, "pixel representation must be 0 or 1"),
        ({"planar_configuration": 2}, "planar configuration must be 0 or 1"),
        ({"photometric_interpretation": "RGB"}, "'RGB' is not supported with 1 samples"),
        ({"photometric_interpretation": "YBR_PARTIAL_420"}, "is not supported"),
        ({"transfer_syntax_uid": "1.2.840.10008.1.2.4.201"}, "is not handled by this plugin"),
        ({"rows": 1.5}, "rows must be an integer"),
    ],
)
def test_frame_description_is_checked_first(changes, match, first_frame):
    frame, info = first_frame(JPEG_LS)
    _refused(frame, _replace(info, **changes), match)


def test_colour_rle_above_8_bits_is_refused(first_frame):
    frame, info = first_frame("SC_rgb_rle_16bit.dcm")
    _refused(frame, info, "16-bit colour RLE is not supported")


# ---- JPEG ---------------------------------------------------------------------------


def test_jpeg_without_soi_is_refused(first_frame):
    frame, info = first_frame(JPEG_8)
    _refused(b"\x00\x00" + frame[2:], info, "no SOI marker")


@pytest.mark.parametrize("cut", [2, 10, 150, 170])
def test_jpeg_truncated_before_its_first_scan_is_refused(cut, first_frame):
    frame, info = first_frame(JPEG_8)
    _refused(frame[:cut], info, "JPEG")


@pytest.mark.parametrize(("offset", "value", "match"), [
    (5, 99, "is 100 x 99"),  # rows
    (7, 101, "is 101 x 100"),  # columns
])
def test_jpeg_size_must_match_the_description(offset, value, match, first_frame):
    frame, info = first_frame(JPEG_8)
    sof = _find(frame, b"\xff\xc0")
    data = bytearray(frame)
    struct.pack_into(">H", data, sof + offset, value)
    _refused(bytes(data), info, match)


def test_jpeg_component_count_must_match_samples_per_pixel(first_frame):
    frame, info = first_frame(JPEG_8)
    _refused(frame, _replace(info, samples_per_pixel=1,
                                        photometric_interpretation="MONOCHROME2"),
             "has 3 components, the frame description says 1")


def test_jpeg_precision_12_in_8_bits_allocated_is_refused(first_frame):
    frame, info = first_frame(JPEG_12)
    _refused(frame, _replace(info, bits_allocated=8, bits_stored=8),
             "precision 12 does not fit bits allocated 8")


def test_jpeg_baseline_precision_other_than_8_is_refused(first_frame):
    frame, info = first_frame(JPEG_8)
    sof = _find(frame, b"\xff\xc0")
    data = bytearray(frame)
    data[sof + 4] = 12
    _refused(bytes(data), info, "baseline precision must be 8")


@pytest.mark.parametrize(("marker", "match"), [
    (0xC9, "arithmetic coding"),  # SOF9
    (0xCB, "arithmetic coding"),  # SOF11
])
def test_unsupported_jpeg_processes_are_refused(marker, match, first_frame):
    frame, info = first_frame(JPEG_8)
    sof = _find(frame, b"\xff\xc0")
    _refused(frame[:sof + 1] + bytes([marker]) + frame[sof + 2:], info, match)


@pytest.mark.parametrize("marker", [0x00, 0xCC, 0xDC, 0xF0, 0x02])
def test_unknown_markers_before_the_scan_are_refused(marker, first_frame):
    frame, info = first_frame(JPEG_8)
    dqt = _find(frame, b"\xff\xdb")
    _refused(frame[:dqt + 1] + bytes([marker]) + frame[dqt + 2:], info, "JPEG marker")


def test_jfif_major_version_other_than_1_is_refused(first_frame):
    # libjpeg warns (JWRN_JFIF_MAJOR) and GDCM aborts on any header warning
    frame, info = first_frame(JPEG_8)
    app0 = _find(frame, b"\xff\xe0")
    data = bytearray(frame)
    data[app0 + 9] = 2
    _refused(bytes(data), info, "JFIF major version 2")


def test_adobe_transform_other_than_0_or_1_is_refused(first_frame):
    frame, info = first_frame("SC_jpeg_no_color_transform_2.dcm")
    app14 = _find(frame, b"\xff\xee")
    data = bytearray(frame)
    data[app14 + 15] = 255
    _refused(bytes(data), info, "Adobe APP14 colour transform 255")


def test_segment_running_past_the_end_is_refused(first_frame):
    frame, info = first_frame(JPEG_8)
    dqt = _find(frame, b"\xff\xdb")
    data = bytearray(frame)
    struct.pack_into(">H", data, dqt + 2, 0xFFF0)
    _refused(bytes(data), info, "runs past the end")


def test_scan_naming_a_component_not_in_the_frame_is_refused(first_frame):
    frame, info = first_frame(JPEG_8)
    sos = _find(frame, b"\xff\xda")
    data = bytearray(frame)
    data[sos + 5] = 9
    _refused(bytes(data), info, "names component 9")


def test_jpegls_codestream_under_a_jpeg_syntax_is_refused(first_frame):
    frame, info = first_frame(JPEG_LS)
    info = _replace(info, transfer_syntax_uid="1.2.840.10008.1.2.4.70")
    _refused(frame, info, "is a JPEG-LS codestream but the transfer syntax")


# ---- JPEG-LS ------------------------------------------------------------------------


def test_jpegls_precision_must_fill_bits_allocated(first_frame):
    frame, info = first_frame("JPEGLSNearLossless_08.dcm")
    _refused(frame, _replace(info, bits_allocated=16, bits_stored=8),
             "precision 8 does not fit bits allocated 16")


def test_jpegls_near_above_the_limit_is_refused(first_frame):
    frame, info = first_frame("JPEGLSNearLossless_08.dcm")
    sos = _find(frame, b"\xff\xda")
    length = struct.unpack_from(">H", frame, sos + 2)[0]
    data = bytearray(frame)
    data[sos + 2 + length - 3] = 200  # NEAR
    _refused(bytes(data), info, "NEAR 200")


def test_jpegls_sub_sampling_is_refused(first_frame):
    frame, info = first_frame(JPEG_LS)
    sof = _find(frame, b"\xff\xf7")
    data = bytearray(frame)
    data[sof + 11] = 0x21
    _refused(bytes(data), info, "sampling factors 2x1")


def test_jpegls_mapping_tables_are_refused(first_frame):
    frame, info = first_frame(JPEG_LS)
    lse = b"\xff\xf8\x00\x05\x02\x01\x00"
    _refused(frame[:2] + lse + frame[2:], info, "LSE segment")


# ---- JPEG 2000 ----------------------------------------------------------------------


def _siz_set(frame: bytes, offset: int, fmt: str, value: int) -> bytes:
    data = bytearray(frame)
    struct.pack_into(fmt, data, offset, value)
    return bytes(data)


def test_j2k_without_soc_siz_is_refused(first_frame):
    frame, info = first_frame(J2K)
    _refused(b"\xff\xd8" + frame[2:], info, "not a JPEG 2000 codestream")


def test_j2k_size_must_match_the_description(first_frame):
    frame, info = first_frame(J2K)
    _refused(_siz_set(frame, 8, ">I", 65), info, "is 65 x 64")


def test_j2k_with_too_many_tiles_is_refused(first_frame):
    frame, info = first_frame(J2K)
    data = _siz_set(_siz_set(frame, 24, ">I", 1), 28, ">I", 1)  # 1 x 1 tiles: 4096
    data = _siz_set(_siz_set(data, 8, ">I", 300), 12, ">I", 300)
    _refused(data, _replace(info, rows=300, columns=300),
             "90000 tiles, more than 65535")


def test_j2k_tile_grid_must_cover_the_image(first_frame):
    frame, info = first_frame(J2K)
    _refused(_siz_set(frame, 24, ">I", 0), info, "tile grid")


def test_j2k_precision_above_bits_allocated_is_refused(first_frame):
    frame, info = first_frame(J2K)
    _refused(frame, _replace(info, bits_allocated=8, bits_stored=8),
             "precision 16 does not fit bits allocated 8")


def test_j2k_sub_sampled_components_are_refused(first_frame):
    frame, info = first_frame(J2K)
    data = bytearray(frame)
    data[43] = 2
    _refused(bytes(data), info, "sub-sampled")


def test_j2k_truncated_siz_is_refused(first_frame):
    frame, info = first_frame(J2K)
    _refused(frame[:30], info, "SIZ segment is truncated")


# ---- RLE ----------------------------------------------------------------------------


@pytest.mark.parametrize(("edit", "match"), [
    (lambda d: d[:40], "shorter than its 64-byte header"),
    (lambda d: struct.pack("<I", 0) + d[4:], "gives 0 segments"),
    (lambda d: struct.pack("<I", 3) + d[4:12] + struct.pack("<I", struct.unpack_from("<I", d, 8)[0]
                                                            + 2) + d[16:],
     "gives 3 segments, 2 expected"),
    (lambda d: d[:4] + struct.pack("<I", 60) + d[8:], "first RLE segment offset is 60"),
    (lambda d: d[:8] + struct.pack("<I", 10 ** 6) + d[12:], "segment 2 offset 1000000"),
    (lambda d: d[:12] + struct.pack("<I", 99) + d[16:], "non-zero offsets for unused"),
])
def test_rle_header_is_checked(edit, match, first_frame):
    frame, info = first_frame(RLE)
    _refused(edit(frame), info, match)


# ---- through the pipeline -----------------------------------------------------------


def test_refusal_reaches_the_user_through_dcmcore(corpus_file):
    import dcmcore
    from dcmcore.errors import CodecError

    ds = dcmcore.dcmread(corpus_file(JPEG_LS))
    ds.BitsAllocated = 8
    ds.BitsStored = 8
    ds.HighBit = 7
    ds.pixel_array_options(decoding_plugin="gdcm")
    with pytest.raises(CodecError, match="GDCMPixelDataError: GDCM: JPEG-LS precision 16"):
        _ = ds.pixel_array


# ---- encoder ------------------------------------------------------------------------


def _encode(arr, uid, bits_stored=None, pi=None, **options):
    from dcmcore.codecs import FrameInfo

    spp = arr.shape[2] if arr.ndim == 3 else 1
    info = FrameInfo(arr.shape[0], arr.shape[1], spp, arr.dtype.itemsize * 8,
                     bits_stored or arr.dtype.itemsize * 8, int(arr.dtype.kind == "i"),
                     pi or ("RGB" if spp == 3 else "MONOCHROME2"), 0, 1, uid)
    enc = GDCMEncoder()
    return enc.encode(arr, info, **enc.accepted_options(options))


@pytest.mark.parametrize(("shape", "uid", "match"), [
    ((15, 37, 3), "1.2.840.10008.1.2.5", "odd length"),  # GDCM's RLE encoder aborts
    ((3, 3), "1.2.840.10008.1.2.4.70", "odd length"),
    ((8, 64), "1.2.840.10008.1.2.4.90", "at least 16 rows and columns"),  # GDCM crashes
    ((64, 1), "1.2.840.10008.1.2.4.91", "at least 16 rows and columns"),
])
def test_encoder_refuses_frames_gdcm_crashes_on(shape, uid, match):
    with pytest.raises(GDCMPixelDataError, match=match):
        _encode(np.zeros(shape, np.uint8), uid)


@pytest.mark.parametrize(("uid", "options", "match"), [
    ("1.2.840.10008.1.2.4.80", {"jls_error": 2}, "must be 0 for JPEG-LS Lossless"),
    ("1.2.840.10008.1.2.4.81", {"jls_error": 300}, "jls_error must be 0 to 127"),
    ("1.2.840.10008.1.2.4.81", {"jls_error": 1.5}, "jls_error must be an integer"),
    ("1.2.840.10008.1.2.4.91", {"j2k_cr": [10], "j2k_psnr": [50]}, "not both"),
    ("1.2.840.10008.1.2.4.90", {"j2k_cr": [10]}, "not JPEG 2000 Lossless"),
    ("1.2.840.10008.1.2.4.91", {"j2k_cr": [0]}, "positive numbers"),
    ("1.2.840.10008.1.2.4.91", {"j2k_psnr": "high"}, "non-empty list of numbers"),
    ("1.2.840.10008.1.2.4.50", {}, "not supported by this plugin"),
])
def test_encoder_options_are_checked(uid, options, match):
    with pytest.raises(GDCMPixelDataError, match=match):
        _encode(np.zeros((32, 32), np.uint8), uid, **options)


def test_encoder_checks_the_array_against_the_description():
    from dcmcore.codecs import FrameInfo

    info = FrameInfo(32, 32, 1, 16, 12, 0, "MONOCHROME2", 0, 1, "1.2.840.10008.1.2.5")
    with pytest.raises(GDCMPixelDataError, match="shape"):
        GDCMEncoder().encode(np.zeros((32, 30), np.uint16), info)
    with pytest.raises(GDCMPixelDataError, match="dtype uint8"):
        GDCMEncoder().encode(np.zeros((32, 32), np.uint8), info)


def test_encoder_refuses_ybr_full_422_input():
    with pytest.raises(GDCMPixelDataError, match="YBR_FULL_422 data is not supported"):
        _encode(np.zeros((32, 32, 3), np.uint8), "1.2.840.10008.1.2.5", pi="YBR_FULL_422")
