"""dcmcore.values.convert_*: pydicom's raw value converters give pydicom's values on real files."""

from __future__ import annotations

import pydicom
import pydicom.values as pvalues
import pytest
from pydicom.data import get_testdata_file

import dcmcore
from dcmcore import values
from dcmcore.element import RawDataElement
from dcmcore.tag import BaseTag

FILES = ["CT_small.dcm", "MR_small.dcm", "rtplan.dcm", "rtdose.dcm", "MR_small_bigendian.dcm",
         "ExplVR_BigEnd.dcm", "SC_rgb_small_odd.dcm", "test-SR.dcm", "reportsi.dcm",
         "waveform_ecg.dcm", "nested_priv_SQ.dcm"]  # fmt: skip


def _same(a, b):
    if isinstance(b, pydicom.sequence.Sequence):
        return len(a) == len(b) and all(str(x) == str(y) for x, y in zip(a, b))
    return a == b and type(a).__name__ == type(b).__name__ or (str(a) == str(b) and a == b)


@pytest.mark.parametrize("name", FILES)
def test_convert_value_gives_pydicoms_values_for_every_top_level_element(name):
    path = get_testdata_file(name)
    ds = pydicom.dcmread(path)
    encodings = ds._character_set
    checked = 0
    for tag in list(ds.keys()):
        raw = ds.get_item(tag)
        if not getattr(raw, "is_raw", False) or tag == 0x00080005:
            continue
        vr = pydicom.dataelem.convert_raw_data_element(raw, ds=ds).VR
        theirs = pvalues.convert_value(vr, raw, encodings)
        ours_raw = RawDataElement(BaseTag(raw.tag), raw.VR, raw.length, raw.value,
                                  raw.value_tell, raw.is_implicit_VR, raw.is_little_endian)  # fmt: skip
        ours = values.convert_value(vr, ours_raw, encodings)
        assert _same(ours, theirs), (tag, vr, ours, theirs)
        checked += 1
    assert checked > 0


@pytest.mark.parametrize(
    ("func", "args"),
    [
        ("convert_AE_string", (b" AE1 ", True)),
        ("convert_ATvalue", (b"\x10\x00\x10\x00\x08\x00\x18\x00", True)),
        ("convert_DA_string", (b"20240101\\20240102", True)),
        ("convert_DS_string", (b"1.5\\-2 ", True)),
        ("convert_DT_string", (b"20240101120000 ", True)),
        ("convert_IS_string", (b"12\\-3", True)),
        ("convert_OBvalue", (b"\x01\x02", True)),
        ("convert_OWvalue", (b"\x01\x02", False)),
        ("convert_OVvalue", (b"\x01" * 8, True)),
        ("convert_UN", (b"\x01\x02", True)),
        ("convert_TM_string", (b"120000.5 ", True)),
        ("convert_UI", (b"1.2.840.10008.1.2\x00", True)),
        ("convert_UR_string", (b"http://x ", True)),
        ("convert_string", (b"ORIGINAL\\PRIMARY ", True)),
        ("convert_numbers", (b"\x01\x00\x02\x00", True, "H")),
        ("convert_numbers", (b"\x00\x01", False, "h")),
        ("convert_numbers", (b"", True, "H")),
        ("convert_numbers", (b"\x00\x00\x80\x3f", True, "f")),
        ("convert_tag", (b"\x10\x00\x20\x00", True)),
        ("convert_tag", (b"\xff\xff\x00\x10\x00\x20\x00", False, 3)),
        ("convert_PN", (b"Doe^John\\Roe^Jane",)),
        ("convert_text", (b"abc\\def ", ["iso8859"], "LO")),
        ("convert_single_string", (b"a\\b\r\n ", ["iso8859"], "LT")),
        ("multi_string", ("a\\b\\c",)),
        ("multi_string", ("1\\2", int)),
    ],
)
def test_each_converter_matches_pydicom(func, args):
    ours = getattr(values, func)(*args)
    theirs = getattr(pvalues, func)(*args)
    assert ours == theirs
    assert type(ours).__name__ == type(theirs).__name__ or isinstance(ours, list)


def test_convert_numbers_rejects_a_bad_length_like_pydicom():
    with pytest.raises(dcmcore.errors.BytesLengthException):
        values.convert_numbers(b"\x01\x00\x02", True, "H")
    with pytest.raises(pydicom.errors.BytesLengthException):
        pvalues.convert_numbers(b"\x01\x00\x02", True, "H")


def test_convert_SQ_parses_items_as_pydicom():
    path = get_testdata_file("rtplan.dcm")
    ds = pydicom.dcmread(path)
    raw = ds.get_item(0x300A00B0)  # Beam Sequence
    theirs = pvalues.convert_SQ(raw.value, raw.is_implicit_VR, raw.is_little_endian)
    ours = values.convert_SQ(raw.value, raw.is_implicit_VR, raw.is_little_endian)
    assert len(ours) == len(theirs)
    assert ours[0].BeamName == theirs[0].BeamName
    assert (
        ours[0].ControlPointSequence[0].GantryAngle == theirs[0].ControlPointSequence[0].GantryAngle
    )


def test_converters_table_covers_pydicoms_vrs():
    assert {str(k) for k in values.converters} == {str(k) for k in pvalues.converters}
    assert [str(v) for v in values.convert_retry_VR_order] == [
        str(v) for v in pvalues.convert_retry_VR_order
    ]


def test_unknown_vr_raises_not_implemented():
    raw = RawDataElement(BaseTag(0x00100010), "ZZ", 2, b"ab", 0, False, True)
    with pytest.raises(NotImplementedError):
        values.convert_value("ZZ", raw)
