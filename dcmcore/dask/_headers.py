"""Header-only reads: the start of a file, grown only until the pixel data element is reached.

A file is opened (a local path with :func:`open`, an fsspec URL with
:func:`fsspec.open`), its first :data:`HEAD_BYTES` are parsed by
:func:`dcmcore.io.reader.dcmread` with ``stop_before_pixels``; when the
header runs past what was read, four times as much is read and parsed
again. Pixel data is never parsed or decoded, and of a large file only its
header is read.
"""

from __future__ import annotations

import io
from collections.abc import Collection
from typing import BinaryIO, Final

import fsspec

from dcmcore import config
from dcmcore.dataset import FileDataset
from dcmcore.errors import TruncatedDataError
from dcmcore.io.reader import dcmread

__all__ = ["HEAD_BYTES", "Header", "is_url", "one_line", "open_binary", "read_header"]

#: Bytes read first; most headers fit (the growth factor is 4).
HEAD_BYTES: Final = 32 * 1024


def is_url(path: str) -> bool:
    """True for an fsspec URL (``s3://...``, ``file://...``), False for a local path."""
    return "://" in path


def open_binary(path: str) -> BinaryIO:
    """Open a local path or an fsspec URL for binary reading."""
    if is_url(path):
        return fsspec.open(path, "rb").open()
    return open(path, "rb")  # noqa: SIM115 - the caller closes it


class Header:
    """The header of one file, or why it could not be read.

    Attributes
    ----------
    dataset : FileDataset or None
        The elements before the pixel data (None when nothing could be read).
    size : int or None
        The file's size in bytes (None when it could not be opened).
    error : str or None
        What is wrong with the file, one line; the dataset may still hold what
        was read before the problem.
    """

    __slots__ = ("dataset", "size", "error")

    def __init__(self, dataset: FileDataset | None, size: int | None, error: str | None) -> None:
        self.dataset = dataset
        self.size = size
        self.error = error


def one_line(exc: BaseException) -> str:
    """``"ErrorType: message"`` on one line."""
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _file_size(fh: BinaryIO) -> int | None:
    size = getattr(fh, "size", None)
    if isinstance(size, int):
        return size
    try:
        pos = fh.tell()
        end = fh.seek(0, io.SEEK_END)
        fh.seek(pos)
        return end
    except (OSError, ValueError):
        return None


def _parse(data: bytes, mode: int, tags: Collection[int] | None) -> tuple[FileDataset, bool]:
    """Parse `data`; also say whether reading stopped at a pixel data element."""
    buf = io.BytesIO(data)
    with config.override(reading_validation_mode=mode):
        ds = dcmread(buf, stop_before_pixels=True, specific_tags=tags)
    return ds, buf.tell() < len(data)


def read_header(path: str, tags: Collection[int] | None = None) -> Header:
    """Read the header of the file at `path` (never raises for a bad file).

    With `tags`, only those elements are kept (the others are walked over,
    not decoded).

    The header is first read strictly (``RAISE`` mode: truncation and
    inconsistent structure are errors); only a read that ran out of data makes
    it read more, so a corrupt large file is not read whole. When the strict
    read fails it is read again leniently, and the returned :class:`Header`
    holds both what was read and the strict read's error.
    """
    try:
        fh = open_binary(path)
    except Exception as exc:  # noqa: BLE001 - any failure becomes the file's error
        return Header(None, None, one_line(exc))
    with fh:
        size = _file_size(fh)
        data = b""
        try:
            data = fh.read(HEAD_BYTES)
            eof = len(data) < HEAD_BYTES or (size is not None and len(data) >= size)
            while True:
                try:
                    ds, stopped = _parse(data, config.RAISE, tags)
                except TruncatedDataError:
                    if eof:  # the data really ends there
                        raise
                    # else the header goes on past what was read: read more
                else:
                    if eof or stopped:
                        return Header(ds, size, None)
                want = 3 * len(data)
                more = fh.read(want)
                data += more
                eof = len(more) < want or (size is not None and len(data) >= size)
        except Exception as exc:  # noqa: BLE001 - any failure becomes the file's error
            error = one_line(exc)
        try:
            ds, _ = _parse(data, config.IGNORE, tags)
        except Exception:  # noqa: BLE001 - the strict read's error says why
            return Header(None, size, error)
        return Header(ds, size, error)
