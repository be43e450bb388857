"""Nothing dropped in silence: every role-bearing segment is read, warned about by the
grammar, or reported as unread — counted apart and checked against plans whose unreadable
segments are known — and one bad plan in a folder is a warning while the others are
counted."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import time
from pathlib import Path

import pytest
from conftest import DATA, run_taskmap
from openpyxl import load_workbook

import taskmap
from taskmap.grammar.coverage import UNREAD

FIXTURES = Path(__file__).resolve().parent / "coverage"
PROSE_BRACKET = ("一、重点任务\n"
                 "1.推进某项工作。(牵头单位:区发改委;责任单位:区财政局)\n"
                 "2.加强组织保障。各地要高度重视(主要领导亲自负责、亲自部署),确保取得实效。\n")
NO_NAMES = "含分工用语,但读不出单位名单"

# fixture → task lines, (seen, read, warned, unread, and the same of the bodies named where
# work is given out: mentions, mentions_read, mentions_warned, mentions_unread), every
# warning as (line, text, reason)
KNOWN = {
    # brackets: read (2, 7), the grammar's own warnings (4, 5, 6), unread (3); the five
    # bodies named are those read
    "brackets": ([2, 7], (6, 2, 3, 1, 5, 5, 0, 0), [
        (3, "(主要领导亲自负责、亲自部署)", UNREAD),
        (4, "(牵头单位:待定)", "牵头单位: 没有单位(“待定”)"),
        (5, "(按职责分工负责)", NO_NAMES),
        (6, "(责任单位:)", "责任单位: 没有单位(空)")]),
    # labelled lines naming no body: the grammar warns, so none is unread
    "labelled": ([7], (4, 2, 2, 0, 2, 2, 0, 0), [
        (3, "牵头单位:无", NO_NAMES),
        (5, "责任单位:—", NO_NAMES)]),
    # prose dividing work: read by the block on its line (2), or as a block of its own
    # (3, and 6 under a 部门分工 label); one body in charge (4), verbs taking an object (5)
    # and a question (7) are no segment
    "prose": ([2, 3, 6], (4, 4, 0, 0, 6, 6, 0, 0), []),
    # a task table: rows holding role words read (3) or warned (4); a section row inside
    # it (5) unread; a row without role words (6) is read, a segment read too (a plan whose
    # tasks were read never counts none)
    "table": ([3, 6], (4, 2, 1, 1, 4, 4, 0, 0), [
        (4, "2|加强某项工作|牵头单位另行明确|", "表格行中没有单位"),
        (5, "二、配合事项", UNREAD)]),
    # a plan of one prose sentence that divides work: a task, read
    "one_sentence": ([1], (1, 1, 0, 0, 2, 2, 0, 0), []),
}


@pytest.mark.parametrize("name", KNOWN)
def test_known_segments_are_counted_apart_and_warned_with_their_lines(name):
    tasks, counts, warnings = KNOWN[name]
    plan = taskmap.load_plan(FIXTURES / f"{name}.txt")
    assert [t.line for t in plan.tasks] == tasks
    assert dataclasses.astuple(plan.coverage) == counts
    assert [(w.line, w.text, w.reason) for w in plan.warnings] == warnings


def test_the_counts_are_in_every_format(tmp_path):
    path = FIXTURES / "brackets.txt"
    data = json.loads(run_taskmap("extract", str(path), "-f", "json", check=True).stdout)
    assert data["coverage"] == {"seen": 6, "read": 2, "warned": 3, "unread": 1, "mentions": 5,
                                "mentions_read": 5, "mentions_warned": 0, "mentions_unread": 0}
    assert [w["line"] for w in data["warnings"]] == [3, 4, 5, 6]
    rows = list(csv.DictReader(io.StringIO(
        run_taskmap("extract", str(path), "-f", "csv", "--csv-keys", "en",
                    check=True).stdout)))
    assert [r["line"] for r in rows if r["kind"] == "warning"] == ["3", "4", "5", "6"]
    table = "".join(run_taskmap("extract", str(path), check=True).stdout.split())
    assert ("分工片段6处(含分工用语或读作任务分工之处):读作任务分工2处,所在行另有解析警告3处,"
            "未能读出1处。" in table)
    # the four warnings listed, by kind: the one unread segment, and the grammar's three
    assert "解析警告4条:未能读出的分工片段1条,列有单位名称但未读出0条,其他3条" in table
    report = run_taskmap("report", str(path), check=True).stdout
    assert "6=2+3+1" in report
    book = tmp_path / "book.xlsx"
    run_taskmap("export", str(path), "-o", str(book), check=True)
    cover = [[c.value for c in row] for row in load_workbook(book)["说明"].iter_rows()]
    header = next(row for row in cover if row[0] == "序号" and "未能读出" in row)
    values = cover[cover.index(header) + 1]
    assert [values[header.index(h)] for h in ("分工片段", "读作分工", "已警告", "未能读出")] == [
        6, 2, 3, 1]


def test_prose_on_a_plan_flattened_onto_one_line_grows_linearly():
    """Sentences on one line, each dividing work beside a bracket that does too: all found,
    and 4× the text takes about 4× the time, not 16× (a look through every bracket for every
    verb was quadratic: 40 s at 16,000 sentences). A ratio within one run, no absolute time."""
    from taskmap import lexicon as lx
    from taskmap.grammar.coverage import prose

    sentence = "{}.由区发改委牵头,区财政局配合。(区住建局牵头,区水务局配合)"

    def seconds(n: int) -> float:
        v = "".join(sentence.format(k) for k in range(n))
        spans = lx.bracket_spans(v)[0]
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            found = prose(v, spans)
            best = min(best, time.perf_counter() - start)
        assert len(found) == n and v[found[-1][0]:found[-1][1]].endswith("区财政局配合。")
        return best

    assert seconds(16_000) / seconds(4_000) < 8


def test_a_role_bearing_bracket_not_read_is_a_warning_with_its_line():
    plan = taskmap.parse_text(PROSE_BRACKET)
    assert [t.line for t in plan.tasks] == [2]
    assert plan.coverage == taskmap.models.Coverage(seen=2, read=1, warned=0, unread=1,
                                                    mentions=2, mentions_read=2)
    [warning] = plan.warnings
    assert warning.line == 3 and "负责" in warning.text
    assert warning.reason == UNREAD


@pytest.mark.parametrize("path", sorted(DATA.glob("*.txt")), ids=lambda p: p.name)
def test_every_segment_of_the_demo_plans_is_read(path):
    """A regression check on the demo plans (a development set): nothing unread, nothing
    the grammar had to warn about."""
    plan = taskmap.load_plan(path)
    c = plan.coverage
    assert c.seen > 0 and c == taskmap.models.Coverage(
        seen=c.seen, read=c.seen, mentions=c.mentions, mentions_read=c.mentions)
    assert plan.tasks and not any(w.reason == UNREAD for w in plan.warnings)


def test_every_segment_of_the_published_plans_is_read(shared):
    """The published excerpts of ../shared/realplans are read whole: a segment unread or
    warned about there is a regression."""
    for path in sorted((shared / "realplans" / "docs").glob("*.txt")):
        c = taskmap.load_plan(path).coverage
        assert c.seen == c.read, (path.name, c)


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
