"""What a worker process of a corpus run does: read one plan. Kept apart from `corpus` so
that a worker imports the reader and the grammar, not polars: the Plan is sent back and
reduced to frames by the parent, and each worker stays small.
"""

from __future__ import annotations

import signal
from functools import cache

from .errors import TaskmapError
from .models import Plan


@cache
def table(aliases: tuple[str, ...]):
    """The alias tables, loaded once a process."""
    from .names.tables import AliasTable
    from .pipeline import national_table

    return AliasTable.load(aliases) if aliases else national_table()


def read(job: tuple[str, tuple[str, ...]]) -> tuple[str, str | None, Plan | str]:
    """One plan and the key of its text (`pipeline.text_key`, what makes two files one
    plan), or why it could not be read, with no key (one bad file must not stop a corpus)."""
    path, aliases = job
    from .pipeline import parse_document, text_key
    from .read import read_document

    try:
        doc = read_document(path)
        return path, text_key(doc), parse_document(doc, table(aliases))
    except Exception as e:
        return path, None, (str(e) if isinstance(e, TaskmapError)
                            else f"{type(e).__name__}: {e}")


def read_many(jobs: list[tuple[str, tuple[str, ...]]]
              ) -> list[tuple[str, str | None, Plan | str]]:
    """A chunk of plans, read one after the other (one message a chunk, not a plan)."""
    return [read(job) for job in jobs]


def quiet() -> None:
    """Ctrl-C reaches every process of the terminal's group: the workers leave it to the
    parent, which stops them and says one line, whatever a worker was doing."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
