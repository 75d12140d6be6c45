"""dcmcore.util.codify: the code pydicom's codify writes, and running it rebuilds the file."""

from __future__ import annotations

import pydicom
import pytest
from pydicom.data import get_testdata_file
from pydicom.util import codify as pcodify

import dcmcore
from dcmcore.util import codify

FILES = ["rtplan.dcm", "CT_small.dcm", "MR_small.dcm", "test-SR.dcm", "nested_priv_SQ.dcm",
         "waveform_ecg.dcm", "rtstruct.dcm"]  # fmt: skip


def _as_dcmcore(code: str) -> str:
    for old in ("import pydicom", "from pydicom.", "Produced by pydicom"):
        code = code.replace(old, old.replace("pydicom", "dcmcore"))
    return code


@pytest.mark.parametrize("private", [False, True])
@pytest.mark.parametrize("name", FILES)
def test_code_file_writes_pydicoms_code_with_dcmcore_imports(name, private):
    path = get_testdata_file(name)
    ours = codify.code_file(path, 100, private)
    theirs = pcodify.code_file(path, 100, private)
    assert ours == _as_dcmcore(theirs)


# nested_priv_SQ.dcm: private sequences are coded as ``ds.Tag00010001 = ...`` (an
# attribute, not an element), as pydicom's codify does
@pytest.mark.parametrize("name", [n for n in FILES if n != "nested_priv_SQ.dcm"])
def test_running_the_code_rebuilds_the_data_set(name):
    path = get_testdata_file(name)
    code = codify.code_file(path, None, True)
    namespace: dict[str, object] = {}
    exec(compile(code, name, "exec"), namespace)  # noqa: S102 - our own generated code
    rebuilt = namespace["ds"]
    original = dcmcore.dcmread(path, force=True)
    assert isinstance(rebuilt, dcmcore.Dataset)
    assert [e.tag for e in rebuilt.iterall()] == [e.tag for e in original.iterall()]
    for ours, theirs in zip(rebuilt.iterall(), original.iterall()):
        if ours.VR != "SQ":
            assert ours.value == theirs.value, ours.tag
    assert rebuilt.file_meta.get("TransferSyntaxUID") == original.file_meta.get("TransferSyntaxUID")
    assert rebuilt.original_encoding[:2] == original.original_encoding[:2]


def test_element_and_dataset_code_match_pydicom():
    ds = dcmcore.Dataset()
    ds.PatientName = "Doe^John"
    ds.add_new(0x00091001, "LO", "private")
    ds.FrameIncrementPointer = 0x00181063
    ds.PixelData = b"\0" * 200
    theirs = pydicom.Dataset()
    theirs.PatientName = "Doe^John"
    theirs.add_new(0x00091001, "LO", "private")
    theirs.FrameIncrementPointer = 0x00181063
    theirs.PixelData = b"\0" * 200
    for private in (False, True):
        assert codify.code_dataset(ds, "ds", 100, private) == pcodify.code_dataset(
            theirs, "ds", 100, private
        )
    assert codify.code_dataelem(ds["PatientName"]) == pcodify.code_dataelem(theirs["PatientName"])
    assert codify.tag_repr(dcmcore.tag.Tag(0x00100010)) == "(0x0010, 0x0010)"
    assert codify.camel_to_underscore("ControlPointSequence") == "control_point_sequence"
    assert codify.default_name_filter("ReferencedFractionGroupSequence") == (
        pcodify.default_name_filter("ReferencedFractionGroupSequence")
    )


def test_main_writes_code_and_a_save_line(tmp_path, capsys):
    path = get_testdata_file("CT_small.dcm")
    out = tmp_path / "ct.py"
    assert codify.main(100, [path, str(out), "-s", "copy.dcm"]) == 0
    code = out.read_text(encoding="utf-8")
    assert code.rstrip().endswith("ds.save_as(r'copy.dcm', enforce_file_format=True)")
    assert "# XXX Array of 32768 bytes excluded" in code
    assert codify.main(100, [path, "-e", "100000"]) == 0
    assert "ds.PixelData = b'" in capsys.readouterr().out
