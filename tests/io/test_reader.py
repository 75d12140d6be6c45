"""dcmread / read_file_meta_info: inputs, encodings, options, and agreement with pydicom."""

from __future__ import annotations

import io
import os
import pathlib
import struct
import warnings

import pydicom
import pytest

import dcmcore
from dcmcore import config
from dcmcore.errors import DcmcoreWarning, InvalidDicomError, MalformedDataError
from dcmcore.io import reader
from dcmcore.io.reader import dcmread, read_file_meta_info, size_in_bytes
from tests.encoded_bytes import (
    DATA_DIR,
    DEFLATED_LE,
    EXPLICIT_BE,
    EXPLICIT_LE,
    IMPLICIT_LE,
    JPEG_BASELINE,
    UNDEFINED,
    corpus_files,
    elem,
    item,
    part10,
    seq_delim,
    sequence,
    text,
)

CORPUS = corpus_files()


def _file(name: str) -> str:
    return pydicom.data.get_testdata_file(name)


def _norm(value):
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    if value is None or isinstance(value, str):
        return value
    if hasattr(value, "__iter__"):
        return [str(v) for v in value]
    return str(value)


def _tree(ds) -> list:
    """(tag, VR, value) for every element, sequences recursively."""
    out = []
    for el in ds:
        if el.VR == "SQ":
            out.append((int(el.tag), "SQ", [_tree(i) for i in el.value]))
        else:
            out.append((int(el.tag), el.VR, _norm(el.value)))
    return out


def _first_difference(a: list, b: list, path: str = "") -> str:
    for x, y in zip(a, b):
        if x != y:
            if x[0] == y[0] and x[1] == y[1] == "SQ" and len(x[2]) == len(y[2]):
                for i, (xi, yi) in enumerate(zip(x[2], y[2])):
                    if xi != yi:
                        return _first_difference(xi, yi, f"{path}/{x[0]:08X}[{i}]")
            return f"{path}: pydicom {str(x)[:200]} | dcmcore {str(y)[:200]}"
    return f"{path}: {len(a)} vs {len(b)} elements"


# ------------------------------------------------------------ differential corpus
@pytest.mark.parametrize("path", CORPUS, ids=[os.path.relpath(p, DATA_DIR) for p in CORPUS])
def test_corpus_file_reads_like_pydicom(path: str) -> None:
    """Same tags, VRs and values as pydicom for the whole tree; refusals agree."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            expected = _tree(pydicom.dcmread(path))
        except Exception:  # pydicom refuses the file
            with pytest.raises(InvalidDicomError):
                dcmread(path)
            return
        got = _tree(dcmread(path))
    assert got == expected, _first_difference(expected, got)


@pytest.mark.parametrize(
    "name", ["no_meta.dcm", "ExplVR_LitEndNoMeta.dcm", "ExplVR_BigEndNoMeta.dcm", "rtstruct.dcm"]
)
def test_files_without_preamble_need_force_and_then_read_like_pydicom(name: str) -> None:
    path = _file(name)
    with pytest.raises(InvalidDicomError, match="force=True"):
        dcmread(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = pydicom.dcmread(path, force=True)
        got = dcmread(path, force=True)
        assert _tree(got) == _tree(expected)
    assert got.preamble is None
    assert got.original_encoding[0] == expected.original_encoding[0]
    assert got.original_encoding[1] == expected.original_encoding[1]


def test_big_endian_without_meta_is_guessed_from_the_first_element() -> None:
    ds = dcmread(_file("ExplVR_BigEndNoMeta.dcm"), force=True)
    assert ds.original_encoding[0] is False
    assert ds.original_encoding[1] is False
    assert "TransferSyntaxUID" not in ds.file_meta


# ------------------------------------------------------------ inputs
def _ct_small() -> str:
    return _file("CT_small.dcm")


def _patient_name(ds) -> str:
    return str(ds[0x00100010].value)


def test_read_from_str_path_sets_filename_and_timestamp() -> None:
    path = _ct_small()
    ds = dcmread(path)
    assert ds.filename == path
    assert ds.fileobj_type is open
    assert ds.timestamp == os.stat(path).st_mtime
    assert ds.preamble == b"\0" * 128 or len(ds.preamble) == 128
    assert _patient_name(ds) == "CompressedSamples^CT1"


def test_read_from_pathlike() -> None:
    ds = dcmread(pathlib.Path(_ct_small()))
    assert ds.filename == _ct_small()
    assert _patient_name(ds) == "CompressedSamples^CT1"


def test_read_from_open_file_leaves_it_open_and_uses_it_as_buffer() -> None:
    with open(_ct_small(), "rb") as fh:
        ds = dcmread(fh)
        assert not fh.closed
    assert _patient_name(ds) == "CompressedSamples^CT1"


@pytest.mark.parametrize("kind", [bytes, bytearray, memoryview])
def test_read_from_buffers(kind) -> None:
    with open(_ct_small(), "rb") as fh:
        data = fh.read()
    ds = dcmread(kind(data))
    assert _patient_name(ds) == "CompressedSamples^CT1"
    assert isinstance(ds.buffer, io.BytesIO)
    assert ds.filename is None


def test_read_from_file_like_starting_mid_stream() -> None:
    with open(_ct_small(), "rb") as fh:
        data = fh.read()
    buf = io.BytesIO(b"JUNKJUNK" + data)
    buf.seek(8)
    ds = dcmread(buf, defer_size=100)
    assert ds[0x7FE00010].value == pydicom.dcmread(_ct_small()).PixelData


@pytest.mark.parametrize("bad", [None, 42, object()])
def test_unreadable_input_raises_type_error(bad) -> None:
    with pytest.raises(TypeError):
        dcmread(bad)


def test_not_dicom_without_force_raises_invalid_dicom_error() -> None:
    with pytest.raises(InvalidDicomError):
        dcmread(b"hello world" * 20)


def test_public_name_is_the_reader() -> None:
    assert dcmcore.dcmread is dcmread
    assert dcmcore.read_file_meta_info is read_file_meta_info


# ------------------------------------------------------------ encodings
def test_transfer_syntax_from_registry_decides_the_encoding() -> None:
    body = elem(0x00100010, "PN", text("Doe^John"), implicit=True)
    ds = dcmread(part10(body, IMPLICIT_LE))
    assert ds.original_encoding[0] is True and ds.original_encoding[1] is True
    assert str(ds[0x00100010].value) == "Doe^John"

    body = elem(0x00100010, "PN", text("Doe^John"), little=False)
    ds = dcmread(part10(body, EXPLICIT_BE))
    assert ds.original_encoding[0] is False and ds.original_encoding[1] is False
    assert str(ds[0x00100010].value) == "Doe^John"


def test_encapsulated_syntax_reads_explicit_little_endian() -> None:
    body = elem(0x00280010, "US", struct.pack("<H", 7))
    ds = dcmread(part10(body, JPEG_BASELINE))
    assert ds[0x00280010].value == 7
    assert ds.original_encoding[0] is False


def test_unknown_transfer_syntax_reads_as_explicit_little_endian() -> None:
    body = elem(0x00280010, "US", struct.pack("<H", 9))
    ds = dcmread(part10(body, "1.2.3.4.5.6.7.8"))
    assert ds[0x00280010].value == 9


def test_missing_transfer_syntax_is_guessed() -> None:
    body = elem(0x00100010, "PN", text("Implicit^Guess"), implicit=True)
    data = b"\0" * 128 + b"DICM" + elem(0x00020002, "UI", b"1.2.3\0") + body
    ds = dcmread(data)
    assert ds.original_encoding[0] is True
    assert str(ds[0x00100010].value) == "Implicit^Guess"


def test_implicit_file_meta_is_tolerated() -> None:
    body = elem(0x00100010, "PN", text("Doe^Jane"))
    ds = dcmread(part10(body, EXPLICIT_LE, implicit=True))
    assert ds.file_meta[0x00020010].value == EXPLICIT_LE
    assert str(ds[0x00100010].value) == "Doe^Jane"


def test_file_meta_without_group_length() -> None:
    body = elem(0x00100010, "PN", text("No^Length"))
    ds = dcmread(part10(body, EXPLICIT_LE, group_length=False))
    assert 0x00020000 not in ds.file_meta
    assert str(ds[0x00100010].value) == "No^Length"


def test_deflated_file_reads_like_pydicom() -> None:
    path = _file("image_dfl.dcm")
    assert _tree(dcmread(path)) == _tree(pydicom.dcmread(path))


def test_deflated_data_set_is_inflated() -> None:
    body = elem(0x00100010, "PN", text("Deflated^Patient")) + elem(0x7FE00010, "OB", b"\0" * 1000)
    ds = dcmread(part10(body, DEFLATED_LE))
    assert str(ds[0x00100010].value) == "Deflated^Patient"
    assert ds[0x7FE00010].value == b"\0" * 1000


def test_specific_character_set_sets_the_read_encoding() -> None:
    path = os.path.join(DATA_DIR, "charset_files", "chrRuss.dcm")
    ds = dcmread(path)
    assert ds.original_character_set == ["iso_ir_144"]
    assert str(ds[0x00100010].value) == str(pydicom.dcmread(path).PatientName)


def test_command_set_elements_are_kept() -> None:
    body = elem(0x00000002, "UI", b"1.2.3\0", implicit=True) + elem(
        0x00000100, "US", struct.pack("<H", 1), implicit=True
    )
    body += elem(0x00100010, "PN", text("Cmd^Set"), implicit=True)
    ds = dcmread(part10(body, IMPLICIT_LE))
    assert 0x00000100 in ds
    assert str(ds[0x00100010].value) == "Cmd^Set"


def test_implicit_vr_first_element_in_explicit_file_warns_and_reads_implicit() -> None:
    body = elem(0x00100010, "PN", text("Wrong^Syntax"), implicit=True)
    with pytest.warns(DcmcoreWarning, match="Expected explicit VR"):
        ds = dcmread(part10(body, EXPLICIT_LE))
    assert ds.original_encoding[0] is True
    assert str(ds[0x00100010].value) == "Wrong^Syntax"
    with config.override(reading_validation_mode=config.RAISE):
        with pytest.raises(InvalidDicomError, match="Expected explicit VR"):
            dcmread(part10(body, EXPLICIT_LE))


# ------------------------------------------------------------ options
def test_stop_before_pixels_stops_at_any_pixel_data_tag() -> None:
    for tag, vr in ((0x7FE00010, "OB"), (0x7FE00008, "OF"), (0x7FE00009, "OD")):
        body = elem(0x00280010, "US", struct.pack("<H", 2)) + elem(tag, vr, b"\0" * 8)
        body += elem(0x7FE10010, "LO", text("after"))
        ds = dcmread(part10(body), stop_before_pixels=True)
        assert list(ds.keys()) == [0x00280010]
    ds = dcmread(_ct_small(), stop_before_pixels=True)
    assert 0x7FE00010 not in ds
    assert _patient_name(ds) == "CompressedSamples^CT1"


def test_specific_tags_reads_only_those_and_the_character_set() -> None:
    path = os.path.join(DATA_DIR, "charset_files", "chrRuss.dcm")
    ds = dcmread(path, specific_tags=["PatientName", 0x00080020, (0x0010, 0x0020)])
    assert set(ds.keys()) <= {0x00080005, 0x00100010, 0x00080020, 0x00100020}
    assert 0x00080005 in ds and 0x00100010 in ds


def test_specific_tags_skips_undefined_length_sequences() -> None:
    seq = sequence(
        0x00081115, [item(elem(0x00081150, "UI", b"1.2\0"), undefined=True)], undefined=True
    )
    body = seq + elem(0x00100010, "PN", text("After^Seq"))
    ds = dcmread(part10(body), specific_tags=[0x00100010])
    assert list(ds.keys()) == [0x00100010]


@pytest.mark.parametrize("defer", [512, "512 B", "0.5 KiB", 512.0, "0.512 kb"])
def test_deferred_values_are_read_on_access(defer) -> None:
    path = _ct_small()
    ds = dcmread(path, defer_size=defer)
    raw = ds._dict[0x7FE00010]
    assert raw.value is None and raw.value_tell is not None
    assert ds._dict[0x00100010].value is not None  # small values are read
    assert ds[0x7FE00010].value == pydicom.dcmread(path).PixelData


def test_deferred_values_from_a_buffer() -> None:
    with open(_ct_small(), "rb") as fh:
        data = fh.read()
    ds = dcmread(data, defer_size="1 KB")
    assert ds._dict[0x7FE00010].value is None
    assert ds[0x7FE00010].value == pydicom.dcmread(_ct_small()).PixelData


def test_defer_size_falls_back_to_the_config_setting() -> None:
    with config.override(defer_size=1024):
        ds = dcmread(_ct_small())
    assert ds._dict[0x7FE00010].value is None
    assert len(ds[0x7FE00010].value) == 32768


def test_character_set_is_never_deferred() -> None:
    body = elem(0x00080005, "CS", text("ISO_IR 100")) + elem(0x00100010, "PN", text("Defer^Me"))
    ds = dcmread(part10(body), defer_size=2)
    assert ds._dict[0x00080005].value is not None
    assert ds._dict[0x00100010].value is None
    assert str(ds[0x00100010].value) == "Defer^Me"


@pytest.mark.parametrize(
    "text_",
    [None, 10, 1.5, "10", "2 KB", "2kb", "1.5 MB", "3GB", "2 KiB", "1.5 MiB", "3gib", float("inf")],
)
def test_size_in_bytes_agrees_with_pydicom(text_) -> None:
    from pydicom.misc import size_in_bytes as pydicom_size

    assert size_in_bytes(text_) == pydicom_size(text_)


def test_size_in_bytes_rejects_nonsense() -> None:
    with pytest.raises(ValueError):
        size_in_bytes("ten parsecs")


# ------------------------------------------------------------ values
def test_encapsulated_pixel_data_value_matches_pydicom() -> None:
    path = _file("SC_rgb_rle.dcm")
    ds = dcmread(path)
    raw = ds._dict[0x7FE00010]
    assert raw.length == UNDEFINED and raw.is_undefined_length
    expected = pydicom.dcmread(path).PixelData
    assert ds[0x7FE00010].value == expected
    # the item stream, without the sequence delimiter
    assert expected[:4] == b"\xfe\xff\x00\xe0"
    assert not expected.endswith(seq_delim())


def test_undefined_length_un_holding_a_sequence_is_read_as_implicit_le() -> None:
    inner = elem(0x00081150, "UI", b"1.2.3\0", implicit=True)
    body = sequence(0x00081115, [item(inner, undefined=True)], undefined=True, vr="UN")
    body += elem(0x00100010, "PN", text("After^UN"))
    ds = dcmread(part10(body))
    seq = ds[0x00081115]
    assert seq.VR == "SQ"
    assert seq[0][0x00081150].value == "1.2.3"
    assert str(ds[0x00100010].value) == "After^UN"


def test_implicit_vr_sequence_items_inside_explicit_file() -> None:
    inner = elem(0x00081150, "UI", b"1.2.840\0", implicit=True)
    inner += elem(0x00081155, "UI", b"9.8.7\0", implicit=True)
    body = sequence(0x00081115, [item(inner, undefined=True), item(inner)], undefined=True)
    body += elem(0x00100010, "PN", text("After^Seq"))
    ds = dcmread(part10(body))
    items = ds[0x00081115].value
    assert [i[0x00081155].value for i in items] == ["9.8.7", "9.8.7"]
    assert str(ds[0x00100010].value) == "After^Seq"


def test_private_undefined_length_sequence_in_implicit_file_is_found_by_its_items() -> None:
    inner = elem(0x00090010, "LO", text("ACME"), implicit=True)
    body = elem(0x00090010, "LO", text("ACME"), implicit=True)
    body += sequence(0x00091001, [item(inner, undefined=True)], undefined=True, implicit=True)
    body += elem(0x00100010, "PN", text("Priv^Seq"), implicit=True)
    ds = dcmread(part10(body, IMPLICIT_LE))
    assert ds[0x00091001].VR == "SQ"
    assert str(ds[0x00091001].value[0][0x00090010].value) == "ACME"
    assert str(ds[0x00100010].value) == "Priv^Seq"


def test_big_endian_sequences() -> None:
    inner = elem(0x00280010, "US", struct.pack(">H", 512), little=False)
    body = sequence(
        0x00081115, [item(inner, little=False, undefined=True)], undefined=True, little=False
    )
    body += elem(0x00280011, "US", struct.pack(">H", 256), little=False)
    ds = dcmread(part10(body, EXPLICIT_BE))
    assert ds[0x00081115].value[0][0x00280010].value == 512
    assert ds[0x00280011].value == 256


# ------------------------------------------------------------ file meta only
def test_read_file_meta_info_matches_pydicom() -> None:
    path = _ct_small()
    got = read_file_meta_info(path)
    expected = pydicom.filereader.read_file_meta_info(path)
    assert [(int(e.tag), str(e.value)) for e in got] == [
        (int(e.tag), str(e.value)) for e in expected
    ]


def test_read_file_meta_info_without_group_length() -> None:
    data = part10(elem(0x00100010, "PN", text("X")), group_length=False)
    path = pathlib.Path(os.environ.get("TMPDIR", "/tmp")) / f"dcmcore_meta_{os.getpid()}.dcm"
    path.write_bytes(data)
    try:
        meta = read_file_meta_info(path)
    finally:
        path.unlink()
    assert meta[0x00020010].value == EXPLICIT_LE


def test_read_file_meta_info_needs_the_preamble(tmp_path) -> None:
    path = tmp_path / "x.dcm"
    path.write_bytes(b"\0" * 200)
    with pytest.raises(InvalidDicomError):
        read_file_meta_info(path)


def test_inflate_limit_is_configurable(monkeypatch) -> None:
    body = elem(0x7FE00010, "OB", b"\0" * 100_000)
    data = part10(body, DEFLATED_LE)
    monkeypatch.setattr(reader, "MAX_INFLATED_SIZE", 10_000)
    with pytest.raises(MalformedDataError, match="inflates to more than 10000 bytes"):
        dcmread(data)


@pytest.mark.parametrize(
    "path", CORPUS[::3], ids=[os.path.relpath(p, DATA_DIR) for p in CORPUS[::3]]
)
def test_corpus_options_read_like_pydicom(path: str) -> None:
    """stop_before_pixels, defer_size and force agree with pydicom on the corpus."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            pydicom.dcmread(path)
        except Exception:
            try:
                expected = _tree(pydicom.dcmread(path, force=True))
            except Exception:
                return
            try:
                got = _tree(dcmread(path, force=True))
            except InvalidDicomError:
                # garbage pydicom reads leniently with force may be refused
                return
            assert [x[0] for x in got] == [x[0] for x in expected]
            return
        for kw in ({"stop_before_pixels": True}, {"defer_size": 256}):
            expected = _tree(pydicom.dcmread(path, **kw))
            got = _tree(dcmread(path, **kw))
            assert got == expected, (kw, _first_difference(expected, got))


def test_stop_before_pixels_leaves_a_callers_file_at_the_pixel_data() -> None:
    with open(_ct_small(), "rb") as fh:
        dcmread(fh, stop_before_pixels=True)
        assert fh.read(4) == b"\xe0\x7f\x10\x00"
    with open(_ct_small(), "rb") as fh:
        expected = pydicom.dcmread(fh, stop_before_pixels=True) and fh.tell()
    with open(_ct_small(), "rb") as fh:
        dcmread(fh, stop_before_pixels=True)
        assert fh.tell() == expected


@pytest.mark.parametrize(
    "path", CORPUS[1::2], ids=[os.path.relpath(p, DATA_DIR) for p in CORPUS[1::2]]
)
def test_corpus_with_every_value_deferred_reads_the_same(path: str) -> None:
    """defer_size=16 (sequences included) from a path (mmap) and from bytes."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            expected = _tree(dcmread(path))
        except InvalidDicomError:
            return
        with open(path, "rb") as fh:
            data = fh.read()
        assert _tree(dcmread(path, defer_size=16)) == expected
        assert _tree(dcmread(data, defer_size=16)) == expected


@pytest.mark.parametrize(
    "path", CORPUS[::2], ids=[os.path.relpath(p, DATA_DIR) for p in CORPUS[::2]]
)
def test_corpus_read_file_meta_info_like_pydicom(path: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            expected = [
                (int(e.tag), str(e.value)) for e in pydicom.filereader.read_file_meta_info(path)
            ]
        except Exception:
            with pytest.raises(InvalidDicomError):
                read_file_meta_info(path)
            return
        assert [(int(e.tag), str(e.value)) for e in read_file_meta_info(path)] == expected


# ------------------------------------------------------------ large files: windowed reads
@pytest.fixture
def tiny_windows(monkeypatch):
    """Make every file 'large': read in windows of a few dozen bytes."""
    monkeypatch.setattr(reader, "STREAM_THRESHOLD", 0)
    monkeypatch.setattr(reader, "_HEAD", 300)
    monkeypatch.setattr(reader, "_WINDOW", 48)
    monkeypatch.setattr(reader, "_DIRECT_READ", 24)


@pytest.mark.parametrize("path", CORPUS, ids=[os.path.relpath(p, DATA_DIR) for p in CORPUS])
def test_corpus_read_in_tiny_windows_is_the_same(path: str, tiny_windows) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        monkey = pytest.MonkeyPatch()
        with monkey.context() as m:
            m.setattr(reader, "STREAM_THRESHOLD", 1 << 62)
            try:
                expected = _tree(dcmread(path))
            except InvalidDicomError:
                with pytest.raises(InvalidDicomError):
                    dcmread(path)
                return
        assert _tree(dcmread(path)) == expected
        with open(path, "rb") as fh:
            assert _tree(dcmread(fh)) == expected


def test_windowed_read_reads_large_values_on_their_own(tiny_windows) -> None:
    pixels = bytes(range(256)) * 40
    body = elem(0x00100010, "PN", text("Big^Value")) + elem(0x7FE00010, "OB", pixels)
    path = pathlib.Path(os.environ.get("TMPDIR", "/tmp")) / f"dcmcore_big_{os.getpid()}.dcm"
    path.write_bytes(part10(body))
    try:
        ds = dcmread(path)
        assert ds.get_item(0x7FE00010).value_tell == len(part10(body)) - len(pixels)
        assert ds[0x7FE00010].value == pixels
        assert list(dcmread(path, stop_before_pixels=True).keys()) == [0x00100010]
        assert list(dcmread(path, specific_tags=[0x00100010]).keys()) == [0x00100010]
        with open(path, "rb") as fh:
            dcmread(fh, stop_before_pixels=True)
            assert fh.read(4) == b"\xe0\x7f\x10\x00"
    finally:
        path.unlink()


def test_windowed_read_of_truncated_and_malformed_files(tiny_windows) -> None:
    data = part10(
        elem(0x00100010, "PN", text("Cut^Short"))
        + sequence(
            0x00081115, [item(elem(0x00081150, "UI", b"1.2\0"), undefined=True)], undefined=True
        )
        + elem(0x7FE00010, "OB", b"\1" * 200)
    )
    for cut in (len(data) - 100, len(data) - 230, len(data) - 2):
        buf = io.BytesIO(data[:cut])
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            ds = dcmread(buf)
        assert any("byte offset" in str(w.message) for w in caught)
        assert str(ds[0x00100010].value) == "Cut^Short"
    bad = part10(
        elem(0x00100010, "PN", text("X"))
        + struct.pack("<HH2sHL", 0x7FE0, 0x10, b"OB", 0, 0xFFFFFFF0)
    )
    with pytest.raises(MalformedDataError):
        dcmread(io.BytesIO(bad + b"\0" * 500))


def test_windowed_read_of_encapsulated_pixel_data_walks_fragments_in_the_file(tiny_windows) -> None:
    frags = item(b"") + item(b"\1\2" * 40) + item(b"\3\4" * 50)
    body = elem(0x00100010, "PN", text("Enc^Big")) + elem(
        0x7FE00010, "OB", frags + seq_delim(), length=UNDEFINED
    )
    body += elem(0xFFFCFFFC, "OB", b"\0\0")
    data = part10(body, JPEG_BASELINE)
    ds = dcmread(io.BytesIO(data))
    raw = ds.get_item(0x7FE00010)
    assert raw.is_undefined_length and raw.value == frags
    assert 0xFFFCFFFC in ds
    assert _tree(ds) == _tree(dcmread(data))
