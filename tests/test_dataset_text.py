"""str(), top() and formatted_lines() of datasets, compared with pydicom's."""

from __future__ import annotations

from typing import Any

import pytest

from dcmcore.dataset import Dataset, FileDataset, FileMetaDataset
from tests.dataset_pairs import pair as _pair

pydicom = pytest.importorskip("pydicom")


def test_str_matches_pydicom() -> None:
    ours, theirs = _pair()
    assert str(ours) == str(theirs)
    assert repr(ours) == repr(theirs)


def test_top_matches_pydicom() -> None:
    ours, theirs = _pair()
    assert ours.top() == theirs.top()


@pytest.mark.parametrize(
    "element_format, sequence_format",
    [
        (Dataset.default_element_format, Dataset.default_sequence_element_format),
        ("%(tag)s %(keyword)s VM=%(VM)d %(VR)s", "%(tag)s SQ %(name)s"),
        ("%(name)s|%(is_private)s|%(is_retired)s|%(is_empty)s", "%(keyword)s"),
    ],
)
def test_formatted_lines_match_pydicom(element_format: str, sequence_format: str) -> None:
    ours, theirs = _pair()
    assert list(ours.formatted_lines(element_format, sequence_format)) == list(
        theirs.formatted_lines(element_format, sequence_format)
    )


def test_str_shows_file_meta_section_like_pydicom() -> None:
    ours_meta = FileMetaDataset()
    ours_meta.add_new(0x00020010, "UI", "1.2.840.10008.1.2.1")
    ours_meta.add_new(0x00020013, "SH", "TEST")
    theirs_meta = pydicom.dataset.FileMetaDataset()
    theirs_meta.add_new(0x00020010, "UI", "1.2.840.10008.1.2.1")
    theirs_meta.add_new(0x00020013, "SH", "TEST")
    ours = FileDataset("x.dcm", {}, file_meta=ours_meta)
    theirs = pydicom.dataset.FileDataset("x.dcm", {}, file_meta=theirs_meta)
    ours.PatientID = theirs.PatientID = "1"
    assert str(ours) == str(theirs)


def test_element_text_of_an_empty_dataset_is_empty() -> None:
    assert str(Dataset()) == "" == str(pydicom.Dataset())


_SAMPLE_VALUES: dict[str, Any] = {
    "AE": "AE1", "AS": "030Y", "AT": 0x00100010, "CS": "ABC", "DA": "20240101", "DS": "1.5",
    "DT": "20240101120000", "FD": 1.5, "FL": 2.5, "IS": "3", "LO": "lo", "LT": "lt",
    "OB": b"\x01\x02", "OD": b"\x00" * 8, "OF": b"\x00" * 4, "OL": b"\x00" * 4,
    "OV": b"\x00" * 8, "OW": b"\x00\x01", "PN": "A^B", "SH": "sh", "SL": -1, "SQ": [],
    "SS": -2, "ST": "st", "SV": -3, "TM": "120000", "UC": "uc", "UI": "1.2.3", "UL": 4,
    "UN": b"\x00\x01", "UR": "http://x", "US": 5, "UT": "ut", "UV": 6, "US or SS": 7,
    "OB or OW": b"\x00\x00", "US or OW": 8, "US or SS or OW": 9,
}


def _keyword_sample() -> list[tuple[str, str]]:
    from pydicom._dicom_dict import DicomDictionary

    entries = sorted((tag, e[0], e[4]) for tag, e in DicomDictionary.items() if e[4])
    return [(vr, keyword) for tag, vr, keyword in entries[::7] if vr in _SAMPLE_VALUES]


def test_many_keywords_print_and_format_like_pydicom() -> None:
    """One element for every 7th dictionary keyword, a sample value per VR."""
    ours, theirs = Dataset(), pydicom.Dataset()
    for vr, keyword in _keyword_sample():
        value = _SAMPLE_VALUES[vr]
        setattr(ours, keyword, value)
        setattr(theirs, keyword, value)
    assert len(ours) == len(theirs) > 100
    assert str(ours) == str(theirs)
    fmt = "%(tag)s|%(keyword)s|%(VR)s|%(VM)s|%(is_retired)s|%(repval)s|%(is_empty)s"
    assert list(ours.formatted_lines(fmt, fmt)) == list(theirs.formatted_lines(fmt, fmt))
    assert ours.dir() == theirs.dir()
    assert [repr(e.value) for e in ours] == [repr(e.value) for e in theirs]
