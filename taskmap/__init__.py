"""taskmap: who leads and who shares each task of a Chinese government action plan.

>>> import taskmap
>>> plan = taskmap.parse_text("1.推进某项工作。(牵头单位:区发改委,责任单位:区财政局)")
>>> [(a.role, a.raw) for a in plan.tasks[0].assignments]
[('lead', '区发改委'), ('responsible', '区财政局')]

The stages read → grammar → names → engine → present are importable on their own; the
names below are the public API. The heavy ones (polars frames, the workbook, the diff) are
imported when first used, so `import taskmap` stays light.
"""

# ruff: noqa: E402 - the Ctrl-C handler of the command line comes before the other imports
from __future__ import annotations

import itertools as _itertools
import os as _os
import signal as _signal
import sys as _sys


def _interrupted_while_starting(signum, frame) -> None:  # pragma: no cover - a subprocess
    """A Ctrl-C before the command line runs: nothing was written, so say so and end."""
    try:
        _os.write(2, "已中断;没有写出不完整的文件\n".encode())
    finally:
        _os._exit(130)


def _is_the_program() -> bool:
    """Is this process `python -m taskmap` or the `taskmap` command (not a library user, nor
    a worker process the command spawned, which leaves Ctrl-C to its parent)?"""
    argv = getattr(_sys, "orig_argv", [])
    if "--multiprocessing-fork" in argv:
        return False
    return (any(a == "-m" and b == "taskmap" for a, b in _itertools.pairwise(argv))
            or _os.path.basename(_sys.argv[0] if _sys.argv else "") in ("taskmap",
                                                                      "taskmap.exe"))


# The command line's Ctrl-C from its first moment: `python -m taskmap` imports this package
# before its __main__, and the imports after it take most of a second; `cli.main` then
# installs its own handling (see taskmap.__main__).
if _is_the_program() and _signal.getsignal(_signal.SIGINT) is _signal.default_int_handler:
    _signal.signal(_signal.SIGINT, _interrupted_while_starting)

from importlib import import_module
from typing import TYPE_CHECKING

from .errors import (
    AliasTableError,
    ClusterError,
    DatasetError,
    DecodeError,
    EditError,
    InputNotFound,
    LimitExceeded,
    MissingExtra,
    NotAPlan,
    OutputError,
    OutputIsInput,
    TaskmapError,
    UnknownArea,
    UnsupportedFormat,
    WordsError,
)
from .models import Assignment, Document, Heading, ParseWarning, Plan, PlanContext, Row, Table, Task
from .version import __version__ as __version__

# name → module that defines it, imported on first use
_LAZY = {
    "AliasTable": ".names.tables",
    "PlanDiff": ".diff", "diff_plans": ".diff",
    "agency_summary": ".engine", "assignments_frame": ".engine", "build_matrix": ".engine",
    "co_assignments": ".engine", "tasks_frame": ".engine",
    "write_workbook": ".present.xlsx.workbook",
    "write_tasks_docx": ".present.docx", "write_changes_docx": ".present.docx",
    "write_changes_xlsx": ".present.xlsx.changes_book",
    "write_unit_lists": ".present.by_unit", "unit_tasks": ".present.units",
    "unit_counts": ".present.units",
    "load_plan": ".pipeline", "load_plans": ".pipeline", "parse_document": ".pipeline",
    "parse_text": ".pipeline",
    "read_document": ".read",
    "plan_context": ".names.context",
    "PlanEdits": ".names.edits", "apply_edits": ".names.edits",
    "Words": ".words", "load_words": ".words",
    "Corpus": ".corpus", "extract_corpus": ".corpus", "open_dataset": ".corpus",
    "write_dataset": ".corpus",
    "Tracking": ".tracking", "track": ".tracking",
}

if TYPE_CHECKING:  # for type checkers and IDEs: the same names, imported eagerly
    from .corpus import Corpus, extract_corpus, open_dataset, write_dataset
    from .diff import PlanDiff, diff_plans
    from .engine import agency_summary, assignments_frame, build_matrix, co_assignments, tasks_frame
    from .names.context import plan_context
    from .names.edits import PlanEdits, apply_edits
    from .names.tables import AliasTable
    from .pipeline import load_plan, load_plans, parse_document, parse_text
    from .present.by_unit import write_unit_lists
    from .present.docx import write_changes_docx, write_tasks_docx
    from .present.units import unit_counts, unit_tasks
    from .present.xlsx.changes_book import write_changes_xlsx
    from .present.xlsx.workbook import write_workbook
    from .read import read_document
    from .tracking import Tracking, track
    from .words import Words, load_words


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'taskmap' has no attribute '{name}'")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "AliasTable", "AliasTableError", "Assignment", "ClusterError", "Corpus", "DatasetError",
    "DecodeError", "Document", "EditError", "Heading", "InputNotFound", "LimitExceeded",
    "MissingExtra", "NotAPlan", "OutputError", "OutputIsInput", "ParseWarning", "Plan",
    "PlanContext", "PlanDiff", "PlanEdits", "Row", "Table", "Task", "TaskmapError",
    "Tracking", "UnknownArea", "UnsupportedFormat", "Words", "WordsError",
    "agency_summary", "apply_edits", "assignments_frame", "build_matrix", "co_assignments",
    "diff_plans", "extract_corpus", "load_plan", "load_plans", "load_words", "open_dataset",
    "parse_document", "parse_text", "plan_context", "read_document", "tasks_frame", "track",
    "unit_counts", "unit_tasks", "write_changes_docx", "write_changes_xlsx", "write_dataset",
    "write_tasks_docx", "write_unit_lists", "write_workbook",
]
