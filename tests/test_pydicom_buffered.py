"""pydicom 3's buffered values: OB/OW element values held as file-like buffers."""

from __future__ import annotations

import base64
import io

import numpy as np
import pydicom
import pytest
from pydicom.data import get_testdata_file

import dcmcore

CT = get_testdata_file("CT_small.dcm")


def _with_buffered_pixels(module, start: int = 0):
    ds = module.dcmread(CT)
    data = ds.PixelData
    buf = io.BytesIO(b"\xee" * start + data)
    buf.seek(start)
    ds.PixelData = buf
    return ds, buf, data


@pytest.mark.parametrize("start", [0, 6])
def test_a_buffered_value_is_written_from_its_position_as_pydicom(start):
    written = []
    for module in (pydicom, dcmcore):
        ds, buf, data = _with_buffered_pixels(module, start)
        assert ds["PixelData"].is_buffered
        out = io.BytesIO()
        ds.save_as(out)
        assert buf.tell() == start  # the buffer's position is kept
        back = module.dcmread(io.BytesIO(out.getvalue()))
        assert back.PixelData == data
        written.append(back.PixelData)
    assert written[0] == written[1]


def test_buffered_ow_is_byte_swapped_for_big_endian_as_pydicom():
    outs = []
    for module in (pydicom, dcmcore):
        ds = module.Dataset()
        ds.add_new(0x00091010, "OW", io.BytesIO(b"\x01\x02\x03\x04"))
        out = io.BytesIO()
        ds.save_as(out, implicit_vr=False, little_endian=False)
        outs.append(out.getvalue())
    assert outs[0] == outs[1]


def test_pixel_array_of_buffered_pixel_data_matches_pydicom():
    ours, _, _ = _with_buffered_pixels(dcmcore, 4)
    theirs, _, _ = _with_buffered_pixels(pydicom, 4)
    np.testing.assert_array_equal(ours.pixel_array, theirs.pixel_array)


def test_buffered_elements_compare_by_content_as_pydicom():
    for module in (pydicom, dcmcore):
        a = module.DataElement(0x7FE00010, "OB", io.BytesIO(b"ab"))
        assert a == module.DataElement(0x7FE00010, "OB", b"ab")
        assert a == module.DataElement(0x7FE00010, "OB", io.BytesIO(b"ab"))
        assert a != module.DataElement(0x7FE00010, "OB", io.BytesIO(b"ac"))


def test_only_bufferable_vrs_take_a_buffer_as_pydicom():
    for module in (pydicom, dcmcore):
        with pytest.raises(ValueError):
            module.DataElement(0x00100010, "PN", io.BytesIO(b"x"))


def test_json_of_a_buffered_value_holds_its_bytes():
    ds, _, data = _with_buffered_pixels(dcmcore)
    assert base64.b64decode(ds.to_json_dict()["7FE00010"]["InlineBinary"]) == data
