"""Per-frame decoding with plugin fallback, batching and parallel workers.

Decoding a frame means: try the decoder that last succeeded, then every decoder in
selection order; the first result wins. Frames are split into contiguous chunks, one
per worker; the calling thread decodes the first chunk itself while the others run in
a thread pool (when every candidate decoder is ``thread_safe``) or a process pool
(decoders, :class:`FrameInfo` and :class:`PixelModule` pickle). Workers shape each
frame (:func:`conform_decoded`) and write it straight into the output array; process
workers write into a shared-memory block, so decoded pixels are never pickled.
Results are identical to sequential decoding: each frame is decoded independently.
"""

from __future__ import annotations

import concurrent.futures as cf
import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from dcmcore.errors import CodecError
from dcmcore.pixels.shaping import conform_decoded

__all__ = ["decode_into", "decode_chunk", "FrameDecodeError"]


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


def _chunk_into(
    decoders: Sequence[Any], frames: Sequence[bytes], info: Any, options: dict[str, Any],
    first: int, mod: Any, out: np.ndarray,
) -> list[dict]:
    """Decode and shape a chunk into ``out[0:len(frames)]``; return the overrides."""
    results = decode_chunk(decoders, frames, info, options, first)
    overrides = []
    for i, res in enumerate(results):
        arr, extra = conform_decoded(res, mod, first + i)
        out[i] = arr
        overrides.append(extra)
    return overrides


def _chunk_to_arrays(
    decoders: Sequence[Any], frames: Sequence[bytes], info: Any, options: dict[str, Any],
    first: int, mod: Any,
) -> list[tuple[np.ndarray, dict]]:
    """Worker for executors of unknown kind: return the shaped frames."""
    results = decode_chunk(decoders, frames, info, options, first)
    return [conform_decoded(res, mod, first + i) for i, res in enumerate(results)]


def _chunk_to_shm(
    decoders: Sequence[Any], frames: Sequence[bytes], info: Any, options: dict[str, Any],
    first: int, mod: Any, shm_name: str, shape: tuple[int, ...], dtype: str, start: int,
) -> list[dict]:
    """Process worker: write the shaped frames into the shared-memory output block."""
    from multiprocessing import shared_memory

    shm = shared_memory.SharedMemory(name=shm_name)
    try:
        out = np.ndarray(shape, dtype=np.dtype(dtype), buffer=shm.buf)
        try:
            return _chunk_into(decoders, frames, info, options, first, mod,
                               out[start:start + len(frames)])
        finally:
            del out
    finally:
        shm.close()


def _chunks(n: int, parts: int) -> list[tuple[int, int]]:
    parts = max(1, min(parts, n))
    size, extra = divmod(n, parts)
    out, start = [], 0
    for p in range(parts):
        end = start + size + (p < extra)
        out.append((start, end))
        start = end
    return out


def _process_pool_into(
    decoders: Sequence[Any], frames: Sequence[bytes], info: Any, options: dict[str, Any],
    mod: Any, out: np.ndarray, workers: int,
) -> list[dict]:
    from multiprocessing import shared_memory

    chunks = _chunks(len(frames), workers)
    shm = shared_memory.SharedMemory(create=True, size=max(1, out.nbytes))
    try:
        shared = np.ndarray(out.shape, dtype=out.dtype, buffer=shm.buf)
        with cf.ProcessPoolExecutor(max_workers=len(chunks) - 1) as pool:
            futures = [
                pool.submit(_chunk_to_shm, list(decoders), list(frames[a:b]), info, options,
                            a, mod, shm.name, out.shape, out.dtype.str, a)
                for a, b in chunks[1:]
            ]
            a, b = chunks[0]
            overrides = _chunk_into(decoders, frames[a:b], info, options, a, mod, out[a:b])
            for fut in futures:
                overrides.extend(fut.result())
        out[chunks[0][1]:] = shared[chunks[0][1]:]
        del shared
    finally:
        shm.close()
        shm.unlink()
    return overrides


def decode_into(
    decoders: Sequence[Any],
    frames: Sequence[bytes],
    info: Any,
    mod: Any,
    out: np.ndarray,
    options: dict[str, Any] | None = None,
    *,
    workers: int | None = None,
    executor: cf.Executor | None = None,
) -> list[dict]:
    """Decode every frame of `frames` into `out`, sequentially or in parallel.

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
    out : numpy.ndarray
        Shaped ``(frames, rows, columns, samples)``, the module dtype.
    options : dict
        Plugin options.
    workers : int, optional
        Frames decoded concurrently, the calling thread included (``0`` or ``-1``:
        one per CPU). Threads when every decoder is ``thread_safe``, else processes
        (when every decoder is ``process_safe``), else sequential.
    executor : concurrent.futures.Executor, optional
        Run the chunks on this executor instead.

    Returns
    -------
    list of dict
        Per frame, what the plugin said about its output (e.g. a new photometric
        interpretation).
    """
    options = dict(options or {})
    n = len(frames)
    if workers is not None and workers <= 0:
        workers = os.cpu_count() or 1
    if executor is not None:
        parts = workers or getattr(executor, "_max_workers", None) or os.cpu_count() or 1
        chunks = _chunks(n, parts)
        if isinstance(executor, cf.ThreadPoolExecutor):
            futures = [executor.submit(_chunk_into, list(decoders), list(frames[a:b]), info,
                                       options, a, mod, out[a:b]) for a, b in chunks]
            return [o for fut in futures for o in fut.result()]
        futures = [executor.submit(_chunk_to_arrays, list(decoders), list(frames[a:b]), info,
                                   options, a, mod) for a, b in chunks]
        overrides: list[dict] = []
        for (a, _b), fut in zip(chunks, futures):
            for i, (arr, extra) in enumerate(fut.result()):
                out[a + i] = arr
                overrides.append(extra)
        return overrides
    if not workers or workers == 1 or n < 2:
        return _chunk_into(decoders, frames, info, options, 0, mod, out)
    if all(getattr(d, "thread_safe", False) for d in decoders):
        chunks = _chunks(n, workers)
        with cf.ThreadPoolExecutor(max_workers=len(chunks) - 1) as pool:
            futures = [pool.submit(_chunk_into, list(decoders), list(frames[a:b]), info,
                                   options, a, mod, out[a:b]) for a, b in chunks[1:]]
            a, b = chunks[0]
            overrides = _chunk_into(decoders, frames[a:b], info, options, a, mod, out[a:b])
            for fut in futures:
                overrides.extend(fut.result())
        return overrides
    if all(getattr(d, "process_safe", True) for d in decoders):
        return _process_pool_into(decoders, frames, info, options, mod, out, workers)
    return _chunk_into(decoders, frames, info, options, 0, mod, out)
