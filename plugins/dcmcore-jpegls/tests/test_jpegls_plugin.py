"""The plugin is found through its entry point and describes itself truthfully."""

from __future__ import annotations

import concurrent.futures as cf
import importlib.metadata
import pickle
import subprocess
import sys

import numpy as np
import pytest
from dcmcore_jpegls.plugin import JPEGLSDecoder, JPEGLSEncoder

import dcmcore.codecs
from dcmcore.codecs import FrameInfo

SYNTAXES = ("1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.81")


def test_entry_point_names_the_plugin_module():
    eps = importlib.metadata.entry_points(group="dcmcore")
    (ep,) = [e for e in eps if e.name == "jpegls"]
    assert ep.value == "dcmcore_jpegls.plugin"
    assert ep.dist is not None and ep.dist.name == "dcmcore-jpegls"


@pytest.mark.parametrize("kind", ["decoder", "encoder"])
def test_codec_is_listed_available_for_both_jpegls_syntaxes(kind):
    listing = (dcmcore.codecs.available_decoders() if kind == "decoder"
               else dcmcore.codecs.available_encoders())
    (mine,) = [c for c in listing if c.name == "pyjpegls"]
    assert mine.available and mine.reason is None
    assert mine.plugin == "jpegls" and mine.distribution == "dcmcore-jpegls"
    assert set(mine.transfer_syntaxes) == set(SYNTAXES)
    assert mine.thread_safe is False


def test_selection_by_plugin_name_reaches_this_decoder():
    decoders = dcmcore.codecs.decoders_for(SYNTAXES[0], plugin="pyjpegls")
    assert [type(d) for d in decoders] == [JPEGLSDecoder]


def test_library_and_licence_match_the_installed_metadata():
    meta = importlib.metadata.metadata("pyjpegls")
    for codec in (JPEGLSDecoder(), JPEGLSEncoder()):
        assert codec.library == meta["Name"]
        assert codec.license == meta["License"]
        assert codec.requires == ("jpeg_ls",)
        assert codec.unavailable_reason() is None


def test_codec_library_is_not_imported_by_the_plugin_module():
    code = ("import sys, dcmcore_jpegls.plugin; "
            "print('jpeg_ls' in sys.modules or '_CharLS' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=60)
    assert out.stdout.strip() == "False"


def test_encoder_declares_its_options_and_drops_others():
    enc = JPEGLSEncoder()
    assert enc.options == {"jls_error": 0, "jls_interleave_mode": 2}
    assert enc.accepted_options({"jls_error": 3, "j2k_cr": [20]}) == {
        "jls_error": 3, "jls_interleave_mode": 2}


def test_instances_pickle_for_process_pools():
    for codec in (JPEGLSDecoder(), JPEGLSEncoder()):
        clone = pickle.loads(pickle.dumps(codec))
        assert type(clone) is type(codec) and clone.name == "pyjpegls"


def test_decoder_holds_the_gil_as_thread_safe_false_says():
    # thread_safe must be False unless the library releases the GIL: pyjpegls' extension
    # module never calls PyEval_SaveThread (Cython's "with nogil"), so it cannot
    import _CharLS

    with open(_CharLS.__file__, "rb") as f:
        binary = f.read()
    assert b"PyEval_SaveThread" not in binary
    assert JPEGLSDecoder.thread_safe is False and JPEGLSEncoder.thread_safe is False


def test_concurrent_decodes_in_threads_give_the_same_arrays(charls_encode):
    rng = np.random.default_rng(3)
    frames = [rng.integers(0, 4096, (40, 30)).astype(np.uint16) for _ in range(8)]
    streams = [charls_encode(f, 12) for f in frames]
    info = FrameInfo(40, 30, 1, 16, 12, 0, "MONOCHROME2", transfer_syntax_uid=SYNTAXES[0])
    dec = JPEGLSDecoder()
    with cf.ThreadPoolExecutor(4) as pool:
        out = list(pool.map(lambda s: dec.decode(s, info), streams * 4))
    for i, arr in enumerate(out):
        np.testing.assert_array_equal(arr, frames[i % len(frames)])


def test_module_report_lists_the_plugin_for_jpegls():
    out = subprocess.run([sys.executable, "-m", "dcmcore.codecs", "JPEGLSNearLossless"],
                         capture_output=True, text=True, check=True, timeout=60)
    assert "jpegls (dcmcore-jpegls" in out.stdout
    assert "pyjpegls (dcmcore-jpegls)" in out.stdout
