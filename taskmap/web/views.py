"""What the pages show, as plain data for the templates: read uploads into plans, and turn
plans and diffs into rows. No web framework here: the frames come from `taskmap.engine`,
the ranking and heat from `present.workload_view`, the diff from `taskmap.diff`."""

from __future__ import annotations

import difflib
import logging
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from .. import engine
from ..diff import ADDED, REMOVED, UNCHANGED, PlanDiff, TaskDiff
from ..errors import DecodeError, LimitExceeded, NotAPlan, TaskmapError, UnsupportedFormat
from ..mentions import whole_plan
from ..models import LEAD, RESPONSIBLE, Plan
from ..pipeline import parse_document
from ..present.diff_view import body_detail, flags
from ..present.extract_view import coverage_line
from ..present.labels import ROLE_LABELS, STATUS_LABELS, TIER_LABELS
from ..present.workload_view import area_mark, heat_level, ranking_rows
from ..read import document_from_bytes
from ..read.limits import Limits

log = logging.getLogger("taskmap.web")

FORMATS = ".docx、.pdf、.txt、.html、.doc/.wps(需 LibreOffice)、.xlsx/.csv"
NO_AREA = "(未分领域)"  # the engine's name for tasks outside any area
HEAT_LEVELS = 5
TOP = 15  # bodies in the lead ranking, as in the terminal report


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes


@dataclass(frozen=True)
class Problem:
    """A file that could not be read: what to tell the user, in Chinese, and the detail."""

    name: str
    message: str
    detail: str = ""


def file_name(raw: str | None, taken: set[str]) -> str:
    """An uploaded file's name as shown and used as the plan's source: its last path part,
    without control characters, at most 120 characters, unique among `taken`."""
    name = (raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()[:120]
    name = name or "未命名文件"
    unique, n = name, 1
    while unique in taken:
        n += 1
        unique = f"{name} ({n})"
    taken.add(unique)
    return unique


def read_uploads(uploads: Sequence[Upload], limits: Limits | None = None
                 ) -> tuple[list[Plan], list[Problem]]:
    """Plans from uploaded files, read from memory; each file that cannot be read is a
    Problem, and the others are still read."""
    plans: list[Plan] = []
    problems: list[Problem] = []
    for u in uploads:
        if not u.data:
            problems.append(Problem(u.name, f"{u.name}:是空文件(0 字节),没有可读的内容。"))
            continue
        try:
            plans.append(parse_document(document_from_bytes(u.data, u.name, limits)))
        except Exception as e:  # one bad file never stops the others
            problems.append(problem(u.name, e))
    return plans, problems


def problem(name: str, e: Exception) -> Problem:
    """What to tell a user whose file `name` could not be read, in Chinese."""
    detail = str(e)
    if isinstance(e, LimitExceeded):
        return Problem(name, f"{name}:文件超出读取上限,未读取。如确认文件可信,"
                             f"可用环境变量 {e.variable} 调高上限后重启服务。", detail)
    if isinstance(e, DecodeError):
        return Problem(name, f"{name}:无法识别文字编码(不是 UTF-8、UTF-16、GB18030/GBK 或 Big5 "
                             "文本)。请在 Word 或 WPS 中另存为 .docx 后再上传。", detail)
    if isinstance(e, NotAPlan):  # not a plan, or taskmap's workbook it cannot read back
        return Problem(name, f"{name}:{e.reason}", detail)
    if isinstance(e, UnsupportedFormat):
        lowered = detail.lower()
        for key, text in _FORMAT_REASONS:
            if key in lowered:
                return Problem(name, f"{name}:{text}", detail)
        return Problem(name, f"{name}:无法读取,文件格式不受支持或已损坏。支持的格式:{FORMATS}。",
                       detail)
    if isinstance(e, TaskmapError):
        return Problem(name, f"{name}:无法读取该文件。", detail)
    log.exception("reading %s", name)
    return Problem(name, f"{name}:读取时发生内部错误({type(e).__name__}),"
                         "请把该文件交给维护人员排查。", detail)


_FORMAT_REASONS = (
    ("binary data", f"这是二进制数据,不是方案文件。支持的格式:{FORMATS}。"),
    ("password", "PDF 设有打开密码。请用密码打开后另存为无密码的 PDF,或另存为 .docx。"),
    ("ocr", "PDF 没有可用的文字层(可能是扫描件),需要先做文字识别(OCR),或改传原始 .docx/.txt。"),
    ("libreoffice", "旧版 Word/WPS 文件需要本机安装 LibreOffice 才能读取;也可在 Word 或 WPS 中"
                    "另存为 .docx 后上传。"),
    ("zip", "是压缩包或已损坏的 Office 文件。请在 Word 或 WPS 中打开并另存为 .docx。"),
    ("word file", "Word 文件已损坏或无法解析。请在 Word 或 WPS 中打开并另存为 .docx。"),
    ("pdf", "PDF 文件已损坏或无法解析。请重新导出 PDF,或改传 .docx。"),
    ("csv", "CSV 文件无法解析。请在 Excel 或 WPS 中打开并重新保存。"),
)


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
    line: int
    chapter: str
    area: str
    title: str
    text: str
    block: str
    deadline: str
    lead: list[Name] = field(default_factory=list)
    responsible: list[Name] = field(default_factory=list)

    @property
    def lead_labels(self) -> str:
        return "|".join(dict.fromkeys(n.label for n in self.lead))

    @property
    def responsible_labels(self) -> str:
        return "|".join(dict.fromkeys(n.label for n in self.responsible))


def extract_page(plans: Sequence[Plan], problems: Sequence[Problem] = ()) -> dict:
    """Everything the 任务分解表 page shows for `plans`."""
    frame = engine.assignments_frame(plans)
    summary = engine.agency_summary(frame)
    label = dict(zip(summary["agency"], summary["display"], strict=True))
    rows = task_rows(plans, label)
    areas = list(dict.fromkeys(r.area for r in rows))
    return {
        "plans": plan_rows(plans),
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


def plan_rows(plans: Sequence[Plan]) -> list[dict]:
    """One row per plan (as in the report's 概况), with its coverage sentence."""
    by_source = {p.source: p for p in plans}
    return [{**r, "coverage": coverage_line(by_source[r["plan"]]).plain}
            for r in engine.plan_summary(plans).iter_rows(named=True)]


def task_rows(plans: Sequence[Plan], label: dict[str, str]) -> list[TaskRow]:
    rows: list[TaskRow] = []
    for plan in plans:
        for t in plan.tasks:
            row = TaskRow(len(rows) + 1, plan.source, t.line, t.chapter or "",
                          t.area or NO_AREA, t.title or "", t.text or "", t.block or "",
                          t.deadline or "")
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


def full_text(task) -> str:
    """A task's wording with its assignment block, as the 对照表 sheet shows it."""
    return "" if task is None else f"{task.text}{task.block}"


def diff_page(d: PlanDiff) -> dict:
    """Everything the 修改对照表 page shows for a diff."""
    rows = [diff_row(n, t) for n, t in enumerate(d.tasks, start=1)]
    return {
        "old": d.old.source, "new": d.new.source,
        "counts": [(STATUS_LABELS[s], d.count(s), s) for s in (ADDED, REMOVED, "changed",
                                                                 UNCHANGED)],
        "moved": sum(t.moved for t in d.tasks),
        "reworded": sum(t.text_changed for t in d.tasks),
        "rows": rows,
        "edited": sum(r["edited"] for r in rows),
        "bodies": [{"display": b.display, "lead": f"{b.lead_before}→{b.lead_after}",
                    "responsible": f"{b.responsible_before}→{b.responsible_after}",
                    "net": b.net, "detail": body_detail(b)}
                   for b in d.bodies if b.net or body_detail(b)],
    }


def diff_row(n: int, t: TaskDiff) -> dict:
    old, new = full_text(t.old), full_text(t.new)
    runs = wording_diff(old, new)
    return {
        "n": n, "status": t.status, "status_label": STATUS_LABELS[t.status],
        "area": t.area or NO_AREA, "title": t.title or "",
        "old_line": t.old.line if t.old else None, "new_line": t.new.line if t.new else None,
        "old": [r for r in runs if r[0] != "ins"], "new": [r for r in runs if r[0] != "del"],
        "changes": [(ROLE_LABELS[c.role], "＋" if c.change == ADDED else "－", c.change, c.raw)
                    for c in t.changes],
        "flags": flags(t),
        "edited": t.status != UNCHANGED or t.moved or old != new,
    }
