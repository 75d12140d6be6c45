"""dcmcore.pixels.decoders / encoders: pydicom 3's per-syntax objects over dcmcore's codecs.

pydicom's own plugin modules (``pydicom.pixels.decoders.rle``...) are added with
``add_plugin`` as a pydicom user adds a third-party one: they become dcmcore codecs and
must give pydicom's arrays.
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pydicom
import pydicom.pixels.decoders as ref_decoders
import pydicom.pixels.encoders as ref_encoders
import pytest
from pydicom.pixels import get_decoder as ref_get_decoder
from pydicom.pixels import get_encoder as ref_get_encoder
from pydicom.pixels.decoders.base import Decoder as RefDecoder
from pydicom.pixels.encoders.base import Encoder as RefEncoder

import dcmcore
from dcmcore import codecs
from dcmcore.pixels import decoded_by, decoders, encoders, get_decoder, get_encoder
from dcmcore.pixels._plugin_functions import PLUGIN_NAME
from dcmcore.pixels.utils import as_pixel_options

CORPUS = Path(pydicom.__file__).parent / "data" / "test_files"
LOSSY_JPEG = ("1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51")


def _params(func: Callable[..., object]) -> list[tuple[str, object, object]]:
    return [(p.name, p.kind, p.default) for p in inspect.signature(func).parameters.values()]


def test_module_names_are_pydicoms() -> None:
    ours = {n for n in decoders.__all__ if n.endswith("Decoder") and n != "Decoder"}
    assert ours == {n for n in dir(ref_decoders) if n.endswith("Decoder")}
    ours = {n for n in encoders.__all__ if n.endswith("Encoder") and n != "Encoder"}
    assert ours == {n for n in dir(ref_encoders) if n.endswith("Encoder")}


@pytest.mark.parametrize("ours, theirs, method", [
    *[(decoders.Decoder, RefDecoder, m) for m in
      ("as_array", "iter_array", "as_buffer", "iter_buffer", "add_plugin", "add_plugins",
       "remove_plugin")],
    *[(encoders.Encoder, RefEncoder, m) for m in
      ("encode", "iter_encode", "add_plugin", "add_plugins", "remove_plugin")],
])
def test_methods_have_pydicoms_signatures(ours: type, theirs: type, method: str) -> None:
    assert _params(getattr(ours, method)) == _params(getattr(theirs, method))


def test_get_functions_have_pydicoms_signatures() -> None:
    assert _params(get_decoder) == _params(ref_get_decoder)
    assert _params(get_encoder) == _params(ref_get_encoder)
    assert decoders.get_decoder is get_decoder and encoders.get_encoder is get_encoder


def test_objects_describe_their_syntax() -> None:
    rle = get_decoder("1.2.840.10008.1.2.5")
    assert rle is decoders.RLELosslessDecoder
    assert rle.UID == "1.2.840.10008.1.2.5"
    assert rle.is_encapsulated and not rle.is_native
    native = decoders.ExplicitVRLittleEndianDecoder
    assert native.is_native and native.is_available and native.available_plugins == ()
    assert "pydicom" in rle.available_plugins and rle.is_available
    assert isinstance(rle.missing_dependencies, list)


def test_unknown_syntaxes_raise_not_implemented() -> None:
    with pytest.raises(NotImplementedError, match="No pixel data decoders"):
        get_decoder("1.2.3.4")
    with pytest.raises(NotImplementedError, match="Explicit VR Little Endian"):
        get_encoder("1.2.840.10008.1.2.1")


def _corpus() -> list[Path]:
    out = []
    for path in sorted(CORPUS.glob("*.dcm")):
        try:
            ds = pydicom.dcmread(path)
            uid = ds.file_meta.TransferSyntaxUID
            ref_get_decoder(uid)
        except Exception:
            continue
        if "PixelData" in ds and "Rows" in ds:
            out.append(path)
    return out


CORPUS_FILES = _corpus()


def _reference(path: Path, **kwargs: object) -> tuple[np.ndarray, dict[str, object]]:
    ds = pydicom.dcmread(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return ref_get_decoder(ds.file_meta.TransferSyntaxUID).as_array(ds, **kwargs)
        except Exception as exc:
            pytest.skip(f"pydicom cannot decode it: {exc}")


def _compare(path: Path, got: np.ndarray, expected: np.ndarray) -> None:
    syntax = pydicom.dcmread(path, stop_before_pixels=True).file_meta.TransferSyntaxUID
    tolerance = 1 if syntax in LOSSY_JPEG else 0  # lossy JPEG decoders may round differently
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, atol=tolerance, rtol=0)


def _same_meta(got: dict[str, object], expected: dict[str, object]) -> None:
    assert set(got) == set(expected)
    for key, value in expected.items():
        assert str(got[key]) == str(value), key


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name)
@pytest.mark.parametrize("raw", [False, True])
def test_as_array_of_the_corpus_as_pydicom(path: Path, raw: bool) -> None:
    expected, expected_meta = _reference(path, raw=raw, index=0)
    ds = dcmcore.dcmread(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got, meta = get_decoder(ds.file_meta.TransferSyntaxUID).as_array(ds, raw=raw, index=0)
    _compare(path, got, expected)
    _same_meta(meta, expected_meta)


@pytest.mark.parametrize("path", [p for p in CORPUS_FILES if "2frame" in p.name
                                  or p.name in ("examples_ybr_color.dcm", "rtdose.dcm")],
                         ids=lambda p: p.name)
def test_iter_array_of_multiframe_files_as_pydicom(path: Path) -> None:
    ds_ref = pydicom.dcmread(path)
    ds = dcmcore.dcmread(path)
    theirs = ref_get_decoder(ds_ref.file_meta.TransferSyntaxUID).iter_array(ds_ref,
                                                                            indices=[1, 0])
    ours = get_decoder(ds.file_meta.TransferSyntaxUID).iter_array(ds, indices=[1, 0])
    for (a, meta_a), (b, meta_b) in zip(ours, theirs, strict=True):
        _compare(path, a, b)
        _same_meta(meta_a, meta_b)


@pytest.mark.parametrize("name", ["MR_small_RLE.dcm", "SC_rgb_rle_2frame.dcm",
                                  "JPEG2000.dcm", "MR_small_jpeg_ls_lossless.dcm"])
def test_pixel_data_buffer_with_options_as_pydicom(name: str) -> None:
    path = CORPUS / name
    ds_ref = pydicom.dcmread(path)
    ds = dcmcore.dcmread(path)
    expected, _ = ref_get_decoder(ds_ref.file_meta.TransferSyntaxUID).as_array(
        ds_ref.PixelData, **pydicom.pixels.as_pixel_options(ds_ref))
    decoder = get_decoder(ds.file_meta.TransferSyntaxUID)
    got, _ = decoder.as_array(ds.PixelData, **as_pixel_options(ds))
    _compare(path, got, expected)
    buffer, meta = decoder.as_buffer(ds, index=0)
    raw, _ = decoder.as_array(ds, index=0, raw=True)
    assert bytes(buffer) == raw.tobytes()
    assert meta.get("planar_configuration", 0) == 0
    assert [bytes(b) for b, _ in decoder.iter_buffer(ds)][0] == bytes(buffer)


def test_buffer_without_its_options_is_refused() -> None:
    ds = dcmcore.dcmread(CORPUS / "MR_small_RLE.dcm")
    with pytest.raises(ValueError, match="Missing required"):
        decoders.RLELosslessDecoder.as_array(ds.PixelData, rows=64)


def test_pydicom_label_selects_dcmcores_own_codec() -> None:
    ds = dcmcore.dcmread(CORPUS / "MR_small_RLE.dcm")
    arr, _ = decoders.RLELosslessDecoder.as_array(ds, decoding_plugin="pydicom")
    record = decoded_by(arr)
    assert record is not None and record.decoders[0] == "rle"


# -- pydicom-style plugins ----------------------------------------------------------

@pytest.fixture
def added() -> Iterator[list[tuple[object, str]]]:
    """Plugins added in a test: removed afterwards."""
    plugins: list[tuple[object, str]] = []
    yield plugins
    for coder, label in plugins:
        try:
            coder.remove_plugin(label)  # type: ignore[attr-defined]
        except ValueError:
            pass


@pytest.mark.parametrize("name, module", [
    ("MR_small_RLE.dcm", "pydicom.pixels.decoders.rle"),
    ("SC_rgb_rle_2frame.dcm", "pydicom.pixels.decoders.rle"),
    ("rtdose_rle.dcm", "pydicom.pixels.decoders.rle"),
    ("SC_rgb_rle_16bit.dcm", "pydicom.pixels.decoders.pylibjpeg"),
    ("JPEG2000.dcm", "pydicom.pixels.decoders.pylibjpeg"),
    ("MR_small_jp2klossless.dcm", "pydicom.pixels.decoders.gdcm"),
    ("MR_small_jpeg_ls_lossless.dcm", "pydicom.pixels.decoders.pyjpegls"),
    ("SC_rgb_jpeg_dcmtk.dcm", "pydicom.pixels.decoders.pillow"),
])
def test_pydicoms_own_plugin_functions_decode_as_dcmcore_codecs(
        name: str, module: str, added: list[tuple[object, str]]) -> None:
    path = CORPUS / name
    ds = dcmcore.dcmread(path)
    decoder = get_decoder(ds.file_meta.TransferSyntaxUID)
    label = "pydicom-" + module.rsplit(".", 1)[1]
    decoder.add_plugin(label, (module, "_decode_frame"))
    added.append((decoder, label))
    assert label in decoder.available_plugins
    codec = next(c for c in codecs.all_decoders() if c.name == label)
    assert codec.plugin == PLUGIN_NAME
    expected, _ = _reference(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got, _ = decoder.as_array(ds, decoding_plugin=label)
        via_dataset = ds.pixel_array_options(decoding_plugin=label) or ds.pixel_array
    _compare(path, got, expected)
    _compare(path, np.asarray(via_dataset), expected)
    record = decoded_by(got)
    assert record is not None and record.decoders == (label,)


def test_a_function_plugin_is_removed_and_labels_stay_unique(
        added: list[tuple[object, str]]) -> None:
    decoder = decoders.RLELosslessDecoder
    decoder.add_plugin("mine", ("pydicom.pixels.decoders.rle", "_decode_frame"))
    added.append((decoder, "mine"))
    with pytest.raises(ValueError, match="already has a plugin named 'mine'"):
        decoder.add_plugin("mine", ("pydicom.pixels.decoders.rle", "_decode_frame"))
    with pytest.raises(ValueError, match="already has a plugin named 'pydicom'"):
        decoder.add_plugin("pydicom", ("pydicom.pixels.decoders.rle", "_decode_frame"))
    decoder.remove_plugin("mine")
    assert "mine" not in decoder.available_plugins
    assert all(c.name != "mine" for c in codecs.all_decoders())
    with pytest.raises(ValueError, match="no such plugin"):
        decoder.remove_plugin("mine")


def test_a_plugin_for_another_syntax_is_refused() -> None:
    with pytest.raises(ValueError, match="doesn't support"):
        decoders.JPEG2000Decoder.add_plugin("x", ("pydicom.pixels.decoders.rle", "_decode_frame"))


def test_an_unavailable_plugin_lists_its_dependencies(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      added: list[tuple[object, str]]) -> None:
    (tmp_path / "absent_codec.py").write_text(
        "DECODER_DEPENDENCIES = {'1.2.840.10008.1.2.5': ('numpy', 'libfoo>=2')}\n"
        "def is_available(uid): return False\n"
        "def decode(src, runner): raise RuntimeError\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    decoder = decoders.RLELosslessDecoder
    decoder.add_plugin("absent", ("absent_codec", "decode"))
    added.append((decoder, "absent"))
    assert "absent - requires numpy and libfoo>=2" in decoder.missing_dependencies
    assert "absent" not in decoder.available_plugins


def test_removing_an_installed_codec_leaves_it_out_of_this_objects_calls() -> None:
    decoder = get_decoder("1.2.840.10008.1.2.5")
    ds = dcmcore.dcmread(CORPUS / "MR_small_RLE.dcm")
    others = [label for label in decoder.available_plugins if label != "pydicom"]
    try:
        for label in others:
            decoder.remove_plugin(label)
        assert decoder.available_plugins == ("pydicom",)
        arr, _ = decoder.as_array(ds)
        record = decoded_by(arr)
        assert record is not None and record.decoders == ("rle",)
    finally:
        decoder._removed.clear()


# -- encoders -----------------------------------------------------------------------

def test_rle_encoder_output_decodes_to_the_input() -> None:
    ds = dcmcore.dcmread(CORPUS / "SC_rgb_rle_2frame.dcm")
    arr = ds.pixel_array
    encoder = encoders.RLELosslessEncoder
    frames = list(encoder.iter_encode(ds, encoding_plugin="pydicom"))
    assert len(frames) == 2
    opts = as_pixel_options(ds, number_of_frames=1)
    opts.pop("extended_offsets", None)
    from dcmcore.encaps import encapsulate

    for index, frame in enumerate(frames):
        got, _ = decoders.RLELosslessDecoder.as_array(encapsulate([frame]), **opts)
        np.testing.assert_array_equal(got, arr[index])
    assert encoder.encode(ds, index=1, encoding_plugin="pydicom") == frames[1]
    with pytest.raises(ValueError, match="index"):
        encoder.encode(ds)


@pytest.mark.parametrize("source", ["array", "bytes", "dataset"])
def test_pydicoms_rle_encoder_function_gives_pydicoms_bytes(
        source: str, added: list[tuple[object, str]]) -> None:
    path = CORPUS / "MR_small.dcm"
    ds_ref, ds = pydicom.dcmread(path), dcmcore.dcmread(path)
    encoder = encoders.RLELosslessEncoder
    encoder.add_plugin("pydicom-native", ("pydicom.pixels.encoders.native", "_encode_frame"))
    added.append((encoder, "pydicom-native"))
    opts = {k: v for k, v in as_pixel_options(ds).items() if k != "extended_offsets"}
    expected = ref_encoders.RLELosslessEncoder.encode(ds_ref, encoding_plugin="pydicom")
    if source == "dataset":
        got = encoder.encode(ds, encoding_plugin="pydicom-native")
    elif source == "array":
        got = encoder.encode(ds.pixel_array, encoding_plugin="pydicom-native", **opts)
    else:
        got = encoder.encode(bytes(ds.PixelData), encoding_plugin="pydicom-native", **opts)
    assert got == expected


def test_get_encoder_has_objects_for_every_syntax_dcmcore_encodes() -> None:
    assert get_encoder("1.2.840.10008.1.2.4.80") is encoders.JPEGLSLosslessEncoder
    for codec in codecs.all_encoders():
        for uid in codec.transfer_syntaxes:
            assert get_encoder(uid).UID == uid


def test_pydicom_names_dcmcores_own_codecs_everywhere() -> None:
    """As in pydicom, decoding_plugin/encoding_plugin="pydicom" on the dataset API too."""
    ds = dcmcore.dcmread(CORPUS / "MR_small_RLE.dcm")
    ds.pixel_array_options(decoding_plugin="pydicom")
    record = decoded_by(ds.pixel_array)
    assert record is not None and record.decoders == ("rle",)
    native = dcmcore.dcmread(CORPUS / "MR_small.dcm")
    native.pixel_array_options(decoding_plugin="pydicom")
    np.testing.assert_array_equal(native.pixel_array, pydicom.dcmread(
        CORPUS / "MR_small.dcm").pixel_array)
    native.compress("1.2.840.10008.1.2.5", encoding_plugin="pydicom")
    assert native.file_meta.TransferSyntaxUID == "1.2.840.10008.1.2.5"
    j2k = dcmcore.dcmread(CORPUS / "JPEG2000.dcm")
    j2k.pixel_array_options(decoding_plugin="pydicom")
    with pytest.raises(ValueError, match="pydicom"):
        j2k.pixel_array  # noqa: B018 - no own JPEG 2000 decoder


def test_base_modules_give_pydicoms_names_for_plugin_authors() -> None:
    from dcmcore.pixels.decoders import base as decoder_base
    from dcmcore.pixels.encoders import base as encoder_base

    assert decoder_base.get_decoder is get_decoder and encoder_base.get_encoder is get_encoder
    assert decoder_base.Decoder is decoders.Decoder and encoder_base.Encoder is encoders.Encoder
    runner = decoder_base.DecodeRunner(
        codecs.FrameInfo(rows=2, columns=3, samples_per_pixel=3, bits_allocated=16,
                         bits_stored=12, pixel_representation=1,
                         photometric_interpretation="RGB",
                         transfer_syntax_uid="1.2.840.10008.1.2.5"), {"x": 1})
    assert (runner.rows, runner.columns, runner.transfer_syntax) == (2, 3, "1.2.840.10008.1.2.5")
    assert runner.frame_length() == 36 and runner.frame_length("pixels") == 18
    assert runner.pixel_dtype == np.dtype("<i2") and runner.get_option("x") == 1
    runner.set_option("planar_configuration", 1)
    assert runner.planar_configuration == 1 and encoder_base.EncodeRunner is type(runner)


@pytest.mark.parametrize("name", ["SC_rgb_small_odd_big_endian.dcm",
                                  "SC_ybr_full_422_uncompressed.dcm", "rtdose.dcm",
                                  "MR_small_bigendian.dcm", "liver_1frame.dcm",
                                  "SC_rgb_dcmtk_+eb+cr.dcm", "examples_overlay.dcm"])
def test_native_buffers_are_the_stored_bytes_as_pydicom(name: str) -> None:
    path = CORPUS / name
    ds_ref, ds = pydicom.dcmread(path), dcmcore.dcmread(path)
    theirs = ref_get_decoder(ds_ref.file_meta.TransferSyntaxUID)
    ours = get_decoder(ds.file_meta.TransferSyntaxUID)
    buffer, meta = ours.as_buffer(ds)
    expected, expected_meta = theirs.as_buffer(ds_ref)
    assert bytes(buffer) == bytes(expected)
    _same_meta(meta, expected_meta)
    for index in (0, int(ds_ref.get("NumberOfFrames", 1) or 1) - 1):
        buffer, meta = ours.as_buffer(ds, index=index)
        expected, expected_meta = theirs.as_buffer(ds_ref, index=index)
        assert bytes(buffer) == bytes(expected)
        _same_meta(meta, expected_meta)
    assert [bytes(b) for b, _ in ours.iter_buffer(ds)] == \
        [bytes(b) for b, _ in theirs.iter_buffer(ds_ref)]
