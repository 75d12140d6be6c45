"""The numpy pointer-chase header search and the byte-wise repeat counts agree with a
plain per-run PackBits decoder, on random streams with no-op headers, truncated final
runs, excess and missing bytes, and fall back to the Python walk when numpy does not chase."""

from __future__ import annotations

import struct
import warnings

import numpy as np
import pytest
from dcmcore_rle import rle
from dcmcore_rle.rle import RLEError, RLEWarning, decode_frame, encode_frame


def _frame(segments: list[bytes]) -> bytes:
    offsets, pos = [], 64
    for seg in segments:
        offsets.append(pos)
        pos += len(seg)
    return struct.pack("<16L", len(segments), *offsets, *([0] * (15 - len(offsets)))) + b"".join(
        segments
    )


def _reference_headers(segment: bytes, base: int) -> list[int]:
    """Header offsets of one segment, one Python step per run (the obvious way)."""
    out, pos = [], 0
    while pos < len(segment):
        out.append(base + pos)
        h = segment[pos]
        pos += h + 2 if h < 128 else (1 if h == 128 else 2)
    return out


def _reference_decode(segment: bytes) -> bytes:
    """Per-run PackBits decoding with the plugin's tolerance rules."""
    out, pos = bytearray(), 0
    while pos < len(segment):
        h = segment[pos]
        if h < 128:
            out += segment[pos + 1 : pos + 2 + h]  # a cut-short literal gives what is there
            pos += h + 2
        elif h > 128:
            out += segment[pos + 1 : pos + 2] * (257 - h)  # no value byte: nothing
            pos += 2
        else:
            pos += 1
    return bytes(out)


def _random_segment(rng: np.random.Generator, runs: int) -> bytes:
    """Runs of every kind, including -128 no-ops, often ending in a truncated run."""
    parts = []
    for _ in range(runs):
        kind = rng.integers(0, 10)
        if kind < 4:  # literal
            n = int(rng.integers(0, 128)) if kind == 0 else int(rng.integers(0, 4))
            parts.append(bytes([n]) + rng.integers(0, 256, n + 1, dtype=np.uint8).tobytes())
        elif kind < 8:  # replicate
            parts.append(bytes([int(rng.integers(129, 256)), int(rng.integers(0, 256))]))
        elif kind == 8:
            parts.append(b"\x80")
        else:  # raw noise: whatever it parses as
            parts.append(rng.integers(0, 256, int(rng.integers(1, 40)), dtype=np.uint8).tobytes())
    segment = b"".join(parts)
    cut = int(rng.integers(0, 3))  # drop 0-2 final bytes: literal or replicate cut short
    return segment[: len(segment) - cut] or b"\x80"


@pytest.mark.parametrize("seed", range(12))
def test_chase_finds_the_same_headers_as_a_per_run_walk(seed):
    rng = np.random.default_rng(seed)
    segments = [_random_segment(rng, int(rng.integers(1, 400))) for _ in range(rng.integers(1, 16))]
    data = _frame(segments)
    offsets = rle.parse_header(data)
    ends = [*offsets[1:], len(data)]
    expected = [p for seg, off in zip(segments, offsets) for p in _reference_headers(seg, off)]
    assert rle._chase_headers(data, offsets, ends).tolist() == expected
    assert rle._walk_headers(data, offsets, ends).tolist() == expected


@pytest.mark.parametrize("method", ["chase", "walk"])
@pytest.mark.parametrize("seed", range(40))
def test_random_streams_decode_like_a_per_run_decoder(monkeypatch, method, seed):
    monkeypatch.setattr(rle, "_HEADER_METHOD", method)
    rng = np.random.default_rng(1000 + seed)
    layout = [(1, 8), (1, 16), (3, 8), (1, 32), (3, 16)][seed % 5]
    samples, bits = layout
    nseg = samples * bits // 8
    segments = [_random_segment(rng, int(rng.integers(1, 60))) for _ in range(nseg)]
    decoded = [_reference_decode(seg) for seg in segments]
    # expected length: sometimes every segment has enough (some with excess), sometimes not
    shortest = min(len(d) for d in decoded)
    expected = max(1, shortest - int(rng.integers(0, 5)) if seed % 4 else shortest + 3)
    data = _frame(segments)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if shortest < expected:
            with pytest.raises(RLEError, match="fewer than"):
                decode_frame(data, 1, expected, samples, bits)
            return
        out = decode_frame(data, 1, expected, samples, bits)
    excess = sum(len(d) > expected for d in decoded)
    assert sum(issubclass(w.category, RLEWarning) for w in caught) == excess
    planes = np.frombuffer(b"".join(d[:expected] for d in decoded), np.uint8)
    planes = planes.reshape(samples, bits // 8, expected).astype(np.uint64)
    want = np.zeros((samples, expected), np.uint64)
    for byte in range(bits // 8):
        want = (want << np.uint64(8)) | planes[:, byte]
    want = want.T.reshape(1, expected, samples) if samples > 1 else want.reshape(1, expected)
    assert np.array_equal(out, want)


def test_dense_then_sparse_segments_need_several_chase_chunks():
    # 16-bit: the MSB plane alternates short runs (dense headers), the LSB plane is
    # noise (sparse headers): the density estimate drops between chunks.
    rng = np.random.default_rng(5)
    arr = ((rng.integers(3, 5, (300, 300)) << 8) | rng.integers(0, 256, (300, 300))).astype(
        np.uint16
    )
    data = encode_frame(arr)
    offsets = rle.parse_header(data)
    ends = [*offsets[1:], len(data)]
    assert len(rle._chase_headers(data, offsets, ends)) > 4096  # more than one chunk
    assert np.array_equal(rle._chase_headers(data, offsets, ends), rle._walk_headers(data, offsets, ends))
    assert np.array_equal(decode_frame(data, 300, 300, 1, 16), arr)


def test_numpy_take_chases_here():
    # The fast path depends on numpy.take not copying indices that overlap its output.
    assert rle._chase_works()


def test_decoding_falls_back_to_the_walk_when_numpy_does_not_chase(monkeypatch):
    def copying_take(table, chain, start, stop):  # what a numpy that copies would do
        chain[start:stop] = table.take(chain[start - 1 : stop - 1].copy(), mode="clip")

    monkeypatch.setattr(rle, "_take_chase", copying_take)
    monkeypatch.setattr(rle, "_CHASE_OK", None)
    assert not rle._chase_works()
    arr = np.random.default_rng(2).integers(0, 3, (64, 64)).astype(np.uint16) * 257
    assert np.array_equal(decode_frame(encode_frame(arr), 64, 64, 1, 16), arr)


def test_spot_check_catches_a_broken_chase_and_disables_it(monkeypatch):
    def copying_take(table, chain, start, stop):
        chain[start:stop] = table.take(chain[start - 1 : stop - 1].copy(), mode="clip")

    monkeypatch.setattr(rle, "_CHASE_OK", True)  # the probe said yes ...
    monkeypatch.setattr(rle, "_take_chase", copying_take)  # ... but numpy changed
    arr = np.random.default_rng(3).integers(0, 2, (128, 128)).astype(np.uint8)
    data = encode_frame(arr)
    offsets = rle.parse_header(data)
    assert rle._chase_headers(data, offsets, [len(data)]) is None
    assert rle._CHASE_OK is False
    assert np.array_equal(decode_frame(data, 128, 128, 1, 8), arr)


def test_noop_headers_everywhere_and_a_replicate_header_ending_each_segment():
    msb = bytes([128, 128, 254, 1, 128, 0, 2, 128, 255])  # 3x1, 2, then a header with no value
    lsb = bytes([128, 2, 7, 8, 9, 128, 128])
    with pytest.warns(RLEWarning, match="segment 1 decodes to 4 bytes"):
        out = decode_frame(_frame([msb, lsb]), 1, 3, 1, 16)
    assert out.tolist() == [[0x0107, 0x0108, 0x0109]]


@pytest.mark.parametrize("seed", range(6))
def test_decode_segment_matches_the_per_run_decoder(seed):
    rng = np.random.default_rng(50 + seed)
    segment = _random_segment(rng, int(rng.integers(1, 200)))
    want = _reference_decode(segment)
    if len(want) < 2:
        segment, want = b"\x01\x05\x06", b"\x05\x06"
    assert rle.decode_segment(segment, len(want)).tobytes() == want
    with pytest.warns(RLEWarning, match="more than"):
        assert rle.decode_segment(segment, len(want) - 1).tobytes() == want[:-1]
    with pytest.raises(RLEError, match=f"decodes to {len(want)} bytes, fewer"):
        rle.decode_segment(segment, len(want) + 1)
