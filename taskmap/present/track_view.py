"""The 督办通报 of a `taskmap.tracking.Tracking`, in Chinese: its sections as plain tables
(`sections`, the one definition the terminal, the workbook and the Word file each lay out)
and the terminal's rich renderable (`track_view`; returned, never printed).

Sections: 概况 (tasks by state, the files merged), 逾期任务, 即将到期, 按单位 (per body:
tasks led by state, and the tasks it shares apart), 合并冲突 (each value with its file),
and, for the workbook, 全部任务 and 填报警告.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from ..models import PROGRESS_HEADER, STATUS_HEADER
from ..tracking import DONE, IN_PROGRESS, OVERDUE, SOON, STATES, UNVERIFIED, Tracking
from .labels import STATE_LABELS, TRACK_FIELD_LABELS, chinese_date

TITLE_SUFFIX = "督办通报"
NO_TITLE = "重点任务"  # what the title says when no plan states one


@dataclass(frozen=True)
class Section:
    """A table of the 通报: its title, headers, rows (str, int, date or None cells), the
    line said when it has no row, and which columns hold long text (they wrap)."""

    key: str
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple, ...]
    empty: str
    wide: tuple[int, ...] = ()  # columns of long text
    numbers: tuple[int, ...] = ()  # columns of counts (right-aligned)


def report_title(result: Tracking) -> str:
    """The plans' titles (、 between several) and 督办通报."""
    titles = list(dict.fromkeys(p.context.title for p in result.plans if p.context.title))
    return f"{'、'.join(titles) or NO_TITLE}{TITLE_SUFFIX}"


def as_of_line(result: Tracking) -> str:
    return f"截至{chinese_date(result.as_of)}，即将到期指{result.soon}天内到期"


def summary_sentence(result: Tracking) -> str:
    """截至…，共有重点任务N项：已完成…项，逾期…项，…；汇总了M份填报，…"""
    counts = result.counts()
    tasks = result.tasks
    parts = [f"{STATE_LABELS[s]}{counts[s]}项" for s in STATES if counts[s]]
    unreported = int((~tasks["reported"]).sum()) if tasks.height else 0
    text = (f"截至{chinese_date(result.as_of)}，共有重点任务{tasks.height}项"
            + (f"：{'，'.join(parts)}" if parts else "") + "。")
    text += f"本次汇总填报{len(result.sources)}份，{unreported}项任务未填报进展情况和完成状态"
    conflicted = result.conflicts.select("task_id", "no").unique().height
    if conflicted:
        text += f"；{conflicted}项任务各份填报不一致，列为待核实，请核实后更正"
    return text + "。"


def _file(path: str) -> str:
    return Path(path).name or path


def _task_rows(frame: pl.DataFrame, days: str) -> tuple[tuple, ...]:
    rows = []
    for r in frame.iter_rows(named=True):
        left = r["days_left"]
        shown = left if days == "soon" else (-left if left is not None and left < 0 else None)
        rows.append((r["no"], r["title"] or "", r["lead"] or "", r["deadline"] or "",
                     r["due"], shown, r["status"] or "", r["progress"] or ""))
    return tuple(rows)


def sections(result: Tracking, every: bool = False) -> list[Section]:
    """The 通报's tables; with `every`, the workbook's too (全部任务, 填报警告)."""
    tasks = result.tasks
    counts = result.counts()
    overview = [(STATE_LABELS[s], counts[s]) for s in STATES]
    overview.append(("合计", tasks.height))
    out = [Section("overview", "概况", ("督办判断", "任务数"), tuple(overview), "无任务",
                   numbers=(1,))]
    overdue = tasks.filter(pl.col("state") == OVERDUE).sort(
        ["days_left", "no"], nulls_last=True, maintain_order=True)
    soon = tasks.filter(pl.col("state") == SOON).sort(["days_left", "no"], nulls_last=True,
                                                       maintain_order=True)
    head = ("序号", "重点任务", "牵头单位", "完成时限", "到期日")
    out.append(Section("overdue", "逾期任务", (*head, "逾期天数", STATUS_HEADER, PROGRESS_HEADER),
                       _task_rows(overdue, "overdue"), "无逾期任务", wide=(1, 2, 7),
                       numbers=(0, 5)))
    out.append(Section("soon", f"即将到期（{result.soon}天内）",
                       (*head, "剩余天数", STATUS_HEADER, PROGRESS_HEADER),
                       _task_rows(soon, "soon"), "无即将到期的任务", wide=(1, 2, 7),
                       numbers=(0, 5)))
    units = result.units.filter((pl.col("lead") > 0) | (pl.col("shared") > 0))
    out.append(Section(
        "units", "按单位",
        ("单位", "牵头任务", STATE_LABELS[DONE], STATE_LABELS[IN_PROGRESS],
         STATE_LABELS[OVERDUE], STATE_LABELS[SOON], "未填报", STATE_LABELS[UNVERIFIED],
         "参与任务", "其中已完成", "其中逾期", "其中即将到期"),
        tuple((r["display"], r["lead"], r["done"], r["in_progress"], r["overdue"], r["soon"],
               r["unreported"], r["unverified"], r["shared"], r["shared_done"],
               r["shared_overdue"], r["shared_soon"]) for r in units.iter_rows(named=True)),
        "无单位", wide=(0,), numbers=tuple(range(1, 12))))
    out.append(Section(
        "conflicts", "合并冲突", ("序号", "重点任务", "栏目", "填报内容", "来源文件"),
        tuple((r["no"], r["title"] or "", TRACK_FIELD_LABELS.get(r["field"], r["field"]),
               r["value"], r["source"]) for r in result.conflicts.iter_rows(named=True)),
        "各份填报没有冲突", wide=(1, 3), numbers=(0,)))
    if every:
        out.append(Section(
            "tasks", "全部任务",
            ("序号", "行动领域", "重点任务", "牵头单位", "责任单位", "完成时限", "到期日",
             PROGRESS_HEADER, STATUS_HEADER, "督办判断", "来源文件"),
            tuple((r["no"], r["area"] or "", r["title"] or "", r["lead"] or "",
                   r["responsible"] or "", r["deadline"] or "", r["due"],
                   r["progress"] or "", r["status"] or "", STATE_LABELS[r["state"]],
                   r["sources"] or "") for r in tasks.iter_rows(named=True)),
            "无任务", wide=(1, 2, 3, 4, 7), numbers=(0,)))
        out.append(Section(
            "files", "填报文件与警告", ("类别", "内容"),
            tuple([("填报文件", _file(s)) for s in result.sources]
                  + [("警告", w) for w in result.warnings]),
            "无", wide=(1,)))
    return out


def cell_text(value) -> str:
    """A section's cell as text: dates ISO, None as —."""
    if value is None:
        return "—"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def track_view(result: Tracking) -> Group:
    """The terminal 通报: title, date, summary, then each section as a table; warnings."""
    parts: list[RenderableType] = [
        Text(report_title(result), style="bold"), Text(as_of_line(result)),
        Text(summary_sentence(result))]
    for section in sections(result):
        table = Table(title=section.title, box=box.SIMPLE_HEAVY, title_justify="left")
        for k, header in enumerate(section.headers):
            if k in section.numbers:
                table.add_column(header, justify="right", overflow="fold", min_width=4)
            elif k in section.wide:
                table.add_column(header, overflow="fold", min_width=10)
            else:
                table.add_column(header, overflow="fold")
        for row in section.rows:
            style = "bold red" if section.key == "overdue" else ""
            table.add_row(*(cell_text(v) for v in row), style=style)
        if not section.rows:
            parts.append(Text(f"{section.title}:{section.empty}"))
            continue
        parts.append(table)
    for line in result.warnings:
        parts.append(Text.assemble(("警告:", "bold yellow"), line))
    return Group(*parts)
