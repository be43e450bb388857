"""Properties that hold for any input (Hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import taskmap
from taskmap.normalize import body_key, view

# Text built from the characters plans are made of, so the grammar is actually exercised.
ALPHABET = list("()（）〔〕【】[]:：,，;；、。\n 牵头单位责任部门配合参与市区县局委厅办政府各"
                "以下均需落实不再列出第一位的为等按职责分工负责会同一二三1.2、发改工信住建2024年底前完成")
plan_text = st.text(alphabet=ALPHABET, max_size=300) | st.text(max_size=200)


@settings(max_examples=300, deadline=None)
@given(plan_text)
def test_parser_never_raises_and_lines_are_real(text):
    plan = taskmap.parse_text(text)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for task in plan.tasks:
        assert 1 <= task.line <= len(lines)
        first = task.block.split("\n")[0]
        assert first in lines[task.line - 1]
        for a in task.assignments:
            assert a.role in ("lead", "responsible") and a.raw
    for w in plan.warnings:
        assert 1 <= w.line <= len(lines)


@given(st.text(max_size=100))
def test_view_keeps_length_and_is_idempotent(text):
    v = view(text)
    assert len(v) == len(text)
    assert view(v) == v


@given(st.text(max_size=60))
def test_body_key_is_idempotent(text):
    assert body_key(body_key(text)) == body_key(text)
