"""Conformance of dcmcore's FileDataset (attributes, ``__init__``, ``save_as``) to pydicom 3's documentation.

pydicom 3's documentation of ``FileDataset`` is the specification; pydicom
itself is the reference where the documentation is silent.
"""

from __future__ import annotations

import io
import os
import pathlib
import pickle
import warnings
from typing import Any

import pytest

from dcmcore.dataset import Dataset, FileDataset, FileMetaDataset
from dcmcore.element import DataElement
from dcmcore.io.reader import dcmread
from dcmcore.tag import BaseTag

pydicom = pytest.importorskip("pydicom")
from pydicom.data import get_testdata_file  # noqa: E402

CT = get_testdata_file("CT_small.dcm")
MR_BE = get_testdata_file("MR_small_bigendian.dcm")
NO_META = get_testdata_file("ExplVR_LitEndNoMeta.dcm")
EXPLICIT_LE = "1.2.840.10008.1.2.1"
IMPLICIT_LE = "1.2.840.10008.1.2"


def _read_bytes(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read()


def _quiet_read(src: Any, lib: Any = None, **kwargs: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return (lib.dcmread if lib else dcmread)(src, **kwargs)


# ============================================================ attributes after dcmread
def test_read_from_path_str() -> None:
    ds = dcmread(CT)
    assert isinstance(ds, FileDataset)
    assert ds.filename == CT
    assert isinstance(ds.filename, str)
    assert ds.buffer is None
    assert ds.fileobj_type is open
    assert ds.timestamp == os.stat(CT).st_mtime
    assert isinstance(ds.timestamp, float)


def test_read_from_pathlike_gives_str_filename() -> None:
    ds = dcmread(pathlib.Path(CT))
    assert ds.filename == CT
    assert isinstance(ds.filename, str)
    assert ds.buffer is None
    assert ds.timestamp == os.stat(CT).st_mtime


def test_read_from_file_object_rb() -> None:
    with open(CT, "rb") as f:
        ds = dcmread(f)
        ref = pydicom.dcmread(CT)
    assert ds.filename == CT
    assert ds.buffer is None
    assert ds.fileobj_type is ref.fileobj_type
    assert ds.timestamp == os.stat(CT).st_mtime


def test_read_from_buffer() -> None:
    buf = io.BytesIO(_read_bytes(CT))
    ds = dcmread(buf)
    ref = pydicom.dcmread(io.BytesIO(_read_bytes(CT)))
    assert ds.filename is None
    assert ds.buffer is buf
    assert ds.fileobj_type is io.BytesIO is ref.fileobj_type
    assert ds.timestamp is None


def test_preamble_is_the_128_bytes_of_the_file() -> None:
    ds = dcmread(CT)
    assert isinstance(ds.preamble, bytes)
    assert ds.preamble == _read_bytes(CT)[:128]


def test_preamble_none_when_absent() -> None:
    ds = _quiet_read(NO_META, force=True)
    assert ds.preamble is None


def test_file_meta_is_file_meta_dataset_of_group_2() -> None:
    ds, ref = dcmread(CT), pydicom.dcmread(CT)
    assert isinstance(ds.file_meta, FileMetaDataset)
    assert [int(t) for t in ds.file_meta.keys()] == [int(t) for t in ref.file_meta.keys()]
    assert all(BaseTag(t).group == 2 for t in ds.file_meta.keys())
    assert ds.file_meta.TransferSyntaxUID == EXPLICIT_LE
    assert all(BaseTag(t).group != 2 for t in ds.keys())


def test_file_meta_empty_file_meta_dataset_if_none_in_file() -> None:
    ds = _quiet_read(NO_META, force=True)
    assert isinstance(ds.file_meta, FileMetaDataset)
    assert len(ds.file_meta) == 0


def test_file_meta_rejects_non_group_2_elements() -> None:
    with pytest.raises(ValueError):
        FileMetaDataset({BaseTag(0x00100010): DataElement(0x00100010, "PN", "x")})
    meta = FileMetaDataset()
    with pytest.raises(ValueError):
        meta.PatientName = "x"


def test_file_meta_set_from_plain_dataset_becomes_file_meta_dataset() -> None:
    ds = Dataset()
    meta = Dataset()
    meta.TransferSyntaxUID = EXPLICIT_LE
    ds.file_meta = meta
    assert isinstance(ds.file_meta, FileMetaDataset)
    assert ds.file_meta.TransferSyntaxUID == EXPLICIT_LE


# ============================================================ __init__
def test_init_with_path_and_dict() -> None:
    elem = DataElement(0x00100010, "PN", "Doe^John")
    ds = FileDataset(CT, {BaseTag(0x00100010): elem})
    assert ds.PatientName == "Doe^John"
    assert ds.filename == CT
    assert ds.buffer is None
    assert ds.timestamp == os.stat(CT).st_mtime
    assert ds.preamble is None
    assert isinstance(ds.file_meta, FileMetaDataset) and len(ds.file_meta) == 0


def test_init_defaults_implicit_vr_little_endian() -> None:
    ds = FileDataset("x.dcm", Dataset())
    ref = pydicom.FileDataset("x.dcm", pydicom.Dataset())
    assert ds.is_implicit_VR is True
    assert ds.is_little_endian is True
    assert ds.original_encoding == ref.original_encoding == (True, True)


def test_init_explicit_big_endian() -> None:
    ds = FileDataset("x.dcm", Dataset(), is_implicit_VR=False, is_little_endian=False)
    assert ds.is_implicit_VR is False
    assert ds.is_little_endian is False
    assert ds.original_encoding == (False, False)


def test_init_with_dataset_preamble_and_file_meta() -> None:
    src = dcmread(CT)
    meta = FileMetaDataset()
    meta.TransferSyntaxUID = EXPLICIT_LE
    preamble = b"\x01" * 128
    ds = FileDataset(CT, src, preamble=preamble, file_meta=meta, is_implicit_VR=False)
    assert ds.preamble == preamble
    assert ds.file_meta is meta
    assert len(ds) == len(src)
    assert ds.PatientName == src.PatientName


def test_init_with_non_existing_path_has_no_timestamp() -> None:
    ds = FileDataset("/no/such/dir/x.dcm", {})
    assert ds.filename == "/no/such/dir/x.dcm"
    assert ds.timestamp is None


def test_init_with_buffer() -> None:
    buf = io.BytesIO(b"")
    ds = FileDataset(buf, {})
    assert ds.filename is None
    assert ds.buffer is buf
    assert ds.fileobj_type is io.BytesIO


def test_init_with_readable_buffer_like_object() -> None:
    """'readable buffer: an object with read(), tell() and seek() methods'."""

    class Reader:
        def __init__(self, data: bytes) -> None:
            self._f = io.BytesIO(data)

        def read(self, size: int = -1) -> bytes:
            return self._f.read(size)

        def seek(self, offset: int, whence: int = 0) -> int:
            return self._f.seek(offset, whence)

        def tell(self) -> int:
            return self._f.tell()

    buf = Reader(_read_bytes(CT))
    ds = dcmread(buf)
    assert ds.buffer is buf
    assert ds.filename is None
    assert ds.fileobj_type is Reader
    assert ds.PatientName == pydicom.dcmread(CT).PatientName


def test_filedataset_is_a_dataset() -> None:
    ds = dcmread(CT)
    assert isinstance(ds, Dataset)
    other = FileDataset(CT, dcmread(CT))
    assert other == ds


# ============================================================ pickle / copy of FileDataset
def test_pickle_keeps_filedataset_attributes() -> None:
    ds = dcmread(CT)
    back = pickle.loads(pickle.dumps(ds))
    assert isinstance(back, FileDataset)
    for name in ("filename", "preamble", "timestamp", "buffer", "fileobj_type"):
        assert getattr(back, name) == getattr(ds, name), name
    assert back.file_meta == ds.file_meta
    assert back == ds


def test_pickle_of_dataset_read_from_bytesio() -> None:
    ds = dcmread(io.BytesIO(_read_bytes(CT)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        back = pickle.loads(pickle.dumps(ds))
    assert back == ds
    assert back.filename is None


# ============================================================ save_as
def _scratch() -> Dataset:
    ds = Dataset()
    ds.PatientName = "A^B"
    ds.Rows = 2
    return ds


def _save(ds: Any, **kwargs: Any) -> bytes:
    buf = io.BytesIO()
    assert ds.save_as(buf, **kwargs) is None
    return buf.getvalue()


def test_save_as_path_round_trip(tmp_path: pathlib.Path) -> None:
    ds = dcmread(CT)
    out = tmp_path / "out.dcm"
    ds.save_as(out)
    assert out.read_bytes() == _read_bytes(CT)
    ds.save_as(str(out))
    assert pydicom.dcmread(out) == pydicom.dcmread(CT)


def test_save_as_writes_same_bytes_as_pydicom_for_corpus_files() -> None:
    for name in ("CT_small.dcm", "MR_small.dcm", "rtplan.dcm", "MR_small_bigendian.dcm"):
        path = get_testdata_file(name)
        mine = _save(dcmread(path))
        buf = io.BytesIO()
        pydicom.dcmread(path).save_as(buf)
        assert mine == buf.getvalue(), name


def test_save_as_file_object_and_buffer_like(tmp_path: pathlib.Path) -> None:
    ds = dcmread(CT)
    with open(tmp_path / "f.dcm", "wb") as f:
        ds.save_as(f)
    assert (tmp_path / "f.dcm").read_bytes() == _read_bytes(CT)

    class Writer:
        def __init__(self) -> None:
            self.f = io.BytesIO()

        def write(self, b: bytes) -> int:
            return self.f.write(b)

        def seek(self, offset: int, whence: int = 0) -> int:
            return self.f.seek(offset, whence)

        def tell(self) -> int:
            return self.f.tell()

    w = Writer()
    ds.save_as(w)
    assert w.f.getvalue() == _read_bytes(CT)


def test_save_as_without_encoding_raises() -> None:
    """No Transfer Syntax UID and no original encoding: implicit_vr is required."""
    with pytest.raises(ValueError):
        _save(_scratch())
    with pytest.raises(ValueError):
        _save(_scratch(), little_endian=True)


def test_save_as_implicit_vr_true() -> None:
    data = _save(_scratch(), implicit_vr=True)
    assert data.startswith(b"\x10\x00\x10\x00\x04\x00\x00\x00A^B ")
    buf = io.BytesIO()
    ref = pydicom.Dataset()
    ref.PatientName = "A^B"
    ref.Rows = 2
    ref.save_as(buf, implicit_vr=True)
    assert data == buf.getvalue()


def test_save_as_implicit_vr_false_defaults_to_little_endian() -> None:
    data = _save(_scratch(), implicit_vr=False)
    assert data.startswith(b"\x10\x00\x10\x00PN\x04\x00A^B ")
    back = _quiet_read(io.BytesIO(data), force=True)
    assert back.PatientName == "A^B"
    assert back.Rows == 2


def test_save_as_little_endian_false_writes_big_endian() -> None:
    data = _save(_scratch(), implicit_vr=False, little_endian=False)
    assert data.startswith(b"\x00\x10\x00\x10PN\x00\x04A^B ")
    assert b"\x00\x28\x00\x10US\x00\x02\x00\x02" in data


def test_save_as_uses_original_encoding_when_no_transfer_syntax() -> None:
    ds = dcmread(get_testdata_file("MR_small_implicit.dcm"))
    del ds.file_meta.TransferSyntaxUID
    data = _save(ds)
    body = _quiet_read(io.BytesIO(data), force=True)
    assert body.original_encoding == (True, True)
    assert body.PatientName == ds.PatientName


def test_save_as_arguments_inconsistent_with_transfer_syntax_raise() -> None:
    with pytest.raises(ValueError):
        _save(dcmread(CT), implicit_vr=True)


def test_save_as_cannot_change_endianness() -> None:
    """Documented warning: save_as cannot convert to a different endianness."""
    ds = dcmread(MR_BE)
    ds.file_meta.TransferSyntaxUID = EXPLICIT_LE
    with pytest.raises(ValueError):
        _save(ds)
    ds = dcmread(MR_BE)
    del ds.file_meta.TransferSyntaxUID
    with pytest.raises(ValueError):
        _save(ds, implicit_vr=False, little_endian=True)


def test_save_as_enforce_file_format_false_writes_as_is() -> None:
    """No preamble -> none written; missing file meta elements are not added."""
    ds = dcmread(CT)
    ds.preamble = None
    data = _save(ds)
    assert data.startswith(b"\x02\x00\x00\x00UL")
    ds = _quiet_read(NO_META, force=True)
    data = _save(ds, implicit_vr=False)
    assert data[128:132] != b"DICM"
    assert data == _read_bytes(NO_META)


def test_save_as_enforce_file_format_true_adds_preamble_and_meta() -> None:
    ds = dcmread(CT)
    ds.preamble = None
    for name in ("FileMetaInformationGroupLength", "ImplementationVersionName"):
        delattr(ds.file_meta, name)
    data = _save(ds, enforce_file_format=True)
    assert data[:128] == b"\x00" * 128
    assert data[128:132] == b"DICM"
    back = pydicom.dcmread(io.BytesIO(data))
    assert back.file_meta.FileMetaInformationGroupLength > 0
    assert back.file_meta.MediaStorageSOPClassUID == ds.SOPClassUID
    assert back.file_meta.TransferSyntaxUID == EXPLICIT_LE
    assert back.PatientName == ds.PatientName


def test_save_as_enforce_file_format_true_raises_if_impossible() -> None:
    ds = _scratch()
    ds.ensure_file_meta()
    ds.file_meta.TransferSyntaxUID = IMPLICIT_LE
    with pytest.raises(Exception):  # noqa: B017 - documented only as "an exception"
        _save(ds, enforce_file_format=True)


def test_save_as_enforce_file_format_missing_meta_raises_attribute_error_like_pydicom() -> None:
    ds = _scratch()
    ds.ensure_file_meta()
    ds.file_meta.TransferSyntaxUID = IMPLICIT_LE
    ref = pydicom.Dataset()
    ref.PatientName = "A^B"
    ref.ensure_file_meta()
    ref.file_meta.TransferSyntaxUID = IMPLICIT_LE
    with pytest.raises(AttributeError):
        ref.save_as(io.BytesIO(), enforce_file_format=True)
    with pytest.raises(AttributeError):
        _save(ds, enforce_file_format=True)


def test_save_as_overwrite_false_raises_file_exists(tmp_path: pathlib.Path) -> None:
    out = tmp_path / "x.dcm"
    out.write_bytes(b"existing")
    with pytest.raises(FileExistsError):
        dcmread(CT).save_as(out, overwrite=False)
    with pytest.raises(FileExistsError):
        dcmread(CT).save_as(str(out), overwrite=False)
    assert out.read_bytes() == b"existing"
    fresh = tmp_path / "y.dcm"
    dcmread(CT).save_as(fresh, overwrite=False)
    assert fresh.read_bytes() == _read_bytes(CT)


def test_save_as_overwrite_true_default_replaces(tmp_path: pathlib.Path) -> None:
    out = tmp_path / "x.dcm"
    out.write_bytes(b"existing")
    dcmread(CT).save_as(out)
    assert out.read_bytes() == _read_bytes(CT)


def test_save_as_overwrite_ignored_for_buffers() -> None:
    buf = io.BytesIO(b"existing")
    dcmread(CT).save_as(buf, overwrite=False)
    assert buf.getvalue().startswith(_read_bytes(CT)[:132])


def test_save_as_write_like_original_deprecated() -> None:
    ds = dcmread(CT)
    ds.preamble = None
    with pytest.warns(DeprecationWarning):
        data = _save(ds, write_like_original=False)
    assert data[128:132] == b"DICM"
    with pytest.warns(DeprecationWarning):
        data = _save(ds, write_like_original=True)
    assert data.startswith(b"\x02\x00")


def test_save_as_filename_is_positional_only() -> None:
    with pytest.raises(TypeError):
        dcmread(CT).save_as(filename=io.BytesIO())  # type: ignore[call-arg]


# ============================================================ deferred reads and the source
def _copy_to(tmp_path: pathlib.Path, name: str) -> str:
    out = tmp_path / name
    out.write_bytes(_read_bytes(get_testdata_file(name)))
    return str(out)


def test_deferred_value_read_from_filename_after_file_object_closed() -> None:
    with open(get_testdata_file("MR_small.dcm"), "rb") as f:
        ds = dcmread(f, defer_size=100)
    assert ds.get_item(0x7FE00010, keep_deferred=True).value is None
    assert ds.PixelData == pydicom.dcmread(get_testdata_file("MR_small.dcm")).PixelData


def test_deferred_value_read_from_buffer() -> None:
    ds = dcmread(io.BytesIO(_read_bytes(get_testdata_file("MR_small.dcm"))), defer_size=100)
    assert ds.get_item(0x7FE00010, keep_deferred=True).value is None
    assert len(ds.PixelData) == 8192


def test_deferred_read_after_file_modified_is_detected(tmp_path: pathlib.Path) -> None:
    """timestamp is used to detect a changed file. pydicom warns and reads anyway; dcmcore
    refuses with an error naming the file (reported as a deliberate deviation)."""
    path = _copy_to(tmp_path, "MR_small.dcm")
    ds = dcmread(path, defer_size=100)
    assert ds.timestamp == os.stat(path).st_mtime
    st = os.stat(path)
    os.utime(path, (st.st_atime, st.st_mtime + 10))
    with pytest.raises(Exception, match="a.dcm|MR_small.dcm|modified"):  # noqa: B017
        ds.PixelData  # noqa: B018


def test_deferred_read_of_missing_file_raises_os_error_like_pydicom(tmp_path: pathlib.Path) -> None:
    """pydicom raises OSError; code catching it must keep working."""
    path = _copy_to(tmp_path, "MR_small.dcm")
    ref = pydicom.dcmread(path, defer_size=100)
    ds = dcmread(path, defer_size=100)
    os.remove(path)
    with pytest.raises(OSError):
        ref.PixelData  # noqa: B018
    with pytest.raises(OSError):
        ds.PixelData  # noqa: B018


def test_deferred_read_from_closed_buffer_raises_value_error_like_pydicom() -> None:
    """pydicom raises ValueError ('I/O operation on closed file')."""
    data = _read_bytes(get_testdata_file("MR_small.dcm"))
    buf, ref_buf = io.BytesIO(data), io.BytesIO(data)
    ds, ref = dcmread(buf, defer_size=100), pydicom.dcmread(ref_buf, defer_size=100)
    buf.close()
    ref_buf.close()
    with pytest.raises(ValueError):
        ref.PixelData  # noqa: B018
    with pytest.raises(ValueError):
        ds.PixelData  # noqa: B018


def test_deepcopy_and_pickle_of_dataset_read_from_file_object_with_deferred_values() -> None:
    import copy

    with open(get_testdata_file("MR_small.dcm"), "rb") as f:
        ds = dcmread(f, defer_size=100)
        other = copy.deepcopy(ds)
        back = pickle.loads(pickle.dumps(ds))
    for result in (other, back):
        assert result.filename == ds.filename
        assert len(result.PixelData) == 8192


# ============================================================ every documented member exists
_SEED_METHODS = (
    "__init__ add add_new add_new_private clear compress convert_pixel_data copy data_element "
    "decode decompress dir elements ensure_file_meta formatted_lines from_json get get_item "
    "get_private_item group_dataset items iterall keys overlay_array pixel_array_options pop "
    "popitem private_block private_creators remove_private_tags save_as set_original_encoding "
    "set_pixel_data setdefault to_json to_json_dict top trait_names update update_raw_element "
    "values walk waveform_array"
).split()
_SEED_PROPERTIES = {
    # name: has a setter (documented "Get/set" or deprecated setter in pydicom 3)
    "is_implicit_VR": True,
    "is_little_endian": True,
    "is_original_encoding": False,
    "original_character_set": False,
    "original_encoding": False,
    "pixel_array": False,
    "read_encoding": True,
    "read_implicit_vr": False,
    "read_little_endian": False,
}


@pytest.mark.parametrize("name", _SEED_METHODS)
def test_documented_method_has_pydicom_signature(name: str) -> None:
    """Parameter names, kinds (positional-only, keyword-only, ...) and defaults as documented."""
    import inspect

    mine = inspect.signature(getattr(FileDataset, name))
    theirs = inspect.signature(getattr(pydicom.FileDataset, name))

    def shape(sig: inspect.Signature) -> list[tuple[str, Any, Any]]:
        return [(p.name, p.kind, p.default) for p in sig.parameters.values()]

    assert shape(mine) == shape(theirs)


def test_from_json_is_classmethod() -> None:
    import inspect

    assert isinstance(inspect.getattr_static(Dataset, "from_json"), classmethod)
    assert type(Dataset.from_json({})) is Dataset


@pytest.mark.parametrize("name, settable", sorted(_SEED_PROPERTIES.items()))
def test_documented_property(name: str, settable: bool) -> None:
    import inspect

    prop = inspect.getattr_static(FileDataset, name)
    assert isinstance(prop, property)
    assert (prop.fset is not None) == settable


@pytest.mark.parametrize(
    "name", ["default_element_format", "default_sequence_element_format", "indent_chars"]
)
def test_documented_class_attributes(name: str) -> None:
    assert getattr(FileDataset, name) == getattr(pydicom.FileDataset, name)
    assert isinstance(getattr(FileDataset, name), str)


@pytest.mark.parametrize(
    "ts", ["1.2.3.4", "1.2.840.10008.5.1.4.1.1.2", "", "1.2.840.10008.1.2.4.50", IMPLICIT_LE]
)
@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"implicit_vr": False},
        {"implicit_vr": True},
        {"implicit_vr": False, "little_endian": False},
        {"implicit_vr": True, "little_endian": False},
    ],
)
def test_save_as_encoding_arguments_with_file_meta_transfer_syntax_like_pydicom(
    ts: str, kwargs: dict[str, Any]
) -> None:
    """implicit_vr/little_endian are required without a valid public Transfer Syntax UID
    (private, empty); a non-transfer-syntax UID or arguments that contradict a public one
    raise ValueError; otherwise the bytes are pydicom's."""
    outputs = []
    for lib_ds in (Dataset(), pydicom.Dataset()):
        lib_ds.PatientName = "A"
        lib_ds.ensure_file_meta()
        lib_ds.file_meta.TransferSyntaxUID = ts
        buf = io.BytesIO()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                lib_ds.save_as(buf, **kwargs)
            outputs.append(buf.getvalue())
        except ValueError:
            outputs.append("ValueError")
    assert outputs[0] == outputs[1]


# ============================================================ other file-likes
def test_read_from_gzip_file_object_like_pydicom() -> None:
    import gzip

    path = get_testdata_file("zipMR.gz")
    with gzip.open(path, "rb") as f, gzip.open(path, "rb") as g:
        ds, ref = dcmread(f), pydicom.dcmread(g)
        assert ds.filename == ref.filename == path
        assert ds.fileobj_type is ref.fileobj_type is gzip.GzipFile
        assert ds.timestamp == ref.timestamp
        assert str(ds) == str(ref)


def test_read_from_gzip_file_object_with_deferred_values() -> None:
    import gzip

    path = get_testdata_file("zipMR.gz")
    with gzip.open(path, "rb") as f, gzip.open(path, "rb") as g:
        ref = pydicom.dcmread(g, defer_size=100)
        ds = dcmread(f, defer_size=100)
        assert ds.PatientName == ref.PatientName
        assert ds.PixelData == ref.PixelData


def test_equality_ignores_file_attributes_like_pydicom() -> None:
    """== compares elements only: file meta, preamble and filename do not matter."""
    results = []
    for read in (dcmread, pydicom.dcmread):
        a, b = read(CT), read(CT)
        b.file_meta.TransferSyntaxUID = IMPLICIT_LE
        b.preamble = None
        b.filename = "other"
        c = read(CT)
        c.add_new(0x00091099, "LO", "x")
        d = read(CT, defer_size=10)
        e = read(CT)
        e.PatientName = str(e.PatientName)
        f = read(CT)
        f["PatientName"].VR = "LO"
        results.append((a == b, a == c, a == d, a == e, a == f))
    assert results[0] == results[1] == (True, False, True, True, False)


def test_read_file_meta_is_a_file_meta_dataset_read_as_explicit_vr_little_endian() -> None:
    ds = dcmread(get_testdata_file("rtplan.dcm"))
    meta = ds.file_meta
    assert type(meta) is FileMetaDataset
    assert all(tag >> 16 == 2 for tag in meta.keys())
    assert meta.original_encoding == (False, True)
    assert meta.original_character_set == "iso8859"
    assert (
        meta.TransferSyntaxUID
        == pydicom.dcmread(get_testdata_file("rtplan.dcm")).file_meta.TransferSyntaxUID
    )
    with pytest.raises(ValueError, match="0008"):
        meta.add_new(0x00080060, "CS", "CT")
