"""Rich renderables of the workload report, in Chinese. Returns them; never prints."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl
from rich import box
from rich.console import Group
from rich.table import Table
from rich.text import Text

from .. import engine
from ..corpus import Corpus
from ..models import Plan
from .labels import ROLE_LABELS

_NUMERALS = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_HEAT = ("grey50", "green", "yellow", "dark_orange", "red")


SHOWN_PLANS = 40  # plans listed one a row; a corpus beyond shows them counted together
SHOWN_WARNINGS = 200


def summary_table(data: Corpus | Sequence[Plan]) -> Table:
    """One row per plan (the first SHOWN_PLANS), and a pooled row when there are several."""
    corpus = _corpus(data)
    frame = corpus.plans.collect()
    shown = frame.head(SHOWN_PLANS)
    table = Table(title="概况", box=box.SIMPLE_HEAVY)
    for header, justify in (("方案", "left"), ("辖区", "left"), ("任务数", "right"),
                            ("责任主体数", "right"), ("待核实名称", "right"),
                            ("解析警告", "right"), ("分工片段 已读/警告", "right")):
        table.add_column(header, justify=justify, overflow="fold")
    for r in shown.iter_rows(named=True):
        table.add_row(r["plan"], r["jurisdiction"] or "—", str(r["tasks"]), str(r["bodies"]),
                      _flag(r["review"]), _flag(r["warnings"]),
                      coverage_text(r["segments"], r["segments_read"], r["segments_warned"]))
    if frame.height > shown.height:
        table.add_row(Text(f"……另有 {frame.height - shown.height} 个方案", style="dim"),
                      "", "", "", "", "", "")
    if frame.height > 1:
        bodies = pl.concat([f.filter(~pl.col("collective")).select(
            pl.col("canonical").unique()).collect() for f in corpus.chunks()]
        )["canonical"].n_unique()
        table.add_row(Text(f"合计({frame.height}个方案)", style="bold"), "",
                      str(frame["tasks"].sum()), str(bodies), _flag(frame["review"].sum()),
                      _flag(frame["warnings"].sum()),
                      coverage_text(*(frame[c].sum() for c in (
                          "segments", "segments_read", "segments_warned"))), style="bold")
    return table


def coverage_text(seen: int, read: int, warned: int) -> Text:
    """`12 = 11 + 1`: role-bearing segments, read as assignments, reported as warnings."""
    return Text(f"{seen} = {read} + {warned}", style="bold yellow" if warned else "")


def _flag(n: int) -> Text:
    return Text(str(n), style="bold yellow" if n else "")


def ranking_table(summary: pl.DataFrame, top: int) -> Table:
    """Bodies by tasks led, with a bar."""
    table = Table(title=f"牵头任务排名(前{top}位)", box=box.SIMPLE_HEAVY)
    for header, kwargs in (("序号", {"justify": "right"}), ("单位", {}),
                           ("牵头", {"justify": "right"}), ("参与", {"justify": "right"}),
                           ("涉及领域", {"justify": "right"}), ("", {"no_wrap": True})):
        table.add_column(header, overflow="fold", **kwargs)
    for n, r in enumerate(ranking_rows(summary, top), start=1):
        table.add_row(str(n), r["display"], str(r["lead"]), str(r["responsible"]),
                      str(r["areas"]), Text(r["bar"], style="cyan"))
    return table


def ranking_rows(summary: pl.DataFrame, top: int) -> list[dict]:
    """The `top` bodies by tasks led (collectives left out), each with `bar`: up to 20
    blocks for its tasks led against the most any of them leads. The terminal and the web
    page show these."""
    rows = summary.filter(~pl.col("collective")).head(top)
    most = max(rows["lead"].max() or 1, 1)
    return [{**r, "bar": "█" * max(1, round(r["lead"] / most * 20)) if r["lead"] else ""}
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
    table.add_column("单位", overflow="fold")
    for i, _ in enumerate(areas):
        table.add_column(area_mark(i), justify="right")
    table.add_column("合计", justify="right", style="bold")
    most = max((max(r[a] for a in areas) for r in matrix.iter_rows(named=True)), default=1)
    for r in matrix.head(top).iter_rows(named=True):
        cells = [_heat(r[a], most) for a in areas]
        table.add_row(names.get(r["agency"], r["agency"]), *cells, str(r["合计"]))
    legend = Text("  ".join(f"{area_mark(i)} {a}" for i, a in enumerate(areas)), style="dim")
    parts = [table, legend]
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
    for header, kwargs in (("方案", {}), ("行号", {"justify": "right"}), ("原文", {}),
                           ("原因", {})):
        table.add_column(header, overflow="fold", **kwargs)
    for w in warnings.head(SHOWN_WARNINGS).collect().iter_rows(named=True):
        table.add_row(w["plan"], str(w["line"]), w["text"], w["reason"])
    return table


def _corpus(data: Corpus | Sequence[Plan]) -> Corpus:
    return data if isinstance(data, Corpus) else Corpus.from_plans(data)


def workload_report(plans: Corpus | Sequence[Plan], *, top: int = 15,
                    area: str | None = None, by: str = "canonical", role: str = "all",
                    implicit: bool = True, collective: bool = True, width: int = 160) -> Group:
    """The whole terminal report: summary, lead ranking, matrix, warnings. `plans` is a
    list of Plans or a Corpus (many plans, counted in flat memory)."""
    plans = _corpus(plans)
    frame = plans.chunks()  # counted piece by piece: flat memory for a dataset
    if area is not None:
        frame = [f.filter(pl.col("area") == area) for f in frame]
    summary = engine.agency_summary(frame, by=by, implicit=implicit, collective=collective)
    matrix = engine.build_matrix(frame, role=role, by=by, implicit=implicit,
                                 collective=collective)
    parts = [summary_table(plans), ranking_table(summary, top),
             matrix_table(matrix, summary, role, top, max_areas=max(3, (width - 30) // 5)),
             warnings_table(plans)]
    if area is not None:
        parts.insert(1, Text(f"行动领域:{area}", style="bold"))
    return Group(*parts)
