"""Properties that hold for any input (Hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import taskmap
from taskmap.grammar.coverage import UNREAD
from taskmap.normalize import body_key
from taskmap.text import clean, split_lines, view

# Text built from the characters plans are made of, so the grammar is actually exercised.
# Invisible characters, other spaces and line separators too: they are what crashed.
ALPHABET = list("()（）〔〕【】[]:：,，;；、。\n 牵头单位责任部门配合参与市区县局委厅办政府各"
                "以下均需落实不再列出第一位的为等按职责分工负责会同一二三1.2、发改工信住建2024年底前完成"
                "\t\u00a0\u200b\u2002\u3000\ufeff\u00ad\u2028\x0c\r")
plan_text = st.text(alphabet=ALPHABET, max_size=300) | st.text(max_size=200)


@settings(max_examples=300, deadline=None)
@given(plan_text)
def test_parser_never_raises_and_lines_are_real(text):
    plan = taskmap.parse_text(text)
    lines = [clean(line) for line in split_lines(text)]  # the lines as a Document holds them
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


# Fragments of real blocks, in the shapes published plans write them (invented names):
# labels, verbs, lists, rules, table rows and headers, brackets, punctuation, line breaks.
FRAGMENTS = [
    "牵头单位:", "责任单位：", "配合单位:", "协同责任单位:", "牵头督查单位:", "主办:", "责任领导:",
    "完成时限:", "牵头负责领导：张某", "区发改委", "市财政局", "县住建局", "各县（市、区）人民政府",
    "相关市、县政府", "各有关区、县级市", "哈尔滨、黑河、绥芬河市政府", "省有关部门", "牵头",
    "分别牵头", "分别负责", "负责落实", "按职责分工负责", "参与", "配合", "会同", "由", "等", "和",
    "及", "以及",
    "、", ",", "，", ";", "；", "。", ":", "(", ")", "（", "）", "〔", "〕", "【", "】", "[", "]",
    "列第一位的为牵头单位", "排在第一位的為牽頭單位", "以下各项工作均需各县区政府落实,不再列出",
    "分别负责为有关单位按职责分别牵头", "下同", "—", "同上", "\n", "\n\n", " ", "  ", "\t", "|",
    "│", "┌──┬──┐", "├──┼──┤", "序号", "重点任务", "序号 重点工作任务 主要责任单位 协同配合单位",
    "序号|工作任务|牵头单位|配合单位", "1 ", "2 |", "1.", "一、", "（一）", "①", "(此件公开发布)",
    "\u00a0", "\u200b", "\u3000", "\u2002", "\ufeff", "\u2028", "\t\t", "||", "〃",
    "(黔党发〔2022〕24号)", "財(cái)政局", "2024年底前完成", "关于印发", "的通知", "各有关单位:",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=40))
def test_pipeline_on_mixtures_of_real_fragments(pieces):
    """Any mixture of the genre's fragments: the whole pipeline returns, every block and
    warning points at a real line, and every role-bearing segment is read or reported."""
    text = "".join(pieces)
    plan = taskmap.parse_text(text)
    lines = [clean(line) for line in split_lines(text)]  # the lines as a Document holds them
    for task in plan.tasks:
        assert 1 <= task.line <= len(lines)
        assert task.block.split("\n")[0] in lines[task.line - 1]
    assert all(1 <= w.line <= len(lines) for w in plan.warnings)
    c = plan.coverage
    assert c.seen == c.read + c.warned + c.unread
    assert c.unread == sum(w.reason == UNREAD for w in plan.warnings)  # each one said


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=25))
def test_block_grammar_never_raises(pieces):
    from taskmap.grammar.clauses import parse_content

    content = parse_content("".join(pieces))
    assert all(m.surface for m in content.mentions)
