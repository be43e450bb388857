"""Rich renderables in Chinese for people reading a terminal. Returns them; never prints."""

from __future__ import annotations

from rich import box
from rich.console import Group
from rich.table import Table
from rich.text import Text

from ..mentions import whole_plan
from ..models import LEAD, RESPONSIBLE, Plan
from .coverage import coverage_sentence, warnings_sentence
from .labels import IMPLICIT_LEGEND, IMPLICIT_MARK, TIER_LABELS


def _names(task, role: str) -> Text:
    text = Text()
    for i, a in enumerate(a for a in task.assignments if a.role == role):
        if i:
            text.append("、")
        text.append(a.raw + (IMPLICIT_MARK if a.implicit else ""),
                    style="dim italic" if a.implicit else "")
    return text


def tasks_table(plan: Plan) -> Table:
    """The 任务分解表 of one plan: one row per task; implicit agencies marked ＊ (and in dim
    italics on a terminal), with a legend below when there are any."""
    table = Table(title=f"任务分解表:{plan.source}", box=box.SIMPLE_HEAVY, show_lines=False,
                  expand=True)
    for header, kwargs in (("序号", {"justify": "right", "no_wrap": True}),
                           ("行号", {"justify": "right", "no_wrap": True}),
                           ("行动领域", {"min_width": 8}), ("重点任务", {"min_width": 10}),
                           ("牵头单位", {"min_width": 8}), ("责任单位", {"min_width": 10}),
                           ("完成时限", {"min_width": 8})):
        table.add_column(header, overflow="fold", **kwargs)
    for n, t in enumerate(plan.tasks, start=1):
        table.add_row(str(n), str(t.line), t.area or "", t.title or "", _names(t, LEAD),
                      _names(t, RESPONSIBLE), t.deadline or "")
    return table


def warnings_table(plan: Plan) -> Table:
    """Everything that looked like an assignment and was not read as one, with its line."""
    table = Table(title="解析警告", box=box.SIMPLE_HEAVY, title_style="bold yellow")
    table.add_column("行号", justify="right", no_wrap=True)
    table.add_column("原文", max_width=60, overflow="fold")
    table.add_column("原因", max_width=40, overflow="fold")
    for w in plan.warnings:
        table.add_row(str(w.line), w.text, w.reason)
    return table


def extract_view(plan: Plan) -> Group:
    """Tasks, then a warning for the whole plan where its bodies are mostly named where
    nothing was read, then warnings (or a line saying there are none), then the coverage
    line."""
    parts = [tasks_table(plan) if plan.tasks else Text(f"{plan.source}:未发现任务分工。")]
    if any(a.implicit for t in plan.tasks for a in t.assignments):
        parts.append(Text(IMPLICIT_LEGEND, style="dim"))
    parts += [Text(f"注意:{w.reason}(见解析警告)。", style="bold red")
              for w in plan.warnings if whole_plan(w)]
    if plan.warnings:
        parts.append(warnings_table(plan))
    else:
        parts.append(Text("无解析警告。", style="green"))
    parts.append(coverage_line(plan))
    return Group(*parts)


def coverage_line(plan: Plan) -> Text:
    """The places where the plan gives out work, read, warned or unread, then its warnings
    by kind (`present.coverage`): numbers that add up to the 解析警告 listed."""
    c = plan.coverage
    text = coverage_sentence(plan)
    if plan.warnings:
        text += warnings_sentence(plan)
    if c.mentions_warned or c.mentions_unread:
        text += (f"列有单位名称之处 {c.mentions} 处:读作任务分工 {c.mentions_read} 处,"
                 f"所在行另有解析警告 {c.mentions_warned} 处,未能读出 {c.mentions_unread} 处"
                 "(其所在行已列入解析警告)。")
    return Text(text, style="yellow" if c.warned or c.unread or c.mentions_unread else "dim")


def surfaces_table(items) -> Table:
    """Names of a plan and how each resolved (review: unresolved and fuzzy first)."""
    counts: dict[str, int] = {}
    for s in items:
        counts[s.tier] = counts.get(s.tier, 0) + 1
    caption = "匹配方式:" + ",".join(f"{TIER_LABELS.get(t, t)} {n}" for t, n in sorted(
        counts.items(), key=lambda x: -x[1]))
    table = Table(title="名称核对", caption=caption, box=box.SIMPLE_HEAVY)
    for header in ("原文名称", "规范名称", "简称", "级别", "职能", "匹配方式"):
        table.add_column(header, overflow="fold")
    for header in ("分值", "次数", "首现行号"):
        table.add_column(header, overflow="fold", justify="right")
    styles = {"unresolved": "bold red", "fuzzy": "yellow", "collective": "cyan"}
    for s in items:
        table.add_row(s.raw, s.canonical, s.display, s.level, s.function,
                      Text(TIER_LABELS.get(s.tier, s.tier), style=styles.get(s.tier, "")),
                      f"{s.score:g}", str(s.count), str(s.first_line))
    return table


