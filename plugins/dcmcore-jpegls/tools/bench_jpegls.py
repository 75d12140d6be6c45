"""Decode speed of the pyjpegls plugin vs the other JPEG-LS decoders, and its thread speedup.

Makes two multi-frame JPEG-LS Lossless files with the plugin's encoder (CharLS): 512x512
12-bit grey and 640x480 8-bit RGB, both smooth phantoms with noise. Then, interleaved
(so host noise hits every variant alike), the best of ``--repeat`` runs of:

- ``raw pyjpegls`` / ``raw libjpeg``: the codec library alone on each frame's bytes;
- ``plugin``: ``JPEGLSDecoder.decode`` on each frame (header checks included);
- ``dcmcore``: ``dcmcore.pixels.pixel_array(path, decoding_plugin="pyjpegls")``;
- ``pydicom <backend>``: ``pydicom.pixels.pixel_array(path, decoding_plugin=...)`` with
  pyjpegls, gdcm and pylibjpeg (the same pydicom overhead around three JPEG-LS codecs);
- ``2 threads``: the plugin decoding half of the frames in each of two threads, and
  ``dcmcore workers=2`` (processes, as the decoder is not thread_safe); and the largest
  CPU time / wall time of the 2-thread run (at most 1 when the GIL serialises the threads).

Every decoder's array is checked equal to the plugin's first; the variants run in a new
random order in each repeat.

Run: .venv/bin/python plugins/dcmcore-jpegls/tools/bench_jpegls.py [--frames 50] [--repeat 5]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import threading
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np

import dcmcore
from dcmcore.codecs import FrameInfo
from dcmcore.pixels import generate_frames

LOSSLESS = "1.2.840.10008.1.2.4.80"


def phantom(frames: int, rows: int, columns: int, bits: int, seed: int = 0) -> np.ndarray:
    """Smooth discs with noise, ``bits`` stored, uint16 (frames, rows, columns)."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:rows, 0:columns].astype(np.float32)
    y, x = y / rows - 0.5, x / columns - 0.5
    top = (1 << bits) - 1
    out = np.empty((frames, rows, columns), dtype=np.uint16)
    for i in range(frames):
        r = np.hypot(x, y * (1 + 0.2 * np.sin(i / 10)))
        img = top * (0.25 + 0.2 * (r < 0.4) + 0.08 * (np.hypot(x - 0.1, y) < 0.1))
        img = img + rng.normal(0, top / 200, size=img.shape)
        out[i] = np.clip(img, 0, top).astype(np.uint16)
    return out


def make_file(folder: Path, name: str, arr: np.ndarray, pi: str, bits: int) -> Path:
    """Compress `arr` with the plugin's encoder and save it as a multi-frame file."""
    from pydicom.data import get_testdata_file

    ds = dcmcore.dcmread(get_testdata_file("CT_small.dcm"))
    ds.set_pixel_data(arr, pi, bits)
    ds.compress(LOSSLESS, encoding_plugin="pyjpegls")
    path = folder / f"{name}.dcm"
    ds.save_as(path, enforce_file_format=True)
    return path


def best(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def two_threads(decode: Callable[[bytes], object], frames: list[bytes]) -> None:
    half = len(frames) // 2
    worker = threading.Thread(target=lambda: [decode(f) for f in frames[half:]])
    worker.start()
    for f in frames[:half]:
        decode(f)
    worker.join()


def run(path: Path, repeat: int) -> dict[str, float]:
    import jpeg_ls
    import libjpeg
    import pydicom.pixels
    from dcmcore_jpegls.plugin import JPEGLSDecoder

    ds = dcmcore.dcmread(path)
    frames = [bytes(f) for f in generate_frames(ds.PixelData, number_of_frames=ds.NumberOfFrames)]
    spp = int(ds.SamplesPerPixel)
    info = FrameInfo(ds.Rows, ds.Columns, spp, ds.BitsAllocated, ds.BitsStored,
                     ds.PixelRepresentation, ds.PhotometricInterpretation,
                     number_of_frames=len(frames), transfer_syntax_uid=LOSSLESS)
    decoder = JPEGLSDecoder()
    mine = dcmcore.pixels.pixel_array(str(path), decoding_plugin="pyjpegls")
    for backend in ("pyjpegls", "gdcm", "pylibjpeg"):
        theirs = pydicom.pixels.pixel_array(str(path), decoding_plugin=backend)
        if not np.array_equal(mine, theirs):
            raise SystemExit(f"{path.name}: pydicom with {backend} disagrees with the plugin")
    if not np.array_equal(mine, dcmcore.pixels.pixel_array(str(path), decoding_plugin="pyjpegls",
                                                           workers=2)):
        raise SystemExit(f"{path.name}: workers=2 gives a different array")
    variants: dict[str, Callable[[], object]] = {
        "raw pyjpegls": lambda: [jpeg_ls.decode_from_buffer(f) for f in frames],
        "raw libjpeg": lambda: [libjpeg.decode(f) for f in frames],
        "plugin": lambda: [decoder.decode(f, info) for f in frames],
        "plugin 2 threads": lambda: two_threads(lambda f: decoder.decode(f, info), frames),
        "dcmcore": lambda: dcmcore.pixels.pixel_array(str(path), decoding_plugin="pyjpegls"),
        "dcmcore workers=2": lambda: dcmcore.pixels.pixel_array(
            str(path), decoding_plugin="pyjpegls", workers=2),
        "pydicom pyjpegls": lambda: pydicom.pixels.pixel_array(str(path),
                                                               decoding_plugin="pyjpegls"),
        "pydicom gdcm": lambda: pydicom.pixels.pixel_array(str(path), decoding_plugin="gdcm"),
        "pydicom pylibjpeg": lambda: pydicom.pixels.pixel_array(str(path),
                                                                decoding_plugin="pylibjpeg"),
    }
    times: dict[str, list[float]] = {k: [] for k in variants}
    order = list(variants)
    rng = random.Random(0)
    for _ in range(repeat):
        rng.shuffle(order)  # no variant always runs after the same one
        for name in order:
            times[name].append(best(variants[name]))
    out = {k: min(v) for k, v in times.items()}
    # CPU time over wall time of the two-thread run: above 1 only if both threads ran at
    # once (the GIL released); unlike a speedup, load from other jobs cannot raise it
    ratios = []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        two_threads(lambda f: decoder.decode(f, info), frames)
        ratios.append((time.process_time() - cpu) / (time.perf_counter() - wall))
    out["cpu/wall 2 threads"] = max(ratios)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    grey = phantom(args.frames, 512, 512, 12)
    grey8 = phantom(args.frames, 480, 640, 8, seed=1).astype(np.int16)
    ramp = np.linspace(0, 60, 480, dtype=np.float32)[None, :, None]
    rgb = np.clip(np.stack([grey8 + ramp, grey8, grey8 - ramp], -1), 0, 255)
    with tempfile.TemporaryDirectory() as tmp:
        files = [
            (f"{args.frames} x 512x512 12-bit grey",
             make_file(Path(tmp), "grey", grey, "MONOCHROME2", 12)),
            (f"{args.frames} x 640x480 8-bit RGB",
             make_file(Path(tmp), "rgb", rgb.astype(np.uint8), "RGB", 8)),
        ]
        for label, path in files:
            t = run(path, args.repeat)
            print(f"{label} ({path.stat().st_size / 1e6:.1f} MB file), best of {args.repeat}:")
            ratio = t.pop("cpu/wall 2 threads")
            for name, seconds in t.items():
                print(f"  {name:20} {seconds * 1000:8.1f} ms  {seconds / t['plugin']:5.2f}x plugin")
            print(f"  largest CPU/wall time of the 2-thread run: {ratio:.2f}")
            print(f"  thread speedup (plugin / 2 threads): {t['plugin'] / t['plugin 2 threads']:.2f}x;"
                  f" process speedup (dcmcore / workers=2): "
                  f"{t['dcmcore'] / t['dcmcore workers=2']:.2f}x")
    dcmcore.pixels.parallel.shutdown_pools()


if __name__ == "__main__":
    main()
