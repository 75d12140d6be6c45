"""Parallel frame decoding gives exactly the sequential result."""

from __future__ import annotations

import concurrent.futures as cf

import numpy as np
import pytest

from tests._pixels_helpers import assert_same_array, make_ds

pytest.importorskip("pydicom")

import dcmcore.pixels as px  # noqa: E402
from dcmcore.errors import DcmcoreWarning  # noqa: E402
from dcmcore.pixels import parallel  # noqa: E402
from dcmcore.pixels.deflate_frames import DEFLATED_IMAGE_FRAME  # noqa: E402

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

    class Fake:
        name = "fake"
        thread_safe = False
        process_safe = False
        supports_batch = False

        def decode(self, data, info, **options):
            calls.append(data)
            return np.frombuffer(data, np.uint8).reshape(1, 2)

    mod = px.api.dataset_source(make_ds(rows=1, cols=2, ba=8)).module
    info = mod.frame_info()
    frames = [bytes([i, i]) for i in range(4)]
    monkeypatch.setattr(parallel.cf, "ThreadPoolExecutor", None)  # would fail if used
    monkeypatch.setattr(parallel.cf, "ProcessPoolExecutor", None)
    out, _ = parallel.decode_frames([Fake()], frames, info, mod, workers=4)
    assert calls == frames
    assert out[:, 0, 0, 0].tolist() == [0, 1, 2, 3]


def test_failing_decoder_hands_over_and_batch_is_used():
    class Bad:
        name = "bad"
        supports_batch = False

        def decode(self, data, info, **options):
            raise RuntimeError("boom")

    class Batch:
        name = "batch"
        supports_batch = True

        def __init__(self):
            self.batches = self.singles = 0

        def decode(self, data, info, **options):
            self.singles += 1
            return np.frombuffer(data, np.uint8)

        def decode_batch(self, frames, info, **options):
            self.batches += 1
            return [np.frombuffer(f, np.uint8) for f in frames]

    info = px.api.dataset_source(make_ds(rows=1, cols=2, ba=8)).module.frame_info()
    frames = [b"ab", b"cd", b"ef"]
    second = Batch()
    out = parallel.decode_chunk([Bad(), second], frames, info, {})
    assert [bytes(o) for o in out] == frames
    assert (second.batches, second.singles) == (0, 3)  # fell back frame by frame
    first = Batch()
    out = parallel.decode_chunk([first, Bad()], frames, info, {})
    assert [bytes(o) for o in out] == frames
    assert (first.batches, first.singles) == (1, 0)  # all frames in one call
    with pytest.raises(parallel.FrameDecodeError, match="bad: RuntimeError: boom"):
        parallel.decode_chunk([Bad()], frames, info, {})


def test_process_pool_is_reused_and_can_be_shut_down():
    pytest.importorskip("dcmcore_rle")
    ds, original = _multiframe(RLE, frames=5)
    assert_same_array(original, px.pixel_array(ds, workers=3))
    pool = parallel._POOLS[2]
    assert_same_array(original, px.pixel_array(ds, workers=3))
    assert parallel._POOLS[2] is pool
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

    from dcmcore.pixels.deflate_frames import decoders, encoders

    ds, _ = _multiframe(DEFLATED_IMAGE_FRAME, frames=2)
    mod = px.api.dataset_source(ds).module
    assert pickle.loads(pickle.dumps(mod)) == mod
    info = mod.frame_info()
    assert pickle.loads(pickle.dumps(info)) == info
    for codec in decoders() + encoders():
        assert type(pickle.loads(pickle.dumps(codec))) is type(codec)


def test_workers_on_frames_read_from_a_file():
    pytest.importorskip("dcmcore_rle")
    from tests._pixels_helpers import corpus_file

    path = corpus_file("rtdose_rle.dcm")
    seq = px.pixel_array(path)
    assert_same_array(seq, px.pixel_array(path, workers=2))
    assert_same_array(seq, px.pixel_array(path, workers=3))


def test_no_room_for_shared_files_decodes_in_the_caller_with_warning(monkeypatch, tmp_path):
    # A small /dev/shm (64 MB in Docker) used to SIGBUS on writes into a sparse mapping:
    # the space must be reserved first, and no room means the caller decodes those frames.
    # A thread pool stands in for the process pool so the patched fallocate applies.
    import errno
    import os

    pytest.importorskip("dcmcore_rle")
    ds, original = _multiframe(RLE, frames=4)
    calls = []

    def no_space(fd, offset, length):
        calls.append(length)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "posix_fallocate", no_space, raising=False)
    monkeypatch.setattr(parallel, "_shared_folders", lambda: [str(tmp_path)], raising=False)
    pool = cf.ThreadPoolExecutor(1)
    monkeypatch.setattr(parallel, "_pool", lambda workers: pool)
    try:
        with pytest.warns(DcmcoreWarning, match="in the calling process"):
            arr = px.pixel_array(ds, workers=2)
    finally:
        pool.shutdown()
    assert_same_array(original, arr)
    assert calls
    assert not list(tmp_path.iterdir())  # nothing left behind


def _with_truncated_frame(ds, index, size):
    from pydicom.encaps import encapsulate, generate_frames

    frames = list(generate_frames(ds.PixelData, number_of_frames=ds.NumberOfFrames))
    frames[index] = frames[index][:size]
    ds.PixelData = encapsulate(frames, has_bot=True)
    return ds


def test_corrupt_frame_in_worker_chunk_raises_frame_decode_error(monkeypatch, tmp_path):
    # the worker's traceback kept a view of the mapping alive: mm.close() raised
    # BufferError and hid the real error
    pytest.importorskip("dcmcore_rle")
    ds, _ = _multiframe(RLE, frames=6)
    _with_truncated_frame(ds, 4, 80)
    with pytest.raises(parallel.FrameDecodeError) as seq:
        px.pixel_array(ds)
    monkeypatch.setattr(parallel, "_shared_folders", lambda: [str(tmp_path)])
    with pytest.raises(parallel.FrameDecodeError, match="frame 4") as par:
        px.pixel_array(ds, workers=2)
    assert str(seq.value) in str(par.value)
    assert not list(tmp_path.iterdir())  # the shared files are removed


def test_worker_without_room_for_its_output_leaves_its_frames_to_the_caller(
    monkeypatch, tmp_path
):
    # the worker reserves its own output file; when it finds no room, the calling
    # process decodes that chunk itself (a thread pool stands in for the process pool,
    # so the patched reservation applies to the "worker" too)
    pytest.importorskip("dcmcore_rle")
    ds, original = _multiframe(RLE, frames=6)
    real_reserve = parallel._reserved_file

    def no_room_for_frames(prefix, size):
        if prefix == "dcmcore-frames-":
            raise parallel.SharedSpaceError("no room (test)")
        return real_reserve(prefix, size)

    monkeypatch.setattr(parallel, "_reserved_file", no_room_for_frames)
    monkeypatch.setattr(parallel, "_shared_folders", lambda: [str(tmp_path)])
    pool = cf.ThreadPoolExecutor(1)
    monkeypatch.setattr(parallel, "_pool", lambda workers: pool)
    try:
        with pytest.warns(DcmcoreWarning, match="in the calling process"):
            arr = px.pixel_array(ds, workers=2)
    finally:
        pool.shutdown()
    assert_same_array(original, arr)
    assert not list(tmp_path.iterdir())


def test_caller_takes_a_slightly_larger_first_chunk():
    assert parallel._caller_heavy_chunks(100, 2) == [(0, 53), (53, 100)]
    assert parallel._caller_heavy_chunks(3, 2) == [(0, 2), (2, 3)]
    assert parallel._caller_heavy_chunks(2, 2) == [(0, 1), (1, 2)]
    chunks = parallel._caller_heavy_chunks(10, 4)
    assert chunks[0][0] == 0 and chunks[-1][1] == 10 and len(chunks) == 4
    assert all(b > a for a, b in chunks)


def test_worker_pieces_start_small_and_cover_the_range():
    pieces = parallel._pieces(53, 100)
    assert pieces[0] == (53, 55)  # a small first task so the worker starts at once
    assert all(b - a <= parallel.WORKER_PIECE_FRAMES for a, b in pieces)
    assert [i for a, b in pieces for i in range(a, b)] == list(range(53, 100))
    assert parallel._pieces(5, 5) == [] and parallel._pieces(0, 1) == [(0, 1)]
