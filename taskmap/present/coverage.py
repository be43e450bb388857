"""How many places of a plan give out work and how many warnings it has, in words that add
up: the same story in the terminal, the report, the web page and the workbook.

分工片段 (`Coverage.seen`) are the places where the plan gives out work: a stretch holding a
role word (牵头, 负责, 配合…) or a block read as an assignment without one (a task table's
row of names under its 牵头单位 header). Each is read, or stands on a line that already
has a warning of its own, or is unread — and then is one warning (解析警告) itself. The
warnings are these, the lines naming bodies where nothing was read, and the others the
grammar raised (an empty 责任单位, no lead named): `warning_counts` splits them so.

>>> import taskmap
>>> plan = taskmap.parse_text("1.推进节能。(牵头单位:区发改委)\\n"
...                           "2.加强监管(领导亲自负责、亲自部署)。")
>>> coverage_sentence(plan).split(":")[1]
'读作任务分工 1 处,所在行另有解析警告 0 处,未能读出 1 处。'
>>> warnings_sentence(plan)
'解析警告 1 条:未能读出的分工片段 1 条,列有单位名称但未读出 0 条,其他 0 条。'
"""

from __future__ import annotations

from dataclasses import dataclass

from ..grammar.coverage import UNREAD
from ..mentions import UNREAD_NAMES, whole_plan
from ..models import Plan

# the report's caption and the workbook's note: what each number of `12=10+1+1` is, and
# what the warnings are
SEGMENTS_FORMULA = ("分工片段(含分工用语或读作任务分工之处)= 读作任务分工 + 所在行另有警告"
                    " + 未能读出")
WARNINGS_FORMULA = "警告 = 未能读出的分工片段 + 列有单位名称但未读出 + 其他(如未写明牵头单位)"


@dataclass(frozen=True)
class WarningCounts:
    """A plan's warnings by what they say: `total` == `segments` + `names` + `other`."""

    total: int
    segments: int  # role-bearing segments nothing read (Coverage.unread)
    names: int  # lines naming bodies where nothing was read, and the plan-wide one
    other: int  # the grammar's own: an empty cell, no lead named, a placeholder…


def warning_counts(plan: Plan) -> WarningCounts:
    segments = sum(w.reason == UNREAD for w in plan.warnings)
    names = sum(w.reason == UNREAD_NAMES or whole_plan(w) for w in plan.warnings)
    total = len(plan.warnings)
    return WarningCounts(total, segments, names, total - segments - names)


def coverage_sentence(plan: Plan) -> str:
    c = plan.coverage
    return (f"分工片段 {c.seen} 处(含分工用语或读作任务分工之处):读作任务分工 {c.read} 处,"
            f"所在行另有解析警告 {c.warned} 处,未能读出 {c.unread} 处。")


def warnings_sentence(plan: Plan) -> str:
    n = warning_counts(plan)
    if not n.total:
        return "无解析警告。"
    return (f"解析警告 {n.total} 条:未能读出的分工片段 {n.segments} 条,"
            f"列有单位名称但未读出 {n.names} 条,其他 {n.other} 条"
            f"{'(如单位栏为空、未写明牵头单位)' if n.other else ''}。")
