"""Many plans at once: read on all cores, reduced to compact frames as they finish, counted
by polars over those frames (lazily, in flat memory), and kept as a Parquet dataset that a
re-run updates only where a plan changed.

>>> from taskmap.corpus import extract_corpus
>>> corpus = extract_corpus(["data"], jobs=1)  # doctest: +SKIP
>>> corpus.plans.collect().height  # doctest: +SKIP
7

A `Corpus` is four lazy frames — `plans` (one row a plan), `tasks`, `assignments` (the
engine's frame) and `warnings` — plus the files that could not be read. `engine` and the
report take a Corpus wherever they take a list of Plans.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import chain
from pathlib import Path
from typing import NamedTuple

import polars as pl

from . import engine, workers
from .errors import DatasetError
from .models import Plan
from .pipeline import duplicate_message
from .rows import Rows, plan_rows
from .safe import refusal, replacing
from .version import __version__

TABLES = tuple(engine.SCHEMAS)  # plans, tasks, assignments, warnings
MANIFEST = "_manifest.parquet"
MARKER = "_taskmap_dataset.json"  # written first: a folder taskmap started, finished or not
LOCK = ".taskmap.lock"  # held by the one run writing the dataset (released when it ends)
ENTRIES = "_entries"  # each part's rows of the manifest, beside it: what a rebuild reads
_MANIFEST_SCHEMA = {"plan": pl.String, "sha256": pl.String, "part": pl.String,
                    "error": pl.String, "text": pl.String, "duplicate_of": pl.String}
IN_MEMORY = 400  # plans held as frames in memory; beyond, frames go to a dataset on disk
BATCH = 500  # plans a part file of a dataset holds


@dataclass
class Corpus:
    """Plans as lazy frames; `failures`: (path, reason) of plans that could not be read;
    `duplicates`: (path, first path) of files skipped as a second copy of a plan (each is
    also a row of `warnings`).

    `pieces`: the assignments in pieces that no plan straddles (a dataset's part files, in
    the order of its plans), so that counts can be made piece by piece in flat memory;
    `names`: canonical → the label shown for it in the whole corpus."""

    plans: pl.LazyFrame
    tasks: pl.LazyFrame
    assignments: pl.LazyFrame
    warnings: pl.LazyFrame
    failures: list[tuple[str, str]] = field(default_factory=list)
    pieces: list[pl.LazyFrame] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)
    _keep: object = None  # a temporary folder the frames are read from, alive with them
    duplicates: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def of(cls, frames: Mapping[str, pl.DataFrame | pl.LazyFrame],
           failures: Sequence[tuple[str, str]] = (), keep: object = None,
           pieces: Sequence[pl.LazyFrame] = (),
           duplicates: Sequence[tuple[str, str]] = ()) -> Corpus:
        """A corpus of frames; its bodies are labelled once for the whole corpus. Each
        skipped copy in `duplicates` is a row of its warnings."""
        assignments = frames["assignments"].lazy()
        names = engine.labels(list(pieces) or assignments)
        warnings = frames["warnings"].lazy()
        if duplicates:
            skipped = pl.DataFrame([{"plan": path, "line": None, "text": "",
                                     "reason": duplicate_message(path, first)}
                                    for path, first in duplicates],
                                   schema=engine.SCHEMAS["warnings"], orient="row")
            warnings = pl.concat([warnings, skipped.lazy()], how="vertical")
        return cls(frames["plans"].lazy(), frames["tasks"].lazy(), _labelled(assignments, names),
                   warnings, list(failures), [_labelled(p, names) for p in pieces], names,
                   keep, list(duplicates))

    @classmethod
    def from_plans(cls, plans: Sequence[Plan]) -> Corpus:
        return cls.of(engine.frames_of([plan_rows(p) for p in plans]))

    def chunks(self) -> list[pl.LazyFrame]:
        """The assignments in pieces no plan straddles (one piece when held in memory)."""
        return self.pieces or [self.assignments]


def _labelled(assignments: pl.LazyFrame, names: dict[str, str]) -> pl.LazyFrame:
    return assignments.with_columns(pl.col("canonical").replace_strict(
        names, default=pl.col("display"), return_dtype=pl.String).alias("display"))


# ----------------------------------------------------------------------------- workers

def _results(paths: Sequence[str | Path], aliases: tuple[str, ...], jobs: int | None,
             plans: bool = False, sole_lead: bool = False
             ) -> Iterator[tuple[str, str | None, Rows | Plan | str]]:
    """Each plan's rows (its Plan, with `plans`) with the key of its text, or why it could
    not be read, in the order of `paths`, read on `jobs` cores: the same results in the
    same order whatever the number of cores."""
    jobs = jobs or os.cpu_count() or 1
    work = [(str(p), aliases, sole_lead) for p in paths]
    one, many = (workers.read, workers.read_many) if plans else (workers.rows, workers.rows_many)
    if jobs <= 1 or len(work) < 2:
        workers.stop(jobs, aliases, sole_lead)  # started for more plans than there are
        yield from map(one, work)
        return
    # This process is one of the `jobs`: it reads chunks too while the next result is still
    # with a worker, so `jobs` cores run `jobs` processes (one worker fewer to start, nothing
    # to send back for the chunks read here).
    pool, ahead = workers.take(jobs, aliases, plans, sole_lead)
    todo = workers.chunked(work, jobs)
    slots: deque = deque()  # in input order: (chunk, a worker's Future), or a chunk's results
    for k, (chunk, future) in enumerate(ahead):  # chunks started ahead, where they match
        mine = next(todo, None)
        if mine != chunk:
            for _, other in ahead[k:]:
                other.cancel()
            todo = chain([] if mine is None else [mine], todo)
            break
        slots.append((chunk, future))

    def submit() -> bool:
        if (chunk := next(todo, None)) is not None:
            slots.append((chunk, pool.submit(many, chunk)))
        return chunk is not None

    try:
        while len(slots) < workers.AHEAD * (jobs - 1) and submit():
            pass  # a few chunks a worker in flight, not the whole corpus
        while slots:
            first = slots[0]
            if isinstance(first, list) or first[1].done() or _here(slots) >= 2 * workers.AHEAD:
                slots.popleft()
                if isinstance(first, list):
                    yield from first
                else:
                    results = first[1].result()
                    submit()  # the workers keep their window
                    yield from results
            elif (chunk := next(todo, None)) is not None:
                slots.append(list(map(one, chunk)))  # read here while a worker reads the first
            elif isinstance(slots[-1], tuple) and slots[-1][1].cancel():
                slots[-1] = list(map(one, slots[-1][0]))  # the last, not started by a worker
            else:
                first[1].result()  # nothing left to read here: wait for the first
    finally:  # on Ctrl-C too: queued plans are dropped, the workers stopped
        pool.shutdown(wait=True, cancel_futures=True)


def _here(slots: deque) -> int:
    """Chunks read here and not yet taken (at most 2 × AHEAD: flat memory)."""
    return sum(isinstance(s, list) for s in slots)


def load_many(inputs: Sequence[str | Path], aliases: Sequence[str | Path] = (),
              jobs: int | None = None, progress: Callable[[Path], None] | None = None,
              duplicates: list[tuple[str, str]] | None = None, sole_lead: bool = False,
              ) -> tuple[list[Plan], list[tuple[str, str]]]:
    """Every plan `inputs` name as Plan objects, read on `jobs` cores, in input order, each
    once; and the (path, reason) of those that could not be read. A second file of the same
    text is skipped, the first in input order kept: recorded in `duplicates` as (path,
    first path), or said as a Python warning when no list is given. `sole_lead`: as in
    `pipeline.parse_document`."""
    from .pipeline import expand_inputs

    failures: list[tuple[str, str]] = []
    results = _results(expand_inputs(inputs), tuple(map(str, aliases)), jobs, plans=True,
                       sole_lead=sole_lead)
    plans = list(_firsts(results, failures, duplicates, progress))
    return plans, failures


def _firsts(results, failures: list, duplicates: list | None, progress) -> Iterator:
    """The results of plans read, each plan text once (its first file in input order);
    files that could not be read go to `failures`, second copies to `duplicates`."""
    from .pipeline import Firsts, note_duplicate

    firsts = Firsts()
    for path, key, result in results:
        if isinstance(result, str):
            failures.append((path, result))
        elif (first := firsts.duplicate_of(path, key)) is not None:
            note_duplicate(path, first, duplicates)
        else:
            yield result
        if progress is not None:
            progress(Path(path))


def extract_corpus(inputs: Sequence[str | Path], aliases: Sequence[str | Path] = (),
                   jobs: int | None = None,
                   progress: Callable[[Path], None] | None = None,
                   sole_lead: bool = False) -> Corpus:
    """Read every plan `inputs` name (files, folders, globs) on `jobs` cores (default: all)
    into a Corpus. Up to IN_MEMORY plans stay in memory as frames; a bigger corpus is
    written batch by batch to a temporary dataset and read from it lazily, so memory stays
    flat whatever the number of plans. Plans that cannot be read are listed in `failures`.
    `sole_lead`: as in `pipeline.parse_document`.
    """
    from .pipeline import expand_inputs

    paths = expand_inputs(inputs)
    names = tuple(str(a) for a in aliases)
    if len(paths) <= IN_MEMORY:
        failures: list[tuple[str, str]] = []
        duplicates: list[tuple[str, str]] = []
        parts = list(_firsts(_results(paths, names, jobs, sole_lead=sole_lead), failures,
                             duplicates, progress))
        return Corpus.of(engine.frames_of(parts), failures, duplicates=duplicates)
    folder = tempfile.TemporaryDirectory(prefix="taskmap-")
    write_dataset(paths, folder.name, names, jobs, progress, sole_lead=sole_lead)
    return open_dataset(folder.name, keep=folder)


# ----------------------------------------------------------------------------- datasets

Runner = Callable[[Sequence[str], tuple[str, ...]],
                  Iterator[tuple[str, str | None, object]]]


def write_dataset(inputs: Sequence[str | Path], out: str | Path,
                  aliases: Sequence[str | Path] = (), jobs: int | None = None,
                  progress: Callable[[Path], None] | None = None,
                  runner: Runner | None = None,
                  mending: Callable[[str], None] | None = None,
                  sole_lead: bool = False) -> dict[str, int]:
    """Write the plans `inputs` name as a Parquet dataset in folder `out`: one folder a
    table (plans, tasks, assignments, warnings) of part files, and `_manifest.parquet`
    (each plan's content hash, part and text key). A re-run reads again only the plans
    whose content changed, or all of them when what reads them did (`fingerprint`: taskmap's
    code, the words file, an alias table); the rest keep their rows. Each plan text is kept
    once, from its first file in input order; a second copy is listed in the manifest
    (`duplicate_of`) without rows. Returns counts: plans read, plans kept
    unchanged, plans that cannot be read (this run or, unchanged, an earlier one), copies
    skipped. `runner(paths, aliases)` reads the plans elsewhere (a Dask cluster:
    taskmap.dask), yielding (path, text key, rows) or (path, None, reason) in the order
    of `paths`.

    One run writes a dataset at a time: a second one meanwhile is refused (DatasetError;
    the lock is the kernel's, gone with the process that held it, however it ended). A run
    that was interrupted (Ctrl-C, kill -9, a full disk), the first one too, leaves a folder
    the next run takes up: the part files written whole are kept, for the plans that did
    not change since. A manifest that cannot be read is rebuilt from the part files, and
    one that names part files no longer there reads those plans again. A plan file that
    cannot be opened is listed as not read, like any plan that cannot be read.
    `mending(what)` is told what is wrong with the dataset (`manifest_problem`) once this
    run holds it, before mending it. `sole_lead`: as in `pipeline.parse_document` (a
    dataset read without it is read again with it, and the other way round; a `runner`
    takes it from its caller)."""
    from .pipeline import expand_inputs

    out = Path(out)
    paths = [str(p) for p in expand_inputs(inputs)]
    problem = manifest_problem(out)  # before this run's marker
    _claim(out)
    with _locked(out):
        if mending is not None and problem is not None:
            mending(problem)
        return _write(out, paths, tuple(str(a) for a in aliases), jobs, progress, runner,
                      sole_lead)


def _write(out: Path, paths: list[str], names: tuple[str, ...], jobs: int | None,
           progress: Callable[[Path], None] | None, runner: Runner | None,
           sole_lead: bool = False) -> dict[str, int]:
    salt = fingerprint(names, sole_lead)
    digests: dict[str, str] = {}
    unread: dict[str, str] = {}  # plan files that cannot be opened → why
    for p in paths:
        try:
            digests[p] = _digest(p, salt)
        except OSError as e:
            digests[p], unread[p] = "", f"{p}: 无法读取:{e.strerror or e}"
    # what is kept a plan is small (a tuple, its digest and text key), not a dict: a
    # national corpus holds millions of plans
    keep = _kept(out, paths, digests)
    todo = [p for p in paths if p not in keep and p not in unread]
    order = {p: i for i, p in enumerate(paths)}
    firsts: dict[str | None, str] = {}  # text key → its first file in input order
    for p in sorted((p for p in keep if keep[p].text), key=order.__getitem__, reverse=True):
        firsts[keep[p].text] = p
    run = hashlib.sha256("".join(f"{p}{digests[p]}" for p in todo).encode()).hexdigest()[:12]
    while any(e.part.startswith(run) for e in keep.values()):  # never a kept part's name
        run = hashlib.sha256(run.encode()).hexdigest()[:12]
    for name in (*TABLES, ENTRIES):
        (out / name).mkdir(parents=True, exist_ok=True)
    rows = [_Entry(p, "", "", why, None, None) for p, why in unread.items()]
    if progress is not None:
        for p in unread:
            progress(Path(p))
    batch, k = [], 0
    results = (runner(todo, names) if runner
               else _results(todo, names, jobs, sole_lead=sole_lead))
    for path, key, result in results:
        if isinstance(result, str):
            rows.append(_Entry(path, digests[path], "", result, key, None))
        elif key in firsts and order[firsts[key]] < order[path]:
            rows.append(_Entry(path, digests[path], "", None, key, firsts[key]))
        else:
            firsts[key] = path
            batch.append((path, key, result))
        if len(batch) >= BATCH:
            rows += _write_part(out, f"{run}-{k:05d}", batch, digests)
            batch, k = [], k + 1
        if progress is not None:
            progress(Path(path))
    if batch:
        rows += _write_part(out, f"{run}-{k:05d}", batch, digests)
    for p in (p for p in paths if p in keep):
        first = firsts.get(keep[p].text or "", p)
        rows.append(keep[p] if first == p else keep[p]._replace(part="", duplicate_of=first))
    rows.sort(key=lambda r: order[r.plan])
    manifest = pl.DataFrame(rows, schema=_MANIFEST_SCHEMA, orient="row")
    with replacing(out / MANIFEST) as tmp:
        _parquet(manifest, tmp, out / MANIFEST)
    _prune(out, set(manifest["part"]) - {""})
    fresh = set(todo)
    return {"read": sum(r.plan in fresh and not r.error and not r.duplicate_of for r in rows),
            "kept": sum(r.plan not in fresh and not r.error and not r.duplicate_of
                        for r in rows),
            "failed": sum(bool(r.error) for r in rows),
            "duplicates": sum(bool(r.duplicate_of) for r in rows)}


class _Entry(NamedTuple):
    """A row of the manifest (the columns of _MANIFEST_SCHEMA, in order)."""

    plan: str
    sha256: str
    part: str
    error: str | None
    text: str | None
    duplicate_of: str | None


def _write_part(out: Path, part: str, batch, digests) -> list[_Entry]:
    """A part: its four tables, then its rows of the manifest (`ENTRIES`), each file written
    whole under its name (so a part whose entries are there is whole)."""
    frames = engine.frames_of([rows for _, _, rows in batch])
    entries = [_Entry(path, digests[path], part, None, key, None) for path, key, _ in batch]
    for name in TABLES:
        _whole(frames[name].with_columns(pl.lit(part).alias("part")),
               out / name / f"part-{part}.parquet")
    _whole(pl.DataFrame(entries, schema=_MANIFEST_SCHEMA, orient="row"),
           out / ENTRIES / f"part-{part}.parquet")
    return entries


def _whole(frame: pl.DataFrame, path: Path) -> None:
    """`frame` written to a hidden file beside `path`, then renamed to it."""
    tmp = path.with_name(f".{path.name}.part")
    try:
        _parquet(frame, tmp, path)
        os.replace(tmp, path)
    except OSError as e:
        raise DatasetError(f"{path}: 无法写入:{refusal(e, path.parent) or e.strerror or e};"
                           "数据集已写完的部分保留,重新运行即可接着写") from None
    finally:
        tmp.unlink(missing_ok=True)


def _parquet(frame: pl.DataFrame, tmp: Path, path: Path) -> None:
    """`frame` written to `tmp`; polars' word for a full disk or a file-size limit (its own
    error, not an OSError) is a DatasetError naming `path`."""
    try:
        frame.write_parquet(tmp)
    except pl.exceptions.PolarsError as e:
        reason = refusal(e, path.parent) or (
            str(e).splitlines()[0].rpartition("IO error: ")[2] if str(e) else type(e).__name__)
        raise DatasetError(f"{path}: 无法写入:{reason};数据集已写完的部分保留,"
                           "重新运行即可接着写") from None


def _prune(out: Path, parts: set[str]) -> None:
    """Remove part files no plan of the manifest points at any more (a part's entries
    first: a part without them is never taken up again), and files left half-written."""
    for name in (ENTRIES, *TABLES):
        for path in (out / name).glob("part-*.parquet"):
            if path.stem.removeprefix("part-") not in parts:
                path.unlink(missing_ok=True)
        for path in (out / name).glob(".part-*.parquet.part"):
            path.unlink(missing_ok=True)


def _parts(out: Path) -> set[str]:
    """The parts whose four tables are all there."""
    found = [{p.stem.removeprefix("part-") for p in (out / name).glob("part-*.parquet")}
             for name in TABLES]
    return set.intersection(*found)


def _kept(out: Path, paths: list[str], digests: dict[str, str]) -> dict[str, _Entry]:
    """The manifest's rows of the plans in `paths` unchanged since they were read (their
    digest is the same), whose part files are all there: from the manifest, and else
    from a part no manifest names (left by an interrupted run, the first one too, or
    the manifest being unreadable) whose entries hold that digest. A copy skipped last
    time is read again: the file it copied may be gone."""
    wanted = {p: d for p, d in digests.items() if d}
    parts = _parts(out)
    old = _manifest(out)
    keep = {p: e for p, e in old.items() if wanted.get(p) == e.sha256
            and e.duplicate_of is None and (e.part == "" or e.part in parts)}
    named = {e.part for e in old.values()}
    del old
    for part in sorted(parts - named):
        try:
            entries = pl.read_parquet(out / ENTRIES / f"part-{part}.parquet")
        except (OSError, pl.exceptions.PolarsError):
            continue  # a part from before entries, or half-written: not taken up
        for entry in map(_Entry._make, entries.select(list(_MANIFEST_SCHEMA)).iter_rows()):
            if entry.plan not in keep and wanted.get(entry.plan) == entry.sha256:
                keep[entry.plan] = entry
    return {p: keep[p] for p in paths if p in keep}


@cache
def code_version() -> str:
    """taskmap's version and a hash of the package's own files (its source and resources),
    computed once a process: plans read by other code are read again."""
    root = Path(__file__).resolve().parent
    h = hashlib.sha256(__version__.encode())
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if path.is_file() and "__pycache__" not in relative.parts:
            h.update(relative.as_posix().encode() + b"\0")
            h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def fingerprint(aliases: Sequence[str], sole_lead: bool = False) -> str:
    """What an extraction depends on besides a plan's own bytes: taskmap's code
    (`code_version`), the words file the grammar reads (TASKMAP_WORDS, else the shipped
    one) and every alias table it resolves names with (the shipped ones, then `aliases`),
    each by its content, and the reading's options (`sole_lead`). A change to any of them
    makes a dataset read every plan again."""
    from .names.tables import shipped_tables
    from .words import words_path

    h = hashlib.sha256(code_version().encode())
    if sole_lead:  # without it, the fingerprint of datasets written before the option
        h.update(b"sole_lead")
    for path in (words_path(), *shipped_tables(), *map(Path, aliases)):
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def _digest(path: str, salt: str) -> str:
    h = hashlib.sha256(salt.encode())
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _manifest(out: Path) -> dict[str, _Entry]:
    """The manifest's rows by plan; an older manifest (without text keys), or one that
    cannot be read, counts as none (the plans are taken from the part files instead)."""
    frame = _read_manifest(out)
    if frame is None or set(frame.columns) != set(_MANIFEST_SCHEMA):
        return {}
    return {r[0]: _Entry(*r) for r in frame.select(list(_MANIFEST_SCHEMA)).iter_rows()}


def _read_manifest(out: Path) -> pl.DataFrame | None:
    """The manifest, or None when there is none or it cannot be read (cut short, not
    Parquet)."""
    try:
        return pl.read_parquet(out / MANIFEST)
    except (OSError, pl.exceptions.PolarsError):
        return None


def manifest_problem(folder: str | Path) -> str | None:
    """What is wrong with a dataset folder's manifest, said for a user, that the next
    `write_dataset` mends: none yet (a first run that was interrupted), one that cannot be
    read, or one naming part files that are gone; None when it is sound or there is no
    dataset."""
    folder = Path(folder)
    if not is_dataset(folder):
        return None
    if not (folder / MANIFEST).exists():
        return f"{folder}: 数据集尚未写完(上次写出中途停止)"
    frame = _read_manifest(folder)
    if frame is None or "part" not in frame.columns:
        return f"{folder / MANIFEST}: 数据集清单已损坏,无法读取"
    missing = set(frame["part"]) - {""} - _parts(folder)
    if missing:
        return (f"{folder}: 数据集清单指向已不存在的分块文件(part-{min(missing)} 等 "
                f"{len(missing)} 个)")
    return None


def is_dataset(path: str | Path) -> bool:
    """A folder `write_dataset` wrote, or started to write."""
    path = Path(path)
    return (path / MANIFEST).is_file() or (path / MARKER).is_file()


def _claim(out: Path) -> None:
    """Make `out` a dataset folder: a new or empty folder, or one taskmap started (its
    marker is there, or only a lock or a marker being written: interrupted at its very
    start); a DatasetError for any other. The marker is written first, whole."""
    if out.exists() and not (out.is_dir() and (is_dataset(out) or _only_ours(out))):
        raise DatasetError(f"{out}: 已存在且不是 taskmap 数据集;请给一个新的或空的文件夹")
    try:
        out.mkdir(parents=True, exist_ok=True)
        if not (out / MARKER).is_file():
            tmp = out / f".{MARKER}.{os.getpid()}.part"  # two runs started at once each
            # write their own, and both put the same marker in place (one then holds the lock)
            tmp.write_text(json.dumps({"taskmap_dataset": 1}) + "\n", encoding="utf-8")
            os.replace(tmp, out / MARKER)
    except OSError as e:
        raise DatasetError(f"{out}: 无法创建数据集文件夹:{e.strerror or e}") from None


def _only_ours(out: Path) -> bool:
    return all(p.name == LOCK or (p.name.startswith(f".{MARKER}.") and p.name.endswith(".part"))
               for p in out.iterdir())


@contextlib.contextmanager
def _locked(out: Path) -> Iterator[None]:
    """Hold the dataset's lock (`LOCK`, an advisory lock of the kernel on a file in it),
    or raise DatasetError at once when another process holds it. Refused, not waited for:
    the other run is writing the same dataset, and the one wanted is a re-run after it
    (which reads only what it did not). The kernel releases the lock when the process ends
    however it ends, so no lock outlives its run."""
    try:
        fd = os.open(out / LOCK, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as e:
        raise DatasetError(f"{out}: 无法创建数据集的锁文件:{e.strerror or e}") from None
    held = False
    try:
        if not _lock(fd):
            writer = _writer(fd)
            if writer is None:
                raise DatasetError(f"{out}: 另一个 taskmap 正在读取这个数据集;"
                                   "请等它结束后再运行")
            raise DatasetError(f"{out}: 另一个 taskmap(进程 {writer})正在写这个数据集;"
                               "请等它结束后再运行(再运行只读它没有读过的方案)")
        held = True
        with contextlib.suppress(OSError):  # who writes, for the message above
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        if held:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)  # readers hold no pid
        os.close(fd)  # the lock goes with it


def _writer(fd: int) -> int | None:
    """The process writing the dataset whose lock `fd` is: its pid, when it is alive (a
    writer killed leaves its pid, and a reader may hold the lock since); else None."""
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        text = os.read(fd, 32).decode("ascii", "replace").strip()
    except OSError:
        return None
    if not text.isdigit():
        return None
    if os.name == "posix":
        try:
            os.kill(int(text), 0)
        except ProcessLookupError:
            return None
        except OSError:
            pass  # alive, another user's
    return int(text)


def hold_for_reading(folder: str | Path) -> Callable[[], None]:
    """Keep any run from writing dataset `folder` while this process reads it (a shared
    lock: readers are welcome, a writer would remove part files being read), until the
    function returned is called or this process ends. DatasetError when a run is writing
    it now. A folder where no lock can be made (read-only) is read without one."""
    try:
        fd = os.open(Path(folder) / LOCK, os.O_RDONLY | os.O_CREAT, 0o666)
    except OSError:
        return lambda: None
    if not _lock(fd, shared=True):
        writer = _writer(fd)
        os.close(fd)
        who = f"(进程 {writer})" if writer is not None else ""
        raise DatasetError(f"{folder}: 另一个 taskmap{who}正在写这个数据集;请等它结束后再读取")
    return lambda: os.close(fd)


def _lock(fd: int, shared: bool = False) -> bool:
    """Lock `fd` without waiting, for this process alone or, `shared`, with other readers;
    False when another process holds it (True, unlocked, on a file system that has no
    locks: the run goes on as it did before locks)."""
    try:
        import fcntl
    except ImportError:  # Windows: no shared locks, readers go without
        import msvcrt

        if shared:
            return True
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        except OSError:
            return False
        return True
    try:
        fcntl.flock(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    except OSError:  # ENOLCK, EOPNOTSUPP: no locks here
        pass
    return True


def open_dataset(folder: str | Path, keep: object = None) -> Corpus:
    """A dataset's Corpus, read lazily (scan_parquet): only the rows of the plans its
    manifest lists, at their current part."""
    folder = Path(folder)
    if not is_dataset(folder):
        raise DatasetError(f"{folder}: 不是 taskmap 数据集(没有 {MANIFEST})")
    problem = manifest_problem(folder)
    if problem is not None:
        raise DatasetError(f"{problem};请对原来的方案重新运行 taskmap extract 方案 -f parquet "
                           f"-o {folder},它会修复数据集(完好的分块会保留,不必重读)")
    manifest = _read_manifest(folder)
    assert manifest is not None  # manifest_problem said so otherwise
    current = manifest.filter(pl.col("part") != "").select("plan", "part")
    order = current["part"].unique(maintain_order=True).to_list()  # parts in plan order
    frames, pieces = {}, []
    for name in TABLES:
        files = [folder / name / f"part-{part}.parquet" for part in order]
        if files:
            frame = pl.scan_parquet(files).join(current.lazy(), on=["plan", "part"],
                                                how="semi", maintain_order="left")
            frames[name] = frame.drop("part")
        else:
            frames[name] = engine.frames_of([])[name].lazy()
        if name == "assignments":
            plans_of = current.partition_by("part", as_dict=True, maintain_order=True)
            pieces = [pl.scan_parquet(f).join(plans_of[(part,)].lazy(), on=["plan", "part"],
                                              how="semi", maintain_order="left").drop("part")
                      for part, f in zip(order, files, strict=True)]
    failures = [(r["plan"], r["error"]) for r in manifest.iter_rows(named=True) if r["error"]]
    duplicates = [(r["plan"], r["duplicate_of"]) for r in manifest.iter_rows(named=True)
                  if r.get("duplicate_of")]
    return Corpus.of(frames, failures, keep, pieces, duplicates)
