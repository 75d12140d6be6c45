"""The Sphinx documentation builds without a single warning (as ``tox -e docs`` does)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"

pytest.importorskip("sphinx")
pytest.importorskip("myst_parser")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    out = tmp_path_factory.mktemp("html")
    done = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-b", "html", "-q",
         "-d", str(out / ".doctrees"), str(DOCS), str(out)],
        capture_output=True, text=True, timeout=600)
    return out, done


def test_docs_build_without_warnings(built):
    _, done = built
    assert done.returncode == 0 and "WARNING" not in done.stderr, done.stderr


def test_docs_have_the_guide_plugin_guide_architecture_and_api(built):
    out, done = built
    assert done.returncode == 0, done.stderr
    for page in ("index", "plugins", "architecture", "api/index", "api/pixels",
                 "guide/reading-writing", "guide/configuring-plugins", "guide/command-line"):
        assert (out / f"{page}.html").is_file(), page
    reference = (out / "api" / "pixels.html").read_text(encoding="utf-8")
    assert "pixel_array" in reference and "compress" in reference     # autodoc ran
    example = (out / "plugins.html").read_text(encoding="utf-8")
    assert "ExampleZlibDecoder" in example                            # the plugin's source
