"""Lazy sequences: SQ values stay encoded until used, items are parsed only when touched."""

from __future__ import annotations

import copy
import pickle
import struct

import pydicom
import pytest

from dcmcore.element import RawDataElement
from dcmcore.io.parser import SequenceBytes, parse_sequence, split_items
from dcmcore.io.reader import dcmread
from tests.encoded_bytes import IMPLICIT_LE, elem, item, part10, sequence, text

PFFG = 0x52009230  # Per-frame Functional Groups Sequence
PPS = 0x00209113  # Plane Position Sequence
POS = 0x00209116  # Plane Orientation Sequence
FCS = 0x00209111  # Frame Content Sequence
IPP = 0x00200032  # Image Position (Patient)
IOP = 0x00200037
STACK = 0x00209056  # Stack ID


def _ds(value: str) -> bytes:
    return text(value)


def _enhanced(frames: int, *, undefined: bool = True, implicit: bool = False) -> bytes:
    """An enhanced-MR-like header: every item holds a few nested sequences."""
    kw = {"implicit": implicit}
    items = []
    for i in range(frames):
        fc = item(elem(STACK, "SH", text("1"), **kw), undefined=undefined)
        pp = item(elem(IPP, "DS", _ds(f"-120.5\\-98.25\\{i * 1.5}"), **kw), undefined=undefined)
        po = item(elem(IOP, "DS", _ds("1\\0\\0\\0\\1\\0"), **kw), undefined=undefined)
        content = sequence(FCS, [fc], undefined=undefined, **kw)
        content += sequence(PPS, [pp], undefined=undefined, **kw)
        content += sequence(POS, [po], undefined=undefined, **kw)
        items.append(item(content, undefined=undefined))
    body = elem(0x00100010, "PN", text("Lazy^Seq"), **kw)
    body += sequence(PFFG, items, undefined=undefined, **kw)
    body += elem(0x00280010, "US", struct.pack("<H", 4), **kw)
    return part10(body, IMPLICIT_LE if implicit else "1.2.840.10008.1.2.1")


def _positions(ds) -> list[str]:
    return [str(list(it[PPS].value[0][IPP].value)) for it in ds[PFFG].value]


def test_open_keeps_the_top_level_sequence_encoded_with_an_item_index() -> None:
    ds = dcmread(_enhanced(50))
    raw = ds.get_item(PFFG)
    assert isinstance(raw, RawDataElement)
    assert isinstance(raw.value, SequenceBytes)
    assert raw.is_undefined_length
    assert len(raw.value.items) == 50
    # the nested sequences are short: walked again when their item is parsed, not
    # recorded (a few headers cost less than the recorded objects)
    assert len(raw.value.ends) == 0
    assert ds[0x00280010].value == 4  # elements after the sequence were found


def test_open_records_the_ends_of_long_nested_sequences() -> None:
    long_text = "x" * 1100
    items = [
        item(sequence(PPS, [item(elem(STACK, "LT", text(long_text)), undefined=True)],
                      undefined=True), undefined=True)
        for _ in range(3)
    ]  # fmt: skip
    ds = dcmread(part10(sequence(PFFG, items, undefined=True), "1.2.840.10008.1.2.1"))
    raw = ds.get_item(PFFG)
    assert len(raw.value.items) == 3
    assert len(raw.value.ends) == 3
    assert all(len(it[PPS].value[0][STACK].value) == 1100 for it in ds[PFFG].value)


def test_items_are_parsed_only_when_touched() -> None:
    ds = dcmread(_enhanced(20))
    items = ds[PFFG].value
    assert len(items) == 20
    assert all("_dict" not in it.__dict__ for it in items)
    assert str(items[7][PPS].value[0][IPP].value[2]) == "10.5"
    parsed = [i for i, it in enumerate(items) if "_dict" in it.__dict__]
    assert parsed == [7]
    # the nested sequences of the touched item stay raw until used
    assert isinstance(items[7].get_item(POS), RawDataElement)


@pytest.mark.parametrize("undefined", [True, False])
@pytest.mark.parametrize("implicit", [True, False])
def test_item_values_match_pydicom(undefined: bool, implicit: bool) -> None:
    data = _enhanced(30, undefined=undefined, implicit=implicit)
    expected = pydicom.dcmread(pydicom.filebase.DicomBytesIO(data))
    got = dcmread(data)
    assert _positions(got) == [
        str(list(it.PlanePositionSequence[0].ImagePositionPatient))
        for it in expected.PerFrameFunctionalGroupsSequence
    ]
    assert got[PFFG].value[3][POS].value[0][IOP].value == [1, 0, 0, 0, 1, 0]


def test_defined_and_undefined_lengths_give_the_same_items() -> None:
    a = dcmread(_enhanced(12, undefined=True))
    b = dcmread(_enhanced(12, undefined=False))
    assert _positions(a) == _positions(b)
    assert a[PFFG].value.is_undefined_length is True
    assert b[PFFG].value.is_undefined_length is False


def test_undefined_length_items_are_flagged_for_the_writer() -> None:
    ds = dcmread(_enhanced(3, undefined=True))
    assert all(it.is_undefined_length_sequence_item for it in ds[PFFG].value)
    ds = dcmread(_enhanced(3, undefined=False))
    assert not any(it.is_undefined_length_sequence_item for it in ds[PFFG].value)


def test_split_items_without_the_cache_agrees_with_the_cache() -> None:
    ds = dcmread(_enhanced(25))
    raw = ds.get_item(PFFG)
    plain = raw._replace(value=bytes(raw.value))
    assert split_items(plain) == split_items(raw) == raw.value.items


def test_item_parsed_without_the_ends_cache_agrees() -> None:
    ds = dcmread(_enhanced(5))
    raw = ds.get_item(PFFG)
    cached = parse_sequence(raw, parent=ds)
    plain = parse_sequence(raw._replace(value=bytes(raw.value)), parent=ds)
    for x, y in zip(cached, plain):
        assert list(x.keys()) == list(y.keys())
        assert x.get_item(PPS).value == y.get_item(PPS).value


def test_empty_sequences_and_empty_items() -> None:
    body = sequence(0x00081115, [], undefined=True)
    body += sequence(0x00081140, [item(b""), item(b"", undefined=True)], undefined=True)
    body += sequence(0x00081199, [])
    body += elem(0x00100010, "PN", text("After"))
    ds = dcmread(part10(body))
    assert len(ds[0x00081115].value) == 0
    assert [len(it) for it in ds[0x00081140].value] == [0, 0]
    assert len(ds[0x00081199].value) == 0
    assert str(ds[0x00100010].value) == "After"


def test_items_with_implicit_vr_are_detected_one_by_one() -> None:
    explicit = elem(0x00081150, "UI", b"1.2.3\0")
    implicit = elem(0x00081150, "UI", b"4.5.6\0", implicit=True)
    body = sequence(
        0x00081115,
        [item(explicit), item(implicit, undefined=True), item(explicit, undefined=True)],
        undefined=True,
    )
    ds = dcmread(part10(body))
    assert [it[0x00081150].value for it in ds[0x00081115].value] == ["1.2.3", "4.5.6", "1.2.3"]


def test_items_inherit_the_character_set() -> None:
    name = "Люкceмбypг".encode("iso8859_5")
    name += b" " * (len(name) % 2)
    body = elem(0x00080005, "CS", text("ISO_IR 144"))
    body += sequence(
        0x00081115, [item(elem(0x00100010, "PN", name), undefined=True)], undefined=True
    )
    ds = dcmread(part10(body))
    assert str(ds[0x00081115].value[0][0x00100010].value) == "Люкceмбypг"


def test_deeply_nested_values_are_reachable() -> None:
    inner = item(elem(0x00100010, "PN", text("Deep")), undefined=True)
    for level in range(20):
        inner = item(
            sequence(0x00081115, [inner], undefined=level % 2 == 0), undefined=level % 3 == 0
        )
    ds = dcmread(part10(sequence(0x00081115, [inner], undefined=True)))
    node = ds
    for _ in range(21):
        node = node[0x00081115].value[0]
    assert str(node[0x00100010].value) == "Deep"


def test_private_sequence_in_implicit_file_is_parsed_lazily() -> None:
    path = pydicom.data.get_testdata_file("nested_priv_SQ.dcm")
    ds = dcmread(path)
    expected = pydicom.dcmread(path)
    tag = 0x00010001  # an (odd) private tag holding items, found by its first item
    assert ds[tag].VR == "SQ"
    inner = ds[tag].value[0][tag].value[0]
    exp_inner = expected[tag].value[0][tag].value[0]
    assert [(int(e.tag), e.value) for e in inner] == [(int(e.tag), e.value) for e in exp_inner]
    assert ds[tag].value[0][0x00010002].value == b"Nested SQ"


def test_unread_sequences_survive_pickle_and_deepcopy() -> None:
    ds = dcmread(_enhanced(4))
    for clone in (pickle.loads(pickle.dumps(ds)), copy.deepcopy(ds)):
        assert _positions(clone) == _positions(ds)


def test_raw_sequence_value_is_plain_bytes_for_users() -> None:
    ds = dcmread(_enhanced(2))
    value = ds.get_item(PFFG).value
    assert isinstance(value, bytes)
    assert value[:4] == b"\xfe\xff\x00\xe0"
    assert bytes(value) == value


def test_concurrent_first_access_to_a_lazy_item_keeps_every_write():
    """Two threads touching a never-loaded item at once must share one element mapping."""
    import threading

    from dcmcore.dataset import Dataset

    lost = 0
    for _ in range(200):
        barrier = threading.Barrier(2)

        def slow_loader(barrier=barrier):
            barrier.wait(5)  # both threads are inside the loader at the same time
            return {}

        item = Dataset._from_loader(slow_loader, is_implicit_VR=False, is_little_endian=True)

        def write(item=item):
            item.PatientName = "X"

        def read(item=item):
            len(item)

        threads = [threading.Thread(target=write), threading.Thread(target=read)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(10)
        lost += "PatientName" not in item
    assert lost == 0


def _nested_payload(depth: int, *, top_undefined: bool = True) -> bytes:
    """`depth` undefined-length sequences/items around an item of many small elements."""
    payload = b"".join(elem(0x00111000 + i % 0xE000, "LO", b"abcdefgh") for i in range(2000))
    inner = payload + elem(0x00100010, "PN", text("Deep"))
    for level in range(depth):
        undefined = top_undefined or level < depth - 1
        inner = sequence(0x00081115, [item(inner, undefined=True)], undefined=undefined)
    return inner


def _count_walked(monkeypatch) -> list[int]:
    """Patch the scan walks to add the bytes each outermost walk covers to the returned list."""
    from dcmcore.io import parser, scan

    walked: list[int] = []
    active = [0]  # walks made inside a counted walk are part of its bytes

    def counting(walk, after_index):
        def wrapper(buf, pos, *args, **kwargs):
            active[0] += 1
            try:
                result = walk(buf, pos, *args, **kwargs)
            finally:
                active[0] -= 1
            if not active[0]:
                walked.append(result[after_index] - pos)
            return result

        return wrapper

    counting_walk = counting(scan.find_sequence_end, 2)
    monkeypatch.setattr(scan, "find_sequence_end", counting_walk)
    monkeypatch.setattr(parser, "find_sequence_end", counting_walk)
    monkeypatch.setattr(scan, "_item_end", counting(scan._item_end, 1))
    return walked


@pytest.mark.parametrize("top_undefined", [True, False])
def test_nested_undefined_length_sequences_are_walked_once_not_once_per_level(
    monkeypatch, top_undefined: bool
) -> None:
    depth = 32
    data = part10(_nested_payload(depth, top_undefined=top_undefined))
    walked = _count_walked(monkeypatch)
    node = dcmread(data)
    for _ in range(depth):
        node = node[0x00081115].value[0]
    assert str(node[0x00100010].value) == "Deep"
    assert len(node) == 2001
    # linear in the size: at most two walks over the bytes (before: two per level)
    assert sum(walked) <= 2 * len(data)


def test_nested_sequences_read_through_the_cache_match_pydicom() -> None:
    data = part10(_nested_payload(6))
    ours = dcmread(data)
    theirs = pydicom.dcmread(pydicom.filebase.DicomBytesIO(data))
    for _ in range(6):
        ours = ours[0x00081115].value[0]
        theirs = theirs[0x00081115].value[0]
    assert [(int(e.tag), e.value) for e in ours] == [(int(e.tag), e.value) for e in theirs]


def _item_made(seq, index: int) -> bool:
    """Whether the sequence already holds item `index` as a Dataset (not its source)."""
    from dcmcore.dataset import Dataset

    return isinstance(list.__getitem__(seq, index), Dataset)


def test_indexing_makes_only_the_item_reached() -> None:
    seq = dcmread(_enhanced(30))[PFFG].value
    assert len(seq) == 30
    first = seq[12]
    assert seq[12] is first and seq[-18] is first
    assert [i for i in range(30) if _item_made(seq, i)] == [12]
    assert str(first[PPS].value[0][IPP].value[2]) == "18.0"
    assert first.parent_seq is seq


def test_every_other_read_of_a_partly_made_sequence_sees_datasets() -> None:
    expected = _positions(dcmread(_enhanced(6)))
    reads = [
        lambda s: list(s),
        lambda s: s.copy(),
        lambda s: s[1:4],
        lambda s: list(reversed(s))[::-1],
        lambda s: copy.copy(s),
        lambda s: s + [],
        lambda s: [] + s,
        lambda s: s * 1,
        lambda s: pickle.loads(pickle.dumps(s)),
        lambda s: copy.deepcopy(s),
    ]
    for read in reads:
        seq = dcmread(_enhanced(6))[PFFG].value
        kept = seq[2]
        got = read(seq)
        positions = [str(list(it[PPS].value[0][IPP].value)) for it in got]
        assert positions == (expected[1:4] if len(got) == 3 else expected)
        assert all(_item_made(seq, i) for i in range(len(seq)))
        assert seq[2] is kept


def test_membership_index_pop_and_equality_on_a_partly_made_sequence() -> None:
    seq = dcmread(_enhanced(5))[PFFG].value
    other = dcmread(_enhanced(5))[PFFG].value
    third = seq[3]
    assert seq.index(third) == 3 and third in seq and seq.count(third) == 1
    assert seq == other and not seq != other
    popped = seq.pop(1)
    assert len(seq) == 4 and popped not in seq
    assert str(popped[PPS].value[0][IPP].value[2]) == "1.5"


def test_items_added_to_an_unread_sequence_keep_their_places() -> None:
    from dcmcore.dataset import Dataset

    seq = dcmread(_enhanced(3))[PFFG].value
    new = Dataset()
    new.PatientName = "Added"
    seq.insert(1, new)
    seq.append(Dataset())
    assert seq[1] is new and len(seq) == 5
    assert str(seq[2][PPS].value[0][IPP].value[2]) == "1.5"
    seq.reverse()
    assert seq[3] is new
    assert str(seq[2][PPS].value[0][IPP].value[2]) == "1.5"


def test_threads_reaching_an_unmade_item_get_the_same_dataset() -> None:
    import threading

    for _ in range(20):
        seq = dcmread(_enhanced(50))[PFFG].value
        got: list[object] = []
        barrier = threading.Barrier(4)

        def reach(seq=seq, got=got, barrier=barrier) -> None:
            barrier.wait(5)
            got.append(seq[25])

        threads = [threading.Thread(target=reach) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(10)
        assert len(got) == 4 and all(g is got[0] for g in got)
