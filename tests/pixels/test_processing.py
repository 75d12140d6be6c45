"""dcmcore.pixels.processing gives pydicom 3's results on the same files and arrays.

Each case is a corpus file, possibly with a LUT module added through pydicom and
written out again, read by both libraries; the same stored array goes through
pydicom's function and ours.
"""

from __future__ import annotations

import inspect
import io
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pydicom
import pytest
from pydicom.pixels import processing as ref
from pydicom.uid import ExplicitVRBigEndian, ImplicitVRLittleEndian

import dcmcore
from dcmcore.pixels import processing
from dcmcore.pixels._luts import expand_segmented_lut

NAMES = [
    "apply_color_lut", "apply_icc_profile", "apply_modality_lut", "apply_presentation_lut",
    "apply_rescale", "apply_voi", "apply_voi_lut", "apply_windowing", "convert_color_space",
    "create_icc_transform",
]
PALETTE_DIR = Path(pydicom.__file__).parent / "data" / "palettes"
CORPUS = Path(pydicom.__file__).parent / "data" / "test_files"


def get_testdata_file(name: str) -> str:
    """A file of pydicom's corpus (the installed ones: no download)."""
    return str(CORPUS / name)


def _params(func: Callable[..., object]) -> list[tuple[str, object, object]]:
    return [(p.name, p.kind, p.default) for p in inspect.signature(func).parameters.values()]


@pytest.mark.parametrize("name", NAMES)
def test_every_function_has_pydicoms_signature(name: str) -> None:
    assert _params(getattr(processing, name)) == _params(getattr(ref, name))


def test_pixels_package_exports_the_processing_functions() -> None:
    for name in NAMES:
        assert getattr(dcmcore.pixels, name) is getattr(processing, name)


def _pair(src: str | pydicom.Dataset) -> tuple[pydicom.Dataset, dcmcore.Dataset]:
    """The same file read by pydicom and by dcmcore."""
    if isinstance(src, str):
        path = get_testdata_file(src)
        return pydicom.dcmread(path), dcmcore.dcmread(path)
    buf = io.BytesIO()
    syntax = src.file_meta.TransferSyntaxUID
    # OW values are written as they are held, so a LUT becomes byte-swapped data for
    # a big endian file: both libraries read the same bytes
    pydicom.dcmwrite(buf, src, implicit_vr=syntax.is_implicit_VR,
                     little_endian=syntax.is_little_endian, enforce_file_format=True)
    return pydicom.dcmread(io.BytesIO(buf.getvalue())), dcmcore.dcmread(io.BytesIO(buf.getvalue()))


def _same(expected: np.ndarray, got: np.ndarray) -> None:
    assert got.dtype == expected.dtype
    assert got.shape == expected.shape
    np.testing.assert_array_equal(got, expected)


def _lut_item(descriptor: list[int], data: list[int], vr: str) -> pydicom.Dataset:
    item = pydicom.Dataset()
    item.LUTDescriptor = descriptor
    if vr == "OW":
        item.add_new(0x00283006, "OW", np.asarray(data, dtype="<u2").tobytes())
    else:
        item.add_new(0x00283006, "US", data)
    return item


def _with(name: str, syntax: str | None = None, **elements: object) -> pydicom.Dataset:
    ds = pydicom.dcmread(get_testdata_file(name))
    for keyword, value in elements.items():
        setattr(ds, keyword, value)
    if syntax is not None:
        ds.file_meta.TransferSyntaxUID = syntax
    return ds


# -- modality LUT / rescale -------------------------------------------------------

def _modality_lut_ds(vr: str, syntax: str | None = None, first: int = -100) -> pydicom.Dataset:
    ds = _with("MR_small.dcm", syntax)
    lut = [(i * 37) % 4096 for i in range(2048)]
    ds.ModalityLUTSequence = [_lut_item([2048, first, 16], lut, vr)]
    ds.ModalityLUTSequence[0].ModalityLUTType = "HU"
    for keyword in ("RescaleSlope", "RescaleIntercept"):
        if keyword in ds:
            delattr(ds, keyword)
    return ds


@pytest.mark.parametrize("src", [
    "CT_small.dcm", "MR_small.dcm", "rtdose.dcm", "JPEG2000.dcm", "MR_small_bigendian.dcm", "liver_1frame.dcm",
])
def test_modality_lut_of_corpus_files(src: str) -> None:
    p, d = _pair(src)
    arr = p.pixel_array
    _same(ref.apply_modality_lut(arr, p), processing.apply_modality_lut(arr, d))


@pytest.mark.parametrize("vr, syntax", [
    ("US", None), ("OW", None), ("US", ImplicitVRLittleEndian), ("OW", ExplicitVRBigEndian),
])
def test_modality_lut_sequence_as_pydicom(vr: str, syntax: str | None) -> None:
    p, d = _pair(_modality_lut_ds(vr, syntax))
    arr = p.pixel_array
    _same(ref.apply_modality_lut(arr, p), processing.apply_modality_lut(arr, d))
    assert processing.apply_rescale is processing.apply_modality_lut


def test_modality_lut_maps_below_and_past_the_table_to_its_ends() -> None:
    _, d = _pair(_modality_lut_ds("US", first=10))
    arr = np.array([0, 9, 10, 11, 2057, 2058, 30000], dtype=np.int16)
    out = processing.apply_modality_lut(arr, d)
    assert out.tolist() == [0, 0, 0, 37, (2047 * 37) % 4096, (2047 * 37) % 4096,
                            (2047 * 37) % 4096]


def test_ow_lut_without_a_known_byte_order_raises_attribute_error() -> None:
    ds = dcmcore.Dataset()
    item = dcmcore.Dataset()
    item.LUTDescriptor = [2, 0, 16]
    item.add_new(0x00283006, "OW", b"\x00\x01\x00\x02")
    ds.ModalityLUTSequence = [item]
    with pytest.raises(AttributeError, match="endianness"):
        processing.apply_modality_lut(np.zeros((2, 2), np.uint16), ds)


# -- VOI LUT / windowing ----------------------------------------------------------

@pytest.mark.parametrize("function", [None, "LINEAR", "LINEAR_EXACT", "SIGMOID"])
@pytest.mark.parametrize("index", [0, 1])
@pytest.mark.parametrize("src", ["CT_small.dcm", "MR_small.dcm"])
def test_windowing_as_pydicom(src: str, index: int, function: str | None) -> None:
    ds = _with(src, WindowCenter=[40, 400], WindowWidth=[400, 2000])
    if function:
        ds.VOILUTFunction = function
    p, d = _pair(ds)
    arr = ref.apply_modality_lut(p.pixel_array, p)
    _same(ref.apply_voi_lut(arr, p, index), processing.apply_voi_lut(arr, d, index))
    _same(ref.apply_windowing(arr, p, index), processing.apply_windowing(arr, d, index))


@pytest.mark.parametrize("center, width", [(40, 1), (40.5, 1), (0, 2), (-1000, 1)])
def test_narrow_linear_windows_as_pydicom_without_warnings(center: float, width: float) -> None:
    p, d = _pair(_with("CT_small.dcm", WindowCenter=center, WindowWidth=width))
    arr = ref.apply_modality_lut(p.pixel_array, p)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = processing.apply_windowing(arr, d)
    _same(ref.apply_windowing(arr, p), got)


def test_windowing_with_a_modality_lut_uses_its_output_range() -> None:
    ds = _modality_lut_ds("US")
    ds.WindowCenter, ds.WindowWidth = 1000, 700
    p, d = _pair(ds)
    arr = ref.apply_modality_lut(p.pixel_array, p)
    _same(ref.apply_windowing(arr, p), processing.apply_windowing(arr, d))


@pytest.mark.parametrize("function, width", [("LINEAR", 0.5), ("LINEAR_EXACT", 0),
                                             ("SIGMOID", 0), ("CUBIC", 10)])
def test_windowing_refuses_what_pydicom_refuses(function: str, width: float) -> None:
    _, d = _pair(_with("CT_small.dcm", WindowCenter=40, WindowWidth=width,
                       VOILUTFunction=function))
    with pytest.raises(ValueError):
        processing.apply_windowing(np.zeros((2, 2), np.int16), d)


def test_windowing_refuses_colour_images() -> None:
    _, d = _pair(_with("examples_rgb_color.dcm", WindowCenter=40, WindowWidth=10))
    with pytest.raises(ValueError, match="MONOCHROME"):
        processing.apply_windowing(np.zeros((2, 2), np.uint8), d)


def _voi_ds(bits: int, vr: str, first: int, syntax: str | None = None) -> pydicom.Dataset:
    ds = _with("CT_small.dcm", syntax, WindowCenter=40, WindowWidth=400)
    top = 2**bits - 1
    seq = []
    for slope in (1, 3):
        lut = [min(top, (i * slope) // 4) for i in range(4096)]
        seq.append(_lut_item([4096, first, bits], lut, vr))
    ds.VOILUTSequence = seq
    return ds


@pytest.mark.parametrize("prefer_lut", [True, False])
@pytest.mark.parametrize("index", [0, 1])
@pytest.mark.parametrize("bits, vr, first, syntax", [
    (8, "US", 3000, None), (12, "US", -1024, None), (16, "OW", -1024, None),
    (12, "OW", 0, ExplicitVRBigEndian), (16, "US", 0, ImplicitVRLittleEndian),
])
def test_voi_lut_sequence_as_pydicom(bits: int, vr: str, first: int, syntax: str | None,
                                     index: int, prefer_lut: bool) -> None:
    p, d = _pair(_voi_ds(bits, vr, first, syntax))
    arr = p.pixel_array
    _same(ref.apply_voi_lut(arr, p, index, prefer_lut),
          processing.apply_voi_lut(arr, d, index, prefer_lut))
    _same(ref.apply_voi(arr, p, index), processing.apply_voi(arr, d, index))


def test_an_8_bit_voi_lut_of_more_than_256_entries_is_indexed_in_full() -> None:
    """pydicom 3.0.2 indexes it through uint8 and wraps past entry 255; PS3.3 C.11.2.1.1
    maps every input value, the ones past the last entry to the last entry."""
    _, d = _pair(_voi_ds(8, "US", 0))
    arr = np.array([0, 255, 256, 1000, 4095, 4096, 60000], dtype=np.uint16)
    assert processing.apply_voi(arr, d).tolist() == [0, 63, 64, 250, 255, 255, 255]


def test_voi_lut_on_floats_warns_and_truncates() -> None:
    _, d = _pair(_voi_ds(16, "US", 0))
    arr = np.array([[3.7, 8.2]], dtype=np.float64)
    with pytest.warns(UserWarning, match="float input"):
        out = processing.apply_voi(arr, d)
    assert out.tolist() == [[0, 2]]


def test_voi_lut_of_unsupported_entry_size_raises() -> None:
    _, d = _pair(_voi_ds(9, "US", 0))
    with pytest.raises(NotImplementedError, match="'9' bits"):
        processing.apply_voi(np.zeros((2, 2), np.int16), d)


def test_without_a_module_the_array_is_returned_unchanged() -> None:
    _, d = _pair("examples_rgb_color.dcm")
    arr = np.zeros((2, 2), np.uint16)
    for func in (processing.apply_modality_lut, processing.apply_voi_lut,
                 processing.apply_voi, processing.apply_windowing,
                 processing.apply_presentation_lut):
        assert func(arr, d) is arr


# -- presentation LUT -------------------------------------------------------------

@pytest.mark.parametrize("bits, vr", [(8, "OW"), (10, "US"), (12, "OW"), (16, "US")])
def test_presentation_lut_sequence_as_pydicom(bits: int, vr: str) -> None:
    ds = _with("CT_small.dcm")
    lut = [(i * 7) % 2**bits for i in range(256)]
    item = pydicom.Dataset()
    item.LUTDescriptor = [256, 0, bits]
    if vr == "OW":
        dtype = "<u1" if bits <= 8 else "<u2"
        item.add_new(0x00283006, "OW", np.asarray(lut, dtype=dtype).tobytes())
    else:
        item.add_new(0x00283006, "US", lut)
    ds.PresentationLUTSequence = [item]
    p, d = _pair(ds)
    arr = p.pixel_array
    _same(ref.apply_presentation_lut(arr, p), processing.apply_presentation_lut(arr, d))


@pytest.mark.parametrize("shape", ["IDENTITY", "INVERSE", "inverse "])
def test_presentation_lut_shape_as_pydicom(shape: str) -> None:
    p, d = _pair(_with("MR_small.dcm", PresentationLUTShape=shape))
    arr = p.pixel_array
    _same(ref.apply_presentation_lut(arr, p), processing.apply_presentation_lut(arr, d))


def test_unknown_presentation_lut_shape_raises() -> None:
    _, d = _pair(_with("MR_small.dcm", PresentationLUTShape="LOG"))
    with pytest.raises(NotImplementedError, match="LOG"):
        processing.apply_presentation_lut(np.zeros((2, 2), np.uint16), d)


# -- palette colour ---------------------------------------------------------------

def test_palette_of_the_corpus_file_as_pydicom() -> None:
    p, d = _pair("examples_palette.dcm")
    arr = p.pixel_array
    _same(ref.apply_color_lut(arr, p), processing.apply_color_lut(arr, d))


@pytest.mark.parametrize("uid", [f"1.2.840.10008.1.5.{i}" for i in range(1, 9)])
def test_well_known_palettes_by_uid_as_pydicom(uid: str) -> None:
    arr = np.arange(256, dtype=np.uint8).reshape(16, 16)
    _same(ref.apply_color_lut(arr, palette=uid), processing.apply_color_lut(arr, palette=uid))


@pytest.mark.parametrize("path", sorted(PALETTE_DIR.glob("*.dcm")), ids=lambda p: p.stem)
def test_well_known_palettes_by_label_are_the_standards(path: Path) -> None:
    """By label, as PS3.6 Annex B names them (pydicom 3.0.2 swaps FALL and WINTER)."""
    palette = pydicom.dcmread(path)
    label = {"hotiron": "HOT_IRON", "pet": "PET", "hotmetalblue": "HOT_METAL_BLUE",
             "pet20step": "PET_20_STEP", "spring": "SPRING", "summer": "SUMMER",
             "fall": "FALL", "winter": "WINTER"}[path.stem]
    arr = np.arange(256, dtype=np.uint8)
    _same(ref.apply_color_lut(arr, palette=palette.SOPInstanceUID),
          processing.apply_color_lut(arr, palette=label))


@pytest.mark.parametrize("syntax", [None, ExplicitVRBigEndian])
@pytest.mark.parametrize("name", ["spring", "summer", "fall", "winter"])
def test_segmented_palettes_in_a_dataset_as_pydicom(name: str, syntax: str | None) -> None:
    palette = pydicom.dcmread(PALETTE_DIR / f"{name}.dcm")
    ds = _with("examples_palette.dcm", syntax)
    for keyword in ("Red", "Green", "Blue"):
        delattr(ds, f"{keyword}PaletteColorLookupTableData")
    for elem in palette:
        if "Palette" in elem.keyword and elem.keyword != "PaletteColorLookupTableUID":
            ds.add(elem)
    p, d = _pair(ds)
    arr = p.pixel_array
    _same(ref.apply_color_lut(arr, p), processing.apply_color_lut(arr, d))


def test_alpha_palette_gives_rgba() -> None:
    p, d = _pair("examples_palette.dcm")
    p.AlphaPaletteColorLookupTableData = p.RedPaletteColorLookupTableData
    d.AlphaPaletteColorLookupTableData = d.RedPaletteColorLookupTableData
    arr = p.pixel_array
    out = processing.apply_color_lut(arr, d)
    assert out.shape == arr.shape + (4,)
    _same(ref.apply_color_lut(arr, p), out)


@pytest.mark.parametrize("kwargs, message", [
    ({}, "Either 'ds' or 'palette'"),
    ({"palette": "RAINBOW"}, "Unknown palette 'RAINBOW'"),
    ({"palette": "1.2.3"}, "Unknown palette"),
])
def test_palette_arguments_are_checked(kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        processing.apply_color_lut(np.zeros(4, np.uint8), **kwargs)


def test_supplemental_palette_is_refused() -> None:
    _, d = _pair("examples_palette.dcm")
    d.PixelPresentation = "MIXED"
    with pytest.raises(ValueError, match="Supplemental"):
        processing.apply_color_lut(np.zeros(4, np.uint8), d)


def test_segmented_lut_linear_discrete_and_indirect_segments() -> None:
    # discrete 0, 10; linear to 30 in 2 steps; indirect: copy 2 segments from offset 0
    data = bytes([0, 2, 0, 10, 1, 2, 30, 2, 2, 0, 0, 0, 0])
    assert expand_segmented_lut(data, 8, True) == [0, 10, 20, 30, 0, 10, 20, 30]


@pytest.mark.parametrize("data, message", [
    (bytes([1, 2, 30]), "first segment cannot be a linear"),
    (bytes([2, 1, 0, 0, 0, 0]), "first segment cannot be an indirect"),
    (bytes([0, 1, 5, 7, 1]), "unknown segment type '7'"),
    (bytes([0, 1, 5, 2, 1, 3, 0, 0, 0]), "nested more than"),
    (bytes([0, 1, 5, 1, 255, 1] * 5000), "more than"),
    # indirect segments copying each other: bounded work, not 255**16 calls
    (bytes([0, 1, 5, 2, 255, 3, 0, 0, 0]), "nested more than|segments to expand"),
    (bytes([0, 1, 5]) + bytes([2, 255, 3, 0, 0, 0]) * 2, "nested more than|segments to expand"),
])
def test_malformed_segmented_luts_raise_value_error(data: bytes, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        expand_segmented_lut(data, 8, True)


# -- colour space and ICC ---------------------------------------------------------

@pytest.mark.parametrize("per_frame", [False, True])
@pytest.mark.parametrize("current, desired", [
    ("RGB", "YBR_FULL"), ("YBR_FULL", "RGB"), ("YBR_FULL_422", "RGB"), ("RGB", "RGB"),
])
def test_convert_color_space_as_pydicom(current: str, desired: str, per_frame: bool) -> None:
    arr = pydicom.dcmread(get_testdata_file("SC_rgb_rle_2frame.dcm")).pixel_array
    _same(ref.convert_color_space(arr.copy(), current, desired, per_frame),
          processing.convert_color_space(arr.copy(), current, desired, per_frame))


def test_convert_color_space_refuses_what_pydicom_refuses() -> None:
    with pytest.raises(ValueError, match="uint8"):
        processing.convert_color_space(np.zeros((2, 2, 3), np.uint16), "RGB", "RGB")
    with pytest.raises(NotImplementedError, match="YBR_ICT"):
        processing.convert_color_space(np.zeros((2, 2, 3), np.uint8), "RGB", "YBR_ICT")


def _profile(space: str = "LAB") -> bytes:
    from PIL import ImageCms

    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile(space))
    return bytes(profile.tobytes())


@pytest.mark.parametrize("intent", [None, 0, 1])
@pytest.mark.parametrize("color_space", [None, "sRGB"])
def test_icc_profile_of_a_dataset_as_pydicom(intent: int | None, color_space: str | None) -> None:
    pytest.importorskip("PIL.ImageCms")
    ds = _with("SC_rgb_rle_2frame.dcm")
    ds.ICCProfile = (CORPUS / "crayons.icc").read_bytes()
    ds.ColorSpace = "SRGB"
    p, d = _pair(ds)
    arr = p.pixel_array
    expected = ref.apply_icc_profile(arr.copy(), p, intent=intent, color_space=color_space)
    got = processing.apply_icc_profile(arr.copy(), d, intent=intent, color_space=color_space)
    _same(expected, got)
    transform = processing.create_icc_transform(icc_profile=ds.ICCProfile)
    _same(ref.apply_icc_profile(arr[0].copy(), transform=transform),
          processing.apply_icc_profile(arr[0].copy(), transform=transform))


def test_icc_profile_is_applied_in_place() -> None:
    pytest.importorskip("PIL.ImageCms")
    transform = processing.create_icc_transform(
        icc_profile=(CORPUS / "crayons.icc").read_bytes())
    arr = np.random.default_rng(7).integers(0, 256, (4, 8, 3), dtype=np.uint8)
    before = arr.copy()
    out = processing.apply_icc_profile(arr, transform=transform)
    assert out is arr
    assert not np.array_equal(before, arr)


@pytest.mark.parametrize("kwargs, message", [
    ({}, "Either 'ds' or 'icc_profile'"),
    ({"icc_profile": b"x", "color_space": "CMYK"}, "Unsupported 'color_space' value 'CMYK'"),
])
def test_create_icc_transform_checks_its_arguments(kwargs: dict[str, object],
                                                   message: str) -> None:
    pytest.importorskip("PIL.ImageCms")
    with pytest.raises(ValueError, match=message):
        processing.create_icc_transform(**kwargs)  # type: ignore[arg-type]


def test_dataset_colour_space_pillow_cannot_use_is_named() -> None:
    pytest.importorskip("PIL.ImageCms")
    ds = dcmcore.Dataset()
    ds.ICCProfile = _profile("sRGB")
    ds.ColorSpace = "ROMMRGB"
    with pytest.raises(ValueError, match="'ROMMRGB' is not supported by Pillow"):
        processing.create_icc_transform(ds)


@pytest.mark.parametrize("shape", [(4, 4), (4, 4, 4)])
def test_apply_icc_profile_checks_the_array(shape: tuple[int, ...]) -> None:
    pytest.importorskip("PIL.ImageCms")
    ds = dcmcore.Dataset()
    ds.ICCProfile = _profile("sRGB")
    with pytest.raises(ValueError):
        processing.apply_icc_profile(np.zeros(shape, np.uint8), ds)


def test_processing_does_not_import_pillow() -> None:
    import subprocess
    import sys

    code = ("import sys, dcmcore.pixels.processing; "
            "sys.exit(1 if 'PIL' in sys.modules else 0)")
    assert subprocess.run([sys.executable, "-c", code], timeout=120).returncode == 0


def test_no_warnings_on_plain_use() -> None:
    _, d = _pair("CT_small.dcm")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        processing.apply_voi_lut(processing.apply_modality_lut(d.pixel_array, d), d)


def _grayscale_pipeline_files() -> list[Path]:
    """Every corpus and example file with a module of the grayscale or palette pipeline."""
    from dcmcore import examples

    keywords = ("ModalityLUTSequence", "RescaleSlope", "VOILUTSequence", "WindowCenter",
                "PresentationLUTSequence", "PresentationLUTShape",
                "RedPaletteColorLookupTableDescriptor")
    paths = sorted(CORPUS.glob("*.dcm")) + [Path(examples.get_path(n)) for n in examples.names()]
    out = []
    for path in paths:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ds = pydicom.dcmread(path)
                if "PixelData" not in ds or not any(k in ds for k in keywords):
                    continue
                ds.pixel_array  # noqa: B018 - pydicom must decode it
        except Exception:
            continue
        out.append(path)
    return out


@pytest.mark.parametrize("path", _grayscale_pipeline_files(), ids=lambda p: p.name)
def test_every_file_with_a_lut_module_gives_pydicoms_result(path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p, d = pydicom.dcmread(path), dcmcore.dcmread(path)
        arr = p.pixel_array
    if "RedPaletteColorLookupTableDescriptor" in p:
        _same(ref.apply_color_lut(arr, p), processing.apply_color_lut(arr, d))
        return
    modality = ref.apply_modality_lut(arr, p)
    _same(modality, processing.apply_modality_lut(arr, d))
    windows = len(p["WindowCenter"].value) if "WindowCenter" in p and \
        p["WindowCenter"].VM > 1 else 1
    for index in range(windows):
        _same(ref.apply_voi_lut(modality, p, index), processing.apply_voi_lut(modality, d, index))
    shown = ref.apply_voi_lut(modality, p)
    _same(ref.apply_presentation_lut(shown, p), processing.apply_presentation_lut(shown, d))


@pytest.mark.parametrize("keyword, descriptor, vr, data", [
    ("ModalityLUTSequence", [4, 0, 8], "US", [0, 300, 2, 3]),
    ("VOILUTSequence", [4, 0, 8], "OW", b"\x00\x00\x00\x02\x00\x00\x00\x00"),
    ("ModalityLUTSequence", [4, 0, 16], "OW", b"\x00\x01\x02"),
    ("PresentationLUTSequence", [256, 0, 16], "OW", b"\x00\x01\x02"),
    ("PresentationLUTSequence", [256, 0, 16], "US", [1, 2, 3]),
    ("ModalityLUTSequence", [4, 0], "US", [1, 2, 3, 4]),
])
def test_malformed_lut_modules_raise_pixel_data_error(keyword: str, descriptor: list[int],
                                                      vr: str, data: object) -> None:
    from dcmcore.errors import PixelDataError

    _, d = _pair("CT_small.dcm")
    item = dcmcore.Dataset()
    item.LUTDescriptor = descriptor
    item.add_new(0x00283006, vr, data)
    setattr(d, keyword, [item])
    func = {"ModalityLUTSequence": processing.apply_modality_lut,
            "VOILUTSequence": processing.apply_voi,
            "PresentationLUTSequence": processing.apply_presentation_lut}[keyword]
    with pytest.raises(PixelDataError, match=r"\(0028,30|LUT"):
        func(np.arange(16, dtype=np.int16).reshape(4, 4), d)
