"""A plan's title: its own, found right, and settable.

- the titles of the published plans in ../shared/realplans and ../shared/realplans2, keyed
  by hand in tests/titles/realplans.json (titles only; the plans are read in place), are
  found exactly — null where a plan states none;
- each rule of the title finder on a plan of our own: a title set over two or three lines
  is joined; an attachment label, a metadata row, a document number, a page's tag, a file
  extension are not part of it; a document a sentence cites, a heading, a notice's title
  split over two lines and the file's name never are the title;
- a plan that states no title is said to be untitled in the outputs (its file named as a
  file, never in 《》 as if it were the title);
- `--title` (and `title=` / `Plan.with_title` in the library) sets the title that the
  terminal, JSON, the Word 任务分解表, the workbook and the 修改对照表 show.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import run_taskmap
from docx import Document as WordDocument
from openpyxl import load_workbook

import taskmap
from taskmap.present.changes import named
from taskmap.present.labels import UNTITLED, plan_title

KEYS = Path(__file__).resolve().parent / "titles" / "realplans.json"


def title_of(text: str) -> str | None:
    return taskmap.parse_text(text, source="plan.txt").context.title


# ----------------------------------------------------------------------------- published plans

def test_titles_of_the_published_plans(shared):
    """Every keyed plan's title is found exactly (score printed: right / keyed)."""
    keys = json.loads(KEYS.read_text(encoding="utf-8"))
    where = {k: shared / k.split("/")[0] / "docs" / k.split("/")[1] for k in keys}
    missing = [k for k, path in where.items() if not path.is_file()]
    if missing:
        message = f"published plans not found under {shared}: {', '.join(missing[:3])} …"
        if os.environ.get("TASKMAP_REQUIRE_SHARED") == "1":
            pytest.fail(message + " (TASKMAP_REQUIRE_SHARED=1)")
        pytest.skip(message)
    wrong = {}
    for key, expected in keys.items():
        found = taskmap.load_plan(where[key]).context.title
        if found != expected:
            wrong[key] = (expected, found)
    print(f"titles exactly right: {len(keys) - len(wrong)} / {len(keys)}")
    assert not wrong, "\n".join(f"{k}: keyed {e!r}, found {f!r}" for k, (e, f) in wrong.items())


def test_the_keys_are_titles_of_both_sets():
    """The key file names every plan of both sets once, and holds only short titles."""
    keys = json.loads(KEYS.read_text(encoding="utf-8"))
    assert {k.split("/")[0] for k in keys} == {"realplans", "realplans2"}
    assert all(v is None or (4 <= len(v) <= 70 and "\n" not in v) for v in keys.values())
    assert sum(v is None for v in keys.values()) < len(keys) // 4


# ----------------------------------------------------------------------------- rules

BODY = "一、重点任务\n1.推进数字乡村建设。(牵头单位:区农业农村局;责任单位:区财政局)\n"


@pytest.mark.parametrize(("text", "title"), [
    # one line
    ("青岚市数字乡村建设实施方案\n" + BODY, "青岚市数字乡村建设实施方案"),
    # a title set over two lines, blank lines between
    ("关于加快推进青岚市数字乡村建设的\n\n实施方案\n\n" + BODY,
     "关于加快推进青岚市数字乡村建设的实施方案"),
    # over three lines, with a 《》 that the lines cut
    ("青岚市人民政府关于落实\n《青岚市政府工作报告》重点工作\n部门分工的意见\n"
     "青政发〔2024〕3号\n" + BODY,
     "青岚市人民政府关于落实《青岚市政府工作报告》重点工作部门分工的意见"),
    # its edition on a line of its own is part of it; a draft's note is not
    ("关于促进青岚市民营经济发展的若干举措\n(2025年版)\n" + BODY,
     "关于促进青岚市民营经济发展的若干举措(2025年版)"),
    ("青岚市数字乡村建设实施方案\n(征求意见稿)\n" + BODY, "青岚市数字乡村建设实施方案"),
    # after a covering notice, over two lines
    ("青岚市人民政府办公室关于印发青岚市2024年重点工作任务分解方案的通知\n"
     "各镇人民政府,区政府各部门:\n现将方案印发给你们,请认真贯彻落实。\n"
     "青岚市人民政府办公室\n2024年3月1日\n青岚市2024年重点工作\n任务分解方案\n" + BODY,
     "青岚市2024年重点工作任务分解方案"),
])
def test_a_title_set_over_lines_is_joined(text, title):
    assert title_of(text) == title


@pytest.mark.parametrize(("text", "title"), [
    # an attachment label: the title after it
    ("附件:青岚市2024年民生实事项目清单\n" + BODY, "青岚市2024年民生实事项目清单"),
    ("附件1\n\n青岚市2024年民生实事项目清单\n" + BODY, "青岚市2024年民生实事项目清单"),
    # a page's metadata row is skipped for the title line that follows it…
    ("索引号: 0001/2024-12\n名称: 关于印发青岚市2024年重点工作任务分解表的通知 文号:\n"
     "青岚市2024年重点工作任务分解表\n" + BODY, "青岚市2024年重点工作任务分解表"),
    # …and read, without its label and the next field, when no title line stands
    ("索引号: 0001/2024-12\n名称: 青岚市2024年重点工作任务分解表 文号:\n发布日期: 2024-03-01\n"
     + BODY, "青岚市2024年重点工作任务分解表"),
    # a document number before it, or after it in brackets
    ("青政办发〔2024〕12号 青岚市人民政府办公厅关于推进数字乡村建设的意见\n" + BODY,
     "青岚市人民政府办公厅关于推进数字乡村建设的意见"),
    ("青岚市人民政府关于推进数字乡村建设的意见(青政〔2024〕7号)\n" + BODY,
     "青岚市人民政府关于推进数字乡村建设的意见"),
    # a page's tag, a site's name after a dash, a headline's lead, 《》 around it whole
    ("【重点工作】青岚市人民政府关于2024年重点工作及责任分解的通知\n各镇人民政府:\n" + BODY,
     "青岚市人民政府关于2024年重点工作及责任分解的通知"),
    ("青岚市数字乡村建设实施方案-青岚在线\n" + BODY, "青岚市数字乡村建设实施方案"),
    ("青岚区惠企政策汇编:关于支持青岚区制造业高质量发展的若干政策意见\n" + BODY,
     "关于支持青岚区制造业高质量发展的若干政策意见"),
    ("《关于支持青岚区制造业高质量发展的若干政策意见》\n" + BODY,
     "关于支持青岚区制造业高质量发展的若干政策意见"),
    # a document a sharing site shows by its file's name: the name without its extension
    ("《青岚市2024年大气污染防治工作方案.docx》由会员分享,可在线阅读。\n" + BODY,
     "青岚市2024年大气污染防治工作方案"),
    # pronunciations a page adds in brackets
    ("2024年县政府重点(diǎn)工作任务一季度完成情况\n" + BODY,
     "2024年县政府重点工作任务一季度完成情况"),
])
def test_what_a_page_puts_around_a_title_is_not_part_of_it(text, title):
    assert title_of(text) == title


@pytest.mark.parametrize(("text", "title"), [
    # a news report: the plan it says was issued (印发X的通知 → X)
    ("近日,青岚市人民政府发布关于加快发展青岚市夜间经济的实施意见。意见提出…\n" + BODY,
     "关于加快发展青岚市夜间经济的实施意见"),
    ("日前,青岚市人民政府办公室印发2024年政府工作报告重点工作责任分解的通知,明确…\n" + BODY,
     "2024年政府工作报告重点工作责任分解"),
    # a notice that is itself the plan (its tasks in its own body)
    ("青岚市人民政府关于2024年重点工作及责任分解的通知\n各镇人民政府,市政府各部门:\n"
     "做好今年工作意义重大。\n" + BODY, "青岚市人民政府关于2024年重点工作及责任分解的通知"),
    # a notice issuing the plan: the plan's own title after it
    ("青岚市人民政府关于印发青岚市夜间经济发展三年行动计划的通知\n各镇人民政府:\n现印发给你们。\n"
     "青岚市人民政府\n2024年5月6日\n(此件公开发布)\n青岚市夜间经济发展三年行动计划\n" + BODY,
     "青岚市夜间经济发展三年行动计划"),
    # a notice's title split over two lines is the notice's, not its attachment's
    ("关于征集对2024年青岚市民生实事项目\n实施情况意见建议的通告\n请于8月5日前反映。\n"
     "青岚市人大常委会\n2024年7月24日\n附件:\n2024年青岚市民生实事项目\n" + BODY,
     "2024年青岚市民生实事项目"),
    # a plan title near the top comes before a progress report's
    ("2024年青岚区政府工作报告重点工作责任分解第一季度进展情况\n来源: 区政府办\n"
     "2024年青岚区政府工作报告重点工作责任分解\n" + BODY,
     "2024年青岚区政府工作报告重点工作责任分解"),
    # a page heading that drops the place: the full title further down
    ("贯彻落实《关于加强街道工作的意见》的任务分解方案\n浏览:12\n"
     "青岚区贯彻落实《关于加强\n街道工作的意见》的任务分解方案\n" + BODY,
     "青岚区贯彻落实《关于加强街道工作的意见》的任务分解方案"),
])
def test_a_report_or_a_notice_names_the_plan(text, title):
    assert title_of(text) == title


@pytest.mark.parametrize("text", [
    # a document a sentence cites is another's
    "为贯彻落实《青岚市政府工作报告》部署,现将重点工作分解如下。\n" + BODY,
    "根据《青岚市国民经济和社会发展第十四个五年规划纲要》,制定本方案。\n" + BODY,
    # a heading is not a title
    "二、主要工作任务\n1.推进数字乡村建设。(牵头单位:区农业农村局)\n",
    # a document a plan's task says it will issue is not the plan
    "重点工作: | 印发《青岚市2024年违法建设治理工作方案》,完成年度目标。 |\n"
    "牵头单位: | 区城管局 |\n",
    # a table's header row run onto a few lines is not a title
    "序号\n\n责任\n\n科室\n\n攻坚目标\n\n任务\n\n1\n\n白沙水库工程\n",
])
def test_what_is_never_the_title(text):
    assert title_of(text) is None


def test_a_plan_without_a_title_is_said_to_have_none(tmp_path):
    """Not the file's name posing as the title: the outputs say 未识别标题 and name the
    file as a file, and the 修改对照表 does not put the file's name in 《》."""
    path = tmp_path / "27_qinglan_2024_zhongdiangongzuo.txt"
    path.write_text(BODY, encoding="utf-8")
    plan = taskmap.load_plan(path)
    assert plan.context.title is None
    assert plan_title(plan) == f"（{UNTITLED}：文件 {path.name}）"
    assert "《" not in named(plan) and UNTITLED in named(plan) and path.name in named(plan)
    assert plan_title(taskmap.parse_text(BODY, source="")) == f"（{UNTITLED}）"
    titled = plan.with_title("青岚市2024年重点工作")
    assert named(titled).startswith("《青岚市2024年重点工作》（文件：27_qinglan")


# ----------------------------------------------------------------------------- set by hand

def test_the_library_sets_a_title():
    plan = taskmap.parse_text(BODY, title=" 青岚市数字乡村\n建设方案 ")
    assert plan.context.title == "青岚市数字乡村 建设方案"
    assert plan.with_title(None) is plan
    assert plan.with_title("青岚市新方案").context.title == "青岚市新方案"
    assert plan.with_title("青岚市新方案").tasks == plan.tasks
    assert taskmap.parse_text("附件:青岚市2024年民生实事项目清单\n" + BODY).with_title(
        "").context.title is None


@pytest.fixture
def untitled(tmp_path) -> Path:
    """A plan that states no title: two tasks under one heading."""
    path = tmp_path / "27_qinglan_2024_renwu.txt"
    path.write_text(BODY + "2.建设村级电商服务站。(牵头单位:区商务局;责任单位:各镇人民政府)\n",
                    encoding="utf-8")
    return path


TITLE = "青岚区2024年数字乡村重点任务分解方案"


def test_extract_takes_a_title(untitled):
    shown = run_taskmap("extract", str(untitled), "-f", "json", "--title", TITLE, check=True)
    assert json.loads(shown.stdout)["context"]["title"] == TITLE
    found = run_taskmap("extract", str(untitled), "-f", "json", check=True)
    assert json.loads(found.stdout)["context"]["title"] is None


def test_export_and_report_write_the_title_given(untitled, tmp_path):
    word, book = tmp_path / "分解表.docx", tmp_path / "统计.xlsx"
    run_taskmap("export", str(untitled), "-o", str(word), "--title", TITLE, check=True)
    paragraphs = [p.text for p in WordDocument(str(word)).paragraphs if p.text.strip()]
    assert TITLE in paragraphs and not any(untitled.stem in p for p in paragraphs)
    run_taskmap("report", str(untitled), "-o", str(book), "--title", TITLE, check=True)
    cover = load_workbook(book)["说明"]
    assert cover["A1"].value == f"{TITLE}重点任务分工统计"
    plain = tmp_path / "无标题.docx"
    run_taskmap("export", str(untitled), "-o", str(plain), check=True)
    paragraphs = [p.text for p in WordDocument(str(plain)).paragraphs if p.text.strip()]
    assert f"（{UNTITLED}：文件 {untitled.name}）" in paragraphs


def test_diff_takes_a_title_for_each_version(untitled, tmp_path):
    new = tmp_path / "27_qinglan_2024_renwu_final.txt"
    new.write_text(untitled.read_text(encoding="utf-8").replace("区商务局", "区发改局"),
                   encoding="utf-8")
    out = tmp_path / "对照.xlsx"
    run_taskmap("diff", str(untitled), str(new), "-o", str(out), "--title", TITLE,
                "--old-title", TITLE + "(征求意见稿)", check=True)
    sheet = load_workbook(out)["修改对照表"]
    cells = [c.value for row in sheet.iter_rows(max_row=4) for c in row if c.value]
    assert f"{TITLE}修改对照表" in cells
    assert any(str(c).startswith(f"原稿：《{TITLE}(征求意见稿)》") for c in cells)
    assert not any(f"《{untitled.stem}" in str(c) for c in cells)


@pytest.mark.parametrize(("args", "words"), [
    (["extract", "{plan}", "--title", "  "], "--title 不能为空"),
    (["report", "{plan}", "{plan2}", "--title", "某方案"], "只用于一个方案文件"),
    (["export", "{plan}", "{plan2}", "-o", "{out}", "--title", "某方案"], "只用于一个方案文件"),
])
def test_a_title_that_cannot_apply_is_refused(untitled, tmp_path, args, words):
    other = tmp_path / "other.txt"
    other.write_text("青岚市另一个方案\n" + BODY.replace("区财政局", "区科技局"), encoding="utf-8")
    done = run_taskmap(*[a.format(plan=untitled, plan2=other, out=tmp_path / "x.xlsx")
                         for a in args])
    assert done.returncode == 2 and words in done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "x.xlsx").exists()
