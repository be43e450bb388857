"""The Excel workbook: real files written with write_workbook and opened back with openpyxl."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import zipfile
from collections import Counter
from dataclasses import replace
from datetime import datetime

import pytest
from conftest import DATA, DEMO_PLANS, LEADERS_PLAN, ROOT, run_taskmap
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from sheets import matrix_blocks, matrix_cells

import taskmap
from taskmap.engine import assignments_frame, build_matrix, select
from taskmap.models import LEAD, RESPONSIBLE, ROLES, Assignment, ParseWarning, Plan, Task
from taskmap.present.labels import plan_title
from taskmap.present.xlsx.workbook import SHEETS, STATUSES, task_content, write_workbook
from taskmap.rows import grouping

DEMO = DEMO_PLANS
QINGLAN = DATA / "qinglan_city_industry_plan.txt"
MATRICES = {"牵头矩阵": LEAD, "参与矩阵": RESPONSIBLE}
TABLE_SHEETS = [s for s in SHEETS if s != "说明"]
FORMULA_PLAN = """一、重点任务
(一)=HYPERLINK("x")领域
1.=SUM(B1)任务。(牵头单位:=SUM(A1)局,责任单位:市财政局)
2.第二项任务。(牵头单位:@市财政局,责任单位:+cmd|局)
"""


@pytest.fixture(scope="module")
def demo_plans() -> list[Plan]:
    return [taskmap.load_plan(p) for p in DEMO]


@pytest.fixture(scope="module")
def demo_book(demo_plans, tmp_path_factory):
    path = write_workbook(demo_plans, tmp_path_factory.mktemp("book") / "demo.xlsx")
    return load_workbook(path)


def visible(book) -> list[str]:
    """The sheets a reader sees (the marker sheet is hidden: tests/test_roundtrip.py)."""
    return [ws.title for ws in book.worksheets if ws.sheet_state == "visible"]


def header(ws) -> list:
    return [c.value for c in ws[1]]


def test_sheet_names_and_order(demo_book):
    assert visible(demo_book) == ["说明", "任务分解表", "牵头矩阵", "参与矩阵", "部门汇总",
                                    "牵头统计图", "协同关系", "待核实名称", "解析警告"]


def test_lead_matrix_equals_a_count_from_the_cli_json(tmp_path):
    result = run_taskmap("extract", str(QINGLAN), "-f", "json", check=True)
    counts: Counter = Counter()
    for task in json.loads(result.stdout)["tasks"]:
        leads = {a["agency"] for a in task["assignments"] if a["role"] == "lead"}
        # the matrix counts by area; a task that is its own heading (保障措施's items,
        # its area its title) by the heading above it (taskmap.rows.grouping)
        area = task["chapter"] if task["area"] == task["title"] else task["area"]
        for agency in leads:
            counts[(agency, area or "(未分领域)")] += 1
    book = load_workbook(write_workbook([taskmap.load_plan(QINGLAN)], tmp_path / "q.xlsx"))
    cells = matrix_cells(book["牵头矩阵"])
    (agency, area), most = counts.most_common(1)[0]
    assert most > 1 and cells[(agency, area)] == most
    assert {k: v for k, v in cells.items() if v} == dict(counts)


def test_matrices_have_heat_maps_frozen_names_and_totals(demo_book, demo_plans):
    frame = assignments_frame(demo_plans)
    for name, role in MATRICES.items():
        ws = demo_book[name]
        blocks = matrix_blocks(ws)
        assert [b.title for b in blocks] == [f"{k}. {plan_title(p)}"
                                             for k, p in enumerate(demo_plans, start=1)]
        rules = [(str(cf.sqref), r.type) for cf in ws.conditional_formatting for r in cf.rules]
        spans = sum(1 + bool(b.collectives) for b in blocks)
        assert len(rules) == spans and {t for _, t in rules} == {"colorScale"}
        assert ws.freeze_panes == "C1"  # names stay in view; each block has its own header
        for b in blocks:
            assert b.header[:2] == ["单位", "规范名称"] and b.header[-1] == "合计"
            assert sum(b.cells().values()) == b.total[-1]
        cells = matrix_cells(ws)
        assert sum(cells.values()) == select(frame, role).height


def test_pooled_matrices_one_block_per_plan_with_its_own_areas(demo_book, demo_plans):
    """Pooled, the matrix would have every plan's areas as columns (40+ at 5 pt): one
    block a plan, each on its own page, holds that plan's areas only; collectives such as
    各县区人民政府 come after the departments, heat-mapped apart."""
    ws = demo_book["参与矩阵"]
    blocks = matrix_blocks(ws)
    for block, plan in zip(blocks, demo_plans, strict=True):
        groups = grouping(plan).groups  # the areas the reports count by
        areas = list(dict.fromkeys(groups[t.id] for t in plan.tasks))
        assert block.areas == [a for a in areas if a in block.areas]
        assert len(block.areas) <= len(areas) < 15
        collective = {a.agency: a.collective for t in plan.tasks for a in t.assignments}
        assert not any(collective[r[1].value] for r in block.bodies)
        assert all(collective[r[1].value] for r in block.collectives)
        heat = {str(cf.sqref) for cf in ws.conditional_formatting}
        rows = [r[0].row for r in block.bodies]
        assert any(h.endswith(f"{rows[-1]}") and f"{rows[0]}:" in h for h in heat)
        if block.collectives:
            first, last = block.collectives[0][0].row, block.collectives[-1][0].row
            assert any(f"{first}:" in h and h.endswith(str(last)) for h in heat)
    qinglan = next(b for b in blocks if "青岚市" in b.title)
    assert qinglan.collectives[0][1].value == "青岚市各县市区人民政府"
    assert len(ws.row_breaks.brk) == len(demo_plans) - 1
    assert max(len(b.header) for b in blocks) <= 12 + 3


def test_every_sheet_is_set_up_for_a4_landscape_print(demo_book):
    for ws in (demo_book[name] for name in visible(demo_book)):
        setup = ws.page_setup
        assert (setup.orientation, int(setup.paperSize)) == ("landscape", 9), ws.title
        assert (setup.fitToWidth, setup.fitToHeight) == (1, 0), ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        if ws.title in MATRICES or ws.title == "说明":  # blocks with their own headers
            assert ws.print_title_rows is None, ws.title
        else:
            assert ws.print_title_rows.replace("$", "") == "1:1", ws.title
    for name in TABLE_SHEETS:
        ws = demo_book[name]
        if name in MATRICES:
            assert ws.freeze_panes == "C1" and not ws.auto_filter.ref
        else:
            assert ws.freeze_panes in ("A2", "B2", "C2") and ws.auto_filter.ref.startswith("A1:")


def test_fonts_for_official_print(demo_book):
    ws = demo_book["任务分解表"]
    assert (ws["A1"].font.name, ws["A1"].font.b) == ("黑体", True)
    assert ws["A1"].fill.fgColor.rgb.endswith("DDEBF7")
    assert ws["E2"].font.name == "仿宋" and ws["E2"].font.sz == 11
    assert demo_book["说明"]["A1"].font.name == "宋体" and demo_book["说明"]["A1"].font.sz == 14
    task_col = header(ws).index("重点任务") + 1
    assert ws.cell(2, task_col).alignment.wrap_text
    assert all(d.width <= 60 for d in ws.column_dimensions.values())


def test_bar_chart_of_leads(demo_book):
    ws = demo_book["牵头统计图"]
    assert [type(c).__name__ for c in ws._charts] == ["BarChart"]
    leads = [r[2] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert len(leads) == 15 and leads == sorted(leads, reverse=True)
    summary = demo_book["部门汇总"]
    assert leads[0] == max(r[4] for r in summary.iter_rows(min_row=2, values_only=True))


def test_matrix_links_point_at_a_task_of_that_area_and_lead(demo_book, demo_plans):
    ws, tasks = demo_book["牵头矩阵"], demo_book["任务分解表"]
    task_head = header(tasks)
    in_order = [t for p in demo_plans for t in p.tasks]  # 序号 counts tasks in plan order
    links = 0
    for block, plan in zip(matrix_blocks(ws), demo_plans, strict=True):
        for row in block.bodies + block.collectives:
            for cell in row[2:-1]:
                if not cell.value:
                    continue
                assert cell.hyperlink is not None, cell.coordinate
                sheet, target = cell.hyperlink.location.split("!")
                assert sheet == "'任务分解表'"
                linked = dict(zip(task_head, [c.value for c in tasks[target[1:]]], strict=True))
                assert linked["所属方案"] == plan_title(plan)
                task = in_order[linked["序号"] - 1]
                assert linked["行动领域"] == task.area  # the area as extracted
                assert grouping(plan).groups[task.id] == block.header[cell.column - 1]
                assert task.line == linked["原文行号"] and task in plan.tasks
                raws = [a.raw for a in task.assignments
                        if a.role == LEAD and a.agency == row[1].value]
                assert raws and raws[0] in linked["牵头单位"]
                links += 1
    assert links > 40


def test_text_that_looks_like_a_formula_stays_text(tmp_path):
    source = tmp_path / "formula_plan.txt"
    source.write_text(FORMULA_PLAN, encoding="utf-8")
    plan = taskmap.load_plan(source)
    plan = replace(plan, warnings=(ParseWarning(9, "#N/A", "=1+1"),))
    path = write_workbook([plan], tmp_path / "formula.xlsx")
    with zipfile.ZipFile(path) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/")]
        assert not any(b"<f>" in z.read(n) or b"<f " in z.read(n) for n in sheets)
    book = load_workbook(path)
    seen = Counter()
    for ws in book:
        for cell in (c for row in ws.iter_rows() for c in row if c.value is not None):
            assert cell.data_type in ("s", "n"), (ws.title, cell.coordinate, cell.value)
            if isinstance(cell.value, str) and cell.value.startswith(("=", "@", "+", "#")):
                assert cell.data_type == "s"
                seen[(ws.title, cell.value)] += 1
    assert seen[("任务分解表", "=SUM(A1)局")] == 1
    assert seen[("任务分解表", "=SUM(B1)任务")] == 1
    assert seen[("牵头矩阵", '=HYPERLINK("x")领域')] == 1
    assert seen[("牵头矩阵", "=SUM(A1)局")] == 2  # 单位 and 规范名称
    assert seen[("部门汇总", "=SUM(A1)局")] == 3  # 规范名称, 简称, 职能 (unknown: the name)
    assert seen[("待核实名称", "=SUM(A1)局")] == 2
    assert seen[("解析警告", "#N/A")] == 1 and seen[("解析警告", "=1+1")] == 1
    tasks = book["任务分解表"]
    lead = tasks.cell(2, header(tasks).index("牵头单位") + 1)
    assert lead.value == "=SUM(A1)局" and lead.quotePrefix  # Excel keeps it text on edit


def test_matrix_totals_equal_assignments_for_demo_plans_and_switches(demo_plans, tmp_path):
    frame = assignments_frame(demo_plans)
    path = write_workbook(demo_plans, tmp_path / "s.xlsx", implicit=False, collective=False)
    book = load_workbook(path)
    for name, role in MATRICES.items():
        cells = matrix_cells(book[name])
        assert sum(cells.values()) == select(frame, role, implicit=False,
                                             collective=False).height
        assert not any(agency.startswith("青岚市各县") for agency, _ in cells)
        assert not any(b.collectives for b in matrix_blocks(book[name]))
    assert "不计入" in str([c.value for row in book["说明"].iter_rows() for c in row])


AREAS = ["节能", "减排", None]
NAMES = ["市发改委", "市财政局", "市教育局", "各区人民政府"]
assignment = st.builds(Assignment, role=st.sampled_from(ROLES), raw=st.sampled_from(NAMES),
                       agency=st.sampled_from(NAMES), implicit=st.booleans(),
                       collective=st.booleans(), function=st.sampled_from(["", "财政", "发改"]))
plan_tasks = st.lists(st.tuples(st.sampled_from(AREAS), st.lists(assignment, max_size=5)),
                      max_size=6)


def make_plan(k: int, tasks) -> Plan:
    return Plan(source=f"p{k}.txt", tasks=tuple(
        Task(id=f"T{i:03d}", line=i, block="", chapter=None, area=area, title=None,
             deadline=None, assignments=tuple(assignments))
        for i, (area, assignments) in enumerate(tasks, start=1)))


@settings(max_examples=200, deadline=None)
@given(st.lists(plan_tasks, max_size=3), st.sampled_from(ROLES), st.booleans(), st.booleans(),
       st.sampled_from(["canonical", "function"]))
def test_matrix_totals_equal_the_assignments_they_count(plans, role, implicit, collective, by):
    plans = [make_plan(k, tasks) for k, tasks in enumerate(plans)]
    matrix = build_matrix(plans, role=role, by=by, implicit=implicit, collective=collective)
    areas = [c for c in matrix.columns if c not in ("agency", "合计")]
    expected = select(assignments_frame(plans), role, implicit, collective).height
    assert sum(matrix[a].sum() for a in areas) == expected
    assert matrix["合计"].sum() == expected


def all_values(path) -> dict[str, list[tuple]]:
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in load_workbook(path)}


def test_same_plans_give_the_same_workbook(demo_plans, tmp_path):
    first = write_workbook(demo_plans, tmp_path / "a.xlsx")
    second = write_workbook(demo_plans, tmp_path / "b.xlsx")
    assert all_values(first) == all_values(second)
    assert first.read_bytes() == second.read_bytes()
    code = ("import sys, taskmap; from taskmap.present.xlsx.workbook import write_workbook; "
            "write_workbook([taskmap.load_plan(p) for p in sys.argv[2:]], sys.argv[1])")
    third = tmp_path / "c.xlsx"
    subprocess.run([sys.executable, "-c", code, str(third), *map(str, DEMO)], check=True,
                   env={"PYTHONHASHSEED": "7", "PATH": ""}, cwd=ROOT)
    assert third.read_bytes() == first.read_bytes()
    book = load_workbook(first)
    assert book.properties.created == book.properties.modified == datetime(2000, 1, 1)
    # no time of the run in any cell: the only dates are the plans' own due dates
    tasks = load_workbook(first)["任务分解表"]
    due = [c.value for c in tasks[1]].index("完成时限(日期)")
    assert not any(isinstance(v, datetime) for ws, rows in all_values(first).items()
                   for row in rows for k, v in enumerate(row)
                   if not (ws == "任务分解表" and k == due))


def test_guide_lists_sources_with_digests_and_every_sheet(demo_book):
    values = [c.value for row in demo_book["说明"].iter_rows() for c in row if c.value]
    for path in DEMO:
        assert path.name in values
        assert hashlib.sha256(path.read_bytes()).hexdigest()[:12] in values
    assert all(name in values for name in SHEETS)


def test_one_plan_has_no_source_column_several_have(demo_plans, demo_book, tmp_path):
    several = demo_book["任务分解表"]
    assert header(several)[0] == "所属方案"
    assert several.max_row == 1 + sum(len(p.tasks) for p in demo_plans)
    assert {r[0] for r in several.iter_rows(min_row=2, values_only=True)} == {
        plan_title(p) for p in demo_plans}
    one = load_workbook(write_workbook([taskmap.load_plan(QINGLAN)], tmp_path / "one.xlsx"))
    assert header(one["任务分解表"]) == ["序号", "行动领域", "重点任务", "任务内容", "牵头单位",
                                         "责任单位", "其他落实单位(隐含)", "完成时限",
                                         "完成时限(日期)", "进展情况", "完成状态", "原文行号"]
    assert one["牵头矩阵"].freeze_panes == "C2" and one["牵头矩阵"].print_title_rows


def test_review_and_warning_sheets(demo_book, tmp_path):
    review = list(demo_book["待核实名称"].iter_rows(min_row=2, values_only=True))
    assert ("区教肓局", "芸溪区教育局", "模糊匹配(待核实)") in [r[:3] for r in review]
    assert all(r[2].endswith("(待核实)") for r in review)
    assert demo_book["解析警告"]["A2"].value == "无解析警告"
    clean = taskmap.parse_text("一、任务\n(一)节能\n1.改造。(牵头单位:市发改委,责任单位:市财政局)")
    book = load_workbook(write_workbook([clean], tmp_path / "clean.xlsx"))
    assert book["待核实名称"]["A2"].value == "无待核实名称"
    assert header(book["待核实名称"]) == ["原文名称", "规范名称", "匹配方式", "分值",
                                          "出现次数", "首现行号", "来源文件"]


def test_by_function_and_bad_arguments(demo_plans, tmp_path):
    book = load_workbook(write_workbook(demo_plans, tmp_path / "f.xlsx", by="function"))
    assert header(book["牵头矩阵"])[0].startswith("1. ")  # the first plan's block
    assert matrix_blocks(book["牵头矩阵"])[0].header[0] == "职能类别"
    assert book["牵头矩阵"].freeze_panes == "B1"
    with pytest.raises(ValueError, match="by must be"):
        write_workbook(demo_plans, tmp_path / "x.xlsx", by="agency")
    with pytest.raises(ValueError, match="top"):
        write_workbook(demo_plans, tmp_path / "x.xlsx", top=0)


def test_empty_input_still_writes_every_sheet(tmp_path):
    book = load_workbook(write_workbook([], tmp_path / "empty.xlsx"))
    assert visible(book) == list(SHEETS)
    assert book["牵头统计图"]["A2"].value == "无牵头任务" and not book["牵头统计图"]._charts
    assert book["牵头矩阵"]["A2"].value == "无牵头任务" and book["牵头矩阵"].max_row == 2


def test_example_script_writes_the_workbook_of_a_folder(tmp_path):
    out = tmp_path / "plans.xlsx"
    result = subprocess.run([sys.executable, str(ROOT / "examples" / "export_workbook.py"),
                             str(DATA), "-o", str(out)], check=True, capture_output=True,
                            text=True)
    assert [line.strip() for line in result.stdout.splitlines()[1:]] == list(SHEETS)
    tasks = load_workbook(out)["任务分解表"]
    plans = {r[0] for r in tasks.iter_rows(min_row=2, values_only=True)}
    for path in DATA.glob("*.txt"):  # a title two files share is told apart by file name
        title = plan_title(taskmap.load_plan(path))
        assert title in plans or f"{title}（{path.name}）" in plans
    assert len(plans) == len(list(DATA.glob("*.txt")))


def test_cli_writes_the_workbook_and_refuses_unwritable_paths(tmp_path):
    target = tmp_path / "分工统计.xlsx"
    result = run_taskmap("export", str(DATA / "qinglan_city_industry_plan.txt"), "-o", str(target))
    assert result.returncode == 0, result.stderr
    assert load_workbook(target).sheetnames[:3] == ["说明", "任务分解表", "牵头矩阵"]
    bad = run_taskmap("export", str(DATA / "qinglan_city_industry_plan.txt"),
                      "-o", str(tmp_path / "no" / "such" / "x.xlsx"))
    assert bad.returncode == 1 and "Traceback" not in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1 and "x.xlsx" in bad.stderr


# Workbook v2: the cover, the 督办台账, clean chart labels -----------------------------------



def test_cover_names_each_plan_by_title_issuer_number_and_date(demo_book, demo_plans):
    ws = demo_book["说明"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    top = next(i for i, r in enumerate(rows) if r[:5] == ["序号", "方案名称", "发文机关", "文号",
                                                           "印发日期"])
    for k, plan in enumerate(demo_plans, start=1):
        ctx = plan.context
        year, month, day = (int(x) for x in ctx.date.split("-"))
        assert rows[top + k][:5] == [k, ctx.title, ctx.issuer, ctx.number,
                                     f"{year}年{month}月{day}日"]
        assert rows[top + k][5] == len(plan.tasks)
    assert ("青岚市工业绿色低碳发展行动方案(2024—2027年)", "青岚市人民政府办公室",
            "青政办发〔2024〕12号", "2024年4月2日") in [tuple(r[1:5]) for r in rows]
    assert rows[0][0] == "行动方案重点任务分工统计"


def test_cover_of_one_plan_is_titled_by_it(tmp_path):
    book = load_workbook(write_workbook([taskmap.load_plan(QINGLAN)], tmp_path / "q.xlsx"))
    assert book["说明"]["A1"].value == "青岚市工业绿色低碳发展行动方案(2024—2027年)重点任务分工统计"


def test_task_sheet_is_a_tracking_ledger(tmp_path):
    plan = taskmap.load_plan(QINGLAN)
    book = load_workbook(write_workbook([plan], tmp_path / "q.xlsx"))
    ws = book["任务分解表"]
    head = header(ws)
    rows = [dict(zip(head, r, strict=True)) for r in ws.iter_rows(min_row=2, values_only=True)]
    for row, task in zip(rows, plan.tasks, strict=True):
        assert row["重点任务"] == task.title and row["原文行号"] == task.line
        assert row["任务内容"] == (task_content(task) or None)
        assert row["完成时限"] == task.deadline and row["进展情况"] is row["完成状态"] is None
    first = plan.tasks[0]
    assert first.text.startswith(first.title + "。")
    assert rows[0]["任务内容"] == first.text[len(first.title) + 1:]  # measures and targets
    assert "责任领导" not in head  # the plan names no person
    [check] = ws.data_validations.dataValidation
    status = get_column_letter(head.index("完成状态") + 1)
    assert check.type == "list" and check.formula1 == '"' + ",".join(STATUSES) + '"'
    assert str(check.sqref) == f"{status}2:{status}{len(plan.tasks) + 1}"
    assert check.showErrorMessage and not check.showDropDown  # (an inverted flag in OOXML)
    assert ws.column_dimensions[get_column_letter(head.index("进展情况") + 1)].width >= 20
    assert ws[f"{status}1"].value == "完成状态"
    assert "进展情况" in [c.value for row in book["说明"].iter_rows() for c in row]


def test_leaders_column_when_a_plan_names_persons(tmp_path):
    plan = taskmap.parse_text(LEADERS_PLAN)
    ws = load_workbook(write_workbook([plan], tmp_path / "l.xlsx"))["任务分解表"]
    head = header(ws)
    assert head[head.index("完成时限(日期)") + 1] == "责任领导"
    rows = [dict(zip(head, r, strict=True)) for r in ws.iter_rows(min_row=2, values_only=True)]
    assert [r["责任领导"] for r in rows] == ["张某某", None]
    assert rows[0]["完成时限"] == "2024年6月底前"


def test_chart_labels_show_the_value_alone_and_no_collectives(demo_book, tmp_path):
    ws = demo_book["牵头统计图"]
    [chart] = ws._charts
    labels = chart.dataLabels
    assert labels.showVal is True
    assert labels.showSerName is labels.showCatName is labels.showLegendKey is False
    names = [r[1] for r in ws.iter_rows(min_row=2, values_only=True)]
    summary = {r[1]: r[10] for r in demo_book["部门汇总"].iter_rows(min_row=2, values_only=True)}
    assert names and not any(summary.get(n) == "是" for n in names)
    path = write_workbook([taskmap.load_plan(QINGLAN)], tmp_path / "c.xlsx")
    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/charts/chart1.xml").decode()
    for flag in ("showSerName", "showCatName", "showLegendKey"):
        assert f'<{flag} val="0"/>' in xml


def test_a_plan_without_tasks_beside_one_with_many_areas(tmp_path):
    """Pooled with a plan of more than STACK_AREAS areas (stacked headers), a plan that
    assigns nothing (a notice, a plan in prose) still gets its matrix block."""
    numerals = "一二三四五六七八九十"
    many = taskmap.parse_text("\n".join(
        f"{numerals[k]}、领域{numerals[k]}\n1.推进第{k + 1}项工作。(牵头单位:市发展改革委)"
        for k in range(10)), source="many.txt")
    none = taskmap.parse_text("一、总体要求\n坚持统筹推进,确保取得实效。", source="none.txt")
    assert len({t.area for t in many.tasks}) == 10 and not none.tasks
    book = load_workbook(write_workbook([many, none], tmp_path / "pooled.xlsx"))
    assert visible(book) == list(SHEETS)
