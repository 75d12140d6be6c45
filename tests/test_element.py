"""DataElement, RawDataElement and convert_raw_data_element, checked against pydicom."""

from __future__ import annotations

import io
import os
import pickle
import struct
import warnings

import pytest
from pydicom.dataelem import DataElement as PDataElement

from dcmcore import config
from dcmcore.dataset import Dataset
from dcmcore.element import DataElement, RawDataElement, convert_raw_data_element
from dcmcore.errors import DcmcoreWarning, InvalidDicomError, InvalidValueError, TruncatedDataError
from dcmcore.sequence import Sequence
from dcmcore.tag import BaseTag
from dcmcore.values import IS, DSfloat, MultiValue, PersonName


# --------------------------------------------------------------------- text
@pytest.mark.parametrize(
    "tag, vr, value",
    [
        (0x00100010, "PN", "Doe^John"),
        (0x00100020, "LO", "12345"),
        (0x00280010, "US", 512),
        (0x00080008, "CS", ["ORIGINAL", "PRIMARY", "AXIAL"]),
        (0x00080008, "CS", "ORIGINAL\\PRIMARY"),
        (0x00180050, "DS", "2.5"),
        (0x00200013, "IS", "7"),
        (0x00280030, "DS", ["0.5", "0.5"]),
        (0x7FE00010, "OB", b"\x00" * 100),
        (0x00020001, "OB", b"\x00\x01"),
        (0x00204000, "LT", "a comment longer than sixteen characters"),
        (0x00204000, "LT", "short"),
        (0x00189219, "FD", 1.25),
        (0x00100010, "PN", ""),
        (0x00280010, "US", None),
        (0x00281050, "DS", [str(i) for i in range(20)]),
        (0x00091001, "LO", "private"),
        (0x00090010, "LO", "CREATOR"),
        (0x00100000, "UL", 12),
        (0x00091000, "UN", b"\x01\x02"),
    ],
)
def test_str_and_repr_match_pydicom(tag: int, vr: str, value: object) -> None:
    ours = DataElement(tag, vr, value)
    theirs = PDataElement(tag, vr, value)
    assert str(ours) == str(theirs)
    assert repr(ours) == repr(theirs)
    assert ours.repval == theirs.repval
    assert ours.name == theirs.name
    assert ours.keyword == theirs.keyword
    assert ours.VM == theirs.VM
    assert ours.is_empty == theirs.is_empty


def test_str_example_from_the_brief() -> None:
    elem = DataElement(0x00100010, "PN", "Doe^John")
    assert str(elem) == "(0010,0010) Patient's Name                      PN: 'Doe^John'"


def test_show_vr_false_omits_the_vr() -> None:
    elem = DataElement(0x00100020, "LO", "X")
    elem_cls = type(elem)
    try:
        elem_cls.showVR = False
        assert str(elem) == "(0010,0020) Patient ID                          'X'"
    finally:
        elem_cls.showVR = True


# ------------------------------------------------------------ value setter
def test_value_setter_converts_by_vr() -> None:
    assert isinstance(DataElement(0x00100010, "PN", "A^B").value, PersonName)
    assert isinstance(DataElement(0x00180050, "DS", "1.5").value, DSfloat)
    assert isinstance(DataElement(0x00200013, "IS", "3").value, IS)
    multi = DataElement(0x00080008, "CS", "A\\B").value
    assert isinstance(multi, MultiValue)
    assert list(multi) == ["A", "B"]
    assert DataElement(0x00080008, "CS", ["ONLY"]).value == "ONLY"
    tags = DataElement(0x00209165, "AT", [0x00100010, (0x0010, 0x0020)]).value
    assert list(tags) == [0x00100010, 0x00100020]
    assert all(type(t) is BaseTag for t in tags)


def test_text_vrs_keep_backslashes_and_bytes_are_not_split() -> None:
    assert DataElement(0x00204000, "LT", "a\\b").value == "a\\b"
    assert DataElement(0x7FE00010, "OB", b"a\\b").value == b"a\\b"


def test_uid_value_is_uid_class() -> None:
    from dcmcore.uid import UID

    elem = DataElement(0x00080016, "UI", "1.2.840.10008.5.1.4.1.1.2")
    assert isinstance(elem.value, UID)
    assert elem.repval == "CT Image Storage"


def test_sq_value_becomes_sequence() -> None:
    elem = DataElement(0x00081140, "SQ", [Dataset()])
    assert isinstance(elem.value, Sequence)
    assert elem.VM == 1
    assert not elem.is_empty
    assert DataElement(0x00081140, "SQ", []).is_empty


def test_setting_pixel_data_to_an_ndarray_raises() -> None:
    numpy = pytest.importorskip("numpy")
    with pytest.raises(TypeError, match="set_pixel_data"):
        DataElement(0x7FE00010, "OB", numpy.zeros(4, dtype="uint8"))


def test_invalid_value_warns_by_default_and_raises_in_raise_mode() -> None:
    """New values are checked with *writing_validation_mode*, whose default is WARN, as
    pydicom's (so code that sets an over-long value keeps working after the import change)."""
    with pytest.warns(DcmcoreWarning, match="LO"):
        DataElement(0x00100020, "LO", "x" * 100)
    with config.override(writing_validation_mode=config.RAISE):
        with pytest.raises(InvalidValueError):
            DataElement(0x00100020, "LO", "x" * 100)
    with config.override(writing_validation_mode=config.IGNORE):
        assert DataElement(0x00100020, "LO", "x" * 100).VM == 1
    elem = DataElement(0x00100020, "LO", "x" * 100, validation_mode=config.IGNORE)
    assert len(elem.value) == 100


def test_already_converted_skips_conversion() -> None:
    elem = DataElement(0x00100010, "PN", "raw^string", already_converted=True)
    assert type(elem.value) is str


def test_empty_value_and_clear() -> None:
    elem = DataElement(0x00100020, "LO", "X")
    assert elem.empty_value == ""
    elem.clear()
    assert elem.value == "" and elem.is_empty
    assert DataElement(0x00280010, "US", 1).empty_value is None
    assert DataElement(0x00081140, "SQ", []).empty_value == []


def test_is_private_is_retired_and_description() -> None:
    assert DataElement(0x00091001, "LO", "x").is_private
    assert not DataElement(0x00100010, "PN", "x").is_private
    retired = DataElement(0x00080040, "US", 1)  # Data Set Type (retired)
    assert retired.is_retired
    assert not DataElement(0x00100010, "PN", "x").is_retired
    assert DataElement(0x00100010, "PN", "x").description() == "Patient's Name"


def test_private_name_uses_the_private_dictionary_with_creator() -> None:
    elem = DataElement(0x00091001, "LO", "x")
    elem.private_creator = "GEMS_IDEN_01"
    assert elem.name == "[Full fidelity]"
    assert elem.keyword == ""


def test_equality_compares_tag_vr_and_value() -> None:
    a = DataElement(0x00100020, "LO", "X")
    assert a == DataElement(0x00100020, "LO", "X")
    assert a != DataElement(0x00100020, "LO", "Y")
    assert a != DataElement(0x00100020, "SH", "X")
    assert a != DataElement(0x00100021, "LO", "X")
    assert (a == "X") is False
    with pytest.raises(TypeError):
        hash(a)


def test_getitem_indexes_the_value() -> None:
    elem = DataElement(0x00080008, "CS", ["A", "B"])
    assert elem[1] == "B"
    with pytest.raises(TypeError, match="unscriptable"):
        DataElement(0x00280010, "US", 1)[0]


def test_element_and_raw_element_pickle() -> None:
    elem = DataElement(0x00100010, "PN", "Doe^John", file_value_tell=12)
    elem.private_creator = None
    copy = pickle.loads(pickle.dumps(elem))
    assert copy == elem and copy.file_tell == 12
    raw = RawDataElement(BaseTag(0x00100010), "PN", 8, b"Doe^John", 10, False, True)
    assert pickle.loads(pickle.dumps(raw)) == raw
    deferred = raw._replace(value=None)
    assert pickle.loads(pickle.dumps(deferred)).value is None


# ------------------------------------------------------------- raw elements
def _raw(tag: int, vr: str | None, value: bytes | None, *, implicit: bool = False,
         little: bool = True, length: int | None = None, tell: int = 0) -> RawDataElement:
    size = len(value) if length is None and value is not None else (length or 0)
    return RawDataElement(BaseTag(tag), vr, size, value, tell, implicit, little)


def test_convert_raw_explicit_and_big_endian_numbers() -> None:
    assert convert_raw_data_element(_raw(0x00280010, "US", b"\x00\x02")).value == 512
    big = _raw(0x00280010, "US", b"\x02\x00", little=False)
    assert convert_raw_data_element(big).value == 512


def test_convert_raw_implicit_vr_uses_the_dictionary() -> None:
    elem = convert_raw_data_element(_raw(0x00100010, None, b"Doe^John", implicit=True))
    assert elem.VR == "PN" and str(elem.value) == "Doe^John"


def test_convert_raw_group_length_and_unknown_public_tag() -> None:
    assert convert_raw_data_element(_raw(0x00300000, None, b"\x04\x00\x00\x00")).VR == "UL"
    with pytest.warns(UserWarning, match="VR lookup failed"):
        elem = convert_raw_data_element(_raw(0x00100003, None, b"ab", implicit=True))
    assert elem.VR == "UN" and elem.value == b"ab"
    with config.override(reading_validation_mode=config.RAISE), pytest.raises(KeyError):
        convert_raw_data_element(_raw(0x00100003, None, b"ab", implicit=True))


def test_convert_raw_private_implicit_uses_the_creator() -> None:
    ds = Dataset()
    ds[0x00090010] = _raw(0x00090010, None, b"GEMS_IDEN_01", implicit=True)
    ds[0x00091001] = _raw(0x00091001, None, b"FULL", implicit=True)
    ds[0x00091102] = _raw(0x00091102, None, b"\x01\x02", implicit=True)  # no creator (0009,0011)
    elem = ds[0x00091001]
    assert elem.VR == "LO" and elem.value == "FULL"
    assert elem.private_creator == "GEMS_IDEN_01"
    assert elem.name == "[Full fidelity]"
    assert ds[0x00090010].VR == "LO"
    assert ds[0x00091102].VR == "UN"


def test_convert_raw_explicit_un_of_known_tag_gets_dictionary_vr() -> None:
    elem = convert_raw_data_element(_raw(0x00280010, "UN", b"\x00\x02"))
    assert elem.VR == "US" and elem.value == 512


def test_convert_raw_ambiguous_us_or_ss_follows_pixel_representation() -> None:
    ds = Dataset()
    ds.PixelRepresentation = 1
    ds[0x00280106] = _raw(0x00280106, None, b"\xff\xff", implicit=True)  # Smallest Image Pixel Value
    elem = ds[0x00280106]
    assert elem.VR == "SS" and elem.value == -1
    ds2 = Dataset()
    ds2.PixelRepresentation = 0
    ds2[0x00280106] = _raw(0x00280106, None, b"\xff\xff", implicit=True)
    assert ds2[0x00280106].VR == "US" and ds2[0x00280106].value == 65535


def test_ambiguous_vr_in_an_item_uses_the_parents_pixel_representation() -> None:
    ds = Dataset()
    ds.PixelRepresentation = 1
    item = Dataset()
    item[0x00281101] = _raw(0x00281101, None, struct.pack("<hhh", 0, -10, 16), implicit=True)
    ds.RedPaletteColorLookupTableDescriptor = None  # unrelated element, keeps ds non-trivial
    ds.ReferencedImageSequence = [item]
    elem = ds.ReferencedImageSequence[0][0x00281101]
    assert elem.VR == "SS"
    assert list(elem.value) == [0, -10, 16]


def test_lut_descriptor_first_value_is_unsigned() -> None:
    ds = Dataset()
    ds.PixelRepresentation = 1
    ds[0x00283002] = _raw(0x00283002, "SS", struct.pack("<hhh", -32768, 0, 16))
    assert list(ds[0x00283002].value) == [32768, 0, 16]


def test_pixel_data_ob_or_ow_resolution() -> None:
    implicit = Dataset()
    implicit[0x7FE00010] = _raw(0x7FE00010, None, b"\x00" * 4, implicit=True)
    assert implicit[0x7FE00010].VR == "OW"
    explicit = Dataset()
    explicit.BitsAllocated = 8
    explicit[0x7FE00010] = _raw(0x7FE00010, "OB or OW", b"\x00" * 4)
    assert explicit[0x7FE00010].VR == "OB"
    explicit.BitsAllocated = 16
    explicit[0x7FE00010] = _raw(0x7FE00010, "OB or OW", b"\x00" * 4)
    assert explicit[0x7FE00010].VR == "OW"


def test_convert_raw_text_uses_the_datasets_character_set() -> None:
    ds = Dataset()
    ds.SpecificCharacterSet = "ISO_IR 100"
    ds[0x00100020] = _raw(0x00100020, "LO", "Müller".encode("latin-1"))
    assert ds.PatientID == "Müller"
    item = Dataset()
    item[0x00100020] = _raw(0x00100020, "LO", "Ærø ".encode("latin-1"))
    ds.ReferencedImageSequence = [item]
    assert ds.ReferencedImageSequence[0].PatientID == "Ærø"


def test_convert_raw_empty_value_gives_empty_value_for_vr() -> None:
    assert convert_raw_data_element(_raw(0x00100020, "LO", b"")).value == ""
    assert convert_raw_data_element(_raw(0x00280010, "US", b"")).value is None
    assert convert_raw_data_element(_raw(0x00081140, "SQ", b"")).value == []


def test_convert_raw_wrong_length_names_the_tag() -> None:
    with config.override(reading_validation_mode=config.RAISE):
        with pytest.raises(ValueError, match=r"\(0028,0010\)"):
            convert_raw_data_element(_raw(0x00280010, "US", b"\x00\x02\x00"))


def test_deferred_value_is_read_from_the_source_file(tmp_path: object) -> None:
    path = os.path.join(str(tmp_path), "data.bin")
    with open(path, "wb") as fp:
        fp.write(b"HEADER" + b"Doe^John")
    ds = Dataset._from_loader(
        lambda: {BaseTag(0x00100010): _raw(0x00100010, "PN", None, length=8, tell=6)},
        is_implicit_VR=False,
        is_little_endian=True,
        source=path,
    )
    assert ds.get_item(0x00100010, keep_deferred=True).value is None
    assert str(ds.PatientName) == "Doe^John"
    assert isinstance(ds.get_item(0x00100010), DataElement)


def test_deferred_value_from_a_buffer_restores_the_position() -> None:
    buffer = io.BytesIO(b"xxxx" + b"\x00\x02")
    buffer.seek(1)
    ds = Dataset._from_loader(
        lambda: {BaseTag(0x00280010): _raw(0x00280010, "US", None, length=2, tell=4)},
        is_implicit_VR=False,
        is_little_endian=True,
        source=buffer,
    )
    assert ds.Rows == 512
    assert buffer.tell() == 1


def test_deferred_value_truncated_source_raises_with_offset(tmp_path: object) -> None:
    path = os.path.join(str(tmp_path), "short.bin")
    with open(path, "wb") as fp:
        fp.write(b"abc")
    ds = Dataset._from_loader(
        lambda: {BaseTag(0x00100020): _raw(0x00100020, "LO", None, length=8, tell=2)},
        is_implicit_VR=False,
        is_little_endian=True,
        source=path,
    )
    with pytest.raises(TruncatedDataError, match="offset 2"):
        _ = ds.PatientID


def test_deferred_value_of_modified_file_raises(tmp_path: object) -> None:
    from dcmcore.dataset import FileDataset

    path = os.path.join(str(tmp_path), "f.dcm")
    with open(path, "wb") as fp:
        fp.write(b"0123456789")
    ds = FileDataset(path, {BaseTag(0x00100020): _raw(0x00100020, "LO", None, length=4, tell=2)})
    os.utime(path, (1, 1))
    with pytest.raises(InvalidDicomError, match="modified"):
        _ = ds.PatientID


def test_deferred_value_without_source_raises() -> None:
    ds = Dataset({BaseTag(0x00100020): _raw(0x00100020, "LO", None, length=4, tell=2)})
    with pytest.raises(InvalidDicomError, match="no source"):
        _ = ds.PatientID


# ------------------------------------------------ sequences and the reader
def _implicit_item(*elements: bytes) -> bytes:
    body = b"".join(elements)
    return struct.pack("<HHI", 0xFFFE, 0xE000, len(body)) + body


def _implicit_element(tag: int, value: bytes) -> bytes:
    return struct.pack("<HHI", tag >> 16, tag & 0xFFFF, len(value)) + value


def test_raw_sq_is_parsed_by_the_reader_into_lazy_items() -> None:
    value = _implicit_item(_implicit_element(0x00081155, b"1.2.3\x00"))
    value += _implicit_item(_implicit_element(0x00100020, b"ID"))
    ds = Dataset()
    ds.SpecificCharacterSet = "ISO_IR 100"
    ds[0x00081140] = RawDataElement(BaseTag(0x00081140), None, len(value), value, 0, True, True)
    seq = ds.ReferencedImageSequence
    assert isinstance(seq, Sequence) and len(seq) == 2
    assert seq.parent_dataset is ds
    assert seq[0].parent_dataset is ds and seq[0].parent_seq is seq
    assert seq[0].ReferencedSOPInstanceUID == "1.2.3"
    assert seq[1].PatientID == "ID"
    assert seq[1]._character_set == ds._character_set


def test_un_of_undefined_length_is_parsed_as_a_sequence() -> None:
    value = _implicit_item(_implicit_element(0x00100020, b"ID"))
    raw = RawDataElement(BaseTag(0x00091010), "UN", 0xFFFFFFFF, value, 0, False, True)
    elem = convert_raw_data_element(raw)
    assert elem.VR == "SQ" and elem.is_undefined_length
    assert elem.value[0].PatientID == "ID"


def test_element_json_round_trip_delegates_to_io_json() -> None:
    elem = DataElement(0x00100020, "LO", "ID")
    data = elem.to_json_dict(None, 1024)
    assert data == {"vr": "LO", "Value": ["ID"]}
    back = DataElement.from_json(Dataset, "00100020", "LO", ["ID"], "Value")
    assert back == elem
    assert '"vr": "LO"' in elem.to_json()


def test_no_warning_for_valid_elements() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        DataElement(0x00100010, "PN", "Doe^John")
        DataElement(0x00280010, "US", 512)


def test_element_accepts_extra_attributes_and_keeps_them_when_pickled() -> None:
    elem = DataElement(0x00100020, "LO", "ID")
    elem.showVR = False
    elem.note = "kept"
    again = pickle.loads(pickle.dumps(elem))
    assert again.note == "kept" and str(again) == str(elem)
    assert "LO" not in str(again)


def test_validation_mode_of_read_elements_follows_the_current_setting() -> None:
    elem = convert_raw_data_element(_raw(0x00100020, "LO", b"ID"))
    with config.override(writing_validation_mode=config.IGNORE):
        assert elem.validation_mode == config.IGNORE
        elem.value = "x" * 100
    with config.override(writing_validation_mode=config.RAISE), pytest.raises(InvalidValueError):
        elem.value = "y" * 100


def test_deferred_read_of_a_missing_file_raises_os_error(tmp_path: object) -> None:
    path = os.path.join(str(tmp_path), "gone.bin")
    with open(path, "wb") as fp:
        fp.write(b"0123456789")
    ds = Dataset._from_loader(
        lambda: {BaseTag(0x00100020): _raw(0x00100020, "LO", None, length=4, tell=2)},
        is_implicit_VR=False,
        is_little_endian=True,
        source=path,
    )
    os.remove(path)
    with pytest.raises(OSError, match=r"missing.*|\(0010,0020\)"):
        _ = ds.PatientID


def test_deferred_read_from_a_closed_buffer_raises_value_error() -> None:
    from dcmcore.dataset import FileDataset

    buffer = io.BytesIO(b"0123456789")
    ds = FileDataset(buffer, {BaseTag(0x00100020): _raw(0x00100020, "LO", None, length=4, tell=2)})
    buffer.close()
    with pytest.raises(ValueError, match="closed"):
        _ = ds.PatientID
