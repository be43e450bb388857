"""Areas a leader can read: the reports group a plan's tasks by a level of its headings
that holds several tasks (`rows.grouping`), while the extracted area stays the innermost
heading. A plan whose （一） items are the tasks themselves is counted by its 一、 headings:
the matrices, the terminal report, the workbook (its 说明 says which level) and the Word
任务分解表 all show those, never one column a task."""

from __future__ import annotations

import json

import pytest
from conftest import DATA
from docx import Document
from openpyxl import load_workbook

import taskmap
from taskmap import engine
from taskmap.errors import UnknownArea
from taskmap.present.docx import write_tasks_docx
from taskmap.present.outputs import render_text
from taskmap.present.workload_view import check_area, workload_report
from taskmap.present.xlsx.workbook import write_workbook
from taskmap.rows import grouping

# invented: each （一） item is one task, its heading the task's own title
ITEMS_ARE_TASKS = """青岚市数字经济发展行动方案
一、夯实数字基础设施
（一）建设千兆光网。全市新建5G基站500个。（牵头单位：市工信局，责任单位：市通信发展办）
（二）布局算力中心。建设城市算力调度平台。（牵头单位：市发改委，责任单位：市大数据局）
（三）推进物联感知。部署城市感知终端。（牵头单位：市大数据局）
二、壮大数字产业
（一）培育软件产业。引进软件企业20家。（牵头单位：市工信局）
（二）发展电子制造。建设电子产业园。（牵头单位：市商务局，责任单位：市工信局）
三、保障措施
（一）加强组织领导。建立工作专班。（牵头单位：市发改委）
"""
TOP = ["夯实数字基础设施", "壮大数字产业", "保障措施"]
ITEMS = ["建设千兆光网", "布局算力中心", "推进物联感知", "培育软件产业", "发展电子制造",
         "加强组织领导"]


@pytest.fixture(scope="module")
def items_plan():
    return taskmap.parse_text(ITEMS_ARE_TASKS)


@pytest.fixture(scope="module")
def qinglan():
    return taskmap.load_plan(DATA / "qinglan_city_industry_plan.txt")


def test_items_that_are_tasks_are_grouped_by_the_level_above(items_plan):
    assert [t.area for t in items_plan.tasks] == ITEMS  # extracted: the innermost heading
    g = grouping(items_plan)
    assert g.up
    assert [g.groups[t.id] for t in items_plan.tasks] == [TOP[0]] * 3 + [TOP[1]] * 2 + [TOP[2]]
    assert (g.level.level, g.level.number, g.level.title) == (1, "一", TOP[0])
    # the JSON contract keeps the extracted area
    data = json.loads(json.dumps(items_plan.to_dict(), ensure_ascii=False))
    assert [t["area"] for t in data["tasks"]] == ITEMS


def test_areas_holding_several_tasks_stay_the_groups(qinglan):
    g = grouping(qinglan)
    assert not g.up
    areas = [t.area for t in qinglan.tasks]
    for t in qinglan.tasks:
        if t.area != t.title:  # an area of several tasks is its own group
            assert g.groups[t.id] == t.area and areas.count(t.area) > 1
        else:  # a task that is its own heading (保障措施 items) goes one level up
            assert g.groups[t.id] == t.chapter
    assert list(dict.fromkeys(g.groups.values()))[-1] == "保障措施"
    assert len(set(g.groups.values())) < len(set(areas))


def test_matrix_and_report_count_by_the_group(items_plan):
    matrix = engine.build_matrix([items_plan], role="all")
    assert matrix.columns == ["agency", *TOP, "合计"]
    row = matrix.filter(matrix["agency"] == "青岚市工业和信息化局").row(0, named=True)
    assert (row[TOP[0]], row[TOP[1]], row["合计"]) == (1, 2, 3)
    text = render_text(workload_report([items_plan], width=160), width=160)
    assert all(name in text for name in TOP) and not any(name in text for name in ITEMS)
    # --area takes a group, or an area as extracted inside it
    check_area([items_plan], TOP[1])
    check_area([items_plan], ITEMS[0])
    with pytest.raises(UnknownArea):
        check_area([items_plan], "不存在的领域")
    one = engine.build_matrix(engine.select(engine.assignments_frame([items_plan]),
                                            area=ITEMS[0]), role="all")
    assert one["合计"].sum() == 2  # 建设千兆光网: its lead and its responsible body


def test_workbook_matrix_columns_and_its_note_say_the_level(tmp_path, items_plan, qinglan):
    path = write_workbook([items_plan], tmp_path / "w.xlsx")
    wb = load_workbook(path)
    cells = [str(c.value) for row in wb["牵头矩阵"].iter_rows() for c in row if c.value]
    assert all(name in cells for name in TOP) and not any(name in cells for name in ITEMS)
    notes = {r[1].value: r[2].value for r in wb["说明"].iter_rows() if len(r) > 2}
    assert "“一、”这一级标题" in notes["行动领域"] and "只含一项任务" in notes["行动领域"]
    assert any("3 个行动领域" in str(v) for v in notes.values())
    path = write_workbook([qinglan], tmp_path / "q.xlsx")
    notes = {r[1].value: r[2].value for r in load_workbook(path)["说明"].iter_rows()
             if len(r) > 2}
    assert "“（一）”这一级标题" in notes["行动领域"] and "只含" not in notes["行动领域"]


def test_word_sections_are_the_groups(tmp_path, items_plan):
    doc = Document(write_tasks_docx([items_plan], tmp_path / "t.docx"))
    assert [t.rows[0].cells[0].text for t in doc.tables] == [
        "一、夯实数字基础设施", "二、壮大数字产业", "三、保障措施"]
    assert [len(t.rows) - 2 for t in doc.tables] == [3, 2, 1]
