"""Benchmark of the dcmcore-openjpeg decoder (the figures in README.md).

Run from the repository root:  .venv/bin/python plugins/dcmcore-openjpeg/bench_openjpeg.py

1. Decode time per file through the whole pipeline: dcmcore with ``decoding_plugin="openjpeg"``
   against pydicom 3 with its ``pylibjpeg`` (same openjpeg library) and ``gdcm`` backends, on
   pydicom's JPEG 2000 corpus files and a 16-frame 512x512 CT-like stack encoded here.
2. Threads: the stack's frames decoded by pylibjpeg-openjpeg in 1 thread vs 2 threads.
3. HTJ2K vs JPEG 2000: the HTJ2K test codestream (OpenJPH, tests/data) against the same
   image encoded as JPEG 2000 by openjpeg, raw library decode time.

Every timing is the best of several runs (the machine is shared). Arrays are checked equal
before timing.
"""

from __future__ import annotations

import io
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pydicom
from openjpeg.utils import decode_pixel_data, encode_array
from pydicom.data import get_testdata_file

import dcmcore
from dcmcore.pixels import encapsulate

HERE = Path(__file__).parent
FILES = ["MR_small_jp2klossless.dcm", "693_J2KI.dcm", "J2K_pixelrep_mismatch.dcm",
         "examples_jpeg2k.dcm", "GDCMJ2K_TextGBR.dcm", "SC_rgb_gdcm_KY.dcm", "JPEG2000.dcm"]


def best(fn, repeat: int = 5, number: int = 1, clock=time.perf_counter) -> float:
    times = []
    for _ in range(repeat):
        t = clock()
        for _ in range(number):
            fn()
        times.append((clock() - t) / number)
    return min(times)


def cpu(fn, repeat: int = 5) -> float:
    """Best process CPU time (all threads): fairer than wall time on a loaded machine."""
    return best(fn, repeat, clock=time.process_time)


def ct_stack(frames: int = 16) -> bytes:
    """A 16-frame 512x512 int16 CT-like JPEG 2000 Lossless file (CT_small tiled + noise)."""
    ct = pydicom.dcmread(get_testdata_file("CT_small.dcm")).pixel_array
    rng = np.random.default_rng(0)
    img = np.tile(ct, (4, 4))
    encoded = [encode_array((img + rng.integers(-20, 21, img.shape)).astype(np.int16), 16, 2,
                            False) for _ in range(frames)]
    ds = dcmcore.dcmread(get_testdata_file("CT_small.dcm"))
    ds.Rows = ds.Columns = 512
    ds.NumberOfFrames = frames
    ds.PixelData = encapsulate(encoded)
    ds["PixelData"].VR = "OB"
    ds.file_meta.TransferSyntaxUID = "1.2.840.10008.1.2.4.90"
    buf = io.BytesIO()
    ds.save_as(buf)
    return buf.getvalue()


def _other_dcmcore_decoders() -> list[str]:
    """Names of the other installed dcmcore decoders of JPEG 2000 Lossless."""
    from dcmcore.codecs import selection

    try:
        found = selection.decoders_for("1.2.840.10008.1.2.4.90")
    except Exception:  # noqa: BLE001 - none installed
        return []
    return [d.name for d in found if d.name != "openjpeg"]


def decoders(raw: bytes):
    def dcm(plugin):
        def run():
            ds = dcmcore.dcmread(io.BytesIO(raw))
            ds.pixel_array_options(decoding_plugin=plugin)
            return ds.pixel_array
        return run

    ours = dcm("openjpeg")

    def pyd(plugin):
        def run():
            ds = pydicom.dcmread(io.BytesIO(raw))
            ds.pixel_array_options(decoding_plugin=plugin)
            return ds.pixel_array
        return run

    funcs = {"dcmcore openjpeg": ours}
    funcs.update({f"dcmcore {name}": dcm(name) for name in _other_dcmcore_decoders()})
    funcs.update({"pydicom pylibjpeg": pyd("pylibjpeg"), "pydicom gdcm": pyd("gdcm")})
    return funcs


def main() -> None:
    warnings.simplefilter("ignore")
    print("1. decode time per file (best of 5), ms, wall and process CPU")
    cases = [(name, Path(get_testdata_file(name)).read_bytes()) for name in FILES]
    cases.append(("CT-like 16 x 512x512 int16", ct_stack()))
    for name, raw in cases:
        funcs = decoders(raw)
        ref = funcs["dcmcore openjpeg"]()
        row = []
        for label, fn in funcs.items():
            try:
                same = np.array_equal(fn(), ref)
                row.append(f"{label} {best(fn) * 1000:8.2f} wall {cpu(fn) * 1000:8.2f} cpu"
                           f"{'' if same else ' (DIFFERS)'}")
            except Exception as exc:  # noqa: BLE001 - report and go on
                row.append(f"{label} failed ({type(exc).__name__})")
        print(f"  {name:30s} " + " | ".join(row))

    print("2. threads: 16 frames 512x512 with pylibjpeg-openjpeg")
    ds = pydicom.dcmread(io.BytesIO(ct_stack()))
    frames = [bytes(f) for f in pydicom.encaps.generate_frames(ds.PixelData,
                                                               number_of_frames=16)]

    def decode_all(chunk):
        for f in chunk:
            decode_pixel_data(f, version=2)

    one = best(lambda: decode_all(frames), repeat=3)

    def two_threads():
        with ThreadPoolExecutor(2) as pool:
            list(pool.map(decode_all, [frames[:8], frames[8:]]))

    two = best(two_threads, repeat=3)
    print(f"  1 thread {one:.3f} s, 2 threads {two:.3f} s: speedup {one / two:.2f}x")

    print("3. HTJ2K vs JPEG 2000, same 128x128 int16 image, raw decode CPU time "
          "(best of 20 x 20)")
    ht = (HERE / "tests" / "data" / "htj2k_ct_small_lossless_rpcl.j2c").read_bytes()
    ct = pydicom.dcmread(get_testdata_file("CT_small.dcm")).pixel_array
    j2k = encode_array(ct.astype(np.int16), 16, 2, False)
    assert np.array_equal(np.frombuffer(decode_pixel_data(ht, version=2), "<i2"), ct.ravel())
    t_ht = best(lambda: decode_pixel_data(ht, version=2), 20, 20, time.process_time)
    t_j2k = best(lambda: decode_pixel_data(j2k, version=2), 20, 20, time.process_time)
    print(f"  HTJ2K {t_ht * 1000:.3f} ms ({len(ht)} bytes), JPEG 2000 {t_j2k * 1000:.3f} ms "
          f"({len(j2k)} bytes): HTJ2K {t_j2k / t_ht:.1f}x faster")


if __name__ == "__main__":
    main()
