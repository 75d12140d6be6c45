"""Per-frame decoding with plugin fallback, batching and parallel workers.

Decoding a frame means: try the decoder that last succeeded, then every decoder in
selection order; the first result wins. The same routine runs in the caller's thread,
in a thread pool (when every candidate decoder is ``thread_safe``) or in a process pool
(decoders and :class:`FrameInfo` pickle). Each worker gets a contiguous chunk of frames
so inter-process traffic is one round trip per chunk; results are identical to
sequential decoding because each frame's decoding is independent and deterministic.
"""

from __future__ import annotations

import concurrent.futures as cf
import os
from collections.abc import Sequence
from typing import Any

from dcmcore.errors import CodecError

__all__ = ["decode_frames", "FrameDecodeError"]


class FrameDecodeError(CodecError):
    """Every candidate decoder failed on a frame."""


def _name(decoder: Any) -> str:
    return str(getattr(decoder, "name", type(decoder).__name__))


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


def _accepted(decoder: Any, options: dict[str, Any]) -> dict[str, Any]:
    """Pass a plugin only the options it declares (all of them if it declares none)."""
    accepted = getattr(decoder, "accepted_options", None)
    if accepted is not None:
        return accepted(options)
    declared = getattr(decoder, "options", None)
    if not declared or not options:
        return options
    return {k: v for k, v in options.items() if k in declared}


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


def _chunks(n: int, parts: int) -> list[tuple[int, int]]:
    parts = max(1, min(parts, n))
    size, extra = divmod(n, parts)
    out, start = [], 0
    for p in range(parts):
        end = start + size + (p < extra)
        out.append((start, end))
        start = end
    return out


def decode_frames(
    decoders: Sequence[Any],
    frames: Sequence[bytes],
    info: Any,
    options: dict[str, Any] | None = None,
    *,
    workers: int | None = None,
    executor: cf.Executor | None = None,
) -> list[Any]:
    """Decode every frame of `frames`, sequentially or in parallel.

    Parameters
    ----------
    decoders : sequence of Decoder
        Candidates in selection order (from ``dcmcore.codecs.decoders_for``).
    frames : sequence of bytes
        One codestream per frame.
    info : FrameInfo
        The frame description passed to the plugins.
    options : dict
        Plugin options.
    workers : int, optional
        Number of parallel workers (``0`` or ``-1``: one per CPU). Threads when every
        decoder is ``thread_safe``, else processes.
    executor : concurrent.futures.Executor, optional
        Use this executor instead of creating one.
    """
    options = dict(options or {})
    n = len(frames)
    if workers is not None and workers <= 0:
        workers = os.cpu_count() or 1
    if executor is None and (not workers or workers == 1 or n < 2):
        return decode_chunk(decoders, frames, info, options)

    own = executor is None
    if own:
        if all(getattr(d, "thread_safe", False) for d in decoders):
            executor = cf.ThreadPoolExecutor(max_workers=workers)
        elif all(getattr(d, "process_safe", True) for d in decoders):
            executor = cf.ProcessPoolExecutor(max_workers=workers)
        else:
            return decode_chunk(decoders, frames, info, options)
    parts = workers or getattr(executor, "_max_workers", None) or os.cpu_count() or 1
    try:
        futures = [
            executor.submit(decode_chunk, list(decoders), list(frames[a:b]), info, options, a)
            for a, b in _chunks(n, parts)
        ]
        out: list[Any] = []
        for fut in futures:
            out.extend(fut.result())
        return out
    finally:
        if own:
            executor.shutdown(wait=True)
