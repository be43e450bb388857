"""Datasets that survive concurrent, interrupted and broken runs, and workers that end with
their parent: one writer at a time (a second is refused in one line; the lock dies with its
holder); an interrupted first run is taken up by the next; a plan file that cannot be
opened is listed and skipped; a corrupt manifest, or one naming part files that are gone,
is refused in one Chinese line by readers and mended by the next run; after kill -9 of a
run on two cores, no process of it remains. Generated plans only, with real processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest
from conftest import LEADERS_PLAN, ROOT
from polars.testing import assert_frame_equal

from taskmap import corpus, workers
from taskmap.corpus import LOCK, MANIFEST, DatasetError, open_dataset, write_dataset

LINUX = pytest.mark.skipif(not Path("/proc/self/stat").is_file(), reason="reads /proc (Linux)")


def _plans(folder: Path, count: int) -> Path:
    """`count` small invented plans, each of its own text."""
    folder.mkdir(parents=True)
    for k in range(count):
        (folder / f"plan-{k:04d}.txt").write_text(f"{LEADERS_PLAN}（第{k + 1}份）\n",
                                                  encoding="utf-8")
    return folder


def _start(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "taskmap", *args], cwd=ROOT, text=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env={**os.environ, "COLUMNS": "160"})


def _taskmap(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "taskmap", *args], cwd=ROOT, text=True,
                          capture_output=True, env={**os.environ, "COLUMNS": "160"})


def _frames(folder: Path) -> dict[str, pl.DataFrame]:
    stored = open_dataset(folder)
    return {name: getattr(stored, name).collect() for name in corpus.TABLES}


def _one_chinese_line(stderr: str, *words: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr and "内部错误" not in stderr
    assert all(w in lines[0] for w in words), lines[0]
    return lines[0]


# ----------------------------------------------------------------------------- processes

def _stat(pid: int) -> tuple[int, str, int] | None:
    """(parent pid, state, start time) of a process, None when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return int(fields[1]), fields[0], int(fields[19])


def _descendants(root: int) -> dict[int, int]:
    """pid → start time of every process below `root`."""
    found: dict[int, int] = {}
    parents = {root}
    while parents:
        below = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit() and (st := _stat(int(entry.name))) and st[0] in parents:
                below[int(entry.name)] = st[2]
        parents = set(below) - set(found)
        found.update(below)
    return found


def _alive(pid: int, started: int) -> bool:
    """The same process (not a later one with its pid), not yet ended (a zombie has)."""
    st = _stat(pid)
    return st is not None and st[2] == started and st[1] not in "ZX"


def _kill_when_workers_run(run: subprocess.Popen, wanted: int = 2) -> dict[int, int]:
    """kill -9 `run` once it has `wanted` processes below it (the resource tracker and a
    worker); those processes."""
    deadline = time.monotonic() + 60
    while len(found := _descendants(run.pid)) < wanted:
        assert run.poll() is None, f"the run ended before its workers were seen: {run.stderr}"
        assert time.monotonic() < deadline, "no workers started"
        time.sleep(0.02)
    time.sleep(0.3)  # reading now
    found = _descendants(run.pid)
    assert run.poll() is None, "the run ended before it could be killed: give it more plans"
    run.kill()
    run.wait()
    return found


def _left(found: dict[int, int], seconds: float = 10) -> list[int]:
    """The processes of `found` still alive after up to `seconds`."""
    deadline = time.monotonic() + seconds
    while (alive := [p for p, t in found.items() if _alive(p, t)]) and \
            time.monotonic() < deadline:
        time.sleep(0.05)
    for pid in alive:  # ours: not to outlive the test either
        os.kill(pid, signal.SIGKILL)
    return alive


@LINUX
@pytest.mark.parametrize("command", ["report", "extract"])
def test_no_process_of_a_run_outlives_its_kill_9(tmp_path, command):
    plans = _plans(tmp_path / "plans", 400)
    out = ["-f", "parquet", "-o", str(tmp_path / "ds")] if command == "extract" else []
    found = _kill_when_workers_run(_start(command, str(plans), *out, "-j", "2"))
    assert len(found) >= 2  # a worker and the resource tracker
    assert _left(found) == []


@LINUX
def test_a_worker_whose_parent_is_killed_ends_without_the_kernels_help(tmp_path):
    """The portable way (a thread that looks at the parent), alone: a process started by a
    thread other than the main one gets no PR_SET_PDEATHSIG, and still ends."""
    child = ("import sys, time; from taskmap import workers; "
             "workers.die_with(int(sys.argv[1]), deathsig=False); time.sleep(120)")
    parent = ("import os, subprocess, sys, time; "
              f"p = subprocess.Popen([sys.executable, '-c', {child!r}, str(os.getpid())]); "
              "print(p.pid, flush=True); time.sleep(120)")
    run = subprocess.Popen([sys.executable, "-c", parent], cwd=ROOT, text=True,
                           stdout=subprocess.PIPE)
    assert run.stdout is not None
    pid = int(run.stdout.readline())
    time.sleep(3 * workers.WATCH)  # started and watching
    stat = _stat(pid)
    assert stat is not None and _alive(pid, stat[2])  # alive while its parent is
    run.kill()
    run.wait()
    assert _left({pid: stat[2]}) == []


# ----------------------------------------------------------------------------- one writer

def test_a_second_run_while_one_holds_the_dataset_is_refused_and_the_lock_dies_with_it(
        tmp_path):
    plans = _plans(tmp_path / "plans", 6)
    out = tmp_path / "ds"
    assert write_dataset([plans], out, jobs=1)["read"] == 6
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys; from pathlib import Path; "
         "from taskmap.corpus import _locked\n"
         "with _locked(Path(sys.argv[1])):\n    print('held', flush=True); sys.stdin.read()",
         str(out)], cwd=ROOT, text=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        (plans / "plan-0000.txt").write_text(LEADERS_PLAN, encoding="utf-8")
        refused = _taskmap("extract", str(plans), "-f", "parquet", "-o", str(out))
        assert refused.returncode == 1
        _one_chinese_line(refused.stderr, str(out), "正在写", f"进程 {holder.pid}")
        with pytest.raises(DatasetError, match="正在写"):
            write_dataset([plans], out, jobs=1)
        reading = _taskmap("report", str(out))  # its part files could go while read
        assert reading.returncode == 1
        _one_chinese_line(reading.stderr, str(out), "正在写", "请等它结束后再读取")
        assert _frames(out)["plans"].height == 6  # untouched, readable
    finally:
        holder.kill()  # kill -9: the kernel drops its lock
        holder.wait()
    again = _taskmap("extract", str(plans), "-f", "parquet", "-o", str(out))
    assert again.returncode == 0, again.stderr
    assert "新读取 1 个方案,5 个未变" in again.stderr


def test_a_run_is_refused_while_a_command_reads_the_dataset(tmp_path):
    """Readers share the lock (two reports at once are fine); a writer would remove part
    files a reader is about to scan, so it waits its turn. A pid left in the lock file by
    a writer killed since is not taken for a writer."""
    plans = _plans(tmp_path / "plans", 4)
    out = tmp_path / "ds"
    write_dataset([plans], out, jobs=1)
    (out / LOCK).write_text("999999999\n")  # a writer long gone
    reader = subprocess.Popen(
        [sys.executable, "-c", "import sys; from taskmap.corpus import hold_for_reading\n"
         "hold_for_reading(sys.argv[1]); print('reading', flush=True); sys.stdin.read()",
         str(out)], cwd=ROOT, text=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert reader.stdout is not None and reader.stdout.readline().strip() == "reading"
        also = _taskmap("report", str(out))
        assert also.returncode == 0, also.stderr
        (plans / "plan-0001.txt").write_text(LEADERS_PLAN, encoding="utf-8")
        refused = _taskmap("extract", str(plans), "-f", "parquet", "-o", str(out))
        assert refused.returncode == 1
        line = _one_chinese_line(refused.stderr, str(out), "正在读取", "请等它结束后再运行")
        assert "进程" not in line
    finally:
        reader.kill()
        reader.wait()
    again = _taskmap("extract", str(plans), "-f", "parquet", "-o", str(out))
    assert again.returncode == 0 and "新读取 1 个方案,3 个未变" in again.stderr


def test_a_command_reading_a_dataset_lets_it_go_when_it_ends(tmp_path, capsys):
    """In one process (a notebook, a test calling `cli.run`): `report` on a dataset, then
    a re-run writing it, is not refused as if the report still read it."""
    from taskmap.cli import run

    plans = _plans(tmp_path / "plans", 3)
    out = tmp_path / "ds"
    assert run(["extract", str(plans), "-f", "parquet", "-o", str(out), "-j", "1"]) == 0
    assert run(["report", str(out)]) == 0
    assert run(["extract", str(plans), "-f", "parquet", "-o", str(out), "-j", "1"]) == 0, (
        capsys.readouterr().err)


def test_two_runs_at_once_leave_a_whole_dataset(tmp_path):
    """Started together: each one ends writing the dataset or refused in one line, and the
    dataset is whole and readable afterwards (no manifest naming a removed part)."""
    plans = _plans(tmp_path / "plans", 60)
    out = tmp_path / "ds"
    runs = [_start("extract", str(plans), "-f", "parquet", "-o", str(out), "-j", "1")
            for _ in range(2)]
    results = [(run.wait(), run.stderr.read() if run.stderr else "") for run in runs]
    assert any(code == 0 for code, _ in results), results
    for code, stderr in results:
        if code != 0:
            assert code == 1
            _one_chinese_line(stderr, "正在写")
    assert corpus.manifest_problem(out) is None
    manifest = pl.read_parquet(out / MANIFEST)
    assert manifest.height == 60
    for name in corpus.TABLES:
        assert all((out / name / f"part-{p}.parquet").is_file()
                   for p in set(manifest["part"]))
    assert _frames(out)["plans"].height == 60


def test_a_folder_holding_only_a_lock_left_by_a_run_killed_at_its_start_is_taken(tmp_path):
    plans = _plans(tmp_path / "plans", 3)
    out = tmp_path / "ds"
    out.mkdir()
    (out / LOCK).write_text("")
    assert write_dataset([plans], out, jobs=1)["read"] == 3
    other = tmp_path / "mine"
    other.mkdir()
    (other / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(DatasetError, match="已存在且不是 taskmap 数据集"):
        write_dataset([plans], other, jobs=1)
    assert sorted(p.name for p in other.iterdir()) == ["notes.txt"]


# ----------------------------------------------------------------------------- interrupted

class _Stop(Exception):
    pass


def test_an_interrupted_first_run_is_taken_up_keeping_its_whole_parts(tmp_path, monkeypatch):
    monkeypatch.setattr(corpus, "BATCH", 4)
    plans = _plans(tmp_path / "plans", 14)
    out = tmp_path / "ds"
    seen = []

    def interrupt(path: Path) -> None:
        seen.append(path)
        if len(seen) == 10:  # two parts of four written, two plans of the third read
            raise _Stop

    with pytest.raises(_Stop):
        write_dataset([plans], out, jobs=1, progress=interrupt)
    assert not (out / MANIFEST).exists() and corpus.is_dataset(out)
    assert "尚未写完" in (corpus.manifest_problem(out) or "")
    with pytest.raises(DatasetError, match=r"尚未写完.*重新运行 taskmap extract"):
        open_dataset(out)
    said: list[str] = []
    assert write_dataset([plans], out, jobs=1, mending=said.append) == {
        "read": 6, "kept": 8, "failed": 0, "duplicates": 0}
    assert len(said) == 1 and "尚未写完" in said[0]
    fresh = tmp_path / "fresh"
    write_dataset([plans], fresh, jobs=1)
    for name, frame in _frames(fresh).items():
        assert_frame_equal(_frames(out)[name], frame)
    assert corpus.manifest_problem(out) is None


@LINUX
def test_a_first_run_killed_then_run_again_gives_a_readable_dataset(tmp_path):
    plans = _plans(tmp_path / "plans", 400)
    out = tmp_path / "ds"
    found = _kill_when_workers_run(
        _start("extract", str(plans), "-f", "parquet", "-o", str(out), "-j", "2"))
    assert _left(found) == []
    refused = _taskmap("report", str(out))
    assert refused.returncode == 1
    _one_chinese_line(refused.stderr, str(out), "尚未写完", "重新运行")
    again = _taskmap("extract", str(plans), "-f", "parquet", "-o", str(out), "-j", "2")
    assert again.returncode == 0, again.stderr
    assert "已存在且不是 taskmap 数据集" not in again.stderr and "尚未写完" in again.stderr
    assert pl.read_parquet(out / MANIFEST).height == 400
    assert pl.scan_parquet(out / "plans" / "*.parquet").collect()["plan"].n_unique() == 400
    assert _frames(out)["plans"].height == 400


# ----------------------------------------------------------------------------- unreadable

def _unreadable(folder: Path) -> list[str]:
    """Plan files no reader can take: bad encoding, a corrupt .docx, and one that cannot be
    opened or read at all (a link to /proc/self/mem: an I/O error even for root)."""
    (folder / "x-encoding.txt").write_bytes(b"\xff\xfe\x00\xd8\x00")
    (folder / "x-corrupt.docx").write_bytes(b"PK\x03\x04 not a zip at all")
    names = ["x-encoding.txt", "x-corrupt.docx"]
    if Path("/proc/self/mem").exists():
        (folder / "x-io.txt").symlink_to("/proc/self/mem")
        names.append("x-io.txt")
    if os.geteuid() != 0:  # root reads a file of mode 000
        (folder / "x-denied.txt").write_text(LEADERS_PLAN, encoding="utf-8")
        (folder / "x-denied.txt").chmod(0)
        names.append("x-denied.txt")
    return names


def test_unreadable_plans_are_listed_and_skipped_not_the_whole_run(tmp_path):
    plans = _plans(tmp_path / "plans", 4)
    bad = _unreadable(plans)
    out = tmp_path / "ds"
    made = _taskmap("extract", str(plans), "-f", "parquet", "-o", str(out), "-j", "2")
    assert made.returncode == 0, made.stderr
    for name in bad:
        said = [line for line in made.stderr.splitlines() if name in line]
        assert len(said) == 1 and "未能读取,已跳过" in said[0], made.stderr
    assert f"{len(bad)} 个未能读取" in made.stderr
    manifest = pl.read_parquet(out / MANIFEST)
    failed = manifest.filter(pl.col("error").is_not_null())
    assert sorted(Path(p).name for p in failed["plan"]) == sorted(bad)
    assert _frames(out)["plans"].height == 4
    again = write_dataset([plans], out, jobs=1)  # still listed, the rest kept
    assert again == {"read": 0, "kept": 4, "failed": len(bad), "duplicates": 0}


# ----------------------------------------------------------------------------- manifests

@pytest.mark.parametrize("damage", [
    lambda path: path.write_bytes(path.read_bytes()[:200]),  # cut short by a full disk
    lambda path: path.write_text('{"plan": ["a.txt", "b.t', encoding="utf-8"),  # not Parquet
])
def test_a_corrupt_manifest_is_refused_in_chinese_and_rebuilt_from_the_parts(
        tmp_path, monkeypatch, damage):
    monkeypatch.setattr(corpus, "BATCH", 3)
    plans = _plans(tmp_path / "plans", 7)
    _unreadable(plans)
    out = tmp_path / "ds"
    write_dataset([plans], out, jobs=1)
    before = _frames(out)
    damage(out / MANIFEST)
    report = _taskmap("report", str(out))
    assert report.returncode == 1
    _one_chinese_line(report.stderr, MANIFEST, "已损坏", "重新运行 taskmap extract")
    counts = write_dataset([plans], out, jobs=1)
    assert counts["read"] == 0 and counts["kept"] == 7  # from the parts, nothing read again
    for name, frame in _frames(out).items():
        assert_frame_equal(frame, before[name])


def test_a_manifest_naming_removed_parts_is_refused_and_mended_by_a_rerun(tmp_path,
                                                                        monkeypatch):
    """What two runs at once used to leave: a manifest pointing at part files the other
    run had removed."""
    monkeypatch.setattr(corpus, "BATCH", 3)
    plans = _plans(tmp_path / "plans", 7)
    out = tmp_path / "ds"
    write_dataset([plans], out, jobs=1)
    before = _frames(out)
    part = sorted((out / "tasks").glob("part-*.parquet"))[1]
    part.unlink()
    assert "已不存在" in (corpus.manifest_problem(out) or "")
    report = _taskmap("report", str(out))
    assert report.returncode == 1
    _one_chinese_line(report.stderr, "已不存在的分块文件", "重新运行")
    mended = _taskmap("extract", str(plans), "-f", "parquet", "-o", str(out))
    assert mended.returncode == 0, mended.stderr
    assert "新读取 3 个方案,4 个未变" in mended.stderr and "已不存在" in mended.stderr
    assert corpus.manifest_problem(out) is None
    for name, frame in _frames(out).items():
        assert_frame_equal(frame, before[name])


@pytest.mark.skipif(sys.platform == "win32", reason="a file-size limit (RLIMIT_FSIZE)")
@pytest.mark.parametrize("limit", [2_000, 7_000])  # met in the first table, in a later one
def test_a_full_disk_stops_a_run_in_one_line_and_the_next_takes_it_up(tmp_path, limit):
    import resource

    plans = _plans(tmp_path / "plans", 5)
    out = tmp_path / "ds"

    def full() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    stopped = subprocess.run([sys.executable, "-m", "taskmap", "extract", str(plans), "-f",
                              "parquet", "-o", str(out)], cwd=ROOT, text=True,
                             capture_output=True, preexec_fn=full)
    assert stopped.returncode == 1
    _one_chinese_line(stopped.stderr, "无法写入", "重新运行")
    assert not [p for p in out.rglob("*") if p.name.endswith(".part")]  # nothing half-written
    again = _taskmap("extract", str(plans), "-f", "parquet", "-o", str(out))
    assert again.returncode == 0, again.stderr
    assert _frames(out)["plans"].height == 5
