"""The pipeline's layout: each line of a plan is normalised once, and shared by the stages."""

from __future__ import annotations

import collections
import sys

from conftest import DATA

import taskmap.pipeline  # every stage that views text, imported before views are counted
from taskmap import text


def test_each_line_is_viewed_once(monkeypatch):
    """The view of a line is computed once (Document.views) and handed to every stage:
    outline, blocks, tables and tasks never recompute it."""
    calls: collections.Counter[str] = collections.Counter()
    real, real_line = text.view, text.fold_line

    def counting(text: str) -> str:
        calls[text] += 1
        return real(text)

    def counting_line(text: str) -> str:
        calls[text] += 1
        return real_line(text)

    patched = [(m, name, f) for module_name, m in list(sys.modules.items())
               if module_name.startswith("taskmap")
               for name, f in (("view", real), ("fold_line", real_line))
               if getattr(m, name, None) is f]
    assert len(patched) >= 6  # taskmap.text itself and the stages that import view
    for module, name, f in patched:
        monkeypatch.setattr(module, name, counting if f is real else counting_line)
    real.cache_clear()
    doc = taskmap.read_document(DATA / "qinglan_city_industry_plan.txt")
    plan = taskmap.parse_document(doc)
    assert plan.tasks
    lines = [line for line in doc.lines if len(line.strip()) > 10]
    assert lines and all(calls[line] == 1 for line in lines), {
        line[:20]: calls[line] for line in lines if calls[line] != 1}
