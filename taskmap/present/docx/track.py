"""The 督办通报 as a Word 公文 (`gongwen`): A4 landscape, the title (the plan's, then
督办通报) in 方正小标宋简体, the date it is judged at in 楷体, a summary paragraph, then
one table a section of `present.track_view.sections` (概况 is the summary's), each under
its 黑体 heading (一、逾期任务 …), header rows repeated on every page; the same bytes for
the same result."""

from __future__ import annotations

from pathlib import Path

from ...tracking import Tracking
from ..track_view import as_of_line, cell_text, report_title, sections, summary_sentence
from .gongwen import (
    HEAD_FONT,
    Column,
    GridTable,
    new_document,
    paragraph,
    save_stable,
    set_fonts,
    text_width,
)

_NUMBERS = "一二三四五六七八九十"


def write_track_docx(result: Tracking, path: str | Path) -> Path:
    """Write the 督办通报 of `result` to `path` (.docx), whole or not at all."""
    doc = new_document(landscape=True)
    paragraph(doc, report_title(result), "公文标题")
    paragraph(doc, as_of_line(result), "公文副题")
    paragraph(doc, "", "公文正文")
    paragraph(doc, summary_sentence(result))
    for k, section in enumerate(sections(result)[1:]):
        heading = paragraph(doc, "", "公文正文")
        run = heading.add_run(f"{_NUMBERS[k]}、{section.title}")
        set_fonts(run._r.get_or_add_rPr(), HEAD_FONT)
        if not section.rows:
            paragraph(doc, f"{section.empty}。")
            continue
        columns = [Column(h, 50 if i in section.wide else (16 if i in section.numbers else 30),
                          "表格居中" if i in section.numbers else "表格文字")
                   for i, h in enumerate(section.headers)]
        table = GridTable(doc, columns, text_width(doc.sections[-1]))
        for row in section.rows:
            for cell, value in zip(table.add_row(), row, strict=True):
                cell.paragraphs[0].add_run(cell_text(value))
    return save_stable(doc, Path(path))
