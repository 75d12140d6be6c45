"""dcmcore's own codecs (Deflated Image Frame Compression, ...) as seen by the plugin system."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "plugins"))

from codecs_testing import clean_env, codecs_clean_fixture, frame_info, run_python  # noqa: E402, F401

from dcmcore import codecs  # noqa: E402
from dcmcore.codecs import manager  # noqa: E402
from dcmcore.errors import NoPluginError  # noqa: E402

DEFLATED = "1.2.840.10008.1.2.8.1"

pytest.importorskip("numpy")


@pytest.fixture(name="builtins")
def builtins_fixture(codecs_clean, monkeypatch):
    """A clean registry that loads dcmcore's builtin codecs, as outside the codecs tests."""
    monkeypatch.setattr(manager.registry, "load_builtins", True)
    codecs.reload(keep_runtime=False)
    yield
    codecs.unblock("deflate")


def test_builtin_deflate_codec_is_listed_without_any_pixel_call(builtins):
    assert [d.name for d in codecs.decoders_for(DEFLATED)] == ["deflate"]
    assert [e.name for e in codecs.encoders_for(DEFLATED)] == ["deflate"]
    (info,) = [p for p in codecs.list_plugins() if p.name == "deflate"]
    assert (info.distribution, info.source, info.status) == ("dcmcore", "builtin", "loaded")


def test_disabled_builtin_error_names_the_builtin_codec_not_a_distribution(builtins):
    with codecs.config.using(disabled=["deflate"]):
        with pytest.raises(NoPluginError) as exc:
            codecs.decode_with_fallback(b"", frame_info(DEFLATED))
    message = str(exc.value)
    assert "dcmcore-rle" not in message and "install one of" not in message
    assert "builtin 'deflate' codec" in message and "disabled" in message
    assert exc.value.providers == ()


def test_blocked_builtin_error_says_blocked(builtins):
    codecs.block("deflate")
    with pytest.raises(NoPluginError, match=r"builtin 'deflate' codec.*blocked"):
        codecs.decode_with_fallback(b"", frame_info(DEFLATED))
    report = str(codecs.effective_order("DeflatedImageFrameCompression"))
    assert "dcmcore-rle" not in report and "builtin 'deflate' codec" in report
    codecs.unblock("deflate")
    assert [d.name for d in codecs.decoders_for(DEFLATED)] == ["deflate"]


def test_fresh_interpreter_report_sees_builtin_codecs_before_pixel_use(tmp_path):
    out = run_python('''
    import json, sys
    import dcmcore
    early = [m for m in sys.modules if m.startswith(("dcmcore.codecs", "dcmcore.pixels"))]
    from dcmcore import codecs
    after_codecs_import = [m for m in sys.modules if m.startswith("dcmcore.pixels")]
    report = codecs.effective_order("DeflatedImageFrameCompression")
    print(json.dumps({"early": early, "after": after_codecs_import,
                      "order": report["DeflatedImageFrameCompression"].decoder_order,
                      "enc": [e.name for e in codecs.encoders_for("1.2.840.10008.1.2.8.1")]}))
    ''', cwd=tmp_path)
    assert out == {"early": [], "after": [], "order": ["deflate"], "enc": ["deflate"]}


def test_module_main_reports_builtin_deflate_codec(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "dcmcore.codecs", "DeflatedImageFrameCompression"],
                          cwd=tmp_path, env=clean_env(), capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "no codec installed" not in proc.stdout
    assert "1. deflate (dcmcore) [used" in proc.stdout
