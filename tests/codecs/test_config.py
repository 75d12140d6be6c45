"""Codec configuration sources: runtime, environment, config files, and their precedence."""

from __future__ import annotations

import sys
import types
import warnings
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "plugins"))

import dcmcore_dummy_codecs as dummy  # noqa: E402
from codecs_testing import RLE, codecs_clean_fixture  # noqa: E402, F401

from dcmcore import codecs  # noqa: E402
from dcmcore.codecs import config, hookimpl  # noqa: E402
from dcmcore.errors import DcmcoreWarning  # noqa: E402

pytestmark = pytest.mark.usefixtures("codecs_clean")


@pytest.fixture
def abc(codecs_clean):
    """Three RLE decoders: c (priority 30) > b (20) > a (10)."""
    decs = [dummy.ConstDecoder(n, priority=p) for n, p in (("a", 10), ("b", 20), ("c", 30))]
    codecs.register(types.SimpleNamespace(dcmcore_decoders=hookimpl(lambda: decs)), name="abc")


def order():
    return [d.name for d in codecs.decoders_for(RLE)]


@pytest.mark.usefixtures("abc")
def test_env_global_order(monkeypatch):
    monkeypatch.setenv("DCMCORE_PLUGIN_ORDER", "a, b")
    assert order() == ["a", "b", "c"]
    assert codecs.effective_order(RLE)[RLE].order_source == "env DCMCORE_PLUGIN_ORDER"


@pytest.mark.usefixtures("abc")
@pytest.mark.parametrize("var", ["DCMCORE_PLUGIN_ORDER_RLELossless",
                                 "DCMCORE_PLUGIN_ORDER_RLELOSSLESS",
                                 "DCMCORE_PLUGIN_ORDER_1_2_840_10008_1_2_5"])
def test_env_per_syntax_order_beats_env_global(monkeypatch, var):
    monkeypatch.setenv("DCMCORE_PLUGIN_ORDER", "b")
    monkeypatch.setenv(var, "a")
    assert order() == ["a", "c", "b"]
    assert codecs.effective_order(RLE)[RLE].order_source == f"env {var}"


@pytest.mark.usefixtures("abc")
def test_env_disabled_plugins_and_runtime_enable_overrides(monkeypatch):
    monkeypatch.setenv("DCMCORE_DISABLED_PLUGINS", "c,b")
    assert order() == ["a"]
    config.enable("b")
    assert order() == ["b", "a"]


@pytest.mark.usefixtures("abc")
def test_runtime_order_beats_env(monkeypatch):
    monkeypatch.setenv("DCMCORE_PLUGIN_ORDER_RLELossless", "a")
    config.set_order(None, ["b"])
    assert order() == ["b", "c", "a"]


@pytest.mark.usefixtures("abc")
def test_scoped_override_beats_runtime():
    config.set_order(RLE, ["a"])
    with config.using(order="b"):
        assert order() == ["b", "c", "a"]
    assert order() == ["a", "c", "b"]


@pytest.mark.usefixtures("abc")
def test_dcmcore_toml_in_current_directory(codecs_clean):
    (codecs_clean / "dcmcore.toml").write_text(
        '[plugins]\norder = ["a"]\ndisabled = ["c"]\n'
    )
    assert order() == ["a", "b"]
    report = codecs.effective_order(RLE)[RLE]
    assert report.order_source == f"file {codecs_clean / 'dcmcore.toml'} [plugins.order]"
    c = {e.name: e for e in report.decoders}["c"]
    assert c.status == "disabled" and "[plugins.disabled]" in c.reason


@pytest.mark.usefixtures("abc")
def test_pyproject_tool_table_found_in_parent_directory(codecs_clean, monkeypatch):
    (codecs_clean / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.dcmcore.plugins.order_by_syntax]\n'
        '"1.2.840.10008.1.2.5" = ["b", "a"]\n'
    )
    sub = codecs_clean / "deep" / "er"
    sub.mkdir(parents=True)
    monkeypatch.chdir(sub)
    config.reload_file()
    assert config.config_file() == codecs_clean / "pyproject.toml"
    assert order() == ["b", "a", "c"]


@pytest.mark.usefixtures("abc")
def test_pyproject_without_tool_table_is_skipped_for_nearer_ancestors(codecs_clean, monkeypatch):
    (codecs_clean / "dcmcore.toml").write_text('plugins.order = ["a"]\n')
    sub = codecs_clean / "proj"
    sub.mkdir()
    (sub / "pyproject.toml").write_text('[project]\nname = "x"\n')
    monkeypatch.chdir(sub)
    assert order() == ["a", "c", "b"]


@pytest.mark.usefixtures("abc")
def test_order_by_syntax_keyword_key_and_file_precedence(codecs_clean, monkeypatch):
    (codecs_clean / "dcmcore.toml").write_text(
        '[plugins]\norder = ["b"]\n[plugins.order_by_syntax]\nRLELossless = ["a"]\n'
    )
    assert order() == ["a", "c", "b"]  # per-syntax beats global within the file
    monkeypatch.setenv("DCMCORE_PLUGIN_ORDER", "b")
    assert order() == ["b", "c", "a"]  # env (any scope) beats the file


@pytest.mark.usefixtures("abc")
def test_explicit_config_path_env(codecs_clean, monkeypatch, tmp_path_factory):
    other = tmp_path_factory.mktemp("cfg") / "custom.toml"
    other.write_text('[plugins]\norder = ["a"]\n')
    (codecs_clean / "dcmcore.toml").write_text('[plugins]\norder = ["b"]\n')
    monkeypatch.setenv("DCMCORE_CONFIG", str(other))
    assert order() == ["a", "c", "b"]


@pytest.mark.usefixtures("abc")
def test_file_change_is_picked_up(codecs_clean):
    cfg = codecs_clean / "dcmcore.toml"
    cfg.write_text('[plugins]\norder = ["a"]\n')
    assert order()[0] == "a"
    cfg.write_text('[plugins]\norder = ["b", "a", "c"]  # longer, so the size changes\n')
    assert order()[0] == "b"


@pytest.mark.usefixtures("abc")
def test_broken_config_file_warns_and_is_ignored(codecs_clean):
    (codecs_clean / "dcmcore.toml").write_text("[plugins\norder = ")
    with pytest.warns(DcmcoreWarning, match="could not be read"):
        assert order() == ["c", "b", "a"]


@pytest.mark.usefixtures("abc")
def test_bad_value_types_in_file_warn(codecs_clean):
    (codecs_clean / "dcmcore.toml").write_text(
        '[plugins]\norder = 5\ndisabled = ["c"]\nmystery = 1\n'
    )
    with pytest.warns(DcmcoreWarning) as record:
        assert order() == ["b", "a"]
    text = " ".join(str(w.message) for w in record)
    assert "expected a list of plugin names" in text and "mystery" in text


def test_missing_explicit_config_file_warns(monkeypatch, tmp_path):
    monkeypatch.setenv("DCMCORE_CONFIG", str(tmp_path / "nope.toml"))
    with pytest.warns(DcmcoreWarning, match="does not exist"):
        assert config.file_config().order is None


def test_autoload_state_sources(codecs_clean, monkeypatch):
    config.set_autoload(None)
    assert config.autoload_state() == (True, "default")
    (codecs_clean / "dcmcore.toml").write_text("[plugins]\nautoload = false\n")
    assert config.autoload_state()[0] is False
    monkeypatch.setenv("DCMCORE_DISABLE_PLUGIN_AUTOLOAD", "1")
    assert config.autoload_state() == (False, "env DCMCORE_DISABLE_PLUGIN_AUTOLOAD")
    config.set_autoload(True)
    assert config.autoload_state() == (True, "runtime (config.set_autoload)")


def test_blocked_names_from_env_and_file(codecs_clean, monkeypatch):
    (codecs_clean / "dcmcore.toml").write_text('[plugins]\nblocked = ["x"]\n')
    monkeypatch.setenv("DCMCORE_BLOCKED_PLUGINS", "y")
    blocked = config.blocked_names()
    assert blocked["y"] == "env DCMCORE_BLOCKED_PLUGINS" and "[plugins.blocked]" in blocked["x"]


@pytest.mark.usefixtures("abc")
def test_effective_order_str_lists_settings_with_sources(codecs_clean, monkeypatch):
    (codecs_clean / "dcmcore.toml").write_text('[plugins]\ndisabled = ["a"]\n')
    monkeypatch.setenv("DCMCORE_PLUGIN_ORDER", "b")
    text = str(codecs.effective_order())
    assert "DCMCORE_PLUGIN_ORDER = b    [env]" in text
    assert f"disabled = a    [file {codecs_clean / 'dcmcore.toml'} [plugins.disabled]]" in text
    assert "1. b (abc) [used; placed by order from env DCMCORE_PLUGIN_ORDER]" in text


# -- a plugin's private transfer syntax named by keyword before the plugin has loaded -----------

PRIVATE_UID = "1.2.3.4.999.77"


@pytest.fixture
def private_syntax(codecs_clean):
    """A plugin (not loaded yet) that registers syntax 'AcmePrivate77' with codecs p (90), q (10)."""
    from dcmcore import transfer_syntax

    ts = transfer_syntax.TransferSyntax(
        uid=PRIVATE_UID, name="Acme Private 77", keyword="AcmePrivate77", implicit_vr=False,
        little_endian=True, deflated=False, encapsulated=True, lossless=True, private=True)
    decs = [dummy.ConstDecoder("p", syntaxes=[PRIVATE_UID], priority=90),
            dummy.ConstDecoder("q", syntaxes=[PRIVATE_UID], priority=10)]
    plugin = types.SimpleNamespace(dcmcore_transfer_syntaxes=hookimpl(lambda: [ts]),
                                   dcmcore_decoders=hookimpl(lambda: decs))
    yield lambda: codecs.register(plugin, name="acme-private")
    transfer_syntax.unregister(PRIVATE_UID)


def private_order():
    return [d.name for d in codecs.decoders_for(PRIVATE_UID)]


def test_set_order_by_private_keyword_before_the_plugin_loads_applies(private_syntax):
    config.set_order("AcmePrivate77", ["q"])  # no syntax has that keyword yet
    private_syntax()
    assert private_order() == ["q", "p"]
    assert codecs.effective_order(PRIVATE_UID)[PRIVATE_UID].order_source == (
        "runtime (config.set_order for AcmePrivate77)")


def test_config_file_order_by_private_keyword_applies(private_syntax, codecs_clean):
    (codecs_clean / "dcmcore.toml").write_text(
        '[plugins]\nblocked = ["x"]\n[plugins.order_by_syntax]\nAcmePrivate77 = ["q"]\n')
    assert config.blocked_names()  # the file is read before the plugin registers its syntax
    private_syntax()
    assert private_order() == ["q", "p"]
    assert "[plugins.order_by_syntax.\"AcmePrivate77\"]" in (
        codecs.effective_order(PRIVATE_UID)[PRIVATE_UID].order_source)


def test_scoped_order_by_private_keyword_applies(private_syntax):
    with config.using(order=["q"], ts="AcmePrivate77"):
        private_syntax()
        assert private_order() == ["q", "p"]


def test_keyword_of_no_syntax_is_warned_about_once_plugins_have_loaded(private_syntax):
    config.set_order("AcmePrivat77", ["q"])  # typo
    private_syntax()
    with pytest.warns(DcmcoreWarning, match="config.set_order\\('AcmePrivat77', ...\\) names the "
                                            "transfer syntax 'AcmePrivat77', which is neither"):
        assert private_order() == ["p", "q"]
    with pytest.warns(DcmcoreWarning, match="'OtherTypo'"):  # made after loading: warned at once
        config.set_order("OtherTypo", ["q"])
    assert "order[OtherTypo] = q" in str(codecs.effective_order())


def test_settings_are_listed_with_their_sources(codecs_clean, monkeypatch):
    (codecs_clean / "dcmcore.toml").write_text('[plugins]\nblocked = ["x"]\n')
    monkeypatch.setenv("DCMCORE_DISABLED_PLUGINS", "y")
    config.set_order("RLELossless", ["a"])
    with config.using(disabled=["z"]):
        settings = config.describe_settings()
    assert settings[0] == ("scoped override", "order=None ts=None disabled=['z'] enabled=[]",
                           "config.using")
    assert ("order[1.2.840.10008.1.2.5]", "a", "runtime (config.set_order)") in settings
    assert ("DCMCORE_DISABLED_PLUGINS", "y", "env") in settings
    assert ("blocked", "x", f"file {codecs_clean / 'dcmcore.toml'} [plugins.blocked]") in settings


def test_config_warnings_point_at_the_callers_code(codecs_clean):
    (codecs_clean / "dcmcore.toml").write_text("[plugins\norder = ")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        codecs.decoders_for(RLE)
    (w,) = caught
    assert Path(w.filename).resolve() == Path(__file__).resolve()


def test_keyword_of_a_syntax_registered_by_a_plugin_not_collected_yet_is_not_warned(
        private_syntax):
    assert private_order() == []  # plugins loaded, without the private one
    private_syntax()  # registered, its hooks not called yet
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        config.set_order("AcmePrivate77", ["q"])
        assert private_order() == ["q", "p"]
