"""The plugin manager: runtime registration, blocking, broken plugins, listings."""

from __future__ import annotations

import sys
import types
import warnings
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "plugins"))

import dcmcore_dummy_codecs as dummy  # noqa: E402
from codecs_testing import RLE, codecs_clean_fixture, frame_info  # noqa: E402, F401

from dcmcore import codecs  # noqa: E402
from dcmcore.codecs import hookimpl  # noqa: E402
from dcmcore.errors import DcmcoreWarning, PluginError  # noqa: E402

pytestmark = pytest.mark.usefixtures("codecs_clean")


def test_register_module_uses_its_name_and_reports_it():
    assert codecs.register(dummy) == "dcmcore_dummy_codecs"
    (info,) = codecs.list_plugins()
    assert (info.name, info.source, info.status) == ("dcmcore_dummy_codecs", "runtime", "loaded")
    assert info.decoders == ("dummy",) and info.encoders == ("dummy",)
    (dec,) = codecs.available_decoders()
    assert (dec.name, dec.plugin, dec.available, dec.reason) == (
        "dummy", "dcmcore_dummy_codecs", True, None)
    assert dec.transfer_syntaxes == (RLE,)


def test_register_twice_is_a_plugin_error():
    codecs.register(dummy, name="d")
    with pytest.raises(PluginError, match="already registered"):
        codecs.register(dummy, name="d2")


def test_unregister_removes_codecs():
    codecs.register(dummy, name="d")
    assert [c.name for c in codecs.decoders_for(RLE)] == ["dummy"]
    codecs.unregister("d")
    assert codecs.decoders_for(RLE) == [] and codecs.list_plugins() == []


def test_unregister_unknown_lists_registered():
    codecs.register(dummy, name="d")
    with pytest.raises(PluginError, match=r"no plugin named 'x'.*registered: d"):
        codecs.unregister("x")


def test_block_prevents_registration_and_unblock_allows_it():
    codecs.block("d")
    with pytest.raises(PluginError, match="blocked"):
        codecs.register(dummy, name="d")
    codecs.unblock("d")
    codecs.register(dummy, name="d")
    codecs.block("d")  # a loaded plugin is unregistered
    assert codecs.decoders_for(RLE) == []
    codecs.unblock("d")


def test_invalid_hook_signature_is_a_plugin_error():
    ns = types.SimpleNamespace(dcmcore_decoders=hookimpl(lambda unexpected_arg: []))
    with pytest.raises(PluginError, match="invalid"):
        codecs.register(ns, name="bad")


def test_hook_raising_is_warned_and_skipped_others_work():
    import dcmcore_broken_hook

    codecs.register(dcmcore_broken_hook)
    codecs.register(dummy)
    with pytest.warns(DcmcoreWarning) as record:
        decs = codecs.decoders_for(RLE)
    assert [d.name for d in decs] == ["dummy"]
    messages = " | ".join(str(w.message) for w in record)
    assert "dcmcore_decoders() raised RuntimeError: hook exploded" in messages
    assert "'not an encoder' is not a Encoder instance" in messages
    broken = {p.name: p for p in codecs.list_plugins()}["dcmcore_broken_hook"]
    assert broken.status == "broken" and "hook exploded" in broken.error


def test_duplicate_codec_names_keep_first_and_warn():
    a = types.SimpleNamespace(dcmcore_decoders=hookimpl(lambda: [dummy.ConstDecoder("same", value=1)]))
    b = types.SimpleNamespace(dcmcore_decoders=hookimpl(lambda: [dummy.ConstDecoder("same", value=2)]))
    codecs.register(a, name="a")
    codecs.register(b, name="b")
    with pytest.warns(DcmcoreWarning, match="named 'same' is already registered"):
        decs = codecs.decoders_for(RLE)
    assert len(decs) == 1 and decs[0].plugin == "a"


def test_codec_gets_plugin_and_distribution_metadata():
    codecs.register(dummy, name="d", distribution="dummy-dist")
    (dec,) = codecs.decoders_for(RLE)
    assert (dec.plugin, dec.provided_by) == ("d", "dummy-dist")
    assert codecs.available_decoders()[0].distribution == "dummy-dist"


def test_availability_check_raising_counts_as_unavailable():
    class Weird(dummy.ConstDecoder):
        def unavailable_reason(self):
            raise OSError("probe failed")

    codecs.register(types.SimpleNamespace(dcmcore_decoders=hookimpl(lambda: [Weird("w")])),
                    name="w")
    (info,) = codecs.available_decoders()
    assert not info.available and "OSError: probe failed" in info.reason


def test_transfer_syntax_hook_registers_private_syntax():
    ts_mod = pytest.importorskip("dcmcore.transfer_syntax")
    uid = "1.2.3.4.999.1"
    ts = ts_mod.TransferSyntax(uid=uid, name="Acme Private", keyword="AcmePrivate",
                               implicit_vr=False, little_endian=True, deflated=False,
                               encapsulated=True, lossless=True, private=True)
    plugin = types.SimpleNamespace(
        dcmcore_transfer_syntaxes=hookimpl(lambda: [ts]),
        dcmcore_decoders=hookimpl(lambda: [dummy.ConstDecoder("acme", syntaxes=[uid])]),
    )
    codecs.register(plugin, name="acme")
    try:
        assert [d.name for d in codecs.decoders_for("AcmePrivate")] == ["acme"]
        assert ts_mod.get(uid) is not None
        assert codecs.list_plugins()[0].transfer_syntaxes == (uid,)
    finally:
        ts_mod.unregister(uid)


def test_runtime_plugins_survive_reload():
    codecs.register(dummy, name="d")
    codecs.reload()
    assert [c.name for c in codecs.decoders_for(RLE)] == ["dummy"]
    codecs.reload(keep_runtime=False)
    assert codecs.decoders_for(RLE) == []


def test_selection_snapshot_is_consistent_across_threads():
    from concurrent.futures import ThreadPoolExecutor

    codecs.register(dummy, name="d")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with ThreadPoolExecutor(4) as pool:
            results = list(pool.map(
                lambda _: codecs.decode_with_fallback(b"", frame_info())[1].name, range(50)))
    assert results == ["dummy"] * 50


def test_hook_failure_is_warned_once_not_at_every_recollection():
    import dcmcore_broken_hook

    codecs.register(dcmcore_broken_hook)
    with pytest.warns(DcmcoreWarning):
        codecs.decoders_for(RLE)
    codecs.register(dummy)  # invalidates the snapshot: hooks are called again
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert [d.name for d in codecs.decoders_for(RLE)] == ["dummy"]


def test_hook_asking_for_codecs_while_loading_does_not_recurse():
    seen = []

    def reentrant():
        seen.append(codecs.decoders_for(RLE))  # sees nothing yet, must not recurse
        return [dummy.ConstDecoder("re")]

    codecs.register(types.SimpleNamespace(dcmcore_decoders=hookimpl(reentrant)), name="re")
    assert [d.name for d in codecs.decoders_for(RLE)] == ["re"]
    assert seen == [[]]
