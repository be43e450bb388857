"""taskmap's own workbook is an input (issue #23, item 2): written with its marker, edited
with openpyxl as a clerk edits it in Excel, and read back as the plan — the edits are the
plan for `extract`, `report`, `diff`, Word and the web page. A workbook or CSV that is
neither a plan nor taskmap's own is refused in one Chinese line, never read as tasks.

Real workbooks throughout: written by taskmap, opened and saved by openpyxl, read back by
the CLI in a subprocess or by the library.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import DATA, needs, run_taskmap
from docx import Document as WordDocument
from openpyxl import Workbook, load_workbook

import taskmap
from taskmap import diff_plans, load_plan
from taskmap.models import LEAD, RESPONSIBLE
from taskmap.pipeline import parse_book
from taskmap.present.xlsx import marker
from taskmap.present.xlsx.workbook import SHEETS, TASKS_SHEET, write_workbook
from taskmap.read import read_document
from taskmap.read.sheets import MARK, MARK_SHEET, MARK_VERSION, OWN_SHEETS

PLAN = DATA / "yunxi_district_carbon_plan.txt"
NEW_TITLE = "芸溪区碳达峰行动实施方案(修订稿)"
NEW_LEAD = "区财政局"
NEW_AREA = "能源保供行动"


@pytest.fixture(scope="module")
def original():
    return load_plan(PLAN)


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> Path:
    """The plan's workbook as `taskmap extract -o` writes it."""
    out = tmp_path_factory.mktemp("rt") / "分解表.xlsx"
    run_taskmap("extract", str(PLAN), "-o", str(out), check=True)
    return out


def columns(ws) -> dict[str, int]:
    return {c.value: c.column for c in ws[1] if c.value}


def cover_title_cell(wb):
    cover = wb["说明"]
    for row in cover.iter_rows(max_row=10):
        for c in row:
            if c.value == "方案名称":
                return cover.cell(c.row + 1, c.column)
    raise AssertionError("no 方案名称 on the cover")


def edit(src: Path, dst: Path, *, lead: str | None = NEW_LEAD, area: str | None = NEW_AREA,
         title: str | None = NEW_TITLE, **cells: tuple[int, str]) -> Path:
    """A clerk's edits: row 2's 牵头单位, row 3's 行动领域, the cover's 方案名称; `cells`:
    header → (sheet row, text)."""
    wb = load_workbook(src)
    ws = wb[TASKS_SHEET]
    cols = columns(ws)
    if lead is not None:
        ws.cell(2, cols["牵头单位"]).value = lead
    if area is not None:
        ws.cell(3, cols["行动领域"]).value = area
    if title is not None:
        cover_title_cell(wb).value = title
    for header, (row, text) in cells.items():
        ws.cell(row, cols[header]).value = text
    wb.save(dst)
    return dst


@pytest.fixture(scope="module")
def edited(written, tmp_path_factory) -> Path:
    return edit(written, tmp_path_factory.mktemp("rt") / "改后.xlsx")


def bodies(task, role: str) -> list[str]:
    return [a.agency for a in task.assignments if a.role == role and not a.implicit]


def one_chinese_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert re.search(r"[\u4e00-\u9fff]", lines[0]) and "Traceback" not in stderr
    return lines[0]


# the marker -----------------------------------------------------------------------------

def test_the_workbook_carries_a_hidden_marker_with_its_format(written, original):
    wb = load_workbook(written)
    ws = wb[MARK_SHEET]
    assert ws.sheet_state == "veryHidden"
    assert (ws["A1"].value, ws["B1"].value) == (MARK, MARK_VERSION)
    assert [s.title for s in wb.worksheets if s.sheet_state == "visible"] == list(SHEETS)
    data = json.loads("".join(ws.cell(r, 1).value for r in range(2, ws.max_row + 1)))
    assert data["version"] == MARK_VERSION
    assert [t["id"] for t in data["plans"][0]["tasks"]] == [t.id for t in original.tasks]


def test_the_reader_knows_taskmaps_sheets_by_the_writers_names():
    assert set(SHEETS) >= OWN_SHEETS and TASKS_SHEET in OWN_SHEETS


def test_an_unedited_workbook_reads_back_as_the_plan_it_holds(written, original):
    back = load_plan(written)
    assert back.tasks == original.tasks
    assert back.context == original.context and back.warnings == original.warnings
    assert back.source == str(written)


def test_reading_the_same_workbook_twice_gives_the_same_bytes(edited):
    a = run_taskmap("extract", str(edited), "-f", "json", check=True).stdout
    b = run_taskmap("extract", str(edited), "-f", "json", check=True).stdout
    assert a == b and json.loads(a)["tasks"]


def test_the_data_survives_many_cells_and_pieces_that_look_like_formulas(tmp_path,
                                                                          monkeypatch):
    text = ("一、任务\n(一)节能\n1.推进====节能改造  两个空格。"
            "(牵头单位:市发改委,责任单位:市财政局)\n2.=SUM(A1)开头的文字。(牵头单位:市财政局)\n")
    plan = taskmap.parse_text(text, source="eq.txt")
    monkeypatch.setattr(marker, "MARK_CHUNK", 7)
    back = load_plan(write_workbook([plan], tmp_path / "eq.xlsx"))
    assert back.tasks == plan.tasks
    assert load_workbook(tmp_path / "eq.xlsx")[MARK_SHEET].max_row > 100


# the clerk's edits ----------------------------------------------------------------------

def test_the_edits_are_the_plan_and_nothing_else_changes(edited, original):
    back = load_plan(edited)
    assert back.context.title == NEW_TITLE
    first, second = back.tasks[0], back.tasks[1]
    assert [a.raw for a in first.assignments if a.role == LEAD] == [NEW_LEAD]
    # the body typed resolves as the plan's own 区财政局 does elsewhere
    plan_own = {a.agency for t in original.tasks for a in t.assignments if a.raw == NEW_LEAD}
    assert bodies(first, LEAD) == sorted(plan_own)
    assert bodies(first, RESPONSIBLE) == bodies(original.tasks[0], RESPONSIBLE)
    assert second.area == NEW_AREA and original.tasks[1].area != NEW_AREA
    assert back.tasks[2:] == original.tasks[2:]
    assert replace(second, area=original.tasks[1].area) == original.tasks[1]


def test_the_cover_heading_sets_the_title_too(written, tmp_path):
    wb = load_workbook(written)
    wb["说明"]["A1"].value = "松河县某某方案重点任务分工统计"
    wb.save(tmp_path / "a1.xlsx")
    assert load_plan(tmp_path / "a1.xlsx").context.title == "松河县某某方案"


def test_a_cell_lists_bodies_as_the_grammar_splits_them(written, original, tmp_path):
    path = edit(written, tmp_path / "list.xlsx", lead=None, area=None, title=None,
                责任单位=(2, "区财政局;区商务局/区科技局\n区教育局、区人社局"))
    back = load_plan(path)
    assert [a.raw for a in back.tasks[0].assignments if a.role == RESPONSIBLE] == [
        "区财政局", "区商务局", "区科技局", "区教育局", "区人社局"]
    assert all(a.agency and a.tier != "unresolved" for a in back.tasks[0].assignments)
    assert back.tasks[1:] == original.tasks[1:]


def test_an_edited_deadline_gets_its_own_due_date(written, original, tmp_path):
    path = edit(written, tmp_path / "due.xlsx", lead=None, area=None, title=None,
                完成时限=(2, "2031年6月底前"))
    back = load_plan(path)
    assert (back.tasks[0].deadline, back.tasks[0].due, back.tasks[0].due_kind) == (
        "2031年6月底前", "2031-06-30", "date")
    path = edit(written, tmp_path / "ongoing.xlsx", lead=None, area=None, title=None,
                完成时限=(2, "长期坚持"))
    assert load_plan(path).tasks[0].due_kind == "ongoing"
    assert back.tasks[1:] == original.tasks[1:]


def test_a_deleted_row_is_a_task_gone_and_an_added_row_a_new_task(written, original,
                                                                  tmp_path):
    wb = load_workbook(written)
    ws = wb[TASKS_SHEET]
    cols = columns(ws)
    ws.delete_rows(4)
    last = ws.max_row + 1
    for header, text in (("行动领域", "新增领域"), ("重点任务", "建设智慧能源平台"),
                         ("牵头单位", "区发改委"), ("责任单位", "区工信局")):
        ws.cell(last, cols[header]).value = text
    wb.save(tmp_path / "rows.xlsx")
    back = load_plan(tmp_path / "rows.xlsx")
    assert [t.id for t in back.tasks[:-1]] == [t.id for t in original.tasks
                                              if t.id != original.tasks[2].id]
    new = back.tasks[-1]
    assert (new.title, new.area) == ("建设智慧能源平台", "新增领域")
    assert bodies(new, LEAD) == bodies(original.tasks[10], LEAD)  # 区发改委, resolved


def test_rows_sorted_and_renumbered_keep_their_tasks(written, original, tmp_path):
    wb = load_workbook(written)
    ws = wb[TASKS_SHEET]
    cols = columns(ws)
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2, max_row=ws.max_row)]
    rows.reverse()  # sorted the other way, then 序号 typed again from 1
    for i, values in enumerate(rows, start=2):
        for j, value in enumerate(values, start=1):
            ws.cell(i, j).value = value
        ws.cell(i, cols["序号"]).value = i - 1
    last = len(rows) + 1  # the plan's first task, now the last row: its lead edited
    ws.cell(last, cols["牵头单位"]).value = NEW_LEAD
    wb.save(tmp_path / "sorted.xlsx")
    back = load_plan(tmp_path / "sorted.xlsx")
    assert [a.raw for a in back.tasks[0].assignments if a.role == LEAD] == [NEW_LEAD]
    assert back.tasks[1:] == original.tasks[1:]


def test_a_row_whose_wording_was_edited_is_still_its_task_by_number(written, original,
                                                                     tmp_path):
    path = edit(written, tmp_path / "text.xlsx", area=None, title=None,
                任务内容=(2, "改写过的任务内容"))
    back = load_plan(path)
    assert [t.id for t in back.tasks] == [t.id for t in original.tasks]
    assert [a.raw for a in back.tasks[0].assignments if a.role == LEAD] == [NEW_LEAD]


def test_columns_are_found_by_header_and_unknown_columns_passed_over(written, tmp_path):
    wb = load_workbook(written)
    ws = wb[TASKS_SHEET]
    ws.insert_cols(2)  # a column of its own, before the others (a later 完成时限(日期) …)
    ws.cell(1, 2).value = "完成时限(日期)"
    ws.cell(2, 2).value = "2025-12-31"
    wb.save(tmp_path / "cols.xlsx")
    path = edit(tmp_path / "cols.xlsx", tmp_path / "cols2.xlsx")
    back = load_plan(path)
    assert [a.raw for a in back.tasks[0].assignments if a.role == LEAD] == [NEW_LEAD]
    assert back.tasks[1].area == NEW_AREA


def test_a_header_the_clerk_renamed_is_refused_by_name(written, tmp_path):
    wb = load_workbook(written)
    ws = wb[TASKS_SHEET]
    ws.cell(1, columns(ws)["牵头单位"]).value = "主办"
    wb.save(tmp_path / "header.xlsx")
    result = run_taskmap("extract", str(tmp_path / "header.xlsx"))
    assert result.returncode == 1
    assert "牵头单位" in one_chinese_line(result.stderr)


# every output shows the edit --------------------------------------------------------------

def test_json_report_and_word_show_the_edit(edited, original, tmp_path):
    data = json.loads(run_taskmap("extract", str(edited), "-f", "json", check=True).stdout)
    assert data["context"]["title"] == NEW_TITLE
    assert [a["raw"] for a in data["tasks"][0]["assignments"] if a["role"] == LEAD] == [
        NEW_LEAD]
    assert data["tasks"][1]["area"] == NEW_AREA

    report = json.loads(run_taskmap("report", str(edited), "-f", "json", check=True).stdout)
    before = json.loads(run_taskmap("report", str(PLAN), "-f", "json", check=True).stdout)
    assert report["plans"][0]["title"] == NEW_TITLE
    assert report["plans"][0]["tasks"] == before["plans"][0]["tasks"] == len(original.tasks)
    leads = {a["display"]: a["lead"] for a in report["agencies"]}
    was = {a["display"]: a["lead"] for a in before["agencies"]}
    assert leads[NEW_LEAD] == was.get(NEW_LEAD, 0) + 1
    assert leads["区发改委"] == was["区发改委"] - 1

    word = tmp_path / "分解表.docx"
    run_taskmap("extract", str(edited), "-o", str(word), check=True)
    doc = WordDocument(str(word))
    assert NEW_TITLE in "\n".join(p.text for p in doc.paragraphs)
    rows = [[c.text for c in r.cells] for t in doc.tables for r in t.rows]
    first = next(r for r in rows if original.tasks[0].title in "".join(r))
    assert NEW_LEAD in first and "区发改委" not in first
    assert any(NEW_AREA in "".join(r) for r in rows)


def test_diff_of_the_plan_and_its_edited_workbook_shows_exactly_the_edit(edited, original):
    result = diff_plans(original, load_plan(edited))
    changed = [t for t in result.tasks if t.status == "changed"]
    assert len(changed) == 1 and changed[0].new.id == original.tasks[0].id
    assert sorted((c.role, c.change, c.raw) for c in changed[0].changes) == [
        (LEAD, "added", NEW_LEAD), (LEAD, "removed", original.tasks[0].agencies(LEAD)[0])]
    assert all(t.status == "unchanged" for t in result.tasks if t not in changed)
    data = json.loads(run_taskmap("diff", str(PLAN), str(edited), "-f", "json",
                                  check=True).stdout)
    assert json.dumps(data, ensure_ascii=False).count(NEW_LEAD) >= 1


def test_the_workbook_of_the_edited_plan_reads_back_the_same(edited, tmp_path):
    again = tmp_path / "again.xlsx"
    run_taskmap("extract", str(edited), "-o", str(again), check=True)
    assert load_plan(again).tasks == load_plan(edited).tasks
    assert load_plan(again).context.title == NEW_TITLE


def test_report_counts_the_real_tasks_of_taskmaps_workbook(written, original):
    result = run_taskmap("report", str(written), "-f", "json", check=True)
    data = json.loads(result.stdout)
    assert data["plans"][0]["tasks"] == len(original.tasks)
    assert "未明确" not in result.stdout


# what is refused ----------------------------------------------------------------------------

def foreign_book(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "预算"
    ws.append(["文件名", "统计口径", "金额"])
    ws.append(["某某.docx", "按单位", 3])
    wb.save(path)
    return path


def test_a_workbook_with_no_task_table_is_refused_in_one_line(tmp_path):
    path = foreign_book(tmp_path / "预算.xlsx")
    result = run_taskmap("extract", str(path))
    assert result.returncode == 1 and not result.stdout
    line = one_chinese_line(result.stderr)
    assert str(path) in line and "未读取" in line
    report = run_taskmap("report", str(path))
    assert report.returncode == 1 and "找不到任务表的表头" in report.stderr


def test_a_csv_with_no_task_table_is_refused_and_a_task_table_csv_still_read(tmp_path):
    data = tmp_path / "data.csv"
    data.write_text("姓名,金额\n张三,3\n", encoding="utf-8")
    result = run_taskmap("extract", str(data))
    assert result.returncode == 1 and str(data) in one_chinese_line(result.stderr)
    ours = tmp_path / "ours.csv"
    run_taskmap("extract", str(PLAN), "-o", str(ours), check=True)  # taskmap's data rows
    result = run_taskmap("extract", str(ours))  # its block column would give tasks
    assert result.returncode == 1
    assert "taskmap 写出的 CSV" in one_chinese_line(result.stderr)
    table = tmp_path / "table.csv"
    table.write_text("序号,重点任务,牵头单位,责任单位,完成时限\n"
                     "1,推进节能改造,区发改委,区财政局,2025年底前\n", encoding="utf-8")
    plan = load_plan(table)
    assert [t.agencies(LEAD) for t in plan.tasks] == [["区发改委"]]


def test_a_workbook_holding_a_plans_text_is_still_read(tmp_path):
    wb = Workbook()
    wb.active.append(["1.推进节能改造。(牵头单位:区发改委,责任单位:区财政局)"])
    wb.save(tmp_path / "text.xlsx")
    assert load_plan(tmp_path / "text.xlsx").tasks[0].agencies(LEAD) == ["区发改委"]


def test_a_users_own_task_table_workbook_is_still_read(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "重点任务", "牵头单位", "责任单位", "完成时限"])
    ws.append([1, "推进节能改造", "区发改委", "区财政局、区住建局", "2025年底前"])
    ws.append([2, "建设充电设施", "区交通运输局", "区城管局", "长期坚持"])
    wb.save(tmp_path / "台账.xlsx")
    plan = load_plan(tmp_path / "台账.xlsx")
    assert [t.agencies(LEAD) for t in plan.tasks] == [["区发改委"], ["区交通运输局"]]


def test_taskmaps_workbook_without_its_marker_is_refused_not_read_as_junk(written, tmp_path):
    wb = load_workbook(written)
    del wb[MARK_SHEET]
    wb.save(tmp_path / "old.xlsx")
    result = run_taskmap("report", str(tmp_path / "old.xlsx"))
    assert result.returncode == 1 and "缺少读回所需的标记" in result.stderr
    assert "未明确" not in result.stdout
    line = one_chinese_line(run_taskmap("extract", str(tmp_path / "old.xlsx")).stderr)
    assert "taskmap" in line


def test_a_damaged_marker_is_refused_in_one_line(written, tmp_path):
    wb = load_workbook(written)
    wb[MARK_SHEET]["A2"].value = "{broken"
    wb.save(tmp_path / "broken.xlsx")
    result = run_taskmap("extract", str(tmp_path / "broken.xlsx"))
    assert result.returncode == 1 and "已损坏" in one_chinese_line(result.stderr)


def test_a_workbook_of_several_plans_is_refused_for_one_and_read_whole_by_the_library(
        tmp_path):
    plans = [load_plan(PLAN), load_plan(DATA / "qinglan_city_industry_plan.txt")]
    path = write_workbook(plans, tmp_path / "two.xlsx")
    result = run_taskmap("extract", str(path))
    assert result.returncode == 1 and "含 2 个方案" in one_chinese_line(result.stderr)
    back = parse_book(read_document(path))
    assert [b.tasks for b in back] == [p.tasks for p in plans]


def test_several_plans_edits_go_to_the_plan_of_their_row(tmp_path):
    plans = [load_plan(PLAN), load_plan(DATA / "qinglan_city_industry_plan.txt")]
    path = write_workbook(plans, tmp_path / "two.xlsx")
    wb = load_workbook(path)
    ws = wb[TASKS_SHEET]
    cols = columns(ws)
    row = len(plans[0].tasks) + 2  # the second plan's first task
    ws.cell(row, cols["重点任务"]).value = "改过的任务名称"
    wb.save(tmp_path / "two2.xlsx")
    back = parse_book(read_document(tmp_path / "two2.xlsx"))
    assert back[0].tasks == plans[0].tasks
    assert back[1].tasks[0].title == "改过的任务名称"
    assert back[1].tasks[1:] == plans[1].tasks[1:]


# the web page reads it the same way ----------------------------------------------------------

def test_the_web_page_reads_the_edited_workbook_and_refuses_a_foreign_one(edited, tmp_path):
    from taskmap.web.views import Upload, read_uploads
    foreign = foreign_book(tmp_path / "预算.xlsx")
    plans, problems = read_uploads([Upload(edited.name, edited.read_bytes()),
                                    Upload(foreign.name, foreign.read_bytes())])
    assert len(plans) == 1 and plans[0].context.title == NEW_TITLE
    assert plans[0].tasks[0].agencies(LEAD) == [NEW_LEAD]
    assert [p.name for p in problems] == [foreign.name]
    assert problems[0].message == (f"{foreign.name}:既不是方案或任务分工表,也不是 taskmap "
                                   "写出的工作簿(找不到任务表的表头,也没有读出任务),未读取")


def test_a_copy_in_a_folder_is_read_with_the_plans(written, tmp_path):
    folder = tmp_path / "plans"
    folder.mkdir()
    shutil.copy(written, folder / "分解表.xlsx")
    shutil.copy(DATA / "qinglan_city_industry_plan.txt", folder)
    result = run_taskmap("report", str(folder), "-f", "json", check=True)
    assert len(json.loads(result.stdout)["plans"]) == 2


def test_the_served_page_shows_the_edit_and_refuses_a_foreign_workbook(edited, tmp_path):
    from test_web import Server, post, upload
    server = Server()
    try:
        status, _, body = post(server.url + "extract", [upload(edited)])
        rows = re.findall(r"<tr data-area=.*?</tr>", body.decode(), re.S)
        assert status == 200 and len(rows) == len(load_plan(edited).tasks)
        assert NEW_LEAD in rows[0] and NEW_AREA in rows[1] and NEW_AREA not in rows[2]
        foreign = foreign_book(tmp_path / "预算.xlsx")
        status, _, body = post(server.url + "extract", [upload(foreign)])
        page = body.decode()
        assert f"{foreign.name}:既不是方案或任务分工表" in page and "找不到任务表的表头" in page
        assert "<tr data-area=" not in page
    finally:
        server.stop()
    assert not [line for line in server.log if "Traceback" in line]


def test_taskmaps_json_and_other_json_are_refused_not_read_as_tasks(tmp_path):
    ours = tmp_path / "plan.json"
    run_taskmap("extract", str(PLAN), "-o", str(ours), check=True)
    result = run_taskmap("extract", str(ours))
    assert result.returncode == 1
    assert "taskmap 写出的 JSON" in one_chinese_line(result.stderr)
    other = tmp_path / "data.txt"
    other.write_text('{"name": "某某", "tasks": 3}', encoding="utf-8")
    result = run_taskmap("extract", str(other))
    assert result.returncode == 1 and "是 JSON 数据" in one_chinese_line(result.stderr)
    plan = tmp_path / "bracket.txt"  # a plan that opens with a bracket is still a plan
    plan.write_text("[一、任务]\n1.推进节能改造。(牵头单位:区发改委)\n", encoding="utf-8")
    assert load_plan(plan).tasks


def test_the_diff_workbook_reads_back_as_the_new_plan(tmp_path):
    draft, final = (DATA / "diff" / f"wutong_county_plan_{v}.txt" for v in ("draft", "final"))
    out = tmp_path / "变化.xlsx"
    run_taskmap("diff", str(draft), str(final), "-o", str(out), check=True)
    assert load_plan(out).tasks == load_plan(final).tasks


# edited in LibreOffice Calc --------------------------------------------------------------

LO_EDIT = Path(__file__).with_name("lo_edit.py")
SYSTEM_PYTHON = "/usr/bin/python3"


def _uno_installed() -> bool:
    import subprocess

    return shutil.which("soffice") is not None and Path(SYSTEM_PYTHON).is_file() and (
        subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True).returncode
        == 0)


@needs(_uno_installed(), "LibreOffice with its Python bridge (python3-uno)")
def test_a_workbook_edited_and_saved_in_libreoffice_calc_reads_back_with_the_edits(
        written, edited, original, tmp_path):
    """The same edits made in Calc (not openpyxl) and saved by Calc's own Excel filter: the
    marker survives and the plan read back is the one the openpyxl-edited copy gives."""
    import subprocess

    path = tmp_path / "calc.xlsx"
    shutil.copy(written, path)
    subprocess.run([SYSTEM_PYTHON, str(LO_EDIT), str(path),
                    TASKS_SHEET, "2", "牵头单位", NEW_LEAD,
                    TASKS_SHEET, "3", "行动领域", NEW_AREA,
                    "说明", "below", "方案名称", NEW_TITLE],
                   check=True, capture_output=True, timeout=300)
    assert path.read_bytes() != written.read_bytes()  # Calc wrote its own file
    calc, ours = load_plan(path), load_plan(edited)
    assert calc.context.title == ours.context.title == NEW_TITLE
    assert [(t.title, t.area, [(a.role, a.agency) for a in t.assignments])
            for t in calc.tasks] == [(t.title, t.area, [(a.role, a.agency)
                                                       for a in t.assignments])
                                     for t in ours.tasks]
    assert calc.tasks[0].assignments[0].raw == NEW_LEAD
    assert bodies(calc.tasks[0], LEAD) != bodies(original.tasks[0], LEAD)
