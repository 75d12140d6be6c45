"""Devices, pipes and FIFOs: endless or non-DICOM sources are refused after their first
bytes, in under a second, with bounded memory (checked in a child process under a 3 GiB
address-space limit and a timeout)."""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import pytest

from dcmcore import dcmread
from dcmcore.errors import InvalidDicomError

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1]))

from encoded_bytes import part10  # noqa: E402
from hostile_files import PN  # noqa: E402
from limited_run import Outcome, run_limited  # noqa: E402

pytestmark = pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")


def _refused_quickly(found: Outcome) -> None:
    assert found.outcome == "InvalidDicomError", found
    assert found.seconds < 5, found  # well under a second on an idle machine
    assert found.peak_mb < 100, found


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
@pytest.mark.parametrize("force", [False, True])
def test_endless_device_is_refused(device, force) -> None:
    found = run_limited(f"dcmread({device!r}, force={force})", timeout=30)
    _refused_quickly(found)
    assert device in found.message


@pytest.mark.parametrize("defer", [None, 1024])
def test_endless_device_with_deferred_values_is_refused(defer) -> None:
    _refused_quickly(run_limited(f"dcmread('/dev/zero', defer_size={defer})", timeout=30))


def test_pixel_array_of_an_endless_device_is_refused() -> None:
    _refused_quickly(run_limited("dcmcore.pixels.pixel_array('/dev/zero')", timeout=30))


def test_open_device_file_object_is_refused() -> None:
    _refused_quickly(run_limited("dcmread(open('/dev/zero', 'rb'))", timeout=30))


def _feed(fifo: Path, data: bytes, forever: bool) -> threading.Thread:
    """Write `data` into `fifo` (repeatedly if `forever`, keeping it open until the reader
    goes away)."""

    def write() -> None:
        try:
            with open(fifo, "wb") as f:
                f.write(data)
                while forever:
                    f.write(data)
        except (BrokenPipeError, OSError):
            pass

    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    return thread


@pytest.mark.parametrize("force", [False, True])
def test_fifo_sending_garbage_and_staying_open_is_refused(tmp_path, force) -> None:
    fifo = tmp_path / "garbage.fifo"
    os.mkfifo(fifo)
    thread = _feed(fifo, os.urandom(1 << 16), forever=True)
    found = run_limited(f"dcmread({str(fifo)!r}, force={force})", timeout=30)
    _refused_quickly(found)
    thread.join(5)


def test_fifo_with_a_valid_header_then_garbage_is_refused(tmp_path) -> None:
    fifo = tmp_path / "header-then-garbage.fifo"
    os.mkfifo(fifo)
    header = part10(PN)[: -len(PN)]  # preamble, DICM and file meta: then garbage
    thread = _feed(fifo, header + b"\xff" * (1 << 16), forever=False)
    with pytest.raises(InvalidDicomError, match="plausible"):
        dcmread(fifo)
    thread.join(5)


@pytest.mark.parametrize("defer", [None, 2])
def test_fifo_carrying_a_dicom_file_reads(tmp_path, defer) -> None:
    fifo = tmp_path / "file.fifo"
    os.mkfifo(fifo)
    thread = _feed(fifo, part10(PN), forever=False)
    ds = dcmread(fifo, defer_size=defer)  # nothing deferred: a pipe cannot be read again
    thread.join(5)
    assert str(ds.PatientName) == "Doe^John"


@pytest.mark.parametrize("call", ["dcmcore.pixels.pixel_array", "dcmcore.pixels.iter_pixels"])
def test_pixel_functions_refuse_a_fifo_sending_garbage(tmp_path, call) -> None:
    fifo = tmp_path / "pixels.fifo"
    os.mkfifo(fifo)
    thread = _feed(fifo, os.urandom(1 << 16), forever=True)
    _refused_quickly(run_limited(f"list({call}({str(fifo)!r}))", timeout=30))
    thread.join(5)
