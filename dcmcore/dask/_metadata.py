"""``read_metadata``: one row per file, read on the workers, headers only."""

from __future__ import annotations

import os
from collections.abc import Iterable

import dask.dataframe as dd
import pandas as pd

from dcmcore import config
from dcmcore.converters import decode_value
from dcmcore.dask._columns import DEFAULT_KEYWORDS, Column, TableSpec, table_spec
from dcmcore.dask._headers import one_line, read_header
from dcmcore.dask._paths import expand_paths, partition
from dcmcore.dataset import FileDataset
from dcmcore.element import RawDataElement
from dcmcore.vr import AMBIGUOUS_VR, CHARSET_VR

__all__ = ["DEFAULT_FILES_PER_PARTITION", "read_metadata", "read_rows"]

#: Files read by one task: large enough that scheduling costs little beside reading.
DEFAULT_FILES_PER_PARTITION = 1000
_TRANSFER_SYNTAX_UID = 0x00020010


def _element_value(ds: FileDataset, col: Column) -> object:
    """The value of `col`'s element in `ds` (None when absent).

    A raw element of a known, unambiguous VR is decoded straight from its
    bytes by :func:`dcmcore.converters.decode_value` (what the data model
    would do, without making a DataElement); anything else goes through ``ds[tag]``.
    """
    raw = ds.get_item(col.tag)
    if raw is None:
        return None
    if isinstance(raw, RawDataElement) and raw.value is not None:
        vr = raw.VR if raw.VR not in (None, "UN") else col.vr
        if vr and vr not in AMBIGUOUS_VR and vr != "SQ":
            encodings = ds._text_encoding() if vr in CHARSET_VR else None
            return decode_value(vr, raw.value, little_endian=raw.is_little_endian,
                                encodings=encodings, tag=col.tag)
    return ds[col.tag].value


def read_rows(paths: list[str], spec: TableSpec) -> pd.DataFrame:
    """The metadata rows of `paths` as a pandas DataFrame (one Dask partition).

    Never raises for a bad file: its row has an ``error``.
    """
    data: dict[str, list[object]] = {name: [] for name in spec.names}
    columns = spec.columns
    tags = frozenset(c.tag for c in columns)
    with config.override(reading_validation_mode=config.IGNORE):
        for path in paths:
            header = read_header(path, tags)
            error = header.error
            ds = header.dataset
            data["path"].append(path)
            data["size"].append(header.size)
            tsuid = None
            if ds is not None:
                meta = ds.file_meta
                try:
                    if meta is not None and _TRANSFER_SYNTAX_UID in meta:
                        tsuid = str(meta[_TRANSFER_SYNTAX_UID].value) or None
                except Exception as exc:  # noqa: BLE001 - a bad value is reported, not raised
                    error = error or f"TransferSyntaxUID: {one_line(exc)}"
            data["TransferSyntaxUID"].append(tsuid)
            for col in columns:
                value = None
                if ds is not None:
                    try:
                        value = col.convert(_element_value(ds, col))
                    except Exception as exc:  # noqa: BLE001 - a bad value is reported
                        error = error or f"{col.name}: {one_line(exc)}"
                data[col.name].append(value)
            data["error"].append(error)
    return spec.frame(data)


def read_metadata(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    keywords: Iterable[str] = DEFAULT_KEYWORDS,
    *,
    files_per_partition: int = DEFAULT_FILES_PER_PARTITION,
) -> dd.DataFrame:
    """A lazy table of the headers of many DICOM files, one row per file.

    The file list is made on the client; each partition of
    `files_per_partition` files is read by one task on a worker. Only headers
    are read (the start of each file, grown until the pixel data element);
    pixel data is never read or decoded.

    Parameters
    ----------
    paths : str, PathLike or iterable of them
        A folder (recursive), a glob, a file, an fsspec URL
        (``s3://bucket/prefix/``, ``gcs://...``; the protocol's fsspec package
        must be installed on the client and the workers), or a list of these.
    keywords : iterable of str
        Element columns wanted beside the base ones (default
        :data:`DEFAULT_KEYWORDS`). Multi-valued elements (VM other than 1)
        give list columns.
    files_per_partition : int
        Files per partition (and per task).

    Returns
    -------
    dask.dataframe.DataFrame
        Columns ``path`` (str), ``size`` (int64, bytes), ``TransferSyntaxUID``,
        ``SOPClassUID``, ``SOPInstanceUID``, ``StudyInstanceUID``,
        ``SeriesInstanceUID``, ``Modality``, ``Rows``, ``Columns``,
        ``NumberOfFrames``, then `keywords`, then ``error`` (null when the
        file read cleanly). Every column is Arrow-backed and nullable: text as
        ``string``, integer VRs (US, UL, SS, SL, IS, ...) as ``int64``, FL/FD/DS
        as ``double``, DA as ``date32``, TM as ``time64[us]``, DT and PN as
        strings. A file that cannot be read has a row whose ``error`` says
        why (with what could be read before the problem); it never fails the job.

    Raises
    ------
    ValueError
        A keyword is unknown or names a sequence or binary element.

    Examples
    --------
    >>> from distributed import Client
    >>> from dcmcore.dask import read_metadata
    >>> client = Client(n_workers=2, threads_per_worker=1)       # doctest: +SKIP
    >>> df = read_metadata("/archive", keywords=["PatientID", "ImageType"])  # doctest: +SKIP
    >>> df.to_parquet("index.parquet")                          # doctest: +SKIP
    >>> df[df.error.notna()].compute()                          # doctest: +SKIP
    """
    spec = table_spec(keywords)
    files = expand_paths(paths)
    parts = partition(files, files_per_partition) or [[]]
    return dd.from_map(
        read_rows,
        parts,
        spec=spec,
        meta=spec.empty(),
        label="dcmcore-read-metadata",
        enforce_metadata=False,
    )
