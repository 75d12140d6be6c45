"""Fixtures for the ``dcmcore`` command's tests: the real console script and the corpus."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

#: pydicom's bundled test files (pydicom is the tests' corpus, never a dcmcore dependency)
CORPUS = Path(__import__("pydicom").__file__).parent / "data" / "test_files"

#: The console script installed with dcmcore, beside this interpreter.
DCMCORE = Path(sys.executable).parent / "dcmcore"

RunCli = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def run_cli() -> RunCli:
    """Run the installed ``dcmcore`` script: ``run_cli("show", "example:ct")``."""
    if not DCMCORE.exists():
        pytest.skip(f"the console script is not installed at {DCMCORE}")

    def run(*args: str, timeout: float = 120, cwd: Path | None = None
            ) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "COLUMNS": "250"}
        return subprocess.run([str(DCMCORE), *args], capture_output=True, text=True,
                              timeout=timeout, cwd=cwd, env=env)

    return run


@pytest.fixture
def wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """rich tables wide enough that cells are not folded."""
    monkeypatch.setenv("COLUMNS", "250")
