"""Sheet furniture for the workbook: fonts fit for official print, text that can never turn
into a formula, column widths for Chinese text, print setup and a byte-stable save.

>>> from openpyxl import Workbook
>>> ws = Workbook().active
>>> put(ws.cell(1, 1), "=SUM(A1)").data_type
's'
>>> text_width("市发改委 2024")
13
"""

from __future__ import annotations

import copy
import datetime
import gc
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from lxml import etree
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.writer.excel import ExcelWriter

from ...errors import TaskmapError, io_refusal
from ...safe import replacing

BODY_FONT = Font(name="仿宋", size=11)
BODY_BOLD = Font(name="仿宋", size=11, bold=True)
HEAD_FONT = Font(name="黑体", size=11, bold=True)
TITLE_FONT = Font(name="宋体", size=14, bold=True)
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
_THIN = Side(style="thin", color="808080")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
TOP = Alignment(vertical="top")
TOP_WRAP = Alignment(vertical="top", wrap_text=True)
HEAD_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
STACKED = Alignment(horizontal="center", vertical="center", textRotation=255)
FIXED_TIME = datetime.datetime(2000, 1, 1)
_ZIP_TIME = (2000, 1, 1, 0, 0, 0)
_RISKY_START = ("=", "+", "-", "@")


@dataclass(frozen=True)
class Col:
    """One table column: header, widest width it may take, whether long text wraps, and
    the number format of its cells."""

    header: str
    cap: int = 60
    wrap: bool = False
    fmt: str | None = None
    width: float | None = None  # a fixed width (a column people fill in: 进展情况)


def put(cell, value, font: Font = BODY_FONT):
    """Write `value` as data, never as a formula: every str is stored as text (type "s"),
    with Excel's quote prefix when it starts like a formula. None becomes an empty cell."""
    _put_value(cell, value)
    cell.font = font
    return cell


def _put_value(cell, value) -> None:
    if isinstance(value, bool):
        value = "是" if value else "否"
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.value = value
        cell.data_type = "s"  # not "f" (=…) nor "e" (#N/A)
        if value.startswith(_RISKY_START):
            cell.quotePrefix = True
    else:
        cell.value = value


def text_width(value) -> int:
    """Display width of the longest line: a CJK or full-width character counts 2."""
    if value is None:
        return 0
    if isinstance(value, float):  # shown through a number format, not in full
        value = f"{value:.2f}"
    lines = str(value).split("\n")
    return max(sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
               for line in lines)


def header_row(ws, row: int, headers: Sequence[str], start: int = 1) -> None:
    """Bold 黑体 headers on a light fill, centred and wrapped."""
    for i, text in enumerate(headers):
        cell = put(ws.cell(row, start + i), text, HEAD_FONT)
        cell.fill, cell.alignment, cell.border = HEAD_FILL, HEAD_ALIGN, BORDER


def body_row(ws, row: int, values: Sequence, cols: Sequence[Col], start: int = 1) -> None:
    """One table row in 仿宋, top-aligned, bordered; wrapping where its column wraps.
    A cell's style is set once a workbook for each kind of cell and copied to the others
    of its kind (openpyxl hashes a style object each time it is set: most of a big
    workbook's time)."""
    made = _body_styles(ws.parent)
    for i, (value, col) in enumerate(zip(values, cols, strict=True)):
        cell = ws.cell(row, start + i)
        fresh = not cell._style or not any(cell._style)  # not styled before: of its kind
        _put_value(cell, value)
        # the number format a value brings (a date's) is part of its kind
        key = (col.wrap, col.fmt, cell.quotePrefix, cell.number_format)
        if fresh and key in made:
            cell._style = copy.copy(made[key])
            continue
        cell.font = BODY_FONT
        cell.alignment, cell.border = (TOP_WRAP if col.wrap else TOP), BORDER
        if col.fmt:
            cell.number_format = col.fmt
        if fresh:
            made[key] = copy.copy(cell._style)


def _body_styles(wb) -> dict[tuple, StyleArray]:
    """The styles of a body cell made in workbook `wb`, by (wraps, column's number format,
    quote prefix, the value's number format): the style ids index `wb`'s own style lists,
    so they are kept with it."""
    made = getattr(wb, "_taskmap_body_styles", None)
    if made is None:
        made = wb._taskmap_body_styles = {}
    return made


def write_table(ws, cols: Sequence[Col], rows: Iterable[Sequence], *, top: int = 1,
                empty: str | None = None) -> int:
    """Header at row `top`, then `rows`; autofilter, widths that fit. Returns the last row.
    When there are no rows and `empty` is given, that line is written under the header."""
    header_row(ws, top, [c.header for c in cols])
    last = top
    for values in rows:
        last += 1
        body_row(ws, last, values, cols)
    if last == top and empty:
        put(ws.cell(top + 1, 1), empty)
    end = get_column_letter(len(cols))
    ws.auto_filter.ref = f"A{top}:{end}{max(last, top)}"
    fit_widths(ws, cols, top)
    fit_heights(ws, cols, top + 1, last)
    fit_header(ws, cols, top)
    return last


def fit_header(ws, cols: Sequence[Col], row: int, start: int = 1) -> None:
    """The header row as tall as its longest wrapped header (其他落实单位(隐含) in a
    narrow column takes two lines)."""
    lines = max((-(-text_width(c.header) // max(int((ws.column_dimensions[
        get_column_letter(start + i)].width or 8) - 1), 1)) for i, c in enumerate(cols)),
        default=1)
    if lines > 1:
        ws.row_dimensions[row].height = LINE_HEIGHT * lines + 2


# points per line of 11 pt text: 仿宋 needs about 14.5 in Excel and WPS; LibreOffice, where
# the font is missing, sets the CJK fallback (Noto Sans CJK: 1.45 em) at about 16
LINE_HEIGHT = 16.5


def fit_heights(ws, cols: Sequence[Col], first: int, last: int, start: int = 1) -> None:
    """Row heights for wrapped text, set explicitly: Excel and LibreOffice do not re-fit
    rows of a generated file when they open or print it."""
    widths = [ws.column_dimensions[get_column_letter(start + i)].width or 8
              for i in range(len(cols))]
    for row in range(first, last + 1):
        lines = 1
        for i, col in enumerate(cols):
            if col.wrap:
                value = ws.cell(row, start + i).value
                usable = max(widths[i] - 1, 1)
                lines = max(lines, -(-text_width(value) // int(usable)))
        if lines > 1:
            ws.row_dimensions[row].height = LINE_HEIGHT * lines


def fit_widths(ws, cols: Sequence[Col], top: int = 1, start: int = 1) -> None:
    """Width of each column from its widest cell (CJK = 2), within 6 … its cap."""
    for i, col in enumerate(cols):
        letter = get_column_letter(start + i)
        if col.width:
            ws.column_dimensions[letter].width = col.width
            continue
        widest = max((text_width(c.value) for (c,) in ws.iter_rows(
            min_row=top + 1, min_col=start + i, max_col=start + i)), default=0)
        head = min(text_width(col.header), 16)  # headers wrap; do not widen for them alone
        ws.column_dimensions[letter].width = max(6, min(max(widest, head) + 2, col.cap))


def print_setup(ws, *, freeze: str | None = "A2", title_rows: str | None = "1:1") -> None:
    """A4 landscape, one page wide, header rows on every page, page numbers in the footer."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins = PageMargins(left=0.6, right=0.6, top=0.8, bottom=0.8,
                                  header=0.4, footer=0.4)
    ws.print_options.horizontalCentered = True
    if title_rows:
        ws.print_title_rows = title_rows
    if freeze:
        ws.freeze_panes = freeze
    ws.oddHeader.center.text = "&A"
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


class _StableZip(ZipFile):
    """A zip whose members carry a fixed timestamp, so equal workbooks are equal bytes."""

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        if not isinstance(zinfo_or_arcname, ZipInfo):
            zinfo_or_arcname = ZipInfo(zinfo_or_arcname, date_time=_ZIP_TIME)
            zinfo_or_arcname.compress_type = ZIP_DEFLATED
            zinfo_or_arcname.external_attr = 0o600 << 16
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        # openpyxl writes each worksheet to a temporary file first: drop its mtime
        self.writestr(arcname or Path(filename).name, Path(filename).read_bytes())


def save_stable(wb, path: Path) -> Path:
    """Save without the current time: fixed document dates and fixed zip timestamps
    (openpyxl's own save stamps `modified` with now)."""
    wb.properties.created = wb.properties.modified = FIXED_TIME
    wb.properties.creator = "taskmap"
    wb.properties.lastModifiedBy = None
    refused: TaskmapError | None = None
    with _quiet_refusals():
        try:
            with replacing(path) as tmp, _StableZip(tmp, "w", ZIP_DEFLATED,
                                                     allowZip64=True) as archive:
                ExcelWriter(wb, archive).write_data()  # whole or not at all: see taskmap.safe
        except etree.SerialisationError as e:  # lxml's word for a write the system refused
            refused = TaskmapError(f"{path}: 无法写入工作簿:{io_refusal(e) or e};"
                                   "原有文件未作改动")
        except TaskmapError as e:  # the same, said by `replacing`; its message only (its
            refused = TaskmapError(str(e))  # traceback would keep the open stream alive)
        gc.collect()
    if refused is not None:
        raise refused
    return path


@contextmanager
def _quiet_refusals():
    """openpyxl leaves the stream of the sheet it was writing open when the system refuses
    a write; closing it at collection raises the same refusal again, which Python prints
    as a traceback ("Exception ignored in …") after the one-line error. Those echoes are
    dropped here; any other unraisable exception still reaches the usual hook."""
    hook = sys.unraisablehook

    def quiet(unraisable):
        if not issubclass(unraisable.exc_type, etree.SerialisationError):
            hook(unraisable)

    sys.unraisablehook = quiet
    try:
        yield
    finally:
        sys.unraisablehook = hook
