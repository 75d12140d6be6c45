"""``dcmcore transcode INPUT... -o OUTDIR --to SYNTAX``: convert files and folders in parallel.

The work is :mod:`dcmcore.transcode`'s; this module parses the options, picks the
executor (in-process, local worker processes, or a Dask cluster), shows the progress
and prints the summary.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor
from contextlib import contextmanager
from typing import Final

from dcmcore import uid
from dcmcore.cli._common import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    PROG,
    UsageError,
    add_parser,
    make_console,
    print_summary,
    report_error,
    resolve_path,
    track_results,
)
from dcmcore.errors import PluginError
from dcmcore.pixels.selection import select
from dcmcore.transcode import (
    TranscodeJob,
    TranscodeResult,
    TranscodeTally,
    find_jobs,
    resolve_syntax,
    run_in_processes,
    run_jobs,
)
from dcmcore.transfer_syntax import TransferSyntax

__all__ = ["SYNTAX_ALIASES", "register", "run"]

#: Short names accepted by ``--to`` besides UIDs and keywords.
SYNTAX_ALIASES: Final[dict[str, str]] = {
    "explicit": uid.ExplicitVRLittleEndian,
    "implicit": uid.ImplicitVRLittleEndian,
    "deflated": uid.DeflatedExplicitVRLittleEndian,
    "rle": uid.RLELossless,
    "jpegls": uid.JPEGLSLossless,
    "jpegls-near": uid.JPEGLSNearLossless,
    "j2k": uid.JPEG2000Lossless,
    "j2k-lossy": uid.JPEG2000,
    "jpeg-lossless": uid.JPEGLosslessSV1,
    "jpeg": uid.JPEGBaseline8Bit,
}


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``transcode`` subcommand."""
    aliases = ", ".join(f"{k}" for k in SYNTAX_ALIASES)
    parser = add_parser(
        subparsers, "transcode", help="convert files and folders to another transfer syntax",
        description=(
            "Convert DICOM files (folders recursively) to another transfer syntax, in "
            "parallel. Inputs are never modified; each output is written atomically and "
            "mirrors its path under OUTDIR; outputs already in the target syntax are "
            "skipped, so running the same command again resumes an interrupted run. A "
            "file that cannot be converted is reported with its reason and the others go "
            "on; the exit code is then 1."))
    parser.add_argument("inputs", nargs="+", metavar="INPUT",
                        help="DICOM files, folders, or example:NAME")
    parser.add_argument("-o", "--output", required=True, metavar="OUTDIR",
                        help="the output folder (made if missing)")
    parser.add_argument("--to", required=True, metavar="SYNTAX", dest="syntax",
                        help=f"target transfer syntax: UID, keyword (RLELossless, "
                             f"JPEG2000Lossless, ...) or one of: {aliases}")
    parser.add_argument("--plugin", default=None, metavar="NAME",
                        help="encode with this codec, plugin or distribution only")
    parser.add_argument("--workers", type=_positive, default=None, metavar="N",
                        help="worker processes (default: all cores; 1 = in this process)")
    parser.add_argument("--scheduler", default=None, metavar="ADDRESS",
                        help="run on a Dask cluster: a scheduler address "
                             "(tcp://host:8786), a scheduler file (.json), or 'local' "
                             "for a local cluster of --workers processes "
                             "(needs dcmcore[dask])")
    parser.add_argument("--jls-error", type=int, default=None, metavar="E",
                        help="JPEG-LS near-lossless: the largest error allowed per sample")
    parser.add_argument("--j2k-cr", type=float, nargs="+", default=None, metavar="R",
                        help="JPEG 2000 lossy: compression ratio(s) per quality layer")
    parser.add_argument("--j2k-psnr", type=float, nargs="+", default=None, metavar="DB",
                        help="JPEG 2000 lossy: PSNR per quality layer")
    parser.add_argument("--verify", action="store_true",
                        help="decode each output and compare it with its source before "
                             "writing it (a mismatch fails the file)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument("--results", default=None, metavar="FILE.jsonl",
                        help="also write every file's result to FILE.jsonl, one JSON "
                             "object per line (source, output, status, reason, bytes, "
                             "seconds, ...)")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="print every file's result and the warnings met on it")
    parser.set_defaults(run=run)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text!r}")
    return value


def _target(text: str) -> TransferSyntax:
    try:
        return resolve_syntax(SYNTAX_ALIASES.get(text.lower(), text))
    except ValueError as exc:
        raise UsageError(f"--to {text}: {exc}") from None


def _codec_options(args: argparse.Namespace, target: TransferSyntax) -> dict[str, object]:
    options: dict[str, object] = {}
    if args.jls_error is not None:
        if target.uid != uid.JPEGLSNearLossless:
            raise UsageError("--jls-error needs --to JPEGLSNearLossless")
        options["jls_error"] = args.jls_error
    for name, value in (("j2k_cr", args.j2k_cr), ("j2k_psnr", args.j2k_psnr)):
        if value is not None:
            if target.uid not in (uid.JPEG2000, uid.HTJ2K):
                raise UsageError(f"--{name.replace('_', '-')} needs a lossy JPEG 2000 "
                                 "target (--to JPEG2000)")
            options[name] = list(value)
    return options


def _ignore_sigint() -> None:
    """Worker processes leave Ctrl-C to the command, which stops them cleanly."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@contextmanager
def _dask_executor(args: argparse.Namespace, target: TransferSyntax) -> Iterator[Executor]:
    # dask is the optional heavy `dask` extra: imported only for --scheduler
    try:
        from dcmcore.dask import open_executor  # the optional heavy `dask` extra
    except ImportError as exc:
        raise UsageError(f"--scheduler needs the 'dask' extra: pip install "
                         f"'dcmcore[dask]' ({exc})") from None
    encode = target.uid if target.encapsulated else None
    workers = args.workers if args.scheduler == "local" else None
    with open_executor(args.scheduler, workers, encode=encode,
                       plugin=args.plugin) as executor:
        yield executor


def _results(args: argparse.Namespace, target: TransferSyntax, jobs: list[TranscodeJob],
             options: dict[str, object]) -> Iterator[TranscodeResult]:
    """Convert on a Dask cluster, in local worker processes, or in this process."""
    common = {"plugin": args.plugin, "verify": args.verify, "codec_options": options}
    if args.scheduler is not None:
        with _dask_executor(args, target) as executor:
            yield from run_jobs(jobs, target.uid, executor=executor, **common)
        return
    workers = min(args.workers or os.cpu_count() or 1, len(jobs))
    if workers <= 1:
        yield from run_jobs(jobs, target.uid, **common)
        return
    # a queued file is dropped on Ctrl-C; running ones finish, their output complete
    yield from run_in_processes(jobs, target.uid, workers=workers,
                                initializer=_ignore_sigint, **common)


def _check_encoder(target: TransferSyntax, plugin: str | None) -> None:
    """A target nothing here encodes (or a --plugin that cannot) is a usage error."""
    if not target.encapsulated:
        return
    try:
        select("encoder", target.uid, plugin or "")
    except PluginError as exc:
        raise UsageError(f"--to {target.keyword or target.uid}: "
                         f"{' '.join(str(exc).split())}") from None


def _output_folder_ready(args: argparse.Namespace) -> bool:
    """Make OUTDIR; say so once (not once per file) when it cannot be written."""
    try:
        os.makedirs(args.output, exist_ok=True)
        if not os.access(args.output, os.W_OK | os.X_OK):
            raise PermissionError("the output folder is not writable")
    except OSError as exc:
        report_error(args.output, exc, debug=bool(getattr(args, "debug", False)))
        return False
    return True


@contextmanager
def _results_file(path: str | None) -> Iterator[Callable[[TranscodeResult], None]]:
    """A function writing each result as a JSON line to `path` (nothing without a path)."""
    if path is None:
        yield lambda result: None
        return
    with open(path, "w", encoding="utf-8") as stream:
        def record(result: TranscodeResult) -> None:
            stream.write(json.dumps(dataclasses.asdict(result)) + "\n")
            stream.flush()

        yield record


def run(args: argparse.Namespace) -> int:
    """Convert every input; exit 1 if any failed, 130 if interrupted."""
    target = _target(args.syntax)
    options = _codec_options(args, target)
    if args.scheduler is None:  # a cluster's workers are checked by open_executor
        _check_encoder(target, args.plugin)
    if args.workers is not None and args.scheduler not in (None, "local"):
        raise UsageError("--workers goes with --scheduler local only (a running cluster "
                         "has its own workers)")
    try:
        jobs: list[TranscodeJob] = find_jobs([resolve_path(p) for p in args.inputs],
                                             args.output)
    except (FileNotFoundError, ValueError) as exc:
        raise UsageError(str(exc)) from None
    if args.scheduler in (None, "local") and not _output_folder_ready(args):
        return EXIT_FAILED
    console = make_console()
    tally = TranscodeTally()  # counts, not a list: a million results stay small
    started = time.perf_counter()
    interrupted = False
    label = f"to {target.keyword or target.uid}"
    try:
        stream = _results(args, target, jobs, options)
        with _results_file(args.results) as record:
            for result in track_results(stream, len(jobs), label,
                                        enabled=not args.no_progress, verbose=args.verbose):
                tally.add(result)
                record(result)
    except KeyboardInterrupt:
        interrupted = True
    summary = tally.summary(wall_seconds=time.perf_counter() - started)
    print_summary(summary, console=console)
    if interrupted:
        left = len(jobs) - summary.total
        print(f"{PROG}: interrupted: {left} of {len(jobs)} files not converted; run the "
              "same command again to resume", file=sys.stderr)
        return EXIT_INTERRUPTED
    return EXIT_FAILED if summary.failed else EXIT_OK
