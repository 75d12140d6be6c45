"""Copying, deep-copying and pickling datasets (raw, deferred and lazy elements included)."""

from __future__ import annotations

import copy
import io
import os
import pickle
from typing import Any

import pytest

from dcmcore.dataset import Dataset, FileDataset, FileMetaDataset
from dcmcore.element import DataElement, RawDataElement
from dcmcore.tag import BaseTag
from tests.dataset_pairs import pair as _pair

pydicom = pytest.importorskip("pydicom")

def test_copy_is_shallow_with_its_own_mapping() -> None:
    """pydicom's copy() shares the element mapping (adding to the copy adds to the
    original); dcmcore's is a shallow copy as documented: same elements, own mapping."""
    ds, _ = _pair()
    clone = ds.copy()
    assert clone == ds and clone is not ds
    assert clone[0x00100020] is ds[0x00100020]
    clone.Modality = "CT"
    assert "Modality" not in ds
    assert copy.copy(ds) == ds


def test_deepcopy_is_independent() -> None:
    ds, _ = _pair()
    clone = copy.deepcopy(ds)
    assert clone == ds
    clone.ReferencedImageSequence[0].ReferencedImageSequence[0].PatientID = "changed"
    assert ds.ReferencedImageSequence[0].ReferencedImageSequence[0].PatientID == "inner"
    inner_seq = clone.ReferencedImageSequence[0].ReferencedImageSequence
    assert inner_seq.parent_dataset is clone.ReferencedImageSequence[0]


def test_pickle_round_trip_with_raw_and_deferred_elements(tmp_path: Any) -> None:
    ds, _ = _pair()
    ds[0x00200010] = RawDataElement(BaseTag(0x00200010), "SH", 4, b"ST01", 0, False, True)
    path = os.path.join(str(tmp_path), "src.bin")
    with open(path, "wb") as fp:
        fp.write(b"..ACC1")
    deferred = RawDataElement(BaseTag(0x00080050), "SH", 4, None, 2, False, True)
    ds[0x00080050] = deferred
    ds.__dict__["_source"] = path
    again = pickle.loads(pickle.dumps(ds))
    assert isinstance(again.get_item(0x00200010), RawDataElement)
    assert again.get_item(0x00080050, keep_deferred=True).value is None
    assert again.StudyID == "ST01"
    assert again.AccessionNumber == "ACC1"
    assert again == ds


def test_lazy_items_pickle_after_loading() -> None:
    calls = []

    def loader() -> dict[BaseTag, Any]:
        calls.append(1)
        return {BaseTag(0x00100020): DataElement(0x00100020, "LO", "lazy")}

    item = Dataset._from_loader(loader, is_implicit_VR=True, is_little_endian=True)
    again = pickle.loads(pickle.dumps(item))
    assert again.PatientID == "lazy" and calls == [1]


def test_file_dataset_pickles_and_deepcopies() -> None:
    buffer = io.BytesIO(b"abc")
    fds = FileDataset(buffer, {}, preamble=b"\x00" * 128)
    fds.PatientID = "1"
    for clone in (pickle.loads(pickle.dumps(fds)), copy.deepcopy(fds)):
        assert clone.PatientID == "1"
        assert clone.preamble == b"\x00" * 128
        assert clone.buffer.getvalue() == b"abc"
        assert isinstance(clone.file_meta, FileMetaDataset)


def test_dataset_read_from_file_pickles_with_lazy_and_deferred_elements() -> None:
    from pydicom.data import get_testdata_file

    from dcmcore.io.reader import dcmread

    path = get_testdata_file("rtplan.dcm")
    ds = dcmread(path, defer_size=16)
    again = pickle.loads(pickle.dumps(ds))
    assert str(again) == str(ds) == str(pydicom.dcmread(path, defer_size=16))
    assert again.filename == ds.filename


def test_file_dataset_copy_drops_an_unpicklable_buffer_with_a_warning(tmp_path: Any) -> None:
    path = os.path.join(str(tmp_path), "b.dcm")
    with open(path, "wb") as fp:
        fp.write(b"x")
    with open(path, "rb") as fp:
        raw = io.BufferedReader(io.FileIO(fp.fileno(), closefd=False))
        fds = FileDataset(raw, {})
        fds.buffer = raw  # as if read from a non-file buffer object
        with pytest.warns(UserWarning, match="cannot be copied or pickled"):
            clone = copy.deepcopy(fds)
    assert clone.buffer is None
