"""The 修改对照表 (the diff of a draft and a final plan) as Word and Excel files: real files
written with write_changes_docx / write_changes_xlsx and opened back with python-docx and
openpyxl — both files named, the wording of each edited task with its deletions struck
through in red and its additions underlined, the changes of duty, the versions warning."""

from __future__ import annotations

import pytest
from conftest import DATA
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook
from openpyxl.cell.rich_text import CellRichText

import taskmap
from taskmap.diff import CHANGED, diff_plans, versions_warning
from taskmap.present.changes import duty_lines, is_edited, wording
from taskmap.present.docx import write_changes_docx
from taskmap.present.docx.gongwen import east_asia_font
from taskmap.present.xlsx.changes_book import SHEET, write_changes_xlsx
from taskmap.present.xlsx.diff_book import write_diff_workbook

DRAFT = DATA / "diff" / "wutong_county_plan_draft.txt"
FINAL = DATA / "diff" / "wutong_county_plan_final.txt"
OTHER = DATA / "qinglan_city_industry_plan.txt"
RED = "C00000"


@pytest.fixture(scope="module")
def wutong():
    return diff_plans(taskmap.load_plan(DRAFT), taskmap.load_plan(FINAL))


@pytest.fixture(scope="module")
def unrelated():
    return diff_plans(taskmap.load_plan(OTHER), taskmap.load_plan(FINAL))


@pytest.fixture(scope="module")
def word(wutong, tmp_path_factory):
    return Document(write_changes_docx(wutong, tmp_path_factory.mktemp("c") / "c.docx"))


@pytest.fixture(scope="module")
def sheet(wutong, tmp_path_factory):
    path = write_changes_xlsx(wutong, tmp_path_factory.mktemp("c") / "c.xlsx")
    return load_workbook(path, rich_text=True)[SHEET]


def row_of(word, title: str):
    return next(r for r in word.tables[0].rows[1:] if title in r.cells[2].text)


def runs(cell):
    return [r for p in cell.paragraphs for r in p.runs]


def test_word_names_both_files_and_counts(word, wutong):
    text = "\n".join(p.text for p in word.paragraphs)
    assert "原稿：《梧桐县农村人居环境整治提升五年行动实施方案" in text
    assert "文件：wutong_county_plan_draft.txt" in text
    assert "修改稿：《" in text and "文件：wutong_county_plan_final.txt；梧政发〔2024〕11号" in text
    assert "注意" not in text  # two versions of one plan: no warning
    edited = [t for t in wutong.tasks if is_edited(t)]
    assert f"本表列出有修改的任务{len(edited)}项" in text
    assert len(word.tables[0].rows) == 1 + len(edited)
    assert [c.text for c in word.tables[0].rows[0].cells] == ["序号", "原稿", "修改稿", "修改说明"]
    assert word.tables[0].rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None


def test_word_strikes_deletions_in_red_and_underlines_additions(word, wutong):
    toilets = next(t for t in wutong.tasks if t.title == "加强农村公共厕所建设")
    row = row_of(word, "加强农村公共厕所建设")
    old, new = row.cells[1], row.cells[2]
    assert old.text == wording(toilets.old) and new.text == wording(toilets.new)
    struck = [r for r in runs(old) if r.font.strike]
    assert "".join(r.text for r in struck) == "和房和城乡建设"  # 集贸市场和 …; 县住(房和城乡)建局
    assert all(str(r.font.color.rgb) == RED for r in struck)
    assert not any(r.font.underline for r in runs(old))
    added = "".join(r.text for r in runs(new) if r.font.underline)
    assert "国省道沿线" in added and "县交通运输局" in added
    assert not any(r.font.strike for r in runs(new))
    assert "参与增加：县交通运输局" in row.cells[3].text
    assert "职责调整" in row.cells[3].text and "文字修改" in row.cells[3].text


def test_word_added_and_removed_tasks_and_fonts(word, wutong):
    added = row_of(word, "推进农村道路提档升级")
    assert added.cells[1].text == "（无）" and all(r.font.underline for r in runs(added.cells[2]))
    removed = next(r for r in word.tables[0].rows[1:] if "探索建立农户付费制度" in r.cells[1].text)
    assert removed.cells[2].text == "（删除）" and removed.cells[3].text == "删除任务"
    assert all(r.font.strike for r in runs(removed.cells[1]))
    assert east_asia_font(word.styles["表格文字"].element.rPr) == "仿宋_GB2312"
    assert east_asia_font(word.styles["公文标题"].element.rPr) == "方正小标宋简体"
    assert word.sections[0].page_width.mm == pytest.approx(297, abs=0.1)


def test_unchanged_tasks_are_left_out(word, wutong):
    listed = {r.cells[2].text for r in word.tables[0].rows[1:]}
    kept = next(t for t in wutong.tasks if t.title == "完善村规民约")
    assert not is_edited(kept) and wording(kept.new) not in listed


def test_unrelated_plans_carry_the_warning(unrelated, tmp_path):
    warning = versions_warning(unrelated.old, unrelated.new)
    assert warning and "不是同一方案的两稿" in warning
    doc = Document(write_changes_docx(unrelated, tmp_path / "u.docx"))
    para = next(p for p in doc.paragraphs if p.text == warning)
    assert str(para.runs[0].font.color.rgb) == RED
    ws = load_workbook(write_changes_xlsx(unrelated, tmp_path / "u.xlsx"))[SHEET]
    cell = next(c for row in ws.iter_rows(max_row=8) for c in row if c.value == warning)
    assert cell.font.color.rgb.endswith(RED)


def test_excel_names_both_files_and_marks_the_wording(sheet, wutong):
    head = [ws_row[0].value for ws_row in sheet.iter_rows(max_row=6)]
    assert head[0].endswith("修改对照表") and head[1].startswith("原稿：《")
    assert "wutong_county_plan_draft.txt" in head[1] and "wutong_county_plan_final.txt" in head[2]
    top = next(r for r in range(1, 12) if sheet.cell(r, 1).value == "序号")
    assert [c.value for c in sheet[top]] == ["序号", "原稿", "修改稿", "修改说明"]
    assert sheet.print_title_rows.replace("$", "") == f"{top}:{top}"
    assert sheet.freeze_panes == f"A{top + 1}"
    rows = {str(sheet.cell(r, 3).value): r for r in range(top + 1, sheet.max_row + 1)}
    toilets = next(t for t in wutong.tasks if t.title == "加强农村公共厕所建设")
    r = rows[wording(toilets.new)]
    old, new = sheet.cell(r, 2).value, sheet.cell(r, 3).value
    assert isinstance(old, CellRichText) and isinstance(new, CellRichText)
    assert str(old) == wording(toilets.old)
    struck = [b for b in old if not isinstance(b, str) and b.font.strike]
    assert "".join(b.text for b in struck) == "和房和城乡建设"
    assert all(b.font.color.rgb.endswith(RED) for b in struck)
    underlined = "".join(b.text for b in new if not isinstance(b, str) and b.font.u == "single")
    assert "国省道沿线" in underlined and "县交通运输局" in underlined
    assert sheet.cell(r, 4).value.split("\n") == ["职责调整、文字修改", *duty_lines(toilets)]
    edited = [t for t in wutong.tasks if is_edited(t)]
    assert sheet.max_row == top + len(edited)
    assert sum(t.status == CHANGED for t in edited) == wutong.count(CHANGED)


def test_diff_workbook_carries_the_same_sheet(wutong, tmp_path):
    book = load_workbook(write_diff_workbook(wutong, tmp_path / "d.xlsx"), rich_text=True)
    assert book.sheetnames[:3] == ["变更清单", "部门变化", SHEET]
    alone = load_workbook(write_changes_xlsx(wutong, tmp_path / "c.xlsx"), rich_text=True)
    assert [[str(c.value) for c in row] for row in book[SHEET].iter_rows()] == \
        [[str(c.value) for c in row] for row in alone[SHEET].iter_rows()]


def test_no_edits_and_same_bytes(tmp_path):
    plan = taskmap.load_plan(FINAL)
    same = diff_plans(plan, plan)
    doc = Document(write_changes_docx(same, tmp_path / "s.docx"))
    assert [c.text for c in doc.tables[0].rows[1].cells] == ["两稿的任务及分工没有修改。"] * 4
    ws = load_workbook(write_changes_xlsx(same, tmp_path / "s.xlsx"))[SHEET]
    assert "两稿的任务及分工没有修改。" in [c.value for row in ws.iter_rows() for c in row]
    d = diff_plans(taskmap.load_plan(DRAFT), plan)
    for write, ext in ((write_changes_docx, "docx"), (write_changes_xlsx, "xlsx")):
        a, b = write(d, tmp_path / f"a.{ext}"), write(d, tmp_path / f"b.{ext}")
        assert a.read_bytes() == b.read_bytes()
