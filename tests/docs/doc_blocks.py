"""Find the code examples of the Markdown pages in docs/.

A page's fenced blocks tagged ``python`` are its Python examples; those tagged
``console`` hold shell commands, and the lines ``$ dcmcore ...`` (optionally after
``env VAR=value``) are its command-line examples. A block is
left out when the line just before its fence is a MyST comment starting with
``% not run:`` followed by the reason (for instance a fragment that needs a
codec library nobody has installed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs"

#: Pages whose code blocks list signatures and contracts rather than examples.
REFERENCE_PAGES = frozenset({"architecture.md"})

_FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})(?P<info>[^`]*)$")


@dataclass(frozen=True)
class Block:
    page: str          # path relative to docs/
    line: int          # 1-based line of the first code line
    language: str
    code: str
    skipped: str | None    # the reason given by "% not run:", None when the block runs


def pages() -> list[Path]:
    """Every Markdown page of the documentation (not the build output, not the plugin)."""
    found = []
    for path in sorted(DOCS.rglob("*.md")):
        rel = path.relative_to(DOCS)
        if rel.parts[0] in ("_build", "examples"):
            continue
        found.append(path)
    return found


def blocks(path: Path) -> list[Block]:
    """The fenced code blocks of `path`, in order."""
    lines = path.read_text(encoding="utf-8").splitlines()
    out: list[Block] = []
    i = 0
    while i < len(lines):
        match = _FENCE.match(lines[i])
        if not match:
            i += 1
            continue
        fence, info = match["fence"], match["info"].strip()
        language = info.split()[0] if info else ""
        previous = lines[i - 1].strip() if i else ""
        skipped = previous[len("% not run:"):].strip() if previous.startswith("% not run:") \
            else None
        body: list[str] = []
        j = i + 1
        while j < len(lines) and not lines[j].strip().startswith(fence[0] * len(fence)):
            body.append(lines[j])
            j += 1
        out.append(Block(str(path.relative_to(DOCS)), i + 2, language, "\n".join(body) + "\n",
                         skipped))
        i = j + 1
    return out
