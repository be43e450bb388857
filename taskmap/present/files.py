"""Files for programs and for people: a Plan as JSON (the contract) and as CSV (one row per
assignment, then warnings), name surfaces for review, and the one CSV writer every CSV goes
through. CSV is for people (Excel, WPS): its headers and coded values are Chinese
(`people_csv`: 角色 牵头/参与, 隐含落实 是/否), and a cell a spreadsheet would run as a formula is
written as text. JSON and Parquet are for programs and keep the keys and the text as they
are; so does the English CSV (`english=True`, `--csv-keys en`), with the keys of the JSON.
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
from .labels import DUE_KIND_LABELS, ROLE_LABELS, STATUS_LABELS, TIER_LABELS

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


def to_csv(plan: Plan, english: bool = False) -> str:
    """The CSV of `taskmap extract --format csv`: Chinese headers and values, or with
    `english` the keys and values of the JSON."""
    return people_csv(csv_rows(plan), CSV_COLUMNS, english=english)


# The Chinese header of each column of taskmap's data (the JSON's and Parquet's key), and
# where one key means another thing in one table (`frame`: a file of `export` to a folder,
# `agencies` the ranking of `report`, `diff`), its header there. A column not named here
# (a matrix's areas) keeps its name.
HEADERS = {
    "kind": "记录类型", "source": "来源文件", "plan": "方案文件", "jurisdiction": "地方",
    "task_id": "任务编号", "line": "行号", "chapter": "章节", "area": "行动领域",
    "group": "统计领域",  # the heading level the reports count by (rows.grouping)
    "title": "任务标题", "deadline": "完成时限", "due": "完成日期", "due_kind": "时限类型",
    "role": "角色", "raw": "原文写法", "agency": "单位", "canonical": "规范名称",
    "display": "显示名称", "level": "层级", "function": "职能", "implicit": "隐含落实",
    "collective": "集合主体", "tier": "匹配方式", "score": "匹配分值", "block": "分工原文",
    "reason": "警告原因", "text": "原文", "count": "出现次数", "first_line": "首次出现行号",
}
FRAME_HEADERS: dict[str, dict[str, str]] = {
    "agencies": {"lead": "牵头任务数", "responsible": "参与任务数", "tasks": "任务数",
                 "areas": "领域数", "plans": "方案数", "share": "占比", "rank": "排名"},
    "tasks": {"lead": "牵头单位", "responsible": "责任单位", "implicit": "隐含落实单位"},
    "plans": {"title": "方案标题", "issuer": "印发机关", "date": "印发日期", "number": "文号",
              "tasks": "任务数", "bodies": "单位数", "review": "待核实名称数",
              "warnings": "解析警告数", "segments": "分工片段数", "segments_read": "已读取片段数",
              "segments_warned": "有警告片段数", "segments_unread": "未读取片段数"},
    "co_assignments": {"a": "单位甲", "b": "单位乙", "shared": "共同任务数",
                       "a_leads": "单位甲牵头数", "b_leads": "单位乙牵头数"},
    "diff": {"status": "变化", "old_line": "前稿行号", "new_line": "后稿行号",
             "old_area": "前稿行动领域", "new_area": "后稿行动领域", "moved": "位置变动",
             "text_changed": "文字修改", "changes": "分工变化"},
}
FRAME_HEADERS["agency_summary"] = FRAME_HEADERS["agencies"]
# coded values of a column, as people read them (booleans of any column: 是/否)
VALUES: dict[str, dict[str, str]] = {
    "kind": {"assignment": "任务分工", "warning": "解析警告"},
    "role": ROLE_LABELS,  # 牵头, 参与: as the workbook and the diff say them
    "due_kind": {"date": "日期", **DUE_KIND_LABELS},
    "tier": TIER_LABELS,
    "status": STATUS_LABELS,
}
YES, NO = "是", "否"


def header(column: str, frame: str | None = None) -> str:
    """The Chinese header of `column` (in the table `frame`, when it says otherwise)."""
    return FRAME_HEADERS.get(frame or "", {}).get(column) or HEADERS.get(column, column)


def people_value(column: str, value):
    """A cell as people read it: a boolean 是/否, a coded value in Chinese."""
    if isinstance(value, bool):
        return YES if value else NO
    if column in ("implicit", "moved", "text_changed", "collective") and value in (
            "true", "false"):
        return YES if value == "true" else NO
    if isinstance(value, str):
        return VALUES.get(column, {}).get(value, value)
    return value


def people_csv(rows: Iterable[Mapping], columns: Sequence[str], *, english: bool = False,
               frame: str | None = None) -> str:
    """CSV for people: the rows under Chinese headers with Chinese values (`header`,
    `people_value`); with `english`, the keys and values as they are (the machine form)."""
    if english:
        return csv_text(rows, columns)
    names = [header(c, frame) for c in columns]
    # a matrix's area named like a header: that header stays its key
    names = [c if n != c and n in columns else n for c, n in zip(columns, names, strict=True)]
    return csv_text(({n: people_value(c, row.get(c)) for c, n in zip(columns, names,
                                                                      strict=True)}
                     for row in rows), names)


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


def surfaces_to_csv(items: list[Surface], english: bool = False) -> str:
    """`taskmap aliases show -f csv`: Chinese headers and values unless `english`."""
    return people_csv((asdict(s) for s in items), [f.name for f in fields(Surface)],
                      english=english)
