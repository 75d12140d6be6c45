"""Fuzz the pyjpegls plugin's decoder in child processes: crashes, hangs, big allocations.

Seeds are CharLS-encoded grey (8, 12, 16-bit, lossless and NEAR 3) and RGB (8 and 16-bit,
interleave modes 0, 1, 2) frames; each case is one mutation of a seed: truncation, byte
flips anywhere or in the header, extreme SOF dimensions (with a frame description that
matches or not), inserted or deleted bytes, edits of precision / component count / NEAR /
ILV, and garbage in the scan data. The cases run in a child process limited to 1 GiB of
address space; the parent restarts the child past any case that kills it (crash) or
keeps it busy over ``--stall`` seconds, 30 by default (hang), and reports those cases.
Every other outcome must be an array or a JPEGLSPixelDataError; anything else is counted
under its exception name.

Run: .venv/bin/python plugins/dcmcore-jpegls/tools/fuzz_jpegls.py [--cases 4000] [--seed 1]
"""

from __future__ import annotations

import argparse
import collections
import os
import pickle
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator

import numpy as np

Case = tuple[bytes, int, int, int, int, int]  # data, rows, columns, samples, allocated, stored


def seeds() -> list[Case]:
    import jpeg_ls

    rng = np.random.default_rng(1)
    out: list[Case] = []

    def add(arr: np.ndarray, bits: int, spp: int, near: int = 0, ilv: int = 0) -> None:
        src = arr.astype("<u1" if bits <= 8 else "<u2")
        if spp == 3 and ilv == 0:
            src = np.ascontiguousarray(src.transpose(2, 0, 1))
        data = bytes(jpeg_ls.encode_buffer(src.tobytes(), arr.shape[0], arr.shape[1], spp,
                                           bits, near, ilv))
        out.append((data, arr.shape[0], arr.shape[1], spp, 8 if bits <= 8 else 16, bits))

    y, x = np.mgrid[0:24, 0:20]
    smooth = x * 7 + y * 3
    add(smooth % 256, 8, 1)
    add((smooth * 40 + rng.integers(0, 50, smooth.shape)) % 4096, 12, 1)
    add(rng.integers(0, 65536, (24, 20)), 16, 1, near=3)
    rgb = np.stack([smooth % 256, (smooth * 2) % 256, rng.integers(0, 256, smooth.shape)], -1)
    for ilv in (0, 1, 2):
        add(rgb, 8, 3, ilv=ilv)
        add(rgb * 200, 16, 3, near=2, ilv=ilv)
    return out


def mutations(seed_list: list[Case], n: int, rng: np.random.Generator) -> Iterator[Case]:
    for _ in range(n):
        data, rows, cols, spp, ba, bs = seed_list[rng.integers(len(seed_list))]
        b = bytearray(data)
        kind = rng.integers(0, 8)
        if kind == 0:  # truncate
            b = b[: rng.integers(0, len(b))]
        elif kind == 1:  # flip bytes anywhere
            for _ in range(rng.integers(1, 6)):
                b[rng.integers(len(b))] = rng.integers(0, 256)
        elif kind == 2:  # flip header bytes
            for _ in range(rng.integers(1, 4)):
                b[rng.integers(min(len(b), 60))] = rng.integers(0, 256)
        elif kind == 3:  # extreme dimensions, the frame description following or not
            p = b.find(b"\xff\xf7")
            y = int(rng.choice([0, 1, 2, 65535, 30000]))
            x = int(rng.choice([0, 1, 3, 65535, 40000]))
            b[p + 5 : p + 9] = y.to_bytes(2, "big") + x.to_bytes(2, "big")
            if rng.integers(2):
                rows, cols = max(y, 1), max(x, 1)
        elif kind == 4:  # insert bytes
            p = rng.integers(len(b))
            b[p:p] = rng.integers(0, 256, rng.integers(1, 20), dtype=np.uint8).tobytes()
        elif kind == 5:  # delete bytes
            p = rng.integers(len(b))
            del b[p : p + rng.integers(1, 30)]
        elif kind == 6:  # precision, component count, NEAR or ILV
            p, s = b.find(b"\xff\xf7"), b.find(b"\xff\xda")
            which = rng.integers(4)
            if which == 0:
                b[p + 4] = rng.integers(0, 256)
            elif which == 1:
                b[p + 9] = rng.integers(0, 256)
            elif s > 0:
                b[s + 5 + 2 * b[s + 4] + (which == 3)] = rng.integers(0, 256)
        else:  # garbage in the scan data
            s = b.find(b"\xff\xda")
            for _ in range(rng.integers(1, 40)):
                b[rng.integers(s + 10 if s > 0 else 0, len(b))] = rng.integers(0, 256)
        yield bytes(b), rows, cols, spp, ba, bs


def child(path: str, progress: str) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
    from dcmcore_jpegls.plugin import JPEGLSDecoder

    from dcmcore.codecs import FrameInfo

    warnings.simplefilter("ignore")
    decoder = JPEGLSDecoder()
    with open(path, "rb") as f:
        cases = pickle.load(f)
    with open(progress) as f:
        start = int(f.read() or 0)
    outcomes: collections.Counter[str] = collections.Counter()
    for i in range(start, len(cases)):
        _write(progress, i)
        data, rows, cols, spp, ba, bs = cases[i]
        info = FrameInfo(rows, cols, spp, ba, bs, 0, "RGB" if spp == 3 else "MONOCHROME2",
                         transfer_syntax_uid="1.2.840.10008.1.2.4.81")
        try:
            decoder.decode(data, info)
            outcomes["decoded"] += 1
        except Exception as exc:  # noqa: BLE001 - counted by kind
            outcomes[type(exc).__name__] += 1
    _write(progress, len(cases))
    print(f"cases {start} to {len(cases) - 1} (since the last restart): {dict(outcomes)}")


def _write(progress: str, value: int) -> None:
    with open(progress + ".tmp", "w") as f:
        f.write(str(value))
    os.replace(progress + ".tmp", progress)  # atomic: the parent never reads a partial file


def _read(progress: str) -> int:
    with open(progress) as f:
        return int(f.read())


def _run_child(path: str, progress: str, stall: float) -> tuple[int | None, str]:
    """Run the child until it exits or one case takes longer than `stall` seconds."""
    proc = subprocess.Popen([sys.executable, __file__, path, progress],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    last, since = _read(progress), time.monotonic()
    while proc.poll() is None:
        time.sleep(0.2)
        now = _read(progress)
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since > stall:
            proc.kill()
            proc.wait()
            return None, ""
    out = proc.stdout.read() if proc.stdout else ""
    return proc.returncode, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--stall", type=float, default=30.0,
                        help="seconds one case may take before it counts as a hang")
    parser.add_argument("child", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    cases = list(mutations(seeds(), args.cases, np.random.default_rng(args.seed)))
    with tempfile.TemporaryDirectory() as tmp:
        path, progress = os.path.join(tmp, "cases.pkl"), os.path.join(tmp, "progress")
        with open(path, "wb") as f:
            pickle.dump(cases, f)
        _write(progress, 0)
        bad: list[tuple[str, int]] = []
        while True:
            code, out = _run_child(path, progress, stall=args.stall)
            done = _read(progress)
            if code == 0 and done >= len(cases):
                print(f"{len(cases)} cases; {out.strip()}")
                break
            bad.append(("hang" if code is None else f"exit {code}", done))
            _write(progress, done + 1)
    print(f"crashes and hangs: {bad or 'none'}")


if __name__ == "__main__":
    main()
