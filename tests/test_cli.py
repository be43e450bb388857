"""The command line: same data as the library, every format, clear one-line errors."""

from __future__ import annotations

import csv
import io
import json

import pytest
from conftest import ROOT, run_taskmap

import taskmap
from taskmap.present.files import to_json

SAMPLE = ("一、重点任务\n(一)节能改造\n1.实施锅炉改造。完成淘汰任务。(牵头单位:市发展改革委,"
          "责任单位:市工业和信息化局)\n2.推进园区改造。实施改造。(牵头单位:)\n")


def _sample(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_text(SAMPLE, encoding="utf-8")
    return path


def test_json_equals_the_library_result(tmp_path):
    path = _sample(tmp_path)
    out = run_taskmap("extract", str(path), "--format", "json", check=True).stdout
    assert json.loads(out) == taskmap.load_plan(path).to_dict()


def test_json_is_byte_identical_across_runs(tmp_path):
    path = _sample(tmp_path)
    first = run_taskmap("extract", str(path), "--format", "json", check=True).stdout
    second = run_taskmap("extract", str(path), "--format", "json", check=True).stdout
    assert first == second == to_json(taskmap.load_plan(path))


def test_warnings_reach_every_format(tmp_path):
    path = _sample(tmp_path)
    data = json.loads(run_taskmap("extract", str(path), "-f", "json", check=True).stdout)
    assert [w["line"] for w in data["warnings"]] == [4]
    rows = list(csv.DictReader(io.StringIO(
        run_taskmap("extract", str(path), "-f", "csv", "--csv-keys", "en",
                    check=True).stdout)))
    assert [r["line"] for r in rows if r["kind"] == "warning"] == ["4"]
    assert {r["raw"] for r in rows if r["kind"] == "assignment"} == {
        "市发展改革委", "市工业和信息化局"}
    table = run_taskmap("extract", str(path), check=True).stdout
    assert "解析警告" in table and "牵头单位" in table


def test_table_in_a_pipe_has_no_escape_codes(tmp_path):
    out = run_taskmap("extract", str(_sample(tmp_path))).stdout
    assert "\x1b[" not in out and "任务分解表" in out


def test_output_file(tmp_path):
    target = tmp_path / "out.json"
    run_taskmap("extract", str(_sample(tmp_path)), "-f", "json", "-o", str(target), check=True)
    assert json.loads(target.read_text(encoding="utf-8"))["tasks"]


def test_csv_cells_never_become_formulas(tmp_path):
    path = tmp_path / "evil.txt"
    path.write_text("1.任务。(牵头单位:=HYPERLINK(\"x\")局)\n", encoding="utf-8")
    out = run_taskmap("extract", str(path), "-f", "csv", check=True).stdout
    assert "'=HYPERLINK" in out


def test_bad_input_is_one_line_and_non_zero(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(bytes([0x81, 0x20, 0xFF, 0xFE, 0x81, 0x7F] * 20))
    for target in (tmp_path / "missing.txt", bad, tmp_path):
        result = run_taskmap("extract", str(target), "-f", "json")
        assert result.returncode != 0
        assert result.stdout == ""
        assert "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert str(target.name) in result.stderr


@pytest.mark.parametrize("command", [["extract"], ["report"], ["export"], ["diff"],
                                     ["aliases", "check"], ["aliases", "show"],
                                     ["aliases", "suggest"]])
def test_every_command_has_help(command):
    assert command[0] in run_taskmap("--help", check=True).stdout
    out = run_taskmap(*command, "--help", check=True).stdout
    assert "用法:taskmap" in out and len(out.strip().splitlines()) > 4


def test_readme_commands_name_files_that_exist():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in ("data/", "pip install"):
        assert name in readme


@pytest.mark.parametrize("command", [["extract"], ["report"], ["export"], ["diff"],
                                     ["aliases", "show"], ["aliases", "suggest"],
                                     ["extract", "--frob"], ["report", "--jobs", "0", "x"],
                                     ["report", "--by", "place", "x"], ["serve", "-p", "-1"]])
def test_every_command_says_its_usage_mistakes_in_chinese(command, capsys):
    """In process, through `cli.run`: every command's own mistakes (a missing argument or
    option, an unknown option, a value out of range or not a choice) are exit 2, a Chinese
    usage line and one Chinese line naming the option or argument."""
    from taskmap.cli import run

    assert run(command) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and err[0].startswith(f"用法:taskmap {command[0]}"), err
    assert err[1].startswith("错误:") and "--help 查看用法" in err[1], err
    assert not any(word in err[1] for word in ("Missing", "No such", "Invalid", "Error")), err


def test_a_glob_pattern_may_be_absolute_and_match_nothing(tmp_path):
    """`taskmap report '/abs/path/*.txt'`: read like a relative one; matching nothing is one
    Chinese line, not an internal error (Path.glob refuses absolute patterns)."""
    (tmp_path / "a.txt").write_text("1.推进某项工作。(牵头单位:区发改委)\n", encoding="utf-8")
    found = run_taskmap("report", str(tmp_path / "*.txt"))
    assert found.returncode == 0 and "区发改委" in found.stdout, found.stderr
    none = run_taskmap("report", str(tmp_path / "41*"))
    assert none.returncode == 1 and "内部错误" not in none.stderr
    assert none.stderr.strip().startswith("错误:") and "未找到方案文件" in none.stderr
