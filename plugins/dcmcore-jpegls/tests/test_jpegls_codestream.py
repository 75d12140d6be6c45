"""The JPEG-LS header reader agrees with CharLS' own header reader and with T.87's layout."""

from __future__ import annotations

import numpy as np
import pytest
from dcmcore_jpegls.codestream import (
    JPEGLSCodestreamError,
    end_of_image,
    parse_header,
    without_padding_before_eoi,
)


@pytest.mark.parametrize(
    ("shape", "bits", "near", "ilv"),
    [((7, 9), 2, 0, 0), ((30, 17), 12, 3, 0), ((15, 8), 16, 0, 0), ((16, 14, 3), 8, 0, 0),
     ((16, 14, 3), 10, 2, 1), ((16, 14, 3), 16, 1, 2)],
)
def test_header_matches_charls_read_header(shape, bits, near, ilv, charls_encode):
    jpeg_ls = pytest.importorskip("jpeg_ls")
    rng = np.random.default_rng(bits)
    data = charls_encode(rng.integers(0, 1 << bits, shape), bits, near=near, interleave=ilv)
    head = parse_header(data)
    theirs = jpeg_ls.decode_buffer(data)[1]
    assert (head.rows, head.columns, head.components) == (
        theirs["height"], theirs["width"], theirs["components"])
    assert head.precision == theirs["bits_per_sample"] == bits
    assert head.near == theirs["allowed_lossy_error"] == near
    assert head.interleave_mode == theirs["interleave_mode"]
    assert not head.mapping_table and head.point_transform == 0
    # the scan header ends where the entropy-coded data starts: just after the SOS segment
    sos = data.find(b"\xff\xda")
    assert head.scan_offset == sos + 2 + int.from_bytes(data[sos + 2 : sos + 4], "big")


def test_oversize_dimensions_segment_supplies_zero_dimensions(charls_encode):
    data = bytearray(charls_encode(np.zeros((16, 16), np.uint8), 8))
    sof = data.find(b"\xff\xf7")
    data[sof + 5 : sof + 9] = b"\x00\x00\x00\x00"  # Y = X = 0 in the frame header
    lse = b"\xff\xf8\x00\x0c\x04\x04" + (70000).to_bytes(4, "big") + (3).to_bytes(4, "big")
    sos = data.find(b"\xff\xda")
    head = parse_header(bytes(data[:sos]) + lse + bytes(data[sos:]))
    assert (head.rows, head.columns) == (70000, 3)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d[:1], "Start Of Image"),
        (lambda d: d[:10], "truncated at byte 10"),
        (lambda d: d[:4] + b"\x00\x01" + d[6:], "invalid segment length 1"),
        (lambda d: d[:4] + b"\xff\xff" + d[6:], "truncated"),
        (lambda d: d[:6] + bytes([1]) + d[7:], "precision 1 "),
        (lambda d: d[:6] + bytes([17]) + d[7:], "precision 17 "),
        (lambda d: d[:2] + b"\xff\xd9" + d[2:], "End Of Image marker \\(FFD9\\) at byte 2"),
        (lambda d: d[:2] + b"\xff\xc3\x00\x02" + d[2:], "not a JPEG-LS codestream"),
        (lambda d: d[:2] + b"\x12" + d[3:], "expected a marker"),
    ],
)
def test_invalid_headers_name_the_problem(edit, message, charls_encode):
    data = charls_encode(np.zeros((16, 16), np.uint8), 8)
    assert data[2:4] == b"\xff\xf7"  # SOF55 first, so the edits hit the frame header
    with pytest.raises(JPEGLSCodestreamError, match=message):
        parse_header(edit(data))


def test_near_above_the_t87_limit_is_refused(charls_encode):
    data = bytearray(charls_encode(np.zeros((16, 16), np.uint8), 8))
    sos = data.find(b"\xff\xda")
    data[sos + 7] = 128  # NEAR > min(255, 255 // 2)
    with pytest.raises(JPEGLSCodestreamError, match="NEAR 128 exceeds 127"):
        parse_header(bytes(data))


def test_end_of_image_finds_the_last_eoi():
    body = b"\xff\xd8" + b"\x01" * 10
    assert end_of_image(body + b"\xff\xd9", 2) == 14
    assert end_of_image(body + b"\xff\xd9\x00", 2) == 14
    assert end_of_image(body + b"\xff\xd9\x12\x34", 2) == 14
    assert end_of_image(body, 2) is None
    assert end_of_image(body + b"\xff", 2) is None


def test_padding_candidates_remove_then_keep_zero_bytes():
    head, eoi = b"\xff\xd8\x10\x20\x30", b"\xff\xd9"
    assert without_padding_before_eoi(head + eoi) == []
    assert without_padding_before_eoi(head + b"\x00" + eoi + b"\x00") == [head + eoi + b"\x00"]
    assert without_padding_before_eoi(head + b"\x00" * 5 + eoi) == [
        head + eoi, head + b"\x00" + eoi, head + b"\x00\x00" + eoi]
    # a zero after 0xFF holds stuffed bits: it stays
    stuffed = b"\xff\xd8\x10\xff"
    assert without_padding_before_eoi(stuffed + b"\x00\x00" + eoi) == [stuffed + b"\x00" + eoi]
    assert without_padding_before_eoi(head + b"\x00") == []  # no EOI at all
