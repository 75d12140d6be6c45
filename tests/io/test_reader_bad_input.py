"""Malformed input: truncation, bad lengths, bad VRs, bad nesting, bombs and garbage.

Every malformed input must end in a dcmcore error naming the offset (and the
tag where there is one), or, in lenient reads, in warnings and the data read
so far. Never another exception, never a hang, never a huge allocation.
"""

from __future__ import annotations

import random
import struct
import warnings
import zlib

import pydicom
import pytest

from dcmcore import config
from dcmcore.dictionary import entry
from dcmcore.element import RawDataElement
from dcmcore.errors import (
    DcmcoreError,
    DcmcoreWarning,
    InvalidDicomError,
    MalformedDataError,
    TruncatedDataError,
)
from dcmcore.io import reader
from dcmcore.io._inflate import inflate_dataset
from dcmcore.io.parser import MAX_SEQUENCE_DEPTH, parse_sequence
from dcmcore.io.reader import dcmread
from tests.encoded_bytes import (
    DEFLATED_LE,
    IMPLICIT_LE,
    UNDEFINED,
    deflate,
    elem,
    item,
    meta,
    part10,
    seq_delim,
    sequence,
    text,
)

PN = elem(0x00100010, "PN", text("Doe^John"))
AFTER = elem(0x00100020, "LO", text("after"))


def _walk(ds) -> int:
    """Touch every element (and every item) so lazy parsing and conversion run."""
    n = 0
    for el in ds:
        n += 1
        if el.VR == "SQ":
            for it in el.value:
                n += _walk(it)
        else:
            str(el.value)
    return n


def _walk_structure(ds) -> int:
    """Parse every item of every sequence without converting other values.

    Used where value conversion (other modules) is not what is under test.
    """
    n = 0
    for tag in list(ds._dict):
        raw = ds.get_item(tag)
        n += 1
        if not isinstance(raw, RawDataElement) or not raw.value:
            continue
        vr = raw.VR
        if vr is None and not tag >> 16 & 1:
            found = entry(tag)
            vr = found.VR if found is not None else None
        if vr == "SQ" or (vr in (None, "UN") and raw.value[:4] == b"\xfe\xff\x00\xe0"):
            for it in parse_sequence(raw, parent=ds):
                n += _walk_structure(it)
    return n


def _outcome(data: bytes, structure_only: bool = False, **kw) -> tuple[str, list[str]]:
    """Read and walk `data`: 'ok' or the dcmcore error's class name, and the warnings."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            (_walk_structure if structure_only else _walk)(dcmread(data, **kw))
            result = "ok"
        except DcmcoreError as exc:
            result = type(exc).__name__
    return result, [str(w.message) for w in caught if issubclass(w.category, DcmcoreWarning)]


def _nested_file(charset: bool = True) -> bytes:
    """Explicit VR LE file with defined and undefined lengths, nested sequences, pixel data."""
    inner = elem(0x00081150, "UI", b"1.2.840.10008.5.1.4.1.1.2\0") + elem(
        0x00081155, "UI", b"1.2.3\0"
    )
    deep = sequence(0x00081199, [item(inner, undefined=True), item(inner)], undefined=True)
    outer = [item(inner + deep, undefined=True), item(PN + deep), item(b"", undefined=True)]
    body = (elem(0x00080005, "CS", text("ISO_IR 100")) if charset else b"") + PN
    body += sequence(0x00081115, outer, undefined=True)
    body += sequence(0x00081140, [item(inner)])
    frags = item(b"") + item(b"\1\2\3\4")
    body += elem(0x7FE00010, "OB", frags + seq_delim(), length=UNDEFINED)
    return part10(body)


def _boundaries(data: bytes) -> list[int]:
    """Offsets of every element, item and delimiter header in an explicit VR LE file."""
    marks = set()
    pos = 132
    while pos + 8 <= len(data):
        marks.add(pos)
        group, _elem, vr = struct.unpack_from("<HH2s", data, pos)
        if group == 0xFFFE:
            length = struct.unpack_from("<L", data, pos + 4)[0]
            pos += 8 + (0 if length == UNDEFINED else 0)
            continue
        if vr in (b"OB", b"OW", b"SQ", b"UN", b"UT", b"UC", b"UR", b"OF", b"OD", b"OL"):
            length = struct.unpack_from("<L", data, pos + 8)[0]
            hdr = 12
        else:
            length = struct.unpack_from("<H", data, pos + 6)[0]
            hdr = 8
        pos += hdr if (length == UNDEFINED or vr == b"SQ") else hdr + length
    return sorted(marks)


# ------------------------------------------------------------ truncation
@pytest.mark.parametrize("mode", [config.WARN, config.RAISE])
def test_truncation_at_every_byte_raises_dcmcore_errors_or_warns(mode) -> None:
    data = _nested_file()
    boundaries = set(_boundaries(data)) | {128, 132}
    with config.override(reading_validation_mode=mode):
        for cut in range(len(data)):
            result, warned = _outcome(data[:cut], force=True)
            # the reader only warns in lenient reads, and always names the offset
            ours = [m for m in warned if "byte offset" in m]
            if mode == config.RAISE:
                assert not ours, (cut, ours)
            elif result == "ok" and 132 < cut < len(data) and cut not in boundaries:
                assert ours, cut


def test_truncation_inside_an_element_warns_with_tag_and_offset() -> None:
    data = _nested_file()
    cut = data.index(b"Doe^John") + 3
    result, warned = _outcome(data[:cut])
    assert result == "ok"
    assert any("(0010,0010)" in w and "byte offset" in w for w in warned)
    with config.override(reading_validation_mode=config.RAISE):
        with pytest.raises(TruncatedDataError, match=r"\(0010,0010\).*byte offset"):
            dcmread(data[:cut])


@pytest.mark.parametrize("mode", [config.WARN, config.RAISE])
def test_truncated_real_files_at_every_element_boundary(mode) -> None:
    for name in ("CT_small.dcm", "SC_rgb_rle.dcm", "JPEG2000.dcm"):
        with open(pydicom.data.get_testdata_file(name), "rb") as fh:
            data = fh.read()
        cuts = set()
        for mark in _boundaries(data):
            cuts.update({mark, mark + 1, mark + 5, mark + 9})
        with config.override(reading_validation_mode=mode):
            for cut in sorted(cuts):
                _outcome(data[:cut])  # raises anything but a dcmcore error


@pytest.mark.parametrize("name", ["rtplan.dcm", "nested_priv_SQ.dcm", "reportsi.dcm"])
def test_truncated_implicit_files_with_sequences_at_every_byte_of_the_header(name) -> None:
    with open(pydicom.data.get_testdata_file(name), "rb") as fh:
        data = fh.read()
    for cut in range(0, min(len(data), 1600), 3):
        _outcome(data[:cut], force=True)


def test_pydicom_truncated_files_read_like_pydicom_with_warnings() -> None:
    # pydicom reads these silently up to the break; dcmcore does the same and warns
    for name, tag in (("MR_truncated.dcm", "(7FE0,0010)"), ("rtplan_truncated.dcm", "(300A,00B0)")):
        path = pydicom.data.get_testdata_file(name)
        with pytest.warns(DcmcoreWarning, match=tag):
            ds = dcmread(path)
        expected = pydicom.dcmread(path)
        assert [int(e.tag) for e in ds] == [int(e.tag) for e in expected]
        with config.override(reading_validation_mode=config.RAISE):
            with pytest.raises(TruncatedDataError, match=tag):
                dcmread(path)


def test_lenient_truncated_sequence_keeps_the_items_read() -> None:
    inner = elem(0x00081150, "UI", b"1.2.3\0")
    body = sequence(0x00081115, [item(inner), item(inner), item(inner)])
    data = part10(body)[:-4]
    with pytest.warns(DcmcoreWarning):
        ds = dcmread(data)
        items = ds[0x00081115].value
    assert [i[0x00081150].value for i in items[:2]] == ["1.2.3", "1.2.3"]


# ------------------------------------------------------------ lengths
@pytest.mark.parametrize("length", [0xFFFFFFF0, 0xFFFFFFFE, 0x80000000, 0x7FFFFFFF + 1])
def test_huge_length_on_a_small_file_raises_at_once(length) -> None:
    data = part10(PN + struct.pack("<HH2sHL", 0x7FE0, 0x0010, b"OB", 0, length) + b"x" * 100)
    with pytest.raises(MalformedDataError, match=r"\(7FE0,0010\).*byte offset"):
        dcmread(data)


@pytest.mark.parametrize("length", [0xFFFFFFF0, 0x80000000])
def test_huge_item_length_raises(length) -> None:
    body = PN + elem(
        0x00081115, "SQ", struct.pack("<HHL", 0xFFFE, 0xE000, length) + PN, length=UNDEFINED
    )
    with pytest.raises(MalformedDataError, match="byte offset"):
        dcmread(part10(body))


def test_huge_item_length_in_a_defined_length_sequence_raises_on_access() -> None:
    content = struct.pack("<HHL", 0xFFFE, 0xE000, 0xFFFFFFF0) + PN
    ds = dcmread(part10(elem(0x00081115, "SQ", content) + AFTER))
    with pytest.raises(MalformedDataError, match=r"\(0008,1115\).*byte offset"):
        _ = ds[0x00081115].value


def test_length_past_the_enclosing_item_is_malformed() -> None:
    # pydicom reads up to the item's end (DICOMDIR-nooffset has such an item): lenient warns
    bad = struct.pack("<HH2sH", 0x0010, 0x0010, b"PN", 200) + b"Doe^John"
    body = sequence(0x00081115, [item(bad)]) + AFTER + elem(0x00100030, "DA", b"20240101")
    ds = dcmread(part10(body))
    with pytest.warns(DcmcoreWarning, match=r"past the end of its enclosing.*\(0010,0010\)"):
        assert str(ds[0x00081115].value[0][0x00100010].value) == "Doe^John"
    assert str(ds[0x00100030].value) == "20240101"
    with config.override(reading_validation_mode=config.RAISE):
        ds = dcmread(part10(body))
        with pytest.raises(
            MalformedDataError, match=r"past the end of its enclosing.*\(0010,0010\)"
        ):
            _ = ds[0x00081115].value[0][0x00100010]


def test_length_past_the_end_of_the_file_in_a_large_but_plausible_value_warns() -> None:
    data = part10(PN + struct.pack("<HH2sHL", 0x7FE0, 0x0010, b"OB", 0, 10_000_000) + b"x" * 100)
    with pytest.warns(DcmcoreWarning, match=r"\(7FE0,0010\)"):
        ds = dcmread(data)
    assert ds[0x7FE00010].value == b"x" * 100
    with config.override(reading_validation_mode=config.RAISE):
        with pytest.raises(TruncatedDataError):
            dcmread(data)


# ------------------------------------------------------------ VRs and undefined lengths
@pytest.mark.parametrize("vr", ["UT", "OF", "UC"])
def test_undefined_length_on_a_non_sequence_vr_warns_and_reads_to_the_delimiter(vr) -> None:
    body = PN + elem(0x00204000, vr, b"abcd" + seq_delim(), length=UNDEFINED) + AFTER
    with pytest.warns(DcmcoreWarning, match=rf"undefined length on a {vr} element.*\(0020,4000\)"):
        ds = dcmread(part10(body))
    assert ds._dict[0x00204000].value == b"abcd"
    assert str(ds[0x00100020].value) == "after"
    with config.override(reading_validation_mode=config.RAISE):
        with pytest.raises(MalformedDataError, match="undefined length"):
            dcmread(part10(body))


def test_undefined_length_value_without_delimiter_is_truncation() -> None:
    body = PN + elem(0x00204000, "UT", b"abcdefgh", length=UNDEFINED)
    with config.override(reading_validation_mode=config.RAISE):
        with pytest.raises(InvalidDicomError):
            dcmread(part10(body))


def test_unknown_vr_warns_and_reads_as_un() -> None:
    body = PN + elem(0x00204000, "ZZ", b"abcd") + AFTER
    with pytest.warns(DcmcoreWarning, match=r"unknown VR 'ZZ'.*\(0020,4000\).*byte offset"):
        ds = dcmread(part10(body))
    assert ds.get_item(0x00204000).value == b"abcd"
    assert ds.get_item(0x00204000).VR == "UN"
    assert str(ds[0x00100020].value) == "after"
    with config.override(reading_validation_mode=config.RAISE):
        with pytest.raises(MalformedDataError, match="unknown VR"):
            dcmread(part10(body))


def test_non_letter_vr_bytes_switch_to_implicit_for_that_element() -> None:
    body = (
        PN
        + elem(0x00100020, "LO", text("implicit"), implicit=True)
        + elem(0x00100030, "DA", b"20240101")
    )
    with pytest.warns(DcmcoreWarning, match="assuming implicit VR"):
        ds = dcmread(part10(body))
    assert str(ds[0x00100020].value) == "implicit"
    assert str(ds[0x00100030].value) == "20240101"


# ------------------------------------------------------------ delimiters
def test_missing_sequence_delimiter_at_end_of_file_is_truncation() -> None:
    body = PN + sequence(0x00081115, [item(PN, undefined=True)], undefined=True)[:-8]
    with pytest.warns(DcmcoreWarning, match=r"delimiter.*\(0008,1115\)"):
        ds = dcmread(part10(body))
    assert str(ds[0x00081115].value[0][0x00100010].value) == "Doe^John"
    with config.override(reading_validation_mode=config.RAISE):
        with pytest.raises(TruncatedDataError, match=r"\(0008,1115\)"):
            dcmread(part10(body))


def test_missing_item_delimiter_before_sequence_delimiter_raises() -> None:
    content = struct.pack("<HHL", 0xFFFE, 0xE000, UNDEFINED) + PN + seq_delim()
    with pytest.raises(MalformedDataError, match=r"\(FFFE,E0DD\)"):
        dcmread(part10(elem(0x00081115, "SQ", content, length=UNDEFINED) + AFTER))


def test_element_where_an_item_should_be_raises() -> None:
    with pytest.raises(MalformedDataError, match=r"expected an item.*\(0008,1115\)"):
        dcmread(part10(elem(0x00081115, "SQ", PN + seq_delim(), length=UNDEFINED)))
    ds = dcmread(part10(elem(0x00081115, "SQ", PN) + AFTER))
    with pytest.raises(MalformedDataError, match=r"expected an item.*\(0008,1115\)"):
        _ = ds[0x00081115].value


@pytest.mark.parametrize("tag", [0xFFFEE00D, 0xFFFEE0DD, 0xFFFEE000])
def test_misplaced_delimiter_in_the_top_level_data_set(tag) -> None:
    body = PN + struct.pack("<HHL", tag >> 16, tag & 0xFFFF, 0) + AFTER
    with pytest.warns(DcmcoreWarning, match=f"({tag >> 16:04X},{tag & 0xFFFF:04X})"):
        ds = dcmread(part10(body))
    assert list(ds.keys()) == [0x00100010]
    with config.override(reading_validation_mode=config.RAISE):
        with pytest.raises(MalformedDataError):
            dcmread(part10(body))


def test_delimiter_inside_a_defined_length_item_raises_on_access() -> None:
    content = PN + seq_delim() + AFTER
    ds = dcmread(part10(sequence(0x00081115, [item(content)])))
    with pytest.raises(MalformedDataError, match="sequence delimiter"):
        with config.override(reading_validation_mode=config.RAISE):
            list(ds[0x00081115].value[0])


# ------------------------------------------------------------ nesting
def _deeply_nested(levels: int, undefined: bool) -> bytes:
    inner = item(PN, undefined=undefined)
    for _ in range(levels):
        inner = item(sequence(0x00081115, [inner], undefined=undefined), undefined=undefined)
    return part10(sequence(0x00081115, [inner], undefined=undefined))


def test_ten_thousand_undefined_length_levels_raise_a_clear_error() -> None:
    with pytest.raises(MalformedDataError, match=f"nested deeper than {MAX_SEQUENCE_DEPTH}"):
        dcmread(_deeply_nested(10_000, undefined=True))


def test_ten_thousand_defined_length_levels_raise_when_walked_down() -> None:
    ds = dcmread(_deeply_nested(10_000, undefined=False))
    node = ds
    with pytest.raises(MalformedDataError, match=f"nested deeper than {MAX_SEQUENCE_DEPTH}"):
        for _ in range(10_001):
            node = node[0x00081115].value[0]


def test_nesting_within_the_limit_reads() -> None:
    ds = dcmread(_deeply_nested(MAX_SEQUENCE_DEPTH - 2, undefined=True))
    node = ds
    for _ in range(MAX_SEQUENCE_DEPTH - 1):
        node = node[0x00081115].value[0]
    assert str(node[0x00100010].value) == "Doe^John"


# ------------------------------------------------------------ deflate
def _bomb(size: int) -> bytes:
    """A deflated data set whose pixel data inflates to `size` zero bytes."""
    obj = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    head = struct.pack("<HH2sHL", 0x7FE0, 0x0010, b"OB", 0, size)
    out = [obj.compress(PN + head)]
    zeros = b"\0" * (1 << 20)
    for _ in range(size >> 20):
        out.append(obj.compress(zeros))
    out.append(obj.flush())
    return b"\0" * 128 + b"DICM" + meta(DEFLATED_LE) + b"".join(out)


def test_deflate_bomb_raises_instead_of_inflating(monkeypatch) -> None:
    data = _bomb(64 << 20)  # 64 MiB of zeros in ~64 KB: over 1000x
    assert len(data) * 1000 < 64 << 20
    monkeypatch.setattr(reader, "MAX_INFLATED_SIZE", 8 << 20)
    with pytest.raises(MalformedDataError, match="inflates to more than"):
        dcmread(data)


def test_inflate_stops_at_the_limit() -> None:
    compressed = deflate(b"\0" * (16 << 20))
    assert len(compressed) * 1000 < 16 << 20
    with pytest.raises(MalformedDataError, match="more than 1048576 bytes"):
        inflate_dataset(compressed, offset=0, limit=1 << 20, ratio=None)
    assert len(inflate_dataset(compressed, offset=0, limit=16 << 20, ratio=None)) == 16 << 20


def test_corrupt_deflate_stream_raises() -> None:
    data = b"\0" * 128 + b"DICM" + meta(DEFLATED_LE) + b"\xff\xff\xff\xff garbage, not deflate"
    with pytest.raises(MalformedDataError, match="deflate"):
        dcmread(data)


def test_truncated_deflate_stream_warns() -> None:
    data = part10(PN + AFTER, DEFLATED_LE)
    with pytest.warns(DcmcoreWarning, match="deflate"):
        dcmread(data[:-6])


# ------------------------------------------------------------ garbage
def test_garbage_without_force_is_not_dicom() -> None:
    rnd = random.Random(7)
    for _ in range(50):
        data = bytes(rnd.randrange(256) for _ in range(rnd.randrange(0, 400)))
        with pytest.raises(InvalidDicomError):
            dcmread(data)


@pytest.mark.parametrize("seed", range(4))
def test_garbage_with_force_or_behind_a_valid_header_never_escapes(seed) -> None:
    rnd = random.Random(seed)
    for i in range(150):
        junk = bytes(rnd.randrange(256) for _ in range(rnd.randrange(0, 600)))
        if i % 3 == 0:
            data = part10(junk)
        elif i % 3 == 1:
            data = part10(junk, IMPLICIT_LE)
        else:
            data = junk
        for mode in (config.WARN, config.RAISE):
            with config.override(reading_validation_mode=mode):
                _outcome(data, force=True)


@pytest.mark.parametrize(
    "name", ["rtplan.dcm", "CT_small.dcm", "nested_priv_SQ.dcm", "SC_rgb_rle.dcm", "image_dfl.dcm"]
)
def test_mutated_real_files_never_escape(name) -> None:
    with open(pydicom.data.get_testdata_file(name), "rb") as fh:
        original = fh.read()
    rnd = random.Random(name)
    for _ in range(150):
        data = bytearray(original)
        for _ in range(rnd.randint(1, 4)):
            data[rnd.randrange(min(len(data), 2000))] = rnd.randrange(256)
        if rnd.random() < 0.3:
            data = data[: rnd.randrange(len(data))]
        _outcome(bytes(data), structure_only=True, force=True)


def test_lengths_near_the_limits_in_every_position() -> None:
    # without (0008,0005): a NUL in its value is the charset module's business
    base = _nested_file(charset=False)
    for pos in range(132, len(base) - 4, 2):
        for length in (0xFFFFFFFF, 0xFFFFFFFE, 0x80000000, 0x7FFFFFFF):
            data = base[:pos] + struct.pack("<L", length) + base[pos + 4 :]
            _outcome(data, structure_only=True)


# ------------------------------------------------------------ memory
def _peak_bytes(fn) -> int:
    """Peak traced allocation of a second call of `fn` (the first loads lazy modules)."""
    import tracemalloc

    def call() -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                fn()
            except DcmcoreError:
                pass

    call()
    tracemalloc.start()
    try:
        call()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("length", [0x7FFFFFF0, 0xFFFFFFF0, 0x10000000])
def test_length_fields_never_cause_large_allocations(length) -> None:
    for vr, header in (
        ("OB", struct.pack("<HH2sHL", 0x7FE0, 0x0010, b"OB", 0, length)),
        ("SQ", struct.pack("<HH2sHL", 0x0008, 0x1115, b"SQ", 0, length)),
        (
            "item",
            elem(0x00081115, "SQ", b"", length=UNDEFINED)
            + struct.pack("<HHL", 0xFFFE, 0xE000, length),
        ),
    ):
        data = part10(PN + header + b"x" * 100)
        assert _peak_bytes(lambda data=data: _walk(dcmread(data))) < 1 << 20, vr


def test_deflate_bomb_memory_stays_near_the_limit(monkeypatch) -> None:
    data = _bomb(64 << 20)
    monkeypatch.setattr(reader, "MAX_INFLATED_SIZE", 4 << 20)
    assert _peak_bytes(lambda: dcmread(data)) < 40 << 20


def test_ignore_mode_reads_truncated_data_silently() -> None:
    data = part10(PN + struct.pack("<HH2sHL", 0x7FE0, 0x0010, b"OB", 0, 1000) + b"x" * 10)
    with config.override(reading_validation_mode=config.IGNORE):
        result, warned = _outcome(data)
    assert result == "ok"
    assert not [w for w in warned if "byte offset" in w]


def test_error_messages_name_offset_and_tag_and_carry_them_as_attributes() -> None:
    data = part10(PN + struct.pack("<HH2sHL", 0x7FE0, 0x0010, b"OB", 0, 0xFFFFFFF0) + b"x" * 10)
    with pytest.raises(MalformedDataError) as info:
        dcmread(data)
    assert info.value.tag == 0x7FE00010
    assert info.value.offset == len(part10(PN)) + 12
    assert "(7FE0,0010)" in str(info.value) and f"byte offset {info.value.offset}" in str(
        info.value
    )


def test_windowed_reads_of_truncated_data_match_whole_reads(monkeypatch) -> None:
    """Large-file (windowed) reading gives the same elements and errors at every cut."""
    import io

    data = _nested_file()

    def outcome(source):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                ds = dcmread(source, force=True)
                _walk_structure(ds)
                return [(int(t), ds.get_item(t).value) for t in ds.keys()]
            except DcmcoreError as exc:
                return type(exc).__name__

    whole = [outcome(data[:cut]) for cut in range(len(data))]
    monkeypatch.setattr(reader, "STREAM_THRESHOLD", 0)
    monkeypatch.setattr(reader, "_HEAD", 160)
    monkeypatch.setattr(reader, "_WINDOW", 20)
    monkeypatch.setattr(reader, "_DIRECT_READ", 10)
    for mode in (config.WARN, config.RAISE):
        with config.override(reading_validation_mode=mode):
            for cut in range(len(data)):
                expected = whole[cut] if mode == config.WARN else outcome(data[:cut])
                assert outcome(io.BytesIO(data[:cut])) == expected, cut


# ------------------------------------------------------------ hostile inputs (bombs,
# endless sources, JSON types): never a crash, hang, out-of-memory or foreign exception
def _hostile_helpers():
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent))
    import hostile_files
    import limited_run

    return hostile_files, limited_run


@pytest.mark.parametrize("seed", range(3))
def test_mutated_deflate_bombs_never_escape(seed) -> None:
    hostile, _ = _hostile_helpers()
    rnd = random.Random(seed)
    for _ in range(12):
        data = bytearray(hostile.dataset_bomb(rnd.choice([1, 16, 200, 400]) << 20))
        for _ in range(rnd.randint(0, 3)):
            pos = rnd.randrange(200, len(data))
            data[pos] = rnd.randrange(256)
        if rnd.random() < 0.3:
            data = data[: rnd.randrange(200, len(data))]
        assert _peak_bytes(lambda data=bytes(data): _walk(dcmread(data))) < 300 << 20


@pytest.mark.parametrize("seed", range(2))
def test_mutated_frame_bombs_never_escape(seed) -> None:
    from dcmcore.pixels import pixel_array

    hostile, _ = _hostile_helpers()
    rnd = random.Random(seed)
    for _ in range(8):
        rows, columns = rnd.choice([(8, 8), (1, 1), (64, 32), (512, 512)])
        data = bytearray(hostile.frame_bomb(rnd.choice([1, 64, 300]) << 20, rows, columns))
        start = data.index(b"\xe0\x7f\x10\x00OB") + 12 + 8 + 8  # the deflate stream
        for _ in range(rnd.randint(0, 2)):
            data[rnd.randrange(start, len(data) - 8)] = rnd.randrange(256)

        def decode(data=bytes(data)) -> None:
            pixel_array(dcmread(data))

        assert _peak_bytes(decode) < 64 << 20


ENDLESS = [
    "dcmread('/dev/zero')",
    "dcmread('/dev/urandom', force=True)",
    "dcmread('/dev/zero', defer_size='1 KB', stop_before_pixels=True)",
    "dcmread('/dev/urandom', specific_tags=['PatientName'])",
    "dcmcore.pixels.pixel_array('/dev/zero')",
    "dcmcore.pixels.pixel_array('/dev/urandom')",
    "list(dcmcore.pixels.iter_pixels('/dev/zero'))",
    "_reader.read_file_meta_info('/dev/urandom')",
]


@pytest.mark.skipif(not __import__("os").path.exists("/dev/zero"), reason="needs /dev/zero")
@pytest.mark.parametrize("call", ENDLESS)
def test_endless_sources_are_refused_within_bounds(call) -> None:
    _, limited = _hostile_helpers()
    found = limited.run_limited(call, timeout=60)
    assert found.dcmcore_error, found
    assert found.seconds < 5 and found.peak_mb < 100, found


def test_json_type_mutations_of_real_datasets_never_escape() -> None:
    import json

    from dcmcore.dataset import Dataset
    from dcmcore.errors import DcmcoreWarning as Warn

    wrong = [{"a": 1}, True, [1, [2]], 1.5, -7, "x", "", None, 2**70, {"Alphabetic": 3}, []]
    rnd = random.Random(11)
    for name in ("CT_small.dcm", "rtplan.dcm", "nested_priv_SQ.dcm"):
        original = dcmread(pydicom.data.get_testdata_file(name)).to_json_dict(
            bulk_data_threshold=1 << 30)
        text = json.dumps(original)
        for _ in range(60):
            data = json.loads(text)
            for _ in range(rnd.randint(1, 3)):
                node = data
                while True:  # walk down into a random element (maybe inside an item)
                    key = rnd.choice(list(node))
                    mapping = node[key]
                    if not isinstance(mapping, dict):
                        break
                    items = mapping.get("Value") if mapping.get("vr") == "SQ" else None
                    if (isinstance(items, list) and items and isinstance(items[0], dict)
                            and items[0] and rnd.random() < 0.5):
                        node = rnd.choice(items)
                        continue
                    break
                if not isinstance(mapping, dict):
                    continue
                target = rnd.choice(["Value", "Value", "InlineBinary", "vr"])
                value = rnd.choice(wrong)
                if target == "Value" and rnd.random() < 0.7:
                    value = [value]
                mapping[target] = value
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", Warn)
                try:
                    ds = Dataset.from_json(data)
                    _walk(ds)
                except DcmcoreError:
                    pass
