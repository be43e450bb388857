"""A user's file is never lost, and the tool never falls over: outputs are written whole or
not at all and never onto an input; interrupts, a full disk and two writers at once leave a
whole file; command-line mistakes are a usage line and exit 2; plan text is never markup."""

from __future__ import annotations

import os
import re
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import DATA, ROOT, run_taskmap
from openpyxl import load_workbook

PLAN = DATA / "qinglan_city_industry_plan.txt"


def _copy(tmp_path: Path, name: str = "plan.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(PLAN.read_bytes())
    return path


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


def test_output_onto_the_input_is_refused_before_any_work(tmp_path):
    plan = _copy(tmp_path)
    before = plan.read_bytes()
    result = run_taskmap("extract", str(plan), "-o", str(plan))
    assert result.returncode == 1 and "输出文件与输入文件相同" in result.stderr
    assert plan.read_bytes() == before
    aliases = tmp_path / "rows.csv"
    aliases.write_text("alias,canonical,scope\n星火办,芸溪区星火办公室,body\n", encoding="utf-8")
    kept = aliases.read_bytes()
    result = run_taskmap("aliases", "suggest", str(plan), "--aliases", str(aliases),
                         "-o", str(aliases))
    assert result.returncode == 1 and aliases.read_bytes() == kept
    result = run_taskmap("diff", str(plan), str(plan), "-o", str(plan))
    assert result.returncode == 1 and plan.read_bytes() == before


def test_a_folder_output_never_overwrites_a_plan_inside_it(tmp_path):
    table = tmp_path / "tasks.csv"  # a task table named like one of export's files
    table.write_text("序号,重点任务,牵头单位,责任单位\n1,推进某项工作,区发改委,区财政局\n",
                     encoding="utf-8")
    result = run_taskmap("export", str(table), "-o", str(tmp_path), "-f", "csv")
    assert result.returncode == 1 and "tasks.csv" in result.stderr
    assert "推进某项工作" in table.read_text(encoding="utf-8")


def _export(args: list[str], **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "taskmap", "export", *args], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def _corpus(tmp_path: Path, n: int) -> Path:
    folder = tmp_path / "plans"
    folder.mkdir()
    text = PLAN.read_text(encoding="utf-8")
    for k in range(n):
        (folder / f"p{k:03d}.txt").write_text(text.replace("青岚市", f"青岚{k}市"),
                                              encoding="utf-8")
    return folder


def _children(pid: int) -> list[int]:
    """The processes `pid` started (read from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _hears_ctrl_c(pid: int) -> bool:
    """Does `pid` have a handler for SIGINT now (caught, not ignored)?"""
    masks = dict(line.split(":\t") for line in
                 Path(f"/proc/{pid}/status").read_text().splitlines() if ":\t" in line)
    bit = 1 << (signal.SIGINT - 1)
    return bool(int(masks["SigCgt"], 16) & bit) and not int(masks["SigIgn"], 16) & bit


def _reading(proc: subprocess.Popen) -> bool:
    """The command runs and reads plans: it has started its workers (with Ctrl-C ignored
    for that moment) and hears Ctrl-C again; nothing is written before the plans are read."""
    return bool(_children(proc.pid)) and _hears_ctrl_c(proc.pid)


def _wait_until(done, proc: subprocess.Popen, running: bool = True) -> None:
    deadline = time.monotonic() + 120
    while not done():
        if running:
            assert proc.poll() is None, proc.communicate()[1]
        assert time.monotonic() < deadline
        time.sleep(0.002)


proc_only = pytest.mark.skipif(not Path("/proc/self/status").is_file(),
                               reason="watches the process through /proc (Linux)")


@proc_only
def test_an_interrupt_leaves_the_old_file_whole_and_exits_130(tmp_path):
    """Ctrl-C while the plans are read: the old file stays as it was, byte for byte."""
    plans = _corpus(tmp_path, 60)
    out = tmp_path / "分工统计.xlsx"
    assert run_taskmap("export", str(PLAN), "-o", str(out)).returncode == 0
    before = out.read_bytes()
    proc = _export([str(plans), "-o", str(out), "-j", "2"])
    _wait_until(lambda: _reading(proc), proc)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "已中断;没有写出不完整的文件" in err and "Traceback" not in err
    assert out.read_bytes() == before and _leftovers(tmp_path) == []


@proc_only
def test_an_interrupt_after_the_file_is_in_place_exits_0_and_says_so(tmp_path):
    """Ctrl-C the moment the new file has replaced the old one (or later): the command did
    its work, so it exits 0, never 130 with the file changed; the file is the whole new one."""
    plans = _corpus(tmp_path, 60)
    whole = tmp_path / "uninterrupted.xlsx"
    assert run_taskmap("export", str(plans), "-o", str(whole)).returncode == 0
    out = tmp_path / "分工统计.xlsx"
    assert run_taskmap("export", str(PLAN), "-o", str(out)).returncode == 0
    old = out.stat().st_ino
    proc = _export([str(plans), "-o", str(out), "-j", "2"])
    _wait_until(lambda: proc.poll() is not None or out.stat().st_ino != old, proc, False)
    proc.send_signal(signal.SIGINT)  # nothing, if the command has ended meanwhile
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert "Traceback" not in err and "没有写出不完整的文件" not in err
    assert out.read_bytes() == whole.read_bytes() and _leftovers(tmp_path) == []


def test_a_ctrl_c_while_a_file_is_put_in_place_comes_after_it_is_counted(tmp_path):
    """A real SIGINT inside the moment an output is put in place is raised after it, not in
    the middle; the file is then counted as placed."""
    from taskmap import safe

    count = safe.placed()[0]
    reached = []
    with pytest.raises(KeyboardInterrupt), safe._held_back():
        os.kill(os.getpid(), signal.SIGINT)
        for _ in range(1000):  # a handler runs between any two of these steps
            reached.append(1)
        safe._count(tmp_path)
    assert len(reached) == 1000 and safe.placed() == (count + 1, tmp_path)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_the_status_of_a_ctrl_c_follows_what_was_put_in_place(tmp_path, capsys):
    from taskmap.cli import _interrupted
    from taskmap.safe import placed, write_text

    start = placed()[0]
    assert _interrupted(start) == 130
    assert "已中断;没有写出不完整的文件" in capsys.readouterr().err
    write_text(tmp_path / "out.txt", "whole")
    assert _interrupted(start) == 0
    assert f"中断前已完整写出 {tmp_path / 'out.txt'}" in capsys.readouterr().err


def _limit_file_size(limit: int):
    def apply():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


@pytest.mark.parametrize("part", [2, 5])  # the limit met while a sheet is being written, too
def test_a_full_disk_leaves_the_old_file_and_says_so_in_one_line(tmp_path, part):
    out = tmp_path / "out.xlsx"
    assert run_taskmap("export", str(PLAN), "-o", str(out)).returncode == 0
    good = out.read_bytes()
    plans = _corpus(tmp_path, 8)
    proc = _export([str(plans), "-o", str(out)], preexec_fn=_limit_file_size(len(good) // part))
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 1, err
    assert len(err.strip().splitlines()) == 1 and f"{out}: 无法写入" in err
    assert "原有文件未作改动" in err
    assert out.read_bytes() == good and _leftovers(tmp_path) == []


def test_a_full_disk_while_writing_text_output(tmp_path):
    out = tmp_path / "out.json"
    out.write_text("old\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "taskmap", "extract", str(PLAN), "-f", "json",
                           "-o", str(out)], cwd=ROOT, capture_output=True, text=True,
                          preexec_fn=_limit_file_size(4096))
    assert proc.returncode == 1 and len(proc.stderr.strip().splitlines()) == 1
    assert out.read_text(encoding="utf-8") == "old\n" and _leftovers(tmp_path) == []


def test_two_writers_at_once_leave_a_whole_workbook(tmp_path):
    plans = _corpus(tmp_path, 10)
    out = tmp_path / "same.xlsx"
    for _ in range(3):
        procs = [_export([str(plans), "-o", str(out)]) for _ in range(2)]
        for proc in procs:
            _, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err
        wb = load_workbook(out, read_only=True)
        assert "任务分解表" in wb.sheetnames
        wb.close()
        assert _leftovers(tmp_path) == []


ENGLISH = re.compile(r"Missing|No such|Invalid value|unexpected extra|requires an argument|"
                     r"does not take|Usage|Error|Try ")


@pytest.mark.parametrize(("args", "said"), [
    (["extract"], "缺少参数 方案"),
    (["extract", str(PLAN), "--format", "xml"], "--format/-f 的值无效:“xml”不是可选的值"),
    (["report", str(PLAN), "--top", "0"], "--top 的值无效:“0”须不小于 1"),
    (["report", str(PLAN), "--top", "x"], "--top 的值无效:“x”不是整数"),
    (["report", str(PLAN), "--role", "boss"], "可选:all、lead、responsible"),
    (["serve", "--port", "99999"], "须不大于 65535"),
    (["frob"], "没有命令 frob"), (["extrct"], "是否想用 extract"),
    (["aliases", "frob"], "没有命令 frob"),
    (["export", str(PLAN)], "缺少选项 --output/-o"), (["diff", str(PLAN)], "缺少参数 后一稿"),
    (["diff", str(PLAN), str(PLAN), str(PLAN)], f"多余的参数:{PLAN}"),
    (["extract", str(PLAN), "--nope"], "没有选项 --nope"),
    (["extract", str(PLAN), "--fromat", "json"], "是否想用 --format"),
    (["extract", str(PLAN), "-o"], "选项 -o 后面缺少值"),
    (["--debug=yes", "extract", str(PLAN)], "选项 --debug 不带值"),
])
def test_command_line_mistakes_are_a_chinese_usage_line_and_exit_2(args, said):
    result = run_taskmap(*args)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) <= 2
    assert said in result.stderr and not ENGLISH.search(result.stderr), result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 or lines[0].startswith("用法:taskmap"), result.stderr


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
@pytest.mark.parametrize("args", [
    ["extract", str(PLAN)], ["extract", str(PLAN), "-f", "json"],
    ["extract", str(PLAN), "-f", "csv"], ["report", str(PLAN), "-f", "json"],
    ["diff", str(PLAN), str(PLAN)], ["aliases", "show", str(PLAN), "-f", "csv"], ["--version"],
])
def test_stdout_on_a_full_device_is_one_line_naming_it(args):
    with open("/dev/full", "w") as full:
        result = subprocess.run([sys.executable, "-m", "taskmap", *args], cwd=ROOT,
                                stdout=full, stderr=subprocess.PIPE, text=True)
    assert result.returncode == 1, result.stderr
    assert result.stderr.strip() == "错误:标准输出: 无法写入:磁盘已满", result.stderr


def _fsize_limited(limit: int):
    def apply():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write over the limit fails, EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


@pytest.mark.parametrize(("args", "named"), [
    (["export", "{plans}", "-o", "{out}/out.parquet"], "{out}/out.parquet"),
    (["export", "{plans}", "-o", "{out}/out.xlsx"], "{out}/out.xlsx"),
    (["export", "{plans}", "-o", "{out}/out.docx"], "{out}/out.docx"),
    (["export", "{plans}", "-o", "{out}/frames", "-f", "parquet"], "{out}/frames"),
    (["extract", "{plans}", "-f", "parquet", "-o", "{out}/dataset"], "{out}/dataset"),
    (["report", "{plans}", "-o", "{out}/report.json"], "{out}/report.json"),
])
def test_a_file_size_limit_is_one_chinese_line_naming_the_file(tmp_path, args, named):
    """Parquet (polars' ComputeError), the workbook (lxml's IO_EFBIG), the Word file, a
    folder of frames and a dataset under RLIMIT_FSIZE: one line, the file, the reason."""
    plans = _corpus(tmp_path, 8)
    out = tmp_path / "out"
    out.mkdir()
    fill = {"plans": str(plans), "out": str(out)}
    proc = subprocess.run([sys.executable, "-m", "taskmap", *(a.format(**fill) for a in args)],
                          cwd=ROOT, capture_output=True, text=True,
                          preexec_fn=_fsize_limited(2048))
    lines = [line for line in proc.stderr.strip().splitlines() if not line.startswith("警告")]
    assert proc.returncode == 1 and len(lines) == 1, proc.stderr
    # the file, or for a dataset the part file inside it the limit stopped
    assert lines[0].startswith(f"错误:{named.format(**fill)}"), lines
    assert ": 无法写入:超过文件大小上限" in lines[0], lines
    assert "内部错误" not in proc.stderr and "Traceback" not in proc.stderr


@proc_only
@pytest.mark.parametrize("wait", [0.0, 0.05, 0.2])
def test_a_ctrl_c_while_the_command_is_still_starting_is_130_and_one_line(tmp_path, wait):
    """Ctrl-C while the command line is still importing what it needs: once the package
    is being imported (a library it loads is mapped into the process), Ctrl-C at any
    moment ends it with 130 and one line, never a traceback or -2."""
    plans = _corpus(tmp_path, 3)
    proc = subprocess.Popen([sys.executable, "-m", "taskmap", "report", str(plans)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _wait_until(lambda: _importing(proc.pid), proc)
    time.sleep(wait)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130 and out == "", (proc.returncode, err)
    assert err == "已中断;没有写出不完整的文件\n", err


def _importing(pid: int) -> bool:
    """Has `pid` begun importing taskmap's libraries (text conversion, XML, fuzzy matching)?"""
    maps = Path(f"/proc/{pid}/maps").read_text()
    return any(name in maps for name in ("opencc", "lxml", "rapidfuzz"))


def test_failures_are_one_line_and_exit_1_and_debug_shows_the_traceback(tmp_path):
    missing = tmp_path / "missing.txt"
    result = run_taskmap("extract", str(missing))
    assert result.returncode == 1 and len(result.stderr.strip().splitlines()) == 1
    debug = run_taskmap("--debug", "extract", str(missing))
    assert debug.returncode == 1 and "Traceback" in debug.stderr


def test_plan_text_and_file_names_are_never_markup(tmp_path):
    plan = tmp_path / "[red]x[red] [bold] :smile:.txt"
    plan.write_text("1.推进[/bold]工作[link=x]。(牵头单位:区发改委[/]; 责任单位:区财政局)\n"
                    "2.开展活动。(牵头单位:区文旅局)\n", encoding="utf-8")
    env = {**os.environ, "COLUMNS": "400"}
    for command in ("extract", "report"):
        result = subprocess.run([sys.executable, "-m", "taskmap", command, str(plan)], cwd=ROOT,
                                capture_output=True, text=True, env=env)
        assert result.returncode == 0, result.stderr
        assert "[red]x[red] [bold] :smile:" in result.stdout, command
    extract = subprocess.run([sys.executable, "-m", "taskmap", "extract", str(plan)], cwd=ROOT,
                             capture_output=True, text=True, env=env).stdout
    assert "推进[/bold]工作[link=x]" in extract and "区发改委[/]" in extract


@proc_only
def test_the_exit_status_of_an_interrupted_read_is_130(tmp_path):
    """Ctrl-C while plans are read on several cores (not only while writing): a terminal
    sends it to every process of the group, the pool's workers included."""
    plans = _corpus(tmp_path, 3000)
    proc = subprocess.Popen([sys.executable, "-m", "taskmap", "report", "-j", "2", str(plans)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "COLUMNS": "100"}, start_new_session=True)
    _wait_until(lambda: _reading(proc), proc)
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130 and "已中断" in err and "Traceback" not in err


_EVAL_INTERRUPTED = """
import sys
import taskmap.cli as cli
inner = cli.run
def run(args):
    eval("(_ for _ in ()).throw(KeyboardInterrupt)")  # a Ctrl-C inside code run from a string
    return inner(args)
cli.run = run
sys.argv = ["taskmap", "extract", sys.argv[1]]
cli.main()
"""


def test_a_ctrl_c_caught_inside_code_run_from_a_string_still_exits_130(tmp_path):
    """typer evaluates annotations from strings: a Ctrl-C that lands there marks the
    process as ended by an unhandled Ctrl-C, and Python would kill itself with SIGINT on
    the way out (-2) after the command had said its line and chosen 130."""
    package = tmp_path / "interrupted"  # run as `python -m`, as the command is: `-c` ends
    package.mkdir()                       # through another door, which skips the mark
    (package / "__init__.py").write_text("")
    (package / "__main__.py").write_text(_EVAL_INTERRUPTED, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)])}
    proc = subprocess.run([sys.executable, "-m", "interrupted", str(_copy(tmp_path))],
                          cwd=ROOT, capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 130, (proc.returncode, proc.stderr)
    assert proc.stderr == "已中断;没有写出不完整的文件\n" and proc.stdout == ""
