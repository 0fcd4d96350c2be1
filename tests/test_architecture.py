"""The library's shape: no import cycle, small modules, one public vocabulary.

These tests read ``fairlib``'s source with :mod:`ast` (no import needed), so a
cycle is found even when a lazy import inside a function hides it at run time.
"""

import ast
import importlib
import inspect
import re
import subprocess
import sys
from pathlib import Path

import pytest

import fairlib

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "fairlib"
MAX_CODE_LINES = 400  # per module, docstrings and comments not counted


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(PKG.rglob("*.py"))}


def _is_package(name: str) -> bool:
    return MODULES[name].name == "__init__.py"


def _resolve(module: str, node: ast.ImportFrom) -> str:
    base = module if _is_package(module) else module.rpartition(".")[0]
    for _ in range(node.level - 1):
        base = base.rpartition(".")[0]
    if node.level == 0:
        return node.module or ""
    return f"{base}.{node.module}" if node.module else base


def import_graph() -> dict[str, set[str]]:
    """Edges module -> fairlib module it imports (at any depth of the source)."""
    graph: dict[str, set[str]] = {name: set() for name in MODULES}
    for name, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text())):
            targets = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                target = _resolve(name, node)
                targets = [target]
                # `from pkg import sub` imports the submodule pkg.sub
                targets += [f"{target}.{a.name}" for a in node.names]
            for t in targets:
                while t and t not in MODULES:  # `a.b.func` -> module `a.b`
                    t = t.rpartition(".")[0]
                if t and t != name:
                    graph[name].add(t)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    found, state, stack = [], {}, []

    def visit(v):
        state[v] = "open"
        stack.append(v)
        for w in sorted(graph[v]):
            if state.get(w) == "open":
                found.append(stack[stack.index(w) :] + [w])
            elif w not in state:
                visit(w)
        stack.pop()
        state[v] = "done"

    for v in sorted(graph):
        if v not in state:
            visit(v)
    return found


def _parent_edge(a: str, b: str) -> bool:
    """A package's ``__init__`` importing its own submodules is not a cycle edge."""
    return _is_package(a) and b.startswith(a + ".")


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle():
    graph = import_graph()
    # dependencies point one way: drop only "package imports its own submodule"
    # (re-exports); a submodule importing its package's __init__ stays an edge.
    pruned = {a: {b for b in bs if not _parent_edge(a, b)} for a, bs in graph.items()}
    assert _cycles(pruned) == []


def test_paper_subpackages_do_not_import_each_other():
    graph = import_graph()
    for name, deps in graph.items():
        for paper, other in (
            ("divisible", "cardinality"),
            ("cardinality", "divisible"),
        ):
            if name.startswith(f"fairlib.{paper}"):
                assert not any(d.startswith(f"fairlib.{other}") for d in deps), name


def _code_lines(path: Path) -> int:
    tree = ast.parse(path.read_text())
    doc_lines = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (
            isinstance(body, list)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            doc_lines.update(range(body[0].lineno, body[0].end_lineno + 1))
    lines = path.read_text().splitlines()
    return sum(
        1
        for i, line in enumerate(lines, start=1)
        if line.strip() and not line.strip().startswith("#") and i not in doc_lines
    )


@pytest.mark.parametrize("name", sorted(MODULES))
def test_modules_are_small(name):
    assert _code_lines(MODULES[name]) <= MAX_CODE_LINES


@pytest.mark.parametrize("name", sorted(MODULES))
def test_every_module_imports_on_its_own(name):
    # a fresh interpreter per module: an import-order cycle shows up as an ImportError
    out = subprocess.run(
        [sys.executable, "-c", f"import {name}"], capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr


PAPER_REF = re.compile(
    r"\b(Eq\.|Eqs\.|Equation|Theorem|Lemma|Proposition|Definition|Corollary|"
    r"Appendix|Section|Table|Figure|Claim)\b|§"
)


def _public_callables(module):
    for name in module.__all__:
        obj = getattr(module, name)
        if inspect.isfunction(obj) or inspect.isclass(obj):
            yield name, obj


@pytest.mark.parametrize(
    ("subpackage", "paper"), [("divisible", "Paper A"), ("cardinality", "Paper B")]
)
def test_public_api_is_reexported_and_documented(subpackage, paper):
    module = importlib.import_module(f"fairlib.{subpackage}")
    assert module.__all__, f"fairlib.{subpackage} declares no public names"
    for name, obj in _public_callables(module):
        # importable from fairlib as well as from the subpackage: the same object
        assert getattr(fairlib, name, None) is obj, f"fairlib.{name}"
        doc = inspect.getdoc(obj) or ""
        assert doc, f"{subpackage}.{name} has no docstring"
        if inspect.isfunction(obj) and inspect.signature(obj).parameters:
            assert "Parameters\n----------" in doc, f"{name}: numpydoc Parameters"
    # the subpackage's own docstring names its paper, and most entries cite a result
    assert paper in (module.__doc__ or "")
    cited = [
        n for n, o in _public_callables(module) if PAPER_REF.search(o.__doc__ or "")
    ]
    assert len(cited) >= len(list(_public_callables(module))) // 2


def test_fairlib_all_lists_only_real_names():
    assert sorted(set(fairlib.__all__)) == sorted(fairlib.__all__)
    for name in fairlib.__all__:
        assert hasattr(fairlib, name), name
