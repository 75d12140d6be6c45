"""Codec selection and the fallback runners, with plugins registered at run time."""

from __future__ import annotations

import pickle
import sys
import threading
import types
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "plugins"))

import dcmcore_dummy_codecs as dummy  # noqa: E402
from codecs_testing import RLE, codecs_clean_fixture, frame_info  # noqa: E402, F401

from dcmcore import codecs  # noqa: E402
from dcmcore.codecs import config, hookimpl  # noqa: E402
from dcmcore.errors import CodecError, NoPluginError, PluginError  # noqa: E402

pytestmark = pytest.mark.usefixtures("codecs_clean")

JLS = dummy.JPEG_LS


def plugin_of(*decoders, encoders=()):
    """A runtime plugin object returning the given codecs."""
    ns = types.SimpleNamespace()
    ns.dcmcore_decoders = hookimpl(lambda: list(decoders))
    ns.dcmcore_encoders = hookimpl(lambda: list(encoders))
    return ns


def names(items):
    return [c.name for c in items]


def test_priority_orders_higher_first_ties_by_name():
    codecs.register(plugin_of(dummy.ConstDecoder("b", priority=10),
                              dummy.ConstDecoder("a", priority=10),
                              dummy.ConstDecoder("z", priority=90)), name="p")
    assert names(codecs.decoders_for(RLE)) == ["z", "a", "b"]


def test_decoders_for_only_returns_codecs_for_that_syntax():
    codecs.register(plugin_of(dummy.ConstDecoder("r"), dummy.ConstDecoder("j", syntaxes=[JLS])),
                    name="p")
    assert names(codecs.decoders_for(JLS)) == ["j"]
    assert names(codecs.decoders_for("RLELossless")) == ["r"]  # keyword accepted
    assert codecs.decoders_for("1.2.840.10008.1.2.4.50") == []


def test_explicit_plugin_wins_and_is_the_only_one_used():
    codecs.register(plugin_of(dummy.ConstDecoder("low", value=1, priority=1),
                              dummy.ConstDecoder("high", value=2, priority=99)), name="p")
    assert names(codecs.decoders_for(RLE, plugin="low")) == ["low"]
    arr, dec = codecs.decode_with_fallback(b"", frame_info(), plugin="low", scale=1)
    assert dec.name == "low" and (arr == 1).all()


def test_explicit_plugin_beats_disabled_configuration():
    codecs.register(plugin_of(dummy.ConstDecoder("a")), name="p")
    config.disable("a")
    assert codecs.decoders_for(RLE) == []
    assert names(codecs.decoders_for(RLE, plugin="a")) == ["a"]


def test_unknown_explicit_plugin_lists_known_names():
    codecs.register(plugin_of(dummy.ConstDecoder("alpha"), dummy.ConstDecoder("beta")), name="p")
    with pytest.raises(PluginError, match=r"no decoder named 'gamma'.*alpha, beta"):
        codecs.decoders_for(RLE, plugin="gamma")


def test_unavailable_explicit_plugin_error_gives_reason():
    codecs.register(plugin_of(dummy.UnavailableDecoder("u")), name="p")
    with pytest.raises(PluginError, match="'u'.*unavailable.*dcmcore_no_such_module_xyz"):
        codecs.decode_with_fallback(b"", frame_info(), plugin="u")


def test_explicit_plugin_for_other_syntax_is_an_error():
    codecs.register(plugin_of(dummy.ConstDecoder("j", syntaxes=[JLS])), name="p")
    with pytest.raises(PluginError, match=r"'j' does not handle RLE Lossless"):
        codecs.decoders_for(RLE, plugin="j")


def test_explicit_plugin_may_name_the_plugin_or_distribution():
    codecs.register(plugin_of(dummy.ConstDecoder("codec-name")), name="plug",
                    distribution="acme-dist")
    assert names(codecs.decoders_for(RLE, plugin="plug")) == ["codec-name"]
    assert names(codecs.decoders_for(RLE, plugin="acme-dist")) == ["codec-name"]


def test_failing_decoder_hands_over_to_next():
    codecs.register(plugin_of(dummy.FailingDecoder("first", priority=90),
                              dummy.ConstDecoder("second", value=5, priority=10)), name="p")
    result = codecs.decode_with_fallback(b"", frame_info())
    arr, dec = result
    assert dec.name == "second" and (arr == 5).all()
    assert result.failures == [("first", "ValueError: first cannot read this")]
    assert result.photometric_interpretation == "MONOCHROME2"


def test_all_failing_raises_codec_error_listing_each_plugin_and_reason():
    codecs.register(plugin_of(dummy.FailingDecoder("one", priority=2),
                              dummy.BadOutputDecoder("two", priority=1),
                              dummy.UnavailableDecoder("three")), name="p")
    with pytest.raises(CodecError) as info:
        codecs.decode_with_fallback(b"", frame_info())
    assert isinstance(info.value, codecs.CodecFailedError)
    text = str(info.value)
    assert "'one': ValueError: one cannot read this" in text
    assert "'two': invalid output: returned list, not a numpy array" in text
    assert "'three': unavailable" in text
    assert [n for n, _ in info.value.failures] == ["one", "two"]
    assert info.value.skipped[0][0] == "three"


def test_no_plugin_installed_names_providing_distributions():
    with pytest.raises(NoPluginError) as info:
        codecs.decode_with_fallback(b"", frame_info(ts=JLS))
    assert "dcmcore-jpegls" in str(info.value) and "dcmcore-gdcm" in str(info.value)
    with pytest.raises(NoPluginError, match="dcmcore-rle"):
        codecs.decode_with_fallback(b"", frame_info())


def test_only_unavailable_plugins_gives_no_plugin_error_with_reasons():
    codecs.register(plugin_of(dummy.UnavailableDecoder("u")), name="p")
    with pytest.raises(NoPluginError, match=r"'u' unavailable.*install one of: dcmcore-rle"):
        codecs.decode_with_fallback(b"", frame_info())


def test_options_unknown_to_a_plugin_are_dropped_for_it():
    dec = dummy.ConstDecoder("c", value=2)
    codecs.register(plugin_of(dec), name="p")
    arr, _ = codecs.decode_with_fallback(b"", frame_info(), scale=3, j2k_cr=[20])
    assert (arr == 6).all()
    assert dec.seen_options == [{"scale": 3}]
    codecs.decode_with_fallback(b"", frame_info())
    assert dec.seen_options[-1] == {"scale": 1}  # declared default filled in


def test_decoder_reported_colour_change_is_returned():
    codecs.register(plugin_of(dummy.ColourDecoder("jpeg")), name="p")
    info = frame_info(samples=3, pi="YBR_FULL_422")
    result = codecs.decode_with_fallback(b"", info)
    assert result.array.shape == (2, 3, 3)
    assert result.photometric_interpretation == "RGB"


def test_batch_runner_uses_native_batch_in_one_call():
    dec = dummy.BatchDecoder("gpu")
    codecs.register(plugin_of(dec), name="p")
    arrays, used = codecs.decode_batch_with_fallback([b"1", b"2", b"3"], frame_info())
    assert used is dec and dec.batches == [3]
    assert [int(a[0, 0]) for a in arrays] == [0, 1, 2]


def test_batch_runner_falls_back_to_per_frame_decoder():
    codecs.register(plugin_of(dummy.FailingDecoder("bad", priority=90),
                              dummy.ConstDecoder("good", value=7)), name="p")
    result = codecs.decode_batch_with_fallback([b"1", b"2"], frame_info())
    assert result.decoder.name == "good" and len(result.arrays) == 2
    assert result.photometric_interpretations == ["MONOCHROME2"] * 2
    assert result.failures[0][0] == "bad"


def test_encode_with_fallback_uses_next_encoder_and_options():
    codecs.register(plugin_of(encoders=[dummy.ConstEncoder("broken", priority=90, fail=True),
                                        dummy.ConstEncoder("ok")]), name="p")
    data, enc = codecs.encode_with_fallback(np.zeros((2, 3), np.uint8), frame_info(), level=4)
    assert (data, enc.name) == (b"ok:4", "ok")
    assert names(codecs.encoders_for(RLE)) == ["broken", "ok"]
    with pytest.raises(CodecError, match="'broken': RuntimeError: broken encoder broke"):
        codecs.encode_with_fallback(np.zeros((2, 3), np.uint8), frame_info(), plugin="broken")


def test_results_pickle():
    codecs.register(plugin_of(dummy.ColourDecoder("c")), name="p")
    result = codecs.decode_with_fallback(b"", frame_info(samples=3, pi="YBR_FULL"))
    clone = pickle.loads(pickle.dumps(result))
    assert clone.photometric_interpretation == "RGB" and clone.decoder.name == "c"
    assert np.array_equal(clone.array, result.array)


def test_missing_transfer_syntax_in_frame_info_is_an_error():
    with pytest.raises(PluginError, match="transfer_syntax_uid is empty"):
        codecs.decode_with_fallback(b"", frame_info(ts=""))


def test_configured_order_puts_listed_first_rest_by_priority():
    codecs.register(plugin_of(dummy.ConstDecoder("a", priority=10),
                              dummy.ConstDecoder("b", priority=20),
                              dummy.ConstDecoder("c", priority=30)), name="p")
    config.set_order(None, ["a", "not-installed"])
    assert names(codecs.decoders_for(RLE)) == ["a", "c", "b"]
    config.set_order(RLE, "b,a")  # per-syntax beats global in the same source
    assert names(codecs.decoders_for(RLE)) == ["b", "a", "c"]
    config.set_order(RLE, None)
    assert names(codecs.decoders_for(RLE)) == ["a", "c", "b"]


def test_scoped_override_is_local_to_thread():
    codecs.register(plugin_of(dummy.ConstDecoder("a", priority=10),
                              dummy.ConstDecoder("b", priority=20)), name="p")
    inside = threading.Event()
    release = threading.Event()
    seen = {}

    def worker():
        with config.using(order=["a"]):
            seen["worker"] = names(codecs.decoders_for(RLE))
            inside.set()
            release.wait(10)

    t = threading.Thread(target=worker)
    t.start()
    inside.wait(10)
    seen["main"] = names(codecs.decoders_for(RLE))
    release.set()
    t.join()
    assert seen == {"worker": ["a", "b"], "main": ["b", "a"]}


def test_scoped_override_nests_and_restores():
    codecs.register(plugin_of(dummy.ConstDecoder("a", priority=10),
                              dummy.ConstDecoder("b", priority=20)), name="p")
    config.set_order(None, ["a"])
    with config.using(order=["b"], ts="RLELossless"):
        assert names(codecs.decoders_for(RLE)) == ["b", "a"]
        with config.using(disabled=["b"]):
            assert names(codecs.decoders_for(RLE)) == ["a"]
        with config.using(enabled=["b"]):
            assert names(codecs.decoders_for(RLE)) == ["b", "a"]
    assert names(codecs.decoders_for(RLE)) == ["a", "b"]


def test_disable_and_enable_by_codec_plugin_or_distribution():
    codecs.register(plugin_of(dummy.ConstDecoder("a"), dummy.ConstDecoder("b")), name="plug",
                    distribution="acme")
    config.disable("a")
    assert names(codecs.decoders_for(RLE)) == ["b"]
    config.enable("a")
    config.disable("acme")  # whole distribution off, but the codec's own setting is more specific
    assert names(codecs.decoders_for(RLE)) == ["a"]
    config.reset()
    config.set_autoload(False)
    config.disable("plug")
    assert codecs.decoders_for(RLE) == []
    config.reset()
    config.set_autoload(False)
    assert names(codecs.decoders_for(RLE)) == ["a", "b"]


def test_effective_order_reports_order_and_sources():
    codecs.register(plugin_of(dummy.ConstDecoder("a", priority=10),
                              dummy.ConstDecoder("b", priority=20),
                              dummy.UnavailableDecoder("u")), name="p")
    config.set_order(RLE, ["a"])
    config.disable("b")
    report = codecs.effective_order()
    rle = report[RLE]
    assert rle.decoder_order == ["a"]
    assert rle.order_source.startswith("runtime (config.set_order")
    by_name = {e.name: e for e in rle.decoders}
    assert by_name["a"].placed_by.startswith("order from runtime")
    assert by_name["b"].status == "disabled" and "config.disable" in by_name["b"].reason
    assert by_name["u"].status == "unavailable" and by_name["u"].placed_by == "priority 50"
    text = str(report)
    assert "RLE Lossless (1.2.840.10008.1.2.5)" in text and "order[1.2.840.10008.1.2.5] = a" in text
    assert codecs.effective_order("RLELossless").syntaxes[0].ts_uid == RLE


def test_effective_order_for_uncovered_syntax_names_providers():
    report = codecs.effective_order(JLS)
    assert report[JLS].decoders == () and "dcmcore-jpegls" in str(report)


def test_selected_decoder_and_frame_info_run_in_a_process_pool():
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    codecs.register(plugin_of(dummy.ConstDecoder("c", value=6)), name="p")
    (dec,) = codecs.decoders_for(RLE)
    ctx = multiprocessing.get_context("spawn")  # a fresh process: everything must pickle
    with ProcessPoolExecutor(1, mp_context=ctx, initializer=sys.path.insert,
                             initargs=(0, str(Path(__file__).parents[1] / "plugins"))) as pool:
        arr = pool.submit(dec.decode, b"", frame_info(), scale=2).result(timeout=60)
    assert arr.shape == (2, 3) and (arr == 12).all()
