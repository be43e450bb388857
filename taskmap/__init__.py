"""taskmap: who leads and who shares each task of a Chinese government action plan.

>>> import taskmap
>>> plan = taskmap.parse_text("1.推进某项工作。(牵头单位:区发改委,责任单位:区财政局)")
>>> [(a.role, a.raw) for a in plan.tasks[0].assignments]
[('lead', '区发改委'), ('responsible', '区财政局')]
"""

from .diff import PlanDiff, diff_plans
from .engine import agency_summary, assignments_frame, build_matrix, co_assignments, tasks_frame
from .errors import AliasTableError, DecodeError, InputNotFound, TaskmapError, UnsupportedFormat
from .models import Assignment, Document, Heading, ParseWarning, Plan, Task
from .names.tables import AliasTable
from .pipeline import load_plan, load_plans, parse_document, parse_text
from .present.xlsx.workbook import write_workbook
from .read import read_document

__all__ = [
    "AliasTable",
    "AliasTableError",
    "Assignment",
    "DecodeError",
    "Document",
    "Heading",
    "InputNotFound",
    "ParseWarning",
    "Plan",
    "PlanDiff",
    "Task",
    "TaskmapError",
    "UnsupportedFormat",
    "agency_summary",
    "assignments_frame",
    "build_matrix",
    "co_assignments",
    "diff_plans",
    "load_plan",
    "load_plans",
    "parse_document",
    "parse_text",
    "read_document",
    "tasks_frame",
    "write_workbook",
]
__version__ = "0.1.0"
