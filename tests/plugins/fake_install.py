"""Install a plugin project into a folder the way pip would, without pip.

Reads the project's pyproject.toml, writes ``<name>-<version>.dist-info`` with
METADATA and entry_points.txt, and copies the project's modules next to it, so
``importlib.metadata`` finds the entry points when the folder is on sys.path.
"""

from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path


def install(project: Path, site: Path) -> Path:
    """Install `project` into `site`; return the dist-info folder."""
    meta = tomllib.loads((project / "pyproject.toml").read_text())["project"]
    name, version = meta["name"], meta["version"]
    norm = re.sub(r"[-_.]+", "_", name).lower()
    info = site / f"{norm}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
    )
    lines = []
    for group, eps in meta.get("entry-points", {}).items():
        lines.append(f"[{group}]")
        lines += [f"{k} = {v}" for k, v in eps.items()]
    (info / "entry_points.txt").write_text("\n".join(lines) + "\n")
    for src in project.glob("*.py"):
        shutil.copy(src, site / src.name)
    (info / "RECORD").write_text("")
    return info


def make_project(root: Path, dist: str, entry_points: dict[str, str],
                 modules: dict[str, str], version: str = "1.0") -> Path:
    """Write a plugin project: pyproject.toml with [project.entry-points.dcmcore] + modules."""
    root.mkdir(parents=True)
    eps = "\n".join(f'{k} = "{v}"' for k, v in entry_points.items())
    (root / "pyproject.toml").write_text(
        f'[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n\n'
        f'[project]\nname = "{dist}"\nversion = "{version}"\n'
        f'dependencies = ["dcmcore"]\n\n'
        f"[project.entry-points.dcmcore]\n{eps}\n\n"
        f'[tool.hatch.build.targets.wheel]\ninclude = ["*.py"]\n'
    )
    for filename, text in modules.items():
        (root / filename).write_text(text)
    return root
