"""`load_plan(path)`: read → context → outline → blocks → tasks → names.
The one entry point of the library."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path

from .errors import InputNotFound, TaskmapError
from .grammar.blocks import find_blocks
from .grammar.outline import parse_outline
from .grammar.tasks import build_tasks
from .models import Document, Plan
from .names.context import plan_context
from .names.resolve import resolve_plan
from .names.tables import AliasTable
from .read import document_from_text, read_document


@cache
def national_table() -> AliasTable:
    """The shipped national alias table, loaded once."""
    return AliasTable.load()


def parse_document(doc: Document, aliases: AliasTable | None = None) -> Plan:
    """Extract the plan in a Document already read, names resolved with `aliases`
    (default: the national table)."""
    table = aliases or national_table()
    context = plan_context(doc, table)
    outline = parse_outline(doc, start=context.body_start)
    found = find_blocks(doc)
    tasks, task_warnings, first_lead = build_tasks(doc, outline, found)
    warnings = sorted(found.warnings + task_warnings, key=lambda w: (w.line, w.text, w.reason))
    plan = Plan(source=doc.source, tasks=tasks, warnings=tuple(warnings),
                outline=outline.headings, first_listed_is_lead=first_lead,
                encoding=doc.encoding, coverage=found.coverage, context=context)
    return resolve_plan(plan, context, table)


def load_plan(path: str | Path, aliases: AliasTable | None = None) -> Plan:
    """Read and extract one plan file.

    >>> plan = load_plan("data/yunxi_district_carbon_plan.txt")  # doctest: +SKIP
    >>> plan.tasks[0].agencies("lead")  # doctest: +SKIP
    ['区发改委']
    """
    return parse_document(read_document(path), aliases)


PLAN_SUFFIXES = (".txt", ".docx", ".docm", ".doc", ".wps", ".rtf", ".html", ".htm", ".pdf",
                 ".csv", ".xlsx")


def expand_inputs(inputs: Sequence[str | Path]) -> list[Path]:
    """Plan files named by paths, folders (their plan files, sorted) or glob patterns.

    Raises InputNotFound for an input that names nothing.
    """
    out: list[Path] = []
    seen: set[Path] = set()
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            found = sorted(f for f in p.iterdir() if f.suffix.lower() in PLAN_SUFFIXES)
        elif p.exists():
            found = [p]
        elif any(ch in str(item) for ch in "*?["):
            found = sorted(Path().glob(str(item)))
        else:
            raise InputNotFound(f"{item}: no such file or folder")
        if not found:
            raise InputNotFound(f"{item}: no plan files ({', '.join(PLAN_SUFFIXES)}) found")
        for f in found:
            if f not in seen:
                seen.add(f)
                out.append(f)
    return out


def load_plans(inputs: Sequence[str | Path], aliases: AliasTable | None = None,
               progress: Callable[[Path], None] | None = None,
               failures: list[tuple[Path, str]] | None = None) -> list[Plan]:
    """Every plan named by `inputs` (files, folders, globs); `progress(path)` after each.

    With a `failures` list, a plan that cannot be read is recorded there as (path, reason)
    and the others are still read; without one, its error is raised.
    """
    plans = []
    for path in expand_inputs(inputs):
        try:
            plans.append(load_plan(path, aliases))
        except Exception as e:  # one bad file must not stop a corpus
            if failures is None:
                raise
            reason = str(e) if isinstance(e, TaskmapError) else f"{type(e).__name__}: {e}"
            failures.append((path, reason))
        if progress is not None:
            progress(path)
    return plans


def parse_text(text: str, source: str = "<text>", aliases: AliasTable | None = None) -> Plan:
    """Extract a plan given as a string (notebooks, tests)."""
    return parse_document(document_from_text(text, source), aliases)
