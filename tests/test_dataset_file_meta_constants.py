"""validate_file_meta fills in the implementation constants the writer writes (from uid.py)."""

from __future__ import annotations

from dcmcore import uid
from dcmcore.dataset import FileMetaDataset, validate_file_meta
from dcmcore.io import writer


def test_validate_file_meta_adds_the_uid_module_implementation_values() -> None:
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
    meta.MediaStorageSOPInstanceUID = "1.2.3"
    meta.TransferSyntaxUID = "1.2.840.10008.1.2.1"
    validate_file_meta(meta)
    assert meta.ImplementationClassUID == uid.IMPLEMENTATION_CLASS_UID
    assert meta.ImplementationVersionName == uid.IMPLEMENTATION_VERSION_NAME


def test_writer_and_uid_module_agree_on_the_implementation_values() -> None:
    assert writer.IMPLEMENTATION_CLASS_UID == uid.IMPLEMENTATION_CLASS_UID
    assert writer.IMPLEMENTATION_VERSION_NAME == uid.IMPLEMENTATION_VERSION_NAME
    assert uid.IMPLEMENTATION_CLASS_UID == str(uid.DCMCORE_IMPLEMENTATION_UID)
