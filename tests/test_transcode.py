"""dcmcore.transcode: jobs, one file's conversion, runs on executors, the summary."""

from __future__ import annotations

import multiprocessing
import os
import pickle
import shutil
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from dcmcore import codecs, config, dcmread, examples, pixel_array, uid
from dcmcore.transcode import (
    TranscodeJob,
    TranscodeResult,
    TranscodeSummary,
    TranscodeTally,
    find_jobs,
    resolve_syntax,
    run_in_processes,
    run_jobs,
    transcode_file,
)


def _tree(root: Path) -> Path:
    """A folder of examples in subfolders, plus a non-DICOM file and a corrupt one."""
    (root / "a" / "b").mkdir(parents=True)
    shutil.copy(examples.get_path("ct"), root / "a" / "ct.dcm")
    shutil.copy(examples.get_path("mr"), root / "a" / "b" / "mr.dcm")
    shutil.copy(examples.get_path("rgb_color"), root / "rgb.dcm")
    (root / "notes.txt").write_text("not DICOM\n")
    data = examples.get_path("mr").read_bytes()
    (root / "a" / "truncated.dcm").write_bytes(data[: len(data) // 2])
    return root


def test_find_jobs_mirrors_the_tree_and_skips_the_output_folder(tmp_path: Path) -> None:
    src = _tree(tmp_path / "in")
    out = src / "converted"  # inside the input: never walked into
    out.mkdir()
    (out / "old.dcm").write_bytes(b"x")
    jobs = find_jobs([src], out)
    assert [(j.source.relative_to(src), j.output.relative_to(out)) for j in jobs] == [
        (Path(p), Path(p)) for p in ("a/b/mr.dcm", "a/ct.dcm", "a/truncated.dcm",
                                     "notes.txt", "rgb.dcm")]


def test_find_jobs_files_folders_and_examples(tmp_path: Path) -> None:
    src = _tree(tmp_path / "in")
    jobs = find_jobs(["example:ct", src / "a", src / "rgb.dcm"], tmp_path / "out")
    outputs = sorted(str(j.output.relative_to(tmp_path / "out")) for j in jobs)
    assert outputs == ["a/b/mr.dcm", "a/ct.dcm", "a/truncated.dcm", "ct.dcm", "rgb.dcm"]
    assert jobs[0].source == examples.get_path("ct")


def test_find_jobs_refuses_missing_inputs_and_collisions(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="nowhere"):
        find_jobs([tmp_path / "nowhere"], tmp_path / "out")
    (tmp_path / "x").mkdir()
    shutil.copy(examples.get_path("ct"), tmp_path / "x" / "ct.dcm")
    with pytest.raises(ValueError, match="would both be written"):
        find_jobs(["example:ct", tmp_path / "x" / "ct.dcm"], tmp_path / "out")
    with pytest.raises(KeyError):
        find_jobs(["example:nope"], tmp_path / "out")
    with pytest.raises(ValueError, match="is the output folder"):
        find_jobs([tmp_path / "x"], tmp_path / "x")
    with pytest.raises(ValueError, match="is the output folder"):
        find_jobs([tmp_path / "x"], tmp_path)
    with pytest.raises(ValueError, match="is the output folder"):
        find_jobs([tmp_path / "x" / "ct.dcm"], tmp_path / "x")


def test_resolve_syntax_accepts_uids_and_keywords() -> None:
    assert resolve_syntax("rlelossless").uid == uid.RLELossless
    assert resolve_syntax(uid.JPEG2000Lossless).keyword == "JPEG2000Lossless"
    with pytest.raises(ValueError, match="not a transfer syntax"):
        resolve_syntax("Nope")


@pytest.mark.parametrize("syntax", [uid.RLELossless, uid.JPEGLSLossless, uid.JPEG2000Lossless,
                                    uid.DeflatedExplicitVRLittleEndian,
                                    uid.ExplicitVRLittleEndian])
def test_transcode_file_converts_losslessly(tmp_path: Path, syntax: str) -> None:
    source = examples.get_path("jpeg2k" if syntax == uid.ExplicitVRLittleEndian else "ct")
    before = source.read_bytes(), os.stat(source).st_mtime_ns
    job = TranscodeJob(source, tmp_path / "out" / "x.dcm")
    result = transcode_file(job, syntax, verify=True)
    assert (result.status, result.reason, result.verified) == ("done", "", True)
    assert (source.read_bytes(), os.stat(source).st_mtime_ns) == before  # input untouched
    out = dcmread(job.output)
    assert out.file_meta.TransferSyntaxUID == syntax
    assert out.SOPInstanceUID == dcmread(source).SOPInstanceUID  # lossless keeps the UID
    np.testing.assert_array_equal(out.pixel_array, pixel_array(source))
    assert result.bytes_in == os.path.getsize(source)
    assert result.bytes_out == os.path.getsize(job.output)


def test_transcode_file_skips_a_finished_output_and_redoes_others(tmp_path: Path) -> None:
    job = TranscodeJob(examples.get_path("mr"), tmp_path / "mr.dcm")
    assert transcode_file(job, "RLELossless").status == "done"
    mtime = os.stat(job.output).st_mtime_ns
    again = transcode_file(job, "RLELossless")
    assert again.status == "skipped" and os.stat(job.output).st_mtime_ns == mtime
    assert again.bytes_out == os.path.getsize(job.output)
    source = tmp_path / "changed.dcm"
    shutil.copy(examples.get_path("mr"), source)
    changed = TranscodeJob(source, tmp_path / "changed-out.dcm")
    assert transcode_file(changed, "RLELossless").status == "done"
    earlier = os.stat(source).st_mtime_ns - 10**9
    os.utime(changed.output, ns=(earlier, earlier))  # the source changed after its output
    assert transcode_file(changed, "RLELossless").status == "done"
    assert transcode_file(changed, "RLELossless").status == "skipped"
    # an output in another syntax, or a broken one, is not finished: converted again
    assert transcode_file(job, "JPEGLSLossless").status == "done"
    job.output.write_bytes(b"\x00" * 50)
    assert transcode_file(job, "JPEGLSLossless").status == "done"
    assert dcmread(job.output).file_meta.TransferSyntaxUID == uid.JPEGLSLossless


def test_transcode_file_leaves_no_temporary_of_a_killed_run(tmp_path: Path) -> None:
    # the writer's named temporary of a process that no longer exists (pid > pid_max)
    stale = tmp_path / ".ct.dcm.dcmcore-4194305-0123456789ab.tmp"
    stale.write_bytes(b"half a file")
    job = TranscodeJob(examples.get_path("ct"), tmp_path / "ct.dcm")
    assert transcode_file(job, "RLELossless").status == "done"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ct.dcm"]


def test_transcode_file_never_raises_for_bad_inputs(tmp_path: Path) -> None:
    src = _tree(tmp_path / "in")
    for name, expected in (("notes.txt", "InvalidDicomError"),
                           ("a/truncated.dcm", "")):
        job = TranscodeJob(src / name, tmp_path / "out" / name)
        result = transcode_file(job, "RLELossless", verify=True)
        assert result.status == "failed"
        assert expected in result.reason and "\n" not in result.reason
        assert str(result).startswith(f"{src / name}: failed: ")
        assert not job.output.exists()
    gone = transcode_file(TranscodeJob(tmp_path / "gone.dcm", tmp_path / "o.dcm"), "rlelossless")
    assert gone.status == "failed" and "FileNotFoundError" in gone.reason


class _FlippingEncoder(codecs.Encoder):
    """Writes Encapsulated Uncompressed frames with their first pixel changed."""

    name = "flipping"
    transfer_syntaxes = (uid.EncapsulatedUncompressedExplicitVRLittleEndian,)

    def encode(self, arr: Any, info: Any, **options: Any) -> bytes:
        changed = np.array(arr, copy=True)
        changed.flat[0] ^= 1
        data = changed.astype(changed.dtype.newbyteorder("<")).tobytes()
        return data + b"\x00" * (len(data) % 2)


def test_verify_catches_a_wrong_encoder_and_writes_nothing(
        tmp_path: Path, register_codecs: Callable[..., str]) -> None:
    register_codecs(encoders=(_FlippingEncoder(),))
    job = TranscodeJob(examples.get_path("ct"), tmp_path / "ct.dcm")
    syntax = uid.EncapsulatedUncompressedExplicitVRLittleEndian
    result = transcode_file(job, syntax, plugin="flipping", verify=True)
    assert result.status == "failed" and result.verified is False
    assert result.reason.startswith("verify: pixel values differ (first at index (0, 0)")
    assert not job.output.exists()
    unverified = transcode_file(job, syntax, plugin="flipping")
    assert unverified.status == "done"  # without --verify the bad encoder goes unnoticed


def test_lossy_target_reports_its_largest_error_and_new_uid(tmp_path: Path) -> None:
    job = TranscodeJob(examples.get_path("mr"), tmp_path / "mr.dcm")
    result = transcode_file(job, "JPEGLSNearLossless", verify=True,
                            codec_options={"jls_error": 3})
    assert result.status == "done", result.reason
    assert result.max_error is not None and 0 < result.max_error <= 3
    out = dcmread(job.output)
    assert out.SOPInstanceUID != examples.mr.SOPInstanceUID
    assert out.LossyImageCompression == "01"


def _results(executor: Executor | None, tmp_path: Path) -> list[TranscodeResult]:
    jobs = find_jobs([_tree(tmp_path / "in")], tmp_path / "out")
    return list(run_jobs(jobs, "JPEG2000Lossless", executor=executor, verify=True,
                         max_pending=2))


def _by_source(results: list[TranscodeResult], root: Path) -> dict[str, tuple[str, bool]]:
    return {os.path.relpath(r.source, root): (r.status, r.reason.split(":")[0])
            for r in results}


def test_run_jobs_same_results_in_process_and_in_worker_processes(tmp_path: Path) -> None:
    here = _results(None, tmp_path / "one")
    with ProcessPoolExecutor(2) as pool:
        there = _results(pool, tmp_path / "two")
    assert _by_source(here, tmp_path / "one" / "in") == _by_source(there, tmp_path / "two" / "in")
    assert sorted(s for s, _ in _by_source(here, tmp_path / "one" / "in").values()) == [
        "done", "done", "done", "failed", "failed"]


class _BrokenExecutor(ThreadPoolExecutor):
    """Every task it runs raises, as a pool whose worker died does."""

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        future.set_exception(RuntimeError("worker died"))
        return future


def test_run_jobs_turns_task_errors_into_failed_results(tmp_path: Path) -> None:
    with _BrokenExecutor() as broken:
        results = _results(broken, tmp_path)
    assert len(results) == 5
    assert {r.status for r in results} == {"failed"}
    assert all(r.reason == "not converted: the task failed (RuntimeError: worker died)"
               for r in results)


def test_run_jobs_rejects_a_wrong_syntax_before_any_work(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        list(run_jobs([TranscodeJob(Path("x"), tmp_path / "x")], "Nope"))


def test_jobs_results_and_summary_pickle() -> None:
    job = TranscodeJob(Path("a.dcm"), Path("out/a.dcm"))
    result = TranscodeResult("a.dcm", "out/a.dcm", "done", "", 10, 5, 0.1, True)
    assert pickle.loads(pickle.dumps((job, result))) == (job, result)


def test_summary_adds_up_counts_bytes_ratio_and_failures() -> None:
    results = [
        TranscodeResult("a", "A", "done", "", 1000, 250, 0.5, True),
        TranscodeResult("b", "B", "skipped", "", 1000, 750, 0.0),
        TranscodeResult("c", "C", "failed", "InvalidDicomError: no DICM", 0, 0, 0.1),
    ]
    summary = TranscodeSummary.from_results(iter(results), wall_seconds=2.0)
    assert (summary.done, summary.skipped, summary.failed, summary.total) == (1, 1, 1, 3)
    assert (summary.bytes_in, summary.bytes_out, summary.ratio) == (2000, 1000, 2.0)
    assert summary.failures == (("c", "InvalidDicomError: no DICM"),)
    text = str(summary)
    assert text.splitlines()[0] == "3 files: 1 done, 1 skipped, 1 failed"
    assert "ratio 2.00" in text and "time 2.0 s" in text
    assert text.splitlines()[-1] == "failed: c: InvalidDicomError: no DICM"
    tally = TranscodeTally()
    for result in results[:2]:
        tally.add(result)
    assert tally.count == 2
    assert tally.summary() == TranscodeSummary.from_results(results[:2])
    assert tally.summary().failures == ()


class _CrashingEncoder(codecs.Encoder):
    """Encapsulated Uncompressed; kills its process on 64-row frames (a C library abort)."""

    name = "crashing"
    transfer_syntaxes = (uid.EncapsulatedUncompressedExplicitVRLittleEndian,)

    def encode(self, arr: Any, info: Any, **options: Any) -> bytes:
        if info.rows == 64:
            os._exit(70)
        data = np.ascontiguousarray(arr).astype(arr.dtype.newbyteorder("<")).tobytes()
        return data + b"\x00" * (len(data) % 2)


@pytest.mark.skipif(multiprocessing.get_start_method() != "fork",
                    reason="the runtime-registered codec reaches workers by fork only")
def test_run_in_processes_survives_a_worker_that_dies(
        tmp_path: Path, register_codecs: Callable[..., str]) -> None:
    register_codecs(encoders=(_CrashingEncoder(),))
    src = tmp_path / "in"
    src.mkdir()
    for i in range(12):  # the mr copies (64 rows) kill their worker
        name = ("ct", "mr", "rgb_color")[i % 3]
        shutil.copy(examples.get_path(name), src / f"{i:02d}_{name}.dcm")
    jobs = find_jobs([src], tmp_path / "out")
    results = list(run_in_processes(jobs, uid.EncapsulatedUncompressedExplicitVRLittleEndian,
                                    workers=2, plugin="crashing", verify=True))
    assert sorted(r.source for r in results) == sorted(str(j.source) for j in jobs)
    by_status = {r.source: (r.status, r.reason) for r in results}
    for source, (status, reason) in by_status.items():
        if "_mr" in source:
            assert (status, reason) == (
                "failed", "its worker process died while converting it (a codec crashed)")
        else:  # "skipped" when it finished just before its pool broke, then was rerun
            assert status in ("done", "skipped"), reason
    outputs = sorted((tmp_path / "out").iterdir())
    assert len(outputs) == 8
    for output in outputs:
        np.testing.assert_array_equal(dcmread(output).pixel_array,
                                      pixel_array(src / output.name))


def test_run_in_processes_starts_workers_as_configured(tmp_path: Path) -> None:
    jobs = find_jobs(["example:ct", "example:mr", "example:rgb_color"], tmp_path)
    with config.override(worker_start_method="forkserver"):
        results = list(run_in_processes(jobs, "RLELossless", workers=2, verify=True))
    assert sorted(r.status for r in results) == ["done", "done", "done"]
    with config.override(worker_start_method="no-such-method"), pytest.raises(ValueError):
        list(run_in_processes(jobs, "RLELossless", workers=2))
