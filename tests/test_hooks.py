"""dcmcore.hooks: pydicom 3's raw element hooks change how files are read, as in pydicom."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pydicom
import pydicom.hooks as phooks
import pytest

import dcmcore
from dcmcore import element, hooks


@pytest.fixture(autouse=True)
def reset_hooks() -> Iterator[None]:
    yield
    for module in (hooks, phooks):
        module.hooks.raw_element_vr = module.raw_element_vr
        module.hooks.raw_element_value = module.raw_element_value
        module.hooks.raw_element_kwargs = {}
    assert element.conversion_hook is None


def _file_with_value(vr: bytes, value: bytes) -> bytes:
    ds = dcmcore.Dataset()
    ds.PatientName = "A^B"
    ds.SliceThickness = "1"
    buf = io.BytesIO()
    ds.save_as(buf, implicit_vr=False, little_endian=True)
    data = buf.getvalue()
    i = data.index(b"DS\x02\x00")
    return data[:i] + vr + len(value).to_bytes(2, "little") + value + data[i + 6 :]


def _read_both(data):
    return dcmcore.dcmread(io.BytesIO(data), force=True), pydicom.dcmread(
        io.BytesIO(data), force=True
    )


def test_fix_separator_hook_reads_commas_as_pydicom_does():
    data = _file_with_value(b"DS", b"1,5 ")
    for module in (hooks, phooks):
        module.hooks.register_callback("raw_element_value", module.raw_element_value_fix_separator)
        module.hooks.register_kwargs("raw_element_kwargs", {"target_VRs": ("DS",)})
    assert element.conversion_hook is not None
    ours, theirs = _read_both(data)
    assert ours.SliceThickness == theirs.SliceThickness == [1, 5]
    assert ours.PatientName == theirs.PatientName


def test_retry_hook_tries_the_target_vrs_as_pydicom_does():
    data = _file_with_value(b"DS", b"\x01\x02")
    for module in (hooks, phooks):
        module.hooks.register_callback("raw_element_value", module.raw_element_value_retry)
        module.hooks.register_kwargs("raw_element_kwargs", {"target_VRs": {"DS": ("US",)}})
    with dcmcore.config.strict_reading():
        ours = dcmcore.dcmread(io.BytesIO(data), force=True)
        ours_value, ours_vr = ours.SliceThickness, ours["SliceThickness"].VR
    pydicom.config.settings.reading_validation_mode = pydicom.config.RAISE
    try:
        theirs = pydicom.dcmread(io.BytesIO(data), force=True)
        theirs_value, theirs_vr = theirs.SliceThickness, theirs["SliceThickness"].VR
    finally:
        pydicom.config.settings.reading_validation_mode = None
    assert (ours_value, ours_vr) == (theirs_value, theirs_vr) == (513, "US")


def test_a_custom_vr_hook_is_used_for_every_element():
    def vr_hook(raw, data, **kwargs):
        hooks.raw_element_vr(raw, data, **kwargs)
        if raw.tag == 0x00100010:
            data["VR"] = "LO"

    hooks.hooks.register_callback("raw_element_vr", vr_hook)
    ds = dcmcore.dcmread(io.BytesIO(_file_with_value(b"DS", b"2 ")), force=True)
    assert ds["PatientName"].VR == "LO"
    assert ds.PatientName == "A^B"
    assert ds.SliceThickness == 2


def test_registering_bad_hooks_raises_like_pydicom():
    with pytest.raises(TypeError):
        hooks.hooks.register_callback("raw_element_value", 5)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        hooks.hooks.register_callback("nope", print)
    with pytest.raises(TypeError):
        hooks.hooks.register_kwargs("raw_element_kwargs", [])  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        hooks.hooks.register_kwargs("nope", {})


def test_default_hooks_leave_the_direct_conversion_in_place():
    assert hooks.hooks.is_default()
    assert element.conversion_hook is None


def test_a_vr_hook_may_keep_a_known_tag_as_un():
    def vr_hook(raw, data, **kwargs):
        hooks.raw_element_vr(raw, data, **kwargs)
        if raw.tag == 0x00100010:
            data["VR"] = "UN"

    hooks.hooks.register_callback("raw_element_vr", vr_hook)
    ds = dcmcore.dcmread(io.BytesIO(_file_with_value(b"DS", b"2 ")), force=True)
    assert ds["PatientName"].VR == "UN"
    assert ds.PatientName == b"A^B "
