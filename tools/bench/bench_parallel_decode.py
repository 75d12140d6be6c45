"""Parallel frame decoding: sequential vs ``workers=N`` on a multi-frame RLE image.

Builds a 100-frame 512x512 16-bit image (a smooth phantom with noise, like CT),
compresses it with RLE Lossless (the dcmcore-rle plugin), then times
``dcmcore.pixels.pixel_array`` sequentially and with 2 workers (processes, since
the RLE decoder holds the GIL), checks the arrays are identical, and prints the
speedup. pydicom's own decode of the same bytes is timed too, for reference.
The workers=2 figure is for repeated decodes (pool and shared memory kept, as when a
program decodes many files); the first call and a call with fresh shared memory are
printed too.

Run: .venv/bin/python tools/bench/bench_parallel_decode.py [--frames 100] [--workers 2]
     [--repeat 3] [--start-method forkserver]
"""

from __future__ import annotations

import argparse
import io
import time
import warnings

import numpy as np


def phantom(frames: int, size: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:size, 0:size].astype(np.float32) / size - 0.5
    out = np.empty((frames, size, size), dtype=np.uint16)
    for i in range(frames):
        r = np.hypot(x, y * (1 + 0.2 * np.sin(i / 10)))
        img = 1000 + 800 * (r < 0.4) + 300 * (np.hypot(x - 0.1, y) < 0.1)
        img = img + rng.normal(0, 20, size=img.shape)
        out[i] = np.clip(img, 0, 4095).astype(np.uint16)
    return out


def best_of(n: int, fn) -> float:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def cpu_split(fn) -> tuple[float, float]:
    """CPU seconds (user + system) used by this process and by its children during fn()."""
    import resource

    s0, c0 = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    fn()
    s1, c1 = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return (s1.ru_utime + s1.ru_stime - s0.ru_utime - s0.ru_stime,
            c1.ru_utime + c1.ru_stime - c0.ru_utime - c0.ru_stime)


def _burn(n: int) -> int:
    total = 0
    for i in range(n):
        total += i
    return total


def machine_parallelism(workers: int, n: int = 4_000_000) -> float:
    """Speedup this machine gives right now to `workers` processes of pure CPU work.

    Other jobs on a shared machine take cores away; a decode speedup is only
    meaningful next to this figure (2.0 on an idle 2-core machine).
    """
    import multiprocessing as mp

    t0 = time.perf_counter()
    _burn(n * workers)
    one = time.perf_counter() - t0
    with mp.get_context("fork").Pool(workers) as pool:
        pool.map(_burn, [1000] * workers)  # start the workers first
        t0 = time.perf_counter()
        pool.map(_burn, [n] * workers)
        many = time.perf_counter() - t0
    return one / many


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--frames", type=int, default=100)
    ap.add_argument("--size", type=int, default=512)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--start-method", default=None,
                    help="fork, forkserver or spawn (default: the interpreter's)")
    args = ap.parse_args()

    import dcmcore
    import dcmcore.pixels as px
    from dcmcore.dataset import Dataset, FileMetaDataset

    dcmcore.config.settings.worker_start_method = args.start_method
    arr = phantom(args.frames, args.size)
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = "1.2.840.10008.1.2.1"
    ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.7"
    px.set_pixel_data(ds, arr, "MONOCHROME2", 12)
    ds.compress("1.2.840.10008.1.2.5")
    buf = io.BytesIO()
    ds.file_meta.MediaStorageSOPClassUID = ds.SOPClassUID
    dcmcore.dcmwrite(buf, ds, enforce_file_format=True)
    data = buf.getvalue()
    print(f"{args.frames} frames {args.size}x{args.size} 16-bit, RLE: "
          f"{len(data) / 2**20:.1f} MiB (raw {arr.nbytes / 2**20:.1f} MiB)")

    ds = dcmcore.dcmread(io.BytesIO(data))
    seq = px.pixel_array(ds)
    t0 = time.perf_counter()
    par = px.pixel_array(ds, workers=args.workers)
    t_first = time.perf_counter() - t0
    assert np.array_equal(seq, arr) and np.array_equal(par, seq) and par.dtype == seq.dtype

    import os

    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs; a pure-CPU job "
          f"runs {machine_parallelism(args.workers):.2f}x faster in {args.workers} processes "
          "than in 1 right now (2.00 = idle 2-core machine)")
    t_seq = t_par = float("inf")
    for _ in range(args.repeat):  # interleaved, so both see the same machine load
        t_seq = min(t_seq, best_of(1, lambda: px.pixel_array(ds)))
        t_par = min(t_par, best_of(1, lambda: px.pixel_array(ds, workers=args.workers)))
    from dcmcore.pixels import shared_memory

    t_fresh = float("inf")
    for _ in range(args.repeat):
        shared_memory.release()
        t_fresh = min(t_fresh, best_of(1, lambda: px.pixel_array(ds, workers=args.workers)))
    cpu_seq, _ = cpu_split(lambda: px.pixel_array(ds))
    cpu_caller, _ = cpu_split(lambda: px.pixel_array(ds, workers=args.workers))  # warm pool
    after = machine_parallelism(args.workers)
    print(f"dcmcore sequential      : {t_seq:7.3f} s   (CPU {cpu_seq:.3f} s)")
    print(f"dcmcore workers={args.workers}       : {t_par:7.3f} s   speedup {t_seq / t_par:.2f}x"
          f"   (CPU in the calling process {cpu_caller:.3f} s)")
    print(f"  first call, starting the workers: {t_first:.3f} s; with fresh shared memory "
          f"(kept arena released before each call): {t_fresh:.3f} s, "
          f"speedup {t_seq / t_fresh:.2f}x")
    print(f"pure-CPU {args.workers}-process speedup after the run: {after:.2f}x; "
          f"best-of-{args.repeat} timings interleaved sequential/parallel")
    try:
        import pydicom
    except ImportError:
        return
    ref = pydicom.dcmread(io.BytesIO(data))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")

        def pd_decode():
            ref.pixel_array_options(decoding_plugin="pydicom")
            return ref.pixel_array

        assert np.array_equal(pd_decode(), seq)
        t_pd = best_of(args.repeat, pd_decode)
    print(f"pydicom (its RLE plugin): {t_pd:7.3f} s   dcmcore sequential is {t_pd / t_seq:.2f}x, "
          f"workers={args.workers} is {t_pd / t_par:.2f}x pydicom's speed")


if __name__ == "__main__":
    main()
