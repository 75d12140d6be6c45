"""Datasets built alike in dcmcore and pydicom, for the differential dataset tests."""

from __future__ import annotations

from typing import Any

from dcmcore.dataset import Dataset


def fill(ds: Any, seq_item: Any, inner: Any) -> Any:
    """Build the same content into a dcmcore or pydicom dataset."""
    ds.PatientName = "Doe^John"
    ds.PatientID = "12345"
    ds.ImageType = ["ORIGINAL", "PRIMARY", "AXIAL"]
    ds.SliceThickness = "2.5"
    ds.InstanceNumber = "7"
    ds.Rows = 512
    ds.Columns = 256
    ds.PixelSpacing = ["0.5", "0.5"]
    ds.StudyDescription = ""
    ds.WindowCenter = None
    ds.ImageComments = "a comment longer than sixteen characters"
    ds.add_new(0x00291010, "OB", b"\x00" * 40)
    ds.add_new(0x00290010, "LO", "ACME")
    inner.PatientID = "inner"
    seq_item.ReferencedSOPClassUID = "1.2.3.4"
    seq_item.ReferencedImageSequence = [inner]
    ds.ReferencedImageSequence = [seq_item, type(seq_item)()]
    ds.add_new(0x00280106, "US", 0)
    return ds


def pair() -> tuple[Dataset, Any]:
    """The same content in a dcmcore dataset and in a pydicom dataset."""
    import pydicom

    ours = fill(Dataset(), Dataset(), Dataset())
    theirs = fill(pydicom.Dataset(), pydicom.Dataset(), pydicom.Dataset())
    return ours, theirs
