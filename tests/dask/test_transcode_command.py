"""``dcmcore transcode --scheduler ADDRESS``: interrupted and run again it resumes; a worker
lacking the encoder is reported once."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from test_transcode import J2K_SOURCES, _inputs  # noqa: E402

from dcmcore.io.reader import dcmread  # noqa: E402
from dcmcore.pixels import pixel_array  # noqa: E402
from dcmcore.uid import JPEG2000Lossless  # noqa: E402


def _command(client, src: Path, out: Path, syntax: str) -> list[str]:
    return [sys.executable, "-m", "dcmcore", "transcode", str(src), "-o", str(out),
            "--to", syntax, "--scheduler", client.scheduler.address, "--no-progress"]


def test_interrupted_command_resumes_when_run_again(client, tmp_path):
    inputs = _inputs(tmp_path / "in", copies=8, sources=J2K_SOURCES)
    good = {k: p for k, p in inputs.items() if not k.startswith("bad/")}
    out = tmp_path / "out"
    command = _command(client, tmp_path / "in", out, "JPEG2000Lossless")
    proc = subprocess.Popen(command + ["--verify"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline and not any(out.rglob("*.dcm")):
        time.sleep(0.01)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130, stderr  # stopped mid-run (Ctrl-C)
    assert "run the same command again to resume" in stderr
    finished = [p for p in out.rglob("*") if p.is_file() and not p.name.startswith(".")]
    for p in finished:  # whatever was written is complete
        assert dcmread(p).file_meta.TransferSyntaxUID == JPEG2000Lossless
    again = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert again.returncode == 1  # the corrupt inputs fail
    counts = again.stdout.splitlines()[0]
    assert counts.startswith(f"{len(inputs)} files: ")
    done, skipped, failed = (int(part.split()[-2]) for part in counts.split(", "))
    # tasks running when the first command stopped may have finished since: >=
    assert skipped >= len(finished) and done + skipped + failed == len(inputs)
    assert failed >= len(inputs) - len(good) - 1  # header_cut.dcm may convert (with a warning)
    for key, source in good.items():
        output = out / key
        np.testing.assert_array_equal(pixel_array(output), pixel_array(source))


def test_a_worker_lacking_the_encoder_is_reported_once(client, worker_without_rle_encoder,
                                                       tmp_path):
    _inputs(tmp_path / "in", sources=("CT_small.dcm",))
    done = subprocess.run(_command(client, tmp_path / "in", tmp_path / "out", "RLELossless"),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    errors = [line for line in done.stderr.splitlines() if "error" in line]
    assert len(errors) == 1 and errors[0].count(worker_without_rle_encoder) == 1, done.stderr
    assert not [p for p in (tmp_path / "out").rglob("*") if p.is_file()]
