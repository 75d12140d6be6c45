"""Deferred values of a file that changes after (or while) it is read: truncated,
rewritten in place, replaced, deleted. Each ends in a dcmcore error naming the file and
the tag, never in SIGBUS or in the new file's bytes returned silently."""

from __future__ import annotations

import copy
import os
import pickle
import sys
from pathlib import Path

import pytest

from dcmcore import config, dcmread
from dcmcore.errors import DcmcoreError, InvalidDicomError, TruncatedDataError

sys.path.insert(0, str(Path(__file__).parent))

from hostile_files import deferred_file  # noqa: E402
from limited_run import run_limited  # noqa: E402

VALUE = 0x00091010  # the deferred OB value of deferred_file()


@pytest.fixture
def path(tmp_path) -> Path:
    p = tmp_path / "deferred.dcm"
    p.write_bytes(deferred_file())
    return p


def _same_times(p: Path, before: os.stat_result) -> None:
    os.utime(p, ns=(before.st_atime_ns, before.st_mtime_ns))


def test_unchanged_file_reads_its_deferred_value(path) -> None:
    ds = dcmread(path, defer_size=1024)
    assert ds.get_item(VALUE, keep_deferred=True).value is None
    assert ds[VALUE].value == bytes(range(256)) * 4096


def test_copies_and_pickles_still_read_the_deferred_value(path) -> None:
    for ds in (copy.deepcopy(dcmread(path, defer_size=1024)),
               pickle.loads(pickle.dumps(dcmread(path, defer_size=1024)))):
        assert len(ds[VALUE].value) == 1 << 20


def test_truncation_while_reading_with_deferred_values_is_no_sigbus(path) -> None:
    """The file is cut to half while the parser runs; on a memory map that is SIGBUS."""
    found = run_limited(f"""
        import os
        original = _reader.read_elements
        def truncating(*args, **kwargs):
            os.truncate({str(path)!r}, 1000)
            return original(*args, **kwargs)
        _reader.read_elements = truncating
        ds = dcmread({str(path)!r}, defer_size=64)
        for el in ds:
            el.value
    """, timeout=60)
    assert found.returncode == 0, found  # no signal
    assert found.outcome == "ok" or found.dcmcore_error, found


@pytest.mark.parametrize("mode", [config.WARN, config.RAISE])
def test_truncation_during_a_windowed_read_is_reported_not_looped(path, monkeypatch, mode) -> None:
    from dcmcore.io import reader

    monkeypatch.setattr(reader, "STREAM_THRESHOLD", 1000)
    monkeypatch.setattr(reader, "_HEAD", 300)
    monkeypatch.setattr(reader, "_WINDOW", 4096)
    monkeypatch.setattr(reader, "_DIRECT_READ", 1 << 22)  # the value is read in windows
    original = reader.read_elements
    calls = []

    def truncating(*args, **kwargs):
        calls.append(1)
        if len(calls) > 100:
            raise RuntimeError("the reader asks for more data forever")
        if len(calls) == 2:
            os.truncate(path, 30000)
        return original(*args, **kwargs)

    monkeypatch.setattr(reader, "read_elements", truncating)
    with config.override(reading_validation_mode=mode):
        if mode == config.RAISE:
            with pytest.raises(TruncatedDataError):
                dcmread(path)
        else:
            with pytest.warns(UserWarning):
                dcmread(path)


def test_truncated_after_the_read_raises_truncated_data_error(path) -> None:
    ds = dcmread(path, defer_size=1024)
    before = path.stat()
    os.truncate(path, 5000)
    _same_times(path, before)
    with pytest.raises(TruncatedDataError, match="truncated") as info:
        ds[VALUE]
    assert str(path) in str(info.value) and "(0009,1010)" in str(info.value)


def test_rewritten_in_place_with_the_same_size_and_time_raises(path) -> None:
    ds = dcmread(path, defer_size=1024)
    before = path.stat()
    data = bytearray(path.read_bytes())
    start = data.index(bytes(range(256)))
    data[start : start + (1 << 20)] = bytes(range(255, -1, -1)) * 4096
    with open(path, "r+b") as f:  # same inode, same size
        f.write(data)
    _same_times(path, before)
    assert path.stat().st_mtime_ns == before.st_mtime_ns
    with pytest.raises(InvalidDicomError, match="replaced or rewritten") as info:
        ds[VALUE]
    assert str(path) in str(info.value) and "(0009,1010)" in str(info.value)


def test_replaced_by_another_file_with_the_same_time_raises(path, tmp_path) -> None:
    ds = dcmread(path, defer_size=1024)
    before = path.stat()
    other = tmp_path / "other.dcm"
    other.write_bytes(deferred_file())  # identical bytes, another file
    _same_times(other, before)
    os.replace(other, path)
    with pytest.raises(InvalidDicomError, match="replaced or rewritten") as info:
        ds[VALUE]
    assert str(path) in str(info.value)


def test_deleted_file_raises_a_dcmcore_os_error_naming_file_and_tag(path) -> None:
    ds = dcmread(path, defer_size=1024)
    path.unlink()
    with pytest.raises(DcmcoreError) as info:
        ds[VALUE]
    assert isinstance(info.value, OSError)
    assert str(path) in str(info.value) and "(0009,1010)" in str(info.value)
    assert "deleted" in str(info.value)
