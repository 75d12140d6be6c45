"""Codestream facts the core applies (JPEG 2000 / JPEG-LS signedness, JPEG colour space),
checked against pydicom with the same pass-through "decoder" plugged into both."""

from __future__ import annotations

import struct
import warnings

import numpy as np
import pytest

from tests.pixel_datasets import TEST_FILES, assert_same_array, make_ds

pydicom = pytest.importorskip("pydicom")
codecs = pytest.importorskip("dcmcore.codecs")

import dcmcore.pixels as px  # noqa: E402
from dcmcore.pixels import codestream  # noqa: E402

J2K = "1.2.840.10008.1.2.4.90"
JLS = "1.2.840.10008.1.2.4.80"
JPEG = "1.2.840.10008.1.2.4.50"
PAYLOAD = 64  # synthetic codestreams: a real header, padded, then raw little endian pixels


def _j2k_header(precision: int, signed: bool, rows: int = 5, cols: int = 6,
                components: int = 1) -> bytes:
    # SIZ: Lsiz Rsiz Xsiz Ysiz XOsiz YOsiz XTsiz YTsiz XTOsiz YTOsiz Csiz, then Ssiz
    siz = bytearray(b"\xff\x4f\xff\x51" + struct.pack(">HHLLLLLLLLH", 41, 0, cols + 1,
                                                         rows + 2, 1, 2, cols, rows, 0, 0,
                                                         components))
    siz.append((precision - 1) | (0x80 if signed else 0))
    return bytes(siz).ljust(PAYLOAD, b"\x00")


def _jpeg_header(sof: bytes, precision: int, rows: int, cols: int, ids: list[int],
                 jfif: bool = False, sos: bool = False) -> bytes:
    out = bytearray(b"\xff\xd8")
    if jfif:
        body = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
        out += b"\xff\xe0" + struct.pack(">H", len(body) + 2) + body
    comps = b"".join(bytes([i, 0x11, 0]) for i in ids)
    out += sof + struct.pack(">HBHHB", 8 + len(comps), precision, rows, cols, len(ids)) + comps
    if sos:
        scan = bytes([len(ids)]) + b"".join(bytes([i, 0]) for i in ids) + b"\x00\x00\x00"
        out += b"\xff\xda" + struct.pack(">H", len(scan) + 2) + scan
    assert len(out) <= PAYLOAD
    return bytes(out).ljust(PAYLOAD, b"\x00")


# ---- the pass-through plugin, in pydicom's and in dcmcore's form ---------------------

def is_available(uid) -> bool:  # pydicom plugin protocol
    return True


DECODER_DEPENDENCIES = {J2K: (), JLS: (), JPEG: ()}


def pd_passthrough(src: bytes, runner) -> bytes:
    return bytes(src[PAYLOAD:])


class Passthrough(codecs.Decoder):
    name = "passthrough"
    transfer_syntaxes = (J2K, JLS, JPEG)
    thread_safe = True

    def decode(self, data, info, **options):
        dtype = np.dtype(f"<u{info.bits_allocated // 8}")
        n = info.rows * info.columns * info.samples_per_pixel
        arr = np.frombuffer(bytes(data[PAYLOAD:]), dtype=dtype, count=n)
        return arr.reshape(info.rows, info.columns, -1)


class _Plugin:
    @staticmethod
    @codecs.hookimpl
    def dcmcore_decoders():
        return [Passthrough()]


@pytest.fixture(scope="module")
def passthrough():
    from pydicom.pixels.decoders.base import get_decoder

    name = __name__
    codecs.register(_Plugin, name="test-passthrough")
    added = []
    for uid in (J2K, JLS, JPEG):
        dec = get_decoder(uid)
        if "passthrough" not in dec._available:
            dec.add_plugin("passthrough", (name, "pd_passthrough"))
            added.append(dec)
    yield
    for dec in added:
        dec.remove_plugin("passthrough")
    codecs.unregister("test-passthrough")


def _dataset(ts, header, raw, **module):
    ds = make_ds(**module)
    ds.file_meta.TransferSyntaxUID = ts
    ds.PixelData = px.encapsulate([header + raw])
    ds["PixelData"].VR = "OB"
    return ds


def _compare(ds, **opts):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = pydicom.pixels.pixel_array(ds, decoding_plugin="passthrough", **opts)
        got = px.pixel_array(ds, decoding_plugin="passthrough", **opts)
    assert_same_array(ref, got)
    return got


@pytest.mark.parametrize("pr", [0, 1])
@pytest.mark.parametrize("signed", [False, True])
@pytest.mark.parametrize("precision", [12, 16])
@pytest.mark.parametrize("bs", [12, 16])
def test_j2k_signedness_correction_matches_pydicom(passthrough, pr, signed, precision, bs):
    # what a decoder returns for such a codestream: values of `precision` bits, signed
    # ones as 16-bit two's complement (the core sign-extends a signed codestream from its
    # precision, which changes nothing here; pydicom trusts the decoder when signs agree)
    low, high = (-(2 ** (precision - 1)), 2 ** (precision - 1)) if signed else (0, 2**precision)
    values = np.random.default_rng(precision + bs).integers(low, high, 6 * 5)
    raw = values.astype("<i2" if signed else "<u2")
    ds = _dataset(J2K, _j2k_header(precision, signed), raw.tobytes(), rows=5, cols=6,
                  ba=16, bs=bs, pr=pr)
    _compare(ds)


@pytest.mark.parametrize("pr", [0, 1])
@pytest.mark.parametrize("precision", [10, 16])
@pytest.mark.parametrize("bs", [10, 16])
def test_jpegls_sign_extension_matches_pydicom(passthrough, pr, precision, bs):
    raw = np.random.default_rng(precision * bs).integers(0, 2**16, 6 * 5, dtype="<u2")
    header = _jpeg_header(b"\xff\xf7", precision, 5, 6, [1], sos=True)
    ds = _dataset(JLS, header, raw.tobytes(), rows=5, cols=6, ba=16, bs=bs, pr=pr)
    _compare(ds)


@pytest.mark.parametrize("pi,ids,jfif", [
    ("YBR_FULL_422", [82, 71, 66], False),   # RGB component IDs: data is RGB, no conversion
    ("RGB", [1, 2, 3], True),                # JFIF marker: data is YCbCr, converted
    ("YBR_FULL", [1, 2, 3], False),          # as the dataset says
    ("RGB", [1, 2, 3], False),
])
def test_jpeg_colour_space_conformance_matches_pydicom(passthrough, pi, ids, jfif):
    raw = np.random.default_rng(7).integers(0, 256, 4 * 6 * 3, dtype=np.uint8)
    header = _jpeg_header(b"\xff\xc0", 8, 4, 6, ids, jfif=jfif)
    ds = _dataset(JPEG, header, raw.tobytes(), rows=4, cols=6, spp=3, ba=8, pi=pi)
    _compare(ds)
    _compare(ds, raw=True)


def test_codestream_facts_agree_with_pydicom_on_corpus_files():
    from pydicom.encaps import generate_frames
    from pydicom.pixels.utils import _get_jpg_parameters, get_j2k_parameters

    checked = 0
    not_describing = set()
    for path in sorted(TEST_FILES.glob("*.dcm")):
        try:
            ds = pydicom.dcmread(path)
        except Exception:  # noqa: BLE001 - not a Part 10 file
            continue
        ts = str(getattr(ds, "file_meta", {}).get("TransferSyntaxUID", ""))
        if not ts.startswith("1.2.840.10008.1.2.4.") or "PixelData" not in ds:
            continue
        n = int(ds.get("NumberOfFrames", 1) or 1)
        frame = next(generate_frames(ds.PixelData, number_of_frames=n))
        facts = codestream.inspect(frame)
        if facts.kind and not facts.describes(ds.Rows, ds.Columns, ds.SamplesPerPixel):
            not_describing.add(path.name)
        if facts.kind == "j2k":
            ref = get_j2k_parameters(frame)
            assert (facts.precision, facts.is_signed) == (ref["precision"], ref["is_signed"])
        elif facts.kind in ("jpeg", "jpegls"):
            ref = _get_jpg_parameters(frame)
            assert facts.precision == ref["precision"]
            assert facts.component_ids == ref["component_ids"]
            assert set(facts.app) == {m[1] for m in ref.get("app", {})}
        else:
            continue
        checked += 1
    assert checked > 20
    # the check that keeps native bytes from passing for a codestream holds on real data;
    # the one exception is corrupt (sequence delimiter bytes in its SIZ marker)
    assert not_describing == {"JPEG2000-embedded-sequence-delimiter.dcm"}


def test_unrecognised_or_truncated_codestreams_are_harmless():
    for data in (b"", b"\xff", b"\xff\xd8", b"\xff\xd8\xff\xe0\x00", b"\xff\x4f\xff\x51",
                 b"RLE" * 10, b"\x00\x00\x00\x0cjP  \r\n\x87\n" + b"\x00" * 8):
        assert codestream.inspect(data).kind == ""


@pytest.mark.parametrize("header", [
    _j2k_header(12, True, rows=6, cols=5),           # another frame size
    _j2k_header(12, True, components=3),             # another number of samples
    _jpeg_header(b"\xff\xf7", 10, 5, 7, [1], sos=True),
])
def test_codestream_that_does_not_describe_the_frame_is_not_used(header):
    mod = px.api.dataset_source(make_ds(rows=5, cols=6, ba=16, bs=12, pr=1)).module
    facts = codestream.inspect(header)
    assert facts.kind and not facts.describes(5, 6, 1)
    # neither sign correction: only the bits-stored correction of unrecognised data
    assert codestream.corrections(facts, mod, {}) == ("MONOCHROME2", 4)


@pytest.mark.parametrize("as_rgb", [True, False])
def test_decompress_of_sub_sampled_jpeg_is_not_labelled_sub_sampled(passthrough, as_rgb):
    raw = np.random.default_rng(9).integers(0, 256, 4 * 6 * 3, dtype=np.uint8)
    header = _jpeg_header(b"\xff\xc0", 8, 4, 6, [1, 2, 3])
    ds = _dataset(JPEG, header, raw.tobytes(), rows=4, cols=6, spp=3, ba=8,
                  pi="YBR_FULL_422")
    expected = px.pixel_array(ds, decoding_plugin="passthrough", as_rgb=as_rgb)
    px.decompress(ds, decoding_plugin="passthrough", as_rgb=as_rgb)
    assert ds.PhotometricInterpretation == ("RGB" if as_rgb else "YBR_FULL")
    assert_same_array(expected, px.pixel_array(ds, raw=True))


def test_signed_j2k_samples_narrower_than_bits_allocated_are_sign_extended():
    """A signed codestream agreeing with Pixel Representation 1 is still sign-extended
    from its precision: a decoder may return the samples' unsigned bit patterns."""
    mod = px.api.dataset_source(make_ds(rows=5, cols=6, ba=16, bs=8, pr=1)).module
    facts = codestream.inspect(_j2k_header(8, True))
    assert codestream.corrections(facts, mod, {}) == ("MONOCHROME2", 8)


def _adobe_segment(transform: int) -> bytes:
    body = b"Adobe" + struct.pack(">HHHB", 100, 0, 0, transform)
    return b"\xff\xee" + struct.pack(">H", len(body) + 2) + body


@pytest.mark.parametrize("transform, expected", [(1, "YBR_FULL_422"), (0, "RGB")])
def test_adobe_colour_transform_decides_the_colour_space_of_rgb_labelled_jpeg(
        transform, expected):
    header = _jpeg_header(b"\xff\xc0", 8, 5, 6, [1, 2, 3])
    header = header[:2] + _adobe_segment(transform) + header[2:]
    ds = make_ds(rows=5, cols=6, ba=8, bs=8, pr=0, spp=3, pi="RGB")
    mod = px.api.dataset_source(ds).module
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pi, _ = codestream.corrections(codestream.inspect(header), mod, {})
    assert pi == expected
    assert bool(caught) == (transform == 1)
