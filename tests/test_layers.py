"""The layering, checked: each package imports only the packages below it, and no cycles.

    gazetteer <- geoparser <- journeys <- archive <- dashboard, caravan_atlas

Every module of every top-level package is parsed (`ast`, nothing is imported) and each of
its imports, at the top or inside a function, relative or absolute, is held to `MAY_IMPORT`.
A new top-level package must be added to the table before the suite passes again.
tests/ and benchmarks/ sit outside the layering: they may import anything.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# package -> the project packages it may import (besides itself)
MAY_IMPORT: dict[str, set[str]] = {
    "gazetteer": set(),  # names -> places
    "geoparser": {"gazetteer"},  # text -> toponyms
    "journeys": {"geoparser", "gazetteer"},  # extraction, pure: knows nothing of storage
    "archive": {"journeys", "geoparser", "gazetteer"},  # the store, ingest, views
    "dashboard": {"archive", "journeys", "gazetteer"},  # the page: nothing imports it
    "caravan_atlas": {"archive", "journeys", "geoparser", "gazetteer"},  # the command line
    "seeds": set(),  # data only
}
OUTSIDE = {"tests", "benchmarks"}  # may import anything; nothing imports them


def packages(root: Path = ROOT) -> list[str]:
    """The top-level packages of the project (folders with an __init__.py)."""
    return sorted(p.parent.name for p in root.glob("*/__init__.py")
                  if not p.parent.name.startswith(".") and not p.parent.name.endswith(".egg-info"))


def imports(path: Path, module: str) -> list[tuple[str, int]]:
    """(imported module, line) for every import in the file, relative ones made absolute
    (`module` is the file's dotted name, e.g. "archive.store")."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    is_package = path.name == "__init__.py"
    parts = module.split(".")
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(a.name, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # from . import x / from ..y import z
                base = parts if is_package else parts[:-1]
                base = base[:len(base) - (node.level - 1)]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            out.append((name, node.lineno))
        elif (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
              and isinstance(node.args[0].value, str)
              and ((isinstance(node.func, ast.Attribute) and node.func.attr == "import_module")
                   or (isinstance(node.func, ast.Name) and node.func.id in ("import_module", "__import__")))):
            out.append((node.args[0].value, node.lineno))  # importlib.import_module("pkg.mod")
    return out


def package_edges(root: Path = ROOT, names: list[str] | None = None) -> dict[tuple[str, str], list[str]]:
    """(importer, imported) between two different project packages -> where ("file:line")."""
    names = names if names is not None else packages(root)
    known = set(names) | OUTSIDE
    edges: dict[tuple[str, str], list[str]] = {}
    for pkg in names + sorted(OUTSIDE):
        for path in sorted((root / pkg).rglob("*.py")):
            rel = path.relative_to(root)
            module = ".".join(rel.with_suffix("").parts)
            if module.endswith(".__init__"):
                module = module[: -len(".__init__")]
            for name, line in imports(path, module):
                top = name.split(".")[0]
                if top in known and top != pkg:
                    edges.setdefault((pkg, top), []).append(f"{rel}:{line}")
    return edges


def violations(root: Path = ROOT, may_import: dict[str, set[str]] = MAY_IMPORT) -> list[str]:
    """Every import against the layering, and every cycle between packages, as messages."""
    names = packages(root)
    out = [f"package {p}/ is not in the layering (tests/test_layers.py MAY_IMPORT)"
           for p in names if p not in may_import and p not in OUTSIDE]
    edges = package_edges(root, names)
    for (src, dst), where in sorted(edges.items()):
        if src in OUTSIDE:
            continue  # tests and benchmarks may import any package
        if dst in OUTSIDE or dst not in may_import.get(src, set()):
            out.append(f"{src} must not import {dst}: {', '.join(where)}")
    out += [f"import cycle between packages: {' -> '.join(c)}" for c in cycles(
        {(s, d) for s, d in edges if s not in OUTSIDE and d not in OUTSIDE})]
    return out


def cycles(edges: set[tuple[str, str]]) -> list[list[str]]:
    """One cycle (as a closed path) per strongly connected group of more than one package."""
    graph: dict[str, set[str]] = {}
    for s, d in edges:
        graph.setdefault(s, set()).add(d)
        graph.setdefault(d, set())
    found, seen = [], set()
    for start in sorted(graph):
        if start in seen:
            continue
        path, on_path = [start], {start}
        stack = [iter(sorted(graph[start]))]
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                stack.pop()
                on_path.discard(path.pop())
                continue
            if nxt in on_path:
                cyc = path[path.index(nxt):] + [nxt]
                if not any(set(cyc) == set(c) for c in found):
                    found.append(cyc)
                continue
            if nxt in seen:
                continue
            seen.add(nxt)
            path.append(nxt)
            on_path.add(nxt)
            stack.append(iter(sorted(graph[nxt])))
        seen.add(start)
    return found


def test_every_import_keeps_to_the_layering():
    assert violations() == []


def test_the_layering_covers_the_packages_that_matter():
    names = packages()
    for p in ("gazetteer", "geoparser", "journeys", "archive", "dashboard", "caravan_atlas"):
        assert p in names
    # the checker sees real edges (it is not passing because it reads nothing)
    edges = package_edges()
    assert ("archive", "journeys") in edges and ("journeys", "geoparser") in edges
    assert ("dashboard", "archive") in edges and ("tests", "dashboard") in edges


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    for pkg in MAY_IMPORT:
        (tmp_path / pkg).mkdir(exist_ok=True)
        (tmp_path / pkg / "__init__.py").touch()
    return tmp_path


@pytest.mark.parametrize("name, text, expect", [
    ("journeys/extract.py", "from archive.store import Store\n", "journeys must not import archive"),
    ("journeys/extract.py", "def f():\n    import archive.views\n", "journeys must not import archive"),
    ("archive/views.py", "from dashboard.state import ViewState\n", "archive must not import dashboard"),
    ("caravan_atlas/cli.py", "import dashboard.app\n", "caravan_atlas must not import dashboard"),
    ("gazetteer/x.py", "import importlib\nimportlib.import_module('geoparser.parse')\n",
     "gazetteer must not import geoparser"),
    ("archive/store.py", "from tests.conftest import X\n", "archive must not import tests"),
    ("newpkg/__init__.py", "", "package newpkg/ is not in the layering"),
])
def test_an_import_against_the_layering_fails(tmp_path, name, text, expect):
    root = _tree(tmp_path, {name: text})
    found = violations(root)
    assert any(expect in v for v in found), found
    assert name.split("/")[0] in " ".join(found)


def test_a_relative_import_is_read_as_the_package_it_names(tmp_path):
    root = _tree(tmp_path, {"journeys/sub/__init__.py": "", "journeys/sub/m.py": "from ...archive import store\n"})
    assert any("journeys must not import archive: journeys/sub/m.py:1" in v for v in violations(root))
    root = _tree(tmp_path / "clean", {"archive/m.py": "from . import store\nfrom .views import x\n"})
    assert violations(root) == []


def test_a_cycle_between_packages_fails_even_when_each_edge_is_allowed(tmp_path):
    root = _tree(tmp_path, {"journeys/a.py": "import geoparser\n", "geoparser/b.py": "import journeys\n"})
    loose = dict(MAY_IMPORT, geoparser={"gazetteer", "journeys"})
    found = violations(root, loose)
    assert any(v.startswith("import cycle between packages:") and "geoparser" in v and "journeys" in v
               for v in found), found
    assert cycles({("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")}) == [["a", "b", "c", "a"]]
    assert cycles({("a", "b"), ("b", "c")}) == []
