"""Benchmark: writing datasets, dcmcore vs pydicom.

Reads the small files (< 200 kB) of pydicom's test corpus with each library
(not timed), repeats them to a few hundred datasets, then times in one process:

1. writing each dataset as read (raw elements copied) to a BytesIO, and to a path
   (dcmcore: temporary file + rename; replacing an existing file is dominated by the
   file system's rename, e.g. ext4 flushes data on rename-over),
2. the same after touching every element (all values converted),
3. writing with another encoding (explicit VR little endian -> implicit VR),

and prints datasets per second and the dcmcore/pydicom throughput ratio.
Run: ``.venv/bin/python tools/bench/bench_writer.py [N]`` (N datasets, default 400).
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

IMPLICIT_LE = "1.2.840.10008.1.2"
EXPLICIT_LE = "1.2.840.10008.1.2.1"


def _files() -> list[Path]:
    import pydicom

    root = Path(pydicom.__file__).parent / "data" / "test_files"
    out = []
    for path in sorted(root.glob("*.dcm")):
        if path.stat().st_size > 200_000:
            continue
        try:
            ds = pydicom.dcmread(path)
            ts = ds.file_meta.get("TransferSyntaxUID")
            pydicom.dcmwrite(io.BytesIO(), ds)
        except Exception:
            continue
        if ts == EXPLICIT_LE:
            out.append(path)
    return out


def _best(fn, repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main(n: int = 400) -> None:
    import pydicom

    import dcmcore

    warnings.simplefilter("ignore")
    files = _files()
    paths = [files[i % len(files)] for i in range(n)]
    print(f"{n} datasets from {len(files)} explicit VR little endian files")

    def load(lib):
        return [lib.dcmread(p) for p in paths]

    def write_all(lib, datasets, **kw):
        def run():
            for ds in datasets:
                lib.dcmwrite(io.BytesIO(), ds, **kw)
        return run

    def touch(datasets):
        for ds in datasets:
            for _ in ds.iterall():
                pass

    rows = []
    p_ds, d_ds = load(pydicom), load(dcmcore)
    rows.append(("as read (raw copy)", _best(write_all(pydicom, p_ds)),
                 _best(write_all(dcmcore, d_ds))))
    with tempfile.TemporaryDirectory() as folder:
        target = os.path.join(folder, "out.dcm")

        def to_path(lib, datasets):
            def run():
                for ds in datasets:
                    lib.dcmwrite(target, ds)
            return run

        rows.append(("as read, over one path", _best(to_path(pydicom, p_ds)),
                     _best(to_path(dcmcore, d_ds))))
        counter = iter(range(10**9))

        def to_new_paths(lib, datasets):
            def run():
                for ds in datasets:
                    lib.dcmwrite(os.path.join(folder, f"{next(counter)}.dcm"), ds)
            return run

        rows.append(("as read, to new paths", _best(to_new_paths(pydicom, p_ds)),
                     _best(to_new_paths(dcmcore, d_ds))))
    touch(p_ds)
    touch(d_ds)
    rows.append(("all values converted", _best(write_all(pydicom, p_ds)),
                 _best(write_all(dcmcore, d_ds))))

    def to_implicit(datasets):
        for ds in datasets:
            ds.file_meta.TransferSyntaxUID = IMPLICIT_LE
        return datasets

    p_ds, d_ds = to_implicit(load(pydicom)), to_implicit(load(dcmcore))
    # the first pass converts pydicom's raw elements in place (its dataset keeps
    # them converted), so time fresh copies each time for both libraries
    rows.append(("explicit -> implicit VR", _fresh(pydicom, paths), _fresh(dcmcore, paths)))
    print(f"{'case':28s} {'pydicom/s':>10s} {'dcmcore/s':>10s} {'ratio':>6s}")
    for name, tp, td in rows:
        print(f"{name:28s} {n / tp:10.0f} {n / td:10.0f} {tp / td:6.2f}")


def _fresh(lib, paths) -> float:
    best = float("inf")
    for _ in range(3):
        datasets = [lib.dcmread(p) for p in paths]
        for ds in datasets:
            ds.file_meta.TransferSyntaxUID = IMPLICIT_LE
        t0 = time.perf_counter()
        for ds in datasets:
            lib.dcmwrite(io.BytesIO(), ds)
        best = min(best, time.perf_counter() - t0)
    return best


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 400)
