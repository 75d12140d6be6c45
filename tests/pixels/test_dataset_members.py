"""Conformance of dcmcore's Dataset pixel members to pydicom 3's documentation of them.

``pixel_array``, ``pixel_array_options``, ``convert_pixel_data``, ``overlay_array`` and
``waveform_array``: documented parameters, behaviour and exceptions, on pydicom's corpus,
with pydicom 3 as the reference where the documentation is silent. ``compress``,
``decompress`` and ``set_pixel_data``: test_pixels_compress_api.py.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest

import dcmcore.codecs
from dcmcore.codecs import Decoder, hookimpl
from tests.recording_codec import (
    EXPLICIT_LE,
    JLS_LOSSLESS,
    _both,
    _mine,
    np,
    recording_codec,
)

pydicom = pytest.importorskip("pydicom")
from pydicom.data import get_testdata_file  # noqa: E402


@pytest.fixture
def recorder() -> Iterator[list[tuple[str, dict[str, Any]]]]:
    yield from recording_codec()


# ============================================================ pixel_array
@pytest.mark.parametrize(
    "name, shape",
    [
        ("CT_small.dcm", (128, 128)),  # (rows, columns)
        ("SC_rgb_small_odd.dcm", (3, 3, 3)),  # (rows, columns, samples)
        ("rtdose.dcm", (15, 10, 10)),  # (frames, rows, columns)
        ("SC_rgb_rle_2frame.dcm", (2, 100, 100, 3)),  # (frames, rows, columns, samples)
        ("MR_small_RLE.dcm", (64, 64)),
        ("MR_small_bigendian.dcm", (64, 64)),
        ("SC_ybr_full_422_uncompressed.dcm", (100, 100, 3)),
        ("examples_palette.dcm", (350, 800)),
        ("liver_1frame.dcm", (512, 512)),  # bit-packed, Bits Allocated 1: unpacked
        ("liver_expb_1frame.dcm", (512, 512)),
        ("SC_rgb_rle_32bit_2frame.dcm", (2, 100, 100, 3)),
        ("rtdose_rle.dcm", (15, 10, 10)),
    ],
)
def test_pixel_array_shapes_and_values_match_pydicom(name: str, shape: tuple[int, ...]) -> None:
    ds, ref = _both(name)
    arr = ds.pixel_array
    assert isinstance(arr, np.ndarray)
    assert arr.shape == shape
    expected = ref.pixel_array
    assert arr.dtype == expected.dtype
    assert np.array_equal(arr, expected)


def test_pixel_array_is_cached_and_follows_pixel_data_changes() -> None:
    ds = _mine("CT_small.dcm")
    first = ds.pixel_array
    assert ds.pixel_array is first
    ds.PixelData = b"\x01\x00" * (128 * 128)
    assert np.all(ds.pixel_array == 1)


def test_pixel_array_float_pixel_data() -> None:
    """Documented: the contents of (7FE0,0008) Float Pixel Data are returned."""

    def build(lib: Any) -> Any:
        ds = lib.Dataset()
        ds.file_meta = lib.dataset.FileMetaDataset()
        ds.file_meta.TransferSyntaxUID = EXPLICIT_LE
        ds.Rows, ds.Columns, ds.SamplesPerPixel = 2, 3, 1
        ds.BitsAllocated = 32
        ds.PhotometricInterpretation = "MONOCHROME2"
        ds.FloatPixelData = np.arange(6, dtype="<f4").tobytes()
        return ds

    import dcmcore

    mine = build(dcmcore).pixel_array
    theirs = build(pydicom).pixel_array
    assert mine.dtype == theirs.dtype
    assert np.array_equal(mine, np.arange(6, dtype="f4").reshape(2, 3))
    assert np.array_equal(mine, theirs)


def test_pixel_array_double_float_pixel_data() -> None:
    import dcmcore

    def build(lib: Any) -> Any:
        ds = lib.Dataset()
        ds.file_meta = lib.dataset.FileMetaDataset()
        ds.file_meta.TransferSyntaxUID = EXPLICIT_LE
        ds.Rows, ds.Columns, ds.SamplesPerPixel = 2, 2, 1
        ds.BitsAllocated = 64
        ds.PhotometricInterpretation = "MONOCHROME2"
        ds.DoubleFloatPixelData = np.array([0.5, 1.5, -2.0, 3.25], dtype="<f8").tobytes()
        return ds

    mine, theirs = build(dcmcore).pixel_array, build(pydicom).pixel_array
    assert mine.shape == (2, 2)
    assert np.array_equal(mine, theirs)


# ============================================================ pixel_array_options
def test_pixel_array_options_index_returns_one_frame() -> None:
    ds, ref = _both("rtdose.dcm")
    assert ds.pixel_array_options(index=1) is None
    arr = ds.pixel_array
    assert arr.shape == (10, 10)
    assert np.array_equal(arr, ref.pixel_array[1])


def test_pixel_array_options_index_none_returns_all_frames() -> None:
    ds = _mine("rtdose.dcm")
    ds.pixel_array_options(index=0)
    assert ds.pixel_array.shape == (10, 10)
    ds.pixel_array_options(index=None)
    assert ds.pixel_array.shape == (15, 10, 10)


def test_pixel_array_options_raw_keeps_ycbcr() -> None:
    ds, ref = _both("SC_ybr_full_422_uncompressed.dcm")
    converted = ds.pixel_array
    ds.pixel_array_options(raw=True)
    ref.pixel_array_options(raw=True)
    raw = ds.pixel_array
    assert np.array_equal(raw, ref.pixel_array)
    assert not np.array_equal(raw, converted)
    assert raw.shape == (100, 100, 3)  # YBR_FULL_422 sub-sampling removed even when raw


def test_pixel_array_options_view_only_and_kwargs_like_pydicom() -> None:
    ds, ref = _both("CT_small.dcm")
    ds.pixel_array_options(view_only=True)
    ref.pixel_array_options(view_only=True)
    assert ds.pixel_array.flags.writeable == ref.pixel_array.flags.writeable
    assert np.array_equal(ds.pixel_array, ref.pixel_array)


def test_pixel_array_options_decoding_plugin_selects_plugin() -> None:
    ds = _mine("MR_small_RLE.dcm")
    ref = pydicom.dcmread(get_testdata_file("MR_small_RLE.dcm"))
    ds.pixel_array_options(decoding_plugin="rle")
    assert np.array_equal(ds.pixel_array, ref.pixel_array)


def test_pixel_array_options_kwargs_reach_decoding_plugin(recorder: list[Any]) -> None:
    ds = _mine("CT_small.dcm")
    ds.compress(JLS_LOSSLESS, encoding_plugin="recorder")
    ds.pixel_array_options(decoding_plugin="recorder", recorded_option=42)
    arr = ds.pixel_array
    assert ("decode", {"recorded_option": 42}) in recorder
    assert np.array_equal(arr, _mine("CT_small.dcm").pixel_array)


def test_pixel_array_options_unknown_decoding_plugin_raises_value_error() -> None:
    ds, ref = _both("MR_small_RLE.dcm")
    ref.pixel_array_options(decoding_plugin="nosuch")
    with pytest.raises(ValueError):
        ref.pixel_array  # noqa: B018
    ds.pixel_array_options(decoding_plugin="nosuch")
    with pytest.raises(ValueError):
        ds.pixel_array  # noqa: B018


def test_pixel_array_options_use_v2_backend_deprecated() -> None:
    ds = _mine("CT_small.dcm")
    with pytest.warns(DeprecationWarning):
        ds.pixel_array_options(use_v2_backend=True)
    assert ds.pixel_array.shape == (128, 128)


# ============================================================ convert_pixel_data
def test_convert_pixel_data_deprecated_stores_array() -> None:
    ds, ref = _both("MR_small_RLE.dcm")
    with pytest.warns(DeprecationWarning):
        assert ds.convert_pixel_data() is None
    assert np.array_equal(ds.pixel_array, ref.pixel_array)


def test_convert_pixel_data_handler_name_selects_plugin() -> None:
    ds, ref = _both("MR_small_RLE.dcm")
    with pytest.warns(DeprecationWarning):
        ds.convert_pixel_data("rle")
    assert np.array_equal(ds.pixel_array, ref.pixel_array)


def test_convert_pixel_data_invalid_handler_raises_value_error() -> None:
    """Documented ValueError for an invalid handler name; pydicom agrees on compressed data
    (on native data pydicom 3.0.2 ignores the name)."""
    ds, ref = _both("MR_small_RLE.dcm")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        with pytest.raises(ValueError):
            ref.convert_pixel_data("nosuch")
        with pytest.raises(ValueError):
            ds.convert_pixel_data("nosuch")


def test_convert_pixel_data_no_available_handler_raises_runtime_error() -> None:
    """Documented RuntimeError when no handler for the syntax is available (JPEG XL)."""
    ds = _mine("JPEG2000.dcm")
    ds.file_meta.TransferSyntaxUID = "1.2.840.10008.1.2.4.110"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        with pytest.raises(RuntimeError):
            ds.convert_pixel_data()


# ============================================================ overlay_array
def test_overlay_array_matches_pydicom() -> None:
    ds, ref = _both("examples_overlay.dcm")
    arr = ds.overlay_array(0x6000)
    expected = ref.overlay_array(0x6000)
    assert isinstance(arr, np.ndarray)
    assert arr.shape == expected.shape == (ds[0x60000010].value, ds[0x60000011].value)
    assert arr.dtype == expected.dtype
    assert np.array_equal(arr, expected)


@pytest.mark.parametrize("group", [0x5000, 0x6100, 0x0028])
def test_overlay_array_group_out_of_range_raises_value_error(group: int) -> None:
    ds = _mine("examples_overlay.dcm")
    with pytest.raises(ValueError):
        ds.overlay_array(group)


# ============================================================ waveform_array
@pytest.mark.parametrize("index", [0, 1])
def test_waveform_array_matches_pydicom(index: int) -> None:
    ds, ref = _both("waveform_ecg.dcm")
    arr = ds.waveform_array(index)
    expected = ref.waveform_array(index)
    group = ds.WaveformSequence[index]
    assert arr.shape == (group.NumberOfWaveformSamples, group.NumberOfWaveformChannels)
    assert arr.dtype == expected.dtype
    assert np.allclose(arr, expected)


def test_waveform_array_without_channel_sensitivity_gives_raw_values() -> None:
    """With (003A,0210) the values are scaled to the sensitivity units; without it raw."""
    ds, ref = _both("waveform_ecg.dcm")
    scaled = ds.waveform_array(0)
    for lib_ds in (ds, ref):
        for channel in lib_ds.WaveformSequence[0].ChannelDefinitionSequence:
            del channel.ChannelSensitivity
    raw = ds.waveform_array(0)
    expected = ref.waveform_array(0)
    assert np.array_equal(raw, expected)
    assert raw.dtype == expected.dtype
    assert not np.allclose(raw, scaled)


def test_waveform_array_bad_index_and_no_waveform_like_pydicom() -> None:
    ds, ref = _both("waveform_ecg.dcm")
    with pytest.raises(IndexError):
        ref.waveform_array(5)
    with pytest.raises(IndexError):
        ds.waveform_array(5)
    ct, ct_ref = _both("CT_small.dcm")
    with pytest.raises(AttributeError):
        ct_ref.waveform_array(0)
    with pytest.raises(AttributeError):
        ct.waveform_array(0)


# ============================================================ exceptions like pydicom
def test_pixel_array_without_pixel_data_raises_attribute_error() -> None:
    ds, ref = _both("CT_small.dcm")
    del ds.PixelData
    del ref.PixelData
    with pytest.raises(AttributeError):
        ref.pixel_array  # noqa: B018
    with pytest.raises(AttributeError):
        ds.pixel_array  # noqa: B018


def test_pixel_array_missing_image_pixel_element_raises_attribute_error() -> None:
    ds = _mine("CT_small.dcm")
    del ds.Rows
    with pytest.raises(AttributeError, match="Rows"):
        ds.pixel_array  # noqa: B018


def test_pixel_array_options_index_out_of_range_raises_value_error() -> None:
    ds = _mine("CT_small.dcm")
    ds.pixel_array_options(index=5)
    with pytest.raises(ValueError):
        ds.pixel_array  # noqa: B018
    ds.pixel_array_options(index=-1)
    with pytest.raises(ValueError):
        ds.pixel_array  # noqa: B018


def test_overlay_array_missing_overlay_raises_attribute_error() -> None:
    ds = _mine("examples_overlay.dcm")
    for group in (0x6002, 0x6001):
        with pytest.raises(AttributeError):
            ds.overlay_array(group)
    with pytest.raises(AttributeError):
        _mine("CT_small.dcm").overlay_array(0x6000)


def test_pixel_array_recomputed_after_image_pixel_change() -> None:
    ds, ref = _both("CT_small.dcm")
    ds.pixel_array  # noqa: B018
    ref.pixel_array  # noqa: B018
    for lib_ds in (ds, ref):
        lib_ds.Rows = 64
        lib_ds.NumberOfFrames = 2
    assert ds.pixel_array.shape == ref.pixel_array.shape == (2, 64, 128)
    assert np.array_equal(ds.pixel_array, ref.pixel_array)


def test_pixel_array_options_calls_replace_previous_options() -> None:
    ds = _mine("rtdose.dcm")
    ds.pixel_array_options(index=1)
    assert ds.pixel_array.shape == (10, 10)
    ds.pixel_array_options(raw=True)  # index back to its default, None
    assert ds.pixel_array.shape == (15, 10, 10)


def test_convert_pixel_data_result_is_what_pixel_array_returns() -> None:
    ds = _mine("MR_small_RLE.dcm")
    with pytest.warns(DeprecationWarning):
        ds.convert_pixel_data()
    arr = ds.pixel_array
    assert ds.pixel_array is arr


class _UnavailableJ2KDecoder(Decoder):
    name = "missing-j2k"
    transfer_syntaxes = ("1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91")
    requires = ("no_such_codec_module",)


def test_convert_pixel_data_unavailable_handler_raises_runtime_error() -> None:
    """Documented RuntimeError: the given handler is installed but not available."""
    ds = _mine("JPEG2000.dcm")
    name = dcmcore.codecs.register(SimpleNamespace(
        dcmcore_decoders=hookimpl(lambda: [_UnavailableJ2KDecoder()])), name="missing-j2k")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            with pytest.raises(RuntimeError, match="no_such_codec_module"):
                ds.convert_pixel_data("missing-j2k")
    finally:
        dcmcore.codecs.unregister(name)


def test_convert_pixel_data_handler_not_handling_syntax_raises_not_implemented() -> None:
    ds = _mine("JPEG2000.dcm")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        with pytest.raises(NotImplementedError):
            ds.convert_pixel_data("rle")
