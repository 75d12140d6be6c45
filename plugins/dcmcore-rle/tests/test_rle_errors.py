"""Malformed RLE data and bad parameters raise clear ValueErrors; excess data warns."""

from __future__ import annotations

import struct
import warnings

import numpy as np
import pytest
from dcmcore_rle import rle
from dcmcore_rle.rle import RLEError, RLEWarning, decode_frame, encode_frame


def _frame(*segments: bytes, count: int | None = None, offsets: list[int] | None = None) -> bytes:
    if offsets is None:
        offsets, pos = [], 64
        for seg in segments:
            offsets.append(pos)
            pos += len(seg)
    count = len(segments) if count is None else count
    header = struct.pack("<16L", count, *offsets, *([0] * (15 - len(offsets))))
    return header + b"".join(segments)


def test_rle_error_is_a_value_error():
    assert issubclass(RLEError, ValueError)


def test_frame_shorter_than_header():
    with pytest.raises(RLEError, match="shorter than the 64-byte RLE header"):
        decode_frame(b"\x01\x00\x00\x00" + b"\x00" * 20, 1, 1, 1, 8)


@pytest.mark.parametrize("count", [0, 16, 0xFFFFFFFF])
def test_segment_count_out_of_range(count):
    with pytest.raises(RLEError, match=f"header gives {count} segments"):
        decode_frame(_frame(b"\x00\x05", count=count, offsets=[64]), 1, 1, 1, 8)


def test_segment_count_differs_from_samples_times_bytes():
    data = encode_frame(np.zeros((2, 2), dtype=np.uint8))
    with pytest.raises(RLEError, match="gives 1 segments but 1 samples per pixel x 2 bytes"):
        decode_frame(data, 2, 2, 1, 16)


@pytest.mark.parametrize("offsets", [[10], [64, 9999], [64, 60], [66, 64]])
def test_offsets_out_of_range(offsets):
    data = _frame(b"\x00\x05", b"\x00\x06", count=len(offsets), offsets=offsets)
    with pytest.raises(RLEError, match="out of range"):
        decode_frame(data, 1, 1, len(offsets), 8) if len(offsets) != 2 else decode_frame(
            data, 1, 1, 1, 16
        )


def test_segment_decoding_to_too_few_bytes():
    data = _frame(bytes([253, 7]))  # 4 bytes, 6 expected
    with pytest.raises(RLEError, match="segment 1 .*decodes to 4 bytes, fewer than the 6"):
        decode_frame(data, 2, 3, 1, 8)


def test_empty_segment():
    data = _frame(bytes([255, 1]), b"", offsets=[64, 66])
    with pytest.raises(RLEError, match="segment 2 .*decodes to 0 bytes"):
        decode_frame(data, 1, 2, 1, 16)


@pytest.mark.parametrize("extra", [bytes([255, 9]), bytes([2, 1, 2, 3]), bytes([129, 0]) * 50])
def test_segment_decoding_to_too_many_bytes_is_truncated_with_a_warning(extra):
    good = bytes([1, 4, 5, 253, 6])  # 4 5 6 6 6 6
    data = _frame(good + extra)
    with pytest.warns(RLEWarning, match="more than the 6 expected"):
        out = decode_frame(data, 2, 3, 1, 8)
    assert out.tolist() == [[4, 5, 6], [6, 6, 6]]


def test_excess_inside_the_last_needed_run_is_cut():
    with pytest.warns(RLEWarning):
        out = decode_frame(_frame(bytes([4, 1, 2, 3, 4, 5, 131, 9])), 1, 3, 1, 8)
    assert out.tolist() == [[1, 2, 3]]
    with pytest.warns(RLEWarning):
        out = decode_frame(_frame(bytes([131, 9, 0, 1])), 1, 3, 1, 8)
    assert out.tolist() == [[9, 9, 9]]


@pytest.mark.parametrize("method", ["chase", "walk"])
def test_huge_replicate_stream_never_allocates_beyond_the_frame(monkeypatch, method):
    # 1 MB of replicate headers would decode to 64 MB; only rows*columns are kept.
    monkeypatch.setattr(rle, "_HEADER_METHOD", method)
    monkeypatch.setattr(rle, "_JUMP_LEVELS", 3)
    data = _frame(bytes([129, 3]) * (1 << 19))
    with pytest.warns(RLEWarning):
        out = decode_frame(data, 4, 4, 1, 8)
    assert out.shape == (4, 4) and (out == 3).all()


def test_truncated_literal_run_at_the_end_counts_present_bytes_only():
    data = _frame(bytes([9, 1, 2, 3]))  # announces 10 literal bytes, only 3 present
    assert decode_frame(data, 1, 3, 1, 8).tolist() == [[1, 2, 3]]
    with pytest.raises(RLEError, match="fewer"):
        decode_frame(data, 1, 4, 1, 8)


def test_replicate_header_without_value_byte_at_segment_end():
    data = _frame(bytes([2, 1, 2, 3, 200]), bytes([0, 4, 0, 5, 0, 6]))
    with pytest.raises(RLEError, match="segment 1 .*decodes to 3 bytes"):
        decode_frame(data, 1, 4, 1, 16)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((0, 1, 1, 8), "rows must be a positive integer"),
        ((1, -2, 1, 8), "columns must be a positive integer"),
        ((1, 1, 2, 8), "samples per pixel must be 1 or 3"),
        ((1, 1, 1, 12), "bits allocated must be one of 8, 16, 32 or 64"),
    ],
)
def test_bad_parameters(args, message):
    with pytest.raises(RLEError, match=message):
        decode_frame(_frame(b"\x00\x05"), *args)


def test_bad_segment_order():
    with pytest.raises(RLEError, match="segment order"):
        decode_frame(_frame(b"\x00\x05"), 1, 1, 1, 8, segment_order="=")


def test_encode_rejects_shape_mismatch_and_float_and_overflowing_dtype():
    with pytest.raises(RLEError, match="does not match"):
        encode_frame(np.zeros((2, 3), np.uint8), rows=3)
    with pytest.raises(RLEError, match="integer pixel data"):
        encode_frame(np.zeros((2, 3), np.float32))
    with pytest.raises(RLEError, match="does not fit"):
        encode_frame(np.zeros((2, 3), np.uint16), bits_allocated=8)
    with pytest.raises(RLEError, match="expected a"):
        encode_frame(np.zeros((2, 3, 3, 1), np.uint8))


@pytest.mark.parametrize("levels", [None, 0, 2])
def test_random_garbage_decodes_or_raises_rle_error_only(monkeypatch, levels):
    # levels None: the default (numpy pointer chase); else the walk with that depth
    monkeypatch.setattr(rle, "_HEADER_METHOD", None if levels is None else "walk")
    monkeypatch.setattr(rle, "_JUMP_LEVELS", levels)
    rng = np.random.default_rng(levels or 7)
    good = encode_frame(rng.integers(0, 4, (16, 16), dtype=np.uint16) * 300)
    for trial in range(300):
        kind = trial % 3
        if kind == 0:  # valid header, random segments
            body = rng.integers(0, 256, rng.integers(0, 400), dtype=np.uint8).tobytes()
            cut = int(rng.integers(64, 64 + len(body) + 1))
            data = _frame(body[: cut - 64], body[cut - 64 :], offsets=[64, cut])
        elif kind == 1:  # flipped bytes in a good frame
            data = bytearray(good)
            for at in rng.integers(0, len(data), 3):
                data[at] ^= int(rng.integers(1, 256))
            data = bytes(data)
        else:  # truncated good frame
            data = good[: int(rng.integers(0, len(good)))]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RLEWarning)
            try:
                out = decode_frame(data, 16, 16, 1, 16)
            except RLEError:
                continue
        assert out.shape == (16, 16) and out.dtype == np.uint16
