"""Checks run in a child process that has the installed example plugin on sys.path.

Usage: python example_plugin_checks.py CHECK   (one of the functions below)
Each check prints "ok" and exits 0, or fails with an AssertionError.
"""

from __future__ import annotations

import sys

import numpy as np

from dcmcore import codecs, examples, pixels, uid
from dcmcore.codecs import config

SYNTAX = uid.DeflatedImageFrameCompression


def signed_12_bit_ct():
    """The ct example as 12-bit signed data, so the core must sign-extend."""
    ds = examples.ct
    hu = ds.pixel_array.astype(np.int32) + int(float(ds.RescaleIntercept))
    values = np.clip(hu, -2048, 2047).astype(np.int16)
    ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 12, 11, 1
    ds.PixelData = values.tobytes()
    return ds, values


def discovered() -> None:
    plugins = {p.name: p for p in codecs.list_plugins()}
    assert "example" in plugins, sorted(plugins)
    plugin = plugins["example"]
    assert (plugin.distribution, plugin.version, plugin.status) == (
        "dcmcore-example-codec", "1.0.0", "loaded"), plugin
    assert plugin.source == "entry point", plugin.source
    decoders = {c.name: c for c in codecs.available_decoders()}
    assert decoders["example-zlib"].available and decoders["example-zlib"].license == "MIT"
    # by priority: dcmcore's builtin deflate (50) first, the example (40) second
    assert [d.name for d in codecs.decoders_for(SYNTAX)] == ["deflate", "example-zlib"]


def selected_by_name() -> None:
    ds, values = signed_12_bit_ct()
    pixels.compress(ds, SYNTAX, encoding_plugin="example-zlib", example_level=9)
    assert ds.file_meta.TransferSyntaxUID == SYNTAX
    arr = pixels.pixel_array(ds, decoding_plugin="example-zlib")
    record = pixels.decoded_by(arr)
    assert record.decoders == ("example-zlib",), record
    assert record.distributions == ("dcmcore-example-codec",), record
    np.testing.assert_array_equal(arr, values)


def ordered_by_configuration() -> None:
    # the environment (DCMCORE_PLUGIN_ORDER_DeflatedImageFrameCompression) or the
    # dcmcore.toml in the working folder put the example first; checked by the caller's env
    expected = sys.argv[2]
    names = [d.name for d in codecs.decoders_for(SYNTAX)]
    assert names[0] == expected, names
    ds, values = signed_12_bit_ct()
    pixels.compress(ds, SYNTAX)
    arr = ds.pixel_array
    assert ds.decoded_by.decoders == (expected,), ds.decoded_by
    np.testing.assert_array_equal(arr, values)
    placed = codecs.effective_order(SYNTAX)[SYNTAX]
    assert placed.decoder_order[0] == expected
    assert sys.argv[3] in placed.decoders[0].placed_by, placed.decoders[0]


def ordered_by_scoped_override() -> None:
    with config.using(order=["example"], ts="DeflatedImageFrameCompression"):
        assert [d.name for d in codecs.decoders_for(SYNTAX)][0] == "example-zlib"
    assert [d.name for d in codecs.decoders_for(SYNTAX)][0] == "deflate"
    config.set_order(SYNTAX, ["example-zlib"])
    assert [d.name for d in codecs.decoders_for(SYNTAX)][0] == "example-zlib"
    config.disable("dcmcore-example-codec")
    assert [d.name for d in codecs.decoders_for(SYNTAX)] == ["deflate"]


def post_processed_by_the_core() -> None:
    # signed 12-bit: the plugin returns unsigned 16-bit words, the core sign-extends
    ds, values = signed_12_bit_ct()
    pixels.compress(ds, SYNTAX, encoding_plugin="example-zlib")
    raw = codecs.decode_with_fallback(
        pixels.get_frame(ds.PixelData, 0, number_of_frames=1),
        codecs.FrameInfo(rows=128, columns=128, samples_per_pixel=1, bits_allocated=16,
                         bits_stored=12, pixel_representation=1,
                         photometric_interpretation="MONOCHROME2",
                         transfer_syntax_uid=SYNTAX),
        plugin="example-zlib")[0]
    assert raw.dtype == np.uint16 and raw.max() > 0x8000     # negatives as stored words
    arr = pixels.pixel_array(ds, decoding_plugin="example-zlib")
    assert arr.dtype == np.int16 and arr.min() < -900
    np.testing.assert_array_equal(arr, values)
    # colour: YBR_FULL frames come back as RGB, identical to dcmcore's own decoder
    ybr = examples.ybr_color
    pixels.compress(ybr, SYNTAX, encoding_plugin="example-zlib")
    ours = pixels.pixel_array(ybr, decoding_plugin="example-zlib")
    builtin = pixels.pixel_array(ybr, decoding_plugin="deflate")
    assert ours.shape == (4, 120, 160, 3)
    np.testing.assert_array_equal(ours, builtin)
    np.testing.assert_array_equal(ours, examples.ybr_color.pixel_array)
    stored = pixels.pixel_array(ybr, decoding_plugin="example-zlib", raw=True)
    assert not np.array_equal(stored, ours)                  # raw=True keeps YBR


if __name__ == "__main__":
    globals()[sys.argv[1]]()
    print("ok")
