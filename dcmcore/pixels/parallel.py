"""Decoding the frames of one call, in the calling thread, in threads or in worker processes.

Every frame goes through the call's :class:`~dcmcore.codecs.runner.CodecRunner` (the
one fallback loop and the one check of a decoder's output). Frames are split into
contiguous chunks, one per worker; the calling thread decodes the first chunk itself
while the others run in a thread pool (when every candidate decoder is ``thread_safe``)
or a process pool (the runner, with its decoders and :class:`FrameInfo`, pickles).
Workers copy each frame into the result (:func:`store_frame`) and apply the bits-stored
correction there; process
workers exchange codestreams and pixels with the caller through shared memory
(:mod:`dcmcore.pixels.shared_memory`), so neither is pickled. The process pool and the
shared memory are kept and reused: starting processes, and faulting in fresh shared
pages, cost more than decoding a frame (see :func:`shutdown_pools`). Results are
identical to sequential decoding: each frame is decoded independently.
"""

from __future__ import annotations

import concurrent.futures as cf
import mmap
import multiprocessing
import os
import threading
from collections.abc import Sequence
from contextlib import ExitStack
from functools import partial
from typing import Any, NamedTuple

import numpy as np

from dcmcore import config
from dcmcore.codecs._warnings import warn
from dcmcore.codecs.base import Codec
from dcmcore.codecs.runner import CodecRunner, Failure
from dcmcore.errors import SharedSpaceError, WorkerProcessError
from dcmcore.pixels import shared_memory

__all__ = [
    "decode_frames", "decode_chunk_into", "store_frame", "FrameOutcome",
    "shutdown_pools", "WorkerProcessError", "SharedSpaceError",
]


class FrameOutcome(NamedTuple):
    """How one frame was decoded (what a worker sends back instead of the pixels)."""

    photometric_interpretation: str
    decoder: str
    failures: tuple[Failure, ...] = ()


def store_frame(slot: np.ndarray, arr: np.ndarray) -> None:
    """Copy a checked decoder array (see :func:`~dcmcore.codecs.runner.read_decoded`)
    into `slot`, shaped ``(rows, columns, samples)`` in the decoded dtype.

    An array of the slot's width but the other signedness (or float pixel data
    delivered as words) keeps its bits; a narrower one keeps its values.
    """
    if arr.ndim == 2:
        arr = arr[..., np.newaxis]
    if arr.dtype.itemsize == slot.dtype.itemsize and arr.dtype.kind != slot.dtype.kind:
        arr = arr.view(slot.dtype.newbyteorder(arr.dtype.byteorder))
    slot[...] = arr


def decode_chunk_into(
    runner: CodecRunner, frames: Sequence[bytes], first: int, out: np.ndarray, shift: int = 0
) -> list[FrameOutcome]:
    """Decode `frames` (numbered from `first`) into ``out[0:len(frames)]``.

    A non-zero `shift` applies the bits-stored correction (shift left then right by
    `shift` bits: masks unsigned, sign-extends signed values) here, in the worker.
    """
    outcomes = []
    for i, decoded in enumerate(runner.decode_many(frames, first)):
        slot = out[i]
        store_frame(slot, decoded.array)
        if shift:
            np.left_shift(slot, shift, out=slot)
            np.right_shift(slot, shift, out=slot)
        outcomes.append(FrameOutcome(decoded.photometric_interpretation, decoded.decoder,
                                     decoded.failures))
    return outcomes


def _frame_shape(runner: CodecRunner) -> tuple[int, int, int]:
    info = runner.info
    return (info.rows, info.columns, info.samples_per_pixel)


def _chunk_to_arrays(
    runner: CodecRunner, frames: Sequence[bytes], first: int, dtype: str, shift: int = 0
) -> tuple[np.ndarray, list[FrameOutcome]]:
    """Worker for executors of unknown kind: return the decoded frames."""
    out = np.empty((len(frames), *_frame_shape(runner)), dtype=np.dtype(dtype))
    return out, decode_chunk_into(runner, frames, first, out, shift)


def _chunks(n: int, parts: int) -> list[tuple[int, int]]:
    parts = max(1, min(parts, n))
    size, extra = divmod(n, parts)
    out, start = [], 0
    for p in range(parts):
        end = start + size + (p < extra)
        out.append((start, end))
        start = end
    return out


#: Frames sent to a worker in one task (see :func:`_process_pool_into`).
WORKER_PIECE_FRAMES = 8


def _pieces(a: int, b: int) -> list[tuple[int, int]]:
    """Split a worker's ``range(a, b)`` into tasks: a small first one, so the worker
    starts sooner, then :data:`WORKER_PIECE_FRAMES` frames each."""
    first = min(b, a + max(1, WORKER_PIECE_FRAMES // 4))
    step = WORKER_PIECE_FRAMES
    return [(a, first)] * (first > a) + [(i, min(b, i + step)) for i in range(first, b, step)]


_POOLS: dict[tuple[int, str], cf.ProcessPoolExecutor] = {}
_POOLS_LOCK = threading.Lock()


def _start_method() -> str:
    """How worker processes start: ``config.settings.worker_start_method``, else the
    interpreter's default (as for :class:`concurrent.futures.ProcessPoolExecutor`)."""
    method = config.settings.worker_start_method or multiprocessing.get_start_method()
    if method not in multiprocessing.get_all_start_methods():
        raise ValueError(
            f"dcmcore.config.settings.worker_start_method: {method!r} is not one of "
            f"{multiprocessing.get_all_start_methods()} on this platform")
    return method


def _pool(workers: int) -> cf.ProcessPoolExecutor:
    """A process pool kept for reuse (creating processes per call costs more than a frame)."""
    method = _start_method()
    with _POOLS_LOCK:
        pool = _POOLS.get((workers, method))
        if pool is None or getattr(pool, "_broken", False) or getattr(
                pool, "_shutdown_thread", False):
            pool = cf.ProcessPoolExecutor(max_workers=workers,
                                          mp_context=multiprocessing.get_context(method),
                                          initializer=_keep_freed_memory)
            _POOLS[(workers, method)] = pool
        return pool


def _keep_freed_memory() -> None:
    """Worker initializer: let glibc's malloc keep freed blocks for reuse.

    A fresh process (forkserver, spawn) returns every freed frame-sized block to the
    system and faults in new pages for the next frame: a worker decoded 25-40% slower
    than one forked from a caller whose allocator had already adapted. Elsewhere than
    glibc this does nothing.
    """
    try:  # an initializer that raises breaks the pool: never let this one
        import ctypes

        mallopt = ctypes.CDLL(None).mallopt
        m_trim_threshold, m_mmap_threshold = -1, -3
        mallopt(m_mmap_threshold, 32 * 2**20)
        mallopt(m_trim_threshold, 128 * 2**20)
    except Exception:  # noqa: BLE001 - no ctypes, no glibc: keep the defaults
        return


def _forget_pools_after_fork() -> None:
    """A forked child has none of the parent's worker processes or manager threads."""
    global _POOLS_LOCK
    _POOLS_LOCK = threading.Lock()
    _POOLS.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pools_after_fork)


def _drop_pool(pool: Any) -> None:
    """Forget a broken pool, so that the next call starts a new one, and shut it down
    (only the thread that removed it does, so it is shut down once)."""
    with _POOLS_LOCK:
        keys = [key for key, known in _POOLS.items() if known is pool]
        for key in keys:
            del _POOLS[key]
    if keys:
        pool.shutdown(wait=True, cancel_futures=True)


def shutdown_pools() -> None:
    """Stop the worker processes kept by :func:`decode_frames` (they also stop at exit)."""
    with _POOLS_LOCK:
        pools = list(_POOLS.values())
        _POOLS.clear()
    for pool in pools:
        pool.shutdown(wait=True)
    shared_memory.release()


def _decode_piece(
    runner: CodecRunner, dtype: str, shift: int, handle: shared_memory.ArenaHandle,
    first: int, spans: list[tuple[int, int]], out_offset: int,
) -> list[FrameOutcome]:
    """Process worker: decode the codestreams at `spans` of an arena into it at `out_offset`.

    Raises :class:`SharedSpaceError` when the arena cannot be opened (the caller then
    decodes these frames itself).
    """
    buffer = shared_memory.attach(handle)
    out = None
    try:
        shared_memory.populate(handle, buffer, spans[0][0], sum(n for _, n in spans),
                               write=False)
        frames = [bytes(buffer[offset:offset + size]) for offset, size in spans]
        shape = (len(spans), *_frame_shape(runner))
        count = int(np.prod(shape))
        shared_memory.populate(handle, buffer, out_offset, count * np.dtype(dtype).itemsize,
                               write=True)
        out = np.frombuffer(buffer, dtype=np.dtype(dtype), count=count,
                            offset=out_offset).reshape(shape)
        return decode_chunk_into(runner, frames, first, out, shift)
    finally:
        out = None
        shared_memory.detach(handle, buffer)


def _arena_layout(
    pieces: Sequence[tuple[int, int]], sizes: dict[int, int], frame_bytes: int
) -> tuple[list[tuple[list[tuple[int, int]], int]], int]:
    """Where each piece's codestreams and pixels go in an arena, and the arena's size.

    Per piece: the ``(offset, size)`` of each codestream, then the offset of its pixels.
    Pixels start and end on page boundaries, so a worker's output never shares a page
    with the codestreams the caller is still writing.
    """
    layout, pos = [], 0
    for a, b in pieces:
        spans = []
        for i in range(a, b):
            spans.append((pos, sizes[i]))
            pos += sizes[i]
        pos = _page_aligned(pos)
        layout.append((spans, pos))
        pos = _page_aligned(pos + (b - a) * frame_bytes)
    return layout, pos


def _page_aligned(pos: int) -> int:
    return -(-pos // mmap.PAGESIZE) * mmap.PAGESIZE


def _write_codestreams(
    arena: shared_memory.SharedArena, spans: list[tuple[int, int]], streams: list[Any]
) -> None:
    start, end = spans[0][0], spans[-1][0] + spans[-1][1]
    shared_memory.populate(arena.handle, arena.buffer, start, end - start, write=True)
    for (offset, length), stream in zip(spans, streams):
        arena.buffer[offset:offset + length] = stream


def _read_pixels(arena: shared_memory.SharedArena, offset: int, out: np.ndarray) -> None:
    shared_memory.populate(arena.handle, arena.buffer, offset, out.nbytes, write=False)
    out[...] = np.frombuffer(arena.buffer, dtype=out.dtype, count=out.size,
                             offset=offset).reshape(out.shape)


def _process_pool_into(
    runner: CodecRunner, frames: Sequence[bytes], dtype: np.dtype, workers: int, shift: int = 0,
) -> tuple[np.ndarray, list[FrameOutcome]]:
    """Decode in a reused process pool, exchanging codestreams and pixels in an arena.

    The calling process writes the workers' codestreams into a shared-memory arena
    (:mod:`dcmcore.pixels.shared_memory`), in pieces of :data:`WORKER_PIECE_FRAMES`
    frames so that a worker starts on the first piece while the rest are written, then
    decodes the first chunk straight into the result. Workers decode each piece into
    the arena, and the caller copies the pixels into the result.
    """
    n = len(frames)
    chunks = _chunks(n, workers)
    out = np.empty((n, *_frame_shape(runner)), dtype=dtype)
    pieces = [piece for a, b in chunks[1:] for piece in _pieces(a, b)]
    raw = frames.raw if hasattr(frames, "raw") else frames.__getitem__
    streams = {i: raw(i) for a, b in pieces for i in range(a, b)}
    layout, size = _arena_layout(pieces, {i: len(s) for i, s in streams.items()},
                                 out[0].nbytes)

    def decode_here(a: int, b: int, codestreams: Sequence[bytes]) -> list[FrameOutcome]:
        return decode_chunk_into(runner, codestreams, a, out[a:b], shift)

    pool = _pool(len(chunks) - 1)
    with ExitStack() as stack:
        try:
            arena = stack.enter_context(shared_memory.checkout(size))
        except SharedSpaceError as exc:
            warn("Decoding every frame in the calling process: no room for "
                 f"memory shared with worker processes ({exc})")
            return out, decode_here(0, n, frames)
        task = partial(_decode_piece, runner, out.dtype.str, shift, arena.handle)
        pending: list[cf.Future | None] = []
        reasons: set[str] = set()
        unshared: list[tuple[int, int]] = []
        try:
            _submit_pieces(pool, task, arena, pieces, layout, streams, pending, reasons)
            a, b = chunks[0]
            outcomes = decode_here(a, b, frames[a:b])
            for (a, b), (_, out_offset), fut in zip(pieces, layout, pending):
                extra = _piece_result(pool, fut, a, b, reasons)
                if extra is None:
                    unshared.append((a, b))
                    extra = decode_here(a, b, [streams[i] for i in range(a, b)])
                else:
                    _read_pixels(arena, out_offset, out[a:b])
                outcomes.extend(extra)
        except BaseException:
            # leave at once; tasks already running finish into this arena, which is
            # never handed to another call and is freed when they are done
            running = [fut for fut in pending if fut is not None and not fut.cancel()]
            arena.close_when_done(running)
            raise
    if unshared:
        warn(f"Decoding frames {_ranges(unshared)} in the calling process: no memory "
             f"shared with a worker for them ({'; '.join(sorted(reasons))})")
    return out, outcomes


def _submit_pieces(
    pool: cf.Executor, task: Any, arena: shared_memory.SharedArena,
    pieces: Sequence[tuple[int, int]], layout: Sequence[tuple[list[tuple[int, int]], int]],
    streams: dict[int, Any], pending: list[cf.Future | None], reasons: set[str],
) -> None:
    """Write each piece's codestreams into the arena and send the piece to the pool.

    Appends each piece's future to `pending` as it goes (``None`` when the arena had no
    room for it, the reason added to `reasons`), so the caller can cancel what was sent
    if this raises.
    """
    for (a, b), (spans, out_offset) in zip(pieces, layout):
        try:
            _write_codestreams(arena, spans, [streams[i] for i in range(a, b)])
        except SharedSpaceError as exc:
            pending.append(None)
            reasons.add(str(exc))
            continue
        try:
            pending.append(pool.submit(task, a, spans, out_offset))
        except (cf.process.BrokenProcessPool, RuntimeError) as exc:
            # a worker died, or another call shut this broken pool down
            raise _worker_died(pool, a, b, "before they could be sent to it") from exc


def _piece_result(
    pool: cf.Executor, fut: cf.Future | None, a: int, b: int, reasons: set[str]
) -> list[FrameOutcome] | None:
    """A piece's frame outcomes, or None when the caller must decode its frames."""
    if fut is None:
        return None
    try:
        return fut.result()
    except SharedSpaceError as exc:
        reasons.add(str(exc))
        if isinstance(exc, shared_memory.ArenaOpenError):
            shared_memory.stop_using_memory_files()
        return None
    except cf.process.BrokenProcessPool as exc:
        raise _worker_died(pool, a, b, "before they were decoded (a decoder may have "
                                       "crashed on a frame in the pool)") from exc


def _worker_died(pool: cf.Executor, a: int, b: int, when: str) -> WorkerProcessError:
    """Drop the broken `pool`; the error to raise for frames ``a`` to ``b - 1``."""
    _drop_pool(pool)
    return WorkerProcessError(f"A worker process ended abruptly with frames {a}-{b - 1} "
                              f"{when}; the next call starts new workers")


def _ranges(spans: Sequence[tuple[int, int]]) -> str:
    """``[(3, 5), (5, 6), (9, 10)]`` -> ``"3-5, 9"`` (half-open spans, shown inclusive)."""
    merged: list[list[int]] = []
    for a, b in sorted(spans):
        if merged and merged[-1][1] == a:
            merged[-1][1] = b
        else:
            merged.append([a, b])
    return ", ".join(f"{a}-{b - 1}" if b - a > 1 else str(a) for a, b in merged)


def _mode(codecs: Sequence[Codec], n: int, workers: int | None, executor: Any) -> str:
    if executor is not None:
        return "executor"
    if not workers or workers == 1 or n < 2:
        return "sequential"
    if all(c.thread_safe for c in codecs):
        return "threads"
    if all(c.process_safe for c in codecs):
        return "processes"
    return "sequential"


def decode_frames(
    runner: CodecRunner,
    frames: Sequence[bytes],
    dtype: np.dtype,
    *,
    workers: int | None = None,
    executor: cf.Executor | None = None,
    shift: int = 0,
) -> tuple[np.ndarray, list[FrameOutcome]]:
    """Decode every frame of `frames`, sequentially or in parallel.

    Parameters
    ----------
    runner : CodecRunner
        The selected decoders and the frame description (it travels to the workers).
    frames : sequence of bytes-like
        One codestream per frame.
    dtype : numpy.dtype
        The dtype of the result (the decoded dtype of the pixel module).
    workers : int, optional
        Frames decoded concurrently, the calling thread included (``0`` or ``-1``:
        one per CPU). Threads when every decoder is ``thread_safe``, else processes
        (when every decoder is ``process_safe``), else sequential.
    executor : concurrent.futures.Executor, optional
        Run the chunks on this executor instead.
    shift : int
        Bits-stored correction applied to each frame by the worker that decodes it.

    Returns
    -------
    numpy.ndarray
        Shaped ``(frames, rows, columns, samples)``.
    list of FrameOutcome
        Per frame, its colour space and the decoder that decoded it.

    Raises
    ------
    CodecFailedError
        Every decoder failed on a frame (the same error on every path).
    WorkerProcessError
        A worker process died.
    """
    n = len(frames)
    if workers is not None and workers <= 0:
        workers = os.cpu_count() or 1
    mode = _mode(runner.codecs, n, workers, executor)
    if mode == "processes":
        return _process_pool_into(runner, frames, dtype, workers or 1, shift)
    out = np.empty((n, *_frame_shape(runner)), dtype=dtype)
    if mode == "sequential":
        return out, decode_chunk_into(runner, frames, 0, out, shift)
    if mode == "threads":
        chunks = _chunks(n, workers or 1)
        with cf.ThreadPoolExecutor(max_workers=len(chunks) - 1) as pool:
            futures = [pool.submit(decode_chunk_into, runner, list(frames[a:b]), a, out[a:b],
                                   shift) for a, b in chunks[1:]]
            a, b = chunks[0]
            outcomes = decode_chunk_into(runner, frames[a:b], a, out[a:b], shift)
            for fut in futures:
                outcomes.extend(fut.result())
        return out, outcomes
    # a user executor
    assert executor is not None
    parts = workers or getattr(executor, "_max_workers", None) or os.cpu_count() or 1
    chunks = _chunks(n, parts)
    if isinstance(executor, cf.ThreadPoolExecutor):
        futures = [executor.submit(decode_chunk_into, runner, list(frames[a:b]), a, out[a:b],
                                   shift) for a, b in chunks]
        return out, [o for fut in futures for o in fut.result()]
    pieces = [executor.submit(_chunk_to_arrays, runner, list(frames[a:b]), a, out.dtype.str,
                              shift) for a, b in chunks]
    outcomes = []
    for (a, b), piece in zip(chunks, pieces):
        out[a:b], found = piece.result()
        outcomes.extend(found)
    return out, outcomes
