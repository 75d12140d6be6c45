"""Shared-memory arenas between the calling process and decoding workers."""

from __future__ import annotations

import concurrent.futures as cf
import errno
import os
import threading

import pytest

from dcmcore.pixels import parallel, shared_memory
from dcmcore.pixels.shared_memory import SharedArena, SharedSpaceError


@pytest.fixture(autouse=True)
def no_kept_arena():
    shared_memory.release()
    yield
    shared_memory.release()


needs_memory_files = pytest.mark.skipif(
    not shared_memory._memory_files_ok, reason="no memory files on this platform"
)


def _write_in_worker(handle, offset: int, data: bytes) -> int:
    buffer = shared_memory.attach(handle)
    buffer[offset:offset + len(data)] = data
    shared_memory.detach(handle, buffer)
    return os.getpid()


@pytest.mark.parametrize("memory_files", [True, False])
def test_another_process_writes_into_an_arena_the_caller_reads(monkeypatch, memory_files):
    if memory_files and not shared_memory._memory_files_ok:
        pytest.skip("no memory files on this platform")
    monkeypatch.setattr(shared_memory, "_memory_files_ok", memory_files)
    arena = SharedArena.create(10_000)
    try:
        with cf.ProcessPoolExecutor(1) as pool:
            pid = pool.submit(_write_in_worker, arena.handle, 4096, b"from the worker").result()
        assert pid != os.getpid()
        assert arena.buffer[4096:4096 + 15] == b"from the worker"
        assert arena.handle.path.startswith("/proc/") is memory_files
    finally:
        arena.close()
    assert memory_files or not os.path.exists(arena.handle.path)


@needs_memory_files
def test_kept_arena_is_reused_and_grows_in_steps():
    with shared_memory.checkout(1000) as first:
        assert first.handle.kept
        assert first.size == shared_memory._GROWTH_STEP
    with shared_memory.checkout(shared_memory._GROWTH_STEP) as again:
        assert again is first
    with shared_memory.checkout(shared_memory._GROWTH_STEP + 1) as bigger:
        assert bigger is not first and bigger.size == 2 * shared_memory._GROWTH_STEP
    assert first.buffer.closed and not bigger.buffer.closed


@needs_memory_files
def test_a_concurrent_checkout_gets_an_arena_of_its_own():
    with shared_memory.checkout(100) as kept:
        with shared_memory.checkout(100) as other:
            assert other is not kept and not other.handle.kept
        assert other.buffer.closed and not kept.buffer.closed


def test_requests_above_the_keep_limit_are_freed_after_the_call(monkeypatch):
    monkeypatch.setattr(shared_memory, "KEEP_BYTES", 4096)
    with shared_memory.checkout(8192) as arena:
        assert not arena.handle.kept and arena.size == 8192
    assert arena.buffer.closed
    assert shared_memory._kept is None


def test_checkouts_from_many_threads_never_share_an_arena():
    in_use: set[int] = set()
    clashes = []
    lock = threading.Lock()

    def use(_):
        with shared_memory.checkout(4096) as arena:
            with lock:
                clashes.append(id(arena) in in_use)
                in_use.add(id(arena))
            arena.buffer[:4] = b"used"
            with lock:
                in_use.discard(id(arena))

    with cf.ThreadPoolExecutor(8) as pool:
        list(pool.map(use, range(200)))
    assert not any(clashes)


def test_no_room_anywhere_names_every_place_tried(monkeypatch, tmp_path):
    def no_space(fd, offset, length):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "posix_fallocate", no_space, raising=False)
    monkeypatch.setattr(shared_memory, "_can_populate", lambda: False)  # so all is reserved
    monkeypatch.setattr(shared_memory, "shared_folders", lambda: [str(tmp_path), None])
    with pytest.raises(SharedSpaceError, match="No room for 4096 bytes") as info:
        SharedArena.create(4096)
    assert str(tmp_path) in str(info.value)
    if shared_memory._memory_files_ok:
        assert "memory file" in str(info.value)
    assert not list(tmp_path.iterdir())


@needs_memory_files
def test_memory_files_are_sparse_when_writers_can_reserve_their_own_pages():
    arena = SharedArena.create(3 * 4096)
    try:
        assert arena.handle.sparse is shared_memory._can_populate()
        # reserving and faulting in a region, then reading it from a second mapping
        shared_memory.populate(arena.handle, arena.buffer, 4096 + 10, 100, write=True)
        arena.buffer[4096 + 10:4096 + 14] = b"data"
        other = shared_memory.attach(arena.handle)
        shared_memory.populate(arena.handle, other, 4096 + 10, 4, write=False)
        assert other[4096 + 10:4096 + 14] == b"data"
        shared_memory.detach(arena.handle, other)
    finally:
        arena.close()


@needs_memory_files
def test_a_worker_keeps_one_mapping_per_caller_and_drops_replaced_ones():
    first = SharedArena.create(4096, kept=True)
    second = SharedArena.create(4096, kept=True)
    try:
        mapped = shared_memory.attach(first.handle)
        assert shared_memory.attach(first.handle) is mapped
        replacement = shared_memory.attach(second.handle)
        assert replacement is not mapped and mapped.closed
        shared_memory.detach(second.handle, replacement)
        assert not replacement.closed  # kept arenas stay mapped between tasks
    finally:
        first.close()
        second.close()
        shared_memory._attached.clear()


def test_one_call_arenas_are_unmapped_after_each_task():
    arena = SharedArena.create(4096)
    try:
        mapped = shared_memory.attach(arena.handle)
        shared_memory.detach(arena.handle, mapped)
        assert mapped.closed
    finally:
        arena.close()


def test_opening_a_missing_arena_raises_shared_space_error(tmp_path):
    handle = shared_memory.ArenaHandle("0-0", str(tmp_path / "gone"), 4096, kept=False)
    with pytest.raises(SharedSpaceError, match="Cannot open the shared memory at .*gone"):
        shared_memory.attach(handle)


def test_arena_layout_keeps_codestreams_apart_and_pixels_page_aligned():
    pieces = [(10, 12), (12, 20)]
    sizes = {i: 1000 + i for i in range(10, 20)}
    layout, size = parallel._arena_layout(pieces, sizes, frame_bytes=5000)
    regions = []
    for (a, b), (spans, out_offset) in zip(pieces, layout):
        assert [n for _, n in spans] == [sizes[i] for i in range(a, b)]
        assert out_offset % os.sysconf("SC_PAGE_SIZE") == 0
        regions += [(o, o + n) for o, n in spans] + [(out_offset, out_offset + (b - a) * 5000)]
    regions.sort()
    assert all(end <= start for (_, end), (start, _) in zip(regions, regions[1:]))
    page = os.sysconf("SC_PAGE_SIZE")
    for _, out_offset in layout:  # pixels end on a page boundary: the next piece's
        nxt = [o for o, _ in regions if o > out_offset]  # codestreams start on a new page
        assert not nxt or min(nxt) % page == 0
    assert regions[-1][1] <= size < regions[-1][1] + page
