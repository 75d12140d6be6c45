"""Bad input: refused before Pillow with a clear error, never a crash, hang or huge allocation."""

from __future__ import annotations

import json

import numpy as np
import pytest
from dcmcore_pillow import jpeg
from dcmcore_pillow.plugin import PillowPixelDataError


@pytest.fixture
def grey_frame(pillow_jpeg, smooth_grey):
    return pillow_jpeg(smooth_grey(1, 64, 96)[0], quality=80)


@pytest.fixture
def colour_frame(pillow_jpeg, smooth_rgb):
    return pillow_jpeg(smooth_rgb(1, 32, 48)[0], quality=80, subsampling=1)


def _patch_sof(frame: bytes, offset: int, value: bytes) -> bytes:
    """Overwrite bytes of the SOF segment body (offset 0 = precision)."""
    data = bytearray(frame)
    at = jpeg.read_header(frame).sof_offset + 4
    data[at + offset : at + offset + len(value)] = value
    return bytes(data)


def test_errors_are_pixel_data_errors_and_value_errors():
    from dcmcore.errors import PixelDataError

    assert issubclass(PillowPixelDataError, PixelDataError)
    assert issubclass(PillowPixelDataError, ValueError)


def test_header_is_read(grey_frame, colour_frame):
    header = jpeg.read_header(grey_frame)
    assert (header.sof_marker, header.precision, header.rows, header.columns) == (0xC0, 8, 64, 96)
    assert header.components == ((1, 1, 1),) and header.jfif and header.adobe_transform is None
    assert jpeg.read_header(colour_frame).components == ((1, 2, 1), (2, 1, 1), (3, 1, 1))


@pytest.mark.parametrize(
    "offset, value, message",
    [
        (1, (64000).to_bytes(2, "big"), "gives 64000 rows x 96 columns, the dataset 64 x 96"),
        (3, (97).to_bytes(2, "big"), "gives 64 rows x 97 columns"),
        (1, (0).to_bytes(2, "big"), "gives 0 lines"),
        (0, bytes([12]), "precision 12"),
        (7, bytes([0x51]), "sampling factors 5x1"),
        (7, bytes([0x10]), "sampling factors 1x0"),
    ],
)
def test_frame_header_disagreeing_with_the_dataset_is_refused(
    offset, value, message, grey_frame, frame_info, decoder
):
    with pytest.raises(PillowPixelDataError, match=message):
        decoder.decode(_patch_sof(grey_frame, offset, value), frame_info(64, 96))


def test_component_count_must_match_samples_per_pixel(grey_frame, colour_frame, frame_info,
                                                      decoder):
    with pytest.raises(PillowPixelDataError, match="has 1 components, .* is 3"):
        decoder.decode(grey_frame, frame_info(64, 96, 3, "YBR_FULL_422"))
    with pytest.raises(PillowPixelDataError, match="has 3 components, .* is 1"):
        decoder.decode(colour_frame, frame_info(32, 48, 1))


@pytest.mark.parametrize(
    "marker, process",
    [(0xC3, "lossless, Huffman"), (0xC9, "extended sequential DCT, arithmetic"),
     (0xC5, "hierarchical"), (0xF7, "JPEG-LS")],
)
def test_unsupported_coding_processes_are_refused(marker, process, grey_frame, frame_info,
                                                  decoder):
    data = bytearray(grey_frame)
    data[jpeg.read_header(grey_frame).sof_offset + 1] = marker
    with pytest.raises(PillowPixelDataError, match=process):
        decoder.decode(bytes(data), frame_info(64, 96))


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda f: f[2:], "does not start with the SOI marker"),
        (lambda f: b"", "does not start with the SOI marker"),
        (lambda f: f[:40], "truncated at byte 40"),
        (lambda f: f[:2] + b"\xff\xd9" + f[2:], "EOI marker at byte 2"),
        (lambda f: f[:2] + b"\xff\xd8" + f[2:], "second SOI"),
        (lambda f: f[:2] + b"\xff\xfe\x00\x01" + f[2:], "invalid length 1"),
    ],
)
def test_malformed_marker_segments_are_refused(mutate, message, grey_frame, frame_info,
                                               decoder):
    with pytest.raises(PillowPixelDataError, match=message):
        decoder.decode(mutate(grey_frame), frame_info(64, 96))


def test_junk_and_fill_bytes_between_segments_are_skipped_like_libjpeg(grey_frame, frame_info,
                                                                      decoder):
    header = jpeg.read_header(grey_frame)
    at = header.sof_offset
    junk = grey_frame[:at] + b"\x12\x34\xff\xff" + grey_frame[at:]
    assert jpeg.read_header(junk).rows == 64
    assert np.array_equal(decoder.decode(junk, frame_info(64, 96)),
                          decoder.decode(grey_frame, frame_info(64, 96)))


@pytest.mark.parametrize("cut", [300, 500, -200, -3, -2, -1])
def test_truncated_frames_raise_instead_of_returning_partial_images(cut, grey_frame,
                                                                   frame_info, decoder):
    with pytest.raises(PillowPixelDataError, match="truncated"):
        decoder.decode(grey_frame[:cut], frame_info(64, 96))


def test_a_missing_eoi_is_named(grey_frame, frame_info, decoder):
    with pytest.raises(PillowPixelDataError, match="do not end with an EOI marker"):
        decoder.decode(grey_frame[:-2] + b"\x00", frame_info(64, 96))


def test_truncation_raises_even_when_the_user_enabled_pillow_truncated_loading(
    grey_frame, frame_info, decoder, monkeypatch
):
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    with pytest.raises(PillowPixelDataError, match="truncated"):
        decoder.decode(grey_frame[:-200], frame_info(64, 96))


def test_pillow_global_settings_are_left_alone(grey_frame, frame_info, decoder, encoder):
    from PIL import Image, ImageFile

    before = (Image.MAX_IMAGE_PIXELS, ImageFile.LOAD_TRUNCATED_IMAGES)
    decoder.decode(grey_frame, frame_info(64, 96))
    encoder.encode(np.zeros((8, 8), dtype=np.uint8), frame_info(8, 8))
    assert (Image.MAX_IMAGE_PIXELS, ImageFile.LOAD_TRUNCATED_IMAGES) == before


@pytest.mark.parametrize("progressive", [False, True])
def test_huge_claimed_size_with_little_data_is_refused_before_decoding(
    progressive, pillow_jpeg, frame_info, decoder, monkeypatch
):
    import PIL.Image

    frame = pillow_jpeg(np.full((16, 16), 90, np.uint8), progressive=progressive)
    lie = (20000).to_bytes(2, "big")
    data = _patch_sof(_patch_sof(frame, 1, lie), 3, lie)
    monkeypatch.setattr(PIL.Image, "frombytes", lambda *a, **k: pytest.fail("Pillow was called"))
    with pytest.raises(PillowPixelDataError, match="cannot hold the 20000 x 20000 x 1 frame"):
        decoder.decode(data, frame_info(20000, 20000))


@pytest.mark.parametrize("mode, shape, options", [
    ("L", (512, 512), {"optimize": True}),
    ("RGB", (256, 384, 3), {"optimize": True, "subsampling": 2}),
    ("RGB", (256, 384, 3), {"progressive": True}),
])
def test_the_size_bound_accepts_the_smallest_real_codestreams(mode, shape, options,
                                                             pillow_jpeg, frame_info, decoder):
    # a flat image with optimised Huffman tables: 2 bits per block, the bound exactly
    flat = np.full(shape, 77, np.uint8)
    data = pillow_jpeg(flat, quality=90, **options)
    needed = jpeg.min_codestream_length(jpeg.read_header(data))
    assert needed <= len(data)
    if not options.get("progressive"):
        assert len(data) - needed < 32  # the bound is tight: SOS header, padding, EOI
    samples = 1 if mode == "L" else 3
    photometric = "MONOCHROME2" if samples == 1 else "YBR_FULL"
    out = decoder.decode(data, frame_info(shape[0], shape[1], samples, photometric))
    array = out.array if samples == 3 else out
    assert np.abs(array.astype(int) - 77).max() <= 1


def test_decoding_needs_at_least_eight_bits_allocated(grey_frame, frame_info, decoder):
    with pytest.raises(PillowPixelDataError, match="Bits Allocated 1"):
        decoder.decode(grey_frame, frame_info(64, 96, bits_allocated=1, bits_stored=1))


def test_strip_jfif_only_removes_leading_jfif_segments(grey_frame):
    stripped = jpeg.strip_jfif(grey_frame)
    assert not jpeg.read_header(stripped).jfif
    assert len(grey_frame) - len(stripped) == 18  # FFE0 + 16-byte JFIF segment
    assert jpeg.strip_jfif(stripped) == stripped


MUTATION_CHILD = r"""
import io, json, resource, sys, warnings
import numpy as np
resource.setrlimit(resource.RLIMIT_AS, (1536 << 20, 1536 << 20))
warnings.simplefilter("ignore")
import pydicom
from pydicom.data import get_testdata_file
from PIL import Image
from dcmcore.codecs import FrameInfo
from dcmcore_pillow.plugin import PillowJPEGDecoder, PillowPixelDataError

decoder = PillowJPEGDecoder()
rng = np.random.default_rng(20240611)
seeds = []
for name in ("SC_rgb_dcmtk_+eb+cy+np.dcm", "SC_jpeg_no_color_transform.dcm"):
    ds = pydicom.dcmread(get_testdata_file(name))
    frame = next(pydicom.encaps.generate_frames(ds.PixelData, number_of_frames=1))
    seeds.append((frame, FrameInfo(ds.Rows, ds.Columns, 3, 8, 8, 0,
                                   ds.PhotometricInterpretation)))
grey = np.clip(np.cumsum(rng.integers(-3, 4, (64, 96)), axis=1) + 128, 0, 255).astype(np.uint8)
for progressive in (False, True):
    buffer = io.BytesIO()
    Image.fromarray(grey).save(buffer, "JPEG", quality=80, progressive=progressive)
    seeds.append((buffer.getvalue(), FrameInfo(64, 96, 1, 8, 8, 0, "MONOCHROME2")))

counts = {"ok": 0, "refused": 0, "other": [], "cut_ok": 0}
for frame, info in seeds:
    mutants = [("cut", frame[:int(c)]) for c in rng.integers(0, len(frame), 25)]
    for _ in range(120):
        data = bytearray(frame)
        for _ in range(int(rng.integers(1, 6))):
            # half of the changes in the marker segments, half anywhere
            top = min(len(data), 700) if rng.random() < 0.5 else len(data)
            data[int(rng.integers(0, top))] = int(rng.integers(0, 256))
        mutants.append(("flip", bytes(data)))
    for kind, data in mutants:
        try:
            out = decoder.decode(data, info)
            array = out.array if isinstance(out, tuple) else out
            assert array.shape[:2] == (info.rows, info.columns)
            counts["ok"] += 1
            counts["cut_ok"] += kind == "cut"
        except PillowPixelDataError:
            counts["refused"] += 1
        except Exception as exc:
            counts["other"].append(f"{kind}: {type(exc).__name__}: {exc}")
print(json.dumps(counts))
"""


def test_mutated_codestreams_never_crash_or_escape_as_other_errors(run_child):
    # In a child process with a 1.5 GB address-space limit: a crash, a hang or a huge
    # allocation shows there, not in the test runner.
    result = run_child(MUTATION_CHILD, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    counts = json.loads(result.stdout.strip().splitlines()[-1])
    assert counts["other"] == []
    assert counts["cut_ok"] == 0  # every truncated frame raised
    assert counts["refused"] > 100 and counts["ok"] + counts["refused"] == 4 * 145


def test_a_pillow_without_jpeg_support_is_named(grey_frame, frame_info, decoder, monkeypatch):
    import PIL.Image

    def missing(*args, **kwargs):
        raise OSError("decoder jpeg not available")

    monkeypatch.setattr(PIL.Image, "frombytes", missing)
    with pytest.raises(PillowPixelDataError, match="Pillow cannot decode JPEG here"):
        decoder.decode(grey_frame, frame_info(64, 96))


def test_four_component_frames_are_refused(pillow_jpeg, frame_info, decoder):
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("CMYK", (16, 8)).save(out, "JPEG")
    with pytest.raises(PillowPixelDataError, match="4 components; 1 or 3"):
        decoder.decode(out.getvalue(), frame_info(8, 16, 4, "RGB"))
