"""The floors of docs/architecture.md hold in the source: every import (inside functions too) points down
or stays in its package, no two files import each other in a circle, and long modules give a reason."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "architecture.md"
LINE_LIMIT = 320  # "~300 lines" with a little slack; longer modules are listed in the doc with a reason


def _section(name: str) -> str:
    text = DOC.read_text("utf-8")
    return text[text.index(f"<!-- {name}:start -->"):text.index(f"<!-- {name}:end -->")]


def floors() -> dict[str, int]:
    """Package → floor, read from the table in docs/architecture.md."""
    rows = re.findall(r"^\|\s*(\d+)\s*\|\s*`([a-z_]+)`\s*\|", _section("floors"), flags=re.M)
    return {package: int(floor) for floor, package in rows}


def our_packages() -> set[str]:
    """Top-level folders with an ``__init__.py`` (not tests or benchmarks): what pyproject ships."""
    return {p.parent.name for p in ROOT.glob("*/__init__.py")} - {"tests", "bench"}


def modules() -> dict[str, Path]:
    out = {}
    for package in our_packages():
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            out[name] = path
    return out


def imports_of(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """Modules of ours that ``name`` imports anywhere in its body (module level, functions, TYPE_CHECKING)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            targets = [module] + [f"{module}.{a.name}" for a in node.names]
        else:
            continue
        for target in targets:
            while target and target not in known:  # a name imported from a module resolves to the module
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def import_graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports_of(name, path, known) for name, path in known.items()}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    out.append(sorted(component))
    return out


def test_every_package_in_the_doc_exists_and_every_package_is_in_the_doc():
    named = floors()
    assert named, "docs/architecture.md has no floors table"
    assert set(named) == our_packages()
    pyproject = (ROOT / "pyproject.toml").read_text("utf-8")
    for package in named:
        assert f'"{package}*"' in pyproject, f"{package} is not shipped by pyproject.toml"


def test_no_module_imports_a_package_on_its_floor_or_above():
    floor = floors()
    upward = []
    for name, targets in import_graph().items():
        package = name.split(".")[0]
        for target in targets:
            other = target.split(".")[0]
            if other != package and floor[other] >= floor[package]:
                upward.append(f"{name} (floor {floor[package]}) imports {target} (floor {floor[other]})")
    assert not upward, "\n".join(sorted(upward))


def test_no_import_circles_between_files():
    assert circles(import_graph()) == []


def test_the_checker_sees_imports_inside_functions_and_circles(tmp_path):
    """The checker itself: an import inside a function counts, and a two-file circle is found."""
    source = tmp_path / "a.py"
    source.write_text("def f():\n    from kg.store import open_store\n    from . import b\n", "utf-8")
    known = {"pkg.a": source, "pkg.b": tmp_path / "b.py", "kg.store": tmp_path / "s.py"}
    assert imports_of("pkg.a", source, known) == {"kg.store", "pkg.b"}
    assert circles({"x": {"y"}, "y": {"x"}, "z": {"x"}}) == [["x", "y"]]


@pytest.mark.parametrize("package", sorted(our_packages()))
def test_long_modules_give_a_reason(package):
    listed = set(re.findall(r"^\|\s*`([\w/.]+\.py)`\s*\|", _section("long-modules"), flags=re.M))
    for path in sorted((ROOT / package).rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        lines = len(path.read_text("utf-8").splitlines())
        if lines > LINE_LIMIT:
            assert rel in listed, f"{rel} has {lines} lines: split it or give a reason in docs/architecture.md"
    for rel in listed:
        assert (ROOT / rel).is_file(), f"docs/architecture.md lists {rel}, which does not exist"
