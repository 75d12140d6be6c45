"""Bad input and bad options: clear errors, no crash, no header-driven allocation."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from dcmcore_openjpeg.plugin import (
    JPEG2000,
    JPEG2000_LOSSLESS,
    MAX_TILES,
    OpenJpegDecoder,
    OpenJpegEncoder,
    OpenJpegPixelDataError,
)

from dcmcore.codecs import FrameInfo
from dcmcore.errors import CodecError, PixelDataError

openjpeg = pytest.importorskip("openjpeg")
from openjpeg.utils import encode_array  # noqa: E402


def _info(rows=64, columns=64, samples=1, bits=16, stored=None, signed=False, pi=None,
          uid=JPEG2000_LOSSLESS) -> FrameInfo:
    return FrameInfo(
        rows=rows, columns=columns, samples_per_pixel=samples, bits_allocated=bits,
        bits_stored=stored or bits, pixel_representation=int(signed),
        photometric_interpretation=pi or ("RGB" if samples == 3 else "MONOCHROME2"),
        transfer_syntax_uid=uid,
    )


def _mono(bits=12, shape=(64, 64)) -> bytes:
    arr = (np.arange(shape[0] * shape[1]).reshape(shape) % (1 << bits)).astype(np.uint16)
    return encode_array(arr, bits, 2, False)


def _rgb(shape=(64, 64)) -> bytes:
    arr = (np.arange(shape[0] * shape[1] * 3).reshape(*shape, 3) % 251).astype(np.uint8)
    return encode_array(arr, 8, 0, False)


def _patch(data: bytes, offset: int, fmt: str, *values: int) -> bytes:
    out = bytearray(data)
    struct.pack_into(fmt, out, offset, *values)
    return bytes(out)


# SIZ field offsets in a bare codestream (SOC at 0, SIZ marker at 2)
XSIZ, YSIZ, XOSIZ, YOSIZ, XTSIZ, YTSIZ, XTOSIZ, YTOSIZ = range(8, 40, 4)
SSIZ0 = 42


def _decode(data: bytes, info: FrameInfo):
    return OpenJpegDecoder().decode(data, info)


# ---- decoding -------------------------------------------------------------------------

def test_errors_are_pixel_data_errors_and_value_errors():
    with pytest.raises(OpenJpegPixelDataError) as excinfo:
        _decode(b"\xff\xd8\xff\xe0" + bytes(60), _info())
    assert isinstance(excinfo.value, PixelDataError)
    assert isinstance(excinfo.value, ValueError)
    assert "no SOC marker" in str(excinfo.value)


def test_component_count_must_match_samples_per_pixel():
    with pytest.raises(OpenJpegPixelDataError, match="3 components but .* 'Samples per Pixel' is 1"):
        _decode(_rgb(), _info(bits=8))


def test_image_size_must_match_rows_and_columns():
    with pytest.raises(OpenJpegPixelDataError, match="64 rows x 64 columns .* 64 x 65"):
        _decode(_mono(), _info(columns=65))


def test_huge_siz_dimensions_are_refused_before_openjpeg_allocates():
    data = _patch(_mono(), YSIZ, ">I", 0x7FFF0000)
    with pytest.raises(OpenJpegPixelDataError, match="2147418112 rows x 64 columns"):
        _decode(data, _info())


def test_precision_must_fit_bits_allocated():
    with pytest.raises(OpenJpegPixelDataError, match="precision 12 needs 16-bit .* 'Bits Allocated' 8"):
        _decode(_mono(12), _info(bits=8))


def test_precision_above_openjpegs_limit_is_refused():
    data = _patch(_mono(12), SSIZ0, ">B", 37)  # 38 bits
    with pytest.raises(OpenJpegPixelDataError, match="precision 38; openjpeg decodes at most 31"):
        _decode(data, _info(bits=32))


def test_component_wider_than_the_first_is_refused():
    data = _patch(_rgb(), SSIZ0 + 3, ">B", 15)  # component 1: 16 bits, component 0: 8
    with pytest.raises(OpenJpegPixelDataError, match="component 1 has precision 16, wider"):
        _decode(data, _info(samples=3, bits=8))


def test_sub_sampled_components_are_refused():
    data = _patch(_rgb(), SSIZ0 + 4, ">B", 2)  # component 1: XRsiz 2 (implicit 4:2:2 sYCC)
    with pytest.raises(OpenJpegPixelDataError, match="component 1 is sub-sampled"):
        _decode(data, _info(samples=3, bits=8))


def test_more_tiles_than_the_limit_are_refused():
    data = _patch(_mono(shape=(128, 128)), XTSIZ, ">II", 1, 1)  # 16384 tiles of 1 x 1
    with pytest.raises(OpenJpegPixelDataError, match=f"16384 tiles .* at most {MAX_TILES}"):
        _decode(data, _info(128, 128))


def test_large_image_offset_is_refused():
    # image area [4096, 4160) x [0, 64): openjpeg would allocate 4160 x 64 for a 64 x 64 frame
    data = _patch(_mono(), XSIZ, ">I", 4160)
    data = _patch(data, XOSIZ, ">I", 4096)
    data = _patch(data, XTOSIZ, ">I", 4096)
    with pytest.raises(OpenJpegPixelDataError, match=r"image offset \(4096, 0\) is too large"):
        _decode(data, _info())


def _jp2(codestream: bytes, palette: bool) -> bytes:
    def box(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", 8 + len(payload)) + kind + payload

    ihdr = box(b"ihdr", struct.pack(">IIHBBBB", 64, 64, 1, 7, 7, 0, 0))
    colr = box(b"colr", bytes([1, 0, 0]) + struct.pack(">I", 17))
    header = ihdr + colr
    if palette:
        entries = 256
        payload = struct.pack(">HB", entries, 3) + bytes([7, 7, 7]) + bytes(entries * 3)
        cmap = box(b"cmap", struct.pack(">HBB", 0, 1, 0) + struct.pack(">HBB", 0, 1, 1)
                   + struct.pack(">HBB", 0, 1, 2))
        header += box(b"pclr", payload) + cmap
    return (b"\x00\x00\x00\x0cjP  \r\n\x87\n" + box(b"ftyp", b"jp2 \x00\x00\x00\x00jp2 ")
            + box(b"jp2h", header) + box(b"jp2c", codestream))


def test_jp2_wrapped_codestream_decodes_like_the_bare_one():
    bare = encode_array((np.arange(4096).reshape(64, 64) % 256).astype(np.uint8), 8, 2, False)
    out = _decode(_jp2(bare, palette=False), _info(bits=8))
    assert np.array_equal(out, _decode(bare, _info(bits=8)))


def test_jp2_palette_is_refused_before_openjpeg_overruns_its_buffer():
    bare = encode_array((np.arange(4096).reshape(64, 64) % 256).astype(np.uint8), 8, 2, False)
    with pytest.raises(OpenJpegPixelDataError, match="palette"):
        _decode(_jp2(bare, palette=True), _info(bits=8))


@pytest.mark.parametrize("keep", [0.9, 0.5, 0.05])
def test_truncated_codestream_names_where_it_ends(keep):
    data = _mono()
    cut = data[: int(len(data) * keep)]
    with pytest.raises(OpenJpegPixelDataError, match="truncated"):
        _decode(cut, _info())


def test_trailing_padding_byte_is_accepted():
    data = _mono()
    assert np.array_equal(_decode(data + b"\x00", _info()), _decode(data, _info()))


def test_openjpeg_failure_is_wrapped_with_its_message():
    data = bytearray(_mono())
    sod = data.find(b"\xff\x93")
    data[sod + 2 : sod + 40] = b"\xff" * 38  # garbage packet headers
    with pytest.raises(OpenJpegPixelDataError, match="openjpeg could not decode"):
        _decode(bytes(data), _info())


def test_pipeline_reports_the_plugin_error(encapsulated, ours):
    ds = encapsulated([_mono()[:200]], JPEG2000_LOSSLESS, rows=64, columns=64, bits_stored=12)
    with pytest.raises(CodecError, match="OpenJpegPixelDataError: JPEG 2000 codestream "
                                         "truncated at byte 200") as excinfo:
        ours(ds)
    assert "openjpeg" in str(excinfo.value)


# ---- mutations in a child process -----------------------------------------------------

_CHILD = textwrap.dedent(
    """
    import json, random, resource, struct, sys
    import numpy as np
    resource.setrlimit(resource.RLIMIT_AS, (1536 << 20, 1536 << 20))
    from openjpeg.utils import encode_array
    from dcmcore.codecs import FrameInfo
    from dcmcore_openjpeg.plugin import OpenJpegDecoder, OpenJpegPixelDataError

    rng = random.Random(int(sys.argv[1]))
    mono = (np.arange(128 * 96).reshape(128, 96) % 4096).astype(np.uint16)
    rgb = (np.arange(64 * 64 * 3).reshape(64, 64, 3) % 251).astype(np.uint8)
    seeds = [
        (encode_array(mono, 12, 2, False), dict(rows=128, columns=96, samples_per_pixel=1,
         bits_allocated=16, bits_stored=12)),
        (encode_array(mono, 12, 2, False, compression_ratios=[8]), dict(rows=128, columns=96,
         samples_per_pixel=1, bits_allocated=16, bits_stored=12)),
        (encode_array(rgb, 8, 1, True), dict(rows=64, columns=64, samples_per_pixel=3,
         bits_allocated=8, bits_stored=8, photometric_interpretation="YBR_RCT")),
    ]
    extremes = [0, 1, 2, 255, 65535, 0x10000, 0x7FFFFFFF, 0xFFFFFFFF]
    counts = {"decoded": 0, "refused": 0}
    dec = OpenJpegDecoder()
    for i in range(int(sys.argv[2])):
        data, fields = seeds[i % len(seeds)]
        b = bytearray(data)
        kind = rng.randrange(4)
        if kind == 0:
            b = b[: rng.randrange(1, len(b))]
        elif kind == 1:  # SIZ/COD header bytes
            for _ in range(rng.randrange(1, 4)):
                b[rng.randrange(2, 80)] = rng.randrange(256)
        elif kind == 2:  # a SIZ field set to an extreme
            struct.pack_into(">I", b, rng.randrange(8, 40, 4), rng.choice(extremes))
        else:
            for _ in range(rng.randrange(1, 10)):
                b[rng.randrange(len(b))] = rng.randrange(256)
        fields = {"photometric_interpretation": "MONOCHROME2", **fields}
        info = FrameInfo(pixel_representation=0, transfer_syntax_uid="1.2.840.10008.1.2.4.90",
                         **fields)
        try:
            dec.decode(bytes(b), info)
            counts["decoded"] += 1
        except OpenJpegPixelDataError:
            counts["refused"] += 1
    # VmHWM: this process's peak resident memory (ru_maxrss would include the parent's,
    # inherited through fork/exec)
    with open("/proc/self/status") as status:
        hwm = [line.split()[1] for line in status if line.startswith("VmHWM:")]
    counts["max_rss_mb"] = int(hwm[0]) // 1024
    print(json.dumps(counts))
    """
)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/status")
def test_mutated_codestreams_never_crash_hang_or_allocate_from_the_header():
    # Without the header check, a mutated SIZ makes openjpeg allocate gigabytes (MemoryError
    # under this child's 1.5 GB address-space limit, which is not an OpenJpegPixelDataError)
    # or spend seconds on tens of thousands of tiles.
    proc = subprocess.run([sys.executable, "-c", _CHILD, "7", "400"], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    counts = json.loads(proc.stdout.strip().splitlines()[-1])
    assert counts["decoded"] + counts["refused"] == 400
    assert counts["refused"] > 100 and counts["decoded"] > 20
    assert counts["max_rss_mb"] < 400


# ---- encoding -------------------------------------------------------------------------

def _encode(arr, info, **options):
    return OpenJpegEncoder().encode(arr, info, **{**OpenJpegEncoder.options, **options})


def test_cr_and_psnr_together_are_refused_naming_both():
    arr = np.zeros((64, 64), np.uint16)
    with pytest.raises(OpenJpegPixelDataError, match="'j2k_cr' and 'j2k_psnr' cannot both"):
        _encode(arr, _info(uid=JPEG2000), j2k_cr=[10], j2k_psnr=[40])


@pytest.mark.parametrize("option", ["j2k_cr", "j2k_psnr"])
def test_lossy_options_with_jpeg_2000_lossless_are_refused(option):
    arr = np.zeros((64, 64), np.uint16)
    with pytest.raises(OpenJpegPixelDataError, match=f"'{option}' asks for lossy .* Lossless"):
        _encode(arr, _info(), **{option: [20]})


@pytest.mark.parametrize(("options", "match"), [
    ({"j2k_cr": [5, 10]}, "must decrease"),
    ({"j2k_cr": [0.5]}, "at least 1"),
    ({"j2k_psnr": [50, 40]}, "must increase"),
    ({"j2k_psnr": [0]}, "positive"),
    ({"j2k_cr": "10"}, "must be a list"),
    ({"j2k_cr": [float("nan")]}, "finite"),
    ({"j2k_psnr": [None]}, "must be numbers"),
    ({"j2k_cr": list(range(200, 99, -1))}, "at most 100"),
    ({"use_mct": "yes"}, "'use_mct' must be"),
])
def test_invalid_option_values_are_refused(options, match):
    arr = np.zeros((64, 64), np.uint16)
    with pytest.raises(OpenJpegPixelDataError, match=match):
        _encode(arr, _info(uid=JPEG2000), **options)


def test_a_single_ratio_number_is_one_layer():
    arr = (np.arange(64 * 64).reshape(64, 64) % 4096).astype(np.uint16)
    assert _encode(arr, _info(uid=JPEG2000, stored=12), j2k_cr=10) == \
        _encode(arr, _info(uid=JPEG2000, stored=12), j2k_cr=[10])


@pytest.mark.parametrize("shape", [(31, 64), (64, 16), (1, 1)])
def test_frames_under_32_pixels_are_refused_with_the_reason(shape):
    arr = np.zeros(shape, np.uint8)
    with pytest.raises(OpenJpegPixelDataError, match="5 wavelet decomposition levels"):
        _encode(arr, _info(*shape, bits=8))


def test_lossy_palette_colour_is_refused():
    arr = np.zeros((64, 64), np.uint8)
    with pytest.raises(OpenJpegPixelDataError, match="PALETTE COLOR .* losslessly"):
        _encode(arr, _info(bits=8, pi="PALETTE COLOR", uid=JPEG2000), j2k_cr=[5])
    assert _encode(arr, _info(bits=8, pi="PALETTE COLOR", uid=JPEG2000))  # lossless is fine


def test_values_outside_bits_stored_are_refused():
    arr = np.full((64, 64), 4096, np.uint16)
    with pytest.raises(OpenJpegPixelDataError, match=r"\[4096, 4096\] are outside .* 12"):
        _encode(arr, _info(stored=12))


def test_bits_stored_above_24_is_refused():
    arr = np.zeros((64, 64), np.uint32)
    with pytest.raises(OpenJpegPixelDataError, match="'Bits Stored' 25 is not supported"):
        _encode(arr, _info(bits=32, stored=25))


def test_signedness_must_match_pixel_representation():
    arr = np.zeros((64, 64), np.int16)
    with pytest.raises(OpenJpegPixelDataError, match="disagrees with .* 'Pixel Representation' 0"):
        _encode(arr, _info(stored=12))


def test_compress_reports_the_plugin_error(image, native):
    ds = native(image("ramp", (64, 64), 12, False), "MONOCHROME2", 12)
    with pytest.raises(CodecError, match="OpenJpegPixelDataError: 'j2k_cr' asks") as excinfo:
        ds.compress(JPEG2000_LOSSLESS, encoding_plugin="openjpeg", j2k_cr=[10])
    assert "openjpeg" in str(excinfo.value)
    assert ds.file_meta.TransferSyntaxUID == "1.2.840.10008.1.2.1"


def test_jpeg_2000_without_options_is_lossless(image, native, pydicom_array):
    arr = image("ramp", (64, 64), 12, True)
    ds = native(arr, "MONOCHROME2", 12)
    ds.compress(JPEG2000, encoding_plugin="openjpeg")
    assert "LossyImageCompression" not in ds
    assert np.array_equal(pydicom_array(ds, "pylibjpeg"), arr)
