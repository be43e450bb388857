"""A coverage the grammar cannot fool: the bodies a plan names where work is given out are
found apart from the grammar (taskmap.mentions), and each is read or flagged on its line.

Every plan text here is our own invention. A layout the grammar does not read today may be
read tomorrow: the tests say "read or flagged" where the grammar decides, and ask the
detector itself (`mentions.find`, which knows nothing of the grammar) what it sees.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import DATA, run_taskmap
from openpyxl import load_workbook

import taskmap
from taskmap import lexicon as lx
from taskmap import mentions
from taskmap.mentions import TABLE, UNREAD_NAMES, Names, find, whole_plan
from taskmap.pipeline import national_table
from taskmap.read import document_from_text

# a task table flattened onto one line: cells by single spaces, no row numbers (line 2)
FLAT = ("溪岚县2024年优化营商环境攻坚行动任务清单\n"
        "附件 任务清单 工作任务 责任单位 配合单位 完成时限 推进企业开办全程网办,压缩办理时间。"
        " 县市场监管局 县数据资源局 6月底前 深化工程建设项目审批制度改革,推行联合验收。"
        " 县住建局 县自然资源局、县发改局 持续推进 开展涉企收费专项清理。"
        " 县发改局 县财政局 9月底前\n")
FLAT_NAMES = ["县市场监管局", "县数据资源局", "县住建局", "县自然资源局", "县发改局", "县发改局",
              "县财政局"]

# a table one cell a line, cells apart by blank lines or lines holding only `|`, a header
# cut over two lines (分管 / 领导) and a role column 协同单位
CELLS = "\n".join([
    "溪岚县2024年民生实事项目推进情况", "", "序号", "|", "项目名称", "|", "分管", "领导", "|",
    "牵头单位", "|", "协同单位", "|", "完成情况", "", "1", "|", "新建城区公办幼儿园2所", "|",
    "王某某", "|", "县教育局", "|", "县住建局、县自然资源局", "|", "主体完工", "",
    "2", "|", "改造老旧小区12个", "|", "李某某", "|", "县住建局", "|", "各街道办事处", "|",
    "完成8个", ""])
CELLS_NAME_LINES = {22: ["县教育局"], 24: ["县住建局", "县自然资源局"], 34: ["县住建局"],
                    36: ["各街道办事处"]}
CELLS_ROWS = {17: range(17, 29), 29: range(29, 41)}  # each row: its number's line, its lines

# rows by single spaces, each opening with its number, no header: who carries each task is
# named, which column gives what role is not
NUMBERED = ("溪岚县2024年重点工作任务\n"
            "1 推进县域商业体系建设,新建乡镇商贸中心3个 县商务局 年底前\n"
            "2 加强耕地保护,完成高标准农田建设2万亩 县农业农村局 县自然资源局 年底前\n"
            "3 实施城区雨污分流改造 县住建局 10月底前\n")

# prose that only names bodies: the guideline's "Not a block", a question, a signature, a
# print line, a website's footer and toolbar, a body's second name, a short name
PROSE = "\n".join([
    "溪岚县优化营商环境实施方案",
    "市发展改革委负责《方案》工作任务的统一督导调度。",
    "各项重点任务的主责单位牵头组织责任单位抓好任务细化分解。",
    "哪些部门牵头?哪些部门配合?",
    "具体工作由县发改局负责。",
    "请县住房城乡建设局(县城市综合执法局)做好衔接,县发展和改革局(以下简称县发改局)汇总。",
    "各主办单位牵头抓总,各协办单位密切配合,确保按期完成。",
    "县人民政府办公室",
    "2024年3月8日",
    "中共溪岚县委办公室    2024年3月9日印发",
    "主办:溪岚县人民政府办公室 承办:溪岚县融媒体中心",
    "来源:溪岚县人民政府办公室 | 时间:2024-03-08 | 浏览次数:12",
])


def _names(doc_text: str):
    with lx.using(None):
        return find(document_from_text(doc_text), Names(national_table()))


def _ours(plan) -> list:
    return [w for w in plan.warnings if w.reason == UNREAD_NAMES or whole_plan(w)]


def _read_lines(plan) -> set[int]:
    return {n for t in plan.tasks for n in range(t.line, t.line + t.block.count("\n") + 1)}


def _flagged_lines(plan) -> set[int]:
    return {n for w in plan.warnings for n in range(w.line, w.line + w.text.count("\n") + 1)}


def test_a_flattened_table_is_seen_by_the_detector_and_read_or_flagged_on_its_line():
    found = _names(FLAT)
    assert [m.name for m in found] == FLAT_NAMES
    assert {m.line for m in found} == {2} and {m.why for m in found} == {TABLE}
    plan = taskmap.parse_text(FLAT)
    assert 2 in _read_lines(plan) | _flagged_lines(plan)
    if not plan.tasks:  # nothing read: the line is flagged, and the plan as a whole
        assert [w.reason for w in plan.warnings if w.line == 2 and not whole_plan(w)] == [
            UNREAD_NAMES]
        assert whole_plan(plan.warnings[0]) and plan.warnings[0].line == 2
        assert plan.warnings[0].reason == "第2行多处列有单位名称,但未读出任务分工,请人工核对"
        assert plan.coverage.mentions == plan.coverage.mentions_unread == len(FLAT_NAMES)


def test_a_table_one_cell_a_line_is_seen_by_the_detector_and_each_row_read_or_flagged():
    found = _names(CELLS)
    assert {n: [m.name for m in found if m.line == n] for n in CELLS_NAME_LINES} == (
        CELLS_NAME_LINES)
    assert {m.line for m in found} == set(CELLS_NAME_LINES)
    assert {m.why for m in found} == {TABLE}
    plan = taskmap.parse_text(CELLS)
    covered = _read_lines(plan) | _flagged_lines(plan)
    for first, lines in CELLS_ROWS.items():
        assert covered & set(lines), f"the row at line {first} is neither read nor flagged"


def test_rows_by_number_without_a_header_are_flagged_and_the_plan_warned_whole():
    assert [(m.line, m.name) for m in _names(NUMBERED)] == [
        (2, "县商务局"), (3, "县农业农村局"), (3, "县自然资源局"), (4, "县住建局")]
    plan = taskmap.parse_text(NUMBERED)
    assert not plan.tasks, "the grammar reads this fixture now: give the tests another layout"
    whole, *lines = _ours(plan)
    assert whole is plan.warnings[0] and whole_plan(whole)
    assert whole.reason == "第2–4行多处列有单位名称,但未读出任务分工,请人工核对"
    assert whole.text == "县商务局、县农业农村局、县自然资源局等共4处"
    assert [(w.line, w.text) for w in lines] == [
        (n, NUMBERED.splitlines()[n - 1]) for n in (2, 3, 4)]
    c = plan.coverage
    assert (c.mentions, c.mentions_read, c.mentions_warned, c.mentions_unread) == (4, 0, 0, 4)


# More layouts of task tables (invented), and what the detector names in each, whatever
# the grammar reads of them: (text, [(line, name), …])
LAYOUTS = {
    "a header spaced character by character": (
        "序 号    工 作 任 务    责 任 单 位    完 成 时 限\n"
        "1    推进数字乡村建设    县农业农村局    年底\n", [(2, "县农业农村局")]),
    "box rules, 承办 and 协办 columns": (
        "│序号│重点工作│承办单位│协办单位│时限│\n"
        "│1│实施城乡供水一体化│县水利局│县住建局、县财政局│10月│\n",
        [(2, "县水利局"), (2, "县住建局"), (2, "县财政局")]),
    "Traditional, tabs, a 責任主體 column": (
        "序號\t工作任務\t責任主體\t完成時限\n推進縣域商業體系建設\t縣商務局\t年底\n",
        [(2, "縣商務局")]),
    "a mark, a trailing 等, a closing stop, a cell glued to its task": (
        "工作任务 责任单位 完成时限\n"
        "推进数字乡村建设 县农业农村局★、县数据资源局 年底\n"
        "实施城乡供水一体化 县水利局等 10月\n"
        "推进老旧小区改造。县住建局; 9月\n",
        [(2, "县农业农村局"), (2, "县数据资源局"), (3, "县水利局"), (4, "县住建局")]),
    "a row between tabs, no header": (
        "1\t推进数字乡村建设\t县农业农村局\t年底\n", [(1, "县农业农村局")]),
    "a header's role column cut over two lines, names a line each": (
        "序号\n目标任务\n牵头\n单位\n推进情况\n1\n地区生产总值增长6%\n县发改局\n县统计局\n"
        "同比增长5%\n", [(8, "县发改局"), (9, "县统计局")]),
}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_the_detector_sees_the_names_of_task_tables_in_other_layouts(layout):
    text, names = LAYOUTS[layout]
    assert [(m.line, m.name) for m in _names(text)] == names


def test_prose_that_merely_names_bodies_is_no_mention_and_warns_nothing():
    assert _names(PROSE) == []
    plan = taskmap.parse_text(PROSE)
    assert _ours(plan) == [] and plan.coverage.mentions == 0


def test_a_body_named_beside_a_block_read_is_read_and_one_not_read_is_flagged():
    text = ("一、重点任务\n"
            "1.推进某项工作。(牵头单位:县发改局;责任单位:县财政局)\n"
            "2.加强某项工作。(县住建局、县水利局)\n"
            "3.完善某项制度。实施主体:县民政局、县人社局\n")
    plan = taskmap.parse_text(text)
    read = _read_lines(plan)
    flagged = {w.line for w in plan.warnings if w.reason == UNREAD_NAMES}
    for line, names in ((2, ["县发改局", "县财政局"]), (3, ["县住建局", "县水利局"]),
                        (4, ["县民政局", "县人社局"])):
        assert line in read or line in flagged, line
        assert line not in read or line not in flagged, line
        assert [m.name for m in _names(text) if m.line == line] == names
    c = plan.coverage
    assert c.mentions == c.mentions_read + c.mentions_warned + c.mentions_unread == 6


def test_lines_of_names_alone_continuing_a_row_are_warned_with_it():
    text = ("溪岚县2024年重点工作任务\n"
            "1 地区生产总值增长6% 县发改局\n"
            "县统计局\n"
            "县财政局\n"
            "2 实施城区雨污分流改造 县住建局 10月底前\n")
    assert [(m.line, m.name) for m in _names(text)] == [
        (2, "县发改局"), (3, "县统计局"), (4, "县财政局"), (5, "县住建局")]
    plan = taskmap.parse_text(text)
    assert not plan.tasks, "the grammar reads this fixture now: give the tests another layout"
    assert [(w.line, w.text) for w in plan.warnings if w.reason == UNREAD_NAMES] == [
        (2, "1 地区生产总值增长6% 县发改局\n县统计局\n县财政局"),
        (5, "2 实施城区雨污分流改造 县住建局 10月底前")]


@pytest.mark.parametrize("path", sorted(DATA.glob("*.txt")), ids=lambda p: p.name)
def test_the_demo_plans_name_their_bodies_only_where_they_are_read(path):
    plan = taskmap.load_plan(path)
    c = plan.coverage
    assert c.mentions > 0 and c.mentions == c.mentions_read
    assert _ours(plan) == []


def test_the_detector_reads_the_words_in_force():
    """A role column the words know makes a table; with the words of one parse lacking its
    morpheme, the same column is none, and the next parse has the process's words again."""
    text = "工作任务 承办单位 完成时限\n推进某项工作 县住建局 年底\n加强某项工作 县水利局 9月\n"
    shipped = lx.WORDS if "WORDS" in vars(lx) else None
    words = taskmap.load_words()
    labels = {**words.labels, "responsible_morphemes": [
        w for w in words.labels["responsible_morphemes"] if w != "承办"]}
    other = replace(words, labels=labels)
    doc = document_from_text(text)
    with lx.using(None):
        before = [m.name for m in find(doc, Names(national_table()))]
    with lx.using(other):
        without = [m.name for m in find(doc, Names(national_table()))]
    with lx.using(None):
        after = [m.name for m in find(doc, Names(national_table()))]
    assert before == after == ["县住建局", "县水利局"] and without == []
    assert shipped is None or lx.WORDS is shipped


def test_a_table_flattened_onto_one_line_costs_linearly():
    """Cells, labels, verbs and brackets of a whole table on one line: all found, and 4× the
    rows take about 4× the time, not 16× (a look at the whole line for each cell was
    quadratic). A ratio within one run, no absolute time."""
    import time

    row = (" 推进某项工作{k}。 县住建局 县财政局、县发改局 年底"
           " 加强某项工作{k}。(县水利局牵头,县农业农村局配合) 完善某项制度{k}。责任单位:县民政局")
    names = names_of_table()

    def seconds(n: int) -> float:
        doc = document_from_text("序号 工作任务 责任单位 配合单位 完成时限"
                                 + "".join(row.format(k=k) for k in range(n)))
        assert doc.views  # the views made before the clock starts, as a parse has them
        best = float("inf")
        for _ in range(3):
            with lx.using(None):
                start = time.perf_counter()
                found = find(doc, names)
                best = min(best, time.perf_counter() - start)
        assert len(found) == 6 * n and {m.line for m in found} == {1}
        return best

    assert seconds(4_000) / seconds(1_000) < 8


def names_of_table():
    with lx.using(None):
        return mentions.names_of(national_table())


# ------------------------------------------------------------------------ in every output

@pytest.fixture(scope="module")
def unread_plan(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("mentions") / "溪岚县重点工作.txt"
    path.write_text(NUMBERED, encoding="utf-8")
    return path


WHOLE = "第2–4行多处列有单位名称,但未读出任务分工,请人工核对"


def test_the_whole_plan_warning_is_in_the_json_first_with_the_counts(unread_plan):
    data = json.loads(run_taskmap("extract", str(unread_plan), "-f", "json",
                                  check=True).stdout)
    assert data["warnings"][0]["reason"] == WHOLE and data["warnings"][0]["line"] == 2
    assert [w["line"] for w in data["warnings"][1:]] == [2, 3, 4]
    assert {k: v for k, v in data["coverage"].items() if k.startswith("mentions")} == {
        "mentions": 4, "mentions_read": 0, "mentions_warned": 0, "mentions_unread": 4}


def test_the_whole_plan_warning_is_in_the_csv_and_the_terminal_table(unread_plan):
    rows = list(csv.DictReader(io.StringIO(
        run_taskmap("extract", str(unread_plan), "-f", "csv", "--csv-keys", "en",
                    check=True).stdout)))
    assert next(r["reason"] for r in rows if r["kind"] == "warning") == WHOLE
    table = "".join(run_taskmap("extract", str(unread_plan), check=True).stdout.split())
    assert f"注意:{WHOLE}(见解析警告)。" in table
    assert "列有单位名称之处4处:读作任务分工0处,所在行另有解析警告0处,未能读出4处" in table


def test_the_whole_plan_warning_is_in_the_report_and_the_workbook(unread_plan, tmp_path):
    report = run_taskmap("report", str(unread_plan), check=True).stdout.replace("\n", "")
    assert f"{WHOLE}(见解析警告)。" in report and "注意:" in report
    book = tmp_path / "分工统计.xlsx"
    run_taskmap("export", str(unread_plan), "-o", str(book), check=True)
    sheet = load_workbook(book)["解析警告"]
    rows = [r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] is not None]
    assert rows[0][1:] == (2, "县商务局、县农业农村局、县自然资源局等共4处", WHOLE)
    assert [(r[1], r[3]) for r in rows[1:]] == [(n, UNREAD_NAMES) for n in (2, 3, 4)]


# ------------------------------------------------------------------- published plans

def _read_or_flagged(folder: Path) -> tuple[int, int, list]:
    """(gold blocks, blocks neither read nor flagged, those blocks) of a folder of
    published plans, as ../shared/eval/silent.py counts them."""
    blocks, silent = 0, []
    for key in sorted((folder / "gold").glob("*.json")):
        gold = json.loads(key.read_text(encoding="utf-8"))
        plan = taskmap.load_plan(folder / "docs" / gold["doc"])
        seen = _read_lines(plan) | _flagged_lines(plan)
        for b in gold["blocks"]:
            blocks += 1
            if not seen & set(range(b["line"], b["line"] + b["text"].count("\n") + 1)):
                silent.append((gold["doc"], b["line"]))
    return blocks, len(silent), silent


@pytest.mark.parametrize("name", ["realplans", "realplans2"])
def test_published_plans_blocks_are_read_or_flagged(shared, name):
    blocks, silent, which = _read_or_flagged(shared / name)
    assert blocks > 100 and (blocks - silent) / blocks >= 0.99, which


def test_published_plans_read_whole_and_plans_that_assign_nothing_raise_no_alarm(shared):
    """No warning of ours on the published plans read whole (a false alarm each), and none
    on the plans that give no task out (nothing there is a block)."""
    for path in sorted((shared / "realplans" / "docs").glob("*.txt")):
        assert _ours(taskmap.load_plan(path)) == [], path.name
    negatives = [shared / "seeds" / n for n in sorted(
        p.name for p in (shared / "seeds").glob("00[01]_*.txt"))]
    negatives += sorted((shared / "realplans2" / "docs").glob("60_*.txt"))
    assert len(negatives) == 3
    for path in negatives:
        assert not any(whole_plan(w) for w in taskmap.load_plan(path).warnings), path.name


def test_mentions_lives_above_the_grammar():
    """The detector reads names (alias tables) and the words, never the grammar's modules:
    it cannot share the grammar's blind spots."""
    source = Path(mentions.__file__).read_text(encoding="utf-8")
    assert "grammar" not in "".join(
        line for line in source.splitlines() if line.startswith(("from", "import")))


# A table whose cells a page ran together, header and rows (invented): no gap, no rule.
GLUED = ("青岚区2024年民生实事项目责任分解表\n"
         "序号项目名称主要内容区分管领导牵头单位配合单位\n"
         "1增加学位供给新建学校3所,新增学位2000个。王某区教育局区财政局各街道\n"
         "2优化养老服务提升改造养老服务中心5家。李某区民政局区卫健委\n")
GLUED_PROSE = ("一、保障措施\n各牵头单位要会同责任单位细化工作措施,明确完成时限。\n"
               "各牵头单位和协办单位的具体工作任务要按季度报送区发改局、区财政局。\n")


def test_a_table_run_together_is_flagged_on_its_rows_and_the_plan_warned_whole():
    found = _names(GLUED)
    assert {m.line for m in found} == {3, 4} and {m.why for m in found} == {TABLE}
    plan = taskmap.parse_text(GLUED)
    assert {3, 4} <= _read_lines(plan) | _flagged_lines(plan)
    if not plan.tasks:
        assert whole_plan(plan.warnings[0])


def test_a_sentence_naming_roles_and_tasks_is_no_header_run_together():
    assert _names(GLUED_PROSE) == []
    assert _ours(taskmap.parse_text(GLUED_PROSE)) == []


def test_a_long_cell_of_names_one_cell_a_line_is_seen():
    """A cell one a line that lists many bodies (longer than one name, shorter than a
    paragraph) under a header one cell a line: its names are mentions."""
    text = ("目标任务\n\n责任领导\n\n责任单位\n\n1. 地区生产总值增长6%以上。\n\n王某\n\n"
            "市发改委、市经信委、市住建局(市规划局)、市商务局、市农业农村局、市统计局、"
            "各县(市、区)政府\n")
    found = _names(text)
    assert {m.line for m in found} == {11} and len(found) >= 6
    plan = taskmap.parse_text(text)
    assert 11 in _read_lines(plan) | _flagged_lines(plan)
