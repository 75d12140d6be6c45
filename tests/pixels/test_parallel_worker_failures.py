"""Parallel decoding when workers fail: a dead worker at submit, a pool initializer
without ctypes, and a failed call's arena released only after its last running task.
"""

from __future__ import annotations

import os
import signal
import sys
import time

import numpy as np
import pytest

import dcmcore.config
import dcmcore.pixels as px
from dcmcore.codecs import CodecFailedError, Decoder
from dcmcore.codecs.runner import CodecRunner
from dcmcore.pixels import parallel, shared_memory
from tests.pixel_datasets import assert_same_array, make_ds

needs_memory_files = pytest.mark.skipif(
    not shared_memory._memory_files_ok, reason="no memory files on this platform"
)
needs_fork = pytest.mark.skipif(
    not hasattr(os, "fork"), reason="the worker must inherit the caller's modules"
)


@pytest.fixture(autouse=True)
def fresh_pools():
    parallel.shutdown_pools()
    yield
    parallel.shutdown_pools()


def _module(cols: int):
    mod = px.api.dataset_source(make_ds(rows=1, cols=cols, ba=8)).module
    return mod, mod.frame_info()


def _wait_until(condition, limit: float = 3.0) -> bool:
    end = time.monotonic() + limit
    while not condition():
        if time.monotonic() > end:
            return False
        time.sleep(0.005)
    return True


class _Killer(Decoder):
    """Fake decoder (picklable): SIGKILLs the worker process on frames starting `kill_on`."""

    name = "killer"

    def __init__(self, kill_on: int, parent: int) -> None:
        self.kill_on, self.parent = kill_on, parent

    def decode(self, data, info, **options):
        if data[0] == self.kill_on and os.getpid() != self.parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return np.frombuffer(data, np.uint8).reshape(info.rows, info.columns)


def test_worker_dying_while_later_pieces_are_submitted_raises_worker_process_error(
    monkeypatch,
):
    mod, info = _module(64)
    frames = [bytes([i]) * 64 for i in range(20)]
    real_write = parallel._write_codestreams
    calls = []

    def write_slowly(arena, spans, streams):
        # big frames: the caller is still writing piece 2 when piece 1 kills its worker
        calls.append(1)
        if len(calls) == 2:
            (pool,) = parallel._POOLS.values()
            assert _wait_until(lambda: getattr(pool, "_broken", False))
        return real_write(arena, spans, streams)

    monkeypatch.setattr(parallel, "_write_codestreams", write_slowly)
    # workers=2: the worker decodes frames 10-19, in pieces 10-11 and 12-19
    with pytest.raises(parallel.WorkerProcessError):
        parallel.decode_frames(CodecRunner([_Killer(10, os.getpid())], info), frames,
                               mod.decoded_dtype, workers=2)


class _Plain(Decoder):
    name = "plain"

    def decode(self, data, info, **options):
        return np.frombuffer(data, np.uint8).reshape(info.rows, info.columns)


@needs_fork
def test_worker_initializer_without_ctypes_does_not_break_every_decode(monkeypatch):
    mod, info = _module(16)
    frames = [bytes([i]) * 16 for i in range(6)]
    monkeypatch.setitem(sys.modules, "ctypes", None)  # `import ctypes` -> ImportError
    with dcmcore.config.override(worker_start_method="fork"):  # workers inherit that
        out, _ = parallel.decode_frames(CodecRunner([_Plain()], info), frames,
                                        mod.decoded_dtype, workers=2)
    assert_same_array(np.arange(6, dtype=np.uint8), out[:, 0, 0, 0])


class _LateWorker(Decoder):
    """Fake decoder (picklable). In the caller, frame 0xCC fails; in a worker, frame
    0xEE returns only once the call has failed (a task still running when its call
    failed)."""

    name = "late"

    def __init__(self, parent: int, marks: str) -> None:
        self.parent, self.marks = parent, marks

    def decode(self, data, info, **options):
        in_worker = os.getpid() != self.parent
        if not in_worker and data[0] == 0xCC:
            _wait_until(lambda: os.path.exists(os.path.join(self.marks, "started")))
            raise ValueError("bad frame")
        if in_worker and data[0] == 0xEE:
            open(os.path.join(self.marks, "started"), "w").close()
            # until the call has failed in the caller (and left its arena)
            _wait_until(lambda: os.path.exists(os.path.join(self.marks, "raised")))
            open(os.path.join(self.marks, "wrote-late"), "w").close()
        return np.frombuffer(data, np.uint8).reshape(info.rows, info.columns)


def _arena_rss_kib(pid: int) -> int:
    total, inside = 0, False
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            head = line.split()
            if head and "-" in head[0] and ":" not in head[0]:
                inside = "dcmcore-arena" in line
            elif inside and head[0] == "Rss:":
                total += int(head[1])
    return total


@needs_memory_files
def test_a_failed_calls_running_task_leaves_no_arena_memory_in_its_worker(tmp_path):
    cols = 4 * 4096  # 4 pages per frame
    mod, info = _module(cols)
    frames = [bytes([0xCC]) * cols] * 5 + [bytes([0xEE]) * cols] * 5
    with pytest.raises(CodecFailedError):
        parallel.decode_frames(CodecRunner([_LateWorker(os.getpid(), str(tmp_path))], info),
                               frames, mod.decoded_dtype, workers=2)
    (tmp_path / "raised").touch()
    (pool,) = parallel._POOLS.values()
    pool.submit(int).result()  # one worker, FIFO: the failed call's tasks are done
    assert (tmp_path / "wrote-late").exists()
    shared_memory.release()
    (worker,) = pool._processes
    assert _arena_rss_kib(worker) == 0
