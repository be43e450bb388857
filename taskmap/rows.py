"""A plan as plain rows: the columns of the corpus frames (plans, tasks, assignments,
warnings) as tuples, made without polars. A worker process of a corpus run sends these
back instead of the Plan (smaller to send, nothing left for the parent to walk), and the
parent turns a whole batch into frames in one call (`engine.frames_of`).
"""

from __future__ import annotations

from datetime import date

from .models import LEAD, RESPONSIBLE, Plan

# column names, in the order of every row's fields; their types are in engine
PLANS = ("plan", "jurisdiction", "title", "issuer", "date", "number", "tasks", "bodies",
         "review", "warnings", "segments", "segments_read", "segments_warned", "segments_unread")
TASKS = ("plan", "task_id", "line", "chapter", "area", "title", "deadline", "due", "due_kind",
         "block", "lead", "responsible", "implicit")
ASSIGNMENTS = ("plan", "jurisdiction", "task_id", "line", "chapter", "area", "title",
               "deadline", "due", "due_kind", "role", "raw", "canonical", "display", "level",
               "function", "implicit", "collective", "tier", "score")
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
                         a.implicit, a.collective, a.tier, a.score))
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
