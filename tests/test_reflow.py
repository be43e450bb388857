"""Plans flattened onto one line or a few (a web page that lost its line breaks): lines
restored before the grammar (taskmap/grammar/reflow.py), every line number still the
file's. All plan text here is invented."""

from __future__ import annotations

import docx

import taskmap
from taskmap.grammar.reflow import reflow
from taskmap.read import document_from_text

FLAT = ("青岚区城市更新行动方案 为加快城市更新,制定本方案。一、工作目标 到年底完成改造30个。"
        "二、重点任务 (一)推进老旧小区改造。1.完成30个老旧小区改造。责任单位:区住建局、区财政局,"
        "各街道办事处 2.推进加装电梯120部。牵头单位:区住建局;责任单位:区市场监管局 "
        "(二)完善公共设施。3.新建口袋公园10个(区城管局牵头,区自然资源分局配合)"
        "4.改造背街小巷20条。区城管局牵头,各街道配合。三、保障措施 (一)加强组织领导。成立专班。")


def _tasks(plan):
    return [(t.line, t.chapter, t.area, t.title, t.agencies("lead"), t.agencies("responsible"))
            for t in plan.tasks]


def test_a_plan_on_one_line_reads_like_the_plan_it_was():
    plan = taskmap.parse_text(FLAT)
    assert _tasks(plan) == [
        (1, "重点任务", "推进老旧小区改造", "完成30个老旧小区改造", [],
         ["区住建局", "区财政局", "各街道办事处"]),
        (1, "重点任务", "推进老旧小区改造", "推进加装电梯120部", ["区住建局"], ["区市场监管局"]),
        (1, "重点任务", "完善公共设施", "新建口袋公园10个", ["区城管局"], ["区自然资源分局"]),
        (1, "重点任务", "完善公共设施", "改造背街小巷20条", ["区城管局"], ["各街道"]),
    ]
    assert {h.line for h in plan.outline} == {1}
    assert {w.line for w in plan.warnings} == {1}  # 未写明牵头单位, on the file's line


def test_the_same_plan_on_its_own_lines_gives_the_same_tasks():
    lines = FLAT.replace("。一、", "。\n一、").replace(" 2.", "\n2.").replace("二、", "\n二、")
    lines = lines.replace("(二)", "\n(二)").replace("(一)", "\n(一)").replace("1.", "\n1.")
    lines = lines.replace(")4.", ")\n4.").replace("3.", "\n3.").replace("三、", "\n三、")
    apart = taskmap.parse_text(lines)
    flat = taskmap.parse_text(FLAT)
    assert [t[1:] for t in _tasks(apart)] == [t[1:] for t in _tasks(flat)]
    assert len({t.line for t in apart.tasks}) == 4


def test_line_numbers_are_the_files_when_one_line_of_many_is_flattened():
    text = "青岚区行动方案\n\n说明文字。\n" + FLAT.split("二、", 1)[1] + "\n附件:清单"
    plan = taskmap.parse_text(text)
    assert [t.line for t in plan.tasks] == [4, 4, 4, 4]
    assert all(w.line == 4 for w in plan.warnings)


def test_numbers_that_do_not_carry_on_a_sequence_are_not_cut():
    for text in (
        "1.推进改造。增长2.5%以上。3.5万平方米 (牵头单位:区住建局)",  # decimals
        "1.推进改造,按第(二)项要求实施。(牵头单位:区住建局)",  # a cross-reference
        "1.推进改造。 5.完成验收 (牵头单位:区住建局)",  # out of sequence
        "1.推进改造(含2.老旧管网 3.二次供水)。(牵头单位:区住建局)",  # inside a bracket
        "一、总体要求\n1.推进改造,完成1、2、3号楼。(牵头单位:区住建局)",  # 2、 after 、
    ):
        doc = document_from_text(text)
        assert reflow(doc) == (doc, ()), text


def test_a_flattened_plan_of_more_than_99_tasks_keeps_every_task():
    """Task numbers of three digits carry the sequence on too (a flattened plan of 120
    tasks once lost all after the 99th, with no warning)."""
    flat = "青岚区城市更新行动方案 一、重点任务 " + "".join(
        f"{i}.完成第{i}批小区改造。牵头单位:区住建局;责任单位:区财政局 " for i in range(1, 121))
    for text in (flat, flat.replace(" ", "\n")):  # and the plan on its own lines
        plan = taskmap.parse_text(text)
        assert [t.title for t in plan.tasks] == [f"完成第{i}批小区改造" for i in range(1, 121)]
        assert all(t.agencies("lead") == ["区住建局"] for t in plan.tasks)


def test_a_document_with_nothing_to_cut_comes_back_as_it_is():
    doc = document_from_text("一、重点任务\n1.推进某事。(牵头单位:区发改委)\n2.推进另一事。")
    assert reflow(doc)[0] is doc


def test_a_files_table_keeps_its_rows_when_a_paragraph_above_is_cut(tmp_path):
    d = docx.Document()
    d.add_paragraph("青岚区行动方案 一、重点任务 1.推进某事。(牵头单位:区发改委) "
                    "2.推进另一事。(牵头单位:区财政局)")
    table = d.add_table(rows=2, cols=3)
    for k, text in enumerate(("序号", "重点任务", "牵头单位")):
        table.cell(0, k).text = text
    for k, text in enumerate(("3", "完善工作台账", "区统计局")):
        table.cell(1, k).text = text
    path = tmp_path / "plan.docx"
    d.save(str(path))
    plan = taskmap.load_plan(path)
    assert [(t.line, t.agencies("lead")) for t in plan.tasks] == [
        (1, ["区发改委"]), (1, ["区财政局"]), (3, ["区统计局"])]


def test_a_notice_and_its_plan_on_one_line_start_the_plan_after_the_notice():
    text = ("青岚区人民政府关于印发青岚区城市更新行动方案的通知 各街道办事处,区政府各部门: "
            "现将方案印发给你们,请认真贯彻执行。一、各部门要高度重视。二、各部门要按季度报送进展。 "
            "青岚区人民政府 2024年3月1日 青岚区城市更新行动方案 一、重点任务 (一)推进老旧小区改造。"
            "1.完成30个老旧小区改造。(牵头单位:区住建局;责任单位:区财政局) "
            "2.推进加装电梯120部。(牵头单位:区住建局)")
    plan = taskmap.parse_text(text)
    assert [(t.chapter, t.area, t.title) for t in plan.tasks] == [
        ("重点任务", "推进老旧小区改造", "完成30个老旧小区改造"),
        ("重点任务", "推进老旧小区改造", "推进加装电梯120部")]
    c = plan.context
    assert (c.title, c.issuer, c.date, c.body_start) == (
        "青岚区城市更新行动方案", "青岚区人民政府", "2024-03-01", 1)
    assert [h.title for h in plan.outline][:1] == ["重点任务"]  # not the notice's 一、


def test_runs_of_tabs_and_spaces_cost_linearly():
    """A spreadsheet row of thousands of empty cells (tabs), a line of spaces: 4× as long
    takes about 4× the time, not 16× (a run tried at each of its characters was
    quadratic: 16,000 tabs took 25 s). A ratio within one run, no absolute time."""
    import time

    def seconds(n: int) -> float:
        doc = document_from_text("1.推进某项工作。(牵头单位:县住建局)" + "\t" * n + "\n"
                                 + "2.完善某项制度。" + " " * n + "3.加强某项工作。\n")
        assert doc.views  # the views made before the clock starts, as a parse has them
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            reflow(doc)
            best = min(best, time.perf_counter() - start)
        return best

    assert seconds(16_000) / seconds(4_000) < 8
