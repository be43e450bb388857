"""Many plans at once: the process pool gives what one core gives, in the same order; a
Parquet dataset holds what the plans hold, and a re-run reads only what changed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from conftest import DEMO_PLANS, plan_copies
from polars.testing import assert_frame_equal

from taskmap import engine, workers
from taskmap.corpus import (
    Corpus,
    DatasetError,
    extract_corpus,
    is_dataset,
    load_many,
    open_dataset,
    write_dataset,
)
from taskmap.pipeline import load_plans

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
# each demo plan once (data/ holds two of them a second time in another encoding)
DEMO = DEMO_PLANS


def _plans_folder(tmp_path: Path, copies: int = 3) -> Path:
    return plan_copies(tmp_path / "plans", copies)


def _sorted(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.sort(frame.columns)


def test_all_cores_give_what_one_core_gives_in_the_same_order(tmp_path):
    folder = _plans_folder(tmp_path)
    one = extract_corpus([folder], jobs=1)
    two = extract_corpus([folder], jobs=2)
    for name in ("plans", "tasks", "assignments", "warnings"):
        assert_frame_equal(getattr(one, name).collect(), getattr(two, name).collect())
    assert one.failures == two.failures and len(one.failures) == 1
    assert one.failures[0][0].endswith("5-broken.docx")
    plans = one.plans.collect()["plan"].to_list()
    assert plans == [str(p) for p in sorted(folder.glob("*.txt"))]


def test_workers_started_ahead_give_what_one_core_gives(tmp_path):
    folder = _plans_folder(tmp_path, copies=6)
    paths = sorted(str(p) for p in folder.iterdir())
    one = extract_corpus(paths, jobs=1)
    workers.start(2, (), paths)  # the run takes the workers and their first chunks
    taken = extract_corpus(paths, jobs=2)
    assert not workers._started
    workers.start(2, (), paths[::-1])  # other plans first: their chunks are not taken
    other = extract_corpus(paths, jobs=2)
    workers.start(3, (), paths)  # rows started, Plans wanted: the workers only
    plans, _ = load_many(paths, jobs=3)
    workers.start(2, (), paths, plans=True)  # Plans started and wanted: taken
    as_plans, _ = load_many(paths, jobs=2)
    assert not workers._started
    for name in ("plans", "tasks", "assignments", "warnings"):
        for run in (taken, other):
            assert_frame_equal(getattr(one, name).collect(), getattr(run, name).collect())
    assert ([p.source for p in plans] == [p.source for p in as_plans]
            == one.plans.collect()["plan"].to_list())
    assert engine.plan_summary(as_plans).equals(one.plans.collect())


def test_chunks_cover_every_plan_once_in_order_and_shrink_towards_the_end():
    work = list(range(1000))
    chunks = list(workers.chunked(work, 2))
    assert [x for c in chunks for x in c] == work
    sizes = [len(c) for c in chunks]
    assert sizes == sorted(sizes, reverse=True) and sizes[0] == 32 and sizes[-1] <= 2
    assert [len(c) for c in workers.chunked([1, 2, 3], 8)] == [2, 1]


def test_a_corpus_counts_what_the_plans_count(tmp_path):
    folder = _plans_folder(tmp_path, copies=1)
    plans = load_plans(sorted(folder.glob("*.txt")))
    corpus = extract_corpus([folder], jobs=2)
    assert_frame_equal(_sorted(engine.agency_summary(corpus)),
                       _sorted(engine.agency_summary(plans)))
    assert_frame_equal(engine.build_matrix(corpus), engine.build_matrix(plans))
    objects, failures = load_many([folder], jobs=2)
    assert [p.source for p in objects] == [p.source for p in plans] and len(failures) == 1


def test_a_dataset_holds_the_corpus_and_a_rerun_reads_only_what_changed(tmp_path):
    folder = _plans_folder(tmp_path)
    out = tmp_path / "dataset"
    first = write_dataset([folder], out, jobs=2)
    assert first == {"read": 3 * len(DEMO), "kept": 0, "failed": 1, "duplicates": 0}
    assert is_dataset(out)
    memory = extract_corpus([folder], jobs=1)
    stored = open_dataset(out)
    for name in ("plans", "tasks", "assignments", "warnings"):
        assert_frame_equal(getattr(stored, name).collect(), getattr(memory, name).collect())
    assert stored.failures == memory.failures

    again = write_dataset([folder], out, jobs=2)
    assert again == {"read": 0, "kept": 3 * len(DEMO), "failed": 1, "duplicates": 0}

    changed = folder / f"1-{DEMO[0].name}"
    changed.write_bytes(changed.read_bytes() + "\n".encode(_encoding_of(changed)))
    (folder / f"2-{DEMO[1].name}").unlink()
    third = write_dataset([folder], out, jobs=1)
    assert third == {"read": 1, "kept": 3 * len(DEMO) - 2, "failed": 1, "duplicates": 0}
    now = open_dataset(out).plans.collect()["plan"].to_list()
    assert str(folder / f"2-{DEMO[1].name}") not in now and str(changed) in now
    assert len(now) == len(set(now)) == 3 * len(DEMO) - 1
    # parts no plan points at any more are gone
    parts = set(pl.read_parquet(out / "_manifest.parquet")["part"]) - {""}
    on_disk = {p.stem.removeprefix("part-") for p in (out / "tasks").glob("part-*.parquet")}
    assert on_disk == parts



def _extract_to(out: Path, folder: Path, words: Path | None = None) -> str:
    """`taskmap extract FOLDER -f parquet -o OUT` in a fresh process (the grammar reads its
    words file once a process), with TASKMAP_WORDS naming `words`; what it says."""
    env = {k: v for k, v in os.environ.items() if k != "TASKMAP_WORDS"}
    if words is not None:
        env["TASKMAP_WORDS"] = str(words)
    done = subprocess.run([sys.executable, "-m", "taskmap", "extract", str(folder), "-f",
                           "parquet", "-o", str(out), "-j", "1"], cwd=ROOT, text=True,
                          capture_output=True, env=env)
    assert done.returncode == 0, done.stderr
    return done.stderr


def _leads(out: Path) -> int:
    return open_dataset(out).assignments.filter(pl.col("role") == "lead").collect().height


def test_a_changed_words_file_makes_a_dataset_read_every_plan_again(tmp_path):
    """The words the grammar reads are part of what a dataset was read with: the same words
    in another file change nothing; one label morpheme less reads every plan again, and
    the rows are those a fresh dataset has with those words."""
    folder = _plans_folder(tmp_path, copies=1)
    shipped = (ROOT / "taskmap" / "resources" / "words.toml").read_text(encoding="utf-8")
    words = tmp_path / "words.toml"
    words.write_text(shipped, encoding="utf-8")
    out = tmp_path / "ds"
    assert f"新读取 {len(DEMO)} 个方案,0 个未变" in _extract_to(out, folder)
    assert f"新读取 0 个方案,{len(DEMO)} 个未变" in _extract_to(out, folder, words)
    before = _leads(out)
    changed = shipped.replace('lead_morphemes = ["牵头", ', 'lead_morphemes = [')
    assert changed != shipped
    words.write_text(changed, encoding="utf-8")  # 牵头单位: is no lead label any more
    assert f"新读取 {len(DEMO)} 个方案,0 个未变" in _extract_to(out, folder, words)
    assert _leads(out) < before
    fresh = tmp_path / "fresh"
    _extract_to(fresh, folder, words)
    for name in ("plans", "tasks", "assignments", "warnings"):
        assert_frame_equal(getattr(open_dataset(out), name).collect(),
                           getattr(open_dataset(fresh), name).collect())
    assert f"新读取 0 个方案,{len(DEMO)} 个未变" in _extract_to(out, folder, words)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_changed_alias_table_makes_a_dataset_read_every_plan_again(tmp_path, jobs):
    """Within one process too (this one reads plans as well as its workers): the table as
    it is now, not as it was loaded for the last run."""
    folder = _plans_folder(tmp_path, copies=1)
    table = tmp_path / "names.csv"
    table.write_text("alias,canonical,scope\n市委督查室,中共青岚市委督查室,body\n",
                     encoding="utf-8")
    out = tmp_path / "ds"

    def canonical() -> set[str]:
        rows = open_dataset(out).assignments.filter(pl.col("raw") == "市委督查室")
        return set(rows.collect()["canonical"])

    assert write_dataset([folder], out, [table], jobs=jobs)["read"] == len(DEMO)
    assert canonical() == {"中共青岚市委督查室"}
    assert write_dataset([folder], out, [table], jobs=jobs)["read"] == 0
    table.write_text("alias,canonical,scope\n市委督查室,中共青岚市委办公室督查室,body\n",
                     encoding="utf-8")
    assert write_dataset([folder], out, [table], jobs=jobs) == {
        "read": len(DEMO), "kept": 0, "failed": 1, "duplicates": 0}
    assert canonical() == {"中共青岚市委办公室督查室"}
    assert write_dataset([folder], out, [table], jobs=jobs)["read"] == 0



def test_the_fingerprint_follows_the_code_and_the_shipped_tables(tmp_path):
    """A copy of taskmap: its fingerprint is the same in every process; an edit to one of
    its files changes its code version, an edit to a shipped alias table its fingerprint."""
    shutil.copytree(ROOT / "taskmap", tmp_path / "taskmap",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "aliases", tmp_path / "aliases")

    def fingerprints() -> list[str]:
        code = "from taskmap.corpus import code_version, fingerprint as f; " \
               "print(code_version(), f(()))"
        env = {**os.environ, "PYTHONPATH": str(tmp_path)}
        env.pop("TASKMAP_WORDS", None)
        return subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, text=True,
                              capture_output=True, check=True).stdout.split()

    code, first = fingerprints()
    assert fingerprints() == [code, first]
    with (tmp_path / "aliases" / "functions.csv").open("a", encoding="utf-8") as f:
        f.write("青岚市委督查室,青岚市委督查室,督查,body,市,,,,,\n")
    after = fingerprints()
    assert after[0] == code and after[1] != first
    grammar = tmp_path / "taskmap" / "grammar" / "clauses.py"
    grammar.write_text(grammar.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert fingerprints()[0] != code


def _encoding_of(path: Path) -> str:
    raw = path.read_bytes()
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16-le" if raw.startswith(b"\xff\xfe") else "utf-16-be"
    try:
        raw.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return "gb18030"


def test_a_big_corpus_goes_through_a_dataset_on_disk(tmp_path, monkeypatch):
    import taskmap.corpus as corpus_module

    folder = _plans_folder(tmp_path, copies=2)
    monkeypatch.setattr(corpus_module, "IN_MEMORY", 3)
    monkeypatch.setattr(corpus_module, "BATCH", 4)
    spilled = extract_corpus([folder], jobs=2)
    monkeypatch.setattr(corpus_module, "IN_MEMORY", 10_000)
    held = extract_corpus([folder], jobs=1)
    for name in ("plans", "tasks", "assignments", "warnings"):
        assert_frame_equal(getattr(spilled, name).collect(), getattr(held, name).collect())


def test_counts_made_part_by_part_are_the_counts_of_the_whole(tmp_path, monkeypatch):
    """A dataset's counts are made a part file at a time and added up (flat memory): they
    are the counts of the plans held whole, for every switch."""
    import taskmap.corpus as corpus_module

    folder = _plans_folder(tmp_path, copies=2)
    monkeypatch.setattr(corpus_module, "BATCH", 3)
    write_dataset([folder], tmp_path / "ds", jobs=1)
    parts = open_dataset(tmp_path / "ds")
    assert len(parts.chunks()) == -(-2 * len(DEMO) // 3)
    whole = extract_corpus([folder], jobs=1)
    assert len(whole.chunks()) == 1
    for switches in ({}, {"by": "function"}, {"implicit": False, "collective": False}):
        assert_frame_equal(engine.agency_summary(parts, **switches),
                           engine.agency_summary(whole, **switches))
        for role in ("lead", "responsible", "all"):
            assert_frame_equal(engine.build_matrix(parts, role=role, **switches),
                               engine.build_matrix(whole, role=role, **switches))
    assert engine.labels(parts.chunks()) == engine.labels(whole.assignments)


def test_a_dataset_is_written_only_into_a_new_empty_or_dataset_folder(tmp_path):
    folder = _plans_folder(tmp_path, copies=1)
    before = sorted(p.name for p in folder.iterdir())
    with pytest.raises(DatasetError, match="不是 taskmap 数据集"):
        write_dataset([folder], folder, jobs=1)  # the plans' own folder
    assert sorted(p.name for p in folder.iterdir()) == before
    (tmp_path / "empty").mkdir()
    assert write_dataset([folder], tmp_path / "empty", jobs=1)["read"] == len(DEMO)


def test_a_folder_that_is_not_a_dataset_is_said_so(tmp_path):
    with pytest.raises(DatasetError, match="_manifest"):
        open_dataset(tmp_path)


def test_an_empty_corpus_has_the_frames_of_a_full_one():
    empty = Corpus.from_plans([])
    assert empty.assignments.collect().height == 0
    assert "canonical" in empty.assignments.collect_schema().names()


def _taskmap(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "taskmap", *args], cwd=cwd, text=True,
                          capture_output=True, env={**os.environ, "COLUMNS": "160"})


def test_the_cli_writes_a_dataset_and_reports_from_it(tmp_path):
    folder = _plans_folder(tmp_path, copies=1)
    out = tmp_path / "ds"
    made = _taskmap("extract", str(folder), "-f", "parquet", "-o", str(out), "-j", "2")
    assert made.returncode == 0, made.stderr
    assert "5-broken.docx" in made.stderr  # the failure is said, the others still written
    rerun = _taskmap("extract", str(folder), "-f", "parquet", "-o", str(out))
    assert rerun.returncode == 0 and f"新读取 0 个方案,{len(DEMO)} 个未变" in rerun.stderr
    assert "5-broken.docx" in rerun.stderr  # an unchanged file that cannot be read is said again
    from_dataset = _taskmap("report", str(out))
    from_plans = _taskmap("report", "-j", "1", *map(str, sorted(folder.glob("*.txt"))))
    assert from_dataset.returncode == 0, from_dataset.stderr
    assert from_dataset.stdout == from_plans.stdout
    exported = _taskmap("export", str(out), "-o", str(tmp_path / "frames"), "-f", "csv")
    assert exported.returncode == 0, exported.stderr
    assert (tmp_path / "frames").is_dir()
    workbook = _taskmap("export", str(out), "-o", str(tmp_path / "x.xlsx"))
    assert workbook.returncode == 1 and len(workbook.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x.xlsx").exists()


def test_a_dataset_is_never_written_over_an_input(tmp_path):
    folder = _plans_folder(tmp_path, copies=1)
    result = _taskmap("extract", str(folder), "-f", "parquet", "-o", str(folder))
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert not (folder / "_manifest.parquet").exists()


def test_two_versions_of_one_plan_in_a_folder_are_said_so(tmp_path):
    """data/ holds the diff demo's draft and final in a subfolder: a report of the folder
    counts both and says they look like versions of one plan; the demo plans alone do not."""
    folder = _taskmap("report", "data")
    assert folder.returncode == 0, folder.stderr
    said = [line for line in folder.stderr.splitlines() if "疑似同一方案的不同版本" in line]
    assert len(said) == 1 and "wutong_county_plan_draft.txt" in said[0]
    assert "wutong_county_plan_final.txt" in said[0]
    alone = _taskmap("report", *map(str, DEMO))
    assert alone.returncode == 0 and "疑似同一方案的不同版本" not in alone.stderr
    book = _taskmap("export", "data", "-o", str(tmp_path / "分工统计.xlsx"))
    assert book.returncode == 0 and "疑似同一方案的不同版本" in book.stderr


def test_many_groups_of_versions_are_said_in_a_few_lines():
    from taskmap.pipeline import SHOWN_VERSIONS, versions, versions_messages

    rows = [(f"p{k}-{v}.txt", "青岚市", f"方案{k}") for k in range(SHOWN_VERSIONS + 5)
            for v in range(4)] + [("x.txt", None, "方案0"), ("y.txt", "", "方案0")]
    lines = versions_messages(versions(rows))
    assert len(lines) == SHOWN_VERSIONS + 1 and "另有 5 组" in lines[-1]
    assert "等 4 个文件" in lines[0] and "x.txt" not in "".join(lines)


@pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="reads /proc (Linux)")
def test_a_worker_ignores_ctrl_c_from_its_first_instant():
    """Ctrl-C reaches every process of the terminal's group; a worker still starting (before
    its initializer could run) must not print a traceback of its own."""
    import multiprocessing
    import signal

    pool, _ = workers.take(2, ())
    try:
        for child in multiprocessing.active_children():
            status = Path(f"/proc/{child.pid}/status").read_text()
            ignored = int(next(line.split()[1] for line in status.splitlines()
                               if line.startswith("SigIgn:")), 16)
            assert ignored & (1 << (signal.SIGINT - 1)), child.pid
        assert multiprocessing.active_children()
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    finally:
        pool.shutdown()
