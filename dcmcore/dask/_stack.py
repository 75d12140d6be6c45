"""``stack``: the frames of many files as one lazy Dask array, decoded on the workers."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass

import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd
from dask.base import tokenize
from dask.highlevelgraph import HighLevelGraph
from dask.typing import Key

from dcmcore.dask._columns import DEFAULT_KEYWORDS
from dcmcore.dask._headers import is_url, open_binary
from dcmcore.dask._metadata import read_metadata
from dcmcore.errors import PixelDataError
from dcmcore.pixels import pixel_array

__all__ = ["stack"]

#: Columns :func:`stack` needs from a metadata table.
_NEEDED = ("path", "Rows", "Columns", "NumberOfFrames", "SamplesPerPixel", "BitsAllocated",
           "PixelRepresentation", "error")
_SHOWN = 10


@dataclass(frozen=True, slots=True)
class _Frames:
    """The frame geometry of one file, from its header."""

    path: str
    frames: int
    shape: tuple[int, ...]
    dtype: np.dtype


def _dtype(bits_allocated: int, signed: bool) -> np.dtype:
    if bits_allocated == 1:
        return np.dtype(np.uint8)
    if bits_allocated not in (8, 16, 32, 64):
        raise ValueError(f"Bits Allocated {bits_allocated} is not 1, 8, 16, 32 or 64")
    return np.dtype(f"{'iu'[not signed]}{bits_allocated // 8}")


def _value(row: pd.Series, name: str, default: int | None = None) -> int:
    value = row[name]
    if value is None or pd.isna(value):
        if default is None:
            raise ValueError(f"no {name}")
        return default
    return int(value)


def _geometry(table: pd.DataFrame) -> list[_Frames]:
    out: list[_Frames] = []
    bad: list[str] = []
    for _, row in table.iterrows():
        path = str(row["path"])
        if isinstance(row["error"], str):
            bad.append(f"{path} ({row['error']})")
            continue
        try:
            spp = _value(row, "SamplesPerPixel", 1)
            shape: tuple[int, ...] = (_value(row, "Rows"), _value(row, "Columns"))
            if spp > 1:
                shape = (*shape, spp)
            dtype = _dtype(_value(row, "BitsAllocated"), _value(row, "PixelRepresentation", 0) == 1)
            out.append(_Frames(path, max(_value(row, "NumberOfFrames", 1), 1), shape, dtype))
        except ValueError as exc:
            bad.append(f"{path} ({exc})")
    if bad:
        shown = ", ".join(bad[:_SHOWN]) + (f" and {len(bad) - _SHOWN} more" if len(bad) > _SHOWN else "")
        raise ValueError(f"cannot stack {len(bad)} file(s) without readable image headers: {shown}")
    if not out:
        raise ValueError("stack: no files")
    return out


def _check_same(files: list[_Frames]) -> None:
    first = files[0]
    odd = [f for f in files if f.shape != first.shape or f.dtype != first.dtype]
    if odd:
        shown = ", ".join(f"{f.path} {f.shape} {f.dtype}" for f in odd[:_SHOWN])
        more = f" and {len(odd) - _SHOWN} more" if len(odd) > _SHOWN else ""
        raise ValueError(
            f"frames differ from the first file's ({first.path}: shape {first.shape}, "
            f"{first.dtype}): {shown}{more}"
        )


def _load(path: str, index: int | None, frames: int, shape: tuple[int, ...],
          dtype: np.dtype) -> np.ndarray:
    """Decode a file (or one frame of it) into a (frames, *shape) block (runs on a worker)."""
    if is_url(path):
        with open_binary(path) as fh:
            arr = pixel_array(fh, index=index)
    else:
        arr = pixel_array(path, index=index)
    arr = np.asarray(arr)
    if arr.shape == shape:
        arr = arr[np.newaxis]
    if arr.shape != (frames, *shape):
        raise PixelDataError(
            f"{path}: decoded pixels have shape {arr.shape}, the header says {(frames, *shape)}"
        )
    if arr.dtype != dtype:
        if arr.dtype.kind != dtype.kind or arr.dtype.itemsize > dtype.itemsize:
            raise PixelDataError(f"{path}: decoded pixels are {arr.dtype}, the header says {dtype}")
        arr = arr.astype(dtype)
    return arr


def stack(
    paths_or_table: str | os.PathLike[str] | Iterable[str | os.PathLike[str]] | pd.DataFrame
    | dd.DataFrame,
    *,
    per_frame: bool | None = None,
) -> da.Array:
    """The frames of many files as one lazy array, decoded on the workers.

    The headers are read first (on the cluster, with :func:`read_metadata`,
    unless a table from it is given), so the shape and dtype are known before
    any pixel is decoded. Frames are concatenated along the first axis in
    file order.

    Parameters
    ----------
    paths_or_table : path(s) or DataFrame
        What :func:`read_metadata` accepts, or a table it returned (pandas or
        Dask; with the Image Pixel columns of :data:`DEFAULT_KEYWORDS`, else its
        ``path`` column is read again).
    per_frame : bool, optional
        One chunk per frame (decoding only that frame) instead of one per
        file. Default: per frame for a single multi-frame file, per file otherwise.

    Returns
    -------
    dask.array.Array
        Shape ``(frames, rows, columns)`` or ``(frames, rows, columns, samples)``,
        the dtype of :func:`dcmcore.pixels.pixel_array` (unsigned or signed
        integers from Bits Allocated and Pixel Representation; colour as RGB).

    Raises
    ------
    ValueError
        A file has no readable image header, or its frames differ in shape or
        dtype from the first file's (the message names the files).

    Examples
    --------
    >>> from dcmcore.dask import stack
    >>> volume = stack("/archive/study1/series3")     # doctest: +SKIP
    >>> volume.mean(axis=0).compute()                 # doctest: +SKIP
    """
    if isinstance(paths_or_table, (pd.DataFrame, dd.DataFrame)):
        table = paths_or_table
        if any(c not in table.columns for c in _NEEDED):
            table = read_metadata(list(table["path"]), keywords=DEFAULT_KEYWORDS)
    else:
        table = read_metadata(paths_or_table, keywords=DEFAULT_KEYWORDS)
    if isinstance(table, dd.DataFrame):
        table = table[list(_NEEDED)].compute()
    files = _geometry(table)
    _check_same(files)
    shape, dtype = files[0].shape, files[0].dtype
    if per_frame is None:
        per_frame = len(files) == 1 and files[0].frames > 1
    name = "dcmcore-stack-" + tokenize([(f.path, f.frames) for f in files], shape, str(dtype),
                                       per_frame)
    tail = (0,) * len(shape)
    layer: dict[Key, object] = {}
    sizes: list[int] = []
    for f in files:
        if per_frame:
            for i in range(f.frames):
                layer[(name, len(sizes), *tail)] = (_load, f.path, i, 1, shape, dtype)
                sizes.append(1)
        else:
            layer[(name, len(sizes), *tail)] = (_load, f.path, None, f.frames, shape, dtype)
            sizes.append(f.frames)
    graph = HighLevelGraph.from_collections(name, layer, dependencies=())
    chunks = (tuple(sizes), *((n,) for n in shape))
    return da.Array(graph, name, chunks, dtype=dtype, meta=np.empty((0,) * (1 + len(shape)), dtype))
