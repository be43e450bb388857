"""A list of tasks for each unit (`taskmap export … --by-unit`): what each body must be
sent — the tasks it leads, the tasks it shares, the tasks a standing statement gives it —
as polars frames, and written as one Word file (a unit a page), one workbook (a sheet a
unit) or a folder of Word files (a file a unit).

A unit is a resolved body (`Assignment.agency`), shown by the one label the engine gives
it (`engine.labels`: the name its plans show it by most). Each of its tasks is in one
part: `lead` when it leads the task, else `responsible` when the plan names it among those
who carry it, else `implicit` when only a standing statement adds it. Units are ordered
by tasks led (most first), then by name; within a unit, by part, then plan, then 序号 (the
task's number in its plan's 任务分解表).

>>> import taskmap
>>> plan = taskmap.parse_text("1.改造。(牵头单位:市发改委,责任单位:市财政局)")
>>> unit_counts(unit_tasks([plan]))["name"].to_list()
['市发改委', '市财政局']
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

import polars as pl

from .. import engine
from ..models import LEAD, RESPONSIBLE, Plan, Task
from ..rows import due_date
from .labels import plan_labels

IMPLICIT = "implicit"
PARTS = (LEAD, RESPONSIBLE, IMPLICIT)  # the order of a unit's list
PART_LABELS = {LEAD: "牵头任务", RESPONSIBLE: "配合任务", IMPLICIT: "统一落实任务"}
IMPLICIT_MARK = "（统一落实）"  # as the Word 任务分解表 marks a body a statement adds
LIST_TITLE = "重点任务清单"  # a unit's list is headed by its name, then this
INDEX_SHEET = "单位清单"  # the workbook's first sheet: every unit and its counts

SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "unit": pl.String, "name": pl.String, "part": pl.String, "plan": pl.String,
    "plan_title": pl.String, "no": pl.Int64, "task_id": pl.String, "line": pl.Int64,
    "area": pl.String, "title": pl.String, "text": pl.String, "content": pl.String,
    "lead": pl.String, "responsible": pl.String, "deadline": pl.String, "due": pl.Date}
COUNTS = ("unit", "name", "lead", "responsible", "implicit", "tasks")


def unit_tasks(plans: Sequence[Plan], *, implicit: bool = True,
               collective: bool = True) -> pl.DataFrame:
    """One row per unit × task (`SCHEMA`), in the order the lists are written.

    `unit` is the body (canonical), `name` its label; `part` is lead, responsible or
    implicit (one part a task: leading it comes first); `no` is the task's 序号 in its
    plan; `title` and `text` its title and whole wording, `content` the wording past the
    title; `lead` and `responsible` the *other* bodies of the task as the plan writes them
    (a body a statement adds marked （统一落实）); `plan_title` names the plan (told apart
    by file when two plans share a title). `implicit=False` leaves out what statements add;
    `collective=False` gives no list to collectives (各县(市、区)人民政府).
    """
    from .xlsx.workbook import task_content

    plans = list(plans)
    label = engine.labels(engine.raw_assignments(plans))
    titles = plan_labels(plans)
    rows: list[dict[str, object]] = []
    for plan in plans:
        for no, task in enumerate(plan.tasks, start=1):
            parts: dict[str, str] = {}
            for a in task.assignments:
                if (a.implicit and not implicit) or (a.collective and not collective):
                    continue
                part = IMPLICIT if a.implicit else a.role
                if a.agency not in parts or PARTS.index(part) < PARTS.index(parts[a.agency]):
                    parts[a.agency] = part
            for agency, part in parts.items():
                rows.append({
                    "unit": agency, "name": label.get(agency, agency), "part": part,
                    "plan": plan.source, "plan_title": titles[plan.source], "no": no,
                    "task_id": task.id, "line": task.line, "area": task.area or "",
                    "title": (task.title or "").strip(), "text": (task.text or "").strip(),
                    "content": task_content(task),
                    "lead": _others(task, LEAD, agency, implicit),
                    "responsible": _others(task, RESPONSIBLE, agency, implicit),
                    "deadline": task.deadline or "", "due": due_date(task.due)})
    frame = pl.DataFrame(rows, schema=SCHEMA, orient="row")
    order = {u: k for k, u in enumerate(unit_counts(frame)["unit"])}
    plan_order = {p.source: k for k, p in enumerate(plans)}
    return frame.with_columns(
        pl.col("unit").replace_strict(order, return_dtype=pl.Int64).alias("_unit"),
        pl.col("part").replace_strict({p: k for k, p in enumerate(PARTS)},
                                      return_dtype=pl.Int64).alias("_part"),
        pl.col("plan").replace_strict(plan_order, return_dtype=pl.Int64).alias("_plan"),
    ).sort(["_unit", "_part", "_plan", "no"], maintain_order=True).drop(
        "_unit", "_part", "_plan")


def unit_counts(tasks: pl.DataFrame) -> pl.DataFrame:
    """One row per unit of a `unit_tasks` frame: tasks led, shared, given by a statement,
    and in all; most tasks led first, then by name."""
    if tasks.is_empty():
        return pl.DataFrame(schema={c: pl.String if c in ("unit", "name") else pl.Int64
                                    for c in COUNTS})
    counts = tasks.group_by(["unit", "name"]).agg(
        *((pl.col("part") == p).sum().cast(pl.Int64).alias(p) for p in PARTS),
        pl.len().cast(pl.Int64).alias("tasks"))
    return counts.select(COUNTS).sort(["lead", "name", "unit"], descending=[True, False, False])


def _others(task: Task, role: str, unit: str, implicit: bool) -> str:
    """The bodies of `role` in `task` other than `unit`, as the plan writes them."""
    shown: list[str] = []
    for a in task.assignments:
        if a.role != role or a.agency == unit or (a.implicit and not implicit):
            continue
        name = a.raw + (IMPLICIT_MARK if a.implicit else "")
        if name not in shown and a.raw not in shown:
            shown.append(name)
    return "、".join(shown)


# names for sheets and files ------------------------------------------------------------

SHEET_CHARS = 31  # Excel's limit, in UTF-16 code units
_SHEET_FORBIDDEN = str.maketrans({"[": "［", "]": "］", ":": "：", "*": "＊", "?": "？",
                                  "/": "／", "\\": "＼"})
FILE_CHARS = 60  # a name's characters before .docx: 240 bytes in UTF-8 at most
_FILE_FORBIDDEN = str.maketrans({"<": "＜", ">": "＞", ":": "：", '"': "＂", "/": "／",
                                 "\\": "＼", "|": "｜", "?": "？", "*": "＊"})
_RESERVED = re.compile(r"(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?", re.I)


def _printable(name: str) -> str:
    """`name` without controls or format characters, its spaces one space, trimmed."""
    kept = "".join(ch if unicodedata.category(ch)[0] not in "CZ" else " " for ch in name)
    return " ".join(kept.split())


def _utf16_cut(text: str, limit: int) -> str:
    """`text` cut to at most `limit` UTF-16 code units (Excel counts a sheet name so),
    never inside a character."""
    out, used = [], 0
    for ch in text:
        used += 2 if ord(ch) > 0xFFFF else 1
        if used > limit:
            break
        out.append(ch)
    return "".join(out)


def _unique(base: str, cut, taken: set[str]) -> str:
    """`cut(base, suffix)` with the first suffix ('', （2）, （3）…) whose name (case
    folded) is not in `taken`; the name is added to `taken`."""
    k = 1
    while True:
        name = cut(base, "" if k == 1 else f"（{k}）")
        if name.casefold() not in taken:
            taken.add(name.casefold())
            return name
        k += 1


def sheet_names(names: Iterable[str], taken: Iterable[str] = (INDEX_SHEET,)) -> list[str]:
    """A sheet name for each unit name, in order: Excel's forbidden characters
    ``[]:*?/\\`` made full-width, no apostrophe at either end, at most 31 characters, and
    unique (case folded, beside the sheets `taken`) by a （2）, （3）… after the cut.

    >>> sheet_names(["市发改委", "a/b", "市发改委"])
    ['市发改委', 'a／b', '市发改委（2）']
    """
    used = {t.casefold() for t in taken}
    out = []
    for name in names:
        base = _printable(name).translate(_SHEET_FORBIDDEN).strip("'") or "单位"
        if base.casefold() == "history":  # Excel keeps this name for itself
            base += "（单位）"

        def cut(base: str, suffix: str) -> str:
            return (_utf16_cut(base, SHEET_CHARS - len(suffix)).rstrip("'") or "单位") + suffix
        out.append(_unique(base, cut, used))
    return out


def file_names(names: Iterable[str], suffix: str = ".docx") -> list[str]:
    """A file name for each unit name, in order, safe on Windows and Linux: the characters
    Windows forbids made full-width, controls removed, no dot or space at either end, no
    device name (CON, NUL, COM1 …), at most 60 characters before `suffix`, and unique
    (case folded) by a （2）, （3）….

    >>> file_names(["市发改委", "a:b", "市发改委", "CON"])
    ['市发改委.docx', 'a：b.docx', '市发改委（2）.docx', '_CON.docx']
    """
    used: set[str] = set()
    out = []
    for name in names:
        base = _printable(name).translate(_FILE_FORBIDDEN).strip(" .") or "单位"
        if _RESERVED.fullmatch(base):
            base = "_" + base

        def cut(base: str, end: str) -> str:
            return (base[:FILE_CHARS - len(end)].rstrip(" .") or "单位") + end + suffix
        out.append(_unique(base, cut, used))
    return out
