"""The plugin manager: runtime registration, blocking, broken plugins, listings."""

from __future__ import annotations

import sys
import types
import warnings
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "plugins"))

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


def plugin_of(*decoders, encoders=()):
    """A runtime plugin object returning the given codecs."""
    return types.SimpleNamespace(dcmcore_decoders=hookimpl(lambda: list(decoders)),
                                 dcmcore_encoders=hookimpl(lambda: list(encoders)))


# -- two plugins offering a codec of the same name -----------------------------------------------


def test_duplicate_codec_name_first_registered_keeps_it_whatever_the_plugin_names():
    codecs.register(plugin_of(dummy.ConstDecoder("same", value=1)), name="zz",
                    distribution="zz-dist")
    codecs.register(plugin_of(dummy.ConstDecoder("same", value=2)), name="aa",
                    distribution="aa-dist")
    with pytest.warns(DcmcoreWarning) as record:
        decs = codecs.decoders_for(RLE)
    assert [(d.name, d.plugin) for d in decs] == [("same", "zz")]
    (message,) = [str(w.message) for w in record]
    # the newcomer is named first, as the one skipped; both distributions are named
    assert message.startswith("dcmcore plugin 'aa' (distribution aa-dist) offers a decoder "
                              "named 'same', but plugin 'zz' (distribution zz-dist), "
                              "registered first, has that name")
    assert "dcmcore.codecs.block('zz-dist')" in message
    plugins = {p.name: p for p in codecs.list_plugins()}
    assert plugins["zz"].status == "loaded" and plugins["zz"].problems == ()
    assert plugins["aa"].problems == (
        "decoder 'same' skipped: the name is taken by plugin 'zz' (distribution zz-dist), "
        "registered first",)


def test_duplicate_name_is_per_kind_decoder_and_encoder_may_share_it():
    codecs.register(plugin_of(dummy.ConstDecoder("same")), name="dec")
    codecs.register(plugin_of(encoders=[dummy.ConstEncoder("same")]), name="enc")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert [d.plugin for d in codecs.decoders_for(RLE)] == ["dec"]
        assert [e.plugin for e in codecs.encoders_for(RLE)] == ["enc"]


def test_plugin_offering_one_name_twice_keeps_its_first_codec():
    codecs.register(plugin_of(dummy.ConstDecoder("twice", value=1),
                              dummy.ConstDecoder("twice", value=2),
                              dummy.ConstDecoder("other")), name="p")
    with pytest.warns(DcmcoreWarning, match="returns two decoders named 'twice'"):
        decs = codecs.decoders_for(RLE, plugin="twice")
    assert decs[0].value == 1
    (info,) = codecs.list_plugins()
    assert info.status == "loaded" and info.decoders == ("twice", "other")


def test_skipped_codec_takes_the_name_once_the_holder_is_gone():
    codecs.register(plugin_of(dummy.ConstDecoder("same", value=1)), name="first")
    codecs.register(plugin_of(dummy.ConstDecoder("same", value=2)), name="second")
    with pytest.warns(DcmcoreWarning):
        assert codecs.decoders_for(RLE)[0].plugin == "first"
    codecs.unregister("first")
    assert [(d.plugin, d.value) for d in codecs.decoders_for(RLE)] == [("second", 2)]
    assert {p.name: p.status for p in codecs.list_plugins()} == {"second": "loaded"}


def test_duplicate_names_are_warned_once_not_at_every_change_of_the_registry():
    codecs.register(plugin_of(dummy.ConstDecoder("same")), name="first")
    codecs.register(plugin_of(dummy.ConstDecoder("same")), name="second")
    with pytest.warns(DcmcoreWarning):
        codecs.decoders_for(RLE)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        codecs.register(dummy)  # the hooks are called again
        codecs.decoders_for(RLE)
        codecs.reload()
        codecs.decoders_for(RLE)
    (second,) = [p for p in codecs.list_plugins() if p.name == "second"]
    assert len(second.problems) == 1  # not one more per collection


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


def test_installed_plugin_keeps_its_codec_name_over_a_runtime_registration(installed):
    # registered before the entry points load, and sorting before 'blkep': still second
    codecs.register(plugin_of(dummy.ConstDecoder("blkcodec")), name="aaa")
    with pytest.warns(DcmcoreWarning, match="plugin 'aaa' .* offers a decoder named 'blkcodec'"):
        decs = codecs.decoders_for(RLE)
    assert [d.plugin for d in decs if d.name == "blkcodec"] == ["blkep"]


# -- plugins whose hooks give nothing usable ---------------------------------------------------


def test_plugin_whose_hooks_give_nothing_usable_is_listed_as_broken_with_the_reasons():
    junk = types.SimpleNamespace(dcmcore_decoders=hookimpl(lambda: 5),
                                 dcmcore_encoders=hookimpl(lambda: [object()]))
    codecs.register(junk, name="junk")
    with pytest.warns(DcmcoreWarning):
        codecs.decoders_for(RLE)
    (info,) = codecs.list_plugins()
    assert info.status == "broken"
    assert info.problems == ("dcmcore_decoders() returned 5, not a list",
                             "dcmcore_encoders(): a object object is not a Encoder instance")
    assert info.error == "; ".join(info.problems)


def test_plugin_with_some_usable_codecs_stays_loaded_and_lists_its_problems():
    ns = types.SimpleNamespace(dcmcore_decoders=hookimpl(lambda: [dummy.ConstDecoder("ok")]),
                               dcmcore_encoders=hookimpl(lambda: ["junk"]))
    codecs.register(ns, name="half")
    with pytest.warns(DcmcoreWarning, match="'junk' is not a Encoder instance"):
        (info,) = codecs.list_plugins()
    assert (info.status, info.decoders) == ("loaded", ("ok",))
    assert info.problems == ("dcmcore_encoders(): 'junk' is not a Encoder instance",)


def test_plugin_implementing_no_hook_is_broken():
    codecs.register(types.SimpleNamespace(decoders=lambda: []), name="unmarked")
    with pytest.warns(DcmcoreWarning, match="implements none of the dcmcore hooks"):
        (info,) = codecs.list_plugins()
    assert info.status == "broken" and "dcmcore.codecs.hookimpl" in info.error


def test_transfer_syntaxes_given_as_one_string_is_rejected():
    class OneString(dummy.ConstDecoder):
        pass

    dec = OneString("str")
    dec.transfer_syntaxes = RLE  # a str, whose characters are not UIDs
    codecs.register(plugin_of(dec), name="s")
    with pytest.warns(DcmcoreWarning, match="transfer_syntaxes is a string"):
        assert codecs.decoders_for(RLE) == []


def test_broken_hook_problems_do_not_pile_up_across_collections():
    import dcmcore_broken_hook

    codecs.register(dcmcore_broken_hook)
    with pytest.warns(DcmcoreWarning):
        codecs.decoders_for(RLE)
    codecs.register(dummy)  # the hooks are called again
    codecs.decoders_for(RLE)
    broken = {p.name: p for p in codecs.list_plugins()}["dcmcore_broken_hook"]
    assert broken.status == "broken"
    assert broken.problems == ("dcmcore_decoders() raised RuntimeError: hook exploded",
                               "dcmcore_encoders(): 'not an encoder' is not a Encoder instance")


# -- why a name cannot be used ------------------------------------------------------------------


def test_unusable_reason_of_a_blocked_plugin_names_the_setting(installed):
    codecs.block(installed)
    why = codecs.unusable_reason("blkep", "decoder")
    assert why == (f"plugin 'blkep' (distribution {installed} 1.0) is blocked by runtime "
                   "(codecs.block)")


def test_unusable_reason_of_a_plugin_blocked_by_the_environment(installed, monkeypatch):
    monkeypatch.setenv("DCMCORE_BLOCKED_PLUGINS", "blkep")
    codecs.reload(keep_runtime=False)
    assert codecs.unusable_reason("blkep").endswith(
        "is blocked by env DCMCORE_BLOCKED_PLUGINS")


def test_unusable_reason_of_a_codec_blocked_by_its_own_name(installed):
    assert codecs.decoders_for(RLE)  # loaded: its codec names are known
    codecs.block("blkcodec")
    assert "is blocked by runtime (codecs.block)" in codecs.unusable_reason("blkcodec")


def test_unusable_reason_of_a_broken_plugin_gives_its_problems():
    import dcmcore_broken_hook

    codecs.register(dcmcore_broken_hook, name="badhook")
    with pytest.warns(DcmcoreWarning):
        why = codecs.unusable_reason("badhook", "decoder")
    assert why.startswith("plugin 'badhook' (registered at run time) is broken")
    assert "RuntimeError: hook exploded" in why


def test_unusable_reason_of_a_plugin_whose_codec_name_is_taken_says_by_whom():
    codecs.register(plugin_of(dummy.ConstDecoder("same")), name="first", distribution="d1")
    codecs.register(plugin_of(dummy.ConstDecoder("same")), name="second", distribution="d2")
    with pytest.warns(DcmcoreWarning):
        why = codecs.unusable_reason("second", "decoder")
    assert why == ("plugin 'second' (distribution d2) is broken, its hooks gave no usable "
                   "codec: decoder 'same' skipped: the name is taken by plugin 'first' "
                   "(distribution d1), registered first")
    assert codecs.unusable_reason("same", "decoder") is None  # 'first' has it


def test_unusable_reason_of_a_plugin_with_only_the_other_kind():
    codecs.register(plugin_of(encoders=[dummy.ConstEncoder("enc")]), name="enconly")
    assert codecs.unusable_reason("enconly", "decoder") == (
        "plugin 'enconly' (registered at run time) provides no decoder")
    assert codecs.unusable_reason("enconly", "encoder") is None


def test_unusable_reason_is_none_for_usable_and_unknown_names():
    codecs.register(dummy, name="d")
    assert codecs.unusable_reason("dummy", "decoder") is None
    assert codecs.unusable_reason("d") is None
    assert codecs.unusable_reason("nothing-of-that-name") is None


def test_unregister_of_a_blocked_plugin_says_it_is_blocked(installed):
    codecs.block("blkep")
    with pytest.raises(PluginError, match=r"'blkep' is not registered: it is blocked \(blocked "
                                          r"by runtime \(codecs.block\)\)"):
        codecs.unregister("blkep")


# -- warnings: where they point, and how often ---------------------------------------------------


def test_plugin_warnings_point_at_the_callers_code():
    import dcmcore_broken_hook

    codecs.register(dcmcore_broken_hook)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        codecs.decoders_for(RLE)
    assert caught and {Path(w.filename).resolve() for w in caught} == {Path(__file__).resolve()}


def test_plugin_warnings_point_at_the_caller_through_the_listing_too():
    codecs.register(plugin_of(dummy.ConstDecoder("")), name="noname")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        codecs.list_plugins()
    (w,) = caught
    assert Path(w.filename).resolve() == Path(__file__).resolve() and "has no name" in str(w.message)


def test_warning_about_an_object_is_not_repeated_when_the_hooks_are_called_again():
    codecs.register(plugin_of(object()), name="objects")  # a new object() at every call
    with pytest.warns(DcmcoreWarning) as first:
        codecs.decoders_for(RLE)
    assert " at 0x" not in str(first[0].message)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        codecs.register(dummy)
        codecs.decoders_for(RLE)
        codecs.reload()
        codecs.decoders_for(RLE)
