"""Guarded reads of deferred values: the file must still be the one that was read.

:func:`dcmcore.dcmread` with ``defer_size`` leaves large values in the file. When one is
read later, the file may have been truncated, rewritten in place, replaced by another
file (even with the same modification time) or deleted. :class:`FileIdentity` records
the file's device, inode, size and modification time, a digest of its first bytes and
of the bytes around each deferred value (the element header and both ends of the value);
:meth:`FileIdentity.read_value` checks them all before returning a value and reads with
``pread``, never through a memory map that truncation would turn into ``SIGBUS``.
"""

from __future__ import annotations

import errno
import hashlib
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Final

from dcmcore.errors import InvalidDicomError, SourceFileError, TruncatedDataError

__all__ = ["FileIdentity"]

#: Bytes at the start of the file covered by the head digest.
HEAD: Final = 4096
#: Bytes before a value (its element header) and at each end of it covered by its digest.
EDGE: Final = 16
_HEADER: Final = 12
_HAS_PREAD: Final = hasattr(os, "pread")
_HAS_PREADV: Final = hasattr(os, "preadv")


def _pread(fd: int, n: int, offset: int) -> bytes:
    """Up to `n` bytes at `offset`; fewer only at the end of the file."""
    parts: list[bytes] = []
    got = 0
    while got < n:
        if _HAS_PREAD:
            chunk = os.pread(fd, min(n - got, 1 << 30), offset + got)
        else:  # no pread (Windows): the descriptor is private to this call
            os.lseek(fd, offset + got, os.SEEK_SET)
            chunk = os.read(fd, min(n - got, 1 << 30))
        if not chunk:
            break
        parts.append(chunk)
        got += len(chunk)
    return b"".join(parts)


def _digest(*parts: bytes) -> bytes:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(part)
    return h.digest()


def _edges(fd: int, offset: int, length: int) -> bytes:
    start = max(0, offset - _HEADER)
    around = _pread(fd, offset - start + min(EDGE, length), start)
    end = _pread(fd, min(EDGE, length), offset + length - min(EDGE, length))
    return _digest(around, end)


def _tag(tag: int) -> str:
    return f"({tag >> 16:04X},{tag & 0xFFFF:04X})"


def _where(tag: int, path: str) -> str:
    return f"deferred read of tag {_tag(tag)} from {path!r}"


def _pread_into(fd: int, out: memoryview, offset: int) -> int:
    """Read into the bytes of `out` from `offset`; the number read (fewer only at the end)."""
    got, n = 0, out.nbytes
    while got < n:
        part = out[got : got + min(n - got, 1 << 30)]
        if _HAS_PREADV:
            count = os.preadv(fd, [part], offset + got)
        else:  # no preadv (Windows, macOS < 11): the descriptor is private to this call
            os.lseek(fd, offset + got, os.SEEK_SET)
            with open(fd, "rb", buffering=0, closefd=False) as f:
                count = f.readinto(part) or 0
        if not count:
            break
        got += count
    return got


@dataclass(frozen=True, slots=True)
class FileIdentity:
    """What a file was when a dataset with deferred values was read from it.

    Attributes
    ----------
    path : str
        The file's path.
    device, inode, size, mtime_ns : int
        From :func:`os.fstat` of the open file.
    head : bytes
        Digest of the first :data:`HEAD` bytes.
    edges : Mapping[int, bytes]
        Value offset to the digest of the bytes around that deferred value.
    kept : frozenset of int
        Value offsets of the values deferred by the reader on its own (large native
        pixel data, read straight into an array by :mod:`dcmcore.pixels`), not because
        the caller asked: once read as bytes, such a value stays in its dataset, as it
        would have had it been read at once.
    """

    path: str
    device: int
    inode: int
    size: int
    mtime_ns: int
    head: bytes
    edges: Mapping[int, bytes] = field(default_factory=dict)
    kept: frozenset[int] = frozenset()

    @classmethod
    def of(
        cls, fd: int, path: str, deferred: Iterable[tuple[int, int]],
        kept: Iterable[int] = (),
    ) -> FileIdentity:
        """The identity of the open file `fd` at `path`, covering the `deferred` values.

        Parameters
        ----------
        fd : int
            The open file descriptor the dataset was read from.
        path : str
            Its path.
        deferred : iterable of (int, int)
            ``(offset, length)`` of each deferred value.
        kept : iterable of int
            The offsets of those that stay in the dataset once read (:attr:`kept`).
        """
        st = os.fstat(fd)
        return cls(
            path, st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns,
            _digest(_pread(fd, HEAD, 0)),
            {offset: _edges(fd, offset, length) for offset, length in deferred},
            frozenset(kept),
        )  # fmt: skip

    @property
    def st_mtime(self) -> float:
        """The modification time in seconds, as :attr:`os.stat_result.st_mtime`."""
        return self.mtime_ns / 1e9

    def read_value(self, path: str, offset: int, length: int, tag: int) -> bytes:
        """Read the deferred value of `tag` (`length` bytes at `offset`) from `path`.

        Raises
        ------
        SourceFileError
            The file is gone or cannot be opened (also an ``OSError``).
        TruncatedDataError
            The file is now too short for the value.
        InvalidDicomError
            The file is not the one the dataset was read from (replaced, rewritten).
        """
        fd = self._open_checked(path, offset, length, tag)
        try:
            data = _pread(fd, length, offset)
        finally:
            os.close(fd)
        if len(data) != length:
            raise TruncatedDataError(
                f"{_where(tag, path)} got {len(data)} of {length} bytes: the file was truncated",
                tag=tag,
                offset=offset,
            )
        return data

    def read_into(
        self, path: str, offset: int, length: int, tag: int, pos: int, out: memoryview
    ) -> None:
        """Fill `out` with the bytes at `pos` of the deferred value of `tag`, read once.

        The value is `length` bytes at file offset `offset`; ``pos + len(out)`` must not
        pass its end. The bytes go from the file straight into `out` (no intermediate
        ``bytes``). Checks and errors as :meth:`read_value`.
        """
        if pos < 0 or pos + out.nbytes > length:
            raise ValueError(
                f"bytes {pos} to {pos + out.nbytes} are outside the {length}-byte value"
            )
        fd = self._open_checked(path, offset, length, tag)
        try:
            got = _pread_into(fd, out, offset + pos)
        finally:
            os.close(fd)
        if got != out.nbytes:
            raise TruncatedDataError(
                f"{_where(tag, path)} got {got} of {out.nbytes} bytes: the file was truncated",
                tag=tag,
                offset=offset + pos,
            )

    def _open_checked(self, path: str, offset: int, length: int, tag: int) -> int:
        """An open descriptor of `path`, checked to be this file (the caller closes it)."""
        where = _where(tag, path)
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))
        except OSError as exc:
            reason = "the file was deleted" if exc.errno == errno.ENOENT else exc.strerror
            err = SourceFileError(f"{where} failed: {reason}", tag=tag, offset=offset)
            err.errno, err.strerror, err.filename = exc.errno, exc.strerror, path
            raise err from exc
        try:
            st = os.fstat(fd)
            if st.st_size < offset + length:
                raise TruncatedDataError(
                    f"{where} failed: the file was truncated to {st.st_size} bytes after it "
                    f"was read, the value ends at byte {offset + length}",
                    tag=tag,
                    offset=offset,
                )
            changed = [
                name
                for name, now, then in (
                    ("device", st.st_dev, self.device),
                    ("inode", st.st_ino, self.inode),
                    ("size", st.st_size, self.size),
                    ("modification time", st.st_mtime_ns, self.mtime_ns),
                )
                if now != then
            ]
            if not changed and _digest(_pread(fd, HEAD, 0)) != self.head:
                changed.append("first bytes")
            expected = self.edges.get(offset)
            if not changed and expected is not None and _edges(fd, offset, length) != expected:
                changed.append("bytes around the value")
            if changed:
                raise InvalidDicomError(
                    f"{where} failed: the file was replaced or rewritten after the dataset "
                    f"was read (its {', '.join(changed)} changed)",
                    tag=tag,
                    offset=offset,
                )
        except BaseException:
            os.close(fd)
            raise
        return fd
