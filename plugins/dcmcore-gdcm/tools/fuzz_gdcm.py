"""Mutation fuzzing of the "gdcm" decoder, every decode in a child process.

Run from the repository root::

    .venv/bin/python plugins/dcmcore-gdcm/tools/fuzz_gdcm.py --per-frame 60 --seed 1
    .venv/bin/python plugins/dcmcore-gdcm/tools/fuzz_gdcm.py --mode raw   # no checks
    .venv/bin/python plugins/dcmcore-gdcm/tools/fuzz_gdcm.py --source synth

Sources: the first frame of every compressed corpus file pydicom ships (``corpus``), or
codestreams made here with pyjpegls, pylibjpeg-openjpeg, Pillow and GDCM itself
(``synth``: JPEG-LS 2 to 16 bits and every interleave, JPEG 2000 1 to 16 bits signed
and lossy, JP2, progressive/restart JPEG, lossless JPEG, RLE). Mutations: truncation,
header byte flips, extreme header values, entropy-data flips and insertions, frame
description changes. ``--mode guarded`` calls the plugin's decoder (checks first);
``--mode raw`` hands the same inputs straight to GDCM, to see what the checks prevent.
Prints the outcome counts and every crash (signal) or hang (no answer within
``--timeout`` seconds).
"""

from __future__ import annotations

import argparse
import collections
import io
import os
import pickle
import random
import select
import struct
import subprocess
import sys
import time
import warnings

WORKER = r"""
import os, pickle, struct, sys
os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
from dcmcore.codecs import FrameInfo
from dcmcore_gdcm import gdcm_io
from dcmcore_gdcm.plugin import GDCMDecoder, _pi_for_gdcm
decoder = GDCMDecoder()
read, write = sys.stdin.buffer, sys.stdout.buffer
while True:
    head = read.read(4)
    if len(head) < 4:
        break
    mode, data, fields = pickle.loads(read.read(struct.unpack("<I", head)[0]))
    info = FrameInfo(*fields)
    try:
        if mode == "raw":
            image = gdcm_io.read_image(
                data, info.transfer_syntax_uid, rows=info.rows, columns=info.columns,
                samples_per_pixel=info.samples_per_pixel, bits_allocated=info.bits_allocated,
                pixel_representation=info.pixel_representation,
                photometric_interpretation=_pi_for_gdcm(info),
                planar_configuration=info.planar_configuration)
            result = ("ok", len(image.data))
        else:
            out = decoder.decode(data, info)
            result = ("ok", getattr(out, "array", out).shape)
    except Exception as exc:
        result = ("error", type(exc).__name__, str(exc)[:200])
    blob = pickle.dumps(result)
    write.write(struct.pack("<I", len(blob)) + blob)
    write.flush()
"""


class Child:
    def __init__(self) -> None:
        self.proc = subprocess.Popen([sys.executable, "-c", WORKER], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE)

    def run(self, case: tuple, timeout: float) -> tuple:
        blob = pickle.dumps(case)
        try:
            self.proc.stdin.write(struct.pack("<I", len(blob)) + blob)
            self.proc.stdin.flush()
        except BrokenPipeError:
            return ("crash", self.proc.wait())
        fd, buf = self.proc.stdout.fileno(), b""
        while True:
            ready, _, _ = select.select([fd], [], [], timeout)
            if not ready:
                self.close()
                return ("hang",)
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                return ("crash", self.proc.wait())
            buf += chunk
            if len(buf) >= 4 and len(buf) >= 4 + struct.unpack("<I", buf[:4])[0]:
                return pickle.loads(buf[4:])

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait()


# ---- sources ------------------------------------------------------------------------


def corpus_frames() -> list[tuple[str, bytes, tuple]]:
    import pydicom
    from dcmcore_gdcm.checks import DECODE_SYNTAXES
    from pydicom.encaps import generate_frames

    root = os.path.join(os.path.dirname(pydicom.__file__), "data", "test_files")
    out = []
    for name in sorted(os.listdir(root)):
        path = os.path.join(root, name)
        try:
            ds = pydicom.dcmread(path)
            uid = str(ds.file_meta.TransferSyntaxUID)
            if uid not in DECODE_SYNTAXES or "Rows" not in ds:
                continue
            n = int(ds.get("NumberOfFrames", 1) or 1)
            frame = bytes(next(generate_frames(ds.PixelData, number_of_frames=n)))
        except Exception:  # noqa: BLE001 - not a usable file
            continue
        fields = (int(ds.Rows), int(ds.Columns), int(ds.SamplesPerPixel),
                  int(ds.BitsAllocated), int(ds.BitsStored), int(ds.PixelRepresentation),
                  str(ds.PhotometricInterpretation), int(ds.get("PlanarConfiguration", 0) or 0),
                  1, uid)
        out.append((name, frame, fields))
    return out


def _image(rng, rows: int, cols: int, spp: int, bits: int, signed: bool = False):
    import numpy as np

    y, x = np.mgrid[0:rows, 0:cols]
    base = (x * 7 + y * 3) % (1 << bits)
    if spp == 3:
        base = np.stack([base, (base * 3) % (1 << bits), (x * y) % (1 << bits)], -1)
    arr = (base + rng.integers(0, max(2, (1 << bits) // 16), base.shape)) % (1 << bits)
    arr = arr.astype(np.uint8 if bits <= 8 else np.uint16)
    if signed:
        arr = (arr.astype(np.int32) - (1 << (bits - 1))).astype(
            np.int8 if bits <= 8 else np.int16)
    return arr


def synth_frames() -> list[tuple[str, bytes, tuple]]:
    import jpeg_ls
    import numpy as np
    import openjpeg
    from dcmcore_gdcm.gdcm_io import encode_image
    from dcmcore_rle.rle import encode_frame
    from PIL import Image

    jl, jnl, j2kl, j2k = ("1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.81",
                          "1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91")
    jb, j57, j70, rle = ("1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.57",
                         "1.2.840.10008.1.2.4.70", "1.2.840.10008.1.2.5")
    rng = np.random.default_rng(7)
    out = []
    for bits in (2, 5, 8, 10, 12, 16):
        for spp, ilv in ((1, None), (3, 0), (3, 1), (3, 2)):
            for near in (0, 1):
                a = _image(rng, 23, 31, spp, bits)
                src = a.transpose(2, 0, 1).copy() if ilv == 0 else a
                data = bytes(jpeg_ls.encode_array(src, lossy_error=near, interleave_mode=ilv))
                out.append((f"jls-{bits}-{spp}-{ilv}-{near}", data,
                            (23, 31, spp, 8 if bits <= 8 else 16, bits, 0,
                             "RGB" if spp == 3 else "MONOCHROME2", 0, 1, jnl if near else jl)))
    for bits in (1, 4, 8, 12, 16):
        for spp, signed in ((1, False), (1, True), (3, False)):
            for lossy in (False, True):
                a = _image(rng, 70, 66, spp, bits, signed and bits > 1)
                kw = {"compression_ratios": [5]} if lossy else {}
                try:
                    data = openjpeg.encode(a, bits_stored=bits,
                                           photometric_interpretation=1 if spp == 3 else 2, **kw)
                except Exception:  # noqa: BLE001 - combination openjpeg refuses
                    continue
                pi = ("YBR_ICT" if lossy else "YBR_RCT") if spp == 3 else "MONOCHROME2"
                out.append((f"j2k-{bits}-{spp}-{signed}-{lossy}", data,
                            (70, 66, spp, 8 if bits <= 8 else 16, bits,
                             int(signed and bits > 1), pi, 0, 1, j2k if lossy else j2kl)))
    cs = openjpeg.encode(_image(rng, 64, 64, 1, 8), photometric_interpretation=2)

    def box(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", 8 + len(payload)) + kind + payload

    jp2 = (b"\x00\x00\x00\x0cjP  \r\n\x87\n" + box(b"ftyp", b"jp2 \x00\x00\x00\x00jp2 ")
           + box(b"jp2h", box(b"ihdr", struct.pack(">IIHBBBB", 64, 64, 1, 7, 7, 0, 0))
                 + box(b"colr", struct.pack(">BBBI", 1, 0, 0, 17)))
           + box(b"jp2c", cs))
    out.append(("jp2", jp2, (64, 64, 1, 8, 8, 0, "MONOCHROME2", 0, 1, j2kl)))
    for mode, spp in (("L", 1), ("RGB", 3)):
        for kw in ({}, {"progressive": True}, {"subsampling": 0}, {"subsampling": 2},
                   {"restart_marker_blocks": 1}):
            buf = io.BytesIO()
            Image.fromarray(_image(rng, 33, 41, spp, 8), mode).save(buf, "JPEG", quality=90,
                                                                    **kw)
            out.append((f"jpeg-{mode}-{sorted(kw)}", buf.getvalue(),
                        (33, 41, spp, 8, 8, 0, "YBR_FULL_422" if spp == 3 else "MONOCHROME2",
                         0, 1, jb)))
    for bits, signed, spp in ((8, False, 1), (8, False, 3), (12, False, 1), (12, True, 1),
                              (16, False, 1)):
        a = _image(rng, 20, 27, spp, bits, signed)
        pi = "RGB" if spp == 3 else "MONOCHROME2"
        for uid in (j70, j57, rle, jl, j2kl):
            if uid == j2kl:
                a2 = _image(rng, 20, 28, spp, bits, signed)
            else:
                a2 = a
            try:
                data, _ = encode_image(a2, uid, bits_stored=bits, pixel_representation=int(signed),
                                       photometric_interpretation=pi)
            except Exception:  # noqa: BLE001
                continue
            out.append((f"gdcm-{uid[-2:]}-{bits}-{spp}-{signed}", data,
                        (a2.shape[0], a2.shape[1], spp, a2.dtype.itemsize * 8, bits, int(signed),
                         pi, 0, 1, uid)))
    for shape, bits in (((40, 40), 8), ((40, 40), 16), ((40, 40), 32), ((9, 130), 16)):
        dtype = {8: np.uint8, 16: np.uint16, 32: np.uint32}[bits]
        a = _image(rng, *shape, 1, min(bits, 16)).astype(dtype)
        out.append((f"rle-{shape}-{bits}", encode_frame(a, *shape, 1, bits),
                    (*shape, 1, bits, bits, 0, "MONOCHROME2", 0, 1, rle)))
    return out


# ---- mutations ----------------------------------------------------------------------


def header_end(data: bytes, uid: str) -> int:
    if uid.endswith(".5"):
        return min(64, len(data))
    if data[:2] == b"\xff\xd8":
        pos = 2
        while pos + 4 <= len(data) and data[pos] == 0xFF:
            length = struct.unpack_from(">H", data, pos + 2)[0]
            if data[pos + 1] == 0xDA:
                return min(len(data), pos + 2 + length)
            pos += 2 + length
        return min(len(data), pos)
    return min(len(data), 200)


KINDS = ["truncate", "header", "extreme", "body", "body", "insert", "description",
         "description+header"]


def mutate(rng: random.Random, data: bytes, fields: tuple) -> tuple[str, bytes, tuple]:
    d, f = bytearray(data), list(fields)
    end = max(1, header_end(data, fields[-1]))
    kind = rng.choice(KINDS)
    if kind == "truncate":
        d = d[: rng.choice([rng.randrange(end + 1), rng.randrange(len(d) + 1)])]
    elif kind in ("header", "description+header"):
        for _ in range(rng.choice([1, 1, 2, 3, 8])):
            p = rng.randrange(end)
            d[p] = rng.choice([0, 0xFF, rng.randrange(256), d[p] ^ (1 << rng.randrange(8))])
    elif kind == "extreme":
        p = rng.randrange(end)
        width = rng.choice([1, 2, 4])
        value = rng.choice([0, 1, 2, 0xFF, 0x7FFF, 0x8000, 0xFFFF, 0xFFFFFFFF,
                            rng.randrange(1 << 16)])
        d[p : p + width] = value.to_bytes(8, "big")[-width:]
    elif kind == "body":
        for _ in range(rng.choice([1, 2, 5, 20, 100])):
            p = rng.randrange(min(end, len(d) - 1), len(d))
            d[p] = rng.choice([0, 0xFF, rng.randrange(256)])
    elif kind == "insert":
        p = rng.randrange(len(d))
        d[p:p] = bytes(rng.randrange(256) for _ in range(rng.choice([1, 2, 7, 64])))
    if kind.startswith("description"):
        j = rng.randrange(8)
        if j == 0:
            f[0] = max(1, rng.choice([1, f[0] - 1, f[0] + 1, f[0] * 2, 65535]))
        elif j == 1:
            f[1] = max(1, rng.choice([1, f[1] - 1, f[1] + 1, f[1] * 2, 65535]))
        elif j == 2:
            f[2] = 4 - f[2] if f[2] in (1, 3) else 1
        elif j == 3:
            f[3] = rng.choice([8, 16, 32])
        elif j == 4:
            f[4] = rng.choice([1, 7, 8, 12, 15, 16])
        elif j == 5:
            f[5] = 1 - f[5]
        elif j == 6:
            f[6] = rng.choice(["MONOCHROME2", "RGB", "YBR_FULL", "YBR_FULL_422", "YBR_ICT",
                               "YBR_RCT", "PALETTE COLOR", "MONOCHROME1"])
        else:
            f[7] = 1 - f[7]
    return kind, bytes(d), tuple(f)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=["guarded", "raw"], default="guarded")
    parser.add_argument("--source", choices=["corpus", "synth", "both"], default="both")
    parser.add_argument("--per-frame", type=int, default=40)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=20.0)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    sources = []
    if args.source in ("corpus", "both"):
        sources += corpus_frames()
    if args.source in ("synth", "both"):
        sources += synth_frames()
    rng = random.Random(args.seed)
    counts: collections.Counter[str] = collections.Counter()
    bad = []
    child = Child()
    start = time.time()
    for name, frame, fields in sources:
        for _ in range(args.per_frame):
            kind, data, mutated = mutate(rng, frame, fields)
            result = child.run((args.mode, data, mutated), args.timeout)
            counts[result[0]] += 1
            if result[0] in ("crash", "hang"):
                bad.append((name, kind, result, mutated, len(data)))
                child = Child()
    child.close()
    total = sum(counts.values())
    print(f"{args.mode}, {len(sources)} source frames, {total} cases in "
          f"{time.time() - start:.0f} s: {dict(counts)}")
    for item in bad:
        print("  ", item)


if __name__ == "__main__":
    main()
