"""One story on every surface (#24 items 3 and 5), shown on invented plans:

- the 修改对照表 (Word and Excel, read back) shows the sentence a small edit stands in, not
  its whole paragraph, and names a deadline added or moved as 完成时限调整, not 文字修改;
- two unrelated plans diffed warn on screen (terminal and web page), not only in the file;
- the coverage counts agree with the warnings listed;
- titles carry no trailing punctuation, and each task of a line has its own title.
"""

from __future__ import annotations

import json
import re
import shutil

import pytest
from conftest import needs, run_taskmap
from docx import Document
from openpyxl import load_workbook

import taskmap
from taskmap.diff import diff_plans, versions_warning
from taskmap.present.changes import GAP, account, edited, segments
from taskmap.present.docx import write_changes_docx
from taskmap.present.xlsx.changes_book import SHEET, WIDTHS, write_changes_xlsx
from taskmap.present.xlsx.style import LINE_HEIGHT, text_width

# a long task of several sentences, as a plan writes one paragraph
SENTENCES = [
    "全面摸清辖区内既有公共建筑的能耗底数，建立分类分级的能耗监测台账。",
    "对大型商场、医院、学校等重点用能单位开展节能诊断，逐栋提出改造清单。",
    "推广合同能源管理模式，引导社会资本参与公共建筑节能改造和运行维护。",
    "强化改造项目的全过程监管，确保各项改造措施落地见效。",
    "建立改造成效评估机制，每年公布公共建筑能耗排名，接受社会监督。",
    "鼓励各街道结合老旧小区改造同步实施建筑外墙保温和屋顶光伏建设。",
]
PARAGRAPH = "".join(SENTENCES)
EDITED = SENTENCES[3].replace("各项改造", "全部改造")  # a 2-character edit …
EDITED = EDITED.replace("落地见效", "落地生效")  # … and one more: 3 characters changed
OTHER = "2.完善绿色出行服务体系，优化公交线网布局。(牵头单位:溪岭区交通局)"


def _plan(first: str, block: str = "(牵头单位:溪岭区住建局;责任单位:溪岭区财政局)",
          title: str = "溪岭区公共建筑节能改造实施方案"):
    return taskmap.parse_text(f"{title}\n一、重点任务\n1.{first}{block}\n{OTHER}\n")


def _small_edit():
    old = _plan(PARAGRAPH)
    new = _plan(PARAGRAPH.replace(SENTENCES[3], EDITED))
    return diff_plans(old, new)


def test_a_small_edit_is_shown_in_its_sentence_not_the_paragraph():
    d = _small_edit()
    [t] = edited(d)
    parts = segments(t)
    old = "".join(s for op, s in parts if op != "insert")
    new = "".join(s for op, s in parts if op != "delete")
    assert SENTENCES[3] in old and EDITED in new  # the changed sentence, whole
    assert GAP in old and GAP in new  # what is left out is said to be
    assert old.startswith(t.title)  # which task it is
    assert not any(s in old or s in new for s in SENTENCES[1:3] + SENTENCES[4:])
    assert len(old) < len(PARAGRAPH) / 2
    assert account(t)[0] == "文字修改"


def test_word_table_reads_back_a_sentence(tmp_path):
    word = Document(write_changes_docx(_small_edit(), tmp_path / "c.docx"))
    [row] = word.tables[0].rows[1:]
    old, new, note = (row.cells[k].text for k in (1, 2, 3))
    assert SENTENCES[3] in old and EDITED in new
    assert SENTENCES[1] not in old and SENTENCES[1] not in new
    assert len(old) < len(PARAGRAPH) / 2 and len(new) < len(PARAGRAPH) / 2
    assert "文字修改" in note
    struck = [r.text for p in row.cells[1].paragraphs for r in p.runs if r.font.strike]
    assert struck and all(s in SENTENCES[3] for s in struck)


def test_workbook_reads_back_a_sentence(tmp_path):
    path = write_changes_xlsx(_small_edit(), tmp_path / "c.xlsx")
    ws = load_workbook(path)[SHEET]
    row = next(r for r in ws.iter_rows(values_only=True) if r[0] == 1)
    old, new = str(row[1]), str(row[2])
    assert SENTENCES[3] in old and EDITED in new
    assert SENTENCES[2] not in old and SENTENCES[4] not in new
    assert len(old) < len(PARAGRAPH) / 2
    # the row is as tall as the excerpt needs, less than the whole paragraph would
    height = ws.row_dimensions[next(c.row for c in ws["A"] if c.value == 1)].height
    whole = LINE_HEIGHT * -(-text_width(PARAGRAPH) // (WIDTHS[1] - 2)) + 4
    assert height < whole


def test_an_edit_near_the_start_keeps_the_start():
    old = _plan(PARAGRAPH)
    new = _plan(PARAGRAPH.replace("全面摸清", "逐一摸清"))
    [t] = edited(diff_plans(old, new))
    parts = segments(t)
    assert parts[0][0] != "elided"  # nothing is left out before the first sentence
    assert SENTENCES[0] in "".join(s for op, s in parts if op != "insert")


@pytest.mark.parametrize("old_block,new_block,line", [
    ("(牵头单位:溪岭区住建局)", "(牵头单位:溪岭区住建局;完成时限:2025年底前)",
     "增加完成时限：2025年底前"),
    ("(牵头单位:溪岭区住建局;完成时限:2025年底前)",
     "(牵头单位:溪岭区住建局;完成时限:2026年6月底前)",
     "完成时限：原“2025年底前”，现“2026年6月底前”"),
    ("(牵头单位:溪岭区住建局;完成时限:2025年底前)", "(牵头单位:溪岭区住建局)",
     "删除完成时限：2025年底前"),
])
def test_a_deadline_in_the_block_is_named_as_one(tmp_path, old_block, new_block, line):
    task = "推进公共建筑节能改造。"
    d = diff_plans(_plan(task, old_block), _plan(task, new_block))
    [t] = edited(d)
    assert t.deadline_changed and not t.text_changed
    assert account(t) == ["完成时限调整", line]
    word = Document(write_changes_docx(d, tmp_path / "c.docx"))
    note = word.tables[0].rows[1].cells[3].text
    assert "完成时限调整" in note and line in note and "文字修改" not in note
    text = "\n".join(p.text for p in word.paragraphs)
    assert "完成时限调整1项" in text
    ws = load_workbook(write_changes_xlsx(d, tmp_path / "c.xlsx"))[SHEET]
    row = next(r for r in ws.iter_rows(values_only=True) if r[0] == 1)
    assert "完成时限调整" in row[3] and "文字修改" not in row[3]


def test_a_deadline_added_to_the_wording_is_no_rewording():
    d = diff_plans(_plan("推进公共建筑节能改造。"), _plan("推进公共建筑节能改造，2025年底前完成。"))
    [t] = edited(d)
    assert t.deadline_changed and not t.text_changed
    assert account(t)[0] == "完成时限调整"
    both = diff_plans(_plan("推进公共建筑节能改造，2025年底前完成。"),
                      _plan("加快推进全区公共建筑节能改造，2026年底前完成。"))
    [t] = edited(both)
    assert t.deadline_changed and t.text_changed
    assert account(t)[0] == "完成时限调整、文字修改"
    same = diff_plans(_plan("推进公共建筑节能改造。"), _plan("加快推进公共建筑节能改造。"))
    [t] = edited(same)
    assert not t.deadline_changed and account(t)[0] == "文字修改"
    assert json.loads(json.dumps(same.to_dict()))["tasks"][0]["deadline_changed"] is False


# unrelated plans ------------------------------------------------------------------------

def _unrelated(tmp_path):
    a = tmp_path / "a.txt"
    b = tmp_path / "b.txt"
    a.write_text("溪岭区公共建筑节能改造实施方案\n1.推进公共建筑节能改造。(牵头单位:溪岭区住建局)\n"
                 "2.开展重点用能单位节能诊断。(牵头单位:溪岭区发改委)\n", encoding="utf-8")
    b.write_text("枫桥镇文化旅游融合发展工作方案\n1.打造乡村旅游精品线路。(牵头单位:枫桥镇文旅办)\n"
                 "2.举办民俗文化节庆活动。(牵头单位:枫桥镇宣传办)\n", encoding="utf-8")
    return a, b


def test_terminal_diff_of_unrelated_plans_warns(tmp_path):
    a, b = _unrelated(tmp_path)
    d = diff_plans(taskmap.load_plan(a), taskmap.load_plan(b))
    assert d.warning and d.warning == versions_warning(d.old, d.new)
    shown = run_taskmap("diff", str(a), str(b))
    assert shown.returncode == 0
    assert "不是同一方案的两稿" in shown.stdout
    for args in (["-f", "json"], ["-o", str(tmp_path / "c.docx")],
                 ["-o", str(tmp_path / "c.txt")]):
        written = run_taskmap("diff", str(a), str(b), *args)
        assert written.returncode == 0
        assert "不是同一方案的两稿" in written.stderr
    assert "不是同一方案的两稿" in (tmp_path / "c.txt").read_text(encoding="utf-8")
    related = run_taskmap("diff", str(a), str(a))
    assert "不是同一方案的两稿" not in related.stdout + related.stderr


def test_web_compare_page_warns_of_unrelated_plans(tmp_path):
    pytest.importorskip("starlette")
    from test_web import Server, post

    a, b = _unrelated(tmp_path)
    server = Server()
    try:
        status, _, body = post(server.url + "diff", [("old", "a.txt", a.read_bytes()),
                                                     ("new", "b.txt", b.read_bytes())])
        assert status == 200
        assert "不是同一方案的两稿" in body.decode()
        status, _, body = post(server.url + "diff", [("old", "a.txt", a.read_bytes()),
                                                     ("new", "a2.txt", a.read_bytes())])
        assert status == 200 and "不是同一方案的两稿" not in body.decode()
    finally:
        server.stop()


# coverage and warnings -------------------------------------------------------------------

WARNED_PLAN = """溪岭区数字政府建设工作方案
一、重点任务
1.推进政务数据共享。(牵头单位:溪岭区数据局;责任单位:溪岭区财政局)
2.优化政务服务流程。(溪岭区政务服务中心)
3.加强网络安全保障(主要领导亲自负责、亲自部署)。
4.完善电子证照应用。(牵头单位:待定)
5.建设一体化平台。(责任单位:)
"""
# a task table whose rows name the bodies under its headers, no role word in a row
TABLE_PLAN = """溪岭区民生实事项目表
序号|项目名称|牵头单位|责任单位
1|新建公办幼儿园两所|溪岭区教育局|溪岭区财政局
2|改造老旧小区十个|溪岭区住建局|溪岭区财政局
3|新增公共停车泊位五百个|溪岭区交通局|溪岭区公安分局
"""


def _numbers(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"\d+", text)]


def test_coverage_and_warning_counts_add_up_to_the_warnings_listed(tmp_path):
    from taskmap.present.coverage import warning_counts

    path = tmp_path / "plan.txt"
    path.write_text(WARNED_PLAN, encoding="utf-8")
    plan = taskmap.load_plan(path)
    c, n = plan.coverage, warning_counts(plan)
    assert len(plan.warnings) >= 3
    assert n.total == len(plan.warnings) == n.segments + n.names + n.other
    assert n.segments == c.unread >= 1 and n.other >= 2  # 待定, an empty cell, no lead
    data = json.loads(run_taskmap("extract", str(path), "-f", "json", check=True).stdout)
    screen = "".join(run_taskmap("extract", str(path), check=True).stdout.split())
    said = re.search(r"解析警告\d+条:[^。]*。", screen).group()
    total, segments, names, other = _numbers(said)
    assert total == len(data["warnings"]) == segments + names + other
    assert segments == data["coverage"]["unread"]
    counted = re.search(r"分工片段\d+处\(含分工用语[^。]*。", screen).group()
    seen, read, warned, unread = _numbers(counted)
    assert seen == read + warned + unread and unread == segments
    # the workbook: its cover's 解析警告 is the 解析警告 sheet's rows, and says what they are
    book = tmp_path / "book.xlsx"
    run_taskmap("export", str(path), "-o", str(book), check=True)
    wb = load_workbook(book)
    cover = [[c.value for c in row] for row in wb["说明"].iter_rows()]
    header = next(row for row in cover if row[0] == "序号" and "解析警告" in row)
    values = cover[cover.index(header) + 1]
    listed = [r for r in wb["解析警告"].iter_rows(min_row=2, values_only=True) if any(r)]
    assert values[header.index("解析警告")] == len(listed) == total
    assert any(v and "未能读出的分工片段" in str(v) for row in cover for v in row)


def test_a_table_plan_read_counts_its_rows(tmp_path):
    path = tmp_path / "table.txt"
    path.write_text(TABLE_PLAN, encoding="utf-8")
    plan = taskmap.load_plan(path)
    assert len(plan.tasks) == 3
    c = plan.coverage
    assert c.seen >= 3 and c.read == c.seen  # never 0=0+0 for tasks read
    report = "".join(run_taskmap("report", str(path), check=True).stdout.split())
    assert f"{c.seen}={c.read}+0+0" in report and "0=0+0+0" not in report


# titles ---------------------------------------------------------------------------------

def test_two_tasks_on_one_line_each_get_their_own_title():
    plan = taskmap.parse_text(
        "一、重点任务\n"
        "1.推进公共建筑节能改造。(牵头单位:溪岭区住建局)按照全市统一部署,开展重点用能单位"
        "节能诊断。(牵头单位:溪岭区发改委)。建设一批零碳示范社区。(牵头单位:溪岭区生态环境局)\n")
    titles = [t.title for t in plan.tasks]
    assert titles == ["推进公共建筑节能改造", "按照全市统一部署,开展重点用能单位节能诊断",
                      "建设一批零碳示范社区"]
    assert len(set(titles)) == len(plan.tasks)


@pytest.mark.parametrize("text", [
    "一、重点任务\n1.推进公共建筑节能改造；\n牵头单位:溪岭区住建局\n",
    "一、重点任务\n（一）推进公共建筑节能改造：\n牵头单位：溪岭区住建局\n",
    "一、重点任务\n1.推进公共建筑节能改造。\n(牵头单位:溪岭区住建局)\n",
    "序号|重点任务|牵头单位\n1|推进公共建筑节能改造。|溪岭区住建局\n",
    "1.推进公共建筑节能改造。(牵头单位:溪岭区住建局)\n",
])
def test_titles_carry_no_trailing_punctuation(text, tmp_path):
    plan = taskmap.parse_text(text)
    assert [t.title for t in plan.tasks] == ["推进公共建筑节能改造"]
    path = tmp_path / "plan.txt"
    path.write_text(text, encoding="utf-8")
    data = json.loads(run_taskmap("extract", str(path), "-f", "json", check=True).stdout)
    assert [t["title"] for t in data["tasks"]] == ["推进公共建筑节能改造"]
    book = tmp_path / "plan.xlsx"
    run_taskmap("export", str(path), "-o", str(book), check=True)
    cells = [c for row in load_workbook(book)["任务分解表"].iter_rows(values_only=True)
             for c in row if isinstance(c, str) and c.startswith("推进公共建筑节能改造")]
    assert cells and all(c == "推进公共建筑节能改造" or c[len("推进公共建筑节能改造")] == "。"
                         for c in cells)  # the title bare; the wording, where shown, whole


@needs(shutil.which("soffice") is not None and shutil.which("pdftotext") is not None,
       "LibreOffice Writer (soffice) and poppler-utils (pdftotext)")
def test_word_changes_of_a_long_task_print_on_one_page(tmp_path):
    """A task of a whole page's wording, three characters changed: its row shows the
    changed sentence and prints on one page, not two (LibreOffice renders it)."""
    from test_render import pages, to_pdf

    long = PARAGRAPH * 6
    edited_long = PARAGRAPH * 3 + PARAGRAPH.replace(SENTENCES[3], EDITED) + PARAGRAPH * 2
    d = diff_plans(_plan(long), _plan(edited_long))
    printed = pages(to_pdf(write_changes_docx(d, tmp_path / "c.docx")))
    assert len(printed) == 1
    text = "".join(printed[0].split())
    assert "强化改造项目的全过程监管" in text and "全部改造措施落地生效" in text
