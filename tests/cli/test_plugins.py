"""``dcmcore plugins``: every installed plugin, the order per syntax, the settings."""

from __future__ import annotations

import re

import pytest

from dcmcore import codecs
from dcmcore.cli import main
from dcmcore.codecs import effective_order

pytestmark = pytest.mark.usefixtures("wide_terminal")


def test_plugins_lists_every_installed_plugin(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plugins"]) == 0
    out = capsys.readouterr().out
    rows = {line.split("│")[1].strip() for line in out.splitlines() if line.startswith("│")}
    plugins = codecs.list_plugins()
    assert len(plugins) >= 7  # the builtin one and the six codec plugins of the repository
    for plugin in plugins:
        assert plugin.name in rows
        assert f"{plugin.distribution} {plugin.version}".strip() in out
    for codec in codecs.available_decoders():
        if codec.library:
            assert f"{codec.library} {codec.library_version}" in out
            assert codec.license in out


def test_plugins_shows_the_effective_order_of_a_syntax(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plugins", "rlelossless"]) == 0
    out = capsys.readouterr().out
    order = effective_order("RLELossless")["RLELossless"].decoder_order
    assert order, "no RLE decoder installed"
    table = out.split("order per transfer syntax")[1]
    cells = [line.split("│")[2] for line in table.splitlines() if line.startswith("│")]
    decoders = [m.group(1) for m in (re.match(r"\s*\d+\. ([\w-]+) \(", c) for c in cells)
                if m]
    assert decoders == order
    assert "autoload" in out and "default" in out  # settings with their source


def test_plugins_order_follows_the_environment(capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DCMCORE_PLUGIN_ORDER_RLELossless", "gdcm")
    if "gdcm" not in effective_order("RLELossless")["RLELossless"].decoder_order:
        pytest.skip("dcmcore-gdcm is not installed")
    assert main(["plugins", "RLELossless"]) == 0
    out = capsys.readouterr().out
    assert "1. gdcm (dcmcore-gdcm; order from" in out
    assert "DCMCORE_PLUGIN_ORDER_RLELossless" in out


def test_plugins_plain_is_the_codecs_report(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plugins", "--plain"]) == 0
    assert capsys.readouterr().out == str(effective_order()) + "\n"


def test_plugins_unknown_syntax_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plugins", "NoSuchSyntax"]) == 2
    assert capsys.readouterr().err.startswith("dcmcore: error: SYNTAX NoSuchSyntax:")


def test_plugins_on_a_narrow_terminal_lists_fields_one_per_line(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    assert main(["plugins"]) == 0
    out = capsys.readouterr().out
    assert max(len(line) for line in out.splitlines()) <= 80
    names = [line.split("│")[2].strip() for line in out.splitlines()
             if line.startswith("│ plugin ")]
    assert names == [p.name for p in codecs.list_plugins()]
