"""The package's import structure: no module-level cycle, and few function-local imports.

Module-level imports of dcmcore's own modules form no cycle; an import inside a function
is there only to break a real cycle or defer a heavy optional dependency, and its line
says which (a comment).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import dcmcore

PACKAGE = Path(dcmcore.__file__).parent
MAX_FUNCTION_LOCAL = 25


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, tuple[Path, ast.Module]]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        generated = path.parent.name == "dictionary" and path.name.startswith("_")
        # the generated tables import nothing: not parsed (they are large)
        source = "" if generated else path.read_text()
        found[_module_name(path)] = (path, ast.parse(source, str(path)))
    return found


MODULES = _modules()


def _targets(node: ast.Import | ast.ImportFrom, module: str, path: Path) -> list[str]:
    """The dcmcore modules an import statement loads."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:
            package = module if path.name == "__init__.py" else module.rpartition(".")[0]
            for _ in range(node.level - 1):
                package = package.rpartition(".")[0]
            base = f"{package}.{base}" if base else package
        # ``from package import module`` loads the module (the package is loading already)
        names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base
                 for alias in node.names]
    return [name for name in names if name in MODULES]


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _module_level_imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    found: list[ast.Import | ast.ImportFrom] = []
    pending: list[ast.stmt] = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        elif isinstance(node, ast.If) and not _is_type_checking(node):
            pending.extend(node.body + node.orelse)
        elif isinstance(node, ast.Try):
            pending.extend(node.body + node.orelse + node.finalbody)
            for handler in node.handlers:
                pending.extend(handler.body)
    return found


def _function_local_imports() -> list[tuple[str, int, str, str]]:
    """(module, line, target, source line) of each own-module import inside a function."""
    found = []
    for module, (path, tree) in MODULES.items():
        lines = path.read_text().splitlines() if tree.body else []
        for func in ast.walk(tree):
            if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(func):
                if isinstance(node, ast.Import | ast.ImportFrom):
                    for target in _targets(node, module, path)[:1]:
                        found.append((module, node.lineno, target, lines[node.lineno - 1]))
    return found


def test_module_level_imports_form_no_cycle() -> None:
    graph = {
        module: {t for node in _module_level_imports(tree)
                 for t in _targets(node, module, path) if t != module}
        for module, (path, tree) in MODULES.items()
    }
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(module: str) -> None:
        state[module] = 1
        stack.append(module)
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                cycle = stack[stack.index(target):] + [target]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if target not in state:
                visit(target)
        stack.pop()
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module)


def test_function_local_imports_are_few_and_each_says_why() -> None:
    local = _function_local_imports()
    unexplained = [f"{m}:{line} -> {t}" for m, line, t, text in local if "#" not in text]
    assert not unexplained, "function-local imports without a reason: " + ", ".join(unexplained)
    assert len(local) <= MAX_FUNCTION_LOCAL, "\n".join(
        f"{m}:{line} -> {t}" for m, line, t, _ in local
    )


def test_the_data_model_imports_no_io_module_at_module_level() -> None:
    model = ["dcmcore.element", "dcmcore.sequence", "dcmcore.dataset", "dcmcore.values",
             "dcmcore.tag", "dcmcore.vr", "dcmcore.personname", "dcmcore.datetimes"]
    for module in model:
        path, tree = MODULES[module]
        for node in _module_level_imports(tree):
            assert not any(t.startswith("dcmcore.io") for t in _targets(node, module, path)), (
                module, node.lineno)
