"""Every example in the documentation runs: each page's ``python`` blocks, in order, in
one fresh interpreter (later blocks use what earlier ones made), and the ``$ dcmcore ...``
commands of its ``console`` blocks, in a fresh folder (other commands, such as installation
steps, are shown, not run)."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from doc_blocks import DOCS, REFERENCE_PAGES, Block, blocks, pages  # noqa: E402

ROOT = DOCS.parent

PAGES = [p for p in pages() if p.name not in REFERENCE_PAGES]

RUNNER = """\
import sys, traceback
namespace = {"__name__": "__main__"}
for where, code in BLOCKS:
    try:
        exec(compile(code, where, "exec"), namespace)
    except BaseException:
        traceback.print_exc()
        print("FAILED at " + where, file=sys.stderr)
        sys.exit(1)
print("ran", len(BLOCKS), "blocks")
"""


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DCMCORE_")}
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env["PYTHONWARNINGS"] = "default"
    env["COLUMNS"] = "100"
    return env


def _run_python(page: str, python: list[Block], cwd: Path) -> None:
    listing = [(f"docs/{b.page}:{b.line}", b.code) for b in python]
    script = f"BLOCKS = {listing!r}\n{RUNNER}"
    done = subprocess.run([sys.executable, "-c", script], cwd=cwd, env=_clean_env(),
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{page}:\n{done.stdout}\n{done.stderr}"
    assert f"ran {len(python)} blocks" in done.stdout


def _dcmcore_command(line: str) -> tuple[dict[str, str], list[str]] | None:
    """``(environment, argv)`` of a ``$ [env VAR=value ...] dcmcore ...`` line, else None."""
    if not line.startswith("$ "):
        return None
    words = shlex.split(line[2:])
    env: dict[str, str] = {}
    if words[:1] == ["env"]:
        words = words[1:]
        while words and "=" in words[0]:
            name, _, value = words.pop(0).partition("=")
            env[name] = value
    if words[:1] != ["dcmcore"]:
        return None
    return env, [sys.executable, "-m", "dcmcore", *words[1:]]


def _run_console(block: Block, cwd: Path) -> int:
    ran = 0
    for offset, line in enumerate(block.code.splitlines()):
        command = _dcmcore_command(line)
        if command is None:
            continue
        env, args = command
        done = subprocess.run(args, cwd=cwd, env={**_clean_env(), **env}, capture_output=True,
                              text=True, timeout=600)
        assert done.returncode == 0, (
            f"docs/{block.page}:{block.line + offset}: {line}\n{done.stdout}\n{done.stderr}")
        ran += 1
    return ran


def test_documentation_pages_are_found():
    names = {str(p.relative_to(DOCS)) for p in pages()}
    assert "index.md" in names and "plugins.md" in names
    assert any(name.startswith("guide/") for name in names)


def test_blocks_left_out_say_why():
    for page in pages():
        for block in blocks(page):
            assert block.skipped is None or block.skipped, (
                f"docs/{block.page}:{block.line}: '% not run:' needs a reason")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(DOCS)))
def test_page_examples_run(page, tmp_path):
    found = [b for b in blocks(page) if b.skipped is None]
    python = [b for b in found if b.language == "python"]
    console = [b for b in found if b.language == "console"]
    if not python and not console:
        pytest.skip(f"{page.name} has no examples")
    if python:
        _run_python(page.name, python, tmp_path)
    ran = sum(_run_console(block, tmp_path) for block in console)
    if console and not python:
        assert ran, f"{page.name}: no '$ dcmcore' command in its console blocks"
