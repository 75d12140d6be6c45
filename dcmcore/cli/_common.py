"""Pieces every subcommand shares: paths, exit codes, errors, console, progress, summary.

Conventions of the ``dcmcore`` command (documented in ``dcmcore --help``):

- exit codes: :data:`EXIT_OK` (0) everything done, :data:`EXIT_FAILED` (1) some inputs
  failed, :data:`EXIT_USAGE` (2) the command line is wrong, :data:`EXIT_INTERRUPTED`
  (130) stopped by Ctrl-C;
- an error is one line on stderr naming the file (:func:`report_error`); the traceback
  only with ``--debug``;
- ``example:NAME`` is accepted wherever a path is (:func:`resolve_path`).

rich is imported by :func:`make_console` and :func:`progress_bar` only; ``main`` checks
that it is installed before any subcommand runs.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Final, TextIO

from dcmcore import examples
from dcmcore.errors import UsageError
from dcmcore.transcode import EXAMPLE_PREFIX, TranscodeResult, TranscodeSummary, resolve_input

if TYPE_CHECKING:  # rich is the optional `cli` extra; imported only when used
    from rich.console import Console

__all__ = [
    "EXAMPLE_PREFIX",
    "EXIT_FAILED",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_USAGE",
    "PROG",
    "SUMMARY_FAILURES",
    "UsageError",
    "add_parser",
    "make_console",
    "print_summary",
    "progress_bar",
    "report_error",
    "resolve_path",
    "track_results",
]

PROG: Final = "dcmcore"
EXIT_OK: Final = 0
EXIT_FAILED: Final = 1
EXIT_USAGE: Final = 2
EXIT_INTERRUPTED: Final = 130

EXIT_CODES_HELP: Final = (
    "exit codes: 0 done, 1 some inputs failed (each named on stderr), 2 usage error, "
    "130 interrupted. Wherever a path is expected, example:NAME names a bundled "
    "example (" + ", ".join(examples.names()) + ")."
)


def resolve_path(text: str | os.PathLike[str]) -> Path:
    """Return the path named on the command line: a path, or ``example:NAME``.

    Raises
    ------
    UsageError
        ``example:NAME`` names no bundled example.
    """
    try:
        return resolve_input(text)
    except KeyError:
        name = os.fspath(text)[len(EXAMPLE_PREFIX):]
        raise UsageError(f"no bundled example named {name!r}; examples are "
                         f"{', '.join(examples.names())}") from None


def add_parser(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    *,
    help: str,
    description: str,
) -> argparse.ArgumentParser:
    """Add subcommand `name` with the options every subcommand has (``--debug``)."""
    parser = subparsers.add_parser(
        name, help=help, description=description, epilog=EXIT_CODES_HELP)
    parser.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                        help="show the traceback of an error")
    return parser


def report_error(where: str | os.PathLike[str] | None, exc: BaseException | str, *,
                 debug: bool = False, stream: TextIO | None = None) -> None:
    """Print one line ``dcmcore: error: WHERE: what`` on stderr (with ``--debug``, the traceback).

    `where` is the file (or option) the error is about.
    """
    out = stream if stream is not None else sys.stderr
    if debug and isinstance(exc, BaseException):
        traceback.print_exception(exc, file=out)
    if isinstance(exc, BaseException):
        text = " ".join(str(exc).split()) or type(exc).__name__
        if isinstance(exc, (OSError, KeyError)) and not isinstance(exc, FileNotFoundError):
            text = f"{type(exc).__name__}: {text}"
    else:
        text = exc
    prefix = f"{os.fspath(where)}: " if where is not None else ""
    print(f"{PROG}: error: {prefix}{text}", file=out)


def make_console(*, stderr: bool = False) -> Console:
    """A rich console on stdout (or stderr)."""
    from rich.console import Console  # optional `cli` extra, checked by main()

    return Console(stderr=stderr, highlight=False)


class _Bar:
    """A rich progress bar over one task, with a count of failures."""

    def __init__(self, total: int | None, label: str, *, enabled: bool) -> None:
        from rich.progress import (  # optional `cli` extra, checked by main()
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.console = make_console(stderr=True)
        self._progress = Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
            TextColumn("[red]{task.fields[failed]} failed"), TimeElapsedColumn(),
            TextColumn("eta"), TimeRemainingColumn(),
            console=self.console, disable=not (enabled and self.console.is_terminal),
            transient=False)
        self._task = self._progress.add_task(label, total=total, failed=0)
        self._failed = 0

    def __enter__(self) -> _Bar:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    def advance(self, *, failed: bool = False) -> None:
        """Count one item done (or failed)."""
        self._failed += failed
        self._progress.update(self._task, advance=1, failed=self._failed)

    def log(self, text: str) -> None:
        """Print a line above the bar (stderr)."""
        self._progress.console.print(text, markup=False, highlight=False, soft_wrap=True)


def progress_bar(total: int | None, label: str, *, enabled: bool = True) -> _Bar:
    """A progress bar on stderr: ``with progress_bar(n, "transcoding") as bar: bar.advance()``.

    It draws only on a terminal (rich's own check) and when `enabled`.
    """
    return _Bar(total, label, enabled=enabled)


def track_results(results: Iterable[TranscodeResult], total: int, label: str, *,
                  enabled: bool = True, verbose: bool = False) -> Iterator[TranscodeResult]:
    """Yield `results`, advancing a progress bar and printing each failure as one line.

    With `verbose`, every result and the warnings met on each file are printed too.
    """
    with progress_bar(total, label, enabled=enabled) as bar:
        for result in results:
            failed = result.status == "failed"
            if failed:
                bar.log(f"{PROG}: error: {result.source}: {result.reason}")
            elif verbose:
                bar.log(str(result))
            if verbose:
                for warning in result.warnings:
                    bar.log(f"{PROG}: warning: {result.source}: {warning}")
            bar.advance(failed=failed)
            yield result


#: At most this many failures are repeated in the closing summary.
SUMMARY_FAILURES: Final = 100


def print_summary(summary: TranscodeSummary, *, console: Console | None = None) -> None:
    """Print the closing summary of a run: counts, bytes, ratio, time, failures.

    The failures are listed up to :data:`SUMMARY_FAILURES` (each was also printed
    on stderr as it happened).
    """
    out = console if console is not None else make_console()
    lines = summary.lines()
    shown = [line for line in lines if not line.startswith("failed:")]
    failed = [line for line in lines if line.startswith("failed:")]
    for line in shown:
        out.print(line, markup=False, highlight=False, soft_wrap=True)
    for line in failed[:SUMMARY_FAILURES]:
        out.print(line, style="red", markup=False, highlight=False, soft_wrap=True)
    if len(failed) > SUMMARY_FAILURES:
        out.print(f"... and {len(failed) - SUMMARY_FAILURES} more failures (each named on "
                  "stderr as it happened)", style="red", markup=False, highlight=False)
