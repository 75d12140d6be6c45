"""The dcmcore plugin face: attributes, hooks, entry point, pickling, output dtypes and colour."""

from __future__ import annotations

import pickle
import re
import struct
from importlib import metadata

import numpy as np
import pytest
from dcmcore_openjpeg import plugin
from dcmcore_openjpeg.plugin import (
    HTJ2K,
    HTJ2K_LOSSLESS,
    HTJ2K_LOSSLESS_RPCL,
    JPEG2000,
    JPEG2000_LOSSLESS,
    OpenJpegDecoder,
    OpenJpegEncoder,
)

from dcmcore.codecs import DecodedFrame, Decoder, EncodedFrame, Encoder, FrameInfo

openjpeg = pytest.importorskip("openjpeg")
from openjpeg.utils import encode_array  # noqa: E402

ALL = (JPEG2000_LOSSLESS, JPEG2000, HTJ2K_LOSSLESS, HTJ2K_LOSSLESS_RPCL, HTJ2K)


def _info(rows=64, columns=64, samples=1, bits=16, stored=None, signed=False, pi=None,
          uid=JPEG2000_LOSSLESS) -> FrameInfo:
    return FrameInfo(
        rows=rows, columns=columns, samples_per_pixel=samples, bits_allocated=bits,
        bits_stored=stored or bits, pixel_representation=int(signed),
        photometric_interpretation=pi or ("RGB" if samples == 3 else "MONOCHROME2"),
        transfer_syntax_uid=uid,
    )


def test_codecs_declare_names_syntaxes_and_priority():
    dec, enc = OpenJpegDecoder(), OpenJpegEncoder()
    assert isinstance(dec, Decoder) and isinstance(enc, Encoder)
    assert dec.name == enc.name == "openjpeg"
    assert dec.transfer_syntaxes == ALL
    assert enc.transfer_syntaxes == (JPEG2000_LOSSLESS, JPEG2000)  # no HTJ2K encoder
    assert dec.priority == enc.priority == 60
    assert dec.thread_safe is enc.thread_safe is False  # the GIL is held: processes
    assert dec.requires == enc.requires == ("openjpeg",)
    assert dec.unavailable_reason() is None and enc.unavailable_reason() is None
    assert enc.options == {"j2k_cr": None, "j2k_psnr": None, "use_mct": None}


def test_library_and_licence_match_the_installed_distribution():
    meta = metadata.metadata("pylibjpeg-openjpeg")
    assert OpenJpegDecoder.library == OpenJpegEncoder.library == meta["Name"]
    # The wheel is MIT and bundles openjpeg, whose licence text (2-clause BSD) it ships.
    licence_files = [f for f in metadata.files("pylibjpeg-openjpeg") or []
                     if f.name.upper().startswith("LICENSE")]
    text = "\n".join(f.read_text() for f in licence_files)
    assert meta["License"] == "MIT" and "MIT License" in text
    assert re.search(r"openjpeg\s.*2-clauses\s+BSD License", text, re.S)
    assert OpenJpegDecoder.license == OpenJpegEncoder.license == "MIT AND BSD-2-Clause"


def test_hooks_return_one_decoder_and_one_encoder():
    assert [type(d) for d in plugin.dcmcore_decoders()] == [OpenJpegDecoder]
    assert [type(e) for e in plugin.dcmcore_encoders()] == [OpenJpegEncoder]


def test_entry_point_is_registered_in_the_dcmcore_group():
    eps = {ep.name: ep.value for ep in metadata.entry_points(group="dcmcore")}
    assert eps.get("openjpeg") == "dcmcore_openjpeg.plugin"


@pytest.mark.parametrize("uid", ALL)
def test_core_selection_finds_the_decoder_by_name(uid):
    from dcmcore.codecs import selection

    decoders = selection.decoders_for(uid, plugin="openjpeg")
    assert decoders and isinstance(decoders[0], OpenJpegDecoder)


@pytest.mark.parametrize("uid", [JPEG2000_LOSSLESS, JPEG2000])
def test_core_selection_finds_the_encoder_by_name(uid):
    from dcmcore.codecs import selection

    encoders = selection.encoders_for(uid, plugin="openjpeg")
    assert encoders and isinstance(encoders[0], OpenJpegEncoder)


def test_module_import_does_not_import_openjpeg():
    import subprocess
    import sys

    code = ("import sys, dcmcore_openjpeg.plugin as p; p.dcmcore_decoders(); "
            "p.OpenJpegDecoder().unavailable_reason(); print('openjpeg' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


def test_codecs_pickle_and_work_after_unpickling():
    dec = pickle.loads(pickle.dumps(OpenJpegDecoder()))
    enc = pickle.loads(pickle.dumps(OpenJpegEncoder()))
    arr = (np.arange(64 * 64).reshape(64, 64) % 4096).astype(np.uint16)
    info = _info(stored=12)
    data = enc.encode(arr, info, **enc.options)
    assert isinstance(data, bytes)
    assert np.array_equal(dec.decode(data, info), arr)


def test_decoder_accepts_a_memoryview():
    arr = (np.arange(64 * 64).reshape(64, 64) % 256).astype(np.uint8)
    data = encode_array(arr, 8, 2, False)
    out = OpenJpegDecoder().decode(memoryview(bytearray(data)), _info(bits=8))
    assert np.array_equal(out, arr)


@pytest.mark.parametrize(("precision", "signed", "bits", "dtype"), [
    (8, False, 8, np.uint8), (8, True, 8, np.int8), (8, False, 16, np.uint8),
    (12, False, 16, np.uint16), (12, True, 16, np.int16), (16, True, 16, np.int16),
    (20, False, 32, np.uint32), (24, True, 32, np.int32),
])
def test_decoder_returns_openjpegs_container_and_the_codestream_sign(precision, signed, bits,
                                                                    dtype):
    rng = np.random.default_rng(precision)
    lo, hi = (-(1 << (precision - 1)), (1 << (precision - 1))) if signed else (0, 1 << precision)
    itemsize = max(1, bits // 8) if precision > 8 else 1
    arr = rng.integers(lo, hi, (40, 48)).astype(f"{'i' if signed else 'u'}{itemsize}")
    out = OpenJpegDecoder().decode(encode_array(arr, precision, 2, False),
                                   _info(40, 48, bits=bits, stored=precision, signed=signed))
    assert out.dtype == dtype and out.shape == (40, 48)
    assert np.array_equal(out, arr)


@pytest.mark.parametrize(("pi", "mct", "returned"), [
    ("RGB", False, None), ("RGB", True, None), ("YBR_FULL", False, None),
    ("YBR_RCT", True, "RGB"), ("YBR_ICT", True, "RGB"),
    ("YBR_RCT", False, "RGB"),  # non-conformant: no transform, yet labelled YBR_RCT
])
def test_colour_space_of_the_returned_array(pi, mct, returned):
    rgb = (np.arange(64 * 64 * 3).reshape(64, 64, 3) % 253).astype(np.uint8)
    data = encode_array(rgb, 8, 1 if mct else 0, mct)
    out = OpenJpegDecoder().decode(data, _info(samples=3, bits=8, pi=pi))
    if returned is None:
        assert isinstance(out, np.ndarray)
        arr = out
    else:
        assert isinstance(out, DecodedFrame) and out.photometric_interpretation == returned
        arr = out.array
    assert np.array_equal(arr, rgb)  # openjpeg undid the transform when there was one


def _jp2(codestream: bytes, colourspace: int, components: int) -> bytes:
    def box(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", 8 + len(payload)) + kind + payload

    ihdr = box(b"ihdr", struct.pack(">IIHBBBB", 64, 64, components, 7, 7, 0, 0))
    colr = box(b"colr", bytes([1, 0, 0]) + struct.pack(">I", colourspace))
    return (b"\x00\x00\x00\x0cjP  \r\n\x87\n" + box(b"ftyp", b"jp2 \x00\x00\x00\x00jp2 ")
            + box(b"jp2h", ihdr + colr) + box(b"jp2c", codestream))


def test_jp2_sycc_is_converted_by_openjpeg_and_reported_as_rgb(encapsulated, ours):
    from dcmcore.pixels.colour import convert_colour_space

    rgb = np.random.default_rng(0).integers(0, 256, (64, 64, 3), dtype=np.uint8)
    ybr = np.ascontiguousarray(convert_colour_space(rgb, "RGB", "YBR_FULL"))
    data = _jp2(encode_array(ybr, 8, 0, False), 18, 3)
    out = OpenJpegDecoder().decode(data, _info(samples=3, bits=8, pi="YBR_FULL"))
    assert isinstance(out, DecodedFrame) and out.photometric_interpretation == "RGB"
    assert np.abs(out.array.astype(int) - rgb).max() <= 2
    # through the core: not converted a second time
    ds = encapsulated([data], JPEG2000_LOSSLESS, rows=64, columns=64, samples=3,
                      bits_allocated=8, photometric="YBR_FULL")
    assert np.abs(ours(ds).astype(int) - rgb).max() <= 2


def test_encoder_returns_bytes_when_nothing_changes_and_encoded_frame_otherwise():
    rgb = (np.arange(64 * 64 * 3).reshape(64, 64, 3) % 253).astype(np.uint8)
    enc = OpenJpegEncoder()
    plain = enc.encode(rgb, _info(samples=3, bits=8), **enc.options)
    assert isinstance(plain, bytes)
    rct = enc.encode(rgb, _info(samples=3, bits=8), **{**enc.options, "use_mct": True})
    assert rct == EncodedFrame(rct.data, "YBR_RCT", "")
    ict = enc.encode(rgb, _info(samples=3, bits=8, uid=JPEG2000),
                     **{**enc.options, "use_mct": True, "j2k_cr": [4]})
    assert (ict.photometric_interpretation, ict.lossy_method) == ("YBR_ICT", "ISO_15444_1")
    lossy = enc.encode(rgb, _info(samples=3, bits=8, uid=JPEG2000),
                       **{**enc.options, "j2k_psnr": [40]})
    assert (lossy.photometric_interpretation, lossy.lossy_method) == ("", "ISO_15444_1")


def test_parallel_decode_in_processes_equals_sequential(image, native, ours):
    arr = image("ramp", (64, 64), 12, True, frames=6)
    ds = native(arr, "MONOCHROME2", 12)
    ds.compress(JPEG2000_LOSSLESS, encoding_plugin="openjpeg")
    assert np.array_equal(ours(ds, workers=2), arr)
