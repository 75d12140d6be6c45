"""The pixel API pydicom 3 documents: set_pixel_data, compress/decompress (deflate), overlays, waveforms,
reading frames from files."""

from __future__ import annotations

import io
import os
import warnings

import numpy as np
import pytest

from tests.pixel_datasets import assert_same_array, corpus_file, make_ds, write_file

pydicom = pytest.importorskip("pydicom")

import dcmcore.pixels as px  # noqa: E402
from dcmcore.codecs.deflate import (  # noqa: E402
    DEFLATED_IMAGE_FRAME,
    ENCAPSULATED_UNCOMPRESSED,
)
from dcmcore.errors import PixelDataError  # noqa: E402

EXPLICIT_LE = "1.2.840.10008.1.2.1"


def _dcm_dataset():
    dataset = pytest.importorskip("dcmcore.dataset")
    ds = dataset.Dataset()
    ds.file_meta = dataset.FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = EXPLICIT_LE
    ds.SOPInstanceUID = "1.2.3"
    return ds


# ---- set_pixel_data ------------------------------------------------------------------

@pytest.mark.parametrize("shape,pi,dtype,bs", [
    ((4, 5), "MONOCHROME2", np.uint8, 8),
    ((3, 4, 5), "MONOCHROME1", np.int16, 12),
    ((4, 6, 3), "RGB", np.uint8, 8),
    ((2, 4, 6, 3), "YBR_FULL", np.uint16, 16),
    ((2, 4, 6, 3), "YBR_FULL_422", np.uint8, 8),
    ((3, 5), "PALETTE COLOR", np.int8, 7),
])
def test_set_pixel_data_round_trips_and_updates_module(shape, pi, dtype, bs):
    ds = _dcm_dataset()
    ds.NumberOfFrames = 9
    ds.PlanarConfiguration = 1
    rng = np.random.default_rng(1)
    info = np.iinfo(dtype)
    lo = max(info.min, -(2 ** (bs - 1))) if info.min < 0 else 0
    hi = min(info.max, 2 ** (bs - 1) - 1) if info.min < 0 else 2**bs - 1
    arr = rng.integers(lo, hi, size=shape, endpoint=True).astype(dtype)
    if pi == "YBR_FULL_422":  # sub-sampling keeps the first chroma of each pair
        arr[..., 1::2, 1:] = arr[..., 0::2, 1:]
    px.set_pixel_data(ds, arr, pi, bs, generate_instance_uid=True)
    assert ds.SOPInstanceUID != "1.2.3"
    assert ds.file_meta.MediaStorageSOPInstanceUID == ds.SOPInstanceUID
    assert ds.BitsAllocated == np.dtype(dtype).itemsize * 8
    assert ds.BitsStored == bs and ds.HighBit == bs - 1
    assert ds.PixelRepresentation == (np.dtype(dtype).kind == "i")
    assert ds.PhotometricInterpretation == pi
    spp = 3 if arr.ndim == 4 or (arr.ndim == 3 and pi not in ("MONOCHROME1", "MONOCHROME2",
                                                               "PALETTE COLOR")) else 1
    assert ds.SamplesPerPixel == spp
    assert ("PlanarConfiguration" in ds) == (spp == 3)
    multi = (arr.ndim == 3 and spp == 1) or arr.ndim == 4
    assert ("NumberOfFrames" in ds) == multi
    assert len(ds.PixelData) % 2 == 0
    assert ds["PixelData"].VR == ("OB" if np.dtype(dtype).itemsize == 1 else "OW")
    got = px.pixel_array(ds, raw=True)
    assert_same_array(arr, got)


def test_set_pixel_data_matches_pydicom_bytes():
    arr = np.arange(2 * 4 * 6 * 3, dtype=np.uint8).reshape(2, 4, 6, 3)
    ref = make_ds()
    ref.set_pixel_data(arr, "YBR_FULL_422", 8)
    ds = _dcm_dataset()
    px.set_pixel_data(ds, arr, "YBR_FULL_422", 8)
    assert bytes(ds.PixelData) == bytes(ref.PixelData)


@pytest.mark.parametrize("kwargs,match", [
    (dict(arr=np.zeros((2, 2), np.float32), pi="MONOCHROME2", bs=8), "dtype"),
    (dict(arr=np.zeros((2, 2), np.uint8), pi="CMYK", bs=8), "photometric"),
    (dict(arr=np.zeros((2, 2, 2, 2, 2), np.uint8), pi="MONOCHROME2", bs=8), "dimensions"),
    (dict(arr=np.zeros((2, 2, 4), np.uint8), pi="RGB", bs=8), "shape"),
    (dict(arr=np.zeros((2, 2), np.uint8), pi="MONOCHROME2", bs=9), "bits_stored"),
    (dict(arr=np.full((2, 2), 200, np.uint8), pi="MONOCHROME2", bs=7), "range"),
])
def test_set_pixel_data_rejects_bad_input_without_changing_dataset(kwargs, match):
    ds = _dcm_dataset()
    with pytest.raises(ValueError, match=match):
        px.set_pixel_data(ds, kwargs["arr"], kwargs["pi"], kwargs["bs"])
    assert "PixelData" not in ds and "Rows" not in ds


def test_set_pixel_data_refuses_big_endian():
    ds = _dcm_dataset()
    ds.file_meta.TransferSyntaxUID = "1.2.840.10008.1.2.2"
    with pytest.raises(NotImplementedError):
        px.set_pixel_data(ds, np.zeros((2, 2), np.uint8), "MONOCHROME2", 8)


# ---- compress / decompress with the builtin deflate codec ----------------------------

@pytest.mark.parametrize("ba,spp,pc,frames,bs,pr", [
    (8, 1, 0, 1, 8, 0), (16, 1, 0, 3, 12, 1), (8, 3, 0, 2, 8, 0), (8, 3, 1, 2, 8, 0),
    (32, 1, 0, 2, 32, 0), (1, 1, 0, 3, 1, 0),
])
@pytest.mark.parametrize("ext", [False, True])
@pytest.mark.parametrize("target", [DEFLATED_IMAGE_FRAME, ENCAPSULATED_UNCOMPRESSED])
def test_compress_builtin_round_trip_and_decompress(ba, spp, pc, frames, bs, pr, ext, target):
    ds = make_ds(rows=5, cols=6, spp=spp, ba=ba, bs=bs, pr=pr, pc=pc, frames=frames,
                 seed=ba)
    original = px.pixel_array(ds)
    uid = ds.SOPInstanceUID
    px.compress(ds, target, encapsulate_ext=ext)
    assert ds.file_meta.TransferSyntaxUID == target
    assert ds["PixelData"].is_undefined_length and ds["PixelData"].VR == "OB"
    assert ds.SOPInstanceUID != uid
    assert ("ExtendedOffsetTable" in ds) == ext
    assert_same_array(original, px.pixel_array(ds))
    for i in range(frames):
        assert_same_array(original[i] if frames > 1 else original, px.pixel_array(ds, index=i))
    px.decompress(ds)
    assert ds.file_meta.TransferSyntaxUID == EXPLICIT_LE
    assert not ds["PixelData"].is_undefined_length
    assert "ExtendedOffsetTable" not in ds
    if spp == 3:
        assert ds.PlanarConfiguration == 0
    assert_same_array(original, px.pixel_array(ds))
    # and pydicom reads the decompressed dataset the same way
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert_same_array(original, pydicom.pixels.pixel_array(ds))


def test_compress_from_array_uses_the_array():
    ds = make_ds(rows=4, cols=4, ba=16, frames=2)
    arr = np.arange(32, dtype=np.uint16).reshape(2, 4, 4)
    px.compress(ds, DEFLATED_IMAGE_FRAME, arr)
    assert_same_array(arr, px.pixel_array(ds))


def test_compress_refuses_compressed_source_and_native_target():
    ds = make_ds(rows=4, cols=4, ba=8)
    with pytest.raises(ValueError):
        px.compress(ds, EXPLICIT_LE)
    px.compress(ds, DEFLATED_IMAGE_FRAME)
    with pytest.raises(ValueError, match="uncompressed"):
        px.compress(ds, DEFLATED_IMAGE_FRAME)


def test_decompress_refuses_native():
    with pytest.raises(ValueError, match="already uncompressed"):
        px.decompress(make_ds())


def test_unknown_plugin_name_is_an_error():
    ds = make_ds(rows=4, cols=4, ba=8)
    px.compress(ds, DEFLATED_IMAGE_FRAME)
    with pytest.raises(Exception, match="nope"):
        px.pixel_array(ds, decoding_plugin="nope")


# ---- bad Image Pixel module values ---------------------------------------------------

@pytest.mark.parametrize("keyword,value,match", [
    ("Rows", 0, r"\(0028,0010\) 'Rows'"),
    ("Columns", 70000, r"\(0028,0011\) 'Columns'"),
    ("Rows", None, r"\(0028,0010\) 'Rows'"),
    ("BitsAllocated", 12, r"\(0028,0100\) 'Bits Allocated'"),
    ("BitsAllocated", 24, r"\(0028,0100\) 'Bits Allocated'"),
    ("BitsStored", 17, r"\(0028,0101\) 'Bits Stored'"),
    ("BitsStored", 0, r"\(0028,0101\) 'Bits Stored'"),
    ("SamplesPerPixel", 2, r"\(0028,0002\) 'Samples per Pixel'"),
    ("PixelRepresentation", 2, r"\(0028,0103\) 'Pixel Representation'"),
    ("PhotometricInterpretation", "FOO", r"\(0028,0004\) 'Photometric Interpretation'"),
    ("NumberOfFrames", -2, r"\(0028,0008\) 'Number of Frames'"),
    ("NumberOfFrames", 2**40, r"\(0028,0008\) 'Number of Frames'"),
    ("Rows", [4, 4], r"\(0028,0010\) 'Rows' must have one value"),
    ("PlanarConfiguration", None, r"\(0028,0006\) 'Planar Configuration'"),
])
def test_bad_module_values_raise_naming_the_element(keyword, value, match):
    ds = make_ds(rows=4, cols=4, ba=16, spp=3 if keyword == "PlanarConfiguration" else 1)
    if value is None:
        del ds[keyword]
    else:
        setattr(ds, keyword, value)
    with pytest.raises((PixelDataError, AttributeError), match=match):
        px.pixel_array(ds)


def _file_with_raw_value(tag_bytes: bytes, vr: bytes, value: bytes, tmp_path, frames=2):
    """A Part 10 file (explicit VR LE) whose element `tag_bytes` holds `value` as written."""
    ds = make_ds(rows=4, cols=4, ba=8, frames=frames)
    raw = write_file(ds)
    start = raw.index(tag_bytes + vr)
    length = int.from_bytes(raw[start + 6:start + 8], "little")
    element = tag_bytes + vr + len(value).to_bytes(2, "little") + value
    path = tmp_path / "bad.dcm"
    path.write_bytes(raw[:start] + element + raw[start + 8 + length:])
    return path


@pytest.mark.parametrize("value", [b"1A", b"2\\3", b"2.5 "])
def test_number_of_frames_that_is_not_a_number_is_a_pixel_data_error(value, tmp_path):
    # was a plain ValueError from int() on the dataset path
    import dcmcore

    path = _file_with_raw_value(b"\x28\x00\x08\x00", b"IS", value, tmp_path)
    match = r"\(0028,0008\) 'Number of Frames'"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the reader warns about the invalid IS value
        ds = dcmcore.dcmread(path)
        with pytest.raises(PixelDataError, match=match):
            px.pixel_array(path)
        with pytest.raises(PixelDataError, match=match):
            ds.pixel_array  # noqa: B018
        with pytest.raises(PixelDataError, match=match):
            next(px.iter_pixels(path))


def test_bad_rows_in_a_file_is_a_pixel_data_error_naming_it(tmp_path):
    path = _file_with_raw_value(b"\x28\x00\x10\x00", b"US", b"\x00\x00", tmp_path)
    with pytest.raises(PixelDataError, match=r"\(0028,0010\) 'Rows' value of '0'"):
        px.pixel_array(path)


def test_missing_element_is_also_attribute_error():
    ds = make_ds()
    del ds.BitsStored
    with pytest.raises(AttributeError):
        px.pixel_array(ds)


def test_huge_frame_count_refused_before_allocating_for_encapsulated_data():
    ds = make_ds(rows=4, cols=4, ba=8)
    px.compress(ds, DEFLATED_IMAGE_FRAME)
    ds.Rows = ds.Columns = 65535
    ds.NumberOfFrames = 2**31 - 1
    with pytest.raises(PixelDataError):
        px.pixel_array(ds)
    ds.NumberOfFrames = 1
    with pytest.raises(PixelDataError, match="limit"):
        px.pixel_array(ds, max_decoded_bytes=1000)


# ---- frames read from files ------------------------------------------------------------

class CountingFile(io.BytesIO):
    """A file counting the bytes handed out by read()."""

    def __init__(self, data: bytes):
        super().__init__(data)
        self.bytes_read = 0

    def read(self, n=-1):
        out = super().read(n)
        self.bytes_read += len(out)
        return out


@pytest.mark.parametrize("compressed", [False, True])
def test_iter_pixels_reads_one_frame_at_a_time(compressed):
    frames = 20
    ds = make_ds(rows=64, cols=64, ba=16, frames=frames)
    original = px.pixel_array(ds)
    if compressed:
        px.compress(ds, DEFLATED_IMAGE_FRAME)
    raw = write_file(ds, DEFLATED_IMAGE_FRAME if compressed else None)
    f = CountingFile(raw)
    it = px.iter_pixels(f)
    first = next(it)
    assert_same_array(original[0], first)
    frame_bytes = 64 * 64 * 2
    assert f.bytes_read < 2 * frame_bytes  # not the other 19 frames
    rest = list(it)
    assert len(rest) == frames - 1
    assert_same_array(original[-1], rest[-1])

    f = CountingFile(raw)
    one = px.pixel_array(f, index=13)
    assert_same_array(original[13], one)
    assert f.bytes_read < 2 * frame_bytes
    assert f.tell() == 0  # position restored


def test_pixel_array_from_path_and_indices(tmp_path):
    ds = make_ds(rows=8, cols=8, spp=3, ba=8, frames=4, pc=1)
    path = tmp_path / "x.dcm"
    ds.save_as(path, enforce_file_format=True)
    original = px.pixel_array(ds)
    assert_same_array(original, px.pixel_array(path))
    assert_same_array(original, px.pixel_array(os.fspath(path)))
    got = list(px.iter_pixels(path, indices=[3, 1]))
    assert_same_array(original[3], got[0])
    assert_same_array(original[1], got[1])


def test_file_with_sequences_before_pixel_data_is_walked():
    ds = make_ds(rows=4, cols=4, ba=8, frames=2)
    from pydicom.dataset import Dataset
    from pydicom.sequence import Sequence

    inner = Dataset()
    inner.PatientName = "A^B"
    inner.ReferencedSOPInstanceUID = "1.2"
    ds.ReferencedImageSequence = Sequence([inner, Dataset()])
    for implicit in (False, True):
        buf = io.BytesIO()
        if implicit:
            ds.file_meta.TransferSyntaxUID = "1.2.840.10008.1.2"
        ds.save_as(buf, enforce_file_format=True)
        raw = buf.getvalue()
        assert_same_array(px.pixel_array(ds), px.pixel_array(io.BytesIO(raw)))


def _with_nested_sequences(depth: int) -> bytes:
    """A 2-frame file with `depth` undefined-length sequences nested before the pixel data."""
    raw = write_file(make_ds(rows=4, cols=4, ba=8, frames=2))
    undefined = b"\xff\xff\xff\xff"
    opening = (b"\x08\x00\x40\x11SQ\x00\x00" + undefined + b"\xfe\xff\x00\xe0" + undefined)
    closing = b"\xfe\xff\x0d\xe0\x00\x00\x00\x00" + b"\xfe\xff\xdd\xe0\x00\x00\x00\x00"
    at = raw.index(b"\x28\x00\x02\x00US")  # the first Image Pixel element
    return raw[:at] + opening * depth + closing * depth + raw[at:]


def test_file_header_walk_is_the_readers_with_its_depth_limit():
    # pixels/source.py walks headers with io's walker: the same nesting limit as dcmread
    import dcmcore
    from dcmcore.errors import MalformedDataError
    from dcmcore.io.scan import MAX_SEQUENCE_DEPTH

    deep = _with_nested_sequences(MAX_SEQUENCE_DEPTH - 10)  # refused at 64 levels before
    assert_same_array(dcmcore.dcmread(io.BytesIO(deep)).pixel_array,
                      px.pixel_array(io.BytesIO(deep)))
    too_deep = _with_nested_sequences(MAX_SEQUENCE_DEPTH + 10)
    with pytest.raises(MalformedDataError, match="nested deeper than"):
        px.pixel_array(io.BytesIO(too_deep))
    with pytest.raises(MalformedDataError, match="nested deeper than"):
        dcmcore.dcmread(io.BytesIO(too_deep))


def test_corpus_files_read_from_path_match_pydicom():
    for name in ("MR_small.dcm", "rtdose.dcm", "SC_rgb_small_odd.dcm", "liver_1frame.dcm",
                 "MR_small_bigendian.dcm", "SC_ybr_full_422_uncompressed.dcm",
                 "SC_rgb_small_odd_big_endian.dcm", "rtdose_expb.dcm", "MR_small_implicit.dcm"):
        path = corpus_file(name)
        ref = pydicom.dcmread(path).pixel_array
        assert_same_array(ref, px.pixel_array(path))
        n = ref.shape[0] if pydicom.dcmread(path).get("NumberOfFrames", 1) > 1 else 1
        if n > 1:
            assert_same_array(ref[n - 1], px.pixel_array(path, index=n - 1))


# ---- overlays and waveforms ------------------------------------------------------------

def test_overlay_array_matches_pydicom():
    ds = pydicom.dcmread(corpus_file("examples_overlay.dcm"))
    ref = ds.overlay_array(0x6000)
    assert_same_array(ref, px.overlay_array(ds, 0x6000))


def test_multi_frame_overlay_and_bad_group():
    ds = make_ds()
    bits = np.random.default_rng(3).integers(0, 2, size=(3, 5, 7), dtype=np.uint8)
    ds.add_new(0x60020010, "US", 5)
    ds.add_new(0x60020011, "US", 7)
    ds.add_new(0x60020015, "IS", 3)
    ds.add_new(0x60020100, "US", 1)
    ds.add_new(0x60023000, "OW", px.pack_bits(bits))
    assert_same_array(ds.overlay_array(0x6002), px.overlay_array(ds, 0x6002))
    np.testing.assert_array_equal(px.overlay_array(ds, 0x6002), bits)
    with pytest.raises(ValueError):
        px.overlay_array(ds, 0x5000)
    with pytest.raises(AttributeError):
        px.overlay_array(ds, 0x6004)


def test_waveform_array_matches_pydicom():
    ds = pydicom.dcmread(corpus_file("waveform_ecg.dcm"))
    for index in range(len(ds.WaveformSequence)):
        ref = ds.waveform_array(index)
        assert_same_array(ref, px.waveform_array(ds, index))


def test_compress_switches_to_extended_offset_table_when_offsets_overflow(monkeypatch):
    from dcmcore.pixels import rewrite

    ds = make_ds(rows=8, cols=8, ba=16, frames=4)
    original = px.pixel_array(ds)
    monkeypatch.setattr(rewrite, "BOT_MAX_OFFSET", 100)  # as if the frames were > 4 GiB
    px.compress(ds, DEFLATED_IMAGE_FRAME)
    assert "ExtendedOffsetTable" in ds and "ExtendedOffsetTableLengths" in ds
    assert px.parse_basic_offsets(ds.PixelData) == []
    assert_same_array(original, px.pixel_array(ds))
    # and frames are found through the table when read from a file
    raw = write_file(ds, DEFLATED_IMAGE_FRAME)
    for i in range(4):
        assert_same_array(original[i], px.pixel_array(io.BytesIO(raw), index=i))


def test_ds_out_receives_the_elements_before_the_pixel_data(tmp_path):
    dataset = pytest.importorskip("dcmcore.dataset")
    ds = make_ds(rows=4, cols=4, ba=8, frames=2)
    ds.PatientName = "Doe^John"
    path = tmp_path / "a.dcm"
    ds.save_as(path, enforce_file_format=True)
    out = dataset.Dataset()
    arr = px.pixel_array(path, index=1, ds_out=out)
    assert arr.shape == (4, 4)
    assert out.Rows == 4 and out.NumberOfFrames == 2
    assert "PixelData" not in out and "PatientName" not in out
    out = dataset.Dataset()
    px.pixel_array(path, ds_out=out, specific_tags=[0x00100010])
    assert out.PatientName == "Doe^John"
    assert out.file_meta.TransferSyntaxUID == "1.2.840.10008.1.2.1"


@pytest.mark.parametrize("tags", [
    ["SOPInstanceUID", "PatientName"], [(0x0008, 0x0018), (0x0010, 0x0010)],
    [0x00080018, "0x00100010"],
])
def test_specific_tags_accept_keywords_and_tuples(tmp_path, tags):
    dataset = pytest.importorskip("dcmcore.dataset")
    ds = make_ds(rows=4, cols=4, ba=8, frames=2)
    ds.PatientName = "Doe^John"
    path = tmp_path / "a.dcm"
    ds.save_as(path, enforce_file_format=True)
    for call in (px.pixel_array, lambda *a, **k: list(px.iter_pixels(*a, **k))):
        out = dataset.Dataset()
        call(str(path), ds_out=out, specific_tags=tags)
        assert out.SOPInstanceUID == "1.2.3.4"
        assert out.PatientName == "Doe^John"


def test_dataset_members_delegate_and_cache(tmp_path):
    pytest.importorskip("dcmcore.io.reader")
    import dcmcore

    path = corpus_file("SC_rgb_rle_2frame.dcm")
    pytest.importorskip("dcmcore_rle")
    ours = dcmcore.dcmread(path)
    ref = pydicom.dcmread(path)
    assert_same_array(ref.pixel_array, ours.pixel_array)
    ours.pixel_array_options(index=1)
    assert_same_array(ref.pixel_array[1], ours.pixel_array)
    ours.pixel_array_options()
    ours.decompress(generate_instance_uid=False)
    ref.decompress(generate_instance_uid=False)
    assert bytes(ours.PixelData) == bytes(ref.PixelData)
    assert ours.file_meta.TransferSyntaxUID == ref.file_meta.TransferSyntaxUID
    assert ours.SOPInstanceUID == ref.SOPInstanceUID
    for kw in ("PhotometricInterpretation", "PlanarConfiguration", "NumberOfFrames",
               "SamplesPerPixel", "BitsAllocated"):
        assert ours.get(kw) == ref.get(kw), kw
    assert ours["PixelData"].VR == ref["PixelData"].VR
    assert_same_array(ref.pixel_array, ours.pixel_array)


def test_truncated_files_raise_clear_errors():
    ds = make_ds(rows=16, cols=16, ba=16, frames=3)
    raw = write_file(ds)
    with pytest.raises(PixelDataError, match="less than expected"):
        px.pixel_array(io.BytesIO(raw[:-100]))
    px.compress(ds, DEFLATED_IMAGE_FRAME)
    raw = write_file(ds, DEFLATED_IMAGE_FRAME)
    with pytest.raises(Exception) as info:
        px.pixel_array(io.BytesIO(raw[:-40]))
    assert isinstance(info.value, (PixelDataError, ValueError, EOFError, RuntimeError))


def test_garbage_after_preamble_does_not_hang():
    junk = b"\x00" * 128 + b"DICM" + bytes(range(256)) * 40
    with pytest.raises(Exception):  # noqa: B017 - any clear error, quickly
        px.pixel_array(io.BytesIO(junk))


def test_waveform_array_from_dcmcore_dataset_and_big_endian_file():
    dcmcore = pytest.importorskip("dcmcore")
    path = corpus_file("waveform_ecg.dcm")
    ref = pydicom.dcmread(path)
    ours = dcmcore.dcmread(path)
    for index in range(len(ref.WaveformSequence)):
        assert_same_array(ref.waveform_array(index), ours.waveform_array(index))
    # the same waveform in a big endian dataset (OW bytes swapped) gives the same values
    item = ref.WaveformSequence[0]
    assert item.WaveformBitsAllocated == 16
    expected = px.waveform_array(ref, 0)
    item.WaveformData = np.frombuffer(item.WaveformData, "<u2").byteswap().tobytes()
    ref.file_meta.TransferSyntaxUID = "1.2.840.10008.1.2.2"
    np.testing.assert_array_equal(expected, px.waveform_array(ref, 0))
    raw = px.waveform_array(ref, 0, as_raw=True)
    assert raw.dtype.kind in "iu"


def test_blocked_builtin_deflate_plugin_gives_no_plugin_error():
    codecs = pytest.importorskip("dcmcore.codecs")
    from dcmcore.errors import NoPluginError

    ds = make_ds(rows=4, cols=4, ba=8)
    px.compress(ds, DEFLATED_IMAGE_FRAME)
    assert any(p.name == "deflate" for p in codecs.list_plugins())
    codecs.block("deflate")  # takes effect at once on a loaded plugin
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            with pytest.raises(NoPluginError):
                px.pixel_array(ds)
    finally:
        codecs.unblock("deflate")
    assert_same_array(px.pixel_array(ds), px.pixel_array(ds, decoding_plugin="deflate"))


def test_unknown_plugin_names_raise_value_error_like_pydicom():
    from dcmcore.errors import PluginError

    ds = make_ds(rows=4, cols=4, ba=8)
    px.compress(ds, DEFLATED_IMAGE_FRAME)
    with pytest.raises(ValueError) as info:
        px.pixel_array(ds, decoding_plugin="nosuch")
    assert isinstance(info.value, PluginError)
    with pytest.raises(ValueError):
        px.decompress(ds, decoding_plugin="nosuch")
    ds = make_ds(rows=4, cols=4, ba=8)
    with pytest.raises(ValueError):
        px.compress(ds, DEFLATED_IMAGE_FRAME, encoding_plugin="nosuch")


def test_compress_to_native_syntax_is_not_implemented_like_pydicom():
    ds = make_ds(rows=4, cols=4, ba=8)
    with pytest.raises(NotImplementedError, match="No pixel data encoders"):
        px.compress(ds, EXPLICIT_LE)


@pytest.mark.parametrize("shape,pi", [((1, 4, 6), "MONOCHROME2"), ((1, 4, 6, 3), "RGB")])
def test_set_pixel_data_single_frame_removes_number_of_frames_as_documented(shape, pi):
    # the seed: "(0028,0008) Number of Frames ... will be removed if arr only contains a
    # single frame"; pydicom 3.0.2 sets 1 for a (1, rows, columns) array instead
    ds = _dcm_dataset()
    ds.NumberOfFrames = 5
    px.set_pixel_data(ds, np.zeros(shape, np.uint8), pi, 8)
    assert "NumberOfFrames" not in ds
    assert (ds.Rows, ds.Columns) == (4, 6)
    assert px.pixel_array(ds).shape == shape[1:]


def test_corrupted_files_raise_library_errors():
    import random

    from dcmcore.errors import DcmcoreError

    bases = []
    ds = make_ds(rows=8, cols=8, ba=16, frames=3)
    bases.append(write_file(ds))
    px.compress(ds, DEFLATED_IMAGE_FRAME)
    bases.append(write_file(ds, DEFLATED_IMAGE_FRAME))
    rng = random.Random(1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(300):
            data = bytearray(rng.choice(bases))
            for _ in range(rng.randint(1, 4)):
                data[rng.randrange(132, len(data))] = rng.randrange(256)
            if rng.random() < 0.2:
                data = data[:rng.randrange(132, len(data))]
            try:
                px.pixel_array(io.BytesIO(bytes(data)))
            except (DcmcoreError, ValueError, AttributeError, EOFError):
                pass


def test_bad_item_in_a_file_is_reported_at_its_file_offset():
    import struct

    from dcmcore.errors import MalformedDataError

    ds = make_ds(rows=4, cols=4, ba=8, frames=2)
    px.compress(ds, DEFLATED_IMAGE_FRAME)
    raw = bytearray(write_file(ds, DEFLATED_IMAGE_FRAME))
    value = raw.index(b"\xe0\x7f\x10\x00OB") + 12
    bot_length = struct.unpack("<L", raw[value + 4:value + 8])[0]
    first = value + 8 + bot_length
    second = first + 8 + struct.unpack("<L", raw[first + 4:first + 8])[0]
    raw[second:second + 4] = b"\x08\x00\x10\x00"
    with pytest.raises(MalformedDataError, match=f"byte offset {second} "):
        px.pixel_array(io.BytesIO(bytes(raw)))


@pytest.mark.parametrize("call", ["pixel_array", "iter_pixels", "iter_pixels_file"])
def test_codecs_are_selected_and_corrections_worked_out_once_per_call(call, monkeypatch):
    from dcmcore.pixels import codestream, decode

    ds = make_ds(rows=4, cols=4, ba=8, frames=5)
    px.compress(ds, DEFLATED_IMAGE_FRAME)
    counts = {"select": 0, "inspect": 0}

    def counting(name, real):
        def wrapper(*args, **kwargs):
            counts[name] += 1
            return real(*args, **kwargs)
        return wrapper

    monkeypatch.setattr(decode, "select", counting("select", decode.select))
    monkeypatch.setattr(codestream, "inspect", counting("inspect", codestream.inspect))
    if call == "pixel_array":
        assert px.pixel_array(ds).shape == (5, 4, 4)
    elif call == "iter_pixels":
        assert len(list(px.iter_pixels(ds))) == 5
    else:
        assert len(list(px.iter_pixels(io.BytesIO(write_file(ds, DEFLATED_IMAGE_FRAME))))) == 5
    assert counts == {"select": 1, "inspect": 1}


def test_pixel_functions_keep_no_state_on_the_dataset():
    # the dataset's options and cached array are its pixel members' alone
    import dcmcore

    ds = dcmcore.dcmread(corpus_file("MR_small.dcm"))
    ds.pixel_array_options(index=None, raw=True)
    cached = ds.pixel_array
    state = {k: v for k, v in ds.__dict__.items() if k.startswith("_pixel")}
    px.pixel_array(ds, raw=False)
    list(px.iter_pixels(ds))
    assert {k: v for k, v in ds.__dict__.items() if k.startswith("_pixel")} == state
    assert ds.pixel_array is cached
    px.compress(ds, DEFLATED_IMAGE_FRAME)  # a new Pixel Data: the cache follows it
    assert ds.pixel_array is not cached
    assert_same_array(cached, ds.pixel_array)
