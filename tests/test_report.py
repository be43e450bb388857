"""The terminal workload report: right numbers, aligned Chinese columns, plain in a pipe."""

from __future__ import annotations

import io

import pytest
from conftest import DATA, run_taskmap
from rich.cells import cell_len
from rich.console import Console

import taskmap
from taskmap import engine
from taskmap.present.workload_view import matrix_table, ranking_table, workload_report

PLANS = ["qinglan_city_industry_plan.txt", "yunxi_district_carbon_plan.txt"]


@pytest.fixture(scope="module")
def plans():
    return [taskmap.load_plan(DATA / name) for name in PLANS]


def _render(renderable, width):
    console = Console(record=True, width=width, color_system=None, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


@pytest.mark.parametrize("width", [80, 160])
def test_matrix_columns_stay_aligned_with_chinese_names(plans, width):
    frame = engine.assignments_frame(plans)
    matrix = engine.build_matrix(frame, role="all")
    summary = engine.agency_summary(frame)
    text = _render(matrix_table(matrix, summary, "all", top=12, max_areas=(width - 30) // 5),
                   width)
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if "合计" in line) + 2
    rows = [line.rstrip() for line in lines[start:start + 12]]
    assert len(rows) == 12 and all(rows)
    ends = {cell_len(r) for r in rows}  # 合计 is right-justified: every row ends in one column
    assert len(ends) == 1, rows
    assert all(cell_len(line) <= width for line in lines)


def _token_ends(line: str) -> list[tuple[str, int]]:
    """Tokens separated by spaces, each with the display column where it ends."""
    out, col, token = [], 0, ""
    for ch in line + " ":
        if ch == " ":
            if token:
                out.append((token, col))
            token = ""
        else:
            token += ch
        col += cell_len(ch)
    return out


@pytest.mark.parametrize("width", [80, 160])
def test_ranking_numbers_right_aligned(plans, width):
    summary = engine.agency_summary(engine.assignments_frame(plans))
    text = _render(ranking_table(summary, 10), width)
    rows = [line for line in text.splitlines() if "█" in line]
    # 序号 单位 牵头 参与 涉及领域 bar: the numbers are right-justified, so each ends in
    # one display column whatever the width of the Chinese name before it
    for k in (0, 2, 3, 4):
        assert len({_token_ends(r)[k][1] for r in rows}) == 1, (k, rows)
    assert len(rows) == 10


def test_report_numbers_match_the_engine(plans):
    text = _render(workload_report(plans, top=5, role="lead"), 160)
    summary = engine.agency_summary(engine.assignments_frame(plans))
    first = summary.filter(~summary["collective"]).row(0, named=True)
    line = next(x for x in text.splitlines() if f" {first['display']} " in x and "█" in x)
    assert f" {first['lead']} " in line and f" {first['responsible']} " in line
    assert "概况" in text and "牵头任务排名" in text and "单位 × 行动领域" in text
    assert "任务总数排名" in _render(workload_report(plans, top=5), 160)  # --role all


def test_report_cli_in_a_pipe_is_plain_text():
    result = run_taskmap("report", "data/qinglan_city_industry_plan.txt",
                         "data/yunxi_district_carbon_plan.txt", "--top", "5")
    assert result.returncode == 0, result.stderr
    assert "\x1b[" not in result.stdout and "\x1b[" not in result.stderr
    assert "任务总数排名(前5位)" in result.stdout  # the default --role all


def test_report_options():
    by_function = run_taskmap("report", "data/", "--by", "function", "--top", "3").stdout
    assert "发展和改革" in by_function
    one_area = run_taskmap("report", "data/qinglan_city_industry_plan.txt", "--area",
                           "推动产业结构优化升级").stdout
    assert "行动领域:推动产业结构优化升级" in one_area
    missing = run_taskmap("report", "no/such/folder")
    assert missing.returncode == 1 and "文件或文件夹不存在" in missing.stderr
