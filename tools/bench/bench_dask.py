"""Throughput of ``dcmcore.dask.read_metadata``: 1 and 2 workers, against pydicom, and overhead.

Builds an archive of small files (copies of pydicom corpus files, each under a new
SOP Instance UID of the same length, 1,000 per folder) in a temporary folder, then
prints in one run:

- files/s of ``read_metadata(...).compute()`` on a LocalCluster of 1 and of 2 worker
  processes (one thread each), and the speed-up of 2 over 1;
- the per-worker throughput against a plain loop of
  ``pydicom.dcmread(stop_before_pixels=True)`` that fills the same columns (same
  conversions, same Arrow table), in this process;
- the scheduler's overhead: the 1-worker run against the same dcmcore code
  (``read_rows``) called in a plain loop in this process, in wall time and in CPU time
  summed over every process involved (this one, which also hosts the LocalCluster's
  scheduler, the workers and the nannies): on a shared machine the CPU figures stay
  meaningful when the wall-clock ones do not.

Each timing is the best of ``--repeat`` rounds over the warm page cache; a round runs
the four in turn (the clusters are started and their workers warmed before timing). Usage::

    .venv/bin/python tools/bench/bench_dask.py [--files 20000] [--repeat 2] [--keep DIR]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import dask
import pydicom
from distributed import Client, LocalCluster
from pydicom.data import get_testdata_file

from dcmcore.dask import BATCH_WORKER_CONFIG, DEFAULT_KEYWORDS, read_metadata
from dcmcore.dask._columns import TableSpec, table_spec
from dcmcore.dask._metadata import read_rows
from dcmcore.dask._paths import expand_paths

#: Corpus files copied (small, readable by both libraries, several syntaxes and modalities).
SOURCES = (
    "CT_small.dcm", "MR_small.dcm", "MR_small_RLE.dcm", "MR_small_bigendian.dcm",
    "MR_small_jp2klossless.dcm", "JPEG2000.dcm", "SC_rgb_rle.dcm", "rtdose_1frame.dcm",
    "ExplVR_BigEnd.dcm", "liver_1frame.dcm",
)


def build_archive(root: Path, n: int) -> list[Path]:
    """Write `n` copies of :data:`SOURCES` round robin, each with a new SOP Instance UID."""
    originals = []
    for name in SOURCES:
        path = Path(get_testdata_file(name))
        ds = pydicom.dcmread(path, stop_before_pixels=True)
        originals.append((path.read_bytes(), str(ds.SOPInstanceUID).encode()))
    out = []
    for i in range(n):
        data, uid = originals[i % len(originals)]
        suffix = str(i).encode()
        new_uid = uid[: len(uid) - len(suffix)] + suffix  # same length: no lengths change
        folder = root / f"{i // 1000:04d}"
        if i % 1000 == 0:
            folder.mkdir(parents=True)
        path = folder / f"{i:07d}.dcm"
        path.write_bytes(data.replace(uid, new_uid))
        out.append(path)
    return out


def pydicom_rows(paths: list[str], spec: TableSpec) -> object:
    """The same table as ``read_rows``, filled from ``pydicom.dcmread(stop_before_pixels=True)``."""
    data: dict[str, list[object]] = {name: [] for name in spec.names}
    for path in paths:
        error = None
        ds = None
        try:
            ds = pydicom.dcmread(path, stop_before_pixels=True)
        except Exception as exc:  # noqa: BLE001 - an error row, as read_rows
            error = str(exc)
        data["path"].append(path)
        data["size"].append(Path(path).stat().st_size)
        meta = getattr(ds, "file_meta", None)
        data["TransferSyntaxUID"].append(str(meta.TransferSyntaxUID) if meta else None)
        for col in spec.columns:
            value = None
            if ds is not None and col.tag in ds:
                value = col.convert(ds[col.tag].value)
            data[col.name].append(value)
        data["error"].append(error)
    return spec.frame(data)


def cluster_cpu(client: Client | None) -> float:
    """CPU seconds used so far by this process and the cluster's worker processes.

    (A LocalCluster's scheduler and nannies run in this process.)
    """
    total = time.process_time()
    if client is not None:
        total += sum(client.run(time.process_time).values())
    return total


def measure(fn: Callable[[], object], client: Client | None) -> tuple[float, float]:
    """Wall seconds and CPU seconds (all processes involved) of one call of `fn`."""
    cpu = cluster_cpu(client)
    start = time.perf_counter()
    fn()
    wall = time.perf_counter() - start
    return wall, cluster_cpu(client) - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--files-per-partition", type=int, default=1000)
    parser.add_argument("--dask-defaults", action="store_true",
                        help="workers with Dask's default settings instead of "
                             "dcmcore.dask.BATCH_WORKER_CONFIG (profiler on, 20 ms tick)")
    parser.add_argument("--keep", type=Path, default=None, help="build the archive here, keep it")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    root = args.keep or Path(tempfile.mkdtemp(prefix="dcmcore-bench-dask-"))
    try:
        if not any(root.iterdir()):
            start = time.perf_counter()
            build_archive(root, args.files)
            print(f"built {args.files} files in {time.perf_counter() - start:.1f} s under {root}")
        start = time.perf_counter()
        files = expand_paths(root)
        listing = time.perf_counter() - start
        n = len(files)
        print(f"{n} files; listing them: {listing:.2f} s ({n / listing:,.0f} files/s)")
        spec = table_spec(DEFAULT_KEYWORDS)
        read_rows(files, spec)  # warms the page cache
        settings = {} if args.dask_defaults else BATCH_WORKER_CONFIG
        with dask.config.set(settings), \
                LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                             dashboard_address=None) as one, \
                LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                             dashboard_address=None) as two, \
                Client(one, set_as_default=False) as c1, \
                Client(two, set_as_default=False) as c2:

            def on(client: Client) -> Callable[[], object]:
                def run() -> object:
                    with client.as_current():
                        return read_metadata(
                            root, files_per_partition=args.files_per_partition).compute()
                return run

            for client in (c1, c2):  # workers import dcmcore before timing
                with client.as_current():
                    read_metadata(files[:10]).compute()
            runs: dict[str, tuple[Callable[[], object], Client | None]] = {
                "local": (lambda: read_rows(files, spec), None),
                "pydicom": (lambda: pydicom_rows(files, spec), None),
                "dask1": (on(c1), c1),
                "dask2": (on(c2), c2),
            }
            # rounds interleave the four, so a busy moment on the shared machine hits all
            times: dict[str, list[float]] = {k: [] for k in runs}
            cpus: dict[str, list[float]] = {k: [] for k in runs}
            for _ in range(args.repeat):
                for name, (fn, client) in runs.items():
                    wall, cpu = measure(fn, client)
                    times[name].append(wall)
                    cpus[name].append(cpu)
        t = {k: min(v) for k, v in times.items()}
        c = {k: min(v) for k, v in cpus.items()}
        rate = {k: n / v for k, v in t.items()}
        load = open("/proc/loadavg").read().split()[0] if Path("/proc/loadavg").exists() else "?"
        print(f"load average (1 min) at the end: {load}")
        print(f"read_metadata, 1 worker:  {t['dask1']:.2f} s, {rate['dask1']:,.0f} files/s")
        print(f"read_metadata, 2 workers: {t['dask2']:.2f} s, {rate['dask2']:,.0f} files/s")
        print(f"2 workers / 1 worker: {rate['dask2'] / rate['dask1']:.2f}x (target >= 1.7x)")
        print(f"plain loop, pydicom.dcmread(stop_before_pixels=True) -> same columns: "
              f"{rate['pydicom']:,.0f} files/s")
        print(f"plain loop, dcmcore read_rows in this process: {rate['local']:,.0f} files/s")
        print(f"per-worker throughput vs the pydicom loop: {rate['dask1'] / rate['pydicom']:.2f}x "
              f"(target >= 2x)")
        print(f"scheduler overhead (1 worker vs the local dcmcore loop): "
              f"{t['dask1'] / t['local'] - 1:+.1%} wall (target < 15%)")
        print(f"CPU seconds (every process involved): local loop {c['local']:.2f}, pydicom loop "
              f"{c['pydicom']:.2f}, 1 worker {c['dask1']:.2f}, 2 workers {c['dask2']:.2f}")
        print(f"scheduler overhead in CPU time: 1 worker {c['dask1'] / c['local'] - 1:+.1%}, "
              f"2 workers {c['dask2'] / c['local'] - 1:+.1%}; files per CPU-second: dcmcore "
              f"{n / c['local']:,.0f}, pydicom {n / c['pydicom']:,.0f} "
              f"({c['pydicom'] / c['local']:.2f}x)")
        print(f"2 workers / 1 worker from CPU time (each worker on a free core): "
              f"{2 * c['dask1'] / c['dask2']:.2f}x")
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
