"""pylibjpeg-rle through the bridge: segment order option, threads, agreement with dcmcore-rle."""

from __future__ import annotations

import io
import struct

import numpy as np
import pytest
from dcmcore_pylibjpeg import plugin

import dcmcore

RLE = "1.2.840.10008.1.2.5"


def _reverse_segments_per_sample(frame: bytes, samples: int) -> bytes:
    """Rewrite an RLE frame with each sample's byte segments least significant first."""
    count = struct.unpack("<I", frame[:4])[0]
    offsets = list(struct.unpack("<15I", frame[4:64]))[:count] + [len(frame)]
    segments = [frame[offsets[i]:offsets[i + 1]] for i in range(count)]
    per = count // samples
    reordered = [seg for s in range(samples) for seg in reversed(segments[s * per:(s + 1) * per])]
    starts, pos = [], 64
    for seg in reordered:
        starts.append(pos)
        pos += len(seg)
    header = struct.pack("<I", count) + struct.pack("<15I", *(starts + [0] * (15 - count)))
    return header + b"".join(reordered)


def _rle_file(make_dataset, to_bytes, arr, pi, bits, reverse=False):
    ds = make_dataset(arr, pi, bits)
    ds.compress(RLE, encoding_plugin="pylibjpeg-rle")
    if reverse:
        samples = 3 if pi == "RGB" else 1
        count = int(ds.get("NumberOfFrames") or 1)
        frames = [_reverse_segments_per_sample(bytes(f), samples) for f in
                  dcmcore.pixels.generate_frames(ds.PixelData, number_of_frames=count)]
        ds.PixelData = dcmcore.pixels.encapsulate(frames)
    return to_bytes(ds)


@pytest.mark.parametrize(("bits", "samples"), [(16, 1), (16, 3)])
def test_segment_order_option_reads_least_significant_first_segments(
        bits, samples, image, make_dataset, to_bytes, dcmcore_array):
    shape = (2, 20, 30) + ((3,) if samples == 3 else ())
    arr = image(shape, bits, False, seed=9)
    pi = "RGB" if samples == 3 else "MONOCHROME2"
    data = _rle_file(make_dataset, to_bytes, arr, pi, bits, reverse=True)
    swapped = dcmcore_array(data, "pylibjpeg-rle")
    assert np.array_equal(swapped, arr.byteswap())  # read as the standard says: wrong
    assert np.array_equal(dcmcore_array(data, "pylibjpeg-rle", rle_segment_order="<"), arr)


def test_segment_order_option_is_shared_with_dcmcore_rle(image, make_dataset, to_bytes,
                                                         dcmcore_array):
    # One option value serves whichever RLE decoder is selected.
    if not any(c.name == "rle" for c in dcmcore.codecs.available_decoders()):
        pytest.skip("dcmcore-rle is not installed")
    arr = image((20, 30), 16, False, seed=2)
    data = _rle_file(make_dataset, to_bytes, arr, "MONOCHROME2", 16, reverse=True)
    ours = dcmcore_array(data, "pylibjpeg-rle", rle_segment_order="<")
    native = dcmcore_array(data, "rle", rle_segment_order="<")
    assert np.array_equal(ours, native) and np.array_equal(ours, arr)


def test_bad_segment_order_value_is_refused(frame_info):
    info = frame_info(transfer_syntax_uid=RLE)
    frame = struct.pack("<I", 1) + struct.pack("<15I", 64, *[0] * 14) + bytes([0x81, 0])
    with pytest.raises(ValueError, match="rle_segment_order"):
        plugin.RLEDecoder().decode(frame, info, rle_segment_order="big")


def test_encoder_output_matches_dcmcore_rle_byte_for_byte(image, make_dataset):
    if not any(c.name == "rle" for c in dcmcore.codecs.available_encoders()):
        pytest.skip("dcmcore-rle is not installed")
    arr = image((3, 17, 45, 3), 16, False, seed=4)
    encoded = {}
    for name in ("pylibjpeg-rle", "rle"):
        ds = make_dataset(arr, "RGB", 16)
        ds.compress(RLE, encoding_plugin=name)
        encoded[name] = bytes(ds.PixelData)
    assert encoded["pylibjpeg-rle"] == encoded["rle"]


def test_parallel_decode_equals_sequential(image, make_dataset, to_bytes):
    # thread_safe is False (pylibjpeg-rle keeps the GIL): workers=2 runs processes.
    arr = image((16, 64, 64), 16, True, seed=6)
    data = _rle_file(make_dataset, to_bytes, arr, "MONOCHROME2", 16)
    ds = dcmcore.dcmread(io.BytesIO(data))
    ds.pixel_array_options(decoding_plugin="pylibjpeg", workers=2)
    assert np.array_equal(ds.pixel_array, arr)


def test_one_bit_frames_round_trip(make_dataset, to_bytes, pydicom_array, dcmcore_array):
    # Bits Allocated 1: pylibjpeg-rle encodes one byte per pixel; pydicom's own RLE decoder
    # refuses 1-bit data, its pylibjpeg backend reads it.
    arr = np.random.default_rng(8).integers(0, 2, (2, 16, 27)).astype(np.uint8)
    ds = make_dataset(arr, "MONOCHROME2", 8)
    ds.BitsAllocated = ds.BitsStored = 1
    ds.HighBit = 0
    ds.PixelData = dcmcore.pixels.pack_bits(arr)
    ds.compress(RLE, encoding_plugin="pylibjpeg")
    data = to_bytes(ds)
    assert np.array_equal(dcmcore_array(data, "pylibjpeg"), arr)
    assert np.array_equal(pydicom_array(data, "pylibjpeg"), arr)
