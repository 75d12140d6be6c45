"""``dcmcore index ROOT... -o index.parquet``: a Parquet table of the headers of many files.

The rows are :func:`dcmcore.dask.read_metadata`'s (one per file, headers only, an
``error`` column for files that cannot be read). Groups of files are read in this
process, by a local Dask cluster (``--workers N``) or by a running one
(``--scheduler ADDRESS``); the command writes the groups to one Parquet file as they
arrive, in file order, through a temporary file renamed at the end.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from contextlib import contextmanager
from types import ModuleType
from typing import TYPE_CHECKING, Final

from dcmcore.cli._common import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    PROG,
    UsageError,
    add_parser,
    make_console,
    progress_bar,
    resolve_path,
)

if TYPE_CHECKING:  # pandas and pyarrow come with the optional `dask` extra
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

__all__ = ["register", "run"]

#: Groups submitted and not yet written, per worker.
_PENDING_PER_WORKER: Final = 4


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``index`` subcommand."""
    parser = add_parser(
        subparsers, "index", help="write a Parquet table of the headers of many files",
        description=(
            "Read the header of every file under ROOT (folders recursively, globs, fsspec "
            "URLs such as s3://bucket/prefix/) and write one row per file to a Parquet "
            "file: path, size, transfer syntax, SOP Class/Instance, Study and Series "
            "Instance UIDs, Modality, Rows, Columns, Number of Frames, the --keywords "
            "columns and 'error' (why a file could not be read; such a file is also "
            "reported and makes the exit code 1). Pixel data is never read. Needs "
            "dcmcore[dask]."))
    parser.add_argument("roots", nargs="+", metavar="ROOT",
                        help="folders, files, globs, fsspec URLs or example:NAME")
    parser.add_argument("-o", "--output", required=True, metavar="FILE",
                        help="the Parquet file to write (replaced if it exists)")
    parser.add_argument("--keywords", nargs="+", default=None, metavar="KEYWORD",
                        help="element columns besides the base ones (default: PatientID "
                             "StudyDate SeriesNumber InstanceNumber SamplesPerPixel "
                             "BitsAllocated PixelRepresentation PhotometricInterpretation)")
    parser.add_argument("--scheduler", default=None, metavar="ADDRESS",
                        help="read on a running Dask cluster (tcp://host:8786 or a "
                             "scheduler file .json), or 'local' for a local cluster of "
                             "--workers processes")
    parser.add_argument("--workers", type=_positive, default=None, metavar="N",
                        help="start a local Dask cluster of N worker processes for the call "
                             "(default: read in this process)")
    parser.add_argument("--files-per-task", type=_positive, default=None, metavar="N",
                        help="files read by one task (default 1000)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.set_defaults(run=run)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text!r}")
    return value


class _InProcess(Executor):
    """Runs each submitted call at once, in this process (no scheduler)."""

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def]
        future: Future[object] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller via the future
            future.set_exception(exc)
        return future


@contextmanager
def _executor(args: argparse.Namespace) -> Iterator[tuple[Executor, int]]:
    """The executor the groups run on, and how many workers it has."""
    if args.scheduler is None and args.workers is None:
        yield _InProcess(), 1
        return
    from dcmcore.dask import open_executor  # the optional heavy `dask` extra

    scheduler = args.scheduler or "local"
    workers = args.workers if scheduler == "local" else None
    with open_executor(scheduler, workers) as executor:
        client = getattr(executor, "_client", None)
        n = len(client.scheduler_info().get("workers", {})) if client is not None else 1
        yield executor, max(n, 1)


def _write_ordered(
    arrow: ModuleType, writer: pq.ParquetWriter, frames: dict[int, pd.DataFrame], next_index: int
) -> int:
    """Write the groups of `frames` that follow `next_index` in order; the next one missing."""
    table: type[pa.Table] = arrow.Table
    while next_index in frames:
        frame = frames.pop(next_index)
        if len(frame):
            writer.write_table(table.from_pandas(frame, preserve_index=False))
        next_index += 1
    return next_index


def run(args: argparse.Namespace) -> int:
    """Index every file; exit 1 if any could not be read, 130 if interrupted."""
    if args.workers is not None and args.scheduler not in (None, "local"):
        raise UsageError("--workers goes with --scheduler local only (a running cluster "
                         "has its own workers)")
    try:
        import pyarrow as pa  # the optional heavy `dask` extra
        import pyarrow.parquet as pq

        from dcmcore.dask._columns import DEFAULT_KEYWORDS, table_spec  # the `dask` extra
        from dcmcore.dask._metadata import DEFAULT_FILES_PER_PARTITION, read_rows  # idem
        from dcmcore.dask._paths import expand_paths, partition  # idem
    except ImportError as exc:
        raise UsageError(f"index needs the 'dask' extra: pip install 'dcmcore[dask]' ({exc})"
                         ) from None
    try:
        spec = table_spec(args.keywords if args.keywords is not None else DEFAULT_KEYWORDS)
    except ValueError as exc:
        raise UsageError(f"--keywords: {exc}") from None
    roots = [r if "://" in r else os.fspath(resolve_path(r)) for r in args.roots]
    files = expand_paths(roots)
    groups = partition(files, args.files_per_task or DEFAULT_FILES_PER_PARTITION)
    output = os.path.abspath(args.output)
    folder = os.path.dirname(output)
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(output) + ".", suffix=".tmp",
                               dir=folder)
    os.close(fd)
    started = time.perf_counter()
    errors = 0
    done_files = 0
    interrupted = False
    writer = pq.ParquetWriter(tmp, pa.Schema.from_pandas(spec.empty(), preserve_index=False))
    try:
        with _executor(args) as (executor, n_workers), progress_bar(
            len(files), "indexing", enabled=not args.no_progress
        ) as bar:
            pending: dict[Future[pd.DataFrame], int] = {}
            ready: dict[int, pd.DataFrame] = {}
            queue = iter(enumerate(groups))
            next_index = 0
            limit = _PENDING_PER_WORKER * n_workers
            exhausted = False
            while True:
                while not exhausted and len(pending) < limit:
                    item = next(queue, None)
                    if item is None:
                        exhausted = True
                        break
                    pending[executor.submit(read_rows, item[1], spec)] = item[0]
                if not pending:
                    break
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    index = pending.pop(future)
                    frame = future.result()
                    for path, error in zip(frame["path"], frame["error"]):
                        failed = isinstance(error, str)
                        if failed:
                            errors += 1
                            bar.log(f"{PROG}: error: {path}: {error}")
                        bar.advance(failed=failed)
                    done_files += len(frame)
                    ready[index] = frame
                next_index = _write_ordered(pa, writer, ready, next_index)
    except KeyboardInterrupt:
        interrupted = True
    except BaseException:
        writer.close()
        os.unlink(tmp)
        raise
    writer.close()
    if interrupted:
        os.unlink(tmp)
        print(f"{PROG}: interrupted: {len(files) - done_files} of {len(files)} files not "
              f"read; nothing written", file=sys.stderr)
        return EXIT_INTERRUPTED
    os.replace(tmp, output)
    seconds = time.perf_counter() - started
    console = make_console()
    rate = f", {len(files) / seconds:,.0f} files/s" if seconds > 0 else ""
    console.print(f"{len(files)} files: {len(files) - errors} read, {errors} unreadable",
                  markup=False, highlight=False)
    console.print(f"wrote {output} ({len(spec.names)} columns) in {seconds:.1f} s{rate}",
                  markup=False, highlight=False, soft_wrap=True)
    return EXIT_FAILED if errors else EXIT_OK

