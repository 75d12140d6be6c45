"""Dataset, FileDataset and FileMetaDataset: pydicom 3's API, checked against pydicom."""

from __future__ import annotations

import io
import os
import warnings
from typing import Any

import pytest

from dcmcore import config
from dcmcore.dataset import Dataset, FileDataset, FileMetaDataset
from dcmcore.element import DataElement, RawDataElement
from dcmcore.sequence import Sequence
from dcmcore.tag import BaseTag
from tests.dataset_pairs import pair as _pair

pydicom = pytest.importorskip("pydicom")


# ------------------------------------------------------------ keyword access
def test_keyword_get_set_delete() -> None:
    ds = Dataset()
    ds.PatientName = "Doe^John"
    assert str(ds.PatientName) == "Doe^John"
    assert ds[0x00100010].VR == "PN"
    ds.PatientName = "Roe^Jane"
    assert str(ds.PatientName) == "Roe^Jane"
    del ds.PatientName
    assert "PatientName" not in ds
    with pytest.raises(AttributeError):
        _ = ds.PatientName
    with pytest.raises(AttributeError):
        del ds.PatientName
    with pytest.raises(AttributeError):
        _ = ds.NotAKeywordAtAll


def test_unknown_camel_case_attribute_warns_and_lowercase_does_not() -> None:
    ds = Dataset()
    with pytest.warns(UserWarning, match="Camel case attribute 'PatientNmae'"):
        ds.PatientNmae = "x"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ds.my_attribute = 3
        ds._private_thing = 4
    assert ds.my_attribute == 3 and len(ds) == 0
    del ds.my_attribute
    assert not hasattr(ds, "my_attribute")


def test_contains_accepts_tags_keywords_ints_and_tuples() -> None:
    ds = Dataset()
    ds.PatientID = "1"
    assert "PatientID" in ds
    assert 0x00100020 in ds
    assert (0x0010, 0x0020) in ds
    assert BaseTag(0x00100020) in ds
    assert "PatientName" not in ds
    with pytest.warns(UserWarning, match="Invalid value 'NotAKeyword'"):
        assert "NotAKeyword" not in ds
    with pytest.warns(UserWarning, match="maximum value"):
        assert 0x1_0000_0000 not in ds


def test_get_returns_value_by_keyword_and_element_by_tag() -> None:
    ds = Dataset()
    ds.PatientID = "1"
    assert ds.get("PatientID") == "1"
    assert ds.get("PatientName", "dflt") == "dflt"
    assert ds.get(0x00100020).value == "1"
    assert ds.get((0x0010, 0x0010)) is None
    assert ds.get("indent_chars") == "   "
    with pytest.raises(TypeError):
        ds.get(object())  # type: ignore[arg-type]


def test_data_element_returns_none_for_valid_but_absent_keyword() -> None:
    """pydicom's documentation says data_element() returns None when the element is not
    present, but pydicom 3 raises KeyError for a valid keyword: dcmcore follows the doc."""
    ds = Dataset()
    assert ds.data_element("PatientName") is None
    assert ds.data_element("NotAKeyword") is None
    with pytest.raises(KeyError):
        pydicom.Dataset().data_element("PatientName")
    ds.PatientName = "A^B"
    assert ds.data_element("PatientName") is ds[0x00100010]


def test_dir_and_trait_names() -> None:
    ours, theirs = _pair()
    assert ours.dir() == theirs.dir()
    assert ours.dir("patient") == theirs.dir("patient") == ["PatientID", "PatientName"]
    assert ours.dir("ROWS", "col") == ["Columns", "Rows"]
    names = dir(ours)
    assert "PatientName" in names and "walk" in names
    assert ours.trait_names() == names


# ------------------------------------------------------------- mapping API
def test_iteration_is_in_tag_order() -> None:
    ds = Dataset()
    ds.Rows = 1
    ds.PatientID = "1"
    ds.Modality = "CT"
    assert [e.tag for e in ds] == [0x00080060, 0x00100020, 0x00280010]
    assert [e.tag for e in ds.elements()] == [0x00080060, 0x00100020, 0x00280010]
    assert len(ds) == 3
    assert set(ds.keys()) == {0x00080060, 0x00100020, 0x00280010}
    assert all(isinstance(v, DataElement) for v in ds.values())
    assert dict(ds.items())[0x00280010].value == 1


def test_slicing_by_tag_range_returns_a_dataset() -> None:
    ours, theirs = _pair()
    for lo, hi in [(0x00100000, 0x00200000), ((0x0028, 0), (0x0029, 0)), (None, 0x00100000)]:
        part = ours[lo:hi]
        assert isinstance(part, Dataset)
        assert str(part) == str(theirs[lo:hi])
    assert [e.tag for e in ours[0x00280000::2]] == [e.tag for e in theirs[0x00280000::2]]
    assert len(ours[0x00300000:0x00300001]) == 0


def test_group_dataset() -> None:
    ours, theirs = _pair()
    assert str(ours.group_dataset(0x0028)) == str(theirs.group_dataset(0x0028))
    assert len(ours.group_dataset(0xFFFF)) == 0


def test_delete_by_tag_and_by_slice() -> None:
    ds, _ = _pair()
    del ds[0x00100010]
    assert 0x00100010 not in ds
    del ds[0x00280000:0x00290000]
    assert not any(e.tag.group == 0x0028 for e in ds)
    del ds[(0x0008, 0x0008)]
    with pytest.raises(KeyError):
        del ds[0x00080008]


def test_setitem_checks_key_and_type() -> None:
    ds = Dataset()
    with pytest.raises(ValueError, match="doesn't match"):
        ds[0x00100010] = DataElement(0x00100020, "LO", "x")
    with pytest.raises(TypeError):
        ds[0x00100010] = "x"  # type: ignore[assignment]
    with pytest.raises(NotImplementedError):
        ds[0:1] = DataElement(0x00100020, "LO", "x")  # type: ignore[index]
    ds["PatientID"] = DataElement(0x00100020, "LO", "x")
    assert ds.PatientID == "x"


def test_getitem_with_bad_key_raises_keyerror() -> None:
    with pytest.raises(KeyError):
        Dataset()["NotAKeyword"]
    with pytest.raises(KeyError):
        Dataset()[0x00100010]


def test_pop_popitem_setdefault_update_clear() -> None:
    ds = Dataset()
    ds.PatientID = "1"
    assert ds.pop("PatientID").value == "1"
    assert ds.pop(0x00100020, None) is None
    with pytest.raises(KeyError):
        ds.pop(0x00100020)
    elem = ds.setdefault((0x0010, 0x0010), "Test")
    assert str(elem) == "(0010,0010) Patient's Name                      PN: 'Test'"
    assert ds.setdefault("PatientName", "Other") is elem
    assert ds.setdefault("PatientSex", DataElement(0x00100040, "CS", "F")).value == "F"
    assert ds.setdefault(0x00291001, b"\x01").VR == "UN"
    with config.override(reading_validation_mode=config.RAISE):
        with pytest.raises(KeyError, match="Unknown DICOM tag"):
            ds.setdefault(0x00100003, "x")
    with pytest.warns(UserWarning, match="setting VR to 'UN'"):
        assert ds.setdefault(0x00100005, "x").VR == "UN"
    tag, _ = ds.popitem()
    assert tag not in ds
    ds.update({"PatientID": "9", 0x00280010: DataElement(0x00280010, "US", 3)})
    assert ds.PatientID == "9" and ds.Rows == 3
    other = Dataset()
    other.Modality = "MR"
    ds.update(other)
    assert ds.Modality == "MR"
    ds.clear()
    assert len(ds) == 0


def test_add_and_add_new() -> None:
    ds = Dataset()
    ds.add(DataElement(0x00100020, "LO", "1"))
    ds.add_new((0x0010, 0x0010), "PN", "A^B")
    ds.add_new("Rows", "US", 4)
    assert ds.PatientID == "1" and ds.Rows == 4


def test_equality() -> None:
    a, _ = _pair()
    b, _ = _pair()
    assert a == b
    assert not a != b
    b.PatientID = "other"
    assert a != b
    assert a != Dataset()
    assert (a == {}) is False
    fds = FileDataset("x", Dataset(a))
    assert fds == a and a == fds
    with pytest.raises(TypeError):
        hash(a)


def test_equality_converts_raw_elements() -> None:
    raw = RawDataElement(BaseTag(0x00100020), "LO", 2, b"ID", 0, False, True)
    assert Dataset({raw.tag: raw}) == Dataset({raw.tag: DataElement(0x00100020, "LO", "ID")})


def test_with_statement_returns_the_dataset() -> None:
    with Dataset() as ds:
        ds.PatientID = "1"
    assert ds.PatientID == "1"


# -------------------------------------------------------------- lazy items
def test_from_loader_defers_building_the_mapping() -> None:
    calls = []
    parent = Dataset()
    parent.SpecificCharacterSet = "ISO_IR 100"

    def loader() -> dict[BaseTag, Any]:
        calls.append(1)
        return {BaseTag(0x00100020): RawDataElement(BaseTag(0x00100020), "LO", 2, b"\xe9t", 0, False, True)}

    item = Dataset._from_loader(loader, parent=parent, is_implicit_VR=False, is_little_endian=True)
    assert calls == []
    assert "_dict" not in item.__dict__
    assert item.original_encoding == (False, True)
    assert item.PatientID == "ét"
    assert calls == [1]
    assert "_dict" in item.__dict__ and "_loader" not in item.__dict__
    assert len(item) == 1 and calls == [1]
    assert item.parent_dataset is parent


def test_from_loader_error_propagates_and_is_retried() -> None:
    attempts = []

    def loader() -> dict[BaseTag, Any]:
        attempts.append(1)
        raise ValueError("bad item")

    item = Dataset._from_loader(loader, is_implicit_VR=True, is_little_endian=True)
    with pytest.raises(ValueError, match="bad item"):
        len(item)
    with pytest.raises(ValueError, match="bad item"):
        _ = item.PatientID
    assert len(attempts) == 2


# ---------------------------------------------------------------- recursion
def test_walk_iterall_and_remove_during_walk() -> None:
    ours, theirs = _pair()
    seen_ours: list[tuple[int, int]] = []
    seen_theirs: list[tuple[int, int]] = []
    ours.walk(lambda d, e: seen_ours.append((len(d), e.tag)))
    theirs.walk(lambda d, e: seen_theirs.append((len(d), e.tag)))
    assert seen_ours == seen_theirs
    assert [e.tag for e in ours.iterall()] == [e.tag for e in theirs.iterall()]
    top_only: list[int] = []
    ours.walk(lambda d, e: top_only.append(e.tag), recursive=False)
    assert top_only == [e.tag for e in ours]

    def drop_patient_id(d: Dataset, e: DataElement) -> None:
        if e.keyword == "PatientID":
            del d[e.tag]

    ours.walk(drop_patient_id)
    assert not any(e.keyword == "PatientID" for e in ours.iterall())


def test_decode_converts_raw_elements_and_bytes_text() -> None:
    ds = Dataset()
    ds.SpecificCharacterSet = "ISO_IR 100"
    ds[0x00100020] = RawDataElement(BaseTag(0x00100020), "LO", 2, b"\xe9t", 0, False, True)
    ds.add_new(0x00081030, "LO", "x")
    ds[0x00081030]._value = "Caf\xe9".encode("latin-1")
    ds.add_new(0x00100010, "PN", "Caf\xe9^A".encode("latin-1"))
    ds.add_new(0x00080008, "CS", ["A", "B"])
    ds.add_new(0x00181030, "LO", "x")
    ds[0x00181030]._value = [b"\xe9", "plain"]
    item = Dataset()
    item.add_new(0x00100020, "LO", "x")
    item[0x00100020]._value = b"\xe9"
    ds.ReferencedImageSequence = [item]
    ds.decode()
    assert isinstance(ds.get_item(0x00100020), DataElement)
    assert ds.PatientID == "ét"
    assert ds.StudyDescription == "Café"
    assert str(ds.PatientName) == "Café^A"
    assert list(ds.ProtocolName) == ["é", "plain"]
    assert ds.ReferencedImageSequence[0].PatientID == "é"


# ---------------------------------------------------------------- raw items
def test_get_item_returns_raw_without_converting() -> None:
    raw = RawDataElement(BaseTag(0x00100020), "LO", 2, b"ID", 0, False, True)
    ds = Dataset({raw.tag: raw})
    assert ds.get_item(0x00100020) is raw
    assert ds.get_item("PatientID") is raw
    assert ds.get_item(0x00100010) is None
    assert isinstance(ds.get_item(slice(0x00100000, 0x00110000)), Dataset)
    assert ds[0x00100020].value == "ID"
    assert isinstance(ds.get_item(0x00100020), DataElement)


def test_update_raw_element() -> None:
    raw = RawDataElement(BaseTag(0x00291026), "UN", 2, b"\x05\x00", 0, False, True)
    ds = Dataset({raw.tag: raw})
    ds.update_raw_element(0x00291026, vr="US")
    elem = ds[0x00291026]
    assert elem.VR == "US" and elem.value == 5
    ds2 = Dataset({raw.tag: raw})
    ds2.update_raw_element(0x00291026, vr="OB", value=b"\x01\x02\x03\x04")
    assert ds2.get_item(0x00291026).length == 4
    with pytest.raises(ValueError, match="Either or both"):
        ds.update_raw_element(0x00291026)
    with pytest.raises(ValueError, match="Invalid VR"):
        ds2.update_raw_element(0x00291026, vr="XX")
    with pytest.raises(TypeError, match="must be bytes"):
        ds2.update_raw_element(0x00291026, value="x")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="already been converted"):
        ds.update_raw_element(0x00291026, vr="SS")
    with pytest.raises(KeyError):
        ds.update_raw_element(0x00100010, vr="PN")


# ------------------------------------------------------------------ encoding
def test_original_encoding_and_character_set() -> None:
    """pydicom returns '' for original_character_set of a new dataset; its documentation
    says 'iso8859': dcmcore follows the documentation."""
    ds = Dataset()
    assert ds.original_encoding == (None, None)
    assert ds.original_character_set == "iso8859"
    assert pydicom.Dataset().original_character_set == ""
    assert ds._character_set == ["iso8859"]
    assert not ds.is_original_encoding
    ds.set_original_encoding(True, True, "iso8859")
    assert ds.original_encoding == (True, True)
    with pytest.warns(DeprecationWarning):
        ds.is_implicit_VR = True
    with pytest.warns(DeprecationWarning):
        ds.is_little_endian = True
    assert ds.is_implicit_VR is True and ds.is_little_endian is True
    assert ds.is_original_encoding
    ds.SpecificCharacterSet = "ISO_IR 100"
    assert not ds.is_original_encoding
    ds.set_original_encoding(None, None)
    assert ds.original_encoding == (None, None)
    assert ds.original_character_set == "iso8859"


def test_deprecated_read_properties_warn() -> None:
    ds = Dataset()
    ds.set_original_encoding(False, True, ["latin_1"])
    with pytest.warns(DeprecationWarning):
        assert ds.read_implicit_vr is False
    with pytest.warns(DeprecationWarning):
        assert ds.read_little_endian is True
    with pytest.warns(DeprecationWarning):
        assert ds.read_encoding == ["latin_1"]
    with pytest.warns(DeprecationWarning):
        ds.read_encoding = "iso8859"
    assert ds.original_character_set == "iso8859"


def test_parent_encoding_keyword() -> None:
    ds = Dataset(parent_encoding="latin_1")
    assert ds._character_set == ["latin_1"]


# --------------------------------------------------------------- file datasets
def test_file_dataset_from_path_and_buffer(tmp_path: Any) -> None:
    path = os.path.join(str(tmp_path), "a.dcm")
    with open(path, "wb") as fp:
        fp.write(b"x")
    fds = FileDataset(path, {}, preamble=b"p")
    assert fds.filename == path and fds.buffer is None and fds.fileobj_type is open
    assert fds.timestamp == os.stat(path).st_mtime
    assert fds.original_encoding == (True, True)
    assert isinstance(fds.file_meta, FileMetaDataset)
    buffer = io.BytesIO(b"")
    fds2 = FileDataset(buffer, Dataset(), is_implicit_VR=False, is_little_endian=True)
    assert fds2.filename is None and fds2.buffer is buffer and fds2.fileobj_type is io.BytesIO
    assert fds2.timestamp is None
    assert fds2.is_implicit_VR is False
    with open(path, "rb") as fp:
        fds3 = FileDataset(fp, {})
    assert fds3.filename == path and fds3.fileobj_type is open


def test_file_meta_only_accepts_group_2() -> None:
    meta = FileMetaDataset()
    meta.TransferSyntaxUID = "1.2.840.10008.1.2"
    with pytest.raises(ValueError, match=r"\(0010,0010\)"):
        meta.PatientName = "x"
    with pytest.raises(ValueError, match=r"\(0010,0020\)"):
        FileMetaDataset({BaseTag(0x00100020): DataElement(0x00100020, "LO", "x")})
    with pytest.raises(TypeError):
        FileMetaDataset([1, 2])  # type: ignore[arg-type]


def test_file_meta_setter_and_ensure_file_meta() -> None:
    ds = Dataset()
    assert not hasattr(ds, "file_meta")
    ds.ensure_file_meta()
    assert isinstance(ds.file_meta, FileMetaDataset)
    meta = Dataset()
    meta.TransferSyntaxUID = "1.2.840.10008.1.2.1"
    ds.file_meta = meta
    assert isinstance(ds.file_meta, FileMetaDataset)
    assert ds.file_meta.TransferSyntaxUID == "1.2.840.10008.1.2.1"
    with pytest.raises(TypeError):
        ds.file_meta = {"a": 1}
    ds.file_meta = None
    assert ds.file_meta is None


# -------------------------------------------------------- delegated members
def test_save_as_round_trip(tmp_path: Any) -> None:
    from dcmcore.io.reader import dcmread

    ds, _ = _pair()
    path = os.path.join(str(tmp_path), "out.dcm")
    ds.save_as(path, implicit_vr=False)
    back = dcmread(path, force=True)
    assert back.PatientID == "12345"
    assert back.ReferencedImageSequence[0].ReferencedImageSequence[0].PatientID == "inner"
    theirs = pydicom.dcmread(path, force=True)
    assert str(theirs.PatientName) == "Doe^John"


def test_json_round_trip() -> None:
    ds = Dataset()
    ds.PatientID = "1"
    ds.Rows = 4
    data = ds.to_json_dict()
    assert data["00100020"] == {"vr": "LO", "Value": ["1"]}
    back = Dataset.from_json(ds.to_json())
    assert back == ds and type(back) is Dataset
    assert ds.to_json(dump_handler=lambda d: "custom") == "custom"


class _FakePixels:
    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []

    def _record(self, name: str) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            self.calls.append((name, args, kwargs))
            return f"{name}-result"

        return call


def test_pixel_members_delegate_to_dcmcore_pixels(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys
    import types

    import dcmcore
    import dcmcore.pixels  # the real module first, so undoing the patches restores it
    from dcmcore import pixel_members

    fake = _FakePixels()
    pixels = types.ModuleType("dcmcore.pixels")  # stands in for the real dcmcore.pixels
    for name in ("pixel_array", "decompress", "compress", "set_pixel_data", "overlay_array",
                 "waveform_array"):
        setattr(pixels, name, fake._record(name))
    monkeypatch.setitem(sys.modules, "dcmcore.pixels", pixels)
    monkeypatch.setattr(dcmcore, "pixels", pixels, raising=False)
    monkeypatch.setattr(pixel_members, "pixels", pixels)  # imported there on first use
    ds = Dataset()
    ds.PixelData = b"\x00\x00"
    assert ds.pixel_array == "pixel_array-result"
    assert ds.pixel_array == "pixel_array-result"
    assert [c[0] for c in fake.calls] == ["pixel_array"]  # cached
    ds.PixelData = b"\x01\x00"
    ds.pixel_array_options(index=1, decoding_plugin="RLE", custom=True)
    assert ds.pixel_array == "pixel_array-result"
    name, args, kwargs = fake.calls[-1]
    assert args == (ds,) and kwargs == {"index": 1, "raw": False, "decoding_plugin": "rle",
                                        "custom": True}
    ds.decompress(as_rgb=False, decoding_plugin="gdcm")
    assert fake.calls[-1][2] == {"as_rgb": False, "generate_instance_uid": True,
                                 "decoding_plugin": "gdcm"}
    ds.compress("1.2.840.10008.1.2.5", encoding_plugin="rle")
    assert fake.calls[-1][1] == (ds, "1.2.840.10008.1.2.5", None)
    ds.set_pixel_data("arr", "MONOCHROME2", 8)
    assert fake.calls[-1][1] == (ds, "arr", "MONOCHROME2", 8)
    assert ds.overlay_array(0x6000) == "overlay_array-result"
    with pytest.raises(ValueError):
        ds.overlay_array(0x5000)
    assert ds.waveform_array(0) == "waveform_array-result"
    with pytest.warns(DeprecationWarning):
        ds.convert_pixel_data()
    with pytest.warns(DeprecationWarning):
        ds.decompress("gdcm")


def test_character_set_cache_follows_changes() -> None:
    ds = Dataset()
    ds.SpecificCharacterSet = "ISO_IR 100"
    first = ds._character_set
    ds.SpecificCharacterSet = "ISO_IR 192"
    assert ds._character_set != first
    del ds.SpecificCharacterSet
    assert ds._character_set == ["iso8859"]


def test_invalid_keyword_behaviour_can_raise(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(config, "INVALID_KEYWORD_BEHAVIOR", "RAISE", raising=False)
    with pytest.raises(ValueError, match="Camel case"):
        Dataset().PatientNmae = "x"


def test_sequence_value_assigned_as_list_is_wrapped() -> None:
    ds = Dataset()
    ds.ReferencedImageSequence = []
    assert isinstance(ds.ReferencedImageSequence, Sequence)
    ds.ReferencedImageSequence.append(Dataset())
    assert len(ds.ReferencedImageSequence) == 1


@pytest.mark.parametrize(
    "keyword, value",
    [
        ("PatientName", None), ("PatientName", ""), ("Rows", None), ("SliceThickness", None),
        ("SliceThickness", ""), ("SmallestImagePixelValue", 5), ("PixelData", b"\x00\x01"),
        ("LUTDescriptor", [256, 0, 16]), ("ImageType", []),
        ("ImagePositionPatient", [1.5, 2, "3.25"]), ("InstanceNumber", 5),
        ("InstanceNumber", "05"), ("SOPClassUID", "1.2.840.10008.5.1.4.1.1.2"),
        ("SOPInstanceUID", "1.2.3.4.5"), ("StudyDate", "20240101"), ("PatientAge", "030Y"),
        ("FrameIncrementPointer", 0x00181063), ("SpecificCharacterSet", ["", "ISO 2022 IR 87"]),
        ("WindowCenter", ["40", "400"]), ("RescaleSlope", 1.0), ("ExposureTime", "100"),
        ("FloatPixelData", b"\0" * 4), ("PatientName", ["A^B", "C^D"]), ("ContentSequence", []),
        ("RedPaletteColorLookupTableData", b"\0\1"), ("ImageComments", "x" * 2000),
        ("SeriesDescription", "a\\b"),
    ],
)
def test_setting_by_keyword_matches_pydicom(keyword: str, value: Any) -> None:
    ours, theirs = Dataset(), pydicom.Dataset()
    setattr(ours, keyword, value)
    setattr(theirs, keyword, value)
    assert str(ours) == str(theirs)
    assert repr(getattr(ours, keyword)) == repr(getattr(theirs, keyword))
    assert ours[keyword].VM == theirs[keyword].VM


def test_repeating_group_keyword_must_be_added_with_add_new() -> None:
    ds = Dataset()
    with pytest.raises(ValueError, match="repeating group"):
        ds.OverlayOrigin = [1, 1]
    ds.add_new(0x60020050, "SS", [1, 1])
    assert ds[0x60020050].name == "Overlay Origin"
    assert ds[0x60020050].keyword == "" == pydicom.DataElement(0x60020050, "SS", [1, 1]).keyword


def test_lazy_item_keeps_charset_and_source_after_its_parent_is_gone(tmp_path: Any) -> None:
    path = os.path.join(str(tmp_path), "src.bin")
    with open(path, "wb") as fp:
        fp.write(b"....\xc3\xa9t\x20")
    parent = FileDataset(path, {})
    parent.SpecificCharacterSet = "ISO_IR 192"
    raw = RawDataElement(BaseTag(0x00100020), "LO", 4, None, 4, False, True)
    item = Dataset._from_loader(
        lambda: {raw.tag: raw}, parent=parent, is_implicit_VR=False, is_little_endian=True
    )
    del parent
    import gc

    gc.collect()
    assert item.parent_dataset is None
    assert item.PatientID == "ét"


def test_slice_decodes_raw_text_with_the_datasets_character_set() -> None:
    ds = Dataset()
    ds.SpecificCharacterSet = "ISO_IR 100"
    ds[0x00100020] = RawDataElement(BaseTag(0x00100020), "LO", 2, b"\xe9t", 0, False, True)
    part = ds[0x00100000:0x00110000]
    assert isinstance(part.get_item(0x00100020), RawDataElement)
    assert part.PatientID == "ét"


def test_concurrent_first_access_from_threads_gives_the_same_text() -> None:
    import threading

    from pydicom.data import get_testdata_file

    from dcmcore.io.reader import dcmread

    path = get_testdata_file("rtplan.dcm")
    expected = str(dcmread(path, defer_size=16))
    ds = dcmread(path, defer_size=16)
    results: list[str] = []

    def work() -> None:
        results.append(str(ds))

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [expected] * 8


def test_validate_file_meta_adds_type_1_elements_and_reports_missing_ones() -> None:
    from dcmcore.dataset import validate_file_meta
    from dcmcore.io.writer import IMPLEMENTATION_CLASS_UID

    meta = FileMetaDataset()
    with pytest.raises(AttributeError, match=r"\(0002,0002\).*\(0002,0003\).*\(0002,0010\)"):
        validate_file_meta(meta)
    assert meta.FileMetaInformationVersion == b"\x00\x01"
    assert meta.ImplementationClassUID == IMPLEMENTATION_CLASS_UID
    meta.MediaStorageSOPClassUID = "1.2.3"
    meta.MediaStorageSOPInstanceUID = "1.2.3.4"
    meta.TransferSyntaxUID = "1.2.840.10008.1.2.1"
    validate_file_meta(meta)
    validate_file_meta(FileMetaDataset(), enforce_standard=False)
    assert meta._tsyntax_encoding == (False, True)
    assert FileMetaDataset()._tsyntax_encoding == (None, None)


def test_from_json_on_file_dataset_gives_a_file_dataset_without_file() -> None:
    """pydicom's FileDataset.from_json raises TypeError (FileDataset() needs arguments)."""
    fds = FileDataset.from_json({"00100020": {"vr": "LO", "Value": ["1"]}})
    assert isinstance(fds, FileDataset)
    assert fds.PatientID == "1" and fds.filename is None and fds.buffer is None
    with pytest.raises(TypeError):
        pydicom.dataset.FileDataset.from_json({})


def test_raw_text_decodes_with_the_character_set_it_was_read_with() -> None:
    """Changing (0008,0005) after reading must not garble text not yet decoded (as pydicom)."""
    import io

    import dcmcore

    item = Dataset()
    item.PatientName = "Müller"
    ds = Dataset()
    ds.SpecificCharacterSet = "ISO_IR 100"
    ds.PatientName = "Jörg"
    ds.OtherPatientIDsSequence = [item]
    ds.file_meta = dcmcore.FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = dcmcore.uid.ExplicitVRLittleEndian
    buf = io.BytesIO()
    ds.save_as(buf, implicit_vr=False, little_endian=True)
    assert "Jörg".encode("latin-1") in buf.getvalue()

    read = dcmcore.dcmread(io.BytesIO(buf.getvalue()), force=True)
    read.SpecificCharacterSet = "ISO_IR 192"
    assert read.PatientName == "Jörg"
    assert read.OtherPatientIDsSequence[0].PatientName == "Müller"
    assert read.OtherPatientIDsSequence[0].original_character_set == ["latin_1"]

    out = io.BytesIO()
    read.save_as(out, implicit_vr=False, little_endian=True)
    assert "Jörg".encode() in out.getvalue()
    again = dcmcore.dcmread(io.BytesIO(out.getvalue()), force=True)
    assert again.PatientName == "Jörg"
    assert again.OtherPatientIDsSequence[0].PatientName == "Müller"
