"""The 督办通报 as a workbook: a cover (title, date, summary, the files merged), then one
sheet a section of `present.track_view.sections` — 逾期任务, 即将到期, 按单位, 合并冲突,
全部任务 — each set up for A4 print (landscape, one page wide, its header row on every
page), and the same bytes for the same result (`style.save_stable`)."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from ...tracking import Tracking
from ..labels import DUE_NUMBER_FORMAT
from ..track_view import as_of_line, report_title, sections, summary_sentence
from .style import (
    BODY_BOLD,
    TITLE_FONT,
    TOP_WRAP,
    Col,
    print_setup,
    put,
    save_stable,
    write_table,
)

COVER = "概况"
SHEET_NAMES = {"overdue": "逾期任务", "soon": "即将到期", "units": "按单位",
               "conflicts": "合并冲突", "tasks": "全部任务", "files": "填报文件与警告"}


def write_track_workbook(result: Tracking, path: str | Path) -> Path:
    """Write the 督办通报 of `result` to `path` (.xlsx), whole or not at all."""
    return save_stable(build_track_workbook(result), Path(path))


def build_track_workbook(result: Tracking) -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = COVER
    parts = sections(result, every=True)
    put(ws["A1"], report_title(result), TITLE_FONT)
    put(ws["A2"], as_of_line(result), BODY_BOLD)
    put(ws["A3"], summary_sentence(result)).alignment = TOP_WRAP
    ws.merge_cells("A3:F3")
    ws.row_dimensions[3].height = 16.5 * 4
    overview = parts[0]
    last = write_table(ws, [Col(h, cap=30) for h in overview.headers], overview.rows, top=5)
    ws.auto_filter.ref = None
    for letter, width in zip("ABCDEF", (16, 10, 16, 16, 16, 16), strict=True):
        ws.column_dimensions[letter].width = width
    ws.print_area = f"A1:F{last}"
    print_setup(ws, freeze=None, title_rows=None)
    for section in parts[1:]:
        sheet = wb.create_sheet(SHEET_NAMES.get(section.key, section.title)[:31])
        cols = [Col(h, cap=40 if k in section.wide else 14, wrap=k in section.wide)
                for k, h in enumerate(section.headers)]
        end = write_table(sheet, cols, section.rows, empty=section.empty)
        for row in sheet.iter_rows(min_row=2, max_row=end):
            for cell in row:
                if cell.is_date:
                    cell.number_format = DUE_NUMBER_FORMAT
        print_setup(sheet)
    return wb
