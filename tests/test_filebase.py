"""dcmcore.filebase and dcmcore.fileutil: pydicom's buffer helpers."""

from __future__ import annotations

import io

import pydicom.fileutil as pfileutil
import pytest
from pydicom.data import get_testdata_file
from pydicom.tag import ItemDelimiterTag, SequenceDelimiterTag

import dcmcore
from dcmcore import filebase, fileutil


def test_dicom_bytes_io_reads_and_writes_tags_and_numbers():
    fp = filebase.DicomBytesIO()
    with pytest.raises(AttributeError):
        _ = fp.is_little_endian
    fp.is_little_endian = False
    fp.write_tag(0x00100020)
    fp.write_US(1)
    fp.write_UL(2)
    assert fp.getvalue() == b"\x00\x10\x00\x20\x00\x01\x00\x00\x00\x02"
    fp.seek(0)
    assert (fp.read_tag(), fp.read_US(), fp.read_UL()) == ((0x0010, 0x0020), 1, 2)
    with pytest.raises(EOFError):
        fp.read_exact(4)
    with pytest.raises(TypeError):
        fp.is_implicit_VR = 1  # type: ignore[assignment]


def test_dicom_file_wraps_an_opened_file_that_dcmread_reads(tmp_path):
    path = get_testdata_file("CT_small.dcm")
    with filebase.DicomFile(path, "rb") as fp:
        assert fp.name == path
        ds = dcmcore.dcmread(fp)
    assert ds.PatientName == "CompressedSamples^CT1"
    with pytest.raises(TypeError):
        filebase.DicomIO(object())  # type: ignore[arg-type]


def test_save_as_to_a_dicom_bytes_io_round_trips():
    ds = dcmcore.dcmread(get_testdata_file("CT_small.dcm"))
    fp = filebase.DicomBytesIO()
    ds.save_as(fp)
    fp.seek(0)
    assert dcmcore.dcmread(fp).PatientName == ds.PatientName


def test_buffer_helpers_match_pydicom():
    data = b"0123456789" * 1000
    for module in (fileutil, pfileutil):
        buf = io.BytesIO(data)
        buf.seek(5)
        assert module.buffer_length(buf) == 10000
        assert module.buffer_remaining(buf) == 9995
        assert buf.tell() == 5
        assert module.buffer_equality(buf, data)
        assert not module.buffer_equality(buf, data + b"x")
        assert module.buffer_equality(buf, io.BytesIO(data))
        assert b"".join(module.read_buffer(buf, chunk_size=7)) == data[5:]
        with pytest.raises(ValueError):
            list(module.read_buffer(buf, chunk_size=0))
        with pytest.raises(TypeError):
            module.check_buffer(b"x")  # type: ignore[arg-type]
        assert module.path_from_pathlike(buf) is buf


@pytest.mark.parametrize("rewind", [True, False])
def test_delimiter_search_matches_pydicom(rewind):
    data = b"abc" * 60 + b"\xfe\xff\xdd\xe0\x00\x00\x00\x00" + b"tail"
    for name in ("find_delimiter", "length_of_undefined_length"):
        ours_fp, theirs_fp = io.BytesIO(data), io.BytesIO(data)
        ours = getattr(fileutil, name)(ours_fp, SequenceDelimiterTag, True, rewind=rewind)
        theirs = getattr(pfileutil, name)(theirs_fp, SequenceDelimiterTag, True, rewind=rewind)
        assert ours == theirs
        assert ours_fp.tell() == theirs_fp.tell()
    assert fileutil.find_bytes(io.BytesIO(data), b"zz") is None


def test_read_undefined_length_value_matches_pydicom():
    items = b"\xfe\xff\x00\xe0\x04\x00\x00\x00\xfe\xff\xdd\xe0"  # an item holding a delimiter
    data = items + b"\xfe\xff\xdd\xe0\x00\x00\x00\x00rest"
    for defer in (None, 4):
        ours_fp, theirs_fp = io.BytesIO(data), io.BytesIO(data)
        ours = fileutil.read_undefined_length_value(ours_fp, True, SequenceDelimiterTag, defer)
        theirs = pfileutil.read_undefined_length_value(theirs_fp, True, SequenceDelimiterTag, defer)
        assert ours == theirs
        assert ours_fp.tell() == theirs_fp.tell()
    with pytest.raises(EOFError):
        fileutil.read_undefined_length_value(io.BytesIO(b"abcd" * 3), True, ItemDelimiterTag)


def test_absorb_delimiter_item_moves_back_when_absent():
    fp = io.BytesIO(b"\xfe\xff\x0d\xe0\x00\x00\x00\x00")
    fileutil.absorb_delimiter_item(fp, True, ItemDelimiterTag)
    assert fp.tell() == 8
    fp = io.BytesIO(b"\x10\x00\x10\x00\x00\x00\x00\x00")
    fileutil.absorb_delimiter_item(fp, True, ItemDelimiterTag)
    assert fp.tell() == 0
