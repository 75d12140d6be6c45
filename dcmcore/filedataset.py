"""Datasets read from files: :class:`FileDataset` and :class:`FileMetaDataset`."""

from __future__ import annotations

import io
import os
import warnings
from collections.abc import Callable, MutableMapping
from typing import Any, BinaryIO

from dcmcore.dataset import Dataset, _DatasetValue, _Elements
from dcmcore.element import RawDataElement, _entry
from dcmcore.errors import DcmcoreWarning
from dcmcore.tag import BaseTag, Tag, TagType
from dcmcore.uid import IMPLEMENTATION_CLASS_UID, IMPLEMENTATION_VERSION_NAME

__all__ = ["FileDataset", "FileMetaDataset", "validate_file_meta"]


class FileDataset(Dataset):
    """A :class:`Dataset` read from (or to be written to) a file or buffer.

    Parameters
    ----------
    filename_or_obj : str, PathLike, file-like or buffer
        Where the dataset was read from.
    dataset : Dataset or dict
        The elements (wrapped, not copied).
    preamble : bytes, optional
        The 128-byte preamble.
    file_meta : FileMetaDataset, optional
        The File Meta Information (an empty one if None).
    is_implicit_VR, is_little_endian : bool, optional
        The encoding the dataset was read with (default implicit VR little endian).

    Attributes
    ----------
    preamble, file_meta, filename, buffer, fileobj_type, timestamp
        As in pydicom: `filename` is the path read from (or None for a
        buffer), `buffer` the buffer read from (or None), `timestamp` the
        file's modification time (or None).
    """

    preamble: bytes | None
    file_meta: FileMetaDataset
    fileobj_type: Any
    filename: str | None
    buffer: Any
    timestamp: float | None

    def __init__(
        self,
        filename_or_obj: str | os.PathLike[str] | BinaryIO | Any,
        dataset: Dataset | MutableMapping[BaseTag, _DatasetValue],
        preamble: bytes | None = None,
        file_meta: FileMetaDataset | None = None,
        is_implicit_VR: bool = True,
        is_little_endian: bool = True,
    ) -> None:
        Dataset.__init__(self, dataset)
        if isinstance(dataset, Dataset):
            d = dataset.__dict__
            for name in ("_read_charset", "_parent_encoding"):
                if name in d:
                    self.__dict__[name] = d[name]
        self._set_source(filename_or_obj, preamble, file_meta, is_implicit_VR, is_little_endian)
        if self.filename:
            try:
                self.timestamp = os.stat(self.filename).st_mtime
            except OSError:
                pass

    @classmethod
    def _from_elements(
        cls,
        source: str | BinaryIO | Any,
        elements: dict[BaseTag, RawDataElement],
        preamble: bytes | None,
        file_meta: FileMetaDataset,
        is_implicit_VR: bool,
        is_little_endian: bool,
        timestamp: float | None,
    ) -> FileDataset:
        """The reader's constructor: `elements` are raw (nothing to adopt) and the
        file's modification time is known (no second ``stat``)."""
        ds = cls.__new__(cls)
        d = ds.__dict__
        d["_dict"] = elements
        d["_private_blocks"] = {}
        d["_pixel_array_opts"] = {}
        d["_pixel_id"] = {}
        ds._set_source(source, preamble, file_meta, is_implicit_VR, is_little_endian)
        if timestamp is None and ds.filename:  # a named file object
            try:
                timestamp = os.stat(ds.filename).st_mtime
            except OSError:
                pass
        d["timestamp"] = timestamp
        return ds

    def _set_source(
        self,
        filename_or_obj: str | os.PathLike[str] | BinaryIO | Any,
        preamble: bytes | None,
        file_meta: FileMetaDataset | None,
        is_implicit_VR: bool,
        is_little_endian: bool,
    ) -> None:
        d = self.__dict__
        d["preamble"] = preamble
        if isinstance(file_meta, FileMetaDataset):
            d["file_meta"] = file_meta
        else:
            self.file_meta = file_meta if file_meta is not None else FileMetaDataset()
        d["_is_implicit_VR"] = d["_read_implicit"] = is_implicit_VR
        d["_is_little_endian"] = d["_read_little"] = is_little_endian
        fileobj_type: Any = None
        filename: str | None = None
        buffer: Any = None
        if isinstance(filename_or_obj, os.PathLike):
            filename_or_obj = os.fspath(filename_or_obj)
        if isinstance(filename_or_obj, bytes):
            filename_or_obj = os.fsdecode(filename_or_obj)
        if isinstance(filename_or_obj, str):
            filename = filename_or_obj
            fileobj_type = open
        elif isinstance(filename_or_obj, io.BufferedReader):
            filename = filename_or_obj.name
            fileobj_type = open
        elif filename_or_obj is not None:
            buffer = filename_or_obj
            fileobj_type = type(filename_or_obj)
            name = getattr(filename_or_obj, "name", None) or getattr(
                filename_or_obj, "filename", None
            )
            if isinstance(name, str):
                filename = name
        d["fileobj_type"] = fileobj_type
        d["filename"] = filename
        d["buffer"] = buffer
        d["timestamp"] = None

    @classmethod
    def from_json(
        cls,
        json_dataset: dict[str, Any] | str | bytes | bytearray,
        bulk_data_uri_handler: Callable[..., Any] | None = None,
    ) -> FileDataset:
        """Return a FileDataset without file from a DICOM JSON Model object.

        Its sequence items are plain datasets; pydicom raises TypeError here.
        """
        return cls(None, Dataset.from_json(json_dataset, bulk_data_uri_handler))

    def __getstate__(self) -> dict[str, Any]:
        state = super().__getstate__()
        buffer = state.get("buffer")
        if buffer is not None and not isinstance(buffer, (io.BytesIO, bytes, bytearray)):
            warnings.warn(
                f"The buffer the dataset was read from ({type(buffer).__name__}) cannot be "
                "copied or pickled: the 'buffer' attribute of the copy is None",
                DcmcoreWarning,
                stacklevel=3,
            )
            state["buffer"] = None
        return state


class FileMetaDataset(Dataset):
    """The File Meta Information: a :class:`Dataset` of group 0x0002 elements only.

    Raises
    ------
    ValueError
        If an element outside group 0x0002 is given or set; the message names its tag.
    TypeError
        If the argument is not a dict or Dataset.
    """

    def __init__(
        self,
        *args: Dataset | _Elements,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        FileMetaDataset.validate(self._dict)

    @classmethod
    def _from_elements(cls, elements: dict[BaseTag, RawDataElement]) -> FileMetaDataset:
        """The reader's constructor: `elements` are the raw group 0x0002 elements of a
        group-limited read (nothing to check or adopt), read as explicit VR little
        endian ISO 8859-1 text."""
        ds = cls.__new__(cls)
        d = ds.__dict__
        d["_dict"] = elements
        d["_private_blocks"] = {}
        d["_pixel_array_opts"] = {}
        d["_pixel_id"] = {}
        d["_read_implicit"] = False
        d["_read_little"] = True
        d["_read_charset"] = "iso8859"
        return ds

    @staticmethod
    def validate(init_value: Any) -> None:
        """Raise if `init_value` is not a dict/Dataset of group 0x0002 elements only."""
        if init_value is None:
            return
        if not isinstance(init_value, (Dataset, dict)):
            raise TypeError(f"Argument must be a dict or Dataset, not {type(init_value)}")
        non_group2 = [
            str(Tag(tag))
            for tag in init_value.keys()
            if (tag >> 16 if tag.__class__ is BaseTag else Tag(tag).group) != 2
        ]
        if non_group2:
            raise ValueError(
                "File meta datasets may only contain group 2 elements but the following "
                f"elements are present: {', '.join(non_group2)}"
            )

    def __setitem__(self, key: slice | TagType, value: _DatasetValue) -> None:
        tag = value.tag if isinstance(value.tag, BaseTag) else Tag(value.tag)
        if tag.group != 2:
            raise ValueError(
                f"Only group 2 data elements are allowed in a FileMetaDataset, not {tag}"
            )
        super().__setitem__(key, value)

    @property
    def _tsyntax_encoding(self) -> tuple[bool, bool] | tuple[None, None]:
        """``(implicit VR, little endian)`` of a public Transfer Syntax UID, else (None, None)."""
        syntax = self.get("TransferSyntaxUID", None)
        if not syntax or getattr(syntax, "is_private", False):
            return (None, None)
        if not getattr(syntax, "is_transfer_syntax", False):
            return (None, None)
        return (syntax.is_implicit_VR, syntax.is_little_endian)


def validate_file_meta(file_meta: FileMetaDataset, enforce_standard: bool = True) -> None:
    """Check that `file_meta` holds only group 2 and, if `enforce_standard`, the Type 1 elements.

    Missing (0002,0001), (0002,0012) and (0002,0013) are added; missing or
    empty (0002,0002), (0002,0003) or (0002,0010) raise AttributeError.
    """
    for elem in file_meta.elements():
        if elem.tag.group != 0x0002:
            raise ValueError(
                "Only File Meta Information group (0002,eeee) elements may be present in "
                f"'file_meta', not {elem.tag}"
            )
    if not enforce_standard:
        return
    if "FileMetaInformationVersion" not in file_meta or file_meta[0x00020001].is_empty:
        file_meta.FileMetaInformationVersion = b"\x00\x01"
    if "ImplementationClassUID" not in file_meta or file_meta[0x00020012].is_empty:
        file_meta.ImplementationClassUID = IMPLEMENTATION_CLASS_UID
    if "ImplementationVersionName" not in file_meta:
        file_meta.ImplementationVersionName = IMPLEMENTATION_VERSION_NAME
    missing = [
        f"{Tag(tag)} {getattr(_entry(tag), 'name', '')}"
        for tag in (0x00020002, 0x00020003, 0x00020010)
        if tag not in file_meta or file_meta[tag].is_empty
    ]
    if missing:
        raise AttributeError(
            "Required File Meta Information elements are either missing or have an "
            f"empty value: {', '.join(missing)}"
        )
