"""The plugin author's guide's example plugin (docs/examples/dcmcore-example-codec),
installed with pip into a temporary folder: discovered through its entry point,
selected by name, ordered by configuration, its frames post-processed by the core."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
DISTRIBUTION = ROOT / "docs" / "examples" / "dcmcore-example-codec"
CHECKS = HERE / "example_plugin_checks.py"


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """pip-install the example distribution (no deps, offline) into a temporary target."""
    target = tmp_path_factory.mktemp("site")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
         "--no-build-isolation", "--no-index", "--target", str(target), str(DISTRIBUTION)],
        capture_output=True, text=True, timeout=300)
    if done.returncode != 0 and "hatchling" in done.stderr:
        pytest.fail("building the example plugin needs hatchling (the 'test' extra)\n"
                    + done.stderr)
    assert done.returncode == 0, done.stderr
    assert (target / "dcmcore_example_codec" / "plugin.py").is_file()
    return target


def run_check(site: Path, name: str, *args: str, env: dict[str, str] | None = None,
              cwd: Path | None = None) -> None:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("DCMCORE_")}
    environ["PYTHONPATH"] = os.pathsep.join([str(site), str(ROOT)])
    environ.update(env or {})
    done = subprocess.run([sys.executable, str(CHECKS), name, *args], env=environ,
                          capture_output=True, text=True, timeout=300, cwd=cwd or site)
    assert done.returncode == 0 and done.stdout.strip().endswith("ok"), (
        done.stdout + done.stderr)


def test_example_plugin_is_discovered_through_its_entry_point(installed):
    run_check(installed, "discovered")


def test_example_plugin_is_used_when_named_in_the_call(installed):
    run_check(installed, "selected_by_name")


def test_example_plugin_is_put_first_by_an_environment_variable(installed):
    env = {"DCMCORE_PLUGIN_ORDER_DeflatedImageFrameCompression": "example-zlib,deflate"}
    run_check(installed, "ordered_by_configuration", "example-zlib", "env DCMCORE_PLUGIN_ORDER_DeflatedImageFrameCompression", env=env)


def test_example_plugin_is_put_first_by_a_config_file(installed, tmp_path):
    (tmp_path / "dcmcore.toml").write_text(
        '[plugins.order_by_syntax]\nDeflatedImageFrameCompression = ["example"]\n')
    run_check(installed, "ordered_by_configuration", "example-zlib", "dcmcore.toml",
              cwd=tmp_path)


def test_example_plugin_is_ordered_and_disabled_at_run_time(installed):
    run_check(installed, "ordered_by_scoped_override")


def test_example_plugin_frames_get_the_cores_post_processing(installed):
    run_check(installed, "post_processed_by_the_core")


def test_without_the_install_the_example_plugin_is_absent():
    environ = {k: v for k, v in os.environ.items() if not k.startswith("DCMCORE_")}
    done = subprocess.run(
        [sys.executable, "-c", "from dcmcore import codecs; "
         "print('example' in {p.name for p in codecs.list_plugins()})"],
        env=environ, capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.stdout.strip() == "False", done.stderr
