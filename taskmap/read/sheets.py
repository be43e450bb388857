"""Task tables kept as spreadsheets: a CSV or XLSX 任务分解表 becomes one line per row,
cells joined by tabs, so the task-table grammar reads its columns. The CSV, and each sheet
of an XLSX, is also kept as a `Table` of the rows that give a line.

An XLSX is read row by row (openpyxl's read-only sheet parser: only the rows and cells the
XML holds, never the empty ones between), its merged ranges from the sheet's XML. A merged
range copies its first cell's text into every cell it covers (each copy flagged merged),
clipped to the area that holds data: a range over a whole sheet costs no more than the data.
A line shows a merged range's text once a row, in the range's first column.

taskmap's own workbook carries a marker: a hidden sheet `MARK_SHEET` whose first cell says
`MARK` and whose second gives the format version, then the data it keeps (JSON, in cells of
at most `MARK_CHUNK` characters down column A). Such a workbook is read as what it holds
(`Document.own`: the data and the visible sheets' cells, the clerk's edits with them); the
marker sheet itself gives no line. A workbook with taskmap's sheets but no marker (written
by an older taskmap, or its marker sheet deleted) is refused: read as a plan, its cover and
counts would be junk tasks.

Limits (`limits.Limits`): every member of the package is inflated once and counted before
openpyxl opens it, the parts other than sheets are counted in XML elements, and the cells a
sheet's XML holds, and those of the grid its rows span, are counted in `max_cells`.
"""

from __future__ import annotations

import csv
import datetime
import re
from io import BytesIO

from ..errors import LimitExceeded, NotAPlan, UnsupportedFormat
from ..models import OwnBook, Table
from .grid import Cells, make_table, place
from .limits import Limits
from .xlsx_parts import CellCount, Merge, check_workbook, scan_sheet
from .zipped import Package

MARK_SHEET = "taskmap"  # the hidden sheet that marks taskmap's own workbook
MARK = "taskmap-workbook"  # its first cell
MARK_VERSION = 1  # its second cell: the format of the data below
MARK_CHUNK = 30000  # characters of data a cell (Excel holds at most 32767)
# the marker's first cell in taskmap's lists of tasks by unit (`export --by-unit`): each
# task there is on the sheet of every unit that carries it, without that unit — no plan
UNITS_MARK = "taskmap-unit-lists"
# the sheets every workbook taskmap writes has: a workbook that has them all and no
# marker is taskmap's own output that cannot be read back (checked in tests/test_roundtrip)
OWN_SHEETS = frozenset(("说明", "任务分解表", "部门汇总", "待核实名称", "解析警告"))


def cell_text(value) -> str:
    """A cell's value as the reader gives it: a date as ISO, lines joined by 、, runs of
    spaces one space."""
    return _cell(value)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):  # a 完成时限 typed as a date
        return value.date().isoformat() if value.time() == datetime.time() else str(value)
    return "、".join(" ".join(part.split()) for part in str(value).splitlines() if part.strip())


def read_csv_text(text: str, source: str = "<csv>",
                  limits: Limits | None = None) -> tuple[list[str], list[Table]]:
    """Rows of a CSV (any delimiter csv.Sniffer recognises among , ; tab |), and the CSV
    as one Table (no merges). A field may be as long as the file limit (max_bytes)."""
    limits = limits or Limits.from_env()
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|，")
    except csv.Error:
        dialect = csv.excel
    before = csv.field_size_limit(limits.max_bytes)
    try:
        rows = [[_cell(c) for c in row] for row in csv.reader(text.splitlines(), dialect)]
    except csv.Error as e:
        if "field larger than field limit" in str(e):
            raise LimitExceeded(source, "CSV 单个字段的字符数", limits.max_bytes,
                                "TASKMAP_MAX_BYTES") from None
        raise UnsupportedFormat(f"{source}: 无法读取的 CSV({e});请用 Excel 或 WPS "
                                "打开后另存为 CSV UTF-8") from None
    finally:
        csv.field_size_limit(before)
    if rows and _taskmaps_data(rows[0]):
        raise NotAPlan(source, "是 taskmap 写出的 CSV 数据(每行一条记录),不是方案,未读取;"
                               "请读入原方案文件,或 taskmap 写出的 .xlsx 工作簿(修改后可读回)")
    table = make_table((k, {j: (c, False) for j, c in enumerate(row)})
                       for k, row in enumerate(rows, 1))
    return ["\t".join(row) for row in rows], [table] if table else []


# headers of taskmap's Chinese CSV (`present.files.HEADERS`) that no plan's own task table
# has; a header with two of them is taskmap's data (extract's rows, export's tables, the
# ranking of report)
OWN_CSV_HEADERS = frozenset(("记录类型", "来源文件", "方案文件", "任务编号", "原文写法", "规范名称",
                             "显示名称", "匹配方式", "分工原文"))


def _taskmaps_data(header: list[str]) -> bool:
    """A header of taskmap's CSV data (`-f csv`, `-o x.csv`): names of columns in English,
    one of them a task's or a body's key (`--csv-keys en`); or in Chinese, two of them
    `OWN_CSV_HEADERS`."""
    names = [h.lstrip("\ufeff") for h in header]
    if len(names) > 2 and len(OWN_CSV_HEADERS & set(names)) >= 2:
        return True
    return (len(names) > 2 and all(re.fullmatch(r"[a-z][a-z_]*", n) for n in names)
            and bool({"task_id", "agency"} & set(names)))


def read_xlsx(data: bytes, source: str,
              limits: Limits | None = None) -> tuple[list[str], list[Table]]:
    """Rows of every sheet, in order, and each sheet as a Table; a merged cell is credited
    to every row it covers (see the module docstring)."""
    lines, tables, _ = read_xlsx_book(data, source, limits)
    return lines, tables


def read_xlsx_book(data: bytes, source: str, limits: Limits | None = None
                   ) -> tuple[list[str], list[Table], OwnBook | None]:
    """`read_xlsx`, and what taskmap's own workbook holds (None for any other workbook);
    a workbook of taskmap's sheets without the marker is refused (NotAPlan)."""
    from openpyxl import load_workbook
    limits = limits or Limits.from_env()
    try:
        package = Package(data, source, limits)
        merges = check_workbook(package)
        wb = load_workbook(BytesIO(data), read_only=True, data_only=True)
    except LimitExceeded:
        raise
    except Exception as e:  # openpyxl raises many types for broken files
        raise _unreadable(source, e) from None
    lines: list[str] = []
    tables: list[Table] = []
    sheets: dict[str, dict[int, dict[int, str]]] = {}
    mark: str | None = None
    try:
        for ws in wb.worksheets:
            cells = CellCount(limits, source, ws.title)  # read-only sheets give no merges: ours
            found = merges.get(ws._worksheet_path)
            if found is None:  # a sheet the workbook's relationships did not lead to
                found = scan_sheet(package, ws._worksheet_path, cells)
            values = _values(ws, raw=ws.title == MARK_SHEET)
            if ws.title == MARK_SHEET:
                if values.get(1, {}).get(1) == UNITS_MARK:
                    raise NotAPlan(source, "是 taskmap 写出的各单位任务清单(--by-unit),不是方案,"
                                           "未读取;请读入原方案文件,或 taskmap 写出的任务分解表"
                                           "工作簿(修改后可读回)")
                if values.get(1, {}).get(1) == MARK:
                    mark = _mark_data(values, source)
                    continue
                values = {r: {c: t for c, v in row.items() if (t := _cell(v))}
                          for r, row in values.items()}
                values = {r: row for r, row in values.items() if row}
            sheets[ws.title] = values
            table = _sheet(values, found, lines, cells)
            if table is not None:
                tables.append(table)
    except (LimitExceeded, UnsupportedFormat):
        raise
    except Exception as e:  # a damaged sheet shows only as it is read
        raise _unreadable(source, e) from None
    finally:
        wb.close()
    if mark is None:
        if sheets.keys() >= OWN_SHEETS:
            raise NotAPlan(
                source, "是 taskmap 写出的工作簿,但缺少读回所需的标记(旧版本写出,或标记表"
                "已被删除),不能作为方案读取;请用原方案文件重新导出后再修改")
        return lines, tables, None
    return lines, tables, OwnBook(mark, sheets)


def _mark_data(values: dict[int, dict[int, str]], source: str) -> str:
    """The data below the marker, in a format this taskmap reads."""
    version = values.get(1, {}).get(2, "")
    if version != str(MARK_VERSION):
        raise NotAPlan(source, f"taskmap 工作簿的格式版本为“{version}”,本版本只能"
                                f"读回版本 {MARK_VERSION};请用原方案文件重新导出")
    return "".join(values[r].get(1, "") for r in sorted(values) if r > 1)


def _unreadable(source: str, error: Exception) -> UnsupportedFormat:
    return UnsupportedFormat(f"{source}: 无法读取的 Excel 文件({type(error).__name__});"
                             "请用 Excel 或 WPS 打开后另存为 .xlsx")


def _values(ws, raw: bool = False) -> dict[int, dict[int, str]]:
    """The sheet's non-empty cell texts: row → column → text (1-based), from the rows and
    cells its XML holds (openpyxl's iter_rows would also yield every row and cell between);
    `raw`: each text as the cell holds it (the marker's data)."""
    text = (lambda v: "" if v is None else str(v)) if raw else _cell
    from openpyxl.worksheet._reader import WorkSheetParser
    wb = ws.parent
    values: dict[int, dict[int, str]] = {}
    with ws._get_source() as src:
        parser = WorkSheetParser(src, ws._shared_strings, data_only=True, epoch=wb.epoch,
                                 date_formats=wb._date_formats,
                                 timedelta_formats=wb._timedelta_formats)
        for r, row in parser.parse():
            texts = {c["column"]: t for c in row if (t := text(c["value"]))}
            if texts:
                values[r] = texts
    return values


def _sheet(values: dict[int, dict[int, str]], merges: list[Merge], lines: list[str],
           cells: CellCount) -> Table | None:
    """Append the sheet's lines to `lines` and return its Table (None when it is empty)."""
    if not values:
        return None
    width = max(max(row) for row in values.values())
    covered = _covered(values, merges, max(values), width, cells)
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
             width: int, cells: CellCount) -> dict[int, list[tuple[int, int, str, bool]]]:
    """Row → the merged ranges over it, clipped to the rows and columns holding data: (first
    column, last column, the range's text, whether the row is a copy: not the range's first).
    The grid the rows span (rows × width cells) is checked against the cell limit."""
    covered: dict[int, list[tuple[int, int, str, bool]]] = {}
    rows = set(values)
    cells.check(len(rows) * width)
    for c1, r1, c2, r2 in merges:
        if c1 > min(c2, width):
            continue
        text = values.get(r1, {}).get(c1, "")
        for r in range(r1, min(r2, height) + 1):
            if r not in rows:
                rows.add(r)
                cells.check(len(rows) * width)
            covered.setdefault(r, []).append((c1, min(c2, width), text, r > r1))
    return covered
