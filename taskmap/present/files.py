"""Files for programs and for people: a Plan as JSON (the contract) and as CSV (one row per
assignment, then warnings), name surfaces for review, and the one CSV writer every CSV goes
through. CSV is for people (Excel, WPS): a cell a spreadsheet would run as a formula is
written as text. JSON and Parquet are for programs and keep the text as it is.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, fields
from typing import TextIO

from ..models import Plan
from ..names.review import Surface

CSV_COLUMNS = ("kind", "source", "task_id", "line", "chapter", "area", "title", "deadline",
               "due", "due_kind", "role", "raw", "agency", "implicit", "block", "reason")


def to_json(plan: Plan) -> str:
    """The JSON of `taskmap extract --format json`: stable key order, byte-identical runs."""
    out = io.StringIO()
    write_json(plan, out)
    return out.getvalue()


def write_json(plan: Plan, out: TextIO) -> None:
    """Stream the JSON of `plan` to `out`: the plan's keys one a line, each task, warning
    and heading on a line of its own. Linear in time and memory for any plan (the whole
    document is never held as one string), and byte-identical for the same input."""
    data = plan.to_dict(lazy=True)
    out.write("{\n")
    keys = list(data)
    for k, key in enumerate(keys):
        value = data[key]
        out.write(f"  {_dumps(key)}: ")
        if isinstance(value, Iterator):
            n = -1
            for n, item in enumerate(value):
                out.write(("[\n    " if n == 0 else ",\n    ") + _dumps(item))
            out.write("[]" if n < 0 else "\n  ]")
        else:
            out.write(_dumps(value))
        out.write(",\n" if k < len(keys) - 1 else "\n")
    out.write("}\n")


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def csv_rows(plan: Plan):
    """Rows (dicts over CSV_COLUMNS): kind=assignment per assignment, kind=warning per warning."""
    for t in plan.tasks:
        for a in t.assignments:
            yield {"kind": "assignment", "source": plan.source, "task_id": t.id, "line": t.line,
                   "chapter": t.chapter, "area": t.area, "title": t.title, "deadline": t.deadline,
                   "due": t.due, "due_kind": t.due_kind,
                   "role": a.role, "raw": a.raw, "agency": a.agency,
                   "implicit": "true" if a.implicit else "false", "block": t.block,
                   "reason": None}
    for w in plan.warnings:
        yield {"kind": "warning", "source": plan.source, "line": w.line, "block": w.text,
               "reason": w.reason}


def to_csv(plan: Plan) -> str:
    """The CSV of `taskmap extract --format csv`."""
    return csv_text(csv_rows(plan), CSV_COLUMNS)


def csv_text(rows: Iterable[Mapping], columns: Sequence[str]) -> str:
    """CSV text with a header: the one CSV writer of taskmap. A cell a spreadsheet would run
    as a formula (starting with = + - @, or a tab or carriage return before them) is written
    as text, prefixed with '.

    >>> csv_text([{"a": "=1+1", "b": 2}], ["a", "b"])
    "a,b\n'=1+1,2\n"
    """
    out = io.StringIO()
    columns = list(columns)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([safe_cell(c) for c in columns])  # a matrix's columns are plan text
    for row in rows:
        writer.writerow([safe_cell(row.get(c)) for c in columns])
    return out.getvalue()


def safe_cell(value):
    """A cell starting with = + - @ (or tab/CR then one) would run as a formula in Excel or
    WPS; prefix it with '."""
    if isinstance(value, str) and value.lstrip("\t\r")[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return "" if value is None else value


def surfaces_to_json(items: list[Surface]) -> str:
    return json.dumps([asdict(s) for s in items], ensure_ascii=False, indent=2) + "\n"


def surfaces_to_csv(items: list[Surface]) -> str:
    return csv_text((asdict(s) for s in items), [f.name for f in fields(Surface)])
