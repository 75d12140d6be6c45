"""Mutation tests in child processes: GDCM must never abort, crash or hang the process.

Unchecked, GDCM aborts on such inputs (the positive controls below show the runner
sees it). Every case runs in a child process (:class:`conftest.ChildDecoder`); a fixed
seed keeps the sample reproducible. Larger runs of the same generator (tens of
thousands of cases, see the README) found the guards in :mod:`dcmcore_gdcm.checks`.
"""

from __future__ import annotations

import random
import struct
import sys

import numpy as np
import pytest

SEED = 20240611
PER_FRAME = 30
SOURCES = [
    "SC_rgb_jpeg_dcmtk.dcm",  # JPEG baseline, JFIF, colour
    "SC_jpeg_no_color_transform_2.dcm",  # JPEG baseline, Adobe APP14
    "JPGExtended.dcm",  # JPEG extended 12-bit
    "SC_rgb_jpeg_gdcm.dcm",  # JPEG lossless SV1 colour
    "MR_small_jpeg_ls_lossless.dcm",  # JPEG-LS 16-bit
    "SC_rgb_jls_lossy_sample.dcm",  # JPEG-LS near-lossless colour
    "MR_small_jp2klossless.dcm",  # JPEG 2000 16-bit signed
    "GDCMJ2K_TextGBR.dcm",  # JPEG 2000 YBR_RCT
    "SC_rgb_rle.dcm",  # RLE colour 8-bit
    "MR_small_RLE.dcm",  # RLE 16-bit
]


def _header_end(data: bytes) -> int:
    """Offset just past the header (JPEG: after the first scan header)."""
    if data[:2] == b"\xff\xd8":
        pos = 2
        while pos + 4 <= len(data) and data[pos] == 0xFF:
            length = struct.unpack_from(">H", data, pos + 2)[0]
            if data[pos + 1] == 0xDA:
                return min(len(data), pos + 2 + length)
            pos += 2 + length
        return min(len(data), pos)
    return min(len(data), 64 if data[:2] != b"\xff\x4f" else 200)


def _mutate(rng: random.Random, data: bytes, fields: tuple) -> tuple[bytes, tuple]:
    d, f = bytearray(data), list(fields)
    end = max(1, _header_end(data))
    kind = rng.choice(["truncate", "header", "extreme", "body", "insert", "description"])
    if kind == "truncate":
        d = d[: rng.choice([rng.randrange(end + 1), rng.randrange(len(d) + 1)])]
    elif kind == "header":
        for _ in range(rng.choice([1, 1, 2, 4])):
            p = rng.randrange(end)
            d[p] = rng.choice([0, 0xFF, rng.randrange(256), d[p] ^ (1 << rng.randrange(8))])
    elif kind == "extreme":
        p = rng.randrange(end)
        width = rng.choice([1, 2, 4])
        value = rng.choice([0, 1, 0xFF, 0x7FFF, 0xFFFF, 0xFFFFFFFF])
        d[p : p + width] = value.to_bytes(8, "big")[-width:]
    elif kind == "body":
        for _ in range(rng.choice([1, 4, 32])):
            p = rng.randrange(min(end, len(d) - 1), len(d))
            d[p] = rng.randrange(256)
    elif kind == "insert":
        p = rng.randrange(len(d))
        d[p:p] = bytes(rng.randrange(256) for _ in range(rng.choice([1, 3, 64])))
    else:
        j = rng.randrange(6)
        if j == 0:
            f[0] = rng.choice([1, f[0] + 1, 2 * f[0], 65535])
        elif j == 1:
            f[1] = rng.choice([1, f[1] - 1 or 2, 2 * f[1], 65535])
        elif j == 2:
            f[2] = 4 - f[2]
            f[6] = "RGB" if f[2] == 3 else "MONOCHROME2"
        elif j == 3:
            f[3] = 24 - f[3] if f[3] in (8, 16) else 8
            f[4] = min(f[4], f[3])
        elif j == 4:
            f[5] = 1 - f[5]
        else:
            f[7] = 1 - f[7]
    return bytes(d), tuple(f)


def _fields(info) -> tuple:
    return (info.rows, info.columns, info.samples_per_pixel, info.bits_allocated,
            info.bits_stored, info.pixel_representation, info.photometric_interpretation,
            info.planar_configuration, info.number_of_frames, info.transfer_syntax_uid)


def test_unchecked_gdcm_aborts_and_the_runner_sees_it(child):
    # GDCM pads an odd-length native frame and its RLE encoder then fails an
    # assertion, which aborts the process (SIGABRT)
    arr = np.arange(15 * 37 * 3, dtype=np.uint32).astype(np.uint8).reshape(15, 37, 3)
    fields = (15, 37, 3, 8, 8, 0, "RGB", 0, 1, "1.2.840.10008.1.2.5")
    result = child.run("raw_encode", arr, fields)
    assert result[0] == "crash" and result[1] != 0
    # the plugin refuses the same frame, and the child lives on
    result = child.run("encode", arr, fields)
    assert result[0] == "error" and "odd length" in result[2]


def test_mutated_corpus_frames_never_crash_or_hang_gdcm(child, first_frame):
    rng = random.Random(SEED)
    outcomes = {"ok": 0, "error": 0}
    failures = []
    for name in SOURCES:
        frame, info = first_frame(name)
        base = _fields(info)
        for _ in range(PER_FRAME):
            data, fields = _mutate(rng, frame, base)
            result = child.run("decode", data, fields)
            if result[0] in ("crash", "hang"):
                failures.append((name, result, fields, len(data)))
                continue
            outcomes[result[0]] += 1
            if result[0] == "error":
                assert result[1] == "GDCMPixelDataError", result
            else:
                rows, columns, spp = fields[0], fields[1], fields[2]
                assert tuple(result[1]) == ((rows, columns) if spp == 1 else (rows, columns, 3))
    assert not failures, failures
    assert outcomes["ok"] > 20 and outcomes["error"] > 100  # both paths were exercised


def test_random_encoder_inputs_never_crash_gdcm(child):
    rng = random.Random(SEED + 1)
    syntaxes = ["1.2.840.10008.1.2.5", "1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.81",
                "1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91", "1.2.840.10008.1.2.4.70"]
    failures, encoded = [], 0
    for _ in range(40):
        uid = rng.choice(syntaxes)
        rows, columns = rng.randint(1, 40), rng.randint(1, 40)
        spp = rng.choice([1, 3])
        bits = 8 if spp == 3 else rng.choice([8, 12, 16])
        dtype = np.uint8 if bits == 8 else np.uint16
        shape = (rows, columns, 3) if spp == 3 else (rows, columns)
        arr = np.random.default_rng(rng.randrange(1 << 30)).integers(0, 1 << bits, shape)
        fields = (rows, columns, spp, 8 if bits == 8 else 16, bits, 0,
                  "RGB" if spp == 3 else "MONOCHROME2", 0, 1, uid)
        options = {}
        if uid.endswith(".81"):
            options = {"jls_error": rng.choice([0, 2])}
        elif uid.endswith(".91"):
            options = {"j2k_cr": [rng.choice([4, 20])]}
        result = child.run("encode", arr.astype(dtype), fields, options)
        if result[0] in ("crash", "hang"):
            failures.append((uid, fields, result))
        elif result[0] == "ok":
            encoded += 1
        else:
            assert result[1] == "GDCMPixelDataError", result
    assert not failures, failures
    assert encoded > 12


def test_jpeg_truncated_in_its_header_aborts_unchecked_gdcm_and_is_refused(child,
                                                                          first_frame):
    frame, info = first_frame("SC_rgb_small_odd_jpeg.dcm")
    assert child.run("raw_decode", frame[:100], _fields(info))[0] == "crash"
    for cut in (3, 20, 64, 100, 160):
        result = child.run("decode", frame[:cut], _fields(info))
        assert result[0] == "error" and result[1] == "GDCMPixelDataError", (cut, result)


def test_frame_too_large_for_the_memory_left_is_refused_not_aborted(child):
    # a black 4096 x 4096 16-bit frame compresses to a few hundred bytes; decoding it
    # needs ~10 x 32 MiB in GDCM, which aborts (std::bad_alloc) when it cannot allocate
    jpeg_ls = pytest.importorskip("jpeg_ls")
    if not sys.platform.startswith("linux"):
        pytest.skip("address-space limits and /proc are Linux features here")
    frame = np.zeros((4096, 4096), np.uint16)
    frame[0, 0] = 65535
    data = bytes(jpeg_ls.encode_array(frame))
    fields = (4096, 4096, 1, 16, 16, 0, "MONOCHROME2", 0, 1, "1.2.840.10008.1.2.4.80")
    raw = []
    for headroom in (100, 80, 120):  # MiB; where GDCM's allocations fail unhandled here
        assert child.run("limit_memory", headroom << 20, fields)[0] == "ok"
        result = child.run("decode", data, fields)
        assert result[0] == "error" and "aborts the process when an allocation fails" in result[2]
        raw.append(child.run("raw_decode", data, fields)[0])  # unchecked: a fresh child next
        if raw[-1] == "crash":
            break
        child.close()
    assert "crash" in raw, raw
