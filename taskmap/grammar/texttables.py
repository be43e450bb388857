"""Task tables written as text, found once: the shapes tables take when a page or a PDF is
copied as text.

- a header row whose cells are separated by tabs, `|`, box-drawing rules, runs of spaces
  or single spaces (`序号 重点工作任务 主要责任单位 协同配合单位`), header cells cut by a space
  (`牵头 单位`);
- or one header cell per line (`序号 |` / `重点工作 |` / …), blank lines between or not;
- rows one per line, or a row spread over several lines (a cell that wraps, a lead cell of
  two bodies one per line, one cell per line), or all rows flattened onto one line;
- box-drawing tables (`┌┬┐│├┼┤└┴┘`): a row runs from one rule to the next, each column's
  pieces joined.

Where the first column numbers the rows (序号), a row starts at the next number and runs to
the number after it (section rows aside); otherwise a line is a row, or, in a table of
spaces flattened to running text, a row starts at its task cell. The cells of a row are
fitted to the columns in order: a role column wants bodies, the number column a number, a
deadline column a date, the task column text, a person column names; surplus pieces
continue the cell before them. What a web page or a PDF did to the layout (cells one a
line, header cells cut, names wrapped, sub-rows) is undone by `layout` first.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import pairwise

from .. import lexicon as lx
from ..models import LEAD, RESPONSIBLE, Document, Row, Table
from ..text import CELL_GAP as _SPACES
from ..text import WS, Text, squeeze, view
from ..text import WS_RUN as _SPACE
from .clauses import without_tail
from .layout import (
    ROW_NUMBER,
    Piece,
    carried_on,
    filled_cells,
    flat_rows,
    guess_task_column,
    header_columns,
    header_like,
    kind_of,
    looks_like_persons,
    next_number,
    opens_task,
    place,
    row_number,
    stacked_cell,
    stacked_cells,
    unwrap,
    wrapped_name,
)
from .outline import detect_heading
from .tables import NUMBER, TASK, column_role

_BOX = "│┃║"
_BOX_RULE = re.compile(r"^\s*[┌├└┏┣┗╔╠╚+][─━═┬┼┴┳╋┻╦╬╩┐┤┘┓┫┛╗╣╝+\-=\s]*$")
# One tab or one rule between two cells: `a\t\tb` holds an empty cell, as `a||b` does.
_PIPE_SPLIT = re.compile(r" *\t *|[ \u3000]*[|" + _BOX + r"][ \u3000]*")
_TAB_RUNS = re.compile(r"[ \t]*\t[ \t]*|[ \u3000]*[|" + _BOX + r"][ \u3000]*")
_MAX_ROW_LINES = 12  # a row spread over more lines than this is prose, not a row


@dataclass(frozen=True)
class _Head:
    roles: tuple[str, ...]
    kind: str  # "sep" (tabs, |), "space", "single", "lines" (a cell a line), "box"
    first: int  # line index of the header's first line
    last: int  # line index of its last line
    rest: tuple[Text, ...] = ()  # cells after the header on its own line (a flattened table)
    starts: tuple[int, ...] = ()  # where each header cell starts, in display columns
    runs: bool = False  # columns aligned by runs of tabs (a run is one boundary)
    cells: tuple[str, ...] = ()  # the header's cells, as the header row holds them
    gap: int = -1  # blank lines between two cells one a line (-1: not known)


def text_tables(doc: Document, skip: set[int]) -> list[Table]:
    """Every task table written as text in `doc`, in reading order; lines in `skip`
    (1-based: the file's own tables) are not read. Rows of a table whose header is not
    there (an excerpt cut it) make a table without a header row, for the grammar to report
    (`_headless`)."""
    out, i = [], 0
    taken: set[int] = set()  # 0-based lines of the tables found
    while i < len(doc.lines):
        head = None if i + 1 in skip else _header(doc, i)
        if head is None:
            i += 1
            continue
        rows, i = _rows(doc, head)
        out.append(Table(tuple(rows), origin="text"))
        taken.update(range(head.first, max(i, rows[-1].end)))
    headless = _headless(doc, taken | {n - 1 for n in skip})
    return sorted(out + headless, key=lambda t: t.rows[0].line) if headless else out


_HEADLESS_GAP = 2  # blank lines a table without a header runs over, at most


def _headless(doc: Document, taken: set[int]) -> list[Table]:
    """Rows of a task table with no header (cut by the excerpt): two or more rows at
    ascending numbers that name a body, written one a line (cells between tabs or `|`) or
    one cell a line (`24 |` / `新建社区食堂 |` / `民政局 |` …), outside the tables found."""
    out: list[Table] = []
    rows: list[Row] = []
    stacked: list[Piece] = []  # the cells of a run one cell a line
    headed = False  # the run has a header of its own (a table of no tasks: 序号 | 单位 | 联系人)

    def close() -> None:
        nonlocal rows, stacked, headed
        if not rows and not stacked:
            headed = False
            return
        first = next((k for k, p in enumerate(stacked) if row_number(p) is not None), 0)
        headed |= any(column_role(p.v, viewed=True) for p in stacked[:first])
        rows += _stacked_rows(stacked)
        if not headed and len(rows) >= 2 and any(
                kind_of(c) == "bodies" for r in rows for c in r.cells[1:]):
            out.append(Table(tuple(rows), origin="text"))
        rows, stacked, headed = [], [], False

    gap = 0
    for i in range(len(doc.lines)):
        v = doc.views[i].strip()
        if i in taken:
            close()
            continue
        if not v:
            gap += 1
            if gap > _HEADLESS_GAP:
                close()
            continue
        gap = 0
        if "|" not in v and "\t" not in v and "│" not in v:
            close()  # no cell of a table on this line
            continue
        t = doc.text(i)
        cells = split_sep(t) if ("\t" in v or "|" in v.strip("|")) else []
        if len(cells) >= 3 and ROW_NUMBER.match(cells[0].v):
            rows.append(Row(i + 1, tuple(c.src for c in cells)))
        elif len(cells) >= 3 and not rows:
            close()
            headed = True  # a row of column words: the rows under it are that table's
        elif v.endswith(("|", "│")) and not stacked_cells(t, i)[0].v.count("|"):
            stacked.extend(stacked_cells(t, i))
        else:
            close()
    close()
    return out


def _stacked_rows(pieces: list[Piece]) -> list[Row]:
    """Rows of cells one a line: each from a row number to the next."""
    rows: list[Row] = []
    group: list[Piece] = []
    expected: int | None = None
    for p in pieces:
        n = row_number(p)
        if n is not None and next_number(expected, n) and (not group or len(group) >= 3):
            if group:
                rows.append(_stacked_row(group))
            group, expected = [p], n
        elif group:
            group.append(p)
    if group:
        rows.append(_stacked_row(group))
    return rows


def _stacked_row(group: list[Piece]) -> Row:
    return Row(group[0].line + 1, tuple(p.text for p in group), last=group[-1].line + 1)


# ----------------------------------------------------------------------------- headers

def _header(doc: Document, i: int) -> _Head | None:
    t = doc.text(i)
    v = t.v
    if not lx.LABEL_HEAD.search(v) and not lx.BARE_HEAD.search(v):
        cell = stacked_cell(t)  # a header one cell a line opens with 序号, not a label
        if cell is not None and len(cell) <= 8 and (column_role(cell.v, viewed=True)
                                                    or _cut_cell(doc, i, cell)):
            return _lines_header(doc, i)
        return None
    if _BOX_RULE.match(v) is None and any(c in v for c in "\t|" + _BOX):
        kind = "box" if any(c in v for c in _BOX) else "sep"
        head = (_two_row_header(doc, i, kind) or _tab_runs(t, kind, i)
                or _head_of(split_sep(t), kind, i, i))
        return _wrapped_header(doc, head) if head is not None else None
    if _SPACE.search(v.strip(WS)):  # cells side by side (a line with no space inside is
        head = _head_of(_split(t, _SPACES), "space", i, i, t.src)  # one cell, no header)
        if head is None:
            head = _head_of(_single_cells(doc, i), "single", i, i, t.src)
        if head is not None:
            return head
    return _lines_header(doc, i)


def _wrapped_header(doc: Document, head: _Head) -> _Head:
    """A header whose cells wrap onto the next line of cells (`主责单位 | 协助` over
    `或牵头单位 | 单位`): each column's pieces joined, where every piece below carries on
    the cell above it (a piece short of a column's name, or opening with 或/及)."""
    k = head.last + 1
    if head.first != head.last or k >= len(doc.lines):
        return head
    below = split_sep(doc.text(k), len(head.cells), head.runs)
    filled = [(n, c) for n, c in enumerate(below) if c.v]
    if (len(below) != len(head.cells) or not filled or ROW_NUMBER.match(below[0].v.strip())
            or any(not column_role(head.cells[n] + c.v) for n, c in filled)
            or any(not carried_on(head.cells[n], c.v) for n, c in filled)):
        return head
    cells = list(head.cells)
    for n, c in filled:
        cells[n] += c.src
    roles = [column_role(c, viewed=False) for c in cells]
    return replace(head, roles=guess_task_column(tuple(roles)), last=k, cells=tuple(cells))


def _cut_cell(doc: Document, i: int, cell: Text) -> bool:
    """Is a short cell the first piece of a header cell that the next line ends (`序`/`号`)?"""
    if len(cell) > 3:
        return False
    k = i + 1
    while k < len(doc.lines) and not doc.views[k].strip():
        k += 1
    below = stacked_cell(doc.text(k)) if k < len(doc.lines) else None
    return below is not None and bool(column_role(cell.v + below.v, viewed=True))


def _head_of(cells: list[Text], kind: str, first: int, last: int,
             src: str = "") -> _Head | None:
    """A header from its cells; for a flattened table, the cells after the header. In a
    line of spaces the header runs over its column words (a name no word knows between two
    of them too: 重点工作任务分解); a title may stand before it (附件 …职责清单). `src`: the
    line, where the display column of each header cell is kept (a table aligned by spaces)."""
    roles = [column_role(c.v, viewed=True) for c in cells]
    start, width = 0, len(cells)
    if kind in ("space", "single"):
        span = _header_span(roles, cells)
        if span is None:
            return None
        start, width = span
    head = roles[start:width]
    named = [r for r in head if r]
    if not any(r in (LEAD, RESPONSIBLE) for r in head) or len(head) < 2:
        return None
    if kind != "sep" and len(named) < 2:
        return None
    if kind == "sep" and len(head) < 3 and len(named) < 2:
        return None
    if start and len(named) < 3:  # after a title: a header of three column words at least
        return None
    if kind in ("space", "single") and width < len(cells) and head[0] != NUMBER and (
            len(named) < 3 or not any(r == TASK for r in head)):
        return None  # rows without numbers after the header: a task column to start them
    own = cells[start:width]
    starts = tuple(_column(src, c.start) for c in own) if src else ()
    return _Head(guess_task_column(tuple(head)), kind, first, last, tuple(cells[width:]),
                 starts=starts, cells=tuple(c.src for c in own))


def _header_span(roles: list[str], cells: list[Text]) -> tuple[int, int] | None:
    """[start, end) of the header among the cells of a line of spaces: from its first column
    word to the last of their run, with at most two names no word knows between them; None
    where the line goes on with neither a row number nor more columns nor a flattened row."""
    start = next((k for k, r in enumerate(roles) if r), None)
    if start is None:
        return None
    while start + 1 < len(roles) and roles[start] == lx.OTHER and roles[start + 1]:
        start += 1  # a title before the header (附件 重点工作进展情况) opens with no note column
    end, unknown = start + 1, 0
    for k in range(start + 1, len(cells)):
        if roles[k]:
            end = k + 1
        elif unknown < 2 and header_like(cells[k].v) and len(cells[k].v) <= 10 and not (
                ROW_NUMBER.match(cells[k].v.strip())):
            unknown += 1
        else:
            break
    if _more_columns(roles[start:], cells[start:], end - start):
        return start, len(cells)  # 序号 … 一季度目标 …: columns the words do not name
    if end < len(roles) and roles[start] == NUMBER and not ROW_NUMBER.match(cells[end].v.strip()):
        return None
    return start, end


def _more_columns(roles: list[str], cells: list[Text], width: int) -> bool:
    """Does a header that opens with 序号 go on past its column words with more names of
    columns (short, no sentence, no number): a row of a flattened table starts at a number,
    never at a word."""
    rest = cells[width:]
    return bool(rest) and width >= 2 and roles[0] == NUMBER and all(
        len(c.v) <= 16 and not re.search(r"[。;,:\d]", c.v) for c in rest)


def _two_row_header(doc: Document, i: int, kind: str) -> _Head | None:
    """A header over two lines: column words above (序号 | 重点任务 | 责任分工 | | 完成时限),
    role labels under a group word below ( | | 牵头单位 | 配合单位 | ); each column is named by
    its lower cell where it has one, else by its upper one."""
    k = i - 1
    while k >= 0 and not doc.views[k].strip():
        k -= 1
    if k < 0 or not any(c in doc.views[k] for c in "\t|" + _BOX):
        return None
    upper = split_sep(doc.text(k))
    lower = split_sep(doc.text(i), len(upper))
    if len(lower) != len(upper) or not any(not c.v for c in lower):
        return None
    names = [b if b.v else a for a, b in zip(upper, lower, strict=True)]
    if sum(bool(column_role(c.v, viewed=True)) for c in upper if c.v) < 2:
        return None
    head = _head_of(names, kind, k, i)
    return head if head is not None and head.kind == kind else None


_HEADER_PIECES = 24  # pieces of a header one cell a line, at most


def _lines_header(doc: Document, i: int) -> _Head | None:
    """Header cells one per line (`序号 |` / `重点任务 |` …), blank lines between or not, a
    cell cut over two lines joined (`责任` / `领导`); the header runs to the first row
    number, or to its last column word where no row number follows it."""
    first = stacked_cell(doc.text(i))
    if first is None or not header_like(first.v):
        return None  # a header one cell a line opens with a cell of it
    pieces: list[Piece] = []
    k, numbered = i, False
    while k < len(doc.lines) and len(pieces) < _HEADER_PIECES:
        cells = stacked_cells(doc.text(k), k)
        if not cells:
            k += 1
            continue
        cell = cells[0]
        if row_number(cell) is not None:
            numbered = True
            break
        if (len(cells) != 1 or not cell.v or not header_like(cell.v)
                or detect_heading(cell.v, 0, cell.v)):
            break
        pieces.append(cell)
        k += 1
    columns = header_columns(pieces, doc)
    roles = [column_role(c.v, viewed=True) for c in columns]
    if not numbered:  # no row number after it: the header is its column words
        width = next((n for n, r in enumerate(roles) if not r), len(roles))
        columns, roles = columns[:width], roles[:width]
    named = [r for r in roles if r]
    if len(roles) < 3 or len(named) < 2 or not any(r in (LEAD, RESPONSIBLE) for r in roles):
        return None
    gap = min((b.line - a.last_line - 1 for a, b in pairwise(pieces)), default=-1)
    return _Head(guess_task_column(tuple(roles)), "lines", i, columns[-1].last_line,
                 cells=tuple(c.text for c in columns), gap=gap)


# ----------------------------------------------------------------------------- splitting

def _tab_runs(t: Text, kind: str, i: int) -> _Head | None:
    """A header whose columns are aligned by runs of tabs (`序号\t\t重点任务\t\t牵头单位`,
    typed, not pasted): its empty cells are gaps, and so are its rows' runs of tabs."""
    if kind != "sep" or "\t\t" not in t.v or all(c.v for c in split_sep(t)):
        return None
    cells = split_sep(t, runs=True)
    head = _head_of(cells, kind, i, i)
    return replace(head, runs=True) if head is not None else None


def split_sep(t: Text, width: int = 0, runs: bool = False) -> list[Text]:
    """Cells between tabs, `|` or box rules, empty ones kept (one tab, one boundary; with
    `runs`, a run of tabs is one); a border `|` at either end is no cell, unless keeping its
    empty cell makes the row as wide as the table (`width`): ` | 2 | 推行告知承诺制 | …`
    under a first column left empty."""
    out = [c.strip() for c in t.split(_TAB_RUNS if runs else _PIPE_SPLIT)]
    if width and len(out) == width:
        return out
    if width and len(out) == width + 1 and not out[-1].v:
        return out[:-1]
    stripped = t.v.strip()
    if stripped[:1] in "|" + _BOX and out and not out[0].v:
        out = out[1:]
    if stripped[-1:] in "|" + _BOX and out and not out[-1].v:
        out = out[:-1]
    return out


def _split(t: Text, pattern: re.Pattern) -> list[Text]:
    body = t.strip()
    return body.split(pattern) if body.v else []


def _single_cells(doc: Document, i: int) -> list[Text]:
    """Cells between single spaces; pieces that spell one column word (`牵头 单位`,
    `主责单位 或牵头单位`) are one cell."""
    pieces = [Piece(c, i, k == 0) for k, c in enumerate(_split(doc.text(i), _SPACE))]
    return [p.t for p in header_columns(pieces, doc)]


# ----------------------------------------------------------------------------- rows

def _rows(doc: Document, head: _Head) -> tuple[list[Row], int]:
    header = Row(head.first + 1, head.cells, last=head.last + 1)
    if head.kind == "box":
        rows, end = _box_rows(doc, head)
    elif head.kind == "sep" and not _numbered(head):
        rows, end = _line_rows(doc, head)
    elif head.kind in ("space", "single") and not _numbered(head):
        rows, end = _flat_table_rows(doc, head)
    elif head.kind == "lines" and not _numbered(head):
        rows, end = _stacked_table_rows(doc, head)
    else:
        rows, end = _numbered_rows(doc, head)
    return [header, *rows], end


def _numbered(head: _Head) -> bool:
    return bool(head.roles) and head.roles[0] == NUMBER


def _line_rows(doc: Document, head: _Head) -> tuple[list[Row], int]:
    """Rows one per line (tabs or `|`), until a line that is no row."""
    rows, i = [], head.last + 1
    while i < len(doc.lines):
        t = doc.text(i)
        if not t.v.strip() or re.fullmatch(r"[\s|:\-+=]+", t.v):
            i += 1
            continue
        cells = [c.src for c in split_sep(t, len(head.roles), head.runs)] if any(
            c in t.v for c in "\t|") else []
        if len(cells) < 2 or sum(bool(c) for c in cells) == 1:
            if not _next_is_row(doc, i + 1):
                break
            cells = [t.strip().src]  # a section row
        rows.append(Row(i + 1, tuple(cells)))
        i += 1
    return rows, i


def _next_is_row(doc: Document, i: int) -> bool:
    while i < len(doc.lines) and not doc.views[i].strip():
        i += 1
    return i < len(doc.lines) and len(split_sep(doc.text(i))) >= 2


def _pieces(doc: Document, head: _Head, i: int) -> list[Piece]:
    """The pieces a line holds, cut the way the header is."""
    t = doc.text(i)
    if head.kind == "lines":
        return stacked_cells(t, i)
    if head.kind == "sep":  # cells between separators are cells, empty ones too
        return [Piece(c, i, k == 0)
                for k, c in enumerate(split_sep(t, len(head.roles), head.runs))]
    cells = [c for c in _split(t, _SPACES if head.kind == "space" else _SPACE) if c.v]
    if head.kind == "space" and 1 < len(cells) < len(head.roles):
        cells = _under_header(t.src, cells, head) or _with_gaps(cells, len(head.roles))
    pieces = [Piece(c, i, k == 0) for k, c in enumerate(cells)]
    return unwrap(pieces) if head.kind == "single" else pieces


def _column(line: str, offset: int) -> int:
    """The display column where `offset` of `line` stands (a wide character takes two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line[:offset])


def _under_header(line: str, cells: list[Text], head: _Head) -> list[Text] | None:
    """A row's cells in a table aligned by spaces, each in the column whose header starts
    where it starts, and an empty cell in every column that has none; None when the row
    opens in no header column or a cell starts under none (not an aligned row)."""
    if not head.starts:
        return None
    columns: list[int] = []
    for c in cells:
        at = _column(line, c.start)
        k = next((k for k, s in enumerate(head.starts) if abs(s - at) <= 1), None)
        if k is None or (columns and k <= columns[-1]):
            return None
        columns.append(k)
    if columns[0] != 0:
        return None  # a continuation line of a wrapped row: its cells as they come
    out = [Text("", "", len(line)) for _ in head.starts]
    for k, c in zip(columns, cells, strict=True):
        out[k] = c
    return out


def _with_gaps(cells: list[Text], width: int) -> list[Text]:
    """Cells of a row aligned by runs of spaces, with an empty cell where a run is at least
    twice the row's narrowest (`2  推进某项工作  区商务局      2024年底`: the responsible
    cell is empty), as many as the row lacks, the widest runs first."""
    gaps = [b.start - a.end for a, b in pairwise(cells)]
    unit = min(gaps)
    wide = sorted((k for k, g in enumerate(gaps) if g >= 2 * unit and g >= 4),
                  key=lambda k: -gaps[k])[:width - len(cells)]
    out: list[Text] = []
    for k, c in enumerate(cells):
        out.append(c)
        if k in wide:
            out.append(Text("", "", c.end))
    return out


class _Open:
    """The row being read: its pieces, and the sub-rows under it (a `|` line that carries on
    its cells, `新增学位810个 | |||||`)."""

    def __init__(self, pieces: list[Piece]) -> None:
        self.pieces = pieces
        self.subrows: list[list[Piece]] = []

    def lines(self) -> int:
        return len({p.line for p in self.pieces} | {p.line for r in self.subrows for p in r})


def _numbered_rows(doc: Document, head: _Head) -> tuple[list[Row], int]:
    """Rows that start at their number and run to the next one (or to a section row); a
    row's pieces over one or several lines."""
    rows: list[Row] = []
    current: _Open | None = None
    expected: int | None = None
    flat = [Piece(c, head.first, False) for c in head.rest if c.v]
    if flat:  # a table flattened onto its header's line
        for group in _split_numbered(unwrap(flat) if head.kind == "single" else flat):
            rows.append(_fit(head, group, doc))
    i = head.last + 1
    blanks = 0  # blank lines before line i
    while i < len(doc.lines):
        v = doc.views[i].strip()
        if not v or lx.PAGE_LINE.match(v):
            blanks += not v
            i += 1
            continue
        pieces = _pieces(doc, head, i)
        n = row_number(pieces[0]) if pieces else None
        if head.gap >= 0 and blanks > head.gap and n is None:  # cells one a line: a wider gap
            empty = Piece(Text("", "", 0), i, True)  # than the header's is an empty cell
            pieces = [empty] * ((blanks - head.gap) // (head.gap + 1)) + pieces
        blanks = 0
        if n is not None and next_number(expected, n) and (
                current is None or head.kind != "lines" or _row_so_far(head, current)):
            if current:
                rows.append(_fit(head, current.pieces, doc, current.subrows))
            current, expected = _Open(pieces), n
        elif _section(doc, head, i):
            if current:
                rows.append(_fit(head, current.pieces, doc, current.subrows))
            current = None
            rows.append(Row(i + 1, (doc.text(i).strip().src,)))  # a section row
        elif _repeats_header(head, pieces):  # the header again, at the top of a page
            if current:
                rows.append(_fit(head, current.pieces, doc, current.subrows))
            current = None
            rows.append(Row(i + 1, tuple(p.text for p in pieces)))
        elif current and _subrow(head, current, pieces, v):
            current.subrows.append(pieces)
        elif current and (_continues(current, pieces, head, v)
                          or _before_next(doc, head, i, expected, current)):
            current.pieces = current.pieces + pieces
        elif not current and not rows:
            i += 1  # between the header and the first row
            continue
        else:
            break
        while current and expected is not None and (
                at := _next_row_in_line(head, current.pieces, expected)):
            rows.append(_fit(head, current.pieces[:at], doc, current.subrows))
            current, expected = _Open(current.pieces[at:]), expected + 1
        i += 1
    if current:
        rows.append(_fit(head, current.pieces, doc, current.subrows))
    return rows, i


def _next_row_in_line(head: _Head, pieces: list[Piece], expected: int) -> int | None:
    """Where the next row starts inside a line of a table of spaces that holds several rows
    (`1 建设口袋公园 区城管局 2 改造农贸市场 区商务局`): at the next row number, once the row
    has half its columns and with cells after it; None where no row starts in the line."""
    if head.kind not in ("space", "single"):
        return None
    need = max(2, (len(head.roles) + 1) // 2)
    for k in range(need, len(pieces) - 1):
        if not pieces[k].opens_line and row_number(pieces[k]) == expected + 1:
            return k
    return None


_MAX_STACKED_ROWS = 200  # rows of a table one cell a line without row numbers, at most


def _stacked_table_rows(doc: Document, head: _Head) -> tuple[list[Row], int]:
    """Rows of a | table dumped one cell a line whose rows carry no number: every cell is
    there (a rule closes each, an empty one too), so each row has as many cells as the
    header has columns; the table runs while its lines end with a rule. Cells one a line
    without rules give no row: an empty cell leaves no line, the rows cannot be told apart
    (the header says so, `tables.NO_ROWS`)."""
    cells: list[Piece] = []
    width = len(head.roles)
    i = end = head.last + 1
    while i < len(doc.lines) and len(cells) < width * _MAX_STACKED_ROWS:
        v = doc.views[i].strip()
        if v and not v.endswith(("|", "│")):
            break
        cells += stacked_cells(doc.text(i), i)
        end = i + 1 if v else end
        i += 1
    rows = [cells[k:k + width] for k in range(0, len(cells) - width + 1, width)]
    return [_fit(head, row, doc) for row in rows if any(p.v for p in row)], end


def _repeats_header(head: _Head, pieces: list[Piece]) -> bool:
    """Is a line the header's cells again (Word's 重复标题行, at the top of every page)?"""
    return 1 < len(pieces) == len(head.cells) and [squeeze(p.v) for p in pieces] == [
        squeeze(view(c)) for c in head.cells]


def _row_so_far(head: _Head, current: _Open) -> bool:
    """Has a row written one cell a line cells enough that a number line opens the next
    row, not a cell of this one (a count of 2 under a row numbered 1): half its columns."""
    return len([p for p in current.pieces if p.v]) >= max(2, (len(head.roles) + 1) // 2)


def _section(doc: Document, head: _Head, i: int) -> bool:
    """A heading line (一、… / (一)…) inside the table: a row follows it, under the headings
    of the sections below it (二、重点工作 / (一)…)."""
    v = doc.views[i].strip()
    found = detect_heading(v, i + 1, v)
    if found is None or found.heading.level > 2:
        return False
    k = i + 1
    while k < len(doc.lines) and k <= i + 4:
        w = doc.views[k].strip()
        if not w:
            k += 1
            continue
        pieces = _pieces(doc, head, k)
        if pieces and row_number(pieces[0]) is not None:
            return True
        below = detect_heading(w, k + 1, w)
        if below is None or below.heading.level > 2:
            return False
        k += 1
    return False


def _subrow(head: _Head, current: _Open, pieces: list[Piece], v: str) -> bool:
    """Is a line of cells between rules, that opens with no row number, a sub-row of the row
    above (a row of the page's table that a merged cell tied to it)?"""
    return (head.kind == "sep" and 2 <= len(pieces) <= len(head.roles)
            and any(p.v for p in pieces) and current.lines() < _MAX_ROW_LINES
            and not (detect_heading(v, 0, v) or lx.opening_label(v)))


def _before_next(doc: Document, head: _Head, i: int, expected: int | None,
                 current: _Open) -> bool:
    """Does the next row's number come within a few lines, with nothing but lines of cells
    and section headings before it: then line `i` carries on the row (a row runs to the
    next row number)."""
    if expected is None or current.lines() >= _MAX_ROW_LINES:
        return False
    for k in range(i, min(i + _MAX_ROW_LINES, len(doc.lines))):
        v = doc.views[k].strip()
        if not v or lx.PAGE_LINE.match(v):
            continue
        pieces = _pieces(doc, head, k)
        if pieces and row_number(pieces[0]) == expected + 1:
            return True
        if detect_heading(v, 0, v):
            continue  # the heading of a section before the next row
        if lx.opening_label(v) or lx.STRONG_MARKER.search(v):
            return False
    return False


def _continues(current: _Open, pieces: list[Piece], head: _Head, v: str) -> bool:
    """Does a line carry on the row being read: its next cells while the row has fewer
    cells than columns (a cell broken one body a line counting once), or a list of bodies
    that a wrap cut? A heading or a labelled or bracketed block is no part of a row."""
    if current.lines() >= _MAX_ROW_LINES or not pieces:
        return False
    if detect_heading(v, 0, v) or lx.opening_label(v) or lx.STRONG_MARKER.search(v):
        return False
    if filled_cells(current.pieces, lines_only=True) < len(head.roles):
        return True
    bodies = all(lx.looks_like_agency(x) for p in pieces
                 for x in re.split(r"[、,;。]+", p.v) if x)
    return bodies and len(current.pieces) + len(pieces) <= len(head.roles) + 3


def _split_numbered(pieces: list[Piece]) -> list[list[Piece]]:
    """Rows flattened onto one line: a row starts at each number in turn."""
    groups: list[list[Piece]] = []
    expected = None
    for p in pieces:
        n = row_number(p)
        if n is not None and next_number(expected, n):
            groups.append([p])
            expected = n
        elif groups:
            groups[-1].append(p)
    return groups


_BLANKS = 2  # blank lines a table without row numbers runs over, at most


def _flat_table_rows(doc: Document, head: _Head) -> tuple[list[Row], int]:
    """Rows of a table of spaces whose rows carry no number: one a line, or several a line
    (a table flattened to running text, its first row after the header on the header's
    line), each starting at its task cell (`layout.flat_rows`); section headings between
    them are section rows."""
    rows: list[Row] = []
    flat = [Piece(c, head.first, False) for c in head.rest if c.v]
    pieces = unwrap(flat) if head.kind == "single" else flat
    i, end, blanks = head.last + 1, head.last + 1, 0
    while i < len(doc.lines):
        v = doc.views[i].strip()
        if not v or lx.PAGE_LINE.match(v):
            blanks += 1
            if blanks > _BLANKS:
                break
            i += 1
            continue
        heading = detect_heading(v, i + 1, v)
        if heading is not None and heading.heading.level <= 2 and pieces:
            rows.extend(_fit(head, g, doc) for g in flat_rows(pieces, _trailing(head)))
            pieces = []
            rows.append(Row(i + 1, (doc.text(i).strip().src,)))  # a section row
        else:
            line = _pieces(doc, head, i)
            if not _table_line(pieces, line, v):
                break
            pieces += line
        blanks, end = 0, i + 1
        i += 1
    rows.extend(_fit(head, g, doc) for g in flat_rows(pieces, _trailing(head)))
    if rows and len(rows[-1].cells) == 1:  # a heading after the table, not a section row
        rows.pop()
    return rows, end


def _trailing(head: _Head) -> int:
    """How many columns the header has after its last role column (a deadline, a progress
    text): cells of a row past its bodies."""
    last = max((k for k, r in enumerate(head.roles) if r in (LEAD, RESPONSIBLE)), default=-1)
    return len(head.roles) - 1 - last


def _table_line(pieces: list[Piece], line: list[Piece], v: str) -> bool:
    """Does a line carry on a table without row numbers: cells of which one at least is
    bodies or a deadline, or text that continues the row while it has no bodies yet (its
    task, wrapped)? A labelled or bracketed block is no part of it, nor a sentence after
    the last row."""
    if not line or lx.opening_label(v) or lx.STRONG_MARKER.search(v):
        return False
    if any(kind_of(p.v) != "text" for p in line):
        return True
    for p in reversed(pieces):  # the row being read: its bodies, back to its task
        if kind_of(p.v) == "bodies":
            return False
        if opens_task(p):
            return True
    return False


# ----------------------------------------------------------------------------- fitting

def _fit(head: _Head, pieces: list[Piece], doc: Document,
         subrows: Sequence[list[Piece]] = ()) -> Row:
    """The cells of a row: its pieces fitted to the columns in order, the best way; the
    cells of its sub-rows joined to the columns they fit."""
    cells = _fit_cells(head, pieces)
    if subrows:
        cells = _with_subrows(head, cells, subrows)
    cells = [_unwrapped(c) if r in (LEAD, RESPONSIBLE) else c
             for c, r in zip(cells, head.roles, strict=False)]
    every = [*pieces, *(p for r in subrows for p in r)]
    lines = sorted({p.line for p in every})
    first = pieces[0]
    last = max(every, key=lambda p: (p.line, p.stop))
    text = _row_text(doc, first, last)
    if len(lines) == 1 and text == doc.lines[first.line].strip():
        text = ""  # the row is its line
    return Row(first.line + 1, tuple(c.src for c in cells), text=text or "",
               last=lines[-1] + 1 if len(lines) > 1 else 0)


def _row_text(doc: Document, first: Piece, last: Piece) -> str:
    """The row as the text writes it: its lines, from its first piece to its last where it
    shares a line with another row (a flattened table), else whole."""
    a, b = first.line, last.line
    start_line, end_line = doc.lines[a], doc.lines[b]
    s = first.t.start if start_line[:first.t.start].strip() else 0
    e = last.stop if end_line[last.stop:].strip() else len(end_line)
    if a == b:
        return start_line[s:e]
    return "\n".join([start_line[s:], *doc.lines[a + 1:b], end_line[:e]])


def _fit_cells(head: _Head, pieces: list[Piece]) -> list[Text]:
    columns = head.roles
    m = len(columns)
    while len(pieces) > m and not pieces[-1].v:
        pieces = pieces[:-1]  # the rules that close the row (`||`)
    n = len(pieces)
    if n == m and len({p.line for p in pieces}) == 1 and (  # one line, a cell a column
            head.kind in ("sep", "box") or all(_score(r, [p]) >= 0
                                               for r, p in zip(columns, pieces, strict=True))):
        return [p.t for p in pieces]
    # best[t][c]: best score with the first t pieces in the first c columns
    neg = float("-inf")
    best = [[neg] * (m + 1) for _ in range(n + 1)]
    back: list[list[int]] = [[0] * (m + 1) for _ in range(n + 1)]
    best[0][0] = 0.0
    kinds = [kind_of(p.v) for p in pieces]
    scores: dict[tuple[str, int, int], float] = {}  # columns of one role score alike
    span = max(n - m + 1, 1) + 2  # pieces a cell takes, at most
    for c in range(1, m + 1):
        role = columns[c - 1]
        for t in range(0, n + 1):
            for s in range(max(0, t - span), t + 1):  # pieces s..t-1 go to column c-1
                if best[s][c - 1] == neg:
                    continue
                cell = scores.get((role, s, t))
                if cell is None:
                    cell = scores[role, s, t] = _score(role, pieces[s:t], kinds[s:t])
                score = best[s][c - 1] + cell - (
                    0.01 * c * max(0, t - s - 1)  # merging into an earlier cell is likelier
                    + (0.001 * (m - c) if s == t else 0))  # an empty cell, a later one
                if score > best[t][c]:
                    best[t][c], back[t][c] = score, s
    cells, t = [], n
    for c in range(m, 0, -1):
        s = back[t][c]
        cells.append(_join(columns[c - 1], pieces[s:t]))
        t = s
    cells.reverse()
    return cells


def _with_subrows(head: _Head, cells: list[Text], subrows: Sequence[list[Piece]]) -> list[Text]:
    """A row's cells with its sub-rows' cells joined: column by column where the sub-row
    keeps the columns (its first cell empty), else each filled cell in the column it fits
    (a merged cell above shifted the rest: `新增学位810个 | |||||`)."""
    out = list(cells)
    for sub in subrows:
        if len(sub) == len(out) and not sub[0].v:
            placed = [(k, p) for k, p in enumerate(sub) if p.v]
        else:
            filled = [p for p in sub if p.v]
            placed = list(zip(place(head.roles, filled, _score), filled, strict=True))
        for k, p in placed:
            if k < len(out):
                above = Piece(out[k], p.line - 1, True)
                out[k] = _join(head.roles[k], [above, p]) if out[k].v else p.t
    return out


def _score(role: str, pieces: list[Piece], kinds: list[str] | None = None) -> float:
    """How well `pieces` make a cell of a column of `role` (`kinds`: `layout.kind_of` of
    each piece, where the caller has them)."""
    if not pieces:
        return -0.5  # an empty cell: possible, not preferred
    if len(pieces) == 1 and not pieces[0].v:
        return 0.0  # a cell the text marks as empty (` |`)
    v = pieces[0].v if len(pieces) == 1 else _join_view(role, pieces)
    merged = -0.3 * (len(pieces) - 1)  # surplus pieces continue the cell before them:
    if role in (LEAD, RESPONSIBLE) and len(pieces) > 1:  # a cell broken one body a line
        kinds = kinds or [kind_of(p.v) for p in pieces]  # is one cell
        merged = -0.3 * (filled_cells(pieces, kinds) - 1)
        if any(k == "text" and (p.opens_line or not _names_a_body(p.v))
               for p, k in zip(pieces[1:], kinds[1:], strict=True)):
            return -2.0  # a cell of text on a line of its own, or naming none, is another
    if role == lx.PERSON and looks_like_persons(v):
        return 1.0  # names, spaced or stacked two to a cell
    if role == NUMBER:
        return (3.0 if ROW_NUMBER.match(v.strip()) else -3.0) + merged
    if role in (LEAD, RESPONSIBLE):
        items = [x[:without_tail(x)] for x in re.split(r"[、,;。\s]+", v) if x]
        bodies = sum(lx.is_placeholder(x) or x in lx.SAME_AS_ABOVE
                     or (3 <= len(x) <= 30 and lx.looks_like_agency(x)) for x in items if x)
        good = items and bodies >= 0.6 * len(items)  # a list the excerpt cut (…、高) still is
        return (2.0 if good else -2.0) + merged
    if role == lx.PERSON:  # names or posts, never a body
        return (-1.5 if kind_of(v) == "bodies" else 0.0) + merged
    if role == lx.DEADLINE_ROLE:
        return (1.5 if lx.DEADLINE.search(v) else -0.5) + merged
    if role == TASK:
        return (1.0 if len(v) > 4 and not lx.looks_like_agency(v) else 0.2) + merged
    return 0.3 + merged


def _unwrapped(t: Text) -> Text:
    """A role cell with the spaces a wrap left inside its names taken out (`县委县政府 督查室`
    in a cell of a table whose cells gaps or rules part: one name, `layout.wrapped_name`)."""
    if not _SPACE.search(t.v):
        return t
    parts = t.split(_SPACE)
    out = parts[0]
    for part in parts[1:]:
        last, first = re.split(r"[、,;]", out.v)[-1], re.split(r"[、,;]", part.v)[0]
        out = out.join(part, "" if wrapped_name(last, first) else " ")
    return out


def _names_a_body(v: str) -> bool:
    """Does a piece name a body in one of its items at least (`局、县规划局`, the end of a
    list a wrap cut)?"""
    return any(lx.looks_like_agency(x) for x in re.split(r"[、,;。\s]+", v) if x)


def _join(role: str, pieces: list[Piece]) -> Text:
    """A cell from its pieces: a piece that opens a line after a whole body name is the next
    body of a list (区财政局 / 区税务局); a name cut by a wrap is joined whole."""
    out: Text | None = None
    for p in pieces:
        out = p.t if out is None else out.join(p.t, _sep(role, out.v, p))
    return out if out is not None else Text("", "")


def _join_view(role: str, pieces: list[Piece]) -> str:
    """The view of `_join(role, pieces)` (the separators are ASCII or a 、, as in a view)."""
    v = pieces[0].v
    for p in pieces[1:]:
        v += _sep(role, v, p) + p.v
    return v


def _sep(role: str, v: str, p: Piece) -> str:
    """What stands between a cell's text so far (its view `v`) and its next piece `p`."""
    if p.opens_line and role == lx.PERSON and p.v:
        return "、"  # two persons stacked in a cell
    if p.opens_line and role in (LEAD, RESPONSIBLE):
        whole = lx.looks_like_agency(v.split("、")[-1])
        return "" if v.endswith(("、", ",")) or not whole else "、"
    return "" if p.opens_line else " "


# ----------------------------------------------------------------------------- box tables

def _box_rows(doc: Document, head: _Head) -> tuple[list[Row], int]:
    """Rows between box rules; each column's pieces over the row's lines joined."""
    rows: list[Row] = []
    group: list[int] = []
    i = head.last + 1
    while i < len(doc.lines):
        v = doc.views[i]
        if _BOX_RULE.match(v):
            if group:
                rows.append(_box_row(doc, head, group))
            group = []
            if v.strip()[:1] in "└┗╚":
                i += 1
                break
        elif any(c in v for c in _BOX):
            group.append(i)
        else:
            break
        i += 1
    if group:
        rows.append(_box_row(doc, head, group))
    return rows, i


def _box_row(doc: Document, head: _Head, group: list[int]) -> Row:
    per_line = [split_sep(doc.text(k)) for k in group]
    if all(len(cells) <= 1 for cells in per_line):  # a section row across the table
        return Row(group[0] + 1, (" ".join(c.src for cells in per_line for c in cells).strip(),))
    width = len(head.roles)
    cells = []
    for col in range(width):
        pieces = [Piece(cells_[col], k, True) for cells_, k in zip(per_line, group, strict=True)
                  if col < len(cells_) and cells_[col].v]
        cells.append(_join(head.roles[col], pieces).src)
    text = "\n".join(doc.lines[k] for k in group)
    return Row(group[0] + 1, tuple(cells), text=text, last=group[-1] + 1)
