"""The .docx reader: real Word files built with python-docx, read back as the .txt they stand for.

Every docx here is written by python-docx (and lxml for what it has no API for: list
definitions, content controls, tracked changes, fields, text boxes); nothing is mocked.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import docx
import pytest
from conftest import DATA, run_taskmap
from docx.oxml import parse_xml

import taskmap
from taskmap.grammar.outline import detect_heading
from taskmap.read.docx import read_docx
from taskmap.read.docx_lists import format_number

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f'xmlns:w="{W_NS}"'
DEMO_PLANS = (
    "yunxi_district_carbon_plan.txt",
    "qinglan_city_industry_plan.txt",
    "cuiping_province_work_plan.txt",
    "songhe_county_task_breakdown.txt",
    "fenghe_city_plan_traditional.txt",
    "diff/wutong_county_plan_draft.txt",
    "diff/wutong_county_plan_final.txt",
)
NOTE = "备注：以上事项由县优化营商环境工作领导小组办公室统筹调度。"


# --- building Word files -------------------------------------------------------------------


def _xml(body: str):
    """One WordprocessingML element from its XML (the w: prefix declared)."""
    return parse_xml(re.sub(r"^<([\w:]+)", rf"<\1 {W}", body, count=1))


def _groups(lines: list[str]) -> list[str | list[list[str]]]:
    """Paragraph lines as they are; runs of tab-separated lines as one table (rows of cells)."""
    out: list[str | list[list[str]]] = []
    for line in lines:
        if "\t" in line:
            if not out or isinstance(out[-1], str):
                out.append([])
            out[-1].append(line.split("\t"))
        else:
            out.append(line)
    return out


def _add_table(doc, rows: list[list[str]], merges: bool) -> list[str]:
    """A real Word table for `rows`; with `merges`, the 牵头单位 of data rows 1 and 2 is one
    vertically merged cell and a note row spans every column. Returns the lines it stands for."""
    rows = [list(r) for r in rows]
    width = max(len(r) for r in rows)
    if merges:
        lead = rows[0].index("牵头单位")
        rows[2][lead] = rows[1][lead]
        rows.append([NOTE] + [""] * (width - 1))
    table = doc.add_table(rows=len(rows), cols=width)
    for i, row in enumerate(rows):
        for j, text in enumerate(row):
            table.cell(i, j).text = text
    if not merges:
        return ["\t".join(r) for r in rows]
    table.cell(1, lead).merge(table.cell(2, lead)).text = rows[1][lead]
    table.cell(len(rows) - 1, 0).merge(table.cell(len(rows) - 1, width - 1)).text = NOTE
    return ["\t".join(r) for r in rows[:-1]] + [NOTE]


def _docx_for(lines: list[str], path: Path, merges: bool = True, numbered=None) -> list[str]:
    """Write a docx with a paragraph per line and a table per tab block; returns the lines of
    the .txt the docx stands for. `numbered(doc, paragraph, line)` may number a paragraph."""
    doc = docx.Document()
    expected: list[str] = []
    for group in _groups(lines):
        if isinstance(group, list):
            expected += _add_table(doc, group, merges)
        elif numbered is None:
            doc.add_paragraph(group)
            expected.append(group)
        else:
            expected.append(numbered(doc, group))
    doc.save(path)
    return expected


def _txt(lines: list[str], path: Path) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _facts(plan: taskmap.Plan):
    """What must not depend on the file format."""
    tasks = [(t.line, t.chapter, t.area, t.title, t.deadline, t.assignments, t.block, t.text)
             for t in plan.tasks]
    return tasks, list(plan.warnings), list(plan.outline)


def _demo_lines(name: str) -> list[str]:
    return list(taskmap.read_document(DATA / name).lines)


# --- whole plans ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", DEMO_PLANS)
def test_docx_extracts_like_the_txt_it_stands_for(tmp_path, name):
    expected = _docx_for(_demo_lines(name), tmp_path / "plan.docx")
    assert list(taskmap.read_document(tmp_path / "plan.docx").lines) == expected
    from_docx = taskmap.load_plan(tmp_path / "plan.docx")
    from_txt = taskmap.load_plan(_txt(expected, tmp_path / "plan.txt"))
    assert from_docx.tasks
    assert _facts(from_docx) == _facts(from_txt)


def test_merged_cells_credit_the_lead_to_every_row(tmp_path):
    expected = _docx_for(_demo_lines("songhe_county_task_breakdown.txt"), tmp_path / "p.docx")
    rows = [line.split("\t") for line in expected if "\t" in line]
    assert rows[1][2] == rows[2][2] == "县行政审批服务局"  # one merged cell, both rows
    assert NOTE in expected  # a cell spanning every column counts once
    plan = taskmap.load_plan(tmp_path / "p.docx")
    original = taskmap.load_plan(DATA / "songhe_county_task_breakdown.txt")
    assert len(plan.tasks) == len(original.tasks) == 13
    table_tasks = [t for t in plan.tasks if "\t" in expected[t.line - 1]]
    assert [t.agencies("lead") for t in table_tasks][:2] == [["县行政审批服务局"]] * 2


# --- automatic numbering -------------------------------------------------------------------

LEVELS = (("chineseCounting", "%1、"), ("chineseCounting", "（%2）"), ("decimal", "%3."))


def _abstract_num(doc, levels, abstract_id: int = 90, extra: str = "") -> int:
    """Add a list definition with `levels` ((numFmt, lvlText), …); returns its numId."""
    lvls = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/>{extra if i == 0 else ""}</w:lvl>'
        for i, (fmt, text) in enumerate(levels))
    numbering = doc.part.numbering_part.element
    abstract = _xml(f'<w:abstractNum w:abstractNumId="{abstract_id}">'
                    f'<w:multiLevelType w:val="multilevel"/>{lvls}</w:abstractNum>')
    numbering.insert(0, abstract)  # abstractNum elements come before num elements
    return numbering.add_num(abstract_id).numId


def _number(paragraph, num_id: int, ilvl: int) -> None:
    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = ilvl
    num_pr.get_or_add_numId().val = num_id


def _auto_numbered(name: str, path: Path) -> list[str]:
    """The demo plan with its 一、/(一)/1. numbers made by Word's list numbering."""
    state: dict[str, int] = {}

    def numbered(doc, line: str) -> str:
        if "num" not in state:
            state["num"] = _abstract_num(doc, LEVELS)
        found = detect_heading(line, 1)
        if found is None or found.heading.level not in (1, 2, 3):
            doc.add_paragraph(line)
            return line
        level, number = found.heading.level, found.heading.number
        rest = line[found.body_start:]
        _number(doc.add_paragraph(rest), state["num"], level - 1)
        return {1: f"{number}、", 2: f"（{number}）", 3: f"{number}."}[level] + rest

    return _docx_for(_demo_lines(name), path, merges=False, numbered=numbered)


@pytest.mark.parametrize("name", ["qinglan_city_industry_plan.txt",
                                  "songhe_county_task_breakdown.txt",
                                  "yunxi_district_carbon_plan.txt"])
def test_automatic_numbering_reads_as_literal_numbers(tmp_path, name):
    expected = _auto_numbered(name, tmp_path / "plan.docx")
    assert list(taskmap.read_document(tmp_path / "plan.docx").lines) == expected
    from_docx = taskmap.load_plan(tmp_path / "plan.docx")
    assert _facts(from_docx) == _facts(taskmap.load_plan(_txt(expected, tmp_path / "p.txt")))
    assert len(from_docx.tasks) == len(taskmap.load_plan(DATA / name).tasks)


def _read(doc) -> list[str]:
    buffer = io.BytesIO()
    doc.save(buffer)
    return read_docx(buffer.getvalue(), "t.docx")


def test_numbering_formats_placeholders_and_restarts():
    doc = docx.Document()
    num = _abstract_num(doc, [("decimal", "%1."), ("decimal", "%1.%2"),
                              ("decimalEnclosedCircle", "%3"), ("lowerLetter", "%4)")])
    for text, ilvl in [("甲", 0), ("乙", 1), ("丙", 2), ("丁", 2), ("戊", 1), ("己", 3),
                       ("庚", 0), ("辛", 1), ("壬", 2)]:
        _number(doc.add_paragraph(text), num, ilvl)
    assert _read(doc) == ["1.甲", "1.1 乙", "①丙", "②丁", "1.2 戊", "a)己",
                          "2.庚", "2.1 辛", "①壬"]


def test_chinese_numbers_past_ten_and_a_restarted_list():
    doc = docx.Document()
    num = _abstract_num(doc, [("chineseCounting", "%1、")])
    for i in range(12):
        _number(doc.add_paragraph(f"任务{i + 1}"), num, 0)
    numbering = doc.part.numbering_part.element
    restarted = numbering.add_num(90)
    restarted.append(_xml('<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/>'
                          '</w:lvlOverride>'))
    _number(doc.add_paragraph("新列表"), restarted.numId, 0)
    lines = _read(doc)
    assert lines[9:] == ["十、任务10", "十一、任务11", "十二、任务12", "一、新列表"]


@pytest.mark.parametrize(("n", "fmt", "text"), [
    (1, "chineseCounting", "一"), (10, "chineseCounting", "十"), (11, "chineseCounting", "十一"),
    (20, "chineseCountingThousand", "二十"), (21, "chineseCountingThousand", "二十一"),
    (105, "chineseCountingThousand", "一百零五"), (3, "ideographTraditional", "丙"),
    (11, "chineseLegalSimplified", "壹拾壹"), (3, "decimalEnclosedCircleChinese", "③"),
    (12, "decimalEnclosedCircle", "⑫"), (27, "upperLetter", "AA"), (4, "lowerRoman", "iv"),
    (7, "decimalZero", "07"), (7, "none", ""), (7, "someFutureFormat", "7"),
])
def test_format_number(n, fmt, text):
    assert format_number(n, fmt) == text


def test_numbering_through_the_style_chain():
    doc = docx.Document()
    num = _abstract_num(doc, LEVELS, abstract_id=91)
    styles = doc.styles
    heading = styles["Heading 1"].element.get_or_add_pPr().get_or_add_numPr()
    heading.get_or_add_numId().val = num  # no ilvl: the level whose w:pStyle names it
    doc.part.numbering_part.element.find(f"{{{W_NS}}}abstractNum").find(
        f"{{{W_NS}}}lvl").append(_xml('<w:pStyle w:val="Heading1"/>'))
    item = styles.add_style("Task Item", docx.enum.style.WD_STYLE_TYPE.PARAGRAPH)
    item.base_style = styles["Heading 3"]
    level3 = styles["Heading 3"].element.get_or_add_pPr().get_or_add_numPr()
    level3.get_or_add_ilvl().val = 2
    level3.get_or_add_numId().val = num
    doc.add_paragraph("总体要求", style="Heading 1")
    doc.add_paragraph("推进甲。", style="Task Item")
    doc.add_paragraph("推进乙。", style="Task Item")
    doc.add_paragraph("重点任务", style="Heading 1")
    doc.add_paragraph("推进丙。", style="Task Item")
    doc.add_paragraph("正文", style="Normal")
    assert _read(doc) == ["一、总体要求", "1.推进甲。", "2.推进乙。", "二、重点任务",
                          "1.推进丙。", "正文"]


# --- content controls, tracked changes, fields ---------------------------------------------


def test_body_level_content_control_keeps_its_paragraphs_in_order():
    doc = docx.Document()
    doc.add_paragraph("一、重点任务")
    inner = [doc.add_paragraph("1.推进甲。(牵头单位:市发改委)"), doc.add_paragraph("")]
    doc.add_paragraph("2.推进乙。(牵头单位:市财政局)")
    sdt = _xml("<w:sdt><w:sdtPr><w:alias w:val=\"任务\"/></w:sdtPr><w:sdtContent/></w:sdt>")
    inner[0]._p.addprevious(sdt)
    for p in inner:
        sdt[1].append(p._p)
    inline = doc.add_paragraph("3.推进丙。")
    inline._p.append(_xml("<w:sdt><w:sdtPr/><w:sdtContent><w:r><w:t>(牵头单位:市商务局)</w:t>"
                          "</w:r></w:sdtContent></w:sdt>"))
    assert _read(doc) == ["一、重点任务", "1.推进甲。(牵头单位:市发改委)", "",
                          "2.推进乙。(牵头单位:市财政局)", "3.推进丙。(牵头单位:市商务局)"]


def test_tracked_insertions_are_kept_and_deletions_dropped():
    doc = docx.Document()
    p = doc.add_paragraph("1.推进甲。(牵头单位:")
    p._p.append(_xml('<w:ins w:id="1" w:author="a"><w:r><w:t>市发改委</w:t></w:r></w:ins>'))
    p._p.append(_xml('<w:del w:id="2" w:author="a"><w:r><w:delText>市财政局</w:delText>'
                     '</w:r></w:del>'))
    p.add_run(")")
    gone = doc.add_paragraph()  # a paragraph deleted whole: its mark is deleted too
    gone._p.append(_xml('<w:del w:id="3" w:author="a"><w:r><w:delText>删掉的段落</w:delText>'
                        '</w:r></w:del>'))
    gone._p.get_or_add_pPr().append(_xml('<w:rPr><w:del w:id="4" w:author="a"/></w:rPr>'))
    joined = doc.add_paragraph("前半句")  # its mark deleted: it runs into the next one
    joined._p.get_or_add_pPr().append(_xml('<w:rPr><w:del w:id="5" w:author="a"/></w:rPr>'))
    doc.add_paragraph("后半句。")
    assert _read(doc) == ["1.推进甲。(牵头单位:市发改委)", "前半句后半句。"]


def test_runs_fields_links_and_symbols():
    doc = docx.Document()
    p = doc.add_paragraph("甲")
    p.add_run().add_tab()
    p.add_run("乙").add_break()
    p._p.append(_xml('<w:r><w:t>丙</w:t><w:noBreakHyphen/><w:sym w:font="SimSun" '
                     'w:char="2605"/><w:sym w:font="Wingdings" w:char="F0B7"/></w:r>'))
    p._p.append(_xml('<w:hyperlink w:anchor="x"><w:r><w:t>链接</w:t></w:r></w:hyperlink>'))
    p._p.append(_xml('<w:fldSimple w:instr=" PAGE "><w:r><w:t>7</w:t></w:r></w:fldSimple>'))
    for run in ('<w:fldChar w:fldCharType="begin"/>', '<w:instrText> REF 甲 </w:instrText>',
                '<w:fldChar w:fldCharType="separate"/>', "<w:t>结果</w:t>",
                '<w:fldChar w:fldCharType="end"/>'):
        p._p.append(_xml(f"<w:r>{run}</w:r>"))
    p._p.append(_xml('<w:smartTag w:uri="u" w:element="e"><w:r><w:t>标记</w:t></w:r>'
                     "</w:smartTag>"))
    p._p.append(_xml('<w:r><w:rPr><w:vanish/></w:rPr><w:t>隐藏</w:t></w:r>'))
    assert _read(doc) == ["甲 乙 丙-★链接7结果标记"]


def test_headers_footers_comments_and_text_boxes_are_skipped():
    doc = docx.Document()
    doc.sections[0].header.paragraphs[0].text = "页眉文字"
    doc.sections[0].footer.paragraphs[0].text = "页脚文字"
    p = doc.add_paragraph("正文")
    doc.add_comment(p.runs, text="批注文字", author="审核人")
    p._p.append(_xml('<w:r><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml">'
                     "<v:textbox><w:txbxContent><w:p><w:r><w:t>文本框</w:t></w:r></w:p>"
                     "</w:txbxContent></v:textbox></v:shape></w:pict></w:r>"))
    assert _read(doc) == ["正文"]


# --- tables --------------------------------------------------------------------------------


def test_nested_tables_follow_their_row_and_single_column_frames_read_as_paragraphs():
    doc = docx.Document()
    table = doc.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "序号", "内容"
    table.cell(1, 0).text = "1"
    cell = table.cell(1, 1)
    cell.text = "外层"
    cell.add_paragraph("第二段")
    inner = cell.add_table(rows=1, cols=2)
    inner.cell(0, 0).text, inner.cell(0, 1).text = "内甲", "内乙"
    frame = doc.add_table(rows=1, cols=1)  # an OA layout frame around the text
    frame.cell(0, 0).text = "一、重点任务"
    frame.cell(0, 0).add_paragraph("1.推进甲。")
    assert _read(doc) == ["序号\t内容", "1\t外层、第二段", "内甲\t内乙", "一、重点任务",
                          "1.推进甲。"]


def test_cell_text_has_no_tabs_or_newlines():
    doc = docx.Document()
    table = doc.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "甲\t乙"
    table.cell(0, 1).paragraphs[0].add_run("丙").add_break()
    table.cell(0, 1).paragraphs[0].add_run("丁")
    assert _read(doc) == ["甲 乙\t丙 丁"]


# --- damaged files -------------------------------------------------------------------------


def _broken_xml(tmp_path) -> Path:
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    path = tmp_path / "broken.docx"
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "word/document.xml":
                data = data[: len(data) // 2]
            dst.writestr(item, data)
    return path


def _truncated(tmp_path) -> Path:
    buffer = io.BytesIO()
    doc = docx.Document()
    doc.add_paragraph("一、重点任务")
    doc.save(buffer)
    path = tmp_path / "truncated.docx"
    path.write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])
    return path


@pytest.mark.parametrize("make", [_broken_xml, _truncated])
def test_a_damaged_docx_is_one_clear_error(tmp_path, make):
    path = make(tmp_path)
    with pytest.raises(taskmap.UnsupportedFormat) as caught:
        taskmap.load_plan(path)
    message = str(caught.value)
    assert str(path) in message and "\n" not in message and ".docx" in message
    with pytest.raises(taskmap.UnsupportedFormat) as direct:
        read_docx(path.read_bytes(), str(path))
    assert str(direct.value).startswith(f"{path}: 无法读取的 Word 文件(")
    assert "\n" not in str(direct.value)
    result = run_taskmap("extract", str(path))
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0 and str(path) in result.stderr
    assert "Traceback" not in result.stderr


def test_field_results_span_paragraphs_and_a_broken_field_swallows_nothing():
    doc = docx.Document()
    first = doc.add_paragraph()
    for run in ('<w:fldChar w:fldCharType="begin"/>', '<w:instrText> TOC \\o "1-3" </w:instrText>',
                '<w:fldChar w:fldCharType="separate"/>', "<w:t>一、目录项</w:t>"):
        first._p.append(_xml(f"<w:r>{run}</w:r>"))
    last = doc.add_paragraph("二、目录项")
    last._p.append(_xml('<w:r><w:fldChar w:fldCharType="end"/></w:r>'))
    broken = doc.add_paragraph()  # a field code that never reaches its result or end
    broken._p.append(_xml('<w:r><w:fldChar w:fldCharType="begin"/></w:r>'))
    broken._p.append(_xml("<w:r><w:instrText> PAGEREF x </w:instrText></w:r>"))
    doc.add_paragraph("正文照常读出。")
    assert _read(doc) == ["一、目录项", "二、目录项", "", "正文照常读出。"]
