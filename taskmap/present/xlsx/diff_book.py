"""The diff workbook: 变更清单, 部门变化 and the 修改对照表 before the new plan's own sheets."""

from __future__ import annotations

from pathlib import Path

from ...diff import ADDED, PlanDiff, TaskDiff
from ..diff_view import flags
from ..labels import ROLE_LABELS, STATUS_LABELS
from .changes_book import SHEET, changes_sheet
from .style import Col, print_setup, save_stable, write_table
from .workbook import build_workbook


def write_diff_workbook(d: PlanDiff, path: str | Path) -> Path:
    """Write the diff of two plans as a workbook: three diff sheets, then the new plan's."""
    wb = build_workbook([d.new])
    for index, (name, fill) in enumerate((("变更清单", _changes_sheet),
                                          ("部门变化", _bodies_sheet))):
        ws = wb.create_sheet(name, index)
        fill(ws, d)
        print_setup(ws)
    changes_sheet(wb.create_sheet(SHEET, 2), d)
    return save_stable(wb, Path(path))


def _changes(t: TaskDiff) -> str:
    return ";".join(f"{ROLE_LABELS[c.role]}{'增加' if c.change == ADDED else '减少'}{c.name}"
                    for c in t.changes)


def _changes_sheet(ws, d: PlanDiff) -> None:
    cols = [Col("序号"), Col("状态"), Col("原行号"), Col("新行号"),
            Col("原行动领域", cap=24, wrap=True), Col("新行动领域", cap=24, wrap=True),
            Col("重点任务", cap=30, wrap=True), Col("职责变化", cap=50, wrap=True),
            Col("其他", cap=16)]
    rows = [(n, STATUS_LABELS[t.status], t.old.line if t.old else None,
             t.new.line if t.new else None, t.old.area if t.old else None,
             t.new.area if t.new else None, t.title, _changes(t), flags(t))
            for n, t in enumerate(d.tasks, start=1)]
    write_table(ws, cols, rows, empty="两稿无任务")


def _bodies_sheet(ws, d: PlanDiff) -> None:
    cols = [Col("单位", cap=24, wrap=True), Col("规范名称", cap=30, wrap=True),
            Col("原牵头任务数"), Col("新牵头任务数"), Col("原参与任务数"), Col("新参与任务数"),
            Col("净变化"), Col("新牵头", cap=40, wrap=True), Col("不再牵头", cap=40, wrap=True),
            Col("新参与", cap=40, wrap=True), Col("不再参与", cap=40, wrap=True)]
    rows = [(b.display, b.agency, b.lead_before, b.lead_after, b.responsible_before,
             b.responsible_after, b.net, "、".join(b.gained_lead), "、".join(b.lost_lead),
             "、".join(b.gained_responsible), "、".join(b.lost_responsible)) for b in d.bodies]
    write_table(ws, cols, rows, empty="无部门变化")
