"""Frames and matrices as data files: what the CLI writes equals what the library returns."""

from __future__ import annotations

import polars as pl
import pytest
from conftest import DATA, run_taskmap

import taskmap
from taskmap import engine
from taskmap.present.frames import frames

PLANS = [DATA / "qinglan_city_industry_plan.txt", DATA / "cuiping_province_work_plan.txt"]


@pytest.mark.parametrize("fmt", ["csv", "json", "parquet"])
def test_cli_files_equal_library_frames(tmp_path, fmt):
    out = tmp_path / fmt
    keys = ["--csv-keys", "en"] if fmt == "csv" else []  # the machine form of the CSV
    result = run_taskmap("export", *map(str, PLANS), "-o", str(out), "-f", fmt, *keys)
    assert result.returncode == 0, result.stderr
    expected = frames([taskmap.load_plan(p) for p in PLANS])
    assert sorted(p.stem for p in out.iterdir()) == sorted(expected)
    for name, frame in expected.items():
        path = out / f"{name}.{fmt}"
        if fmt == "parquet":
            got = pl.read_parquet(path)
            assert got.equals(frame), name
        elif fmt == "json":
            got = pl.read_json(path, schema=frame.schema)
            assert got.equals(frame), name
        else:  # CSV is for people: read back, an empty cell is an empty text
            got = pl.read_csv(path, schema=frame.schema)
            assert _blank(got).equals(_blank(frame)), name


def _blank(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(pl.col(pl.String).fill_null(""))


def test_csv_files_never_carry_a_live_formula(tmp_path):
    """A plan whose text starts a cell with = + - @ (a task title, a body's name): the CSV
    written for people quotes it as text; the Parquet for programs keeps it as it is."""
    plan = tmp_path / "p.txt"
    plan.write_text("一、重点任务\n(一)=HYPERLINK(\"x\")\n"
                    "1.@SUM(1+1)推进工作。(牵头单位:区发改委;责任单位:-区财政局)\n",
                    encoding="utf-8")
    for fmt in ("csv", "parquet"):
        assert run_taskmap("export", str(plan), "-o", str(tmp_path / fmt), "-f", fmt
                           ).returncode == 0
    for path in (tmp_path / "csv").iterdir():
        for line in path.read_text(encoding="utf-8").splitlines():
            for cell in line.split(","):
                assert cell.lstrip('"')[:1] not in ("=", "+", "-", "@"), (path.name, cell)
    tasks = pl.read_parquet(tmp_path / "parquet" / "tasks.parquet")
    assert tasks["area"].to_list() == ['=HYPERLINK("x")']


def test_json_files_are_deterministic(tmp_path):
    for k in (1, 2):
        run_taskmap("export", str(DATA), "-o", str(tmp_path / str(k)), "-f", "json")
    for path in (tmp_path / "1").iterdir():
        assert path.read_bytes() == (tmp_path / "2" / path.name).read_bytes(), path.name


def test_matrix_total_equals_assignments_counted():
    plans = [taskmap.load_plan(p) for p in PLANS]
    data = engine.assignments_frame(plans)
    for role in ("lead", "responsible"):
        for implicit in (True, False):
            matrix = engine.build_matrix(data, role=role, implicit=implicit)
            areas = [c for c in matrix.columns if c not in ("agency", "合计")]
            cells = matrix.select(areas).sum().sum_horizontal().item()
            assert cells == engine.select(data, role, implicit=implicit).height
            assert matrix["合计"].sum() == cells


def test_grouping_by_function_compares_places():
    plans = [taskmap.load_plan(p) for p in PLANS]
    by_body = engine.build_matrix(plans, role="lead")
    by_function = engine.build_matrix(plans, role="lead", by="function")
    assert by_function.height < by_body.height  # 青岚市 and 翠屏省 bodies of one kind meet
    assert "发展和改革" in by_function["agency"].to_list()
    per_plan = engine.build_matrix(plans, role="lead", by="function", per_plan=True)
    assert set(per_plan["plan"]) == {str(p) for p in PLANS}
