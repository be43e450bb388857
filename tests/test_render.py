"""The Word 任务分解表, the workbook and the 修改对照表 as LibreOffice renders them: each file
is converted to PDF by soffice and read back with poppler (page size and count, the text
found on the pages), so that what a clerk prints is checked, not only the XML."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import DATA, needs, writer_installed
from docx import Document

import taskmap
from taskmap.diff import diff_plans
from taskmap.present.docx import write_changes_docx, write_tasks_docx
from taskmap.present.xlsx.changes_book import write_changes_xlsx
from taskmap.present.xlsx.workbook import write_workbook

QINGLAN = DATA / "qinglan_city_industry_plan.txt"
DEMO = sorted(p for p in DATA.glob("*.txt") if not p.stem.endswith(("_gb18030", "_utf16")))
DRAFT = DATA / "diff" / "wutong_county_plan_draft.txt"
FINAL = DATA / "diff" / "wutong_county_plan_final.txt"
A4_LANDSCAPE = (841.89, 595.3)


def calc_installed() -> bool:
    return writer_installed() and any(
        os.path.exists(os.path.join(d, "program", "libsclo.so"))
        for d in ("/usr/lib/libreoffice", "/opt/libreoffice"))


pytestmark = [needs(calc_installed(), "LibreOffice Writer and Calc (soffice)"),
              needs(shutil.which("pdftotext") is not None, "poppler-utils (pdftotext)")]


def to_pdf(path: Path) -> Path:
    profile = path.parent / "lo-profile"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(path.parent), str(path)],
                   check=True, capture_output=True, timeout=180)
    pdf = path.with_suffix(".pdf")
    assert pdf.is_file(), f"soffice wrote no PDF for {path.name}"
    return pdf


def pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    return text.split("\f")[:-1]  # -raw: in the order drawn, each cell's lines together


def page_size(pdf: Path) -> tuple[float, float]:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True,
                          text=True).stdout
    w, h = re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups()
    return float(w), float(h)


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_word_task_table_renders_on_a4_with_its_header_on_every_page(tmp_path):
    plan = taskmap.load_plan(QINGLAN)
    pdf = to_pdf(write_tasks_docx([plan], tmp_path / "任务分解表.docx"))
    assert page_size(pdf) == pytest.approx(A4_LANDSCAPE, abs=1)
    shown = pages(pdf)
    assert 3 <= len(shown) <= 8  # 16 tasks at 小四 on A4 landscape
    assert "重点任务分解表" in flat(shown[0]) and "共梳理重点任务16项" in flat(shown[0])
    for k, page in enumerate(shown, start=1):
        assert "牵头单位" in page and "责任单位" in page, k  # the header row repeats
        assert "完成时限" not in page, k  # the plan sets no deadline: no empty column
        assert f"—{k}—" in flat(page)  # the PAGE field
    text = flat("".join(shown))
    assert all(flat(t.title) in text for t in plan.tasks)
    # the page under the title is used: its table starts there, with a task on it
    assert flat(plan.tasks[0].title) in flat(shown[0])


# Pages of the 105-task reference plan's 任务分解表 as taskmap wrote it before the wording
# was condensed (a 行动领域 column merged down each area, every task's whole wording, an
# empty 完成时限 column): measured once, with LibreOffice 7.4, on main at c92496d.
REFERENCE_PAGES_BEFORE = 73
REFERENCE_PLAN = "seeds/003_efad0915cf788bc2.txt"


def test_word_task_table_of_a_long_plan_fits_a_third_with_its_area_on_every_page(
        tmp_path, shared):
    plan = taskmap.load_plan(shared / REFERENCE_PLAN)
    assert len(plan.tasks) == 105
    path = write_tasks_docx([plan], tmp_path / "任务分解表.docx")
    shown = pages(to_pdf(path))
    assert len(shown) <= REFERENCE_PAGES_BEFORE // 3
    whole = pages(to_pdf(write_tasks_docx([plan], tmp_path / "全文.docx", limit=None)))
    assert len(shown) < len(whole)  # the condensing, not only the layout, saves pages
    # each task's area: the caption of the table its row stands in (read back from Word)
    area_of, tables = {}, Document(path).tables
    for table in tables:
        for row in table.rows[2:]:
            area_of[int(row.cells[0].text)] = flat(table.rows[0].cells[0].text)
    assert sorted(area_of) == list(range(1, 106)) and len(set(area_of.values())) > 5
    captions = set(area_of.values())
    for k, page in enumerate(shown, start=1):
        text = flat(page)
        if "牵头单位" not in text:
            continue  # no table on this page
        assert any(c in text for c in captions), k  # the area of rows continued here
        for n, task in enumerate(plan.tasks, start=1):
            at = text.find(flat(task.title) + "。")
            if at >= 0:  # a row that starts on this page: its area named above it
                assert 0 <= text.find(area_of[n]) < at, (k, n)


def test_workbook_renders_each_sheet_legibly_on_a4(tmp_path):
    plans = [taskmap.load_plan(p) for p in DEMO]
    pdf = to_pdf(write_workbook(plans, tmp_path / "分工统计.xlsx"))
    assert page_size(pdf) == pytest.approx(A4_LANDSCAPE, abs=1)
    shown = pages(pdf)
    assert len(shown) < 45
    cover = flat(shown[0])
    for plan in plans:
        assert flat(plan.context.title) in cover and plan.context.number in cover
    tasks = [p for p in shown if p.lstrip().startswith("任务分解表")]  # the page header
    assert len(tasks) >= 2
    for page in tasks:  # the header row on every page
        assert all(h in page for h in ("任务内容", "进展情况", "完成状态"))
    matrices = [p for p in shown if p.lstrip().startswith(("牵头矩阵", "参与矩阵"))]
    for plan in plans:  # one block a plan, each on its own page
        assert sum(flat(plan.context.title) in flat(p) for p in matrices) == 2
    chart = next(p for p in shown if "牵头任务数（前" in flat(p))
    assert "；牵头任务数；" not in flat(chart) and ";牵头任务数;" not in flat(chart)


def test_changes_table_renders_as_word_and_excel(tmp_path):
    d = diff_plans(taskmap.load_plan(DRAFT), taskmap.load_plan(FINAL))
    for path in (write_changes_docx(d, tmp_path / "对照表.docx"),
                 write_changes_xlsx(d, tmp_path / "对照表.xlsx")):
        pdf = to_pdf(path)
        assert page_size(pdf) == pytest.approx(A4_LANDSCAPE, abs=1), path.suffix
        shown = pages(pdf)
        text = flat("".join(shown))
        assert "修改对照表" in text and "wutong_county_plan_draft.txt" in text
        assert "wutong_county_plan_final.txt" in text and "参与增加：县交通运输局" in text
        assert "国省道沿线" in text and 2 <= len(shown) <= 12
        assert all("修改说明" in p for p in shown)  # the header on every page
