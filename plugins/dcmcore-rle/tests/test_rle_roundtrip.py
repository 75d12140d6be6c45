"""Encode -> decode round trips, and interoperability with pydicom and pylibjpeg-rle."""

from __future__ import annotations

import numpy as np
import pytest
from dcmcore_rle.rle import decode_frame, encode_frame

CASES = [(b, s) for b in (8, 16, 32, 64) for s in (1, 3) if not (b == 64 and s == 3)]


def _image(kind: str, rows: int, columns: int, samples: int, bits: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    shape = (rows, columns) + ((samples,) if samples > 1 else ())
    dtype = np.dtype(f"=u{bits // 8}")
    if kind == "random":
        return rng.integers(0, np.iinfo(dtype).max, shape, dtype=dtype, endpoint=True)
    if kind == "constant":
        return np.full(shape, np.iinfo(dtype).max - 3, dtype=dtype)
    # runs of random lengths, some longer than 128 and crossing rows
    values = rng.integers(0, 4, rows * columns * samples).astype(dtype) * (dtype.type(1) << (bits - 8))
    lengths = rng.integers(1, 300, values.size)
    return np.repeat(values, lengths)[: values.size].reshape(shape)


@pytest.mark.parametrize(("bits", "samples"), CASES)
@pytest.mark.parametrize("kind", ["random", "constant", "runs"])
@pytest.mark.parametrize(("rows", "columns"), [(1, 1), (3, 5), (17, 131), (8, 256)])
def test_roundtrip_gives_back_the_array(bits, samples, kind, rows, columns):
    arr = _image(kind, rows, columns, samples, bits)
    data = encode_frame(arr)
    out = decode_frame(data, rows, columns, samples, bits)
    assert out.dtype == np.dtype(f"=u{bits // 8}")
    assert out.shape == arr.shape
    assert np.array_equal(out, arr)


@pytest.mark.parametrize(("bits", "samples"), CASES)
def test_multiframe_encoded_output_decodes_with_pydicom(bits, samples, pydicom_decode):
    frames = [_image(k, 9, 33, samples, bits, seed=i) for i, k in enumerate(["random", "runs", "constant"])]
    encoded = [encode_frame(f) for f in frames]
    ref = pydicom_decode(encoded, 9, 33, samples, bits)
    assert np.array_equal(ref, np.stack(frames))


@pytest.mark.parametrize(("bits", "samples"), CASES)
@pytest.mark.parametrize("kind", ["random", "runs", "constant"])
def test_encoded_output_decodes_with_pylibjpeg_rle(bits, samples, kind, pylibjpeg_decode):
    arr = _image(kind, 11, 257, samples, bits)
    out = pylibjpeg_decode(encode_frame(arr), 11, 257, samples, bits)
    assert np.array_equal(out, arr)


@pytest.mark.parametrize(("bits", "samples"), CASES)
def test_pylibjpeg_rle_output_decodes_identically(bits, samples, pylibjpeg_encode):
    arr = _image("runs", 13, 99, samples, bits, seed=4)
    data = pylibjpeg_encode(arr, bits)
    assert np.array_equal(decode_frame(data, 13, 99, samples, bits), arr)


def test_signed_input_is_stored_as_twos_complement():
    arr = np.array([[-1, -32768, 0, 32767]], dtype=np.int16)
    out = decode_frame(encode_frame(arr), 1, 4, 1, 16)
    assert np.array_equal(out.view(np.int16), arr)


def test_narrow_dtype_is_widened_to_bits_allocated():
    arr = np.array([[1, 2, 255]], dtype=np.uint8)
    data = encode_frame(arr, bits_allocated=16)
    assert np.array_equal(decode_frame(data, 1, 3, 1, 16), arr.astype(np.uint16))


def test_big_endian_input_encodes_the_same_values():
    arr = np.arange(60, dtype=">u2").reshape(6, 10) * 1001
    assert encode_frame(arr) == encode_frame(arr.astype("<u2"))


@pytest.mark.parametrize("dtype", ["<u2", ">u2", "<i4", ">u8"])
def test_non_contiguous_input(dtype):
    base = np.random.default_rng(1).integers(0, 65535, (20, 40, 3)).astype(dtype)
    view = base[::2, ::3]
    samples = 3 if view.dtype.itemsize < 8 else 1
    view = view if samples == 3 else view[..., 0]
    bits = view.dtype.itemsize * 8
    out = decode_frame(encode_frame(view), 10, 14, samples, bits)
    assert np.array_equal(out, view.astype(f"=u{bits // 8}"))


def test_encoding_matches_pydicom_segment_sizes_on_noise():
    # Same run rule as pydicom's encoder (2+ equal bytes -> replicate run).
    pydicom_native = pytest.importorskip("pydicom.pixels.encoders.native")
    arr = np.random.default_rng(3).integers(0, 6, (32, 64), dtype=np.uint16) * 255
    ours = encode_frame(arr)

    class Runner:
        bits_allocated, samples_per_pixel, columns = 16, 1, 64

        def get_option(self, name, default):
            return default

    assert ours == pydicom_native._encode_frame(arr.astype("<u2").tobytes(), Runner())
