"""Writing a file so that readers see either the old file or the complete new one.

On Linux the bytes go to an anonymous file (``O_TMPFILE``) in the target's folder, which
gets a name only once complete (``linkat`` through ``/proc/self/fd``): a process killed
while writing leaves nothing behind. Elsewhere (or on file systems without
``O_TMPFILE``) a named temporary file ``.NAME.dcmcore-PID-RANDOM.tmp`` is written and
renamed; such files left by a killed process (or by a kill between linking an anonymous
file and renaming it over an existing target) are removed on the next write into the same
folder (once per folder and process). Failures raise
:class:`~dcmcore.errors.FileWriteError` naming the target and the reason; the original
file is never touched before the new one is complete.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import re
import secrets
import stat
import threading
from collections.abc import Iterable
from typing import Final

from dcmcore.errors import DcmcoreError, FileWriteError

__all__ = ["write_atomically", "remove_stale_temporaries", "TEMPORARY_PATTERN"]

#: Names of dcmcore's named temporary files: ``.NAME.dcmcore-PID-RANDOM.tmp``.
TEMPORARY_PATTERN: Final = re.compile(r"^\..*\.dcmcore-(\d+)-[0-9a-f]{12}\.tmp$")
_O_TMPFILE: Final = getattr(os, "O_TMPFILE", 0)
_O_CLOEXEC: Final = getattr(os, "O_CLOEXEC", 0)
_PROC_FD: Final = "/proc/self/fd"
#: errno values meaning "this folder or system cannot make anonymous files".
_NO_TMPFILE: Final = frozenset({errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL, errno.ENOENT})
#: errno values meaning "an anonymous file cannot be linked here".
_NO_LINK: Final = frozenset({errno.EXDEV, errno.ENOENT, errno.EPERM, errno.ENOSYS})
_AT_FDCWD: Final = -100
_AT_SYMLINK_FOLLOW: Final = 0x400
_cleaned: set[str] = set()
_cleaned_lock = threading.Lock()


def _temporary_name(path: str) -> str:
    folder, base = os.path.split(path)
    return os.path.join(folder, f".{base}.dcmcore-{os.getpid()}-{secrets.token_hex(6)}.tmp")


def _alive(pid: int) -> bool:
    if pid == os.getpid() or os.name != "posix":
        return True  # (on Windows os.kill would terminate the process: keep its files)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True


def remove_stale_temporaries(folder: str) -> list[str]:
    """Remove dcmcore's temporary files in `folder` whose writing process is gone.

    Parameters
    ----------
    folder : str
        The folder to clean.

    Returns
    -------
    list of str
        The paths removed.
    """
    removed: list[str] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = TEMPORARY_PATTERN.match(entry.name)
        if match is None or _alive(int(match.group(1))):
            continue
        try:
            if entry.is_file(follow_symlinks=False):
                os.unlink(entry.path)
                removed.append(entry.path)
        except OSError:
            pass
    return removed


def _clean_once(folder: str) -> None:
    with _cleaned_lock:
        if folder in _cleaned:
            return
        _cleaned.add(folder)
    remove_stale_temporaries(folder)


def _failure(path: str, action: str, exc: OSError) -> FileWriteError:
    reason = exc.strerror or str(exc)
    err = FileWriteError(f"cannot write {path!r}: {action} failed: {reason}; the original "
                         "file, if any, is unchanged")
    err.errno, err.strerror, err.filename = exc.errno, exc.strerror, path
    return err


def _write_all(fd: int, chunks: Iterable[bytes]) -> None:
    for chunk in chunks:
        view = memoryview(chunk).cast("B")
        while view:
            view = view[os.write(fd, view):]


_libc: ctypes.CDLL | None = None


def _linkat_follow(source: str, target: str) -> None:
    """``linkat(AT_FDCWD, source, AT_FDCWD, target, AT_SYMLINK_FOLLOW)``.

    :func:`os.link` calls ``link()`` when asked to follow links, which refuses the
    ``/proc/self/fd`` link of an anonymous file.
    """
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    if _libc.linkat(_AT_FDCWD, os.fsencode(source), _AT_FDCWD, os.fsencode(target),
                    _AT_SYMLINK_FOLLOW) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), target)


def _link_into_place(fd: int, path: str, overwrite: bool) -> None:
    source = f"{_PROC_FD}/{fd}"
    if not overwrite:
        try:
            _linkat_follow(source, path)
        except FileExistsError:
            raise FileExistsError(f"File exists and overwrite=False: '{path}'") from None
        return
    tmp = _temporary_name(path)
    _linkat_follow(source, tmp)
    try:
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _write_anonymous(folder: str, path: str, chunks: Iterable[bytes], overwrite: bool,
                     mode: int) -> bool:
    """Write through an O_TMPFILE file; False if the folder cannot make one."""
    if not _O_TMPFILE or not os.path.isdir(_PROC_FD):
        return False
    try:
        fd = os.open(folder, _O_TMPFILE | os.O_WRONLY | _O_CLOEXEC, mode)
    except OSError as exc:
        if exc.errno in _NO_TMPFILE:
            return False
        raise _failure(path, "creating the new file", exc) from exc
    try:
        try:
            _write_all(fd, chunks)
            os.fchmod(fd, mode)
        except OSError as exc:
            raise _failure(path, "writing", exc) from exc
        try:
            _link_into_place(fd, path, overwrite)
        except FileExistsError:
            raise
        except OSError as exc:
            if exc.errno in _NO_LINK:
                return False  # no usable /proc/self/fd: write a named file instead
            raise _failure(path, "replacing the target", exc) from exc
    finally:
        os.close(fd)
    return True


def _write_named(folder: str, path: str, chunks: Iterable[bytes], overwrite: bool,
                 mode: int) -> None:
    """Write a named temporary file, then rename it over `path`."""
    tmp = _temporary_name(path)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_CLOEXEC, 0o600)
    except OSError as exc:
        raise _failure(path, "creating the temporary file", exc) from exc
    try:
        try:
            with os.fdopen(fd, "wb") as f:
                _write_all(f.fileno(), chunks)
            os.chmod(tmp, mode)
        except OSError as exc:
            raise _failure(path, "writing", exc) from exc
        if overwrite:
            try:
                os.replace(tmp, path)
            except OSError as exc:
                raise _failure(path, "replacing the target", exc) from exc
            return
        try:
            os.link(tmp, path)  # fails if the target appeared meanwhile
        except FileExistsError:
            raise FileExistsError(f"File exists and overwrite=False: '{path}'") from None
        except OSError as exc:
            raise _failure(path, "linking the new file", exc) from exc
        os.unlink(tmp)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def write_atomically(path: str, chunks: Iterable[bytes], *, overwrite: bool, mode: int,
                     anonymous: bool = True) -> None:
    """Write `chunks` to the regular file `path`, replacing it only once complete.

    Parameters
    ----------
    path : str
        The target (a symbolic link should be resolved by the caller).
    chunks : iterable of bytes-like
        The content.
    overwrite : bool
        Replace an existing file; if False, raise :class:`FileExistsError` when `path`
        exists (also when it appears while writing).
    mode : int
        Permission bits of the new file.
    anonymous : bool
        Try an anonymous ``O_TMPFILE`` file first (Linux); False forces the named
        temporary file.

    Raises
    ------
    FileWriteError
        The folder is read-only or missing, the disk is full...: names `path` and the
        reason; `path` is unchanged.
    FileExistsError
        `overwrite` is False and `path` exists.
    """
    folder = os.path.dirname(os.path.abspath(path))
    _clean_once(folder)
    try:
        if anonymous and _write_anonymous(folder, path, chunks, overwrite, mode):
            return
        _write_named(folder, path, chunks, overwrite, mode)
    except (FileWriteError, FileExistsError, DcmcoreError):
        raise
    except OSError as exc:
        raise _failure(path, "writing", exc) from exc


def write_special(path: str, chunks: Iterable[bytes]) -> None:
    """Write `chunks` to the existing device or pipe `path` (it cannot be replaced)."""
    try:
        mode = os.stat(path).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), path)
        with open(path, "wb") as f:
            f.writelines(chunks)
    except OSError as exc:
        raise _failure(path, "writing", exc) from exc
