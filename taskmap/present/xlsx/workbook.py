"""The Excel workbook for leadership: the task breakdown, who leads and who shares in each
area as heat maps, a summary per body with a chart, pairs of bodies, names to check and
parse warnings — in Chinese, set up for A4 print, and the same bytes for the same input.

>>> import taskmap, tempfile, pathlib
>>> plan = taskmap.parse_text("一、任务\\n(一)节能\\n1.改造。(牵头单位:市发改委,责任单位:市财政局)")
>>> out = write_workbook([plan], pathlib.Path(tempfile.mkdtemp()) / "plan.xlsx")
>>> out.suffix
'.xlsx'
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.pagebreak import Break

from ... import engine
from ...models import LEAD, PROGRESS_HEADER, RESPONSIBLE, STATUS_HEADER, STATUSES, Plan, Task
from ...names.review import REVIEW_FIRST, surfaces
from ...names.script import place_shown
from ..coverage import SEGMENTS_FORMULA, WARNINGS_FORMULA
from ..labels import (
    DUE_KIND_LABELS,
    DUE_NUMBER_FORMAT,
    ROLE_LABELS,
    TIER_LABELS,
    grouping_note,
    plan_labels,
    plan_title,
)
from .marker import write_marker
from .style import (
    BODY_BOLD,
    BORDER,
    LINE_HEIGHT,
    STACKED,
    TITLE_FONT,
    TOP_WRAP,
    TOTAL_FILL,
    Col,
    body_row,
    fit_heights,
    header_row,
    print_setup,
    put,
    save_stable,
    text_width,
    write_table,
)

SHEETS = ("说明", "任务分解表", "牵头矩阵", "参与矩阵", "部门汇总", "牵头统计图", "协同关系",
          "待核实名称", "解析警告")
TASKS_SHEET = "任务分解表"
DUE_HEADER = "完成时限(日期)"  # the deadline as a date (its period's last day), or its kind
ZERO_BLANK = "0;-0;;@"  # zeros print as blank cells, the value stays 0
GUIDE = (
    ("说明", "本页：来源文件、统计口径、总体情况和各表说明。"),
    ("任务分解表", "每项重点任务一行，按方案原文顺序：任务名称、任务内容（措施和目标）、"
                   "牵头和责任单位（照录原文）、完成时限（照录原文）及其换算的日期（期限的最后一天；"
                   "长期、定期等写明类别）、责任领导（方案写明时），"
                   "以及供督办填写的进展情况、完成状态两栏，附原文行号。"),
    ("牵头矩阵", "各单位在各行动领域牵头的任务数，颜色越深任务越多；集合主体（如各县区"
                 "人民政府）在部门之后单列、单独着色；多个方案时每个方案一块、各占一页。"
                 "点击数字可跳转到任务分解表中对应的第一项任务。"),
    ("参与矩阵", "各单位在各行动领域作为责任（配合）单位参与的任务数，读法同牵头矩阵。"),
    ("部门汇总", "每个单位一行：牵头、参与任务数，涉及领域数，任务占比，名称匹配方式。"),
    ("牵头统计图", "牵头任务数居前的单位条形图（不含集合主体）。"),
    ("协同关系", "两两单位共同承担的任务数，以及各自在其中牵头的次数。"),
    ("待核实名称", "模糊匹配或未能识别的单位名称，请人工核对。"),
    ("解析警告", "形似分工表述但未采用的原文，附行号和原因，请人工核对。"),
)


TRACKING_NOTES = (
    (PROGRESS_HEADER, "由督办部门或牵头单位填写任务推进情况、存在问题和下一步安排。"),
    (STATUS_HEADER, f"在下拉列表中选择：{'、'.join(STATUSES)}。"),
)


@dataclass(frozen=True)
class _Book:
    """What every sheet reads: the plans, their frames and the switches."""

    plans: tuple[Plan, ...]
    frame: pl.DataFrame
    tasks: pl.DataFrame
    summary: pl.DataFrame
    implicit: bool
    collective: bool
    by: str
    top: int

    @property
    def multi(self) -> bool:
        return len(self.plans) > 1

    def display(self) -> dict[str, str]:
        """The short name of each body (agency → display)."""
        return dict(zip(self.summary["agency"], self.summary["display"], strict=True))


def write_workbook(plans: Sequence[Plan], path: str | Path, *, implicit: bool = True,
                   collective: bool = True, by: str = "canonical", top: int = 15) -> Path:
    """Write the leadership workbook of `plans` to `path` (.xlsx) and return the path.
    See `build_workbook`."""
    wb = build_workbook(plans, implicit=implicit, collective=collective, by=by, top=top)
    return save_stable(wb, Path(path))


def build_workbook(plans: Sequence[Plan], *, implicit: bool = True, collective: bool = True,
                   by: str = "canonical", top: int = 15) -> Workbook:
    """The leadership workbook of `plans`, not yet saved.

    `implicit` / `collective` count implied and group bodies (各县区人民政府); `by` is
    "canonical" (one row per body) or "function" (one row per kind of body); `top` is how
    many bodies the lead chart shows. No cell is ever a formula; no date is written.
    """
    if by not in engine.BY:
        raise ValueError(f"by must be one of {', '.join(engine.BY)}, not {by!r}")
    if top < 1:
        raise ValueError(f"top must be at least 1, not {top}")
    frame = engine.assignments_frame(plans)
    book = _Book(tuple(plans), frame, engine.tasks_frame(plans),
                 engine.agency_summary(frame, by=by, implicit=implicit, collective=collective),
                 implicit, collective, by, top)
    wb = Workbook()
    wb.remove(wb.active)
    _guide_sheet(wb.create_sheet(SHEETS[0]), book)
    written: list[tuple[int, str, dict[str, object]]] = []  # each row, for the marker
    rows = _tasks_sheet(wb.create_sheet(TASKS_SHEET), book, written)
    _matrix_sheet(wb.create_sheet("牵头矩阵"), book, LEAD, rows)
    _matrix_sheet(wb.create_sheet("参与矩阵"), book, RESPONSIBLE, rows)
    _summary_sheet(wb.create_sheet("部门汇总"), book)
    _chart_sheet(wb.create_sheet("牵头统计图"), book)
    _pairs_sheet(wb.create_sheet("协同关系"), book)
    _review_sheet(wb.create_sheet("待核实名称"), book)
    _warnings_sheet(wb.create_sheet("解析警告"), book)
    _marker(wb, book, written)
    return wb


def _marker(wb, book: _Book, written: list[tuple[int, str, dict[str, object]]]) -> None:
    """The hidden sheet that makes this workbook an input (`marker`)."""
    labels = plan_labels(book.plans)
    titles = [plan_title(p) for p in book.plans]
    write_marker(wb, book.plans, [labels[p.source] for p in book.plans], titles, written,
                 sheet=TASKS_SHEET, cover=SHEETS[0], heading=str(wb[SHEETS[0]]["A1"].value),
                 suffix=TITLE_SUFFIX if len(book.plans) == 1 else "")


# 说明 ---------------------------------------------------------------------------------

def _file_name(source: str) -> str:
    return Path(source).name or source


def _digest(source: str) -> str:
    """First 12 hex digits of the SHA-256 of the file's bytes, if the file exists."""
    path = Path(source)
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12] if path.is_file() else "—"


def _guide_sheet(ws, book: _Book) -> None:
    """The cover: each plan by its title, issuer, 文号 and date; the files read; what is
    counted and how; what each sheet holds."""
    title = (f"{plan_title(book.plans[0])}{TITLE_SUFFIX}" if len(book.plans) == 1
             else "行动方案重点任务分工统计")
    put(ws["A1"], title, TITLE_FONT)
    row = _plans_table(ws, book, top=3)
    row = _source_table(ws, book, top=row + 2)
    row = _text_block(ws, row + 2, "三、统计口径", _switch_lines(book))
    row = _text_block(ws, row + 1, "四、总体情况", _count_lines(book))
    row = _text_block(ws, row + 1, "五、各表说明", [(n, t) for n, t in GUIDE if n in SHEETS])
    _text_block(ws, row + 1, "六、督办台账", TRACKING_NOTES)
    for letter, width in zip("ABCDEFGHIJ", COVER_WIDTHS, strict=True):
        ws.column_dimensions[letter].width = width
    print_setup(ws, freeze=None, title_rows=None)


TITLE_SUFFIX = "重点任务分工统计"  # the cover's heading: a plan's title, then this
COVER_WIDTHS = (6, 40, 22, 22, 16, 9, 9, 10, 10, 10)


def _plans_table(ws, book: _Book, top: int) -> int:
    """一、方案: title, issuer, 文号, date of issue, tasks, bodies, collectives."""
    put(ws.cell(top, 1), "一、方案", BODY_BOLD)
    cols = [Col("序号"), Col("方案名称", wrap=True), Col("发文机关", wrap=True),
            Col("文号", wrap=True), Col("印发日期"), Col("任务数"), Col("单位数"),
            Col("集合主体")]
    header_row(ws, top + 1, [c.header for c in cols])
    row = top + 1
    for i, (plan, s) in enumerate(zip(book.plans, engine.plan_summary(book.plans).iter_rows(
            named=True), strict=True), start=1):
        row += 1
        collectives = len({a.agency for t in plan.tasks for a in t.assignments
                           if a.collective})
        body_row(ws, row, [i, plan_title(plan), s["issuer"] or "—", s["number"] or "—",
                           _date(s["date"]), s["tasks"], s["bodies"], collectives], cols)
        _fit_row(ws, row, [(plan_title(plan), COVER_WIDTHS[1]),
                           (s["issuer"] or "", COVER_WIDTHS[2]),
                           (s["number"] or "", COVER_WIDTHS[3])])
    if row == top + 1:
        put(ws.cell(row + 1, 1), "未提供方案")
        row += 1
    return row


def _date(iso: str | None) -> str:
    """2024-04-02 → 2024年4月2日 (as precise as the plan gives it)."""
    if not iso:
        return "—"
    return "".join(f"{int(p)}{u}" for p, u in zip(iso.split("-"), "年月日", strict=False))


def _fit_row(ws, row: int, texts: list[tuple[str, float]]) -> None:
    lines = max(math.ceil(text_width(t) / max(w - 2, 1)) for t, w in texts)
    if lines > 1:
        ws.row_dimensions[row].height = LINE_HEIGHT * lines + 3


def _source_table(ws, book: _Book, top: int) -> int:
    put(ws.cell(top, 1), "二、来源文件", BODY_BOLD)
    cols = [Col("序号"), Col("文件名", wrap=True), Col("SHA-256（前12位）"), Col("行政区域"),
            Col("待核实名称"), Col("解析警告"), Col("分工片段"), Col("读作分工"),
            Col("已警告"), Col("未能读出")]
    header_row(ws, top + 1, [c.header for c in cols])
    summary = engine.plan_summary(book.plans).iter_rows(named=True)
    traditional = engine.traditional_plans(book.frame)
    row = top + 1
    for i, s in enumerate(summary, start=1):
        row += 1
        place = place_shown(s["jurisdiction"], s["plan"] in traditional)
        body_row(ws, row, [i, _file_name(s["plan"]), _digest(s["plan"]), place,
                           s["review"], s["warnings"],
                           s["segments"], s["segments_read"], s["segments_warned"],
                           s["segments_unread"]], cols)
        _fit_row(ws, row, [(_file_name(s["plan"]), COVER_WIDTHS[1])])
    row += 1  # what the numbers are: they add up to the 解析警告 listed
    note = (f"注：{SEGMENTS_FORMULA}；解析{WARNINGS_FORMULA}。“已警告”即所在行另有解析警告，"
            "每个未能读出的分工片段列一条解析警告。")
    put(ws.cell(row, 1), note).alignment = TOP_WRAP
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(cols))
    _fit_row(ws, row, [(note, sum(COVER_WIDTHS))])
    return row


def _switch_lines(book: _Book) -> list[tuple[str, str]]:
    return [
        ("隐含落实单位", ("计入" if book.implicit else "不计入")
         + "（方案中“以下任务均需……落实”等统一表述所指的单位）"),
        ("集合主体", ("计入" if book.collective else "不计入")
         + "（如“各县(市、区)人民政府”等一类单位的统称）"),
        ("统计对象", "按单位（规范名称）" if book.by == "canonical"
         else "按职能类别（便于不同地区方案比较）"),
        ("任务占比", "单位承担的任务数 ÷ 其所在方案的任务总数"),
        ("牵头统计图", f"牵头任务数前 {book.top} 位"),
        *_grouping_lines(book),
    ]


def _grouping_lines(book: _Book) -> list[tuple[str, str]]:
    """Which heading level each plan's matrix columns count by (行动领域), one line a plan
    when several plans count by different levels."""
    notes = [grouping_note(p) for p in book.plans]
    if len(set(notes)) <= 1:
        return [("行动领域", notes[0])] if notes else []
    return [("行动领域", f"{plan_title(p)}：{n}") for p, n in zip(book.plans, notes,
                                                                   strict=True)]


def _count_lines(book: _Book) -> list[tuple[str, str]]:
    bodies = book.frame.filter(~pl.col("collective"))["canonical"].n_unique()
    groups = book.frame.filter(pl.col("collective"))["canonical"].n_unique()
    review = sum(1 for p in book.plans for s in surfaces(p) if s.tier in REVIEW_FIRST)
    lead, share = (engine.select(book.frame, r, book.implicit, book.collective).height
                   for r in (LEAD, RESPONSIBLE))
    areas = len(engine.areas_in_order(book.frame))
    return [
        ("方案文件", f"{len(book.plans)} 个"),
        ("重点任务", f"{book.tasks.height} 项，分属 {areas} 个行动领域"),
        ("涉及单位", f"{bodies} 个，另有集合主体 {groups} 个"),
        ("牵头分工", f"{lead} 条（单位×任务）"),
        ("参与分工", f"{share} 条（单位×任务）"),
        ("待核实名称", f"{review} 个（见“待核实名称”表）"),
        ("解析警告", f"{sum(len(p.warnings) for p in book.plans)} 条（见“解析警告”表）"),
    ]


def _text_block(ws, top: int, title: str, lines: Sequence[tuple[str, str]]) -> int:
    """A section title, then label | text lines (text merged from C to the last column,
    wrapped)."""
    put(ws.cell(top, 1), title, BODY_BOLD)
    row = top
    for label, text in lines:
        row += 1
        put(ws.cell(row, 2), label, BODY_BOLD).alignment = TOP_WRAP
        put(ws.cell(row, 3), text).alignment = TOP_WRAP
        ws.merge_cells(start_row=row, start_column=3, end_row=row, end_column=len(COVER_WIDTHS))
        lines_needed = math.ceil(text_width(text) / (sum(COVER_WIDTHS[2:]) - 4))
        if lines_needed > 1:
            ws.row_dimensions[row].height = LINE_HEIGHT * lines_needed + 3
    return row


# 任务分解表 ------------------------------------------------------------------------------

_TITLE_END = "。．.；;：:，,"


def _task_cols(book: _Book, with_implicit: bool, leaders: bool) -> list[Col]:
    cols = [Col("所属方案", cap=14, wrap=True)] if book.multi else []
    cols += [Col("序号", cap=5), Col("行动领域", cap=12, wrap=True),
             Col("重点任务", cap=14, wrap=True), Col("任务内容", width=40, wrap=True),
             Col("牵头单位", cap=14, wrap=True), Col("责任单位", cap=20, wrap=True)]
    cols += [Col("其他落实单位(隐含)", cap=12, wrap=True)] if with_implicit else []
    cols += [Col("完成时限", cap=10, wrap=True), Col(DUE_HEADER, cap=12)]
    cols += [Col("责任领导", cap=10, wrap=True)] if leaders else []
    return [*cols, Col(PROGRESS_HEADER, width=20, wrap=True), Col(STATUS_HEADER, width=9),
            Col("原文行号", cap=6)]


def task_content(task: Task) -> str:
    """What a task says beyond its title — its measures and targets: the task's own wording
    without the title it opens with (依法淘汰落后产能。严格执行… → 严格执行…)."""
    title, text = (task.title or "").strip(), (task.text or "").strip()
    if title and text.startswith(title):
        rest = text[len(title):]
        return rest[1:].strip() if rest[:1] and rest[0] in _TITLE_END else rest.strip()
    return text


def _tasks_sheet(ws, book: _Book, written: list[tuple[int, str, dict[str, object]]]
                 ) -> dict[tuple[str, str], int]:
    """One row per task in plan order, with columns for the 督办 office to fill in (进展情况,
    完成状态 from a drop-down); returns the sheet row of each (plan, task id). Each row's
    plan, task and cells read back (`marker.COLUMNS`) are added to `written`."""
    with_implicit = book.implicit and any(book.tasks["implicit"].str.len_chars() > 0)
    leaders = any(t.leaders for p in book.plans for t in p.tasks)
    names = plan_labels(book.plans)
    own = {(p.source, t.id): t for p in book.plans for t in p.tasks}
    index = {p.source: k for k, p in reversed(list(enumerate(book.plans)))}
    rows: list[list[object]] = []
    where: dict[tuple[str, str], int] = {}
    for i, t in enumerate(book.tasks.iter_rows(named=True), start=1):
        where.setdefault((t["plan"], t["task_id"]), i + 1)
        task = own[(t["plan"], t["task_id"])]
        values: list[object] = [names[t["plan"]]] if book.multi else []
        content = task_content(task)
        values += [i, t["area"], t["title"], content, t["lead"], t["responsible"]]
        values += [t["implicit"]] if with_implicit else []
        values += [t["deadline"], t["due"] or DUE_KIND_LABELS.get(t["due_kind"] or "")]
        values += ["、".join(task.leaders)] if leaders else []
        rows.append([*values, None, None, t["line"]])
        written.append((index[t["plan"]], t["task_id"], {
            "plan": names[t["plan"]] if book.multi else None, "no": i, "area": t["area"],
            "title": t["title"], "text": content, "lead": t["lead"],
            "responsible": t["responsible"], "deadline": t["deadline"], "line": t["line"]}))
    cols = _task_cols(book, with_implicit, leaders)
    last = write_table(ws, cols, rows, empty="无任务")
    due = [c.header for c in cols].index(DUE_HEADER) + 1
    for row in range(2, last + 1):  # a real date: Excel sorts and filters it as one
        if ws.cell(row, due).is_date:
            ws.cell(row, due).number_format = DUE_NUMBER_FORMAT
    _status_dropdown(ws, [c.header for c in cols].index(STATUS_HEADER) + 1, last)
    print_setup(ws, freeze=f"{get_column_letter(3 if book.multi else 2)}2")
    return where


def _status_dropdown(ws, col: int, last: int) -> None:
    """完成状态: a list to choose from (Excel, WPS and LibreOffice show it as a drop-down)."""
    if last < 2:
        return
    letter = get_column_letter(col)
    check = DataValidation(type="list", formula1=f'"{",".join(STATUSES)}"', allow_blank=True,
                           showDropDown=False, showErrorMessage=True, showInputMessage=True,
                           errorTitle="完成状态", error=f"请从列表中选择：{'、'.join(STATUSES)}",
                           promptTitle="完成状态", prompt="请从下拉列表中选择")
    check.add(f"{letter}2:{letter}{last}")
    ws.add_data_validation(check)
    for row in range(2, last + 1):
        ws.cell(row, col).alignment = Alignment(horizontal="center", vertical="top")


# 牵头矩阵 / 参与矩阵 ----------------------------------------------------------------------

def _name_cols(book: _Book) -> list[Col]:
    if book.by == "function":
        return [Col("职能类别", cap=20, wrap=True)]
    return [Col("单位", cap=18, wrap=True), Col("规范名称", cap=30, wrap=True)]


GROUPS_ROW = "集合主体（一类单位的统称，如各县区人民政府，单列并单独着色）"
STACK_AREAS = 8  # more areas than this: narrow columns, names stacked vertically


def _matrix_sheet(ws, book: _Book, role: str, task_rows: dict[tuple[str, str], int]) -> None:
    """Body × area counts of `role`: departments, then collectives apart (each with its
    own heat map, so 各县区人民政府 does not pale every bureau), a 合计 row and column,
    links to the tasks. Several plans: one block per plan, each with its own areas and
    on its own page — pooled, the areas of all plans would be 40 columns at 5 pt."""
    names = _name_cols(book)
    groups = dict(zip(book.summary["agency"], book.summary["collective"], strict=True))
    firsts = _first_tasks(book, role)
    most = max((len(engine.areas_in_order(book.frame.filter(pl.col("plan") == p.source)))
                for p in book.plans), default=0)
    stacked = (most if book.multi else len(engine.areas_in_order(book.frame))) > STACK_AREAS
    widths: dict[int, float] = {}
    spans: list[tuple[int, int]] = []  # the rows of bodies, to fit their heights
    if not book.multi:
        source = book.plans[0].source if book.plans else ""
        last = _matrix_block(ws, book, role, book.frame, source, 1, groups, firsts,
                             task_rows, widths, spans, stacked)
        if last > 2:
            ws.auto_filter.ref = f"A1:{get_column_letter(ws.max_column)}{last - 1}"
    else:
        top = 1
        for k, plan in enumerate(book.plans, start=1):
            if k > 1:
                ws.row_breaks.append(Break(id=top - 1))
            put(ws.cell(top, 1), f"{k}. {plan_title(plan)}", BODY_BOLD)
            ws.row_dimensions[top].height = 20
            frame = book.frame.filter(pl.col("plan") == plan.source)
            top = _matrix_block(ws, book, role, frame, plan.source, top + 1, groups, firsts,
                                task_rows, widths, spans, stacked) + 2
    for i, col in enumerate(names, start=1):  # from the names, not from the titles
        widest = max((text_width(ws.cell(r, i).value) for first, last in spans
                      for r in range(first, last + 1)), default=0)
        ws.column_dimensions[get_column_letter(i)].width = max(
            6, min(max(widest, text_width(col.header)) + 2, col.cap))
    for k, width in widths.items():
        ws.column_dimensions[get_column_letter(k)].width = width
    for first, last in spans:
        fit_heights(ws, names, first, last)
    freeze = get_column_letter(len(names) + 1)
    if book.multi:
        print_setup(ws, freeze=f"{freeze}1", title_rows=None)
    else:
        print_setup(ws, freeze=f"{freeze}2")


def _matrix_block(ws, book: _Book, role: str, frame: pl.DataFrame, source: str, top: int,
                  groups: dict[str, bool], firsts, task_rows, widths: dict[int, float],
                  spans: list[tuple[int, int]], stacked: bool) -> int:
    """One plan's (or the pooled) matrix from row `top`; returns its 合计 row (or the row
    saying there is none)."""
    matrix = engine.build_matrix(frame, role=role, by=book.by, implicit=book.implicit,
                                 collective=book.collective)
    areas = [c for c in matrix.columns if c not in ("agency", "合计")]
    names = _name_cols(book)
    cols = names + [Col(a, fmt=ZERO_BLANK) for a in areas] + [Col("合计", cap=8)]
    header_row(ws, top, [c.header for c in cols])
    _area_headers(ws, top, areas, len(names) + 1, widths, stacked)
    widths[len(cols)] = max(widths.get(len(cols), 0), 8)
    if matrix.is_empty():
        put(ws.cell(top + 1, 1), f"无{ROLE_LABELS[role]}任务")
        return top + 1
    shown = book.display()
    label = (lambda a: [a]) if book.by == "function" else (lambda a: [shown.get(a, a), a])
    bodies = [r for r in matrix.iter_rows(named=True) if not groups.get(r["agency"])]
    collectives = [r for r in matrix.iter_rows(named=True) if groups.get(r["agency"])]
    row, heated = top, []
    for part in (bodies, collectives):
        if not part:
            continue
        if part is collectives:
            row += 1
            put(ws.cell(row, 1), GROUPS_ROW, BODY_BOLD)
            for c in range(1, len(cols) + 1):
                ws.cell(row, c).fill, ws.cell(row, c).border = TOTAL_FILL, BORDER
        first = row + 1
        for r in part:
            row += 1
            body_row(ws, row, [*label(r["agency"]), *(r[a] for a in areas), r["合计"]], cols)
            ws.cell(row, len(cols)).font = BODY_BOLD
            _links(ws, row, len(names), r["agency"], areas, source, firsts, task_rows)
        heated.append((first, row))
    spans.extend(heated)
    row += 1
    _total_row(ws, row, len(names), [int(matrix[c].sum()) for c in [*areas, "合计"]])
    for first, last in heated:
        _heat(ws, len(names) + 1, len(names) + len(areas), first, last)
    return row


def _total_row(ws, row: int, label_cols: int, sums: list[int]) -> None:
    put(ws.cell(row, 1), "合计", BODY_BOLD)
    for col in range(1, label_cols + 1):
        ws.cell(row, col).border, ws.cell(row, col).fill = BORDER, TOTAL_FILL
    for i, value in enumerate(sums, start=label_cols + 1):
        cell = put(ws.cell(row, i), value, BODY_BOLD)
        cell.border, cell.fill, cell.number_format = BORDER, TOTAL_FILL, "0"


def _area_headers(ws, row: int, areas: list[str], first: int, widths: dict[int, float],
                  stacked: bool) -> None:
    """Many areas (in the plan that has the most): narrow columns with the names stacked
    vertically, as on printed Chinese tables; a few: wider columns with wrapped names."""
    for i in range(first, first + len(areas)):
        widths[i] = max(widths.get(i, 0), 5.5 if stacked else 12)
        if stacked:
            ws.cell(row, i).alignment = STACKED
    if stacked:
        height = min(14.5 * max(map(len, areas), default=0) + 10, 230)
    else:
        height = LINE_HEIGHT * max((math.ceil(text_width(a) / 10) for a in areas),
                                   default=1) + 4
    ws.row_dimensions[row].height = max(height, 20)


def _heat(ws, first_col: int, last_col: int, first_row: int, last_row: int) -> None:
    """White (0) → red (the largest count) over the area cells, totals left out."""
    cells = (f"{get_column_letter(first_col)}{first_row}:"
             f"{get_column_letter(last_col)}{last_row}")
    ws.conditional_formatting.add(cells, ColorScaleRule(
        start_type="num", start_value=0, start_color="FFFFFF",
        end_type="max", end_color="F8696B"))


def _first_tasks(book: _Book, role: str) -> dict[tuple[str, str, str], tuple[str, str]]:
    """(plan, body, area) → (plan, task id) of the first task where the body has `role`."""
    chosen = engine.select(book.frame, role, book.implicit, book.collective)
    firsts = chosen.group_by(["plan", book.by, "group"], maintain_order=True).agg(
        pl.col("task_id").first())
    return {(r["plan"], r[book.by], r["group"]): (r["plan"], r["task_id"])
            for r in firsts.iter_rows(named=True)}


def _links(ws, row: int, offset: int, agency: str, areas: list[str], source: str, firsts,
           task_rows: dict[tuple[str, str], int]) -> None:
    """Each non-zero count links to the first task it counts on 任务分解表."""
    for c, area in enumerate(areas, start=offset + 1):
        cell = ws.cell(row, c)
        target = task_rows.get(firsts.get((source, agency, area), ("", "")))
        if cell.value and target:
            cell.hyperlink = Hyperlink(
                ref=cell.coordinate, location=f"'{TASKS_SHEET}'!A{target}",
                tooltip=f"查看任务分解表第 {target} 行")


# 部门汇总 / 牵头统计图 --------------------------------------------------------------------

def _summary_sheet(ws, book: _Book) -> None:
    cols = [Col("规范名称", cap=30, wrap=True), Col("简称", cap=18, wrap=True), Col("级别"),
            Col("职能", cap=16, wrap=True), Col("牵头任务数"), Col("参与任务数"),
            Col("任务总数"), Col("涉及领域数"), Col("任务占比", fmt="0.0%"),
            Col("匹配方式", cap=18), Col("集合主体")]
    rows = [[s["agency"], s["display"], s["level"], s["function"], s["lead"],
             s["responsible"], s["tasks"], s["areas"], s["share"],
             TIER_LABELS.get(s["tier"], s["tier"]), s["collective"]]
            for s in book.summary.iter_rows(named=True)]
    write_table(ws, cols, rows, empty="无单位")
    print_setup(ws, freeze="B2")


def _chart_labels(book: _Book, agencies: list[str]) -> list[str]:
    """Short names, unless two bodies share one (市发改委 of two cities): then in full."""
    shown = book.display()
    short = [shown.get(a, a) for a in agencies]
    return [s if short.count(s) == 1 else a for s, a in zip(short, agencies, strict=True)]


def _chart_sheet(ws, book: _Book) -> None:
    """The `top` bodies by tasks led (collectives are groups, not bodies: left out): a small
    table and a bar chart beside it."""
    leaders = book.summary.filter((pl.col("lead") > 0) & ~pl.col("collective")).head(book.top)
    labels = _chart_labels(book, leaders["agency"].to_list())
    rows = [[i, name, n] for i, (name, n) in enumerate(
        zip(labels, leaders["lead"], strict=True), start=1)]
    write_table(ws, [Col("排名"), Col("单位", cap=30, wrap=True), Col("牵头任务数")], rows,
                empty="无牵头任务")
    height = 0.0
    if rows:
        chart = _bar_chart(ws, len(rows))
        ws.add_chart(chart, "E1")
        height = chart.height
    print_setup(ws)
    ws.print_area = f"A1:Q{max(len(rows) + 1, math.ceil(height / 0.53) + 1)}"


def _bar_chart(ws, n: int) -> BarChart:
    chart = BarChart()
    chart.type, chart.style, chart.gapWidth = "bar", 10, 60
    chart.title = f"牵头任务数（前 {n} 位单位）"
    chart.add_data(Reference(ws, min_col=3, min_row=1, max_row=n + 1), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=2, min_row=2, max_row=n + 1))
    chart.x_axis.scaling.orientation = "maxMin"  # the largest on top
    chart.x_axis.delete = chart.y_axis.delete = False
    chart.y_axis.majorGridlines = None
    chart.legend = None
    # the value alone: a label left without its flags reads 市工信局；牵头任务数；45 in
    # LibreOffice and WPS, which take a missing flag for true
    chart.dataLabels = DataLabelList(showVal=True, showSerName=False, showCatName=False,
                                     showLegendKey=False, showPercent=False,
                                     showBubbleSize=False, showLeaderLines=False)
    chart.width, chart.height = 20, max(8.0, 0.75 * n + 3)
    return chart


# 协同关系 / 待核实名称 / 解析警告 --------------------------------------------------------

def _pairs_sheet(ws, book: _Book) -> None:
    """Bodies that share tasks; collectives are groups, not bodies, so never a pair."""
    pairs = engine.co_assignments(book.frame, by=book.by, implicit=book.implicit,
                                  collective=False)
    cols = [Col("单位甲", cap=30, wrap=True), Col("单位乙", cap=30, wrap=True),
            Col("共同任务数"), Col("甲牵头次数"), Col("乙牵头次数")]
    write_table(ws, cols, pairs.select("a", "b", "shared", "a_leads", "b_leads").rows(),
                empty="无协同关系")
    print_setup(ws)


def _review_sheet(ws, book: _Book) -> None:
    cols = [Col("原文名称", cap=30, wrap=True), Col("规范名称", cap=30, wrap=True),
            Col("匹配方式", cap=18), Col("分值", fmt="0.0"), Col("出现次数"), Col("首现行号"),
            Col("来源文件", cap=30, wrap=True)]
    rows = [[s.raw, s.canonical, TIER_LABELS.get(s.tier, s.tier), s.score, s.count,
             s.first_line, _file_name(s.source)]
            for p in book.plans for s in surfaces(p) if s.tier in REVIEW_FIRST]
    write_table(ws, cols, rows, empty="无待核实名称")
    print_setup(ws)


def _warnings_sheet(ws, book: _Book) -> None:
    cols = [Col("来源文件", cap=30, wrap=True), Col("行号"), Col("原文", cap=60, wrap=True),
            Col("原因", cap=40, wrap=True)]
    rows = [[_file_name(p.source), w.line, w.text, w.reason]
            for p in book.plans for w in p.warnings]
    write_table(ws, cols, rows, empty="无解析警告")
    print_setup(ws)
