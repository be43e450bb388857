"""Every stage grows linearly with its input: each test times one stage on an input and on
one 4× as large (generated here, plans of invented text) and asserts the ratio of the two
times — about 4 when linear, 16 when quadratic — never an absolute time. Each size takes
the best of three runs (the 4× input two; the small input first, whose first run warms the
caches) of CPU time (`time.process_time`: the work is in-process), the garbage collector
held off, so a busy shared machine slows both sizes alike; the bound, 7, leaves room for
noise and for a stage's fixed costs.

Sizes are chosen so that the 1× input takes a few tenths of a second. Most of these stages
were quadratic or worse before (issue #22): a plan on one line of 0.5 MB took 4.5 s and
2 MB 44 s, a .docx paragraph of 20,000 soft-broken tasks 38.8 s, thousands of nested <p>s
of 60 KB 37 s, the Word 任务分解表 of 10,000 tasks 106 s, a diff of two unrelated plans of
1,000 tasks 25 s; the workbook, lines parted by Unicode's separators and the diff of two
drafts were linear already, and are kept so. (The Word table's old cost was mostly a
constant a row, its quadratic part showing past a few thousand rows: at the sizes here
its test guards the one-pass build, the old build passed it too.)"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from functools import cache

import docx
import pytest
from docx.enum.text import WD_BREAK

import taskmap

RATIO = 7  # linear: 4; quadratic: 16


def _best(work: Callable[[], object], runs: int) -> float:
    """The least CPU time of `runs` runs of `work`, the garbage collector held off while it
    runs (a full collection walks every object alive, the input's too: its cost would
    count against the larger input, and its moment is chance)."""
    best = float("inf")
    for _ in range(runs):
        gc.collect()
        gc.disable()
        try:
            start = time.process_time()
            work()
            best = min(best, time.process_time() - start)
        finally:
            gc.enable()
    return best


def _ratio(prepare: Callable[[int], Callable[[], object]], n: int) -> float:
    """CPU time of the work `prepare(4n)` returns over that of `prepare(n)`'s (the input
    made before the clock starts)."""
    small, large = prepare(n), prepare(4 * n)
    # the small input first: its first run pays for imports and cold caches, the best of
    # its three runs does not
    once = _best(small, 3)
    return _best(large, 2) / once


def _task(k: int, form: str) -> str:
    if form == "label":
        return f"{k}.推进第{k}项重点工作。(牵头单位:区发改委;责任单位:区财政局、区住建局)"
    return f"{k}.推进第{k}项重点工作(区发改委牵头,区财政局配合)。"


def _plan_text(n: int, *, areas: int = 50, edited: bool = False, other: bool = False) -> str:
    """A plan of n tasks on lines of their own, `areas` tasks an action area; `edited`:
    another draft of it (every 11th task dropped, every 7th shares with another body,
    every 5th reworded); `other`: a plan of other tasks."""
    lines = ["青岚区城市更新行动方案", "一、重点任务"]
    for a in range(1, n // areas + 1):
        lines.append(f"({a})推进第{a}个领域的工作。")
        for k in range(1, areas + 1):
            if edited and k % 11 == 0:
                continue
            who = "区交通局" if edited and k % 7 == 0 else "区住建局"
            verb = "加快" if edited and k % 5 == 0 else "推进"
            lines.append(f"{k}.加强第{a}类第{k}号设施的日常管护。(牵头单位:区水务局)" if other
                         else f"{k}.{verb}第{a}-{k}项工作,完成{a * k}个改造目标。"
                         f"(牵头单位:区发改委;责任单位:区财政局、{who};完成时限:2025年底)")
    return "\n".join(lines) + "\n"


@cache
def _plan(n: int, *, edited: bool = False, other: bool = False) -> taskmap.Plan:
    return taskmap.parse_text(_plan_text(n, edited=edited, other=other))


@pytest.mark.parametrize("form", ["label", "verb"])
def test_a_plan_on_one_line_costs_linearly(form):
    """Many tasks on one line with no line break (`1.…(牵头单位:…)2.…`, `(X牵头,Y配合)`): a
    block's stretch, the coverage of its line and the mentions of a verb were each found by
    scanning the whole line again."""
    def prepare(n: int):
        text = "".join(_task(k, form) for k in range(1, n + 1))
        return lambda: taskmap.parse_text(text)

    assert _ratio(prepare, 2_500 if form == "label" else 1_000) < RATIO


def test_lines_parted_by_any_line_separator_cost_linearly(tmp_path):
    """A .txt plan whose lines end in U+2028, NEL, VT and FF in turn."""
    def prepare(n: int):
        path = tmp_path / f"plan{n}.txt"
        seps = "\u2028\x85\x0b\x0c"
        path.write_text("青岚区城市更新行动方案\n" + "".join(
            _task(k, "label") + seps[k % 4] for k in range(1, n + 1)), encoding="utf-8")
        return lambda: taskmap.load_plan(path)

    assert _ratio(prepare, 800) < RATIO


def test_a_docx_paragraph_of_soft_broken_tasks_costs_linearly(tmp_path):
    """One Word paragraph holding every task, each ended by a line break (w:br)."""
    def prepare(n: int):
        d = docx.Document()
        d.add_paragraph("青岚区城市更新行动方案")
        p = d.add_paragraph()
        for k in range(1, n + 1):
            p.add_run(_task(k, "label")).add_break(WD_BREAK.LINE)
        path = tmp_path / f"plan{n}.docx"
        d.save(str(path))
        return lambda: taskmap.load_plan(path)

    assert _ratio(prepare, 2_000) < RATIO


@pytest.mark.parametrize("shape", ["p", "div-span"])
def test_a_deeply_nested_web_page_costs_linearly(tmp_path, shape):
    """Thousands of nested <p>s (each one's text was counted by walking its whole subtree),
    and <div>s and <span>s nested in turn, each with a task."""
    def prepare(n: int):
        if shape == "p":
            body = "<p>" * n + _task(1, "label") + "</p>" * n
        else:
            body = "".join(f"<div>{_task(k, 'label')}<span>" for k in range(1, n + 1)) \
                + "</span></div>" * n
        path = tmp_path / f"page{n}.html"
        path.write_text(f"<html><head><meta charset='utf-8'></head><body>{body}</body></html>",
                        encoding="utf-8")
        return lambda: [taskmap.load_plan(path) for _ in range(3)]  # a timing long enough

    assert _ratio(prepare, 3_000 if shape == "p" else 400) < RATIO


def test_the_word_task_table_is_built_linearly(tmp_path):
    """`write_tasks_docx`: a row was added by python-docx walking the table's rows, and a
    style looked up by name a cell (2.5k/5k/10k tasks took 13/31/106 s)."""
    def prepare(n: int):
        plan = _plan(n)
        assert len(plan.tasks) == n
        return lambda: taskmap.write_tasks_docx([plan], tmp_path / f"tasks{n}.docx")

    assert _ratio(prepare, 300) < RATIO


def test_the_workbook_is_written_linearly(tmp_path):
    def prepare(n: int):
        plan = _plan(n)
        return lambda: taskmap.write_workbook([plan], tmp_path / f"book{n}.xlsx")

    assert _ratio(prepare, 300) < RATIO


@pytest.mark.parametrize("other", [False, True], ids=["drafts", "unrelated"])
def test_a_diff_of_large_plans_costs_linearly(other):
    """Two drafts of one plan, and two unrelated plans (every old task removed: each was
    placed by scanning every entry for every earlier old task). Both sizes past
    `diff.FULL_MATRIX`, where the pairs scored are blocked."""
    from taskmap.diff import FULL_MATRIX

    def prepare(n: int):
        old, new = _plan(n), _plan(n, edited=not other, other=other)
        assert len(old.tasks) * len(new.tasks) > FULL_MATRIX
        if other:  # most old tasks are removed
            assert taskmap.diff_plans(old, new).count("removed") > len(old.tasks) // 2
        return lambda: [taskmap.diff_plans(old, new) for _ in range(1 + 2 * other)]

    assert _ratio(prepare, 600) < RATIO
