"""Every package's public face: ``__all__`` complete, resolvable, and what the type checker sees.

For each package of dcmcore (``dcmcore`` itself, ``codecs``, ``pixels``, ``io``,
``dictionary``, ``examples``, and any added later):

- every name of ``__all__`` resolves at runtime;
- every name of ``__all__`` is bound where a type checker looks (a top-level import,
  definition or assignment, or an import under ``if TYPE_CHECKING:``), unless the
  package's module ``__getattr__`` is itself typed for the checker (not ``Any``);
- a name bound under ``if TYPE_CHECKING:`` is the very object the runtime gives;
- every name of a subpackage the documentation tells users to call
  (``dcmcore.pixels.shutdown_pools``, ``from dcmcore.codecs import Decoder``...)
  is in that subpackage's ``__all__``.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from pathlib import Path

import pytest

import dcmcore

ROOT = Path(dcmcore.__file__).parent
REPO = ROOT.parent
DOCS = [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]


def _packages() -> list[str]:
    names = ["dcmcore"]
    for info in pkgutil.walk_packages(dcmcore.__path__, "dcmcore.", onerror=lambda name: None):
        if info.ispkg:
            names.append(info.name)
    return names


def _import(name: str):
    try:
        return importlib.import_module(name)
    except ImportError as exc:  # a package needing an optional extra that is not installed
        if (exc.name or "").startswith("dcmcore"):
            raise
        pytest.skip(f"{name} needs {exc.name}")


PACKAGES = _packages()


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _static_view(tree: ast.Module) -> tuple[dict[str, tuple[str, str] | None], ast.FunctionDef | None]:
    """Names a type checker sees bound at module level -> (module, attr) for imports.

    Also returns the module ``__getattr__`` the checker sees, if any. The ``else``
    branch of ``if TYPE_CHECKING:`` is invisible to the checker.
    """
    bound: dict[str, tuple[str, str] | None] = {}
    getattr_def: list[ast.FunctionDef] = []

    def visit(body: list[ast.stmt]) -> None:
        for node in body:
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:
                    bound[alias.asname or alias.name] = (node.module, alias.name)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    bound[alias.asname or alias.name.split(".")[0]] = None
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                bound[node.name] = None
                if node.name == "__getattr__" and isinstance(node, ast.FunctionDef):
                    getattr_def.append(node)
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    for sub in ast.walk(target):
                        if isinstance(sub, ast.Name):
                            bound[sub.id] = None
            elif isinstance(node, ast.If):
                visit(node.body)
                if not _is_type_checking(node.test):
                    visit(node.orelse)
            elif isinstance(node, ast.Try):
                visit(node.body)
                for handler in node.handlers:
                    visit(handler.body)
                visit(node.orelse)
                visit(node.finalbody)

    visit(tree.body)
    return bound, (getattr_def[0] if getattr_def else None)


def _source_tree(package: str) -> ast.Module:
    module = importlib.import_module(package)
    return ast.parse(Path(module.__file__).read_text(encoding="utf-8"))


@pytest.mark.parametrize("package", PACKAGES)
def test_every_name_in_all_resolves_at_runtime(package):
    module = _import(package)
    names = module.__all__
    assert len(names) == len(set(names)), f"{package}.__all__ repeats a name"
    missing = [name for name in names if not hasattr(module, name)]
    assert missing == []


@pytest.mark.parametrize("package", PACKAGES)
def test_type_checker_sees_every_name_in_all(package):
    module = _import(package)
    bound, getattr_def = _static_view(_source_tree(package))
    typed_getattr = getattr_def is not None and getattr_def.returns is not None and (
        ast.unparse(getattr_def.returns) not in {"Any", "typing.Any", "object"}
    )
    unseen = [name for name in module.__all__ if name not in bound]
    if typed_getattr:  # e.g. examples.ct: a fresh dataset per access, typed FileDataset
        unseen = [name for name in unseen if not hasattr(module, name)]
    assert unseen == [], f"{package}: names the type checker cannot see"
    assert getattr_def is None or typed_getattr, (
        f"{package}: a module __getattr__ returning Any hides misspelt names from the type checker"
    )


@pytest.mark.parametrize("package", PACKAGES)
def test_names_imported_for_the_type_checker_are_the_runtime_objects(package):
    module = _import(package)
    bound, _ = _static_view(_source_tree(package))
    for name, origin in bound.items():
        if origin is None or name.startswith("_") or origin[0] == "__future__":
            continue
        if origin[0] in {"typing", "collections.abc"}:
            continue
        source = importlib.import_module(origin[0])
        expected = getattr(source, origin[1], None)
        if expected is None:  # `from package import submodule`
            expected = importlib.import_module(f"{origin[0]}.{origin[1]}")
        if name in getattr(module, "__all__", ()):
            assert getattr(module, name) is expected, f"{package}.{name}"


def test_top_level_type_checking_imports_cover_exactly_all():
    tree = _source_tree("dcmcore")
    checked: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for sub in node.body:
                if isinstance(sub, ast.ImportFrom):
                    checked.update(alias.asname or alias.name for alias in sub.names)
    assert checked == set(dcmcore.__all__)


_DOTTED = re.compile(r"\bdcmcore((?:\.[A-Za-z_]\w*)+)")
_FROM = re.compile(r"\bfrom (dcmcore(?:\.\w+)+) import (?:\(([^)]*)\)|([\w, ]+))")


def _documented_references() -> list[tuple[str, tuple[str, ...], str]]:
    """(package, the names after it, where) for subpackage names the docs tell users to use."""
    subpackages = {p for p in PACKAGES if p != "dcmcore"}
    refs = []
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        for match in _DOTTED.finditer(text):
            parts = ("dcmcore" + match.group(1)).split(".")
            for i in range(len(parts) - 1, 1, -1):  # the innermost package
                package = ".".join(parts[:i])
                if package in subpackages:
                    refs.append((package, tuple(parts[i:]), f"{doc.name}: {match.group(0)}"))
                    break
        for match in _FROM.finditer(text):
            if match.group(1) in subpackages:
                for name in re.split(r"[\s,]+", match.group(2) or match.group(3)):
                    if name and name != "as":
                        refs.append((match.group(1), (name,), f"{doc.name}: {match.group(0)}"))
    return refs


def test_docs_refer_to_subpackages():
    assert any(package == "dcmcore.codecs" for package, _, _ in _documented_references())


_REFS = _documented_references()


@pytest.mark.parametrize(
    ("package", "names", "where"), _REFS, ids=[f"{p}:{'.'.join(n)}" for p, n, _ in _REFS]
)
def test_documented_name_of_a_subpackage_is_in_its_all(package, names, where):
    module = _import(package)
    submodules = {info.name for info in pkgutil.iter_modules(module.__path__)}
    first = names[0]
    if first in submodules and first not in module.__all__:
        if len(names) == 1:  # a reference to the module itself (where something is defined)
            return
        # `dcmcore.pixels.parallel.shutdown_pools`: the function must be on the face
        first = names[1]
    assert first in module.__all__, f"{where}: {first} missing from {package}.__all__"
