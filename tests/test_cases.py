"""Golden cases per stage, as data: tests/cases/blocks.json, genre.json and outline.json.

Each case is a small invented plan snippet with the blocks, outline positions and warning
lines a correct extraction gives (see ../shared/gold/GUIDELINE.md). genre.json holds one
case per rule of the genre learned from published plans (invented text, never theirs).
"""

from __future__ import annotations

import json

import pytest
from conftest import CASES

import taskmap


def _load(name):
    return json.loads((CASES / name).read_text(encoding="utf-8"))


BLOCK_CASES = _load("blocks.json") + _load("genre.json")
OUTLINE_CASES = _load("outline.json")


def _ids(cases):
    return [c["id"] for c in cases]


@pytest.mark.parametrize("case", BLOCK_CASES, ids=_ids(BLOCK_CASES))
def test_blocks(case):
    plan = taskmap.parse_text(case["text"])
    got = [{"line": t.line, "lead": t.agencies("lead", implicit=False),
            "responsible": t.agencies("responsible", implicit=False),
            "implicit": [a.raw for a in t.assignments if a.implicit],
            "deadline": t.deadline} for t in plan.tasks]
    want = [{"deadline": None, "implicit": [], **b} for b in case["blocks"]]
    assert got == want
    assert sorted({w.line for w in plan.warnings}) == sorted(set(case.get("warnings", [])))
    if "first_listed_is_lead" in case:
        assert plan.first_listed_is_lead == case["first_listed_is_lead"]


@pytest.mark.parametrize("case", OUTLINE_CASES, ids=_ids(OUTLINE_CASES))
def test_outline(case):
    plan = taskmap.parse_text(case["text"])
    got = [{"line": t.line, "chapter": t.chapter, "area": t.area, "title": t.title}
           for t in plan.tasks]
    assert got == case["tasks"]


def test_case_ids_are_unique():
    for cases in (BLOCK_CASES, OUTLINE_CASES):
        ids = _ids(cases)
        assert len(ids) == len(set(ids))
