"""Per-frame decoding with plugin fallback, batching and parallel workers.

Decoding a frame means: try the decoder that last succeeded, then every decoder in
selection order; the first result wins. Frames are split into contiguous chunks, one
per worker; the calling thread decodes the first chunk itself while the others run in
a thread pool (when every candidate decoder is ``thread_safe``) or a process pool
(decoders, :class:`FrameInfo` and :class:`PixelModule` pickle). Workers shape each
frame (:func:`conform_decoded`) and write it straight into the output array; process
workers exchange codestreams and pixels with the caller through shared memory
(:mod:`dcmcore.pixels.shared_memory`), so neither is pickled. The process pool and the
shared memory are kept and reused: starting processes, and faulting in fresh shared
pages, cost more than decoding a frame (see :func:`shutdown_pools`). Results are
identical to sequential decoding: each frame is decoded independently.
"""

from __future__ import annotations

import concurrent.futures as cf
import mmap
import os
import threading
import warnings
from collections.abc import Sequence
from contextlib import ExitStack
from functools import partial
from typing import Any

import numpy as np

from dcmcore.errors import CodecError, DcmcoreWarning
from dcmcore.pixels import shared_memory
from dcmcore.pixels.shaping import conform_decoded, target_dtype
from dcmcore.pixels.shared_memory import SharedSpaceError

__all__ = [
    "decode_frames", "decode_chunk", "decode_chunk_into",
    "shutdown_pools", "FrameDecodeError", "WorkerProcessError", "SharedSpaceError",
]


class FrameDecodeError(CodecError):
    """Every candidate decoder failed on a frame."""


class WorkerProcessError(FrameDecodeError):
    """A worker process died while decoding frames (e.g. a decoder crashed on them)."""


def _name(decoder: Any) -> str:
    return str(getattr(decoder, "name", type(decoder).__name__))


def _accepted(decoder: Any, options: dict[str, Any]) -> dict[str, Any]:
    """Pass a plugin only the options it declares (all of them if it declares none)."""
    accepted = getattr(decoder, "accepted_options", None)
    if accepted is not None:
        return accepted(options)
    declared = getattr(decoder, "options", None)
    if not declared or not options:
        return options
    return {k: v for k, v in options.items() if k in declared}


def _decode_one(
    decoders: Sequence[Any], data: bytes, info: Any, options: dict[str, Any], state: list[int],
    frame_index: int,
) -> Any:
    """Decode one frame; `state[0]` is the index of the last decoder that worked."""
    order = list(range(len(decoders)))
    if state and state[0] in order:
        order.remove(state[0])
        order.insert(0, state[0])
    failures = []
    for i in order:
        dec = decoders[i]
        try:
            out = dec.decode(data, info, **_accepted(dec, options))
        except Exception as exc:  # noqa: BLE001 - hand over to the next plugin
            failures.append(f"{_name(dec)}: {type(exc).__name__}: {exc}")
            continue
        if state:
            state[0] = i
        else:
            state.append(i)
        return out
    raise FrameDecodeError(
        f"Unable to decode frame {frame_index} ({info.transfer_syntax_uid}); every plugin "
        "failed:\n  " + "\n  ".join(failures)
    )


def decode_chunk(
    decoders: Sequence[Any], frames: Sequence[bytes], info: Any, options: dict[str, Any],
    first_index: int = 0,
) -> list[Any]:
    """Decode `frames` in order, with fallback; batch when the first decoder offers it."""
    if len(frames) > 1 and decoders and getattr(decoders[0], "supports_batch", False):
        try:
            out = decoders[0].decode_batch(list(frames), info, **_accepted(decoders[0], options))
            if len(out) == len(frames):
                return list(out)
        except Exception:  # noqa: BLE001 - fall back to frame by frame
            pass
    state: list[int] = []
    return [
        _decode_one(decoders, f, info, options, state, first_index + i)
        for i, f in enumerate(frames)
    ]


def decode_chunk_into(
    decoders: Sequence[Any], frames: Sequence[bytes], info: Any, options: dict[str, Any],
    first: int, mod: Any, out: np.ndarray, shift: int = 0,
) -> list[dict]:
    """Decode and shape a chunk into ``out[0:len(frames)]``; return the overrides.

    A non-zero `shift` applies the bits-stored correction (shift left then right by
    `shift` bits: masks unsigned, sign-extends signed values) here, in the worker.
    """
    results = decode_chunk(decoders, frames, info, options, first)
    overrides = []
    for i, res in enumerate(results):
        arr, extra = conform_decoded(res, mod, first + i)
        out[i] = arr
        if shift:
            np.left_shift(out[i], shift, out=out[i])
            np.right_shift(out[i], shift, out=out[i])
        overrides.append(extra)
    return overrides


def _chunk_to_arrays(
    decoders: Sequence[Any], frames: Sequence[bytes], info: Any, options: dict[str, Any],
    first: int, mod: Any, shift: int = 0,
) -> list[tuple[np.ndarray, dict]]:
    """Worker for executors of unknown kind: return the shaped frames."""
    n = len(frames)
    out = np.empty((n, mod.rows, mod.columns, mod.samples_per_pixel), dtype=target_dtype(mod))
    overrides = decode_chunk_into(decoders, frames, info, options, first, mod, out, shift)
    return list(zip(out, overrides))


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
    import multiprocessing

    from dcmcore.config import settings

    method = settings.worker_start_method or multiprocessing.get_start_method()
    if method not in multiprocessing.get_all_start_methods():
        raise ValueError(
            f"dcmcore.config.settings.worker_start_method: {method!r} is not one of "
            f"{multiprocessing.get_all_start_methods()} on this platform")
    return method


def _pool(workers: int) -> cf.ProcessPoolExecutor:
    """A process pool kept for reuse (creating processes per call costs more than a frame)."""
    import multiprocessing

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
    decoders: Sequence[Any], info: Any, options: dict[str, Any], mod: Any, dtype: str,
    shift: int, handle: shared_memory.ArenaHandle, first: int,
    spans: list[tuple[int, int]], out_offset: int,
) -> list[dict]:
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
        shape = (len(spans), mod.rows, mod.columns, mod.samples_per_pixel)
        count = int(np.prod(shape))
        shared_memory.populate(handle, buffer, out_offset, count * np.dtype(dtype).itemsize,
                               write=True)
        out = np.frombuffer(buffer, dtype=np.dtype(dtype), count=count,
                            offset=out_offset).reshape(shape)
        return decode_chunk_into(decoders, frames, info, options, first, mod, out, shift)
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
    decoders: Sequence[Any], frames: Sequence[bytes], info: Any, options: dict[str, Any],
    mod: Any, workers: int, shift: int = 0,
) -> tuple[np.ndarray, list[dict]]:
    """Decode in a reused process pool, exchanging codestreams and pixels in an arena.

    The calling process writes the workers' codestreams into a shared-memory arena
    (:mod:`dcmcore.pixels.shared_memory`), in pieces of :data:`WORKER_PIECE_FRAMES`
    frames so that a worker starts on the first piece while the rest are written, then
    decodes the first chunk straight into the result. Workers decode each piece into
    the arena, and the caller copies the pixels into the result.
    """
    n = len(frames)
    chunks = _chunks(n, workers)
    out = np.empty((n, mod.rows, mod.columns, mod.samples_per_pixel), dtype=target_dtype(mod))
    pieces = [piece for a, b in chunks[1:] for piece in _pieces(a, b)]
    raw = frames.raw if hasattr(frames, "raw") else frames.__getitem__
    streams = {i: raw(i) for a, b in pieces for i in range(a, b)}
    layout, size = _arena_layout(pieces, {i: len(s) for i, s in streams.items()},
                                 out[0].nbytes)

    def decode_here(a: int, b: int, codestreams: Sequence[Any]) -> list[dict]:
        return decode_chunk_into(decoders, codestreams, info, options, a, mod, out[a:b], shift)

    pool = _pool(len(chunks) - 1)
    with ExitStack() as stack:
        try:
            arena = stack.enter_context(shared_memory.checkout(size))
        except SharedSpaceError as exc:
            warnings.warn("Decoding every frame in the calling process: no room for "
                          f"memory shared with worker processes ({exc})", DcmcoreWarning,
                          stacklevel=4)
            return out, decode_here(0, n, frames)
        task = partial(_decode_piece, list(decoders), info, options, mod, out.dtype.str,
                       shift, arena.handle)
        pending: list[cf.Future | None] = []
        reasons: set[str] = set()
        unshared: list[tuple[int, int]] = []
        try:
            _submit_pieces(pool, task, arena, pieces, layout, streams, pending, reasons)
            a, b = chunks[0]
            overrides = decode_here(a, b, frames[a:b])
            for (a, b), (_, out_offset), fut in zip(pieces, layout, pending):
                extra = _piece_result(pool, fut, a, b, reasons)
                if extra is None:
                    unshared.append((a, b))
                    extra = decode_here(a, b, [streams[i] for i in range(a, b)])
                else:
                    _read_pixels(arena, out_offset, out[a:b])
                overrides.extend(extra)
        except BaseException:
            # leave at once; tasks already running finish into this arena, which is
            # never handed to another call and is freed when they are done
            running = [fut for fut in pending if fut is not None and not fut.cancel()]
            arena.close_when_done(running)
            raise
    if unshared:
        warnings.warn(f"Decoding frames {_ranges(unshared)} in the calling process: no memory "
                      f"shared with a worker for them ({'; '.join(sorted(reasons))})",
                      DcmcoreWarning, stacklevel=4)
    return out, overrides


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
) -> list[dict] | None:
    """A piece's per-frame overrides, or None when the caller must decode its frames."""
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


def _mode(decoders: Sequence[Any], n: int, workers: int | None, executor: Any) -> str:
    if executor is not None:
        return "executor"
    if not workers or workers == 1 or n < 2:
        return "sequential"
    if all(getattr(d, "thread_safe", False) for d in decoders):
        return "threads"
    if all(getattr(d, "process_safe", True) for d in decoders):
        return "processes"
    return "sequential"


def decode_frames(
    decoders: Sequence[Any],
    frames: Sequence[bytes],
    info: Any,
    mod: Any,
    options: dict[str, Any] | None = None,
    *,
    workers: int | None = None,
    executor: cf.Executor | None = None,
    shift: int = 0,
) -> tuple[np.ndarray, list[dict]]:
    """Decode every frame of `frames`, sequentially or in parallel.

    Parameters
    ----------
    decoders : sequence of Decoder
        Candidates in selection order (from ``dcmcore.codecs``).
    frames : sequence of bytes
        One codestream per frame.
    info : FrameInfo
        The frame description passed to the plugins.
    mod : PixelModule
        The validated module (for shaping the plugins' output).
    options : dict
        Plugin options.
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
        Shaped ``(frames, rows, columns, samples)`` in the module dtype.
    list of dict
        Per frame, what the plugin said about its output (e.g. a new photometric
        interpretation).
    """
    options = dict(options or {})
    n = len(frames)
    if workers is not None and workers <= 0:
        workers = os.cpu_count() or 1
    shape = (n, mod.rows, mod.columns, mod.samples_per_pixel)
    dtype = target_dtype(mod)
    mode = _mode(decoders, n, workers, executor)
    if mode == "processes":
        return _process_pool_into(decoders, frames, info, options, mod, workers or 1, shift)
    out = np.empty(shape, dtype=dtype)
    if mode == "sequential":
        return out, decode_chunk_into(decoders, frames, info, options, 0, mod, out, shift)
    if mode == "threads":
        chunks = _chunks(n, workers or 1)
        with cf.ThreadPoolExecutor(max_workers=len(chunks) - 1) as pool:
            futures = [pool.submit(decode_chunk_into, list(decoders), list(frames[a:b]), info,
                                   options, a, mod, out[a:b], shift) for a, b in chunks[1:]]
            a, b = chunks[0]
            overrides = decode_chunk_into(decoders, frames[a:b], info, options, a, mod, out[a:b],
                                    shift)
            for fut in futures:
                overrides.extend(fut.result())
        return out, overrides
    # a user executor
    parts = workers or getattr(executor, "_max_workers", None) or os.cpu_count() or 1
    chunks = _chunks(n, parts)
    if isinstance(executor, cf.ThreadPoolExecutor):
        futures = [executor.submit(decode_chunk_into, list(decoders), list(frames[a:b]), info,
                                   options, a, mod, out[a:b], shift) for a, b in chunks]
        return out, [o for fut in futures for o in fut.result()]
    futures = [executor.submit(_chunk_to_arrays, list(decoders), list(frames[a:b]), info,
                               options, a, mod, shift) for a, b in chunks]
    overrides: list[dict] = []
    for (a, _b), fut in zip(chunks, futures):
        for i, (arr, extra) in enumerate(fut.result()):
            out[a + i] = arr
            overrides.append(extra)
    return out, overrides
