"""Parallel frame decoding gives exactly the sequential result."""

from __future__ import annotations

import concurrent.futures as cf

import numpy as np
import pytest

from tests.pixel_datasets import assert_same_array, make_ds

pytest.importorskip("pydicom")

import dcmcore.pixels as px  # noqa: E402
from dcmcore.codecs import CodecFailedError, Decoder  # noqa: E402
from dcmcore.codecs.deflate import DEFLATED_IMAGE_FRAME  # noqa: E402
from dcmcore.codecs.runner import CodecRunner  # noqa: E402
from dcmcore.errors import DcmcoreWarning  # noqa: E402
from dcmcore.pixels import parallel  # noqa: E402

RLE = "1.2.840.10008.1.2.5"


def _multiframe(tsyntax, frames=7, spp=1, ba=16, bs=12, pr=1):
    ds = make_ds(rows=16, cols=24, spp=spp, ba=ba, bs=bs, pr=pr, frames=frames, seed=frames)
    original = px.pixel_array(ds)
    px.compress(ds, tsyntax)
    return ds, original


def test_threads_match_sequential_for_thread_safe_decoder():
    ds, original = _multiframe(DEFLATED_IMAGE_FRAME)
    seq = px.pixel_array(ds)
    assert_same_array(original, seq)
    for workers in (2, 3, 0):
        assert_same_array(seq, px.pixel_array(ds, workers=workers))


def test_processes_match_sequential_for_gil_holding_decoder():
    pytest.importorskip("dcmcore_rle")
    ds, original = _multiframe(RLE, spp=3, ba=8, bs=8, pr=0)
    seq = px.pixel_array(ds)
    assert_same_array(original, seq)
    assert_same_array(seq, px.pixel_array(ds, workers=2))


def test_user_executors_match_sequential():
    ds, original = _multiframe(DEFLATED_IMAGE_FRAME, frames=5)
    with cf.ThreadPoolExecutor(2) as ex:
        assert_same_array(original, px.pixel_array(ds, executor=ex))
    with cf.ProcessPoolExecutor(2) as ex:
        assert_same_array(original, px.pixel_array(ds, executor=ex))


def test_thread_unsafe_decoder_is_never_run_in_threads(monkeypatch):
    calls = []

    class Fake(Decoder):
        name = "fake"
        thread_safe = False
        process_safe = False

        def decode(self, data, info, **options):
            calls.append(data)
            return np.frombuffer(data, np.uint8).reshape(1, 2)

    mod = px.api.dataset_source(make_ds(rows=1, cols=2, ba=8)).module
    info = mod.frame_info()
    frames = [bytes([i, i]) for i in range(4)]
    monkeypatch.setattr(parallel.cf, "ThreadPoolExecutor", None)  # would fail if used
    monkeypatch.setattr(parallel.cf, "ProcessPoolExecutor", None)
    out, _ = parallel.decode_frames(CodecRunner([Fake()], info), frames, mod.decoded_dtype,
                                    workers=4)
    assert calls == frames
    assert out[:, 0, 0, 0].tolist() == [0, 1, 2, 3]


def test_failing_decoder_hands_over_and_batch_is_used():
    class Bad(Decoder):
        name = "bad"

        def decode(self, data, info, **options):
            raise RuntimeError("boom")

    class Batch(Decoder):
        name = "batch"
        supports_batch = True

        def __init__(self):
            self.batches = self.singles = 0

        def decode(self, data, info, **options):
            self.singles += 1
            return np.frombuffer(data, np.uint8).reshape(info.rows, info.columns)

        def decode_batch(self, frames, info, **options):
            self.batches += 1
            return [np.frombuffer(f, np.uint8).reshape(info.rows, info.columns) for f in frames]

    info = px.api.dataset_source(make_ds(rows=1, cols=2, ba=8)).module.frame_info()
    frames = [b"ab", b"cd", b"ef"]
    second = Batch()
    out = list(CodecRunner([Bad(), second], info).decode_many(frames))
    assert [bytes(d.array) for d in out] == frames
    assert [d.decoder for d in out] == ["batch"] * 3
    assert out[0].failures == (("bad", "RuntimeError: boom"),) and not out[1].failures
    assert (second.batches, second.singles) == (0, 3)  # fell back frame by frame
    first = Batch()
    out = list(CodecRunner([first, Bad()], info).decode_many(frames))
    assert [bytes(d.array) for d in out] == frames
    assert (first.batches, first.singles) == (1, 0)  # all frames in one call
    with pytest.raises(CodecFailedError, match="frame 0 of .*\n  'bad': RuntimeError: boom"):
        list(CodecRunner([Bad()], info).decode_many(frames))


def test_process_pool_is_reused_and_can_be_shut_down():
    pytest.importorskip("dcmcore_rle")
    ds, original = _multiframe(RLE, frames=5)
    assert_same_array(original, px.pixel_array(ds, workers=3))
    pool = parallel._POOLS[(2, parallel._start_method())]
    assert_same_array(original, px.pixel_array(ds, workers=3))
    assert parallel._POOLS[(2, parallel._start_method())] is pool
    parallel.shutdown_pools()
    assert not parallel._POOLS
    assert_same_array(original, px.pixel_array(ds, workers=3))


def test_parallel_iter_and_index_unaffected_by_workers():
    ds, original = _multiframe(DEFLATED_IMAGE_FRAME, frames=4)
    assert_same_array(original[2], px.pixel_array(ds, index=2, workers=2))
    frames = list(px.iter_pixels(ds, workers=2))
    assert_same_array(original, np.stack(frames))


def test_what_travels_to_worker_processes_pickles():
    import pickle

    from dcmcore.codecs.deflate import decoders, encoders

    ds, _ = _multiframe(DEFLATED_IMAGE_FRAME, frames=2)
    mod = px.api.dataset_source(ds).module
    assert pickle.loads(pickle.dumps(mod)) == mod
    info = mod.frame_info()
    assert pickle.loads(pickle.dumps(info)) == info
    for codec in decoders() + encoders():
        assert type(pickle.loads(pickle.dumps(codec))) is type(codec)


def test_workers_on_frames_read_from_a_file():
    pytest.importorskip("dcmcore_rle")
    from tests.pixel_datasets import corpus_file

    path = corpus_file("rtdose_rle.dcm")
    seq = px.pixel_array(path)
    assert_same_array(seq, px.pixel_array(path, workers=2))
    assert_same_array(seq, px.pixel_array(path, workers=3))


@pytest.fixture
def no_kept_arena():
    """Start and end without a kept arena, so the test sees arenas being created."""
    parallel.shared_memory.release()
    yield
    parallel.shared_memory.release()


def test_no_room_for_shared_memory_decodes_in_the_caller_with_warning(
    monkeypatch, tmp_path, no_kept_arena
):
    # A small /dev/shm (64 MB in Docker) used to SIGBUS on writes into a sparse mapping:
    # the space must be reserved first, and no room means the caller decodes.
    import errno
    import os

    pytest.importorskip("dcmcore_rle")
    ds, original = _multiframe(RLE, frames=4)
    calls = []

    def no_space(fd, offset, length):
        calls.append(length)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "posix_fallocate", no_space, raising=False)
    monkeypatch.setattr(parallel.shared_memory, "_can_populate", lambda: False)
    monkeypatch.setattr(parallel.shared_memory, "shared_folders", lambda: [str(tmp_path)])
    with pytest.warns(DcmcoreWarning, match="every frame in the calling process.*No space"):
        arr = px.pixel_array(ds, workers=2)
    assert_same_array(original, arr)
    assert calls
    assert not list(tmp_path.iterdir())  # nothing left behind


def _with_truncated_frame(ds, index, size):
    from pydicom.encaps import encapsulate, generate_frames

    frames = list(generate_frames(ds.PixelData, number_of_frames=ds.NumberOfFrames))
    frames[index] = frames[index][:size]
    ds.PixelData = encapsulate(frames, has_bot=True)
    return ds


def test_corrupt_frame_in_worker_chunk_raises_the_same_error_as_sequential():
    # the worker's traceback kept a view of the mapping alive: mm.close() raised
    # BufferError and hid the real error
    pytest.importorskip("dcmcore_rle")
    ds, _ = _multiframe(RLE, frames=6)
    good, original = _multiframe(RLE, frames=6)
    _with_truncated_frame(ds, 4, 80)
    with pytest.raises(CodecFailedError) as seq:
        px.pixel_array(ds)
    with pytest.raises(CodecFailedError, match="frame 4") as par:
        px.pixel_array(ds, workers=2)
    assert str(seq.value) in str(par.value)
    # the shared memory of the failed call is free for the next one
    assert_same_array(original, px.pixel_array(good, workers=2))


def test_corrupt_frame_with_one_call_shared_files_leaves_nothing_behind(
    monkeypatch, tmp_path, no_kept_arena
):
    pytest.importorskip("dcmcore_rle")
    ds, _ = _multiframe(RLE, frames=6)
    _with_truncated_frame(ds, 4, 80)
    monkeypatch.setattr(parallel.shared_memory, "_memory_files_ok", False)
    monkeypatch.setattr(parallel.shared_memory, "shared_folders", lambda: [str(tmp_path)])
    with pytest.raises(CodecFailedError, match="frame 4"):
        px.pixel_array(ds, workers=2)
    # tasks still running when the call failed finish into the arena; then it goes
    parallel._POOLS[(1, parallel._start_method())].submit(int).result()
    assert not list(tmp_path.iterdir())


def test_shared_files_serve_when_memory_files_are_unusable(monkeypatch, tmp_path, no_kept_arena):
    pytest.importorskip("dcmcore_rle")
    ds, original = _multiframe(RLE, frames=20)
    monkeypatch.setattr(parallel.shared_memory, "_memory_files_ok", False)
    monkeypatch.setattr(parallel.shared_memory, "shared_folders", lambda: [str(tmp_path)])
    seen = []
    real_reserved_file = parallel.shared_memory.reserved_file

    def spy(prefix, size, errors=None):
        buffer, path = real_reserved_file(prefix, size, errors)
        seen.append(path)
        return buffer, path

    monkeypatch.setattr(parallel.shared_memory, "reserved_file", spy)
    for _ in range(2):
        assert_same_array(original, px.pixel_array(ds, workers=2))
    assert len(seen) == 2 and all(p.startswith(str(tmp_path)) for p in seen)
    assert not list(tmp_path.iterdir())  # a shared file lives for one call
    assert parallel.shared_memory._kept is None


def test_worker_that_cannot_open_the_shared_memory_leaves_its_frames_to_the_caller(
    monkeypatch, no_kept_arena
):
    # a worker that cannot open the memory file (a /proc mounted with hidepid, say):
    # the caller decodes those frames, and later calls use shared files instead
    # (a thread pool stands in for the process pool, so the patch applies to the worker)
    pytest.importorskip("dcmcore_rle")
    ds, original = _multiframe(RLE, frames=6)

    def cannot_open(handle):
        raise parallel.shared_memory.ArenaOpenError(f"Cannot open {handle.path} (test)")

    monkeypatch.setattr(parallel.shared_memory, "attach", cannot_open)
    monkeypatch.setattr(parallel.shared_memory, "_memory_files_ok",
                        parallel.shared_memory._memory_files_ok)
    pool = cf.ThreadPoolExecutor(1)
    monkeypatch.setattr(parallel, "_pool", lambda workers: pool)
    try:
        with pytest.warns(DcmcoreWarning, match="frames 3-5 in the calling process.*Cannot open"):
            arr = px.pixel_array(ds, workers=2)
    finally:
        pool.shutdown()
    assert_same_array(original, arr)
    probe = parallel.shared_memory.SharedArena.create(1)
    probe.close()
    if probe.handle.path.startswith("/proc/"):
        pytest.fail("memory files are still used after a worker could not open one")


def test_no_room_to_populate_a_sparse_arena_leaves_those_frames_to_the_caller(
    monkeypatch, no_kept_arena
):
    # in a sparse arena each writer reserves its region by faulting it in; no memory
    # for a region must give a warning and the right pixels, never SIGBUS
    pytest.importorskip("dcmcore_rle")
    ds, original = _multiframe(RLE, frames=8)
    real_populate = parallel.shared_memory.populate
    refused = []

    def no_memory_for_pixels(handle, buffer, offset, length, *, write):
        if write and length == 2 * 16 * 24 * 2:  # a 2-frame piece's pixels
            refused.append(offset)
            raise parallel.SharedSpaceError("No room for 1536 bytes (test)")
        return real_populate(handle, buffer, offset, length, write=write)

    monkeypatch.setattr(parallel.shared_memory, "populate", no_memory_for_pixels)
    pool = cf.ThreadPoolExecutor(1)
    monkeypatch.setattr(parallel, "_pool", lambda workers: pool)
    try:
        with pytest.warns(DcmcoreWarning, match="frames 4-7 in the calling process.*No room"):
            arr = px.pixel_array(ds, workers=2)
    finally:
        pool.shutdown()
    assert_same_array(original, arr)
    assert refused


def test_kept_shared_memory_is_reused_between_calls(no_kept_arena):
    pytest.importorskip("dcmcore_rle")
    if not parallel.shared_memory._memory_files_ok:
        pytest.skip("no memory files on this platform: every call has its own shared file")
    ds, original = _multiframe(RLE, frames=20)
    assert_same_array(original, px.pixel_array(ds, workers=2))
    kept = parallel.shared_memory._kept
    assert kept is not None and kept.handle.path.startswith("/proc/")
    assert_same_array(original, px.pixel_array(ds, workers=2))
    assert parallel.shared_memory._kept is kept
    parallel.shutdown_pools()
    assert parallel.shared_memory._kept is None


def test_concurrent_parallel_decodes_do_not_share_memory():
    pytest.importorskip("dcmcore_rle")
    ds_a, original_a = _multiframe(RLE, frames=12)
    ds_b, original_b = _multiframe(RLE, frames=13, spp=3, ba=8, bs=8, pr=0)
    with cf.ThreadPoolExecutor(4) as callers:
        futures = [callers.submit(px.pixel_array, ds, workers=2)
                   for _ in range(4) for ds in (ds_a, ds_b)]
        results = [f.result() for f in futures]
    for i, arr in enumerate(results):
        assert_same_array(original_a if i % 2 == 0 else original_b, arr)


def test_frame_ranges_are_merged_for_messages():
    assert parallel._ranges([(5, 6), (3, 5), (9, 10)]) == "3-5, 9"


def test_worker_pieces_start_small_and_cover_the_range():
    pieces = parallel._pieces(53, 100)
    assert pieces[0] == (53, 55)  # a small first task so the worker starts at once
    assert all(b - a <= parallel.WORKER_PIECE_FRAMES for a, b in pieces)
    assert [i for a, b in pieces for i in range(a, b)] == list(range(53, 100))
    assert parallel._pieces(5, 5) == [] and parallel._pieces(0, 1) == [(0, 1)]


def _arena_mappings(pid: int) -> set[str]:
    with open(f"/proc/{pid}/maps") as f:
        return {line.split()[4] for line in f if "dcmcore-arena" in line}


def test_workers_hold_at_most_one_shared_arena(no_kept_arena):
    # a worker forked while an arena was mapped would inherit that mapping and keep it
    # after the arena is replaced: pools fork before any arena exists
    pytest.importorskip("dcmcore_rle")
    if not parallel.shared_memory._memory_files_ok:
        pytest.skip("no memory files on this platform")
    parallel.shutdown_pools()
    small, original_small = _multiframe(RLE, frames=4)
    assert_same_array(original_small, px.pixel_array(small, workers=2))
    first = parallel.shared_memory._kept
    large = make_ds(rows=512, cols=512, frames=80, seed=1)  # more than one growth step
    original_large = px.pixel_array(large)
    px.compress(large, RLE)
    assert_same_array(original_large, px.pixel_array(large, workers=2))
    assert parallel.shared_memory._kept is not first
    (worker,) = parallel._POOLS[(1, parallel._start_method())]._processes
    assert len(_arena_mappings(worker)) == 1


def test_pool_workers_keep_freed_memory_for_reuse():
    # fresh worker processes (forkserver, spawn) returned each frame's memory to the
    # system and decoded 25-40% slower; workers tune the allocator when they start
    import dcmcore.config

    pytest.importorskip("dcmcore_rle")
    ds, original = _multiframe(RLE, frames=6)
    with dcmcore.config.override(worker_start_method="spawn"):
        assert_same_array(original, px.pixel_array(ds, workers=2))
        pool = parallel._POOLS[(1, "spawn")]
    assert pool._initializer is parallel._keep_freed_memory
    parallel._keep_freed_memory()  # harmless where it runs (glibc or not)
