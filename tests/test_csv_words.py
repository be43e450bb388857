"""The CSV a person opens is Chinese (headers and coded values); `--csv-keys en` gives the
machine form (the JSON's keys and values, as before); taskmap's CSV in either form is
refused as a plan when read back."""

from __future__ import annotations

import csv
import io
import re

import pytest
from conftest import DATA, run_taskmap

import taskmap
from taskmap.present.files import (
    CSV_COLUMNS,
    FRAME_HEADERS,
    HEADERS,
    csv_rows,
    csv_text,
    people_csv,
    to_csv,
)
from taskmap.present.labels import ROLE_LABELS
from taskmap.read.sheets import OWN_CSV_HEADERS

QINGLAN = DATA / "qinglan_city_industry_plan.txt"
DRAFT = DATA / "diff" / "wutong_county_plan_draft.txt"
FINAL = DATA / "diff" / "wutong_county_plan_final.txt"
LATIN = re.compile(r"[A-Za-z]")
BOM = "\ufeff"


def _rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text.removeprefix(BOM))))


def _ok(*args: str) -> str:
    result = run_taskmap(*args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_extract_csv_has_chinese_headers_and_values(tmp_path):
    plan = taskmap.load_plan(QINGLAN)
    _ok("extract", str(QINGLAN), "-o", str(tmp_path / "p.csv"))
    text = (tmp_path / "p.csv").read_text(encoding="utf-8")
    assert text.startswith(BOM)
    header = text.removeprefix(BOM).splitlines()[0].split(",")
    assert header[0] == "记录类型" and not any(LATIN.search(h) for h in header)
    rows = _rows(text)
    assignments = [r for r in rows if r["记录类型"] == "任务分工"]
    assert len(assignments) == sum(len(t.assignments) for t in plan.tasks)
    assert {r["角色"] for r in assignments} == {ROLE_LABELS["lead"], ROLE_LABELS["responsible"]}
    assert {r["隐含落实"] for r in assignments} == {"是", "否"}  # the plan has implicit bodies
    assert {r["记录类型"] for r in rows} <= {"任务分工", "解析警告"}
    # every value a person reads is Chinese (names, numbers, file names aside)
    coded = {r[c] for r in rows for c in ("记录类型", "角色", "隐含落实", "时限类型")}
    assert not any(LATIN.search(v) for v in coded)
    assert _ok("extract", str(QINGLAN), "-f", "csv") == text.removeprefix(BOM)


def test_the_english_switch_gives_the_machine_csv_as_before(tmp_path):
    plan = taskmap.load_plan(QINGLAN)
    before = csv_text(csv_rows(plan), CSV_COLUMNS)  # the CSV of taskmap until now
    assert to_csv(plan, english=True) == before
    assert _ok("extract", str(QINGLAN), "-f", "csv", "--csv-keys", "en") == before
    _ok("extract", str(QINGLAN), "--csv-keys", "en", "-o", str(tmp_path / "p.csv"))
    assert (tmp_path / "p.csv").read_text(encoding="utf-8") == BOM + before
    rows = _rows(before)
    assert {r["role"] for r in rows if r["kind"] == "assignment"} == {"lead", "responsible"}
    assert {r["implicit"] for r in rows if r["kind"] == "assignment"} == {"true", "false"}
    english = _ok("report", str(QINGLAN), "-f", "csv", "--csv-keys", "en")
    assert english.splitlines()[0].startswith("agency,display,")
    diff = _ok("diff", str(DRAFT), str(FINAL), "-f", "csv", "--csv-keys", "en")
    assert diff.splitlines()[0].startswith("status,old_line,")


def test_export_report_and_diff_csv_are_chinese(tmp_path):
    _ok("export", str(QINGLAN), "-o", str(tmp_path / "frames"))
    files = sorted((tmp_path / "frames").glob("*.csv"))
    assert len(files) == 8
    for path in files:
        header = path.read_text(encoding="utf-8").removeprefix(BOM).splitlines()[0]
        assert not LATIN.search(header), (path.name, header)  # matrices: areas and 合计
    summary = _rows((tmp_path / "frames" / "agency_summary.csv").read_text(encoding="utf-8"))
    assert {r["集合主体"] for r in summary} == {"是", "否"}
    assert all(int(r["牵头任务数"]) + int(r["参与任务数"]) >= 1 for r in summary)
    _ok("export", str(QINGLAN), "-o", str(tmp_path / "a.csv"))
    rows = _rows((tmp_path / "a.csv").read_text(encoding="utf-8"))
    assert set(rows[0]) >= {"方案文件", "任务编号", "角色", "规范名称", "匹配方式"}
    assert {r["匹配方式"] for r in rows} and not any(LATIN.search(r["匹配方式"]) for r in rows)
    report = _rows(_ok("report", str(QINGLAN), "-f", "csv"))
    assert list(report[0])[:2] == ["单位", "显示名称"]
    shown = _rows(_ok("aliases", "show", str(QINGLAN), "-f", "csv"))
    assert {"原文写法", "规范名称", "匹配方式"} <= set(shown[0])
    assert "raw,canonical," in _ok("aliases", "show", str(QINGLAN), "-f", "csv", "--csv-keys",
                                   "en")
    diff = _rows(_ok("diff", str(DRAFT), str(FINAL), "-f", "csv"))
    assert {r["变化"] for r in diff} <= {"新增", "删除", "调整", "未变"}
    assert {r["文字修改"] for r in diff} <= {"是", "否"}


def test_headers_are_one_a_column_in_every_table():
    for name, over in [("", {}), *FRAME_HEADERS.items()]:
        names = {**HEADERS, **over}
        assert len(set(names.values())) == len(names), name
    # an area named like a header keeps the table readable: the column stays its key
    text = people_csv([{"agency": "甲局", "单位": 3}], ["agency", "单位"])
    assert text.splitlines()[0] == "agency,单位"


@pytest.mark.parametrize("english", [False, True])
def test_taskmaps_own_csv_is_still_refused_as_a_plan(tmp_path, english):
    keys = ["--csv-keys", "en"] if english else []
    outputs = [tmp_path / "p.csv", tmp_path / "a.csv", tmp_path / "r.csv"]
    _ok("extract", str(QINGLAN), "-o", str(outputs[0]), *keys)
    _ok("export", str(QINGLAN), "-o", str(outputs[1]), *keys)
    _ok("report", str(QINGLAN), "-o", str(outputs[2]), *keys)
    _ok("export", str(QINGLAN), "-o", str(tmp_path / "frames"), *keys)
    outputs += [tmp_path / "frames" / "tasks.csv", tmp_path / "frames" / "agency_summary.csv"]
    for path in outputs:
        result = run_taskmap("extract", str(path))
        assert result.returncode == 1, (path.name, result.stdout)
        assert "是 taskmap 写出的 CSV 数据" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


def test_a_plans_own_table_with_one_of_those_headers_is_read(tmp_path):
    """A task table a person made may have a 任务编号 column: one such header is no sign."""
    assert "任务编号" in OWN_CSV_HEADERS
    table = tmp_path / "分解表.csv"
    table.write_text("任务编号,重点任务,牵头单位,责任单位\n"
                     "1,推进园区建设,区发改委,区财政局\n2,完善交通网络,区交通运输局,区财政局\n",
                     encoding="utf-8")
    plan = taskmap.load_plan(table)
    assert [t.title for t in plan.tasks] and len(plan.tasks) == 2
