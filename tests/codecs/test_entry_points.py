"""Third-party plugins installed from their own project folders, found through entry points.

Each test runs a fresh interpreter (entry points, environment variables and the
current directory are process-wide).  Plugins are "installed" by writing the
``.dist-info`` (METADATA + entry_points.txt made from the project's
pyproject.toml) and the module into a folder put on PYTHONPATH; one test does a
real ``pip install`` of the same kind of project.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "plugins"))

from codecs_testing import HERE, RLE, clean_env, run_python  # noqa: E402
from fake_install import install, make_project  # noqa: E402

PLUGIN_TEMPLATE = '''
import numpy as np
from dcmcore.codecs import Decoder, hookimpl


class {cls}(Decoder):
    name = "{name}"
    transfer_syntaxes = ("{ts}",)
    priority = {priority}

    def decode(self, data, info, **options):
        return np.full((info.rows, info.columns), {value}, dtype=np.uint8)


@hookimpl
def dcmcore_decoders():
    return [{cls}()]
'''

PROBE = '''
import json, sys, warnings
OURS = ("acme", "rival", "piptest")
MODULES = ("acme_dcmcore", "rival_dcmcore", "piptest_dcmcore", "dcmcore_broken_import")
caught = []
warnings.simplefilter("always")
old_showwarning = warnings.showwarning
warning_files = []
def show(message, category, filename, *args, **kwargs):
    caught.append(f"{category.__name__}: {message}")
    warning_files.append(filename)
warnings.showwarning = show
import dcmcore
import dcmcore.codecs as codecs
out = {"imported_at_import": sorted(m for m in MODULES if m in sys.modules)}
info = codecs.FrameInfo(2, 2, 1, 8, 8, 0, "MONOCHROME2", transfer_syntax_uid="__RLE__")
out["order"] = [d.name for d in codecs.decoders_for(info.transfer_syntax_uid) if d.name in OURS]
try:
    arr, dec = codecs.decode_with_fallback(b"", info)
    out["default"] = [dec.name, int(arr[0, 0]), dec.provided_by]
except Exception as exc:
    out["default"] = [type(exc).__name__, str(exc)]
for name in ("acme", "acme-dcmcore", "piptest"):
    try:
        arr, dec = codecs.decode_with_fallback(b"", info, plugin=name)
        out["by_name_" + name] = [dec.name, int(arr[0, 0])]
    except Exception as exc:
        out["by_name_" + name] = [type(exc).__name__, str(exc)]
out["plugins"] = {p.name: [p.distribution, p.version, p.source, p.status, p.error, list(p.decoders)]
                  for p in codecs.list_plugins()}
out["source"] = codecs.effective_order(info.transfer_syntax_uid).syntaxes[0].order_source
out["report"] = str(codecs.effective_order(info.transfer_syntax_uid))
out["loaded_modules"] = sorted(m for m in MODULES if m in sys.modules)
out["why"] = {name: codecs.unusable_reason(name, "decoder") for name in ("acme", "broken")}
out["warnings"] = caught
out["warning_files"] = warning_files
print(json.dumps(out))
'''.replace("__RLE__", RLE)


def _plugin_project(root: Path, dist: str, ep: str, module: str, name: str, priority: int,
                    value: int) -> Path:
    src = PLUGIN_TEMPLATE.format(cls=name.title() + "Decoder", name=name, ts=RLE,
                                 priority=priority, value=value)
    return make_project(root / dist, dist, {ep: module}, {f"{module}.py": src}, version="1.2.3")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """A folder with acme (priority 10), rival (priority 90) and two broken plugins installed."""
    base = tmp_path_factory.mktemp("projects")
    site = tmp_path_factory.mktemp("site")
    install(_plugin_project(base, "acme-dcmcore", "acme", "acme_dcmcore", "acme", 10, 42), site)
    install(_plugin_project(base, "rival-dcmcore", "rival", "rival_dcmcore", "rival", 90, 7), site)
    broken = make_project(base / "broken", "broken-dcmcore", {"broken": "dcmcore_broken_import"},
                          {"dcmcore_broken_import.py":
                           (HERE / "dcmcore_broken_import.py").read_text()})
    install(broken, site)
    hook = make_project(base / "hook", "hook-dcmcore", {"badhook": "dcmcore_broken_hook"},
                        {"dcmcore_broken_hook.py": (HERE / "dcmcore_broken_hook.py").read_text()})
    install(hook, site)
    return site


@pytest.fixture
def probe(site, tmp_path):
    def run(env=None, cwd=None):
        return run_python(PROBE, cwd=cwd or tmp_path, path=[site], env=env)
    return run


@pytest.fixture(scope="module")
def default_out(site, tmp_path_factory):
    """The probe's result with no configuration at all (shared: it is read-only)."""
    return run_python(PROBE, cwd=tmp_path_factory.mktemp("cwd"), path=[site])


def test_installed_plugin_is_listed_with_its_distribution(default_out):
    out = default_out
    dist, version, source, status, error, decoders = out["plugins"]["acme"]
    assert (dist, version, source, status, error, decoders) == (
        "acme-dcmcore", "1.2.3", "entry point", "loaded", "", ["acme"])
    assert out["plugins"]["rival"][0] == "rival-dcmcore"


def test_plugins_are_loaded_lazily_not_at_import(default_out):
    out = default_out
    assert out["imported_at_import"] == []
    assert "acme_dcmcore" in out["loaded_modules"]


def test_default_order_is_by_priority_and_name_selects(default_out):
    out = default_out
    assert out["order"] == ["rival", "acme"]
    assert out["default"] == ["rival", 7, "rival-dcmcore"]
    assert out["by_name_acme"] == ["acme", 42]
    assert out["by_name_acme-dcmcore"] == ["acme", 42]  # distribution name works too
    assert out["source"] == "priority"


def test_plugin_raising_on_import_is_skipped_with_warning(default_out):
    out = default_out
    warned = [w for w in out["warnings"] if "'broken'" in w]
    assert len(warned) == 1 and warned[0].startswith("DcmcoreWarning")
    assert "failed to load and is skipped" in warned[0] and "libmissing.so" in warned[0]
    dist, _, _, status, error, _ = out["plugins"]["broken"]
    assert (dist, status) == ("broken-dcmcore", "broken") and "libmissing.so" in error
    assert "dcmcore_broken_import" not in out["loaded_modules"]


def test_plugin_hook_raising_is_skipped_with_warning(default_out):
    out = default_out
    assert any("'badhook'" in w and "hook exploded" in w for w in out["warnings"])
    assert out["plugins"]["badhook"][3] == "broken"
    assert out["order"] == ["rival", "acme"]  # the others still work


def test_plugin_warnings_point_at_the_callers_code(default_out):
    assert default_out["warnings"] and set(default_out["warning_files"]) == {"<string>"}


def test_asking_for_a_plugin_that_failed_to_import_says_why(default_out):
    assert default_out["why"]["broken"] == (
        "plugin 'broken' (distribution broken-dcmcore 1.0) is installed but broken: import "
        "failed: ImportError: dcmcore_broken_import needs libmissing.so")
    assert default_out["why"]["acme"] is None


def test_config_file_orders_installed_plugins(probe, tmp_path):
    (tmp_path / "dcmcore.toml").write_text('[plugins]\norder = ["acme"]\n')
    out = probe()
    assert out["order"] == ["acme", "rival"] and out["default"][:2] == ["acme", 42]
    assert out["source"] == f"file {tmp_path / 'dcmcore.toml'} [plugins.order]"


def test_pyproject_tool_table_orders_installed_plugins(probe, tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.dcmcore.plugins.order_by_syntax]\nRLELossless = ["acme-dcmcore"]\n')
    sub = tmp_path / "src"
    sub.mkdir()
    out = probe(cwd=sub)
    assert out["order"] == ["acme", "rival"]


def test_environment_orders_installed_plugins_over_config_file(probe, tmp_path):
    (tmp_path / "dcmcore.toml").write_text('[plugins]\norder = ["rival"]\n')
    out = probe(env={"DCMCORE_PLUGIN_ORDER_RLELossless": "acme"})
    assert out["order"] == ["acme", "rival"]
    assert out["source"] == "env DCMCORE_PLUGIN_ORDER_RLELossless"
    out = probe(env={"DCMCORE_PLUGIN_ORDER": "acme,rival"})
    assert out["order"] == ["acme", "rival"]


def test_disabled_installed_plugin_is_not_used(probe):
    out = probe(env={"DCMCORE_DISABLED_PLUGINS": "rival"})
    assert out["order"] == ["acme"] and out["default"][:2] == ["acme", 42]
    assert "disabled by env DCMCORE_DISABLED_PLUGINS" in out["report"]


def test_disabled_by_config_file(probe, tmp_path):
    (tmp_path / "dcmcore.toml").write_text('[plugins]\ndisabled = ["rival-dcmcore"]\n')
    assert probe()["order"] == ["acme"]


def test_blocked_plugin_is_never_imported(probe):
    out = probe(env={"DCMCORE_BLOCKED_PLUGINS": "acme,broken"})
    assert "acme_dcmcore" not in out["loaded_modules"]
    assert out["plugins"]["acme"][3] == "blocked"
    assert out["order"] == ["rival"]
    assert not any("'broken'" in w for w in out["warnings"])
    assert out["by_name_acme"][0] == "PluginError" and "blocked" in out["by_name_acme"][1]


def test_autoload_switch_disables_entry_points(probe):
    out = probe(env={"DCMCORE_DISABLE_PLUGIN_AUTOLOAD": "1"})
    assert out["loaded_modules"] == [] and out["order"] == []
    assert "acme" not in out["plugins"]
    assert out["default"][0] == "NoPluginError" and "dcmcore-rle" in out["default"][1]
    assert out["why"]["acme"] == (
        "plugin 'acme' (distribution acme-dcmcore 1.2.3) is installed but not loaded: "
        "entry-point autoloading is off (env DCMCORE_DISABLE_PLUGIN_AUTOLOAD)")


def test_asking_for_a_blocked_plugin_says_by_which_setting(probe):
    out = probe(env={"DCMCORE_BLOCKED_PLUGINS": "acme"})
    assert out["why"]["acme"] == ("plugin 'acme' (distribution acme-dcmcore 1.2.3) is blocked "
                                  "by env DCMCORE_BLOCKED_PLUGINS")


def test_import_dcmcore_imports_no_codec_library(tmp_path):
    code = '''
    import json, sys
    import dcmcore, dcmcore.codecs
    libs = ("dcmcore_rle", "pylibjpeg", "openjpeg", "libjpeg", "rle", "jpeg_ls", "gdcm",
            "PIL", "dcmcore_jpegls", "dcmcore_openjpeg", "dcmcore_gdcm", "dcmcore_pylibjpeg")
    from dcmcore.codecs.manager import registry
    print(json.dumps({"libs": [m for m in libs if m in sys.modules],
                      "loaded": registry._autoloaded}))
    '''
    out = run_python(code, cwd=tmp_path)
    assert out["libs"] == [] and out["loaded"] is False
    out = run_python('import json, sys, dcmcore\n'
                     'print(json.dumps({"m": [m for m in sys.modules if m.startswith('
                     '"dcmcore.codecs") or m == "pluggy"]}))', cwd=tmp_path)
    assert out["m"] == []


@pytest.mark.skipif(shutil.which("pip") is None and not (Path(sys.executable).parent / "pip").exists(),
                    reason="pip not available")
def test_pip_installed_plugin_project_is_found(tmp_path):
    pytest.importorskip("hatchling")
    project = _plugin_project(tmp_path, "piptest-dcmcore", "piptest", "piptest_dcmcore",
                              "piptest", 50, 99)
    target = tmp_path / "target"
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-build-isolation",
         "--no-index", "--disable-pip-version-check", "--quiet", "--target", str(target),
         str(project)],
        capture_output=True, text=True, timeout=300,
    )
    if proc.returncode != 0:
        pytest.skip(f"pip could not build the project offline: {proc.stderr[-500:]}")
    out = run_python(PROBE, cwd=tmp_path, path=[target])
    assert out["plugins"]["piptest"][:4] == ["piptest-dcmcore", "1.2.3", "entry point", "loaded"]
    assert out["by_name_piptest"] == ["piptest", 99]
    assert out["imported_at_import"] == []


def test_module_main_prints_effective_order(site, tmp_path):
    proc = subprocess.run([sys.executable, "-m", "dcmcore.codecs", "RLELossless"], cwd=tmp_path,
                          env=clean_env(site, DCMCORE_PLUGIN_ORDER="acme"), capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    rows = [line.split() for line in proc.stdout.splitlines()]
    assert ["acme", "acme-dcmcore", "1.2.3", "entry", "point", "loaded", "acme"] in rows
    assert "1. acme (acme-dcmcore) [used; placed by order from env DCMCORE_PLUGIN_ORDER]" in proc.stdout


# -- two installed plugins offering one codec name; a private syntax named in the file -----------

PRIVY_PLUGIN = '''
import numpy as np
from dcmcore.codecs import Decoder, hookimpl
from dcmcore.transfer_syntax import TransferSyntax

UID = "1.2.3.4.999.88"


class Privy(Decoder):
    transfer_syntaxes = (UID,)

    def __init__(self, name, priority):
        self.name, self.priority = name, priority

    def decode(self, data, info, **options):
        return np.zeros((info.rows, info.columns), dtype=np.uint8)


@hookimpl
def dcmcore_transfer_syntaxes():
    return [TransferSyntax(uid=UID, name="Privy", keyword="PrivySyntax", implicit_vr=False,
                           little_endian=True, deflated=False, encapsulated=True,
                           lossless=True, private=True)]


@hookimpl
def dcmcore_decoders():
    return [Privy("hi", 90), Privy("lo", 10)]
'''

TWINS_PROBE = '''
import json, warnings
caught = []
warnings.simplefilter("always")
warnings.showwarning = lambda m, c, *a, **k: caught.append(str(m))
import dcmcore.codecs as codecs
out = {"rle": [(d.name, d.plugin) for d in codecs.decoders_for("1.2.840.10008.1.2.5")
               if d.name == "twin"],
       "privy": [d.name for d in codecs.decoders_for("1.2.3.4.999.88")],
       "status": {p.name: [p.status, list(p.problems)] for p in codecs.list_plugins()},
       "warnings": caught}
print(json.dumps(out))
'''


@pytest.fixture(scope="module")
def twins_site(tmp_path_factory) -> Path:
    """Plugins 'twin-b' and 'twin-a' (entry-point names) both offering codec 'twin'; 'privy'."""
    base = tmp_path_factory.mktemp("twins")
    site = tmp_path_factory.mktemp("twins-site")
    install(_plugin_project(base, "zeta-dcmcore", "twin-a", "zeta_twin", "twin", 50, 1), site)
    install(_plugin_project(base, "alpha-dcmcore", "twin-b", "alpha_twin", "twin", 50, 2), site)
    install(make_project(base / "privy", "privy-dcmcore", {"privy": "privy_dcmcore"},
                         {"privy_dcmcore.py": PRIVY_PLUGIN}), site)
    return site


def test_installed_plugins_offering_one_codec_name_first_entry_point_name_keeps_it(
        twins_site, tmp_path):
    out = run_python(TWINS_PROBE, cwd=tmp_path, path=[twins_site])
    assert out["rle"] == [["twin", "twin-a"]]
    (warning,) = [w for w in out["warnings"] if "'twin'" in w]
    assert warning.startswith("dcmcore plugin 'twin-b' (distribution alpha-dcmcore 1.2.3) "
                              "offers a decoder named 'twin', but plugin 'twin-a' (distribution "
                              "zeta-dcmcore 1.2.3), registered first, has that name")
    assert out["status"]["twin-b"][0] == "broken"


def test_config_file_orders_a_private_syntax_by_keyword(twins_site, tmp_path):
    (tmp_path / "dcmcore.toml").write_text(
        '[plugins]\nblocked = ["nothing"]\n[plugins.order_by_syntax]\nPrivySyntax = ["lo"]\n')
    out = run_python(TWINS_PROBE, cwd=tmp_path, path=[twins_site])
    assert out["privy"] == ["lo", "hi"]
    assert not [w for w in out["warnings"] if "PrivySyntax" in w]
    (tmp_path / "empty.toml").write_text("")
    out = run_python(TWINS_PROBE, cwd=tmp_path, path=[twins_site],
                     env={"DCMCORE_CONFIG": str(tmp_path / "empty.toml")})
    assert out["privy"] == ["hi", "lo"]  # by priority without the file
