"""Rich renderables of the workload report, in Chinese. Returns them; never prints."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import polars as pl
from rich import box
from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from .. import engine
from ..corpus import Corpus
from ..errors import UnknownArea
from ..mentions import PLAN_UNREAD_END
from ..models import Plan
from ..names.script import place_shown
from .coverage import SEGMENTS_FORMULA, WARNINGS_FORMULA
from .labels import ROLE_LABELS

_NUMERALS = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_HEAT = ("grey50", "green", "yellow", "dark_orange", "red")


SHOWN_PLANS = 40  # plans listed one a row; a corpus beyond shows them counted together
SHOWN_WARNINGS = 200


def summary_table(data: Corpus | Sequence[Plan]) -> Table:
    """One row per plan (the first SHOWN_PLANS), and a pooled row when there are several.
    Its number columns never wrap, so that 80 columns fit (the file name folds)."""
    corpus = _corpus(data)
    frame = corpus.plans.collect()
    shown = frame.head(SHOWN_PLANS)
    traditional = engine.traditional_plans(corpus)
    table = Table(title="概况", box=box.SIMPLE_HEAVY,
                  caption=f"{SEGMENTS_FORMULA};{WARNINGS_FORMULA}",
                  caption_justify="left")
    table.add_column("方案", overflow="fold", min_width=12, ratio=1)
    table.add_column("辖区", overflow="fold", min_width=4)
    for header in ("任务", "主体", "待核实", "警告", "分工片段"):
        table.add_column(header, justify="right", no_wrap=True)
    for r in shown.iter_rows(named=True):
        place = place_shown(r["jurisdiction"], r["plan"] in traditional)
        table.add_row(r["plan"], place, str(r["tasks"]), str(r["bodies"]),
                      _flag(r["review"]), _flag(r["warnings"]),
                      coverage_text(*(r[c] for c in COVERAGE_COLUMNS)))
    if frame.height > shown.height:
        table.add_row(Text(f"……另有 {frame.height - shown.height} 个方案", style="dim"),
                      "", "", "", "", "", "")
    if frame.height > 1:
        bodies = pl.concat([f.filter(~pl.col("collective")).select(
            pl.col("canonical").unique()).collect() for f in corpus.chunks()]
        )["canonical"].n_unique()
        table.add_row(Text(f"合计({frame.height}个方案)", style="bold"), "",
                      str(frame["tasks"].sum()), str(bodies), _flag(int(frame["review"].sum())),
                      _flag(int(frame["warnings"].sum())),
                      coverage_text(*(int(frame[c].sum()) for c in COVERAGE_COLUMNS)),
                      style="bold")
    return table


COVERAGE_COLUMNS = ("segments", "segments_read", "segments_warned", "segments_unread")


def coverage_text(seen: int, read: int, warned: int, unread: int) -> Text:
    """`12=10+1+1`: role-bearing segments, read as assignments, warned about by the
    grammar, unread (a warning each)."""
    return Text(f"{seen}={read}+{warned}+{unread}",
                style="bold yellow" if warned or unread else "")


def _flag(n: int) -> Text:
    return Text(str(n), style="bold yellow" if n else "")


# the summary column each --role ranks by, and its title
RANK_COLUMNS = {"lead": "lead", "responsible": "responsible", "all": "tasks"}
RANK_TITLES = {"lead": "牵头任务排名", "responsible": "参与任务排名", "all": "任务总数排名"}


def rank(summary: pl.DataFrame, role: str = "lead") -> pl.DataFrame:
    """The bodies of `engine.agency_summary` by the tasks they carry in `role` (lead,
    responsible or all), most first; ties by tasks in all, then by name."""
    column = RANK_COLUMNS[role]
    return summary.sort([column, "tasks", "agency"], descending=[True, True, False],
                        maintain_order=True)


NAME_CELLS = 24  # the widest a body's name is kept on one line in the ranking


def ranking_table(summary: pl.DataFrame, top: int, role: str = "lead") -> Table:
    """The `top` bodies (collectives apart) ranked by `role`, with a bar of that count."""
    table = Table(title=f"{RANK_TITLES[role]}(前{top}位)", box=box.SIMPLE_HEAVY)
    rows = ranking_rows(summary, top, role, bar=16)
    # a name on one line where it can be (pooled names carry their place): the bar gives way
    longest = min(max((cell_len(r["display"]) for r in rows), default=4), NAME_CELLS)
    columns: tuple[tuple[str, dict[str, Any]], ...] = (
        ("序号", {"justify": "right", "no_wrap": True}),
        ("单位", {"overflow": "fold", "min_width": longest}),
        ("牵头", {"justify": "right", "no_wrap": True}),
        ("参与", {"justify": "right", "no_wrap": True}),
        ("合计", {"justify": "right", "no_wrap": True}),
        ("涉及领域", {"justify": "right", "no_wrap": True}),
        ("", {"no_wrap": True, "overflow": "crop"}))
    for header, kwargs in columns:
        table.add_column(header, **kwargs)
    for n, r in enumerate(rows, start=1):
        table.add_row(str(n), r["display"], str(r["lead"]), str(r["responsible"]),
                      str(r["tasks"]), str(r["areas"]), Text(r["bar"], style="cyan"))
    return table


def ranking_rows(summary: pl.DataFrame, top: int, role: str = "lead", bar: int = 20
                 ) -> list[dict]:
    """The `top` bodies ranked by `role` (collectives left out), each with `bar`: up to
    `bar` blocks for its tasks in that role against the most any of them has. The terminal
    and the web page show these."""
    column = RANK_COLUMNS[role]
    rows = rank(summary, role).filter(~pl.col("collective")).head(top)
    most = max(rows[column].max() or 1, 1)
    return [{**r, "bar": "█" * max(1, round(r[column] / most * bar)) if r[column] else ""}
            for r in rows.iter_rows(named=True)]


def matrix_table(matrix: pl.DataFrame, summary: pl.DataFrame, role: str, top: int,
                 max_areas: int = 20) -> Group:
    """The agency × area matrix with heat colours; areas numbered, legend below. Only the
    `max_areas` busiest areas are shown (in plan order); a line says how many are not."""
    all_areas = [c for c in matrix.columns if c not in ("agency", "plan", "合计")]
    totals = {a: matrix[a].sum() for a in all_areas}
    busiest = set(sorted(all_areas, key=lambda a: (-totals[a], all_areas.index(a)))[:max_areas])
    areas = [a for a in all_areas if a in busiest]
    names = dict(zip(summary["agency"], summary["display"], strict=True))
    table = Table(title=f"单位 × 行动领域({ROLE_LABELS[role]}任务数)", box=box.SIMPLE_HEAVY)
    table.add_column("单位", overflow="fold", min_width=8)
    for i, _ in enumerate(areas):
        table.add_column(area_mark(i), justify="right")
    table.add_column("合计", justify="right", style="bold")
    most = max((max(r[a] for a in areas) for r in matrix.iter_rows(named=True)), default=1)
    for r in matrix.head(top).iter_rows(named=True):
        cells = [_heat(r[a], most) for a in areas]
        table.add_row(names.get(r["agency"], r["agency"]), *cells, str(r["合计"]))
    legend = Text("  ".join(f"{area_mark(i)} {a}" for i, a in enumerate(areas)), style="dim")
    parts: list[RenderableType] = [table, legend]
    hidden = len(all_areas) - len(areas)
    if hidden:
        parts.append(Text(f"另有{hidden}个行动领域未列出(终端宽度所限):用 --area 查看单个领域,"
                          "或 taskmap export 导出 Excel 查看全部。", style="yellow"))
    return Group(*parts)


def area_mark(i: int) -> str:
    """The mark of the i-th area (from 0) in a matrix's header: ① … ⑳, then 21, 22 …"""
    return _NUMERALS[i] if i < len(_NUMERALS) else str(i + 1)


def heat_level(n: int, most: int, levels: int = len(_HEAT)) -> int:
    """A count's heat, 0 (none) … levels - 1 (the most), relative to the largest count."""
    if not n:
        return 0
    return min(levels - 1, 1 + (n * (levels - 2)) // max(most, 1))


def _heat(n: int, most: int) -> Text:
    if not n:
        return Text("·", style="grey50")
    return Text(str(n), style=f"bold {_HEAT[heat_level(n, most)]}")


def warnings_table(data: Corpus | Sequence[Plan]) -> Table | Text:
    """The warnings of the plans, the first SHOWN_WARNINGS of them with a count of the rest."""
    warnings = _corpus(data).warnings
    total = warnings.select(pl.len()).collect().item()
    if not total:
        return Text("无解析警告。", style="green")
    title = "解析警告" if total <= SHOWN_WARNINGS else f"解析警告(前{SHOWN_WARNINGS}条,共{total}条)"
    table = Table(title=title, box=box.SIMPLE_HEAVY, title_style="bold yellow")
    for header, kwargs in (("方案", {"ratio": 2, "min_width": 10}),
                           ("行号", {"justify": "right", "no_wrap": True}),
                           ("原文", {"ratio": 3, "min_width": 10}),
                           ("原因", {"ratio": 3, "min_width": 10})):
        table.add_column(header, overflow="fold", **kwargs)
    for w in warnings.head(SHOWN_WARNINGS).collect().iter_rows(named=True):
        table.add_row(w["plan"], "—" if w["line"] is None else str(w["line"]), w["text"],
                      w["reason"])
    return table


def whole_plan_warnings(data: Corpus | Sequence[Plan]) -> list[Text]:
    """A line in red for each plan whose bodies are mostly named where nothing was read
    (its warning for the whole plan), so that no one reads its counts as complete."""
    found = _corpus(data).warnings.filter(pl.col("reason").str.ends_with(PLAN_UNREAD_END))
    return [Text(f"注意:{w['plan']} {w['reason']}(见解析警告)。", style="bold red")
            for w in found.collect().iter_rows(named=True)]


def areas_of(data: Corpus | Sequence[Plan]) -> list[str]:
    """The action areas of the plans, in the order they first appear."""
    return engine.areas_in_order(_corpus(data).chunks())


def check_area(data: Corpus | Sequence[Plan], area: str) -> None:
    """Raise UnknownArea, listing the areas there are, when no plan has `area`."""
    areas = areas_of(data)
    if area not in areas and not any(  # an area as extracted, inside a group, is one too
            not f.lazy().filter(pl.col("area") == area).head(1).collect().is_empty()
            for f in _corpus(data).chunks()):
        raise UnknownArea(f"--area {area}: 方案中没有这个行动领域;现有行动领域:"
                          + "、".join(areas))


def _corpus(data: Corpus | Sequence[Plan]) -> Corpus:
    return data if isinstance(data, Corpus) else Corpus.from_plans(data)


def workload_report(plans: Corpus | Sequence[Plan], *, top: int = 15,
                    area: str | None = None, by: str = "canonical", role: str = "all",
                    implicit: bool = True, collective: bool = True, width: int = 160) -> Group:
    """The whole terminal report: summary, ranking by `role`, matrix, warnings. `plans` is
    a list of Plans or a Corpus (many plans, counted in flat memory). An `area` the plans
    do not have raises UnknownArea."""
    plans = _corpus(plans)
    frame = plans.chunks()  # counted piece by piece: flat memory for a dataset
    if area is not None:
        check_area(plans, area)
        frame = [f.filter(engine.in_area(area)) for f in frame]
    summary = engine.agency_summary(frame, by=by, implicit=implicit, collective=collective)
    matrix = engine.build_matrix(frame, role=role, by=by, implicit=implicit,
                                 collective=collective)
    alerts = whole_plan_warnings(plans)
    parts: list[RenderableType] = [summary_table(plans), *alerts,
             ranking_table(summary, top, role),
             matrix_table(matrix, summary, role, top, max_areas=max(3, (width - 30) // 5)),
             warnings_table(plans)]
    if area is not None:
        parts.insert(1 + len(alerts), Text(f"行动领域:{area}", style="bold"))
    return Group(*parts)
