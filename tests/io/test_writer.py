"""Tests of dcmcore.io.writer.dcmwrite and the dataset encoder."""

from __future__ import annotations

import io
import os
import struct
import sys
import zlib
from pathlib import Path

import pytest

from dcmcore import config, dcmread, dcmwrite
from dcmcore.dataset import Dataset, FileDataset, FileMetaDataset
from dcmcore.element import RawDataElement
from dcmcore.errors import WriteError
from dcmcore.io.encoder import swap_bytes
from dcmcore.io.writer import IMPLEMENTATION_CLASS_UID, IMPLEMENTATION_VERSION_NAME, write_dataset
from dcmcore.sequence import Sequence

sys.path.insert(0, str(Path(__file__).parents[1]))
import writer_corpus  # noqa: E402

IMPLICIT_LE = "1.2.840.10008.1.2"
EXPLICIT_LE = "1.2.840.10008.1.2.1"
DEFLATED = "1.2.840.10008.1.2.1.99"
EXPLICIT_BE = "1.2.840.10008.1.2.2"
JPEG_BASELINE = "1.2.840.10008.1.2.4.50"
CT_IMAGE = "1.2.840.10008.5.1.4.1.1.2"


def _small() -> Dataset:
    ds = Dataset()
    ds.PatientName = "Doe^J"  # odd length: padded with a space
    ds.Rows = 2
    return ds


def _bytes(ds: Dataset, **kwargs) -> bytes:
    out = io.BytesIO()
    dcmwrite(out, ds, **kwargs)
    return out.getvalue()


# ---------------------------------------------------------------- encodings


def test_explicit_little_endian_layout_is_exact():
    data = _bytes(_small(), implicit_vr=False, little_endian=True)
    assert data == (
        b"\x10\x00\x10\x00PN\x06\x00Doe^J "
        b"\x28\x00\x10\x00US\x02\x00\x02\x00"
    )


def test_implicit_little_endian_layout_is_exact():
    data = _bytes(_small(), implicit_vr=True, little_endian=True)
    assert data == (
        b"\x10\x00\x10\x00\x06\x00\x00\x00Doe^J "
        b"\x28\x00\x10\x00\x02\x00\x00\x00\x02\x00"
    )


def test_explicit_big_endian_swaps_numbers_and_lengths():
    data = _bytes(_small(), implicit_vr=False, little_endian=False)
    assert data == (
        b"\x00\x10\x00\x10PN\x00\x06Doe^J "
        b"\x00\x28\x00\x10US\x00\x02\x00\x02"
    )


def test_implicit_vr_big_endian_is_refused():
    with pytest.raises(WriteError, match="Implicit VR and big endian"):
        _bytes(_small(), implicit_vr=True, little_endian=False)


def test_write_error_is_a_value_error():
    assert issubclass(WriteError, ValueError)


def test_no_encoding_known_raises():
    with pytest.raises(WriteError, match="Unable to determine the encoding"):
        _bytes(_small())


def test_implicit_vr_argument_alone_means_little_endian():
    assert _bytes(_small(), implicit_vr=True) == _bytes(_small(), implicit_vr=True,
                                                       little_endian=True)


@pytest.mark.parametrize(
    "ts, kwargs",
    [
        (EXPLICIT_LE, {"implicit_vr": True}),
        (IMPLICIT_LE, {"implicit_vr": False}),
        (EXPLICIT_LE, {"little_endian": False}),
        (EXPLICIT_BE, {"little_endian": True}),
    ],
)
def test_arguments_contradicting_the_transfer_syntax_raise(ts, kwargs):
    ds = _small()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ts
    with pytest.raises(WriteError, match="not consistent with the transfer syntax"):
        _bytes(ds, **kwargs)


def test_transfer_syntax_in_file_meta_gives_the_encoding():
    ds = _small()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = EXPLICIT_BE
    assert _bytes(ds).endswith(_bytes(_small(), implicit_vr=False, little_endian=False))


def test_unknown_transfer_syntax_needs_the_arguments():
    ds = _small()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = "1.2.3.4.5.6"
    with pytest.raises(WriteError, match="private or unknown"):
        _bytes(ds)
    assert _bytes(ds, implicit_vr=True, little_endian=True).endswith(
        _bytes(_small(), implicit_vr=True)
    )


def test_original_encoding_is_the_fallback():
    data = _bytes(_small(), implicit_vr=True)
    ds = dcmread(io.BytesIO(data), force=True)
    assert ds.original_encoding == (True, True)
    assert _bytes(ds) == data


def test_force_encoding_ignores_the_transfer_syntax():
    ds = _small()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = EXPLICIT_LE
    data = _bytes(ds, implicit_vr=True, little_endian=True, force_encoding=True)
    assert data.endswith(_bytes(_small(), implicit_vr=True))


def test_command_set_and_meta_elements_in_dataset_are_refused():
    ds = _small()
    ds.add_new(0x00020010, "UI", EXPLICIT_LE)
    with pytest.raises(WriteError, match="file_meta"):
        _bytes(ds, implicit_vr=False)
    ds = _small()
    ds.add_new(0x00000100, "US", 1)
    with pytest.raises(WriteError, match="Command Set"):
        _bytes(ds, implicit_vr=False)


def test_unknown_keyword_argument_is_a_type_error():
    with pytest.raises(TypeError, match="bogus"):
        dcmwrite(io.BytesIO(), _small(), implicit_vr=True, bogus=1)


# ---------------------------------------------------------------- file format


def _with_sop() -> Dataset:
    ds = _small()
    ds.SOPClassUID = CT_IMAGE
    ds.SOPInstanceUID = "1.2.3.4"
    return ds


def test_enforce_file_format_adds_preamble_prefix_and_required_meta():
    data = _bytes(_with_sop(), implicit_vr=False, enforce_file_format=True)
    assert data[:128] == b"\x00" * 128 and data[128:132] == b"DICM"
    back = dcmread(io.BytesIO(data))
    meta = back.file_meta
    assert meta.FileMetaInformationVersion == b"\x00\x01"
    assert meta.MediaStorageSOPClassUID == CT_IMAGE
    assert meta.MediaStorageSOPInstanceUID == "1.2.3.4"
    assert meta.TransferSyntaxUID == EXPLICIT_LE
    assert meta.ImplementationClassUID == IMPLEMENTATION_CLASS_UID
    assert meta.ImplementationVersionName == IMPLEMENTATION_VERSION_NAME
    # group length: bytes from the end of (0002,0000) to the end of group 2
    (group_length,) = struct.unpack("<L", data[140:144])
    body = _bytes(_with_sop(), implicit_vr=False)
    assert 144 + group_length == len(data) - len(body)
    assert back.PatientName == "Doe^J"


def test_enforce_file_format_does_not_change_the_dataset_file_meta():
    ds = _with_sop()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = IMPLICIT_LE
    _bytes(ds, enforce_file_format=True)
    assert list(ds.file_meta.keys()) == [0x00020010]


def test_enforce_file_format_updates_media_storage_uids_from_the_dataset():
    ds = _with_sop()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = IMPLICIT_LE
    ds.file_meta.MediaStorageSOPInstanceUID = "9.9"
    back = dcmread(io.BytesIO(_bytes(ds, enforce_file_format=True)))
    assert back.file_meta.MediaStorageSOPInstanceUID == "1.2.3.4"


def test_enforce_file_format_keeps_an_existing_implementation_uid():
    ds = _with_sop()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = IMPLICIT_LE
    ds.file_meta.ImplementationClassUID = "1.2.99"
    back = dcmread(io.BytesIO(_bytes(ds, enforce_file_format=True)))
    assert back.file_meta.ImplementationClassUID == "1.2.99"


def test_enforce_file_format_without_sop_uids_raises():
    with pytest.raises(WriteError, match="Media Storage SOP Class UID"):
        _bytes(_small(), implicit_vr=True, enforce_file_format=True)


def test_without_enforce_no_preamble_and_only_present_meta_is_written():
    ds = _small()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = IMPLICIT_LE
    data = _bytes(ds)
    assert data.startswith(b"\x02\x00\x10\x00UI")  # no preamble, no group length added
    assert data.endswith(_bytes(_small(), implicit_vr=True))


def test_preamble_is_written_with_prefix_and_must_be_128_bytes():
    ds = _small()
    ds.preamble = b"\x01" * 128
    data = _bytes(ds, implicit_vr=True)
    assert data[:132] == b"\x01" * 128 + b"DICM"
    ds.preamble = b"\x01" * 10
    with pytest.raises(WriteError, match="128"):
        _bytes(ds, implicit_vr=True)


def test_file_meta_group_length_is_recomputed():
    ds = _small()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.FileMetaInformationGroupLength = 999
    ds.file_meta.TransferSyntaxUID = IMPLICIT_LE
    data = _bytes(ds)
    (length,) = struct.unpack("<L", data[8:12])
    assert length == 8 + len(IMPLICIT_LE) + 1


def test_save_as_delegates_to_dcmwrite(tmp_path):
    ds = _with_sop()
    path = tmp_path / "a.dcm"
    ds.save_as(path, implicit_vr=True, enforce_file_format=True)
    assert dcmread(path).PatientName == "Doe^J"


def test_write_like_original_is_deprecated_but_works():
    with pytest.warns(DeprecationWarning):
        data = _bytes(_with_sop(), implicit_vr=True, write_like_original=False)
    assert data[128:132] == b"DICM"


# ---------------------------------------------------------------- values


def test_retired_group_lengths_are_dropped_as_pydicom_does():
    ds = _small()
    ds.add_new(0x00100000, "UL", 12345)
    item = Dataset()
    item.add_new(0x00080000, "UL", 0)
    item.Modality = "MR"
    ds.ReferencedImageSequence = [item]
    data = _bytes(ds, implicit_vr=False)
    assert data[:4] != b"\x10\x00\x00\x00"
    back = dcmread(io.BytesIO(data), force=True)
    assert 0x00100000 not in back
    assert 0x00080000 not in back.ReferencedImageSequence[0]


def test_command_group_length_gets_the_right_value():
    ds = Dataset()
    ds.add_new(0x00000000, "UL", 12345)
    ds.add_new(0x00000100, "US", 1)
    out = io.BytesIO()
    write_dataset(out, ds, implicit_vr=True, little_endian=True)
    data = out.getvalue()
    assert data[:12] == b"\x00\x00\x00\x00\x04\x00\x00\x00" + struct.pack("<L", 10)


def test_odd_length_values_are_padded():
    ds = Dataset()
    ds.SOPInstanceUID = "1.2.3"  # UI pads with NUL
    ds.add_new(0x00091001, "OB", b"\x01\x02\x03")
    data = _bytes(ds, implicit_vr=False)
    assert b"1.2.3\x00" in data
    assert data.endswith(b"\x01\x02\x03\x00")


def test_value_too_long_for_a_short_length_is_written_as_un():
    ds = Dataset()
    with config.override(writing_validation_mode=config.IGNORE):
        ds.add_new(0x00091001, "LO", "a" * 70000)
    data = _bytes(ds, implicit_vr=False)
    assert data[4:12] == b"UN\x00\x00" + struct.pack("<L", 70000)


def test_text_uses_the_dataset_character_set_and_items_inherit_it():
    ds = Dataset()
    ds.SpecificCharacterSet = "ISO_IR 100"
    ds.PatientName = "Müller"
    item = Dataset()
    item.PatientName = "Gödel"
    ds.OtherPatientIDsSequence = Sequence([item])
    data = _bytes(ds, implicit_vr=False)
    assert "Müller".encode("latin-1") in data
    assert "Gödel".encode("latin-1") in data


def test_ow_bytes_are_swapped_only_when_the_byte_order_changes():
    src = _bytes(_ow_dataset(), implicit_vr=False, little_endian=True)
    ds = dcmread(io.BytesIO(src), force=True)
    assert ds.original_encoding == (False, True)
    big = _bytes(ds, implicit_vr=False, little_endian=False)
    assert big.endswith(b"\x01\x02\x03\x04")
    back = dcmread(io.BytesIO(big), force=True)
    assert back.original_encoding == (False, False)
    assert back[0x00091002].value == b"\x01\x02\x03\x04"
    assert _bytes(back, implicit_vr=False, little_endian=True) == src


@pytest.mark.parametrize(
    "name, target_ts, little",
    [("rtdose.dcm", EXPLICIT_BE, False), ("rtdose_expb.dcm", EXPLICIT_LE, True)],
)
def test_byte_order_change_swaps_32_bit_pixel_data_in_whole_samples(name, target_ts, little):
    np = pytest.importorskip("numpy")
    pydicom = pytest.importorskip("pydicom")
    from pydicom.data import get_testdata_file

    path = get_testdata_file(name)
    expected = pydicom.dcmread(path).pixel_array
    ds = dcmread(path)
    assert ds.BitsAllocated == 32
    ds.file_meta.TransferSyntaxUID = target_ts
    data = _bytes(ds, implicit_vr=False, little_endian=little)
    theirs = pydicom.dcmread(io.BytesIO(data)).pixel_array
    ours = dcmread(io.BytesIO(data)).pixel_array
    assert theirs.ravel()[0] == 1249000
    np.testing.assert_array_equal(theirs, expected)
    np.testing.assert_array_equal(ours, expected)


def test_byte_order_change_swaps_64_bit_pixel_data_in_whole_samples():
    ds = Dataset()
    ds.BitsAllocated = 64
    ds.add_new(0x7FE00010, "OW", struct.pack("<2Q", 1, 0x0102030405060708))
    src = dcmread(io.BytesIO(_bytes(ds, implicit_vr=False, little_endian=True)), force=True)
    big = _bytes(src, implicit_vr=False, little_endian=False)
    assert big.endswith(struct.pack(">2Q", 1, 0x0102030405060708))


def test_byte_order_change_keeps_16_bit_words_for_other_ow_data():
    ds = Dataset()
    ds.BitsAllocated = 32
    ds.add_new(0x00091002, "OW", struct.pack("<2H", 1, 2))
    src = dcmread(io.BytesIO(_bytes(ds, implicit_vr=False, little_endian=True)), force=True)
    big = _bytes(src, implicit_vr=False, little_endian=False)
    assert b"OW\x00\x00\x00\x00\x00\x04" + struct.pack(">2H", 1, 2) in big


def _ow_dataset() -> Dataset:
    ds = Dataset()
    ds.add_new(0x00091002, "OW", b"\x02\x01\x04\x03")
    return ds


def test_swap_bytes_reverses_each_word():
    assert swap_bytes(b"\x01\x02\x03\x04", 2) == b"\x02\x01\x04\x03"
    assert swap_bytes(b"\x01\x02\x03\x04\x05\x06\x07\x08", 4) == b"\x04\x03\x02\x01\x08\x07\x06\x05"
    assert swap_bytes(b"\x01\x02\x03\x04\x05\x06\x07\x08", 8) == b"\x08\x07\x06\x05\x04\x03\x02\x01"


def test_sequence_of_defined_length_with_defined_length_items():
    ds = Dataset()
    item = Dataset()
    item.PatientID = "12"
    ds.OtherPatientIDsSequence = Sequence([item])
    data = _bytes(ds, implicit_vr=False)
    assert data == (
        b"\x10\x00\x02\x10SQ\x00\x00" + struct.pack("<L", 18)
        + b"\xfe\xff\x00\xe0" + struct.pack("<L", 10)
        + b"\x10\x00\x20\x00LO\x02\x0012"
    )


def test_undefined_length_sequence_and_item_get_delimiters():
    ds = Dataset()
    item = Dataset()
    item.PatientID = "12"
    item.is_undefined_length_sequence_item = True
    ds.OtherPatientIDsSequence = Sequence([item])
    ds["OtherPatientIDsSequence"].is_undefined_length = True
    data = _bytes(ds, implicit_vr=True)
    assert data == (
        b"\x10\x00\x02\x10\xff\xff\xff\xff"
        + b"\xfe\xff\x00\xe0\xff\xff\xff\xff"
        + b"\x10\x00\x20\x00\x02\x00\x00\x0012"
        + b"\xfe\xff\x0d\xe0\x00\x00\x00\x00"
        + b"\xfe\xff\xdd\xe0\x00\x00\x00\x00"
    )


def test_empty_sequence_and_empty_values():
    ds = Dataset()
    ds.OtherPatientIDsSequence = Sequence()
    ds.PatientID = ""
    data = _bytes(ds, implicit_vr=False)
    assert data == b"\x10\x00\x20\x00LO\x00\x00" + b"\x10\x00\x02\x10SQ\x00\x00\x00\x00\x00\x00"


def _encapsulated(frame: bytes) -> bytes:
    item = b"\xfe\xff\x00\xe0"
    return item + b"\x00\x00\x00\x00" + item + struct.pack("<L", len(frame)) + frame


def test_encapsulated_pixel_data_is_written_with_undefined_length():
    ds = _with_sop()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = JPEG_BASELINE
    ds.PixelData = _encapsulated(b"\xff\xd8\xff\xd9")
    ds["PixelData"].VR = "OB"
    data = _bytes(ds)
    value = _encapsulated(b"\xff\xd8\xff\xd9")
    assert data.endswith(
        b"\xe0\x7f\x10\x00OB\x00\x00\xff\xff\xff\xff" + value + b"\xfe\xff\xdd\xe0\x00\x00\x00\x00"
    )
    back = dcmread(io.BytesIO(data), force=True)
    assert back.PixelData == value


def test_native_pixel_data_under_an_encapsulated_syntax_raises():
    ds = _with_sop()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = JPEG_BASELINE
    ds.PixelData = b"\x00\x01\x02\x03"
    ds["PixelData"].VR = "OB"
    with pytest.raises(WriteError, match="encapsulate"):
        _bytes(ds)


def test_deflated_syntax_deflates_the_dataset_after_the_file_meta():
    ds = _with_sop()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = DEFLATED
    data = _bytes(ds, enforce_file_format=True)
    (group_length,) = struct.unpack("<L", data[140:144])
    body = data[144 + group_length:]
    inflated = zlib.decompressobj(-zlib.MAX_WBITS).decompress(body)
    assert inflated == _bytes(_with_sop(), implicit_vr=False)
    assert dcmread(io.BytesIO(data)).PatientName == "Doe^J"


def test_unencodable_value_names_the_tag():
    ds = _small()
    with config.override(writing_validation_mode=config.IGNORE):
        ds.add_new(0x00280011, "US", 70000)
    with pytest.raises(WriteError, match=r"\(0028,0011\)"):
        _bytes(ds, implicit_vr=True)


# ---------------------------------------------------------------- raw elements


def test_raw_elements_in_the_target_encoding_are_copied_unconverted():
    ds = Dataset()
    # a value that is not even valid for its VR survives untouched
    ds._dict[0x00280010] = RawDataElement(0x00280010, "US", 2, b"\x07\x00", 0, False, True)
    ds._dict[0x00100020] = RawDataElement(0x00100020, "LO", 4, b"ab\\c", 0, False, True)
    ds.set_original_encoding(False, True)
    data = _bytes(ds)
    assert data == b"\x10\x00\x20\x00LO\x04\x00ab\\c\x28\x00\x10\x00US\x02\x00\x07\x00"
    assert all(isinstance(e, RawDataElement) for e in ds._dict.values())


def test_raw_undefined_length_sequence_is_copied_with_its_delimiter():
    items = (b"\xfe\xff\x00\xe0\xff\xff\xff\xff" + b"\x10\x00\x20\x00\x02\x00\x00\x0012"
             + b"\xfe\xff\x0d\xe0\x00\x00\x00\x00")
    ds = Dataset()
    ds._dict[0x00101002] = RawDataElement(0x00101002, None, 0xFFFFFFFF, items, 0, True, True)
    ds.set_original_encoding(True, True)
    data = _bytes(ds)
    assert data == (b"\x10\x00\x02\x10\xff\xff\xff\xff" + items
                    + b"\xfe\xff\xdd\xe0\x00\x00\x00\x00")
    back = dcmread(io.BytesIO(data), force=True)
    assert back.OtherPatientIDsSequence[0].PatientID == "12"


def test_raw_elements_are_converted_for_another_encoding():
    src = _bytes(_small(), implicit_vr=True)
    ds = dcmread(io.BytesIO(src), force=True)
    assert _bytes(ds, implicit_vr=False) == _bytes(_small(), implicit_vr=False)
    assert _bytes(ds, implicit_vr=False, little_endian=False) == _bytes(
        _small(), implicit_vr=False, little_endian=False
    )


def test_changed_character_set_reencodes_raw_text():
    ds = Dataset()
    ds.SpecificCharacterSet = "ISO_IR 100"
    ds.PatientName = "Müller"
    src = _bytes(ds, implicit_vr=False)
    back = dcmread(io.BytesIO(src), force=True)
    back.SpecificCharacterSet = "ISO_IR 192"
    data = _bytes(back)
    assert "Müller".encode() in data
    assert dcmread(io.BytesIO(data), force=True).PatientName == "Müller"


# ---------------------------------------------------------------- destinations


def test_path_and_file_like_outputs_are_identical(tmp_path):
    ds = _with_sop()
    path = tmp_path / "x.dcm"
    dcmwrite(path, ds, implicit_vr=True)
    dcmwrite(str(path) + "2", ds, implicit_vr=True)
    assert path.read_bytes() == _bytes(ds, implicit_vr=True)
    assert Path(str(path) + "2").read_bytes() == path.read_bytes()


def test_file_like_is_written_at_its_position_and_left_open():
    out = io.BytesIO()
    out.write(b"head")
    dcmwrite(out, _small(), implicit_vr=True)
    assert not out.closed
    assert out.getvalue() == b"head" + _bytes(_small(), implicit_vr=True)


def test_overwrite_false_refuses_an_existing_file(tmp_path):
    path = tmp_path / "x.dcm"
    path.write_bytes(b"old")
    with pytest.raises(FileExistsError):
        dcmwrite(path, _small(), implicit_vr=True, overwrite=False)
    assert path.read_bytes() == b"old"
    dcmwrite(tmp_path / "new.dcm", _small(), implicit_vr=True, overwrite=False)
    assert (tmp_path / "new.dcm").exists()
    assert sorted(os.listdir(tmp_path)) == ["new.dcm", "x.dcm"]


def test_failed_write_keeps_the_old_file_and_leaves_no_temp_file(tmp_path):
    path = tmp_path / "x.dcm"
    path.write_bytes(b"old contents")
    ds = _small()
    with config.override(writing_validation_mode=config.IGNORE):
        ds.add_new(0x00280011, "US", 70000)  # cannot encode: after PatientName and Rows
    with pytest.raises(WriteError):
        dcmwrite(path, ds, implicit_vr=True)
    assert path.read_bytes() == b"old contents"
    assert os.listdir(tmp_path) == ["x.dcm"]


def test_failure_while_writing_the_temp_file_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "x.dcm"
    path.write_bytes(b"old contents")

    class Boom(Exception):
        pass

    def fail_replace(*args, **kwargs):
        raise Boom

    monkeypatch.setattr(os, "replace", fail_replace)
    with pytest.raises(Boom):
        dcmwrite(path, _small(), implicit_vr=True)
    assert path.read_bytes() == b"old contents"
    assert os.listdir(tmp_path) == ["x.dcm"]


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_replaced_file_keeps_its_permissions(tmp_path):
    path = tmp_path / "x.dcm"
    path.write_bytes(b"old")
    os.chmod(path, 0o640)
    dcmwrite(path, _small(), implicit_vr=True)
    assert (os.stat(path).st_mode & 0o777) == 0o640


def test_file_dataset_round_trip_through_a_path(tmp_path):
    src = writer_corpus.corpus_files()[0].parent / "CT_small.dcm"
    ds = dcmread(src)
    assert isinstance(ds, FileDataset)
    path = tmp_path / "ct.dcm"
    ds.save_as(path)
    assert path.read_bytes() == src.read_bytes()


def test_changed_character_set_reencodes_raw_text_in_items_that_inherit_it():
    ds = Dataset()
    ds.SpecificCharacterSet = "ISO_IR 100"
    item = Dataset()
    item.PatientName = "Gödel"
    ds.OtherPatientIDsSequence = Sequence([item])
    src = _bytes(ds, implicit_vr=False)
    back = dcmread(io.BytesIO(src), force=True)
    back.SpecificCharacterSet = "ISO_IR 192"
    data = _bytes(back)
    assert "Gödel".encode() in data
    again = dcmread(io.BytesIO(data), force=True)
    assert again.OtherPatientIDsSequence[0].PatientName == "Gödel"


def test_items_with_their_own_character_set_keep_it():
    path = writer_corpus.corpus_files()[0].parent.parent / "charset_files" / "chrSQEncoding.dcm"
    ds = dcmread(path)
    item_name = ds[0x00321064].value[0].PatientName
    back = dcmread(io.BytesIO(_bytes(ds, implicit_vr=True, little_endian=True, force_encoding=True)), force=True)
    assert back[0x00321064].value[0].PatientName == item_name


@pytest.mark.skipif(os.name != "posix", reason="POSIX symlinks and devices")
def test_writing_through_a_symlink_replaces_its_target(tmp_path):
    target = tmp_path / "target.dcm"
    target.write_bytes(b"old")
    link = tmp_path / "link.dcm"
    link.symlink_to(target)
    dcmwrite(link, _small(), implicit_vr=True)
    assert link.is_symlink()
    assert target.read_bytes() == _bytes(_small(), implicit_vr=True)


@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="needs /dev/null")
def test_writing_to_a_device_writes_directly():
    dcmwrite("/dev/null", _small(), implicit_vr=True)
    assert os.path.exists("/dev/null") and not os.path.isfile("/dev/null")


def test_write_dataset_and_write_file_meta_info():
    from dcmcore.io.writer import write_dataset, write_file_meta_info

    out = io.BytesIO()
    n = write_dataset(out, _small(), implicit_vr=True)
    assert out.getvalue() == _bytes(_small(), implicit_vr=True) and n == len(out.getvalue())
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = CT_IMAGE
    meta.MediaStorageSOPInstanceUID = "1.2.3"
    meta.TransferSyntaxUID = IMPLICIT_LE
    out = io.BytesIO()
    write_file_meta_info(out, meta)
    data = out.getvalue()
    assert data[:12] == b"\x02\x00\x00\x00UL\x04\x00" + struct.pack("<L", len(data) - 12)
    assert IMPLEMENTATION_CLASS_UID.encode() in data
    with pytest.raises(WriteError, match="Media Storage SOP Class UID"):
        write_file_meta_info(io.BytesIO(), FileMetaDataset())


def test_ambiguous_vr_is_resolved_from_the_pixel_representation():
    ds = Dataset()
    ds.PixelRepresentation = 1
    ds.add_new(0x00280106, "US or SS", -5)
    data = _bytes(ds, implicit_vr=False)
    assert data.endswith(b"\x28\x00\x06\x01SS\x02\x00" + struct.pack("<h", -5))


def test_deferred_values_are_written_even_over_their_own_source(tmp_path):
    src = writer_corpus.corpus_files()[0].parent / "MR_small_bigendian.dcm"
    path = tmp_path / "mr.dcm"
    path.write_bytes(src.read_bytes())
    ds = dcmread(path, defer_size=64)
    assert any(getattr(e, "value", b"") is None for e in ds._dict.values())
    dcmwrite(path, ds)
    assert path.read_bytes() == src.read_bytes()


def test_raw_elements_copied_into_a_new_dataset_keep_their_text():
    src = Dataset()
    src.SpecificCharacterSet = "ISO_IR 100"
    src.PatientName = "Müller"
    read = dcmread(io.BytesIO(_bytes(src, implicit_vr=False)), force=True)
    new = Dataset()
    for tag in (0x00080005, 0x00100010):
        new._dict[tag] = read.get_item(tag)
    back = dcmread(io.BytesIO(_bytes(new, implicit_vr=False)), force=True)
    assert back.PatientName == "Müller"


@pytest.mark.parametrize(
    "setup, tag, vr, expected",
    [
        ({"BitsAllocated": 16}, 0x7FE00010, "OB or OW", "OW"),
        ({"BitsAllocated": 8}, 0x7FE00010, "OB or OW", "OB"),
        ({"PixelRepresentation": 0}, 0x00280106, "US or SS", "US"),
        ({"PixelRepresentation": 1}, 0x00280106, "US or SS", "SS"),
        ({}, 0x60003000, "OB or OW", "OW"),
    ],
)
def test_ambiguous_vrs_follow_their_context(setup, tag, vr, expected):
    ds = Dataset()
    for keyword, value in setup.items():
        setattr(ds, keyword, value)
    ds.add_new(tag, vr, b"\x01\x00" if "O" in vr else 1)
    data = _bytes(ds, implicit_vr=False)
    header = struct.pack("<HH", tag >> 16, tag & 0xFFFF) + expected.encode()
    assert header in data


def test_lut_data_is_us_for_one_entry_else_ow_and_lists_are_packed():
    ds = Dataset()
    ds.LUTDescriptor = [3, 0, 16]
    ds.add_new(0x00283006, "US or OW", [1, 2, 3])
    data = _bytes(ds, implicit_vr=False)
    assert data.endswith(b"\x28\x00\x06\x30OW\x00\x00" + struct.pack("<L3H", 6, 1, 2, 3))
    ds.LUTDescriptor = [1, 0, 16]
    ds[0x00283006].value = 7
    data = _bytes(ds, implicit_vr=False)
    assert data.endswith(b"\x28\x00\x06\x30US\x02\x00\x07\x00")


def test_us_ss_uses_the_pixel_representation_of_an_ancestor():
    ds = Dataset()
    ds.PixelRepresentation = 1
    item = Dataset()
    item.add_new(0x00280106, "US or SS", -2)
    ds.OtherPatientIDsSequence = Sequence([item])
    assert b"\x28\x00\x06\x01SS\x02\x00\xfe\xff" in _bytes(ds, implicit_vr=False)


def test_buffered_values_are_read_from_their_position_and_left_there(tmp_path):
    raw = tmp_path / "pixels.bin"
    raw.write_bytes(b"\x01\x02\x03\x04")
    with open(raw, "rb") as f:
        ds = Dataset()
        ds.BitsAllocated = 16
        ds.PixelData = f
        data = _bytes(ds, implicit_vr=False)
        assert f.tell() == 0
    assert data.endswith(b"\xe0\x7f\x10\x00OW\x00\x00\x04\x00\x00\x00\x01\x02\x03\x04")


def test_native_pixel_data_read_raw_is_refused_under_an_encapsulated_syntax():
    src = writer_corpus.corpus_files()[0].parent / "CT_small.dcm"
    ds = dcmread(src)
    ds.file_meta.TransferSyntaxUID = JPEG_BASELINE
    with pytest.raises(WriteError, match="encapsulate"):
        _bytes(ds)


def test_a_uid_that_is_not_a_transfer_syntax_is_refused():
    ds = _small()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = CT_IMAGE
    with pytest.raises(WriteError, match="not a transfer syntax"):
        _bytes(ds, implicit_vr=True)


def test_deprecated_dataset_encoding_attributes_are_used():
    ds = _small()
    with pytest.warns(DeprecationWarning):
        ds.is_implicit_VR = False
        ds.is_little_endian = False
    assert _bytes(ds) == _bytes(_small(), implicit_vr=False, little_endian=False)
