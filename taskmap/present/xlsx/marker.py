"""The marker of taskmap's own workbook: a hidden sheet (`read.sheets.MARK_SHEET`) that says
the workbook is taskmap's, in which format, and keeps what reading it back needs — each
plan as its JSON (`Plan.to_dict`, its context's parent places too), each 任务分解表 row's
plan, task and cells as written, the headers of the columns to read back and the cover's
titles. `taskmap.names.book` reads it: a cell that differs from what was written is the
clerk's edit.

The data is JSON (sorted keys, no spaces between items) cut into cells of at most
`MARK_CHUNK` characters down column A, below the marker (A1) and its version (B1).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from ...models import Plan
from ...read.sheets import MARK, MARK_CHUNK, MARK_SHEET, MARK_VERSION

# the 任务分解表 columns read back, by key: what each holds → its header
COLUMNS = {"plan": "所属方案", "no": "序号", "area": "行动领域", "title": "重点任务",
           "text": "任务内容", "lead": "牵头单位", "responsible": "责任单位",
           "deadline": "完成时限", "line": "原文行号"}
EDITABLE = ("area", "title", "lead", "responsible", "deadline")
COVER_HEADER = "方案名称"  # the cover's column of plan titles (一、方案)


def plan_data(plan: Plan) -> dict:
    """A plan as the marker keeps it: its JSON, with its context's parent places."""
    data = plan.to_dict()
    data["context"]["parents"] = [list(p) for p in plan.context.parents]
    return data


def write_marker(wb, plans: Sequence[Plan], labels: Sequence[str], titles: Sequence[str],
                 rows: Sequence[tuple[int, str, dict[str, object]]], *, sheet: str,
                 cover: str, heading: str, suffix: str) -> None:
    """Add the hidden marker sheet to `wb`. `labels`: each plan as 所属方案 names it;
    `titles`: as the cover names it; `rows`: (plan index, task id, {key: cell as
    written}) of each row of the `sheet`; `heading`: the cover's A1, the plan's title then
    `suffix` when there is one plan."""
    data = {"format": MARK, "version": MARK_VERSION, "plans": [plan_data(p) for p in plans],
            "labels": list(labels), "sheet": sheet, "columns": COLUMNS,
            "editable": list(EDITABLE),
            "rows": [[k, task, {c: _text(v) for c, v in cells.items()}]
                     for k, task, cells in rows],
            "cover": {"sheet": cover, "header": COVER_HEADER, "titles": list(titles),
                      "heading": heading, "suffix": suffix}}
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    ws = wb.create_sheet(MARK_SHEET)
    ws.sheet_state = "veryHidden"  # not listed in Excel's or WPS's unhide dialog
    ws["A1"], ws["B1"] = MARK, MARK_VERSION
    for i in range(0, len(text), MARK_CHUNK):
        cell = ws.cell(2 + i // MARK_CHUNK, 1, text[i:i + MARK_CHUNK])
        cell.data_type = "s"  # a piece that starts with = is text, never a formula


def _text(value: object) -> str:
    return "" if value is None else str(value)
