"""Per-frame decoding with plugin fallback, batching and parallel workers.

Decoding a frame means: try the decoder that last succeeded, then every decoder in
selection order; the first result wins. Frames are split into contiguous chunks, one
per worker; the calling thread decodes the first chunk itself while the others run in
a thread pool (when every candidate decoder is ``thread_safe``) or a process pool
(decoders, :class:`FrameInfo` and :class:`PixelModule` pickle). Workers shape each
frame (:func:`conform_decoded`) and write it straight into the output array; process
workers write into a file mapping the caller's output array is built on (in /dev/shm),
so decoded pixels are never pickled. The process pool is kept and reused: starting
processes costs more than decoding a frame (see :func:`shutdown_pools`). Results are
identical to sequential decoding: each frame is decoded independently.
"""

from __future__ import annotations

import concurrent.futures as cf
import mmap
import os
import threading
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from dcmcore.errors import CodecError, DcmcoreWarning
from dcmcore.pixels.shaping import conform_decoded, target_dtype

__all__ = [
    "decode_frames", "decode_chunk", "decode_chunk_into",
    "shutdown_pools", "FrameDecodeError", "SharedSpaceError",
]


class FrameDecodeError(CodecError):
    """Every candidate decoder failed on a frame."""


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


def _chunk_to_file(
    decoders: Sequence[Any], info: Any, options: dict[str, Any], first: int, mod: Any,
    dtype: str, shift: int, frames: list[bytes],
) -> tuple[str, list[dict]]:
    """Process worker: decode `frames` into a shared file of its own; return its path.

    The output file is reserved here, in the worker, so that allocating and zeroing
    its pages runs in parallel with the caller's own decoding; :class:`SharedSpaceError`
    when there is no room (the caller then decodes those frames itself).
    """
    shape = (len(frames), mod.rows, mod.columns, mod.samples_per_pixel)
    dt = np.dtype(dtype)
    mm, path = _reserved_file("dcmcore-frames-", max(1, int(np.prod(shape)) * dt.itemsize))
    error: BaseException | None = None
    result: list[dict] = []
    try:
        out = np.frombuffer(mm, dtype=dt, count=int(np.prod(shape))).reshape(shape)
        result = decode_chunk_into(decoders, frames, info, options, first, mod, out, shift)
    except BaseException as exc:  # noqa: BLE001 - re-raised below, after the close
        error = exc
    out = None
    if error is not None:
        # the traceback's frames hold views of the mapping; drop them so it can close
        # (the caller's message names the frame and every plugin's failure)
        _drop_tracebacks(error)
    try:
        mm.close()
    except BufferError:  # a view is still alive somewhere: the mapping goes with it
        pass
    if error is not None:
        os.unlink(path)
        raise error
    return path, result


def _collect_chunk(path: str, out: np.ndarray) -> None:
    """Copy a worker's output file into `out` and remove the file."""
    try:
        with open(path, "rb") as f:
            mm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        try:
            view = np.frombuffer(mm, dtype=out.dtype, count=out.size).reshape(out.shape)
            out[...] = view
            del view
        finally:
            mm.close()
    finally:
        os.unlink(path)


def _drop_tracebacks(error: BaseException) -> None:
    seen: set[int] = set()
    exc: BaseException | None = error
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        exc.__traceback__ = None
        exc = exc.__cause__ or exc.__context__


def _shared_folders() -> list[str | None]:
    """Where shared files go, in order of preference: /dev/shm, then the temp dir."""
    folders: list[str | None] = ["/dev/shm"] if os.path.isdir("/dev/shm") else []
    return folders + [None]


class SharedSpaceError(OSError):
    """No folder had room for a shared file (the caller decodes sequentially)."""


def _reserved_file(prefix: str, size: int) -> tuple[mmap.mmap, str]:
    """Create a temporary file of `size` bytes with its space reserved; map it.

    A sparse file (``ftruncate`` alone) on a small tmpfs kills the process with SIGBUS
    when a write into its mapping finds no free page, so the blocks are allocated
    first; a folder without room is skipped.
    """
    import tempfile

    errors = []
    for folder in _shared_folders():
        try:
            fd, path = tempfile.mkstemp(prefix=prefix, dir=folder)
        except OSError as exc:
            errors.append(f"{folder or tempfile.gettempdir()}: {exc}")
            continue
        try:
            os.ftruncate(fd, size)
            fallocate = getattr(os, "posix_fallocate", None)
            if fallocate is not None:
                fallocate(fd, 0, size)
            mm = mmap.mmap(fd, size)
        except OSError as exc:
            os.close(fd)
            os.unlink(path)
            errors.append(f"{folder or tempfile.gettempdir()}: {exc}")
            continue
        except BaseException:
            os.close(fd)
            os.unlink(path)
            raise
        os.close(fd)
        return mm, path
    raise SharedSpaceError(f"No room for a shared file of {size} bytes (" +
                           "; ".join(errors) + ")")


def _chunks(n: int, parts: int) -> list[tuple[int, int]]:
    parts = max(1, min(parts, n))
    size, extra = divmod(n, parts)
    out, start = [], 0
    for p in range(parts):
        end = start + size + (p < extra)
        out.append((start, end))
        start = end
    return out


#: Share of a worker's frames that the calling process takes on top of its own: a
#: worker starts after its first codestreams arrive and hands its pixels back through a
#: file, so equal shares leave the caller idle at the end.
CALLER_EXTRA_SHARE = 0.06
#: Frames sent to a worker in one task (see :func:`_process_pool_into`).
WORKER_PIECE_FRAMES = 8


def _pieces(a: int, b: int) -> list[tuple[int, int]]:
    """Split a worker's ``range(a, b)`` into tasks: a small first one, so the worker
    starts sooner, then :data:`WORKER_PIECE_FRAMES` frames each."""
    first = min(b, a + max(1, WORKER_PIECE_FRAMES // 4))
    step = WORKER_PIECE_FRAMES
    return [(a, first)] * (first > a) + [(i, min(b, i + step)) for i in range(first, b, step)]


def _caller_heavy_chunks(n: int, parts: int) -> list[tuple[int, int]]:
    """Split ``range(n)`` into `parts` chunks, the first (the caller's) a little larger."""
    parts = max(1, min(parts, n))
    if parts == 1:
        return [(0, n)]
    first = min(n - (parts - 1), round(n / parts * (1 + CALLER_EXTRA_SHARE)))
    rest = _chunks(n - first, parts - 1)
    return [(0, first)] + [(a + first, b + first) for a, b in rest]


_POOLS: dict[int, cf.ProcessPoolExecutor] = {}
_POOLS_LOCK = threading.Lock()


def _pool(workers: int) -> cf.ProcessPoolExecutor:
    """A process pool kept for reuse (creating processes per call costs more than a frame)."""
    with _POOLS_LOCK:
        pool = _POOLS.get(workers)
        if pool is None or getattr(pool, "_broken", False) or getattr(
                pool, "_shutdown_thread", False):
            pool = cf.ProcessPoolExecutor(max_workers=workers)
            _POOLS[workers] = pool
        return pool


def shutdown_pools() -> None:
    """Stop the worker processes kept by :func:`decode_frames` (they also stop at exit)."""
    with _POOLS_LOCK:
        pools = list(_POOLS.values())
        _POOLS.clear()
    for pool in pools:
        pool.shutdown(wait=True)


def _process_pool_into(
    decoders: Sequence[Any], frames: Sequence[bytes], info: Any, options: dict[str, Any],
    mod: Any, workers: int, shift: int = 0,
) -> tuple[np.ndarray, list[dict]]:
    """Decode in a reused process pool.

    The calling process decodes the first, slightly larger chunk straight into the
    result. The other frames go to the workers pickled, in pieces of
    :data:`WORKER_PIECE_FRAMES`, so a worker starts after the first piece arrives while
    the rest are still being sent; each piece's pixels come back through a file mapping
    (in /dev/shm) that the worker reserves, and the caller copies them in at the end.
    """
    n = len(frames)
    chunks = _caller_heavy_chunks(n, workers)
    out = np.empty((n, mod.rows, mod.columns, mod.samples_per_pixel), dtype=target_dtype(mod))
    pieces = [piece for a, b in chunks[1:] for piece in _pieces(a, b)]
    raw = frames.raw if hasattr(frames, "raw") else frames.__getitem__
    pending: list[cf.Future] = []
    try:
        pool = _pool(len(chunks) - 1)
        pending = [
            pool.submit(_chunk_to_file, list(decoders), info, options, a, mod,
                        out.dtype.str, shift, [bytes(raw(i)) for i in range(a, b)])
            for a, b in pieces
        ]
        a, b = chunks[0]
        overrides = decode_chunk_into(decoders, frames[a:b], info, options, a, mod,
                                      out[a:b], shift)
        for (a, b), fut in zip(pieces, list(pending)):
            pending.remove(fut)
            try:
                path, extra = fut.result()
            except SharedSpaceError as exc:
                warnings.warn(f"Decoding frames {a}-{b - 1} in the calling process: no room "
                              f"for the file shared with a worker ({exc})", DcmcoreWarning,
                              stacklevel=4)
                extra = decode_chunk_into(decoders, frames[a:b], info, options, a, mod,
                                          out[a:b], shift)
            else:
                _collect_chunk(path, out[a:b])
            overrides.extend(extra)
    finally:
        _discard_outputs(pending)  # of pieces not collected because of an error
    return out, overrides


def _discard_outputs(futures: Sequence[cf.Future]) -> None:
    """Wait for `futures` and remove the output files of those that succeeded."""
    for fut in futures:
        try:
            path, _ = fut.result()
        except BaseException:  # noqa: BLE001 - its error is not the one being raised
            continue
        try:
            os.unlink(path)
        except OSError:
            pass


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
