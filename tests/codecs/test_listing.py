"""What the listings and ``python -m dcmcore.codecs`` show for each plugin and codec."""

from __future__ import annotations

import subprocess
import sys
import types
from importlib import metadata
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "plugins"))

import dcmcore_dummy_codecs as dummy  # noqa: E402
from codecs_testing import RLE, clean_env, codecs_clean_fixture  # noqa: E402, F401
from fake_install import install, make_project  # noqa: E402

from dcmcore import codecs  # noqa: E402
from dcmcore.codecs import hookimpl  # noqa: E402
from dcmcore.errors import DcmcoreWarning  # noqa: E402

pytestmark = pytest.mark.usefixtures("codecs_clean")

JLS = dummy.JPEG_LS


class LibraryDecoder(dummy.ConstDecoder):
    """A decoder naming its codec library and licence."""

    library = "acmelib-dist"
    license = "BSD-3-Clause"


class LibraryEncoder(dummy.ConstEncoder):
    library = "acmelib-dist"
    license = "BSD-3-Clause"


@pytest.fixture(name="acmelib")
def acmelib_fixture(tmp_path_factory, monkeypatch):
    """An installed codec library 'acmelib-dist' 4.5.6 whose module must never be imported."""
    root = tmp_path_factory.mktemp("acmelib")
    project = make_project(root / "project", "acmelib-dist", {},
                           {"acmelib.py": "raise RuntimeError('acmelib was imported')\n"},
                           version="4.5.6")
    site = root / "site"
    site.mkdir()
    install(project, site)
    monkeypatch.syspath_prepend(str(site))
    return "acmelib-dist"


def register_acme():
    decs = [LibraryDecoder("acme", syntaxes=[RLE, JLS], priority=70, thread_safe=True),
            dummy.UnavailableDecoder("missing")]
    encs = [LibraryEncoder("acme", syntaxes=[RLE])]
    codecs.register(types.SimpleNamespace(dcmcore_decoders=hookimpl(lambda: decs),
                                          dcmcore_encoders=hookimpl(lambda: encs)),
                    name="acme-plugin", distribution="acme-dist")


@pytest.mark.usefixtures("acmelib")
def test_available_decoders_show_the_codec_library_its_version_and_licence():
    register_acme()
    info = {c.name: c for c in codecs.available_decoders()}
    acme = info["acme"]
    assert (acme.plugin, acme.distribution, acme.library, acme.library_version, acme.license) == (
        "acme-plugin", "acme-dist", "acmelib-dist", "4.5.6", "BSD-3-Clause")
    assert (acme.transfer_syntaxes, acme.thread_safe, acme.priority, acme.available) == (
        (RLE, JLS), True, 70, True)
    assert "acmelib" not in sys.modules  # read from the metadata, never imported
    missing = info["missing"]
    assert (missing.library, missing.library_version, missing.available) == ("", "", False)
    assert "dcmcore_no_such_module_xyz" in missing.reason


def test_a_codec_library_that_is_not_installed_is_listed_so():
    class Orphan(dummy.ConstDecoder):
        library = "no-such-codec-library-xyz"

    codecs.register(types.SimpleNamespace(dcmcore_decoders=hookimpl(lambda: [Orphan("o")])),
                    name="o")
    (info,) = codecs.available_decoders()
    assert (info.library, info.library_version) == ("no-such-codec-library-xyz", "not installed")


def test_codec_listing_gives_the_distribution_version_of_installed_plugins(tmp_path, monkeypatch):
    project = make_project(tmp_path / "project", "versioned-dcmcore", {"versioned": "versioned_mod"},
                           {"versioned_mod.py": "from dcmcore_dummy_codecs import *\n"},
                           version="7.8.9")
    site = tmp_path / "site"
    site.mkdir()
    install(project, site)
    monkeypatch.syspath_prepend(str(site))
    codecs.config.set_autoload(True)
    codecs.reload(keep_runtime=False)
    (dec,) = [c for c in codecs.available_decoders() if c.plugin == "versioned"]
    assert (dec.name, dec.distribution, dec.version) == ("dummy", "versioned-dcmcore", "7.8.9")


@pytest.mark.usefixtures("acmelib")
def test_report_shows_each_codec_with_its_library_licence_syntaxes_threads_and_priority():
    register_acme()
    text = str(codecs.effective_order())
    lines = text.splitlines()
    header = lines.index("codecs:") + 1
    assert lines[header].split() == ["codec", "kind", "plugin", "distribution", "library",
                                     "license", "thread_safe", "priority", "available",
                                     "transfer", "syntaxes"]
    rows = {tuple(line.split()[:2]): line.split() for line in lines[header + 1:header + 4]}
    assert rows[("acme", "decoder")] == ["acme", "decoder", "acme-plugin", "acme-dist",
                                         "acmelib-dist", "4.5.6", "BSD-3-Clause", "yes", "70",
                                         "yes", "RLELossless,", "JPEGLSLossless"]
    assert rows[("acme", "encoder")][-2:] == ["yes", "RLELossless"]
    assert rows[("missing", "decoder")][2:] == ["acme-plugin", "acme-dist", "-", "-", "no", "50",
                                                "no", "RLELossless"]
    assert "    missing (decoder): requires the module 'dcmcore_no_such_module_xyz'" in text
    # columns line up: every row of the table starts its cells where the header does
    starts = [lines[header].index(h) for h in ("plugin", "license", "priority")]
    for line in lines[header + 1:header + 4]:
        assert all(line[s - 2:s] == "  " and line[s] != " " for s in starts)


@pytest.mark.usefixtures("acmelib")
def test_report_for_one_syntax_lists_only_its_codecs():
    register_acme()
    report = codecs.effective_order("JPEGLSLossless")
    assert [(c.name, c.kind) for c in report.codecs] == [("acme", "decoder")]


def test_report_lists_plugins_with_distribution_version_status_and_problems():
    import dcmcore_broken_hook

    register_acme()
    codecs.register(dcmcore_broken_hook, name="badhook")
    with pytest.warns(DcmcoreWarning):
        text = str(codecs.effective_order())
    lines = text.splitlines()
    header = lines.index("plugins:") + 1
    assert lines[header].split() == ["plugin", "distribution", "version", "source", "status",
                                     "codecs"]
    rows = {line.split()[0]: line.split() for line in lines[header + 1:header + 3]}
    assert rows["acme-plugin"] == ["acme-plugin", "acme-dist", "-", "runtime", "loaded",
                                   "acme,", "missing"]
    assert rows["badhook"] == ["badhook", "-", "-", "runtime", "broken", "-"]
    assert "    badhook: dcmcore_decoders() raised RuntimeError: hook exploded" in lines


def test_module_main_lists_codecs_with_their_library_versions(tmp_path):
    project = make_project(tmp_path / "project", "libshow-dcmcore", {"libshow": "libshow_mod"},
                           {"libshow_mod.py": LIBSHOW_PLUGIN}, version="2.0")
    site = tmp_path / "site"
    site.mkdir()
    install(project, site)
    proc = subprocess.run([sys.executable, "-m", "dcmcore.codecs"], cwd=tmp_path,
                          env=clean_env(site), capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    (row,) = [line.split() for line in proc.stdout.splitlines()
              if line.split()[:2] == ["libshow", "decoder"]]
    assert row[2:8] == ["libshow", "libshow-dcmcore", "2.0", "numpy",
                        metadata.version("numpy"), "BSD-3-Clause"]
    assert "RLE Lossless (1.2.840.10008.1.2.5) - order from priority" in proc.stdout


LIBSHOW_PLUGIN = '''
from dcmcore.codecs import Decoder, hookimpl


class LibShow(Decoder):
    name = "libshow"
    transfer_syntaxes = ("1.2.840.10008.1.2.5",)
    library = "numpy"
    license = "BSD-3-Clause"


@hookimpl
def dcmcore_decoders():
    return [LibShow()]
'''
