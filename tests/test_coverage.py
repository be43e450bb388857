"""Nothing dropped in silence: every role-bearing segment is read or reported, and one bad
plan in a folder is a warning while the others are counted."""

from __future__ import annotations

import csv
import io
import json

import pytest
from conftest import DATA, run_taskmap

import taskmap

PROSE_BRACKET = ("一、重点任务\n"
                 "1.推进某项工作。(牵头单位:区发改委;责任单位:区财政局)\n"
                 "2.加强组织保障。各地要高度重视(主要领导亲自负责、亲自部署),确保取得实效。\n")


def test_a_role_bearing_bracket_not_read_is_a_warning_with_its_line():
    plan = taskmap.parse_text(PROSE_BRACKET)
    assert [t.line for t in plan.tasks] == [2]
    assert plan.coverage == taskmap.models.Coverage(seen=2, read=1, warned=1)
    [warning] = plan.warnings
    assert warning.line == 3 and "负责" in warning.text
    assert warning.reason == "含分工用语,但未读作任务分工"


def test_the_warning_and_the_coverage_are_in_every_format(tmp_path):
    path = tmp_path / "p.txt"
    path.write_text(PROSE_BRACKET, encoding="utf-8")
    data = json.loads(run_taskmap("extract", str(path), "-f", "json", check=True).stdout)
    assert data["coverage"] == {"seen": 2, "read": 1, "warned": 1}
    assert [w["line"] for w in data["warnings"]] == [3]
    rows = list(csv.DictReader(io.StringIO(
        run_taskmap("extract", str(path), "-f", "csv", check=True).stdout)))
    assert [(r["kind"], r["line"]) for r in rows if r["kind"] == "warning"] == [("warning", "3")]
    table = run_taskmap("extract", str(path), check=True).stdout
    assert "未读作任务分工" in table and "含分工用语的片段 2 处" in table


@pytest.mark.parametrize("path", sorted(DATA.glob("*.txt")), ids=lambda p: p.name)
def test_every_segment_of_the_demo_plans_is_accounted_for(path):
    plan = taskmap.load_plan(path)
    c = plan.coverage
    assert c.seen == c.read + c.warned and c.read > 0 and plan.tasks


def test_every_segment_of_the_published_plans_is_accounted_for(shared):
    for path in sorted((shared / "realplans" / "docs").glob("*.txt")):
        c = taskmap.load_plan(path).coverage
        assert c.seen == c.read + c.warned, path.name


def test_one_bad_plan_in_a_folder_is_a_warning_and_the_others_count(tmp_path):
    folder = tmp_path / "plans"
    folder.mkdir()
    (folder / "good.txt").write_text((DATA / "qinglan_city_industry_plan.txt").read_text(
        encoding="utf-8"), encoding="utf-8")
    (folder / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    result = run_taskmap("report", str(folder), "--top", "3")
    assert result.returncode == 0, result.stderr
    assert "broken.docx 未能读取,已跳过" in result.stderr
    assert "青岚市" in result.stdout and "16" in result.stdout  # the good plan, counted
    out = tmp_path / "out.xlsx"
    exported = run_taskmap("export", str(folder), "-o", str(out))
    assert exported.returncode == 0 and out.is_file()
    assert "broken.docx" in exported.stderr


def test_a_folder_of_nothing_readable_is_an_error(tmp_path):
    (tmp_path / "a.docx").write_bytes(b"PK\x03\x04 no")
    result = run_taskmap("report", str(tmp_path))
    assert result.returncode == 1
    assert result.stderr.count("\n") <= 3 and "都未能读取" in result.stderr
