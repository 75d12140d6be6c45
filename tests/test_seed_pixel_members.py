"""Conformance of dcmcore's Dataset pixel members to the seed page (pydicom 3 docs).

``pixel_array``, ``pixel_array_options``, ``decompress``, ``compress``,
``set_pixel_data``, ``convert_pixel_data``, ``overlay_array`` and
``waveform_array``: documented parameters, dataset updates and exceptions,
on pydicom's corpus, with pydicom 3 as the reference where the documentation
is silent. JPEG-LS / JPEG 2000 options are checked with a recording stand-in
codec registered at run time (no real JPEG codec is installed).
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from typing import Any

import pytest

np = pytest.importorskip("numpy")
pydicom = pytest.importorskip("pydicom")

from pydicom.data import get_testdata_file  # noqa: E402

from dcmcore import codecs  # noqa: E402
from dcmcore.dataset import Dataset  # noqa: E402
from dcmcore.io.reader import dcmread  # noqa: E402

EXPLICIT_LE = "1.2.840.10008.1.2.1"
IMPLICIT_LE = "1.2.840.10008.1.2"
RLE = "1.2.840.10008.1.2.5"
JLS_LOSSLESS = "1.2.840.10008.1.2.4.80"
JLS_NEAR = "1.2.840.10008.1.2.4.81"
J2K_LOSSLESS = "1.2.840.10008.1.2.4.90"
J2K = "1.2.840.10008.1.2.4.91"


def _both(name: str) -> tuple[Any, Any]:
    path = get_testdata_file(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return dcmread(path), pydicom.dcmread(path)


def _mine(name: str) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return dcmread(get_testdata_file(name))


# ============================================================ stand-in codec
RECORDED: list[tuple[str, dict[str, Any]]] = []


class _RecordingEncoder(codecs.Encoder):
    """Stores the frame bytes as they are and records the options it got."""

    name = "seed-recorder"
    transfer_syntaxes = (JLS_LOSSLESS, JLS_NEAR, J2K_LOSSLESS, J2K)
    priority = 1000
    options = {"jls_error": None, "j2k_cr": None, "j2k_psnr": None, "seed_option": None}

    def encode(self, arr: Any, info: Any, **options: Any) -> bytes:
        RECORDED.append(("encode", dict(options)))
        data = np.ascontiguousarray(arr).tobytes()
        return data + b"\x00" * (len(data) % 2)


class _RecordingDecoder(codecs.Decoder):
    """Reads back what the recording encoder stored; records its options."""

    name = "seed-recorder"
    transfer_syntaxes = (JLS_LOSSLESS, JLS_NEAR, J2K_LOSSLESS, J2K)
    priority = 1000
    options = {"seed_option": None}

    def decode(self, data: bytes, info: Any, **options: Any) -> Any:
        RECORDED.append(("decode", dict(options)))
        dtype = np.dtype(f"<{'i' if info.pixel_representation else 'u'}{info.bits_allocated // 8}")
        shape: tuple[int, ...] = (info.rows, info.columns)
        if info.samples_per_pixel > 1:
            shape += (info.samples_per_pixel,)
        count = int(np.prod(shape))
        return np.frombuffer(data, dtype=dtype, count=count).reshape(shape)


class _RecorderPlugin:
    @codecs.hookimpl
    def dcmcore_encoders(self) -> list[Any]:
        return [_RecordingEncoder()]

    @codecs.hookimpl
    def dcmcore_decoders(self) -> list[Any]:
        return [_RecordingDecoder()]


@pytest.fixture
def recorder() -> Iterator[list[tuple[str, dict[str, Any]]]]:
    name = codecs.register(_RecorderPlugin(), name="seed-recorder-plugin")
    RECORDED.clear()
    try:
        yield RECORDED
    finally:
        codecs.unregister(name)
        RECORDED.clear()


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
    ds.compress(JLS_LOSSLESS, encoding_plugin="seed-recorder")
    ds.pixel_array_options(decoding_plugin="seed-recorder", seed_option=42)
    arr = ds.pixel_array
    assert ("decode", {"seed_option": 42}) in recorder
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
    ds.compress(JLS_LOSSLESS, encoding_plugin="seed-recorder")
    recorder.clear()
    ds.decompress(decoding_plugin="seed-recorder", seed_option="x")
    assert recorder == [("decode", {"seed_option": "x"})]
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
    ref.compress(RLE)
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
    ds.compress(JLS_LOSSLESS, encoding_plugin="seed-recorder")
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
    ds.compress(JLS_NEAR, jls_error=3, encoding_plugin="seed-recorder")
    assert ds.file_meta.TransferSyntaxUID == JLS_NEAR
    _, options = recorder[0]
    assert options["jls_error"] == 3


def test_compress_j2k_cr_and_j2k_psnr_forwarded(recorder: list[Any]) -> None:
    ds = _mine("CT_small.dcm")
    ds.compress(J2K, j2k_cr=[20, 5], encoding_plugin="seed-recorder")
    assert list(recorder[-1][1]["j2k_cr"]) == [20, 5]
    ds = _mine("CT_small.dcm")
    ds.compress(J2K, j2k_psnr=[80, 300], encoding_plugin="seed-recorder")
    assert list(recorder[-1][1]["j2k_psnr"]) == [80, 300]


def test_compress_kwargs_forwarded_to_plugin(recorder: list[Any]) -> None:
    ds = _mine("CT_small.dcm")
    ds.compress(JLS_LOSSLESS, encoding_plugin="seed-recorder", seed_option="y")
    assert recorder[0][1]["seed_option"] == "y"


def test_compress_without_encoder_raises_like_pydicom() -> None:
    """No JPEG-LS encoder is installed: pydicom raises RuntimeError."""
    ds, ref = _both("CT_small.dcm")
    with pytest.raises(RuntimeError):
        ref.compress(JLS_LOSSLESS)
    with pytest.raises(RuntimeError):
        ds.compress(JLS_LOSSLESS)


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
    """Documented RuntimeError when the handler(s) for the syntax are not available."""
    ds, ref = _both("JPEG2000.dcm")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        with pytest.raises(RuntimeError):
            ref.convert_pixel_data()
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


def test_decompress_without_transfer_syntax_raises_attribute_error() -> None:
    ds = _mine("MR_small_RLE.dcm")
    del ds.file_meta
    with pytest.raises(AttributeError):
        ds.decompress()


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


@pytest.mark.parametrize("uid", [JLS_LOSSLESS, JLS_NEAR, J2K_LOSSLESS, J2K, RLE])
def test_compress_each_documented_transfer_syntax(uid: str, recorder: list[Any]) -> None:
    """The table of supported syntaxes: the dataset is updated and decodes back."""
    ds = _mine("CT_small.dcm")
    original = ds.pixel_array.copy()
    plugin = "rle" if uid == RLE else "seed-recorder"
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


def test_convert_pixel_data_unavailable_handler_raises_runtime_error() -> None:
    """Documented RuntimeError: the given handler is not available (pydicom agrees)."""
    ds, ref = _both("JPEG2000.dcm")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        with pytest.raises(RuntimeError):
            ref.convert_pixel_data("pylibjpeg")
        with pytest.raises(RuntimeError):
            ds.convert_pixel_data("pylibjpeg")


@pytest.mark.xfail(
    strict=True,
    reason="convert_pixel_data('rle') on JPEG 2000 data raises PluginError (RuntimeError, "
    "ValueError); documented: NotImplementedError when the given handler cannot decompress "
    "the transfer syntax (pydicom 3.0.2 raises ValueError)",
)
def test_convert_pixel_data_handler_not_handling_syntax_raises_not_implemented() -> None:
    ds = _mine("JPEG2000.dcm")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        with pytest.raises(NotImplementedError):
            ds.convert_pixel_data("rle")


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
