"""``dcmcore transcode``: the corpus to each lossless syntax, bad files, interruption, resume.

Runs the installed console script in a subprocess, as a user would.
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from dcmcore import dcmread, examples, pixel_array

sys.path.insert(0, str(Path(__file__).parent))
from conftest import CORPUS, DCMCORE  # noqa: E402

pydicom = pytest.importorskip("pydicom")

RunCli = Callable[..., subprocess.CompletedProcess[str]]

LOSSLESS = ["ExplicitVRLittleEndian", "RLELossless", "JPEGLSLossless", "JPEG2000Lossless",
            "DeflatedExplicitVRLittleEndian"]


#: pydicom's encoder per syntax (its GDCM RLE encoder aborts the process on some files)
_PYDICOM_ENCODERS = {"RLELossless": "pydicom", "JPEGLSLossless": "pyjpegls",
                     "JPEG2000Lossless": "pylibjpeg"}


def _pydicom_converts(path: Path, syntax: str) -> bool:
    """pydicom reads the file, decodes its pixels, encodes them in `syntax` and writes it."""
    target = getattr(pydicom.uid, syntax)
    try:
        ds = pydicom.dcmread(path)
        if "PixelData" in ds:
            ds.pixel_array  # noqa: B018
            if target.is_compressed:
                if ds.file_meta.TransferSyntaxUID.is_compressed:
                    ds.decompress()
                ds.compress(target, encoding_plugin=_PYDICOM_ENCODERS[syntax])
        pydicom.dcmwrite(io.BytesIO(), ds, enforce_file_format=True)
    except Exception:
        return False
    return True


def _expectations(syntax: str) -> dict[str, bool]:
    files = sorted(p for p in CORPUS.rglob("*") if p.is_file())
    return {str(p): _pydicom_converts(p, syntax) for p in files}


def _failures(stdout: str) -> dict[str, str]:
    found = {}
    for line in stdout.splitlines():
        if line.startswith("failed: "):
            path, _, reason = line[len("failed: "):].partition(": ")
            found[path] = reason
    return found


@pytest.mark.parametrize("syntax", LOSSLESS)
def test_corpus_to_each_lossless_syntax_verifies_with_no_mismatch(
        run_cli: RunCli, tmp_path: Path, syntax: str) -> None:
    corpus_expectations = _expectations(syntax)
    done = run_cli("transcode", str(CORPUS), "-o", str(tmp_path), "--to", syntax, "--verify",
                   "--workers", "2", timeout=300)
    failures = _failures(done.stdout)
    assert done.returncode == (1 if failures else 0), done.stderr
    assert not [r for r in failures.values() if r.startswith("verify:")]
    assert "Traceback" not in done.stderr
    # every file pydicom can read, decode, encode and write is converted; the rest are named
    should_work = {p for p, ok in corpus_expectations.items() if ok}
    assert should_work.isdisjoint(failures), {p: failures[p] for p in should_work & failures.keys()}
    first = done.stdout.splitlines()[0]
    assert first == (f"{len(corpus_expectations)} files: "
                     f"{len(corpus_expectations) - len(failures)} done, 0 skipped, "
                     f"{len(failures)} failed")
    for path in failures:  # each failure also reported as it happened, one line each
        assert f"dcmcore: error: {path}: " in done.stderr
    sample = [p for p in should_work if "MR_small" in p or "SC_rgb" in p][:6]
    for source in map(Path, sample):
        out = tmp_path / source.relative_to(CORPUS)
        written = dcmread(out)
        assert written.file_meta.TransferSyntaxUID.keyword == syntax
        np.testing.assert_array_equal(written.pixel_array, pixel_array(source))


def _folder_with_bad_files(root: Path) -> Path:
    (root / "series").mkdir(parents=True)
    for name in ("ct", "mr", "rgb_color", "jpeg2k"):
        shutil.copy(examples.get_path(name), root / "series" / f"{name}.dcm")
    (root / "series" / "notes.txt").write_text("a text file among the images\n")
    data = examples.get_path("ct").read_bytes()
    (root / "series" / "cut.dcm").write_bytes(data[: len(data) // 3])
    return root


def test_bad_files_are_listed_and_the_others_finish(run_cli: RunCli, tmp_path: Path) -> None:
    src = _folder_with_bad_files(tmp_path / "in")
    before = {p: p.read_bytes() for p in src.rglob("*") if p.is_file()}
    out = tmp_path / "out"
    done = run_cli("transcode", str(src), "-o", str(out), "--to", "rle", "--verify")
    assert done.returncode == 1
    assert done.stdout.splitlines()[0] == "6 files: 4 done, 0 skipped, 2 failed"
    errors = done.stderr.strip().splitlines()
    assert len(errors) == 2
    assert any(line.startswith(f"dcmcore: error: {src / 'series' / 'notes.txt'}: "
                               "InvalidDicomError") for line in errors)
    assert any(line.startswith(f"dcmcore: error: {src / 'series' / 'cut.dcm'}: ")
               for line in errors)
    assert sorted(p.name for p in (out / "series").iterdir()) == [
        "ct.dcm", "jpeg2k.dcm", "mr.dcm", "rgb_color.dcm"]
    assert {p: p.read_bytes() for p in src.rglob("*") if p.is_file()} == before


def test_usage_errors_exit_2(run_cli: RunCli, tmp_path: Path) -> None:
    for argv in (["example:ct", "-o", str(tmp_path), "--to", "NoSuchSyntax"],
                 [str(tmp_path / "missing"), "-o", str(tmp_path), "--to", "rle"],
                 ["example:ct", "-o", str(tmp_path), "--to", "rle", "--jls-error", "2"],
                 ["example:ct", "-o", str(tmp_path), "--to", "rle", "--workers", "0"],
                 ["example:ct", "--to", "rle"]):
        done = run_cli("transcode", *argv)
        assert done.returncode == 2, argv
        assert done.stderr.startswith(("dcmcore: error:", "usage:")), done.stderr
    assert not list(tmp_path.iterdir())


def _many_files(root: Path, count: int) -> Path:
    root.mkdir()
    for i in range(count):
        name = ("ct", "mr", "jpegls")[i % 3]
        shutil.copy(examples.get_path(name), root / f"{i:04d}_{name}.dcm")
    return root


def _start(src: Path, out: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen([str(DCMCORE), "transcode", str(src), "-o", str(out), "--to",
                             "JPEG2000Lossless", *extra], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _wait_for_outputs(out: Path, count: int, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if out.exists() and len(list(out.glob("[0-9]*.dcm"))) >= count:
            return
        time.sleep(0.01)
    pytest.fail("the run did not get going (or ended before it could be interrupted)")


def _check_complete(src: Path, out: Path) -> None:
    """Every output is a whole file that decodes to its source; nothing else is there."""
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(p.name for p in src.iterdir())
    for name in names[::7]:
        np.testing.assert_array_equal(dcmread(out / name).pixel_array,
                                      pixel_array(src / name))


def _summary_counts(stdout: str) -> tuple[int, int, int]:
    words = stdout.splitlines()[0].replace(",", "").split()
    return int(words[2]), int(words[4]), int(words[6])


@pytest.mark.parametrize("how", ["SIGKILL", "SIGINT"])
def test_interrupted_run_resumes_without_redoing_files(tmp_path: Path, how: str) -> None:
    if not DCMCORE.exists():
        pytest.skip("console script not installed")
    total = 240
    src = _many_files(tmp_path / "in", total)
    out = tmp_path / "out"
    workers = "1" if how == "SIGKILL" else "2"
    proc = _start(src, out, "--workers", workers)
    _wait_for_outputs(out, 5, proc)
    proc.send_signal(getattr(signal, how))
    _, stderr = proc.communicate(timeout=60)
    if how == "SIGINT":
        assert proc.returncode == 130
        assert "interrupted" in stderr and "run the same command again to resume" in stderr
    else:
        assert proc.returncode == -signal.SIGKILL
    finished = sorted(p.name for p in out.glob("[0-9]*.dcm"))
    assert 0 < len(finished) < total, "the run was not interrupted in the middle"
    for name in finished:  # what is there under its name is complete
        assert dcmread(out / name).file_meta.TransferSyntaxUID.keyword == "JPEG2000Lossless"
    mtimes = {name: os.stat(out / name).st_mtime_ns for name in finished}

    again = subprocess.run([str(DCMCORE), "transcode", str(src), "-o", str(out), "--to",
                            "JPEG2000Lossless", "--workers", "2"], capture_output=True,
                           text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    done, skipped, failed = _summary_counts(again.stdout)
    assert (done + skipped, failed) == (total, 0)
    assert skipped == len(finished)  # nothing finished was done again
    assert {n: os.stat(out / n).st_mtime_ns for n in finished} == mtimes
    _check_complete(src, out)  # and no partial or temporary file is left


@pytest.mark.parametrize("argv, message", [
    (["--to", "JPEGXLLossless"], "--to JPEGXLLossless: no encoder is available"),
    (["--to", "rle", "--plugin", "pillow"], "the encoder 'pillow' does not handle RLE"),
    (["--to", "rle", "--plugin", "nosuch"], "No encoder named 'nosuch' is installed"),
    (["--to", "JPEG2000Lossless", "--j2k-cr", "10"], "--j2k-cr needs a lossy JPEG 2000"),
])
def test_nothing_to_encode_with_is_a_usage_error_before_any_work(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str],
        message: str) -> None:
    from dcmcore.cli import main

    assert main(["transcode", "example:ct", "-o", str(tmp_path / "out"), *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("dcmcore: error: ") and message in err
    assert not (tmp_path / "out").exists()


def test_lossy_target_reports_the_largest_error(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    from dcmcore.cli import main

    assert main(["transcode", "example:mr", "example:ct", "-o", str(tmp_path), "--to",
                 "jpegls-near", "--jls-error", "2", "--verify", "--workers", "1"]) == 0
    out = capsys.readouterr().out
    assert "verified: 2 outputs decode to their source (lossy: max error 2)" in out


def test_verbose_prints_each_result_and_its_warnings(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    from dcmcore.cli import main

    padded = CORPUS / "MR_small_padded.dcm"
    assert main(["transcode", str(padded), "example:ct", "-o", str(tmp_path), "--to", "rle",
                 "-v", "--workers", "1"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert f"{padded}: done -> {tmp_path / padded.name}" in err
    assert any(line.startswith(f"dcmcore: warning: {padded}: ") and "excess padding" in line
               for line in err)
    assert f"{examples.get_path('ct')}: done -> {tmp_path / 'ct.dcm'}" in err


def test_results_file_has_one_json_line_per_input(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from dcmcore.cli import main

    src = _folder_with_bad_files(tmp_path / "in")
    log = tmp_path / "results.jsonl"
    assert main(["transcode", str(src), "-o", str(tmp_path / "out"), "--to", "rle",
                 "--results", str(log), "--workers", "1"]) == 1
    rows = [json.loads(line) for line in log.read_text().splitlines()]
    assert sorted(Path(r["source"]).name for r in rows) == [
        "ct.dcm", "cut.dcm", "jpeg2k.dcm", "mr.dcm", "notes.txt", "rgb_color.dcm"]
    status = {Path(r["source"]).name: r["status"] for r in rows}
    assert status["notes.txt"] == status["cut.dcm"] == "failed"
    assert sum(s == "done" for s in status.values()) == 4
    assert all(r["bytes_out"] > 0 for r in rows if r["status"] == "done")


def test_summary_lists_at_most_a_hundred_failures(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    from dcmcore.cli import main

    src = tmp_path / "junk"
    src.mkdir()
    for i in range(103):
        (src / f"{i:03d}.txt").write_text("not DICOM")
    assert main(["transcode", str(src), "-o", str(tmp_path / "out"), "--to", "rle",
                 "--workers", "1"]) == 1
    captured = capsys.readouterr()
    assert captured.out.count("failed: ") == 100
    assert "... and 3 more failures" in captured.out
    assert captured.err.count("dcmcore: error: ") == 103


@pytest.mark.skipif(not Path("/proc/self").exists(), reason="needs Linux /proc")
def test_an_output_folder_that_cannot_be_made_is_one_error(
        capsys: pytest.CaptureFixture[str]) -> None:
    from dcmcore.cli import main

    assert main(["transcode", "example:ct", "example:mr", "-o", "/proc/dcmcore-out",
                 "--to", "rle"]) == 1
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and captured.err.startswith(
        "dcmcore: error: /proc/dcmcore-out: ")
    assert captured.out == ""
