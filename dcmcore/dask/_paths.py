"""Turning what the user gave (folders, globs, lists, fsspec URLs) into a list of files."""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable, Iterator

import fsspec

from dcmcore.dask._headers import is_url

__all__ = ["expand_paths", "partition"]

_GLOB_CHARS = frozenset("*?[")


def _walk(root: str) -> Iterator[str]:
    """Files under `root`, recursively, each folder's entries in name order."""
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        subfolders = []
        for e in entries:
            if e.is_dir(follow_symlinks=False):
                subfolders.append(e.path)
            elif e.is_file():
                yield e.path
        stack.extend(reversed(subfolders))


def _expand_url(url: str) -> list[str]:
    fs, path = fsspec.core.url_to_fs(url)
    if any(c in path for c in _GLOB_CHARS):
        found = sorted(fs.glob(path))
        return [fs.unstrip_protocol(p) for p in found if not fs.isdir(p)]
    if fs.isdir(path):
        return [fs.unstrip_protocol(p) for p in sorted(fs.find(path))]
    return [url]


def expand_paths(paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]]) -> list[str]:
    """The files named by `paths`, in a stable order.

    Parameters
    ----------
    paths : str, PathLike or iterable of them
        A folder (walked recursively), a glob (``**`` allowed), a file, an
        fsspec URL (``s3://bucket/prefix/``, a glob or a file), or a list of any
        of these. A list of plain files is taken as it is (no check that they
        exist: a missing file becomes an error row).

    Returns
    -------
    list of str
        Local paths (absolute) and URLs.
    """
    items = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    out: list[str] = []
    for item in items:
        text = os.fspath(item)
        if is_url(text):
            out.extend(_expand_url(text))
        elif any(c in text for c in _GLOB_CHARS) and not os.path.exists(text):
            out.extend(
                os.path.abspath(p) for p in sorted(glob.glob(text, recursive=True))
                if os.path.isfile(p)
            )
        elif os.path.isdir(text):
            out.extend(_walk(os.path.abspath(text)))
        else:
            out.append(os.path.abspath(text))
    return out


def partition(items: list[str], size: int) -> list[list[str]]:
    """`items` cut into consecutive lists of at most `size`."""
    if size < 1:
        raise ValueError(f"files_per_partition must be at least 1, not {size}")
    return [items[i : i + size] for i in range(0, len(items), size)]
