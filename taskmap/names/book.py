"""taskmap's own workbook read back as the plans it holds, with the clerk's edits.

The workbook's marker (`read.sheets`, written by `present.xlsx.marker`) keeps each plan as
it was written and each 任务分解表 row's cells as written. A cell that now says something
else is the clerk's edit, and the plan from then on:

- 行动领域, 重点任务, 完成时限: the task's area, title, deadline (an empty cell: none);
- 牵头单位, 责任单位: the task's bodies in that role, split as the grammar splits a list
  (、,;/ and line breaks, 和/及 between two bodies), each resolved like any surface the plan
  writes (alias tables, the plan's place); the bodies the clerk left alone keep their names;
- a row deleted: the task is gone; a row added (no 序号 the workbook wrote, a task or a
  body typed): a new task, of the plan its 所属方案 names (the first plan when there is one);
- 方案名称 on the cover (or, for one plan, the cover's heading before 重点任务分工统计):
  the plan's title.

The edits are made by `names.edits.apply_edits`, as the web page's and a notebook's are.
Columns are found by their header's text, wherever they stand; columns the workbook did not
write (added by the clerk, or by a later taskmap) are passed over. Every refusal is one
Chinese line naming the file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields, replace

from ..errors import EditError, NotAPlan
from ..models import (
    Assignment,
    Coverage,
    Document,
    Heading,
    OwnBook,
    ParseWarning,
    Plan,
    PlanContext,
    Task,
)
from ..read.sheets import cell_text
from .edits import FIELDS, PlanEdits, apply_edits
from .tables import AliasTable

HEADER_ROWS = 10  # rows searched for a sheet's header


DAMAGED = "taskmap 工作簿的标记数据已损坏,无法读回;请用原方案文件重新导出"


@dataclass(frozen=True)
class Book:
    """taskmap's own workbook read once: its marker's data, the plans as it wrote them and
    as the clerk left them, and the cells of each task's 任务分解表 row under the headers
    asked for ((plan index, task id) → key → text; the rows added are the tasks W001,
    W002 … of their plan, in sheet order, as `apply_edits` names them)."""

    data: dict
    written: tuple[Plan, ...]
    plans: tuple[Plan, ...]
    cells: dict[tuple[int, str], dict[str, str]]


def read_book(doc: Document, table: AliasTable, extra: dict[str, str] | None = None) -> Book:
    """`doc` (taskmap's own workbook: `doc.own`) read back, the clerk's edits made; `extra`:
    key → the header of a column whose cells each task's row gives (进展情况 …)."""
    own = doc.own
    assert own is not None
    try:
        data = json.loads(own.data)
        if not isinstance(data, dict) or not isinstance(data["plans"], list):
            raise TypeError
        written = tuple(_plan(p, doc.source) for p in data["plans"])
        titles = _titles(own, data)
        edits, cells = _rows(own, data, doc.source, extra or {})
        plans = tuple(apply_edits(plan, replace(edits[k], title=titles.get(k)), table)
                      for k, plan in enumerate(written))
    except (ValueError, KeyError, TypeError, AttributeError, IndexError, EditError):
        raise NotAPlan(doc.source, DAMAGED) from None
    return Book(data, written, plans, cells)


def plans_from_book(doc: Document, table: AliasTable) -> list[Plan]:
    """The plans `doc` (taskmap's own workbook: `doc.own`) holds, the clerk's edits made."""
    return list(read_book(doc, table).plans)


# the plans as written ------------------------------------------------------------------

def _make(cls, data: dict, **given):
    """A dataclass from its JSON, fields it does not know passed over."""
    names = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in data.items() if k in names and k not in given}, **given)


def _plan(p: dict, source: str) -> Plan:
    ctx = p["context"]
    context = _make(PlanContext, ctx, parents=tuple(tuple(x) for x in ctx.get("parents", ())))
    tasks = tuple(_make(Task, t, assignments=tuple(_make(Assignment, a)
                                                   for a in t["assignments"]),
                        leaders=tuple(t.get("leaders", ()))) for t in p["tasks"])
    return _make(Plan, p, source=source, tasks=tasks,
                 warnings=tuple(_make(ParseWarning, w) for w in p["warnings"]),
                 outline=tuple(_make(Heading, h) for h in p["outline"]),
                 coverage=_make(Coverage, p["coverage"]), context=context)


# the cells the clerk may have edited -------------------------------------------------------

def _same(a: str | None, b: str | None) -> bool:
    """Two cell texts alike but for spaces (a text as written against a cell as read)."""
    return _bare(a) == _bare(b)


def _header(values: dict[int, dict[int, str]], wanted: list[str]) -> tuple[int, dict[str, int]]:
    """The header row among the first rows (the one holding every `wanted` text) and the
    column of each header text (its first); (0, {}) when none holds them all."""
    for r in sorted(values)[:HEADER_ROWS]:
        cols: dict[str, int] = {}
        for c, text in sorted(values[r].items()):
            cols.setdefault("".join(text.split()), c)
        if all(w in cols for w in wanted):
            return r, cols
    return 0, {}


def _titles(own: OwnBook, data: dict) -> dict[int, str]:
    """Plan index → the title the cover now gives it, where the clerk changed it."""
    cover = data["cover"]
    values = own.sheets.get(cover["sheet"], {})
    out: dict[int, str] = {}
    heading, suffix = values.get(1, {}).get(1, ""), cover["suffix"]
    if suffix and not _same(heading, cover["heading"]) and heading.endswith(suffix):
        out[0] = heading[:-len(suffix)].strip()
    top, cols = _header(values, [cover["header"]])
    if top:
        c = cols[cover["header"]]
        for k, written in enumerate(cover["titles"]):
            now = values.get(top + 1 + k, {}).get(c, "")
            if not _same(now, written):
                out[k] = now.strip()
    return out


ADDED_KEYS = ("title", "lead", "responsible")  # a row the workbook did not write is a task
# when one of these is typed


def _sheet_rows(own: OwnBook, data: dict, source: str, extra: dict[str, str] | None = None
                ) -> tuple[list[dict[str, str]], dict[int, dict[str, str]], bool]:
    """The 任务分解表's rows below its header (key → text, the `extra` headers' cells
    too), which row is each written row's now (`_match`), and whether the workbook holds
    several plans."""
    sheet, columns = data["sheet"], data["columns"]
    values = own.sheets.get(sheet)
    if values is None:
        raise NotAPlan(source, f"taskmap 工作簿中缺少“{sheet}”工作表,无法读回")
    multi = len(data["plans"]) > 1
    keys = ["no", "lead", "responsible", "area", "title"] + (["plan"] if multi else [])
    top, cols = _header(values, [columns[k] for k in keys])
    if not top:
        missing = "、".join(f"“{columns[k]}”" for k in keys)
        raise NotAPlan(source, f"“{sheet}”工作表的表头应含 {missing} 列,"
                                "找不到;请恢复表头后再读入")
    headers = {**columns, **(extra or {})}
    at = {k: cols[h] for k, h in headers.items() if h in cols}
    rows = [{k: values[r].get(c, "") for k, c in at.items()} for r in sorted(values)
            if r > top]
    return rows, _match(data["rows"], rows), multi


def _rows(own: OwnBook, data: dict, source: str, extra: dict[str, str]
          ) -> tuple[dict[int, PlanEdits], dict[tuple[int, str], dict[str, str]]]:
    """Plan index → the edits its rows make (each task's changed cells, key → text; the
    tasks whose row is gone; the rows added), and each task's cells under `extra`."""
    rows, match, multi = _sheet_rows(own, data, source, extra)
    labels = {label: k for k, label in enumerate(data["labels"])}
    editable = [key for key in data["editable"] if key in FIELDS]
    changed: dict[int, dict[str, dict[str, str]]] = {k: {} for k in range(len(data["plans"]))}
    removed: dict[int, set[str]] = {k: set() for k in changed}
    added: dict[int, list[dict[str, str]]] = {k: [] for k in changed}
    cells: dict[tuple[int, str], dict[str, str]] = {}
    for i, (k, task, written) in enumerate(data["rows"]):
        now = match.get(i)
        if now is None:
            removed[k].add(task)
            continue
        cells[(k, task)] = {key: now.get(key, "") for key in extra}
        edit = {key: now.get(key, "") for key in editable
                if key in now and not _same(now.get(key), written.get(key))}
        if edit:
            changed[k][task] = edit
    claimed = {id(now) for now in match.values()}
    for now in rows:
        if id(now) not in claimed and any(now.get(k) for k in ADDED_KEYS):
            k = labels.get(now.get("plan", ""), 0) if multi else 0
            added[k].append({key: now.get(key, "") for key in FIELDS})
            cells[(k, f"W{len(added[k]):03d}")] = {key: now.get(key, "") for key in extra}
    edits = {k: PlanEdits(tasks=changed[k], removed=frozenset(removed[k]),
                          added=tuple(added[k])) for k in changed}
    return edits, cells


def _key(cells: dict, *keys: str) -> tuple[str, ...]:
    return tuple(_bare(cells.get(k)) for k in keys)


def _bare(value: object) -> str:
    """A cell's text as the reader gives it (`read.sheets.cell_text`), without spaces."""
    return "".join(cell_text(value).split())


def _match(written: list, rows: list[dict[str, str]]) -> dict[int, dict[str, str]]:
    """Written row index → the sheet row that is now that task's: first by what the clerk
    does not edit (its plan, 原文行号 and 任务内容, so rows sorted or renumbered keep
    their tasks), then, for a row whose 任务内容 was edited, by its 序号."""
    ident = ("plan", "line", "text")
    free: dict[tuple[str, ...], list[int]] = {}
    for i, (_, _, cells) in enumerate(written):
        free.setdefault(_key(cells, *ident), []).append(i)
    match: dict[int, dict[str, str]] = {}
    left = []
    for row in rows:
        same = free.get(_key(row, *ident))
        if same:
            match[same.pop(0)] = row
        else:
            left.append(row)
    by_no = {_key(cells, "no"): i for i, (_, _, cells) in enumerate(written)}
    for row in left:
        j = by_no.get(_key(row, "no"))
        if j is not None and j not in match:
            match[j] = row
    return match
