"""Parallel frame decoding through shared memory under fork, interrupts and reuse.

Forked children never inherit or share the parent's arenas and pools, an interrupted
call never lets its queued tasks write into the next call's data, and released arenas
give their memory back; the last tests pin behaviour that was checked and found right.
"""

from __future__ import annotations

import concurrent.futures as cf
import gc
import os
import signal
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path

import numpy as np
import pytest

from tests.pixel_datasets import assert_same_array, make_ds

pytest.importorskip("dcmcore_rle")

import dcmcore.pixels as px  # noqa: E402
from dcmcore.codecs import DecodedFrame, Decoder  # noqa: E402
from dcmcore.codecs.runner import CodecRunner  # noqa: E402
from dcmcore.pixels import parallel, shared_memory  # noqa: E402

RLE = "1.2.840.10008.1.2.5"

needs_memory_files = pytest.mark.skipif(
    not shared_memory._memory_files_ok, reason="no memory files on this platform"
)


@pytest.fixture(autouse=True)
def fresh_pools():
    """Each test starts with no pool and no kept arena, and leaves none behind."""
    _forget_stand_in_mappings()
    parallel.shutdown_pools()
    yield
    parallel.shutdown_pools()
    _forget_stand_in_mappings()


def _forget_stand_in_mappings():
    """Mappings that thread stand-ins for workers (other tests) made in this process."""
    with shared_memory._attached_lock:
        for _, buffer in shared_memory._attached.values():
            shared_memory._close_quietly(buffer)
        shared_memory._attached.clear()


def _rle(frames=12, rows=16, cols=24, seed=3):
    ds = make_ds(rows=rows, cols=cols, frames=frames, seed=seed)
    original = px.pixel_array(ds)
    px.compress(ds, RLE)
    return ds, original


def _arena_fds(pid: int) -> list[str]:
    found = []
    for n in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{n}")
        except OSError:
            continue
        if "dcmcore-arena" in target:
            found.append(target)
    return found


def _arena_maps(pid: int) -> list[str]:
    with open(f"/proc/{pid}/maps") as f:
        return [line.split()[4] for line in f if "dcmcore-arena" in line]


def _arena_rss_kib(pid: int) -> int:
    """Resident kB of the arena mappings of process `pid` (from /proc/<pid>/smaps)."""
    total, inside = 0, False
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            head = line.split()
            if head and "-" in head[0] and ":" not in head[0]:  # a mapping's header
                inside = "dcmcore-arena" in line
            elif inside and head[0] == "Rss:":
                total += int(head[1])
    return total


def _workers() -> list[int]:
    return [pid for pool in parallel._POOLS.values() for pid in pool._processes]


# --- fork, interrupts and reuse -----------------------------------------------------------------------


@needs_memory_files
def test_pool_created_while_another_call_holds_an_arena_does_not_inherit_it():
    ds, original = _rle()
    # another caller thread is mid-call with the kept arena (it may be any size, up to
    # KEEP_BYTES) while this call needs a pool of a new size: _pool's release() cannot
    # free a busy arena, so the fork happens with it mapped
    with shared_memory.checkout(100) as other_call:
        other_call.buffer[:4] = b"busy"
        assert_same_array(original, px.pixel_array(ds, workers=3))
    shared_memory.release()
    assert shared_memory._kept is None and not _arena_fds(os.getpid())
    for pid in _workers():
        assert _arena_fds(pid) == [] and _arena_maps(pid) == []


def test_a_forked_child_can_decode_with_workers():
    ds, original = _rle()
    assert_same_array(original, px.pixel_array(ds, workers=2))  # pool + kept arena exist
    read, write = os.pipe()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # 3.12+: fork with threads
        pid = os.fork()
    if pid == 0:  # pragma: no cover - child
        try:
            os.close(read)
            signal.alarm(1)  # a hang kills the child (SIGALRM) instead of the test run
            ok = np.array_equal(px.pixel_array(ds, workers=2), original)
            os.write(write, b"same" if ok else b"different")
            parallel.shutdown_pools()  # os._exit does not stop the child's own workers
        finally:
            os._exit(0)
    os.close(write)
    _, status = os.waitpid(pid, 0)
    answer = os.read(read, 100)
    os.close(read)
    assert answer == b"same", f"child status {status} (SIGALRM={signal.SIGALRM}: hung)"


@needs_memory_files
def test_a_forked_child_does_not_write_into_the_parents_kept_arena():
    ds, original = _rle()
    assert_same_array(original, px.pixel_array(ds, workers=2))
    parents = shared_memory._kept
    assert parents is not None
    parents.buffer[:8] = b"parent!!"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # pragma: no cover - child
        try:
            with shared_memory.checkout(100) as arena:  # what the child's decode does
                arena.buffer[:8] = b"child!!!"
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    assert parents.buffer[:8] == b"parent!!"


def test_forkserver_start_method_never_forks_the_calling_process(monkeypatch):
    # forking a process that runs threads (numpy's OpenBLAS, a pool's manager thread)
    # makes Python 3.12+ warn; dcmcore follows the interpreter's default start method,
    # and worker_start_method="forkserver" keeps the calling process from ever forking
    import dcmcore.config

    ds, original = _rle()
    forks = []
    real_fork = os.fork

    def counting_fork():
        forks.append(os.getpid())
        return real_fork()

    monkeypatch.setattr(os, "fork", counting_fork)
    with dcmcore.config.override(worker_start_method="forkserver"):
        assert_same_array(original, px.pixel_array(ds, workers=2))
        assert parallel._POOLS[(1, "forkserver")]._mp_context.get_start_method() == "forkserver"
    assert os.getpid() not in forks


def test_unknown_start_method_is_named_in_the_error():
    import dcmcore.config

    ds, _ = _rle()
    with dcmcore.config.override(worker_start_method="teleport"):
        with pytest.raises(ValueError, match="worker_start_method: 'teleport'"):
            px.pixel_array(ds, workers=2)


class _Repeat(Decoder):
    """Fake decoder: a frame is its codestream repeated to the frame size.

    The first codestream byte picks a behaviour: in a worker thread, 0xEE waits for
    `gate`; in the calling thread, 0xCC raises KeyboardInterrupt and 0xDD opens `gate`.
    """

    name = "repeat"
    thread_safe = False  # so decode_frames takes the process-pool path

    def __init__(self, size: int, gate: threading.Event, caller: int) -> None:
        self.size, self.gate, self.caller = size, gate, caller

    def decode(self, data, info, **options):
        in_caller = threading.get_ident() == self.caller
        if in_caller and data[0] == 0xCC:
            raise KeyboardInterrupt
        if in_caller and data[0] == 0xDD:
            self.gate.set()
        if not in_caller and data[0] == 0xEE:
            self.gate.wait(2)
        return np.resize(np.frombuffer(data, np.uint8), self.size).reshape(1, self.size)


@needs_memory_files
def test_interrupted_call_does_not_leave_tasks_writing_into_the_next_calls_arena(monkeypatch):
    gate = threading.Event()
    caller = threading.get_ident()
    cols = 1000
    mod = px.api.dataset_source(make_ds(rows=1, cols=cols, ba=8)).module
    info = mod.frame_info()
    pool = cf.ThreadPoolExecutor(1)  # stands in for the process pool (same FIFO order)
    monkeypatch.setattr(parallel, "_pool", lambda workers: pool)
    real_wait = cf.wait
    interrupts = iter([KeyboardInterrupt()])

    def wait_interrupted_once(*args, **kwargs):
        exc = next(interrupts, None)
        if exc is not None:
            raise exc  # a second Ctrl-C arriving while the caller waits for its workers
        return real_wait(*args, **kwargs)

    monkeypatch.setattr(parallel.cf, "wait", wait_interrupted_once)
    try:
        # call 1: 8-byte codestreams; Ctrl-C in the caller's own chunk, workers still busy
        first = [bytes([0xCC]) * 8] * 5 + [bytes([0xEE]) * 8] * 5
        with pytest.raises(KeyboardInterrupt):
            parallel.decode_frames(CodecRunner([_Repeat(cols, gate, caller)], info), first,
                                   mod.decoded_dtype, workers=2)
        # call 2: whole-frame codestreams, so its codestreams lie where call 1's pixels go
        second = [bytes([0xDD]) + bytes([i]) * (cols - 1) for i in range(10)]
        out, _ = parallel.decode_frames(CodecRunner([_Repeat(cols, gate, caller)], info),
                                        second, mod.decoded_dtype, workers=2)
    finally:
        gate.set()
        pool.shutdown()
    expected = np.stack([np.frombuffer(s, np.uint8) for s in second])
    assert_same_array(expected, out.reshape(10, cols))


@needs_memory_files
def test_release_frees_the_kept_arenas_memory_even_where_idle_workers_mapped_it():
    ds, original = _rle(frames=20, rows=128, cols=128)
    assert_same_array(original, px.pixel_array(ds, workers=2))
    (old_worker,) = parallel._POOLS[(1, parallel._start_method())]._processes
    assert _arena_rss_kib(old_worker) > 0
    # the program now decodes with 3 workers: a new pool, a new kept arena
    assert_same_array(original, px.pixel_array(ds, workers=3))
    shared_memory.release()
    assert all(_arena_rss_kib(pid) == 0 for pid in _workers())


# --- checked and found right ---------------------------------------------------------


class _Killer(Decoder):
    """Fake decoder (picklable): SIGKILLs the worker process on a chosen frame."""

    name = "killer"

    def __init__(self, kill_on: int | None = None, parent: int | None = None) -> None:
        self.kill_on, self.parent = kill_on, parent

    def decode(self, data, info, **options):
        if data[0] == self.kill_on and os.getpid() != self.parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return np.frombuffer(data, np.uint8).reshape(info.rows, info.columns)


def _descriptors() -> dict[str, str]:
    """This process's open descriptors and what they point at (for a failure message)."""
    found = {}
    for fd in os.listdir("/proc/self/fd"):
        try:
            found[fd] = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            pass
    return found


def test_worker_killed_mid_decode_raises_worker_process_error_and_next_call_recovers():
    # descriptors are counted for the whole process: run the scenario in a fresh
    # interpreter, where no other test's pools, threads or clusters hold any
    script = (
        "import importlib.util, sys\n"
        f"spec = importlib.util.spec_from_file_location('killed_worker', {str(Path(__file__))!r})\n"
        "module = importlib.util.module_from_spec(spec)\n"
        "sys.modules['killed_worker'] = module\n"
        "spec.loader.exec_module(module)\n"
        "module._killed_worker_scenario()\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=Path(__file__).parents[2],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]


def _killed_worker_scenario() -> None:
    mod = px.api.dataset_source(make_ds(rows=1, cols=64, ba=8)).module
    info = mod.frame_info()
    frames = [bytes([i]) * 64 for i in range(20)]
    expected = np.array(range(20), dtype=np.uint8)
    # a pool kept from an earlier test may hold other descriptors than the one made after
    # the crash (another start method, say): start from a pool made here
    parallel.shutdown_pools()
    out, _ = parallel.decode_frames(CodecRunner([_Killer()], info), frames, mod.decoded_dtype,
                                    workers=3)
    assert_same_array(expected, out[:, 0, 0, 0])
    fds = len(os.listdir("/proc/self/fd"))
    before = _descriptors()
    with pytest.raises(parallel.WorkerProcessError, match=r"ended abruptly with frames \d+-\d+ before they were decoded") as err:
        parallel.decode_frames(CodecRunner([_Killer(15, os.getpid())], info), frames,
                               mod.decoded_dtype, workers=3)
    assert isinstance(err.value.__cause__, cf.process.BrokenProcessPool)
    assert not shared_memory._kept_busy
    del err  # its traceback holds the broken pool (and its pipes) alive
    out, _ = parallel.decode_frames(CodecRunner([_Killer()], info), frames, mod.decoded_dtype,
                                    workers=3)
    assert_same_array(expected, out[:, 0, 0, 0])
    # the broken pool's pipes go with it once its management thread has ended and the
    # pool is collected: wait for that (a leak keeps the count up for good)
    for _ in range(100):
        gc.collect()
        if len(os.listdir("/proc/self/fd")) <= fds:
            break
        time.sleep(0.05)
    assert len(os.listdir("/proc/self/fd")) <= fds, {
        fd: target for fd, target in _descriptors().items() if before.get(fd) != target
    }


class _Described(Decoder):
    """Fake decoder (picklable): names a colour space for even frames; empty
    codestreams decode to zeros."""

    name = "described"

    def decode(self, data, info, **options):
        arr = np.zeros((2, 3), np.uint8) if not data else \
            np.frombuffer(data, np.uint8).reshape(2, 3)
        if arr[0, 0] % 2 == 0:
            return DecodedFrame(arr, f"P{arr[0, 0]}")
        return arr


def test_empty_codestreams_and_outcomes_come_back_in_frame_order():
    mod = px.api.dataset_source(make_ds(rows=2, cols=3, ba=8)).module
    info = mod.frame_info()
    frames = [b"" if i % 5 == 3 else bytes([i]) * 6 for i in range(23)]
    runner = CodecRunner([_Described()], info)
    seq, seq_over = parallel.decode_frames(runner, frames, mod.decoded_dtype)
    assert seq_over[2].photometric_interpretation == "P2"
    assert seq_over[1].photometric_interpretation == "MONOCHROME2"
    for _ in range(2):
        par, par_over = parallel.decode_frames(runner, frames, mod.decoded_dtype, workers=3)
        assert_same_array(seq, par)
        assert par_over == seq_over and len(par_over) == 23


def test_requests_above_keep_bytes_leave_no_fd_mapping_or_file(monkeypatch):
    ds, original = _rle(frames=30, rows=64, cols=64)
    assert_same_array(original, px.pixel_array(ds, workers=2))
    fds = sorted(os.listdir("/proc/self/fd"))
    mapped = set(_arena_maps(os.getpid()))  # the kept arena (and any a thread stand-in kept)
    monkeypatch.setattr(shared_memory, "KEEP_BYTES", 4096)  # every call: a one-call arena
    shm_before = set(os.listdir("/dev/shm")) if os.path.isdir("/dev/shm") else set()
    for _ in range(3):
        assert_same_array(original, px.pixel_array(ds, workers=2))
    assert sorted(os.listdir("/proc/self/fd")) == fds
    assert set(_arena_maps(os.getpid())) <= mapped
    kept = str(os.fstat(shared_memory._kept._fd).st_ino)
    for pid in _workers():  # a worker keeps the kept arena mapped (its mmap holds an fd)
        assert set(_arena_maps(pid)) <= {kept} and len(_arena_fds(pid)) <= 1
    if os.path.isdir("/dev/shm"):
        assert set(os.listdir("/dev/shm")) == shm_before


def test_frames_from_a_path_and_from_memory_decode_alike(tmp_path):
    import dcmcore

    ds, original = _rle(frames=17, rows=32, cols=40)
    path = tmp_path / "multi.dcm"
    ds.save_as(path, enforce_file_format=True)
    from_path = px.pixel_array(str(path), workers=3)
    from_memory = px.pixel_array(dcmcore.dcmread(path.read_bytes()), workers=3)
    assert_same_array(original, from_path)
    assert_same_array(original, from_memory)
