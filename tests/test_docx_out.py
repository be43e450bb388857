"""The 任务分解表 as a Word file in 公文 form: real files written with write_tasks_docx and
opened back with python-docx (fonts, margins, repeated header rows, the page-number field,
the summary's numbers against the plan's own counts)."""

from __future__ import annotations

import re
import zipfile
from collections import Counter

import pytest
from conftest import DATA, DEMO_PLANS, LEADERS_PLAN
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Pt

import taskmap
from taskmap.engine import plan_summary
from taskmap.models import LEAD
from taskmap.present.docx import summary_sentence, write_tasks_docx
from taskmap.present.docx.gongwen import east_asia_font
from taskmap.present.docx.tasks import IMPLICIT_MARK, WORDING_LIMIT, condensed, plan_counts

QINGLAN = DATA / "qinglan_city_industry_plan.txt"
DEMO = DEMO_PLANS


@pytest.fixture(scope="module")
def qinglan():
    return taskmap.load_plan(QINGLAN)


@pytest.fixture(scope="module")
def qinglan_doc(qinglan, tmp_path_factory):
    return Document(write_tasks_docx([qinglan], tmp_path_factory.mktemp("d") / "q.docx"))


def style_font(doc, name: str) -> tuple[str | None, float | None]:
    style = doc.styles[name]
    return east_asia_font(style.element.rPr), style.font.size.pt if style.font.size else None


def is_header(row) -> bool:
    pr = row._tr.trPr
    return pr is not None and pr.find(qn("w:tblHeader")) is not None


def body_rows(table) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows if not is_header(row)]


def all_rows(doc) -> list[list[str]]:
    """The task rows of every table (one table an area), in order."""
    return [r for table in doc.tables for r in body_rows(table)]


def column_headers(table) -> list[str]:
    return [c.text for c in table.rows[1].cells]


def caption(table) -> str:
    """The row across the table above its header: the area its rows are of."""
    return table.rows[0].cells[0].text


def test_page_is_a4_landscape_with_gongwen_margins(qinglan_doc):
    for section in qinglan_doc.sections:
        assert section.orientation == WD_ORIENT.LANDSCAPE
        mm = [round(x.mm, 1) for x in (section.page_width, section.page_height,
                                       section.top_margin, section.bottom_margin,
                                       section.left_margin, section.right_margin)]
        assert mm == [297, 210, 37, 35, 28, 26]


def test_fonts_are_the_gongwen_ones(qinglan_doc):
    doc = qinglan_doc
    assert style_font(doc, "Normal") == ("仿宋_GB2312", 16)
    assert style_font(doc, "公文标题") == ("方正小标宋简体", 22)
    assert style_font(doc, "公文正文") == ("仿宋_GB2312", 16)
    assert style_font(doc, "附件标记") == ("黑体", 16)
    assert style_font(doc, "表头") == ("黑体", 12)
    assert style_font(doc, "表格文字") == ("仿宋_GB2312", 12)
    # no theme font left to override the declared ones
    xml = doc.styles.element.xml
    assert "eastAsiaTheme" not in xml.split("<w:style ")[0]
    paragraphs = doc.paragraphs
    assert (paragraphs[0].text, paragraphs[0].style.name) == ("附件", "附件标记")
    titles = [p.text for p in paragraphs if p.style.name == "公文标题"]
    assert titles == ["青岚市工业绿色低碳发展行动方案(2024—2027年)", "重点任务分解表"]
    header = doc.tables[0].rows[1]
    assert {p.style.name for c in header.cells for p in c.paragraphs} == {"表头"}
    assert doc.tables[0].rows[0].cells[0].paragraphs[0].style.name == "表格分组"
    task_cell = doc.tables[0].rows[2].cells[1]
    first = task_cell.paragraphs[0].runs[0]
    assert first.text == "依法淘汰落后产能。" and east_asia_font(first._r.rPr) == "黑体"
    assert task_cell.paragraphs[0].style.name == "表格文字"


def test_font_table_declares_fallbacks(tmp_path, qinglan):
    path = write_tasks_docx([qinglan], tmp_path / "f.docx")
    with zipfile.ZipFile(path) as z:
        fonts = z.read("word/fontTable.xml").decode()
    for name, alt in (("方正小标宋简体", "宋体"), ("仿宋_GB2312", "仿宋"), ("黑体", "黑体")):
        block = re.search(rf'<w:font w:name="{name}">(.*?)</w:font>', fonts, re.S)
        assert block and f'w:altName w:val="{alt}"' in block.group(1)
        assert 'w:charset w:val="86"' in block.group(1)


def test_header_row_repeats_and_footer_has_a_page_field(qinglan_doc):
    for table in qinglan_doc.tables:  # the area's row and the column headers repeat
        assert [is_header(r) for r in table.rows] == [True, True] + [False] * (
            len(table.rows) - 2)
        assert table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
    footer = qinglan_doc.sections[0].footer.paragraphs[0]
    xml = footer._p.xml
    assert "<w:instrText" in xml and " PAGE " in xml
    assert footer.text.startswith("— ") and footer.text.endswith(" —")
    assert footer.alignment == 1  # centred
    assert east_asia_font(qinglan_doc.styles["Footer"].element.rPr) == "宋体"
    assert qinglan_doc.styles["Footer"].font.size == Pt(14)


def test_summary_numbers_are_the_plans_counts(qinglan_doc, qinglan):
    summary = next(p.text for p in qinglan_doc.paragraphs if p.text.startswith("共梳理"))
    counts = plan_summary([qinglan]).row(0, named=True)
    assert summary == summary_sentence(qinglan)
    match = re.match(r"共梳理重点任务(\d+)项，涉及单位(\d+)个", summary)
    assert (int(match[1]), int(match[2])) == (counts["tasks"], counts["bodies"]) == (16, 17)
    led = Counter(a.agency for t in qinglan.tasks
                  for a in {a.agency: a for a in t.assignments if a.role == LEAD}.values())
    most = led.most_common(1)[0][1]
    assert plan_counts(qinglan).leads[0][1] == most == 8
    assert f"其中市工业和信息化局牵头{most}项" in summary
    assert "其余2个单位各牵头1项" in summary  # 7 bodies lead: five named, two summed up
    assert sum(n for _, n in plan_counts(qinglan).leads) == sum(led.values())


def test_table_has_one_row_per_task_with_its_wording_and_bodies(qinglan_doc, qinglan):
    # the plan sets no deadline: no 完成时限 column
    assert not any(t.deadline for t in qinglan.tasks)
    for table in qinglan_doc.tables:
        assert column_headers(table) == ["序号", "重点任务", "牵头单位", "责任单位"]
    rows = all_rows(qinglan_doc)
    assert [r[0] for r in rows] == [str(n) for n in range(1, len(qinglan.tasks) + 1)]
    for row, task in zip(rows, qinglan.tasks, strict=True):
        # the title, then the wording condensed: a prefix of it, an ellipsis where cut
        assert row[1].startswith(task.title)
        shown = row[1][len(task.title):].lstrip("。")
        whole = task.text[len(task.title):].lstrip("。") if task.text.startswith(
            task.title) else task.text
        assert whole.startswith(shown.removesuffix("……"))
        assert len(shown) <= WORDING_LIMIT + 2 and (shown == whole) == (
            not shown.endswith("……"))
        assert all(a.raw in row[2] for a in task.assignments if a.role == LEAD)
        for a in task.assignments:
            if a.role != LEAD:
                assert (a.raw + IMPLICIT_MARK in row[3]) == a.implicit
    assert any(r[1].endswith("……") for r in rows)  # the plan has wordings to condense
    # one table an area, named above its header (repeated on every page it continues)
    captions = [caption(t) for t in qinglan_doc.tables]
    assert captions[0] == "（一）推动产业结构优化升级" and captions[-1] == "三、保障措施"
    assert len(captions) == len(set(captions)) == 5
    assert [len(body_rows(t)) for t in qinglan_doc.tables][-1] == 3
    note = [p.text for p in qinglan_doc.paragraphs if p.text.startswith("注：")]
    assert len(note) == 1 and "统一落实" in note[0]


def test_whole_wording_when_asked(tmp_path, qinglan):
    doc = Document(write_tasks_docx([qinglan], tmp_path / "w.docx", limit=None))
    for row, task in zip(all_rows(doc), qinglan.tasks, strict=True):
        assert row[1] == task.text


def test_condensed_cuts_at_a_sentence_end_or_the_limit():
    text = "建设城市算力调度平台。推动数据中心绿色化改造，提升能效水平。"
    assert condensed(text, 100) == text
    assert condensed(text, 20) == "建设城市算力调度平台……"
    assert condensed("推动数据中心绿色化改造，提升能效水平", 12) == "推动数据中心绿色化改造……"
    assert condensed("推动数据中心绿色化改造提升能效水平", 8) == "推动数据中心绿色……"


def test_leaders_column_and_deadlines_when_the_plan_names_them(tmp_path):
    plan = taskmap.parse_text(LEADERS_PLAN)
    doc = Document(write_tasks_docx([plan], tmp_path / "l.docx"))
    table = doc.tables[0]
    assert caption(table) == "（一）提升政务服务效能"
    assert column_headers(table)[-2:] == ["完成时限", "责任领导"]
    rows = body_rows(table)
    assert rows[0][-2:] == ["2024年6月底前", "张某某"] and rows[1][-2:] == ["", ""]
    assert not [p for p in doc.paragraphs if p.text.startswith("注：")]


def test_several_plans_one_section_each(tmp_path):
    plans = [taskmap.load_plan(p) for p in DEMO]
    doc = Document(write_tasks_docx(plans, tmp_path / "all.docx"))
    assert len(doc.sections) == len(plans)
    marks = [p.text for p in doc.paragraphs if p.style.name == "附件标记" and p.text]
    assert marks == [f"附件{k}" for k in range(1, len(plans) + 1)]
    assert len(all_rows(doc)) == sum(len(p.tasks) for p in plans)
    numbers = [int(r[0]) for r in all_rows(doc)]  # numbered through each plan
    assert numbers.count(1) == len(plans)


def test_same_plans_same_bytes_and_empty_input(tmp_path, qinglan):
    a = write_tasks_docx([qinglan], tmp_path / "a.docx")
    b = write_tasks_docx([qinglan], tmp_path / "b.docx")
    assert a.read_bytes() == b.read_bytes()
    empty = Document(write_tasks_docx([], tmp_path / "e.docx"))
    assert [p.text for p in empty.paragraphs if p.text][:2] == ["附件", "重点任务分解表"]
