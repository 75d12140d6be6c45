"""Codec plugins: dcmcore vs pydicom vs the raw codec call, on the same multi-frame files.

For each workload the script makes a multi-frame file (100 frames by default) with a real
encoder, then, in one process and interleaved, times:

- ``raw``: the codec library called directly on each frame's bytes (what a decode cannot
  beat: dcmcore's plugin calls this and adds frame extraction and shaping);
- ``dcmcore``: ``dcmcore.pixels.pixel_array(path, decoding_plugin=NAME)``;
- ``pydicom``: ``pydicom.pixels.pixel_array(path, decoding_plugin=BACKEND)``;
- ``dcmcore x2``: the same with ``workers=2`` (threads when the codec releases the GIL,
  else processes).

It checks that dcmcore's and pydicom's arrays agree (equal for lossless data, within the
decoders' rounding for lossy JPEG) and prints, per workload, the best of ``--repeat`` runs:
``dcmcore/raw`` (target <= 1.10), ``pydicom/dcmcore`` (target >= 1.0; >= 2 for colour
JPEG) and ``seq/x2`` (target >= 1.6 on 2 cores).

Run: .venv/bin/python tools/bench/bench_codecs.py [--frames 100] [--repeat 5] [--only jpeg]
"""

from __future__ import annotations

import argparse
import io
import tempfile
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import dcmcore
import dcmcore.codecs
from dcmcore.pixels import encapsulate, generate_frames

FrameDecoder = Callable[[bytes], np.ndarray]


@dataclass
class Workload:
    """One multi-frame file and the decoders to compare on it."""

    name: str
    path: Path
    plugin: str              # dcmcore decoding_plugin
    backend: str             # pydicom decoding_plugin
    raw: FrameDecoder | None  # the codec library's own call on one frame
    lossy_bound: int = 0     # largest |dcmcore - pydicom| accepted


def phantom(frames: int, rows: int, columns: int, bits: int, seed: int = 0) -> np.ndarray:
    """Smooth anatomy-like discs with noise, ``bits`` stored, uint16 (frames, rows, cols)."""
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


def colour_phantom(frames: int, rows: int, columns: int, seed: int = 1) -> np.ndarray:
    """RGB frames (frames, rows, cols, 3) uint8 with smooth colour regions and noise."""
    grey = phantom(frames, rows, columns, 8, seed).astype(np.int16)
    y = np.linspace(0, 60, rows, dtype=np.float32)[None, :, None]
    rgb = np.stack([grey + y, grey, grey - y], axis=-1)
    return np.clip(rgb, 0, 255).astype(np.uint8)


def write_file(folder: Path, name: str, frames: list[bytes], *, rows: int, columns: int,
               samples: int, bits_allocated: int, bits_stored: int, photometric: str,
               syntax: str) -> Path:
    """Write an encapsulated multi-frame Secondary Capture file with dcmcore."""
    ds = dcmcore.Dataset()
    ds.file_meta = dcmcore.FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = syntax
    ds.file_meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.7.2"
    ds.file_meta.MediaStorageSOPInstanceUID = dcmcore.uid.generate_uid()
    ds.SOPClassUID = ds.file_meta.MediaStorageSOPClassUID
    ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID
    ds.Modality = "OT"
    ds.Rows, ds.Columns, ds.SamplesPerPixel = rows, columns, samples
    ds.BitsAllocated, ds.BitsStored, ds.HighBit = bits_allocated, bits_stored, bits_stored - 1
    ds.PixelRepresentation = 0
    ds.PhotometricInterpretation = photometric
    if samples == 3:
        ds.PlanarConfiguration = 0
    ds.NumberOfFrames = len(frames)
    ds.PixelData = encapsulate(frames)
    ds["PixelData"].VR = "OB"
    path = folder / f"{name}.dcm"
    ds.save_as(path, enforce_file_format=True)
    return path


def _jpeg_frame(arr: np.ndarray, quality: int = 90) -> bytes:
    from PIL import Image  # benchmark-only dependency

    buf = io.BytesIO()
    if arr.ndim == 3:  # RGB in, YCbCr 4:2:2 out (Pillow's subsampling=1)
        Image.fromarray(arr, "RGB").save(buf, "JPEG", quality=quality, subsampling=1)
    else:
        Image.fromarray(arr, "L").save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def _raw_pillow(data: bytes) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(data)))


def _raw_jpegls(data: bytes) -> np.ndarray:
    import jpeg_ls

    return jpeg_ls.decode_from_buffer(data)


def _raw_openjpeg(data: bytes) -> np.ndarray:
    import openjpeg

    return openjpeg.decode(data)


def _raw_libjpeg(data: bytes) -> np.ndarray:
    import libjpeg

    return libjpeg.decode(data)


def _compressed_frames(grey: np.ndarray, syntax: str, plugin: str) -> list[bytes]:
    """Frames encoded by a dcmcore encoder (for syntaxes no library here writes directly)."""
    ds = dcmcore.Dataset()
    ds.file_meta = dcmcore.FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = "1.2.840.10008.1.2.1"
    ds.set_pixel_data(grey, "MONOCHROME2", 12)
    ds.compress(syntax, encoding_plugin=plugin)
    return list(generate_frames(ds.PixelData, number_of_frames=len(grey)))


def _raw_rle(rows: int, columns: int) -> FrameDecoder:
    from dcmcore_rle.rle import decode_frame

    return lambda data: decode_frame(data, rows, columns, 1, 16)


def make_workloads(folder: Path, frames: int, only: str) -> list[Workload]:
    """Encode the test images and return the workloads whose plugins are installed."""
    import jpeg_ls
    import openjpeg

    installed = {c.name for c in dcmcore.codecs.available_decoders() if c.available}
    grey16 = phantom(frames, 512, 512, 12)
    out: list[Workload] = []

    def want(name: str, plugin: str) -> bool:
        return (not only or only in name) and plugin in installed

    if want("rle 512x512x16", "rle"):
        from dcmcore_rle.rle import encode_frame

        data = [encode_frame(f, 512, 512, 1, 16) for f in grey16]
        path = write_file(folder, "rle", data, rows=512, columns=512, samples=1,
                          bits_allocated=16, bits_stored=12, photometric="MONOCHROME2",
                          syntax="1.2.840.10008.1.2.5")
        out.append(Workload("rle 512x512x16", path, "rle", "pydicom", _raw_rle(512, 512)))
    if want("jpeg-ls 512x512x16", "pyjpegls"):
        data = [bytes(jpeg_ls.encode_array(f.astype(np.uint16))) for f in grey16]
        path = write_file(folder, "jpegls", data, rows=512, columns=512, samples=1,
                          bits_allocated=16, bits_stored=12, photometric="MONOCHROME2",
                          syntax="1.2.840.10008.1.2.4.80")
        out.append(Workload("jpeg-ls 512x512x16", path, "pyjpegls", "pyjpegls", _raw_jpegls))
    if want("j2k 512x512x16", "openjpeg"):
        data = [bytes(openjpeg.encode(f, bits_stored=12, photometric_interpretation=2))
                for f in grey16]
        path = write_file(folder, "j2k", data, rows=512, columns=512, samples=1,
                          bits_allocated=16, bits_stored=12, photometric="MONOCHROME2",
                          syntax="1.2.840.10008.1.2.4.90")
        out.append(Workload("j2k 512x512x16", path, "openjpeg", "pylibjpeg", _raw_openjpeg))
    if want("j2k 512x512x16 gdcm", "gdcm"):
        j2k = [bytes(openjpeg.encode(f, bits_stored=12, photometric_interpretation=2))
               for f in grey16]
        path = write_file(folder, "j2k_gdcm", j2k, rows=512, columns=512, samples=1,
                          bits_allocated=16, bits_stored=12, photometric="MONOCHROME2",
                          syntax="1.2.840.10008.1.2.4.90")
        out.append(Workload("j2k 512x512x16 gdcm", path, "gdcm", "gdcm", None))
    if want("jpeg-lossless 512x512x16", "pylibjpeg-libjpeg") and "gdcm" in installed:
        data = _compressed_frames(grey16, "1.2.840.10008.1.2.4.70", "gdcm")
        path = write_file(folder, "jpeg_lossless", data, rows=512, columns=512, samples=1,
                          bits_allocated=16, bits_stored=12, photometric="MONOCHROME2",
                          syntax="1.2.840.10008.1.2.4.70")
        out.append(Workload("jpeg-lossless 512x512x16", path, "pylibjpeg-libjpeg",
                            "pylibjpeg", _raw_libjpeg))
    if want("jpeg 640x480 ybr422", "pillow"):
        rgb = colour_phantom(frames, 480, 640)
        data = [_jpeg_frame(f) for f in rgb]
        path = write_file(folder, "jpeg_colour", data, rows=480, columns=640, samples=3,
                          bits_allocated=8, bits_stored=8, photometric="YBR_FULL_422",
                          syntax="1.2.840.10008.1.2.4.50")
        out.append(Workload("jpeg 640x480 ybr422", path, "pillow", "pylibjpeg", _raw_pillow,
                            lossy_bound=4))
        out.append(Workload("jpeg 640x480 ybr422", path, "pillow", "pillow", _raw_pillow,
                            lossy_bound=4))
    if want("jpeg 512x512 grey", "pillow"):
        grey8 = (grey16 >> 4).astype(np.uint8)
        data = [_jpeg_frame(f) for f in grey8]
        path = write_file(folder, "jpeg_grey", data, rows=512, columns=512, samples=1,
                          bits_allocated=8, bits_stored=8, photometric="MONOCHROME2",
                          syntax="1.2.840.10008.1.2.4.50")
        out.append(Workload("jpeg 512x512 grey", path, "pillow", "pylibjpeg", _raw_pillow,
                            lossy_bound=2))
    return out


def best_of(n: int, fn: Callable[[], object]) -> float:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def run(work: Workload, repeat: int) -> dict[str, float]:
    """Time one workload; check dcmcore against pydicom first."""
    import pydicom.pixels

    ds = dcmcore.dcmread(work.path)
    frames = list(generate_frames(ds.PixelData, number_of_frames=ds.NumberOfFrames))
    mine = dcmcore.pixels.pixel_array(str(work.path), decoding_plugin=work.plugin)
    theirs = pydicom.pixels.pixel_array(str(work.path), decoding_plugin=work.backend)
    diff = np.abs(mine.astype(np.int32) - theirs.astype(np.int32)).max()
    if mine.shape != theirs.shape or diff > work.lossy_bound:
        raise SystemExit(f"{work.name}: dcmcore and pydicom disagree (shape {mine.shape} vs "
                         f"{theirs.shape}, max difference {diff})")
    two = dcmcore.pixels.pixel_array(str(work.path), decoding_plugin=work.plugin, workers=2)
    if not np.array_equal(two, mine):
        raise SystemExit(f"{work.name}: workers=2 gives a different array")
    timings: dict[str, list[float]] = {"raw": [], "dcmcore": [], "pydicom": [], "x2": []}
    for _ in range(repeat):  # interleaved so that host noise hits every variant alike
        if work.raw is not None:
            timings["raw"].append(best_of(1, lambda: [work.raw(f) for f in frames]))  # type: ignore[misc]
        timings["dcmcore"].append(best_of(1, lambda: dcmcore.pixels.pixel_array(
            str(work.path), decoding_plugin=work.plugin)))
        timings["pydicom"].append(best_of(1, lambda: pydicom.pixels.pixel_array(
            str(work.path), decoding_plugin=work.backend)))
        timings["x2"].append(best_of(1, lambda: dcmcore.pixels.pixel_array(
            str(work.path), decoding_plugin=work.plugin, workers=2)))
    return {k: min(v) if v else float("nan") for k, v in timings.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", default="", help="run the workloads whose name has this")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    with tempfile.TemporaryDirectory() as tmp:
        works = make_workloads(Path(tmp), args.frames, args.only)
        print(f"{'workload':22} {'raw s':>7} {'dcmcore s':>9} {'pydicom s':>9} {'x2 s':>7}"
              f" {'dcm/raw':>8} {'pyd/dcm':>8} {'seq/x2':>7}  plugin / pydicom backend")
        for work in works:
            t = run(work, args.repeat)
            print(f"{work.name:22} {t['raw']:7.3f} {t['dcmcore']:9.3f} {t['pydicom']:9.3f} "
                  f"{t['x2']:7.3f} {t['dcmcore'] / t['raw']:8.2f} "
                  f"{t['pydicom'] / t['dcmcore']:8.2f} {t['dcmcore'] / t['x2']:7.2f}  "
                  f"{work.plugin} / {work.backend}")
    dcmcore.pixels.parallel.shutdown_pools()


if __name__ == "__main__":
    main()
