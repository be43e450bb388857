"""What a worker process of a corpus run does: read one plan. Kept apart from `corpus` so
that a worker imports the reader and the grammar, not polars: it sends back the Plan, or
the plan's rows (`taskmap.rows`), which the parent turns into frames a batch at a time, and
each worker stays small.
"""

from __future__ import annotations

import atexit
import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from functools import cache
from itertools import islice
from pathlib import Path

from .errors import TaskmapError
from .models import Plan
from .rows import Rows, plan_rows


def table(aliases: tuple[str, ...]):
    """The alias tables, loaded once a process as long as they stay as they are (a table
    edited between two runs of one process is loaded again)."""
    return _table(aliases, tuple(_stamp(a) for a in aliases))


def _stamp(path: str) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None  # AliasTable.load says what is wrong with it
    return info.st_mtime_ns, info.st_size


@cache
def _table(aliases: tuple[str, ...], stamps: tuple):
    from .names.tables import AliasTable
    from .pipeline import national_table

    return AliasTable.load(aliases) if aliases else national_table()


Job = tuple[str, tuple[str, ...], bool]  # a plan's path, the alias tables, sole_lead


def read(job: Job) -> tuple[str, str | None, Plan | str]:
    """One plan and the key of its text (`pipeline.text_key`, what makes two files one
    plan), or why it could not be read, with no key (one bad file must not stop a corpus).
    `job`: the plan's path, the alias tables, and whether a sole body named is the lead
    (`pipeline.parse_document`'s `sole_lead`)."""
    path, aliases, sole_lead = job
    from .pipeline import parse_document, text_key
    from .read import read_document

    try:
        doc = read_document(path)
        return path, text_key(doc), parse_document(doc, table(aliases), sole_lead=sole_lead)
    except Exception as e:
        return path, None, (str(e) if isinstance(e, TaskmapError)
                            else f"{type(e).__name__}: {e}")


def read_many(jobs: list[Job]) -> list[tuple[str, str | None, Plan | str]]:
    """A chunk of plans, read one after the other (one message a chunk, not a plan)."""
    return [read(job) for job in jobs]


def rows(job: Job) -> tuple[str, str | None, Rows | str]:
    """One plan as its rows (`taskmap.rows.plan_rows`), with the key of its text; or why it
    could not be read."""
    path, key, plan = read(job)
    return path, key, plan if isinstance(plan, str) else plan_rows(plan)


def rows_many(jobs: list[Job]) -> list[tuple[str, str | None, Rows | str]]:
    """A chunk of plans as rows."""
    return [rows(job) for job in jobs]


def quiet(parent: int | None = None, deathsig: bool = False) -> None:
    """A worker's start. Ctrl-C reaches every process of the terminal's group: the workers
    leave it to the parent, which stops them and says one line, whatever a worker was doing.
    And a worker ends when its `parent` does, however the parent ends (kill -9 included),
    instead of waiting on a pipe for ever (see `die_with`)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if parent is not None:
        die_with(parent, deathsig)


WATCH = 0.5  # seconds between two looks of a worker at its parent
_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def die_with(parent: int, deathsig: bool = False) -> None:
    """End this process when `parent` ends: on Linux, with `deathsig`, the kernel kills it
    (PR_SET_PDEATHSIG; only when the parent's main thread started it, for the signal
    follows the thread that did); everywhere, a thread that looks every WATCH seconds
    whether this process still has `parent` (it gets another when the parent is gone)."""
    if deathsig and sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass  # the watching thread still does it
    if os.getppid() != parent:  # gone already, before the kernel was asked
        os._exit(1)
    threading.Thread(target=_watch, args=(parent,), name="taskmap-parent", daemon=True).start()


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(WATCH)
    os._exit(1)  # nothing of a dead parent's run is worth finishing


AHEAD = 4  # chunks of plans a worker may have in hand before they are taken
# (jobs, aliases, sole_lead) → the workers `start` started, their chunks given ahead, and
# whether as Plans
_started: dict[tuple[int, tuple[str, ...], bool], tuple[ProcessPoolExecutor, list, bool]] = {}


def chunked(work: list, jobs: int) -> Iterator[list]:
    """Chunks of plans to read, smaller towards the end (so that no core is left with much
    to do when the others are done): a sixteenth of what is left for two cores, at most 32
    plans (one message a chunk, not a plan), at least 2."""
    start = 0
    while start < len(work):
        size = max(2, min(32, (len(work) - start) // (jobs * 8)))
        yield work[start:start + size]
        start += size


def take(jobs: int, aliases: tuple[str, ...], plans: bool = False,
         sole_lead: bool = False) -> tuple[ProcessPoolExecutor, list]:
    """The worker processes of a corpus run on `jobs` cores — `jobs - 1` of them (the calling
    process reads too) — and the (chunk, Future) of the chunks they were given ahead, read
    as Plans with `plans`, else as rows: those `start` started (their chunks dropped if read
    the other way), else new ones and none. The caller shuts them down. Spawned, not
    forked: a fork of a process whose polars threads hold a lock deadlocks. Each worker
    ends when this process does, however it ends (`quiet`)."""
    started = _started.pop((jobs, aliases, sole_lead), None)
    if started is not None:
        pool, ahead, as_plans = started
        if as_plans != plans:
            for _, future in ahead:
                future.cancel()
            ahead = []
        return pool, ahead
    main = threading.current_thread() is threading.main_thread()
    pool = ProcessPoolExecutor(max_workers=jobs - 1, initializer=quiet,
                               initargs=(os.getpid(), main),
                               mp_context=multiprocessing.get_context("spawn"))
    with _interrupts_ignored():  # a worker born now ignores Ctrl-C from its first instant
        for _ in range(jobs - 1):
            pool.submit(int)  # each submit while none is idle starts a process
    return pool, []


@contextmanager
def _interrupts_ignored() -> Iterator[None]:
    """SIGINT ignored in this process for a moment (a process started meanwhile keeps it
    ignored through its whole start, before `quiet` could run); from the main thread only."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, before)


def start(jobs: int | None, aliases: tuple[str, ...], paths: Sequence[str | Path],
          plans: bool = False, sole_lead: bool = False) -> None:
    """Start the workers of a coming corpus run over `paths` now, on their first chunks
    (read as Plans with `plans`, else as rows), while this process does its own preparing
    (imports, file hashes); the next run on the same `jobs`, `aliases` and `sole_lead`
    takes them, and those chunks where its own first chunks are the same and read the same
    way. Nothing to start for one core or one plan."""
    jobs = jobs or os.cpu_count() or 1
    key = (jobs, aliases, sole_lead)
    if jobs < 2 or len(paths) < 2 or key in _started:
        return
    pool, _ = take(jobs, aliases, plans, sole_lead)  # a new pool: none waits under its key
    chunks = islice(chunked([(str(p), aliases, sole_lead) for p in paths], jobs),
                    AHEAD * (jobs - 1))
    many = read_many if plans else rows_many
    _started[key] = (pool, [(c, pool.submit(many, c)) for c in chunks], plans)


def stop(jobs: int | None = None, aliases: tuple[str, ...] | None = None,
         sole_lead: bool = False) -> None:
    """Stop the workers `start` started for `jobs`, `aliases` and `sole_lead` (default: all
    of them)."""
    for key in [k for k in _started if jobs is None or k == (jobs, aliases, sole_lead)]:
        _started.pop(key)[0].shutdown(wait=True, cancel_futures=True)


atexit.register(stop)  # workers started and never taken (a command that failed first)
