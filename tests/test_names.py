"""Name resolution cases as data (tests/cases/names.json): surfaces that must resolve to
one body, pairs that must not, collectives, in plans of every level and many places."""

from __future__ import annotations

import json

import pytest
from conftest import CASES

import taskmap

NAME_CASES = json.loads((CASES / "names.json").read_text(encoding="utf-8"))


def _split(names: str) -> list[str]:
    """A list as a plan writes it, split at 、 outside brackets."""
    out, depth, current = [], 0, ""
    for ch in names:
        depth += ch in "(（"
        depth -= ch in ")）"
        if ch == "、" and depth == 0:
            out.append(current)
            current = ""
        else:
            current += ch
    return [*out, current]


@pytest.mark.parametrize("case", NAME_CASES, ids=[c["id"] for c in NAME_CASES])
def test_names(case):
    text = case["title"] + "\n" + "\n".join(
        f"{i}.开展相关工作。(责任单位:{names})" for i, names in enumerate(case["lists"], 1))
    if case.get("date"):  # the date line under the signature: when the plan was issued
        text += "\n" + case["date"]
    got = {}
    for task in taskmap.parse_text(text).tasks:
        for a in task.assignments:
            got.setdefault(a.raw, a)
    written = [s for names in case["lists"] for s in _split(names)]
    assert set(written) <= set(got), f"not extracted: {set(written) - set(got)}"
    for group in case["same"]:
        bodies = {s: (got[s].agency, got[s].tier) for s in group}
        assert len({agency for agency, _ in bodies.values()}) == 1, bodies
    for a, b in case["different"]:
        assert got[a].agency != got[b].agency, (a, b, got[a].agency)
    for s in case["collective"]:
        assert got[s].collective, s
