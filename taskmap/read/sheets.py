"""Task tables kept as spreadsheets: a CSV or XLSX 任务分解表 becomes one line per row,
cells joined by tabs, so the task-table grammar reads its columns."""

from __future__ import annotations

import csv
import datetime
from io import BytesIO

from ..errors import UnsupportedFormat


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):  # a 完成时限 typed as a date
        return value.date().isoformat() if value.time() == datetime.time() else str(value)
    return "、".join(" ".join(part.split()) for part in str(value).splitlines() if part.strip())


def read_csv_text(text: str) -> list[str]:
    """Rows of a CSV (any delimiter csv.Sniffer recognises among , ; tab |)."""
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|，")
    except csv.Error:
        dialect = csv.excel
    return ["\t".join(_cell(c) for c in row) for row in csv.reader(text.splitlines(), dialect)]


def read_xlsx(data: bytes, source: str) -> list[str]:
    """Rows of every sheet, in order; a merged cell is credited to every row it covers."""
    from openpyxl import load_workbook
    try:
        wb = load_workbook(BytesIO(data), data_only=True)
    except Exception as e:  # openpyxl raises many types for broken files
        raise UnsupportedFormat(f"{source}: not a readable Excel file ({type(e).__name__}); "
                                "open it in Excel or WPS and save it again as .xlsx") from None
    lines = []
    for ws in wb.worksheets:
        merged = {}
        for rng in ws.merged_cells.ranges:  # credited to each row it covers, once a row
            value = ws.cell(rng.min_row, rng.min_col).value
            for row in range(rng.min_row, rng.max_row + 1):
                merged[(row, rng.min_col)] = value
        for row in ws.iter_rows():
            cells = [_cell(merged.get((c.row, c.column), c.value)) for c in row]
            if any(cells):
                lines.append("\t".join(cells).rstrip("\t"))
    return lines
