"""Serialising a Plan: JSON (the contract) and CSV (one row per assignment, then warnings)."""

from __future__ import annotations

import csv
import io
import json

from ..models import Plan

CSV_COLUMNS = ("kind", "source", "task_id", "line", "chapter", "area", "title", "deadline",
               "role", "raw", "agency", "implicit", "block", "reason")


def to_json(plan: Plan) -> str:
    """The JSON of `taskmap extract --format json`: stable key order, byte-identical runs."""
    return json.dumps(plan.to_dict(), ensure_ascii=False, indent=2) + "\n"


def csv_rows(plan: Plan):
    """Rows (dicts over CSV_COLUMNS): kind=assignment per assignment, kind=warning per warning."""
    for t in plan.tasks:
        for a in t.assignments:
            yield {"kind": "assignment", "source": plan.source, "task_id": t.id, "line": t.line,
                   "chapter": t.chapter, "area": t.area, "title": t.title, "deadline": t.deadline,
                   "role": a.role, "raw": a.raw, "agency": a.agency,
                   "implicit": "true" if a.implicit else "false", "block": t.block,
                   "reason": None}
    for w in plan.warnings:
        yield {"kind": "warning", "source": plan.source, "line": w.line, "block": w.text,
               "reason": w.reason}


def to_csv(plan: Plan) -> str:
    """CSV text with a header; cells that a spreadsheet would run as formulas are quoted as text."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in csv_rows(plan):
        writer.writerow({k: _safe_cell(v) for k, v in row.items()})
    return out.getvalue()


def _safe_cell(value):
    """A cell starting with = + - @ would run as a formula in Excel; prefix it with '."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return "" if value is None else value
