"""The workload engine: plans → polars frames → matrices and summaries.

One long frame of assignments (one row per plan × task × role × body) is the base of
every count; `build_matrix`, `agency_summary` and `co_assignments` read it. Switches leave
out implicit or collective assignments; `by="function"` groups bodies by their kind, so
plans of different places can be compared.

>>> import taskmap
>>> plan = taskmap.parse_text("一、任务\\n(一)节能\\n1.改造。(牵头单位:市发改委,责任单位:市财政局)")
>>> build_matrix([plan]).columns
['agency', '节能', '合计']
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

import polars as pl

from . import lexicon as lx
from . import rows
from .models import LEAD, RESPONSIBLE, Plan
from .names.places import PLACE, Jurisdiction, plausible_place
from .names.script import simplified_class, to_script, traditional_class
from .normalize import name_key

ROLE_ALL = "all"
BY = ("canonical", "function")
_TYPES: dict[str, dict[str, Any]] = {"plans": {c: pl.Int64 for c in rows.PLANS[6:]},  # the counts
          "tasks": {"line": pl.Int64, "due": pl.Date},
          "assignments": {"line": pl.Int64, "due": pl.Date, "implicit": pl.Boolean,
                          "collective": pl.Boolean, "score": pl.Float64},
          "warnings": {"line": pl.Int64}}
SCHEMAS = {name: {c: _TYPES[name].get(c, pl.String) for c in columns}
           for name, columns in (("plans", rows.PLANS), ("tasks", rows.TASKS),
                                 ("assignments", rows.ASSIGNMENTS),
                                 ("warnings", rows.WARNINGS))}


def frame_of(table: str, data: list[tuple]) -> pl.DataFrame:
    """Rows of one table (`taskmap.rows`) as a frame with its schema."""
    return pl.DataFrame(data, schema=SCHEMAS[table], orient="row")


def frames_of(parts: Sequence[rows.Rows]) -> dict[str, pl.DataFrame]:
    """The rows of many plans (`rows.plan_rows` each) as one frame a table."""
    return {name: frame_of(name, [r for part in parts for r in part[name]]) for name in SCHEMAS}


def assignments_frame(plans: Sequence[Plan]) -> pl.DataFrame:
    """One row per plan × task × role × body (two surfaces of one body in a task count once),
    each body shown by one label (see `labels`)."""
    frame = raw_assignments(plans)
    return frame.with_columns(pl.col("canonical").replace_strict(
        labels(frame), return_dtype=pl.String).alias("display"))


def raw_assignments(plans: Sequence[Plan]) -> pl.DataFrame:
    """The assignment rows of `plans`, each body shown by its own plan's name for it."""
    return frame_of("assignments", [r for plan in plans for r in rows.assignment_rows(plan)])


_LEVEL_START = ("省", "市", "州", "盟", "县", "旗", "区")


def labels(frame: pl.DataFrame | pl.LazyFrame | list[pl.LazyFrame]) -> dict[str, str]:
    """canonical → the one label a report shows for it: the name its plans show it by most,
    in its plan's own script. Pooled over plans of several places, every body of a place
    is shown with that place (六盘水市工信局, 青岚市工信局, 丽水市发改委, 廣州市發改委), so
    a reader can tell whose each one is; plans of one place show none. Where two bodies
    would still share a label (two districts' 区政府 in one plan), each is qualified by its
    place, else shown by its canonical name. No two bodies ever share a label."""
    frames = frame if isinstance(frame, list) else [frame]
    parts = [_collect(f.lazy().group_by(["canonical", "display"], maintain_order=True).agg(
        pl.len().alias("n"), pl.col("jurisdiction").first(), pl.col("plan").first()))
        for f in frames]
    counts = pl.concat(parts).group_by(["canonical", "display"], maintain_order=True).agg(
        pl.col("n").sum(), pl.col("jurisdiction").first(), pl.col("plan").first())
    if counts.is_empty():
        return {}
    best: dict[str, tuple[str, str | None, str]] = {}
    for row in counts.sort("n", descending=True, maintain_order=True).iter_rows(named=True):
        best.setdefault(row["canonical"], (row["display"], row["jurisdiction"], row["plan"]))
    traditional = traditional_plans(frames)
    label = {c: d for c, (d, _, _) in best.items()}

    def qualify(c: str) -> None:
        display, place, plan = best[c]
        qualified = _with_place(c, display, place)
        if qualified is not None:
            label[c] = to_script(qualified[0], plan in traditional) + qualified[1]

    places = {p for _, p, _ in best.values() if p}
    if len(places) > 1:  # pooled over places: every body of a place shown with it
        for c in label:
            qualify(c)
    for clash in _clashes(label):
        for c in clash:
            qualify(c)
    for clash in _clashes(label):
        for c in clash:
            label[c] = to_script(c, best[c][2] in traditional)
    return label


def traditional_plans(data) -> set[str]:
    """The plans (of a list of Plans, an assignments frame or frames, or a Corpus) that
    write their names in Traditional: more names with a character only Traditional writes
    than with one only Simplified writes."""
    parts = [_collect(f.lazy().group_by("plan").agg(
        pl.col("raw").str.contains(traditional_class()).sum().alias("t"),
        pl.col("raw").str.contains(simplified_class()).sum().alias("s")))
        for f in _chunks(data)]
    counts = pl.concat(parts).group_by("plan").agg(pl.col("t").sum(), pl.col("s").sum())
    return set(counts.filter(pl.col("t") > pl.col("s"))["plan"].to_list())


def _with_place(canonical: str, display: str, place: str | None) -> tuple[str, str] | None:
    """(place, the rest of the label) for a body of a place shown without it: its level
    word taken by the place (市工信局 of 六盘水市 → 六盘水市 + 工信局), a bare name given it
    (发改委 → 六盘水市 + 发改委); the place is its plan's, or the one its canonical name
    starts with (a district plan's 市发改委: its city's). None for a body shown with its
    place already, or of no place (a national body)."""
    key = name_key(display)
    level_word = key[:1] in _LEVEL_START
    if not level_word:
        named = PLACE.match(key)
        if named and plausible_place(named.group("place")) and not (
                lx.COLLECTIVE_NAME.search(key)):
            return None  # 黄埔区政府, 丽水市发改委: shown with its place
    for where in (place, _canonical_place(canonical)):
        if not where or not canonical.startswith(where) or len(canonical) == len(where):
            continue
        if level_word and where.endswith(key[0]):
            return where, display[1:]
        if not level_word and (Jurisdiction(where, None).short or where) not in key:  # 人行青岚中支
            return where, display
    return None


def _canonical_place(canonical: str) -> str | None:
    m = PLACE.match(canonical)
    if m and plausible_place(m.group("place")) and not m.group("place").startswith(
            _LEVEL_START):
        return m.group("place")
    return None


def _clashes(label: dict[str, str]) -> list[list[str]]:
    by_label: dict[str, list[str]] = {}
    for canonical, shown in label.items():
        by_label.setdefault(shown, []).append(canonical)
    return [group for group in by_label.values() if len(group) > 1]


def tasks_frame(plans: Sequence[Plan]) -> pl.DataFrame:
    """One row per task: where it stands and who carries it (display names joined by 、)."""
    return frame_of("tasks", [r for plan in plans for r in rows.task_rows(plan)])


Frame = TypeVar("Frame", pl.DataFrame, pl.LazyFrame)


def select(frame: Frame, role: str = ROLE_ALL, implicit: bool = True,
           collective: bool = True, area: str | None = None) -> Frame:
    """The assignments a count is made of."""
    if role not in (LEAD, RESPONSIBLE, ROLE_ALL):
        raise ValueError(f"role must be lead, responsible or all, not {role!r}")
    if role != ROLE_ALL:
        frame = frame.filter(pl.col("role") == role)
    if not implicit:
        frame = frame.filter(~pl.col("implicit"))
    if not collective:
        frame = frame.filter(~pl.col("collective"))
    if area is not None:
        frame = frame.filter(in_area(area))
    return frame


def in_area(area: str) -> pl.Expr:
    """The rows of `area`: a group the reports count by (`rows.grouping`), or an area as
    extracted (a heading inside a group)."""
    return (pl.col("group") == area) | (pl.col("area") == area)


def _frame(data) -> pl.DataFrame | pl.LazyFrame:
    """The assignments `data` holds: a frame as given (eager or lazy), a Corpus's lazy
    frame, or the frame of a list of Plans."""
    if isinstance(data, (pl.DataFrame, pl.LazyFrame)):
        return data
    if hasattr(data, "assignments"):  # a Corpus
        return data.assignments
    return assignments_frame(data)


def _chunks(data) -> list[pl.DataFrame | pl.LazyFrame]:
    """`data`'s assignments in pieces no plan straddles: a Corpus's pieces (a dataset's part
    files), else the one frame. Counts are made piece by piece and added up, so memory
    holds one piece and the running totals, whatever the size of the corpus."""
    if hasattr(data, "chunks"):
        return data.chunks()
    if isinstance(data, list) and data and isinstance(data[0], (pl.DataFrame, pl.LazyFrame)):
        return data
    return [_frame(data)]


def _collect(frame: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    """A frame's rows: a lazy frame is run by polars' streaming engine (flat memory)."""
    return frame.collect(engine="streaming") if isinstance(frame, pl.LazyFrame) else frame


def _key(by: str) -> str:
    if by not in BY:
        raise ValueError(f"by must be one of {', '.join(BY)}, not {by!r}")
    return by


def areas_in_order(frame) -> list[str]:
    """The areas the reports count by (each plan's groups, `rows.grouping`: its innermost
    headings, or the level above where those hold one task each), in the order the plans
    first name them."""
    parts = [_collect(f.lazy().select(pl.col("group").unique(maintain_order=True)))
             for f in (frame if isinstance(frame, list) else [frame])]
    return pl.concat(parts).to_series().unique(maintain_order=True).to_list()


def build_matrix(data, role: str = LEAD, by: str = "canonical", implicit: bool = True,
                 collective: bool = True, per_plan: bool = False) -> pl.DataFrame:
    """Agency × area counts: how many tasks of each area each body carries in `role`; the
    areas are the groups the reports count by (`rows.grouping`).

    `data` is a list of Plans, an assignments frame or a Corpus. Columns: `agency` (plus
    `plan` when `per_plan`), one column per area in plan order, `合计`. Rows sorted by
    合计, then name.
    """
    chunks = _chunks(data)
    key = _key(by)
    areas = areas_in_order(chunks)
    index = (["plan"] if per_plan else []) + ["agency"]
    parts = []
    for frame in chunks:
        chosen = select(frame.lazy(), role, implicit, collective)
        if role == ROLE_ALL:  # a body both leading and sharing a task counts once
            chosen = chosen.unique(subset=["plan", "task_id", key], maintain_order=True)
        parts.append(_collect(
            (chosen.rename({key: "agency"}) if key != "agency" else chosen).group_by(
                [*index, "group"], maintain_order=True).agg(pl.len().alias("n"))))
    counts = pl.concat(parts).group_by([*index, "group"], maintain_order=True).agg(
        pl.col("n").sum())
    if counts.is_empty():
        return pl.DataFrame(schema={**{c: pl.String for c in index},
                                    **{a: pl.UInt32 for a in areas}, "合计": pl.UInt32})
    wide = counts.pivot(on="group", index=index, values="n", aggregate_function="sum",
                        sort_columns=False)
    for a in areas:
        if a not in wide.columns:
            wide = wide.with_columns(pl.lit(0, dtype=pl.UInt32).alias(a))
    wide = wide.select(index + areas).fill_null(0).with_columns(
        pl.sum_horizontal(areas).cast(pl.UInt32).alias("合计"))
    return wide.sort(["合计", *index], descending=[True] + [False] * len(index))


_KEPT = ("display", "level", "function", "collective", "tier")


def agency_summary(data, by: str = "canonical", implicit: bool = True,
                   collective: bool = True) -> pl.DataFrame:
    """One row per body: tasks led, tasks shared, tasks in all, areas reached, plans, and
    `share`: its tasks over all tasks of the plans it appears in."""
    key = _key(by)
    kept = [c for c in _KEPT if c != key]
    parts = [_partial_summary(f.lazy(), key, kept, implicit, collective) for f in _chunks(data)]
    summary = pl.concat(parts).group_by(key, maintain_order=True).agg(
        *(pl.col(c).first() for c in kept),
        *(pl.col(c).sum() for c in ("lead", "responsible", "tasks", "plans", "plan_tasks")),
        pl.col("areas").explode().n_unique().cast(pl.UInt32)).with_columns(
        (pl.col("tasks") / pl.col("plan_tasks")).alias("share"))
    if key == "function":
        summary = summary.with_columns(pl.col("function").alias("display"),
                                       pl.col("function").alias("agency"))
    else:
        summary = summary.rename({key: "agency"})
    return summary.select(
        "agency", "display", "level", "function", "lead", "responsible", "tasks", "areas",
        "plans", "share", "collective", "tier").sort(
        ["lead", "tasks", "agency"], descending=[True, True, False], maintain_order=True)


def _partial_summary(frame: pl.LazyFrame, key: str, kept: list[str], implicit: bool,
                     collective: bool) -> pl.DataFrame:
    """A piece's counts per body, which add up across pieces (no plan is in two): tasks
    are (plan, task) pairs, so their counts in different pieces are disjoint."""
    chosen = select(frame, ROLE_ALL, implicit, collective)
    plan_tasks = frame.group_by("plan").agg(pl.col("task_id").n_unique().alias("plan_tasks"))
    reach = chosen.select(key, "plan").unique().join(plan_tasks, on="plan").group_by(key).agg(
        pl.col("plan_tasks").sum())
    first = chosen.group_by(key, maintain_order=True).agg(
        *(pl.col(c).first() for c in kept),
        pl.struct("plan", "task_id").filter(pl.col("role") == LEAD).n_unique().alias("lead"),
        pl.struct("plan", "task_id").filter(pl.col("role") == RESPONSIBLE).n_unique()
        .alias("responsible"),
        pl.struct("plan", "task_id").n_unique().alias("tasks"),
        pl.col("group").unique().alias("areas"),
        pl.col("plan").n_unique().alias("plans"))
    return _collect(first.join(reach, on=key, how="left", maintain_order="left"))


def co_assignments(data, by: str = "canonical", implicit: bool = False,
                   collective: bool = False) -> pl.DataFrame:
    """Pairs of bodies that share tasks: how often, and how often each leads them."""
    frame = _frame(data).lazy()
    key = _key(by)
    chosen = select(frame, ROLE_ALL, implicit, collective).select(
        "plan", "task_id", pl.col(key).alias("agency"), "role")
    per_task = chosen.group_by(["plan", "task_id", "agency"], maintain_order=True).agg(
        (pl.col("role") == LEAD).any().alias("leads"))
    pairs = per_task.join(per_task, on=["plan", "task_id"], suffix="_b").filter(
        pl.col("agency") < pl.col("agency_b"))
    counted = _collect(pairs.group_by(["agency", "agency_b"]).agg(
        pl.len().cast(pl.UInt32).alias("shared"),
        pl.col("leads").sum().cast(pl.UInt32).alias("a_leads"),
        pl.col("leads_b").sum().cast(pl.UInt32).alias("b_leads")).rename(
        {"agency": "a", "agency_b": "b"}).sort(["shared", "a", "b"],
                                               descending=[True, False, False]))
    if counted.is_empty():
        return pl.DataFrame(schema={"a": pl.String, "b": pl.String, "shared": pl.UInt32,
                                    "a_leads": pl.UInt32, "b_leads": pl.UInt32})
    return counted


def plan_summary(plans: Sequence[Plan]) -> pl.DataFrame:
    """One row per plan: tasks, bodies, names to review, warnings, and its coverage
    (role-bearing segments seen, read as assignments, warned about, unread)."""
    return frame_of("plans", [rows.summary_row(plan) for plan in plans])
