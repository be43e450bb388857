"""`load_plan(path)`: read → context → outline → blocks → tasks → names.
The one entry point of the library.

Every entry takes `words` (a `Words`, `words.load_words(path)`): the genre's words that
parse, in place of the process's (TASKMAP_WORDS, else the shipped file). Parses in one
process run one at a time (see `lexicon.using`).
"""

from __future__ import annotations

import glob
import hashlib
import warnings
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import cache
from pathlib import Path

from . import lexicon as lx
from . import mentions
from .errors import InputNotFound, NotAPlan, TaskmapError
from .grammar.blocks import find_blocks
from .grammar.deadlines import plan_year
from .grammar.outline import parse_outline
from .grammar.reflow import reflow
from .grammar.tables import find_header
from .grammar.tasks import build_tasks, no_lead_reason, sole_lead_roles
from .models import Document, ParseWarning, Plan, PlanContext
from .names.book import plans_from_book
from .names.context import plan_context
from .names.resolve import resolve_plan
from .names.tables import AliasTable
from .read import document_from_text, read_document
from .words import Words, load_words


@cache
def national_table() -> AliasTable:
    """The shipped national alias table, loaded once (under the process's words)."""
    with lx.using(load_words()):
        return AliasTable.load()


def parse_document(doc: Document, aliases: AliasTable | None = None,
                   words: Words | None = None, title: str | None = None,
                   sole_lead: bool = False) -> Plan:
    """Extract the plan in a Document already read, names resolved with `aliases`
    (default: the national table), read with `words` (default: the process's); a `title`
    given is the plan's title, in place of the one found (`Plan.with_title`). With
    `sole_lead`, the one body a block names where it names no lead (a single 责任单位) is
    the lead; by default roles stay as the plan writes them.

    taskmap's own workbook (`doc.own`) is the plan it holds, the clerk's edits made
    (`names.book`); one that holds several plans is refused (read them with
    `parse_book`). A workbook or CSV in which neither a task table (a header with a role
    column) nor a plan's text gives a task is refused, not read as a plan of no tasks.
    """
    if doc.own is not None:
        plans = parse_book(doc, aliases, words)
        if len(plans) != 1:
            raise NotAPlan(
                doc.source, f"是 taskmap 写出的汇总工作簿,含 {len(plans)} 个方案;一次只能"
                "读回一个方案的工作簿,请对每个方案分别导出(taskmap extract 方案 -o 文件.xlsx)"
                "后修改读入")
        plan = _sole_lead(plans[0]) if sole_lead else plans[0]
        return plan.with_title(title)
    table = aliases or national_table()
    with lx.using(words):
        work, origin = reflow(doc)  # a plan flattened onto few lines, cut where it was
        context = plan_context(work, table)
        outline = parse_outline(work, start=context.body_start)
        found = find_blocks(work)
        year = plan_year(replace(context, title=title) if title else context)
        tasks, task_warnings, first_lead = build_tasks(work, outline, found, year, sole_lead)
        if not tasks and doc.format in ("xlsx", "csv") and not any(
                find_header(t) for t in doc.tables):
            raise NotAPlan(doc.source, "既不是方案或任务分工表,也不是 taskmap 写出的工作簿"
                                       "(找不到任务表的表头,也没有读出任务),未读取")
        warnings = sorted(found.warnings + task_warnings,
                          key=lambda w: (w.line, w.text, w.reason))
        plan = Plan(source=doc.source, tasks=tasks, warnings=tuple(warnings),
                    outline=outline.headings, first_listed_is_lead=first_lead,
                    encoding=doc.encoding, coverage=found.coverage, context=context)
        if origin:
            plan = _lines_of_the_file(plan, origin)
        if doc.notes:  # what the reader clipped, on the lines of the file
            plan = replace(plan, warnings=tuple(sorted(
                (*plan.warnings, *(ParseWarning(line, _line(doc, line), why)
                                   for line, why in doc.notes)),
                key=lambda w: (w.line, w.text, w.reason))))
        plan = mentions.account(doc, resolve_plan(plan, plan.context, table), table)
        return plan.with_title(title)


def _sole_lead(plan: Plan) -> Plan:
    """`parse_document`'s `sole_lead` on a plan read back from taskmap's workbook: a task
    whose one named body is not its lead gets it as lead, and loses its no-lead warning."""
    tasks, given = [], set()
    for task in plan.tasks:
        roles = sole_lead_roles(list(task.assignments))
        if roles != list(task.assignments):
            task = replace(task, assignments=tuple(roles))
            given.add(task.line)
        tasks.append(task)
    if not given:
        return plan
    reason = no_lead_reason()
    return replace(plan, tasks=tuple(tasks), warnings=tuple(
        w for w in plan.warnings if not (w.line in given and w.reason == reason)))


def parse_book(doc: Document, aliases: AliasTable | None = None,
               words: Words | None = None) -> list[Plan]:
    """Every plan taskmap's own workbook (`doc.own`) holds, the clerk's edits made."""
    with lx.using(words):
        return plans_from_book(doc, aliases or national_table())


def _line(doc: Document, line: int) -> str:
    return doc.lines[line - 1] if 0 < line <= len(doc.lines) else ""


def _lines_of_the_file(plan: Plan, origin: tuple[int, ...]) -> Plan:
    """Every line number of a plan read from reflowed lines, as the line of the file."""
    def back(line: int) -> int:
        return origin[line - 1] if 0 < line <= len(origin) else line
    context: PlanContext = replace(plan.context, body_start=back(plan.context.body_start))
    return replace(
        plan, context=context,
        tasks=tuple(replace(t, line=back(t.line)) for t in plan.tasks),
        warnings=tuple(sorted((replace(w, line=back(w.line)) for w in plan.warnings),
                              key=lambda w: (w.line, w.text, w.reason))),
        outline=tuple(replace(h, line=back(h.line)) for h in plan.outline))


def text_key(doc: Document) -> str:
    """What identifies a plan: a hash of its decoded text with every space and line break
    removed, so that a .txt and the .docx it was saved from, or one text in two encodings,
    are one plan, while two versions of a plan (any word changed) are two.

    >>> from taskmap.read import document_from_text
    >>> a = document_from_text("一、总体要求\n　　（一）目标")
    >>> text_key(a) == text_key(document_from_text("一、总体要求（一）目标\n"))
    True
    """
    h = hashlib.sha256()
    for line in doc.lines:
        h.update("".join(line.split()).encode("utf-8"))
    return h.hexdigest()


def duplicate_message(path: str | Path, first: str | Path) -> str:
    """The warning for a second copy of a plan (said on stderr and in the report)."""
    return f"{path} 与 {first} 内容相同(同一方案的另一份文件),已跳过,只计一次"


def versions(rows) -> list[list[str]]:
    """Files that look like versions of one plan (a draft and the plan as issued): the same
    place and the same title. `rows`: (path, jurisdiction, title) of each plan, in order."""
    groups: dict[tuple, list[str]] = {}
    for path, place, title in rows:
        if title and place:
            groups.setdefault((place, title), []).append(str(path))
    return [paths for paths in groups.values() if len(paths) > 1]


SHOWN_VERSIONS = 10  # groups of versions named one by one; beyond, counted


def versions_messages(groups: list[list[str]]) -> list[str]:
    """The warnings for files that look like versions of one plan (all are counted): a line
    a group, the first SHOWN_VERSIONS groups, then how many more."""
    lines = []
    for paths in groups[:SHOWN_VERSIONS]:
        named = "、".join(paths[:3]) + (f" 等 {len(paths)} 个文件" if len(paths) > 3 else "")
        lines.append(f"{named} 标题与辖区相同,疑似同一方案的不同版本(如征求意见稿与印发稿),"
                     "均已计入统计;比较两稿请用 taskmap diff")
    if len(groups) > SHOWN_VERSIONS:
        lines.append(f"另有 {len(groups) - SHOWN_VERSIONS} 组文件标题与辖区相同,"
                     "疑似同一方案的不同版本")
    return lines


class Firsts:
    """The first file of each plan text, in input order: `duplicate_of(path, key)` is the
    file that already holds that text, or None when `path` is the first."""

    def __init__(self) -> None:
        self.seen: dict[str, str] = {}

    def duplicate_of(self, path: str | Path, key: str) -> str | None:
        first = self.seen.setdefault(key, str(path))
        return None if first == str(path) else first


def load_plan(path: str | Path, aliases: AliasTable | None = None,
              words: Words | None = None, title: str | None = None,
              sole_lead: bool = False) -> Plan:
    """Read and extract one plan file (with `words`, a PDF's paragraphs are rebuilt with
    them too); a `title` given replaces the one found.

    >>> plan = load_plan("data/yunxi_district_carbon_plan.txt")  # doctest: +SKIP
    >>> plan.tasks[0].agencies("lead")  # doctest: +SKIP
    ['区发改委']
    """
    with lx.using(words):
        return parse_document(read_document(path), aliases, words, title, sole_lead)


PLAN_SUFFIXES = (".txt", ".docx", ".docm", ".doc", ".wps", ".rtf", ".html", ".htm", ".pdf",
                 ".csv", ".xlsx")


def expand_inputs(inputs: Sequence[str | Path]) -> list[Path]:
    """Plan files named by paths, folders (their plan files, in subfolders too, sorted) or
    glob patterns. Hidden files and folders (`.x`) and Word's lock files (`~$x.docx`) are
    left out.

    Raises InputNotFound for an input that names nothing.
    """
    out: list[Path] = []
    seen: set[Path] = set()
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            found = sorted(f for f in p.rglob("*") if f.suffix.lower() in PLAN_SUFFIXES
                           and not _hidden(f.relative_to(p)) and f.is_file())
        elif p.exists():
            found = [p]
        elif any(ch in str(item) for ch in "*?["):
            found = sorted(Path(f) for f in glob.glob(str(item), recursive=True))  # absolute too
        else:
            raise InputNotFound(f"{item}: 文件或文件夹不存在")
        if not found:
            raise InputNotFound(f"{item}: 未找到方案文件({'、'.join(PLAN_SUFFIXES)})")
        for f in found:
            if f not in seen:
                seen.add(f)
                out.append(f)
    return out


def _hidden(relative: Path) -> bool:
    return any(part.startswith((".", "~$")) for part in relative.parts)


def load_plans(inputs: Sequence[str | Path], aliases: AliasTable | None = None,
               progress: Callable[[Path], None] | None = None,
               failures: list[tuple[Path, str]] | None = None,
               duplicates: list[tuple[str, str]] | None = None,
               words: Words | None = None, sole_lead: bool = False) -> list[Plan]:
    """Every plan named by `inputs` (files, folders, globs), each once; `progress(path)`
    after each.

    With a `failures` list, a plan that cannot be read is recorded there as (path, reason)
    and the others are still read; without one, its error is raised. A second file of the
    same text (`text_key`) is skipped: recorded in `duplicates` as (path, first path), or
    said as a Python warning when no list is given.
    """
    plans = []
    firsts = Firsts()
    for path in expand_inputs(inputs):
        try:
            with lx.using(words):
                doc = read_document(path)
            first = firsts.duplicate_of(path, text_key(doc))
            if first is not None:
                note_duplicate(str(path), first, duplicates)
            else:
                plans.append(parse_document(doc, aliases, words, sole_lead=sole_lead))
        except Exception as e:  # one bad file must not stop a corpus
            if failures is None:
                raise
            reason = str(e) if isinstance(e, TaskmapError) else f"{type(e).__name__}: {e}"
            failures.append((path, reason))
        if progress is not None:
            progress(path)
    return plans


def note_duplicate(path: str, first: str, duplicates: list[tuple[str, str]] | None) -> None:
    """Record a skipped copy in `duplicates`, or warn when the caller keeps no list."""
    if duplicates is None:
        warnings.warn(duplicate_message(path, first), stacklevel=3)
    else:
        duplicates.append((path, first))


def parse_text(text: str, source: str = "<text>", aliases: AliasTable | None = None,
               words: Words | None = None, title: str | None = None,
               sole_lead: bool = False) -> Plan:
    """Extract a plan given as a string (notebooks, tests); a `title` given replaces the
    one found; `sole_lead`: as in `parse_document`."""
    return parse_document(document_from_text(text, source), aliases, words, title, sole_lead)
