"""Layout recovery: what a web page or a PDF does to a task table when it is copied as text,
undone before the table grammar (`texttables`, `tables`) reads the table's cells.

- **Cells one to a line.** A table dumped one cell a line (`序号 |` / `重点任务 |` / …),
  with blank lines or rule lines (`|`, `||`) between the cells: `stacked_cells` gives the
  cell a line holds; a rule line holds empty cells, a blank line none.
- **Header cells cut.** A header cell that a narrow column or a space cut in pieces
  (`序`/`号`, `责任`/`领导`, `牵头 单位`, `主责单位 或牵头单位`): `header_columns` joins the
  pieces back into the column word they spell; a piece that is the whole name of a column
  stays a column of its own.
- **Rows at their numbers.** Where the first column numbers the rows, a row starts at the
  next number (`row_number`, `next_number`: ascending, or 1 again) and runs to the one
  after it; a gap wider than the header's between two cells one a line is an empty cell.
- **Names cut by a wrap.** In a table whose cells are parted by single spaces, a name that
  its cell wrapped (`县交通 运输局`, `县委县政府 督查室`) is one name again (`unwrap`).
- **Rows without numbers, several on a line.** A table flattened to running text with no
  row numbers: a row starts at a task cell once the row before has its bodies (`flat_rows`).
- **Sub-rows.** A continuation line of a row (a cell of the task split over two table
  rows, `新增学位810个 | |||||`): its filled cells go to the columns they fit (`place`).
- **Persons.** A cell of a person column (`牵头领导`, `分管市长`, `责任人`) holds names,
  spaced (`张 伟`) or two to a cell, or a post: `looks_like_persons`.

Every piece keeps its line (0-based index) and its span of that line, so a row read from
recovered cells still points at the source lines it stands on.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .. import lexicon as lx
from ..models import LEAD, RESPONSIBLE, Document
from ..text import Text, squeeze
from .tables import TASK, column_role

ROW_NUMBER = re.compile(r"^\d{1,3}[.、]?$")  # a row's number: 12, 12. or 12、
_RULES = re.compile(r"^[|│┃║]+$")  # a line of cell rules alone
_CELL_END = "|│┃║"
# A piece that opens with a joining word, or another name in brackets, carries on the
# header cell before it (`主责单位 或牵头单位`, `牵头单位` / `(部门)`).
_JOINING = ("或", "及", "和", "与", "/", "、", "(", "[")
_ITEMS = re.compile(r"[、,;。\s]+")
_SENTENCE = re.compile(r"[。.;!?]")
_HEADER_WORD = re.compile(r"[^。,;:!?]{1,14}")  # a column's name: no sentence


@dataclass(frozen=True)
class Piece:
    """A cell, or a piece of one: its text (a span of its line), the line it stands on
    (0-based), whether it opens a line."""

    t: Text
    line: int
    opens_line: bool
    end: int = -1  # where it ends in its line, where pieces joined lost a gap (t.end else)
    last: int = -1  # the last line it stands on, where pieces of lines were joined (line else)

    @property
    def stop(self) -> int:
        """The offset in its line where the piece ends."""
        return self.end if self.end >= 0 else self.t.end

    @property
    def last_line(self) -> int:
        return max(self.line, self.last)

    @property
    def text(self) -> str:
        return self.t.src

    @property
    def v(self) -> str:
        return self.t.v


# ----------------------------------------------------------------------------- cells a line

def stacked_cells(t: Text, line: int) -> list[Piece]:
    """The cells line `t` holds in a table written one cell a line: its text without the
    rule that closes it (`工作任务 |`); a line of rules alone (`|`, `||`) holds an empty cell
    a rule, a blank line none.

    >>> [p.text for p in stacked_cells(Text.of("区住建局 |"), 0)]
    ['区住建局']
    >>> len(stacked_cells(Text.of(" || "), 0)), stacked_cells(Text.of(""), 0)
    (2, [])
    """
    s = t.strip()
    if not s.v:
        return []
    if _RULES.match(s.v):
        return [Piece(s.cut(k, k), line, True, s.start + k + 1) for k in range(len(s.v))]
    if s.v[-1] in _CELL_END:
        s = s.cut(0, len(s) - 1).strip()
    return [Piece(s, line, True)]


def stacked_cell(t: Text) -> Text | None:
    """The one cell of a line written one cell a line, or None (a blank or a rule line)."""
    s = t.strip()
    if s.v[-1:] in _CELL_END and s.v:
        s = s.cut(0, len(s) - 1).strip()
    return s if s.v and s.v[-1] not in _CELL_END else None


def header_like(v: str) -> bool:
    """Could `v` be a header cell or a piece of one: short, no sentence, no row number."""
    v = v.strip()
    return bool(_HEADER_WORD.fullmatch(v)) and not ROW_NUMBER.match(v)


# ----------------------------------------------------------------------------- headers

def header_columns(pieces: list[Piece], doc: Document | None = None) -> list[Piece]:
    """Header pieces joined into the columns they name. A piece short of a column's whole
    name (`序`, `责任`, `第二季度`) or that is an ending alone (`工作`, `进展`) takes the next
    piece when together they spell a column word (`序号`, `责任领导`, `第二季度完成情况`),
    or the next few pieces when each of them is as short (`工 作 任 务`); a piece opening
    with 或/及/和 carries on the one before (`主责单位 或牵头单位`). A piece that names a
    column whole stays a column (`攻坚目标` / `任务`). Pieces of one line are cut from it
    with the space between them (given `doc`); pieces of two lines are joined as one cell.

    >>> cells = [Piece(Text.of(w), k, True) for k, w in enumerate(["序", "号", "责任", "领导"])]
    >>> [p.text for p in header_columns(cells)]
    ['序号', '责任领导']
    """
    out: list[Piece] = []
    k = 0
    while k < len(pieces):
        group = pieces[k]
        k += 1
        while k < len(pieces):
            more = _carried(group.v, [p.v for p in pieces[k:k + _MAX_CUTS]])
            if not more:
                break
            for p in pieces[k:k + more]:
                group = _joined(group, p, doc)
            k += more
        out.append(group)
    return out


_MAX_CUTS = 3  # pieces a header cell was cut into after its first, at most


def carried_on(cell: str, below: str) -> bool:
    """Does `below` carry on the header cell `cell` above it (a cell wrapped onto the next
    line of a header): `或牵头单位` under `主责单位`, `单位` under `协助`?"""
    v = squeeze(below)
    return v.startswith(_JOINING) or weak_column_word(v) or weak_column_word(cell) or (
        _ending_alone(v))


def _joined(prev: Piece, p: Piece, doc: Document | None) -> Piece:
    if prev.line == p.line and doc is not None:
        t = doc.text(p.line).cut(prev.t.start, p.stop)
    else:
        t = prev.t.join(p.t, " " if prev.line == p.line else "")
    return Piece(t, prev.line, prev.opens_line, p.stop, p.last_line)


def _carried(cell: str, after: list[str]) -> int:
    """How many of the pieces `after` carry on the header cell `cell` (0: none)."""
    if not after:
        return 0
    if after[0].strip().startswith(_JOINING) and column_role(squeeze(cell + after[0]), True):
        return 1
    role = column_role(cell, viewed=True)
    weak, ending = weak_column_word(cell), _ending_alone(cell)
    if not (weak or ending):
        return 0
    for n in range(1, len(after) + 1):
        short = all(weak_column_word(a) or _ending_alone(a) for a in after[:n])
        if n > 1 and not short:
            break
        joined = column_role(squeeze(cell + "".join(after[:n])), viewed=True)
        if not joined or (n == 1 and not short and _role_column(joined) and not role
                          and len(squeeze(cell)) > 1):
            continue  # a word no column word knows before a role column: two columns
        if weak or (joined == role and short):
            return n
    return 0


def _role_column(role: str) -> bool:
    """A column that only role words spell (`牵头`, `责任`, `领导` …): a word of another kind
    before its name is a column of its own (`数量` / `牵头单位`)."""
    return role in (LEAD, RESPONSIBLE, lx.PERSON, lx.INERT)


def _ending_alone(v: str) -> bool:
    """A column word that is nothing but an ending (`进展`, `情况`, `工作`): a piece of a
    longer name of its kind where the pieces after it are no more (`进展`/`情况`; never
    `名称`/`工作任务`, two columns)."""
    name = squeeze(v)
    return (name in lx.TASK_ENDINGS or name in lx.NOTE_ENDINGS) and (
        name not in lx.TASK_COLUMNS and name not in lx.NUMBER_COLUMNS)


def weak_column_word(v: str) -> bool:
    """Is `v` short of a column's whole name: no column word, or a bare role word (`责任`,
    `牵头`), a head alone (`单位`, `科室`) or a person's head alone (`领导`)?"""
    name = squeeze(v)
    role = column_role(name, viewed=True)
    return (not role or bool(lx.BARE_HEAD.fullmatch(name)) or bool(lx.LABEL_HEAD.fullmatch(name))
            or (role == lx.PERSON and len(name) <= 2))


def guess_task_column(roles: tuple[str, ...]) -> tuple[str, ...]:
    """Roles with the task column named where the header names none: the first column no
    word names, before the first role column (`序号 重点工作任务分解 责任领导 责任部门`)."""
    if TASK in roles:
        return roles
    for k, r in enumerate(roles):
        if r in (lx.PERSON, LEAD, RESPONSIBLE):
            return roles
        if not r:
            return (*roles[:k], TASK, *roles[k + 1:])
    return roles


# ----------------------------------------------------------------------------- rows

def row_number(p: Piece | None) -> int | None:
    """The row number a piece is, or None."""
    if p is None:
        return None
    v = p.v.strip()
    return int(v.rstrip(".、")) if ROW_NUMBER.match(v) else None


def next_number(expected: int | None, n: int) -> bool:
    """Does number `n` open the next row (the first row opens at any number: an excerpt may
    start at row 24)?"""
    return expected is None or n in (expected + 1, 1)


def unwrap(pieces: list[Piece]) -> list[Piece]:
    """Pieces of one line that a cell's wrap cut apart, one piece again: `县交通 运输局`,
    `县委县政府 督查室` (in a table of single spaces, a space inside a cell is a wrap).

    >>> t = Text.of("县交通 运输局 持续开展")
    >>> ps = [Piece(t.cut(0, 3), 0, True), Piece(t.cut(4, 7), 0, False), Piece(t.cut(8), 0, False)]
    >>> [p.text for p in unwrap(ps)]
    ['县交通运输局', '持续开展']
    """
    out: list[Piece] = []
    for p in pieces:
        if out and out[-1].line == p.line and wrapped_name(out[-1].v, p.v):
            prev = out[-1]
            out[-1] = Piece(prev.t.join(p.t), prev.line, prev.opens_line, p.stop)
        else:
            out.append(p)
    return out


def wrapped_name(a: str, b: str) -> bool:
    """Are `a` and `b` two pieces of one name: `a` opens like a name (a level word), `b`
    opens none, and together they end like a body, where `a` alone does not (县交通 运输局)
    or `b` is an office of `a` (县委县政府 督查室)?"""
    a, b = a.strip(), b.strip()
    if (not a or not b or len(a) > 12 or a[0] not in lx.LEVEL_STARTS or b[0] in lx.LEVEL_STARTS
            or lx.STUB_OPENER.match(b) or _ITEMS.search(a + b) or _SENTENCE.search(a + b)):
        return False
    if not lx.looks_like_agency(a + b):
        return False
    return not lx.looks_like_agency(a) or (len(b) <= 4 and b.endswith(lx.INNER_OFFICES))


def kind_of(v: str) -> str:
    """What a piece of a row is: "bodies" (a list of bodies), "deadline", "text"."""
    items = [x for x in _ITEMS.split(v) if x]
    if items and all(lx.looks_like_agency(x) or lx.is_placeholder(x) for x in items) and any(
            lx.looks_like_agency(x) for x in items):
        return "bodies"
    if len(v) <= 20 and lx.DEADLINE.search(v):
        return "deadline"
    return "text"


def opens_task(p: Piece, after: Piece | None = None) -> bool:
    """Can piece `p` open a row of a table without row numbers: a text that opens its line,
    a sentence (a task, not a note), or a task of a few words followed by its bodies
    (`改造农贸市场 区商务局`; never a name: `张三 区商务局`)."""
    v = p.v.strip()
    if kind_of(v) != "text":
        return False
    if p.opens_line or len(v) >= 12 or _SENTENCE.search(v):
        return True
    return len(v) >= 4 and after is not None and kind_of(after.v) == "bodies"


def flat_rows(pieces: list[Piece], trailing: int = 0) -> list[list[Piece]]:
    """Rows of a table whose rows carry no number, its pieces in reading order (several rows
    a line, or one): a row starts at a task piece once the row before has its bodies and
    the `trailing` cells the header has after its role columns (a deadline, a progress
    text); bodies that come again after such a cell had a task before them, which opened
    the next row (its trailing cell was empty).

    >>> t = Text.of("推进道路改造工程。 区住建局 年底前 新建公园 区城管局 长期")
    >>> ps = [Piece(c, 0, k == 0) for k, c in enumerate(t.split(re.compile(" ")))]
    >>> [[p.text for p in row] for row in flat_rows(ps)]
    [['推进道路改造工程。', '区住建局', '年底前'], ['新建公园', '区城管局', '长期']]
    """
    kinds = [kind_of(p.v) for p in pieces]
    rows: list[list[int]] = []
    current: list[int] = []  # indexes of the row's pieces
    bodies_at: int | None = None  # where in `current` its first bodies stand
    after = 0  # cells after its bodies
    for k, kind in enumerate(kinds):
        nxt = pieces[k + 1] if k + 1 < len(pieces) else None
        if current and bodies_at is not None:
            if kind == "bodies":
                cut = next((n for n in range(len(current) - 1, bodies_at, -1)
                            if kinds[current[n]] == "text"
                            and opens_task(pieces[current[n]], pieces[k])), None) if after else None
                if cut is not None:  # bodies again: the text before them is the next task
                    rows.append(current[:cut])
                    current, bodies_at, after = current[cut:], None, 0
            elif opens_task(pieces[k], nxt) and after >= trailing:
                rows.append(current)
                current, bodies_at, after = [], None, 0
            else:
                after += 1
        current.append(k)
        if kind == "bodies" and bodies_at is None:
            bodies_at = len(current) - 1
    if current:
        rows.append(current)
    return [[pieces[k] for k in row] for row in rows]


def filled_cells(pieces: list[Piece], kinds: list[str] | None = None,
                 lines_only: bool = False) -> int:
    """How many cells a row's pieces fill: bodies after a piece of bodies carry on its cell
    (a cell broken one body a line, or bodies a space parts) and count no more; with
    `lines_only`, only bodies that open a line do (a space may part two cells). `kinds`:
    `kind_of` of each piece, where the caller has them."""
    kinds = kinds or [kind_of(p.v) for p in pieces]
    n, above = 0, False
    for p, kind in zip(pieces, kinds, strict=True):
        body = kind == "bodies"
        if not (body and above and (p.opens_line or not lines_only)):
            n += 1
        above = body
    return n


# ----------------------------------------------------------------------------- persons

def looks_like_persons(v: str) -> bool:
    """Does a cell name persons: names (`张伟`, spaced `张 伟`, two to a cell), or posts
    (`副区长`), and no body?

    >>> looks_like_persons("张 伟、李某"), looks_like_persons("区城管局")
    (True, False)
    """
    items = [x for x in _ITEMS.split(v) if x]
    return bool(items) and all(len(x) <= 6 and not lx.looks_like_agency(x)
                               and not any(ch.isdigit() for ch in x) for x in items)


# ----------------------------------------------------------------------------- sub-rows

def place(roles: tuple[str, ...], cells: list[Piece],
          score: Callable[[str, list[Piece]], float]) -> list[int]:
    """The column of each filled cell of a sub-row whose columns a merged cell above shifted
    (`新增学位810个 | |||||` under `1 | 新改扩建…`): the cells, in order, each to a column of
    its own, the best way by `score`."""
    n, m = len(cells), len(roles)
    if n == 0 or n > m:
        return list(range(n))
    neg = float("-inf")
    # best[k][c]: the best score with the first k cells in the first c columns
    best = [[neg] * (m + 1) for _ in range(n + 1)]
    took = [[False] * (m + 1) for _ in range(n + 1)]
    for c in range(m + 1):
        best[0][c] = 0.0
    for k in range(1, n + 1):
        for c in range(k, m + 1):
            skip = best[k][c - 1]
            take = best[k - 1][c - 1] + score(roles[c - 1], [cells[k - 1]])
            best[k][c], took[k][c] = (take, True) if take > skip else (skip, False)
    out, k, c = [], n, m
    while k:
        if took[k][c]:
            out.append(c - 1)
            k -= 1
        c -= 1
    return out[::-1]
