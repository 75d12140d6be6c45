"""The main-header reader agrees with openjpeg's own reading and finds what the guard needs."""

from __future__ import annotations

import struct

import numpy as np
import pytest
from dcmcore_openjpeg.codestream import CodestreamError, parse_header

pydicom = pytest.importorskip("pydicom")
openjpeg = pytest.importorskip("openjpeg")
from openjpeg.utils import encode_array, get_parameters  # noqa: E402
from pydicom.encaps import generate_frames  # noqa: E402

FILES = ["JPEG2000.dcm", "SC_rgb_gdcm_KY.dcm", "693_J2KI.dcm", "GDCMJ2K_TextGBR.dcm",
         "examples_jpeg2k.dcm", "J2K_pixelrep_mismatch.dcm", "MR_small_jp2klossless.dcm"]
HTJ2K_FILES = ["htj2k_ct_small_lossless_rpcl.j2c", "htj2k_ct_small_u12_lossless_lrcp.j2c",
               "htj2k_sc_rgb_rct.j2c", "htj2k_sc_rgb_no_mct.j2c", "htj2k_mr_small_lossy.j2c"]


def _frame(path) -> bytes:
    return bytes(next(generate_frames(pydicom.dcmread(path).PixelData, number_of_frames=1)))


def _agrees_with_openjpeg(data: bytes) -> None:
    header = parse_header(data)
    params = get_parameters(data)
    assert (header.rows, header.columns) == (params["rows"], params["columns"])
    assert len(header.components) == params["samples_per_pixel"]
    assert header.precision == params["precision"]
    assert header.signed == params["is_signed"]
    assert header.has_eoc


@pytest.mark.parametrize("name", FILES)
def test_corpus_headers_agree_with_openjpeg(name, corpus):
    _agrees_with_openjpeg(_frame(corpus(name)))


@pytest.mark.parametrize("name", HTJ2K_FILES)
def test_htj2k_headers_agree_with_openjpeg_and_are_flagged(name, htj2k):
    data = htj2k(name)
    _agrees_with_openjpeg(data)
    assert parse_header(data).high_throughput


@pytest.mark.parametrize("name", FILES)
def test_part_1_codestreams_are_not_flagged_high_throughput(name, corpus):
    assert parse_header(_frame(corpus(name))).high_throughput is False


def test_jp2_wrapped_frame_is_found_after_its_boxes(corpus):
    data = _frame(corpus("GDCMJ2K_TextGBR.dcm"))
    header = parse_header(data)
    assert header.jp2 and header.start > 12
    assert data[header.start:header.start + 4] == b"\xff\x4f\xff\x51"
    assert header.jp2_palette is False


def test_cod_marker_fields_match_what_the_encoder_was_asked():
    rgb = (np.arange(64 * 64 * 3).reshape(64, 64, 3) % 251).astype(np.uint8)
    lossless = parse_header(encode_array(rgb, 8, 1, True))
    assert (lossless.mct, lossless.reversible, lossless.layers) == (True, True, 1)
    lossy = parse_header(encode_array(rgb, 8, 0, False, compression_ratios=[20, 10, 5]))
    assert (lossy.mct, lossy.reversible, lossy.layers) == (False, False, 3)
    # pylibjpeg-openjpeg documents LRCP, 6 resolutions (5 levels) and a single tile
    assert (lossy.progression, lossy.levels, lossy.tiles) == ("LRCP", 5, 1)


@pytest.mark.parametrize(("size", "tile", "offset", "expected"), [
    # 15444-1 B.3: ceil((Xsiz - XTOsiz) / XTsiz) x ceil((Ysiz - YTOsiz) / YTsiz)
    ((64, 64), (64, 64), (0, 0), 1),
    ((64, 64), (32, 16), (0, 0), 2 * 4),
    ((100, 64), (32, 32), (0, 0), 4 * 2),
    ((64, 64), (1, 1), (0, 0), 4096),
])
def test_tile_count_follows_the_standard(size, tile, offset, expected):
    data = bytearray(encode_array(np.zeros((64, 64), np.uint8), 8, 2, False))
    struct.pack_into(">II", data, 8, *size)
    struct.pack_into(">II", data, 24, *tile)
    struct.pack_into(">II", data, 32, *offset)
    assert parse_header(bytes(data)).tiles == expected


def test_not_jpeg_2000_is_refused_with_what_was_found():
    with pytest.raises(CodestreamError, match="no SOC marker .* 'ff d8 ff e0'"):
        parse_header(b"\xff\xd8\xff\xe0" + bytes(100))


def test_siz_length_must_match_the_component_count():
    data = bytearray(encode_array(np.zeros((64, 64), np.uint8), 8, 2, False))
    struct.pack_into(">H", data, 40, 3)  # Csiz 3 in a 1-component SIZ
    with pytest.raises(CodestreamError, match="does not match 3 components"):
        parse_header(bytes(data))


def test_truncated_tile_part_is_reported_with_offsets():
    data = encode_array(np.arange(4096, dtype=np.uint16).reshape(64, 64), 12, 2, False)
    sot = data.find(b"\xff\x90")
    psot = int.from_bytes(data[sot + 6:sot + 10], "big")
    cut = data[:sot + psot - 10]
    with pytest.raises(CodestreamError, match=f"truncated at byte {len(cut)}: the tile-part "
                                              f"at byte {sot} declares {psot} bytes"):
        parse_header(cut)


def test_psot_zero_runs_to_the_eoc_marker_and_needs_one():
    data = bytearray(encode_array(np.arange(4096, dtype=np.uint16).reshape(64, 64), 12, 2,
                                  False))
    sot = data.find(b"\xff\x90")
    struct.pack_into(">I", data, sot + 6, 0)
    header = parse_header(bytes(data))
    assert header.has_eoc and header.tile_parts_end == len(data) - 2
    with pytest.raises(CodestreamError, match="without an EOC marker"):
        parse_header(bytes(data[:-2]))


def test_trailing_bytes_after_eoc_are_ignored(corpus):
    data = _frame(corpus("MR_small_jp2klossless.dcm"))
    assert parse_header(data + b"\x00").has_eoc
