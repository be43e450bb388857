"""Rich renderables of a PlanDiff, in Chinese, grouped by area. Returns them; never prints."""

from __future__ import annotations

from rich import box
from rich.console import Group
from rich.table import Table
from rich.text import Text

from ..diff import ADDED, CHANGED, REMOVED, UNCHANGED, PlanDiff, TaskDiff
from ..models import LEAD
from .labels import ROLE_LABELS, STATUS_LABELS

STATUS_STYLES = {ADDED: "green", REMOVED: "red", CHANGED: "yellow", UNCHANGED: "dim"}


def change_text(t: TaskDiff) -> Text:
    """牵头 −区工信局 ＋区发改委;参与 ＋住建局"""
    text = Text()
    for role in (LEAD, "responsible"):
        items = [c for c in t.changes if c.role == role]
        if not items:
            continue
        if text:
            text.append(";")
        text.append(ROLE_LABELS[role] + " ")
        for c in items:
            sign, style = ("＋", "green") if c.change == ADDED else ("－", "red")
            text.append(f"{sign}{c.name} ", style=style)
    return text


def flags(t: TaskDiff) -> str:
    return "、".join(label for on, label in (
        (t.moved, "移动"), (t.deadline_changed, "完成时限调整"), (t.text_changed, "文字修改"))
        if on)


def lines(t: TaskDiff) -> str:
    old = str(t.old.line) if t.old else "—"
    new = str(t.new.line) if t.new else "—"
    return f"{old}→{new}"


def summary_line(d: PlanDiff) -> Text:
    counts = [(STATUS_LABELS[s], d.count(s), STATUS_STYLES[s])
              for s in (ADDED, REMOVED, CHANGED, UNCHANGED)]
    text = Text(f"{d.old.source} → {d.new.source}:", style="bold")
    for label, n, style in counts:
        text.append(f"  {label} {n}", style=style)
    moved = sum(t.moved for t in d.tasks)
    reworded = sum(t.text_changed for t in d.tasks)
    deadlines = sum(t.deadline_changed for t in d.tasks)
    text.append(f"  移动 {moved}  完成时限调整 {deadlines}  文字修改 {reworded}")
    return text


def tasks_by_area(d: PlanDiff) -> Table:
    """Every task that changed in any way, grouped by its (new, else old) area."""
    table = Table(title="任务变化(按行动领域)", box=box.SIMPLE_HEAVY, show_lines=False)
    for header, kwargs in (("行动领域", {"ratio": 2}), ("状态", {"no_wrap": True}),
                           ("行号(原→新)", {"no_wrap": True}), ("重点任务", {"ratio": 3}),
                           ("职责变化", {"ratio": 4}), ("其他", {"no_wrap": True})):
        table.add_column(header, overflow="fold", **kwargs)
    shown = [t for t in d.tasks
             if t.status != UNCHANGED or t.moved or t.text_changed or t.deadline_changed]
    last_area = None
    for t in shown:
        area = t.area or ""
        table.add_row(area if area != last_area else "",
                      Text(STATUS_LABELS[t.status], style=STATUS_STYLES[t.status]),
                      lines(t), t.title or "", change_text(t), flags(t))
        last_area = area
    return table


def bodies_table(d: PlanDiff) -> Table:
    """Per body: tasks led and shared before → after, net, and what changed."""
    table = Table(title="部门职责变化", box=box.SIMPLE_HEAVY)
    for header, kwargs in (("单位", {}), ("牵头(原→新)", {"justify": "right"}),
                           ("参与(原→新)", {"justify": "right"}), ("净变化", {"justify": "right"}),
                           ("变化明细", {"ratio": 1})):
        table.add_column(header, overflow="fold", **kwargs)
    for b in d.bodies:
        detail = body_detail(b)
        if not detail and b.net == 0:
            continue
        net = Text(f"{b.net:+d}", style="green" if b.net > 0 else "red" if b.net < 0 else "")
        table.add_row(b.display, f"{b.lead_before}→{b.lead_after}",
                      f"{b.responsible_before}→{b.responsible_after}", net, detail)
    return table


def body_detail(b) -> str:
    parts = [(b.gained_lead, "新牵头"), (b.lost_lead, "不再牵头"), (b.gained_responsible, "新参与"),
             (b.lost_responsible, "不再参与"), (b.role_changed, "角色调整")]
    return ";".join(f"{label}:{'、'.join(items)}" for items, label in parts if items)


def diff_view(d: PlanDiff) -> Group:
    """The diff on screen: the warning when the two files do not look like two versions of
    one plan, the counts, the tasks by area, the bodies."""
    warning = d.warning
    head = [Text(warning, style="bold red")] if warning else []
    return Group(*head, summary_line(d), tasks_by_area(d), bodies_table(d))
