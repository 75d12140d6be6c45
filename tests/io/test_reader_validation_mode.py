"""dcmread(validation_mode=...): a per-read validation mode that follows the dataset."""

from __future__ import annotations

import io
import threading
import warnings

import pytest
from pydicom.data import get_testdata_file

import dcmcore
from dcmcore import config
from dcmcore.errors import DcmcoreWarning

BAD_VR_FILE = get_testdata_file("badVR.dcm")  # (0028,0008) Number of Frames IS is '1A'


def _file_with_bad_is_in_item() -> bytes:
    """Part 10 bytes whose sequence item holds an invalid IS value."""
    item = dcmcore.Dataset()
    # Instance Number, kept as undecoded bytes: an invalid IS cannot be set as a value
    item[0x00200013] = dcmcore.RawDataElement(
        dcmcore.Tag(0x00200013), "IS", 2, b"x7", 0, False, True
    )
    ds = dcmcore.Dataset()
    ds.PatientName = "Item^Test"
    ds.ReferencedImageSequence = [item]
    ds.file_meta = dcmcore.FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = dcmcore.uid.ExplicitVRLittleEndian
    buf = io.BytesIO()
    ds.save_as(buf, implicit_vr=False, little_endian=True)
    data = buf.getvalue()
    assert b"x7" in data
    return data


def test_default_mode_warns_on_invalid_is_value():
    ds = dcmcore.dcmread(BAD_VR_FILE)
    with pytest.warns(DcmcoreWarning, match="IS"):
        assert str(ds.NumberOfFrames) == "1A"


def test_read_with_raise_mode_raises_on_later_access():
    ds = dcmcore.dcmread(BAD_VR_FILE, validation_mode=config.RAISE)
    assert config.settings.reading_validation_mode == config.WARN  # global unchanged
    with pytest.raises(ValueError, match="1A"):
        ds.NumberOfFrames  # noqa: B018


def test_read_with_ignore_mode_is_silent():
    ds = dcmcore.dcmread(BAD_VR_FILE, validation_mode=config.IGNORE)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert str(ds.NumberOfFrames) == "1A"


def test_sequence_items_inherit_the_read_mode():
    data = _file_with_bad_is_in_item()
    strict = dcmcore.dcmread(data, force=True, validation_mode=config.RAISE)
    with pytest.raises(ValueError, match="x7"):
        strict.ReferencedImageSequence[0].InstanceNumber  # noqa: B018
    lenient = dcmcore.dcmread(data, force=True, validation_mode=config.IGNORE)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert str(lenient.ReferencedImageSequence[0].InstanceNumber) == "x7"


def test_read_mode_holds_in_another_thread_with_other_global_mode():
    ds = dcmcore.dcmread(BAD_VR_FILE, validation_mode=config.RAISE)
    errors = []

    def access():
        with config.override(reading_validation_mode=config.IGNORE):
            try:
                ds.NumberOfFrames  # noqa: B018
            except ValueError as exc:
                errors.append(exc)

    thread = threading.Thread(target=access)
    thread.start()
    thread.join(10)
    assert len(errors) == 1
