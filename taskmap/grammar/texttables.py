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

Where the first column numbers the rows (序号), a row starts at the next number; otherwise
a line is a row. The cells of a row are fitted to the columns in order: a role column
wants bodies, the number column a number, a deadline column a date, the task column text;
surplus pieces continue the cell before them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from itertools import pairwise

from .. import lexicon as lx
from ..models import LEAD, RESPONSIBLE, Document, Row, Table
from ..text import CELL_GAP as _SPACES
from ..text import WS, Text
from ..text import WS_RUN as _SPACE
from .clauses import without_tail
from .outline import detect_heading
from .tables import NUMBER, TASK, column_role

_BOX = "│┃║"
_BOX_RULE = re.compile(r"^\s*[┌├└┏┣┗╔╠╚+][─━═┬┼┴┳╋┻╦╬╩┐┤┘┓┫┛╗╣╝+\-=\s]*$")
# One tab or one rule between two cells: `a\t\tb` holds an empty cell, as `a||b` does.
_PIPE_SPLIT = re.compile(r" *\t *|[ \u3000]*[|" + _BOX + r"][ \u3000]*")
_TAB_RUNS = re.compile(r"[ \t]*\t[ \t]*|[ \u3000]*[|" + _BOX + r"][ \u3000]*")
_NUMBER = re.compile(r"^\d{1,3}$")
_MAX_ROW_LINES = 12  # a row spread over more lines than this is prose, not a row


@dataclass(frozen=True)
class _Piece:
    """A cell, or a piece of one: its text (a span of its line), the line it stands on,
    whether it opens a line."""

    t: Text
    line: int
    opens_line: bool

    @property
    def text(self) -> str:
        return self.t.src

    @property
    def v(self) -> str:
        return self.t.v


@dataclass(frozen=True)
class _Head:
    roles: tuple[str, ...]
    kind: str  # "sep" (tabs, |), "space", "single", "lines" (a cell a line), "box"
    first: int  # line index of the header's first line
    last: int  # line index of its last line
    rest: tuple[Text, ...] = ()  # cells after the header on its own line (a flattened table)
    starts: tuple[int, ...] = ()  # where each header cell starts, in display columns
    runs: bool = False  # columns aligned by runs of tabs (a run is one boundary)


def text_tables(doc: Document, skip: set[int]) -> list[Table]:
    """Every task table written as text in `doc`; lines in `skip` (1-based: the file's own
    tables) are not read."""
    out, i = [], 0
    while i < len(doc.lines):
        head = None if i + 1 in skip else _header(doc, i)
        if head is None:
            i += 1
            continue
        rows, i = _rows(doc, head)
        out.append(Table(tuple(rows), origin="text"))
    return out


# ----------------------------------------------------------------------------- headers

def _header(doc: Document, i: int) -> _Head | None:
    t = doc.text(i)
    v = t.v
    if not lx.LABEL_HEAD.search(v) and not lx.BARE_HEAD.search(v):
        cell = _cell_text(t)  # a header one cell a line opens with 序号, not a label
        if cell is not None and len(cell) <= 8 and column_role(cell.v, viewed=True):
            return _lines_header(doc, i)
        return None
    if _BOX_RULE.match(v) is None and any(c in v for c in "\t|" + _BOX):
        kind = "box" if any(c in v for c in _BOX) else "sep"
        return (_two_row_header(doc, i, kind) or _tab_runs(t, kind, i)
                or _head_of(split_sep(t), kind, i, i))
    if _SPACE.search(v.strip(WS)):  # cells side by side (a line with no space inside is
        for kind, cells in (("space", _split(t, _SPACES)),  # one cell, never a header)
                            ("single", _single_cells(t))):
            head = _head_of(cells, kind, i, i)
            if head is not None:
                return replace(head, starts=tuple(
                    _column(t.src, c.start) for c in cells[:len(head.roles)]))
    return _lines_header(doc, i)


def _head_of(cells: list[Text], kind: str, first: int, last: int) -> _Head | None:
    """A header from its cells; for a flattened table, the cells after the header."""
    roles = [column_role(c.v, viewed=True) for c in cells]
    width = len(cells)
    if kind in ("space", "single"):  # the header ends where its column words end
        width = next((k for k, r in enumerate(roles) if not r), len(roles))
        if _more_columns(roles, cells, width):
            width = len(cells)  # 序号 … 一季度目标 …: columns the words do not name
        elif width < len(roles) and not _NUMBER.match(cells[width].v.strip()):
            return None
    head = roles[:width]
    named = [r for r in head if r]
    if not any(r in (LEAD, RESPONSIBLE) for r in head) or len(head) < 2:
        return None
    if kind != "sep" and len(named) < 2:
        return None
    if kind == "sep" and len(head) < 3 and len(named) < 2:
        return None
    return _Head(tuple(head), kind, first, last, tuple(cells[width:]))


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


def _lines_header(doc: Document, i: int) -> _Head | None:
    """Header cells one per line (`序号 |` / `重点任务 |` …), blank lines between or not."""
    roles: list[str] = []
    k, last = i, i
    while k < len(doc.lines) and len(roles) < 12:
        cell = _cell_text(doc.text(k))
        if cell is None:
            k += 1
            continue
        role = column_role(cell.v, viewed=True)
        if not role:
            break
        roles.append(role)
        last = k
        k += 1
    if len(roles) < 3 or not any(r in (LEAD, RESPONSIBLE) for r in roles):
        return None
    return _Head(tuple(roles), "lines", i, last)


def _cell_text(t: Text) -> Text | None:
    """The cell a line holds in a one-cell-a-line table (its trailing `|` removed); None for
    a blank line."""
    t = t.strip()
    if not t.v:
        return None
    return t.cut(0, len(t) - 1).strip() if t.v.endswith("|") else t


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


def _single_cells(t: Text) -> list[Text]:
    """Cells between single spaces; two pieces that spell one column word (`牵头 单位`) are
    one cell."""
    out: list[Text] = []
    for piece in _split(t, _SPACE):
        if out and not column_role(out[-1].v, True) and column_role(out[-1].v + piece.v, True):
            out[-1] = t.cut(out[-1].start - t.start, piece.end - t.start)
        else:
            out.append(piece)
    return out


# ----------------------------------------------------------------------------- rows

def _rows(doc: Document, head: _Head) -> tuple[list[Row], int]:
    header = Row(head.first + 1, _header_cells(doc, head), last=head.last + 1)
    if head.kind == "box":
        rows, end = _box_rows(doc, head)
    elif head.kind == "sep" and not _numbered(head):
        rows, end = _line_rows(doc, head)
    else:
        rows, end = _numbered_rows(doc, head)
    return [header, *rows], end


def _header_cells(doc: Document, head: _Head) -> tuple[str, ...]:
    if head.kind == "lines":
        cells = [_cell_text(doc.text(k)) for k in range(head.first, head.last + 1)]
        return tuple(c.src for c in cells if c is not None)
    t = doc.text(head.first)
    if head.kind in ("sep", "box") and head.first != head.last:  # over two lines
        upper = split_sep(t)
        lower = split_sep(doc.text(head.last), len(upper))
        return tuple((b if b.v else a).src
                     for a, b in zip(upper, lower, strict=False))[:len(head.roles)]
    if head.kind in ("sep", "box"):
        pieces = split_sep(t, runs=head.runs)
    else:
        pieces = _split(t, _SPACES) if head.kind == "space" else _single_cells(t)
    return tuple(c.src for c in pieces[:len(head.roles)])


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


def _pieces(doc: Document, head: _Head, i: int) -> list[_Piece]:
    """The pieces a line holds, cut the way the header is."""
    t = doc.text(i)
    if head.kind == "lines":
        cell = _cell_text(t)
        return [] if cell is None else [_Piece(cell, i, True)]
    if head.kind == "sep":  # cells between separators are cells, empty ones too
        return [_Piece(c, i, k == 0)
                for k, c in enumerate(split_sep(t, len(head.roles), head.runs))]
    cells = [c for c in _split(t, _SPACES if head.kind == "space" else _SPACE) if c.v]
    if head.kind == "space" and 1 < len(cells) < len(head.roles):
        cells = _under_header(t.src, cells, head) or _with_gaps(cells, len(head.roles))
    return [_Piece(c, i, k == 0) for k, c in enumerate(cells)]


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


def _numbered_rows(doc: Document, head: _Head) -> tuple[list[Row], int]:
    """Rows that start at their number; a row's pieces over one or several lines."""
    rows: list[Row] = []
    current: list[_Piece] = []
    expected: int | None = None
    flat = [_Piece(c, head.first, False) for c in head.rest if c.v]
    if flat:  # a table flattened onto its header's line
        for group in _split_numbered(flat):
            rows.append(_fit(head, group, doc))
    i = head.last + 1
    while i < len(doc.lines):
        v = doc.views[i].strip()
        if not v or lx.PAGE_LINE.match(v):
            i += 1
            continue
        pieces = _pieces(doc, head, i)
        first = pieces[0].v.strip() if pieces else ""
        starts = _NUMBER.match(first) and _next_number(expected, int(first))
        if starts:
            if current:
                rows.append(_fit(head, current, doc))
            current, expected = pieces, int(first)
        elif _section(doc, head, i):
            if current:
                rows.append(_fit(head, current, doc))
            current = []
            rows.append(Row(i + 1, (doc.text(i).strip().src,)))  # a section row
        elif current and _continues(current, pieces, head, v):
            current = current + pieces
        elif not current and not rows:
            i += 1  # between the header and the first row
            continue
        else:
            break
        i += 1
    if current:
        rows.append(_fit(head, current, doc))
    return rows, i


def _section(doc: Document, head: _Head, i: int) -> bool:
    """A heading line (一、… / (一)…) inside the table: a row follows it."""
    v = doc.views[i].strip()
    found = detect_heading(v, i + 1, v)
    if found is None or found.heading.level > 2:
        return False
    k = i + 1
    while k < len(doc.lines) and not doc.views[k].strip():
        k += 1
    if k >= len(doc.lines):
        return False
    pieces = _pieces(doc, head, k)
    return bool(pieces) and bool(_NUMBER.match(pieces[0].v.strip()))


def _next_number(expected: int | None, n: int) -> bool:
    return expected is None or n in (expected + 1, 1)


def _continues(current: list[_Piece], pieces: list[_Piece], head: _Head, v: str) -> bool:
    """Does a line carry on the row being read: its next cells while the row has fewer
    cells than columns, or a list of bodies that a wrap cut? A heading or a labelled or
    bracketed block is no part of a row."""
    if len({p.line for p in current}) >= _MAX_ROW_LINES or not pieces:
        return False
    if detect_heading(v, 0, v) or lx.opening_label(v) or lx.STRONG_MARKER.search(v):
        return False
    if len(current) < len(head.roles):
        return True
    bodies = all(lx.looks_like_agency(x) for p in pieces
                 for x in re.split(r"[、,;。]+", p.v) if x)
    return bodies and len(current) + len(pieces) <= len(head.roles) + 3


def _split_numbered(pieces: list[_Piece]) -> list[list[_Piece]]:
    """Rows flattened onto one line: a row starts at each number in turn."""
    groups: list[list[_Piece]] = []
    expected = None
    for p in pieces:
        if _NUMBER.match(p.v) and _next_number(expected, int(p.v)):
            groups.append([p])
            expected = int(p.v)
        elif groups:
            groups[-1].append(p)
    return groups


# ----------------------------------------------------------------------------- fitting

def _fit(head: _Head, pieces: list[_Piece], doc: Document) -> Row:
    """The cells of a row: its pieces fitted to the columns in order, the best way."""
    columns = head.roles
    n, m = len(pieces), len(columns)
    if n == m and len({p.line for p in pieces}) == 1:  # one line, a cell a column
        return Row(pieces[0].line + 1, tuple(p.text for p in pieces))
    # best[t][c]: best score with the first t pieces in the first c columns
    neg = float("-inf")
    best = [[neg] * (m + 1) for _ in range(n + 1)]
    back: list[list[int]] = [[0] * (m + 1) for _ in range(n + 1)]
    best[0][0] = 0.0
    for c in range(1, m + 1):
        for t in range(0, n + 1):
            for s in range(0, t + 1):  # pieces s..t-1 go to column c-1
                if best[s][c - 1] == neg:
                    continue
                score = best[s][c - 1] + _score(columns[c - 1], pieces[s:t]) - (
                    0.01 * c * max(0, t - s - 1))  # merging into an earlier cell is likelier
                if score > best[t][c]:
                    best[t][c], back[t][c] = score, s
    cells, t = [], n
    for c in range(m, 0, -1):
        s = back[t][c]
        cells.append(_join(columns[c - 1], pieces[s:t]).src)
        t = s
    cells.reverse()
    line = pieces[0].line
    lines = sorted({p.line for p in pieces})
    text = ("\n".join(doc.lines[k] for k in range(lines[0], lines[-1] + 1))
            if len(lines) > 1 or pieces[0].line != head.first
            else doc.lines[line][pieces[0].t.start:pieces[-1].t.end])  # its stretch of
    return Row(line + 1, tuple(cells), text=text, last=lines[-1] + 1)  # a flattened line


def _score(role: str, pieces: list[_Piece]) -> float:
    if not pieces:
        return -0.5  # an empty cell: possible, not preferred
    if len(pieces) == 1 and not pieces[0].v:
        return 0.0  # a cell the text marks as empty (` |`)
    v = _join(role, pieces).v
    merged = -0.3 * (len(pieces) - 1)  # surplus pieces continue the cell before them:
    if role == NUMBER:
        return (3.0 if _NUMBER.match(v.strip()) else -3.0) + merged
    if role in (LEAD, RESPONSIBLE):
        items = [x[:without_tail(x)] for x in re.split(r"[、,;。\s]+", v) if x]
        bodies = sum(lx.is_placeholder(x) or (3 <= len(x) <= 30 and lx.looks_like_agency(x))
                     for x in items if x)
        good = items and bodies >= 0.6 * len(items)  # a list the excerpt cut (…、高) still is
        return (2.0 if good else -2.0) + merged
    if role == lx.DEADLINE_ROLE:
        return (1.5 if lx.DEADLINE.search(v) else -0.5) + merged
    if role == TASK:
        return (1.0 if len(v) > 4 and not lx.looks_like_agency(v) else 0.2) + merged
    return 0.3 + merged


def _join(role: str, pieces: list[_Piece]) -> Text:
    """A cell from its pieces: a piece that opens a line after a whole body name is the next
    body of a list (区财政局 / 区税务局); a name cut by a wrap is joined whole."""
    out: Text | None = None
    for p in pieces:
        if out is None:
            out = p.t
        elif p.opens_line and role in (LEAD, RESPONSIBLE):
            whole = lx.looks_like_agency(out.v.split("、")[-1])
            out = out.join(p.t, "" if out.v.endswith(("、", ",")) or not whole else "、")
        else:
            out = out.join(p.t, "" if p.opens_line else " ")
    return out if out is not None else Text("", "")


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
        pieces = [_Piece(cells_[col], k, True) for cells_, k in zip(per_line, group, strict=True)
                  if col < len(cells_) and cells_[col].v]
        cells.append(_join(head.roles[col], pieces).src)
    text = "\n".join(doc.lines[k] for k in group)
    return Row(group[0] + 1, tuple(cells), text=text, last=group[-1] + 1)
