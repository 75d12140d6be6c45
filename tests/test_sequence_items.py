"""Sequences built from the parser's item sources: lazy items sharing their parent's state."""

from __future__ import annotations

import struct
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from encoded_bytes import elem, item, part10, sequence, text  # noqa: E402

from dcmcore.dataset import Dataset  # noqa: E402
from dcmcore.element import RawDataElement  # noqa: E402
from dcmcore.io.parser import split_sequence  # noqa: E402
from dcmcore.io.reader import dcmread  # noqa: E402
from dcmcore.sequence import Sequence, sequence_depth, sequence_from_items  # noqa: E402

SEQ = 0x00081115  # Referenced Series Sequence
UID_TAG = 0x0020000E
CHARSET = 0x00080005


def _file(n_items: int, charset: str = "ISO_IR 100") -> bytes:
    items = [item(elem(UID_TAG, "UI", text(f"1.2.{i}"))) for i in range(n_items)]
    body = elem(CHARSET, "CS", text(charset)) + sequence(SEQ, items)
    return part10(body)


def test_items_call_their_loader_once_and_only_when_used() -> None:
    calls: list[int] = []

    def loader(i: int) -> Any:
        def load() -> dict[Any, Any]:
            calls.append(i)
            return {}

        return load

    seq = sequence_from_items([(loader(i), False, True, False) for i in range(3)])
    assert isinstance(seq, Sequence) and len(seq) == 3
    assert calls == []
    assert len(seq[1]) == 0
    assert len(seq[1]) == 0
    assert calls == [1]


def test_items_know_their_sequence_parent_and_encoding() -> None:
    parent = Dataset()
    parent.SpecificCharacterSet = "ISO_IR 192"
    seq = sequence_from_items(
        [(dict, True, True, True), (dict, False, False, False)],
        parent=parent,
        undefined_length=True,
    )
    assert seq.is_undefined_length
    assert seq.parent_dataset is parent
    first, second = seq
    assert first.parent_seq is seq and first.parent_dataset is parent
    assert first.is_undefined_length_sequence_item
    assert not second.is_undefined_length_sequence_item
    assert first.original_encoding[:2] == (True, True)
    assert second.original_encoding[:2] == (False, False)
    assert first._character_set == ["UTF8"]
    assert sequence_depth(first) == 1


def test_parent_character_set_and_source_are_computed_once_per_sequence() -> None:
    class Counting(Dataset):
        text_calls = 0
        source_calls = 0

        def _text_encoding(self) -> list[str]:
            Counting.text_calls += 1
            return super()._text_encoding()

        def _deferred_source(self) -> tuple[Any, float | None]:
            Counting.source_calls += 1
            return super()._deferred_source()

    parent = Counting()
    sequence_from_items([(dict, False, True, False)] * 500, parent=parent)
    assert (Counting.text_calls, Counting.source_calls) == (1, 1)


def test_split_sequence_hands_back_one_loader_per_item() -> None:
    ds = dcmread(_file(4))
    raw = ds.get_item(SEQ)
    assert isinstance(raw, RawDataElement)
    sources = split_sequence(raw, 1)
    assert len(sources) == 4
    loader, implicit, little, undefined = sources[2]
    assert (implicit, little, undefined) == (False, True, False)
    elements = loader()
    assert list(elements) == [UID_TAG]
    assert bytes(elements[UID_TAG].value).rstrip(b"\0 ") == b"1.2.2"


def test_items_read_from_a_file_decode_with_the_parent_character_set() -> None:
    body = elem(CHARSET, "CS", text("ISO_IR 100"))
    body += sequence(SEQ, [item(elem(0x00100010, "PN", "Müller".encode("latin-1") + b" "))])
    body += elem(0x00280010, "US", struct.pack("<H", 4))
    ds = dcmread(part10(body))
    assert str(ds[SEQ].value[0].PatientName) == "Müller"
