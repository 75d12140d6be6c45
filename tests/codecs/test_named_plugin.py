"""Asking by name for a plugin that is installed but cannot be used says why."""

from __future__ import annotations

import pytest

import dcmcore.pixels
from dcmcore import codecs
from dcmcore.errors import PluginError

pytest.importorskip("dcmcore_rle")
pydicom_data = pytest.importorskip("pydicom.data")


def test_a_blocked_plugin_asked_by_name_is_reported_blocked_not_missing() -> None:
    path = pydicom_data.get_testdata_file("MR_small_RLE.dcm")
    codecs.block("dcmcore-rle")
    try:
        with pytest.raises(PluginError, match="blocked") as caught:
            dcmcore.pixels.pixel_array(path, decoding_plugin="rle")
        assert "is installed" not in str(caught.value)
        assert isinstance(caught.value, ValueError)  # what a pydicom user catches
    finally:
        codecs.unblock("dcmcore-rle")
    assert dcmcore.pixels.pixel_array(path, decoding_plugin="rle").shape == (64, 64)


def test_an_unknown_name_is_still_reported_as_not_installed() -> None:
    path = pydicom_data.get_testdata_file("MR_small_RLE.dcm")
    with pytest.raises(PluginError, match="is installed"):
        dcmcore.pixels.pixel_array(path, decoding_plugin="no-such-plugin")


def test_codecs_command_says_which_plugin_decoded_a_file(capsys: pytest.CaptureFixture[str]
                                                          ) -> None:
    from dcmcore.codecs.__main__ import main

    path = pydicom_data.get_testdata_file("MR_small_RLE.dcm")
    assert main(["--file", path, "--plugin", "rle"]) == 0
    out = capsys.readouterr().out
    assert "RLE Lossless (1.2.840.10008.1.2.5)" in out  # the report for the file's syntax
    assert out.rstrip().endswith("decoded by rle (dcmcore-rle), RLE Lossless")
