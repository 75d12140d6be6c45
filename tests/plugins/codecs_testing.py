"""Shared fixtures and helpers for tests/codecs/."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import dcmcore
from dcmcore.codecs import FrameInfo, config, reload
from dcmcore.codecs._warnings import forget_warnings
from dcmcore.codecs.manager import registry

HERE = Path(__file__).resolve().parent
CORE_ROOT = Path(dcmcore.__file__).resolve().parents[1]
"""The folder holding the dcmcore under test: fresh interpreters must import that one."""
RLE = "1.2.840.10008.1.2.5"


def frame_info(ts: str = RLE, samples: int = 1, pi: str = "MONOCHROME2") -> FrameInfo:
    return FrameInfo(rows=2, columns=3, samples_per_pixel=samples, bits_allocated=8,
                     bits_stored=8, pixel_representation=0, photometric_interpretation=pi,
                     transfer_syntax_uid=ts)


@pytest.fixture(name="codecs_clean")
def codecs_clean_fixture(monkeypatch, tmp_path):
    """No DCMCORE_* variables, no config file, no autoloaded or builtin plugins, empty registry."""
    monkeypatch.setattr(registry, "load_builtins", False)
    for var in list(os.environ):
        if var.startswith("DCMCORE_"):
            monkeypatch.delenv(var)
    monkeypatch.chdir(tmp_path)
    config.reset()
    config.set_autoload(False)
    reload(keep_runtime=False)
    forget_warnings()  # each test sees the warnings of its own plugins
    yield tmp_path
    config.reset()
    reload(keep_runtime=False)


def clean_env(*path: Path, **extra: str) -> dict[str, str]:
    """os.environ without DCMCORE_* settings; PYTHONPATH is `path`, then the dcmcore under test."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DCMCORE_")}
    env["PYTHONPATH"] = os.pathsep.join(str(p) for p in [*path, CORE_ROOT])
    env.update(extra)
    return env


def run_python(code: str, *, cwd: Path, path: list[Path] = (), env: dict[str, str] | None = None,
               ) -> dict:
    """Run `code` in a fresh interpreter; it must print one JSON document last."""
    env = clean_env(*path, HERE, **(env or {}))
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        raise AssertionError(f"subprocess failed ({proc.returncode}):\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])
