"""The 督办 round: filled-in copies of taskmap's own 任务分解表 workbook, read, merged and
judged at a date (`taskmap track`).

Each 局 gets a copy of the workbook `taskmap export PLAN -o 分解表.xlsx` wrote, fills in
进展情况 and 完成状态 (未启动、推进中、已完成、滞后) for its rows, may correct a deadline or a
body, may delete the rows of others, and sends it back. `track(paths, as_of=…)`:

1. **reads** each copy as `names.book` reads taskmap's own workbook (its rows matched to
   tasks by the marker, never by position; the clerk's edits to bodies, titles and deadlines
   made), and the two tracking cells of each task's row. A file that is not taskmap's
   workbook is refused (`NotAPlan`, one line naming it); a 完成状态 not in the list is a
   warning, and kept as written;
2. **merges** the copies, which must be copies of one 任务分解表 (the same plans in their
   markers; else refused, naming the file that differs). Per task and field: the one value
   filled in wins, equal values agree, two different values are a conflict — listed (task,
   field, each value with its file) and never settled: the task is judged 待核实. Edits to a
   task's area, title, deadline or bodies merge alike (the copies that left the cell as
   written say nothing); a row deleted in a copy says nothing about its task;
3. **judges** each task at `as_of` (first match): unverified (a conflict), done (已完成),
   overdue (滞后, or due before `as_of`), soon (due within `soon` days), ongoing (a
   长期/定期 deadline), no_deadline (no date), in_progress (推进中, or a status or progress
   written that is no list value), not_started (未启动, or nothing filled in); and counts,
   per lead body, tasks led, done, in progress (推进中 and neither done, overdue nor
   unverified), overdue, soon, unreported (nothing filled in), unverified; and the tasks it
   shares (责任) apart.

The result is plain data (`Tracking`: polars frames); `present` renders it (terminal,
workbook, Word) and `Tracking.to_dict` is its JSON.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import polars as pl

from . import engine
from .errors import NotAPlan, TaskmapError
from .grammar.deadlines import ONGOING, RECURRING
from .models import (
    LEAD,
    PROGRESS_HEADER,
    RESPONSIBLE,
    STATUS_HEADER,
    STATUSES,
    Assignment,
    Plan,
    Task,
)
from .names.book import read_book
from .names.tables import AliasTable
from .pipeline import expand_inputs, national_table

PROGRESS, STATUS = "progress", "status"
TRACKED = {PROGRESS: PROGRESS_HEADER, STATUS: STATUS_HEADER}
NOT_STARTED_STATUS, IN_PROGRESS_STATUS, DONE_STATUS, LATE_STATUS = STATUSES
# a task's fields a copy may change, in the order a conflict lists them
FIELDS = ("area", "title", "deadline", LEAD, RESPONSIBLE, PROGRESS, STATUS)

# what a task is at the date, most pressing first
UNVERIFIED, OVERDUE, SOON, IN_PROGRESS, NOT_STARTED, ONGOING_STATE, NO_DEADLINE, DONE = (
    "unverified", "overdue", "soon", "in_progress", "not_started", "ongoing", "no_deadline",
    "done")
STATES = (UNVERIFIED, OVERDUE, SOON, IN_PROGRESS, NOT_STARTED, ONGOING_STATE, NO_DEADLINE,
          DONE)
SOON_DAYS = 30

TASK_SCHEMA = {
    "plan": pl.String, "plan_title": pl.String, "task_id": pl.String, "no": pl.Int64,
    "area": pl.String, "title": pl.String, "lead": pl.String, "responsible": pl.String,
    "deadline": pl.String, "due": pl.Date, "due_kind": pl.String, "progress": pl.String,
    "status": pl.String, "state": pl.String, "days_left": pl.Int64, "reported": pl.Boolean,
    "conflict": pl.Boolean, "sources": pl.String}
UNIT_COUNTS = ("lead", "done", "in_progress", "overdue", "soon", "unreported", "unverified",
               "shared", "shared_done", "shared_overdue", "shared_soon")
UNIT_SCHEMA = {"agency": pl.String, "display": pl.String, "collective": pl.Boolean,
               **{c: pl.Int64 for c in UNIT_COUNTS}}
CONFLICT_SCHEMA = {"plan_title": pl.String, "task_id": pl.String, "no": pl.Int64,
                   "title": pl.String, "field": pl.String, "value": pl.String,
                   "source": pl.String}


@dataclass(frozen=True)
class Copy:
    """One filled-in copy: its plans as the workbook wrote them and as the clerk left them,
    and the tracking cells of each task's row ((plan index, task id) → key → text)."""

    source: str
    key: str  # the plans its marker holds, as JSON: the copies of one 任务分解表 share it
    written: tuple[Plan, ...]
    plans: tuple[Plan, ...]
    cells: dict[tuple[int, str], dict[str, str]]
    origins: tuple[str, ...]  # each plan's own source file, as the marker keeps it
    numbers: dict[tuple[int, str], int]  # the 序号 each task was written under


@dataclass(frozen=True)
class Tracking:
    """A 督办 round judged at `as_of`: the merged plans; `tasks` (one row per task, in plan
    order: what the copies say of it and what it is at the date), `units` (per body: its
    tasks led and shared, counted by state), `conflicts` (one row per task, field and
    value that disagree, with its file) and the warnings, one Chinese line each."""

    as_of: datetime.date
    soon: int
    sources: tuple[str, ...]
    plans: tuple[Plan, ...]
    tasks: pl.DataFrame
    units: pl.DataFrame
    conflicts: pl.DataFrame
    warnings: tuple[str, ...]

    def counts(self) -> dict[str, int]:
        """State → tasks in it (every state, in `STATES` order)."""
        found = dict(self.tasks.group_by("state").len().iter_rows())
        return {s: int(found.get(s, 0)) for s in STATES}

    def to_dict(self) -> dict:
        """The JSON of `taskmap track --format json` (dates as ISO text)."""
        return {"as_of": self.as_of.isoformat(), "soon": self.soon,
                "sources": list(self.sources),
                "plans": [p.context.title for p in self.plans], "counts": self.counts(),
                "tasks": _json_rows(self.tasks), "units": _json_rows(self.units),
                "conflicts": _json_rows(self.conflicts), "warnings": list(self.warnings)}


def _json_rows(frame: pl.DataFrame) -> list[dict]:
    return [{k: v.isoformat() if isinstance(v, datetime.date) else v for k, v in r.items()}
            for r in frame.iter_rows(named=True)]


# dates ----------------------------------------------------------------------------------

_DATE = re.compile(r"(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?")


def parse_date(text: str) -> datetime.date:
    """2025-06-30, 2025/6/30, 2025.6.30 or 2025年6月30日 → a date; ValueError (a Chinese
    line) for anything else."""
    found = _DATE.fullmatch(text.strip())
    if found:
        try:
            return datetime.date(*(int(g) for g in found.groups()))
        except ValueError:
            pass
    raise ValueError(f"日期“{text}”无法识别;请写成 2025-06-30、2025/6/30 或 2025年6月30日")


# reading ----------------------------------------------------------------------------------

def read_copy(path: str | Path, aliases: AliasTable | None = None) -> Copy:
    """One filled-in copy of taskmap's workbook; anything else is refused (`NotAPlan`)."""
    from .read import read_document

    doc = read_document(path)
    if doc.own is None:
        raise NotAPlan(str(path), "不是 taskmap 写出的任务分解表工作簿(没有标记表),无法汇总督办"
                                  "情况;请分发 taskmap export 方案 -o 分解表.xlsx 写出的工作簿,"
                                  "填好后再汇总")
    book = read_book(doc, aliases or national_table(), TRACKED)
    key = json.dumps(book.data["plans"], ensure_ascii=False, sort_keys=True)
    return Copy(str(path), key, book.written, book.plans, book.cells,
                tuple(str(p.get("source") or "") for p in book.data["plans"]),
                {(k, task): int(cells["no"]) for k, task, cells in book.data["rows"]
                 if str(cells.get("no", "")).isdigit()})


# merging ---------------------------------------------------------------------------------

def _names(task: Task, role: str) -> str:
    return "、".join(dict.fromkeys(a.raw for a in task.assignments
                                   if a.role == role and not a.implicit))


def _bodies(task: Task, role: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(a.agency for a in task.assignments
                               if a.role == role and not a.implicit))


def _field(task: Task, name: str) -> tuple:
    """What a copy says of a task's `name`: the value compared, and the one shown."""
    if name in (LEAD, RESPONSIBLE):
        return _bodies(task, name), _names(task, name)
    value = " ".join((getattr(task, name) or "").split())
    return value, value


def _bare(text: str | None) -> str:
    return " ".join((text or "").split())


@dataclass
class _Entry:
    """A task as one copy has it."""

    source: str
    task: Task
    cells: dict[str, str]


def _merge_copies(copies: Sequence[Copy]) -> tuple[list[Plan], dict, list[tuple], list[str]]:
    """The merged plans; (plan index, task id) → (progress, status, conflict, sources);
    the conflict rows; the warnings."""
    first = copies[0]
    for c in copies[1:]:
        if c.key != first.key:
            raise NotAPlan(c.source, f"与 {first.source} 不是同一份任务分解表(所含方案不同),"
                                     "不能合并;请只汇总同一次导出的工作簿的各个副本")
    plans: list[Plan] = []
    values: dict[tuple[int, str], tuple[str, str, bool, str]] = {}
    conflicts: list[tuple] = []
    warnings: list[str] = []
    for k, written in enumerate(first.written):
        order: dict[tuple[str, str], list[_Entry]] = {}
        originals = {t.id: t for t in written.tasks}
        for t in written.tasks:
            order[("", t.id)] = []
        for c in copies:
            for task in c.plans[k].tasks:
                ident = ("", task.id) if task.id in originals else (
                    "+", _bare(task.title) or _names(task, LEAD) + "|" + _names(task, RESPONSIBLE))
                entry = _Entry(c.source, task, c.cells.get((k, task.id), {}))
                order.setdefault(ident, []).append(entry)
        title = written.context.title or ""
        tasks: list[Task] = []
        added = 0
        for (kind, key), entries in order.items():
            if kind == "+":
                added += 1
                base = replace(entries[0].task, id=f"W{added:03d}")
                original = None
            else:
                original = base = originals[key]
                if not entries:
                    continue  # deleted in every copy: no longer a task of the plan
            task, found, tracked = _merge_task(base, original, entries)
            no = first.numbers.get((k, base.id)) if original is not None else None
            for name, pairs in found:
                conflicts.extend((title, task.id, no, task.title, name, value, source)
                                 for value, source in pairs)
            for e in entries:
                status = _bare(e.cells.get(STATUS))
                if status and status not in STATUSES:
                    warnings.append(
                        f"{Path(e.source).name}:第{no or '—'}项“{task.title or task.id}”的"
                        f"{STATUS_HEADER}“{status}”不在下拉列表({'、'.join(STATUSES)})中,"
                        "按原文保留")
            values[(k, task.id)] = (*tracked, bool(found),
                                    "、".join(dict.fromkeys(
                                        Path(e.source).name for e in entries
                                        if any(_bare(e.cells.get(f)) for f in TRACKED))))
            tasks.append(task)
        plans.append(replace(written, tasks=tuple(tasks),
                             source=first.origins[k] or first.source))
    return plans, values, conflicts, warnings


def _merge_task(base: Task, original: Task | None, entries: list[_Entry]
                ) -> tuple[Task, list[tuple[str, list[tuple[str, str]]]], tuple[str, str]]:
    """A task merged from its copies: the task, its conflicts (field, [(value, file)]) and
    its progress and status (empty where they conflict)."""
    task = base
    conflicts: list[tuple[str, list[tuple[str, str]]]] = []
    tracked = {PROGRESS: "", STATUS: ""}
    for name in FIELDS:
        said: dict[object, tuple[str, list[str]]] = {}  # value → (shown, files)
        if name in TRACKED:
            for e in entries:
                text = (e.cells.get(name) or "").strip()
                if text:
                    said.setdefault(_bare(text), (text, []))[1].append(e.source)
        else:
            written = _field(original, name)[0] if original is not None else None
            for e in entries:
                value, shown = _field(e.task, name)
                if value != written and (original is not None or value):
                    said.setdefault(value, (shown, []))[1].append(e.source)
        if len(said) > 1:
            conflicts.append((name, [(shown, Path(f).name) for shown, files in said.values()
                                     for f in files]))
        elif said:
            value, (shown, files) = next(iter(said.items()))
            if name in TRACKED:
                tracked[name] = shown
            else:
                winner = next(e.task for e in entries if e.source == files[0])
                task = _take(task, winner, name)
    return task, conflicts, (tracked[PROGRESS], tracked[STATUS])


def _take(task: Task, source: Task, name: str) -> Task:
    """`task` with `source`'s `name` (its due date with a deadline, its bodies of a role)."""
    if name == "deadline":
        return replace(task, deadline=source.deadline, due=source.due,
                       due_kind=source.due_kind)
    if name in (LEAD, RESPONSIBLE):
        kept = [a for a in task.assignments if a.role != name or a.implicit]
        typed: list[Assignment] = [a for a in source.assignments
                                   if a.role == name and not a.implicit]
        together = sorted(kept + typed, key=lambda a: (a.implicit, a.role != LEAD))
        return replace(task, assignments=tuple(together))
    return replace(task, **{name: getattr(source, name)})


# judging ---------------------------------------------------------------------------------

def judge(task: Task, status: str, progress: str, conflict: bool, as_of: datetime.date,
          soon: int = SOON_DAYS) -> str:
    """What a task is at `as_of` (the first that holds, in the order of the module's
    docstring)."""
    due = datetime.date.fromisoformat(task.due) if task.due else None
    if conflict:
        return UNVERIFIED
    if status == DONE_STATUS:
        return DONE
    if status == LATE_STATUS or (due is not None and due < as_of):
        return OVERDUE
    if due is not None and (due - as_of).days <= soon:
        return SOON
    if task.due_kind in (ONGOING, RECURRING):
        return ONGOING_STATE
    if due is None:
        return NO_DEADLINE
    if status == NOT_STARTED_STATUS or not (status or progress):
        return NOT_STARTED
    return IN_PROGRESS


def track(paths: Sequence[str | Path], as_of: datetime.date | str | None = None,
          soon: int = SOON_DAYS, aliases: AliasTable | None = None) -> Tracking:
    """Read, merge and judge the filled-in copies of one 任务分解表 (files, folders or
    globs, as `expand_inputs` takes them) at `as_of` (a date or its text as `parse_date`
    reads it; default today), a task due within `soon` days being 即将到期.

    >>> result = track(["局甲.xlsx", "局乙.xlsx"], as_of="2024-06-15")  # doctest: +SKIP
    >>> result.tasks.filter(pl.col("state") == "overdue")  # doctest: +SKIP
    """
    if soon < 0:
        raise ValueError(f"soon must be 0 or more, not {soon}")
    day = (parse_date(as_of) if isinstance(as_of, str)
           else as_of or datetime.date.today())
    files = expand_inputs(paths)
    if not files:
        raise TaskmapError("没有给出要汇总的任务分解表工作簿")
    copies = [read_copy(f, aliases) for f in files]
    plans, values, conflict_rows, warnings = _merge_copies(copies)
    rows = []
    for k, plan in enumerate(plans):
        for task in plan.tasks:
            progress, status, conflict, sources = values[(k, task.id)]
            due = datetime.date.fromisoformat(task.due) if task.due else None
            rows.append({
                "plan": plan.source, "plan_title": plan.context.title or "",
                "task_id": task.id, "no": copies[0].numbers.get((k, task.id)), "area": task.area,
                "title": task.title, "lead": _names(task, LEAD),
                "responsible": _names(task, RESPONSIBLE), "deadline": task.deadline,
                "due": due, "due_kind": task.due_kind, "progress": progress or None,
                "status": status or None,
                "state": judge(task, status, progress, conflict, day, soon),
                "days_left": (due - day).days if due else None,
                "reported": bool(sources), "conflict": conflict,
                "sources": sources or None})
    tasks = pl.DataFrame(rows, schema=TASK_SCHEMA, orient="row")
    conflicts = pl.DataFrame(conflict_rows, schema=CONFLICT_SCHEMA, orient="row")
    return Tracking(day, soon, tuple(c.source for c in copies), tuple(plans), tasks,
                    unit_counts(plans, tasks), conflicts, tuple(warnings))


def unit_counts(plans: Sequence[Plan], tasks: pl.DataFrame) -> pl.DataFrame:
    """Per body (its canonical name, and the label reports show): tasks led and shared,
    counted by state (see the module's docstring); bodies leading most first."""
    frame = engine.assignments_frame(plans)
    if frame.is_empty():
        return pl.DataFrame(schema=UNIT_SCHEMA)
    label = engine.labels(frame)
    joined = frame.join(tasks.select("plan", "task_id", "state", "status", "reported"),
                        on=["plan", "task_id"], how="inner", maintain_order="left")
    state = pl.col("state")
    lead = joined.filter(pl.col("role") == LEAD).group_by("canonical", maintain_order=True).agg(
        pl.len().alias("lead"), (state == DONE).sum().alias("done"),
        ((pl.col("status") == IN_PROGRESS_STATUS)
         & ~state.is_in([DONE, OVERDUE, UNVERIFIED])).sum().alias("in_progress"),
        (state == OVERDUE).sum().alias("overdue"), (state == SOON).sum().alias("soon"),
        (~pl.col("reported")).sum().alias("unreported"),
        (state == UNVERIFIED).sum().alias("unverified"))
    shared = joined.filter(pl.col("role") == RESPONSIBLE).group_by(
        "canonical", maintain_order=True).agg(
        pl.len().alias("shared"), (state == DONE).sum().alias("shared_done"),
        (state == OVERDUE).sum().alias("shared_overdue"),
        (state == SOON).sum().alias("shared_soon"))
    bodies = frame.group_by("canonical", maintain_order=True).agg(
        pl.col("collective").first())
    units = bodies.join(lead, on="canonical", how="left", maintain_order="left").join(
        shared, on="canonical", how="left", maintain_order="left").with_columns(
        pl.col(c).fill_null(0).cast(pl.Int64) for c in UNIT_COUNTS)
    units = units.rename({"canonical": "agency"}).with_columns(
        pl.col("agency").replace_strict(label, default=pl.col("agency")).alias("display"))
    units = units.sort(["lead", "overdue", "shared"], descending=True, maintain_order=True)
    return units.select(list(UNIT_SCHEMA)).cast(UNIT_SCHEMA)  # type: ignore[arg-type]
