"""Sequence: a list of Datasets with weak parent links."""

from __future__ import annotations

import copy
import gc
import pickle

import pytest

from dcmcore.charset import convert_encodings
from dcmcore.dataset import Dataset
from dcmcore.sequence import Sequence

pydicom = pytest.importorskip("pydicom")


def _item(name: str) -> Dataset:
    ds = Dataset()
    ds.PatientID = name
    return ds


def test_only_datasets_are_accepted() -> None:
    seq = Sequence()
    with pytest.raises(TypeError):
        seq.append(1)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        seq.extend([Dataset(), "x"])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        seq.insert(0, None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Sequence([Dataset(), 3])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="requires an iterable"):
        Sequence(Dataset())  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        seq.extend(Dataset())  # type: ignore[arg-type]
    seq.append(Dataset())
    with pytest.raises(TypeError):
        seq[0] = "x"  # type: ignore[call-overload]
    with pytest.raises(TypeError):
        seq[0:1] = Dataset()  # type: ignore[call-overload]
    with pytest.raises(TypeError):
        seq += [1]  # type: ignore[list-item]
    assert len(seq) == 1


def test_str_and_repr_match_pydicom() -> None:
    ours = Sequence([_item("A"), _item("B")])
    p1, p2 = pydicom.Dataset(), pydicom.Dataset()
    p1.PatientID, p2.PatientID = "A", "B"
    theirs = pydicom.Sequence([p1, p2])
    assert str(ours) == str(theirs)
    assert repr(ours) == repr(theirs) == "<Sequence, length 2>"
    assert str(Sequence()) == str(pydicom.Sequence()) == "[]"


def test_items_get_the_parent_dataset_when_the_sequence_is_set() -> None:
    ds = Dataset()
    ds.ReferencedImageSequence = [_item("A")]
    seq = ds.ReferencedImageSequence
    assert seq.parent_dataset is ds
    assert seq[0].parent_dataset is ds
    assert seq[0].parent_seq is seq
    seq.append(_item("B"))
    assert seq[1].parent_dataset is ds and seq[1].parent_seq is seq
    seq.insert(0, _item("C"))
    seq[0:1] = [_item("D")]
    seq[1] = _item("E")
    assert all(item.parent_dataset is ds for item in seq)


def test_parent_link_is_weak() -> None:
    ds = Dataset()
    ds.ReferencedImageSequence = [_item("A")]
    seq = ds.ReferencedImageSequence
    item = seq[0]
    del ds
    gc.collect()
    assert seq.parent_dataset is None
    assert item.parent_dataset is None


def test_items_inherit_the_character_set_of_the_parent() -> None:
    ds = Dataset()
    ds.SpecificCharacterSet = "ISO_IR 100"
    ds.ReferencedImageSequence = [_item("A")]
    inner = Dataset()
    ds.ReferencedImageSequence[0].ReferencedImageSequence = [inner]
    assert inner._character_set == ds._character_set != ["iso8859"]
    inner.SpecificCharacterSet = "ISO_IR 192"
    assert inner._character_set == convert_encodings("ISO_IR 192")
    assert ds._character_set == convert_encodings("ISO_IR 100")


def test_pickle_and_deepcopy_keep_items_and_relink_parents() -> None:
    ds = Dataset()
    ds.ReferencedImageSequence = [_item("A"), _item("B")]
    ds.ReferencedImageSequence.is_undefined_length = True
    for clone in (pickle.loads(pickle.dumps(ds)), copy.deepcopy(ds)):
        seq = clone.ReferencedImageSequence
        assert isinstance(seq, Sequence)
        assert [item.PatientID for item in seq] == ["A", "B"]
        assert seq.parent_dataset is clone
        assert seq[0].parent_dataset is clone and seq[0].parent_seq is seq
        assert seq.is_undefined_length
        assert seq is not ds.ReferencedImageSequence


def test_sequence_alone_pickles_and_copies() -> None:
    seq = Sequence([_item("A")])
    again = pickle.loads(pickle.dumps(seq))
    assert again == seq and again[0].parent_seq is again
    shallow = copy.copy(seq)
    assert shallow[0] is seq[0] and isinstance(shallow, Sequence)


def test_dataset_inside_its_own_sequence_does_not_recurse_forever() -> None:
    ds = Dataset()
    ds.ReferencedImageSequence = [ds]
    assert ds.ReferencedImageSequence[0] is ds
    assert ds._character_set == ["iso8859"]
    assert ds._deferred_source() == (None, None)
