"""Each unit's list of tasks (`taskmap export … --by-unit`): the Word file read back with
python-docx and rendered by LibreOffice (one unit a page), the workbook read back with
openpyxl (a sheet a unit, printable, the same bytes), the folder of Word files, and the
refusals. Every count is checked against the library's assignments frame, computed here
apart from the lists."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import polars as pl
import pytest
from conftest import DATA, needs, run_taskmap, writer_installed
from docx import Document
from docx.enum.section import WD_SECTION
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from openpyxl import load_workbook

import taskmap
from taskmap.engine import assignments_frame
from taskmap.models import LEAD, RESPONSIBLE
from taskmap.present.by_unit import write_unit_lists
from taskmap.present.labels import plan_labels, plan_title
from taskmap.present.units import (
    INDEX_SHEET,
    LIST_TITLE,
    file_names,
    sheet_names,
    unit_counts,
    unit_tasks,
)
from taskmap.present.xlsx.workbook import write_workbook
from taskmap.read.sheets import MARK_SHEET

QINGLAN = DATA / "qinglan_city_industry_plan.txt"
DEMO = sorted(p for p in DATA.glob("*.txt") if not p.stem.endswith(("_gb18030", "_utf16")))
PART_HEAD = re.compile(r"^[一二三]、(牵头任务|配合任务|统一落实任务)（(\d+)项）$")
PART_OF = {"牵头任务": LEAD, "配合任务": RESPONSIBLE, "统一落实任务": "implicit"}

SMALL = """某区重点工作推进方案
一、重点任务
（一）基础建设
1.推进道路改造。(牵头单位:区发改委;责任单位:区财政局)
2.建设社区食堂。(牵头单位:区财政局;责任单位:区民政局)
（二）公共服务
3.扩充学位供给。(牵头单位:区教育局;责任单位:区发改委、区民政局)
"""


@pytest.fixture(scope="module")
def qinglan():
    return taskmap.load_plan(QINGLAN)


def expected_parts(plans) -> dict[str, dict[str, set[tuple[str, str]]]]:
    """label → part → {(plan, task id)}, from the assignments frame: a task a unit leads is
    led; else shared when the plan names the unit; else given by a statement."""
    frame = assignments_frame(plans)
    out: dict[str, dict[str, set]] = {}
    for r in frame.iter_rows(named=True):
        parts = out.setdefault(r["display"], {LEAD: set(), RESPONSIBLE: set(), "implicit": set()})
        key = "implicit" if r["implicit"] else r["role"]
        parts[key].add((r["plan"], r["task_id"]))
    for parts in out.values():
        parts[RESPONSIBLE] -= parts[LEAD]
        parts["implicit"] -= parts[LEAD] | parts[RESPONSIBLE]
    return out


def sections(doc) -> list[list[Paragraph | Table]]:
    """The document's body, block by block, cut at its section breaks."""
    out: list[list] = [[]]
    for child in doc.element.body.iterchildren():
        if child.tag == qn("w:p"):
            out[-1].append(Paragraph(child, doc))
            ppr = child.find(qn("w:pPr"))
            if ppr is not None and ppr.find(qn("w:sectPr")) is not None:
                out.append([])
        elif child.tag == qn("w:tbl"):
            out[-1].append(Table(child, doc))
    return [s for s in out if s]


def read_units(doc) -> list[tuple[str, list[tuple[str, list[list[str]]]]]]:
    """(unit heading, [(part label, body rows of its table)]) of each section."""
    units = []
    for blocks in sections(doc):
        paras = [b for b in blocks if isinstance(b, Paragraph)]
        titles = [p.text for p in paras if p.style.name == "公文标题"]
        assert titles[1] == LIST_TITLE
        assert blocks[0] is paras[0] and paras[0].text == titles[0]  # the heading opens it
        parts = []
        for k, block in enumerate(blocks):
            if isinstance(block, Paragraph) and (m := PART_HEAD.match(block.text)):
                table = blocks[k + 1]
                assert isinstance(table, Table)
                rows = [[c.text for c in r.cells] for r in table.rows]
                assert rows[0][0] == "序号" and rows[0][-1] == "完成时限"
                assert int(m[2]) == len(rows) - 1
                parts.append((m[1], rows[1:]))
        units.append((titles[0], parts))
    return units


# ------------------------------------------------------------------------------- Word

def test_word_lists_one_unit_a_section_lead_before_shared_counts_from_the_frame(
        tmp_path, qinglan):
    doc = Document(write_unit_lists([qinglan], tmp_path / "清单.docx"))
    units = read_units(doc)
    want = expected_parts([qinglan])
    assert [name for name, _ in units] == sorted(
        want, key=lambda n: (-len(want[n][LEAD]), n))  # most led first, then by name
    assert len(units) == len(want) == 19
    number = {t.id: str(k) for k, t in enumerate(qinglan.tasks, start=1)}
    for name, parts in units:
        got = {PART_OF[label]: rows for label, rows in parts}
        assert [PART_OF[label] for label, _ in parts] == [
            p for p in (LEAD, RESPONSIBLE, "implicit") if want[name][p]]  # lead first
        for part, tasks in want[name].items():
            rows = got.get(part, [])
            assert len(rows) == len(tasks), (name, part)
            # 序号 as in the plan's 分解表: the task's number in its plan
            assert sorted(r[0] for r in rows) == sorted(number[t] for _, t in tasks)
    assert any(want[n]["implicit"] for n in want)  # the plan has standing statements
    for k, section in enumerate(doc.sections):  # a page (and page numbers) a unit
        assert section.start_type == (WD_SECTION.NEW_PAGE if k else section.start_type)
        assert section._sectPr.find(qn("w:pgNumType")).get(qn("w:start")) == "1"
    assert len(doc.sections) == len(units)


def test_word_rows_hold_the_task_its_other_bodies_and_deadline(tmp_path):
    plan = taskmap.parse_text(
        "一、任务\n1.推进道路改造。(牵头单位:区发改委;责任单位:区财政局、区住建局;"
        "完成时限:2025年底前)\n")
    doc = Document(write_unit_lists([plan], tmp_path / "d.docx"))
    units = dict(read_units(doc))
    assert units["区发改委"] == [("牵头任务", [["1", "推进道路改造。", "", "区财政局、区住建局",
                                             "2025年底前"]])]
    assert units["区财政局"] == [("配合任务", [["1", "推进道路改造。", "区发改委", "区住建局",
                                             "2025年底前"]])]
    subtitle = [p.text for p in doc.paragraphs if p.style.name == "公文副题"]
    assert subtitle == [f"（{plan_title(plan)}）"] * 3  # the plan, named on each unit's page


def test_several_plans_name_each_tasks_plan(tmp_path):
    plans = [taskmap.load_plan(p) for p in DEMO]
    doc = Document(write_unit_lists(plans, tmp_path / "all.docx"))
    units = read_units(doc)
    want = expected_parts(plans)
    assert len(units) == len(want)
    titles = set(plan_labels(plans).values())
    assert len(titles) == len(plans)
    for name, parts in units:
        assert sum(len(rows) for _, rows in parts) == sum(map(len, want[name].values()))
        for _, rows in parts:
            assert all(r[1] in titles for r in rows)  # 所属方案


def test_same_plans_same_bytes(tmp_path, qinglan):
    a = write_unit_lists([qinglan], tmp_path / "a.docx").read_bytes()
    assert a == write_unit_lists([qinglan], tmp_path / "b.docx").read_bytes()


# ------------------------------------------------------------------------ rendered pages

rendered = [needs(writer_installed(), "LibreOffice Writer (soffice)"),
            needs(shutil.which("pdftotext") is not None, "poppler-utils (pdftotext)")]


def headings(page: str, names: list[str]) -> list[str]:
    from test_render import flat

    text = flat(page)
    found = [n for n in names if flat(n) + LIST_TITLE in text]
    assert text.count(LIST_TITLE) == len(found), page
    return found


@rendered[0]
@rendered[1]
def test_one_unit_a_page_when_each_list_fits_one(tmp_path):
    from test_render import flat, page_size, pages, to_pdf

    plan = taskmap.parse_text(SMALL)
    names = unit_counts(unit_tasks([plan]))["name"].to_list()
    assert len(names) == 4
    pdf = to_pdf(write_unit_lists([plan], tmp_path / "small.docx"))
    assert page_size(pdf) == pytest.approx((841.89, 595.3), abs=1)
    shown = pages(pdf)
    assert [headings(p, names) for p in shown] == [[n] for n in names]
    assert all("—1—" in flat(p) for p in shown)  # each list numbered from its first page


@rendered[0]
@rendered[1]
def test_a_long_list_continues_onto_its_own_pages(tmp_path):
    from test_render import flat, pages, to_pdf

    lines = ["某区重点工作推进方案", "一、重点任务"]
    lines += [f"{k}.推进第{k}项重点工作，完善工作机制，细化工作措施，按季度报送进展情况。"
              f"(牵头单位:区发改委;责任单位:区财政局)" for k in range(1, 25)]
    lines += ["25.建设社区食堂。(牵头单位:区民政局)"]
    plan = taskmap.parse_text("\n".join(lines) + "\n")
    names = unit_counts(unit_tasks([plan]))["name"].to_list()
    assert names == ["区发改委", "区民政局", "区财政局"]
    shown = pages(to_pdf(write_unit_lists([plan], tmp_path / "long.docx")))
    found = [headings(p, names) for p in shown]
    assert len(shown) > len(names) and found[0] == ["区发改委"]
    starts = [k for k, f in enumerate(found) if f]
    assert [found[k][0] for k in starts] == names  # each unit once, in order
    assert starts[1] >= 2  # the first unit's list took two pages or more
    for k, page in enumerate(shown):
        if not found[k]:  # a page that continues a list: its header, no new unit
            assert "序号" in page and "完成时限" in page
            assert f"—{k - max(s for s in starts if s < k) + 1}—" in flat(page)
    assert "推进第24项重点工作" in flat("".join(shown[:starts[1]]))


# ------------------------------------------------------------------------------ workbook

def test_workbook_a_sheet_a_unit_printable_and_stable(tmp_path, qinglan):
    path = write_unit_lists([qinglan], tmp_path / "清单.xlsx")
    wb = load_workbook(path)
    want = expected_parts([qinglan])
    counts = unit_counts(unit_tasks([qinglan]))
    assert wb.sheetnames == [INDEX_SHEET, *sheet_names(counts["name"]), MARK_SHEET]
    assert wb[MARK_SHEET].sheet_state == "veryHidden"
    index = wb[INDEX_SHEET]
    header = [c.value for c in index[3]]
    assert header[:6] == ["序号", "单位", "牵头任务", "配合任务", "统一落实任务", "合计"]
    for row, sheet in zip(index.iter_rows(min_row=4, values_only=True), wb.sheetnames[1:-1],
                          strict=True):
        name = row[1]
        parts = want[name]
        assert row[2:6] == (len(parts[LEAD]), len(parts[RESPONSIBLE]), len(parts["implicit"]),
                            sum(map(len, parts.values())))
        ws = wb[sheet]
        assert ws["A1"].value == f"{name}{LIST_TITLE}"
        kinds = [r[0] for r in ws.iter_rows(min_row=3, values_only=True)]
        assert kinds == sorted(kinds, key=["牵头", "配合", "统一落实"].index)
        assert kinds.count("牵头") == len(parts[LEAD])
        assert len(kinds) == row[5]
    for ws in wb.worksheets[:-1]:
        assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4 == "9"
        assert ws.page_setup.orientation == "landscape"
        assert ws.sheet_properties.pageSetUpPr.fitToPage and int(ws.page_setup.fitToWidth) == 1
        assert ws.print_title_rows == ("$1:$3" if ws.title == INDEX_SHEET else "$1:$2")
    again = write_unit_lists([qinglan], tmp_path / "again.xlsx")
    with zipfile.ZipFile(path) as a, zipfile.ZipFile(again) as b:
        assert a.namelist() == b.namelist()
        assert all(a.read(n) == b.read(n) for n in a.namelist())
    assert path.read_bytes() == again.read_bytes()


def test_sheet_names_are_cut_cleaned_and_unique(tmp_path):
    prefix = "区乡村振兴和现代农业产业高质量发展工作领导小组办公室综合协调"
    a, b = prefix + "第一服务中心", prefix + "第二服务中心"
    plan = taskmap.parse_text(f"一、任务\n1.推进甲。(牵头单位:{a};责任单位:区财政局)\n"
                              f"2.推进乙。(牵头单位:{b};责任单位:区财政局)\n")
    assert {x.raw for t in plan.tasks for x in t.assignments} == {a, b, "区财政局"}
    assert len(a) > 31 and a[:31] == b[:31]
    wb = load_workbook(write_unit_lists([plan], tmp_path / "long.xlsx"))
    assert len(wb.sheetnames) == 5 and len(set(wb.sheetnames)) == 5
    assert all(len(s) <= 31 for s in wb.sheetnames)
    assert wb.sheetnames[1] == a[:31] and wb.sheetnames[2] == a[:28] + "（2）"
    assert wb[wb.sheetnames[2]]["A1"].value == b + LIST_TITLE  # the whole name inside
    names = sheet_names(["a[1]:b*?/\\c", "'引号'", "History", "x" * 40, "X" * 40, "𠀀" * 20,
                         INDEX_SHEET])
    assert names[0] == "a［1］：b＊？／＼c" and names[1] == "引号"
    assert names[2] != "History" and names[3] == "x" * 31 and names[4] == "X" * 28 + "（2）"
    assert len(names[5].encode("utf-16-le")) // 2 <= 31 and names[6] != INDEX_SHEET
    assert not any(ch in n for n in names for ch in "[]:*?/\\")


# ------------------------------------------------------------------------ folder, CLI

def test_folder_a_file_a_unit(tmp_path, qinglan):
    out = tmp_path / "清单"
    result = run_taskmap("export", str(QINGLAN), "-o", str(out), "--by-unit")
    assert result.returncode == 0, result.stderr
    names = unit_counts(unit_tasks([qinglan]))["name"].to_list()
    files = file_names(names)
    assert sorted(p.name for p in out.iterdir()) == sorted(files)
    want = expected_parts([qinglan])
    for name, file in zip(names, files, strict=True):
        ((heading, parts),) = read_units(Document(out / file))
        assert heading == name
        assert sum(len(r) for _, r in parts) == sum(map(len, want[name].values()))
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary left
    again = write_unit_lists([qinglan], tmp_path / "again")  # the library, the same bytes
    assert all((again / f).read_bytes() == (out / f).read_bytes() for f in files)


def test_file_names_are_safe_and_unique():
    names = file_names(["a/b", "a／b", "CON", "nul.txt", "名. ", "..", "A" * 80, "a" * 80,
                        "x\x00y|z"])
    assert names[0] == "a／b.docx" and names[1] == "a／b（2）.docx"
    assert names[2] == "_CON.docx" and names[3] == "_nul.txt.docx" and names[4] == "名.docx"
    assert names[5] == "单位.docx" and len(names[6]) == 60 + 5
    assert names[7].endswith("（2）.docx") and len(names[7]) <= 65
    assert names[8] == "x y｜z.docx"
    assert len({n.casefold() for n in names}) == len(names)
    assert not any(ch in n for n in names for ch in '<>:"/\\|?*')


def one_error(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.startswith("错误:")]
    assert len(lines) == 1 and "Traceback" not in stderr, stderr
    assert re.search(r"[\u4e00-\u9fff]", lines[0])
    return lines[0]


@pytest.mark.parametrize("args", [["-o", "清单.csv"], ["-o", "-"], ["-o", "清单", "-f", "xlsx"],
                                  ["-o", "清单.docx", "-f", "xlsx"], ["-o", "清单.txt"],
                                  ["-o", "清单.docx", "--by", "function"]])
def test_another_format_or_the_terminal_is_refused(tmp_path, args):
    args = [a if a.startswith("-") or a in ("xlsx", "function") else str(tmp_path / a)
            for a in args]
    result = run_taskmap("export", str(QINGLAN), *args, "--by-unit")
    assert result.returncode == 2
    assert "--by-unit" in one_error(result.stderr)
    assert list(tmp_path.iterdir()) == []


def test_never_over_an_input_and_nothing_when_no_plan_reads(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    plan = out / "区发改委.docx"  # an input that a unit's file would be named as
    doc = Document()
    doc.add_paragraph("一、任务")
    doc.add_paragraph("1.推进道路改造。(牵头单位:区发改委;责任单位:区财政局)")
    doc.save(plan)
    before = plan.read_bytes()
    result = run_taskmap("export", str(plan), "-o", str(out), "--by-unit")
    assert result.returncode == 1 and "输入" in one_error(result.stderr)
    assert plan.read_bytes() == before and [p.name for p in out.iterdir()] == [plan.name]
    missing = tmp_path / "没有这个方案.docx"
    result = run_taskmap("export", str(missing), "-o", str(tmp_path / "none"), "--by-unit")
    assert result.returncode == 1 and not (tmp_path / "none").exists()
    one_error(result.stderr)


def test_a_corrected_workbook_gives_corrected_lists(tmp_path, qinglan):
    book = write_workbook([qinglan], tmp_path / "分解表.xlsx")
    wb = load_workbook(book)
    ws = wb["任务分解表"]
    header = [c.value for c in ws[1]]
    lead = header.index("牵头单位") + 1
    first = ws.cell(2, lead).value
    assert first == "市工业和信息化局"
    ws.cell(2, lead).value = "市科技局"  # the clerk corrects task 1's lead
    wb.save(tmp_path / "改正.xlsx")
    out = tmp_path / "清单.docx"
    result = run_taskmap("export", str(tmp_path / "改正.xlsx"), "-o", str(out), "--by-unit")
    assert result.returncode == 0, result.stderr
    units = dict(read_units(Document(out)))
    led = {name: [r[0] for label, rows in parts if label == "牵头任务" for r in rows]
           for name, parts in units.items()}
    before = dict(read_units(Document(write_unit_lists([qinglan], tmp_path / "原.docx"))))
    was = {name: [r[0] for label, rows in parts if label == "牵头任务" for r in rows]
           for name, parts in before.items()}
    assert "1" in was["市工业和信息化局"] and "1" not in was["市科技局"]
    assert "1" not in led["市工业和信息化局"] and "1" in led["市科技局"]
    assert len(led["市工业和信息化局"]) == len(was["市工业和信息化局"]) - 1
    assert {n: v for n, v in led.items() if n not in ("市工业和信息化局", "市科技局")} == {
        n: v for n, v in was.items() if n not in ("市工业和信息化局", "市科技局")}


def test_the_frames_for_a_notebook(qinglan):
    tasks = unit_tasks([qinglan])
    counts = unit_counts(tasks)
    want = expected_parts([qinglan])
    assert counts.height == len(want)
    for r in counts.iter_rows(named=True):
        parts = want[r["name"]]
        assert (r["lead"], r["responsible"], r["implicit"]) == tuple(
            len(parts[p]) for p in (LEAD, RESPONSIBLE, "implicit"))
    assert tasks.schema["due"] == pl.Date and tasks.schema["no"] == pl.Int64
    no_implicit = unit_counts(unit_tasks([qinglan], implicit=False))
    assert no_implicit["implicit"].sum() == 0
    alone = unit_counts(unit_tasks([qinglan], collective=False))
    assert "各县(市、区)人民政府" in counts["name"].to_list()
    assert "各县(市、区)人民政府" not in alone["name"].to_list()
    assert taskmap.unit_tasks is unit_tasks and taskmap.write_unit_lists is write_unit_lists


def test_an_empty_input_writes_a_page_that_says_so(tmp_path):
    doc = Document(write_unit_lists([], tmp_path / "e.docx"))
    assert [p.text for p in doc.paragraphs if p.text] == [LIST_TITLE, "未识别到带分工的重点任务。"]
    wb = load_workbook(write_unit_lists([], tmp_path / "e.xlsx"))
    assert wb.sheetnames == [INDEX_SHEET, MARK_SHEET]
    assert write_unit_lists([], tmp_path / "f").is_dir()
    assert Path(tmp_path / "f").exists()


def test_the_lists_workbook_read_as_a_plan_is_refused(tmp_path, qinglan):
    """Each task stands on every sheet of a unit that carries it, without that unit: read
    as a plan, the lists would count tasks many times over."""
    path = write_unit_lists([qinglan], tmp_path / "清单.xlsx")
    for command in (["extract", str(path)], ["report", str(path)]):
        result = run_taskmap(*command)
        assert result.returncode == 1 and "各单位任务清单" in result.stderr
        one_error(result.stderr)
