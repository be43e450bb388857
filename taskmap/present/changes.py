"""What a diff says of a task, in the words a 修改对照表 uses: the wording compared (the
task's text and its assignment block), the changes of duty (牵头增加：…), and a short
account of the change, shared by the Word and the Excel 对照表.

>>> import taskmap
>>> from taskmap.diff import diff_plans
>>> a = taskmap.parse_text("1.推进节能。(牵头单位:区发改委,责任单位:区住建局)")
>>> b = taskmap.parse_text("1.推进节能工作。(牵头单位:区发改委,责任单位:区财政局)")
>>> duty_lines(diff_plans(a, b).tasks[0])
['参与增加：区财政局', '参与减少：区住建局']
"""

from __future__ import annotations

from pathlib import Path

from ..diff import (
    ADDED,
    CHANGED,
    DELETE,
    EQUAL,
    INSERT,
    REMOVED,
    UNCHANGED,
    PlanDiff,
    TaskDiff,
    wording_changes,
)
from ..models import LEAD, RESPONSIBLE, Plan, Task
from .labels import ROLE_LABELS, UNTITLED, plan_title

CHANGE_LABELS = {ADDED: "增加", REMOVED: "减少"}


def wording(task: Task | None) -> str:
    """What the 对照表 compares: the task's own wording, then its assignment block as the
    plan writes it (a change of duty shows in the text too)."""
    if task is None:
        return ""
    text = (task.text or task.title or "").strip()
    block = (task.block or "").strip()
    return text + block if block and block not in text else text


ELIDED = "elided"  # a stretch of unchanged wording left out of a 对照表 (shown as ……)
GAP = "……"
SENTENCE_ENDS = "。；;！!？?\n"
CLAUSE_ENDS = "，,、：:"
CONTEXT = 40  # at most this many unchanged characters each side of an edit …
_SHORT_GAP = 12  # … and an unchanged stretch this short between two edits stays whole


def segments(t: TaskDiff) -> tuple[tuple[str, str], ...]:
    """The character diff of the old and the new wording of a task (see wording_changes),
    condensed (`excerpt`): the task's title (which task it is), then the sentences an edit
    stands in, not the whole paragraph."""
    parts = wording_changes(wording(t.old), wording(t.new))
    title = t.title or ""
    first = parts[0][1] if parts and parts[0][0] == EQUAL else ""
    keep = len(title) if title and first.startswith(title) else 0
    if keep and first[keep:keep + 1] and first[keep] in SENTENCE_ENDS + CLAUSE_ENDS:
        keep += 1
    return excerpt(parts, keep)


def excerpt(parts: tuple[tuple[str, str], ...],
            keep: int = 0) -> tuple[tuple[str, str], ...]:
    """The segments of a wording's diff with the unchanged text cut to the sentence around
    each edit: before an edit, back to the end of the sentence before it; after one, on
    to the end of its sentence; at most CONTEXT characters each way (cut at a comma where
    one is near); and the first `keep` characters (the task's title). What is left out is
    an ELIDED segment (……), in both versions' place. A wording without an edit is
    returned as it is.

    >>> excerpt((("equal", "甲。乙丙丁，戊"), ("delete", "己"), ("insert", "庚"),
    ...          ("equal", "辛。壬癸。")))
    (('elided', '……'), ('equal', '乙丙丁，戊'), ('delete', '己'), ('insert', '庚'), \
('equal', '辛。'), ('elided', '……'))
    """
    if all(op == EQUAL for op, _ in parts):
        return parts
    out: list[tuple[str, str]] = []
    last = len(parts) - 1
    for k, (op, text) in enumerate(parts):
        if op != EQUAL:
            out.append((op, text))
            continue
        head = _head(text) if k > 0 else text[:keep]  # the rest of an edit's sentence
        tail = _tail(text) if k < last else ""  # the start of the next edit's sentence
        if len(head) + len(tail) + _SHORT_GAP >= len(text):
            out.append((EQUAL, text))
            continue
        out += [(op, s) for op, s in ((EQUAL, head), (ELIDED, GAP), (EQUAL, tail)) if s]
    return tuple(out)


def _head(text: str) -> str:
    """The beginning of `text` up to its first sentence end, at most CONTEXT characters
    (then up to the last clause mark within them, where there is one)."""
    ends = [text.find(c) for c in SENTENCE_ENDS if c in text[:CONTEXT]]
    if ends:
        return text[:min(ends) + 1]
    window = text[:CONTEXT]
    cut = max(window.rfind(c) for c in CLAUSE_ENDS)
    return window[:cut + 1] if cut > 0 else window


def _tail(text: str) -> str:
    """The end of `text` after its last sentence end, at most CONTEXT characters (then
    after the first clause mark within them, where there is one)."""
    window = text[-CONTEXT:]
    starts = [window.rfind(c) for c in SENTENCE_ENDS if c in window]
    if starts:
        return window[max(starts) + 1:]
    marks = [window.find(c) for c in CLAUSE_ENDS if c in window]
    cut = min(marks) if marks else -1
    return window[cut + 1:] if 0 <= cut < len(window) - 1 else window


def shown(parts: tuple[tuple[str, str], ...], version: str) -> str:
    """The text a column shows of `segments`: the old (version "old") or the new one."""
    skip = INSERT if version == "old" else DELETE
    return "".join(text for op, text in parts if op != skip)


def duty_lines(t: TaskDiff) -> list[str]:
    """牵头增加：A、B / 牵头减少：C / 参与增加：… / 参与减少：…, as the files write the names."""
    out = []
    for role in (LEAD, RESPONSIBLE):
        for change in (ADDED, REMOVED):
            names = list(dict.fromkeys(c.name for c in t.changes
                                       if c.role == role and c.change == change))
            if names:
                out.append(f"{ROLE_LABELS[role]}{CHANGE_LABELS[change]}：{'、'.join(names)}")
    return out


def account(t: TaskDiff) -> list[str]:
    """The lines of a task's 修改说明: what happened to it, then its changes of duty."""
    if t.status == ADDED:
        return ["新增任务"]
    if t.status == REMOVED:
        return ["删除任务"]
    head = []
    if t.status == CHANGED:
        head.append("职责调整")
    if t.deadline_changed:
        head.append("完成时限调整")
    if t.text_changed:
        head.append("文字修改")
    if t.moved and t.new is not None:  # a task moved is in both versions
        head.append(f"移至“{t.new.area or t.new.chapter or '其他部分'}”")
    if not head and wording(t.old) != wording(t.new):
        head.append("分工表述调整，职责未变")
    return ["、".join(head), *duty_lines(t), *deadline_lines(t)] if head else duty_lines(t)


def deadline_lines(t: TaskDiff) -> list[str]:
    """完成时限：原“2024年底前”，现“2025年6月底前” (or 增加 / 删除), for a task whose
    deadline changed and whose deadline one version states apart from its wording."""
    if not t.deadline_changed or t.old is None or t.new is None:
        return []
    before, after = t.old.deadline, t.new.deadline
    if before and after and before != after:
        return [f"完成时限：原“{before}”，现“{after}”"]
    if after and not before:
        return [f"增加完成时限：{after}"]
    if before and not after:
        return [f"删除完成时限：{before}"]
    return []


def is_edited(t: TaskDiff) -> bool:
    """Whether a task belongs in a 修改对照表: added, removed, duties changed, moved, or its
    wording written otherwise."""
    return (t.status != UNCHANGED or t.moved or t.deadline_changed
            or wording(t.old) != wording(t.new))


VERSION_LABELS = ("原稿", "修改稿")
LEGEND = ("说明：原稿栏中红色删除线标示删去的文字，修改稿栏中蓝色下划线标示新增的文字；"
          "未作修改的任务不列入本表。")


def named(plan: Plan) -> str:
    """《title》（文件：name；文号；日期）: which file a version is; a plan that states no
    title is said to (（未识别标题；文件：name…）), never its file's name in 《》."""
    ctx = plan.context
    facts = [f"文件：{Path(plan.source).name}"] + [x for x in (ctx.number, ctx.date) if x]
    if not ctx.title:
        return f"（{'；'.join([UNTITLED, *facts])}）"
    return f"《{plan_title(plan)}》（{'；'.join(facts)}）"


def edited(d: PlanDiff) -> list[TaskDiff]:
    """The tasks a 修改对照表 lists, in the diff's order."""
    return [t for t in d.tasks if is_edited(t)]


def counts_line(d: PlanDiff) -> str:
    """两稿对应任务25项；新增2项、删除1项、职责调整8项、完成时限调整1项、文字修改5项、
    移动1项。"""
    paired = sum(t.status in (CHANGED, UNCHANGED) for t in d.tasks)
    parts = [f"新增{d.count(ADDED)}项", f"删除{d.count(REMOVED)}项",
             f"职责调整{d.count(CHANGED)}项",
             f"完成时限调整{sum(t.deadline_changed for t in d.tasks)}项",
             f"文字修改{sum(t.text_changed for t in d.tasks)}项",
             f"移动{sum(t.moved for t in d.tasks)}项"]
    return f"两稿对应任务{paired}项；{'、'.join(parts)}。"
