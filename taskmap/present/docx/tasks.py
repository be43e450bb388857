"""The 任务分解表 as a Word attachment in 公文 form, one section per plan.

Each section: the attachment mark (附件, or 附件1, 附件2 … for several plans) in 黑体, the
plan's title and 重点任务分解表 in 方正小标宋简体, the plan's 文号 and date in 楷体, a summary
paragraph (共梳理重点任务N项，涉及单位M个，其中X牵头K项……), then the table: 序号 | 重点任务
(its title, then its own wording) | 牵头单位 | 责任单位 | 完成时限 (| 责任领导 when the plan
names persons), in sections by action area, the header row repeated on every page.

The page is A4 **landscape**: five or six columns, one of them the task's whole wording
(often 60–120 characters), do not fit the 156 mm of a portrait type area at a legible
size (the wording would get 16 characters a line and the names of bodies 6); landscape
gives 243 mm, about 25 characters a line of wording at 小四 (12 pt), as landscape
分解表 attachments to 通知 usually are. The margins are the 公文 ones as the brief of the
form gives them (top 37, bottom 35, left 28, right 26 mm).

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
from ...models import LEAD, RESPONSIBLE, Plan, Task
from ..labels import issued, plan_title
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
AREA_COLUMN = Column("行动领域", 27, "表格居中")
COLUMNS = (Column("序号", 14, "表格居中"), Column("重点任务", 88), Column("牵头单位", 40),
           Column("责任单位", 50), Column("完成时限", 24, "表格居中"))
LEADERS_COLUMN = Column("责任领导", 24, "表格居中")
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


def write_tasks_docx(plans: Sequence[Plan], path: str | Path) -> Path:
    """Write the 任务分解表 of `plans` as a Word file in 公文 form (one section per plan,
    A4 landscape) and return the path. The same plans give the same bytes."""
    doc = new_document(landscape=True)
    plans = list(plans)
    for k, plan in enumerate(plans, start=1):
        if k > 1:
            new_page_section(doc, landscape=True)
        mark = "附件" if len(plans) == 1 else f"附件{k}"
        _plan_section(doc, plan, mark)
    if not plans:
        paragraph(doc, "附件", "附件标记")
        paragraph(doc, "重点任务分解表", "公文标题")
        paragraph(doc, "未提供方案。")
    return save_stable(doc, Path(path))


def _plan_section(doc, plan: Plan, mark: str) -> None:
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
    leaders = any(t.leaders for t in plan.tasks)
    areas = any(_group(t) for t in plan.tasks)
    columns = [COLUMNS[0], *([AREA_COLUMN] if areas else []), *COLUMNS[1:],
               *([LEADERS_COLUMN] if leaders else [])]
    table = GridTable(doc, columns, text_width(doc.sections[-1]))
    group, first = None, None
    for n, task in enumerate(plan.tasks, start=1):
        cells = table.add_row()
        if areas:
            this = _group(task)
            if first is None or this != group:
                first = cells[1]
                first.paragraphs[0].add_run(_numbered(plan, this, task.line) if this else "")
                first._tc.vMerge = "restart"
            else:
                cells[1]._tc.vMerge = "continue"
            group = this
            cells = [cells[0], *cells[2:]]
        _task_row(table, cells, n, task, leaders)
    if not plan.tasks:
        table.add_group_row("未识别到带分工的重点任务。")
    if any(a.implicit for t in plan.tasks for a in t.assignments):
        note = paragraph(doc, IMPLICIT_NOTE, "表注")
        note.paragraph_format.space_before = Pt(12)
        note.paragraph_format.keep_together = True


def _issued(plan: Plan) -> str:
    """（青政办发〔2024〕12号，2024年4月2日印发）"""
    text = issued(plan)
    return f"（{text}）" if text else ""


def _group(task: Task) -> str | None:
    """The section of the table a task stands in: its action area, or its chapter when the
    area is the task itself (保障措施 whose items are their own headings)."""
    area = task.area
    if area and area != task.title:
        return area
    return task.chapter or area


_NUMBERING = {0: "{}　", 1: "{}、", 2: "（{}）", 3: "{}.", 4: "（{}）", 5: "{}"}


def _numbered(plan: Plan, title: str, line: int) -> str:
    """A heading as the plan numbers it (（一）推动产业结构优化升级): the last heading of
    that title above the task."""
    found = None
    for h in plan.outline:
        if h.line > line:
            break
        if h.title == title:
            found = h
    if found is None or not found.number:
        return title
    return _NUMBERING.get(found.level, "{} ").format(found.number) + title


def _names(task: Task, role: str) -> str:
    """The bodies of `role` as the plan writes them, the implied ones marked."""
    shown: list[str] = []
    for a in task.assignments:
        if a.role == role:
            name = a.raw + (IMPLICIT_MARK if a.implicit else "")
            if name not in shown and a.raw not in shown:
                shown.append(name)
    return "、".join(shown)


def _task_row(table: GridTable, cells, n: int, task: Task, leaders: bool) -> None:
    cells[0].paragraphs[0].add_run(str(n))
    _task_cell(table, cells[1], task)
    cells[2].paragraphs[0].add_run(_names(task, LEAD))
    cells[3].paragraphs[0].add_run(_names(task, RESPONSIBLE))
    cells[4].paragraphs[0].add_run(task.deadline or "")
    if leaders:
        cells[5].paragraphs[0].add_run("、".join(task.leaders))


def _task_cell(table: GridTable, cell, task: Task) -> None:
    task_cell(table, cell, (task.title or "").strip(), (task.text or "").strip())


def task_cell(table: GridTable, cell, title: str, text: str) -> None:
    """A task's title in 黑体, then its own wording in 仿宋; a wording that opens with
    the title continues it on the same line (依法淘汰落后产能。严格执行……)."""
    para = cell.paragraphs[0]
    if title and text.startswith(title):
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
