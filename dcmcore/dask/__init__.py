"""Scale-out on Dask: index, transcode and stack archives of many files.

Needs the ``dask`` extra (``pip install dcmcore[dask]``: Dask with its
distributed scheduler and dataframes, pyarrow and fsspec). The functions
build lazy Dask collections whose tasks run dcmcore on the workers; they
work with any scheduler (a :class:`distributed.Client` made before calling
them, a ``LocalCluster`` or a remote cluster; see docs/scaling.md).

- :func:`read_metadata`: a Dask DataFrame of headers, one row per file.
- :func:`transcode`: convert many files to another transfer syntax, one row per file;
  :func:`summarize` adds the rows up.
- :func:`stack`: the frames of many files as one lazy Dask array.
- :func:`open_executor`: a ``concurrent.futures.Executor`` on a Dask cluster
  (what ``dcmcore transcode --scheduler`` uses).
- :func:`worker_codecs` / :func:`check_workers`: which codecs each worker has,
  and the workers that lack one a job needs.
"""

from __future__ import annotations

try:
    import dask  # noqa: F401
    import dask.dataframe  # noqa: F401
    import distributed  # noqa: F401
    import fsspec  # noqa: F401
    import pyarrow  # noqa: F401
except ImportError as exc:  # pragma: no cover - the test environment has the extra
    raise ImportError(
        f"dcmcore.dask needs Dask, pyarrow and fsspec ({exc}): pip install dcmcore[dask]"
    ) from exc

from dcmcore.dask._columns import BASE_KEYWORDS, DEFAULT_KEYWORDS
from dcmcore.dask._metadata import DEFAULT_FILES_PER_PARTITION, read_metadata
from dcmcore.dask._stack import stack
from dcmcore.dask._transcode import DEFAULT_FILES_PER_TASK, summarize, transcode
from dcmcore.dask._workers import (
    BATCH_WORKER_CONFIG,
    WorkerCodecs,
    check_workers,
    current_client,
    open_executor,
    worker_codecs,
)

__all__ = [
    "BASE_KEYWORDS",
    "BATCH_WORKER_CONFIG",
    "DEFAULT_FILES_PER_PARTITION",
    "DEFAULT_FILES_PER_TASK",
    "DEFAULT_KEYWORDS",
    "WorkerCodecs",
    "check_workers",
    "current_client",
    "open_executor",
    "read_metadata",
    "stack",
    "summarize",
    "transcode",
    "worker_codecs",
]
