"""Deadlines as dates, and a sole body as lead on request (issue #23, items 4 and 7).

- every form of deadline the genre writes gives its period's last day, or its kind
  (recurring, ongoing, immediate), or "unresolved" where nothing can date it — never a
  guessed year;
- the plan's year comes from its title's one year, else its date of issue, else its 文号;
- the due date stands beside the text in the JSON, the CSV, the Parquet (a Date column)
  and the workbook (a real Excel date, or the kind in Chinese);
- `--sole-lead` (and `sole_lead=True`) makes a block's one body its lead where it names no
  lead; by default the roles stay as the plan writes them.

Every plan here is invented.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest
from openpyxl import load_workbook

import taskmap
from taskmap.corpus import extract_corpus, load_many, open_dataset, write_dataset
from taskmap.grammar.deadlines import due, plan_year
from taskmap.models import PlanContext
from taskmap.present.files import to_csv, to_json
from taskmap.present.outputs import write_plan
from taskmap.present.xlsx.workbook import write_workbook

ROOT = Path(__file__).resolve().parent.parent

FORMS = [  # (deadline text, the plan's year) → (due, kind)
    ("2024年底前", None, "2024-12-31", "date"),
    ("2024年年底前完成", None, "2024-12-31", "date"),
    ("2024年12月底前", None, "2024-12-31", "date"),
    ("2025年2月底前", None, "2025-02-28", "date"),
    ("2024年2月底前", None, "2024-02-29", "date"),  # a leap year
    ("6月底前", 2024, "2024-06-30", "date"),
    ("六月底前", 2024, "2024-06-30", "date"),
    ("６月底前", 2024, "2024-06-30", "date"),  # full-width digits
    ("6月底前", None, None, "unresolved"),  # no year: never guessed
    ("2024年9月", None, "2024-09-30", "date"),
    ("2024年9月中旬", None, "2024-09-20", "date"),
    ("2024年6月30日前", None, "2024-06-30", "date"),
    ("2021-12-31", None, "2021-12-31", "date"),
    ("2024.12.31", None, "2024-12-31", "date"),  # a table's cell
    ("2024.6", None, "2024-06-30", "date"),
    ("2024-2025", None, "2025-12-31", "date"),
    ("2025年上半年", None, "2025-06-30", "date"),
    ("2025年下半年", None, "2025-12-31", "date"),
    ("2024年第三季度", None, "2024-09-30", "date"),
    ("三季度末", 2024, "2024-09-30", "date"),
    ("2024—2026年", None, "2026-12-31", "date"),  # a range: its end
    ("2024-2026年", None, "2026-12-31", "date"),
    ("2024年至2025年", None, "2025-12-31", "date"),
    ("2024年6月底前启动,12月底前完成", None, "2024-12-31", "date"),  # the latest
    ("年内", 2024, "2024-12-31", "date"),
    ("本年度", 2024, "2024-12-31", "date"),
    ("年底前", 2024, "2024-12-31", "date"),
    ("年内", None, None, "unresolved"),
    ("明年6月底前", 2024, "2025-06-30", "date"),
    ("2024年度", None, "2024-12-31", "date"),
    ("“十四五”期间", None, "2025-12-31", "date"),
    ("每季度", 2024, None, "recurring"),
    ("每年", 2024, None, "recurring"),
    ("每年6月底前", 2024, None, "recurring"),  # each year: no one date
    ("2024年起每季度通报", None, None, "recurring"),  # a start, then a cycle
    ("长期坚持", 2024, None, "ongoing"),
    ("持续推进", 2024, None, "ongoing"),
    ("长期", None, None, "ongoing"),
    ("常态化开展", None, None, "ongoing"),
    ("自2024年1月起长期坚持", None, None, "ongoing"),
    ("即时", 2024, None, "immediate"),
    ("立即执行", None, None, "immediate"),
    ("2025年春节前", None, None, "unresolved"),  # a movable date
    ("2024年底前完成冬季清洁取暖改造", None, "2024-12-31", "date"),  # a season of the task
    ("按进度推进", 2024, None, "unresolved"),
    ("", 2024, None, None),
    (None, 2024, None, None),
]


@pytest.mark.parametrize(("text", "year", "when", "kind"), FORMS)
def test_each_form_of_deadline_gives_its_last_day_or_its_kind(text, year, when, kind):
    assert due(text, year) == (when, kind)


def test_the_plans_year_is_its_titles_one_year_else_its_date_else_its_number():
    # issued in December for the next year: the title's year
    assert plan_year(PlanContext(title="某区2024年工作要点", date="2023-12-28", year=2023)) == 2024
    # a period names no one year: the date of issue
    assert plan_year(PlanContext(title="某区行动方案(2021—2025年)", date="2022-03-01",
                                 year=2022)) == 2022
    # and it is not taken for a date of issue when the plan has none
    assert plan_year(PlanContext(title="某区行动方案(2021—2025年)", year=2021)) is None
    assert plan_year(PlanContext(title="某区行动方案", number="某政办发〔2023〕5号",
                                 year=2023)) == 2023
    assert plan_year(PlanContext(title="某区行动方案")) is None


PLAN = """溪山市钟岭区2024年优化营商环境工作要点
一、重点任务
(一)提升政务服务
1.推进甲项工作。(牵头单位:区发改委;责任单位:区财政局;完成时限:2024年底前)
2.推进乙项工作。(牵头单位:区财政局;责任单位:区税务局;完成时限:6月底前)
3.推进丙项工作。(牵头单位:区住建局;完成时限:长期坚持)
4.推进丁项工作。(牵头单位:区商务局;完成时限:每季度)
5.推进戊项工作。(牵头单位:区商务局)
溪山市钟岭区人民政府办公室
2023年12月28日
"""

WANT = [("2024-12-31", "date"), ("2024-06-30", "date"), (None, "ongoing"),
        (None, "recurring"), (None, None)]


@pytest.fixture(scope="module")
def plan():
    return taskmap.parse_text(PLAN, source="要点.txt")


def test_tasks_carry_the_due_date_beside_the_text(plan):
    assert [t.deadline for t in plan.tasks] == ["2024年底前", "6月底前", "长期坚持", "每季度", None]
    assert [(t.due, t.due_kind) for t in plan.tasks] == WANT
    assert plan.context.date == "2023-12-28"  # 6月底前 is the title's year's, not 2023's


def test_json_has_due_and_due_kind_and_is_deterministic(plan):
    data = json.loads(to_json(plan))
    assert [(t["deadline"], t["due"], t["due_kind"]) for t in data["tasks"]][:2] == [
        ("2024年底前", "2024-12-31", "date"), ("6月底前", "2024-06-30", "date")]
    assert to_json(taskmap.parse_text(PLAN, source="要点.txt")) == to_json(plan)


def test_csv_has_due_columns_beside_the_deadline(plan):
    lines = to_csv(plan, english=True).splitlines()
    head = lines[0].split(",")
    assert head[head.index("deadline") + 1:head.index("deadline") + 3] == ["due", "due_kind"]
    rows = [dict(zip(head, line.split(","), strict=False)) for line in lines[1:]]
    assert {(r["task_id"], r["due"], r["due_kind"]) for r in rows if r["kind"] == "assignment"
            } >= {("T001", "2024-12-31", "date"), ("T003", "", "ongoing")}


def test_parquet_has_a_date_column(plan, tmp_path):
    frame = pl.read_parquet(write_plan(plan, tmp_path / "p.parquet", "parquet"))
    assert frame.schema["due"] == pl.Date
    assert frame.filter(pl.col("task_id") == "T002")["due"].to_list()[0] == date(2024, 6, 30)
    corpus = taskmap.extract_corpus([_write(tmp_path, "a.txt", PLAN)], jobs=1)
    tasks = corpus.tasks.collect()
    assert tasks.schema["due"] == pl.Date and tasks.schema["due_kind"] == pl.String
    assert tasks["due"].to_list() == [date(2024, 12, 31), date(2024, 6, 30), None, None, None]
    assert corpus.assignments.collect().schema["due"] == pl.Date


def test_workbook_has_a_real_date_or_the_kind_in_chinese(plan, tmp_path):
    ws = load_workbook(write_workbook([plan], tmp_path / "b.xlsx"))["任务分解表"]
    head = [c.value for c in ws[1]]
    k = head.index("完成时限(日期)")
    assert head[k - 1] == "完成时限"
    cells = [ws.cell(r, k + 1) for r in range(2, 7)]
    assert [c.value for c in cells] == [datetime(2024, 12, 31), datetime(2024, 6, 30),
                                        "长期(持续)", "定期(周期性)", None]
    assert cells[0].is_date and cells[0].number_format == "yyyy-mm-dd"


def test_a_plan_without_a_year_leaves_a_month_undated(tmp_path):
    plan = taskmap.parse_text("一、任务\n1.推进甲项工作。(牵头单位:区发改委;完成时限:6月底前)")
    assert (plan.tasks[0].due, plan.tasks[0].due_kind) == (None, "unresolved")
    ws = load_workbook(write_workbook([plan], tmp_path / "c.xlsx"))["任务分解表"]
    head = [c.value for c in ws[1]]
    assert ws.cell(2, head.index("完成时限(日期)") + 1).value == "未能换算"


# ------------------------------------------------------------------------- sole lead

SOLE = """一、重点任务
1.推进甲项工作。(责任单位:区发改委)
2.推进乙项工作。(责任单位:区财政局、区税务局)
3.推进丙项工作。(牵头单位:区住建局)
4.推进丁项工作。(牵头单位:区商务局;责任单位:区财政局)
"""


def _roles(plan) -> list[list[tuple[str, str]]]:
    return [[(a.role, a.raw) for a in t.assignments] for t in plan.tasks]


def _no_lead_lines(plan) -> list[int]:
    return [w.line for w in plan.warnings if "未写明" in w.reason]


def test_by_default_a_sole_body_stays_as_the_plan_writes_it():
    plan = taskmap.parse_text(SOLE)
    assert _roles(plan)[0] == [("responsible", "区发改委")]
    assert _no_lead_lines(plan) == [2, 3]


def test_sole_lead_makes_the_one_body_of_a_block_without_lead_its_lead():
    plan = taskmap.parse_text(SOLE, sole_lead=True)
    assert _roles(plan) == [
        [("lead", "区发改委")],
        [("responsible", "区财政局"), ("responsible", "区税务局")],  # two bodies: unchanged
        [("lead", "区住建局")],
        [("lead", "区商务局"), ("responsible", "区财政局")]]
    assert _no_lead_lines(plan) == [3]  # the one without a lead is still warned


def test_sole_lead_leaves_bodies_a_standing_statement_adds_responsible():
    text = ("一、重点任务\n以下任务各街道办事处负责落实,不再列出。\n"
            "1.推进甲项工作。(责任单位:区发改委)\n")
    default = taskmap.parse_text(text)
    plan = taskmap.parse_text(text, sole_lead=True)
    implicit = [(a.role, a.raw) for a in plan.tasks[-1].assignments if a.implicit]
    assert implicit == [(a.role, a.raw) for a in default.tasks[-1].assignments if a.implicit]
    assert all(role == "responsible" for role, _ in implicit)
    assert ("lead", "区发改委") in [(a.role, a.raw) for a in plan.tasks[-1].assignments]


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_sole_lead_on_many_plans_on_two_cores_and_in_a_dataset(tmp_path):
    plans = tmp_path / "plans"
    plans.mkdir()
    for k in range(3):
        _write(plans, f"p{k}.txt", SOLE.replace("推进", f"第{k}项推进"))
    leads = pl.col("role") == "lead"
    for jobs in (1, 2):
        with_it = extract_corpus([plans], jobs=jobs, sole_lead=True).assignments.collect()
        without = extract_corpus([plans], jobs=jobs).assignments.collect()
        assert with_it.filter(leads).height == without.filter(leads).height + 3
    loaded, _ = load_many([plans], jobs=2, sole_lead=True)
    assert [_roles(p)[0] for p in loaded] == [[("lead", "区发改委")]] * 3
    out = tmp_path / "data"
    assert write_dataset([plans], out, jobs=1)["read"] == 3
    assert write_dataset([plans], out, jobs=1, sole_lead=True)["read"] == 3  # read again
    stored = open_dataset(out).assignments.collect()
    assert stored.filter(leads).height == with_it.filter(leads).height


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "taskmap", *args], capture_output=True,
                          text=True, cwd=cwd, env={"PYTHONPATH": str(ROOT), "PATH": ""})


def test_cli_sole_lead_option(tmp_path):
    path = _write(tmp_path, "方案.txt", SOLE)
    default = json.loads(_run("extract", str(path), "-f", "json", cwd=tmp_path).stdout)
    asked = json.loads(_run("extract", str(path), "-f", "json", "--sole-lead",
                            cwd=tmp_path).stdout)
    assert default["tasks"][0]["assignments"][0]["role"] == "responsible"
    assert asked["tasks"][0]["assignments"][0]["role"] == "lead"
    book = tmp_path / "分解表.xlsx"
    assert _run("export", str(path), "-o", str(book), "--sole-lead", "-j", "1",
                cwd=tmp_path).returncode == 0
    ws = load_workbook(book)["任务分解表"]
    head = [c.value for c in ws[1]]
    assert ws.cell(2, head.index("牵头单位") + 1).value == "区发改委"
    # a dataset is read as it was written: the option is refused there, in one line
    data = tmp_path / "data"
    assert _run("extract", str(path), "-f", "parquet", "-o", str(data), "-j", "1",
                cwd=tmp_path).returncode == 0
    refused = _run("report", str(data), "--sole-lead", cwd=tmp_path)
    assert refused.returncode == 1
    assert len(refused.stderr.strip().splitlines()) == 1 and "--sole-lead" in refused.stderr


def test_a_cell_after_a_date_of_its_kind_keeps_its_own_number_format():
    """The workbook's body cells share a style by kind; a date's number format is part of
    its kind, so a number after a date does not show as a date, nor a date as a number."""
    import datetime

    from openpyxl import Workbook

    from taskmap.present.xlsx.style import Col, body_row

    ws = Workbook().active
    for row, value in enumerate([datetime.date(2024, 1, 1), 5, datetime.date(2024, 2, 1)], 1):
        body_row(ws, row, [value], [Col("完成时限(日期)")])
    assert [ws.cell(r, 1).is_date for r in (1, 2, 3)] == [True, False, True]
    assert ws.cell(2, 1).number_format == "General"


def test_sole_lead_applies_to_taskmap_s_own_workbook_read_back(tmp_path):
    """A 分解表 written as the plan says, read back with sole_lead: the same roles and
    no-lead warnings as the plan read with it (the option was passed over before)."""
    plan = _write(tmp_path, "方案.txt", SOLE)
    book = tmp_path / "分解表.xlsx"
    taskmap.write_workbook([taskmap.load_plan(plan)], book)
    for asked in (False, True):
        again = taskmap.load_plan(book, sole_lead=asked)
        direct = taskmap.parse_text(SOLE, sole_lead=asked)
        assert _roles(again) == _roles(direct)
        assert _no_lead_lines(again) == _no_lead_lines(direct)
