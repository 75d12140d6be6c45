"""Convert many DICOM files to another transfer syntax: the batch transcoder.

The library behind ``dcmcore transcode`` and :mod:`dcmcore.dask`'s transcode. Every
function here is a plain top-level function of picklable arguments, so the work runs
unchanged in-process, in a :class:`~concurrent.futures.ProcessPoolExecutor` or on a Dask
cluster (``distributed.Client(...).get_executor()``).

- :func:`find_jobs` lists the files of the inputs (folders recursively) and the output
  path of each, mirroring its path relative to its input folder.
- :func:`transcode_file` converts one file. It never raises for a bad input file (the
  result says ``"failed"`` and why), never writes to the input, writes the output through
  dcmcore's writer (a temporary file replaced into place, so an output is either
  complete or absent) and skips an output that already exists in the target syntax, so
  a rerun resumes where an interrupted run stopped.
- :func:`run_jobs` runs many jobs on any executor and yields the results as they complete;
  :meth:`TranscodeSummary.from_results` adds them up.

Examples
--------
>>> from dcmcore.transcode import find_jobs, run_jobs, TranscodeSummary
>>> jobs = find_jobs(["example:ct"], "out")                          # doctest: +SKIP
>>> summary = TranscodeSummary.from_results(run_jobs(jobs, "RLELossless"))  # doctest: +SKIP
>>> print(summary)                                                   # doctest: +SKIP
1 file: 1 done, 0 skipped, 0 failed ...
"""

from __future__ import annotations

import io
import multiprocessing
import os
import time
import warnings
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import (
    FIRST_COMPLETED,
    BrokenExecutor,
    Executor,
    Future,
    ProcessPoolExecutor,
    wait,
)
from concurrent.futures import CancelledError as _FutureCancelledError
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Final, Literal

import numpy as np

from dcmcore import config, examples, transfer_syntax
from dcmcore.codecs.providers import resolve_uid
from dcmcore.dataset import Dataset, FileDataset
from dcmcore.io.reader import dcmread, read_file_meta_info
from dcmcore.io.writer import dcmwrite
from dcmcore.pixels import compress, decompress, pixel_array
from dcmcore.tag import PIXEL_DATA_TAGS
from dcmcore.transfer_syntax import TransferSyntax

__all__ = [
    "EXAMPLE_PREFIX",
    "Status",
    "TranscodeJob",
    "TranscodeResult",
    "TranscodeSummary",
    "TranscodeTally",
    "find_jobs",
    "resolve_input",
    "resolve_syntax",
    "run_in_processes",
    "run_jobs",
    "transcode_file",
]

#: Prefix naming a bundled example wherever a path is accepted: ``example:ct``.
EXAMPLE_PREFIX: Final = "example:"

Status = Literal["done", "skipped", "failed"]

#: Elements a conversion may change besides the file meta and the pixel data.
_MAY_CHANGE: Final[frozenset[int]] = frozenset({
    0x00080018,  # SOP Instance UID (new for a lossy target)
    0x00280004,  # Photometric Interpretation (YBR decoded to RGB, RCT/ICT)
    0x00280006,  # Planar Configuration
    0x00280008,  # Number of Frames
    0x00282110, 0x00282112, 0x00282114,  # Lossy Image Compression, Ratio, Method
    0x7FE00001, 0x7FE00002,  # Extended Offset Table (Lengths)
})


@dataclass(frozen=True, slots=True)
class TranscodeJob:
    """One file to convert: where it is read from and where its output goes."""

    source: Path
    output: Path


@dataclass(frozen=True, slots=True)
class TranscodeResult:
    """What became of one :class:`TranscodeJob`.

    Attributes
    ----------
    source, output : str
        The input file and its output path.
    status : {"done", "skipped", "failed"}
        ``"skipped"``: the output already existed in the target syntax.
    reason : str
        One line saying why it failed (``""`` otherwise).
    bytes_in, bytes_out : int
        Sizes of the input and of the output (0 when there is none).
    seconds : float
        Time spent on the file.
    verified : bool or None
        With ``verify``: whether the output decoded to the source's pixels
        (None when not verified).
    max_error : float or None
        With ``verify`` and a lossy target: the largest absolute pixel difference.
    warnings : tuple of str
        Warnings met while converting the file.
    """

    source: str
    output: str
    status: Status
    reason: str = ""
    bytes_in: int = 0
    bytes_out: int = 0
    seconds: float = 0.0
    verified: bool | None = None
    max_error: float | None = None
    warnings: tuple[str, ...] = ()

    def __str__(self) -> str:
        if self.status == "failed":
            return f"{self.source}: failed: {self.reason}"
        return f"{self.source}: {self.status} -> {self.output}"


@dataclass(frozen=True, slots=True)
class TranscodeSummary:
    """Totals of a run: counts, failures with reasons, bytes, ratio and time.

    ``str()`` renders it as a few plain lines.
    """

    done: int = 0
    skipped: int = 0
    failed: int = 0
    verified: int = 0
    failures: tuple[tuple[str, str], ...] = ()
    bytes_in: int = 0
    bytes_out: int = 0
    seconds: float = 0.0
    wall_seconds: float | None = None
    warnings: int = 0
    max_error: float | None = None

    @classmethod
    def from_results(
        cls, results: Iterable[TranscodeResult], *, wall_seconds: float | None = None
    ) -> TranscodeSummary:
        """Add up `results` (any iterable, consumed once).

        Bytes in and out count the files done and skipped; ``seconds`` is the
        sum of the files' times (``wall_seconds`` the run's, when given).
        """
        tally = TranscodeTally()
        for result in results:
            tally.add(result)
        return tally.summary(wall_seconds=wall_seconds)

    @property
    def total(self) -> int:
        """Number of inputs accounted for."""
        return self.done + self.skipped + self.failed

    @property
    def ratio(self) -> float | None:
        """Bytes in over bytes out (None when nothing was written)."""
        return self.bytes_in / self.bytes_out if self.bytes_out else None

    def lines(self) -> list[str]:
        """The summary as lines of text, failures listed one per line."""
        files = "file" if self.total == 1 else "files"
        out = [f"{self.total} {files}: {self.done} done, {self.skipped} skipped, "
               f"{self.failed} failed"]
        if self.verified:
            extra = "" if self.max_error is None else f" (lossy: max error {self.max_error:g})"
            out.append(f"verified: {self.verified} outputs decode to their source{extra}")
        ratio = f"{self.ratio:.2f}" if self.ratio is not None else "-"
        out.append(f"bytes in {_size(self.bytes_in)}, out {_size(self.bytes_out)}, "
                   f"ratio {ratio}")
        timing = f"time {self.seconds:.1f} s in files"
        if self.wall_seconds is not None:
            timing = f"time {self.wall_seconds:.1f} s ({self.seconds:.1f} s in files)"
        out.append(timing)
        if self.warnings:
            out.append(f"warnings: {self.warnings}")
        out += [f"failed: {source}: {reason}" for source, reason in self.failures]
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())


class TranscodeTally:
    """A running count of results, for a summary at any moment (e.g. on Ctrl-C).

    Examples
    --------
    >>> tally = TranscodeTally()
    >>> for result in run_jobs(jobs, "RLELossless"):          # doctest: +SKIP
    ...     tally.add(result)
    >>> print(tally.summary())                                 # doctest: +SKIP
    """

    __slots__ = ("_counts", "_failures", "_bytes_in", "_bytes_out", "_verified",
                 "_warnings", "_seconds", "_max_error")

    def __init__(self) -> None:
        self._counts: dict[str, int] = {"done": 0, "skipped": 0, "failed": 0}
        self._failures: list[tuple[str, str]] = []
        self._bytes_in = self._bytes_out = self._verified = self._warnings = 0
        self._seconds = 0.0
        self._max_error: float | None = None

    @property
    def count(self) -> int:
        """Results added so far."""
        return sum(self._counts.values())

    def add(self, result: TranscodeResult) -> None:
        """Count one result. Bytes in and out count the files done and skipped."""
        self._counts[result.status] += 1
        self._seconds += result.seconds
        self._warnings += len(result.warnings)
        if result.status == "failed":
            self._failures.append((result.source, result.reason))
            return
        self._bytes_in += result.bytes_in
        self._bytes_out += result.bytes_out
        self._verified += result.verified is True
        if result.max_error is not None:
            self._max_error = max(self._max_error or 0.0, result.max_error)

    def summary(self, *, wall_seconds: float | None = None) -> TranscodeSummary:
        """The totals so far (``seconds`` sums the files' times)."""
        return TranscodeSummary(self._counts["done"], self._counts["skipped"],
                                self._counts["failed"], self._verified,
                                tuple(self._failures), self._bytes_in, self._bytes_out,
                                self._seconds, wall_seconds, self._warnings, self._max_error)


def _size(n: int) -> str:
    value = float(n)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{n} B"  # pragma: no cover


def resolve_input(text: str | os.PathLike[str]) -> Path:
    """Return the path named by `text`: a path, or ``example:NAME`` for a bundled example.

    Raises
    ------
    KeyError
        ``example:NAME`` with no such example.
    """
    value = os.fspath(text)
    if isinstance(value, str) and value.startswith(EXAMPLE_PREFIX):
        return examples.get_path(value[len(EXAMPLE_PREFIX):])
    return Path(value)


def resolve_syntax(syntax: str) -> TransferSyntax:
    """Return the transfer syntax record for a UID or keyword (any case).

    Raises
    ------
    ValueError
        If no known transfer syntax has that UID or keyword.
    """
    record = transfer_syntax.get(resolve_uid(str(syntax)))
    if record is None or record.referenced:
        raise ValueError(f"{syntax!r} is not a transfer syntax dcmcore can write; give a "
                         "UID or a keyword such as ExplicitVRLittleEndian or RLELossless")
    return record


def _is_within(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
    except ValueError:
        return False
    return True


def find_jobs(
    inputs: Sequence[str | os.PathLike[str]], out_dir: str | os.PathLike[str]
) -> list[TranscodeJob]:
    """List the files of `inputs` with the output path of each under `out_dir`.

    Parameters
    ----------
    inputs : sequence of str or PathLike
        Files, folders (walked recursively, in sorted order) and ``example:NAME``.
    out_dir : str or PathLike
        The output folder. A file's output mirrors its path relative to its input
        folder; with several inputs, each folder's files go under a folder of its
        name. A file given directly goes to ``out_dir/<its name>``. Nothing under
        `out_dir` is ever taken as an input.

    Returns
    -------
    list of TranscodeJob

    Raises
    ------
    FileNotFoundError
        An input does not exist.
    ValueError
        Two inputs would write the same output, or an input is `out_dir` or inside it.
    KeyError
        ``example:NAME`` with no such example.
    """
    out = Path(out_dir)
    out_real = out.resolve()
    jobs: dict[Path, TranscodeJob] = {}
    several = len(inputs) > 1
    for item in inputs:
        path = resolve_input(item)
        if path.exists() and _is_within(path.resolve(), out_real):
            raise ValueError(f"{os.fspath(item)} is the output folder {out} or inside it")
        if path.is_dir():
            base = out / path.resolve().name if several else out
            for source in sorted(p for p in path.rglob("*") if p.is_file()):
                if _is_within(source.resolve(), out_real):
                    continue
                _add(jobs, TranscodeJob(source, base / source.relative_to(path)))
        elif path.exists():
            _add(jobs, TranscodeJob(path, out / path.name))
        else:
            raise FileNotFoundError(f"{os.fspath(item)}: no such file or folder")
    return list(jobs.values())


def _add(jobs: dict[Path, TranscodeJob], job: TranscodeJob) -> None:
    key = job.output.resolve()
    previous = jobs.get(key)
    if previous is not None and previous.source.resolve() != job.source.resolve():
        raise ValueError(f"{previous.source} and {job.source} would both be written to "
                         f"{job.output}")
    jobs[key] = job


def _finished(job: TranscodeJob, uid: str) -> bool:
    """Whether ``job.output`` is finished: a DICOM file in syntax `uid`, not older than
    its source (a source changed since is converted again)."""
    try:
        if os.stat(job.output).st_mtime_ns < os.stat(job.source).st_mtime_ns:
            return False
        meta = read_file_meta_info(job.output)
    except Exception:  # missing, or does not read as DICOM: (re)done, whatever is wrong
        return False
    return str(meta.get("TransferSyntaxUID", "")) == uid


def _has_pixels(ds: Dataset) -> bool:
    return any(tag in ds for tag in PIXEL_DATA_TAGS)


def _source_syntax(ds: FileDataset) -> TransferSyntax | None:
    meta = getattr(ds, "file_meta", None)
    uid = str(meta.get("TransferSyntaxUID", "")) if meta is not None else ""
    return transfer_syntax.get(uid) if uid else None


def _convert(ds: FileDataset, target: TransferSyntax, plugin: str,
             options: Mapping[str, object]) -> None:
    """Convert `ds` in place to `target`: decode, encode, or only relabel."""
    source = _source_syntax(ds)
    pixel = 0x7FE00010 in ds
    if pixel and source is not None and source.encapsulated and source.uid != target.uid:
        decompress(ds, generate_instance_uid=False)
        source = transfer_syntax.get(str(ds.file_meta.TransferSyntaxUID))
    if pixel and target.encapsulated and (source is None or source.uid != target.uid):
        encoder_options: dict[str, Any] = dict(options)  # each plugin defines its own
        compress(ds, target.uid, encoding_plugin=plugin,
                 generate_instance_uid=not target.lossless, **encoder_options)
    ds.file_meta.TransferSyntaxUID = target.uid


def _compare(reference: np.ndarray, written: np.ndarray, lossless: bool) -> tuple[str, float]:
    """Return (problem, max abs difference); problem is "" when they match."""
    if reference.shape != written.shape:
        return f"decoded shape {written.shape} differs from the source's {reference.shape}", 0.0
    if reference.size == 0:
        return "", 0.0
    diff = float(np.max(np.abs(reference.astype(np.float64) - written.astype(np.float64))))
    if lossless and diff != 0:
        where = np.argwhere(reference != written)[0]
        return (f"pixel values differ (first at index {tuple(int(i) for i in where)}, "
                f"max difference {diff:g})"), diff
    return "", diff


def _header_problem(before: Dataset, after: Dataset, skip: frozenset[int]) -> str:
    """The first top-level element (not file meta, not group lengths, not `skip`) that changed."""
    def kept(ds: Dataset) -> set[int]:
        return {t for t in ds.keys() if t >> 16 != 2 and t & 0xFFFF and t not in skip}

    tags_before, tags_after = kept(before), kept(after)
    if tags_before != tags_after:
        missing = sorted(tags_before - tags_after)
        extra = sorted(tags_after - tags_before)
        which = f"lost {_tags(missing)}" if missing else f"gained {_tags(extra)}"
        return f"elements differ: {which}"
    for tag in sorted(tags_before):
        if before[tag].value != after[tag].value:
            return f"element {_tags([tag])} differs"
    return ""


def _tags(tags: Sequence[int]) -> str:
    shown = ", ".join(f"({t >> 16:04X},{t & 0xFFFF:04X})" for t in tags[:3])
    return shown + (" ..." if len(tags) > 3 else "")


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or repr(exc)
    return f"{type(exc).__name__}: {text}"


@dataclass(slots=True)
class _Timer:
    start: float = field(default_factory=time.perf_counter)

    def __call__(self) -> float:
        return time.perf_counter() - self.start


def transcode_file(
    job: TranscodeJob,
    syntax: str,
    *,
    plugin: str | None = None,
    verify: bool = False,
    codec_options: Mapping[str, object] | None = None,
) -> TranscodeResult:
    """Convert one file to `syntax` and write it to ``job.output``.

    Parameters
    ----------
    job : TranscodeJob
        The input and the output path (its folders are made as needed).
    syntax : str
        The target transfer syntax, a UID or keyword (``"RLELossless"``).
    plugin : str, optional
        The codec, plugin or distribution to encode with (default: the configured
        order).
    verify : bool
        Decode the output (before it is written) and compare it with the source:
        equal pixels for a lossless target, same shape for a lossy one (the largest
        difference is reported), and the same non-pixel elements; a mismatch fails
        the file and writes nothing.
    codec_options : mapping, optional
        Encoder options, e.g. ``{"jls_error": 2}`` or ``{"j2k_cr": [20]}``.

    Returns
    -------
    TranscodeResult
        ``"skipped"`` when the output already exists in the target syntax and is
        not older than the input;
        ``"failed"`` (with a one-line reason) for a file that cannot be read,
        decoded, encoded, verified or written. The input is never written to; the
        output is written atomically by :func:`~dcmcore.dcmwrite`, so it is complete
        or absent.

    Raises
    ------
    ValueError
        Only if `syntax` is not a transfer syntax (a mistake of the caller, not of
        the input).
    """
    target = resolve_syntax(syntax)
    elapsed = _Timer()
    source, output = str(job.source), str(job.output)
    caught: list[warnings.WarningMessage] = []
    try:
        bytes_in = os.stat(job.source).st_size
        if _finished(job, target.uid):
            return TranscodeResult(source, output, "skipped", bytes_in=bytes_in,
                                   bytes_out=os.stat(job.output).st_size, seconds=elapsed())
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = _transcode(job, target, plugin or "", verify, codec_options or {})
        reason, max_error = result
        notes = tuple(dict.fromkeys(" ".join(str(w.message).split()) for w in caught))
        if reason:
            return TranscodeResult(source, output, "failed", f"verify: {reason}", bytes_in,
                                   0, elapsed(), False, max_error, notes)
        return TranscodeResult(source, output, "done", "", bytes_in,
                               os.stat(job.output).st_size, elapsed(),
                               True if verify else None, max_error if verify else None, notes)
    except Exception as exc:  # a bad input fails its own result, never the batch
        notes = tuple(dict.fromkeys(" ".join(str(w.message).split()) for w in caught))
        return TranscodeResult(source, output, "failed", _one_line(exc), seconds=elapsed(),
                               warnings=notes)


def _transcode(job: TranscodeJob, target: TransferSyntax, plugin: str, verify: bool,
               options: Mapping[str, object]) -> tuple[str, float | None]:
    """Convert and write; returns (verification problem, max error)."""
    ds = dcmread(job.source)
    reference, skip = None, _MAY_CHANGE | PIXEL_DATA_TAGS
    if verify and _has_pixels(ds):
        source = _source_syntax(ds)
        try:
            reference = pixel_array(ds)
        except Exception:
            if target.encapsulated or source is None or source.encapsulated:
                raise
            skip = _MAY_CHANGE  # pixels left as they are: compared as element values
    _convert(ds, target, plugin, options)
    problem, max_error = "", None
    if verify:
        buffer = io.BytesIO()
        dcmwrite(buffer, ds, enforce_file_format=True)
        written = dcmread(buffer.getvalue())
        if str(written.file_meta.TransferSyntaxUID) != target.uid:
            return "the output's Transfer Syntax UID is not the target's", None
        problem = _header_problem(dcmread(job.source), written, skip)
        if not problem and reference is not None:
            problem, difference = _compare(reference, pixel_array(written), target.lossless)
            max_error = None if target.lossless else difference
        if problem:
            return problem, max_error
    job.output.parent.mkdir(parents=True, exist_ok=True)
    dcmwrite(job.output, ds, enforce_file_format=True)
    return "", max_error



def run_jobs(
    jobs: Iterable[TranscodeJob],
    syntax: str,
    *,
    executor: Executor | None = None,
    plugin: str | None = None,
    verify: bool = False,
    codec_options: Mapping[str, object] | None = None,
    max_pending: int = 64,
) -> Iterator[TranscodeResult]:
    """Run :func:`transcode_file` for each job; yield the results as they complete.

    Parameters
    ----------
    jobs : iterable of TranscodeJob
        From :func:`find_jobs`; consumed lazily.
    syntax, plugin, verify, codec_options
        As for :func:`transcode_file`.
    executor : concurrent.futures.Executor, optional
        Where files are converted: None converts them one by one in this process;
        a :class:`~concurrent.futures.ProcessPoolExecutor` or a Dask
        ``Client.get_executor()`` converts them in parallel. The caller owns it.
    max_pending : int
        At most this many files are submitted and not yet finished, so a million
        inputs do not become a million futures.

    Yields
    ------
    TranscodeResult
        One per job, in completion order. A job whose task raised (a worker process
        that died, a cancelled task) is a ``"failed"`` result naming what happened.
    """
    resolve_syntax(syntax)  # a wrong syntax is the caller's error: raise before any work
    run = partial(transcode_file, syntax=syntax, plugin=plugin, verify=verify,
                  codec_options=dict(codec_options or {}))
    if executor is None:
        for job in jobs:
            yield run(job)
        return
    for job, outcome in _completed(executor, run, jobs, max_pending):
        yield outcome if isinstance(outcome, TranscodeResult) else _task_failed(job, outcome)


_Outcome = TranscodeResult | BaseException


def _completed(executor: Executor, run: Callable[[TranscodeJob], TranscodeResult],
               jobs: Iterable[TranscodeJob], max_pending: int
               ) -> Iterator[tuple[TranscodeJob, _Outcome]]:
    """Submit `jobs` (at most `max_pending` unfinished); yield each with its result or error."""
    pending: dict[Future[TranscodeResult], TranscodeJob] = {}
    queue = iter(jobs)
    exhausted = False
    try:
        while True:
            while not exhausted and len(pending) < max(1, max_pending):
                following = next(queue, None)
                if following is None:
                    exhausted = True
                    break
                try:
                    pending[executor.submit(run, following)] = following
                except Exception as exc:  # a broken or shut down executor
                    yield following, exc
            if not pending:
                return
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                job = pending.pop(future)
                try:
                    yield job, future.result()
                except (Exception, _FutureCancelledError) as exc:
                    yield job, exc
    finally:
        for future in pending:
            future.cancel()


def run_in_processes(
    jobs: Iterable[TranscodeJob],
    syntax: str,
    *,
    workers: int,
    plugin: str | None = None,
    verify: bool = False,
    codec_options: Mapping[str, object] | None = None,
    initializer: Callable[[], object] | None = None,
) -> Iterator[TranscodeResult]:
    """Like :func:`run_jobs` on `workers` local processes, surviving a worker that dies.

    A codec that crashes its process (a C library's abort or segfault) breaks a
    :class:`~concurrent.futures.ProcessPoolExecutor` and every file in flight with
    it. Here the pool is replaced, the files that were in flight are converted again
    one at a time each in its own process, and only the file whose process dies
    alone is failed ("its worker process died"); the rest of the batch goes on.

    Parameters
    ----------
    jobs, syntax, plugin, verify, codec_options
        As for :func:`run_jobs`.
    workers : int
        Worker processes.
    initializer : callable, optional
        Run in each worker process at its start (the command line ignores Ctrl-C
        there, leaving it to the main process).

    Yields
    ------
    TranscodeResult
        One per job, in completion order.

    Notes
    -----
    Workers start with ``dcmcore.config.settings.worker_start_method`` (default: the
    interpreter's), as the pixel decoders' workers do.
    """
    resolve_syntax(syntax)
    run = partial(transcode_file, syntax=syntax, plugin=plugin, verify=verify,
                  codec_options=dict(codec_options or {}))
    context = multiprocessing.get_context(config.settings.worker_start_method or None)
    queue = iter(jobs)
    again: deque[TranscodeJob] = deque()  # submitted to a pool that broke before they ran

    def following() -> TranscodeJob | None:
        return again.popleft() if again else next(queue, None)

    while True:
        suspects: list[TranscodeJob] = []
        broken = False
        pending: dict[Future[TranscodeResult], TranscodeJob] = {}
        with ProcessPoolExecutor(max_workers=workers, mp_context=context,
                                 initializer=initializer) as pool:
            try:
                while True:
                    while not broken and len(pending) < 2 * workers:
                        job = following()
                        if job is None:
                            break
                        try:
                            pending[pool.submit(run, job)] = job
                        except BrokenExecutor:
                            again.appendleft(job)
                            broken = True
                    if not pending:
                        break
                    finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                    for future in finished:
                        job = pending.pop(future)
                        try:
                            yield future.result()
                        except BrokenExecutor:
                            suspects.append(job)
                            broken = True
                        except (Exception, _FutureCancelledError) as exc:
                            yield _task_failed(job, exc)
            finally:
                for future in pending:
                    future.cancel()
        for job in suspects:  # each alone: only the one that kills its process fails
            with ProcessPoolExecutor(max_workers=1, mp_context=context,
                                     initializer=initializer) as alone:
                try:
                    yield alone.submit(run, job).result()
                except BrokenExecutor:
                    yield TranscodeResult(
                        str(job.source), str(job.output), "failed",
                        "its worker process died while converting it (a codec crashed)")
        if not broken:
            return


def _task_failed(job: TranscodeJob, exc: BaseException) -> TranscodeResult:
    return TranscodeResult(str(job.source), str(job.output), "failed",
                           f"not converted: the task failed ({_one_line(exc)})")
