"""dcmcore.filewriter: pydicom's writing functions write pydicom's bytes."""

from __future__ import annotations

import pydicom
import pydicom.filebase as pfilebase
import pydicom.filewriter as pfilewriter
import pytest
from pydicom.data import get_testdata_file

import dcmcore
from dcmcore import filebase, filewriter

ENCODINGS = [(False, True), (True, True), (False, False)]


def _buffers(implicit, little):
    ours, theirs = filebase.DicomBytesIO(), pfilebase.DicomBytesIO()
    for fp in (ours, theirs):
        fp.is_implicit_VR, fp.is_little_endian = implicit, little
    return ours, theirs


@pytest.mark.parametrize(("implicit", "little"), ENCODINGS)
@pytest.mark.parametrize("name", ["CT_small.dcm", "rtplan.dcm", "MR_small.dcm"])
def test_write_dataset_writes_pydicoms_bytes(name, implicit, little):
    path = get_testdata_file(name)
    ours_ds, theirs_ds = dcmcore.dcmread(path), pydicom.dcmread(path)
    for ds in (ours_ds, theirs_ds):
        ds.pop(0x7FE00010, None)  # pydicom would need to swap OW pixel bytes itself
    ours, theirs = _buffers(implicit, little)
    assert filewriter.write_dataset(ours, ours_ds) == pfilewriter.write_dataset(theirs, theirs_ds)
    assert ours.getvalue() == theirs.getvalue()


@pytest.mark.parametrize(("implicit", "little"), ENCODINGS)
def test_write_data_element_and_value_writers_match_pydicom(implicit, little):
    path = get_testdata_file("CT_small.dcm")
    ours_ds, theirs_ds = dcmcore.dcmread(path), pydicom.dcmread(path)
    ours, theirs = _buffers(implicit, little)
    for keyword, writer, extra in [
        ("PatientName", "write_PN", ()), ("Rows", "write_numbers", ("H",)),
        ("SOPClassUID", "write_UI", ()), ("ImageType", "write_string", ()),
        ("SliceThickness", "write_number_string", ()), ("StudyDate", "write_DA", ()),
        ("StudyTime", "write_TM", ()), ("Manufacturer", "write_text", ()),
    ]:  # fmt: skip
        filewriter.write_data_element(ours, ours_ds[keyword])
        pfilewriter.write_data_element(theirs, theirs_ds[keyword])
        getattr(filewriter, writer)(ours, ours_ds[keyword], *extra)
        getattr(pfilewriter, writer)(theirs, theirs_ds[keyword], *extra)
    assert ours.getvalue() == theirs.getvalue()


def test_write_sequence_writes_pydicoms_items():
    path = get_testdata_file("rtplan.dcm")
    ours_ds, theirs_ds = dcmcore.dcmread(path), pydicom.dcmread(path)
    ours, theirs = _buffers(True, True)
    filewriter.write_sequence(ours, ours_ds["BeamSequence"], ["iso8859"])
    pfilewriter.write_sequence(theirs, theirs_ds["BeamSequence"], ["iso8859"])
    assert ours.getvalue() == theirs.getvalue()


def test_write_file_meta_info_matches_pydicom_without_changes():
    path = get_testdata_file("CT_small.dcm")
    ours, theirs = _buffers(False, True)
    filewriter.write_file_meta_info(ours, dcmcore.dcmread(path).file_meta, enforce_standard=False)
    pfilewriter.write_file_meta_info(
        theirs, pydicom.dcmread(path).file_meta, enforce_standard=False
    )
    assert ours.getvalue() == theirs.getvalue()


def test_correct_ambiguous_vr_resolves_as_pydicom():
    ours, theirs = dcmcore.Dataset(), pydicom.Dataset()
    for ds in (ours, theirs):
        ds.PixelRepresentation = 1
        ds.add_new(0x00280106, "US or SS", b"\xff\xff")  # Smallest Image Pixel Value
    filewriter.correct_ambiguous_vr(ours, True)
    pfilewriter.correct_ambiguous_vr(theirs, True)
    assert ours[0x00280106].VR == theirs[0x00280106].VR == "SS"
    assert ours[0x00280106].value == theirs[0x00280106].value == -1


def test_multi_string_and_dcmwrite():
    assert filewriter.multi_string(["a", "b"]) == pfilewriter.multi_string(["a", "b"])
    assert filewriter.multi_string("a") == "a"
    assert filewriter.dcmwrite is dcmcore.dcmwrite


def test_write_dataset_without_an_encoding_on_fp_uses_the_datasets():
    path = get_testdata_file("CT_small.dcm")
    fp = filebase.DicomBytesIO()
    ds = dcmcore.dcmread(path)
    assert filewriter.write_dataset(fp, ds) > 0
    theirs = pfilebase.DicomBytesIO()
    theirs.is_implicit_VR, theirs.is_little_endian = False, True
    pfilewriter.write_dataset(theirs, pydicom.dcmread(path))
    assert fp.getvalue() == theirs.getvalue()
