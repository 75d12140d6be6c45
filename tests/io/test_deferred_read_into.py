"""FileIdentity.read_into: part of a deferred value read straight into a buffer, checked
like a whole value; values the reader deferred on its own stay once read."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from dcmcore import dcmread
from dcmcore.errors import InvalidDicomError, SourceFileError, TruncatedDataError
from dcmcore.io._deferred import FileIdentity

sys.path.insert(0, str(Path(__file__).parent))

from hostile_files import deferred_file  # noqa: E402

VALUE = 0x00091010  # the deferred OB value of deferred_file(): bytes(range(256)) * 4096
EXPECTED = bytes(range(256)) * 4096


@pytest.fixture
def read(tmp_path) -> tuple[Path, FileIdentity, int, int]:
    path = tmp_path / "deferred.dcm"
    path.write_bytes(deferred_file())
    ds = dcmread(path, defer_size=1024)
    raw = ds.get_item(VALUE, keep_deferred=True)
    identity = ds.__dict__["_source_timestamp"]
    assert isinstance(identity, FileIdentity) and not identity.kept  # defer_size: not kept
    return path, identity, raw.value_tell, raw.length


def test_read_into_fills_the_buffer_from_a_position_in_the_value(read) -> None:
    path, identity, offset, length = read
    out = bytearray(1000)
    identity.read_into(str(path), offset, length, VALUE, 300, memoryview(out))
    assert bytes(out) == EXPECTED[300:1300]
    whole = bytearray(length)
    identity.read_into(str(path), offset, length, VALUE, 0, memoryview(whole))
    assert whole == EXPECTED


def test_read_into_refuses_bytes_outside_the_value(read) -> None:
    path, identity, offset, length = read
    with pytest.raises(ValueError, match="outside"):
        identity.read_into(str(path), offset, length, VALUE, length - 10, memoryview(bytearray(20)))


def test_read_into_checks_the_file_like_read_value(read) -> None:
    path, identity, offset, length = read
    before = path.stat()
    data = bytearray(path.read_bytes())
    data[offset + length - 1] ^= 0xFF
    path.write_bytes(data)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    with pytest.raises(InvalidDicomError, match="rewritten"):
        identity.read_into(str(path), offset, length, VALUE, 0, memoryview(bytearray(10)))
    os.truncate(path, offset + 10)
    with pytest.raises(TruncatedDataError):
        identity.read_into(str(path), offset, length, VALUE, 0, memoryview(bytearray(10)))
    path.unlink()
    with pytest.raises(SourceFileError, match="deleted"):
        identity.read_into(str(path), offset, length, VALUE, 0, memoryview(bytearray(10)))


def test_a_kept_value_stays_in_the_dataset_once_read(tmp_path) -> None:
    path = tmp_path / "deferred.dcm"
    path.write_bytes(deferred_file())
    ds = dcmread(path, defer_size=1024)
    raw = ds.get_item(VALUE, keep_deferred=True)
    identity = ds.__dict__["_source_timestamp"]
    ds.__dict__["_source_timestamp"] = FileIdentity(
        identity.path, identity.device, identity.inode, identity.size, identity.mtime_ns,
        identity.head, identity.edges, frozenset({raw.value_tell}),
    )
    ds.save_as(path)  # reads the value to write it, over the file it came from
    assert ds.get_item(VALUE, keep_deferred=True).value == EXPECTED
    assert ds[VALUE].value == EXPECTED
