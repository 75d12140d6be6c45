"""Benchmark the "gdcm" decoder against the other dcmcore decoders, and its threading.

Run from the repository root::

    .venv/bin/python plugins/dcmcore-gdcm/tools/bench_gdcm.py [--repeat 5] [--frames 20]

1. Decode speed, per frame, of every installed dcmcore decoder for each syntax on the
   same data, through the whole pipeline (``dcmcore.pixels.pixel_array(..., workers=1)``),
   after checking that every decoder gives the same array (lossless) or within 3
   (lossy JPEG). Data: 512 x 512 16-bit (12 stored) CT-like stacks encoded by the
   dedicated encoders, a 640 x 480 RGB stack, and pydicom's examples_ybr_color.dcm
   (30 x 240 x 320 JPEG baseline).
2. Threads: the GDCM decoder called on the frames of a stack from 1 and from 2 threads
   (``concurrent.futures.ThreadPoolExecutor``), wall time ratio.
3. Processes: the core's own parallel decode (``workers=2``) against ``workers=1``.

Timings are the best of ``--repeat`` runs (the machine is shared; best-of is the most
stable figure).
"""

from __future__ import annotations

import argparse
import io
import time
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np

import dcmcore
import dcmcore.codecs
import dcmcore.pixels
from dcmcore.codecs import FrameInfo

warnings.simplefilter("ignore")

JLS, J2K, JPEG_SV1, RLE = (
    "1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.70",
    "1.2.840.10008.1.2.5",
)
BASELINE = "1.2.840.10008.1.2.4.50"


def _corpus(name: str) -> str:
    from pydicom.data import get_testdata_file

    return str(get_testdata_file(name))


def ct_stack(frames: int, seed: int = 0) -> np.ndarray:
    """512 x 512 int16 CT-like frames (12 bits stored): CT_small tiled, plus noise."""
    base = dcmcore.dcmread(_corpus("CT_small.dcm")).pixel_array.astype(np.int32)
    tile = np.tile(base, (4, 4))
    rng = np.random.default_rng(seed)
    out = np.stack([tile + rng.integers(-20, 21, tile.shape) for _ in range(frames)])
    return np.clip(out, -2048, 2047).astype(np.int16)


def rgb_stack(frames: int, seed: int = 1) -> np.ndarray:
    """480 x 640 RGB frames: examples_jpeg2k's image plus noise."""
    base = dcmcore.dcmread(_corpus("examples_jpeg2k.dcm")).pixel_array.astype(np.int32)
    rng = np.random.default_rng(seed)
    out = np.stack([base + rng.integers(-3, 4, base.shape) for _ in range(frames)])
    return np.clip(out, 0, 255).astype(np.uint8)


def encoded(arr: np.ndarray, pi: str, bits: int, uid: str, plugin: str) -> bytes:
    ds = dcmcore.dcmread(_corpus("CT_small.dcm"))
    ds.set_pixel_data(arr, pi, bits)
    ds.compress(uid, encoding_plugin=plugin)
    buf = io.BytesIO()
    ds.save_as(buf)
    return buf.getvalue()


def decoders_for(uid: str) -> list[str]:
    return sorted(c.name for c in dcmcore.codecs.available_decoders()
                  if uid in c.transfer_syntaxes)


def best_of(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def bench_speed(cases, repeat: int) -> None:
    print(f"## decode speed (best of {repeat}, ms per frame, whole pipeline, workers=1)")
    for label, blob, uid, lossy in cases:
        frames = dcmcore.dcmread(io.BytesIO(blob)).get("NumberOfFrames", 1) or 1
        ref = dcmcore.pixels.pixel_array(io.BytesIO(blob), decoding_plugin="gdcm", workers=1)
        row = []
        for name in decoders_for(uid):
            try:
                arr = dcmcore.pixels.pixel_array(io.BytesIO(blob), decoding_plugin=name,
                                                 workers=1)
            except Exception as exc:  # noqa: BLE001 - report and go on
                row.append(f"{name}: failed ({type(exc).__name__})")
                continue
            diff = int(np.abs(arr.astype(np.int64) - ref.astype(np.int64)).max())
            assert diff <= (3 if lossy else 0), (label, name, diff)
            secs = best_of(lambda n=name, b=blob: dcmcore.pixels.pixel_array(
                io.BytesIO(b), decoding_plugin=n, workers=1), repeat)
            row.append(f"{name}: {1000 * secs / int(frames):.2f}")
        print(f"{label} ({frames} frames): " + ", ".join(row))


def bench_threads(blob: bytes, label: str, repeat: int) -> None:
    from dcmcore_gdcm.plugin import GDCMDecoder

    ds = dcmcore.dcmread(io.BytesIO(blob))
    n = int(ds.get("NumberOfFrames", 1) or 1)
    frames = [bytes(f) for f in dcmcore.pixels.generate_frames(ds.PixelData,
                                                               number_of_frames=n)]
    info = FrameInfo(int(ds.Rows), int(ds.Columns), int(ds.SamplesPerPixel),
                     int(ds.BitsAllocated), int(ds.BitsStored), int(ds.PixelRepresentation),
                     str(ds.PhotometricInterpretation), 0, n,
                     str(ds.file_meta.TransferSyntaxUID))
    dec = GDCMDecoder()

    def run(threads: int) -> None:
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(lambda f: dec.decode(f, info), frames))

    one, two = best_of(lambda: run(1), repeat), best_of(lambda: run(2), repeat)
    print(f"threads, {label}: 1 thread {1000 * one:.0f} ms, 2 threads {1000 * two:.0f} ms, "
          f"speedup {one / two:.2f}x")


def bench_processes(blob: bytes, label: str, repeat: int) -> None:
    def run(workers: int):
        return dcmcore.pixels.pixel_array(io.BytesIO(blob), decoding_plugin="gdcm",
                                          workers=workers)

    assert np.array_equal(run(1), run(2))
    one, two = best_of(lambda: run(1), repeat), best_of(lambda: run(2), repeat)
    print(f"processes (core workers), {label}: workers=1 {1000 * one:.0f} ms, workers=2 "
          f"{1000 * two:.0f} ms, speedup {one / two:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--frames", type=int, default=20)
    args = parser.parse_args()
    ct, rgb = ct_stack(args.frames), rgb_stack(max(2, args.frames // 4))
    ct_jls = encoded(ct, "MONOCHROME2", 12, JLS, "pyjpegls")
    ct_j2k = encoded(ct, "MONOCHROME2", 12, J2K, "openjpeg")
    cases = [
        ("CT 512x512 int16 JPEG-LS (pyjpegls-encoded)", ct_jls, JLS, False),
        ("CT 512x512 int16 JPEG 2000 lossless (openjpeg-encoded)", ct_j2k, J2K, False),
        ("CT 512x512 int16 JPEG lossless SV1 (gdcm-encoded)",
         encoded(ct, "MONOCHROME2", 12, JPEG_SV1, "gdcm"), JPEG_SV1, False),
        ("CT 512x512 int16 RLE (rle-encoded)", encoded(ct, "MONOCHROME2", 12, RLE, "rle"),
         RLE, False),
        ("RGB 480x640 JPEG-LS (pyjpegls-encoded)", encoded(rgb, "RGB", 8, JLS, "pyjpegls"),
         JLS, False),
        ("RGB 480x640 JPEG 2000 lossless (openjpeg-encoded)",
         encoded(rgb, "RGB", 8, J2K, "openjpeg"), J2K, False),
        ("examples_ybr_color.dcm JPEG baseline 240x320",
         open(_corpus("examples_ybr_color.dcm"), "rb").read(), BASELINE, True),
    ]
    bench_speed(cases, args.repeat)
    print("## parallelism of the gdcm decoder")
    bench_threads(ct_j2k, "CT JPEG 2000", args.repeat)
    bench_threads(ct_jls, "CT JPEG-LS", args.repeat)
    bench_processes(ct_j2k, "CT JPEG 2000", args.repeat)


if __name__ == "__main__":
    main()
