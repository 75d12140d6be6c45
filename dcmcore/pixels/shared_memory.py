"""Memory shared between the calling process and decoding worker processes.

An *arena* is one block of shared memory: the caller writes into it the codestreams a
worker process decodes, the worker writes the decoded pixels next to them, and the
caller copies those into the result. Workers open an arena by path, so nothing but a
small :class:`ArenaHandle` is pickled.

On Linux an arena is an anonymous memory file (``memfd_create``) that workers open
through ``/proc/<pid>/fd/<n>``: it never appears in a folder, so nothing is left behind
if the process dies, and one arena is *kept* between calls. Keeping it is what makes it
pay: a fresh shared page costs a page fault and zeroing in every process that touches it
(about 0.7 ms per MiB on a 2-core VM, more than copying the page), and shared memory
gets no transparent huge pages, so a kept arena saves the caller and each worker that
cost on every call after the first. Elsewhere, or when another process cannot open the
memory file, an arena is a file in /dev/shm (else the temp folder) that lives for one
call. Space is always reserved with ``posix_fallocate`` before the first write: a sparse
mapping on a full tmpfs kills the writer with SIGBUS instead of raising.
"""

from __future__ import annotations

import functools
import itertools
import mmap
import os
import tempfile
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from dcmcore.errors import ArenaOpenError, SharedSpaceError

__all__ = [
    "ArenaHandle", "ArenaOpenError", "SharedArena", "SharedSpaceError", "KEEP_BYTES",
    "checkout", "attach", "detach", "release",
]

#: Largest arena kept between calls (bigger requests get an arena for one call).
KEEP_BYTES = 128 * 2**20
#: Kept arenas grow in steps of this size, so similar requests reuse the same one.
_GROWTH_STEP = 8 * 2**20


@dataclass(frozen=True)
class ArenaHandle:
    """What a worker needs to open an arena: a unique token, a path and the size.

    `kept` arenas stay mapped in the worker between tasks; others are unmapped after
    each task, since the caller frees them after one call. In a `sparse` arena no page
    is reserved up front: whoever writes a region reserves it first (:func:`populate`).
    `identity` is the ``(device, inode)`` of the file: a task that runs after its call
    was abandoned must not open whatever now has the arena's path or fd number.
    """

    token: str
    path: str
    size: int
    kept: bool
    sparse: bool = False
    identity: tuple[int, int] | None = None


class SharedArena:
    """A block of shared memory of `size` bytes, mapped here.

    Its pages are reserved up front, except in a `sparse` memory file, where each writer
    reserves its own region first (:func:`populate`).
    """

    _tokens = itertools.count()

    def __init__(
        self, buffer: mmap.mmap, path: str, fd: int | None, kept: bool, sparse: bool = False
    ) -> None:
        self.buffer = buffer
        self.size = len(buffer)
        self.deferred = False  # closed by close_when_done, not by checkout
        self._fd = fd  # a memory file stays open: workers reach it through /proc
        self._unlink = path if fd is None else None
        info = os.stat(path) if fd is None else os.fstat(fd)
        self.handle = ArenaHandle(f"{os.getpid()}-{next(self._tokens)}", path, self.size,
                                  kept, sparse, (info.st_dev, info.st_ino))
        _live.add(self)

    @classmethod
    def create(cls, size: int, kept: bool = False) -> SharedArena:
        """A new arena: a memory file if workers can open one, else a shared file.

        Raises
        ------
        SharedSpaceError
            When no place had room for `size` bytes.
        """
        size = max(1, size)
        errors: list[str] = []
        if _memory_files_usable():
            try:
                return cls._memory_file(size, kept)
            except OSError as exc:
                errors.append(f"memory file: {exc}")
        buffer, path = reserved_file("dcmcore-arena-", size, errors)
        return cls(buffer, path, None, kept=False)

    @classmethod
    def _memory_file(cls, size: int, kept: bool) -> SharedArena:
        fd = os.memfd_create("dcmcore-arena")
        sparse = _can_populate()  # then each writer reserves its own region, in parallel
        try:
            if sparse:
                os.ftruncate(fd, size)
            else:
                _reserve(fd, size)
            buffer = mmap.mmap(fd, size)
        except BaseException:
            os.close(fd)
            raise
        return cls(buffer, f"/proc/{os.getpid()}/fd/{fd}", fd, kept, sparse)

    def close_when_done(self, futures: list[Any]) -> None:
        """Close the arena once `futures` (tasks still writing into it) are done.

        Closing punches the pages out; a task still running would fault them back in
        and its worker would keep them.
        """
        self.deferred = True
        remaining = [len(futures)]
        lock = threading.Lock()

        def one_done(_: Any) -> None:
            with lock:
                remaining[0] -= 1
                last = remaining[0] == 0
            if last:
                self.close()

        if not futures:
            self.close()
        for future in futures:
            future.add_done_callback(one_done)

    def close(self) -> None:
        """Free the arena and unmap it here.

        A memory file's pages are punched out first, which frees them in every process
        that maps it (idle workers keep a mapping of the last arena they used).
        """
        if self._fd is not None and not self.buffer.closed:
            try:
                self.buffer.madvise(mmap.MADV_REMOVE)
            except (AttributeError, OSError, ValueError):  # the memory goes with the mappings
                pass
        self._forget(unlink=True)

    def _forget(self, unlink: bool) -> None:
        """Unmap and close here only (in a forked child: the parent still uses it)."""
        _live.discard(self)
        _close_quietly(self.buffer)
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        if self._unlink is not None and unlink:
            try:
                os.unlink(self._unlink)
            except OSError:
                pass
        self._unlink = None


_live: weakref.WeakSet[SharedArena] = weakref.WeakSet()


_MADV_POPULATE_READ = 22  # Linux >= 5.14
_MADV_POPULATE_WRITE = 23


@functools.cache
def _can_populate() -> bool:
    """Whether ``madvise`` can fault in a range of pages in one call here."""
    try:
        probe = mmap.mmap(-1, mmap.PAGESIZE)
    except OSError:
        return False
    try:
        probe.madvise(_MADV_POPULATE_WRITE, 0, mmap.PAGESIZE)
    except (OSError, ValueError, AttributeError):
        return False
    finally:
        probe.close()
    return True


def populate(handle: ArenaHandle, buffer: mmap.mmap, offset: int, length: int,
             *, write: bool) -> None:
    """Fault in ``buffer[offset:offset + length]`` in one call before using it.

    One call costs far less than a page fault per page. Before writing into a `sparse`
    arena this also reserves the pages: :class:`SharedSpaceError` when there is no
    memory for them (writing into them would kill the process with SIGBUS).
    """
    if length <= 0 or not _can_populate():
        return
    start = offset - offset % mmap.PAGESIZE
    try:
        buffer.madvise(_MADV_POPULATE_WRITE if write else _MADV_POPULATE_READ, start,
                       offset + length - start)
    except OSError as exc:
        if write and handle.sparse:
            raise SharedSpaceError(
                f"No room for {length} bytes of shared memory ({exc})") from None


def _reserve(fd: int, size: int) -> None:
    os.ftruncate(fd, size)
    fallocate = getattr(os, "posix_fallocate", None)
    if fallocate is not None:
        fallocate(fd, 0, size)


def shared_folders() -> list[str | None]:
    """Where shared files go, in order of preference: /dev/shm, then the temp folder."""
    folders: list[str | None] = ["/dev/shm"] if os.path.isdir("/dev/shm") else []
    return folders + [None]


def reserved_file(
    prefix: str, size: int, errors: list[str] | None = None
) -> tuple[mmap.mmap, str]:
    """Create a file of `size` bytes with its space reserved, in a shared folder; map it.

    A folder without room is skipped; :class:`SharedSpaceError` names every folder tried
    (after the reasons already in `errors`) when none had room.
    """
    errors = [] if errors is None else errors
    for folder in shared_folders():
        where = folder or tempfile.gettempdir()
        try:
            fd, path = tempfile.mkstemp(prefix=prefix, dir=folder)
        except OSError as exc:
            errors.append(f"{where}: {exc}")
            continue
        try:
            _reserve(fd, size)
            buffer = mmap.mmap(fd, size)
        except OSError as exc:
            errors.append(f"{where}: {exc}")
            os.close(fd)
            os.unlink(path)
            continue
        except BaseException:
            os.close(fd)
            os.unlink(path)
            raise
        os.close(fd)
        return buffer, path
    raise SharedSpaceError(f"No room for {size} bytes of shared memory ({'; '.join(errors)})")


_memory_files_ok = hasattr(os, "memfd_create") and os.path.isdir("/proc/self/fd")


def _memory_files_usable() -> bool:
    return _memory_files_ok


def stop_using_memory_files() -> None:
    """Use shared files from now on (a worker could not open a memory file)."""
    global _memory_files_ok
    _memory_files_ok = False
    release()


_lock = threading.Lock()
_kept: SharedArena | None = None
_kept_busy = False


@contextmanager
def checkout(size: int) -> Iterator[SharedArena]:
    """An arena of at least `size` bytes for one call, reused between calls when possible.

    The kept arena serves one call at a time; a concurrent call, or one larger than
    :data:`KEEP_BYTES`, gets an arena of its own, freed when the call ends. The caller
    must not leave the ``with`` block while a worker may still write into the arena.
    """
    global _kept, _kept_busy
    arena = None
    with _lock:
        if not _kept_busy and size <= KEEP_BYTES and _memory_files_usable():
            if _kept is None or _kept.size < size:
                if _kept is not None:
                    _kept.close()
                    _kept = None
                grown = min(KEEP_BYTES, -(-size // _GROWTH_STEP) * _GROWTH_STEP)
                candidate = SharedArena.create(grown, kept=True)
                if candidate.handle.kept:
                    _kept = candidate
                else:  # memory files failed: a one-call shared file came back
                    arena = candidate
            if arena is None:
                arena, _kept_busy = _kept, True
    if arena is None:
        arena = SharedArena.create(size)
    failed = True
    try:
        yield arena
        failed = False
    finally:
        # after an error, tasks of the call may still be queued or running: the arena
        # is never handed to another call
        with _lock:
            if arena is _kept:
                _kept_busy = False
                if failed or not _memory_files_usable():
                    _kept = None
        if arena is not _kept and not arena.deferred:
            arena.close()


def release() -> None:
    """Free the kept arena (it is created again on the next parallel decode)."""
    global _kept
    with _lock:
        if _kept is not None and not _kept_busy:
            _kept.close()
            _kept = None


# Worker side: the kept arena stays mapped between tasks (one per calling process).
_attached: dict[str, tuple[str, mmap.mmap]] = {}
_attached_lock = threading.Lock()


def attach(handle: ArenaHandle) -> mmap.mmap:
    """Map the arena `handle` names (in a worker); :class:`SharedSpaceError` if it can't."""
    owner = handle.token.split("-", 1)[0]
    if handle.kept:
        with _attached_lock:
            known = _attached.get(owner)
            if known is not None and known[0] == handle.token:
                return known[1]
    try:
        _check_identity(handle, os.stat(handle.path))  # before opening whatever it is now
        fd = os.open(handle.path, os.O_RDWR)
    except ArenaOpenError:
        raise
    except OSError as exc:
        raise ArenaOpenError(f"Cannot open the shared memory at {handle.path}: {exc}") from None
    try:
        _check_identity(handle, os.fstat(fd))
        buffer = mmap.mmap(fd, handle.size)
    except OSError as exc:
        if isinstance(exc, ArenaOpenError):
            raise
        raise ArenaOpenError(f"Cannot map the shared memory at {handle.path}: {exc}") from None
    finally:
        os.close(fd)
    if handle.kept:
        with _attached_lock:
            old = _attached.pop(owner, None)
            _attached[owner] = (handle.token, buffer)
        if old is not None:
            _close_quietly(old[1])
    return buffer


def _check_identity(handle: ArenaHandle, info: os.stat_result) -> None:
    if handle.identity is not None and (info.st_dev, info.st_ino) != handle.identity:
        raise ArenaOpenError(f"The shared memory at {handle.path} is gone (its task "
                             "belongs to a call that ended)")


def detach(handle: ArenaHandle, buffer: mmap.mmap) -> None:
    """Done with `buffer` for this task: unmap it unless the arena is kept."""
    if not handle.kept:
        _close_quietly(buffer)


def _close_quietly(buffer: mmap.mmap) -> None:
    try:
        buffer.close()
    except BufferError:  # a view is still alive somewhere: the mapping goes with it
        pass


def _after_fork_in_child() -> None:
    """A forked child (a pool worker, or the user's) drops the parent's arenas.

    Without this it would keep them mapped for its lifetime, and a decode in a child of
    the caller would write into the parent's kept arena.
    """
    global _lock, _attached_lock, _kept, _kept_busy
    _lock, _attached_lock = threading.Lock(), threading.Lock()
    _kept, _kept_busy = None, False
    for arena in list(_live):
        arena._forget(unlink=False)
    for _, buffer in _attached.values():
        _close_quietly(buffer)
    _attached.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
