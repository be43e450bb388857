"""The Chinese labels people read, written once for every view and file: roles, how a
name was resolved, what a diff says of a task."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..diff import ADDED, CHANGED, REMOVED, UNCHANGED
from ..models import LEAD, RESPONSIBLE, Plan
from ..rows import grouping

ROLE_LABELS = {LEAD: "牵头", RESPONSIBLE: "参与", "all": "牵头及参与"}
TIER_LABELS = {"exact": "完全一致", "alias": "别名", "normalized": "规范化", "prefix": "前缀推断",
               "function": "职能匹配", "collective": "集合主体", "fuzzy": "模糊匹配(待核实)",
               "unresolved": "未识别(待核实)"}
STATUS_LABELS = {ADDED: "新增", REMOVED: "删除", CHANGED: "调整", UNCHANGED: "未变"}
# a deadline that is no date (taskmap.grammar.deadlines), as the 完成时限(日期) column says it
DUE_KIND_LABELS = {"recurring": "定期(周期性)", "ongoing": "长期(持续)", "immediate": "即时",
                   "unresolved": "未能换算"}
DUE_NUMBER_FORMAT = "yyyy-mm-dd"


# What the outputs say of a plan that states no title (`taskmap … --title` gives it one).
UNTITLED = "未识别标题"


def plan_title(plan: Plan) -> str:
    """What a file calls a plan: its own title; when it states none, a label that says so
    and names the file read — marked as a file's name, never passed off as the title."""
    if plan.context.title:
        return plan.context.title
    name = Path(plan.source).name if plan.source else ""
    return f"（{UNTITLED}：文件 {name}）" if name else f"（{UNTITLED}）"


def plan_labels(plans: Sequence[Plan]) -> dict[str, str]:
    """source → the plan's title; titles that two files share are told apart by file."""
    titles = [plan_title(p) for p in plans]
    return {p.source: t if titles.count(t) == 1 else f"{t}（{Path(p.source).name or p.source}）"
            for p, t in zip(plans, titles, strict=True)}


def issued(plan: Plan) -> str:
    """文号 and date as a 公文 writes them: 青政办发〔2024〕12号，2024年4月2日印发."""
    ctx = plan.context
    parts = [ctx.number] if ctx.number else []
    if ctx.date:
        pieces = ctx.date.split("-")
        parts.append("".join(f"{int(p)}{u}" for p, u in zip(pieces, "年月日", strict=False))
                     + "印发")
    return "，".join(parts)


# An agency a standing statement adds (以下任务均需各县区政府落实…), marked in plain text too
# (a pipe or a printout loses the dim italics of a terminal), and the legend that says so.
IMPLICIT_MARK = "＊"
IMPLICIT_LEGEND = (f"{IMPLICIT_MARK} 隐含落实单位:方案以统一表述(如“以下任务均需各县(市、区)"
                   "人民政府落实”)加入,该任务原文未逐一列出。")


# `taskmap track`: what a task is at the date (taskmap.tracking.STATES), and the fields of a
# task a filled-in copy may say something of
STATE_LABELS = {"unverified": "待核实", "overdue": "逾期", "soon": "即将到期",
                "in_progress": "推进中", "not_started": "未启动", "ongoing": "长期推进",
                "no_deadline": "无时限", "done": "已完成"}
TRACK_FIELD_LABELS = {"area": "行动领域", "title": "重点任务", "deadline": "完成时限",
                      LEAD: "牵头单位", RESPONSIBLE: "责任单位", "progress": "进展情况",
                      "status": "完成状态"}


def chinese_date(day) -> str:
    """2024-07-15 → 2024年7月15日."""
    return f"{day.year}年{day.month}月{day.day}日"


# a heading's numbering as a plan writes it, by outline level (models.Heading.level)
HEADING_NUMBERING = {0: "{}　", 1: "{}、", 2: "（{}）", 3: "{}.", 4: "（{}）", 5: "{}"}


def grouping_note(plan: Plan) -> str:
    """Which level of `plan`'s headings the matrices count by (`rows.grouping`), said for
    the workbook's 说明: 按“（一）”级标题统计, or the level above and why."""
    g = grouping(plan)
    level = g.level
    why = "：其下一级标题大多只含一项任务，不单列为行动领域" if g.up else ""
    if level is None:
        return ("按方案的上一级标题统计" if g.up else "按方案的行动领域统计") + why
    form = HEADING_NUMBERING.get(level.level, "{}")
    first = form.format("1" if level.number.isdigit() else "一")  # the level: （一）
    example = form.format(level.number) + level.title
    return f"按“{first}”这一级标题统计（如“{example}”）{why}"
