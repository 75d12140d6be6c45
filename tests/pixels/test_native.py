"""Native pixel data: every Image Pixel combination against pydicom's pixel_array."""

from __future__ import annotations

import io
import itertools
import warnings

import numpy as np
import pytest

from tests.pixel_datasets import assert_same_array, make_ds

pydicom = pytest.importorskip("pydicom")
from pydicom.uid import ExplicitVRBigEndian, ExplicitVRLittleEndian  # noqa: E402

import dcmcore.pixels as px  # noqa: E402
from dcmcore.errors import PixelDataError  # noqa: E402

try:
    import dcmcore
    from dcmcore.io.reader import dcmread as _dcmread  # noqa: F401
except ImportError:  # reader not there
    dcmcore = None


def _both(ds, **opts):
    """pydicom's array for `ds`, and dcmcore's, checked three ways to be the same.

    dcmcore decodes the same in-memory dataset, the Part 10 bytes read with
    dcmcore.dcmread, and the bytes as a file (frames read on demand).
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = pydicom.pixels.pixel_array(ds, **opts)
        got = px.pixel_array(ds, **opts)
        raw = _to_file(ds)
        from_file = px.pixel_array(io.BytesIO(raw), **opts)
        if dcmcore is not None:
            ours = dcmcore.dcmread(io.BytesIO(raw))
            assert_same_array(got, px.pixel_array(ours, **opts))
    assert_same_array(got, from_file)
    return ref, got


def _to_file(ds) -> bytes:
    buf = io.BytesIO()
    ds.save_as(buf, enforce_file_format=True)
    return buf.getvalue()


MONO = list(itertools.product(
    [8, 16, 32, 64],            # bits allocated
    [0, 1],                     # pixel representation
    ["full", "less"],           # bits stored
    [1, 3],                     # frames
    [ExplicitVRLittleEndian, ExplicitVRBigEndian],
))


@pytest.mark.parametrize("ba,pr,bs,frames,ts", MONO)
def test_native_monochrome_matches_pydicom(ba, pr, bs, frames, ts):
    stored = ba if bs == "full" else ba - 3
    ds = make_ds(rows=4, cols=7, ba=ba, bs=stored, pr=pr, frames=frames, tsyntax=ts,
                 seed=ba + pr + frames)
    ref, got = _both(ds)
    assert_same_array(ref, got)
    for index in range(frames):
        ref, got = _both(ds, index=index)
        assert_same_array(ref, got)


@pytest.mark.parametrize("pc,frames,ba,pi", list(itertools.product(
    [0, 1], [1, 2], [8, 16], ["RGB", "YBR_FULL"])))
def test_native_three_samples_planar_matches_pydicom(pc, frames, ba, pi):
    ds = make_ds(rows=3, cols=5, spp=3, ba=ba, pc=pc, frames=frames, pi=pi, seed=pc + frames)
    if pi == "YBR_FULL" and ba == 16:
        # neither library converts 16-bit YCbCr; raw output must still match
        ref, got = _both(ds, raw=True)
        with pytest.raises(ValueError):
            px.pixel_array(ds)
    else:
        ref, got = _both(ds)
    assert_same_array(ref, got)
    ref, got = _both(ds, raw=True)
    assert_same_array(ref, got)


@pytest.mark.parametrize("frames,raw", [(1, False), (3, False), (3, True)])
def test_native_ybr_full_422_expands_like_pydicom(frames, raw):
    ds = make_ds(rows=4, cols=6, spp=3, ba=8, pi="YBR_FULL_422", frames=frames, seed=frames)
    ref, got = _both(ds, raw=raw)
    assert_same_array(ref, got)
    ref, got = _both(ds, index=frames - 1, raw=raw)
    assert_same_array(ref, got)


@pytest.mark.parametrize("rows,cols,frames", [(3, 3, 1), (3, 3, 5), (4, 4, 3), (5, 7, 4)])
def test_native_bit_packed_frames_across_byte_boundaries(rows, cols, frames):
    ds = make_ds(rows=rows, cols=cols, ba=1, frames=frames, seed=rows * cols)
    ref, got = _both(ds)
    assert_same_array(ref, got)
    raw = _to_file(ds)
    whole = ref if frames > 1 else ref[None]
    for index in range(frames):
        # pydicom 3.0.2 fails on a single non byte-aligned frame (it reads one byte too
        # few), so compare each frame with its slice of pydicom's whole array
        got = px.pixel_array(ds, index=index)
        assert_same_array(whole[index], got)
        assert_same_array(whole[index], px.pixel_array(io.BytesIO(raw), index=index))


@pytest.mark.parametrize("pi", ["MONOCHROME1", "PALETTE COLOR"])
def test_native_other_photometric_interpretations(pi):
    ds = make_ds(ba=16, pi=pi, frames=2)
    ref, got = _both(ds)
    assert_same_array(ref, got)


@pytest.mark.parametrize("keyword,ba,ts", [
    ("FloatPixelData", 32, ExplicitVRLittleEndian),
    ("DoubleFloatPixelData", 64, ExplicitVRLittleEndian),
    ("FloatPixelData", 32, ExplicitVRBigEndian),
    ("DoubleFloatPixelData", 64, ExplicitVRBigEndian),
])
@pytest.mark.parametrize("frames", [1, 3])
def test_native_float_and_double_float_pixel_data(keyword, ba, ts, frames):
    ds = make_ds(ba=ba, keyword=keyword, tsyntax=ts, frames=frames)
    ref, got = _both(ds)
    assert_same_array(ref, got)
    ref, got = _both(ds, index=frames - 1)
    assert_same_array(ref, got)


def test_native_odd_length_with_and_without_padding_byte():
    padded = make_ds(rows=3, cols=3, ba=8, pad=True)
    assert len(padded.PixelData) == 10
    unpadded = make_ds(rows=3, cols=3, ba=8, pad=False)
    assert len(unpadded.PixelData) == 9
    for ds in (padded, unpadded):
        ref, got = _both(ds)
        assert_same_array(ref, got)


def test_native_excess_padding_warns_and_is_trimmed():
    ds = make_ds(rows=4, cols=4, ba=8)
    ds.PixelData = ds.PixelData + b"\x00" * 6
    with pytest.warns(Warning, match="excess padding"):
        got = px.pixel_array(ds)
    assert got.shape == (4, 4)


def test_native_excess_whole_frames_are_returned_like_pydicom():
    ds = make_ds(rows=4, cols=4, ba=8, frames=2)
    ds.PixelData = ds.PixelData * 2
    ref, got = _both(ds)
    assert_same_array(ref, got)
    assert got.shape == (4, 4, 4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        only = px.pixel_array(ds, allow_excess_frames=False)
    assert only.shape == (2, 4, 4)


def test_native_short_data_raises_naming_pixel_data():
    ds = make_ds(rows=8, cols=8, ba=16)
    ds.PixelData = ds.PixelData[:-20]
    with pytest.raises(PixelDataError, match=r"\(7FE0,0010\) 'Pixel Data'.*less than expected"):
        px.pixel_array(ds)


def test_native_big_endian_8_bit_ow_is_unswapped_like_pydicom():
    ds = make_ds(rows=3, cols=3, spp=1, ba=8, frames=3, tsyntax=ExplicitVRBigEndian,
                 vr="OW")
    ref, got = _both(ds)
    assert_same_array(ref, got)
    for index in range(3):
        ref, got = _both(ds, index=index)
        assert_same_array(ref, got)


def test_view_only_returns_read_only_view_on_the_buffer():
    ds = make_ds(rows=4, cols=4, ba=16)
    arr = px.pixel_array(ds, view_only=True)
    assert not arr.flags.writeable
    assert np.shares_memory(arr, np.frombuffer(ds.PixelData, np.uint8))
    default = px.pixel_array(ds)
    assert default.flags.writeable
    assert not np.shares_memory(default, np.frombuffer(ds.PixelData, np.uint8))


def test_bits_stored_correction_sign_extends_and_masks():
    # 12-bit signed values with garbage in the top bits
    raw = np.array([0x0FFF, 0xF800, 0x07FF, 0x1234], dtype="<u2")
    ds = make_ds(rows=1, cols=4, ba=16, bs=12, pr=1, data=raw.tobytes())
    got = px.pixel_array(ds)
    assert got.tolist() == [[-1, -2048, 2047, 0x234]]
    ds.PixelRepresentation = 0
    assert px.pixel_array(ds).tolist() == [[0xFFF, 0x800, 0x7FF, 0x234]]
    assert px.pixel_array(ds, correct_unused_bits=False).tolist() == [raw.tolist()]


def test_pixel_array_function_keeps_no_options_on_the_dataset():
    # as pydicom's pixel_array(ds): only the options given; a Dataset's own options are
    # its pixel members' (ds.pixel_array_options + ds.pixel_array)
    ds = make_ds(rows=3, cols=3, ba=8, frames=4)
    ds.pixel_array_options(index=2)
    assert px.pixel_array(ds).shape == (4, 3, 3)
    assert px.pixel_array(ds, index=2).shape == (3, 3)
    assert not hasattr(px, "pixel_array_options")


def test_pack_and_unpack_bits_match_pydicom():
    from pydicom.pixels.utils import pack_bits as pd_pack
    from pydicom.pixels.utils import unpack_bits as pd_unpack

    bits = np.random.default_rng(5).integers(0, 2, 77, dtype=np.uint8)
    assert px.pack_bits(bits) == pd_pack(bits)
    assert px.pack_bits(bits, pad=False) == pd_pack(bits, pad=False)
    packed = px.pack_bits(bits)
    assert_same_array(pd_unpack(packed), px.unpack_bits(packed))
    assert px.unpack_bits(packed, as_array=False) == pd_unpack(packed, as_array=False)
    with pytest.raises(ValueError):
        px.pack_bits(np.array([0, 2]))


def test_colour_conversion_matches_pydicom():
    from pydicom.pixels import convert_color_space as pd_convert

    arr = np.random.default_rng(6).integers(0, 256, (2, 5, 7, 3), dtype=np.uint8)
    for cur, new in (("YBR_FULL", "RGB"), ("RGB", "YBR_FULL"), ("YBR_FULL_422", "RGB"),
                     ("RGB", "RGB")):
        assert_same_array(pd_convert(arr, cur, new), px.convert_color_space(arr, cur, new))


@pytest.mark.parametrize("pi,opts", [
    ("RGB", {"force_ybr": True}),
    ("YBR_FULL", {"as_rgb": False}),
    ("YBR_FULL", {"force_rgb": True, "as_rgb": False}),
    ("RGB", {"force_rgb": True}),
])
def test_colour_options_match_pydicom(pi, opts):
    ds = make_ds(rows=3, cols=4, spp=3, ba=8, pi=pi, frames=2)
    ref, got = _both(ds, **opts)
    assert_same_array(ref, got)


def test_force_rgb_and_force_ybr_together_is_an_error():
    with pytest.raises(ValueError):
        px.pixel_array(make_ds(spp=3, ba=8), force_rgb=True, force_ybr=True)


def test_image_pixel_values_given_as_options_override_the_dataset():
    ds = make_ds(rows=4, cols=6, ba=8, frames=2)
    ref, got = _both(ds, rows=6, columns=4, number_of_frames=2)
    assert got.shape == (2, 6, 4)
    frames = list(px.iter_pixels(ds, rows=8, columns=6, number_of_frames=1))
    assert len(frames) == 1 and frames[0].shape == (8, 6)
