"""The 任务分解表 as a Word attachment in 公文 form, one section per plan.

Each section: the attachment mark (附件, or 附件1, 附件2 … for several plans) in 黑体, the
plan's title and 重点任务分解表 in 方正小标宋简体, the plan's 文号 and date in 楷体, a summary
paragraph (共梳理重点任务N项，涉及单位M个，其中X牵头K项……), then one table an action area
(the level of the plan's headings that holds several tasks, `rows.grouping`): a row across
the table naming the area (（一）推动产业结构优化升级) above the header row 序号 | 重点任务 |
牵头单位 | 责任单位 (| 完成时限 when a task of the plan has a deadline, | 责任领导 when the
plan names persons), both repeated on every page the area's rows continue — a merged
area cell down the rows would not be, and rows on the next page would have no area.

A task shows its title in 黑体, then its own wording condensed to about `WORDING_LIMIT`
characters (cut at a sentence end where one is near, else marked ……): the table is a list
to act on, the whole wording stays in the workbook's 任务分解表 (and `limit=None` keeps it
here). Rows may break across pages, so that a page is filled and the first page holds the
table's start under the title.

The page is A4 **landscape**: four to six columns, one of them the task's wording, do not
fit the 156 mm of a portrait type area at a legible size; landscape gives 243 mm, as
landscape 分解表 attachments to 通知 usually are. The margins are the 公文 ones as the
brief of the form gives them (top 37, bottom 35, left 28, right 26 mm).

Agencies that a standing statement adds to a task (以下任务均需各县(市、区)人民政府落实，
不再一一列出) are written in the cell after the named ones, followed by （统一落实）, and a
note under the table says what that means: the mark is plain text, so it survives print,
copy and a black-and-white fax.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from docx.shared import Pt

from ... import engine
from ...models import LEAD, RESPONSIBLE, Heading, Plan, Task
from ...rows import grouping
from ..labels import HEADING_NUMBERING, issued, plan_title
from .gongwen import (
    HEAD_FONT,
    Column,
    GridTable,
    new_document,
    new_page_section,
    paragraph,
    save_stable,
    set_fonts,
    text_width,
)

IMPLICIT_MARK = "（统一落实）"
IMPLICIT_NOTE = ("注：标注“（统一落实）”的单位，是方案中“以下任务均需……落实，不再一一列出”"
                 "等统一表述所指的单位，原文未在该项任务中逐一列出。")
TOP_LEADS = 5  # bodies named in the summary's 其中…牵头…项
COLUMNS = (Column("序号", 12, "表格居中"), Column("重点任务", 96), Column("牵头单位", 46),
           Column("责任单位", 62), Column("完成时限", 24, "表格居中"))
LEADERS_COLUMN = Column("责任领导", 24, "表格居中")
WORDING_LIMIT = 60  # characters of a task's wording after its title, in the Word table
_TITLE_END = "。．.；;：:，,"


@dataclass(frozen=True)
class PlanCounts:
    """What the summary paragraph says of a plan: its tasks, the bodies it names (as
    `plan_summary` counts them: collectives apart), and tasks led per body (label, count),
    most first, in the order the plan first names them among equals."""

    tasks: int
    bodies: int
    collectives: int
    leads: tuple[tuple[str, int], ...]
    collective: str = ""  # the collective the plan names most (各县(市、区)人民政府)


def plan_counts(plan: Plan) -> PlanCounts:
    frame = engine.assignments_frame([plan])
    label = engine.labels(frame)
    led: Counter[str] = Counter()
    for task in plan.tasks:
        for agency in dict.fromkeys(a.agency for a in task.assignments if a.role == LEAD):
            led[agency] += 1
    order = {a: k for k, a in enumerate(led)}
    leads = sorted(led.items(), key=lambda item: (-item[1], order[item[0]]))
    names = [a for t in plan.tasks for a in t.assignments]
    groups = Counter(a.agency for a in names if a.collective)
    return PlanCounts(
        tasks=len(plan.tasks),
        bodies=len({a.agency for a in names if not a.collective}),
        collectives=len({a.agency for a in names if a.collective}),
        leads=tuple((label.get(agency, agency), n) for agency, n in leads),
        collective=label.get(top, top) if (top := next(iter(groups.most_common(1)), ("",))[0])
        else "")


def summary_sentence(plan: Plan, top: int = TOP_LEADS) -> str:
    """共梳理重点任务16项，涉及单位17个（另有集合主体2个），其中市工信局牵头8项、……，
    其余3个单位各牵头1项。"""
    c = plan_counts(plan)
    text = f"共梳理重点任务{c.tasks}项，涉及单位{c.bodies}个"
    if c.collectives:
        example = f"{c.collective}等" if c.collectives > 1 else c.collective
        text += f"（另有集合主体{c.collectives}个：{example}）"
    shown, rest = c.leads[:top], c.leads[top:]
    if len(rest) == 1:  # one more body is said by its name, not as 其余1个单位
        shown, rest = c.leads, ()
    if shown:
        text += "，其中" + "、".join(f"{name}牵头{n}项" for name, n in shown)
    if rest:
        low, high = min(n for _, n in rest), max(n for _, n in rest)
        each = f"{low}项" if low == high else f"{low}至{high}项"
        text += f"，其余{len(rest)}个单位各牵头{each}"
    return text + "。"


def write_tasks_docx(plans: Sequence[Plan], path: str | Path,
                     limit: int | None = WORDING_LIMIT) -> Path:
    """Write the 任务分解表 of `plans` as a Word file in 公文 form (one section per plan,
    A4 landscape) and return the path. The same plans give the same bytes.

    Each task shows its title, then its wording condensed to about `limit` characters
    (None: the whole wording; the workbook's 任务分解表 always holds it whole)."""
    doc = new_document(landscape=True)
    plans = list(plans)
    for k, plan in enumerate(plans, start=1):
        if k > 1:
            new_page_section(doc, landscape=True)
        mark = "附件" if len(plans) == 1 else f"附件{k}"
        _plan_section(doc, plan, mark, limit)
    if not plans:
        paragraph(doc, "附件", "附件标记")
        paragraph(doc, "重点任务分解表", "公文标题")
        paragraph(doc, "未提供方案。")
    return save_stable(doc, Path(path))


def _plan_section(doc, plan: Plan, mark: str, limit: int | None) -> None:
    paragraph(doc, mark, "附件标记")
    paragraph(doc, "", "附件标记")
    paragraph(doc, plan_title(plan), "公文标题")
    paragraph(doc, "重点任务分解表", "公文标题")
    issued = _issued(plan)
    if issued:
        paragraph(doc, issued, "公文副题")
    paragraph(doc, "", "公文正文")
    paragraph(doc, summary_sentence(plan))
    paragraph(doc, "", "表注")
    columns = task_columns(plan)
    width = text_width(doc.sections[-1])
    sections = _sections(plan)
    for k, (caption, tasks) in enumerate(sections):
        if k:
            _gap(doc)
        table = GridTable(doc, columns, width, caption=caption, split_rows=True)
        for n, task in tasks:
            _task_row(table, table.add_row(), n, task, columns, limit)
    if not plan.tasks:
        GridTable(doc, columns, width).add_group_row("未识别到带分工的重点任务。")
    if any(a.implicit for t in plan.tasks for a in t.assignments):
        note = paragraph(doc, IMPLICIT_NOTE, "表注")
        note.paragraph_format.space_before = Pt(12)
        note.paragraph_format.keep_together = True


def task_columns(plan: Plan) -> list[Column]:
    """序号 | 重点任务 | 牵头单位 | 责任单位, then 完成时限 when a task of the plan has a
    deadline and 责任领导 when one names persons: no column left empty."""
    return [*COLUMNS[:4], *([COLUMNS[4]] if any(t.deadline for t in plan.tasks) else []),
            *([LEADERS_COLUMN] if any(t.leaders for t in plan.tasks) else [])]


def _sections(plan: Plan) -> list[tuple[str | None, list[tuple[int, Task]]]]:
    """The tasks (numbered through the plan) in runs of one group (`rows.grouping`: the
    level of the plan's headings that holds several tasks), each with its caption as the
    plan numbers its heading; None when the plan has no areas."""
    groups = grouping(plan)
    areas = any(t.area for t in plan.tasks)
    runs: list[tuple[str | None, list[tuple[int, Task]]]] = []
    last = object()
    for n, task in enumerate(plan.tasks, start=1):
        group = groups.groups[task.id] if areas else None
        if group != last:
            heading = groups.headings.get(group) if group is not None else None
            runs.append((_numbered(heading, group) if group is not None else None, []))
            last = group
        runs[-1][1].append((n, task))
    return runs


def _gap(doc) -> None:
    """A thin paragraph between two tables (two tables side by side would be one)."""
    gap = paragraph(doc, "", "表注")
    gap.paragraph_format.line_spacing = Pt(8)


def _issued(plan: Plan) -> str:
    """（青政办发〔2024〕12号，2024年4月2日印发）"""
    text = issued(plan)
    return f"（{text}）" if text else ""


def _numbered(heading: Heading | None, title: str) -> str:
    """A heading as the plan numbers it (（一）推动产业结构优化升级)."""
    if heading is None or not heading.number:
        return title
    return HEADING_NUMBERING.get(heading.level, "{} ").format(heading.number) + title


def _names(task: Task, role: str) -> str:
    """The bodies of `role` as the plan writes them, the implied ones marked."""
    shown: list[str] = []
    for a in task.assignments:
        if a.role == role:
            name = a.raw + (IMPLICIT_MARK if a.implicit else "")
            if name not in shown and a.raw not in shown:
                shown.append(name)
    return "、".join(shown)


def _task_row(table: GridTable, cells, n: int, task: Task, columns: Sequence[Column],
              limit: int | None) -> None:
    values = {"牵头单位": _names(task, LEAD), "责任单位": _names(task, RESPONSIBLE),
              "完成时限": task.deadline or "", "责任领导": "、".join(task.leaders)}
    cells[0].paragraphs[0].add_run(str(n))
    task_cell(table, cells[1], (task.title or "").strip(), (task.text or "").strip(), limit)
    for cell, column in zip(cells[2:], columns[2:], strict=True):
        cell.paragraphs[0].add_run(values[column.header])


def task_cell(table: GridTable, cell, title: str, text: str, limit: int | None = None
              ) -> None:
    """A task's title in 黑体, then its own wording in 仿宋; a wording that opens with
    the title continues it on the same line (依法淘汰落后产能。严格执行……). With `limit`,
    the wording after the title is condensed to about that many characters (`condensed`)."""
    para = cell.paragraphs[0]
    if limit is not None:
        rest = _after_title(title, text) if title and text.startswith(title) else text
        short = condensed(rest, limit)
        if title:
            _title_run(para, title + ("" if title.endswith(tuple(_TITLE_END)) or not short
                                      else "。"))
        para.add_run(short)
    elif title and text.startswith(title):
        cut = len(title)
        while cut < len(text) and text[cut] in _TITLE_END and cut < len(title) + 1:
            cut += 1
        _title_run(para, text[:cut])
        para.add_run(text[cut:])
    elif title:
        _title_run(para, title)
        if text:
            table.add_paragraph(cell, text, "表格文字")
    else:
        para.add_run(text)


def _title_run(para, text: str) -> None:
    run = para.add_run(text)
    set_fonts(run._r.get_or_add_rPr(), HEAD_FONT)


def _after_title(title: str, text: str) -> str:
    cut = len(title)
    while cut < len(text) and text[cut] in _TITLE_END and cut < len(title) + 1:
        cut += 1
    return text[cut:]


SENTENCE_END = "。；;！？"
ELLIPSIS = "……"


def condensed(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters (and an ellipsis): at the last sentence end
    within the limit when that keeps at least half of it, else at the limit. A text within
    the limit is whole."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    end = max(head.rfind(c) for c in SENTENCE_END)
    if end + 1 >= limit // 2:
        return head[:end] + ELLIPSIS
    return head.rstrip("，、,；;：:（(") + ELLIPSIS
