"""Programs written for pydicom 3 run on dcmcore after ``s/pydicom/dcmcore/``.

Each program below is ordinary pydicom code. The test runs it once as written and
once with every ``pydicom`` in its text replaced by ``dcmcore`` (what a user does to
its imports), and checks that both give the same ``result``. File paths come in
through ``DATA`` so that the rewrite does not touch them.
"""

from __future__ import annotations

import re
import warnings
from typing import Any

import numpy as np
import pytest
from pydicom.data import get_testdata_file

NAMES = ["CT_small.dcm", "MR_small.dcm", "rtplan.dcm", "JPEG2000.dcm", "SC_rgb.dcm",
         "MR_small_bigendian.dcm", "waveform_ecg.dcm", "examples_overlay.dcm",
         "nested_priv_SQ.dcm", "rtdose.dcm", "examples_palette.dcm"]  # fmt: skip


def _data() -> dict[str, str]:
    found = {}
    for name in NAMES:
        path = get_testdata_file(name)
        if path:
            found[name] = str(path)
    return found


SERIES_WITH_LUTS = '''
from pydicom import dcmread
from pydicom.pixels import apply_modality_lut, apply_voi_lut
from pydicom.pixels.processing import apply_windowing

result = {}
for name in ("CT_small.dcm", "MR_small.dcm", "MR_small_bigendian.dcm", "rtdose.dcm"):
    ds = dcmread(DATA[name])
    arr = ds.pixel_array
    hu = apply_modality_lut(arr, ds)
    result[name] = {
        "shape": arr.shape, "dtype": str(arr.dtype), "raw": arr,
        "modality": hu,
        "voi": apply_voi_lut(hu, ds) if "WindowCenter" in ds else None,
        "window": apply_windowing(hu.astype("float64"), ds) if "WindowCenter" in ds else None,
        "position": [float(x) for x in ds.get("ImagePositionPatient", [])],
        "spacing": [float(x) for x in ds.get("PixelSpacing", [])],
    }
'''

ANONYMISE_AND_WRITE = '''
import io
import pydicom
from pydicom.dataset import Dataset
from pydicom.uid import generate_uid

def person_names_callback(dataset, data_element):
    if data_element.VR == "PN":
        data_element.value = "anonymous"

def curves_callback(dataset, data_element):
    if data_element.tag.group & 0xFF00 == 0x5000:
        del dataset[data_element.tag]

result = {}
for name in ("CT_small.dcm", "rtplan.dcm", "MR_small.dcm"):
    ds = pydicom.dcmread(DATA[name])
    ds.PatientID = "id"
    ds.walk(person_names_callback)
    ds.walk(curves_callback)
    ds.remove_private_tags()
    for keyword in ["OtherPatientIDs", "OtherPatientIDsSequence", "PatientBirthDate"]:
        if keyword in ds:
            delattr(ds, keyword)
    ds.data_element("StudyDate").value = "20000101" if "StudyDate" in ds else None
    out = io.BytesIO()
    ds.save_as(out, enforce_file_format=True)
    back = pydicom.dcmread(io.BytesIO(out.getvalue()))
    result[name] = {
        "keywords": [e.keyword for e in back],
        "names": [str(e.value) for e in back.iterall() if e.VR == "PN"],
        "values": [(str(e.tag), str(e.value)[:40]) for e in back.iterall()
                   if e.VR not in ("SQ", "OB", "OW", "UN") and e.tag.group != 2],
        "private": any(e.tag.is_private for e in back.iterall()),
        "pixels": back.pixel_array if "PixelData" in back else None,
    }
'''

BUILD_AND_ENCAPSULATE = '''
import io
import numpy as np
from pydicom import Dataset, dcmread
from pydicom.dataset import FileMetaDataset
from pydicom.encaps import encapsulate, encapsulate_extended, generate_frames, get_frame
from pydicom.uid import ExplicitVRLittleEndian, RLELossless, generate_uid

rng = np.random.default_rng(7)
frames = rng.integers(0, 4096, size=(3, 16, 24), dtype=np.uint16)

ds = Dataset()
ds.file_meta = FileMetaDataset()
ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.7"
ds.SOPInstanceUID = "1.2.3.4"
ds.Rows, ds.Columns = 16, 24
ds.SamplesPerPixel = 1
ds.PhotometricInterpretation = "MONOCHROME2"
ds.BitsAllocated, ds.BitsStored, ds.HighBit = 16, 12, 11
ds.PixelRepresentation = 0
ds.NumberOfFrames = 3
ds.PixelData = frames.tobytes()
ds.compress(RLELossless, encoding_plugin="pydicom")
fragments = list(generate_frames(ds.PixelData, number_of_frames=3))
again = encapsulate(fragments)
ext, offsets, lengths = encapsulate_extended(fragments)
out = io.BytesIO()
ds.save_as(out, enforce_file_format=True)
back = dcmread(io.BytesIO(out.getvalue()))
result = {
    "same_stream": again == ds.PixelData,
    "frames": [len(f) for f in fragments],
    "frame1": get_frame(ds.PixelData, 1, number_of_frames=3) == fragments[1],
    "ext_offsets": offsets, "ext_lengths": lengths,
    "decoded": back.pixel_array,
    "syntax": str(back.file_meta.TransferSyntaxUID),
}
'''

PRIVATE_DICTIONARY = '''
from pydicom import Dataset
from pydicom.datadict import add_private_dict_entries, add_dict_entries, get_private_entry, keyword_for_tag

add_private_dict_entries("ACME 1.1", {
    0x00410001: ("US", "1", "Acme Width", ""),
    0x00410002: ("DS", "1-n", "Acme Scale", ""),
})
add_dict_entries({0x10121001: ("LO", "1", "Acme Public", "", "AcmePublic")})
ds = Dataset()
block = ds.private_block(0x0041, "ACME 1.1", create=True)
block.add_new(0x01, "US", 512)
block.add_new(0x02, "DS", ["1.5", "2"])
ds.AcmePublic = "x"
result = {
    "text": str(ds),
    "entry": get_private_entry(0x00411002, "ACME 1.1"),
    "name": block[0x02].name,
    "keyword": keyword_for_tag(0x10121001),
    "value": [float(x) for x in block[0x02].value],
}
'''

JSON_ROUND_TRIP = '''
import json
import pydicom
from pydicom import Dataset

result = {}
for name in ("CT_small.dcm", "rtplan.dcm", "MR_small.dcm"):
    ds = pydicom.dcmread(DATA[name], stop_before_pixels=True)
    text = ds.to_json(bulk_data_threshold=64, bulk_data_element_handler=lambda e: "http://bulk")
    back = Dataset.from_json(text, bulk_data_uri_handler=lambda tag, vr, uri: b"")
    result[name] = {
        "json": json.loads(text),
        "back": [(str(e.tag), e.VR, str(e.value)[:60]) for e in back.iterall()],
        "dict": json.loads(json.dumps(ds.to_json_dict(64, lambda e: "http://bulk"))),
    }
'''

VALUES_AND_SETTINGS = '''
import io
from pydicom import config, dcmread
from pydicom.valuerep import DSfloat, IS, PersonName, VR
from pydicom.multival import MultiValue
from pydicom.datadict import dictionary_description, keyword_for_tag, tag_for_keyword
from pydicom.tag import Tag
from pydicom.hooks import hooks, raw_element_value_fix_separator

config.settings.reading_validation_mode = config.WARN
pn = PersonName("Yamada^Tarou=山田^太郎")
result = {
    "pn": (pn.family_name, pn.given_name, pn.ideographic),
    "ds": (str(DSfloat("1.500")), float(DSfloat(2.25, auto_format=True))),
    "is": int(IS("12")),
    "mv": list(MultiValue(int, ["1", "2"])),
    "vr": [str(v) for v in sorted(VR)[:5]],
    "dict": (dictionary_description(0x00100010), keyword_for_tag(0x00280010),
             tag_for_keyword("Rows"), str(Tag("PatientName"))),
}
ds = dcmread(DATA["CT_small.dcm"])
result["decimal"] = None
config.DS_decimal(True)
try:
    result["decimal"] = str(dcmread(DATA["CT_small.dcm"]).SliceThickness)
finally:
    config.DS_decimal(False)
hooks.register_callback("raw_element_value", raw_element_value_fix_separator)
hooks.register_kwargs("raw_element_kwargs", {"target_VRs": ("DS",)})
try:
    result["sep"] = str(dcmread(DATA["CT_small.dcm"]).PixelSpacing)
finally:
    from pydicom.hooks import raw_element_value
    hooks.register_callback("raw_element_value", raw_element_value)
    hooks.register_kwargs("raw_element_kwargs", {})
'''

LOW_LEVEL_IO = '''
from pydicom.filebase import DicomBytesIO
from pydicom.filereader import read_preamble, read_dataset, data_element_generator
from pydicom.filewriter import write_dataset, write_file_meta_info
from pydicom import dcmread

with open(DATA["CT_small.dcm"], "rb") as fp:
    preamble = read_preamble(fp, False)
    meta = read_dataset(fp, False, True, stop_when=lambda tag, vr, length: tag.group != 2)
    start = fp.tell()
    tags = [int(raw.tag) for raw in data_element_generator(fp, False, True)]
ds = dcmread(DATA["CT_small.dcm"])
del ds.PixelData
out = DicomBytesIO()
out.is_little_endian, out.is_implicit_VR = True, True
write_dataset(out, ds)
meta_out = DicomBytesIO()
write_file_meta_info(meta_out, ds.file_meta, enforce_standard=False)
result = {"preamble": len(preamble), "meta": [int(t) for t in meta.keys()], "start": start,
          "tags": tags, "written": out.getvalue(), "meta_bytes": meta_out.getvalue()}
'''

CODIFY = '''
from pydicom.util.codify import code_file
code = code_file(DATA["rtplan.dcm"], 100, False)
result = [line for line in code.splitlines() if not line.startswith(("#", "import", "from"))]
'''

PROGRAMS = {
    "series_with_luts": SERIES_WITH_LUTS,
    "anonymise_and_write": ANONYMISE_AND_WRITE,
    "build_and_encapsulate": BUILD_AND_ENCAPSULATE,
    "private_dictionary": PRIVATE_DICTIONARY,
    "json_round_trip": JSON_ROUND_TRIP,
    "values_and_settings": VALUES_AND_SETTINGS,
    "low_level_io": LOW_LEVEL_IO,
    "codify": CODIFY,
}


def _rewrite(program: str) -> str:
    """``s/pydicom/dcmcore/`` on the code (module names), not inside string literals."""
    return re.sub(r"(?<![\"'])\bpydicom\b(?![\"'])", "dcmcore", program)


def _run(program: str, rewrite: bool) -> Any:
    if rewrite:
        program = _rewrite(program)
    namespace: dict[str, Any] = {"DATA": _data(), "__name__": "program"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(compile(program, "program.py", "exec"), namespace)  # noqa: S102 - the test's own code
    return namespace["result"]


def _assert_same(ours: Any, theirs: Any, where: str = "result") -> None:
    if isinstance(theirs, np.ndarray):
        assert isinstance(ours, np.ndarray), where
        assert ours.shape == theirs.shape, where
        assert ours.dtype == theirs.dtype, where
        np.testing.assert_allclose(ours, theirs, err_msg=where)
    elif isinstance(theirs, dict):
        assert set(ours) == set(theirs), where
        for key in theirs:
            _assert_same(ours[key], theirs[key], f"{where}[{key!r}]")
    elif isinstance(theirs, (list, tuple)):
        assert len(ours) == len(theirs), where
        for i, (a, b) in enumerate(zip(ours, theirs)):
            _assert_same(a, b, f"{where}[{i}]")
    else:
        assert ours == theirs, where


@pytest.mark.parametrize("name", list(PROGRAMS))
def test_pydicom_program_gives_pydicoms_result_after_renaming_its_imports(name):
    program = PROGRAMS[name]
    theirs = _run(program, rewrite=False)
    ours = _run(program, rewrite=True)
    _assert_same(ours, theirs)


def test_the_rewrite_leaves_no_pydicom_module_name():
    for program in PROGRAMS.values():
        assert "pydicom" not in _rewrite(program).replace('"pydicom"', "")
