"""The public API is what the README shows: every name its Python examples import or call
through `taskmap.` exists, and the top-level ones are exported by `taskmap/__init__.py`."""

from __future__ import annotations

import ast
import importlib
import re

import pytest
from conftest import ROOT

import taskmap

README = (ROOT / "README.md").read_text(encoding="utf-8")
_BLOCKS = re.findall(r"```python\n(.*?)```", README, re.S)
# `taskmap.name…` written in the README's prose and code, dotted paths included
_DOTTED = sorted(set(re.findall(r"\btaskmap(?:\.[A-Za-z_]\w*)+", README)))


def _imports(source: str) -> list[tuple[str, str | None]]:
    """(module, name) of each import in a block; name None for `import module`."""
    out: list[tuple[str, str | None]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            out += [(a.name, None) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            out += [(node.module, a.name) for a in node.names]
    return out


def _resolves(dotted: str) -> bool:
    """Does `taskmap.a.b` name something: a module, or an attribute of the longest module
    prefix (a file path such as taskmap/cli.py is not a name)?"""
    parts = dotted.split(".")
    for k in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:k]))
        except ImportError:
            continue
        for attr in parts[k:]:
            if not hasattr(obj, attr):
                return False
            obj = getattr(obj, attr)
        return True
    return False


def test_the_readme_has_python_to_check():
    assert len(_BLOCKS) >= 2 and "taskmap.load_plan" in _DOTTED


@pytest.mark.parametrize(("module", "name"), [i for b in _BLOCKS for i in _imports(b)])
def test_every_name_the_readme_imports_exists(module, name):
    imported = importlib.import_module(module)
    assert name is None or hasattr(imported, name)


@pytest.mark.parametrize("dotted", [d for d in _DOTTED if not d.endswith(("py", "toml"))])
def test_every_name_the_readme_writes_exists(dotted):
    assert _resolves(dotted), dotted


def test_top_level_names_are_exported():
    """A name used as `taskmap.X` is in `__all__` (unless X is a submodule), and every name
    of `__all__` is there."""
    top = {d.split(".")[1] for d in _DOTTED}
    modules = {p.stem for p in (ROOT / "taskmap").iterdir()} - {"__init__"}
    assert sorted(top - modules - set(taskmap.__all__)) == []
    assert [n for n in taskmap.__all__ if not hasattr(taskmap, n)] == []


def test_every_error_class_is_exported():
    """The README's hierarchy: every TaskmapError subclass of errors.py is taskmap's."""
    from taskmap import errors

    classes = {n for n, v in vars(errors).items()
               if isinstance(v, type) and issubclass(v, taskmap.TaskmapError)}
    assert classes - set(taskmap.__all__) == set()
    assert all(f"`{n}`" in README for n in classes - {"TaskmapError"})
