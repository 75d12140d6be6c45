"""The plugin as dcmcore sees it: entry point, attributes, laziness, pickling."""

from __future__ import annotations

import pickle
import subprocess
import sys
from importlib import metadata

import pytest
from dcmcore_gdcm.plugin import (
    DECODE_SYNTAXES,
    ENCODE_SYNTAXES,
    GDCMDecoder,
    GDCMEncoder,
    GDCMPixelDataError,
)

import dcmcore.codecs
from dcmcore.errors import PixelDataError


def test_entry_point_names_the_plugin_module():
    eps = metadata.entry_points(group="dcmcore")
    found = [ep for ep in eps if ep.name == "gdcm"]
    assert len(found) == 1
    assert found[0].value == "dcmcore_gdcm.plugin"


def test_dcmcore_lists_the_gdcm_decoder_and_encoder_for_every_syntax():
    decoders = [c for c in dcmcore.codecs.available_decoders() if c.name == "gdcm"]
    encoders = [c for c in dcmcore.codecs.available_encoders() if c.name == "gdcm"]
    assert len(decoders) == 1 and len(encoders) == 1
    assert set(decoders[0].transfer_syntaxes) == set(DECODE_SYNTAXES)
    assert set(encoders[0].transfer_syntaxes) == set(ENCODE_SYNTAXES)
    assert decoders[0].distribution == "dcmcore-gdcm" and decoders[0].plugin == "gdcm"
    assert decoders[0].available and not decoders[0].thread_safe


def test_decoded_syntaxes_are_the_jpeg_jpegls_j2k_and_rle_ones():
    assert set(DECODE_SYNTAXES) == {
        "1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51", "1.2.840.10008.1.2.4.57",
        "1.2.840.10008.1.2.4.70", "1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.81",
        "1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91", "1.2.840.10008.1.2.5",
    }
    assert set(ENCODE_SYNTAXES) < set(DECODE_SYNTAXES)


@pytest.mark.parametrize("codec", [GDCMDecoder(), GDCMEncoder()], ids=["decoder", "encoder"])
def test_codec_attributes(codec):
    assert codec.name == "gdcm"
    assert codec.priority == 30  # a fallback behind the dedicated plugins
    assert codec.thread_safe is False  # python-gdcm holds the GIL (README: measured)
    assert codec.process_safe is True
    assert codec.requires == ("gdcm",)
    assert codec.library == "python-gdcm"
    assert codec.unavailable_reason() is None


def test_licence_is_the_one_in_python_gdcm_metadata():
    meta = metadata.metadata("python-gdcm")
    declared = meta.get("License-Expression") or meta.get("License")
    assert GDCMDecoder.license == GDCMEncoder.license == declared


@pytest.mark.parametrize("codec", [GDCMDecoder(), GDCMEncoder()], ids=["decoder", "encoder"])
def test_codecs_pickle_for_process_pools(codec):
    clone = pickle.loads(pickle.dumps(codec))
    assert type(clone) is type(codec) and clone.name == codec.name


def test_error_is_a_dcmcore_pixel_data_error_and_a_value_error():
    assert issubclass(GDCMPixelDataError, PixelDataError)
    assert issubclass(GDCMPixelDataError, ValueError)


def test_importing_the_plugin_module_does_not_import_gdcm():
    code = (
        "import sys, dcmcore_gdcm.plugin, dcmcore_gdcm.checks, dcmcore_gdcm.gdcm_io\n"
        "print('gdcm' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


def test_encoder_options_are_declared_with_defaults():
    assert dict(GDCMEncoder.options) == {
        "jls_error": None, "j2k_cr": None, "j2k_psnr": None, "j2k_mct": True,
        "gdcm_max_frame_bytes": 1 << 30,
    }
    assert dict(GDCMDecoder.options) == {"gdcm_max_frame_bytes": 1 << 30}


def test_memory_headroom_is_known_on_linux():
    from dcmcore_gdcm import memory

    if not sys.platform.startswith("linux"):
        pytest.skip("Linux only")
    headroom = memory.memory_headroom()
    assert isinstance(headroom, int) and headroom > 0
    assert memory.check_frame_memory(1 << 20, None) is None
    assert "more than gdcm_max_frame_bytes" in memory.check_frame_memory(2048, 1024)
    huge = memory.check_frame_memory(headroom, None)  # needs 10x what is left
    assert huge is not None and "aborts the process" in huge


def test_max_frame_bytes_option_reaches_the_decoder_through_dcmcore(corpus_file):
    import dcmcore
    from dcmcore.errors import CodecError

    ds = dcmcore.dcmread(corpus_file("MR_small_jpeg_ls_lossless.dcm"))
    ds.pixel_array_options(decoding_plugin="gdcm", gdcm_max_frame_bytes=4096)
    with pytest.raises(CodecError, match="8192 bytes decoded, more than gdcm_max_frame_bytes"):
        _ = ds.pixel_array
    ds.pixel_array_options(decoding_plugin="gdcm", gdcm_max_frame_bytes=8192)
    assert ds.pixel_array.shape == (64, 64)
