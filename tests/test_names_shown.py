"""Names as a plan writes them, one body one name (#24 item 1): a Traditional plan's names
stay Traditional in every view; a body written with and without its prefix is one body,
shown one way; the plan's level word on all its own bodies or on none; pooled over places,
every body of a place shown with it (or none when all plans share one place); a diff names
a body the same way in its task rows and its summary."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import ROOT
from openpyxl import load_workbook
from rich.console import Console

import taskmap
from taskmap import engine
from taskmap.diff import diff_plans
from taskmap.present.changes import duty_lines
from taskmap.present.diff_view import diff_view

TRADITIONAL = "realplans/docs/16_guangzhou_2006_gongzuoshixiang.txt"
LEVEL_WORD = {"市": "市", "区": "区", "县": "县", "省": "省"}


def _names(plan) -> set[str]:
    return {a.raw for t in plan.tasks for a in t.assignments}


def _tasks_naming(plan, surfaces) -> int:
    return sum(any(a.raw in surfaces for a in t.assignments) for t in plan.tasks)


def _bare_and_prefixed(plan) -> list[tuple[str, str]]:
    """Names the plan writes both bare and with its own level word."""
    word = LEVEL_WORD[plan.level]
    raws = _names(plan)
    return sorted((r, word + r) for r in raws if word + r in raws)


def _check_one_body(plan, summary, bare: str, prefixed: str) -> None:
    agencies = {a.agency for t in plan.tasks for a in t.assignments
                if a.raw in (bare, prefixed)}
    assert len(agencies) == 1, (bare, prefixed, agencies)
    rows = {r["agency"]: r for r in summary.iter_rows(named=True)}
    assert rows[agencies.pop()]["tasks"] == _tasks_naming(plan, (bare, prefixed))
    shown = [d for d in summary["display"] if d.endswith(bare)]
    assert len(shown) == 1, shown  # one row, one label


# ------------------------------------------------------------------ a Traditional plan

@pytest.fixture(scope="module")
def traditional(shared):
    path = shared / TRADITIONAL
    return path, path.read_text(encoding="utf-8"), taskmap.load_plan(path)


def test_traditional_plan_names_are_its_own(traditional):
    _, source, plan = traditional
    summary = engine.agency_summary([plan])
    assert summary.height >= 5
    for name in summary["display"]:  # nothing turned Simplified, no canonical shown
        assert set(name) <= set(source), name
    pairs = _bare_and_prefixed(plan)
    assert pairs  # the plan writes a body with and without its level word
    for bare, prefixed in pairs:
        _check_one_body(plan, summary, bare, prefixed)
    own = summary.filter((summary["level"] == plan.level) & ~summary["collective"])
    word = LEVEL_WORD[plan.level]
    assert own.height >= 5
    assert all(d.startswith(word) for d in own["display"]), own["display"].to_list()


def test_traditional_plan_report_and_workbook(traditional, tmp_path):
    path, source, plan = traditional
    summary = engine.agency_summary([plan])
    shown = set(summary["display"])
    env = {**os.environ, "COLUMNS": "300", "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-m", "taskmap", "report", str(path)], cwd=ROOT,
                         capture_output=True, text=True, env=env, check=True).stdout
    [overview] = [line.split() for line in out.splitlines() if path.name in line]
    assert overview[1] != "—" and set(overview[1]) <= set(source), overview  # its place
    ranking = out[out.index("任务总数排名"):out.index("单位 ×")]
    rows = [line.split() for line in ranking.splitlines() if line.split()[:1] != []
            and line.split()[0].isdigit()]
    assert len(rows) == min(15, summary.height)
    for row in rows:
        assert row[1] in shown and set(row[1]) <= set(source), row
    assert len({row[1] for row in rows}) == len(rows)

    taskmap.write_workbook([plan], tmp_path / "p.xlsx")
    book = load_workbook(tmp_path / "p.xlsx")
    sheet = book["部门汇总"]
    header = [c.value for c in sheet[1]]
    short = [r[header.index("简称")] for r in sheet.iter_rows(min_row=2, values_only=True)
             if r[header.index("简称")]]
    assert sorted(short) == sorted(shown)
    places = [c.value for row in book["说明"].iter_rows() for c in row
              if isinstance(c.value, str) and c.value.endswith("市") and len(c.value) <= 6]
    assert places and all(set(p) <= set(source) for p in places), places
    column_a = {row[0] for row in book["牵头矩阵"].iter_rows(values_only=True)}
    leads = set(summary.filter(summary["lead"] > 0)["display"])
    assert leads and leads <= column_a
    chart = book["牵头统计图"]
    header = [c.value for c in chart[1]]
    led = [r[header.index("单位")] for r in chart.iter_rows(min_row=2, values_only=True)
           if r[header.index("单位")]]
    assert led and all(set(name) <= set(source) for name in led)


# ------------------------------------------------------------------ invented plans

MIXED = """青岚市节能减排工作方案
一、工业节能
(一)推进工业节能改造。(牵头单位:市经信局;配合单位:市发改委、国土房管局、外经贸局)
(二)推进园区循环化改造。(牵头单位:市发改委;配合单位:市国土房管局、规划局)
二、建筑节能
(三)推进既有建筑节能改造。(牵头单位:国土房管局;配合单位:市住建局)
(四)推进绿色建材应用。(牵头单位:市住建局;配合单位:科技局、市财政局)
"""


def test_mixed_prefixed_and_bare_names():
    plan = taskmap.parse_text(MIXED)
    assert plan.level == "市"
    summary = engine.agency_summary([plan])
    pairs = _bare_and_prefixed(plan)
    assert ("国土房管局", "市国土房管局") in pairs
    for bare, prefixed in pairs:
        _check_one_body(plan, summary, bare, prefixed)
    rows = {d: r for d, r in zip(summary["display"], summary.iter_rows(named=True),
                                  strict=True)}
    assert rows["市国土房管局"]["tasks"] == 3
    # the level word the plan writes on most of its bodies, on all of them
    own = summary.filter(summary["level"] == "市")
    assert own.height == summary.height
    assert all(d.startswith("市") for d in own["display"]), own["display"].to_list()
    # a task's cells keep the words as written
    assert "国土房管局" in plan.tasks[2].assignments[0].raw


def test_a_plan_writing_no_level_word_keeps_its_bare_names():
    plan = taskmap.parse_text(MIXED.replace("市", "").replace("青岚节能", "青岚市节能"))
    shown = set(engine.agency_summary([plan])["display"])
    assert shown and not any(d.startswith("市") for d in shown), shown


A_CITY = """青岚市节能工作方案
一、节能
(一)推进工业节能。(牵头单位:市经信局;配合单位:市发改委、科技局)
(二)推进建筑节能。(牵头单位:市住建局;配合单位:青岚市财政局)
"""
B_CITY = """丰禾市节能工作方案
一、节能
(一)推进工业节能。(牵头单位:市经信局;配合单位:市财政局)
(二)推进交通节能。(牵头单位:市交通运输局;配合单位:市发改委)
"""


def _by_plan(plans):
    frame = engine.assignments_frame(plans)
    return {(r["plan"], r["canonical"]): r["display"] for r in frame.iter_rows(named=True)}


def test_pooled_over_places_every_body_with_its_place():
    plans = [taskmap.parse_text(A_CITY, source="a.txt"),
             taskmap.parse_text(B_CITY, source="b.txt")]
    assert {p.jurisdiction for p in plans} == {"青岚市", "丰禾市"}
    shown = _by_plan(plans)
    place = {p.source: p.jurisdiction for p in plans}
    assert len(shown) >= 8
    for (plan, _), display in shown.items():
        assert display.startswith(place[plan]), display
        assert not display[len(place[plan]):].startswith(place[plan])
    assert len(set(shown.values())) == len({c for _, c in shown})  # one label a body
    # one place pooled: no body gets a place it is not written with
    same = [taskmap.parse_text(A_CITY, source="a.txt"),
            taskmap.parse_text(A_CITY.replace("建筑", "公共机构"), source="c.txt")]
    labels = set(_by_plan(same).values())
    assert "市经信局" in labels and "青岚市经信局" not in labels


def test_pooled_places_in_each_plans_script():
    traditional = taskmap.parse_text(
        "青嵐市節能工作方案\n一、節能\n(一)推進工業節能。(牽頭單位:市經信局;配合單位:市發改委、"
        "市財政局)\n(二)推進建築節能。(牽頭單位:市住建局;配合單位:市發改委)\n", source="t.txt")
    simplified = taskmap.parse_text(B_CITY, source="b.txt")
    shown = _by_plan([traditional, simplified])
    ours = [d for (plan, _), d in shown.items() if plan == "t.txt"]
    theirs = [d for (plan, _), d in shown.items() if plan == "b.txt"]
    assert ours and all(d.startswith("青嵐市") for d in ours), ours
    assert "青嵐市經信局" in ours
    assert theirs and all(d.startswith("丰禾市") for d in theirs), theirs


def test_diff_rows_and_summary_name_a_body_alike():
    old = taskmap.parse_text("芸溪区节能方案\n一、节能\n"
                             "1.推进节能改造。(牵头单位:区发改委,责任单位:区住建局)\n"
                             "2.推进能耗监测。(牵头单位:区财政局)\n", source="old.txt")
    new = taskmap.parse_text("芸溪区节能方案\n一、节能\n"
                             "1.推进节能改造。(牵头单位:区发改委,责任单位:区住建局、财政局)\n"
                             "2.推进能耗监测。(牵头单位:区财政局)\n", source="new.txt")
    d = diff_plans(old, new)
    [added] = [c for t in d.tasks for c in t.changes]
    assert added.raw == "财政局"  # as the file writes it, for the scorer
    [body] = [b for b in d.bodies if b.agency == added.agency]
    assert added.name == body.display == "区财政局"
    assert duty_lines(d.tasks[0]) == ["参与增加：区财政局"]
    assert d.to_dict()["tasks"][0]["changes"][0]["display"] == body.display
    console = Console(width=240, record=True, color_system=None)
    console.print(diff_view(d))
    screen = console.export_text()
    assert "＋区财政局" in screen and "＋财政局" not in screen
    assert sum(line.split()[:1] == ["区财政局"] for line in screen.splitlines()) == 1


def test_a_traditional_plans_title_is_shown_as_the_plan_writes_it():
    """The title is found on the Simplified view; it is shown in the plan's characters,
    each read back from its place (若干 stays 若干 beside 幹部 elsewhere at the top)."""
    text = ("青嵐市關於進一步促進就業若干措施的實施方案\n"
            "為加強幹部隊伍建設,制定本方案。\n"
            "一、重點任務\n"
            "1.推進就業服務。(牽頭單位:市人社局;責任單位:市財政局)\n")
    plan = taskmap.parse_text(text)
    assert plan.context.title == "青嵐市關於進一步促進就業若干措施的實施方案"
    simplified = taskmap.parse_text("青岚市关于促进就业的实施方案\n一、重点任务\n"
                                    "1.推进就业服务。(牵头单位:市人社局)\n")
    assert simplified.context.title == "青岚市关于促进就业的实施方案"
