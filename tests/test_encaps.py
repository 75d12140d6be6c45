"""dcmcore.encaps gives pydicom 3's results: corpus pixel data, bytes and file-likes."""

from __future__ import annotations

import inspect
import io
import warnings
from collections.abc import Callable
from pathlib import Path

import pydicom
import pydicom.encaps as ref
import pytest

from dcmcore import encaps

CORPUS = Path(pydicom.__file__).parent / "data" / "test_files"
PUBLIC = [
    "parse_basic_offsets", "parse_fragments", "generate_fragments",
    "generate_fragmented_frames", "generate_frames", "get_frame", "encapsulate",
    "encapsulate_extended", "EncapsulatedBuffer", "encapsulate_buffer",
    "encapsulate_extended_buffer", "fragment_frame", "itemize_fragment", "itemize_frame",
]
DEPRECATED = [
    "get_frame_offsets", "get_nr_fragments", "generate_pixel_data_fragment",
    "generate_pixel_data_frame", "generate_pixel_data", "decode_data_sequence",
    "defragment_data", "read_item", "itemise_frame", "itemise_fragment",
]


def _params(func: Callable[..., object]) -> list[tuple[str, object, object]]:
    return [(p.name, p.kind, p.default) for p in inspect.signature(func).parameters.values()]


@pytest.mark.parametrize("name", PUBLIC)
def test_public_names_have_pydicoms_signature(name: str) -> None:
    assert _params(getattr(encaps, name)) == _params(getattr(ref, name))


@pytest.mark.parametrize("name", DEPRECATED)
def test_deprecated_names_warn_and_have_pydicoms_signature(name: str) -> None:
    with pytest.warns(DeprecationWarning, match=f"{name} is deprecated"):
        ours = getattr(encaps, name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = getattr(ref, name)
    assert _params(ours) == _params(theirs)


def test_unknown_attribute_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        encaps.nothing  # noqa: B018


def _encapsulated_corpus() -> list[Path]:
    out = []
    for path in sorted(CORPUS.glob("*.dcm")):
        try:
            ds = pydicom.dcmread(path)
        except Exception:
            continue
        meta = getattr(ds, "file_meta", None)
        syntax = meta.get("TransferSyntaxUID") if meta is not None else None
        if syntax is not None and syntax.is_compressed and "PixelData" in ds:
            out.append(path)
    return out


CORPUS_FILES = _encapsulated_corpus()


def test_the_corpus_has_encapsulated_files() -> None:
    assert len(CORPUS_FILES) >= 20


def _value(path: Path) -> tuple[bytes, int]:
    ds = pydicom.dcmread(path)
    return bytes(ds.PixelData), int(ds.get("NumberOfFrames", 1) or 1)


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name)
def test_corpus_values_parse_as_pydicom(path: Path) -> None:
    value, frames = _value(path)
    assert encaps.parse_basic_offsets(value) == ref.parse_basic_offsets(value)
    rest = value[8 + 4 * len(ref.parse_basic_offsets(value)):]
    assert encaps.parse_fragments(rest) == ref.parse_fragments(rest)
    assert list(encaps.generate_fragments(rest)) == list(ref.generate_fragments(rest))
    assert (list(encaps.generate_fragmented_frames(value, number_of_frames=frames))
            == list(ref.generate_fragmented_frames(value, number_of_frames=frames)))
    expected = list(ref.generate_frames(value, number_of_frames=frames))
    assert list(encaps.generate_frames(value, number_of_frames=frames)) == expected
    for index, frame in enumerate(expected):
        assert encaps.get_frame(value, index, number_of_frames=frames) == frame


@pytest.mark.parametrize("path", CORPUS_FILES[:6], ids=lambda p: p.name)
def test_file_like_values_are_read_from_and_left_where_pydicom_leaves_them(
        path: Path) -> None:
    value, frames = _value(path)
    prefix = b"\x00" * 10  # the value does not start the stream
    ours, theirs = io.BytesIO(prefix + value), io.BytesIO(prefix + value)
    for fp in (ours, theirs):
        fp.seek(10)
    assert encaps.parse_basic_offsets(ours) == ref.parse_basic_offsets(theirs)
    assert ours.tell() == theirs.tell()
    assert encaps.parse_fragments(ours) == ref.parse_fragments(theirs)
    assert ours.tell() == theirs.tell()
    for fp in (ours, theirs):
        fp.seek(10)
    assert (encaps.get_frame(ours, 0, number_of_frames=frames)
            == ref.get_frame(theirs, 0, number_of_frames=frames))
    assert ours.tell() == theirs.tell() == 10
    assert (list(encaps.generate_frames(ours, number_of_frames=frames))
            == list(ref.generate_frames(theirs, number_of_frames=frames)))


FRAMES = [b"\xff\xd8" + bytes(range(i, i + 9 + 2 * i)) + b"\xff\xd9" for i in range(4)]


@pytest.mark.parametrize("has_bot", [True, False])
@pytest.mark.parametrize("per_frame", [1, 2, 3])
def test_encapsulate_as_pydicom_and_frames_come_back(per_frame: int, has_bot: bool) -> None:
    value = encaps.encapsulate(FRAMES, per_frame, has_bot)
    assert value == ref.encapsulate(FRAMES, per_frame, has_bot)
    assert (list(encaps.generate_fragmented_frames(value, number_of_frames=len(FRAMES)))
            == list(ref.generate_fragmented_frames(value, number_of_frames=len(FRAMES))))
    for index in range(len(FRAMES)):
        assert (encaps.get_frame(value, index, number_of_frames=len(FRAMES))
                == ref.get_frame(value, index, number_of_frames=len(FRAMES)))


def test_encapsulate_extended_as_pydicom_and_its_table_finds_frames() -> None:
    out = encaps.encapsulate_extended(FRAMES)
    assert out == ref.encapsulate_extended(FRAMES)
    value, offsets, lengths = out
    for table in ((offsets, lengths), (list(ref.parse_basic_offsets(value)), [])):
        if table[1]:
            assert (list(encaps.generate_frames(value, extended_offsets=table))
                    == list(ref.generate_frames(value, extended_offsets=table)))
    assert encaps.get_frame(value, 2, extended_offsets=(offsets, lengths)) == \
        ref.get_frame(value, 2, extended_offsets=(offsets, lengths))


@pytest.mark.parametrize("use_bot", [True, False])
def test_encapsulated_buffer_reads_as_pydicoms(use_bot: bool) -> None:
    frames = FRAMES + [b"\x01\x02\x03"]  # odd: padded

    def fresh() -> list[io.BufferedIOBase]:
        return [io.BytesIO(f) for f in frames]  # type: ignore[misc]

    ours = encaps.EncapsulatedBuffer(fresh(), use_bot=use_bot)
    theirs = ref.EncapsulatedBuffer(fresh(), use_bot=use_bot)
    for prop in ("basic_offset_table", "offsets", "lengths", "extended_offsets",
                 "extended_lengths", "encapsulated_length"):
        assert getattr(ours, prop) == getattr(theirs, prop), prop
    assert ours.read(None) == theirs.read(None)
    assert ours.read(5) == b""
    for size in (1, 3, 7, 1000):
        ours.seek(0)
        theirs.seek(0)
        chunks_ours = iter(lambda n=size: ours.read(n), b"")  # type: ignore[misc]
        chunks_theirs = iter(lambda n=size: theirs.read(n), b"")  # type: ignore[misc]
        assert list(chunks_ours) == list(chunks_theirs)
    ours.seek(-4, 2)
    theirs.seek(-4, 2)
    assert ours.read() == theirs.read()
    assert encaps.encapsulate_buffer(fresh(), use_bot).read(None) == \
        ref.encapsulate_buffer(fresh(), use_bot).read(None)
    value, offsets, lengths = encaps.encapsulate_extended_buffer(fresh())
    expected = ref.encapsulate_extended_buffer(fresh())
    assert (value.read(None), offsets, lengths) == (expected[0].read(None), *expected[1:])
    assert ours.readable() and ours.seekable() and not ours.closed


def test_encapsulated_buffer_refuses_what_pydicom_refuses() -> None:
    with pytest.raises(TypeError, match="list"):
        encaps.EncapsulatedBuffer(io.BytesIO(b"12"))  # type: ignore[arg-type]
    buf = encaps.EncapsulatedBuffer([io.BytesIO(b"12")])  # type: ignore[list-item]
    with pytest.raises(ValueError):
        buf.seek(-1)
    with pytest.raises(ValueError):
        buf.seek(0, 5)


def test_encapsulated_buffer_keeps_the_frame_buffers_positions() -> None:
    frame = io.BytesIO(b"abcdef")
    frame.seek(3)
    buf = encaps.EncapsulatedBuffer([frame])  # type: ignore[list-item]
    assert buf.read(None).endswith(b"abcdef")
    assert frame.tell() == 3


@pytest.mark.parametrize("name, args", [
    ("generate_pixel_data_frame", (encaps.encapsulate(FRAMES), 4)),
    ("generate_pixel_data", (encaps.encapsulate(FRAMES, 2), 4)),
    ("decode_data_sequence", (encaps.encapsulate(FRAMES, 2),)),
    ("defragment_data", (encaps.encapsulate(FRAMES, 2, False),)),
    ("itemise_frame", (FRAMES[1], 2)),
    ("itemise_fragment", (FRAMES[0] + b"\x00",)),
])
def test_deprecated_functions_give_pydicoms_results(name: str, args: tuple[object, ...]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        ours, theirs = getattr(encaps, name)(*args), getattr(ref, name)(*args)
    if inspect.isgenerator(ours):
        ours, theirs = list(ours), list(theirs)
    assert ours == theirs


def test_deprecated_stream_functions_give_pydicoms_results() -> None:
    value = encaps.encapsulate(FRAMES, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        for name in ("get_frame_offsets",):
            fp_ours, fp_theirs = pydicom.filebase.DicomBytesIO(value), \
                pydicom.filebase.DicomBytesIO(value)
            fp_ours.is_little_endian = fp_theirs.is_little_endian = True
            assert getattr(encaps, name)(fp_ours) == getattr(ref, name)(fp_theirs)
            assert fp_ours.tell() == fp_theirs.tell()
            assert encaps.get_nr_fragments(fp_ours) == ref.get_nr_fragments(fp_theirs)
            assert (list(encaps.generate_pixel_data_fragment(fp_ours))
                    == list(ref.generate_pixel_data_fragment(fp_theirs)))
            fp_ours.seek(0)
            fp_theirs.seek(0)
            assert encaps.read_item(fp_ours) == ref.read_item(fp_theirs)
        big = io.BytesIO(value)
        big.is_little_endian = False  # type: ignore[attr-defined]
        with pytest.raises(ValueError, match="is_little_endian"):
            encaps.get_frame_offsets(big)
        empty = encaps.get_frame_offsets(io.BytesIO(encaps.encapsulate(FRAMES, 1, False)))
        assert empty == (False, [0])


@pytest.mark.parametrize("func, data", [
    (encaps.parse_basic_offsets, b"\xfe\xff\x00\xe1\x00\x00\x00\x00"),
    (encaps.parse_basic_offsets, b"\xfe\xff\x00\xe0\x03\x00\x00\x00\x00\x00\x00"),
    (encaps.parse_fragments, b"\xfe\xff\x00\xe0\x02\x00\x00\x00ab\x10\x00\x10\x00"),
    (encaps.parse_fragments, b"\xfe\xff\x00\xe0\xff\xff\xff\xff"),
])
def test_malformed_values_raise_value_error(func: Callable[..., object], data: bytes) -> None:
    with pytest.raises(ValueError):
        func(data)


def test_frames_need_a_count_without_tables() -> None:
    value = encaps.encapsulate(FRAMES, 1, False)
    with pytest.raises(ValueError, match="number of frames"):
        list(encaps.generate_frames(value))
    with pytest.raises(ValueError, match="insufficient"):
        encaps.get_frame(value, 4, number_of_frames=4)


def test_big_endian_encapsulation_is_refused() -> None:
    with pytest.raises(NotImplementedError, match="little endian"):
        encaps.parse_basic_offsets(encaps.encapsulate(FRAMES), endianness=">")


def test_sequence_delimiter_ends_the_fragments() -> None:
    value = encaps.encapsulate(FRAMES[:1], 1, False) + b"\xfe\xff\xdd\xe0\x00\x00\x00\x00junk"
    assert list(encaps.generate_fragments(value[8:])) == list(ref.generate_fragments(value[8:]))
    assert encaps.parse_fragments(io.BytesIO(value[8:])) == ref.parse_fragments(
        io.BytesIO(value[8:]))


def test_odd_fragments_are_itemized_padded_to_even_length() -> None:
    """PS3.5 A.4: items of even length (pydicom 3.0.2 writes an odd-length item)."""
    assert encaps.itemize_fragment(b"abc") == b"\xfe\xff\x00\xe0\x04\x00\x00\x00abc\x00"
