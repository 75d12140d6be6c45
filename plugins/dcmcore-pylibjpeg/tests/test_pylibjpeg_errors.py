"""Bad input is refused with a PixelDataError naming the problem, never a crash or hang.

The header checks run before libjpeg/openjpeg/pylibjpeg-rle see a frame: these
libraries size their output from the header, and raw libjpeg hangs or corrupts its heap
on some of the mutations below (see tools/fuzz_backends.py). Mutated frames are decoded
in a child process with a memory limit so that a crash fails the test instead of
killing the test run.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from dcmcore_pylibjpeg import plugin
from dcmcore_pylibjpeg.headers import HeaderError, parse_j2k, parse_jpeg

from dcmcore.errors import PixelDataError

J2K = "1.2.840.10008.1.2.4.90"
RLE = "1.2.840.10008.1.2.5"
JPEG_LS = "1.2.840.10008.1.2.4.80"


@pytest.fixture
def jpeg_frame(corpus_path, frames_of):
    """A 100 x 100 x 3 baseline JPEG frame and its FrameInfo."""
    data = corpus_path("SC_rgb_jpeg_dcmtk.dcm").read_bytes()
    return frames_of(data)[0]


@pytest.fixture
def jpeg_info(frame_info):
    return frame_info(rows=100, columns=100, samples_per_pixel=3,
                      photometric_interpretation="YBR_FULL")


def _sof(frame: bytes) -> int:
    return parse_jpeg(frame).offset


def _patched(frame: bytes, at: int, value: bytes) -> bytes:
    data = bytearray(frame)
    data[at:at + len(value)] = value
    return bytes(data)


def test_intact_frame_decodes(jpeg_frame, jpeg_info):
    arr = plugin.LibjpegDecoder().decode(jpeg_frame, jpeg_info, libjpeg_ybr_to_rgb=False)
    assert arr.shape == (100, 100, 3)


@pytest.mark.parametrize(("field", "value", "message"), [
    (5, b"\x00\x63", "99 rows x 100 columns, the frame is 100 x 100"),
    (7, b"\x10\x00", "100 rows x 4096 columns"),
    (5, b"\x00\x00", "DNL"),
    (4, b"\x11", "precision 17 not supported"),
    (4, b"\x0c", "precision 12 exceeds Bits Allocated 8"),
])
def test_sof_disagreeing_with_the_frame_is_refused(field, value, message, jpeg_frame,
                                                   jpeg_info):
    bad = _patched(jpeg_frame, _sof(jpeg_frame) + field, value)
    with pytest.raises(PixelDataError, match=message) as info:
        plugin.LibjpegDecoder().decode(bad, jpeg_info)
    assert f"SOF marker at byte {_sof(jpeg_frame)}" in str(info.value)


def test_component_count_mismatch_is_refused(jpeg_frame, frame_info):
    info = frame_info(rows=100, columns=100, samples_per_pixel=1)
    with pytest.raises(PixelDataError, match="3 components, the frame has 1 samples"):
        plugin.LibjpegDecoder().decode(jpeg_frame, info)


@pytest.mark.parametrize("cut", [0, 1, 3, 20])
def test_codestream_cut_before_its_frame_header_is_refused(cut, jpeg_frame, jpeg_info):
    with pytest.raises(PixelDataError, match="truncated|SOI"):
        plugin.LibjpegDecoder().decode(jpeg_frame[:cut], jpeg_info)


def test_codestream_cut_inside_the_scan_decodes_the_part_present(jpeg_frame, jpeg_info):
    # libjpeg quirk (documented): a scan cut short is not an error; the rows whose data is
    # present decode as in the intact frame, the rest repeat the last decoded values.
    dec = plugin.LibjpegDecoder()
    full = dec.decode(jpeg_frame, jpeg_info)
    cut = dec.decode(jpeg_frame[: len(jpeg_frame) // 2], jpeg_info)
    assert cut.shape == full.shape
    assert np.array_equal(cut[:16], full[:16])
    assert not np.array_equal(cut, full)


def test_not_a_jpeg_codestream_is_refused(jpeg_info):
    with pytest.raises(PixelDataError, match="SOI marker"):
        plugin.LibjpegDecoder().decode(b"\x00" * 100, jpeg_info)


@pytest.fixture
def j2k_frame(corpus_path, frames_of):
    return frames_of(corpus_path("MR_small_jp2klossless.dcm").read_bytes())[0]


@pytest.fixture
def j2k_info(frame_info):
    return frame_info(rows=64, columns=64, bits_allocated=16, bits_stored=16,
                      pixel_representation=1, transfer_syntax_uid=J2K)


def test_siz_disagreeing_with_the_frame_is_refused(j2k_frame, j2k_info):
    siz = j2k_frame.index(b"\xff\x51")
    bad = _patched(j2k_frame, siz + 6, (1 << 20).to_bytes(4, "big"))  # Xsiz
    with pytest.raises(PixelDataError, match="64 rows x 1048576 columns"):
        plugin.OpenJpegDecoder().decode(bad, j2k_info)


def test_siz_with_too_many_tiles_is_refused(j2k_frame, j2k_info):
    siz = j2k_frame.index(b"\xff\x51")
    bad = _patched(j2k_frame, siz + 22, b"\x00\x00\x00\x01" * 2)  # 1 x 1 tiles: 4096
    header = parse_j2k(bad)
    assert header.tiles == 64 * 64
    bad = _patched(bad, siz + 6, (64 * 1024).to_bytes(4, "big") * 2)  # grid 65536 square
    with pytest.raises(PixelDataError, match="tiles"):
        plugin.OpenJpegDecoder().decode(bad, j2k_info)


def test_siz_precision_above_bits_allocated_is_refused(j2k_frame, j2k_info, frame_info):
    info = frame_info(rows=64, columns=64, bits_allocated=8, bits_stored=8,
                      transfer_syntax_uid=J2K)
    with pytest.raises(PixelDataError, match="precision 16 exceeds Bits Allocated 8"):
        plugin.OpenJpegDecoder().decode(j2k_frame, info)


def test_truncated_siz_is_refused(j2k_frame, j2k_info):
    with pytest.raises(PixelDataError, match="truncated"):
        plugin.OpenJpegDecoder().decode(j2k_frame[:30], j2k_info)


def test_header_error_is_a_value_error():
    with pytest.raises(ValueError):
        parse_j2k(b"\xff\x4f\xff\x52")
    assert issubclass(HeaderError, ValueError)


@pytest.fixture
def rle_frame(corpus_path, frames_of):
    return frames_of(corpus_path("MR_small_RLE.dcm").read_bytes())[0]


@pytest.fixture
def rle_info(frame_info):
    return frame_info(rows=64, columns=64, bits_allocated=16, bits_stored=16,
                      pixel_representation=1, transfer_syntax_uid=RLE)


@pytest.mark.parametrize(("slot", "value", "message"), [
    (0, 3, "3 segments, 2 expected"),
    (0, 2**31, "segments"),
    (1, 60, "first segment offset 60"),
    (2, 64, "not after the previous one"),
    (2, 10**6, "past the end"),
])
def test_rle_header_disagreeing_with_the_frame_is_refused(slot, value, message, rle_frame,
                                                          rle_info):
    bad = _patched(rle_frame, 4 * slot, value.to_bytes(4, "little"))
    with pytest.raises(PixelDataError, match=message):
        plugin.RLEDecoder().decode(bad, rle_info)


def test_rle_segment_decoding_to_too_few_bytes_is_a_pixel_data_error(rle_frame, rle_info):
    with pytest.raises(PixelDataError, match="pylibjpeg-rle"):
        plugin.RLEDecoder().decode(rle_frame[: len(rle_frame) - 200], rle_info)


# ---- mutations in a child process ----------------------------------------------------

#: Mutations that raw pylibjpeg misbehaves on (checked one by one in a child process with
#: a 2 GiB address-space limit, see tools/fuzz_backends.py): libjpeg hangs on a JPEG-LS
#: height of 0 (DNL) or 65535 x 65535; libjpeg allocates past 2 GiB (and gives up with
#: "Out of free memory") for a baseline frame of height 0 or 65535 x 65535; openjpeg's
#: binding allocates its output from the SIZ (8 GiB for 65536 x 65536: MemoryError).
DANGEROUS = [
    ("MR_small_jpeg_ls_lossless.dcm", "sof", 5, "0000"),
    ("JPEGLSNearLossless_16.dcm", "sof", 5, "ffffffff"),
    ("SC_rgb_jls_lossy_line.dcm", "sof", 5, "0000"),
    ("SC_rgb_jpeg_dcmtk.dcm", "sof", 5, "0000"),
    ("SC_rgb_dcmtk_+eb+cy+np.dcm", "sof", 5, "ffffffff"),
    ("693_J2KI.dcm", "siz", 6, "0001000000010000"),
    ("693_J2KI.dcm", "siz", 6, "0000ffff0000ffff"),
]

CHILD = textwrap.dedent("""
    import json, sys, warnings
    import dcmcore, dcmcore.pixels
    from dcmcore.errors import DcmcoreError
    warnings.simplefilter("ignore")
    corpus = sys.argv[2]

    def encapsulate(frames):
        items = [b"\\xfe\\xff\\x00\\xe0\\x00\\x00\\x00\\x00"]
        for f in frames:
            f += b"\\x00" * (len(f) % 2)
            items.append(b"\\xfe\\xff\\x00\\xe0" + len(f).to_bytes(4, "little") + f)
        return b"".join(items)

    for case in json.loads(sys.argv[1]):
        name, where, offset, value = case
        print("CASE", case, flush=True)
        ds = dcmcore.dcmread(f"{corpus}/{name}")
        count = int(ds.get("NumberOfFrames") or 1)
        frames = [bytearray(f) for f in dcmcore.pixels.generate_frames(
            ds.PixelData, number_of_frames=count)]
        frame = frames[0]
        if where == "sof":
            at = next(i for i in range(2, len(frame) - 1) if frame[i] == 0xFF
                      and frame[i + 1] in (0xC0, 0xC1, 0xC3, 0xF7))
        elif where == "siz":
            at = frame.index(b"\\xff\\x51")
        else:
            at = 0
        patch = bytes.fromhex(value)
        frame[at + offset:at + offset + len(patch)] = patch
        if where == "truncate":
            del frame[offset:]
        ds.PixelData = encapsulate([bytes(f) for f in frames])
        try:
            dcmcore.pixels.pixel_array(ds, decoding_plugin="pylibjpeg")
            print("OUTCOME decoded", flush=True)
        except DcmcoreError as exc:
            print("OUTCOME refused", type(exc).__name__, str(exc)[:200].replace("\\n", " "),
                  flush=True)
        except BaseException as exc:
            print("OUTCOME foreign", type(exc).__name__, str(exc)[:200], flush=True)
""")


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))


def _random_cases() -> list[list]:
    import random

    rng = random.Random(1234)
    files = ["SC_rgb_jpeg_dcmtk.dcm", "MR_small_jpeg_ls_lossless.dcm", "SC_rgb_jpeg_gdcm.dcm",
             "MR_small_jp2klossless.dcm", "SC_rgb_rle.dcm", "JPEGLSNearLossless_16.dcm"]
    cases: list[list] = []
    for name in files:
        for _ in range(6):
            if rng.random() < 0.5:
                cases.append([name, "truncate", rng.randrange(0, 400), ""])
            else:
                cases.append([name, "head", rng.randrange(0, 40),
                              bytes([rng.randrange(256)]).hex()])
    return cases


RANDOM = _random_cases()


@pytest.fixture(scope="module")
def mutation_outcomes() -> list[str]:
    """Decode every DANGEROUS then RANDOM case in one memory-limited child process."""
    import pydicom

    corpus = f"{pydicom.__path__[0]}/data/test_files"
    cases = [list(c) for c in DANGEROUS] + RANDOM
    proc = subprocess.run([sys.executable, "-c", CHILD, json.dumps(cases), corpus],
                          capture_output=True, text=True, timeout=120,
                          preexec_fn=_limit_memory)
    lines = proc.stdout.splitlines()
    last_case = next((ln for ln in reversed(lines) if ln.startswith("CASE")), "")
    assert proc.returncode == 0, f"child died ({proc.returncode}) in {last_case}: {proc.stderr}"
    outcomes = [ln for ln in lines if ln.startswith("OUTCOME")]
    assert len(outcomes) == len(cases)
    return outcomes


def test_dangerous_mutations_are_refused_in_the_pipeline(mutation_outcomes):
    for case, outcome in zip(DANGEROUS, mutation_outcomes[:len(DANGEROUS)], strict=True):
        assert outcome.startswith("OUTCOME refused"), (case, outcome)


def test_random_truncations_and_header_flips_never_crash(mutation_outcomes):
    foreign = [(case, o) for case, o in zip(RANDOM, mutation_outcomes[len(DANGEROUS):],
                                            strict=True) if not o.startswith(("OUTCOME refused",
                                                                              "OUTCOME decoded"))]
    assert not foreign
