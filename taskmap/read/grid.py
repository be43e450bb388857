"""Tables as rows × cells on a true grid, the form every reader hands to `Document.tables`.

A reader builds each row as `Cells`, a map from grid column (0-based) to (text, merged), and
`make_table` turns the rows into a `Table`: every row padded to the same width with empty,
unmerged cells. `place` puts one cell on the grid: a cell spanning columns puts its text in
every column it covers, and every copy but the first is flagged merged.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..models import Row, Table

Cells = dict[int, tuple[str, bool]]  # grid column → (text, merged: a copy of another cell)
MAX_COLUMNS = 16384  # Excel's limit; a wider span in a damaged file is cut there


def place(cells: Cells, column: int, text: str, span: int = 1, merged: bool = False) -> None:
    """Put `text` in the `span` grid columns from `column`; the columns after the first hold
    copies (merged), and so does the first when `merged` (a cell a merge from above covers)."""
    for k in range(max(column, 0), min(column + max(span, 1), MAX_COLUMNS)):
        cells[k] = (text, merged or k > column)


def make_table(rows: Iterable[tuple[int, Cells]], origin: str = "file") -> Table | None:
    """A Table of (line, cells) rows in reading order, each padded with "" to the widest row;
    None when there are no rows."""
    rows = list(rows)
    if not rows:
        return None
    width = max((max(cells) + 1 for _, cells in rows if cells), default=0)
    empty = ("", False)
    return Table(tuple(
        Row(line, tuple(cells.get(k, empty)[0] for k in range(width)),
            tuple(cells.get(k, empty)[1] for k in range(width)))
        for line, cells in rows), origin)
