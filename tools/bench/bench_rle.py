"""Benchmark RLE Lossless: dcmcore-rle against pydicom's native codec and pylibjpeg-rle.

Makes its own data (no files needed): multi-frame 512x512 16-bit images of two kinds,

- ``ct``: a CT-like slice stack, a noisy ellipse of soft tissue (values around 1040,
  straddling the 1024 boundary as water does in CT) with a bone ring, in constant air;
- ``gradient``: smooth gradients quantised into plateaus with sparse noise, so runs of
  all lengths occur.

Runs everything in one process, checks that all decoders give the same arrays, and
prints throughput in MB/s of decoded pixel data and frames/s, and dcmcore-rle's ratio
to each other codec. pydicom is measured twice: through its public API
(``Dataset.pixel_array`` / ``Dataset.compress`` with the ``'pydicom'`` plugin) and
through its bare per-frame functions; ratios use the faster of the two.

Usage::

    .venv/bin/python tools/bench/bench_rle.py [--frames 100] [--kinds ct,gradient]
"""

from __future__ import annotations

import argparse
import time
import warnings
from collections.abc import Callable

import numpy as np
from dcmcore_rle.rle import decode_frame, encode_frame

RLE_LOSSLESS = "1.2.840.10008.1.2.5"
ROWS = COLUMNS = 512


def make_ct(frames: int, seed: int = 0) -> np.ndarray:
    """CT-like stack: noisy soft tissue and bone in constant air, uint16."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[:ROWS, :COLUMNS].astype(np.float32)
    out = np.empty((frames, ROWS, COLUMNS), dtype=np.uint16)
    for f in range(frames):
        scale = 1.0 - 0.3 * abs(f - frames / 2) / frames
        r2 = ((yy - 256) / (200 * scale)) ** 2 + ((xx - 256) / (230 * scale)) ** 2
        body = r2 < 1
        bone = (r2 > 0.8) & body
        tissue = 1040 + 25 * np.sin(xx / 40 + f / 10) + rng.normal(0, 12, (ROWS, COLUMNS))
        img = np.where(body, tissue, 24)
        img = np.where(bone, 1800 + rng.normal(0, 30, (ROWS, COLUMNS)), img)
        out[f] = img.astype(np.uint16)
    return out


def make_gradient(frames: int, seed: int = 1) -> np.ndarray:
    """Smooth gradients quantised into plateaus, with sparse noise, uint16."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[:ROWS, :COLUMNS].astype(np.float32)
    out = np.empty((frames, ROWS, COLUMNS), dtype=np.uint16)
    for f in range(frames):
        smooth = 8000 + 6000 * np.sin(xx / 90 + f / 7) * np.cos(yy / 120) + 20 * yy
        img = (smooth // 16) * 16
        speckle = rng.random((ROWS, COLUMNS)) < 0.05
        img = np.where(speckle, img + rng.integers(-40, 40, (ROWS, COLUMNS)), img)
        out[f] = img.astype(np.uint16)
    return out


def timed(func: Callable[[], object], repeat: int = 1) -> tuple[float, object]:
    """Best wall time of `repeat` runs, and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    return best, result


def pydicom_dataset(frames: list[bytes] | None, arr: np.ndarray):
    """A pydicom dataset describing `arr` (RLE frames if given, else native)."""
    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.encaps import encapsulate
    from pydicom.uid import ExplicitVRLittleEndian, RLELossless

    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.Rows, ds.Columns = ROWS, COLUMNS
    ds.SamplesPerPixel = 1
    ds.BitsAllocated = ds.BitsStored = 16
    ds.HighBit = 15
    ds.PixelRepresentation = 0
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.NumberOfFrames = len(arr)
    if frames is None:
        ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
        ds.PixelData = arr.tobytes()
        ds["PixelData"].VR = "OW"
    else:
        ds.file_meta.TransferSyntaxUID = RLELossless
        ds.PixelData = encapsulate(frames)
        ds["PixelData"].VR = "OB"
    return ds


def bench(kind: str, arr: np.ndarray) -> None:
    nframes = len(arr)
    megabytes = arr.nbytes / 1e6
    print(f"\n== {kind}: {nframes} frames {ROWS}x{COLUMNS} uint16 ({megabytes:.1f} MB decoded)")
    decode_times: dict[str, float] = {}
    encode_times: dict[str, float] = {}

    # -- encoders
    t, ours = timed(lambda: [encode_frame(f) for f in arr], repeat=3)
    encode_times["dcmcore-rle"] = t
    size = sum(map(len, ours))
    print(f"   encoded size {size / 1e6:.1f} MB (ratio {arr.nbytes / size:.2f}:1)")

    try:
        from pydicom.pixels.decoders.rle import _rle_decode_frame
        from pydicom.pixels.encoders.native import _encode_frame
        from pydicom.uid import RLELossless

        class _Runner:  # the bits of pydicom's EncodeRunner its native encoder reads
            bits_allocated, samples_per_pixel, columns = 16, 1, COLUMNS

            def get_option(self, name, default):
                return default

        t, theirs = timed(lambda: [_encode_frame(f.tobytes(), _Runner()) for f in arr])
        encode_times["pydicom (codec function)"] = t
        assert theirs == ours, "pydicom's encoder output differs"

        def pydicom_compress():
            ds = pydicom_dataset(None, arr)
            ds.compress(RLELossless, encoding_plugin="pydicom", generate_instance_uid=False)
            return ds

        encode_times["pydicom (Dataset.compress)"], _ = timed(pydicom_compress)

        t, out = timed(
            lambda: [
                np.frombuffer(_rle_decode_frame(f, ROWS, COLUMNS, 1, 16), "<u2")
                for f in ours
            ]
        )
        decode_times["pydicom (codec function)"] = t
        assert np.array_equal(np.stack(out).reshape(arr.shape), arr)
        ds = pydicom_dataset(ours, arr)

        def pydicom_pixel_array():
            ds.pixel_array_options(decoding_plugin="pydicom")
            ds._pixel_array = None
            ds._pixel_id = {}
            return ds.pixel_array

        t, out = timed(pydicom_pixel_array)
        decode_times["pydicom (Dataset.pixel_array)"] = t
        assert np.array_equal(out, arr)
    except ImportError as exc:
        print(f"   pydicom not available: {exc}")

    try:
        from rle.utils import decode_pixel_data, encode_pixel_data

        t, theirs = timed(
            lambda: [
                encode_pixel_data(
                    f.tobytes(), rows=ROWS, columns=COLUMNS, samples_per_pixel=1,
                    bits_allocated=16, byteorder="<",
                )
                for f in arr
            ],
            repeat=3,
        )
        encode_times["pylibjpeg-rle (C++/Rust)"] = t
        t, out = timed(
            lambda: [
                decode_pixel_data(f, version=2, rows=ROWS, columns=COLUMNS, bits_allocated=16)
                for f in ours
            ],
            repeat=3,
        )
        decode_times["pylibjpeg-rle (C++/Rust)"] = t
        assert np.array_equal(np.frombuffer(b"".join(out), "<u2").reshape(arr.shape), arr)
        assert all(
            np.array_equal(decode_frame(e, ROWS, COLUMNS, 1, 16), f)
            for e, f in zip(theirs, arr, strict=True)
        )
    except ImportError as exc:
        print(f"   pylibjpeg-rle not available: {exc}")

    t, out = timed(lambda: [decode_frame(f, ROWS, COLUMNS, 1, 16) for f in ours], repeat=3)
    decode_times["dcmcore-rle"] = t
    assert np.array_equal(np.stack(out), arr)

    for label, times in (("decode", decode_times), ("encode", encode_times)):
        ours_t = times["dcmcore-rle"]
        print(f"   {label}:")
        for name, t in times.items():
            ratio = "" if name == "dcmcore-rle" else f"   dcmcore-rle is {t / ours_t:5.2f}x"
            print(
                f"     {name:32s} {megabytes / t:8.1f} MB/s {nframes / t:8.1f} frames/s{ratio}"
            )
        pyd = [t for n, t in times.items() if n.startswith("pydicom")]
        if pyd:
            print(f"   -> {label}: dcmcore-rle vs pydicom (faster path): {min(pyd) / ours_t:.2f}x")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=100)
    parser.add_argument("--kinds", default="ct,gradient")
    args = parser.parse_args(argv)
    makers = {"ct": make_ct, "gradient": make_gradient}
    warnings.simplefilter("ignore")
    for kind in args.kinds.split(","):
        bench(kind, makers[kind](args.frames))


if __name__ == "__main__":
    main()
