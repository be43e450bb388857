"""Arrows run down: the import graph of taskmap/ (every `import` and `from … import`, those
inside functions too) never goes from a lower stage to a higher one, and has no cycle.

The stages, bottom to top, follow the path of a plan. A module belongs to the stage of its
first name under taskmap (`taskmap.grammar.blocks` → grammar). The package's own
`__init__` (the public API, importing every stage lazily) stands above them all, and no
module imports it; a package `__init__` importing its own modules (re-exporting) is no
cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "taskmap"

STAGES: tuple[tuple[str, tuple[str, ...]], ...] = (
    # services every stage may use: errors, the version, the genre's words and their
    # compiled lexicon, files written whole, the text view and the data model ("text": the
    # text layer's coming module)
    ("base", ("errors", "version", "words", "lexicon", "safe", "text", "normalize", "models")),
    ("read", ("read",)),  # path → Document
    ("grammar", ("grammar",)),  # Document → blocks, rules, tasks
    ("names", ("names",)),  # surfaces → bodies
    # one plan (its bodies named where nothing was read too), its frames, two versions
    ("plans", ("pipeline", "mentions", "rows", "engine", "diff", "tracking")),
    ("corpus", ("workers", "corpus", "dask")),  # many plans, on many cores or machines
    ("present", ("present",)),  # views and files for people and programs
    ("web", ("web",)),  # the local web page
    ("cli", ("cli", "__main__")),  # the only module that prints or exits
)
RANK = {first: k for k, (_, firsts) in enumerate(STAGES) for first in firsts}
API = "taskmap"


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph(root: Path) -> dict[str, set[str]]:
    """module → the package's modules it imports (anywhere in its code)."""
    files = {module_name(p, root): p for p in root.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        package = path.name == "__init__.py"
        edges = graph[name] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [(a.name, None) for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = name.split(".")
                    parts = parts[:len(parts) - node.level + (1 if package else 0)]
                    base = ".".join(parts + ([node.module] if node.module else []))
                targets = [(base, a.name) for a in node.names]
            else:
                continue
            for module, attr in targets:
                if attr is not None and f"{module}.{attr}" in files:
                    edges.add(f"{module}.{attr}")
                elif module in files:
                    edges.add(module)
    return graph


def stage(module: str) -> int:
    first = module.split(".")[1]
    assert first in RANK, f"{module}: in no stage of tests/test_architecture.py"
    return RANK[first]


def upward(graph: dict[str, set[str]]) -> list[str]:
    """Imports of a higher stage from a lower one, and imports of the API package."""
    out = []
    for a, targets in sorted(graph.items()):
        for b in sorted(targets):
            if b == API:
                out.append(f"{a} imports the package {API} (the API sits on top)")
            elif a != API and stage(b) > stage(a):
                out.append(f"{a} ({STAGES[stage(a)][0]}) imports {b} ({STAGES[stage(b)][0]})")
    return out


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every group of modules that import one another in a ring (Tarjan), leaving out a
    package __init__'s imports of its own modules."""
    edges = {a: {b for b in bs if not b.startswith(a + ".")} for a, bs in graph.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


GRAPH = import_graph(PACKAGE)


def test_every_module_has_a_stage():
    assert [m for m in GRAPH if m != API and m.split(".")[1] not in RANK] == []


def test_no_import_runs_up():
    assert upward(GRAPH) == []


def test_no_cycle_between_modules():
    assert cycles(GRAPH) == []


def test_the_graph_sees_every_kind_of_import():
    """Relative imports of a module or a name, one and two levels up, absolute imports and
    imports inside a function are all edges."""
    assert "taskmap.lexicon" in GRAPH["taskmap.grammar.blocks"]  # from .. import lexicon
    assert "taskmap.grammar.clauses" in GRAPH["taskmap.grammar.blocks"]  # from .clauses import
    assert "taskmap.read" in GRAPH["taskmap.pipeline"]  # from .read import (a package)
    assert "taskmap.corpus" in GRAPH["taskmap.cli"]  # inside a function
    assert "taskmap.safe" in GRAPH["taskmap.present.xlsx.style"]  # from ...safe import


@pytest.fixture
def bent(tmp_path: Path) -> Path:
    """A package whose lexicon imports the grammar (up) and whose grammar modules import
    each other in a ring, one of them from inside a function."""
    root = tmp_path / "taskmap"
    (root / "grammar").mkdir(parents=True)
    files = {"__init__.py": "from . import cli\n", "cli.py": "", "grammar/__init__.py": "",
             "lexicon.py": "from .grammar import blocks\n",
             "grammar/blocks.py": "from . import coverage\n",
             "grammar/coverage.py": "def f():\n    from .blocks import g\n"}
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_the_checks_find_what_they_look_for(bent):
    graph = import_graph(bent)
    assert upward(graph) == ["taskmap.lexicon (base) imports taskmap.grammar.blocks (grammar)"]
    assert cycles(graph) == [["taskmap.grammar.blocks", "taskmap.grammar.coverage"]]
    graph["taskmap.cli"].add("taskmap")
    assert "taskmap.cli imports the package taskmap (the API sits on top)" in upward(graph)
