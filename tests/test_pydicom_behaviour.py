"""Behaviour pydicom users rely on, checked against pydicom itself."""

from __future__ import annotations

import io
import warnings

import pydicom
import pytest

import dcmcore
from dcmcore import config
from dcmcore.errors import CharsetError
from dcmcore.tag import Tag


@pytest.mark.parametrize("implicit", [True, False])
def test_dcmread_forced_right_after_save_as_reads_what_was_written(implicit):
    results = []
    for module in (pydicom, dcmcore):
        ds = module.Dataset()
        ds.PatientName = "Doe^John"
        ds.Rows = 4
        buf = io.BytesIO()
        ds.save_as(buf, implicit_vr=implicit, little_endian=True)  # no seek(0) after
        back = module.dcmread(buf, force=True)
        results.append((str(back.PatientName), back.Rows))
    assert results[0] == results[1] == ("Doe^John", 4)


def test_dcmread_without_force_still_needs_the_prefix_where_it_starts():
    ds = dcmcore.Dataset()
    ds.PatientName = "a"
    buf = io.BytesIO()
    ds.save_as(buf, implicit_vr=True, little_endian=True)
    with pytest.raises(dcmcore.errors.InvalidDicomError):
        dcmcore.dcmread(buf)


def _unknown_charset_file(module) -> bytes:
    ds = module.Dataset()
    ds.SpecificCharacterSet = "ISO_IR 999"
    ds.PatientName = "a"
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds.save_as(buf, implicit_vr=True, little_endian=True)
    return buf.getvalue().replace(b"a ", b"\xe9 ")


def test_raise_reading_mode_makes_an_unknown_character_set_raise_lookuperror():
    data = _unknown_charset_file(dcmcore)
    with pytest.warns(UserWarning):
        assert str(dcmcore.dcmread(io.BytesIO(data), force=True).PatientName) == "é"
    with config.override(reading_validation_mode=config.RAISE):
        with pytest.raises(LookupError) as ours:
            dcmcore.dcmread(io.BytesIO(data), force=True).PatientName  # noqa: B018
    assert isinstance(ours.value, CharsetError)
    pydicom.config.settings.reading_validation_mode = pydicom.config.RAISE
    try:
        with pytest.raises(LookupError):
            pydicom.dcmread(io.BytesIO(data), force=True).PatientName  # noqa: B018
    finally:
        pydicom.config.settings.reading_validation_mode = None


def test_raise_writing_mode_makes_an_unencodable_value_raise():
    ds = dcmcore.Dataset()
    ds.SpecificCharacterSet = "ISO_IR 100"
    ds.PatientName = "山田"
    with config.override(writing_validation_mode=config.RAISE):
        with pytest.raises(dcmcore.errors.WriteError, match="Failed to encode"):
            ds.save_as(io.BytesIO(), implicit_vr=True, little_endian=True)


@pytest.mark.parametrize("bad", [-1, (-1, 0), (0, -2)])
def test_negative_tags_raise_valueerror_like_pydicom(bad):
    with pytest.raises(ValueError):
        pydicom.tag.Tag(bad)
    with pytest.raises(ValueError):
        Tag(bad)


def test_group_lengths_are_dropped_on_write_like_pydicom():
    tags = []
    for module in (pydicom, dcmcore):
        ds = module.Dataset()
        ds.add_new(0x00080000, "UL", 4)
        ds.Modality = "CT"
        item = module.Dataset()
        item.add_new(0x00080000, "UL", 0)
        item.Modality = "MR"
        ds.ReferencedImageSequence = [item]
        buf = io.BytesIO()
        ds.save_as(buf, implicit_vr=True, little_endian=True)
        buf.seek(0)
        back = module.dcmread(buf, force=True)
        tags.append(
            ([int(t) for t in back.keys()], [int(t) for t in back[0x00081140].value[0].keys()])
        )
    assert tags[0] == tags[1]


def _ct_with_syntax(module, uid: str) -> bytes:
    from pydicom.data import get_testdata_file

    ds = module.dcmread(get_testdata_file("CT_small.dcm"))
    ds.file_meta.TransferSyntaxUID = uid
    buf = io.BytesIO()
    ds.save_as(buf)
    return buf.getvalue()


def test_pixels_of_an_unknown_transfer_syntax_raise_notimplementederror_like_pydicom():
    for module in (pydicom, dcmcore):
        ds = module.dcmread(io.BytesIO(_ct_with_syntax(module, "1.2.3.4")))
        with pytest.raises(NotImplementedError, match="'1.2.3.4' is not supported"):
            ds.pixel_array  # noqa: B018


def test_an_implicit_vr_file_meta_is_read_with_pydicoms_warning():
    meta = b"\x02\x00\x10\x00" + (18).to_bytes(4, "little") + b"1.2.840.10008.1.2\x00"
    data = b"\0" * 128 + b"DICM" + meta + b"\x10\x00\x10\x00\x02\x00\x00\x00a "
    for module in (pydicom, dcmcore):
        with pytest.warns(UserWarning, match="Expected explicit VR, but found implicit VR"):
            ds = module.dcmread(io.BytesIO(data))
        assert ds.PatientName == "a"
        assert ds.file_meta.TransferSyntaxUID == "1.2.840.10008.1.2"


def test_json_un_inline_binary_of_a_known_sequence_is_parsed_like_pydicom():
    import base64
    import json

    results = []
    for module in (pydicom, dcmcore):
        ds = module.Dataset()
        item = module.Dataset()
        item.ReferencedSOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
        ds.ReferencedImageSequence = [item]
        buf = io.BytesIO()
        ds.save_as(buf, implicit_vr=True, little_endian=True)
        value = buf.getvalue()[8:]  # the sequence's items
        text = json.dumps(
            {"00081140": {"vr": "UN", "InlineBinary": base64.b64encode(value).decode()}}
        )
        back = module.Dataset.from_json(text)
        results.append(
            (
                back["ReferencedImageSequence"].VR,
                back.ReferencedImageSequence[0].ReferencedSOPClassUID,
            )
        )
    assert results[0] == results[1] == ("SQ", "1.2.840.10008.5.1.4.1.1.2")
