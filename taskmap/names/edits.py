"""A person's corrections to a plan, made the plan: one function for every place a clerk
corrects what taskmap read — the workbook read back (`names.book`), the web page
(`web.edits`), a notebook.

What may be corrected, by key (`FIELDS`):

- area, title, deadline: the task's 行动领域, 重点任务, 完成时限 (empty: none); an edited
  deadline gets its own due date;
- lead, responsible: the task's bodies in that role, typed as a cell lists them, split as
  the grammar splits a list (、,;/ and line breaks, 和/及 between two bodies) and resolved
  like any surface the plan writes (alias tables, the plan's place); bodies a standing
  statement implied stay (they are not the cell's); empty: no body in that role;
- the plan's title (`PlanEdits.title`);
- tasks removed and tasks added (the workbook's deleted and new rows).

>>> from taskmap import parse_text
>>> plan = parse_text("一、任务\\n1.推进节能改造。(牵头单位:区发改委,责任单位:区财政局)")
>>> edited = apply_edits(plan, PlanEdits(tasks={"T001": {"lead": "区财政局、区住建局"}}))
>>> edited.tasks[0].agencies("lead")
['区财政局', '区住建局']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from ..errors import EditError
from ..grammar.clauses import split_items
from ..grammar.deadlines import due, plan_year
from ..models import LEAD, RESPONSIBLE, Assignment, Plan, Task
from ..text import Text
from .resolve import resolve_plan
from .tables import AliasTable

ROLE_OF = {"lead": LEAD, "responsible": RESPONSIBLE}
# the keys a correction may change (their headers are the 任务分解表's: present.xlsx.marker)
FIELDS = ("area", "title", "lead", "responsible", "deadline")


@dataclass(frozen=True)
class PlanEdits:
    """The corrections to one plan. `tasks`: task id → {key of `FIELDS` → the new text}
    (a key left out keeps what the plan says; an empty text clears it); `title`: the
    plan's title (None keeps it, an empty text clears it); `removed`: ids of tasks
    deleted; `added`: new tasks, each {key → text}, after the plan's own."""

    tasks: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    title: str | None = None
    removed: frozenset[str] = frozenset()
    added: tuple[Mapping[str, str], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.tasks or self.title is not None or self.removed or self.added)


def apply_edits(plan: Plan, edits: PlanEdits, table: AliasTable | None = None) -> Plan:
    """`plan` with `edits` made; its names resolved again with `table` (default: the
    national table) where a body changed. An edit naming a task the plan does not have, a
    key that cannot be edited or a value that is not text raises EditError (one line, in
    Chinese): an edit is never dropped silently."""
    _check(plan, edits)
    if edits.title is not None:
        plan = replace(plan, context=replace(plan.context, title=edits.title.strip() or None))
    if not (edits.tasks or edits.removed or edits.added):
        return plan
    year = plan_year(plan.context)
    tasks = [_task(task, edits.tasks.get(task.id, {}), year)
             for task in plan.tasks if task.id not in edits.removed]
    for n, cells in enumerate(edits.added, start=1):
        new = Task(id=f"W{n:03d}", line=0, block="", chapter=None, area=None, title=None,
                   deadline=None, assignments=())
        tasks.append(_task(new, {key: cells.get(key, "") for key in FIELDS}, year))
    plan = replace(plan, tasks=tuple(tasks))
    bodies = bool(edits.added) or any(key in ROLE_OF for edit in edits.tasks.values()
                                      for key in edit)
    return resolve_plan(plan, plan.context, table or AliasTable.load()) if bodies else plan


def _check(plan: Plan, edits: PlanEdits) -> None:
    ids = {t.id for t in plan.tasks}
    unknown = [i for i in (*edits.tasks, *sorted(edits.removed)) if i not in ids]
    if unknown:
        more = " 等" if len(unknown) > 5 else ""
        raise EditError(f"{plan.source}:没有编号为 {'、'.join(map(str, unknown[:5]))}{more} "
                        "的任务,修改未能应用")
    for edit in (*edits.tasks.values(), *edits.added):
        for key, value in edit.items():
            if key not in FIELDS:
                raise EditError(f"{plan.source}:“{key}”不能修改;可修改的是 {'、'.join(FIELDS)}")
            if not isinstance(value, str):
                raise EditError(f"{plan.source}:“{key}”的修改内容应为文字")
    if edits.title is not None and not isinstance(edits.title, str):
        raise EditError(f"{plan.source}:方案名称的修改内容应为文字")


def _task(task: Task, edit: Mapping[str, str], year: int | None) -> Task:
    changes: dict[str, Any] = {key: (edit[key].strip() or None)
                               for key in ("area", "title", "deadline") if key in edit}
    if "deadline" in changes:  # the due date is the edited deadline's, not the old one's
        changes["due"], changes["due_kind"] = due(changes["deadline"], year)
    assignments = list(task.assignments)
    for key, role in ROLE_OF.items():
        if key in edit:
            kept = [a for a in assignments if a.role != role or a.implicit]
            typed = [Assignment(role, s, s) for s in surfaces(edit[key])]
            assignments = kept + typed
    if any(key in ROLE_OF for key in edit):  # leads first, as a plan lists them
        assignments.sort(key=lambda a: (a.implicit, a.role != LEAD))
        changes["assignments"] = tuple(assignments)
    return replace(task, **changes) if changes else task


def surfaces(cell: str) -> list[str]:
    """The bodies a cell lists, split as the grammar splits a list of bodies."""
    text = Text.of(cell.strip())
    return [s for s, _ in split_items(text, 0, len(text.src))]


def cell(task: Task, key: str) -> str:
    """What a task's `key` holds, as the 任务分解表 cell writes it and an edit is typed:
    its text, or the bodies of a role the plan names (not implied), joined by 、."""
    if key in ROLE_OF:
        return "、".join(dict.fromkeys(a.raw for a in task.assignments
                                       if a.role == ROLE_OF[key] and not a.implicit))
    return getattr(task, key) or ""
