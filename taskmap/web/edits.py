"""The page's corrections, as it posts them with the files (the field `edits`), checked and
made the plans by the library (`names.edits.apply_edits`, as the workbook read back does).

The field is JSON: the plan (its file name as the page shows it) → its title and its
tasks' corrections, by task id and key (`names.edits.FIELDS`):

    {"方案.docx": {"title": "新的方案名称", "tasks": {"T003": {"lead": "区财政局",
                                                      "area": "能源保供行动"}}}}

Anything else — not JSON, another shape, over `MAX_BYTES`, a text over `MAX_TEXT`
characters, a file not uploaded, a task the plan does not have — is refused with one
Chinese line (`BadEdits`), never passed over.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from ..errors import EditError
from ..models import Plan
from ..names.edits import FIELDS, PlanEdits, apply_edits
from ..names.tables import AliasTable
from ..present.xlsx.marker import COLUMNS

MAX_BYTES = 256 * 1024  # the field, UTF-8
MAX_TEXT = 2000  # characters of one value
SHAPE = ('应为 {"方案文件名": {"title": "方案名称", "tasks": {"任务编号": '
         '{"area": "行动领域", …}}}}')


class BadEdits(Exception):
    """Corrections the page cannot make; `message` is one Chinese line."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def parse_edits(raw: str | bytes | None) -> dict[str, PlanEdits]:
    """The corrections the field holds, by plan (its source); none for an empty field."""
    if raw is None:
        return {}
    if isinstance(raw, bytes):
        if len(raw) > MAX_BYTES:
            raise _too_large()
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise BadEdits("修改内容不是 UTF-8 文字,未能应用。") from None
    if len(raw.encode("utf-8")) > MAX_BYTES:
        raise _too_large()
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except ValueError:
        raise BadEdits(f"修改内容不是有效的 JSON,未能应用({SHAPE})。") from None
    if not isinstance(data, dict):
        raise BadEdits(f"修改内容的格式不对:{SHAPE}。")
    out: dict[str, PlanEdits] = {}
    for source, plan in data.items():
        if not isinstance(plan, dict) or not set(plan) <= {"title", "tasks"}:
            raise BadEdits(f"修改内容的格式不对(方案“{source}”):{SHAPE}。")
        title, tasks = plan.get("title"), plan.get("tasks", {})
        if title is not None and not isinstance(title, str):
            raise BadEdits(f"修改内容的格式不对(方案“{source}”的名称应为文字):{SHAPE}。")
        if not isinstance(tasks, dict) or not all(
                isinstance(edit, dict) and all(isinstance(v, str) for v in edit.values())
                for edit in tasks.values()):
            raise BadEdits(f"修改内容的格式不对(方案“{source}”的任务):{SHAPE}。")
        for value in (title or "", *(v for edit in tasks.values() for v in edit.values())):
            if len(value) > MAX_TEXT:
                raise BadEdits(f"修改内容过长(方案“{source}”):每项最多 {MAX_TEXT} 个字。")
        for task, edit in tasks.items():
            unknown = [k for k in edit if k not in FIELDS]
            if unknown:
                allowed = "、".join(f"{COLUMNS[k]}({k})" for k in FIELDS)
                raise BadEdits(f"修改内容的格式不对(方案“{source}”的任务 {task}):“{unknown[0]}”"
                               f"不能修改,可修改的是 {allowed}。")
        out[source] = PlanEdits(tasks={t: e for t, e in tasks.items() if e}, title=title)
    return out


def edited(plans: Sequence[Plan], edits: dict[str, PlanEdits], table: AliasTable
           ) -> list[Plan]:
    """`plans` with their corrections made. Corrections of a file not among `plans`, or of
    a task its plan does not have, are refused."""
    sources = {p.source for p in plans}
    unknown = [s for s in edits if s not in sources]
    if unknown:
        raise BadEdits(f"修改内容所指的方案“{unknown[0]}”不在所选文件中,未能应用;"
                       "请重新选择文件后再修改。")
    try:
        return [apply_edits(p, edits[p.source], table) if edits.get(p.source) else p
                for p in plans]
    except EditError as e:
        raise BadEdits(f"{e}。") from None


def _too_large() -> BadEdits:
    return BadEdits(f"修改内容太多(超过 {MAX_BYTES // 1024} KB),未能应用;请分批修改下载。")
