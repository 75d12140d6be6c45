"""Conformance of ``compress``, ``decompress`` and ``set_pixel_data`` to pydicom 3's documentation of them.

Documented parameters, the dataset updates they document (Transfer Syntax UID, Pixel
Data VR and length, Image Pixel elements, SOP Instance UID, offset tables) and exceptions,
with pydicom 3 as the reference where the documentation is silent. JPEG-LS / JPEG 2000
options are checked with the recording stand-in codec of tests/recording_codec.py.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest

from dcmcore.dataset import Dataset
from tests.recording_codec import (
    EXPLICIT_LE,
    IMPLICIT_LE,
    J2K,
    J2K_LOSSLESS,
    JLS_LOSSLESS,
    JLS_NEAR,
    RLE,
    _both,
    _mine,
    np,
    recording_codec,
)

pydicom = pytest.importorskip("pydicom")


@pytest.fixture
def recorder() -> Iterator[list[tuple[str, dict[str, Any]]]]:
    yield from recording_codec()


# ============================================================ decompress
def test_decompress_documented_dataset_updates() -> None:
    ds, ref = _both("MR_small_RLE.dcm")
    uid = ds.SOPInstanceUID
    assert ds.decompress() is None
    assert ds.file_meta.TransferSyntaxUID == EXPLICIT_LE
    elem = ds["PixelData"]
    assert elem.VR == "OW"  # Bits Allocated 16
    assert elem.is_undefined_length is False
    assert len(elem.value) % 2 == 0
    assert ds.SOPInstanceUID != uid
    assert np.array_equal(ds.pixel_array, ref.pixel_array)
    ref.decompress()
    assert elem.value == ref.PixelData


def test_decompress_8_bit_gives_ob_and_keeps_uid_if_asked() -> None:
    ds, ref = _both("SC_rgb_rle_2frame.dcm")
    uid = ds.SOPInstanceUID
    ds.decompress(generate_instance_uid=False)
    ref.decompress(generate_instance_uid=False)
    assert ds.SOPInstanceUID == uid
    assert ds["PixelData"].VR == "OB"
    assert ds.PixelData == ref.PixelData
    for kw in ("PhotometricInterpretation", "PlanarConfiguration", "NumberOfFrames"):
        assert ds.get(kw) == ref.get(kw), kw


def test_decompress_odd_length_is_padded_to_even() -> None:
    ds = _mine("SC_rgb_small_odd.dcm")  # 3x3x3 = 27 bytes
    ds.compress(RLE, generate_instance_uid=False)
    ds.decompress()
    assert len(ds.PixelData) == 28
    assert np.array_equal(ds.pixel_array, _mine("SC_rgb_small_odd.dcm").pixel_array)


def _ybr_rle() -> tuple[Any, Any, Any]:
    """An RLE Lossless YBR_FULL dataset, its YBR array and the RGB original."""
    from pydicom.pixels import convert_color_space

    ds = _mine("SC_rgb_rle.dcm")
    rgb = ds.pixel_array
    ybr = convert_color_space(rgb, "RGB", "YBR_FULL")
    ds.decompress()
    ds.PhotometricInterpretation = "YBR_FULL"
    ds.compress(RLE, ybr, generate_instance_uid=False)
    return ds, ybr, rgb


def test_decompress_as_rgb_true_converts_ycbcr_to_rgb() -> None:
    ds, ybr, rgb = _ybr_rle()
    ds.decompress(as_rgb=True)
    assert ds.PhotometricInterpretation == "RGB"
    arr = ds.pixel_array
    assert np.abs(arr.astype(int) - rgb.astype(int)).max() <= 2
    assert not np.array_equal(arr, ybr)


def test_decompress_as_rgb_false_keeps_ycbcr() -> None:
    ds, ybr, _ = _ybr_rle()
    ds.decompress(as_rgb=False)
    assert ds.PhotometricInterpretation == "YBR_FULL"
    ds.pixel_array_options(raw=True)
    assert np.array_equal(ds.pixel_array, ybr)


def test_decompress_handler_name_deprecated_but_used() -> None:
    ds = _mine("MR_small_RLE.dcm")
    with pytest.warns(DeprecationWarning):
        ds.decompress("rle")
    assert ds.file_meta.TransferSyntaxUID == EXPLICIT_LE


def test_decompress_decoding_plugin_and_kwargs(recorder: list[Any]) -> None:
    ds = _mine("CT_small.dcm")
    ds.compress(JLS_LOSSLESS, encoding_plugin="recorder")
    recorder.clear()
    ds.decompress(decoding_plugin="recorder", recorded_option="x")
    assert recorder == [("decode", {"recorded_option": "x"})]
    assert ds.file_meta.TransferSyntaxUID == EXPLICIT_LE
    assert np.array_equal(ds.pixel_array, _mine("CT_small.dcm").pixel_array)


def test_decompress_uncompressed_dataset_raises_like_pydicom() -> None:
    ds, ref = _both("CT_small.dcm")
    with pytest.raises(ValueError):
        ref.decompress()
    with pytest.raises(ValueError):
        ds.decompress()


def test_decompress_unknown_decoding_plugin_raises_value_error() -> None:
    ds, ref = _both("MR_small_RLE.dcm")
    with pytest.raises(ValueError):
        ref.decompress(decoding_plugin="nosuch")
    with pytest.raises(ValueError):
        ds.decompress(decoding_plugin="nosuch")


# ============================================================ compress
def test_compress_doc_example_rle_lossless() -> None:
    ds, ref = _both("CT_small.dcm")
    uid = ds.SOPInstanceUID
    original = ds.pixel_array.copy()
    assert ds.compress(RLE) is None
    ref.compress(RLE, encoding_plugin="pydicom")
    assert ds.file_meta.TransferSyntaxUID == RLE
    assert ds["PixelData"].is_undefined_length
    assert ds.SOPInstanceUID != uid
    assert ds.PixelData == ref.PixelData  # same RLE encoding as pydicom's
    assert "ExtendedOffsetTable" not in ds
    buf = io.BytesIO()
    ds.save_as(buf)
    back = pydicom.dcmread(io.BytesIO(buf.getvalue()))
    assert np.array_equal(back.pixel_array, original)


def test_compress_generate_instance_uid_false_keeps_uid() -> None:
    ds = _mine("CT_small.dcm")
    uid = ds.SOPInstanceUID
    ds.compress(RLE, generate_instance_uid=False)
    assert ds.SOPInstanceUID == uid


def test_compress_arr_replaces_pixel_data() -> None:
    ds = _mine("CT_small.dcm")
    arr = (np.arange(128 * 128, dtype=np.int16) % 1000).reshape(128, 128)
    ds.compress(RLE, arr)
    assert ds.file_meta.TransferSyntaxUID == RLE
    assert np.array_equal(ds.pixel_array, arr)


def test_compress_encapsulate_ext_adds_extended_offset_table() -> None:
    ds, ref = _both("SC_rgb_rle_2frame.dcm")
    ds.decompress()
    ref.decompress()
    ds.compress(RLE, encapsulate_ext=True, generate_instance_uid=False)
    ref.compress(RLE, encapsulate_ext=True, generate_instance_uid=False)
    assert "ExtendedOffsetTable" in ds and "ExtendedOffsetTableLengths" in ds
    assert ds.ExtendedOffsetTable == ref.ExtendedOffsetTable
    assert ds.ExtendedOffsetTableLengths == ref.ExtendedOffsetTableLengths
    assert ds.PixelData == ref.PixelData
    assert np.array_equal(ds.pixel_array, _mine("SC_rgb_rle_2frame.dcm").pixel_array)


def test_compress_encoding_plugin_selects_plugin(recorder: list[Any]) -> None:
    ds = _mine("CT_small.dcm")
    ds.compress(RLE, encoding_plugin="rle")
    assert ds.file_meta.TransferSyntaxUID == RLE
    assert recorder == []
    ds = _mine("CT_small.dcm")
    ds.compress(JLS_LOSSLESS, encoding_plugin="recorder")
    assert ds.file_meta.TransferSyntaxUID == JLS_LOSSLESS
    assert recorder and recorder[0][0] == "encode"


def test_compress_adds_file_meta_if_none_present() -> None:
    """Documented: 'This method will add the file meta dataset if none is present'."""
    ds = Dataset()
    arr = np.arange(12, dtype=np.uint8).reshape(3, 4)
    ds.Rows, ds.Columns, ds.SamplesPerPixel = 3, 4, 1
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 8, 8, 7, 0
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.compress(RLE, arr)
    assert ds.file_meta.TransferSyntaxUID == RLE
    assert np.array_equal(ds.pixel_array, arr)


def test_compress_jls_error_forwarded(recorder: list[Any]) -> None:
    ds = _mine("CT_small.dcm")
    ds.compress(JLS_NEAR, jls_error=3, encoding_plugin="recorder")
    assert ds.file_meta.TransferSyntaxUID == JLS_NEAR
    _, options = recorder[0]
    assert options["jls_error"] == 3


def test_compress_j2k_cr_and_j2k_psnr_forwarded(recorder: list[Any]) -> None:
    ds = _mine("CT_small.dcm")
    ds.compress(J2K, j2k_cr=[20, 5], encoding_plugin="recorder")
    assert list(recorder[-1][1]["j2k_cr"]) == [20, 5]
    ds = _mine("CT_small.dcm")
    ds.compress(J2K, j2k_psnr=[80, 300], encoding_plugin="recorder")
    assert list(recorder[-1][1]["j2k_psnr"]) == [80, 300]


def test_compress_kwargs_forwarded_to_plugin(recorder: list[Any]) -> None:
    ds = _mine("CT_small.dcm")
    ds.compress(JLS_LOSSLESS, encoding_plugin="recorder", recorded_option="y")
    assert recorder[0][1]["recorded_option"] == "y"


def test_compress_without_encoder_raises_like_pydicom() -> None:
    """No JPEG XL encoder exists in either library: pydicom raises RuntimeError."""
    jpeg_xl_lossless = "1.2.840.10008.1.2.4.110"
    ds, ref = _both("CT_small.dcm")
    with pytest.raises(RuntimeError):
        ref.compress(jpeg_xl_lossless)
    with pytest.raises(RuntimeError):
        ds.compress(jpeg_xl_lossless)


# ============================================================ set_pixel_data
_IMAGE_PIXEL = (
    "SamplesPerPixel",
    "PhotometricInterpretation",
    "PlanarConfiguration",
    "NumberOfFrames",
    "Rows",
    "Columns",
    "BitsAllocated",
    "BitsStored",
    "HighBit",
    "PixelRepresentation",
)


def _image_pixel(ds: Any) -> dict[str, Any]:
    return {kw: ds.get(kw) for kw in _IMAGE_PIXEL}


def test_set_pixel_data_multiframe_rgb_on_scratch_dataset() -> None:
    arr = np.arange(2 * 3 * 4 * 3, dtype=np.uint8).reshape(2, 3, 4, 3)
    ds, ref = Dataset(), pydicom.Dataset()
    assert ds.set_pixel_data(arr, "RGB", 8) is None
    ref.set_pixel_data(arr, "RGB", 8)
    assert _image_pixel(ds) == _image_pixel(ref)
    assert ds.SamplesPerPixel == 3
    assert ds.PlanarConfiguration == 0
    assert int(ds.NumberOfFrames) == 2
    assert (ds.Rows, ds.Columns) == (3, 4)
    assert (ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation) == (8, 8, 7, 0)
    assert ds.file_meta.TransferSyntaxUID == EXPLICIT_LE
    assert "SOPInstanceUID" in ds
    assert ds.PixelData == ref.PixelData
    assert np.array_equal(ds.pixel_array, arr)


@pytest.mark.parametrize(
    "dtype, bits, rep", [(np.uint8, 8, 0), (np.int8, 8, 1), (np.uint16, 16, 0), (np.int16, 16, 1)]
)
def test_set_pixel_data_bits_allocated_and_representation_from_dtype(
    dtype: Any, bits: int, rep: int
) -> None:
    arr = np.arange(6).reshape(2, 3).astype(dtype)
    if rep:
        arr -= 3
    ds = Dataset()
    ds.set_pixel_data(arr, "MONOCHROME2", 6)
    assert ds.BitsAllocated == bits
    assert ds.PixelRepresentation == rep
    assert (ds.BitsStored, ds.HighBit) == (6, 5)
    assert np.array_equal(ds.pixel_array, arr)


def test_set_pixel_data_removes_planar_configuration_and_number_of_frames() -> None:
    """Single frame, one sample: Number of Frames and Planar Configuration removed; a
    compressed Transfer Syntax UID becomes Explicit VR Little Endian."""
    ds, ref = _both("SC_rgb_rle_2frame.dcm")
    uid = ds.SOPInstanceUID
    arr = np.zeros((5, 6), dtype=np.int16)
    ds.set_pixel_data(arr, "MONOCHROME2", 12, generate_instance_uid=False)
    ref.set_pixel_data(arr, "MONOCHROME2", 12, generate_instance_uid=False)
    assert "PlanarConfiguration" not in ds
    assert "NumberOfFrames" not in ds
    assert _image_pixel(ds) == _image_pixel(ref)
    assert ds.file_meta.TransferSyntaxUID == EXPLICIT_LE
    assert ds.SOPInstanceUID == uid
    assert not ds["PixelData"].is_undefined_length


def test_set_pixel_data_keeps_uncompressed_transfer_syntax() -> None:
    ds = _mine("MR_small_implicit.dcm")
    ds.set_pixel_data(np.zeros((4, 4), dtype=np.uint16), "MONOCHROME1", 10)
    assert ds.file_meta.TransferSyntaxUID == IMPLICIT_LE
    assert ds.PhotometricInterpretation == "MONOCHROME1"


def test_set_pixel_data_generates_new_instance_uid() -> None:
    ds = _mine("CT_small.dcm")
    uid = ds.SOPInstanceUID
    ds.set_pixel_data(np.zeros((4, 4), dtype=np.uint16), "MONOCHROME2", 16)
    assert ds.SOPInstanceUID != uid


def test_set_pixel_data_big_endian_raises_not_implemented() -> None:
    ds = _mine("MR_small_bigendian.dcm")
    with pytest.raises(NotImplementedError):
        ds.set_pixel_data(np.zeros((4, 4), dtype=np.uint16), "MONOCHROME2", 12)


@pytest.mark.parametrize(
    "arr, pi, bits",
    [
        (np.zeros((4, 4), dtype=np.uint8), "MONOCHROME2", 12),  # bits_stored > itemsize bits
        (np.zeros((4, 4), dtype=np.uint8), "MONOCHROME2", 0),
        (np.zeros((4, 4), dtype=np.float32), "MONOCHROME2", 8),  # unsupported dtype
        (np.zeros((4, 4), dtype=np.uint8), "YBR_ICT", 8),  # not a listed value
    ],
)
def test_set_pixel_data_invalid_arguments_raise_value_error_like_pydicom(
    arr: Any, pi: str, bits: int
) -> None:
    with pytest.raises(ValueError):
        pydicom.Dataset().set_pixel_data(arr, pi, bits)
    with pytest.raises(ValueError):
        Dataset().set_pixel_data(arr, pi, bits)


@pytest.mark.parametrize(
    "pi", ["MONOCHROME1", "MONOCHROME2", "PALETTE COLOR", "RGB", "YBR_FULL", "YBR_FULL_422"]
)
def test_set_pixel_data_each_documented_photometric_interpretation(pi: str) -> None:
    spp = 3 if pi in ("RGB", "YBR_FULL", "YBR_FULL_422") else 1
    shape = (4, 6, 3) if spp == 3 else (4, 6)
    arr = np.arange(int(np.prod(shape)), dtype=np.uint8).reshape(shape)
    ds, ref = Dataset(), pydicom.Dataset()
    ds.set_pixel_data(arr, pi, 8)
    ref.set_pixel_data(arr, pi, 8)
    assert ds.PhotometricInterpretation == pi
    assert ds.SamplesPerPixel == spp
    assert _image_pixel(ds) == _image_pixel(ref)
    assert ds.PixelData == ref.PixelData


# ============================================================ compress
def test_compress_missing_required_element_raises_attribute_error() -> None:
    """The documented required Image Pixel elements must be present (pydicom: AttributeError)."""
    ds = _mine("CT_small.dcm")
    del ds.BitsStored
    with pytest.raises(AttributeError, match="Bits Stored"):
        ds.compress(RLE)


def test_compress_already_compressed_raises_value_error() -> None:
    ds = _mine("MR_small_RLE.dcm")
    with pytest.raises(ValueError):
        ds.compress(RLE)


def test_compress_arr_not_matching_dataset_raises_value_error() -> None:
    """'The shape, dtype and contents of the array should match the dataset.'"""
    ds = _mine("CT_small.dcm")
    with pytest.raises(ValueError):
        ds.compress(RLE, np.zeros((10, 10), dtype=np.int16))


def test_compress_to_uncompressed_syntax_raises_not_implemented_like_pydicom() -> None:
    ds, ref = _both("CT_small.dcm")
    with pytest.raises(NotImplementedError):
        ref.compress(EXPLICIT_LE)
    with pytest.raises(NotImplementedError):
        ds.compress(EXPLICIT_LE)


# ============================================================ decompress
def test_decompress_without_transfer_syntax_raises_attribute_error() -> None:
    ds = _mine("MR_small_RLE.dcm")
    del ds.file_meta
    with pytest.raises(AttributeError):
        ds.decompress()


# ============================================================ set_pixel_data
def test_set_pixel_data_existing_float_pixel_data_raises_attribute_error() -> None:
    ds = Dataset()
    ds.FloatPixelData = b"\x00" * 16
    with pytest.raises(AttributeError):
        ds.set_pixel_data(np.zeros((2, 2), np.uint8), "MONOCHROME2", 8)


@pytest.mark.parametrize(
    "arr, pi",
    [
        (np.zeros((2, 2, 2, 2, 2), np.uint8), "MONOCHROME2"),
        (np.zeros((2, 2, 4), np.uint8), "RGB"),
        (np.full((2, 2), 300, np.uint16), "MONOCHROME2"),  # values exceed bits_stored=8
        (np.full((2, 2), -200, np.int16), "MONOCHROME2"),
    ],
)
def test_set_pixel_data_array_not_fitting_raises_value_error(arr: Any, pi: str) -> None:
    with pytest.raises(ValueError):
        pydicom.Dataset().set_pixel_data(arr, pi, 8)
    with pytest.raises(ValueError):
        Dataset().set_pixel_data(arr, pi, 8)


def test_set_pixel_data_ybr_full_422_subsamples_like_pydicom() -> None:
    arr = np.arange(2 * 4 * 3, dtype=np.uint8).reshape(2, 4, 3)
    ds, ref = Dataset(), pydicom.Dataset()
    ds.set_pixel_data(arr, "YBR_FULL_422", 8)
    ref.set_pixel_data(arr, "YBR_FULL_422", 8)
    assert ds.PixelData == ref.PixelData
    assert len(ds.PixelData) == 2 * 4 * 2


def test_set_pixel_data_sets_planar_configuration_0_for_multi_sample() -> None:
    ds = Dataset()
    ds.PlanarConfiguration = 1
    ds.set_pixel_data(np.zeros((4, 6, 3), np.uint8), "RGB", 8)
    assert ds.PlanarConfiguration == 0


def test_set_pixel_data_adds_transfer_syntax_to_file_meta_without_one() -> None:
    ds = Dataset()
    ds.ensure_file_meta()
    ds.set_pixel_data(np.zeros((4, 6), np.uint8), "MONOCHROME2", 8)
    assert ds.file_meta.TransferSyntaxUID == EXPLICIT_LE


def test_set_pixel_data_single_frame_3d_array_removes_number_of_frames() -> None:
    """Documented: Number of Frames removed when arr only contains a single frame, even a
    (1, rows, columns) array (pydicom 3.0.2 sets 1)."""
    ds = Dataset()
    ds.NumberOfFrames = 5
    ds.set_pixel_data(np.zeros((1, 4, 6), np.uint8), "MONOCHROME2", 8)
    assert "NumberOfFrames" not in ds


# ============================================================ compress
@pytest.mark.parametrize("uid", [JLS_LOSSLESS, JLS_NEAR, J2K_LOSSLESS, J2K, RLE])
def test_compress_each_documented_transfer_syntax(uid: str, recorder: list[Any]) -> None:
    """The table of supported syntaxes: the dataset is updated and decodes back."""
    ds = _mine("CT_small.dcm")
    original = ds.pixel_array.copy()
    plugin = "rle" if uid == RLE else "recorder"
    ds.compress(uid, encoding_plugin=plugin, generate_instance_uid=False)
    assert ds.file_meta.TransferSyntaxUID == uid
    assert ds["PixelData"].is_undefined_length
    assert ds["PixelData"].VR == "OB"
    ds.pixel_array_options(decoding_plugin=plugin)
    assert np.array_equal(ds.pixel_array, original)


@pytest.mark.parametrize("uid", ["1.2.3.4", "not a uid"])
def test_compress_unimplemented_syntax_raises_not_implemented_like_pydicom(uid: str) -> None:
    ds, ref = _both("CT_small.dcm")
    with pytest.raises(NotImplementedError):
        ref.compress(uid)
    with pytest.raises(NotImplementedError):
        ds.compress(uid)


# ============================================================ generated UIDs
def test_new_sop_instance_uids_are_valid_uids() -> None:
    """generate_instance_uid=True: a new UID made by generate_uid() -- a valid UI value."""
    import re

    valid = re.compile(r"^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$")
    ds = _mine("CT_small.dcm")
    seen = {ds.SOPInstanceUID}
    ds.compress(RLE)
    seen.add(ds.SOPInstanceUID)
    ds.decompress()
    seen.add(ds.SOPInstanceUID)
    ds.set_pixel_data(np.zeros((4, 4), np.int16), "MONOCHROME2", 12)
    seen.add(ds.SOPInstanceUID)
    assert len(seen) == 4
    for uid in seen:
        assert len(uid) <= 64 and valid.match(uid), uid
