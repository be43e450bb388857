"""The one text layer (taskmap/text.py) and table cells read as cells.

A line and its view are of equal length whatever characters it holds; invisible format
characters never reach a Document; every line separator breaks a line; table rows keep
their empty cells in every separator, and a lead cell repeats the one above only where the
file marks it merged or the text says 同上/〃 — else the task has no lead, and is warned.
"""

from __future__ import annotations

import ast
import re
import sys
import unicodedata
from pathlib import Path

import pytest
from docx import Document as WordDocument
from hypothesis import given, settings
from hypothesis import strategies as st

import taskmap
from taskmap import text as tx
from taskmap.read import document_from_text
from taskmap.words import check_words, load_words

ALL_SPACES = [chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Zs"]
FORMAT = [chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"]
BREAKS = ["\r\n", "\r", "\n", "\u2028", "\u2029", "\x85", "\x0b", "\x0c"]
# Plan-like text: labels, names, brackets in both widths, digits, every space and format
# character, and the characters the fold changes (Traditional, full-width, quotes).
ALPHABET = st.sampled_from(list("牵头单位责任区发改委財政局、,，;；:：()（）〔〕|1２3\t「」")
                           + ALL_SPACES + FORMAT)


def test_every_format_character_is_invisible():
    assert all(tx.INVISIBLE.fullmatch(ch) for ch in FORMAT)
    assert not any(tx.INVISIBLE.search(ch) for ch in ALL_SPACES + list("牵头\t"))


@given(st.text(ALPHABET, max_size=60))
@settings(max_examples=300, deadline=None)
def test_a_view_is_as_long_as_its_line(s):
    v = tx.fold_line(s)
    assert len(v) == len(s)
    assert tx.fold_line(v) == v  # folding twice changes nothing
    assert not any(ch in v for ch in tx.FOLDED_SPACES)


@given(st.text(ALPHABET, max_size=60))
@settings(max_examples=300, deadline=None)
def test_text_pieces_cut_source_and_view_at_the_same_offsets(s):
    t = tx.Text.of(s)
    for piece in t.split(tx.WS_RUN):
        assert piece.src == s[piece.start:piece.end]
        assert piece.v == tx.view(piece.src)
    stripped = t.strip()
    assert stripped.src == s[stripped.start:stripped.end] and stripped.v.strip(tx.WS) == stripped.v


@given(st.text(ALPHABET, max_size=60))
@settings(max_examples=200, deadline=None)
def test_a_document_holds_no_invisible_character_and_no_line_break(s):
    doc = document_from_text(s)
    for line, v in zip(doc.lines, doc.views, strict=True):
        assert len(line) == len(v)
        assert not tx.INVISIBLE.search(line)
        assert not tx.LINE_BREAK.search(line)


@pytest.mark.parametrize("brk", BREAKS, ids=[hex(ord(b[-1])) for b in BREAKS])
def test_every_line_separator_breaks_a_line(brk, tmp_path):
    plan = ("一、重点任务\n1.推进甲项工作。(牵头单位:区发改委)\n"
            "2.推进乙项工作。(牵头单位:区财政局)\n")
    path = tmp_path / "plan.txt"
    path.write_text(plan.replace("\n", brk), encoding="utf-8", newline="")
    got = taskmap.load_plan(path)
    assert [(t.line, t.agencies("lead")) for t in got.tasks] == [
        (2, ["区发改委"]), (3, ["区财政局"])]


def test_a_line_separator_inside_a_web_page_paragraph_breaks_it(tmp_path):
    page = ("<html><body><div><p>1.推进甲项工作。(牵头单位:区发改委)&#8232;"
            "2.推进乙项工作。(牵头单位:区财政局)</p><p>一段说明文字,用来凑够正文的长度。</p>"
            "</div></body></html>")
    path = tmp_path / "plan.html"
    path.write_text(page, encoding="utf-8")
    got = taskmap.load_plan(path)
    assert [t.agencies("lead") for t in got.tasks] == [["区发改委"], ["区财政局"]]
    assert got.tasks[1].line == got.tasks[0].line + 1


def test_quotes_must_fold_one_character_to_one():
    words = load_words()
    data = {"schema": 1, **{k: getattr(words, k) for k in (
        "brackets", "labels", "verbs", "marks", "rules", "names", "tables")},
        "text": {**words.text, "quotes": {"「": "“", "『": "‘‘"}}}
    problems = check_words(data)
    assert any("quotes" in p and "『" in p for p in problems), problems
    assert not check_words({**data, "text": words.text})


# ----------------------------------------------------------------------------- label lines

@pytest.mark.parametrize("ch", FORMAT, ids=lambda c: hex(ord(c)))
def test_a_format_character_in_a_header_or_a_name_changes_nothing(ch):
    text = ("一、重点任务\n序号 工作任务 牵头" + ch + "单位 责任单位\n"
            "1 推进甲项工作 区发" + ch + "改委 区财政局\n")
    plan = taskmap.parse_text(text)
    assert [(t.line, [a.agency for a in t.assignments]) for t in plan.tasks] == [
        (3, ["区发展和改革委员会", "区财政局"])]
    assert not plan.warnings


@pytest.mark.parametrize("ch", ALL_SPACES, ids=lambda c: hex(ord(c)))
def test_a_space_in_a_header_loses_nothing_and_one_in_a_name_is_a_wrap(ch):
    """A space inside a header word is one cell (`牵头 单位`); inside a name, in a table whose
    cells single spaces part, it is the wrap of the name's cell (`区发 改委`): one name."""
    header = "一、重点任务\n序号 工作任务 牵头" + ch + "单位 责任单位\n"
    want = [(3, ["区发展和改革委员会", "区财政局"])]
    plan = taskmap.parse_text(header + "1 推进甲项工作 区发改委 区财政局\n")
    assert [(t.line, [a.agency for a in t.assignments]) for t in plan.tasks] == want
    plan = taskmap.parse_text(header + "1 推进甲项工作 区发" + ch + "改委 区财政局\n")
    assert [(t.line, [a.agency for a in t.assignments]) for t in plan.tasks] == want
    assert not plan.warnings


# ----------------------------------------------------------------------------- table cells

HEADER = ["序号", "工作任务", "牵头单位", "责任单位", "完成时限"]
ROWS = [
    ["1", "推进甲项工作", "区发改委", "区财政局", "2024年底"],
    ["2", "推进乙项工作", "区工信局", "区住建局", "2024年底"],
    ["3", "推进丙项工作", "区商务局", "", "2024年底"],  # nobody shares it
    ["4", "推进丁项工作", "同上", "区文旅局", "2024年底"],  # the lead above, said so
    ["5", "推进戊项工作", "〃", "区教育局", "2024年底"],
    ["6", "推进己项工作", "", "区民政局", "2024年底"],  # nobody leads it: never 区商务局
]
WANT = [(["区发改委"], ["区财政局"]), (["区工信局"], ["区住建局"]), (["区商务局"], []),
        (["区商务局"], ["区文旅局"]), (["区商务局"], ["区教育局"]), ([], ["区民政局"])]


def _tabs(row):
    return "\t".join(row)


def _pipes(row):
    return "|" + "|".join(row) + "|"


def _spaces(row):  # two spaces between cells, an empty cell leaves a run of four
    return "  ".join(row)


@pytest.mark.parametrize("render", [_tabs, _pipes, _spaces], ids=["tabs", "pipes", "spaces"])
def test_empty_cells_keep_their_column(render):
    text = "二、任务分解\n" + "\n".join(render(r) for r in [HEADER, *ROWS]) + "\n"
    plan = taskmap.parse_text(text)
    got = [(t.agencies("lead"), t.agencies("responsible")) for t in plan.tasks]
    assert got == WANT
    no_lead = [t.line for t in plan.tasks if not t.agencies("lead")]
    assert no_lead == [8] and {w.line for w in plan.warnings} == {8}


def test_a_two_row_header_written_with_tabs():
    text = ("序号\t重点任务\t责任分工\t\t完成时限\n\t\t牵头单位\t配合单位\t\n"
            "1\t推进甲项工作\t区发改委\t区财政局\t2024年底\n"
            "2\t推进乙项工作\t区工信局\t区住建局\t2024年底\n")
    plan = taskmap.parse_text(text)
    assert [(t.agencies("lead"), t.agencies("responsible"), t.deadline) for t in plan.tasks] == [
        (["区发改委"], ["区财政局"], "2024年底"), (["区工信局"], ["区住建局"], "2024年底")]


def test_a_csv_empty_lead_cell_is_no_lead(tmp_path):
    path = tmp_path / "分解表.csv"
    path.write_text("\n".join(",".join(r) for r in [HEADER, *ROWS]) + "\n", encoding="utf-8")
    plan = taskmap.load_plan(path)
    assert [(t.agencies("lead"), t.agencies("responsible")) for t in plan.tasks] == WANT


def test_a_word_table_repeats_a_merged_lead_and_not_an_empty_one(tmp_path):
    doc = WordDocument()
    doc.add_paragraph("一、任务分解")
    rows = [HEADER, ["1", "推进甲项工作", "区发改委", "区财政局", "2024年底"],
            ["2", "推进乙项工作", "", "区住建局", "2024年底"],  # merged with the lead above
            ["3", "推进丙项工作", "", "区民政局", "2024年底"]]  # empty, merged with nothing
    table = doc.add_table(rows=len(rows), cols=len(HEADER))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    table.cell(1, 2).merge(table.cell(2, 2))
    path = tmp_path / "分解表.docx"
    doc.save(path)
    plan = taskmap.load_plan(path)
    got = [(t.agencies("lead"), t.agencies("responsible")) for t in plan.tasks]
    assert got == [(["区发改委"], ["区财政局"]), (["区发改委"], ["区住建局"]), ([], ["区民政局"])]
    assert [w.line for w in plan.warnings] == [plan.tasks[2].line]


# ----------------------------------------------------------------------------- one owner

PACKAGE = Path(taskmap.__file__).parent
_SPLITTERS = {"split", "rsplit", "splitlines", "split_sep", "_split", "_single_cells"}
_VIEWISH = re.compile(r"^(v|vs|vline|vcell|vpiece|vcells)$|view")
_SOURCEISH = re.compile(r"^(line|lines|src|source|text|cell|cells|piece|raw)$")


def _names(node: ast.AST) -> set[str]:
    return {n.id if isinstance(n, ast.Name) else n.attr for n in ast.walk(node)
            if isinstance(n, (ast.Name, ast.Attribute))}


def _splits(func: ast.AST) -> list[ast.Call]:
    return [n for n in ast.walk(func) if isinstance(n, ast.Call) and (
        (isinstance(n.func, ast.Attribute) and n.func.attr in _SPLITTERS)
        or (isinstance(n.func, ast.Name) and n.func.id in _SPLITTERS))]


def separate_splits(source: str) -> list[str]:
    """Functions that split a source and its view each on its own (and would zip the
    pieces): a splitting call on a view-named operand and another on a source-named one, or
    a zip of two splitting calls."""
    found = []
    for func in ast.walk(ast.parse(source)):
        if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        operands = set()
        for call in _splits(func):
            receiver = call.func.value if isinstance(call.func, ast.Attribute) else None
            for part in [*call.args, *([receiver] if receiver is not None else [])]:
                operands |= _names(part)
        viewish = {n for n in operands if _VIEWISH.search(n)}
        sourceish = {n for n in operands if _SOURCEISH.match(n)}
        zipped = any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
                     and n.func.id == "zip" and sum(bool(_splits(a)) for a in n.args) >= 2
                     for n in ast.walk(func))
        if (viewish and sourceish) or zipped:
            found.append(func.name)
    return found


def test_the_scan_finds_a_source_and_its_view_split_apart():
    old = ("def cells(line, v):\n"
           "    return zip(_split(line, SEP), _split(v, SEP))\n"
           "def pieces(line, v):\n"
           "    a = SEP.split(line)\n    b = SEP.split(v)\n    return a, b\n"
           "def fine(t):\n    return t.split(SEP)\n")
    assert separate_splits(old) == ["cells", "pieces"]


def test_no_stage_splits_a_source_and_its_view_apart():
    found = {str(p.relative_to(PACKAGE)): names for p in sorted(PACKAGE.rglob("*.py"))
             if p.name != "text.py"
             and (names := separate_splits(p.read_text(encoding="utf-8")))}
    assert found == {}


# ----------------------------------------------------------------------------- spaces

def test_a_space_after_a_comma_keeps_a_standing_statement_whole():
    """A pattern built from words.toml parts keeps each part's alternatives to itself: with
    `{not_listed}` unbracketed, `不逐一列出` alone matched a standing statement with no
    bodies (StopIteration), and a space after a comma lost the rule."""
    for gap in ("", " ", "\u3000", "\u00a0"):
        text = (f"1.推进甲项工作。(区发改委牵头。明确牵头部门的,{gap}其他有关部门配合,{gap}"
                f"不逐一列出,{gap}下同)\n2.推进乙项工作。(区财政局牵头)\n")
        plan = taskmap.parse_text(text)
        assert [t.agencies("lead") for t in plan.tasks] == [["区发改委"], ["区财政局"]], gap
        assert plan.tasks[0].agencies("responsible") == ["其他有关部门"], gap


@pytest.mark.parametrize("gap", [" ", "\u3000", "\u2002"])
def test_a_space_inside_a_bracketed_level_list_is_part_of_the_name(gap):
    text = f"1.推进甲项工作。(市发改委牵头,各县、{gap}区人民政府{gap}({gap}管委会{gap})负责)\n"
    plan = taskmap.parse_text(text)
    assert len(plan.tasks[0].agencies("responsible")) == 1


def test_a_table_typed_with_runs_of_tabs_reads_its_runs_as_one_boundary():
    """A header whose columns runs of tabs align (typed, not pasted) says how its rows part
    their cells: a run is one gap however long the cell before it, so no column shifts."""
    text = ("二、任务分解\n工作任务\t\t\t牵头单位\t\t责任单位\n"
            "推进甲项工作\t\t区发改委\t\t区财政局\n"
            "推进乙项工作并完成验收\t区工信局\t\t区住建局\n")
    plan = taskmap.parse_text(text)
    assert [(t.agencies("lead"), t.agencies("responsible")) for t in plan.tasks] == WANT[:2]
