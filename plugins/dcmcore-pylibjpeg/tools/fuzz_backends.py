"""Mutation test of pylibjpeg's backends, called raw and through this plugin's decoders.

Frames of pydicom's corpus (JPEG, JPEG-LS, JPEG 2000, RLE) are mutated (truncated, bits
flipped, header fields set to extremes: SOF/SIZ rows and columns, component counts,
precision, DNL height 0, tile sizes, RLE segment counts and offsets) and decoded in a
child process with a memory limit, once by the library itself (``raw``: what the
header checks protect) and once by the plugin's decoder (``plugin``).

Outcomes: ``decoded``, ``error`` (a Python exception: for ``plugin`` it must be a
``PixelDataError``, else it counts as ``foreign``), ``crash`` (the child died),
``hang`` (over ``--timeout`` s), ``memory`` (MemoryError or the limit hit).
Prints a table per backend and mode and lists every non-``decoded``/``error`` raw case
the plugin turned into an error; exits 1 if the plugin had any crash, hang, memory or
foreign outcome.

Run: .venv/bin/python plugins/dcmcore-pylibjpeg/tools/fuzz_backends.py [--per-frame 30]
"""

from __future__ import annotations

import argparse
import collections
import io
import json
import random
import resource
import select
import subprocess
import sys
import warnings
from pathlib import Path

MEMORY_LIMIT = 2 * 1024**3
FILES = {
    "libjpeg": ["SC_rgb_jpeg_dcmtk.dcm", "SC_rgb_dcmtk_+eb+cy+np.dcm", "JPGExtended.dcm",
                "SC_rgb_jpeg_gdcm.dcm", "SC_jpeg_no_color_transform.dcm"],
    "libjpeg-jls": ["MR_small_jpeg_ls_lossless.dcm", "JPEGLSNearLossless_16.dcm",
                    "SC_rgb_jls_lossy_line.dcm", "SC_rgb_jls_lossy_sample.dcm"],
    "openjpeg": ["MR_small_jp2klossless.dcm", "693_J2KI.dcm", "GDCMJ2K_TextGBR.dcm",
                 "SC_rgb_gdcm_KY.dcm"],
    "rle": ["MR_small_RLE.dcm", "SC_rgb_rle_16bit.dcm", "rtdose_rle_1frame.dcm"],
}
DECODER = {"libjpeg": "LibjpegDecoder", "libjpeg-jls": "LibjpegDecoder",
           "openjpeg": "OpenJpegDecoder", "rle": "RLEDecoder"}
MUTATIONS = ("truncate", "flip", "flip_header", "extreme16", "sof_dnl", "sof_huge",
             "precision", "components", "j2k_tiles", "j2k_size", "rle_segments",
             "rle_offsets", "empty")


def _frame_and_info(name: str) -> tuple[bytes, dict]:
    import pydicom
    from pydicom.data import get_testdata_file
    from pydicom.encaps import generate_frames

    ds = pydicom.dcmread(get_testdata_file(name))
    frames = int(ds.get("NumberOfFrames", 1) or 1)
    frame = next(generate_frames(ds.PixelData, number_of_frames=frames))
    info = dict(rows=ds.Rows, columns=ds.Columns, samples_per_pixel=ds.SamplesPerPixel,
                bits_allocated=ds.BitsAllocated, bits_stored=ds.BitsStored,
                pixel_representation=ds.PixelRepresentation,
                photometric_interpretation=str(ds.PhotometricInterpretation),
                planar_configuration=int(ds.get("PlanarConfiguration", 0) or 0),
                transfer_syntax_uid=str(ds.file_meta.TransferSyntaxUID))
    return bytes(frame), info


def _find(data: bytearray, marker: bytes) -> int:
    return data.find(marker)


def mutate(frame: bytes, mutation: str, rng: random.Random) -> bytes:
    """Return `frame` after one mutation (kinds that do not apply flip a header byte)."""
    data = bytearray(frame)
    sof = next((i for i in range(2, min(len(data), 4096) - 1) if data[i] == 0xFF
                and (data[i + 1] in (0xC0, 0xC1, 0xC3, 0xF7))), -1)
    siz = _find(data, b"\xff\x51")
    if mutation == "truncate":
        return bytes(data[: rng.randrange(0, max(len(data), 1))])
    if mutation == "empty":
        return b""
    if mutation == "flip":
        for _ in range(rng.randrange(1, 16)):
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        return bytes(data)
    if mutation == "extreme16":
        pos = rng.randrange(0, max(min(len(data), 256) - 1, 1))
        data[pos:pos + 2] = rng.choice([b"\x00\x00", b"\x00\x01", b"\xff\xff"])
        return bytes(data)
    if mutation == "sof_dnl" and sof > 0:
        data[sof + 5:sof + 7] = b"\x00\x00"
        return bytes(data)
    if mutation == "sof_huge" and sof > 0:
        data[sof + 5:sof + 9] = rng.choice([b"\xff\xff\xff\xff", b"\xff\xff\x00\x10",
                                            b"\x00\x10\xff\xff"])
        return bytes(data)
    if mutation == "precision" and sof > 0:
        data[sof + 4] = rng.choice([0, 1, 7, 9, 12, 17, 255])
        return bytes(data)
    if mutation == "components" and sof > 0:
        data[sof + 9] = rng.choice([0, 2, 4, 255])
        return bytes(data)
    if mutation == "components" and siz >= 0:
        data[siz + 38:siz + 40] = rng.choice([b"\x00\x00", b"\x00\x04", b"\x40\x00"])
        return bytes(data)
    if mutation == "precision" and siz >= 0:
        data[siz + 40] = rng.choice([0x0F, 0x1F, 0x25, 0x7F, 0xFF])
        return bytes(data)
    if mutation == "j2k_tiles" and siz >= 0:
        data[siz + 22:siz + 30] = rng.choice([b"\x00\x00\x00\x01" * 2, b"\x00" * 8,
                                              b"\x00\x00\x00\x02" * 2])
        return bytes(data)
    if mutation in ("j2k_size", "sof_huge") and siz >= 0:
        data[siz + 6:siz + 14] = rng.choice([b"\xff\xff\xff\xff" * 2, b"\x00\x01\x00\x00" * 2,
                                             b"\x00" * 8])
        return bytes(data)
    if mutation == "rle_segments" and frame[:1] != b"\xff":
        data[0:4] = rng.choice([0, 2, 3, 15, 16, 2**31]).to_bytes(4, "little")
        return bytes(data)
    if mutation == "rle_offsets" and frame[:1] != b"\xff":
        slot = rng.randrange(1, 16)
        data[4 * slot:4 * slot + 4] = rng.choice([0, 1, 63, len(data) - 1, len(data) + 10,
                                                  2**32 - 1]).to_bytes(4, "little")
        return bytes(data)
    for _ in range(rng.randrange(1, 4)):  # flip_header and fall-through
        data[rng.randrange(min(len(data), 64))] = rng.randrange(256)
    return bytes(data)


def run(task: dict) -> str:
    """Decode one mutated frame in this process; return the outcome."""
    frame, info = _frame_and_info(task["file"])
    data = mutate(frame, task["mutation"], random.Random(task["seed"]))
    try:
        if task["mode"] == "raw":
            _raw(task["backend"], data, info)
        else:
            from dcmcore_pylibjpeg import plugin

            from dcmcore.codecs import FrameInfo
            from dcmcore.errors import PixelDataError

            dec = getattr(plugin, DECODER[task["backend"]])()
            try:
                dec.decode(data, FrameInfo(**info), **dict(dec.options))
            except PixelDataError:
                return "error"
            except MemoryError:
                raise
            except Exception:  # noqa: BLE001 - the outcome measured
                return "foreign"
    except MemoryError:
        return "memory"
    except BaseException:  # noqa: BLE001 - incl. pyo3's PanicException
        return "error"
    return "decoded"


def _raw(backend: str, data: bytes, info: dict) -> None:
    if backend.startswith("libjpeg"):
        import libjpeg

        libjpeg.decode(data, 0)
    elif backend == "openjpeg":
        import openjpeg

        openjpeg.decode(io.BytesIO(data), reshape=False)
    else:
        from rle.utils import decode_pixel_data

        decode_pixel_data(data, version=2, rows=info["rows"], columns=info["columns"],
                          bits_allocated=info["bits_allocated"])


def worker() -> None:
    """Child loop: JSON tasks on stdin, outcomes on stdout."""
    warnings.simplefilter("ignore")
    for line in sys.stdin:
        sys.stdout.write(json.dumps({"outcome": run(json.loads(line))}) + "\n")
        sys.stdout.flush()


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


class Child:
    """One worker process, restarted after a crash or hang."""

    def __init__(self) -> None:
        self.proc: subprocess.Popen[str] | None = None

    def run(self, task: dict, timeout: float) -> str:
        if self.proc is None or self.proc.poll() is not None:
            self.proc = subprocess.Popen([sys.executable, __file__, "--worker"],
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=subprocess.DEVNULL, text=True,
                                         preexec_fn=_limit)
        proc = self.proc
        assert proc.stdin is not None and proc.stdout is not None
        try:
            proc.stdin.write(json.dumps(task) + "\n")
            proc.stdin.flush()
        except BrokenPipeError:
            self.stop()
            return "crash"
        ready, _, _ = select.select([proc.stdout], [], [], timeout)
        if not ready:
            self.stop()
            return "hang"
        line = proc.stdout.readline()
        if not line:
            self.stop()
            return "crash"
        return str(json.loads(line)["outcome"])

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-frame", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=15.0)
    parser.add_argument("--only", default="", help="one backend: " + ", ".join(FILES))
    parser.add_argument("--plugin-only", action="store_true",
                        help="skip the raw calls (one long-lived child: heap damage would "
                             "surface as a later crash)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker()
        return 0
    rng = random.Random(args.seed)
    children = {"raw": Child(), "plugin": Child()}  # raw corruption must not hit the plugin
    table: dict[tuple[str, str], collections.Counter[str]] = collections.defaultdict(
        collections.Counter)
    rescued = []
    bad = 0
    try:
        for backend, files in FILES.items():
            if args.only and args.only != backend:
                continue
            for name in files:
                for _ in range(args.per_frame):
                    task = {"backend": backend, "file": name,
                            "mutation": rng.choice(MUTATIONS), "seed": rng.randrange(2**31)}
                    raw = "skipped" if args.plugin_only else children["raw"].run(
                        {**task, "mode": "raw"}, args.timeout)
                    children["raw"].stop()  # a fresh process per raw task: heap damage
                    # left by one mutation must not be blamed on the next
                    ours = children["plugin"].run({**task, "mode": "plugin"}, args.timeout)
                    table[(backend, "raw")][raw] += 1
                    table[(backend, "plugin")][ours] += 1
                    if raw in ("crash", "hang", "memory"):
                        rescued.append((task, raw, ours))
                    if ours in ("crash", "hang", "memory", "foreign"):
                        bad += 1
                        print("PLUGIN FAILURE", ours, task, flush=True)
    finally:
        for child in children.values():
            child.stop()
    kinds = ("decoded", "error", "foreign", "crash", "hang", "memory", "skipped")
    print(f"{'backend':12s} {'mode':7s} " + " ".join(f"{k:>8s}" for k in kinds))
    for (backend, mode), counts in sorted(table.items()):
        print(f"{backend:12s} {mode:7s} " + " ".join(f"{counts[k]:8d}" for k in kinds))
    for task, raw, ours in rescued:
        print(f"raw {raw:6s} -> plugin {ours:8s} {task['backend']} {task['file']} "
              f"{task['mutation']} seed={task['seed']}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    sys.exit(main())
