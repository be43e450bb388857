"""Each uploaded file is parsed in a child process under a time and a memory limit, so a
file crafted to take minutes or gigabytes costs that one upload (a Chinese line on the
page), never the server.

The children come from a forkserver that has the readers and the grammar imported and
warmed already (`warm`: a child starts in milliseconds); where there is none (Windows),
they are spawned. On Linux the child's address space is limited (RLIMIT_AS) to
`parse_memory` bytes more than it starts with, and its CPU time (RLIMIT_CPU) to the time
limit and a little more, so it ends by itself even when the server is gone. The server
waits `parse_seconds` for an answer and kills the child after that.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from collections.abc import Sequence
from multiprocessing.connection import Connection

from ..models import Plan
from ..read.limits import Limits
from . import uploads as views

CPU_SLACK = 2  # seconds of CPU a child may use beyond the time limit (its own backstop)
_context = None


def context():
    """The multiprocessing context children come from, made once."""
    global _context
    if _context is None:
        if "forkserver" in multiprocessing.get_all_start_methods():
            _context = multiprocessing.get_context("forkserver")
            _context.set_forkserver_preload(["taskmap.web.isolate", "taskmap.web.warm"])
        else:
            _context = multiprocessing.get_context("spawn")
    return _context


def warm() -> None:
    """Start the forkserver (it imports the readers and the grammar) before the first
    upload needs it, by running one child that does nothing."""
    child = context().Process(target=_nothing, name="taskmap-web-warm", daemon=True)
    child.start()
    child.join()
    child.close()


def _nothing() -> None:
    pass


def read_uploads(uploads: Sequence[views.Upload], limits: Limits, seconds: float,
                 memory: int) -> tuple[list[Plan], list[views.Problem]]:
    """`views.read_uploads`, each file in its own child: a file that takes longer than
    `seconds` or more than `memory` bytes is a Problem like an unreadable one."""
    plans: list[Plan] = []
    problems: list[views.Problem] = []
    for upload in uploads:
        if not upload.data:  # said without a child
            more_plans, more_problems = views.read_uploads([upload], limits)
        else:
            more_plans, more_problems = _in_child(upload, limits, seconds, memory)
        plans += more_plans
        problems += more_problems
    return plans, problems


def _in_child(upload: views.Upload, limits: Limits, seconds: float, memory: int
              ) -> tuple[list[Plan], list[views.Problem]]:
    ctx = context()
    mine, theirs = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child, args=(theirs, upload, limits, seconds, memory),
                        name="taskmap-web-parse", daemon=True)
    child.start()
    theirs.close()
    try:
        if mine.poll(seconds):
            try:
                return mine.recv()
            except (EOFError, OSError):
                pass  # the child died before it could answer (out of memory, a signal)
            except Exception:  # an answer cut short
                pass
            return [], [_failed(upload.name, memory)]
        return [], [views.Problem(upload.name, f"{upload.name}:读取超过 {_seconds(seconds)},"
                                               "已停止。文件可能过大或结构异常;可用命令行 "
                                               "taskmap extract 读取它。")]
    finally:
        mine.close()
        if child.is_alive():
            child.kill()
        child.join()
        child.close()


def _failed(name: str, memory: int) -> views.Problem:
    return views.Problem(name, f"{name}:读取时用尽了允许的资源(内存上限 {memory >> 20} MB)"
                               "或意外中止,未读取。文件可能过大或结构异常。")


def _seconds(s: float) -> str:
    return f"{s:g} 秒"


def _child(conn: Connection, upload: views.Upload, limits: Limits, seconds: float,
           memory: int) -> None:
    """In the child: limit itself, read, send the answer. Ctrl-C in the server's window
    reaches the child too: it leaves the ending to the server (which ends its children)
    instead of printing a traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _limit(seconds, memory)
    try:
        answer = views.read_uploads([upload], limits)
    except MemoryError:
        answer = [], [_failed(upload.name, memory)]
    try:
        conn.send(answer)
    except MemoryError:
        conn.send(([], [_failed(upload.name, memory)]))
    conn.close()


def _limit(seconds: float, memory: int) -> None:
    if not sys.platform.startswith("linux"):
        return
    import resource

    with open("/proc/self/statm") as f:  # the address space the child starts with
        start = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    wanted = start + memory
    if hard == resource.RLIM_INFINITY or wanted < hard:
        resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))
    cpu = int(seconds) + CPU_SLACK
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if hard == resource.RLIM_INFINITY or cpu < hard:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, hard))
