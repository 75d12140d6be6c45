"""dcmcore.filereader: pydicom's reading functions give pydicom's results on real files."""

from __future__ import annotations

import io

import pydicom
import pydicom.filereader as pfilereader
import pytest
from pydicom.data import get_testdata_file

import dcmcore
from dcmcore import filereader
from dcmcore.errors import InvalidDicomError

FILES = ["CT_small.dcm", "MR_small_bigendian.dcm", "rtplan.dcm", "MR_small_implicit.dcm"]


def _open_both(name):
    path = get_testdata_file(name)
    return open(path, "rb"), open(path, "rb")  # noqa: SIM115 - closed by the caller


def _after_meta(module, fp):
    module.read_preamble(fp, False)
    meta = module.read_dataset(fp, False, True, stop_when=lambda tag, vr, length: tag >> 16 != 2)
    return meta


@pytest.mark.parametrize("name", FILES)
def test_read_preamble_and_read_dataset_match_pydicom(name):
    ours_fp, theirs_fp = _open_both(name)
    with ours_fp, theirs_fp:
        ours_meta, theirs_meta = (
            _after_meta(filereader, ours_fp),
            _after_meta(pfilereader, theirs_fp),
        )
        assert ours_fp.tell() == theirs_fp.tell()
        assert str(ours_meta.TransferSyntaxUID) == str(theirs_meta.TransferSyntaxUID)
        ts = pydicom.uid.UID(theirs_meta.TransferSyntaxUID)
        ours = filereader.read_dataset(ours_fp, ts.is_implicit_VR, ts.is_little_endian)
        theirs = pfilereader.read_dataset(theirs_fp, ts.is_implicit_VR, ts.is_little_endian)
        assert ours_fp.tell() == theirs_fp.tell()
        assert list(ours.keys()) == list(theirs.keys())
        for tag in theirs.keys():
            if theirs[tag].VR != "SQ":
                assert ours[tag].value == theirs[tag].value


@pytest.mark.parametrize("name", FILES)
def test_data_element_generator_yields_pydicoms_raw_elements(name):
    ours_fp, theirs_fp = _open_both(name)
    with ours_fp, theirs_fp:
        meta = _after_meta(filereader, ours_fp)
        _after_meta(pfilereader, theirs_fp)
        ts = pydicom.uid.UID(meta.TransferSyntaxUID)
        args = (ts.is_implicit_VR, ts.is_little_endian)
        ours = list(filereader.data_element_generator(ours_fp, *args, defer_size=256))
        theirs = list(pfilereader.data_element_generator(theirs_fp, *args, defer_size=256))
    assert [(r.tag, r.length, r.value_tell) for r in ours] == [
        (r.tag, r.length, r.value_tell) for r in theirs
    ]
    assert [r.value for r in ours if r.VR != "SQ"] == [r.value for r in theirs if r.VR != "SQ"]


def test_stop_when_leaves_the_file_at_the_stopping_element_as_pydicom():
    ours_fp, theirs_fp = _open_both("CT_small.dcm")
    with ours_fp, theirs_fp:
        _after_meta(filereader, ours_fp)
        _after_meta(pfilereader, theirs_fp)

        def stop(tag, vr, length):
            return tag == 0x00280010

        ours = filereader.read_dataset(ours_fp, False, True, stop_when=stop)
        theirs = pfilereader.read_dataset(theirs_fp, False, True, stop_when=stop)
        assert len(ours) == len(theirs)
        assert ours_fp.tell() == theirs_fp.tell()


def test_read_preamble_without_dicm_raises_unless_forced():
    data = b"\0" * 200
    with pytest.raises(InvalidDicomError):
        filereader.read_preamble(io.BytesIO(data), False)
    fp = io.BytesIO(data)
    assert filereader.read_preamble(fp, True) is None
    assert fp.tell() == 0


def test_dcmread_and_read_file_meta_info_are_dcmcores():
    path = get_testdata_file("CT_small.dcm")
    assert filereader.dcmread is dcmcore.dcmread
    meta = filereader.read_file_meta_info(path)
    assert meta.TransferSyntaxUID == pfilereader.read_file_meta_info(path).TransferSyntaxUID


def test_read_partial_applies_stop_when():
    path = get_testdata_file("CT_small.dcm")
    with open(path, "rb") as fp:
        ds = filereader.read_partial(fp, stop_when=lambda tag, vr, length: tag >= 0x00280000)
    assert "PatientName" in ds and "Rows" not in ds


def test_offset_to_value_matches_pydicom():
    for implicit, vr in [(True, None), (False, "US"), (False, "OB"), (False, "SQ"), (False, "UT")]:
        assert filereader.data_element_offset_to_value(
            implicit, vr
        ) == pfilereader.data_element_offset_to_value(implicit, vr)


def test_read_sequence_and_items_match_pydicom():
    path = get_testdata_file("rtplan.dcm")
    raw = pydicom.dcmread(path).get_item(0x300A00B0)
    ours = filereader.read_sequence(io.BytesIO(raw.value), True, True, len(raw.value), "iso8859")
    theirs = pfilereader.read_sequence(io.BytesIO(raw.value), True, True, len(raw.value), "iso8859")
    assert [item.BeamName for item in ours] == [item.BeamName for item in theirs]
    item = filereader.read_sequence_item(io.BytesIO(raw.value), True, True, "iso8859")
    assert item.BeamName == theirs[0].BeamName


def test_read_deferred_data_element_reads_the_value():
    path = get_testdata_file("CT_small.dcm")
    ds = dcmcore.dcmread(path, defer_size=100)
    raw = ds.get_item(0x7FE00010, keep_deferred=True)
    assert raw.value is None
    full = filereader.read_deferred_data_element(None, path, None, raw)
    assert full.value == pydicom.dcmread(path).PixelData
