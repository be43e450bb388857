"""Agency names: tiers, jurisdictions, collectives, user tables and the review workflow."""

from __future__ import annotations

import csv
import json

import pytest
from conftest import run_taskmap

import taskmap
from taskmap.names.tables import AliasTable, check_tables, national_dir

DISTRICT = ("芸溪区节能实施方案\n芸溪区人民政府\n一、重点任务\n"
            "1.推进节能。(牵头单位:区发改委,责任单位:区工信局、住建局、市发改委)\n"
            "2.推进降碳。(牵头单位:区发展和改革委员会,责任单位:市工信局、住建局)\n"
            "3.推进绿色。(牵头单位:发改委,责任单位:区教育局、区教肓局)\n")


def agencies(plan):
    """raw → assignment (first seen)."""
    out = {}
    for task in plan.tasks:
        for a in task.assignments:
            out.setdefault(a.raw, a)
    return out


def test_surfaces_of_one_body_share_a_canonical_qualified_by_the_plans_place():
    names = agencies(taskmap.parse_text(DISTRICT))
    assert names["区发改委"].agency == names["区发展和改革委员会"].agency == names["发改委"].agency
    assert names["区发改委"].agency.startswith("芸溪区")
    assert names["区发改委"].display == "区发改委"
    assert names["区发改委"].level == "区" and names["区发改委"].function == "发展和改革"


def test_city_and_district_bodies_of_one_function_never_merge():
    names = agencies(taskmap.parse_text(DISTRICT))
    assert names["市发改委"].agency != names["区发改委"].agency
    assert names["市发改委"].level == "市"
    assert names["市工信局"].agency != names["区工信局"].agency


def test_prefix_carries_over_a_list():
    plan = taskmap.parse_text(DISTRICT)
    second = plan.tasks[1]
    housing = next(a for a in second.assignments if a.raw == "住建局")
    assert housing.level == "市" and housing.tier == "prefix"  # after 市工信局, not the plan's 区
    first = next(a for a in plan.tasks[0].assignments if a.raw == "住建局")
    assert first.level == "区"


def test_typo_is_fuzzy_and_flagged_within_its_level():
    names = agencies(taskmap.parse_text(DISTRICT))
    assert names["区教肓局"].agency == names["区教育局"].agency
    assert names["区教肓局"].tier == "fuzzy" and names["区教肓局"].score < 100


def test_two_words_swapped_meet_their_body_and_anagrams_of_one_word_do_not():
    plan = taskmap.parse_text("1.任务。(牵头单位:省农业农村厅,责任单位:省财政厅)\n"
                              "2.任务。(牵头单位:省农村农业厅,责任单位:省务财厅)")
    names = agencies(plan)
    assert names["省农村农业厅"].agency == names["省农业农村厅"].agency
    assert names["省农村农业厅"].tier == "fuzzy"
    assert names["省务财厅"].agency != names["省财政厅"].agency


def test_real_bodies_one_character_apart_do_not_merge():
    plan = taskmap.parse_text("1.任务。(牵头单位:市水务局,责任单位:市商务局、市林业局、市农业局)")
    names = agencies(plan)
    assert len({a.agency for a in names.values()}) == 4


def test_traditional_surface_resolves_like_simplified():
    a = agencies(taskmap.parse_text("1.任務。(牽頭單位:市發展改革委,責任單位:市財政局)"))
    b = agencies(taskmap.parse_text("1.任务。(牵头单位:市发展改革委,责任单位:市财政局)"))
    assert a["市發展改革委"].agency == b["市发展改革委"].agency
    assert a["市發展改革委"].raw == "市發展改革委"  # the surface keeps its characters
    assert a["市發展改革委"].tier in ("normalized", "alias", "exact")


def test_collectives_are_marked_and_grouped():
    names = agencies(taskmap.parse_text(
        "浙江省节能方案\n浙江省人民政府\n1.任务。(责任单位:省经信厅,各市、县〔市、区〕人民政府落实;"
        "以下均需各市县〔市、区〕政府落实,不再列出)\n2.任务。(牵头单位:省经信厅,责任单位:省级有关部门)"))
    assert names["各市、县〔市、区〕人民政府"].collective
    assert names["省级有关部门"].collective
    assert names["各市、县〔市、区〕人民政府"].agency == names["各市县〔市、区〕政府"].agency
    assert not names["省经信厅"].collective


def test_pre_reform_name_meets_its_successor():
    names = agencies(taskmap.parse_text("1.任务。(牵头单位:市环保局,责任单位:市生态环境局)"))
    assert names["市环保局"].agency == names["市生态环境局"].agency


def test_user_table_overrides_the_national_one(tmp_path):
    table = tmp_path / "mine.csv"
    table.write_text("alias,canonical,function,scope,level,short,collective,renamed,note\n"
                     "区发改委,芸溪区发展改革和数据局,发展和改革,body,区,区发改数据局,,,"
                     "merged 2024\n",
                     encoding="utf-8")
    plan = taskmap.parse_text(DISTRICT, aliases=AliasTable.load([table]))
    names = agencies(plan)
    assert names["区发改委"].agency == "芸溪区发展改革和数据局"
    assert names["区发改委"].tier in ("alias", "exact")


def test_suggested_rows_once_added_resolve_as_alias(tmp_path):
    plan_file = tmp_path / "plan.txt"
    plan_file.write_text("1.任务。(牵头单位:区星火办,责任单位:区教肓局、区教育局)\n",
                         encoding="utf-8")
    before = agencies(taskmap.load_plan(plan_file))
    flagged = {raw for raw, a in before.items() if a.tier in ("fuzzy", "unresolved")}
    assert {"区星火办", "区教肓局"} <= flagged
    rows = tmp_path / "rows.csv"
    result = run_taskmap("aliases", "suggest", str(plan_file), "-o", str(rows))
    assert result.returncode == 0, result.stderr
    assert rows.read_bytes().startswith(b"\xef\xbb\xbf")  # a BOM: Excel reads it as UTF-8
    with rows.open(encoding="utf-8-sig") as f:
        suggested = {r["alias"] for r in csv.DictReader(f)}
    assert flagged == suggested
    after = agencies(taskmap.load_plan(plan_file, AliasTable.load([rows])))
    for raw in flagged:
        assert after[raw].tier == "alias", raw
    assert after["区教肓局"].agency == before["区教肓局"].agency


def test_shipped_tables_validate():
    assert check_tables([national_dir() / "functions.csv"]) == []
    result = run_taskmap("aliases", "check")
    assert result.returncode == 0 and "通过" in result.stdout


def test_check_reports_every_problem(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("alias,canonical,function,scope,level,short,collective,renamed,note\n"
                   "发改委,发展和改革委员会,发展和改革,function,,,,,\n"
                   "发改委,发展和改革委员会,发展和改革,function,,,,,\n"
                   "工信局,工业和信息化局,工业和信息化,function,,,,,\n"
                   "工信局,经济和信息化局,经济和信息化,function,,,,,\n"
                   "住建局,,住房和城乡建设,agency,镇级,,maybe,2018年,\n", encoding="utf-8")
    problems = [str(p) for p in check_tables([bad])]
    assert any(":3: 重复的行" in p for p in problems)
    assert any(":5: 别名“工信局”在此指向" in p for p in problems)
    assert sum(":6:" in p for p in problems) == 5  # canonical, scope, level, collective, year
    result = run_taskmap("aliases", "check", str(bad))
    lines = [x for x in result.stdout.splitlines() if x.startswith(str(bad))]
    assert result.returncode == 1 and len(lines) == len(problems)


def test_bad_user_table_is_a_one_line_error(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("alias,canonical\nx,y\n", encoding="utf-8")
    result = run_taskmap("extract", "data/yunxi_district_carbon_plan.txt", "--aliases", str(bad))
    assert result.returncode == 1 and len(result.stderr.strip().splitlines()) == 1
    assert "aliases check" in result.stderr


def test_show_lists_review_tiers_first(tmp_path):
    plan_file = tmp_path / "plan.txt"
    plan_file.write_text("1.任务。(牵头单位:区星火办,责任单位:区教育局、区财政局)\n",
                         encoding="utf-8")
    result = run_taskmap("aliases", "show", str(plan_file), "-f", "json")
    rows = json.loads(result.stdout)
    assert rows[0]["raw"] == "区星火办" and rows[0]["tier"] == "unresolved"
    table = run_taskmap("aliases", "show", str(plan_file)).stdout
    assert "名称核对" in table and "未识别" in table


@pytest.mark.parametrize("surface, level", [("国家发展改革委", "国家"), ("财政部", "国家"),
                                            ("省财政厅", "省"), ("县财政局", "县"),
                                            ("乡镇人民政府", "乡镇")])
def test_levels(surface, level):
    names = agencies(taskmap.parse_text(f"1.任务。(牵头单位:{surface})"))
    assert names[surface].level == level


def test_an_alias_cycle_is_a_problem(tmp_path):
    table = tmp_path / "cycle.csv"
    table.write_text("alias,canonical,scope\n甲办,乙办公室,body\n乙办公室,甲办,body\n",
                     encoding="utf-8")
    problems = check_tables([table])
    assert [p.where.rsplit(":", 1)[1] for p in problems] == ["2", "3"]
    assert all("循环" in p.message for p in problems)
    assert check_tables([national_dir() / "functions.csv"]) == []
