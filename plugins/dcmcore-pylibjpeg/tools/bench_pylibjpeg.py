"""Decode speed of the bridge's codecs against the other dcmcore decoders, and thread scaling.

For each workload the script makes one multi-frame file (``--frames`` frames of
``--size`` x ``--size``), then times, best of ``--repeat`` runs, one process, one worker:

- every installed dcmcore decoder for the syntax:
  ``dcmcore.pixels.pixel_array(path, decoding_plugin=NAME, workers=1)``;
- pydicom's ``pylibjpeg`` backend on the same file (the same libraries);
- ``threads``: this plugin's decoder called directly on every frame, in 1 then 2 threads,
  and ``GIL``: the longest a Python loop in the calling thread is stopped while another
  thread decodes, against one decode's duration (the evidence behind ``thread_safe``: a
  speedup needs free cores, this does not);
- with ``--encode``: ``ds.compress`` of the 12-bit file to JPEG 2000 Lossless and RLE
  Lossless with every installed encoder.

Runs are interleaved (each candidate once per round) so that the machine's other load
hits them alike; best and median per frame are printed.

Arrays are checked against the first decoder's (equal for lossless, within 10 levels for
lossy JPEG).

Run: .venv/bin/python plugins/dcmcore-pylibjpeg/tools/bench_pylibjpeg.py [--frames 20]
     [--size 512] [--repeat 5] [--only jpeg-colour] [--encode]
"""

from __future__ import annotations

import argparse
import io
import tempfile
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

import dcmcore
import dcmcore.codecs
import dcmcore.pixels

OURS = {
    "1.2.840.10008.1.2.4.50": "pylibjpeg-libjpeg", "1.2.840.10008.1.2.4.70": "pylibjpeg-libjpeg",
    "1.2.840.10008.1.2.4.80": "pylibjpeg-libjpeg", "1.2.840.10008.1.2.4.90": "pylibjpeg-openjpeg",
    "1.2.840.10008.1.2.5": "pylibjpeg-rle",
}


def _image(frames: int, size: int, bits: int, samples: int = 1) -> np.ndarray:
    """CT-like frames: smooth anatomy-ish shapes, noise, full `bits` range used."""
    rng = np.random.default_rng(0)
    y, x = np.mgrid[0:size, 0:size] / size
    out = []
    for i in range(frames):
        body = ((x - 0.5) ** 2 + (y - 0.5) ** 2 < 0.16 + 0.01 * np.sin(i)).astype(float)
        val = body * (0.4 + 0.2 * np.sin(12 * x + i) * np.cos(9 * y)) + 0.05 * rng.random(
            (size, size))
        frame = np.clip(val, 0, 1) * ((1 << bits) - 1)
        if samples == 3:
            frame = np.stack([frame, frame[::-1], frame[:, ::-1]], axis=-1)
        out.append(frame)
    return np.rint(np.stack(out)).astype(np.uint8 if bits <= 8 else np.uint16)


def _native_file(arr: np.ndarray, pi: str, bits: int, path: Path) -> None:
    ds = dcmcore.Dataset()
    ds.file_meta = dcmcore.FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = "1.2.840.10008.1.2.1"
    ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
    ds.set_pixel_data(arr, pi, bits)
    ds.save_as(path, enforce_file_format=True)


def _gdcm(src: Path, uid: str, dst: Path) -> None:
    import gdcm

    reader = gdcm.ImageReader()
    reader.SetFileName(str(src))
    assert reader.Read()
    change = gdcm.ImageChangeTransferSyntax()
    change.SetTransferSyntax(gdcm.TransferSyntax(gdcm.TransferSyntax.GetTSType(uid)))
    change.SetInput(reader.GetImage())
    assert change.Change()
    writer = gdcm.ImageWriter()
    writer.SetFileName(str(dst))
    writer.SetFile(reader.GetFile())
    writer.SetImage(change.GetOutput())
    assert writer.Write()


def _encapsulated_file(frames: list[bytes], template: Path, uid: str, pi: str, dst: Path
                       ) -> None:
    ds = dcmcore.dcmread(template)
    ds.PixelData = dcmcore.pixels.encapsulate(frames)
    ds["PixelData"].VR = "OB"
    ds.PhotometricInterpretation = pi
    ds.file_meta.TransferSyntaxUID = uid
    ds.save_as(dst)


def _pillow_jpeg(arr: np.ndarray, quality: int = 90) -> list[bytes]:
    from PIL import Image

    out = []
    for frame in arr:
        buf = io.BytesIO()
        Image.fromarray(frame).save(buf, format="JPEG", quality=quality, subsampling=1)
        out.append(buf.getvalue())
    return out


def make_workloads(tmp: Path, frames: int, size: int, only: str = ""
                   ) -> dict[str, tuple[Path, str]]:
    """{name: (path, transfer syntax UID)} of the benchmark files (only `only` if given)."""

    def wanted(name: str) -> bool:
        return not only or only == name

    work = {}
    native16 = tmp / "grey16.dcm"
    _native_file(_image(frames, size, 12), "MONOCHROME2", 12, native16)
    if wanted("jpeg-colour"):
        colour = _image(frames, size, 8, 3)
        native_rgb = tmp / "rgb8.dcm"
        _native_file(colour, "RGB", 8, native_rgb)
        path = tmp / "jpeg_colour.dcm"
        _encapsulated_file(_pillow_jpeg(colour), native_rgb, "1.2.840.10008.1.2.4.50",
                           "YBR_FULL_422", path)
        work["jpeg-colour"] = (path, "1.2.840.10008.1.2.4.50")
    if wanted("jpeg-grey"):
        grey8 = _image(frames, size, 8)
        native8 = tmp / "grey8.dcm"
        _native_file(grey8, "MONOCHROME2", 8, native8)
        path = tmp / "jpeg_grey.dcm"
        _encapsulated_file(_pillow_jpeg(grey8), native8, "1.2.840.10008.1.2.4.50",
                           "MONOCHROME2", path)
        work["jpeg-grey"] = (path, "1.2.840.10008.1.2.4.50")
    for name, uid in (("jpeg-lossless", "1.2.840.10008.1.2.4.70"),
                      ("jpeg-ls", "1.2.840.10008.1.2.4.80")):
        if wanted(name):
            path = tmp / f"{name}.dcm"
            _gdcm(native16, uid, path)
            work[name] = (path, uid)
    for name, uid in (("j2k", "1.2.840.10008.1.2.4.90"), ("rle", "1.2.840.10008.1.2.5")):
        if wanted(name):
            ds = dcmcore.dcmread(native16)
            ds.compress(uid, encoding_plugin="pylibjpeg")
            path = tmp / f"{name}.dcm"
            ds.save_as(path)
            work[name] = (path, uid)
    return work


def _rounds(runs: dict[str, object], repeat: int) -> dict[str, tuple[float, float, object]]:
    """Time every callable once per round, in turns; {name: (best s, median s, result)}."""
    times: dict[str, list[float]] = {name: [] for name in runs}
    results: dict[str, object] = {}
    for _ in range(repeat):
        for name, fn in runs.items():
            start = time.perf_counter()
            try:
                results[name] = fn()  # type: ignore[operator]
            except Exception as exc:  # noqa: BLE001 - reported
                results[name] = exc
            times[name].append(time.perf_counter() - start)
    return {n: (min(t), float(np.median(t)), results[n]) for n, t in times.items()}


def bench(name: str, path: Path, uid: str, frames: int, repeat: int) -> None:
    import pydicom

    runs: dict[str, object] = {}
    for dec in dcmcore.codecs.decoders_for(uid):
        runs[dec.name] = (lambda c=dec.name: dcmcore.pixels.pixel_array(
            path, decoding_plugin=c, workers=1))
    if name == "jpeg-colour":
        runs["pylibjpeg-libjpeg +ybr_to_rgb"] = lambda: dcmcore.pixels.pixel_array(
            path, decoding_plugin="pylibjpeg-libjpeg", workers=1, libjpeg_ybr_to_rgb=True)

    def pyd():
        ds = pydicom.dcmread(path)
        ds.pixel_array_options(decoding_plugin="pylibjpeg")
        return ds.pixel_array

    runs["pydicom pylibjpeg"] = pyd
    print(f"\n{name} ({uid}), {frames} frames, ms/frame best / median of {repeat}")
    ref = None
    for codec, (best, median, out) in _rounds(runs, repeat).items():
        if isinstance(out, Exception):
            print(f"  {codec:30s} failed: {str(out)[:70]}")
            continue
        arr = np.asarray(out)
        ref = arr if ref is None else ref
        diff = int(np.abs(arr.astype(int) - ref.astype(int)).max())
        note = "equal" if diff == 0 else f"max diff {diff}"
        print(f"  {codec:30s} {best * 1000 / frames:8.2f} {median * 1000 / frames:8.2f}  {note}")
    _threads(path, uid, repeat)


def bench_encoders(path: Path, uid: str, frames: int, repeat: int) -> None:
    """Time ds.compress(uid) from the native file with every encoder for `uid`."""
    runs: dict[str, object] = {}
    for enc in dcmcore.codecs.encoders_for(uid):
        def run(c: str = enc.name) -> None:
            ds = dcmcore.dcmread(path)
            ds.compress(uid, encoding_plugin=c)
        runs[enc.name] = run
    print(f"\nencode {uid}, {frames} frames, ms/frame best / median of {repeat}")
    for codec, (best, median, out) in _rounds(runs, repeat).items():
        state = f"failed: {out}"[:60] if isinstance(out, Exception) else ""
        print(f"  {codec:30s} {best * 1000 / frames:8.2f} {median * 1000 / frames:8.2f}  {state}")


def _threads(path: Path, uid: str, repeat: int) -> None:
    dec = next(d for d in dcmcore.codecs.all_decoders() if d.name == OURS.get(uid))
    ds = dcmcore.dcmread(path)
    count = int(ds.get("NumberOfFrames") or 1)
    frames = [bytes(f) for f in dcmcore.pixels.generate_frames(ds.PixelData,
                                                               number_of_frames=count)]
    from dcmcore.codecs import FrameInfo

    info = FrameInfo(ds.Rows, ds.Columns, ds.SamplesPerPixel, ds.BitsAllocated, ds.BitsStored,
                     ds.PixelRepresentation, str(ds.PhotometricInterpretation),
                     transfer_syntax_uid=uid)
    opts = dict(dec.options)
    with ThreadPoolExecutor(2) as pool:
        res = _rounds({
            "1": lambda: [dec.decode(f, info, **opts) for f in frames],
            "2": lambda: list(pool.map(lambda f: dec.decode(f, info, **opts), frames)),
        }, repeat)
    print(f"  threads: {dec.name} 1 thread {res['1'][0] * 1000 / len(frames):.2f} ms/frame, "
          f"2 threads speedup {res['1'][0] / res['2'][0]:.2f}x (best), "
          f"{res['1'][1] / res['2'][1]:.2f}x (median)")
    one, gap = _gil_wait(dec, frames[0], info, opts)
    print(f"  GIL: one decode {one * 1000:.1f} ms; the longest the calling thread waited "
          f"while another thread decoded: {gap * 1000:.1f} ms "
          f"({'held for the whole call' if gap > 0.5 * one else 'released'})")


def _gil_wait(dec: object, frame: bytes, info: object, opts: dict) -> tuple[float, float]:
    """(one decode's duration, longest pause of a Python loop while a thread decodes).

    A library that keeps the GIL during its C call stops every other Python thread for
    about one decode; one that releases it does not. Unlike a speedup, this does not need
    free cores, so it holds on a loaded machine.
    """
    import threading

    start = time.perf_counter()
    dec.decode(frame, info, **opts)  # type: ignore[attr-defined]
    one = time.perf_counter() - start
    done = threading.Event()

    def work() -> None:
        for _ in range(5):
            dec.decode(frame, info, **opts)  # type: ignore[attr-defined]
        done.set()

    worker = threading.Thread(target=work)
    worker.start()
    gap, last = 0.0, time.perf_counter()
    while not done.is_set():
        now = time.perf_counter()
        gap, last = max(gap, now - last), now
    worker.join()
    return one, gap


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=20)
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", default="")
    parser.add_argument("--encode", action="store_true", help="also time the encoders")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    with tempfile.TemporaryDirectory() as tmp:
        work = make_workloads(Path(tmp), args.frames, args.size, args.only)
        for name, (path, uid) in work.items():
            bench(name, path, uid, args.frames, args.repeat)
        if args.encode:
            native = Path(tmp) / "grey16.dcm"
            for uid in ("1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.5"):
                bench_encoders(native, uid, args.frames, args.repeat)


if __name__ == "__main__":
    main()
