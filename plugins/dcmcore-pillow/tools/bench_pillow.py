"""Benchmark of the pillow plugin: decode speed against pylibjpeg-libjpeg and GDCM, threads.

Workloads (8-bit JPEG Baseline, quality 90, encoded by this plugin through
``ds.compress``): ``colour`` 640x480 YBR_FULL_422 and ``grey`` 512x512 MONOCHROME2
multi-frame files, plus pydicom's ``examples_ybr_color.dcm`` (30 frames 240x320
YBR_FULL_422). Per workload, in one process, interleaved, best of ``--repeat``:

- ``codec ms/frame``: the library call alone on each frame's bytes: this plugin's
  ``decode`` (libjpeg-turbo converting YCbCr to RGB, and with ``pillow_ycbcr_to_rgb=False``
  the stored values), pylibjpeg-libjpeg's ``decode`` (stored values) and GDCM's
  ``gdcm.Image.GetBuffer`` on an in-memory image;
- ``pipeline s``: the whole array, ``dcmcore.pixels.pixel_array(path, decoding_plugin=...)``
  for this plugin (both settings) and dcmcore-pylibjpeg's "pylibjpeg-libjpeg" decoder when
  installed, and ``pydicom.pixels.pixel_array(path, decoding_plugin=...)`` for pydicom's
  pillow, pylibjpeg and gdcm backends (all give RGB for colour);
- ``threads``: this plugin with ``workers=1`` and ``workers=2`` (threads, since the
  decoder is ``thread_safe``), next to a control (sha256, which releases the GIL, in 1 and
  2 threads) showing what the host allows at that moment.

Run from the repository root:
``.venv/bin/python plugins/dcmcore-pillow/tools/bench_pillow.py [--frames 50] [--repeat 5]``
"""

from __future__ import annotations

import argparse
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
from dcmcore_pillow.plugin import PillowJPEGDecoder

import dcmcore
from dcmcore.codecs import FrameInfo
from dcmcore.pixels import generate_frames

BASELINE = "1.2.840.10008.1.2.4.50"


def _images(frames: int, rows: int, columns: int, colour: bool) -> np.ndarray:
    rng = np.random.default_rng(0)
    y, x = np.mgrid[0:rows, 0:columns].astype(np.float32)
    out = np.empty((frames, rows, columns, 3), dtype=np.uint8)
    for f in range(frames):
        r = 128 + 100 * np.sin(x / 37 + f / 5) * np.cos(y / 53)
        g = 128 + 90 * np.cos((x + y) / 61 + f / 7)
        b = 128 + 80 * np.sin(np.hypot(x - columns / 2, y - rows / 2) / 23)
        img = np.stack([r, g, b], -1) + rng.normal(0, 3, (rows, columns, 3))
        out[f] = np.clip(img, 0, 255).astype(np.uint8)
    return out if colour else out[..., 1].copy()


def _write(folder: Path, name: str, arr: np.ndarray, photometric: str) -> Path:
    from pydicom.data import get_testdata_file

    ds = dcmcore.dcmread(get_testdata_file("CT_small.dcm"))
    ds.set_pixel_data(arr, photometric, 8)
    ds.compress(BASELINE, encoding_plugin="pillow", jpeg_quality=90)
    path = folder / f"{name}.dcm"
    ds.save_as(path)
    return path


def _gdcm_decoder(rows: int, columns: int, samples: int, photometric: str
                  ) -> Callable[[bytes], bytes]:
    import gdcm

    def decode(frame: bytes) -> bytes:
        fragment = gdcm.Fragment()
        fragment.SetByteStringValue(frame)
        fragments = gdcm.SequenceOfFragments.New()
        fragments.AddFragment(fragment)
        element = gdcm.DataElement(gdcm.Tag(0x7FE0, 0x0010))
        element.SetValue(fragments.__ref__())
        image = gdcm.Image()
        image.SetNumberOfDimensions(2)
        image.SetDimensions((columns, rows, 1))
        image.SetDataElement(element)
        kind = gdcm.PhotometricInterpretation.GetPIType(photometric)
        image.SetPhotometricInterpretation(gdcm.PhotometricInterpretation(kind))
        if samples > 1:
            image.SetPlanarConfiguration(0)
        image.SetTransferSyntax(gdcm.TransferSyntax(gdcm.TransferSyntax.JPEGBaselineProcess1))
        image.SetPixelFormat(gdcm.PixelFormat(samples, 8, 8, 7, 0))
        return image.GetBuffer().encode("utf-8", "surrogateescape")

    return decode


def _best(repeat: int, jobs: dict[str, Callable[[], object]]) -> dict[str, float]:
    """Best time of each job over `repeat` interleaved rounds."""
    times: dict[str, list[float]] = {k: [] for k in jobs}
    for _ in range(repeat):
        for name, job in jobs.items():
            start = time.perf_counter()
            job()
            times[name].append(time.perf_counter() - start)
    return {k: min(v) for k, v in times.items()}


def bench(path: Path, repeat: int) -> None:
    import libjpeg
    import pydicom.pixels

    ds = dcmcore.dcmread(path)
    n = int(ds.get("NumberOfFrames", 1) or 1)
    frames = [bytes(f) for f in generate_frames(ds.PixelData, number_of_frames=n)]
    samples = int(ds.SamplesPerPixel)
    pi = str(ds.PhotometricInterpretation)
    info = FrameInfo(ds.Rows, ds.Columns, samples, 8, 8, 0, pi, 0, n, BASELINE)
    decoder = PillowJPEGDecoder()
    gdcm_decode = _gdcm_decoder(ds.Rows, ds.Columns, samples, pi)
    codec_jobs: dict[str, Callable[[], object]] = {
        "pillow": lambda: [decoder.decode(f, info) for f in frames],
        "pillow stored": lambda: [decoder.decode(f, info, pillow_ycbcr_to_rgb=False)
                                  for f in frames],
        "libjpeg stored": lambda: [libjpeg.decode(f) for f in frames],
        "gdcm": lambda: [gdcm_decode(f) for f in frames],
    }
    names = {c.name for c in dcmcore.codecs.available_decoders()}
    src = str(path)
    pipeline_jobs: dict[str, Callable[[], object]] = {
        "dcmcore pillow": lambda: dcmcore.pixels.pixel_array(src, decoding_plugin="pillow",
                                                             workers=1),
        "dcmcore pillow stored+core": lambda: dcmcore.pixels.pixel_array(
            src, decoding_plugin="pillow", pillow_ycbcr_to_rgb=False, workers=1),
    }
    if "pylibjpeg-libjpeg" in names:
        pipeline_jobs["dcmcore pylibjpeg-libjpeg"] = lambda: dcmcore.pixels.pixel_array(
            src, decoding_plugin="pylibjpeg-libjpeg", workers=1)
    for backend in ("pillow", "pylibjpeg", "gdcm"):
        pipeline_jobs[f"pydicom {backend}"] = (
            lambda b=backend: pydicom.pixels.pixel_array(src, decoding_plugin=b))
    thread_jobs: dict[str, Callable[[], object]] = {
        "workers=1": lambda: dcmcore.pixels.pixel_array(src, decoding_plugin="pillow",
                                                        workers=1),
        "workers=2": lambda: dcmcore.pixels.pixel_array(src, decoding_plugin="pillow",
                                                        workers=2),
    }
    print(f"\n{path.name}: {n} frames {ds.Rows}x{ds.Columns}x{samples} {pi}, "
          f"{sum(map(len, frames)) / n / 1024:.1f} KiB/frame")
    codec = _best(repeat, codec_jobs)
    print("  codec ms/frame: " + ", ".join(f"{k} {v / n * 1e3:.3f}" for k, v in codec.items()))
    pipe = _best(repeat, pipeline_jobs)
    mine = pipe["dcmcore pillow"]
    print("  pipeline s:     " + ", ".join(f"{k} {v:.4f} ({v / mine:.2f}x)"
                                           for k, v in pipe.items()))
    thread_jobs.update(_control_jobs())
    threads = _best(repeat, thread_jobs)
    print(f"  threads:        workers=1 {threads['workers=1']:.4f} s, workers=2 "
          f"{threads['workers=2']:.4f} s, speedup "
          f"{threads['workers=1'] / threads['workers=2']:.2f}x (control: sha256 in 2 threads "
          f"{threads['sha256 x1'] / threads['sha256 x2']:.2f}x on this machine now)")


def _control_jobs() -> dict[str, Callable[[], object]]:
    """sha256 of 16 buffers in 1 and 2 threads: the speedup the host allows right now
    (hashlib releases the GIL; a shared or loaded host gives less than 2x)."""
    import hashlib
    from concurrent.futures import ThreadPoolExecutor

    data = bytes(4 << 20)
    pool = ThreadPoolExecutor(2)

    def one() -> None:
        for _ in range(16):
            hashlib.sha256(data).digest()

    def two() -> None:
        list(pool.map(lambda _: hashlib.sha256(data).digest(), range(16)))

    return {"sha256 x1": one, "sha256 x2": two}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    from pydicom.data import get_testdata_file

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = [
            _write(folder, "colour_640x480", _images(args.frames, 480, 640, True), "RGB"),
            _write(folder, "grey_512x512", _images(args.frames, 512, 512, False),
                   "MONOCHROME2"),
            Path(get_testdata_file("examples_ybr_color.dcm")),
        ]
        for path in paths:
            bench(path, args.repeat)
    dcmcore.pixels.parallel.shutdown_pools()


if __name__ == "__main__":
    main()
