"""Clusters: opening one for a call, and asking its workers which codecs they have."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Executor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Final

import dask
from distributed import Client, LocalCluster, default_client

from dcmcore.codecs import available_decoders, available_encoders, list_plugins, plan
from dcmcore.errors import PluginError
from dcmcore.transfer_syntax import get as get_syntax

__all__ = [
    "BATCH_WORKER_CONFIG",
    "WorkerCodecs",
    "check_workers",
    "current_client",
    "open_executor",
    "worker_codecs",
]

#: Dask settings for workers that run CPU-bound batch tasks: no statistical profiler
#: (it samples every thread's stack 100 times a second) and a slower event-loop tick and
#: memory check. The worker's own thread then rarely takes the GIL from the task, which
#: matters most on a busy machine. Local clusters of :func:`open_executor` use them; for
#: ``dask worker`` set ``DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED=False`` and the like.
BATCH_WORKER_CONFIG: Final[dict[str, object]] = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "500ms",
    "distributed.worker.memory.monitor-interval": "1s",
}


@dataclass(frozen=True, slots=True)
class WorkerCodecs:
    """The codecs one worker can use.

    Attributes
    ----------
    decoders, encoders : mapping of str to tuple of str
        For each transfer syntax UID, the names of the codecs the worker would use,
        first to try first (what its plugins and configuration allow).
    plugins : tuple of str
        The plugins loaded on the worker.
    """

    decoders: Mapping[str, tuple[str, ...]]
    encoders: Mapping[str, tuple[str, ...]]
    plugins: tuple[str, ...]


def _codecs_here() -> WorkerCodecs:
    """What this process can use (run on each worker by :func:`worker_codecs`).

    Codecs come in the order they would be tried; disabled and unavailable ones
    are left out, as the selection leaves them out.
    """
    syntaxes = {uid for info in (*available_decoders(), *available_encoders())
                for uid in info.transfer_syntaxes}
    found: dict[str, dict[str, tuple[str, ...]]] = {"decoder": {}, "encoder": {}}
    for kind, table in found.items():
        for uid in sorted(syntaxes):
            names = tuple(c.name for c in plan(kind, uid).codecs)
            if names:
                table[uid] = names
    plugins = tuple(sorted(p.name for p in list_plugins() if p.status == "loaded"))
    return WorkerCodecs(found["decoder"], found["encoder"], plugins)


def worker_codecs(client: Client) -> dict[str, WorkerCodecs]:
    """Ask every worker of `client`'s cluster which codecs it can use.

    Returns
    -------
    dict of str to WorkerCodecs
        By worker address.
    """
    found: dict[str, WorkerCodecs] = client.run(_codecs_here)
    return found


def _problems_here(encode: str | None, decode: tuple[str, ...], plugin: str) -> list[str]:
    """What this process lacks for a job (run on each worker by :func:`check_workers`)."""
    wanted = [("encoder", encode)] if encode else []
    wanted += [("decoder", uid) for uid in decode]
    problems = []
    for kind, uid in wanted:
        name = plugin if kind == "encoder" else ""
        try:
            found = plan(kind, uid, name)
        except PluginError as exc:
            problems.append(str(exc))
            continue
        if not found.codecs:
            ts = get_syntax(uid)
            label = ts.keyword or ts.name if ts is not None else uid
            why = "; ".join(f"{n}: {r}" for n, r in found.skipped) or "none installed"
            problems.append(f"no usable {kind} for {label} ({why})")
    return problems


def check_workers(
    client: Client,
    *,
    encode: str | None = None,
    decode: Iterable[str] = (),
    plugin: str | None = None,
) -> None:
    """Raise once, naming the workers, if any worker lacks a codec the job needs.

    Each worker finds plugins through its own environment (installed
    distributions, ``dcmcore.toml``, ``DCMCORE_*`` variables), so a cluster
    may be uneven; this asks every worker before any file is touched.

    Parameters
    ----------
    client : distributed.Client
        The cluster.
    encode : str, optional
        The transfer syntax (UID or keyword) outputs are encoded in.
    decode : iterable of str
        Transfer syntaxes inputs must be decoded from.
    plugin : str, optional
        The codec, plugin or distribution asked for to encode.

    Raises
    ------
    PluginError
        Listing each problem once with the workers that have it.
    """
    found = client.run(_problems_here, encode, tuple(decode), plugin or "")
    by_problem: dict[str, list[str]] = {}
    for worker, problems in sorted(found.items()):
        for p in problems:
            by_problem.setdefault(p, []).append(worker)
    if by_problem:
        lines = [f"{p} on {len(w)} of {len(found)} workers: {', '.join(w)}"
                 for p, w in by_problem.items()]
        raise PluginError(
            "the cluster cannot run this job (give every worker the same plugins and "
            "dcmcore.toml): " + "; ".join(lines)
        )


def current_client() -> Client | None:
    """The distributed client Dask computations use now, or None (local schedulers)."""
    try:
        return default_client()
    except ValueError:
        return None


@contextmanager
def open_executor(
    scheduler: str | None = None,
    workers: int | None = None,
    *,
    encode: str | None = None,
    plugin: str | None = None,
) -> Iterator[Executor]:
    """A :class:`concurrent.futures.Executor` whose tasks run on a Dask cluster.

    Parameters
    ----------
    scheduler : str, optional
        The address of a running scheduler (``tcp://host:8786``) or a
        scheduler file path (ends in ``.json``); None or ``"local"`` starts a
        ``LocalCluster`` of `workers` processes (one thread each) for the
        ``with`` block and stops it after (with :data:`BATCH_WORKER_CONFIG`).
    workers : int, optional
        Worker processes of a local cluster (default: the CPU count).
    encode, plugin : str, optional
        When given, every worker is first asked whether it can encode in
        this syntax (with this plugin): see :func:`check_workers`.

    Yields
    ------
    concurrent.futures.Executor
        Submits with ``pure=False`` (every call runs); pass it to
        :func:`dcmcore.transcode.run_jobs`. The client is the default one
        inside the block, so Dask collections computed there use the cluster.

    Raises
    ------
    PluginError
        A worker lacks the codec asked for with `encode` / `plugin`.

    Examples
    --------
    >>> from dcmcore.dask import open_executor
    >>> from dcmcore.transcode import find_jobs, run_jobs
    >>> with open_executor(workers=2) as ex:                       # doctest: +SKIP
    ...     results = list(run_jobs(find_jobs(["in"], "out"), "RLELossless", executor=ex))
    """
    cluster: LocalCluster | None = None
    if scheduler in (None, "local"):
        with dask.config.set(BATCH_WORKER_CONFIG):  # the nannies pass it to their workers
            cluster = LocalCluster(
                n_workers=workers or os.cpu_count() or 1,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
            )
        client = Client(cluster)
    elif scheduler is not None and scheduler.endswith(".json"):
        client = Client(scheduler_file=scheduler)
    else:
        client = Client(scheduler)
    try:
        if encode is not None:
            check_workers(client, encode=encode, plugin=plugin)
        executor = client.get_executor(pure=False)
        with client.as_current():
            yield executor
        executor.shutdown(wait=False)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
