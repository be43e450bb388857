"""Names as the plan writes them, one body across plans, true to the plan's date: plans of
three places and two eras pooled, against a key of real bodies and their counts."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import ROOT, run_taskmap
from openpyxl import load_workbook
from sheets import matrix_blocks

import taskmap
from taskmap import engine
from taskmap import lexicon as lx
from taskmap.names.tables import AliasTable, check_tables, shipped_tables

POOLED = ROOT / "tests" / "pooled"
KEY = json.loads((POOLED / "key.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def plans():
    return [taskmap.load_plan(p) for p in sorted(POOLED.glob("*.txt"))]


def _canonical(plans, name: str) -> str:
    stem, surface = name.split(":")
    [plan] = [p for p in plans if Path(p.source).stem == stem]
    found = {a.agency for t in plan.tasks for a in t.assignments if a.raw == surface}
    assert len(found) == 1, (name, found)
    return found.pop()


def test_each_real_body_is_one_body_with_its_counts(plans):
    summary = {r["agency"]: r for r in engine.agency_summary(plans).iter_rows(named=True)}
    bodies = [{_canonical(plans, n) for n in b["names"]} for b in KEY["bodies"]]
    assert all(len(b) == 1 for b in bodies)
    canonicals = [b.pop() for b in bodies]
    assert len(set(canonicals)) == len(canonicals) == len(summary)  # none merged, none split
    for body, canonical in zip(KEY["bodies"], canonicals, strict=True):
        row = summary[canonical]
        assert (row["lead"], row["responsible"]) == (body["lead"], body["responsible"]), body


def test_no_two_bodies_share_a_label_in_reports_sheets_or_charts(plans, tmp_path):
    summary = engine.agency_summary(plans)
    assert summary["display"].n_unique() == summary.height
    assert {"溪山市工信局", "白营市工信局"} <= set(summary["display"])  # qualified where mixed
    out = tmp_path / "pooled.xlsx"
    assert run_taskmap("export", str(POOLED), "-o", str(out)).returncode == 0
    wb = load_workbook(out)
    for sheet in ("牵头矩阵", "参与矩阵"):  # one block a plan: no two bodies in a block
        for block in matrix_blocks(wb[sheet]):
            names = [row[0].value for row in block.bodies + block.collectives]
            assert names and len(names) == len(set(names)), sheet
    names = [row[0] for row in wb["部门汇总"].iter_rows(min_row=2, values_only=True)]
    assert len(names) == len(set(names))
    report = run_taskmap("report", str(POOLED), "--top", "30").stdout
    assert "溪山市工信局" in report and "白营市工信局" in report


def test_a_district_plan_of_a_city_is_the_districts(plans):
    [district] = [p for p in plans if "zhongling" in p.source]
    assert (district.jurisdiction, district.level) == ("钟岭区", "区")


def test_a_user_table_renames_a_function_and_sets_its_label(tmp_path):
    table = tmp_path / "mine.csv"
    table.write_text("alias,canonical,function,scope,level,short,collective,renamed,note\n"
                     "发改委,发展和改革局,发展和改革,function,,发改局,,,\n", encoding="utf-8")
    plan = taskmap.parse_text("芸溪区节能方案\n1.推进节能。(牵头单位:区发改委)\n芸溪区人民政府\n",
                              aliases=AliasTable.load([table]))
    [a] = plan.tasks[0].assignments
    assert a.agency.endswith("发展和改革局") and a.display == "区发改局"


def test_places_tables_are_checked_and_a_bad_one_is_one_clear_problem(tmp_path):
    assert check_tables(shipped_tables()) == []
    bad = tmp_path / "places.csv"
    bad.write_text("name,short,level\n云桥市,云桥,城\n", encoding="utf-8")
    [problem] = check_tables([bad])
    assert "级别" in problem.message and problem.where.endswith(":2")
    result = run_taskmap("extract", str(POOLED / "xishan_city_2024.txt"), "--aliases", str(bad))
    assert result.returncode == 1 and len(result.stderr.strip().splitlines()) == 1


_POSTS = re.compile(r"(?:副?(?:省长|市长|县长|区长|局长|主任|书记|秘书长|部长))$")


def _shown_in(plan_text: str, display: str, raw: str) -> bool:
    """The display name is in the plan, or is a name of the plan after the prefix its list
    carried (区 + 住建局)."""
    text = re.sub(r"\s+", "", plan_text)
    name = re.sub(r"\s+", "", display)
    return name in text or any(name[k:] in text for k in range(1, 5) if len(name) - k >= 3)


@pytest.mark.parametrize("folder", ["seeds", "realplans/docs"])
def test_display_names_are_the_plans_own_and_never_labels_or_posts(shared, folder):
    for path in sorted((shared / folder).glob("*.txt")):
        plan = taskmap.load_plan(path)
        text = taskmap.read_document(path).lines
        joined = "\n".join(text)
        for t in plan.tasks:
            for a in t.assignments:
                assert _shown_in(joined, a.display, a.raw), (path.name, a.raw, a.display)
                for name in (a.raw, a.display):
                    assert ":" not in name and "：" not in name, (path.name, name)
                    assert lx.clause_label(name) is None, (path.name, name)  # no label
                    assert not _POSTS.search(name), (path.name, name)


def test_by_function_groups_a_body_across_a_reform(plans):
    """白营市国税局 and 地税局 (2016) are two bodies, of the kind 溪山市税务局 (2024) is."""
    by_function = {r["agency"]: r for r in engine.agency_summary(plans, by="function")
                   .iter_rows(named=True)}
    tax = by_function["税务"]
    assert (tax["lead"], tax["responsible"]) == (2, 2)  # 国税局 1+0, 地税局 0+1, 税务局 1+1
