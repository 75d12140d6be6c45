"""Writes to a path: a kill leaves no debris, a failure raises FileWriteError (also an
OSError) naming the target and the reason, and the original file stays intact."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

import dcmcore
from dcmcore import dcmread
from dcmcore.dataset import Dataset
from dcmcore.errors import FileWriteError, WriteError
from dcmcore.io import _atomic

ROOT = Path(dcmcore.__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="POSIX kill and rlimits")


def _dataset(name: str = "Doe^John") -> Dataset:
    ds = Dataset()
    ds.PatientName = name
    ds.PatientID = "12345"
    return ds


def _save(ds: Dataset, path: Path, **kw) -> None:
    ds.save_as(path, implicit_vr=True, little_endian=True, **kw)


_KILLED_WRITER = """
import sys, time
from dcmcore.dataset import Dataset
from dcmcore.io import writer, _atomic
if {named}:
    _atomic._O_TMPFILE = 0
encode = writer.encode_file
def stalling(*args, **kwargs):
    chunks = encode(*args, **kwargs)
    def gen():
        yield from chunks[:1]
        print("writing", flush=True)
        time.sleep(60)  # killed here, half written
        yield from chunks[1:]
    return gen()
writer.encode_file = stalling
ds = Dataset()
ds.PatientName = "Roe^Jane"
ds.save_as({target!r}, implicit_vr=True, little_endian=True, overwrite={overwrite})
"""


def _kill_mid_write(target: Path, *, overwrite: bool = True, named: bool = False) -> None:
    code = _KILLED_WRITER.format(target=str(target), overwrite=overwrite, named=named)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, env=env,
                            text=True)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "writing"
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(30)
    assert proc.returncode == -signal.SIGKILL


@pytest.mark.parametrize("overwrite", [True, False])
def test_save_as_killed_mid_write_leaves_nothing(tmp_path, overwrite) -> None:
    target = tmp_path / "a.dcm"
    if overwrite:
        _save(_dataset(), target)
    for _ in range(3):
        _kill_mid_write(target, overwrite=overwrite)
    assert sorted(p.name for p in tmp_path.iterdir()) == (["a.dcm"] if overwrite else [])
    if overwrite:
        assert str(dcmread(target, force=True).PatientName) == "Doe^John"


def test_stale_temporaries_of_a_killed_writer_are_removed_on_the_next_write(
    tmp_path, monkeypatch
) -> None:
    target = tmp_path / "a.dcm"
    _save(_dataset(), target)
    _kill_mid_write(target, named=True)  # as where O_TMPFILE is unavailable
    debris = [p.name for p in tmp_path.iterdir() if p.name != "a.dcm"]
    assert len(debris) == 1 and _atomic.TEMPORARY_PATTERN.match(debris[0])
    live = tmp_path / f".b.dcm.dcmcore-{os.getpid()}-0123456789ab.tmp"  # a live writer's
    other = tmp_path / ".a.dcm.12345.tmp"  # not dcmcore's naming
    live.write_bytes(b"")
    other.write_bytes(b"")
    monkeypatch.setattr(_atomic, "_cleaned", set())
    monkeypatch.setattr(_atomic, "_O_TMPFILE", 0)
    _save(_dataset("Poe^Edgar"), tmp_path / "c.dcm")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["a.dcm", "c.dcm", live.name, other.name])
    assert str(dcmread(target, force=True).PatientName) == "Doe^John"


def test_named_fallback_writes_and_replaces(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(_atomic, "_O_TMPFILE", 0)
    target = tmp_path / "a.dcm"
    _save(_dataset(), target)
    _save(_dataset("Roe^Jane"), target)
    assert str(dcmread(target, force=True).PatientName) == "Roe^Jane"
    with pytest.raises(FileExistsError):
        _save(_dataset(), target, overwrite=False)
    assert [p.name for p in tmp_path.iterdir()] == ["a.dcm"]


def test_mode_of_a_replaced_file_is_kept(tmp_path) -> None:
    target = tmp_path / "a.dcm"
    _save(_dataset(), target)
    os.chmod(target, 0o640)
    _save(_dataset("Roe^Jane"), target)
    assert target.stat().st_mode & 0o777 == 0o640


def _run_child(code: str, *, as_nobody: bool = False, fsize: int | None = None
               ) -> subprocess.CompletedProcess:
    def limit() -> None:
        if fsize is not None:
            import resource

            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    code = textwrap.dedent(code)
    if as_nobody:  # the interpreter lives in root's home: start as root, then drop
        code = code.replace("try:\n", _DROP_ROOT + "try:\n", 1)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", code], capture_output=True,
                          text=True, env=env, preexec_fn=limit, timeout=60, cwd="/")


_DROP_ROOT = """
import os
from dcmcore.io import writer
writer.encode_file(ds, implicit_vr=True, little_endian=True)  # imports everything first
os.setgid(65534)
os.setuid(65534)
"""

_FAILING_WRITE = """
from dcmcore.dataset import Dataset
from dcmcore.errors import FileWriteError, WriteError
ds = Dataset()
ds.PatientName = "Roe^Jane"
ds.PatientComments = "x" * {size}
try:
    ds.save_as({target!r}, implicit_vr=True, little_endian=True)
except BaseException as exc:
    print(type(exc).__name__, isinstance(exc, OSError), isinstance(exc, WriteError))
    print(exc)
"""


@pytest.fixture
def shared_dir():
    """A folder other users can enter (tmp_path is private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="dcmcore-write-"))
    folder.chmod(0o755)
    yield folder
    for path in folder.rglob("*"):
        path.chmod(0o755)
    shutil.rmtree(folder)


def test_read_only_folder_raises_write_error_naming_target_and_reason(shared_dir) -> None:
    folder = shared_dir / "ro"
    folder.mkdir()
    target = folder / "a.dcm"
    _save(_dataset(), target)
    folder.chmod(0o555)
    if os.geteuid() == 0:
        found = _run_child(_FAILING_WRITE.format(target=str(target), size=10), as_nobody=True)
    else:
        found = _run_child(_FAILING_WRITE.format(target=str(target), size=10))
    first, message = found.stdout.splitlines()[:2]
    assert first == "FileWriteError True True", found.stdout + found.stderr
    assert str(target) in message and "Permission denied" in message
    assert [p.name for p in folder.iterdir()] == ["a.dcm"]
    assert str(dcmread(target, force=True).PatientName) == "Doe^John"


def test_full_disk_raises_write_error_and_keeps_the_original(shared_dir) -> None:
    target = shared_dir / "a.dcm"
    _save(_dataset(), target)
    # a file size limit stands in for a full disk: writes past it fail (EFBIG)
    found = _run_child(_FAILING_WRITE.format(target=str(target), size=1 << 20), fsize=1 << 16)
    first, message = found.stdout.splitlines()[:2]
    assert first == "FileWriteError True True", found.stdout + found.stderr
    assert str(target) in message and "File too large" in message
    assert [p.name for p in shared_dir.iterdir()] == ["a.dcm"]
    assert str(dcmread(target, force=True).PatientName) == "Doe^John"


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_device_without_space_raises_write_error() -> None:
    with pytest.raises(FileWriteError, match="No space left") as info:
        _save(_dataset(), Path("/dev/full"))
    assert isinstance(info.value, OSError) and isinstance(info.value, WriteError)
    assert "/dev/full" in str(info.value)
