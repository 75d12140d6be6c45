"""Datasets read from files: :class:`FileDataset` and :class:`FileMetaDataset`."""

from __future__ import annotations

import io
import os
import warnings
from collections.abc import MutableMapping
from typing import Any, BinaryIO

from dcmcore.dataset import Dataset, _DatasetValue
from dcmcore.element import _entry
from dcmcore.errors import DcmcoreWarning
from dcmcore.tag import BaseTag, Tag, TagType

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
        self.preamble = preamble
        self.file_meta = file_meta if file_meta is not None else FileMetaDataset()
        d = self.__dict__
        d["_is_implicit_VR"] = d["_read_implicit"] = is_implicit_VR
        d["_is_little_endian"] = d["_read_little"] = is_little_endian
        self.fileobj_type: Any = None
        self.filename: str | None = None
        self.buffer: Any = None
        if isinstance(filename_or_obj, os.PathLike):
            filename_or_obj = os.fspath(filename_or_obj)
        if isinstance(filename_or_obj, bytes):
            filename_or_obj = os.fsdecode(filename_or_obj)
        if isinstance(filename_or_obj, str):
            self.filename = filename_or_obj
            self.fileobj_type = open
        elif isinstance(filename_or_obj, io.BufferedReader):
            self.filename = filename_or_obj.name  # type: ignore[assignment]
            self.fileobj_type = open
        elif filename_or_obj is not None:
            self.buffer = filename_or_obj
            self.fileobj_type = type(filename_or_obj)
            name = getattr(filename_or_obj, "name", None) or getattr(
                filename_or_obj, "filename", None
            )
            if isinstance(name, str):
                self.filename = name
        self.timestamp: float | None = None
        if self.filename and os.path.exists(self.filename):
            self.timestamp = os.stat(self.filename).st_mtime

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

    def __init__(self, *args: Dataset | MutableMapping[BaseTag, _DatasetValue], **kwargs: Any):
        super().__init__(*args, **kwargs)
        FileMetaDataset.validate(self._dict)

    @staticmethod
    def validate(init_value: Any) -> None:
        """Raise if `init_value` is not a dict/Dataset of group 0x0002 elements only."""
        if init_value is None:
            return
        if not isinstance(init_value, (Dataset, dict)):
            raise TypeError(f"Argument must be a dict or Dataset, not {type(init_value)}")
        non_group2 = [str(Tag(tag)) for tag in init_value.keys() if Tag(tag).group != 2]
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
    # the writer's values, so files written and validated carry the same implementation
    from dcmcore.io.writer import IMPLEMENTATION_CLASS_UID, IMPLEMENTATION_VERSION_NAME

    if "FileMetaInformationVersion" not in file_meta or file_meta[0x00020001].is_empty:
        file_meta.FileMetaInformationVersion = b"\x00\x01"
    if "ImplementationClassUID" not in file_meta or file_meta[0x00020012].is_empty:
        file_meta.ImplementationClassUID = IMPLEMENTATION_CLASS_UID
    if "ImplementationVersionName" not in file_meta:
        file_meta.ImplementationVersionName = IMPLEMENTATION_VERSION_NAME
    missing = [
        f"{Tag(tag)} {_entry(tag).name if _entry(tag) else ''}"
        for tag in (0x00020002, 0x00020003, 0x00020010)
        if tag not in file_meta or file_meta[tag].is_empty
    ]
    if missing:
        raise AttributeError(
            "Required File Meta Information elements are either missing or have an "
            f"empty value: {', '.join(missing)}"
        )
