"""Diff a draft and a final plan: tasks aligned one to one, whose duties changed.

`diff_plans(old, new)` aligns the tasks of two versions (text, title, bodies and outline
position together), so that renumbering, reordering, moves and rewording do not break
the pairing, then compares each pair's set of (role, canonical body): a renamed surface of
the same body is not a change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from difflib import SequenceMatcher
from functools import cache, cached_property

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from . import lexicon as lx
from .grammar.deadlines import date_edit, dates
from .models import LEAD, RESPONSIBLE, Plan, Task
from .normalize import name_key
from .text import fold_line

ADDED, REMOVED, CHANGED, UNCHANGED = "added", "removed", "changed", "unchanged"
MATCH_THRESHOLD = 0.45
WEIGHTS = {"text": 0.4, "title": 0.2, "bodies": 0.2, "area": 0.1, "position": 0.1}


@dataclass(frozen=True)
class Change:
    role: str
    change: str  # added | removed
    raw: str  # as the new file writes it (added) or the old file (removed)
    agency: str
    display: str = ""  # the body's one name in this diff, its rows and its summary alike

    @property
    def name(self) -> str:
        """The body's name as the diff shows it (its task rows and its summary alike)."""
        return self.display or self.raw


@dataclass(frozen=True)
class TaskDiff:
    status: str
    old: Task | None
    new: Task | None
    moved: bool = False
    text_changed: bool = False
    changes: tuple[Change, ...] = ()
    score: float | None = None  # alignment score of the pair
    deadline_changed: bool = False  # its deadline added, removed or moved (in its block or
    # its wording); `text_changed` is then whether the wording changed besides its dates

    @property
    def task(self) -> Task:
        """The new version of the task, else the old (a pair has one at least)."""
        task = self.new or self.old
        assert task is not None
        return task

    @property
    def title(self) -> str | None:
        return self.task.title

    @property
    def area(self) -> str | None:
        return self.task.area


@dataclass(frozen=True)
class BodyChange:
    """One body's duties before and after."""

    agency: str
    display: str
    lead_before: int
    lead_after: int
    responsible_before: int
    responsible_after: int
    gained_lead: tuple[str, ...] = ()
    lost_lead: tuple[str, ...] = ()
    gained_responsible: tuple[str, ...] = ()
    lost_responsible: tuple[str, ...] = ()
    role_changed: tuple[str, ...] = ()  # tasks where it went lead ↔ responsible

    @property
    def net(self) -> int:
        return (self.lead_after + self.responsible_after
                - self.lead_before - self.responsible_before)


@dataclass(frozen=True)
class PlanDiff:
    old: Plan
    new: Plan
    tasks: tuple[TaskDiff, ...]
    bodies: tuple[BodyChange, ...] = field(default=())

    def count(self, status: str) -> int:
        return sum(t.status == status for t in self.tasks)

    @cached_property
    def warning(self) -> str | None:
        """`versions_warning` of the two plans, from the pairs this diff already aligned
        (said on screen, on the web page and in the files: computed once)."""
        smaller = min(len(self.old.tasks), len(self.new.tasks))
        alike = sum(1 for t in self.tasks if t.old is not None and t.new is not None
                    and _alike(t.old, t.new))
        return _warning(self.old, self.new, alike / smaller if smaller else 1.0)

    def to_dict(self) -> dict:
        """The JSON contract of `taskmap diff --format json`."""
        return {
            "old": self.old.source, "new": self.new.source,
            "summary": {s: self.count(s) for s in (ADDED, REMOVED, CHANGED, UNCHANGED)},
            "tasks": [{
                "status": t.status, "old_line": t.old.line if t.old else None,
                "new_line": t.new.line if t.new else None, "title": t.title,
                "old_area": t.old.area if t.old else None,
                "new_area": t.new.area if t.new else None,
                "moved": t.moved, "text_changed": t.text_changed,
                "deadline_changed": t.deadline_changed,
                "changes": [{"role": c.role, "change": c.change, "raw": c.raw,
                             "agency": c.agency, "display": c.display}
                            for c in t.changes]} for t in self.tasks],
            "bodies": [{**b.__dict__, "net": b.net} for b in self.bodies],
        }


def _norm_text(text: str | None) -> str:
    return _punct(lx.OPEN + lx.CLOSE).sub("", fold_line(text or ""))


@cache
def _punct(brackets: str) -> re.Pattern[str]:
    """Punctuation and brackets, which a change of wording leaves out."""
    return re.compile(rf"[\s,.;:!?、。“”‘’\"'《》—\-{re.escape(brackets)}]")


def local_name(plan: Plan, agency: str) -> str:
    """A canonical name without the plan's own place or level word: two versions of one
    plan are one jurisdiction, even when only one of them names its place in its title."""
    for prefix in (plan.jurisdiction, plan.level):
        if prefix and agency.startswith(prefix) and len(agency) > len(prefix):
            return agency[len(prefix):]
    return agency


def _lineage(a) -> str:
    """The body a name stands for across a reform: a draft's 县环保局 and a final's
    县生态环境局 are one body's duties."""
    return a.successor or a.agency


def _bodies(task: Task, plan: Plan) -> set[str]:
    return {local_name(plan, _lineage(a)) for a in task.assignments if not a.implicit}


def _duties(task: Task, plan: Plan) -> dict[tuple[str, str], tuple[str, str]]:
    """(role, body) → (surface, the body's canonical across reforms); implicit agencies are
    no duties here."""
    out: dict[tuple[str, str], tuple[str, str]] = {}
    for a in task.assignments:
        if not a.implicit:
            out.setdefault((a.role, local_name(plan, _lineage(a))), (a.raw, _lineage(a)))
    return out


@dataclass(frozen=True)
class _Features:
    """What the alignment compares of each task, computed once."""

    texts: list[str]
    titles: list[str]
    areas: list[str]
    bodies: list[set[str]]

    @classmethod
    def of(cls, tasks: list[Task], plan: Plan) -> _Features:
        return cls([_norm_text(t.text) for t in tasks], [_norm_text(t.title) for t in tasks],
                   [_norm_text(t.area) for t in tasks], [_bodies(t, plan) for t in tasks])


def _score(fo: _Features, fn: _Features, i: int, j: int, span_o: int, span_n: int) -> float:
    """A pair's score in 0..1: text, title, bodies (Jaccard), area, relative position."""
    w = WEIGHTS
    return (w["text"] * fuzz.ratio(fo.texts[i], fn.texts[j]) / 100
            + w["title"] * fuzz.ratio(fo.titles[i], fn.titles[j]) / 100
            + w["bodies"] * _jaccard(fo.bodies[i], fn.bodies[j])
            + w["area"] * fuzz.ratio(fo.areas[i], fn.areas[j]) / 100
            + w["position"] * (1 - abs(i / span_o - j / span_n)))


def _jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


FULL_MATRIX = 250_000  # pairs scored one by one up to this; beyond, candidates are blocked
_NEIGHBOURS = 6  # for a big plan: tasks this close in relative position are candidates
_SHARED = 12  # … and the new tasks that share the most rare text 3-grams with an old one
_COMMON_GRAM = 40  # a 3-gram in more new tasks than this says nothing about a pair


def _pairs(n_old: int, n_new: int, fo: _Features, fn: _Features):
    """The (old, new) index pairs worth scoring: all of them for plans of ordinary size;
    for big ones (thousands of tasks each), candidates by position and by shared rare
    3-grams of their text, so the work grows with the tasks, not with their square."""
    if n_old * n_new <= FULL_MATRIX:
        return ((i, j) for i in range(n_old) for j in range(n_new))
    index: dict[str, list[int]] = {}
    for j, text in enumerate(fn.texts):
        for gram in {text[k:k + 3] for k in range(len(text) - 2)}:
            index.setdefault(gram, []).append(j)
    pairs: set[tuple[int, int]] = set()
    for i, text in enumerate(fo.texts):
        centre = round(i * (n_new - 1) / max(n_old - 1, 1))
        pairs.update((i, j) for j in range(max(0, centre - _NEIGHBOURS),
                                           min(n_new, centre + _NEIGHBOURS + 1)))
        shared: dict[int, int] = {}
        for gram in {text[k:k + 3] for k in range(len(text) - 2)}:
            posting = index.get(gram, ())
            if len(posting) <= _COMMON_GRAM:
                for j in posting:
                    shared[j] = shared.get(j, 0) + 1
        best = sorted(shared, key=lambda j: (-shared[j], j))[:_SHARED]
        pairs.update((i, j) for j in best)
    return sorted(pairs)


def align(old_plan: Plan, new_plan: Plan,
          threshold: float = MATCH_THRESHOLD) -> list[tuple[int, int, float]]:
    """One-to-one pairs (old index, new index, score), best scores first, above threshold."""
    old, new = list(old_plan.tasks), list(new_plan.tasks)
    fo, fn = _Features.of(old, old_plan), _Features.of(new, new_plan)
    span_o, span_n = max(len(old) - 1, 1), max(len(new) - 1, 1)
    scored = ((_score(fo, fn, i, j, span_o, span_n), i, j)
              for i, j in _pairs(len(old), len(new), fo, fn))
    # ties broken the same way whichever version is "old", so diff(b, a) mirrors diff(a, b)
    candidates = sorted((c for c in scored if c[0] >= threshold),
                        key=lambda x: (-round(x[0], 9), x[1] + x[2], abs(x[1] - x[2]),
                                       min(x[1], x[2])))
    used_old, used_new, pairs = set(), set(), []
    for score, i, j in candidates:
        if i not in used_old and j not in used_new:
            used_old.add(i)
            used_new.add(j)
            pairs.append((i, j, float(score)))
    return pairs


def _compare(old: Task, new: Task, score: float, old_plan: Plan, new_plan: Plan,
             renamed: dict[str, str]) -> TaskDiff:
    before, after = _duties(old, old_plan), _duties(new, new_plan)
    changes = tuple(
        [Change(role, REMOVED, *before[(role, body)])
         for role, body in before if (role, body) not in after]
        + [Change(role, ADDED, *after[(role, body)])
           for role, body in after if (role, body) not in before])
    changes = _without_typo_fixes(changes, old, new, old_plan, new_plan, renamed)
    _, reworded = date_edit(old.text, new.text)
    return TaskDiff(status=CHANGED if changes else UNCHANGED, old=old, new=new,
                    moved=(_norm_text(old.area), _norm_text(old.chapter))
                    != (_norm_text(new.area), _norm_text(new.chapter)),
                    text_changed=_norm_text(old.text) != _norm_text(new.text) and reworded,
                    changes=tuple(sorted(changes, key=_change_order)), score=round(score, 3),
                    deadline_changed=_deadline_changed(old, new))


def _deadline_changed(old: Task, new: Task) -> bool:
    """Whether a task's deadline was added, removed or moved: the dates its deadline and
    its wording write (a deadline moved from the wording into the block is the same one),
    else, where neither writes a date, its deadline's words (长期 → 持续推进)."""
    before = sorted(dates(old.deadline) + dates(old.text))
    after = sorted(dates(new.deadline) + dates(new.text))
    if before != after:
        return True
    return not before and _norm_text(old.deadline) != _norm_text(new.deadline)


_UNSURE = ("unresolved", "fuzzy")


def _without_typo_fixes(changes: tuple[Change, ...], old: Task, new: Task, old_plan: Plan,
                        new_plan: Plan, renamed: dict[str, str]) -> tuple[Change, ...]:
    """A name removed and one added in the same role of one task, one character apart, one
    of them not recognised: a typo fixed (县供消社 → 县供销社), not a change of duty.
    Each such pair is recorded in `renamed` (old body key → new body key)."""
    tiers = {a.raw: a.tier for a in old.assignments + new.assignments}
    removed = [c for c in changes if c.change == REMOVED]
    added = [c for c in changes if c.change == ADDED]
    dropped: set[int] = set()
    for r in removed:
        for a in added:
            if id(a) in dropped or a.role != r.role:
                continue
            if (tiers.get(r.raw) in _UNSURE or tiers.get(a.raw) in _UNSURE) and \
                    len(r.raw) == len(a.raw) and Levenshtein.distance(
                    name_key(r.raw), name_key(a.raw)) <= 1:
                dropped |= {id(r), id(a)}
                renamed[local_name(old_plan, r.agency)] = local_name(new_plan, a.agency)
                break
    return tuple(c for c in changes if id(c) not in dropped)


def _change_order(c: Change) -> tuple:
    return (c.role != LEAD, c.change != REMOVED, c.raw)


def diff_plans(old: Plan, new: Plan) -> PlanDiff:
    """Align the tasks of `old` and `new` and say whose duties changed.

    >>> import taskmap
    >>> a = taskmap.parse_text("1.推进节能。(牵头单位:区发改委,责任单位:区住建局)")
    >>> b = taskmap.parse_text("1.推进节能工作。(牵头单位:区发展和改革委员会,责任单位:区财政局)")
    >>> [(c.role, c.change, c.raw) for c in diff_plans(a, b).tasks[0].changes]
    [('responsible', 'removed', '区住建局'), ('responsible', 'added', '区财政局')]
    """
    pairs = align(old, new)
    renamed: dict[str, str] = {}
    by_new = {j: (i, s) for i, j, s in pairs}
    matched_old = {i for i, _, _ in pairs}
    by_old = {id(old.tasks[i]): i for i in matched_old}
    entries: list[TaskDiff] = []
    for j, task in enumerate(new.tasks):
        if j in by_new:
            i, score = by_new[j]
            entries.append(_compare(old.tasks[i], task, score, old, new, renamed))
        else:
            entries.append(TaskDiff(status=ADDED, old=None, new=task))
    # each removed task goes after the entry of the last old task before it that has one
    # (its pair's), removed tasks after one such entry in their order; those before every
    # paired task open the list. One pass: linear in the tasks.
    after: dict[int | None, list[TaskDiff]] = {}  # old index of a pair (None: none) → removed
    last_paired: int | None = None
    for i, task in enumerate(old.tasks):
        if i in matched_old:
            last_paired = i
        else:
            after.setdefault(last_paired, []).append(TaskDiff(status=REMOVED, old=task, new=None))
    placed: list[TaskDiff] = list(after.get(None, ()))
    for e in entries:
        placed.append(e)
        if e.old is not None:
            placed += after.get(by_old[id(e.old)], ())
    names = _names(old, new)
    entries = [replace(e, changes=tuple(replace(c, display=names.get(
        local_name(new if c.change == ADDED else old, c.agency), c.raw)) for c in e.changes))
        if e.changes else e for e in placed]
    return PlanDiff(old=old, new=new, tasks=tuple(entries),
                    bodies=_body_changes(entries, old, new, renamed, names))


def _names(old: Plan, new: Plan) -> dict[str, str]:
    """body key → the one name a diff shows it by, in its task rows and its summary alike:
    the name the new version shows it by, else the old one's."""
    out: dict[str, str] = {}
    for plan in (new, old):
        for task in plan.tasks:
            for a in task.assignments:
                if not a.implicit:
                    out.setdefault(local_name(plan, _lineage(a)), a.display or a.raw)
    return out


def _body_changes(entries: list[TaskDiff], old: Plan, new: Plan, renamed: dict[str, str],
                  names: dict[str, str]) -> tuple[BodyChange, ...]:
    """Per body: tasks led and shared before and after, and what it gained and lost, added
    and removed tasks included."""
    stats: dict[str, dict] = {}

    def slot(key: str, agency: str, display: str) -> dict:
        return stats.setdefault(key, {"agency": agency, "display": display, "lb": 0, "la": 0,
                                      "rb": 0, "ra": 0, "gl": [], "ll": [], "gr": [],
                                      "lr": [], "rc": []})

    for e in entries:
        for side, task, plan in (("b", e.old, old), ("a", e.new, new)):
            for a in (task.assignments if task else ()):
                if a.implicit:
                    continue
                key = local_name(plan, _lineage(a))
                key = renamed.get(key, key) if side == "b" else key
                s = slot(key, a.agency, names.get(key, a.display or a.raw))
                s[("l" if a.role == LEAD else "r") + side] += 1
                if e.status in (ADDED, REMOVED):
                    kind = ("g" if e.status == ADDED else "l") + ("l" if a.role == LEAD else "r")
                    s[kind].append(e.title or "")
        for c in e.changes:
            plan = new if c.change == ADDED else old
            s = slot(local_name(plan, c.agency), c.agency, c.display or c.raw)
            s[("g" if c.change == ADDED else "l") + ("l" if c.role == LEAD else "r")].append(
                e.title or "")
        _role_changes(e, stats, old, new)
    out = [BodyChange(s["agency"], s["display"], s["lb"], s["la"], s["rb"], s["ra"],
                      tuple(s["gl"]), tuple(s["ll"]), tuple(s["gr"]), tuple(s["lr"]),
                      tuple(s["rc"])) for s in stats.values()]
    return tuple(sorted(out, key=lambda b: (-abs(b.net) - len(b.gained_lead + b.lost_lead),
                                            b.agency)))


def _role_changes(e: TaskDiff, stats: dict, old: Plan, new: Plan) -> None:
    """A body that went lead → responsible (or back) in one task."""
    moves: dict[str, set] = {}
    for c in e.changes:
        key = local_name(new if c.change == ADDED else old, c.agency)
        moves.setdefault(key, set()).add((c.role, c.change))
    for key, m in moves.items():
        if {(LEAD, REMOVED), (RESPONSIBLE, ADDED)} <= m or {(LEAD, ADDED), (RESPONSIBLE,
                                                                             REMOVED)} <= m:
            stats[key]["rc"].append(e.title or "")


# Are these two versions of one plan? -----------------------------------------------------

VERSION_SHARE = 1 / 3  # below this share of aligned tasks, two files look unrelated …
TITLE_RELATED = 85  # … unless their titles are this alike (rapidfuzz ratio, 0-100)
_TEXT_ALIKE = 50  # a pair counts as aligned when its wordings are at least this alike


def aligned_share(old: Plan, new: Plan) -> float:
    """The share of tasks (of the smaller plan) paired with a task of the other whose own
    wording is at least half alike: about 1 for two versions of one plan, about 0 for two
    different plans (the alignment pairs a few unrelated tasks by position and area alone).
    Two plans without tasks share nothing to compare: 1.0."""
    smaller = min(len(old.tasks), len(new.tasks))
    if not smaller:
        return 1.0
    alike = sum(1 for i, j, _ in align(old, new) if _alike(old.tasks[i], new.tasks[j]))
    return alike / smaller


def _alike(a: Task, b: Task) -> bool:
    """Are two paired tasks' own wordings at least half alike?"""
    return fuzz.ratio(_norm_text(a.text or a.title), _norm_text(b.text or b.title)) >= _TEXT_ALIKE


def titles_related(old: Plan, new: Plan) -> bool:
    """Both plans have a title, the titles are nearly the same, and the plans are not of two
    different places (丰禾市城市更新行动实施方案 and 松岚区城市更新三年行动方案 are alike in
    words and unrelated)."""
    a, b = old.context.title, new.context.title
    if not (a and b):
        return False
    if old.jurisdiction and new.jurisdiction and old.jurisdiction != new.jurisdiction:
        return False
    return fuzz.ratio(_norm_text(a), _norm_text(b)) >= TITLE_RELATED


def looks_like_versions(old: Plan, new: Plan) -> bool:
    """False when two files do not look like versions of one plan: fewer than a third of
    the tasks align and the titles are unrelated. For a caller to warn before trusting a
    diff (two unrelated plans diff into "everything removed, everything added").

    >>> import taskmap
    >>> a = taskmap.parse_text("1.推进节能改造。(牵头单位:区发改委)")
    >>> b = taskmap.parse_text("1.推进节能改造工作。(牵头单位:区发改委)")
    >>> c = taskmap.parse_text("1.优化营商环境。(牵头单位:区政务局)")
    >>> looks_like_versions(a, b), looks_like_versions(a, c)
    (True, False)
    """
    return aligned_share(old, new) >= VERSION_SHARE or titles_related(old, new)


def versions_warning(old: Plan, new: Plan) -> str | None:
    """A one-line warning in Chinese when the two files do not look like versions of one
    plan, else None (for the files and views that show a diff)."""
    return _warning(old, new, aligned_share(old, new))


def _warning(old: Plan, new: Plan, share: float) -> str | None:
    if share >= VERSION_SHARE or titles_related(old, new):
        return None
    return (f"注意：两份文件仅{share:.0%}的任务可以对应，标题也不相同，"
            "看起来不是同一方案的两稿，以下比对结果仅供参考。")


# What changed in the wording ------------------------------------------------------------

EQUAL, DELETE, INSERT = "equal", "delete", "insert"
_MAX_CHAR_PAIRS = 4_000_000  # beyond this product of lengths, a wording is replaced whole
_KEEP_EQUAL = 3  # an unchanged run shorter than this between two edits joins them


def wording_changes(old: str, new: str) -> tuple[tuple[str, str], ...]:
    """The character diff of two wordings as (op, text) segments, op "equal", "delete" (in
    the old only) or "insert" (in the new only): the old wording is the equal and delete
    segments in order, the new one the equal and insert segments. Edits split by one or two
    unchanged characters are joined (a reader sees 推进→加快 as one edit, not 推/加 and
    进/快), and in each edit the deletion comes before the insertion.

    >>> wording_changes("推进节能改造", "加快节能改造工作")
    (('delete', '推进'), ('insert', '加快'), ('equal', '节能改造'), ('insert', '工作'))
    """
    if old == new:
        return ((EQUAL, old),) if old else ()
    if len(old) * len(new) > _MAX_CHAR_PAIRS:
        runs = [[EQUAL, ""], [old, new]]
    else:
        runs = []  # alternating: [EQUAL, text] and [deleted, inserted]
        for op, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
            if op == EQUAL:
                runs.append([EQUAL, old[i1:i2]])
            elif runs and runs[-1][0] != EQUAL:
                runs[-1][0] += old[i1:i2]
                runs[-1][1] += new[j1:j2]
            else:
                runs.append([old[i1:i2], new[j1:j2]])
    joined: list[list[str]] = []
    for k, run in enumerate(runs):
        short_gap = (run[0] == EQUAL and len(run[1]) < _KEEP_EQUAL and 0 < k < len(runs) - 1)
        if short_gap:
            joined[-1][0] += run[1]
            joined[-1][1] += run[1]
        elif run[0] != EQUAL and joined and joined[-1][0] != EQUAL:
            joined[-1][0] += run[0]
            joined[-1][1] += run[1]
        else:
            joined.append(list(run))
    out: list[tuple[str, str]] = []
    for run in joined:
        if run[0] == EQUAL:
            out.append((EQUAL, run[1]))
        else:
            out += [(op, text) for op, text in ((DELETE, run[0]), (INSERT, run[1])) if text]
    return tuple((op, text) for op, text in out if text)
