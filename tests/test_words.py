"""The genre's words are data: one file, validated, and nowhere else in the code.

- words.toml follows its schema, and a broken file is refused with every problem named;
- adding one line of data teaches the grammar a label or a verb (shown by loading a copy);
- no module outside the words loader and the lexicon writes a role word, a bracket set or
  an agency ending of its own (the source is scanned).
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
import textwrap
import threading
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import taskmap
from taskmap import lexicon as lx
from taskmap.words import Words, WordsError, check_words, load_words, tomllib, words_path

DATA = Path(__file__).resolve().parent.parent / "data"

PACKAGE = Path(__file__).resolve().parent.parent / "taskmap"
# Modules allowed to spell the genre's words: the loader, the lexicon that compiles them,
# and the presentation layer whose Chinese labels are output for people (牵头单位 as a
# column header), not words the grammar reads.
ALLOWED = {"words.py", "lexicon.py", "cli.py"}
ALLOWED_DIRS = ("present/",)
ROLE_WORDS = ("牵头", "主办", "主责", "配合", "协办", "协同", "参与", "负责", "负总责", "责任单位",
              "责任部门")
# Brackets of Chinese text (ASCII brackets are the syntax of every regular expression).
OPENERS, CLOSERS = "〔【（［〖", "〕】）］〗"


def _literals(path: Path):
    """(line, text, kind) of every string literal that is not a docstring, and of every
    tuple/list/set of string literals."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and (
                id(node) not in docstrings):
            yield node.lineno, node.value, "str"
        elif isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            items = [e.value for e in node.elts
                     if isinstance(e, ast.Constant) and isinstance(e.value, str)]
            if items:
                yield node.lineno, items, "seq"


def _scanned() -> list[Path]:
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel not in ALLOWED and not rel.startswith(ALLOWED_DIRS):
            out.append(path)
    return out


_NAMES = load_words().names
# Endings of bodies, less the level words a place name ends in (市, 街道, 乡镇).
ENDINGS = (set(_NAMES["endings"]) | set(_NAMES["office_kinds"])) - set(_NAMES["levels"]) - {
    "中央", "乡镇", "各地", "各级"}


def _findings(path: Path) -> list[str]:
    rel = path.relative_to(PACKAGE).as_posix()
    out = []
    for line, value, kind in _literals(path):
        if kind == "seq":
            hits = [v for v in value if v in ENDINGS]
            if len(hits) >= 3:
                out.append(f"{rel}:{line}: agency endings {hits}")
            continue
        words = [w for w in ROLE_WORDS if w in value]
        if words:
            out.append(f"{rel}:{line}: role word(s) {words} in {value!r}")
        brackets = {c for c in value if c in OPENERS} | {c for c in value if c in CLOSERS}
        if len({c for c in brackets if c in OPENERS}) >= 2 or len(
                {c for c in brackets if c in CLOSERS}) >= 2:
            out.append(f"{rel}:{line}: bracket set in {value!r}")
        tokens = re.findall(r"[\u4e00-\u9fff]+", value)
        alternatives = {t for t in tokens if t in ENDINGS}
        if (len(alternatives) >= 3 and "|" in value) or re.search(
                r"\[[^\]]*[局委厅办][^\]]*[局委厅办][^\]]*[局委厅办]", value):
            out.append(f"{rel}:{line}: agency endings in {value!r}")
    return out


def test_no_genre_words_outside_the_words_data():
    findings = [f for path in _scanned() for f in _findings(path)]
    assert not findings, "genre words written in code:\n" + "\n".join(findings)


def test_the_scan_finds_what_it_looks_for(tmp_path):
    """The scan is not blind: each kind of literal it forbids is caught in a sample."""
    sample = tmp_path / "sample.py"
    sample.write_text(textwrap.dedent('''
        """A docstring may say 牵头单位 and (〔【."""
        A = "牵头单位"
        B = "(〔【["
        C = r"(?:局|委|厅|办)$"
        D = ("局", "委", "厅")
        E = "发展和改革"
    '''), encoding="utf-8")
    found = [f.split(": ", 1)[1].split(" ")[0] for f in _findings_at(sample)]
    assert found == ["role", "bracket", "agency", "agency"]


def _findings_at(path: Path) -> list[str]:
    global PACKAGE
    saved, PACKAGE = PACKAGE, path.parent
    try:
        return _findings(path)
    finally:
        PACKAGE = saved


def test_shipped_words_validate():
    data = tomllib.loads(words_path().read_text(encoding="utf-8"))
    assert check_words(data) == []


def test_a_broken_words_file_is_refused_with_every_problem(tmp_path):
    text = words_path().read_text(encoding="utf-8")
    text = text.replace('lead_morphemes = ["牵头"', 'lead_morphemes = ["配合", "牵头"')
    text = text.replace("[marks]", "[marks]\nstray = 1")
    text = re.sub(r"(?m)^open = .*$", 'open = "(〔"', text)
    bad = tmp_path / "words.toml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(WordsError) as err:
        load_words(bad)
    message = str(err.value)
    assert "“配合”同时出现在" in message
    assert "未知的键“stray”" in message
    assert "一一对应" in message
    assert message.startswith(str(bad))


def _extract_with_words(tmp_path: Path, words: str, plan: str) -> str:
    """Run the grammar in a fresh interpreter on a copy of the words file
    (TASKMAP_WORDS names it)."""
    path = tmp_path / "words.toml"
    path.write_text(words, encoding="utf-8")
    code = textwrap.dedent(f"""
        import taskmap
        plan = taskmap.parse_text({plan!r})
        for t in plan.tasks:
            print([(a.role, a.raw) for a in t.assignments])
        for x in plan.warnings:
            print("warning", x.reason)
    """)
    env = {**os.environ, "TASKMAP_WORDS": str(path)}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, env=env).stdout


def test_one_line_of_data_teaches_a_label(tmp_path):
    """`统筹单位` is no label of the shipped words: its list is read as responsible (the
    guideline's default for a label) and a warning says so; the label never becomes part of
    a name. One morpheme added to the data makes it a lead label."""
    plan = "1.推进某项工作。(统筹单位:区发改委;责任单位:区财政局)"
    text = words_path().read_text(encoding="utf-8")
    before = _extract_with_words(tmp_path, text, plan)
    assert "[('responsible', '区发改委'), ('responsible', '区财政局')]" in before
    assert "warning 未收录的标签“统筹单位”" in before
    taught = text.replace('lead_morphemes = ["牵头"', 'lead_morphemes = ["统筹", "牵头"')
    after = _extract_with_words(tmp_path, taught, plan)
    assert "[('lead', '区发改委'), ('responsible', '区财政局')]" in after


def test_one_line_of_data_teaches_a_verb(tmp_path):
    plan = "1.推进某项工作。(区发改委挂帅,区财政局配合)"
    text = words_path().read_text(encoding="utf-8")
    assert "('lead', '区发改委')" not in _extract_with_words(tmp_path, text, plan)
    taught = text.replace('lead = ["牵头负责"', 'lead = ["挂帅", "牵头负责"')
    assert "('lead', '区发改委')" in _extract_with_words(tmp_path, taught, plan)


def _without_lead_morpheme(words: Words, morpheme: str = "牵头") -> Words:
    labels = {**words.labels,
              "lead_morphemes": [w for w in words.labels["lead_morphemes"] if w != morpheme]}
    return replace(words, labels=labels)


_PLAN = "1.推进某项工作。(牵头单位:区发改委,责任单位:区财政局)"
_LEADS = [("lead", "区发改委"), ("responsible", "区财政局")]
_NO_LEAD = [("responsible", "区发改委"), ("responsible", "区财政局")]  # 牵头单位: unlisted


def _roles(plan, **kw) -> list[tuple[str, str]]:
    return [(a.role, a.raw) for t in taskmap.parse_text(plan, **kw).tasks for a in t.assignments]


def test_words_given_to_one_parse_serve_that_parse_alone():
    """Words passed to a parse (one label morpheme less) change that parse, in the same
    process as parses with the shipped words, alternating; the default is back after."""
    shipped = load_words()
    other = _without_lead_morpheme(shipped)
    for _ in range(3):
        assert _roles(_PLAN) == _LEADS
        assert _roles(_PLAN, words=other) == _NO_LEAD
        assert _roles(_PLAN, words=shipped) == _LEADS
    plan = taskmap.parse_text(_PLAN, words=other)
    assert any("未收录的标签“牵头单位”" in w.reason for w in plan.warnings)
    assert taskmap.load_plan(DATA / "qinglan_city_industry_plan.txt", words=other).tasks[
        0].agencies("lead") != taskmap.load_plan(DATA / "qinglan_city_industry_plan.txt").tasks[
        0].agencies("lead")
    assert _roles(_PLAN) == _LEADS
    assert lx.label_role("牵头单位") == "lead" and lx.WORDS is shipped


def test_parses_with_other_words_in_threads_keep_to_their_words():
    """The lexicon in force is module state: two threads parsing at once, one with other
    words, each get what their words say (a parse holds the lexicon's lock)."""
    plan = "\n".join([_PLAN.replace("1.", f"{k}.") for k in range(1, 200)])
    other = _without_lead_morpheme(load_words())
    seen: dict[str, set] = {"shipped": set(), "other": set()}

    def run(name, words):
        for _ in range(4):
            seen[name].add(frozenset(_roles(plan, words=words)))

    threads = [threading.Thread(target=run, args=("shipped", None)),
               threading.Thread(target=run, args=("other", other))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == {"shipped": {frozenset(_LEADS)}, "other": {frozenset(_NO_LEAD)}}


def test_the_lexicon_compiles_nothing_at_import():
    """Importing the lexicon compiles no words; the first read builds the default lexicon,
    after which its names are plain globals (no module __getattr__ left to slow them)."""
    code = textwrap.dedent("""
        import taskmap.lexicon as lx
        print(lx._current is None, "LABEL" in vars(lx), "__getattr__" in vars(lx))
        lx.LABEL
        print(lx._current is not None, "LABEL" in vars(lx), "__getattr__" in vars(lx))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split("\n")
    assert out[:2] == ["True False True", "True True False"]


def test_every_name_of_the_lexicon_is_installed_and_read():
    """A lexicon gives a value to every name declared in the module, and every public name
    is read somewhere as lx.NAME (no unused copies of a pattern)."""
    lexicon = lx.Lexicon(load_words())
    assert set(lexicon.values) == set(lx.NAMES)
    source = "\n".join(p.read_text(encoding="utf-8") for p in PACKAGE.rglob("*.py")
                       if p.name != "lexicon.py")
    unread = [n for n in lx.NAMES if not n.startswith("_")
              and not re.search(rf"\blx\.{n}\b", source)]
    assert unread == []


@pytest.mark.parametrize(("label", "role"), [
    ("牵头单位", "lead"), ("牵头责任单位", "lead"), ("主要牵头单位", "lead"), ("主办单位", "lead"),
    ("牵头督查单位", "lead"), ("牽頭單位", None),  # labels are read on the view: 牵头单位
    ("责任单位", "responsible"), ("协同责任单位", "responsible"), ("共同责任单位", "responsible"),
    ("协同配合单位", "responsible"), ("责任科室", "responsible"), ("承办单位", "responsible"),
    ("主要责任单位", "responsible"), ("配合部门", "responsible"),
    ("督查单位", "inert"), ("牵头领导", "person"), ("牵头负责领导", "person"),
    ("责任人", "person"), ("牵头市领导", "person"), ("完成时限", "deadline"),
    ("时间节点", "deadline"), ("备注", "other"), ("各有关单位", None), ("市直部门", None),
])
def test_label_roles_by_shape(label, role):
    assert lx.label_role(label) == role


_LABEL_WORDS = sorted({w for key in ("lead_morphemes", "helper_morphemes", "heads",
                                     "responsible_morphemes", "person_heads", "deadline_heads",
                                     "other", "bare") for w in load_words().labels[key]})


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_LABEL_WORDS),
                          st.sampled_from(["：", ":", "为", "是", " ", "。", "市发改委", "、", "(",
                                           "负", "牵", "完成", "x", "\u3000"])), max_size=14),
       st.integers(0, 6))
def test_labels_are_found_where_a_scan_of_the_label_pattern_finds_them(pieces, start):
    v = "".join(pieces)
    assert ([m.span() for m in lx.labels_in(v, start)]
            == [m.span() for m in lx.LABEL.finditer(v, start)])
