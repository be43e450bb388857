"""Control characters out of text read from files: NUL and the other C0 controls (but tab,
line feed and carriage return), DEL and the C1 controls never reach a Document, so they can
neither split a body's name in two nor reach a terminal as an escape sequence. A terminal
escape sequence (ESC [ 2 J, ESC ] … BEL) goes whole, not only its ESC."""

from __future__ import annotations

import re
from dataclasses import replace

from ..models import Table

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_ESCAPE = re.compile(
    "(?:\x1b\\[|\x9b)[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor, clear screen
    "|(?:\x1b\\]|\x9d)[^\x07\x1b\x9c\n]{0,512}(?:\x07|\x1b\\\\|\x9c)"  # OSC: title, link
    "|\x1b[@-Z\\\\^_]")  # any other two-character escape


def scrub(text: str) -> str:
    """`text` without control characters other than tab, line feed and carriage return.

    >>> scrub("县住\\x00建局\\x1b[2J")
    '县住建局'
    """
    return _CONTROL.sub("", _ESCAPE.sub("", text)) if _CONTROL.search(text) else text


def only_controls(text: str) -> bool:
    """True when `text` holds something, but nothing beyond control characters and spaces."""
    return bool(text.strip()) and not scrub(text).strip()


def scrub_tables(tables: tuple[Table, ...] | list[Table]) -> tuple[Table, ...]:
    """The tables with every cell scrubbed (a table whose cells are clean is kept as it is)."""
    return tuple(table if not any(_CONTROL.search(c) for row in table.rows for c in row.cells)
                 else replace(table, rows=tuple(replace(row, cells=tuple(map(scrub, row.cells)))
                                                for row in table.rows))
                 for table in tables)
