"""A plan as plain rows: the columns of the corpus frames (plans, tasks, assignments,
warnings) as tuples, made without polars. A worker process of a corpus run sends these
back instead of the Plan (smaller to send, nothing left for the parent to walk), and the
parent turns a whole batch into frames in one call (`engine.frames_of`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from .models import LEAD, RESPONSIBLE, Heading, Plan, Task

# column names, in the order of every row's fields; their types are in engine
PLANS = ("plan", "jurisdiction", "title", "issuer", "date", "number", "tasks", "bodies",
         "review", "warnings", "segments", "segments_read", "segments_warned", "segments_unread")
TASKS = ("plan", "task_id", "line", "chapter", "area", "title", "deadline", "due", "due_kind",
         "block", "lead", "responsible", "implicit")
ASSIGNMENTS = ("plan", "jurisdiction", "task_id", "line", "chapter", "area", "title",
               "deadline", "due", "due_kind", "role", "raw", "canonical", "display", "level",
               "function", "implicit", "collective", "tier", "score", "group")
WARNINGS = ("plan", "line", "text", "reason")
NO_AREA = "(未分领域)"

Rows = dict[str, list[tuple]]


def plan_rows(plan: Plan) -> Rows:
    """Every row `plan` gives each table."""
    return {"plans": [summary_row(plan)], "tasks": task_rows(plan),
            "assignments": assignment_rows(plan), "warnings": warning_rows(plan)}


def summary_row(plan: Plan) -> tuple:
    """Tasks, bodies, names to review, warnings, and coverage (role-bearing segments seen,
    read as assignments, warned about by the grammar, unread)."""
    bodies = {a.agency for t in plan.tasks for a in t.assignments if not a.collective}
    review = {a.raw for t in plan.tasks for a in t.assignments
              if a.tier in ("fuzzy", "unresolved")}
    c = plan.context
    return (plan.source, plan.jurisdiction, c.title, c.issuer, c.date, c.number,
            len(plan.tasks), len(bodies), len(review), len(plan.warnings), plan.coverage.seen,
            plan.coverage.read, plan.coverage.warned, plan.coverage.unread)


def task_rows(plan: Plan) -> list[tuple]:
    """A task a row: where it stands and who carries it (names as written, joined by 、)."""
    return [(plan.source, t.id, t.line, t.chapter, t.area or NO_AREA, t.title, t.deadline,
             due_date(t.due), t.due_kind, t.block,
             _join(a for a in t.assignments if a.role == LEAD and not a.implicit),
             _join(a for a in t.assignments if a.role == RESPONSIBLE and not a.implicit),
             _join(a for a in t.assignments if a.implicit))
            for t in plan.tasks]


def assignment_rows(plan: Plan) -> list[tuple]:
    """A row a task × role × body; a body named twice in one role of a task is one row (the
    first), shown by its own plan's name for it."""
    rows, seen = [], set()
    groups = grouping(plan).groups
    for t in plan.tasks:
        area = t.area or NO_AREA
        for a in t.assignments:
            if (key := (t.id, a.role, a.agency)) in seen:
                continue
            seen.add(key)
            rows.append((plan.source, plan.jurisdiction, t.id, t.line, t.chapter, area, t.title,
                         t.deadline, due_date(t.due), t.due_kind, a.role, a.raw, a.agency,
                         a.display or a.raw, a.level,
                         # a collective is never one kind of bureau: it keeps its own name
                         a.agency if a.collective or not a.function else a.function,
                         a.implicit, a.collective, a.tier, a.score, groups[t.id]))
    return rows


def warning_rows(plan: Plan) -> list[tuple]:
    return [(plan.source, w.line, w.text, w.reason) for w in plan.warnings]


def due_date(iso: str | None) -> date | None:
    """A task's due date (ISO text) as a date, for a Date column."""
    return None if iso is None else date.fromisoformat(iso)


def _join(assignments) -> str:
    names: list[str] = []
    for a in assignments:
        if a.raw not in names:
            names.append(a.raw)
    return "、".join(names)


SINGLE_SHARE = 0.5  # tasks alone under their heading, from this share up: the level above


@dataclass(frozen=True)
class Grouping:
    """How the reports of a plan group its tasks (the matrices' columns, the sections of
    the Word 任务分解表): `groups` maps a task id to the title of its group, `headings`
    a group's title to its heading in the outline (None when the outline has none).

    The group is the task's area (its innermost heading, as extracted) unless those
    headings hold one task each (`up`: a plan whose （一） items are the tasks themselves),
    then the heading above the area; a task that is its own heading (its area is its
    title: 保障措施 items) goes one level up in any case. The extracted area is unchanged.
    """

    up: bool = False
    groups: dict[str, str] = field(default_factory=dict)
    headings: dict[str, Heading | None] = field(default_factory=dict)

    @property
    def level(self) -> Heading | None:
        """A heading of the level most groups are (for saying which level is counted)."""
        found = [h for h in self.headings.values() if h is not None]
        if not found:
            return None
        common = Counter(h.level for h in found).most_common(1)[0][0]
        return next(h for h in found if h.level == common)


def grouping(plan: Plan) -> Grouping:
    """The level `plan`'s tasks are grouped by in matrices and reports (see `Grouping`).

    >>> import taskmap
    >>> plan = taskmap.parse_text("一、任务\\n(一)节能\\n1.改造。(牵头单位:市发改委)")
    >>> grouping(plan).groups
    {'T001': '节能'}
    """
    own = _area_headings(plan)  # task → (its area's heading, the heading above that)
    sizes = Counter(t.area for t in plan.tasks)
    alone = [t for t in plan.tasks if _is_alone(t, sizes)]
    up = len(plan.tasks) > 1 and len(alone) >= SINGLE_SHARE * len(plan.tasks) and any(
        parent is not None for _, parent in own.values())
    groups: dict[str, str] = {}
    headings: dict[str, Heading | None] = {}
    for t in plan.tasks:
        area, parent = own[t.id]
        if (up or t.area == t.title) and (parent is not None or t.chapter):
            title, heading = (parent.title, parent) if parent is not None else (t.chapter, None)
        else:
            title, heading = t.area, area
        groups[t.id] = title or NO_AREA
        headings.setdefault(groups[t.id], heading)
    return Grouping(up, groups, headings)


def _is_alone(task: Task, sizes: Counter) -> bool:
    return task.area is not None and (sizes[task.area] == 1 or task.area == task.title)


def _area_headings(plan: Plan) -> dict[str, tuple[Heading | None, Heading | None]]:
    """Each task's area heading (the last heading of that title above the task) and the
    nearest heading of a higher level above that one; one pass over outline and tasks."""
    outline = sorted(plan.outline, key=lambda h: h.line)
    parents: list[Heading | None] = []
    stack: list[Heading] = []
    for h in outline:
        while stack and stack[-1].level >= h.level:
            stack.pop()
        parents.append(stack[-1] if stack else None)
        stack.append(h)
    last: dict[str, int] = {}  # title → index of its last heading so far
    found: dict[str, tuple[Heading | None, Heading | None]] = {}
    k = 0
    for t in sorted(plan.tasks, key=lambda t: t.line):
        while k < len(outline) and outline[k].line <= t.line:
            last[outline[k].title] = k
            k += 1
        at = last.get(t.area) if t.area is not None else None
        found[t.id] = (None, None) if at is None else (outline[at], parents[at])
    return found
