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


# -- blocking by codec, plugin (entry point) or distribution name ------------------------------

BLOCKTEST_SRC = '''
import numpy as np
from dcmcore.codecs import Decoder, hookimpl


class BlockDecoder(Decoder):
    name = "{codec}"
    transfer_syntaxes = ("1.2.840.10008.1.2.5",)

    def decode(self, data, info, **options):
        return np.zeros((info.rows, info.columns), dtype=np.uint8)


@hookimpl
def dcmcore_decoders():
    return [BlockDecoder()]
'''


@pytest.fixture(name="installed")
def installed_fixture(codecs_clean, monkeypatch, tmp_path_factory, request):
    """An entry-point plugin: distribution 'blk-<test>', entry point 'blkep', codec 'blkcodec'."""
    from fake_install import install, make_project

    tag = request.node.name.replace("test_", "")[:40]
    module = f"blk_{tag}"
    root = tmp_path_factory.mktemp("blkproj")
    project = make_project(root / "project", f"blk-{tag}", {"blkep": module},
                           {f"{module}.py": BLOCKTEST_SRC.format(codec="blkcodec")})
    site = root / "site"
    site.mkdir()
    install(project, site)
    monkeypatch.syspath_prepend(str(site))
    codecs.config.set_autoload(True)
    codecs.reload(keep_runtime=False)
    yield f"blk-{tag}"
    for name in (f"blk-{tag}", "blkep", "blkcodec"):
        codecs.unblock(name)


def _blk_selected() -> bool:
    return "blkcodec" in [d.name for d in codecs.decoders_for(RLE)]


def _blk_status() -> str:
    return {p.name: p.status for p in codecs.list_plugins()}["blkep"]


@pytest.mark.parametrize("which", ["distribution", "entry point", "codec"])
def test_block_of_loaded_plugin_takes_effect_now_and_unblock_restores_it(installed, which):
    name = {"distribution": installed, "entry point": "blkep", "codec": "blkcodec"}[which]
    assert _blk_selected()
    codecs.block(name)
    assert not _blk_selected()
    assert _blk_status() == "blocked"
    codecs.unblock(name)
    assert _blk_selected()
    assert _blk_status() == "loaded"


@pytest.mark.parametrize("which", ["distribution", "entry point"])
def test_block_before_loading_then_unblock_loads_without_reload(installed, which):
    name = installed if which == "distribution" else "blkep"
    codecs.block(name)
    assert not _blk_selected()
    (info,) = [p for p in codecs.list_plugins() if p.name == "blkep"]
    assert info.status == "blocked" and "codecs.block" in info.error
    codecs.unblock(name)
    assert _blk_selected()
    assert _blk_status() == "loaded"


def test_block_by_codec_name_before_loading_blocks_its_plugin_once_loaded(installed):
    codecs.block("blkcodec")
    assert not _blk_selected()
    assert _blk_status() == "blocked"
    codecs.unblock("blkcodec")
    assert _blk_selected()


def test_unblock_one_name_keeps_plugin_blocked_by_another(installed):
    codecs.block(installed)
    codecs.block("blkep")
    codecs.unblock(installed)
    assert not _blk_selected() and _blk_status() == "blocked"
    codecs.unblock("blkep")
    assert _blk_selected()


def test_runtime_plugin_blocked_by_distribution_name_comes_back_on_unblock():
    codecs.register(dummy, name="d", distribution="dummy-dist")
    assert [c.name for c in codecs.decoders_for(RLE)] == ["dummy"]
    codecs.block("dummy-dist")
    try:
        assert codecs.decoders_for(RLE) == []
        with pytest.raises(PluginError, match="blocked"):
            codecs.register(dummy, name="d2", distribution="dummy-dist")
    finally:
        codecs.unblock("dummy-dist")
    assert [c.name for c in codecs.decoders_for(RLE)] == ["dummy"]
    assert [(p.name, p.status) for p in codecs.list_plugins()] == [("d", "loaded")]
