"""Outputs by extension (every command, every format, read back), each plan once (copies
skipped with a warning, folders searched recursively, in the process pool too), report
options that do what they say, and Chinese for people."""

from __future__ import annotations

import ast
import csv
import io
import json
import re
import warnings
from pathlib import Path

import polars as pl
import pytest
from conftest import DATA, ROOT, run_taskmap
from openpyxl import load_workbook
from rich.cells import cell_len

import taskmap
from taskmap.corpus import extract_corpus, load_many, open_dataset
from taskmap.present.files import header as csv_header
from taskmap.present.files import to_csv, to_json
from taskmap.present.labels import STATUS_LABELS
from taskmap.present.outputs import OutputError, choose

QINGLAN = DATA / "qinglan_city_industry_plan.txt"
CUIPING = DATA / "cuiping_province_work_plan.txt"
DRAFT = ROOT / "data" / "diff" / "wutong_county_plan_draft.txt"
FINAL = ROOT / "data" / "diff" / "wutong_county_plan_final.txt"
BOM = b"\xef\xbb\xbf"
CJK = re.compile(r"[\u4e00-\u9fff]")


def _ok(*args: str):
    result = run_taskmap(*args)
    assert result.returncode == 0, result.stderr
    return result


def _refused(*args: str, code: int = 1):
    result = run_taskmap(*args)
    assert result.returncode == code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert CJK.search(result.stderr), result.stderr
    return result


def _csv(path: Path) -> list[dict]:
    data = path.read_bytes()
    assert data.startswith(BOM), "a CSV file for people starts with a byte-order mark"
    assert not data[3:].startswith(BOM)
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


# ------------------------------------------------------------------ 2. outputs by extension

def test_extract_writes_the_format_its_extension_names(tmp_path):
    plan = taskmap.load_plan(QINGLAN)
    for name in ("p.xlsx", "p.csv", "p.json", "p.parquet", "p.txt"):
        result = _ok("extract", str(QINGLAN), "-o", str(tmp_path / name))
        assert result.stdout == "" and name in result.stderr
    book = load_workbook(tmp_path / "p.xlsx")
    assert "任务分解表" in book.sheetnames
    rows = list(book["任务分解表"].iter_rows(values_only=True))
    top = next(i for i, row in enumerate(rows) if "重点任务" in row)
    column = rows[top].index("重点任务")
    titles = [row[column] for row in rows[top + 1:] if row[column] is not None]
    assert titles == [t.title for t in plan.tasks]
    rows = _csv(tmp_path / "p.csv")
    assert (tmp_path / "p.csv").read_bytes() == BOM + to_csv(plan).encode("utf-8")
    assert sum(r["记录类型"] == "任务分工" for r in rows) == sum(
        len(t.assignments) for t in plan.tasks)
    assert (tmp_path / "p.json").read_text(encoding="utf-8") == to_json(plan)
    assert (tmp_path / "p.json").read_bytes() == _ok("extract", str(QINGLAN), "-f",
                                                     "json").stdout.encode("utf-8")
    frame = pl.read_parquet(tmp_path / "p.parquet")
    assert frame.height == len(rows) and frame["implicit"].dtype == pl.Boolean
    assert frame["line"].to_list() == [int(r["行号"]) for r in rows]
    assert "任务分解表" in (tmp_path / "p.txt").read_text(encoding="utf-8")


def test_upper_case_extension_and_agreeing_format(tmp_path):
    _ok("extract", str(QINGLAN), "-o", str(tmp_path / "P.JSON"), "-f", "json")
    assert json.loads((tmp_path / "P.JSON").read_text(encoding="utf-8"))["tasks"]


@pytest.mark.parametrize("command", [
    ["extract", str(QINGLAN)], ["report", str(QINGLAN)], ["export", str(QINGLAN)],
    ["diff", str(DRAFT), str(FINAL)]])
@pytest.mark.parametrize("name", ["out.xls", "out.pdf", "out.doc"])
def test_an_unknown_extension_is_one_chinese_line_and_writes_nothing(tmp_path, command, name):
    result = _refused(*command, "-o", str(tmp_path / name))
    assert "不支持的输出扩展名" in result.stderr and ".xlsx" in result.stderr
    assert list(tmp_path.iterdir()) == []  # no file, and no folder (export -o out.xls)


@pytest.mark.parametrize("command", [
    ["extract", str(QINGLAN)], ["report", str(QINGLAN)], ["export", str(QINGLAN)],
    ["diff", str(DRAFT), str(FINAL)]])
def test_a_format_that_disagrees_with_the_extension_is_an_error(tmp_path, command):
    result = _refused(*command, "-o", str(tmp_path / "out.csv"), "-f", "json")
    assert "不一致" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_file_format_needs_a_file():
    assert "-o" in _refused("extract", str(QINGLAN), "-f", "xlsx").stderr
    assert "-o" in _refused("report", str(QINGLAN), "-f", "parquet").stderr


def test_choose_reads_extension_format_and_folders(tmp_path):
    assert choose("export", tmp_path / "a.XLSX", None).format == "xlsx"
    assert choose("export", tmp_path / "out", None) == choose("export", tmp_path / "out", "csv")
    assert choose("export", tmp_path / "out", None).folder
    assert choose("extract", tmp_path / "ds", "parquet").folder
    assert not choose("extract", tmp_path / "p.parquet", None).folder
    assert choose("extract", None, None).format == "table"
    assert choose("diff", tmp_path / "d.txt", "table").format == "table"
    for command, path, fmt in (("extract", "x.xls", None), ("export", "x.txt", None),
                               ("diff", "x.csv", "json"), ("extract", "noext", None)):
        with pytest.raises(OutputError):
            choose(command, tmp_path / path, fmt)


def test_export_one_file_per_extension_and_a_folder_without(tmp_path):
    _ok("export", str(QINGLAN), str(CUIPING), "-o", str(tmp_path / "a.csv"))
    rows = _csv(tmp_path / "a.csv")
    frame = extract_corpus([QINGLAN, CUIPING], jobs=1).assignments.collect()
    assert len(rows) == frame.height and list(rows[0]) == [csv_header(c) for c in frame.columns]
    _ok("export", str(QINGLAN), "-o", str(tmp_path / "a.parquet"))
    assert pl.read_parquet(tmp_path / "a.parquet").height == extract_corpus(
        [QINGLAN], jobs=1).assignments.collect().height
    _ok("export", str(QINGLAN), "-o", str(tmp_path / "a.json"))
    assert json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    _ok("export", str(QINGLAN), "-o", str(tmp_path / "frames"))
    assert (tmp_path / "frames").is_dir()
    assert _csv(tmp_path / "frames" / "matrix_lead.csv")
    _ok("export", str(QINGLAN), "-o", str(tmp_path / "book.xlsx"))
    assert "任务分解表" in load_workbook(tmp_path / "book.xlsx").sheetnames


def test_report_writes_its_numbers(tmp_path):
    _ok("report", str(QINGLAN), "--role", "lead", "-o", str(tmp_path / "r.csv"))
    rows = _csv(tmp_path / "r.csv")
    leads = [int(r["牵头任务数"]) for r in rows]
    assert leads == sorted(leads, reverse=True) and leads[0] > 0
    _ok("report", str(QINGLAN), "-o", str(tmp_path / "r.json"))
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert set(data) == {"plans", "agencies", "matrix", "warnings"}
    assert data["plans"][0]["tasks"] == len(taskmap.load_plan(QINGLAN).tasks)
    _ok("report", str(QINGLAN), "-o", str(tmp_path / "r.parquet"))
    assert pl.read_parquet(tmp_path / "r.parquet").height == len(rows)
    _ok("report", str(QINGLAN), "-o", str(tmp_path / "r.txt"))
    assert "概况" in (tmp_path / "r.txt").read_text(encoding="utf-8")
    _ok("report", str(QINGLAN), "-o", str(tmp_path / "r.xlsx"))
    assert "牵头矩阵" in load_workbook(tmp_path / "r.xlsx").sheetnames


def test_diff_writes_every_format(tmp_path):
    data = json.loads(_ok("diff", str(DRAFT), str(FINAL), "-f", "json").stdout)
    for name in ("d.json", "d.csv", "d.parquet", "d.txt", "d.xlsx"):
        assert _ok("diff", str(DRAFT), str(FINAL), "-o", str(tmp_path / name)).stdout == ""
    assert json.loads((tmp_path / "d.json").read_text(encoding="utf-8")) == data
    rows = _csv(tmp_path / "d.csv")
    assert [r["变化"] for r in rows] == [STATUS_LABELS[t["status"]] for t in data["tasks"]]
    changed = next(r for r, t in zip(rows, data["tasks"], strict=True) if t["changes"])
    assert changed["分工变化"].startswith(("牵头", "参与"))
    assert pl.read_parquet(tmp_path / "d.parquet").height == len(data["tasks"])
    assert "任务变化" in (tmp_path / "d.txt").read_text(encoding="utf-8")
    assert load_workbook(tmp_path / "d.xlsx").sheetnames[0] == "变更清单"


def test_a_failed_command_leaves_an_existing_output_as_it_was(tmp_path):
    target = tmp_path / "r.csv"
    target.write_text("mine\n", encoding="utf-8")
    _refused("report", str(QINGLAN), "--area", "没有这个领域", "-o", str(target))
    assert target.read_text(encoding="utf-8") == "mine\n"


def test_aliases_suggest_writes_csv_with_a_bom(tmp_path):
    plan = tmp_path / "plan.txt"
    plan.write_text("1.推进工作。(牵头单位:区某某某中心)\n", encoding="utf-8")
    _ok("aliases", "suggest", str(plan), "-o", str(tmp_path / "rows.csv"))
    assert (tmp_path / "rows.csv").read_bytes().startswith(BOM)
    wrong = run_taskmap("aliases", "suggest", str(plan), "-o", str(tmp_path / "rows.xls"))
    assert wrong.returncode == 2 and ".csv" in wrong.stderr and CJK.search(wrong.stderr)
    assert not (tmp_path / "rows.xls").exists()


# ------------------------------------------------------------------------ 3. each plan once

def _copies(tmp_path: Path) -> Path:
    """A folder with a plan, its GB18030 copy in a subfolder, its .docx, and another plan."""
    from docx import Document

    folder = tmp_path / "plans"
    (folder / "sub" / "deeper").mkdir(parents=True)
    text = QINGLAN.read_text(encoding="utf-8")
    (folder / "a_plan.txt").write_text(text, encoding="utf-8")
    (folder / "sub" / "deeper" / "b_copy_gbk.txt").write_bytes(text.encode("gb18030"))
    doc = Document()
    for line in text.split("\n"):
        doc.add_paragraph(line)
    doc.save(folder / "sub" / "c_copy.docx")
    (folder / "sub" / "d_other.txt").write_text(CUIPING.read_text(encoding="utf-8"),
                                                encoding="utf-8")
    (folder / ".hidden.txt").write_text(text, encoding="utf-8")
    (folder / "~$lock.docx").write_bytes(b"not a plan")
    return folder


def test_a_second_copy_is_skipped_with_a_warning_naming_both(tmp_path):
    folder = _copies(tmp_path)
    result = _ok("report", str(folder), "-f", "json")
    data = json.loads(result.stdout)
    first = str(folder / "a_plan.txt")
    assert [p["plan"] for p in data["plans"]] == [first, str(folder / "sub" / "d_other.txt")]
    for copy in ("sub/c_copy.docx", "sub/deeper/b_copy_gbk.txt"):
        line = next(x for x in result.stderr.splitlines() if str(folder / copy) in x)
        assert first in line and "警告" in line and "已跳过" in line
        assert any(w["plan"] == str(folder / copy) and first in w["reason"]
                   for w in data["warnings"])
    assert ".hidden" not in result.stderr and "~$lock" not in result.stderr
    one = json.loads(_ok("report", str(QINGLAN), "-f", "json").stdout)
    assert {a["agency"]: a["lead"] for a in data["agencies"] if "青岚" in a["agency"]} == {
        a["agency"]: a["lead"] for a in one["agencies"]}
    table = _ok("report", str(folder)).stdout
    assert table.count("已跳过") == 2  # in the report's warnings too


def test_a_workbook_counts_each_plan_once(tmp_path):
    folder = _copies(tmp_path)
    result = _ok("export", str(folder), "-o", str(tmp_path / "b.xlsx"))
    assert result.stderr.count("已跳过") == 2
    book = load_workbook(tmp_path / "b.xlsx")
    sources = {row[-1] for row in book["任务分解表"].iter_rows(min_row=2, values_only=True)}
    assert not any("copy" in str(s) for s in sources)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_the_process_pool_keeps_the_first_in_input_order(tmp_path, jobs):
    folder = _copies(tmp_path)
    out = tmp_path / f"r{jobs}.json"
    _ok("report", str(folder / "sub"), str(folder), "-j", jobs, "-o", str(out))
    data = json.loads(out.read_text(encoding="utf-8"))
    # the subfolder comes first: its .docx is the first copy, the two others are skipped
    assert [p["plan"] for p in data["plans"]] == [str(folder / "sub" / "c_copy.docx"),
                                                   str(folder / "sub" / "d_other.txt")]


def test_jobs_one_and_two_write_the_same_report(tmp_path):
    folder = _copies(tmp_path)
    outs = []
    for jobs in ("1", "2"):
        outs.append(tmp_path / f"r{jobs}.json")
        _ok("report", str(folder), "-j", jobs, "-o", str(outs[-1]))
    assert outs[0].read_bytes() == outs[1].read_bytes()


def test_a_dataset_holds_each_plan_once_and_updates(tmp_path):
    folder = _copies(tmp_path)
    ds = tmp_path / "ds"
    result = _ok("extract", str(folder), "-f", "parquet", "-o", str(ds), "-j", "2")
    assert "2 个重复文件已跳过" in result.stderr and result.stderr.count("已跳过,只计一次") == 2
    corpus = open_dataset(ds)
    assert corpus.plans.collect()["plan"].to_list() == [str(folder / "a_plan.txt"),
                                                         str(folder / "sub" / "d_other.txt")]
    assert sorted(p for p, _ in corpus.duplicates) == [str(folder / "sub" / "c_copy.docx"),
                                                      str(folder / "sub/deeper/b_copy_gbk.txt")]
    (folder / "a_plan.txt").unlink()  # the first is gone: its first copy now counts
    _ok("extract", str(folder), "-f", "parquet", "-o", str(ds), "-j", "1")
    corpus = open_dataset(ds)
    assert sorted(corpus.plans.collect()["plan"]) == [str(folder / "sub" / "c_copy.docx"),
                                                       str(folder / "sub" / "d_other.txt")]
    assert corpus.duplicates == [(str(folder / "sub/deeper/b_copy_gbk.txt"),
                                  str(folder / "sub" / "c_copy.docx"))]
    table = _ok("report", str(ds)).stdout
    assert "b_copy_gbk.txt" in table


def test_the_library_keeps_each_plan_once(tmp_path):
    folder = _copies(tmp_path)
    found = []
    plans, failures = load_many([folder], jobs=1, duplicates=found)
    assert [p.source for p in plans] == [str(folder / "a_plan.txt"),
                                        str(folder / "sub" / "d_other.txt")]
    assert len(found) == 2 and not failures
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert len(taskmap.load_plans([folder])) == 2
    assert len(caught) == 2 and "已跳过" in str(caught[0].message)


def test_the_quick_start_counts_each_demo_plan_once():
    data = json.loads(_ok("report", "data/", "-f", "json").stdout)
    plans = [p["plan"] for p in data["plans"]]
    assert not any(p.endswith(("_gb18030.txt", "_utf16.txt")) for p in plans)
    assert len(plans) == len(set(plans)) == len([p for p in DATA.rglob("*.txt")]) - 2
    cuiping = taskmap.load_plan(CUIPING)
    led = sum(any(a.role == "lead" and a.agency == "翠屏省发展和改革委员会" for a in t.assignments)
              for t in cuiping.tasks)
    row = next(a for a in data["agencies"] if a["agency"] == "翠屏省发展和改革委员会")
    assert row["lead"] == led == 4


# ------------------------------------------------------------------- 7. report options

def test_role_responsible_titles_and_ranks_by_responsible(tmp_path):
    args = ("report", str(QINGLAN), str(CUIPING), "--top", "5")
    text = _ok(*args, "--role", "responsible").stdout
    assert "参与任务排名(前5位)" in text and "牵头任务排名" not in text
    _ok(*args, "--role", "responsible", "-o", str(tmp_path / "r.csv"))
    rows = [r for r in _csv(tmp_path / "r.csv") if r["集合主体"] == "否"]
    shared = [int(r["参与任务数"]) for r in rows]
    assert shared == sorted(shared, reverse=True)
    ranked = text.split("参与任务排名")[1].split("单位 ×")[0]
    first = next(line for line in ranked.splitlines() if line.strip().startswith("1 "))
    assert rows[0]["显示名称"] in first
    assert "牵头任务排名(前5位)" in _ok(*args, "--role", "lead").stdout


def test_an_unknown_area_is_an_error_listing_the_areas(tmp_path):
    result = _refused("report", str(QINGLAN), "--area", "推动产业结构")
    # the areas the report counts by: 保障措施's items (each its own heading) are one
    assert "推动产业结构优化升级" in result.stderr and "保障措施" in result.stderr
    assert "强化监督考核" not in result.stderr
    assert result.stdout == ""
    _refused("report", str(QINGLAN), "--area", "x", "-o", str(tmp_path / "b.xlsx"))
    assert not (tmp_path / "b.xlsx").exists()


def _fits(text: str, headers: tuple[str, ...], width: int = 80) -> None:
    lines = text.splitlines()
    assert max(cell_len(line.rstrip()) for line in lines) <= width
    for header in headers:  # every header on one line, none stacked a character a line
        assert any(header in line for line in lines), header


def test_tables_fit_80_columns(monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    _fits(_ok("report", str(QINGLAN), str(CUIPING)).stdout,
          ("方案", "辖区", "任务", "主体", "待核实", "警告", "分工片段", "序号", "牵头", "参与",
           "涉及领域", "合计"))
    _fits(_ok("extract", str(QINGLAN)).stdout,
          ("序号", "行号", "行动领域", "重点任务", "牵头单位", "责任单位", "完成时限"))
    _fits(_ok("diff", str(DRAFT), str(FINAL)).stdout, ("行动领域", "状态", "重点任务"))
    plan = QINGLAN.parent.parent / "tests" / "corpus"
    warned = next(p for p in sorted(plan.glob("*.txt")) if taskmap.load_plan(p).warnings)
    _fits(_ok("report", str(warned)).stdout, ("行号", "原文", "原因"))


def test_implicit_agencies_are_marked_in_plain_text(monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")
    plan = taskmap.load_plan(QINGLAN)
    implicit = [a for t in plan.tasks for a in t.assignments if a.implicit]
    assert implicit
    text = _ok("extract", str(QINGLAN)).stdout
    assert "\x1b[" not in text
    assert text.count("＊") == len(implicit) + 1  # each implicit agency, and the legend
    assert "＊ 隐含落实单位" in text
    plain = _ok("extract", str(DATA / "songhe_county_task_breakdown.txt")).stdout
    assert "＊" not in plain  # no standing statement: no mark, no legend


# ------------------------------------------------------------------ 1. Chinese for people

def test_every_help_text_is_chinese():
    import typer

    from taskmap.cli import app

    def walk(command, name):
        yield name, command.help
        for param in command.params:
            if param.name != "help":
                yield f"{name} {param.name}", getattr(param, "help", None)
        for sub, child in getattr(command, "commands", {}).items():
            yield from walk(child, f"{name} {sub}")

    found = list(walk(typer.main.get_command(app), "taskmap"))
    assert len(found) > 30
    for where, text in found:
        assert text and CJK.search(text), where


def _string_parts(node) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(_string_parts(v) for v in node.values)
    if isinstance(node, ast.BinOp):
        return _string_parts(node.left) + _string_parts(node.right)
    return ""


def test_every_message_raised_to_users_is_chinese():
    """Every literal message given to a TaskmapError, a BadParameter, a parse warning or an
    alias-table problem, anywhere in the package, holds Chinese."""
    import importlib
    import pkgutil

    from taskmap.errors import TaskmapError

    for info in pkgutil.walk_packages(taskmap.__path__, "taskmap."):
        if info.name != "taskmap.__main__":
            importlib.import_module(info.name)
    names, todo = set(), [TaskmapError]
    while todo:
        cls = todo.pop()
        names.add(cls.__name__)
        todo += cls.__subclasses__()
    argument = {name: 0 for name in names} | {"BadParameter": 0, "ParseWarning": 2,
                                              "Problem": 1, "LimitExceeded": 1}
    checked = 0
    # present/xlsx and present/docx (the workbook and Word writers) are rewritten on another
    # branch (issue 14, points 4-6), which carries its own messages
    for path in sorted(p for p in (ROOT / "taskmap").rglob("*.py")
                       if not p.relative_to(ROOT / "taskmap").as_posix().startswith(
                           ("present/xlsx/", "present/docx/"))):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(
                node.func, "id", None)
            if func not in argument or len(node.args) <= argument[func]:
                continue
            text = _string_parts(node.args[argument[func]])
            if text.strip(" {}:"):
                checked += 1
                assert CJK.search(text), f"{path.relative_to(ROOT)}:{node.lineno}: {text!r}"
    assert checked > 40


def test_errors_are_chinese_lines(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(bytes([0x81, 0x20, 0xFF, 0xFE, 0x81, 0x7F] * 20))
    table = tmp_path / "t.csv"
    table.write_text("alias,canonical\n", encoding="utf-8")
    for args in (["extract", str(tmp_path / "missing.txt")], ["extract", str(bad)],
                 ["report", str(tmp_path / "nothing")],
                 ["extract", str(QINGLAN), "--aliases", str(table)],
                 ["aliases", "check", str(table)]):
        result = run_taskmap(*args)
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert result.stderr.startswith("错误:") or "错误:" in result.stderr, result.stderr
        assert CJK.search(result.stderr.split("错误:")[1]), result.stderr


def test_readme_has_a_chinese_guide_with_an_offline_windows_install():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for words in ("安装", "使用", "常见问题", "内网",
                  "pip download --platform win_amd64 --python-version 3.11 --only-binary=:all:",
                  "pip install --no-index --find-links wheels taskmap"):
        assert words in readme, words


@pytest.mark.parametrize("command", ["extract", "report", "export"])
def test_docx_by_extension_is_the_word_task_table(tmp_path, command):
    """`-o 分解表.docx` writes the Word 任务分解表 from every command that reads plans."""
    from docx import Document

    from taskmap.pipeline import load_plan

    out = tmp_path / "分解表.docx"
    plan = ROOT / "data" / "qinglan_city_industry_plan.txt"
    result = run_taskmap(command, str(plan), "-o", str(out))
    assert result.returncode == 0, result.stderr
    cells = [c.text for t in Document(str(out)).tables for r in t.rows for c in r.cells]
    for task in load_plan(plan).tasks:
        assert any(c.startswith(task.title) for c in cells), task.title


def test_diff_docx_by_extension_is_the_change_table(tmp_path):
    from docx import Document

    out = tmp_path / "修改对照表.docx"
    result = run_taskmap("diff", str(DRAFT), str(FINAL), "-o", str(out))
    assert result.returncode == 0, result.stderr
    document = Document(str(out))
    text = "\n".join(p.text for p in document.paragraphs)
    assert DRAFT.name in text and FINAL.name in text
    assert any(r.font.strike for t in document.tables for row in t.rows for c in row.cells
               for p in c.paragraphs for r in p.runs)
