"""Task tables kept as spreadsheets: a CSV or XLSX 任务分解表 becomes one line per row,
cells joined by tabs, so the task-table grammar reads its columns. The CSV, and each sheet
of an XLSX, is also kept as a `Table` of the rows that give a line.

An XLSX is read row by row (openpyxl read-only), its merged ranges from the sheet's XML.
A merged range copies its first cell's text into every cell it covers (each copy flagged
merged), clipped to the area that holds data: a range over a whole sheet costs no more than
the data. A line shows a merged range's text once a row, in the range's first column.
"""

from __future__ import annotations

import csv
import datetime
import zipfile
from io import BytesIO

from lxml import etree

from ..errors import UnsupportedFormat
from ..models import Table
from .grid import Cells, make_table, place

_UNBOUNDED = 1 << 31  # a merged range's side left open (whole rows or columns)
Merge = tuple[int, int, int, int]  # first column, first row, last column, last row (1-based)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):  # a 完成时限 typed as a date
        return value.date().isoformat() if value.time() == datetime.time() else str(value)
    return "、".join(" ".join(part.split()) for part in str(value).splitlines() if part.strip())


def read_csv_text(text: str) -> tuple[list[str], list[Table]]:
    """Rows of a CSV (any delimiter csv.Sniffer recognises among , ; tab |), and the CSV
    as one Table (no merges)."""
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|，")
    except csv.Error:
        dialect = csv.excel
    rows = [[_cell(c) for c in row] for row in csv.reader(text.splitlines(), dialect)]
    table = make_table((k, {j: (c, False) for j, c in enumerate(row)})
                       for k, row in enumerate(rows, 1))
    return ["\t".join(row) for row in rows], [table] if table else []


def read_xlsx(data: bytes, source: str) -> tuple[list[str], list[Table]]:
    """Rows of every sheet, in order, and each sheet as a Table; a merged cell is credited
    to every row it covers (see the module docstring)."""
    from openpyxl import load_workbook
    try:
        wb = load_workbook(BytesIO(data), read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many types for broken files
        raise _unreadable(source, e) from None
    lines: list[str] = []
    tables: list[Table] = []
    try:
        with zipfile.ZipFile(BytesIO(data)) as z:
            for ws in wb.worksheets:
                merges = _merges(z, ws._worksheet_path)  # read-only sheets give no merges
                table = _sheet(_values(ws), merges, lines)
                if table is not None:
                    tables.append(table)
    except Exception as e:  # a damaged sheet shows only as it is read
        raise _unreadable(source, e) from None
    finally:
        wb.close()
    return lines, tables


def _unreadable(source: str, error: Exception) -> UnsupportedFormat:
    return UnsupportedFormat(f"{source}: not a readable Excel file ({type(error).__name__}); "
                             "open it in Excel or WPS and save it again as .xlsx")


def _values(ws) -> dict[int, dict[int, str]]:
    """The sheet's non-empty cell texts: row → column → text (1-based)."""
    ws.reset_dimensions()  # the stored dimension may be wrong, or the whole sheet
    values: dict[int, dict[int, str]] = {}
    for r, row in enumerate(ws.iter_rows(values_only=True), 1):
        texts = {c: text for c, value in enumerate(row, 1) if (text := _cell(value))}
        if texts:
            values[r] = texts
    return values


def _merges(z: zipfile.ZipFile, part: str) -> list[Merge]:
    """The merged ranges a sheet's XML lists, in order (a malformed reference is skipped)."""
    from openpyxl.utils.cell import range_boundaries
    merges: list[Merge] = []
    with z.open(part) as src:
        for _, el in etree.iterparse(src, tag=("{*}row", "{*}mergeCell"), huge_tree=True,
                                     resolve_entities=False, no_network=True):
            if etree.QName(el).localname == "mergeCell":
                try:
                    c1, r1, c2, r2 = range_boundaries(el.get("ref", ""))
                except (ValueError, TypeError):
                    continue
                merges.append((c1 or 1, r1 or 1, c2 or _UNBOUNDED, r2 or _UNBOUNDED))
            el.clear()  # the rows are read by openpyxl; keep memory flat
            while el.getprevious() is not None:
                del el.getparent()[0]
    return merges


def _sheet(values: dict[int, dict[int, str]], merges: list[Merge],
           lines: list[str]) -> Table | None:
    """Append the sheet's lines to `lines` and return its Table (None when it is empty)."""
    if not values:
        return None
    width = max(max(row) for row in values.values())
    covered = _covered(values, merges, max(values), width)
    rows: list[tuple[int, Cells]] = []
    for r in sorted(values.keys() | covered.keys()):
        grid: Cells = {c - 1: (text, False) for c, text in values.get(r, {}).items()}
        hidden: set[int] = set()  # grid columns a merge covers after its first
        for c1, c2, text, copy in covered.get(r, ()):
            place(grid, c1 - 1, text, c2 - c1 + 1, merged=copy)
            hidden.update(range(c1, c2))
        line = "\t".join("" if k in hidden else grid.get(k, ("", False))[0]
                         for k in range(width)).rstrip("\t")
        if line:
            lines.append(line)
            rows.append((len(lines), grid))
    return make_table(rows)


def _covered(values: dict[int, dict[int, str]], merges: list[Merge], height: int,
             width: int) -> dict[int, list[tuple[int, int, str, bool]]]:
    """Row → the merged ranges over it, clipped to the rows and columns holding data: (first
    column, last column, the range's text, whether the row is a copy: not the range's first)."""
    covered: dict[int, list[tuple[int, int, str, bool]]] = {}
    for c1, r1, c2, r2 in merges:
        if c1 > min(c2, width):
            continue
        text = values.get(r1, {}).get(c1, "")
        for r in range(r1, min(r2, height) + 1):
            covered.setdefault(r, []).append((c1, min(c2, width), text, r > r1))
    return covered
