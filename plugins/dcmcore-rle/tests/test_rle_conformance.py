"""The encoded stream follows Part 5 Annex G: header, segments, padding, per-row runs."""

from __future__ import annotations

import struct

import numpy as np
import pytest
from dcmcore_rle import rle
from dcmcore_rle.rle import RLEError, decode_frame, encode_frame, parse_header


def _segments(data: bytes) -> list[bytes]:
    offsets = parse_header(data)
    return [data[a:b] for a, b in zip(offsets, [*offsets[1:], len(data)])]


def _runs(segment: bytes) -> list[tuple[int, bytes]]:
    """Parse a segment into (decoded length, decoded bytes) per run."""
    out, pos = [], 0
    while pos < len(segment):
        n = segment[pos]
        if n < 128:
            body = segment[pos + 1 : pos + 2 + n]  # the padding byte has no body
            if body:
                out.append((len(body), body))
            pos += n + 2
        elif n > 128:
            out.append((257 - n, segment[pos + 1 : pos + 2] * (257 - n)))
            pos += 2
        else:
            pos += 1
    return out


@pytest.mark.parametrize(("bits", "samples"), [(8, 1), (8, 3), (16, 1), (16, 3), (32, 3), (64, 1)])
def test_header_counts_segments_and_offsets_start_at_64(bits, samples):
    arr = np.random.default_rng(0).integers(0, 200, (7, 9, samples)).astype(f"u{bits // 8}")
    data = encode_frame(arr if samples > 1 else arr[..., 0])
    header = struct.unpack("<16L", data[:64])
    count = samples * bits // 8
    assert header[0] == count
    assert header[1] == 64
    assert all(header[i] < header[i + 1] for i in range(1, count))
    assert header[count + 1 :] == (0,) * (15 - count)


def test_every_segment_has_even_length():
    rng = np.random.default_rng(5)
    for columns in (1, 3, 7, 129, 130):
        arr = rng.integers(0, 65535, (3, columns), dtype=np.uint16)
        for segment in _segments(encode_frame(arr)):
            assert len(segment) % 2 == 0


def test_segments_hold_msb_plane_first():
    arr = np.array([[0x1234, 0x1234, 0x1234]], dtype=np.uint16)
    msb, lsb = _segments(encode_frame(arr))
    assert msb[:2] == bytes([254, 0x12]) and lsb[:2] == bytes([254, 0x34])


def test_runs_never_cross_rows():
    columns = 37
    arr = np.zeros((5, columns), dtype=np.uint8)  # one long constant run over all rows
    arr[2, 5:9] = [1, 2, 3, 4]
    (segment,) = _segments(encode_frame(arr))
    decoded = 0
    for length, _ in _runs(segment):
        # each run lies inside one row
        assert decoded // columns == (decoded + length - 1) // columns
        decoded += length
    assert decoded == arr.size


def test_long_runs_are_split_at_128():
    arr = np.concatenate([np.full(300, 7), np.arange(300) % 251]).astype(np.uint8)[None, :]
    (segment,) = _segments(encode_frame(arr))
    runs = _runs(segment)
    assert all(1 <= length <= 128 for length, _ in runs)
    assert b"".join(b for _, b in runs) == arr.tobytes()


def test_sixty_four_bit_colour_needs_24_segments_and_is_refused():
    arr = np.zeros((2, 2, 3), dtype=np.uint64)
    with pytest.raises(RLEError, match="24 segments"):
        encode_frame(arr)


def test_decoder_tolerates_literal_run_that_crosses_rows():
    # Non-conformant but decodable: one literal run covering two rows.
    pixels = bytes(range(1, 7))
    segment = bytes([5]) + pixels
    header = struct.pack("<16L", 1, 64, *([0] * 14))
    out = decode_frame(header + segment, 2, 3, 1, 8)
    assert out.tobytes() == pixels


def test_noop_header_128_is_skipped():
    segment = bytes([128, 2, 9, 8, 7, 128, 254, 5])
    header = struct.pack("<16L", 1, 64, *([0] * 14))
    out = decode_frame(header + segment, 1, 6, 1, 8)
    assert out.tolist() == [[9, 8, 7, 5, 5, 5]]


def test_little_endian_segment_order_option():
    arr = np.array([[0x0102, 0x0304]], dtype=np.uint16)
    msb, lsb = _segments(encode_frame(arr))
    swapped = struct.pack("<16L", 2, 64, 64 + len(lsb), *([0] * 13)) + lsb + msb
    assert np.array_equal(decode_frame(swapped, 1, 2, 1, 16, segment_order="<"), arr)


@pytest.mark.parametrize("levels", [0, 1, 2, 4])
@pytest.mark.parametrize(("bits", "samples"), [(8, 1), (16, 1), (16, 3), (32, 1), (64, 1)])
def test_jump_table_header_search_matches_plain_walk(monkeypatch, levels, bits, samples):
    # Force the numpy jump-table header search (levels > 0) even on small data.
    monkeypatch.setattr(rle, "_HEADER_METHOD", "walk")
    monkeypatch.setattr(rle, "_JUMP_LEVELS", levels)
    rng = np.random.default_rng(levels * 10 + bits)
    shape = (23, 67) + ((samples,) if samples > 1 else ())
    noise = rng.integers(0, 3, shape) * rng.integers(0, 1 << min(bits, 62), shape)
    arr = np.repeat(noise.ravel(), rng.integers(1, 9, noise.size))[: noise.size]
    arr = arr.reshape(shape).astype(f"u{bits // 8}")
    assert np.array_equal(decode_frame(encode_frame(arr), *shape[:2], samples, bits), arr)


def test_cost_model_picks_the_jump_table_for_dense_runs_and_the_walk_for_sparse():
    dense = encode_frame(np.random.default_rng(2).integers(0, 2, (256, 256), dtype=np.uint8))
    sparse = encode_frame(np.zeros((256, 256), dtype=np.uint8))
    for data, deep in ((dense, True), (sparse, False)):
        offsets = parse_header(data)
        steps = data.translate(rle._STEP_BYTES)
        plan = rle._plan(steps, offsets, [*offsets[1:], len(data)])
        assert [(first, stop, levels > 0) for first, stop, levels in plan] == [(0, 1, deep)]


@pytest.mark.parametrize("method", ["chase", "walk"])
def test_plan_walks_sparse_segments_and_jumps_over_dense_ones(monkeypatch, method):
    monkeypatch.setattr(rle, "_HEADER_METHOD", method)
    rng = np.random.default_rng(3)
    # MSB plane: short runs everywhere; LSB plane: noise (long literal runs).
    msb = rng.integers(3, 5, (256, 256))
    arr = (msb << 8 | rng.integers(0, 256, (256, 256))).astype(np.uint16)
    data = encode_frame(arr)
    offsets = parse_header(data)
    plan = rle._plan(data.translate(rle._STEP_BYTES), offsets, [*offsets[1:], len(data)])
    assert [(first, stop, levels > 0) for first, stop, levels in plan] == [(0, 1, True), (1, 2, False)]
    assert np.array_equal(decode_frame(data, 256, 256, 1, 16), arr)


@pytest.mark.parametrize("method", ["chase", "walk"])
def test_large_realistic_frame_takes_the_jump_path_and_round_trips(monkeypatch, method):
    monkeypatch.setattr(rle, "_HEADER_METHOD", method)
    rng = np.random.default_rng(9)
    yy, xx = np.mgrid[:256, :256]
    body = (yy - 128) ** 2 + (xx - 128) ** 2 < 100**2
    arr = np.where(body, 1030 + rng.normal(0, 12, body.shape), 24).astype(np.uint16)
    assert np.array_equal(decode_frame(encode_frame(arr), 256, 256, 1, 16), arr)


@pytest.mark.parametrize("method", ["chase", "walk"])
def test_mixed_plan_over_twelve_segments_decodes_correctly(monkeypatch, method):
    monkeypatch.setattr(rle, "_HEADER_METHOD", method)
    # 32-bit RGB: constant high bytes (tiny segments, walked), noisy low bytes
    # (large dense segments, jump tables shared by neighbours).
    rng = np.random.default_rng(11)
    low = rng.integers(0, 3, (128, 200, 3)) * rng.integers(0, 65536, (128, 200, 3))
    arr = (low + (7 << 24)).astype(np.uint32)
    data = encode_frame(arr)
    offsets = parse_header(data)
    plan = rle._plan(data.translate(rle._STEP_BYTES), offsets, [*offsets[1:], len(data)])
    kinds = [levels > 0 for _, _, levels in plan]
    assert True in kinds and False in kinds
    assert [first for first, _, _ in plan] == sorted(first for first, _, _ in plan)
    assert np.array_equal(decode_frame(data, 128, 200, 3, 32), arr)
