"""``transcode``: convert many files to another transfer syntax, one task per group of files.

Each task runs :func:`dcmcore.transcode.transcode_file` on its files; that
function writes each output atomically and skips an output that is already
complete, so a task Dask runs again (after a worker died) neither duplicates
nor half-writes anything, and a rerun of the whole job resumes.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

import dask.dataframe as dd
import pandas as pd
import pyarrow as pa

from dcmcore.dask._paths import partition
from dcmcore.dask._workers import check_workers, current_client
from dcmcore.transcode import (
    TranscodeJob,
    TranscodeResult,
    TranscodeSummary,
    find_jobs,
    resolve_syntax,
    transcode_file,
)

__all__ = ["DEFAULT_FILES_PER_TASK", "summarize", "transcode", "transcode_rows"]

#: Files converted by one task.
DEFAULT_FILES_PER_TASK = 50

_COLUMNS: dict[str, pa.DataType] = {
    "source": pa.string(),
    "output": pa.string(),
    "status": pa.string(),
    "reason": pa.string(),
    "bytes_in": pa.int64(),
    "bytes_out": pa.int64(),
    "seconds": pa.float64(),
    "verified": pa.bool_(),
    "max_error": pa.float64(),
    "warnings": pa.list_(pa.string()),
}


def _frame(rows: list[TranscodeResult]) -> pd.DataFrame:
    values: dict[str, list[object]] = {name: [] for name in _COLUMNS}
    for r in rows:
        values["source"].append(r.source)
        values["output"].append(r.output)
        values["status"].append(r.status)
        values["reason"].append(r.reason or None)
        values["bytes_in"].append(r.bytes_in)
        values["bytes_out"].append(r.bytes_out)
        values["seconds"].append(r.seconds)
        values["verified"].append(r.verified)
        values["max_error"].append(r.max_error)
        values["warnings"].append(list(r.warnings))
    return pd.DataFrame({
        name: pd.Series(pd.arrays.ArrowExtensionArray(pa.array(values[name], type=t)), copy=False)
        for name, t in _COLUMNS.items()
    })


def transcode_rows(
    jobs: list[TranscodeJob],
    syntax: str,
    plugin: str | None,
    verify: bool,
    codec_options: Mapping[str, object],
) -> pd.DataFrame:
    """Convert `jobs` one by one; one row per job (one Dask partition)."""
    return _frame([
        transcode_file(job, syntax, plugin=plugin, verify=verify, codec_options=codec_options)
        for job in jobs
    ])


def transcode(
    paths: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    out_dir: str | os.PathLike[str],
    syntax: str,
    *,
    plugin: str | None = None,
    verify: bool = False,
    files_per_task: int = DEFAULT_FILES_PER_TASK,
    **codec_options: object,
) -> dd.DataFrame:
    """Convert many files to `syntax`, lazily: one row per input when computed.

    The file list is made on the client (:func:`dcmcore.transcode.find_jobs`);
    the files are converted on the workers. Inputs are never written to;
    outputs are written atomically; an output already complete in `syntax` is
    ``"skipped"``, so running the same call again resumes an interrupted job.
    Paths must be on a filesystem every worker sees at the same path.

    Parameters
    ----------
    paths : str, PathLike or sequence of them
        Files, folders (recursive) and ``example:NAME``.
    out_dir : str or PathLike
        Outputs mirror the inputs' paths relative to their folder.
    syntax : str
        Target transfer syntax, a UID or keyword (``"JPEG2000Lossless"``).
    plugin : str, optional
        The codec, plugin or distribution to encode with.
    verify : bool
        Decode each output before writing it and compare it with its source.
    files_per_task : int
        Files per task (and partition).
    **codec_options
        Encoder options (``j2k_cr=[20]``, ``jls_error=2``, ...).

    Returns
    -------
    dask.dataframe.DataFrame
        Columns ``source``, ``output``, ``status`` (``done``, ``skipped`` or
        ``failed``), ``reason``, ``bytes_in``, ``bytes_out``, ``seconds``,
        ``verified``, ``max_error``, ``warnings``. :func:`summarize` adds it up.

    Raises
    ------
    ValueError
        `syntax` is not a transfer syntax.
    FileNotFoundError
        An input does not exist.
    PluginError
        With a distributed client current: a worker cannot encode `syntax`
        (checked once, before any file is converted).

    Examples
    --------
    >>> from dcmcore.dask import transcode, summarize
    >>> rows = transcode("/archive", "/converted", "JPEG2000Lossless")   # doctest: +SKIP
    >>> print(summarize(rows))                                          # doctest: +SKIP
    """
    target = resolve_syntax(syntax)
    client = current_client()
    if client is not None:
        check_workers(client, encode=target.uid, plugin=plugin)
    inputs = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    jobs = find_jobs(inputs, out_dir)
    parts = partition(jobs, files_per_task) or [[]]  # type: ignore[arg-type]
    return dd.from_map(
        transcode_rows,
        parts,
        syntax=target.uid,
        plugin=plugin,
        verify=verify,
        codec_options=dict(codec_options),
        meta=_frame([]),
        label="dcmcore-transcode",
        enforce_metadata=False,
    )


def summarize(rows: dd.DataFrame | pd.DataFrame) -> TranscodeSummary:
    """Compute the rows of :func:`transcode` (if lazy) and add them up.

    Returns
    -------
    TranscodeSummary
        Counts, failures with reasons, bytes in and out; ``str()`` renders it.
    """
    table = rows.compute() if isinstance(rows, dd.DataFrame) else rows
    results = (
        TranscodeResult(
            r.source, r.output, r.status, r.reason if isinstance(r.reason, str) else "",
            int(r.bytes_in), int(r.bytes_out), float(r.seconds),
            None if pd.isna(r.verified) else bool(r.verified),
            None if pd.isna(r.max_error) else float(r.max_error),
            tuple(r.warnings) if r.warnings is not None else (),
        )
        for r in table.itertuples(index=False)
    )
    return TranscodeSummary.from_results(results)
