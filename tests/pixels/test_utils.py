"""dcmcore.pixels.utils gives pydicom 3's results on the corpus."""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pydicom
import pydicom.pixels.utils as ref
import pytest

import dcmcore
from dcmcore.pixels import utils

CORPUS = Path(pydicom.__file__).parent / "data" / "test_files"


def _params(func: Callable[..., object]) -> list[tuple[str, object, object]]:
    return [(p.name, p.kind, p.default) for p in inspect.signature(func).parameters.values()]


@pytest.mark.parametrize("name", utils.__all__)
def test_every_name_has_pydicoms_signature(name: str) -> None:
    assert _params(getattr(utils, name)) == _params(getattr(ref, name))


def _image_files() -> list[Path]:
    out = []
    for path in sorted(CORPUS.glob("*.dcm")):
        try:
            ds = pydicom.dcmread(path)
        except Exception:
            continue
        if "PixelData" in ds and "Rows" in ds and "file_meta" in dir(ds) \
                and "TransferSyntaxUID" in ds.file_meta:
            out.append(path)
    return out


IMAGES = _image_files()
NATIVE = [p for p in IMAGES
          if not pydicom.dcmread(p, stop_before_pixels=True).file_meta.TransferSyntaxUID
          .is_compressed]


def _same_outcome(ours: Callable[[], object], theirs: Callable[[], object]) -> None:
    """Both give equal results, or both raise the same type of exception."""
    try:
        expected = theirs()
    except Exception as exc:
        with pytest.raises(type(exc)):
            ours()
        return
    assert ours() == expected


def _pair(path: Path) -> tuple[pydicom.Dataset, dcmcore.Dataset]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pydicom.dcmread(path), dcmcore.dcmread(path)


def test_the_corpus_has_native_and_compressed_images() -> None:
    assert len(NATIVE) >= 10 and len(IMAGES) - len(NATIVE) >= 20


@pytest.mark.parametrize("path", IMAGES, ids=lambda p: p.name)
def test_module_readers_as_pydicom(path: Path) -> None:
    p, d = _pair(path)
    if not isinstance(ref.get_nr_frames(p, False), int):
        pytest.skip("pydicom's Number of Frames is not a number (an invalid IS)")
    for unit in ("bytes", "pixels"):
        assert utils.get_expected_length(d, unit) == ref.get_expected_length(p, unit)
    assert utils.get_nr_frames(d) == ref.get_nr_frames(p)
    for as_float in (False, True):
        _same_outcome(lambda f=as_float: utils.pixel_dtype(d, f),  # type: ignore[misc]
                      lambda f=as_float: ref.pixel_dtype(p, f))  # type: ignore[misc]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours, theirs = utils.as_pixel_options(d, x=1), ref.as_pixel_options(p, x=1)
    assert ours == theirs
    assert set(utils.get_image_pixel_ids(d)) == set(ref.get_image_pixel_ids(p))


@pytest.mark.parametrize("path", NATIVE, ids=lambda p: p.name)
def test_reshape_of_native_data_as_pydicom(path: Path) -> None:
    p, d = _pair(path)
    if p.BitsAllocated == 1 or p.PhotometricInterpretation == "YBR_FULL_422":
        pytest.skip("packed or sub-sampled data is not a flat array of samples")
    if not isinstance(ref.get_nr_frames(p, False), int) or \
            len(p.PixelData) < ref.get_expected_length(p):
        pytest.skip("invalid Number of Frames or truncated pixel data")
    flat = np.frombuffer(p.PixelData, dtype=ref.pixel_dtype(p))
    flat = flat[: ref.get_expected_length(p, "pixels")]
    np.testing.assert_array_equal(utils.reshape_pixel_array(d, flat),
                                  ref.reshape_pixel_array(p, flat))


@pytest.mark.parametrize("path", IMAGES, ids=lambda p: p.name)
def test_pixel_array_and_iter_pixels_as_pydicom(path: Path) -> None:
    syntax = pydicom.dcmread(path, stop_before_pixels=True).file_meta.TransferSyntaxUID
    # lossy JPEG decoders may round differently: the codec, not this module
    tolerance = 1 if syntax in ("1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51") else 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            expected = ref.pixel_array(str(path))
            expected_first = next(ref.iter_pixels(str(path)))
        except Exception as exc:  # no pydicom decoder for this one
            pytest.skip(f"pydicom cannot decode it: {exc}")
        got = utils.pixel_array(str(path))
        np.testing.assert_allclose(got, expected, atol=tolerance, rtol=0)
        first = next(utils.iter_pixels(str(path)))
        np.testing.assert_allclose(first, expected_first, atol=tolerance, rtol=0)


def test_pixel_array_fills_ds_out_as_pydicom() -> None:
    path = str(CORPUS / "CT_small.dcm")
    ours, theirs = dcmcore.Dataset(), pydicom.Dataset()
    utils.pixel_array(path, ds_out=ours, specific_tags=[0x00100010])
    ref.pixel_array(path, ds_out=theirs, specific_tags=[0x00100010])
    assert ours.PatientName == theirs.PatientName
    assert int(ours.Rows) == int(theirs.Rows)


def test_j2k_parameters_of_corpus_codestreams_as_pydicom() -> None:
    seen = 0
    for path in IMAGES:
        p = pydicom.dcmread(path)
        if not str(p.file_meta.TransferSyntaxUID).startswith("1.2.840.10008.1.2.4.9"):
            continue
        frame = pydicom.encaps.get_frame(p.PixelData, 0,
                                         number_of_frames=ref.get_nr_frames(p, False))
        assert utils.get_j2k_parameters(frame) == ref.get_j2k_parameters(frame)
        seen += 1
    assert seen >= 3
    for junk in (b"", b"\xff\x4f\xff\x51", b"\xff\xd8\xff\xe0", b"\x00" * 50):
        assert utils.get_j2k_parameters(junk) == ref.get_j2k_parameters(junk) == {}


@pytest.mark.parametrize("bits", [8, 16, 32])
def test_expand_ybr422_as_pydicom(bits: int) -> None:
    src = np.random.default_rng(bits).integers(0, 256, 48 * bits // 8, np.uint8).tobytes()
    assert utils.expand_ybr422(src, bits) == ref.expand_ybr422(src, bits)


@pytest.mark.parametrize("pad", [True, False])
def test_pack_and_unpack_bits_as_pydicom(pad: bool) -> None:
    arr = np.random.default_rng(1).integers(0, 2, (3, 7), np.uint8)
    packed = utils.pack_bits(arr, pad)
    assert packed == ref.pack_bits(arr, pad)
    np.testing.assert_array_equal(utils.unpack_bits(packed), ref.unpack_bits(packed))
    assert utils.unpack_bits(packed, False) == ref.unpack_bits(packed, False)


def test_number_of_frames_of_zero_is_one_with_a_warning() -> None:
    _, d = _pair(CORPUS / "CT_small.dcm")
    d.NumberOfFrames = 0
    with pytest.warns(UserWarning, match="Number of Frames"):
        assert utils.get_nr_frames(d) == 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert utils.get_nr_frames(d, warn=False) == 1
    with pytest.warns(UserWarning, match="assuming 1 frame"):
        assert utils.as_pixel_options(d)["number_of_frames"] == 1


@pytest.mark.parametrize("keyword, value, error", [
    ("PixelRepresentation", 2, ValueError), ("BitsAllocated", 12, ValueError),
])
def test_pixel_dtype_refuses_what_pydicom_refuses(keyword: str, value: int,
                                                  error: type[Exception]) -> None:
    _, d = _pair(CORPUS / "CT_small.dcm")
    setattr(d, keyword, value)
    with pytest.raises(error, match=keyword.replace("PixelRepresentation", "Pixel Repr")
                       .replace("BitsAllocated", "Bits Allocated")):
        utils.pixel_dtype(d)


def test_pixel_dtype_without_a_byte_order_raises_attribute_error() -> None:
    ds = dcmcore.Dataset()
    ds.PixelRepresentation, ds.BitsAllocated = 0, 16
    with pytest.raises(AttributeError, match="endianness"):
        utils.pixel_dtype(ds)


def test_image_pixel_ids_change_when_a_value_is_replaced() -> None:
    _, d = _pair(CORPUS / "CT_small.dcm")
    before = utils.get_image_pixel_ids(d)
    d.Rows = 64
    after = utils.get_image_pixel_ids(d)
    assert [k for k in before if before[k] != after[k]] == ["Rows"]


def test_decompress_compress_and_set_pixel_data_as_pydicom() -> None:
    path = CORPUS / "MR_small_RLE.dcm"
    p, d = _pair(path)
    ref.decompress(p, generate_instance_uid=False)
    assert utils.decompress(d, generate_instance_uid=False) is d
    assert d.file_meta.TransferSyntaxUID == p.file_meta.TransferSyntaxUID
    np.testing.assert_array_equal(d.pixel_array, p.pixel_array)

    arr = p.pixel_array
    assert utils.compress(d, "1.2.840.10008.1.2.5", arr, generate_instance_uid=False) is d
    ref.compress(p, "1.2.840.10008.1.2.5", arr, generate_instance_uid=False)
    np.testing.assert_array_equal(
        utils.pixel_array(d), ref.pixel_array(p))

    new = (arr // 2).astype(np.uint16)
    utils.set_pixel_data(d, new, "MONOCHROME2", 15, generate_instance_uid=False)
    ref.set_pixel_data(p, new, "MONOCHROME2", 15, generate_instance_uid=False)
    assert d.PixelData == p.PixelData
    for keyword in ("BitsStored", "HighBit", "PhotometricInterpretation", "Rows"):
        assert getattr(d, keyword) == getattr(p, keyword)


@pytest.mark.parametrize("name", [
    "pixel_array", "iter_pixels", "compress", "decompress", "set_pixel_data", "pack_bits",
    "unpack_bits", "as_pixel_options", "get_decoder", "get_encoder", "apply_color_lut",
    "apply_icc_profile", "apply_modality_lut", "apply_presentation_lut", "apply_rescale",
    "apply_voi", "apply_voi_lut", "apply_windowing", "convert_color_space",
    "create_icc_transform",
])
def test_pixels_package_names_have_pydicoms_signatures(name: str) -> None:
    assert _params(getattr(dcmcore.pixels, name)) == _params(getattr(pydicom.pixels, name))
