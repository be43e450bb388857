"""Plans as they arrive: web pages, PDFs, CSV/XLSX task tables, old Word files. Real files
are built in tmp_path from our demo plans and must extract exactly like the .txt."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys

import pytest
from conftest import DATA, needs_writer, run_taskmap
from openpyxl import Workbook
from pdfmaker import pdf_bytes, pdf_without_text

import taskmap
from taskmap.errors import UnsupportedFormat
from taskmap.read import document_from_bytes
from taskmap.read.pdf import _check_text_layer

PLANS = ["qinglan_city_industry_plan.txt", "cuiping_province_work_plan.txt",
         "yunxi_district_carbon_plan.txt", "fenghe_city_plan_traditional.txt",
         "songhe_county_task_breakdown.txt"]


def _lines(name):
    return (DATA / name).read_text(encoding="utf-8").split("\n")[:-1]


def _same_as_txt(path, name):
    got, want = taskmap.load_plan(path), taskmap.load_plan(DATA / name)
    assert got.tasks == want.tasks and got.tasks
    assert got.warnings == want.warnings
    return got


def _page(lines: list[str], charset: str) -> str:
    body = "".join(f"<p>{line}</p>" if "\t" not in line else
                   "<table><tr>" + "".join(f"<td>{c}</td>" for c in line.split("\t"))
                   + "</tr></table>" for line in lines)
    return (f'<!DOCTYPE html><html><head><meta http-equiv="Content-Type" '
            f'content="text/html; charset={charset}"><title>政府网站</title>'
            "<script>var x='(牵头单位:假)';</script><style>p{margin:0}</style></head><body>"
            '<div class="top-nav"><ul><li>首页</li><li>政务公开</li><li>政策文件库</li></ul></div>'
            '<div id="breadcrumb">当前位置:首页 &gt; 政府信息公开 &gt; 政策文件</div>'
            f'<div class="main"><div class="article">{body}</div>'
            '<div class="share-bar">分享到:微信 微博 打印本页 关闭窗口</div></div>'
            '<div class="footer">主办单位:某市人民政府办公室 承办单位:某市大数据中心 '
            "网站标识码:1234567890 备案号:某ICP备12345678号</div></body></html>")


@pytest.mark.parametrize("name", PLANS)
def test_web_page_gives_the_plans_tasks(tmp_path, name):
    path = tmp_path / "page.html"
    path.write_text(_page(_lines(name), "utf-8"), encoding="utf-8")
    plan = _same_as_txt(path, name)
    assert "假" not in "".join(t.block for t in plan.tasks)


def test_gbk_declared_page(tmp_path):
    name = "qinglan_city_industry_plan.txt"
    path = tmp_path / "page.htm"
    path.write_bytes(_page(_lines(name), "gb2312").encode("gb18030"))
    _same_as_txt(path, name)


@pytest.mark.parametrize("name", PLANS)
def test_pdf_gives_the_plans_tasks(tmp_path, name):
    path = tmp_path / "plan.pdf"
    path.write_bytes(pdf_bytes(_lines(name)))
    _same_as_txt(path, name)
    doc = taskmap.read_document(path)
    assert doc.format == "pdf" and list(doc.lines) == _lines(name)  # paragraphs rebuilt


def test_pdf_without_text_layer_is_a_one_line_error(tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(pdf_without_text())
    with pytest.raises(UnsupportedFormat, match="需要 OCR"):
        taskmap.load_plan(path)
    result = run_taskmap("extract", str(path))
    assert result.returncode == 1 and "scan.pdf" in result.stderr and "OCR" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_unmapped_glyphs_are_refused():
    with pytest.raises(UnsupportedFormat, match=r"\(cid:123\)"):
        _check_text_layer("牵头单位" + "(cid:123)" * 40, "x.pdf")


def test_broken_pdf_is_a_one_line_error(tmp_path):
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.7\n" + os.urandom(300))
    result = run_taskmap("extract", str(path))
    assert result.returncode == 1 and len(result.stderr.strip().splitlines()) == 1


def test_csv_task_table(tmp_path):
    rows = [["序号", "重点任务", "牵头单位", "责任单位", "完成时限"],
            ["1", "建设政务数据平台", "市大数据局", "市财政局、市发展改革委", "2024年底前"],
            ["2", "推进数据共享", "市大数据局", "各县(市、区)人民政府", ""]]
    path = tmp_path / "分解表.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    plan = taskmap.load_plan(path)
    assert [(t.line, t.title, t.agencies("lead"), t.agencies("responsible"), t.deadline)
            for t in plan.tasks] == [
        (2, "建设政务数据平台", ["市大数据局"], ["市财政局", "市发展改革委"], "2024年底前"),
        (3, "推进数据共享", ["市大数据局"], ["各县(市、区)人民政府"], None)]


def test_xlsx_task_table_with_a_merged_lead(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "重点任务", "牵头单位", "配合单位", "完成时限"])
    ws.append([1, "推进园区循环化改造", "市发展改革委", "市生态环境局", "2025年"])
    ws.append([2, "建设集中供热设施", None, "市住建局、市财政局", "2025年"])
    ws.merge_cells("C2:C3")  # one lead for two tasks
    path = tmp_path / "分解表.xlsx"
    wb.save(path)
    plan = taskmap.load_plan(path)
    assert [(t.line, t.agencies("lead"), t.agencies("responsible")) for t in plan.tasks] == [
        (2, ["市发展改革委"], ["市生态环境局"]), (3, ["市发展改革委"], ["市住建局", "市财政局"])]


def test_old_word_file_without_libreoffice_is_a_one_line_error(tmp_path):
    path = tmp_path / "plan.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500)
    env = {**os.environ, "PATH": str(tmp_path)}  # no soffice on this PATH
    result = subprocess.run([sys.executable, "-m", "taskmap", "extract", str(path)],
                            capture_output=True, text=True, env=env)
    assert result.returncode == 1 and "plan.doc" in result.stderr
    assert "LibreOffice" in result.stderr and "另存为 .docx" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1




@needs_writer
def test_old_word_file_through_libreoffice(tmp_path):
    from docx import Document as Docx

    name = "qinglan_city_industry_plan.txt"
    document = Docx()
    for line in _lines(name):
        document.add_paragraph(line)
    document.save(tmp_path / "plan.docx")
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/p", "--headless",
                    "--convert-to", "doc:MS Word 97", "--outdir", str(tmp_path / "doc"),
                    str(tmp_path / "plan.docx")], check=True, capture_output=True, timeout=180)
    _same_as_txt(tmp_path / "doc" / "plan.doc", name)


def test_reader_is_chosen_by_content_not_suffix(tmp_path):
    name = "cuiping_province_work_plan.txt"
    path = tmp_path / "plan.txt"  # a PDF misnamed .txt
    path.write_bytes(pdf_bytes(_lines(name)))
    assert taskmap.read_document(path).format == "pdf"
    _same_as_txt(path, name)
    assert document_from_bytes(io.BytesIO(b"<html><body><p>x</p></body></html>").read(),
                               "a.txt").format == "html"
