"""Bad input: clear JPEGLSPixelDataError messages, never a crash, hang or huge allocation;
the CharLS quirks the plugin works around (padding before EOI, hangs on truncated data)."""

from __future__ import annotations

import io
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest
from dcmcore_jpegls.plugin import (
    JPEGLSDecoder,
    JPEGLSEncoder,
    JPEGLSPixelDataError,
    JPEGLSWarning,
)

import dcmcore
from dcmcore.codecs import FrameInfo
from dcmcore.errors import CodecError, PixelDataError

LOSSLESS = "1.2.840.10008.1.2.4.80"
NEAR_LOSSLESS = "1.2.840.10008.1.2.4.81"


def _info(rows=24, columns=20, samples=1, allocated=8, stored=8, signed=0, ts=LOSSLESS,
          pi=None):
    pi = pi or ("RGB" if samples == 3 else "MONOCHROME2")
    return FrameInfo(rows, columns, samples, allocated, stored, signed, pi,
                     transfer_syntax_uid=ts)


def _smooth(rows=24, columns=20):
    y, x = np.mgrid[0:rows, 0:columns]
    return ((x * 7 + y * 3) % 256).astype(np.uint8)


# -- decoding: header checks ------------------------------------------------------------

def test_error_is_a_pixel_data_error_and_a_value_error():
    assert issubclass(JPEGLSPixelDataError, PixelDataError)
    assert issubclass(JPEGLSPixelDataError, ValueError)


def test_dimension_mismatch_names_both_sizes(charls_encode):
    data = charls_encode(_smooth(), 8)
    with pytest.raises(JPEGLSPixelDataError, match=r"24 x 20 .* but the dataset describes 20 x 24"):
        JPEGLSDecoder().decode(data, _info(rows=20, columns=24))


def test_component_count_mismatch_is_refused(charls_encode):
    data = charls_encode(_smooth(), 8)
    with pytest.raises(JPEGLSPixelDataError, match="1 component"):
        JPEGLSDecoder().decode(data, _info(samples=3))


def test_precision_above_bits_allocated_is_refused(charls_encode):
    data = charls_encode(_smooth().astype(np.uint16) * 9, 12)
    with pytest.raises(JPEGLSPixelDataError, match="precision 12 is more than Bits Allocated 8"):
        JPEGLSDecoder().decode(data, _info())


def test_baseline_jpeg_codestream_is_not_jpeg_ls():
    image = pytest.importorskip("PIL.Image")
    buf = io.BytesIO()
    image.fromarray(_smooth(), "L").save(buf, "JPEG")
    with pytest.raises(JPEGLSPixelDataError, match="not a JPEG-LS codestream.*FFC0"):
        JPEGLSDecoder().decode(buf.getvalue(), _info())


def test_data_without_start_of_image_is_refused():
    with pytest.raises(JPEGLSPixelDataError, match="Start Of Image"):
        JPEGLSDecoder().decode(b"\x00\x01\x02\x03", _info())


def test_mapping_table_is_refused_before_charls(charls_encode):
    data = bytearray(charls_encode(_smooth(), 8))
    sos = data.find(b"\xff\xda")
    data[sos + 6] = 1  # Tm of the scan's only component: use mapping table 1
    with pytest.raises(JPEGLSPixelDataError, match="mapping table"):
        JPEGLSDecoder().decode(bytes(data), _info())


def test_huge_frame_is_refused_without_allocating(charls_encode):
    data = bytearray(charls_encode(_smooth(), 8))
    sof = data.find(b"\xff\xf7")
    data[sof + 5 : sof + 9] = b"\xff\xff\xff\xff"  # 65535 lines of 65535 samples
    info = _info(rows=65535, columns=65535, samples=1, allocated=8)
    with pytest.raises(JPEGLSPixelDataError, match="too large for pyjpegls"):
        JPEGLSDecoder().decode(bytes(data), info)


def test_near_lossless_stream_under_lossless_syntax_warns_and_decodes(charls_encode):
    source = _smooth()
    data = charls_encode(source, 8, near=2)
    with pytest.warns(JPEGLSWarning, match="NEAR=2"):
        out = JPEGLSDecoder().decode(data, _info(ts=LOSSLESS))
    assert np.abs(out.astype(int) - source).max() <= 2
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        JPEGLSDecoder().decode(data, _info(ts=NEAR_LOSSLESS))


# -- decoding: truncation, padding and trailing bytes ------------------------------------

@pytest.mark.parametrize("cut", [30, 40, 50, 65, -3])
def test_truncated_stream_is_refused_as_truncated(cut, charls_encode):
    data = charls_encode(_smooth(), 8)[:cut]
    with pytest.raises(JPEGLSPixelDataError, match=f"truncated at byte {len(data)}"):
        JPEGLSDecoder().decode(data, _info())


def test_truncated_streams_that_hang_charls_fail_fast_in_a_child(tmp_path):
    # CharLS 2.4.2 (pyjpegls 1.5.1) loops forever on some streams cut inside the scan
    # data, e.g. this 24x20 8-bit image cut at 40, 50 or 65 bytes (found by fuzzing);
    # the plugin must refuse them before CharLS sees them. A child process, so that a
    # regression shows as a timeout instead of a hung test run.
    code = textwrap.dedent("""
        import numpy as np, jpeg_ls
        from dcmcore.codecs import FrameInfo
        from dcmcore_jpegls.plugin import JPEGLSDecoder, JPEGLSPixelDataError
        y, x = np.mgrid[0:24, 0:20]
        img = ((x * 7 + y * 3) % 256).astype(np.uint8)
        full = bytes(jpeg_ls.encode_buffer(img.tobytes(), 24, 20, 1, 8))
        info = FrameInfo(24, 20, 1, 8, 8, 0, "MONOCHROME2",
                         transfer_syntax_uid="1.2.840.10008.1.2.4.80")
        for cut in (40, 50, 65):
            try:
                JPEGLSDecoder().decode(full[:cut], info)
            except JPEGLSPixelDataError as exc:
                print("refused", cut)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["refused", "40", "refused", "50", "refused", "65"]


@pytest.mark.parametrize("padding", [b"\x00", b"\x00\x00", b"\x00\x00\x00\x00"])
def test_zero_padding_before_eoi_is_removed_and_decodes(padding, charls_encode):
    jpeg_ls = pytest.importorskip("jpeg_ls")
    source = (_smooth().astype(np.uint16) * 13) % 4096
    data = charls_encode(source, 12)
    padded = data[:-2] + padding + data[-2:]
    with pytest.raises(RuntimeError):  # CharLS itself refuses this stream
        jpeg_ls.decode_from_buffer(padded)
    out = JPEGLSDecoder().decode(padded, _info(allocated=16, stored=12))
    np.testing.assert_array_equal(out, source)


def test_padding_before_eoi_in_a_real_file_decodes_like_gdcm_and_libjpeg(
    corpus_file, pydicom_array, dcmcore_array, encapsulated_file
):
    # the shape of the WG04 MR1_JLSL file (team-charls/charls#365): a 16-bit MR frame whose
    # codestream ends "... 00 FF D9"; here MR_small's own codestream with that byte added
    pydicom = pytest.importorskip("pydicom")
    from pydicom.encaps import generate_frames

    path = corpus_file("MR_small_jpeg_ls_lossless.dcm")
    frame = next(generate_frames(pydicom.dcmread(path).PixelData, number_of_frames=1))
    assert frame.endswith(b"\xff\xd9")
    padded = frame[:-2] + b"\x00" + frame[-2:]  # odd length: the fragment gets a 0x00 too
    data = encapsulated_file("MR_small_jpeg_ls_lossless.dcm", [padded])
    expected = pydicom_array(path, "pyjpegls")
    np.testing.assert_array_equal(dcmcore_array(data), expected)
    for backend in ("gdcm", "pylibjpeg"):  # decoders that accept the padding agree
        np.testing.assert_array_equal(pydicom_array(data, backend), expected)


def test_trailing_bytes_after_eoi_are_ignored(charls_encode):
    source = _smooth()
    data = charls_encode(source, 8)
    for tail in (b"\x00", b"\x12\x34\x56", b"\xff\xd9\x00"):
        np.testing.assert_array_equal(JPEGLSDecoder().decode(data + tail, _info()), source)


def test_corrupt_scan_data_raises_a_charls_message(charls_encode):
    data = bytearray(charls_encode(_smooth(), 8))
    sos = data.find(b"\xff\xda")
    data[sos + 12 : sos + 40] = bytes(range(1, 29))
    with pytest.raises(JPEGLSPixelDataError, match="CharLS"):
        JPEGLSDecoder().decode(bytes(data), _info())


def test_mutated_streams_never_crash_or_hang_in_a_child():
    # a small fuzz run in a child process: truncations, byte flips and header edits of
    # grey and colour streams must all end in a result or a JPEGLSPixelDataError
    code = textwrap.dedent("""
        import numpy as np, jpeg_ls, warnings
        from dcmcore.codecs import FrameInfo
        from dcmcore_jpegls.plugin import JPEGLSDecoder, JPEGLSPixelDataError
        warnings.simplefilter("ignore")
        rng = np.random.default_rng(2024)
        y, x = np.mgrid[0:24, 0:20]
        grey = ((x * 40 + y * 9 + rng.integers(0, 60, x.shape)) % 4096).astype("<u2")
        rgb = np.stack([x * 9, y * 7, (x * y) % 256], -1).astype("u1")
        seeds = []
        for ilv in (0, 1, 2):
            src = np.ascontiguousarray(rgb.transpose(2, 0, 1)) if ilv == 0 else rgb
            seeds.append((bytes(jpeg_ls.encode_buffer(src.tobytes(), 24, 20, 3, 8, 0, ilv)),
                          FrameInfo(24, 20, 3, 8, 8, 0, "RGB")))
        seeds.append((bytes(jpeg_ls.encode_buffer(grey.tobytes(), 24, 20, 1, 12, 2)),
                      FrameInfo(24, 20, 1, 16, 12, 0, "MONOCHROME2")))
        dec, counts = JPEGLSDecoder(), {"ok": 0, "refused": 0}
        for i in range(400):
            data, info = seeds[i % len(seeds)]
            b = bytearray(data)
            kind = i % 4
            if kind == 0:
                b = b[: rng.integers(2, len(b))]
            elif kind == 1:
                for _ in range(rng.integers(1, 6)):
                    b[rng.integers(len(b))] = rng.integers(0, 256)
            elif kind == 2:
                b[rng.integers(2, 40)] = rng.integers(0, 256)
            else:
                b[rng.integers(2, len(b)):] = rng.integers(0, 256, 8, dtype=np.uint8).tobytes()
            try:
                dec.decode(bytes(b), info)
                counts["ok"] += 1
            except JPEGLSPixelDataError:
                counts["refused"] += 1
        print(counts["ok"] + counts["refused"], counts["refused"] > 200)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["400", "True"]


# -- encoding --------------------------------------------------------------------------

def test_jls_error_with_the_lossless_syntax_is_refused():
    with pytest.raises(JPEGLSPixelDataError, match="JPEG-LS Lossless; use JPEG-LS Near-Lossless"):
        JPEGLSEncoder().encode(_smooth(), _info(ts=LOSSLESS), jls_error=2)


@pytest.mark.parametrize(("stored", "near"), [(8, 128), (4, 8), (16, 256)])
def test_jls_error_above_the_largest_near_is_refused(stored, near):
    arr = _smooth().astype(np.uint16) & ((1 << stored) - 1)
    info = _info(allocated=8 if stored <= 8 else 16, stored=stored, ts=NEAR_LOSSLESS)
    with pytest.raises(JPEGLSPixelDataError, match=f"jls_error={near} is more than"):
        JPEGLSEncoder().encode(arr.astype(f"u{info.bits_allocated // 8}"), info, jls_error=near)


@pytest.mark.parametrize("bad", [-1, 1.5, "2", True])
def test_jls_error_must_be_a_non_negative_integer(bad):
    with pytest.raises(JPEGLSPixelDataError, match="jls_error must be"):
        JPEGLSEncoder().encode(_smooth(), _info(ts=NEAR_LOSSLESS), jls_error=bad)


def test_bad_interleave_mode_is_refused():
    arr = np.stack([_smooth()] * 3, -1)
    with pytest.raises(JPEGLSPixelDataError, match="jls_interleave_mode"):
        JPEGLSEncoder().encode(arr, _info(samples=3), jls_interleave_mode=3)


@pytest.mark.parametrize(
    ("values", "allocated", "signed", "expected"),
    [
        # unsigned 12-bit values with other data in the unused bits 12-15
        ([0xA000 | 5, 0xF000 | 4095, 17], 16, 0, [5, 4095, 17]),
        # signed 12-bit values stored without sign extension (-1 as 0x0FFF, -2048 as 0x800)
        ([0x0FFF, 0x0800, 2047], 16, 1, [-1, -2048, 2047]),
        # too large for 12 bits: only the low 12 bits are stored values
        ([5000, 0, 1], 16, 0, [5000 & 0xFFF, 0, 1]),
    ],
)
def test_bits_above_bits_stored_are_dropped_with_a_warning(values, allocated, signed, expected):
    jpeg_ls = pytest.importorskip("jpeg_ls")
    arr = np.resize(np.array(values), (24, 20)).astype(f"{'i' if signed else 'u'}2")
    info = _info(allocated=allocated, stored=12, signed=signed)
    with pytest.warns(JPEGLSWarning, match="only their low 12 bits are stored values"):
        data = JPEGLSEncoder().encode(arr, info)
    pattern = np.frombuffer(jpeg_ls.decode_from_buffer(data), "<u2").reshape(24, 20)
    stored = pattern.astype(np.int32)
    if signed:
        stored = np.where(stored >= 2048, stored - 4096, stored)
    np.testing.assert_array_equal(stored, np.resize(np.array(expected), (24, 20)))


def test_values_within_bits_stored_give_no_warning():
    arr = np.resize(np.array([-2048, -1, 0, 2047]), (24, 20)).astype(np.int16)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        JPEGLSEncoder().encode(arr, _info(allocated=16, stored=12, signed=1))


def test_signed_near_lossless_refuses_values_whose_sign_could_flip(make_dataset):
    # 2047 + 3 would wrap to -2046 in 12 bits: refused (as pydicom does), with the range
    arr = np.zeros((24, 20), dtype=np.int16)
    arr[0, 0] = 2046
    ds = make_dataset(arr, "MONOCHROME2", 12)
    with pytest.raises(CodecError, match="needs values from -2045 to 2044"):
        ds.compress(NEAR_LOSSLESS, encoding_plugin="pyjpegls", jls_error=3)


@pytest.mark.parametrize(
    ("info", "message"),
    [
        (_info(samples=3, allocated=16, stored=12, pi="YBR_FULL"), "Bits Allocated 8"),
        (_info(samples=3, pi="YBR_FULL_422"), "Photometric Interpretation 'YBR_FULL_422'"),
        (_info(samples=3, signed=1), "must be unsigned"),
        (_info(stored=1), "Bits Stored\\) 1 not supported"),
        (_info(allocated=32, stored=16), "Bits Allocated 8 or 16"),
        (_info(samples=3, pi="MONOCHROME2"), "needs 1 sample"),
    ],
)
def test_frame_descriptions_outside_ps35_table_8_2_3_1_are_refused(info, message):
    shape = (info.rows, info.columns) + ((3,) if info.samples_per_pixel == 3 else ())
    dtype = f"{'i' if info.pixel_representation else 'u'}{info.bits_allocated // 8}"
    with pytest.raises(JPEGLSPixelDataError, match=message):
        JPEGLSEncoder().encode(np.zeros(shape, dtype), info)


def test_palette_colour_is_lossless_only():
    info = _info(pi="PALETTE COLOR", ts=NEAR_LOSSLESS)
    JPEGLSEncoder().encode(_smooth(), info)  # lossless under .81 is fine
    with pytest.raises(JPEGLSPixelDataError, match="not allowed for 'PALETTE COLOR'"):
        JPEGLSEncoder().encode(_smooth(), info, jls_error=1)


def test_frame_shape_must_match_the_description():
    with pytest.raises(JPEGLSPixelDataError, match="shape"):
        JPEGLSEncoder().encode(_smooth()[:10], _info())


def test_compress_reports_the_plugin_error(make_dataset):
    ds = make_dataset(_smooth(), "MONOCHROME2", 8)
    with pytest.raises(CodecError, match="pyjpegls'?: JPEGLSPixelDataError: jls_error=2 asks"):
        ds.compress(LOSSLESS, encoding_plugin="pyjpegls", jls_error=2)
    assert ds.file_meta.TransferSyntaxUID != LOSSLESS  # left uncompressed


def test_decode_error_through_the_pipeline_names_the_plugin(charls_encode, encapsulated_file):
    bad = charls_encode(_smooth(64, 64), 8)[:-20]
    data = encapsulated_file("MR_small_jpeg_ls_lossless.dcm", [bad], BitsAllocated=8,
                             BitsStored=8, HighBit=7, PixelRepresentation=0)
    ds = dcmcore.dcmread(io.BytesIO(data))
    ds.pixel_array_options(decoding_plugin="pyjpegls")
    with pytest.raises(CodecError, match="pyjpegls'?: JPEGLSPixelDataError: JPEG-LS codestream "
                                         "truncated"):
        ds.pixel_array  # noqa: B018
