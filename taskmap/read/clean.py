"""What never reaches a Document (`taskmap.text.clean`): NUL and the other C0 controls (but
tab), DEL and the C1 controls, terminal escape sequences (whole, not only their ESC), and
invisible format characters — so they can neither split a body's name in two nor reach a
terminal. A line separator inside a reader's line (U+2028, VT, FF, NEL) makes two lines."""

from __future__ import annotations

from dataclasses import replace

from ..models import Row, Table
from ..text import LINE_BREAK, clean, split_lines


def one_line_each(lines: list[str], tables: tuple[Table, ...] | list[Table]
                  ) -> tuple[list[str], tuple[Table, ...] | list[Table]]:
    """The lines a reader returned, split where one holds a line separator (U+2028, a
    vertical tab…), and its tables' rows pointed at the lines they now stand on."""
    if not any(LINE_BREAK.search(line) for line in lines):
        return lines, tables
    out: list[str] = []
    first: list[int] = []  # the new index of each old line's first piece
    for line in lines:
        first.append(len(out))
        out.extend(split_lines(line) or ("",))
    first.append(len(out))

    def moved(row: Row) -> Row:
        line, last = first[row.line - 1] + 1, first[row.end]  # 1-based, its last piece
        return replace(row, line=line, last=last if last > line else 0)
    return out, [replace(t, rows=tuple(map(moved, t.rows))) for t in tables]


def scrub_tables(tables: tuple[Table, ...] | list[Table]) -> tuple[Table, ...]:
    """The tables with every cell scrubbed (a table whose cells are clean is kept as it is)."""
    return tuple(table if all(clean(c) is c for row in table.rows for c in row.cells)
                 else replace(table, rows=tuple(replace(row, cells=tuple(map(clean, row.cells)))
                                                for row in table.rows))
                 for table in tables)
