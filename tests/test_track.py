"""`taskmap track`: filled-in copies of taskmap's own 任务分解表 workbook, read back, merged
and judged at a date. The copies are real workbooks (`write_workbook` of a demo plan, filled
with openpyxl as three bureaus would); what the result says is checked against values the
test works out from the plan itself and from what it typed into the copies."""

from __future__ import annotations

import datetime
import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from conftest import DATA, needs
from docx import Document as open_docx
from test_export import all_values
from test_render import A4_LANDSCAPE, calc_installed, flat, page_size, pages, to_pdf

import taskmap
from taskmap.cli import run
from taskmap.models import LEAD, RESPONSIBLE
from taskmap.present.docx.track import write_track_docx
from taskmap.present.xlsx.track_book import write_track_workbook
from taskmap.present.xlsx.workbook import write_workbook
from taskmap.tracking import parse_date, track

SONGHE = DATA / "songhe_county_task_breakdown.txt"
QINGLAN = DATA / "qinglan_city_industry_plan.txt"
SOON = 30


def due(task) -> datetime.date | None:
    return datetime.date.fromisoformat(task.due) if task.due else None


def fill(path: Path, values: dict[int, tuple[str | None, str | None]], *,
         reverse: bool = False, drop: int | None = None,
         deadline: tuple[int, str] | None = None) -> Path:
    """Type 进展情况 / 完成状态 into the rows of the given 序号 (as a bureau would); with
    `reverse`, the data rows are written back in reverse order; `drop` deletes a row;
    `deadline` retypes one row's 完成时限."""
    wb = openpyxl.load_workbook(path)
    ws = wb["任务分解表"]
    head = [c.value for c in ws[1]]
    col = {h: head.index(h) + 1 for h in head}
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    if reverse:
        rows.reverse()
    for r, values_row in enumerate(rows, start=2):
        for c, v in enumerate(values_row, start=1):
            ws.cell(r, c).value = v
    for r in range(2, ws.max_row + 1):
        no = ws.cell(r, col["序号"]).value
        if no in values:
            progress, status = values[no]
            ws.cell(r, col["进展情况"]).value = progress
            ws.cell(r, col["完成状态"]).value = status
        if deadline and no == deadline[0]:
            ws.cell(r, col["完成时限"]).value = deadline[1]
    if drop is not None:
        for r in range(2, ws.max_row + 1):
            if ws.cell(r, col["序号"]).value == drop:
                ws.delete_rows(r)
                break
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def plan():
    return taskmap.load_plan(SONGHE)


@pytest.fixture(scope="module")
def round_(plan, tmp_path_factory):
    """Three filled-in copies and what was typed into them, with the date to judge at: the
    day after the second-earliest due date (so some tasks are overdue, some due soon)."""
    folder = tmp_path_factory.mktemp("track")
    book = write_workbook([plan], folder / "分解表.xlsx")
    numbered = list(enumerate(plan.tasks, start=1))
    dated = [(n, t) for n, t in numbered if due(t)]
    days = sorted({due(t) for _, t in dated})
    as_of = days[1] + datetime.timedelta(days=1)
    past = [n for n, t in dated if due(t) < as_of]
    near = [n for n, t in dated if as_of <= due(t) <= as_of + datetime.timedelta(days=SOON)]
    far = [n for n, t in dated if due(t) > as_of + datetime.timedelta(days=SOON)]
    undated = [n for n, t in numbered if not due(t)]
    assert len(past) >= 2 and near and len(far) >= 4 and undated  # the plan suits the test
    done, late, conflicted, unknown, retimed = past[0], far[0], far[1], far[2], far[3]
    dropped = undated[0]
    a = fill(shutil.copy(book, folder / "发改局.xlsx"), {
        done: ("已全部办结", "已完成"), conflicted: ("按计划推进", "推进中")})
    b = fill(shutil.copy(book, folder / "住建局.xlsx"), {
        near[0]: ("正在推进", "推进中"), conflicted: (None, "已完成")}, reverse=True)
    c = fill(shutil.copy(book, folder / "财政局.xlsx"), {
        late: ("资金未到位", "滞后"), unknown: ("正在办理", "进行中"),
        done: ("已全部办结", None)},
        drop=dropped, deadline=(retimed, f"{days[0].year}年{days[0].month}月{days[0].day}日前"))
    typed = {done, conflicted, near[0], late, unknown}
    return {"folder": folder, "book": book, "copies": [a, b, c], "as_of": as_of,
            "past": past, "near": near, "done": done, "late": late,
            "conflicted": conflicted, "unknown": unknown, "retimed": retimed,
            "dropped": dropped, "typed": typed}


@pytest.fixture(scope="module")
def result(round_):
    return track(round_["copies"], as_of=round_["as_of"], soon=SOON)


def states(result, state: str) -> set[int]:
    return set(result.tasks.filter(result.tasks["state"] == state)["no"].to_list())


def test_the_copies_merge_and_each_task_is_judged_at_the_date(result, round_, plan):
    r = round_
    # the retyped deadline (the earliest due date) makes its task overdue
    expected_overdue = ({n for n in r["past"] if n != r["done"]} | {r["late"], r["retimed"]})
    assert states(result, "overdue") == expected_overdue
    assert states(result, "done") == {r["done"]}
    assert states(result, "unverified") == {r["conflicted"]}
    assert states(result, "soon") == set(r["near"])
    assert result.tasks.height == len(plan.tasks)  # a row deleted in one copy says nothing
    rows = {row["no"]: row for row in result.tasks.iter_rows(named=True)}
    # the same progress in two copies agrees; the one filled value wins
    assert rows[r["done"]]["progress"] == "已全部办结" and rows[r["done"]]["status"] == "已完成"
    assert rows[r["done"]]["sources"] == "发改局.xlsx、财政局.xlsx"
    assert rows[r["near"][0]]["status"] == "推进中"  # copy b's rows were in reverse order
    assert rows[r["unknown"]]["status"] == "进行中"  # kept as written
    assert rows[r["retimed"]]["due"] < r["as_of"]
    assert {n for n, row in rows.items() if not row["reported"]} == (
        set(rows) - r["typed"])


def test_a_conflict_is_listed_with_each_value_and_file_and_never_settled(result, round_):
    conflicts = result.conflicts
    assert set(conflicts["no"]) == {round_["conflicted"]}
    assert sorted(conflicts.select("field", "value", "source").rows()) == [
        ("status", "已完成", "住建局.xlsx"), ("status", "推进中", "发改局.xlsx")]
    row = result.tasks.filter(result.tasks["no"] == round_["conflicted"]).row(0, named=True)
    assert row["state"] == "unverified" and row["status"] is None and row["conflict"]
    assert row["progress"] == "按计划推进"  # the field no other copy contradicts stands


def test_a_status_not_in_the_list_is_a_warning(result, round_):
    assert len(result.warnings) == 1
    assert "财政局.xlsx" in result.warnings[0] and "进行中" in result.warnings[0]
    assert f"第{round_['unknown']}项" in result.warnings[0]


def test_units_count_their_tasks_by_state(result, round_, plan):
    """Counted here from the plan's own assignments and the states the test expects."""
    r = round_
    overdue = {n for n in r["past"] if n != r["done"]} | {r["late"], r["retimed"]}
    soon = set(r["near"])
    expected: dict[str, dict[str, int]] = {}
    for n, task in enumerate(plan.tasks, start=1):
        for role in (LEAD, RESPONSIBLE):
            for agency in {a.agency for a in task.assignments if a.role == role}:
                e = expected.setdefault(agency, dict.fromkeys(
                    ("lead", "done", "in_progress", "overdue", "soon", "unreported",
                     "unverified", "shared", "shared_overdue"), 0))
                if role == LEAD:
                    e["lead"] += 1
                    e["done"] += n == r["done"]
                    e["overdue"] += n in overdue
                    e["soon"] += n in soon
                    e["in_progress"] += n == r["near"][0]  # 推进中, and due soon, not late
                    e["unreported"] += n not in r["typed"]
                    e["unverified"] += n == r["conflicted"]
                else:
                    e["shared"] += 1
                    e["shared_overdue"] += n in overdue
    got = {row["agency"]: {k: row[k] for k in next(iter(expected.values()))}
           for row in result.units.iter_rows(named=True)}
    assert got == expected
    assert result.units["lead"].sum() >= len(plan.tasks)


def test_the_library_is_the_api(round_):
    out = taskmap.track(round_["copies"], as_of="2024/6/1")
    assert isinstance(out, taskmap.Tracking) and out.as_of == datetime.date(2024, 6, 1)


@pytest.mark.parametrize("text", ["2025-06-30", "2025/6/30", "2025年6月30日", " 2025.6.30 "])
def test_dates_in_three_ways(text):
    assert parse_date(text) == datetime.date(2025, 6, 30)


@pytest.mark.parametrize("bad", ["2025-02-30", "下周一", "30/6/2025", ""])
def test_a_bad_as_of_is_a_usage_mistake_in_chinese(bad, round_, capsys):
    assert run(["track", str(round_["copies"][0]), "--as-of", bad]) == 2
    err = capsys.readouterr().err
    assert "--as-of" in err and "无法识别" in err and "Traceback" not in err


def test_a_workbook_not_taskmaps_is_refused_in_one_line(round_, tmp_path, capsys):
    other = tmp_path / "台账.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["序号", "重点任务", "进展情况"])
    wb.active.append([1, "某项工作", "已完成"])
    wb.save(other)
    assert run(["track", str(round_["copies"][0]), str(other)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "台账.xlsx" in err[0] and "不是 taskmap 写出的" in err[0]


def test_copies_of_different_plans_are_refused_naming_the_file(round_, tmp_path, capsys):
    other = write_workbook([taskmap.load_plan(QINGLAN)], tmp_path / "青岚.xlsx")
    assert run(["track", str(round_["copies"][0]), str(other)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "青岚.xlsx" in err[0] and "不是同一份任务分解表" in err[0]


def test_the_terminal_report_and_json(round_, capsys):
    args = ["track", *map(str, round_["copies"]), "--as-of", round_["as_of"].isoformat()]
    assert run(args) == 0
    out = capsys.readouterr().out
    for title in ("概况", "逾期任务", "即将到期", "按单位", "合并冲突"):
        assert title in out
    assert run([*args, "-f", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["counts"]["unverified"] == 1 and data["as_of"] == round_["as_of"].isoformat()


def test_never_written_onto_an_input(round_, capsys):
    copy = round_["copies"][0]
    before = copy.read_bytes()
    assert run(["track", str(copy), "-o", str(copy)]) == 1
    assert copy.read_bytes() == before
    assert "错误" in capsys.readouterr().err


def test_the_workbook_and_word_files_read_back(result, round_, tmp_path):
    book = write_track_workbook(result, tmp_path / "通报.xlsx")
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames[:5] == ["概况", "逾期任务", "即将到期", "按单位", "合并冲突"]
    overdue = {row[0] for row in wb["逾期任务"].iter_rows(min_row=2, values_only=True)}
    assert overdue == states(result, "overdue")
    ws = wb["逾期任务"]
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
    assert ws.print_title_rows.replace("$", "") == "1:1"
    assert ws.page_setup.fitToWidth == 1
    doc = open_docx(write_track_docx(result, tmp_path / "通报.docx"))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "督办通报" in text and f"{round_['as_of'].year}年" in text
    cells = {c.text for t in doc.tables for row in t.rows for c in row.cells}
    assert {u for u in result.units.filter(result.units["lead"] > 0)["display"]} <= cells


def test_the_same_round_gives_the_same_bytes(result, round_, tmp_path):
    first = write_track_workbook(result, tmp_path / "a.xlsx")
    again = track(round_["copies"], as_of=round_["as_of"], soon=SOON)
    second = write_track_workbook(again, tmp_path / "b.xlsx")
    assert all_values(first) == all_values(second)
    assert first.read_bytes() == second.read_bytes()
    assert (write_track_docx(result, tmp_path / "a.docx").read_bytes()
            == write_track_docx(again, tmp_path / "b.docx").read_bytes())


@needs(calc_installed() and shutil.which("pdftotext") is not None,
       "LibreOffice Writer and Calc (soffice), poppler-utils (pdftotext)")
@pytest.mark.parametrize("suffix", [".xlsx", ".docx"])
def test_the_report_renders_on_a4_with_the_overdue_task_and_the_units(
        suffix, result, round_, tmp_path, capsys):
    out = tmp_path / f"督办通报{suffix}"
    args = ["track", *map(str, round_["copies"]), "--as-of", round_["as_of"].isoformat()]
    assert run([*args, "-o", str(out)]) == 0
    pdf = to_pdf(out)
    shown = pages(pdf)
    assert shown and page_size(pdf) == pytest.approx(A4_LANDSCAPE, abs=1)
    text = flat("".join(shown))
    late = result.tasks.filter(result.tasks["no"] == round_["late"]).row(0, named=True)
    assert flat(late["title"]) in text
    for unit in result.units.filter(result.units["overdue"] > 0)["display"]:
        assert unit in text
    assert "合并冲突" in text and "督办通报" in text


def test_edits_to_a_deadline_merge_like_the_tracking_cells(round_, tmp_path):
    """One copy retyping a deadline wins over the copies that left it; two copies retyping
    it differently are a conflict (the task 待核实); a row a copy adds is a task."""
    book, n = round_["book"], round_["late"]
    one = fill(shutil.copy(book, tmp_path / "甲.xlsx"), {}, deadline=(n, "2030年底前"))
    two = fill(shutil.copy(book, tmp_path / "乙.xlsx"), {}, deadline=(n, "2031年底前"))
    same = fill(shutil.copy(book, tmp_path / "丙.xlsx"), {})
    wb = openpyxl.load_workbook(same)
    ws = wb["任务分解表"]
    head = [c.value for c in ws[1]]
    row = ws.max_row + 1
    ws.cell(row, head.index("重点任务") + 1).value = "新增一项督办工作"
    ws.cell(row, head.index("完成状态") + 1).value = "推进中"
    wb.save(same)
    alone = track([one, same], as_of=round_["as_of"])
    task = alone.tasks.filter(alone.tasks["no"] == n).row(0, named=True)
    assert task["deadline"] == "2030年底前" and task["due"] == datetime.date(2030, 12, 31)
    assert alone.conflicts.is_empty()
    added = alone.tasks.filter(alone.tasks["title"] == "新增一项督办工作")
    assert added.height == 1 and added["status"][0] == "推进中" and added["no"][0] is None
    both = track([one, two], as_of=round_["as_of"])
    assert sorted(both.conflicts.select("field", "value").rows()) == [
        ("deadline", "2030年底前"), ("deadline", "2031年底前")]
    assert both.tasks.filter(both.tasks["no"] == n)["state"][0] == "unverified"
