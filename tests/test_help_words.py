"""Every word of the command line in Chinese: `taskmap --help` and each command's help (no
English of click, typer or rich; `[web]` shown; at 80 columns nothing cut with `…` and no
Latin word broken), and ten typical mistakes, each said in one Chinese line."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from conftest import DATA, ROOT
from rich.cells import cell_len

from taskmap.cli import app
from taskmap.present.help import paragraphs, wrap

PLAN = DATA / "qinglan_city_industry_plan.txt"
COMMANDS = [[], ["extract"], ["report"], ["export"], ["diff"], ["track"], ["serve"],
            ["aliases"], ["aliases", "check"], ["aliases", "show"], ["aliases", "suggest"]]
# what click, typer and rich say in English in a help page or a message
ENGLISH = ("Usage", "Options", "Arguments", "Commands", "Show this message", "default",
           "required", "[OPTIONS]", "COMMAND", "[ARGS]", "<bool>", "<str>", "<int", "<path>",
           "list[", "Path", "PLANS", "BOOKS", "TABLES", "OLD", "NEW", "Error", "Try ",
           "Aborted", "env var", "deprecated", "x>=", "TEXT", "INTEGER", "Missing", "No such",
           "Did you mean", "Invalid value", "is not", "unexpected", "extra argument",
           "requires an argument", "does not take", "dynamic")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
CJK = re.compile(r"[\u4e00-\u9fff]")


def _run(*args: str, columns: int = 80, cwd=None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": str(columns),
           "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "taskmap", *args], capture_output=True,
                          text=True, env=env, cwd=cwd, timeout=120)


def _click_command(path: list[str]):
    """The click command of `taskmap <path>` (to read its help texts as written)."""
    import typer

    command = typer.main.get_command(app)
    for name in path:
        command = command.commands[name]  # type: ignore[attr-defined]
    return command


def _sources(path: list[str]) -> str:
    """Every help text the page of `path` is drawn from."""
    command = _click_command(path)
    texts = [command.help or ""]
    texts += [getattr(p, "help", "") or "" for p in command.params]
    texts += [(c.help or "") for c in getattr(command, "commands", {}).values()]
    return " ".join(" ".join(paragraphs(t)) for t in texts)


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "taskmap")
def test_help_is_chinese_and_fits_80_columns(path):
    result = _run(*path, "--help")
    assert result.returncode == 0, result.stderr
    page = result.stdout
    for phrase in ENGLISH:
        assert phrase not in page, phrase
    assert "…" not in page
    assert max(cell_len(line) for line in page.splitlines()) <= 80
    assert "用法:taskmap" in page and "选项" in page and "显示本帮助并退出" in page
    # no Latin word broken across lines: each one of the help texts is whole on the page
    for word in set(LATIN_WORD.findall(_sources(path))):
        assert page.count(word) >= _sources(path).count(word), word
    assert "C SV" not in page and not re.search(r"C\s*│\s*\n\s*│\s*SV", page)


def test_every_command_draws_the_chinese_help():
    """A command added later without `cls=HelpCommand` would get typer's English help."""
    from taskmap.cli import HelpCommand, HelpGroup

    def walk(command, path):
        assert isinstance(command, (HelpCommand, HelpGroup)), " ".join(path)
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, [*path, name])
            assert [*path, name] in COMMANDS, name  # its help is checked above

    walk(_click_command([]), [])


def test_help_shows_brackets_and_defaults_and_required():
    serve = _run("serve", "--help").stdout
    assert "pip install 'taskmap[web]'" in serve and "[默认:8765]" in serve
    assert "taskmap[dask]" in _run("extract", "--help").stdout
    export = _run("export", "--help").stdout
    assert "[必填]" in export and "[默认:canonical]" in export
    assert "用法:taskmap diff [选项] 前一稿 后一稿" in _run("diff", "--help").stdout
    assert _run("diff", "-h").stdout == _run("diff", "--help").stdout  # -h too


@pytest.mark.parametrize("columns", [50, 80, 120, 200])
def test_help_fits_every_width(columns):
    for path in (["extract"], ["report"], []):
        page = _run(*path, "--help", columns=columns).stdout
        assert "…" not in page
        assert max(cell_len(line) for line in page.splitlines()) <= min(columns, 100)


def test_a_group_without_a_command_shows_its_help_and_no_error():
    result = _run("aliases")
    assert result.returncode == 2 and "用法:taskmap aliases" in result.stdout
    assert "错误" not in result.stderr and "Usage" not in result.stdout + result.stderr


# ------------------------------------------------------------------------ wrapping


@pytest.mark.parametrize("width", range(6, 40))
def test_wrap_breaks_between_chinese_characters_never_inside_a_word(width):
    text = ("列出方案的每个任务分工,输出为表格、JSON、CSV、Parquet 或 Excel;需要安装网页组件:"
            "pip install 'taskmap[web]'。[默认:zh]")
    lines = wrap(text, width)
    assert all(cell_len(line) <= width for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    for word in ("JSON", "CSV", "Parquet", "Excel", "[默认:zh]", "'taskmap[web]'"):
        if cell_len(word) <= width - 2:
            assert any(word in line for line in lines), (word, lines)
    for line in lines[1:]:
        assert line[:1] not in ",。、;:)", lines  # closing punctuation never starts a line


# ------------------------------------------------------------------- ten mistakes

MISTAKES = {
    "unknown command with a near name": (["extact", "plan.txt"], "extract"),
    "missing -o where required": (["export", "plan.txt"], "--output"),
    "bad choice": (["extract", "plan.txt", "-f", "exel"], "xlsx"),
    "missing argument": (["extract"], "方案"),
    "unknown option": (["extract", "plan.txt", "--ouput", "x.csv"], "--output"),
    "bad int": (["report", "plan.txt", "--top", "ten"], "整数"),
    "file missing": (["extract", "nosuch.txt"], "不存在"),
    "bad extension": (["extract", "plan.txt", "-o", "x.doc"], ".doc"),
    "too many args": (["diff", "plan.txt", "plan.txt", "plan.txt"], "多余"),
    "--title with a folder": (["report", "--title", "标题", "."], "--title"),
    # and one more: options of taskmap itself, no command
    "missing command": (["--debug"], "缺少命令"),
}
# identifiers a message may name: commands, options, formats, file names
IDENTIFIERS = re.compile(r"--?[A-Za-z][\w-]*|taskmap|extract|report|export|diff|track|serve|"
                         r"aliases|\S*\.\w+|"
                         r"table|json|csv|parquet|xlsx|docx|txt")


@pytest.mark.parametrize("name", list(MISTAKES))
def test_a_typical_mistake_is_one_chinese_line(name, tmp_path):
    args, said = MISTAKES[name]
    (tmp_path / "plan.txt").write_bytes(PLAN.read_bytes())
    (tmp_path / "other.txt").write_bytes(PLAN.read_bytes())
    result = _run(*args, cwd=tmp_path)
    assert result.returncode in (1, 2), result.stderr
    lines = result.stderr.strip().splitlines()
    errors = [line for line in lines if line.startswith("错误:")]
    assert len(errors) == 1 and len(lines) <= 2, lines
    assert all(line.startswith("用法:") for line in lines if line not in errors), lines
    assert said in errors[0]
    for phrase in ENGLISH:
        assert phrase not in result.stderr, phrase
    rest = IDENTIFIERS.sub("", result.stderr.replace("ten", "").replace("exel", "")
                           .replace("extact", "").replace("ouput", ""))
    assert not LATIN_WORD.search(rest), rest
    assert CJK.search(errors[0]) and "Traceback" not in result.stderr
