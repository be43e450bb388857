"""Each unit's list of tasks as a workbook (`taskmap export … -o 清单.xlsx --by-unit`): a
first sheet listing every unit with its counts (each linked to its sheet), then one sheet a
unit — its name as the sheet's (cut to Excel's 31 characters, its forbidden characters
made full-width, made unique: `units.sheet_names`), its tasks one a row: 类别 (牵头 /
配合 / 统一落实), 所属方案 (several plans), 序号 (in the plan's 任务分解表), 行动领域,
重点任务, 任务内容, the other bodies, 完成时限. Every sheet prints on A4 landscape, one page
wide, its title and header rows on every page (`style.print_setup`); the same frame gives
the same bytes (`style.save_stable`). A hidden sheet marks the workbook as these lists:
read as a plan, it is refused (`read.sheets.UNITS_MARK`).
"""

from __future__ import annotations

import math
from pathlib import Path

import polars as pl
from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink

from ...read.sheets import MARK_SHEET, UNITS_MARK
from ..units import INDEX_SHEET, LIST_TITLE, PART_LABELS, sheet_names, unit_counts
from .style import (
    LINE_HEIGHT,
    TITLE_FONT,
    Col,
    print_setup,
    put,
    save_stable,
    text_width,
    write_table,
)

INDEX_TITLE = "各单位重点任务清单"
INDEX_COLS = (Col("序号"), Col("单位", cap=40, wrap=True), Col("牵头任务"), Col("配合任务"),
              Col("统一落实任务"), Col("合计"), Col("工作表", cap=34))
PART_SHORT = {p: label.removesuffix("任务") for p, label in PART_LABELS.items()}


def write_units_workbook(tasks: pl.DataFrame, path: str | Path, *,
                         multi: bool = False) -> Path:
    """Every unit's list of a `units.unit_tasks` frame as a workbook: the 单位清单 sheet,
    then a sheet a unit. `multi`: the tasks come from several plans."""
    return save_stable(build_units_workbook(tasks, multi=multi), Path(path))


def build_units_workbook(tasks: pl.DataFrame, *, multi: bool = False) -> Workbook:
    """The workbook of `write_units_workbook`, not yet saved."""
    counts = unit_counts(tasks)
    names = sheet_names(counts["name"], taken=(INDEX_SHEET, MARK_SHEET))
    wb = Workbook()
    index = wb.active
    index.title = INDEX_SHEET
    plans = tasks["plan_title"].unique(maintain_order=True).to_list()
    _index_sheet(index, counts, names, plans)
    parts = tasks.partition_by("unit", maintain_order=True) if tasks.height else []
    for sheet, rows in zip(names, parts, strict=True):
        _unit_sheet(wb.create_sheet(sheet), rows, multi)
    mark = wb.create_sheet(MARK_SHEET)  # read back, the lists are refused: they are no plan
    mark.sheet_state = "veryHidden"
    mark["A1"] = UNITS_MARK
    return wb


def _link(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'!A1"


def _index_sheet(ws, counts: pl.DataFrame, names: list[str], plans: list[str]) -> None:
    put(ws["A1"], INDEX_TITLE, TITLE_FONT)
    put(ws["A2"], "方案：" + ("；".join(plans) if plans else "无"))
    rows = [[k, r["name"], r["lead"], r["responsible"], r["implicit"], r["tasks"], sheet]
            for k, (r, sheet) in enumerate(zip(counts.iter_rows(named=True), names,
                                                strict=True), start=1)]
    last = write_table(ws, INDEX_COLS, rows, top=3, empty="未识别到带分工的重点任务")
    for row in range(4, last + 1):
        cell = ws.cell(row, len(INDEX_COLS))
        cell.hyperlink = Hyperlink(ref=cell.coordinate, location=_link(str(cell.value)),
                                   tooltip=f"查看{cell.value}")
    _title_rows(ws, len(INDEX_COLS), (1, 2))
    print_setup(ws, freeze="A4", title_rows="1:3")


def _unit_sheet(ws, rows: pl.DataFrame, multi: bool) -> None:
    cols = [Col("类别", cap=10)]
    cols += [Col("所属方案", cap=16, wrap=True)] if multi else []
    cols += [Col("序号", cap=5), Col("行动领域", cap=12, wrap=True),
             Col("重点任务", cap=16, wrap=True), Col("任务内容", width=44, wrap=True),
             Col("牵头单位", cap=16, wrap=True), Col("责任单位", cap=22, wrap=True),
             Col("完成时限", cap=12, wrap=True)]
    put(ws["A1"], f"{rows['name'][0]}{LIST_TITLE}", TITLE_FONT)
    data = [[PART_SHORT[r["part"]], *([r["plan_title"]] if multi else []), r["no"], r["area"],
             r["title"], r["content"], r["lead"], r["responsible"], r["deadline"]]
            for r in rows.iter_rows(named=True)]
    write_table(ws, cols, data, top=2)
    _title_rows(ws, len(cols), (1,))
    print_setup(ws, freeze="A3", title_rows="1:2")


def _title_rows(ws, width: int, rows: tuple[int, ...]) -> None:
    """Title rows across the table, wrapped and as tall as their text: a long name or a
    list of plans stays on the printed page."""
    end = get_column_letter(width)
    usable = sum((ws.column_dimensions[get_column_letter(c)].width or 8)
                 for c in range(1, width + 1)) - 2
    for row in rows:
        cell = ws.cell(row, 1)
        ws.merge_cells(f"A{row}:{end}{row}")
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        per_line = 22 if cell.font.size and cell.font.size > 12 else LINE_HEIGHT
        lines = max(1, math.ceil(text_width(cell.value) * (cell.font.size or 11) / 11
                                 / max(usable, 1)))
        ws.row_dimensions[row].height = per_line * lines + 4
