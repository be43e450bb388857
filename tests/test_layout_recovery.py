"""Layout recovery (taskmap/grammar/layout.py), the stage before the table grammar: what a
web page or a PDF did to a task table copied as text is undone, and every row still points
at the source lines it stands on. Invented tables only (our own text, shaped like the
published ones: cells one a line, header cells cut, names wrapped, rows flattened).

The rules are tested one by one on the stage's functions, then on the tables
`text_tables` reads (rows, cells, lines) and on the tasks a plan gives.
"""

from __future__ import annotations

import re

import pytest

import taskmap
from taskmap.grammar.layout import (
    Piece,
    flat_rows,
    header_columns,
    looks_like_persons,
    place,
    stacked_cells,
    unwrap,
    wrapped_name,
)
from taskmap.grammar.tables import TASK, column_role, find_header
from taskmap.grammar.texttables import text_tables
from taskmap.mentions import UNREAD_NAMES, whole_plan
from taskmap.read import document_from_text
from taskmap.text import Text


def _pieces(words: list[str], same_line: bool = False) -> list[Piece]:
    """Pieces of a header: one a line, or all on one line parted by single spaces."""
    if not same_line:
        return [Piece(Text.of(w), k, True) for k, w in enumerate(words)]
    t = Text.of(" ".join(words))
    return [Piece(c, 0, k == 0) for k, c in enumerate(t.split(re.compile(" ")))]


def _tables(text: str):
    doc = document_from_text(text)
    return doc, [t for t in text_tables(doc, set()) if t.rows]


def _tasks(text: str) -> list[tuple[int, list[str], list[str]]]:
    plan = taskmap.parse_text(text)
    return [(t.line, t.agencies("lead"), t.agencies("responsible")) for t in plan.tasks]


# ----------------------------------------------------------------------------- cells a line

@pytest.mark.parametrize(("line", "cells"), [
    ("区住建局 |", ["区住建局"]),  # the rule that closes a cell is no part of it
    ("区住建局", ["区住建局"]),
    (" | ", [""]),  # a rule alone: an empty cell
    ("||", ["", ""]),
    ("", []),  # a blank line: no cell
    ("   ", []),
])
def test_a_line_of_a_table_one_cell_a_line_holds_its_cell(line, cells):
    assert [p.text for p in stacked_cells(Text.of(line), 3)] == cells
    assert all(p.line == 3 for p in stacked_cells(Text.of(line), 3))


# ----------------------------------------------------------------------------- headers

@pytest.mark.parametrize(("words", "columns"), [
    (["序", "号", "工作任务", "牵头", "单位"], ["序号", "工作任务", "牵头单位"]),
    (["责任", "领导", "责任", "科室"], ["责任领导", "责任科室"]),  # not one 责任领导责任科室
    (["第二季度", "完成情况"], ["第二季度完成情况"]),
    (["进展", "情况"], ["进展情况"]),
    (["工", "作", "任", "务", "牵头单位"], ["工作任务", "牵头单位"]),
    (["攻坚目标", "任务"], ["攻坚目标", "任务"]),  # each names a column whole
    (["名称", "工作任务"], ["名称", "工作任务"]),
    (["事项", "责任单位", "牵头单位"], ["事项", "责任单位", "牵头单位"]),
    (["主责单位", "或牵头单位", "协助", "单位"], ["主责单位或牵头单位", "协助单位"]),
])
def test_header_pieces_join_into_the_columns_they_spell(words, columns):
    assert [p.text for p in header_columns(_pieces(words))] == columns


def test_header_pieces_of_one_line_keep_the_space_between_them():
    doc = document_from_text("序号 工作任务 牵头 单位 协助 单位")
    t = doc.text(0)
    pieces = [Piece(c, 0, k == 0) for k, c in enumerate(t.split(re.compile(" ")))]
    assert [p.text for p in header_columns(pieces, doc)] == [
        "序号", "工作任务", "牵头 单位", "协助 单位"]


def test_a_task_column_with_a_name_of_its_own_is_the_task_column():
    assert column_role("重点工作任务分解") == TASK
    assert column_role("工作任务清单") == TASK
    assert column_role("目标任务") == TASK  # a note label before a colon, a task over a column
    assert column_role("序号工作任务牵头") == ""  # cells a gap did not part are no column


# ----------------------------------------------------------------------------- names, persons

@pytest.mark.parametrize(("a", "b", "one"), [
    ("县交通", "运输局", True),  # the first piece is no body: the wrap of one name
    ("县委县政府", "督查室", True),  # an office without its own level word is its body's
    ("县住建局", "县财政局", False),  # two bodies, each with its level
    ("推进数字乡村", "农业农村局", False),  # a task's words are no name's start
    ("区发", "改委", True),
    ("县住建局", "各乡镇", False),
])
def test_a_name_a_cell_wrapped_is_one_name(a, b, one):
    assert wrapped_name(a, b) is one
    t = Text.of(f"{a} {b}")
    pieces = [Piece(t.cut(0, len(a)), 0, True), Piece(t.cut(len(a) + 1), 0, False)]
    joined = unwrap(pieces)
    assert [p.text for p in joined] == ([a + b] if one else [a, b])
    assert joined[-1].stop == len(t)  # where the piece ends in its line, the gap counted


@pytest.mark.parametrize(("cell", "persons"), [
    ("张 伟", True), ("王某、李某", True), ("副区长", True), ("区城管局", False),
    ("王某、区城管局", False), ("2024年底", False),
])
def test_a_person_cell_names_persons_and_no_body(cell, persons):
    assert looks_like_persons(cell) is persons


# ----------------------------------------------------------------------------- rows

def test_rows_without_numbers_start_at_their_task_once_the_row_before_has_its_bodies():
    t = Text.of("修缮老街立面。 镇建设办 年底前 制定方案 规范摊点经营秩序,整治占道经营。 "
                "镇城管中队 长期 建设公园 县住建局 长期 王某 县财政局")
    pieces = [Piece(c, 0, k == 0) for k, c in enumerate(t.split(re.compile(" ")))]
    assert [[p.text for p in row] for row in flat_rows(pieces)] == [
        ["修缮老街立面。", "镇建设办", "年底前", "制定方案"],  # a few words, no body after:
        ["规范摊点经营秩序,整治占道经营。", "镇城管中队", "长期"],  # the cell carries on
        ["建设公园", "县住建局", "长期", "王某", "县财政局"]]  # a name opens no row


def test_a_sub_row_cell_goes_to_the_column_it_fits():
    roles = ("number", TASK, "responsible", "other")

    def score(role: str, pieces: list[Piece]) -> float:
        v = pieces[0].v
        if role == "responsible":
            return 2.0 if v.endswith("局") else -2.0
        return 1.0 if role == TASK and len(v) > 4 else (-3.0 if role == "number" else 0.3)

    cells = [Piece(Text.of("新增学位540个"), 1, True)]
    assert place(roles, cells, score) == [1]
    cells = [Piece(Text.of("新增学位540个"), 1, True), Piece(Text.of("区财政局"), 1, False)]
    assert place(roles, cells, score) == [1, 2]


# ----------------------------------------------------------------------------- tables

CELLS_A_LINE = """青石镇2024年度重点工作推进表

序

号

重点工作

责任

领导

责任

科室

进展

情况

1

修缮老街立面

周 明

镇建设办

已完成主体施工。

2

规范农贸市场秩序

李某
王某

镇市场监管所、镇城管中队

已整治摊点40处。
"""


def test_a_table_one_cell_a_line_is_rows_of_cells_at_their_lines():
    [table] = _tables(CELLS_A_LINE)[1]
    header, *rows = table.rows
    assert header.cells == ("序号", "重点工作", "责任领导", "责任科室", "进展情况")
    assert (header.line, header.end) == (3, 19)
    assert [(r.line, r.end) for r in rows] == [(21, 29), (31, 40)]
    assert rows[0].cells == ("1", "修缮老街立面", "周 明", "镇建设办", "已完成主体施工。")
    assert rows[1].cells[2] == "李某、王某"  # two persons stacked in a cell
    assert rows[1].cells[3] == "镇市场监管所、镇城管中队"
    assert find_header(table) is not None
    assert _tasks(CELLS_A_LINE) == [(21, [], ["镇建设办"]),
                                    (31, [], ["镇市场监管所", "镇城管中队"])]


PIPES_A_LINE = """民生实事项目推进情况
序号 |
主要任务 |
年度目标 |
分管 领导 |
牵头 单位 |
协同单位 |
推进情况 |
12 |
新建社区食堂5家。 |
陈某 |
民政局 |
商务局、各街道 |
已建成3家。 |
||
13 |
改造老旧小区8个。 |
陈某 |
住建局 |
财政局 |
已完成4个。 |
|
"""


def test_a_pipe_table_dumped_one_cell_a_line_keeps_each_row_to_its_rules():
    [table] = _tables(PIPES_A_LINE)[1]
    _, *rows = table.rows
    assert [(r.line, r.end) for r in rows] == [(9, 15), (16, 22)]  # the closing rules too
    assert rows[0].text.split("\n")[-1] == "||"
    assert [(r.cells[4], r.cells[5]) for r in rows] == [("民政局", "商务局、各街道"),
                                                       ("住建局", "财政局")]
    assert _tasks(PIPES_A_LINE) == [(9, ["民政局"], ["商务局", "各街道"]),
                                    (16, ["住建局"], ["财政局"])]


FLATTENED = ("附件 枫林县扬尘治理任务清单 工作任务 责任单位 配合单位 完成时限 "
             "负责建筑工地扬尘管控,落实围挡、覆盖等措施.\n\n"
             "县住建局 持续开展 负责道路机扫保洁,提高洒水频次. 县城市管理 执法局 持续开展 "
             "负责督查各项措施落实情况. 县政府 督查室 每季度\n")


def test_a_table_flattened_to_running_text_keeps_each_row_to_its_stretch_of_line():
    doc, [table] = _tables(FLATTENED)
    header, *rows = table.rows
    assert header.cells == ("工作任务", "责任单位", "配合单位", "完成时限")
    assert [(r.line, r.end) for r in rows] == [(1, 3), (3, 3), (3, 3)]
    assert rows[0].text == "负责建筑工地扬尘管控,落实围挡、覆盖等措施.\n\n县住建局 持续开展"
    assert rows[1].text == "负责道路机扫保洁,提高洒水频次. 县城市管理 执法局 持续开展"
    assert rows[1].text in doc.lines[2] and rows[2].text in doc.lines[2]
    assert [r.cells[1] for r in rows] == ["县住建局", "县城市管理执法局", "县政府督查室"]
    assert _tasks(FLATTENED) == [(1, ["县住建局"], []), (3, ["县城市管理执法局"], []),
                                 (3, ["县政府督查室"], [])]


SUBROW = """序号 | 工作任务 | 责任单位 | 一季度目标 | 进展情况 |
1 | 新建幼儿园2所 | 区教育局 | 完成主体施工 | 主体结构已封顶。 |
新增学位540个 | ||||
2 | 改造农贸市场3个 | 区商务局 | 完成招标 | 已完成招标。 |
"""


def test_a_sub_row_belongs_to_the_row_above():
    [table] = _tables(SUBROW)[1]
    _, first, second = table.rows
    assert (first.line, first.end, second.line) == (2, 3, 4)
    assert first.cells[1] == "新建幼儿园2所新增学位540个"
    plan = taskmap.parse_text(SUBROW)
    assert [(t.line, t.title) for t in plan.tasks] == [
        (2, "新建幼儿园2所新增学位540个"), (4, "改造农贸市场3个")]


SECTIONS = """序号 目标任务 责任单位 推进情况
一、主要预期目标
1 地区生产总值增长5.5%左右。 区发展改革委 同比增长4.8%。
2 农业增加值增长4%。 区农业农村委
区林业局
区水利局
同比增长3.6%。
二、重点工作
(一)扩大有效投资
3 新开工重大项目30个。 区发展改革委 已开工18个。
"""


def test_a_row_runs_to_the_next_number_over_a_cell_one_body_a_line_and_sections():
    [table] = _tables(SECTIONS)[1]
    spans = [(r.line, r.end, len(r.cells)) for r in table.rows]
    assert spans == [(1, 1, 4), (2, 2, 1), (3, 3, 4), (4, 7, 4), (8, 8, 1), (9, 9, 1),
                     (10, 10, 4)]
    assert table.rows[3].cells[2:] == ("区农业农村委、区林业局、区水利局", "同比增长3.6%。")
    plan = taskmap.parse_text(SECTIONS)
    assert [(t.line, t.area) for t in plan.tasks] == [
        (3, "主要预期目标"), (4, "主要预期目标"), (10, "扩大有效投资")]


def test_a_number_cell_inside_a_row_one_cell_a_line_opens_no_row():
    text = "序号\n任务\n数量\n牵头单位\n配合单位\n1\n新建公园\n2\n县住建局\n县财政局\n2\n" \
           "改造游园\n3\n县城管局\n县住建局\n"
    assert _tasks(text) == [(6, ["县住建局"], ["县财政局"]), (11, ["县城管局"], ["县住建局"])]


def test_a_row_without_a_body_in_a_recovered_table_is_warned_not_dropped():
    text = "序号 工作任务 牵头单位 完成时限\n1 建设口袋公园 区城管局 2024年底\n" \
           "2 改造农贸市场 待定 2024年底\n"
    plan = taskmap.parse_text(text)
    assert [t.line for t in plan.tasks] == [2]
    assert [w.line for w in plan.warnings] == [3]


@pytest.mark.parametrize("after", ["各单位要高度重视,确保任务按期完成。",
                                   "各单位要 高度重视 确保按期完成"])
def test_a_sentence_after_a_table_is_no_part_of_its_last_row(after):
    numbered = ("序号 重点任务 牵头单位 配合单位\n1 建设公园 区城管局 区住建局\n"
                f"2 改造市场 区商务局 区市场监管局\n{after}\n")
    unnumbered = ("重点任务 牵头单位 配合单位 完成时限\n建设公园 区城管局 区住建局 年底前\n"
                  f"改造市场 区商务局 区市场监管局 长期\n{after}\n")
    for text in (numbered, unnumbered):
        [table] = _tables(text)[1]
        assert table.rows[-1].end == 3
        assert [t.line for t in taskmap.parse_text(text).tasks] == [2, 3]


def _mentions(w) -> bool:
    """A warning of taskmap.mentions (names not read), not of the table grammar."""
    return w.reason == UNREAD_NAMES or whole_plan(w)


HEADLESS_ROWS = """民生实事项目推进情况(续表)
24 | 新建社区食堂5家 | 陈某 | 民政局 | 商务局、各街道 | 已建成3家 |
25 | 改造老旧小区8个 | 陈某 | 住建局 | 财政局 | 已完成4个 |
"""
HEADLESS_CELLS = ("24 |\n新建社区食堂5家 |\n陈某 |\n民政局 |\n商务局 |\n||\n"
                  "25 |\n改造老旧小区8个 |\n陈某 |\n住建局 |\n财政局 |\n|\n")


@pytest.mark.parametrize(("text", "lines", "whole"),
                         [(HEADLESS_ROWS, [2, 3], True), (HEADLESS_CELLS, [1, 7], False)])
def test_rows_whose_header_the_excerpt_cut_are_warned_not_read(text, lines, whole):
    """Which body leads and which shares cannot be told without the header: each row that
    names one is reported on its line, none is read."""
    plan = taskmap.parse_text(text)
    assert plan.tasks == ()
    assert [(w.line, w.reason) for w in plan.warnings if not _mentions(w)] == [
        (n, "表格缺少表头(或表头未能识别),其中的单位未读作任务分工") for n in lines]
    # rows by number between rules: taskmap.mentions sees their bodies, and the plan, its
    # bodies mostly unread, says so first
    assert whole_plan(plan.warnings[0]) == whole


@pytest.mark.parametrize("text", [
    "序号 | 单位 | 联系人\n1 | 区发改委 | 张某\n2 | 区财政局 | 李某\n",
    "序号 |\n单位 |\n联系人 |\n1 |\n区发改委 |\n张某 |\n2 |\n区财政局 |\n李某 |\n",
    "1 | 2024年 | 增长5% |\n2 | 2025年 | 增长6% |\n"])
def test_a_table_with_a_header_of_its_own_or_no_body_is_no_task_table_and_says_nothing(text):
    plan = taskmap.parse_text(text)
    assert plan.tasks == () and plan.warnings == ()


def test_numbered_rows_side_by_side_on_a_line_of_single_spaces_are_rows():
    text = ("序号 重点任务 牵头单位 配合单位\n"
            "1 建设口袋公园 区城管局 区住建局 2 改造农贸市场 区商务局 区市场监管局 "
            "3 新建停车场 区交通局 区公安分局\n")
    [table] = _tables(text)[1]
    assert [r.text for r in table.rows[1:]] == [
        "1 建设口袋公园 区城管局 区住建局", "2 改造农贸市场 区商务局 区市场监管局",
        "3 新建停车场 区交通局 区公安分局"]
    assert _tasks(text) == [(2, ["区城管局"], ["区住建局"]), (2, ["区商务局"], ["区市场监管局"]),
                            (2, ["区交通局"], ["区公安分局"])]


def test_a_number_cell_mid_row_opens_no_row_before_the_row_has_half_its_columns():
    text = ("序号 任务 数量 牵头单位 配合单位\n1 新建公园 2 县住建局 县财政局\n"
            "2 改造游园 3 县城管局 县住建局\n")
    assert _tasks(text) == [(2, ["县住建局"], ["县财政局"]), (3, ["县城管局"], ["县住建局"])]


def test_text_parted_by_a_space_after_the_bodies_is_no_body():
    text = ("序号 目标任务 责任单位 推进情况\n"
            "1 地区生产总值增长6%以上。 区发展改革委 区统计局 同比增长4.8%, 居全市前列。\n"
            "2 规上工业增加值增长\n8%。 区经济信息委 同比增长5.2%。\n")
    plan = taskmap.parse_text(text)
    assert [(t.line, t.agencies("responsible"), t.title) for t in plan.tasks] == [
        (2, ["区发展改革委", "区统计局"], "地区生产总值增长6%以上"),
        (3, ["区经济信息委"], "规上工业增加值增长8%")]


def test_a_pipe_table_dumped_one_cell_a_line_without_numbers_has_a_row_a_header_wide():
    text = ("重点任务 |\n牵头单位 |\n配合单位 |\n建设口袋公园 |\n区城管局 |\n区住建局 |\n"
            "改造农贸市场 |\n区商务局 |\n |\n新建停车场 |\n区交通局 |\n区公安分局 |\n"
            "各单位要高度重视。\n")
    assert _tasks(text) == [(4, ["区城管局"], ["区住建局"]), (7, ["区商务局"], []),
                            (10, ["区交通局"], ["区公安分局"])]


def test_a_header_whose_rows_cannot_be_told_apart_is_reported():
    """Cells one a line with neither row numbers nor rules: an empty cell leaves no line, so
    the rows are not guessed; the header's line says so."""
    text = "重点任务\n\n牵头单位\n\n配合单位\n\n建设口袋公园\n\n区城管局\n\n区住建局\n"
    plan = taskmap.parse_text(text)
    assert plan.tasks == ()
    assert [(w.line, w.reason) for w in plan.warnings if not _mentions(w)] == [
        (1, "识别出任务表的表头,但未能读出其下的表格行")]
    assert {w.line for w in plan.warnings if w.reason == UNREAD_NAMES} == {9, 11}


@pytest.mark.parametrize("number", ["1", "1.", "1、"])
def test_a_row_number_may_carry_its_mark(number):
    text = f"序号 重点任务 牵头单位 配合单位\n{number} 建设口袋公园 区城管局 区住建局\n"
    assert _tasks(text) == [(2, ["区城管局"], ["区住建局"])]


@pytest.mark.parametrize(("text", "want"), [
    ("附件 重点工作进展情况 工作任务 责任单位 进展情况 推进老旧小区改造,完成20个小区。 县住建局 "
     "已完成12个小区,正在加快推进。 建设城市书房5个。 县文旅局 已建成3个。 新建停车泊位500个。 "
     "县城管局 县公安局 已完成320个。\n",
     [["县住建局"], ["县文旅局"], ["县城管局", "县公安局"]]),
    # the first row's progress cell is empty: the bodies that follow the next task show it
    ("工作任务 责任单位 进展情况 推进老旧小区改造,完成20个小区。 县住建局 "
     "建设城市书房5个。 县文旅局 已建成3个。\n", [["县住建局"], ["县文旅局"]]),
])
def test_a_flattened_table_with_a_text_column_after_its_bodies(text, want):
    """A progress text after the bodies is that row's cell, not the next row's task."""
    plan = taskmap.parse_text(text)
    assert [t.agencies("responsible") for t in plan.tasks] == want
    assert {t.line for t in plan.tasks} == {1}


def test_rows_without_numbers_keep_a_person_between_two_role_columns():
    text = ("工作任务 牵头单位 分管领导 配合单位 完成时限\n"
            "推进老旧小区改造 县住建局 张三 县财政局 年底前\n"
            "建设城市书房 县文旅局 李四 县教育局 长期\n")
    plan = taskmap.parse_text(text)
    assert [(t.agencies("lead"), t.agencies("responsible"), t.leaders) for t in plan.tasks] == [
        (["县住建局"], ["县财政局"], ("张三",)), (["县文旅局"], ["县教育局"], ("李四",))]


def test_an_empty_cell_one_cell_a_line_is_a_wider_gap_and_keeps_its_column():
    """Cells one a line a blank line apart: an empty cell leaves three blank lines, and the
    cells after it stay in their columns (a person cell, a lead cell left empty)."""
    cells = ["序号", "工作任务", "责任领导", "牵头单位", "配合单位",
             "1", "推进老旧小区改造", "", "区住建局", "区财政局",
             "2", "建设城市书房", "李某", "区文旅局", "",
             "3", "新建停车场", "王某", "", "区公安分局"]
    text = "\n\n".join(cells) + "\n"
    plan = taskmap.parse_text(text)
    assert [(t.line, t.agencies("lead"), t.agencies("responsible"), t.leaders)
            for t in plan.tasks] == [(11, ["区住建局"], ["区财政局"], ()),
                                     (21, ["区文旅局"], [], ("李某",)),
                                     (31, [], ["区公安分局"], ("王某",))]


@pytest.mark.parametrize("header", [
    "序号 | 重点任务 | 责任单位（部门） | 配合单位（部门） | 完成时限（时间）",
    "序号 | 重点任务 | 责任单位/部门 | 配合单位/部门 | 完成时限",
    "序号\n重点任务\n责任单位\n（部门）\n配合单位\n（部门）\n完成时限",
])
def test_a_column_named_twice_is_the_column_its_first_name_names(header):
    """牵头单位(部门), 责任单位/部门: the other name changes nothing, the helper column
    included (so 责任单位 leads beside it)."""
    row = ("1 | 建设口袋公园 | 区城管局 | 区住建局 | 2024年底" if "|" in header
           else "1\n建设口袋公园\n区城管局\n区住建局\n2024年底")
    plan = taskmap.parse_text(f"{header}\n{row}\n")
    assert [(t.agencies("lead"), t.agencies("responsible"), t.deadline) for t in plan.tasks] == [
        (["区城管局"], ["区住建局"], "2024年底")]


@pytest.mark.parametrize("sep", ["  ", " | ", "\t"])
def test_a_name_its_cell_wrapped_is_one_name_whatever_parts_the_cells(sep):
    row = ["1", "建设口袋公园", "县委县政府 督查室", "县交通 运输局、县住建局"]
    text = sep.join(["序号", "重点任务", "牵头单位", "配合单位"]) + "\n" + sep.join(row) + "\n"
    assert _tasks(text) == [(2, ["县委县政府督查室"], ["县交通运输局", "县住建局"])]


@pytest.mark.parametrize("sep", ["\t", " | ", " "])
def test_the_header_again_at_the_top_of_a_page_is_no_part_of_the_row_above(sep):
    header = sep.join(["序号", "重点任务", "牵头单位", "责任单位"])
    rows = [sep.join([str(k), f"整治第{k}批隐患", "县应急管理局", "县财政局"]) for k in (1, 2)]
    text = "\n".join([header, rows[0], header, rows[1]]) + "\n"
    plan = taskmap.parse_text(text)
    assert [(t.line, t.title, t.agencies("lead"), t.agencies("responsible"))
            for t in plan.tasks] == [(2, "整治第1批隐患", ["县应急管理局"], ["县财政局"]),
                                     (4, "整治第2批隐患", ["县应急管理局"], ["县财政局"])]
