"""The 修改对照表 in Excel: the same table as the Word one (present/docx/diff.py) — both
files named, the versions warning, then one row per edited task with the old and the new
wording in rich text: deleted characters struck through in red, added ones underlined in
blue — so that it can be filtered, annotated and sent on as a sheet.

>>> import taskmap, tempfile, pathlib
>>> from taskmap.diff import diff_plans
>>> a = taskmap.parse_text("1.推进节能。(牵头单位:区发改委)")
>>> b = taskmap.parse_text("1.加快推进节能。(牵头单位:区发改委)")
>>> out = write_changes_xlsx(diff_plans(a, b), pathlib.Path(tempfile.mkdtemp()) / "c.xlsx")
>>> out.suffix
'.xlsx'
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from ...diff import ADDED, DELETE, EQUAL, INSERT, REMOVED, PlanDiff, TaskDiff
from ..changes import (
    ELIDED,
    LEGEND,
    VERSION_LABELS,
    account,
    counts_line,
    edited,
    named,
    segments,
    shown,
    wording,
)
from ..labels import plan_title
from .style import (
    BODY_BOLD,
    BODY_FONT,
    BORDER,
    LINE_HEIGHT,
    TITLE_FONT,
    TOP_WRAP,
    header_row,
    print_setup,
    put,
    save_stable,
    text_width,
)

SHEET = "修改对照表"
RED, BLUE = "FFC00000", "FF003CB4"
WIDTHS = (6, 52, 52, 26)  # 序号 | 原稿 | 修改稿 | 修改说明
_FONT = {"rFont": BODY_FONT.name, "sz": BODY_FONT.sz}
PLAIN = InlineFont(**_FONT)
STRUCK = InlineFont(**_FONT, strike=True, color=RED)
ADDED_FONT = InlineFont(**_FONT, u="single", color=BLUE)
WARNING_FONT = Font(name="黑体", size=11, bold=True, color=RED)
_RUN_FONT = {EQUAL: PLAIN, DELETE: STRUCK, INSERT: ADDED_FONT, ELIDED: PLAIN}


def write_changes_xlsx(diff: PlanDiff, path: str | Path) -> Path:
    """Write the 修改对照表 of `diff` (old → new) as a one-sheet workbook; return the path."""
    wb = Workbook()
    changes_sheet(wb.active, diff)
    return save_stable(wb, Path(path))


def changes_sheet(ws, diff: PlanDiff) -> None:
    """Fill `ws` (renamed 修改对照表) with the 修改对照表 of `diff`, set up for A4 print."""
    ws.title = SHEET
    width = sum(WIDTHS)
    for k, w in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(k)].width = w
    lines = [(f"{plan_title(diff.new)}修改对照表", TITLE_FONT)]
    lines += [(f"{label}：{named(plan)}", BODY_FONT)
              for label, plan in zip(VERSION_LABELS, (diff.old, diff.new), strict=True)]
    warning = diff.warning
    if warning:
        lines.append((warning, WARNING_FONT))
    rows = edited(diff)
    lines += [(f"{counts_line(diff)}本表列出有修改的任务{len(rows)}项。", BODY_FONT),
              (LEGEND, BODY_FONT)]
    for r, (text, font) in enumerate(lines, start=1):
        cell = put(ws.cell(r, 1), text, font)
        cell.alignment = Alignment(horizontal="center" if r == 1 else "left",
                                   vertical="center", wrap_text=True)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(WIDTHS))
        needed = -(-text_width(text) // (width - 2))
        ws.row_dimensions[r].height = (24 if r == 1 else LINE_HEIGHT) * max(needed, 1) + 3
    top = len(lines) + 2
    header_row(ws, top, ["序号", *VERSION_LABELS, "修改说明"])
    for n, t in enumerate(rows, start=1):
        _task_row(ws, top + n, n, t)
    if not rows:
        put(ws.cell(top + 1, 1), "两稿的任务及分工没有修改。")
        ws.merge_cells(start_row=top + 1, start_column=1, end_row=top + 1,
                       end_column=len(WIDTHS))
    print_setup(ws, freeze=f"A{top + 1}", title_rows=f"{top}:{top}")
    ws.print_options.horizontalCentered = True


def _task_row(ws, row: int, n: int, t: TaskDiff) -> None:
    old, new = _sides(t)
    note = "\n".join(account(t))
    parts = segments(t) if t.old is not None and t.new is not None else ()
    texts = ((shown(parts, "old"), shown(parts, "new")) if parts
             else (wording(t.old), wording(t.new)))
    for col, value in enumerate((n, old, new, note), start=1):
        cell = put(ws.cell(row, col), value, BODY_BOLD if col == 1 else BODY_FONT)
        cell.alignment, cell.border = TOP_WRAP, BORDER
    ws.cell(row, 1).alignment = Alignment(horizontal="center", vertical="top")
    needed = max(_lines(texts[0], WIDTHS[1]), _lines(texts[1], WIDTHS[2]),
                 sum(_lines(line, WIDTHS[3]) for line in note.split("\n")))
    ws.row_dimensions[row].height = LINE_HEIGHT * needed + 4


def _lines(text: str, width: int) -> int:
    return max(1, -(-text_width(text) // (width - 2)))


def _sides(t: TaskDiff) -> tuple[CellRichText | str, CellRichText | str]:
    """The old and the new wording, each as rich text with its changes marked."""
    if t.status == ADDED:
        return "（无）", _rich([(INSERT, wording(t.new))])
    if t.status == REMOVED:
        return _rich([(DELETE, wording(t.old))]), "（删除）"
    parts = segments(t)
    return (_rich([(op, s) for op, s in parts if op != INSERT]),
            _rich([(op, s) for op, s in parts if op != DELETE]))


def _rich(parts) -> CellRichText | str:
    """Text blocks of the runs, each in its font; a wording without a change stays a plain
    string (a rich-text cell of one plain run is the same text, stored twice as large)."""
    parts = [(op, ILLEGAL_CHARACTERS_RE.sub("", s)) for op, s in parts if s]
    if all(op in (EQUAL, ELIDED) for op, _ in parts):
        return "".join(s for _, s in parts)
    return CellRichText([TextBlock(_RUN_FONT[op], s) for op, s in parts])
