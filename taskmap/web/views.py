"""What the pages show, as plain data for the templates: turn plans and diffs into rows
(uploads are read into plans by `uploads`, its names re-exported here). No web framework
here: the frames come from `taskmap.engine`, the ranking and heat from
`present.workload_view`, the diff from `taskmap.diff`."""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .. import engine
from ..diff import ADDED, DELETE, INSERT, REMOVED, UNCHANGED, PlanDiff, TaskDiff
from ..mentions import whole_plan
from ..models import LEAD, RESPONSIBLE, Plan
from ..names.edits import FIELDS, PlanEdits, cell
from ..present.changes import is_edited, segments
from ..present.diff_view import body_detail, flags
from ..present.extract_view import coverage_line
from ..present.labels import ROLE_LABELS, STATUS_LABELS, TIER_LABELS
from ..present.workload_view import area_mark, heat_level, ranking_rows

# re-exported: the app reads them here
from .uploads import FORMATS, Problem, Upload, file_name, problem, read_uploads  # noqa: F401

NO_AREA = "(未分领域)"  # the engine's name for tasks outside any area
HEAT_LEVELS = 5
TOP = 15  # bodies in the lead ranking, as in the terminal report


# 任务分解表 ----------------------------------------------------------------------------

@dataclass
class Name:
    raw: str
    label: str  # the body's one label across the uploaded plans (what the filter uses)
    implicit: bool
    review: str = ""  # why a person should check this name, if they should


@dataclass
class TaskRow:
    n: int
    plan: str
    id: str
    line: int
    chapter: str
    area: str
    title: str
    text: str
    block: str
    deadline: str
    lead: list[Name] = field(default_factory=list)
    responsible: list[Name] = field(default_factory=list)
    original: dict[str, str] = field(default_factory=dict)  # what a correction may change,
    # as the plan says it before any (`names.edits.cell`): what the page's 撤销 restores

    @property
    def lead_labels(self) -> str:
        return "|".join(dict.fromkeys(n.label for n in self.lead))

    @property
    def responsible_labels(self) -> str:
        return "|".join(dict.fromkeys(n.label for n in self.responsible))


def extract_page(plans: Sequence[Plan], problems: Sequence[Problem] = (),
                 originals: Sequence[Plan] | None = None,
                 edits: Mapping[str, PlanEdits] | None = None) -> dict:
    """Everything the 任务分解表 page shows for `plans`; `originals`: the plans before the
    page's corrections `edits` (by source) were made, what 撤销 goes back to."""
    frame = engine.assignments_frame(plans)
    summary = engine.agency_summary(frame)
    label = dict(zip(summary["agency"], summary["display"], strict=True))
    before = {p.source: p for p in (originals or plans)}
    rows = task_rows(plans, label, before)
    areas = list(dict.fromkeys(r.area for r in rows))
    return {
        "plans": plan_rows(plans, before),
        "edits": json.dumps({s: {"title": e.title, "tasks": e.tasks} if e.title is not None
                             else {"tasks": e.tasks} for s, e in (edits or {}).items()},
                            ensure_ascii=False) if edits else "",
        "problems": list(problems),
        "multi": len(plans) > 1,
        "rows": rows,
        "bodies": list(dict.fromkeys(summary["display"])),
        "areas": areas,
        "roles": [(LEAD, ROLE_LABELS[LEAD]), (RESPONSIBLE, ROLE_LABELS[RESPONSIBLE])],
        "warnings": [{"plan": p.source, "line": w.line, "text": w.text, "reason": w.reason}
                     for p in plans for w in p.warnings],
        "alerts": [{"plan": p.source, "reason": w.reason}
                   for p in plans for w in p.warnings if whole_plan(w)],
        "implicit": any(n.implicit for r in rows for n in r.responsible + r.lead),
        "ranking": ranking_rows(summary, TOP),
        "matrices": [matrix(frame, summary, LEAD), matrix(frame, summary, "all")],
    }


def plan_rows(plans: Sequence[Plan], before: Mapping[str, Plan] | None = None
              ) -> list[dict]:
    """One row per plan (as in the report's 概况), with its coverage sentence and its title
    before the page's corrections (`before`: the plans by source before them)."""
    by_source = {p.source: p for p in plans}
    before = before or by_source
    return [{**r, "coverage": coverage_line(by_source[r["plan"]]).plain,
             "original_title": before[r["plan"]].context.title or ""}
            for r in engine.plan_summary(plans).iter_rows(named=True)]


def task_rows(plans: Sequence[Plan], label: dict[str, str],
              before: Mapping[str, Plan] | None = None) -> list[TaskRow]:
    rows: list[TaskRow] = []
    for plan in plans:
        was = {t.id: t for t in (before or {}).get(plan.source, plan).tasks}
        for t in plan.tasks:
            row = TaskRow(len(rows) + 1, plan.source, t.id, t.line, t.chapter or "",
                          t.area or NO_AREA, t.title or "", t.text or "", t.block or "",
                          t.deadline or "",
                          original={key: cell(was.get(t.id, t), key) for key in FIELDS})
            seen: set[tuple[str, str]] = set()
            for a in t.assignments:
                if (a.role, a.raw) in seen:
                    continue
                seen.add((a.role, a.raw))
                review = TIER_LABELS[a.tier] if a.tier in ("fuzzy", "unresolved") else ""
                name = Name(a.raw, label.get(a.agency, a.display or a.raw), a.implicit, review)
                (row.lead if a.role == LEAD else row.responsible).append(name)
            rows.append(row)
    return rows


def matrix(frame, summary, role: str) -> dict:
    """The body × area matrix of `role` (lead, or all) with each cell's heat level 0…4, as
    the terminal report colours it."""
    m = engine.build_matrix(frame, role=role)
    areas = [c for c in m.columns if c not in ("agency", "plan", "合计")]
    names = dict(zip(summary["agency"], summary["display"], strict=True))
    most = max((max((r[a] for a in areas), default=0) for r in m.iter_rows(named=True)),
               default=1)
    rows = [{"label": names.get(r["agency"], r["agency"]), "total": r["合计"],
             "cells": [(r[a], heat_level(r[a], most, HEAT_LEVELS)) for a in areas]}
            for r in m.iter_rows(named=True)]
    return {"role": role, "title": f"单位 × 行动领域({ROLE_LABELS[role]}任务数)",
            "areas": [(area_mark(i), a) for i, a in enumerate(areas)], "rows": rows,
            "filter_role": role if role == LEAD else ""}


# 修改对照表 ----------------------------------------------------------------------------

def wording_diff(old: str, new: str) -> list[tuple[str, str]]:
    """The character diff of two wordings as (op, text) runs: op is "same", "del" (only in
    `old`) or "ins" (only in `new`); the old text is the "same" and "del" runs in order,
    the new text the "same" and "ins" runs.

    >>> wording_diff("县水利局牵头", "县林业局牵头")
    [('same', '县'), ('del', '水利'), ('ins', '林业'), ('same', '局牵头')]
    >>> wording_diff("县住房和城乡建设局", "县住建局")
    [('same', '县住'), ('del', '房和城乡建设'), ('ins', '建'), ('same', '局')]
    """
    # (old part, new part, same?); a single kept character between two edits joins them,
    # so 住[房和城乡]建[设]局 → 住建局 reads as 住[房和城乡建设]局 → 住[建]局
    parts = [(old[i1:i2], new[j1:j2], op == "equal") for op, i1, i2, j1, j2 in
             difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()]
    merged: list[list] = []
    for k, (a, b, same) in enumerate(parts):
        if same and len(a) == 1 and 0 < k < len(parts) - 1:
            same = False
        if merged and not same and not merged[-1][2]:
            merged[-1][0] += a
            merged[-1][1] += b
        else:
            merged.append([a, b, same])
    runs: list[tuple[str, str]] = []
    for a, b, same in merged:
        if same:
            runs.append(("same", a))
            continue
        if a:
            runs.append(("del", a))
        if b:
            runs.append(("ins", b))
    return runs


def diff_page(d: PlanDiff) -> dict:
    """Everything the 修改对照表 page shows for a diff."""
    rows = [diff_row(n, t) for n, t in enumerate(d.tasks, start=1)]
    return {
        "old": d.old.source, "new": d.new.source,
        "counts": [(STATUS_LABELS[s], d.count(s), s) for s in (ADDED, REMOVED, "changed",
                                                                 UNCHANGED)],
        "warning": d.warning,
        "moved": sum(t.moved for t in d.tasks),
        "deadlines": sum(t.deadline_changed for t in d.tasks),
        "reworded": sum(t.text_changed for t in d.tasks),
        "rows": rows,
        "edited": sum(r["edited"] for r in rows),
        "bodies": [{"display": b.display, "lead": f"{b.lead_before}→{b.lead_after}",
                    "responsible": f"{b.responsible_before}→{b.responsible_after}",
                    "net": b.net, "detail": body_detail(b)}
                   for b in d.bodies if b.net or body_detail(b)],
    }


_RUN_OPS = {DELETE: "del", INSERT: "ins"}  # the 对照表's segments as the page's runs


def diff_row(n: int, t: TaskDiff) -> dict:
    """A task of the diff as the page shows it: its wording condensed to the sentences an
    edit stands in (`present.changes.segments`, as the Word and Excel 对照表)."""
    runs = [(_RUN_OPS.get(op, "same"), text) for op, text in segments(t)]
    return {
        "n": n, "status": t.status, "status_label": STATUS_LABELS[t.status],
        "area": t.area or NO_AREA, "title": t.title or "",
        "old_line": t.old.line if t.old else None, "new_line": t.new.line if t.new else None,
        "old": [r for r in runs if r[0] != "ins"], "new": [r for r in runs if r[0] != "del"],
        "changes": [(ROLE_LABELS[c.role], "＋" if c.change == ADDED else "－", c.change, c.name)
                    for c in t.changes],
        "flags": flags(t),
        "edited": is_edited(t),
    }
