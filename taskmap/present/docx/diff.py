"""The diff of two versions of a plan as a 修改对照表 in Word: both files named at the top,
then, for every task that was edited, the old and the new wording side by side —
deleted characters struck through in red in the old column, added ones underlined in
blue in the new — and what changed in its duties (牵头增加 / 参与减少 …). A4 landscape
like the 任务分解表: two wordings side by side need the width.
"""

from __future__ import annotations

from pathlib import Path

from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_UNDERLINE
from docx.shared import Pt

from ...diff import ADDED, DELETE, EQUAL, INSERT, REMOVED, PlanDiff
from ..changes import (
    ELIDED,
    LEGEND,
    VERSION_LABELS,
    account,
    counts_line,
    edited,
    named,
    segments,
    wording,
)
from ..labels import plan_title
from .gongwen import (
    BLUE,
    HEAD_FONT,
    RED,
    Column,
    GridTable,
    new_document,
    paragraph,
    save_stable,
    set_fonts,
    text_width,
)

COLUMNS = (Column("序号", 14, "表格居中"), Column("原稿", 92), Column("修改稿", 92),
           Column("修改说明", 45))


def write_changes_docx(diff: PlanDiff, path: str | Path) -> Path:
    """Write the 修改对照表 of `diff` (old → new) as a Word file and return the path."""
    doc = new_document(landscape=True)
    paragraph(doc, plan_title(diff.new), "公文标题")
    paragraph(doc, "修改对照表", "公文标题")
    paragraph(doc, "", "表注")
    for label, plan in zip(VERSION_LABELS, (diff.old, diff.new), strict=True):
        para = _left(paragraph(doc, "", "表注"))
        set_fonts(para.add_run(f"{label}：")._r.get_or_add_rPr(), HEAD_FONT)
        para.add_run(named(plan))
    warning = diff.warning
    if warning:
        run = _left(paragraph(doc, "", "表注")).add_run(warning)
        set_fonts(run._r.get_or_add_rPr(), HEAD_FONT)
        run.font.color.rgb = RED
    rows = edited(diff)
    paragraph(doc, f"{counts_line(diff)}本表列出有修改的任务{len(rows)}项。", "表注")
    paragraph(doc, LEGEND, "表注")
    paragraph(doc, "", "表注").paragraph_format.line_spacing = Pt(12)
    table = GridTable(doc, COLUMNS, text_width(doc.sections[-1]))
    for n, t in enumerate(rows, start=1):
        cells = table.add_row()
        cells[0].paragraphs[0].add_run(str(n))
        _sides(cells[1].paragraphs[0], cells[2].paragraphs[0], t)
        lines = account(t)
        cells[3].paragraphs[0].add_run(lines[0] if lines else "")
        for line in lines[1:]:
            table.add_paragraph(cells[3], line, "表格文字")
    if not rows:
        table.add_group_row("两稿的任务及分工没有修改。")
    return save_stable(doc, Path(path))


def _left(para):
    """Left-aligned: a justified line of a long title and a file name is spread apart."""
    para.alignment = WD_ALIGN_PARAGRAPH.LEFT
    return para


def _sides(old_para, new_para, t) -> None:
    if t.status == ADDED:
        old_para.add_run("（无）")
        _mark(new_para.add_run(wording(t.new)), INSERT)
        return
    if t.status == REMOVED:
        _mark(old_para.add_run(wording(t.old)), DELETE)
        new_para.add_run("（删除）")
        return
    for op, text in segments(t):
        if op in (EQUAL, DELETE, ELIDED):
            _mark(old_para.add_run(text), op)
        if op in (EQUAL, INSERT, ELIDED):
            _mark(new_para.add_run(text), op)


def _mark(run, op: str) -> None:
    """Deleted: red, struck through. Inserted: blue, underlined. Equal: as it is."""
    if op == DELETE:
        run.font.strike = True
        run.font.color.rgb = RED
    elif op == INSERT:
        run.font.underline = WD_UNDERLINE.SINGLE
        run.font.color.rgb = BLUE
