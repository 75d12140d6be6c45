"""Seed-page conformance of Dataset as a mapping: attribute access by keyword, ``in``,
``del``, ``==``, iteration in tag order, slicing by tag range, copy, deepcopy and pickling
(including datasets read with deferred values and never-accessed lazy sequences), and
seeded random operation sequences compared with pydicom 3.
"""

from __future__ import annotations

import copy
import io
import pickle
import warnings
from typing import Any

import pytest

from dcmcore import config
from dcmcore.dataset import Dataset, FileMetaDataset
from dcmcore.element import DataElement, RawDataElement
from dcmcore.errors import DcmcoreWarning
from dcmcore.io.reader import dcmread
from dcmcore.tag import BaseTag
from tests.corpus_pairs import (
    _both,
    _first_item,
    _mine,
    _path,
    _tags,
    pydicom,
)


# ---------------------------------------------------------------- mapping protocol
def test_attribute_access_by_keyword() -> None:
    ds, ref = _both("CT_small.dcm")
    assert ds.PatientName == ref.PatientName
    assert ds.Rows == ref.Rows == 128
    assert ds.ImagePositionPatient == ref.ImagePositionPatient
    with pytest.raises(AttributeError):
        ds.BeamSequence  # noqa: B018
    ds.PatientName = "New^Name"
    assert ds[0x00100010].value == "New^Name"
    ds.BeamSequence = [Dataset()]
    assert ds[0x300A00B0].VR == "SQ"


def test_unknown_camel_case_attribute_warns() -> None:
    ds = Dataset()
    with pytest.warns(UserWarning):
        ds.PatientNme = "x"  # typo of a keyword
    assert 0x00100010 not in ds


def test_contains_tag_keyword_tuple() -> None:
    ds = _mine("CT_small.dcm")
    for key in ("PatientName", 0x00100010, (0x0010, 0x0010), BaseTag(0x00100010)):
        assert key in ds
    assert "BeamSequence" not in ds
    assert 0x300A00B0 not in ds


def test_contains_invalid_key_warns_and_is_false() -> None:
    ds = Dataset()
    with pytest.warns(DcmcoreWarning):
        assert ("not", "a", "tag") not in ds


def test_del_by_keyword_tag_and_slice() -> None:
    ds, ref = _both("CT_small.dcm")
    del ds.PatientName
    del ref.PatientName
    del ds[0x00100020]
    del ref[0x00100020]
    del ds[0x00280000:0x00290000]
    del ref[0x00280000:0x00290000]
    assert _tags(ds) == _tags(ref)
    with pytest.raises(AttributeError):
        del ds.PatientName
    with pytest.raises(KeyError):
        del ds[0x00100010]


def test_equality() -> None:
    a = _mine("CT_small.dcm")
    b = _mine("CT_small.dcm")
    assert a == b
    assert not (a != b)
    b.PatientName = "Different"
    assert a != b
    assert Dataset() == Dataset()
    assert Dataset() != {}
    c = Dataset()
    c.PatientName = "A"
    d = Dataset()
    d.PatientName = "A"
    assert c == d
    d.PatientID = "1"
    assert c != d


def test_iteration_in_tag_order_yields_data_elements() -> None:
    ds, ref = _both("rtplan.dcm")
    mine = list(ds)
    assert [int(e.tag) for e in mine] == sorted(_tags(ds))
    assert [int(e.tag) for e in mine] == [int(e.tag) for e in ref]
    assert all(isinstance(e, DataElement) for e in mine)


def test_iteration_in_tag_order_after_adding_out_of_order() -> None:
    ds = Dataset()
    ds.PatientID = "1"
    ds.Rows = 2
    ds.PatientName = "a"
    ds.SOPClassUID = "1.2"
    assert [int(e.tag) for e in ds] == [0x00080016, 0x00100010, 0x00100020, 0x00280010]


@pytest.mark.parametrize(
    "sl",
    [
        slice(0x00080000, 0x00100000),
        slice(None, 0x00100000),
        slice(0x00280000, None),
        slice((0x0008, 0x0000), (0x0010, 0x0020)),
        slice(0x00080000, 0x00200000, 2),
        slice(0x00100010, 0x00100011),
    ],
)
def test_slicing_by_tag_range_like_pydicom(sl: slice) -> None:
    ds, ref = _both("CT_small.dcm")
    part = ds[sl]
    assert isinstance(part, Dataset)
    assert _tags(part) == _tags(ref[sl])


def test_slice_keeps_raw_elements_and_values() -> None:
    ds = _mine("CT_small.dcm")
    part = ds[0x00100000:0x00110000]
    assert part.PatientName == ds.PatientName
    assert str(part) == str(pydicom.dcmread(_path("CT_small.dcm"))[0x00100000:0x00110000])


def test_setting_slice_not_supported() -> None:
    with pytest.raises(NotImplementedError):
        Dataset()[0x00100000:0x00110000] = DataElement(0x00100010, "PN", "x")


def test_len_and_bool() -> None:
    ds, ref = _both("CT_small.dcm")
    assert len(ds) == len(ref)
    assert not Dataset()
    assert ds


# ---------------------------------------------------------------- copy / pickle
@pytest.mark.parametrize("name", ["CT_small.dcm", "rtplan.dcm", "nested_priv_SQ.dcm"])
def test_deepcopy_equal_and_independent(name: str) -> None:
    ds = _mine(name)
    other = copy.deepcopy(ds)
    assert other == ds
    assert str(other) == str(ds)
    first = next(iter(other))
    assert first is not ds[first.tag]
    other.PatientName = "Changed"
    assert ds.get("PatientName") != "Changed"


def test_deepcopy_sequence_items_linked_to_new_parent() -> None:
    ds = _mine("rtplan.dcm")
    other = copy.deepcopy(ds)
    seq = other.BeamSequence
    assert seq[0] is not ds.BeamSequence[0]
    assert seq[0] == ds.BeamSequence[0]
    seq[0].BeamName = "changed"
    assert ds.BeamSequence[0].BeamName != "changed"


@pytest.mark.parametrize("name", ["CT_small.dcm", "rtplan.dcm", "nested_priv_SQ.dcm"])
def test_pickle_round_trip(name: str) -> None:
    ds = _mine(name)
    back = pickle.loads(pickle.dumps(ds))
    assert type(back) is type(ds)
    assert back == ds
    assert str(back) == str(ds)
    assert back.file_meta == ds.file_meta


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_pickle_every_protocol(protocol: int) -> None:
    ds = _mine("rtplan.dcm", defer_size=16)
    back = pickle.loads(pickle.dumps(ds, protocol=protocol))
    assert str(back) == str(ds)


def test_pickle_deferred_values_and_unaccessed_lazy_sequences() -> None:
    """A dataset read with deferred values and never-accessed sequences pickles; the copy
    reads the deferred values and the sequences."""
    ds = _mine("rtplan.dcm", defer_size=16)
    ref = pydicom.dcmread(_path("rtplan.dcm"))
    back = pickle.loads(pickle.dumps(ds))
    assert str(back) == str(ref)
    assert back.BeamSequence[0].BeamName == ref.BeamSequence[0].BeamName
    mr = _mine("MR_small.dcm", defer_size=256)
    assert mr.get_item(0x7FE00010, keep_deferred=True).value is None
    back = pickle.loads(pickle.dumps(mr))
    assert back.PixelData == pydicom.dcmread(_path("MR_small.dcm")).PixelData


def test_pickle_of_dataset_read_from_buffer_with_deferred_values() -> None:
    with open(_path("MR_small.dcm"), "rb") as f:
        data = f.read()
    ds = dcmread(io.BytesIO(data), defer_size=256)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        back = pickle.loads(pickle.dumps(ds))
    assert back.PixelData == pydicom.dcmread(io.BytesIO(data)).PixelData


def test_pickle_of_scratch_dataset_with_sequence() -> None:
    ds = Dataset()
    ds.PatientName = "Doe^John"
    item = Dataset()
    item.BeamName = "b1"
    ds.BeamSequence = [item]
    back = pickle.loads(pickle.dumps(ds))
    assert back == ds
    assert back.BeamSequence[0].BeamName == "b1"
    assert back.BeamSequence[0].parent_dataset is back


# ---------------------------------------------------------------- more documented behaviour
def test_set_original_encoding_enables_writing_raw_elements_unconverted() -> None:
    """Documented use: a Dataset of raw elements, original encoding set, is written
    without decoding its elements."""
    src = _mine("CT_small.dcm")
    raws = {tag: src.get_item(tag) for tag in src.keys()}
    ds = Dataset(raws)
    ds.set_original_encoding(False, True, "ISO_IR 100")
    buf = io.BytesIO()
    ds.save_as(buf, implicit_vr=False, little_endian=True)
    with open(_path("CT_small.dcm"), "rb") as f:
        data = f.read()
    assert data.endswith(buf.getvalue())
    assert isinstance(ds.get_item(0x00100010), RawDataElement)
    assert isinstance(ds.get_item(0x00280010), RawDataElement)


def test_is_implicit_vr_is_little_endian_set_are_used_for_writing() -> None:
    """Get/set the encoding used when encoding the dataset (deprecated setters)."""
    ds = Dataset()
    ds.PatientName = "A^B"
    with pytest.warns(DeprecationWarning):
        ds.is_implicit_VR = False
    with pytest.warns(DeprecationWarning):
        ds.is_little_endian = True
    buf = io.BytesIO()
    ds.save_as(buf)
    assert buf.getvalue().startswith(b"\x10\x00\x10\x00PN")


def test_clear_keeps_file_meta_like_pydicom() -> None:
    ds, ref = _both("CT_small.dcm")
    ds.clear()
    ref.clear()
    assert len(ds.file_meta) == len(ref.file_meta) > 0


def test_copy_of_file_dataset_keeps_file_attributes() -> None:
    ds = _mine("CT_small.dcm")
    other = ds.copy()
    assert type(other) is type(ds)
    assert other.filename == ds.filename
    assert other.preamble == ds.preamble
    assert other.file_meta == ds.file_meta


def test_equality_dataset_and_file_dataset_with_same_elements() -> None:
    ds = _mine("CT_small.dcm")
    plain = Dataset({tag: ds[tag] for tag in ds.keys()})
    assert plain == ds
    assert ds == plain


def test_equality_raw_against_converted() -> None:
    a, b = _mine("rtplan.dcm"), _mine("rtplan.dcm")
    for elem in a:
        elem.value  # noqa: B018 - a fully converted, b still raw
    assert a == b
    assert b == a


def test_to_json_from_json_round_trip_like_pydicom() -> None:
    ds, ref = _both("rtplan.dcm")
    back = Dataset.from_json(ds.to_json())
    ref_back = pydicom.Dataset.from_json(ref.to_json())
    assert str(back) == str(ref_back)
    assert back.BeamSequence[0].BeamName == ds.BeamSequence[0].BeamName


def test_pickle_sequence_item_alone() -> None:
    ds = _mine("rtplan.dcm")
    item = ds.BeamSequence[0]
    back = pickle.loads(pickle.dumps(item))
    assert back == item
    assert str(back) == str(item)


def test_pickle_unaccessed_nested_items_then_original_still_reads() -> None:
    ds = _mine("nested_priv_SQ.dcm")
    ref = pydicom.dcmread(_path("nested_priv_SQ.dcm"))
    blob = pickle.dumps(ds)
    assert str(ds) == str(ref)  # the original still works after pickling
    back = pickle.loads(blob)
    assert str(back) == str(ref)


def test_deepcopy_with_deferred_values() -> None:
    ds = _mine("MR_small.dcm", defer_size=256)
    other = copy.deepcopy(ds)
    assert other.PixelData == pydicom.dcmread(_path("MR_small.dcm")).PixelData
    assert other == ds


def test_getitem_by_keyword_string() -> None:
    ds, ref = _both("CT_small.dcm")
    assert ds["PatientName"].value == ref["PatientName"].value
    with pytest.raises(KeyError):
        ds["BeamSequence"]  # noqa: B018


def test_ensure_file_meta_replaces_none() -> None:
    """Documented: 'Create an empty file_meta if none exists' -- also when it is None
    (pydicom 3.0.2 leaves a None file_meta of a FileDataset unchanged)."""
    ds = _mine("CT_small.dcm")
    ds.file_meta = None
    ds.ensure_file_meta()
    assert isinstance(ds.file_meta, FileMetaDataset)
    assert len(ds.file_meta) == 0


def test_is_original_encoding_of_new_file_dataset() -> None:
    """An encoding set and equal to the original one, default character set on both sides:
    True as documented (pydicom 3.0.2 gives False: it compares its '' scratch character set
    with ['iso8859'])."""
    from dcmcore.dataset import FileDataset

    ds = FileDataset("x.dcm", {}, is_implicit_VR=False, is_little_endian=True)
    assert ds.is_original_encoding is True


def test_setting_over_long_value_warns_like_pydicom() -> None:
    """pydicom's documentation is silent; pydicom's DataElement defaults its validation_mode to
    reading_validation_mode (its writing_validation_mode, default WARN, is used when
    writing). dcmcore checks with writing_validation_mode, whose default is WARN as pydicom's."""
    ref = pydicom.dcmread(_path("CT_small.dcm"))
    with pytest.warns(UserWarning):
        ref.PatientID = "x" * 100
    with pytest.warns(UserWarning):
        ref.OperatorsName = "x" * 100
    ds = _mine("CT_small.dcm")
    with pytest.warns(UserWarning):
        ds.PatientID = "x" * 100
    with pytest.warns(UserWarning):
        ds.OperatorsName = "x" * 100
    assert ds.PatientID == "x" * 100


def test_setitem_errors_like_pydicom() -> None:
    for lib, ds in ((pydicom, pydicom.Dataset()), (None, Dataset())):
        element = lib.DataElement if lib else DataElement
        with pytest.raises(ValueError):
            ds[0x00100020] = element(0x00100010, "PN", "x")
        with pytest.raises(ValueError):
            ds["NotAKeyword"] = element(0x00100010, "PN", "x")
        with pytest.raises(ValueError):
            ds.setdefault("PatientName", element(0x00100020, "LO", "x"))
        with pytest.raises(TypeError):
            ds[0x00100010] = "x"


@pytest.mark.parametrize(
    "action, exc",
    [
        (lambda ds: ds[0x300A00B0], KeyError),
        (lambda ds: ds["NotAKeyword"], KeyError),
        (lambda ds: ds.foo, AttributeError),
        (lambda ds: ds.__delitem__(0x300A00B0), KeyError),
        (lambda ds: delattr(ds, "foo"), AttributeError),
        (lambda ds: ds.get((1, 2, 3)), TypeError),
        (lambda ds: hash(ds), TypeError),
        (lambda ds: ds.add_new("NotAKeyword", "LO", "x"), ValueError),
        (lambda ds: ds.private_block(0x0041, "A", create=True).get_tag(0x100), ValueError),
    ],
)
def test_error_types_like_pydicom(action: Any, exc: type[Exception]) -> None:
    ref = pydicom.dcmread(_path("CT_small.dcm"))
    with pytest.raises(exc):
        action(ref)
    with pytest.raises(exc):
        action(_mine("CT_small.dcm"))


@pytest.mark.parametrize(
    "key", ["NotAKeyword", "foo", 0x1FFFFFFFF, -1, (0x10, 0x10), 0x00100010, "PatientName"]
)
def test_contains_like_pydicom(key: Any) -> None:
    ref = pydicom.dcmread(_path("CT_small.dcm"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert (key in _mine("CT_small.dcm")) == (key in ref)


def test_slice_with_keyword_bounds_like_pydicom() -> None:
    ds, ref = _both("CT_small.dcm")
    assert _tags(ds["PatientName":"Rows"]) == _tags(ref["PatientName":"Rows"])
    assert len(ds[0x00100000:0x00080000]) == 0


def test_empty_dataset_text_like_pydicom() -> None:
    assert str(Dataset()) == repr(Dataset()) == Dataset().top() == ""


# ---------------------------------------------------------------- dict emulation details
def test_popitem_removes_last_inserted_like_pydicom() -> None:
    ds, ref = _both("CT_small.dcm")
    for _ in range(3):
        mine, theirs = ds.popitem(), ref.popitem()
        assert int(mine[0]) == int(theirs[0])
        assert type(mine[1]).__name__ == type(theirs[1]).__name__


def test_pop_returns_raw_element_if_never_accessed_like_pydicom() -> None:
    ds, ref = _both("CT_small.dcm")
    assert isinstance(ds.pop("PatientName"), RawDataElement)
    assert type(ref.pop("PatientName")).__name__ == "RawDataElement"
    ds.PatientID  # noqa: B018
    assert isinstance(ds.pop("PatientID"), DataElement)


def test_update_with_tuple_keys() -> None:
    ds, ref = Dataset(), pydicom.Dataset()
    ds.update({(0x10, 0x10): DataElement(0x00100010, "PN", "x")})
    ref.update({(0x10, 0x10): pydicom.DataElement(0x00100010, "PN", "x")})
    assert str(ds) == str(ref)


@pytest.mark.parametrize("behaviour", ["RAISE", "WARN", "IGNORE"])
def test_invalid_key_behaviour_for_in(behaviour: str, monkeypatch: Any) -> None:
    monkeypatch.setattr(config, "INVALID_KEY_BEHAVIOR", behaviour, raising=False)
    monkeypatch.setattr(pydicom.config, "INVALID_KEY_BEHAVIOR", behaviour)
    for ds in (Dataset(), pydicom.Dataset()):
        if behaviour == "RAISE":
            with pytest.raises(ValueError):
                ("not", "a", "tag") in ds  # noqa: B015
        else:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                assert ("not", "a", "tag") not in ds
            assert bool(caught) == (behaviour == "WARN")


@pytest.mark.parametrize("behaviour", ["RAISE", "WARN", "IGNORE"])
def test_invalid_keyword_behaviour_for_attributes(behaviour: str, monkeypatch: Any) -> None:
    monkeypatch.setattr(config, "INVALID_KEYWORD_BEHAVIOR", behaviour, raising=False)
    monkeypatch.setattr(pydicom.config, "INVALID_KEYWORD_BEHAVIOR", behaviour)
    for ds in (Dataset(), pydicom.Dataset()):
        if behaviour == "RAISE":
            with pytest.raises(ValueError):
                ds.PatientNme = "x"
        else:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                ds.PatientNme = "x"
            assert bool(caught) == (behaviour == "WARN")
            assert ds.PatientNme == "x"
            assert 0x00100010 not in ds
        ds.lower_case_name = 1  # never a keyword: no warning, plain attribute
        assert ds.lower_case_name == 1


def test_nested_item_mutations_survive_copy_pickle_and_save_like_pydicom() -> None:
    """Changes inside never-accessed (lazy) items: deepcopy, pickle and save_as keep them."""
    results = []
    for lib in (None, pydicom):
        ds = _mine("rtplan.dcm") if lib is None else pydicom.dcmread(_path("rtplan.dcm"))
        new_item = Dataset() if lib is None else pydicom.Dataset()
        ds.BeamSequence[0].ControlPointSequence[0].GantryAngle = 123
        new_item.BeamName = "added"
        ds.BeamSequence.append(new_item)
        del ds.FractionGroupSequence[0].ReferencedBeamSequence[0]
        ds.PatientSetupSequence[0].add_new(0x00091001, "LO", "priv")
        buf = io.BytesIO()
        ds.save_as(buf)
        results.append(
            (
                str(ds),
                str(copy.deepcopy(ds)),
                str(pickle.loads(pickle.dumps(ds))),
                buf.getvalue(),
            )
        )
    mine, theirs = results
    assert mine == theirs
    assert mine[0] == mine[1] == mine[2]
    back = dcmread(io.BytesIO(mine[3]))
    assert back.BeamSequence[0].ControlPointSequence[0].GantryAngle == 123
    assert back.BeamSequence[-1].BeamName == "added"


# ---------------------------------------------------------------- random operation sequences
_FUZZ_KEYWORDS: dict[str, list[Any]] = {
    "PatientName": ["A^B", "", "X"],
    "PatientID": ["1", "abc"],
    "Rows": [1, 512],
    "Columns": [3],
    "ImageType": [["A", "B"], "ORIGINAL"],
    "SliceThickness": ["2.5", 1.25],
    "StudyDate": ["20200101"],
    "InstitutionName": ["Inst"],
    "SeriesNumber": [1, "7"],
    "WindowCenter": [[1, 2], "40"],
    "BeamSequence": [[]],
}


def _run_operations(seed: int, ds: Any, lib: Any) -> list[str]:
    """Apply a seeded random sequence of mapping operations; log results and str(ds)."""
    import random

    rnd = random.Random(seed)
    log: list[str] = []
    for step in range(40):
        op = rnd.choice(
            ["set", "del", "pop", "setdefault", "add_new", "private", "slice_del", "update",
             "popitem", "get", "contains"]
        )  # fmt: skip
        kw = rnd.choice(list(_FUZZ_KEYWORDS))
        value = rnd.choice(_FUZZ_KEYWORDS[kw])
        try:
            if op == "set":
                setattr(ds, kw, value)
            elif op == "del":
                delattr(ds, kw)
            elif op == "pop":
                elem = ds.pop(kw, None)
                log.append(f"{type(elem).__name__} {getattr(elem, 'tag', None)}")
            elif op == "setdefault":
                log.append(str(ds.setdefault(kw, value)))
            elif op == "add_new":
                ds.add_new(0x00092000 + rnd.randint(0, 5), "LO", f"v{step}")
            elif op == "private":
                block = ds.private_block(0x0041, rnd.choice(["A", "B"]), create=True)
                block.add_new(rnd.randint(0, 3), "LO", f"p{step}")
            elif op == "slice_del":
                low = rnd.choice([0x00080000, 0x00100000, 0x00200000])
                del ds[low : low + 0x00010000]
            elif op == "update":
                ds.update({kw: value})
            elif op == "popitem":
                log.append(str(ds.popitem()[0]) if len(ds) else "empty")
            elif op == "get":
                log.append(str(ds.get(kw, "default")))
            else:
                log.append(str(kw in ds))
            log.append(f"{op}: ok")
        except Exception as exc:  # noqa: BLE001 - the error type is compared
            log.append(f"{op}: {type(exc).__name__}")
        log.append(str(ds))
    return log


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("name", ["CT_small.dcm", "rtplan.dcm"])
def test_random_operation_sequences_like_pydicom(seed: int, name: str) -> None:
    ds, ref = _both(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mine = _run_operations(seed, ds, None)
        theirs = _run_operations(seed, ref, pydicom)
    for i, (a, b) in enumerate(zip(mine, theirs)):
        assert a == b, f"step {i // 2}: {mine[i - 1] if i else ''}"


@pytest.mark.parametrize(
    "name, kwargs",
    [("rtplan.dcm", {"defer_size": 8}), ("rtplan.dcm", {}), ("chrSQEncoding.dcm", {})],
)
@pytest.mark.parametrize("source", ["path", "buffer"])
def test_sequence_item_outlives_its_parent_like_pydicom(
    name: str, kwargs: dict[str, Any], source: str
) -> None:
    """An item kept after its parent dataset is garbage collected still reads its values
    (deferred ones too) with the right character set."""
    import gc

    import dcmcore

    def item_text(lib: Any) -> str:
        path = _path(name)
        with open(path, "rb") as f:
            src: Any = path if source == "path" else io.BytesIO(f.read())
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            item = _first_item(lib.dcmread(src, **kwargs))
        gc.collect()  # the parent dataset is gone
        return str(item)

    assert item_text(dcmcore) == item_text(pydicom)


def test_copies_of_unloaded_items_whose_parent_is_gone_like_pydicom() -> None:
    import gc

    import dcmcore

    texts = []
    for lib in (dcmcore, pydicom):
        seq = lib.dcmread(_path("rtplan.dcm"), defer_size=8).BeamSequence
        gc.collect()  # only the sequence is left; its items were never accessed
        texts.append(
            (
                str(copy.deepcopy(seq[0])),
                str(pickle.loads(pickle.dumps(seq[0]))),
                str(copy.deepcopy(seq)),
                str(pickle.loads(pickle.dumps(seq))),
            )
        )
    assert texts[0] == texts[1]
