"""Task tables: blocks read from cells, whether the file held the table (.docx, .html,
.xlsx, .csv: `Document.tables`) or the text did (columns found once by `text_tables`).

A table is a task table from its header row on: a row whose cells are column words, one
of them a role label (牵头单位, 责任单位, 主要责任单位 …). A header over two rows (责任单位
merged over 牵头单位 | 配合单位) is joined column by column. Each later row is a block: its
roles come from the columns (only a role label's column assigns), its title from the task
column, its deadline from a deadline column. Where the header names helper columns
(配合, 协同 …) and no lead column, the other responsible columns lead. Section rows (one
filled cell, or one merged cell across the row) are passed over; a cell that says `同上`
or `〃`, or that the file marks merged with the one above, repeats the value above, until a
section row. An empty lead cell that says neither is a task without a lead, and warned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import lexicon as lx
from ..models import LEAD, RESPONSIBLE, ParseWarning, Row, Table
from ..text import Text, squeeze, view
from .clauses import Content, Mention, split_items

TASK, NUMBER = "task", "number"
_WORD = re.compile(r"[^。,;:%]{2,14}")  # a column's name, not a sentence: 2022年预期目标
_NUMBERED = re.compile(r"^(?:[一二三四五六七八九十]+|\d+|\(\S{1,3}\))[、.]")


@dataclass(frozen=True)
class Header:
    """The role of each column (lead / responsible / deadline / task / number / person /
    inert / other / ""), and the row that ends the header."""

    columns: tuple[str, ...]
    last_row: int  # index in the table of the header's last row (-1: a table continued)
    title: int | None = None  # the task column that names the task (None: the last one)


@dataclass(frozen=True)
class RowBlock:
    """What one table row says, for grammar.blocks to make a Block of."""

    row: Row
    content: Content
    title: str | None


def column_role(cell: str, viewed: bool = False) -> str:
    """The role a header cell gives its column ("" for a word that is no column word);
    `viewed`: the cell is already a view."""
    name = squeeze(lx.GLOSS.sub("", cell if viewed else view(cell)))
    if _NUMBERED.match(name):  # 一、主要预期目标: a section row, not a column
        return ""
    role = lx.label_role(name)
    if role == lx.OTHER and _WORD.fullmatch(name) and name.endswith(lx.TASK_ENDINGS):
        return TASK  # 目标任务, 具体措施: a note after a label, the task over a column
    if role:
        return role
    if name in lx.TASK_COLUMNS or (_WORD.fullmatch(name) and name.endswith(lx.TASK_ENDINGS)):
        return TASK
    if name in lx.NUMBER_COLUMNS:
        return NUMBER
    if _WORD.fullmatch(name) and name.endswith(lx.NOTE_ENDINGS):
        return lx.OTHER
    if _WORD.fullmatch(name) and name.startswith(lx.TASK_COLUMNS):
        return TASK  # a task column named its own way: 重点工作任务分解, 工作任务清单
    other = _OTHER_NAME.fullmatch(name)
    if other:  # 牵头单位(部门), 责任单位/部门, 完成时限(时间): the column the first name names
        return column_role(other.group(1), viewed=True)
    return ""


# A column's name, then another name of it, bracketed or after a slash: 牵头单位(部门).
_OTHER_NAME = re.compile(r"([^()/]{2,10})(?:\([^()]{1,6}\)|/[^()/]{1,6})")


def _first_name(name: str) -> str:
    """A column's name without the other name it gives itself (配合单位(部门) → 配合单位)."""
    other = _OTHER_NAME.fullmatch(name)
    return other.group(1) if other else name


def find_header(table: Table) -> Header | None:
    """The header of a task table: the first row with a role column among column words
    (two of them at least, or three cells), joined with a second header row under it."""
    for i, row in enumerate(table.rows):
        if not is_header(row.cells):
            continue
        names = [view(c) for c in row.cells]
        if i + 1 < len(table.rows) and _second_header(table.rows[i + 1], row):
            below = table.rows[i + 1]
            names = [view(b) if b.strip() and not below.is_merged(k) else a
                     for k, (a, b) in enumerate(zip(names, below.cells, strict=True))]
            return Header(_roles(names), i + 1, _title_column(names))
        return Header(_roles(names), i, _title_column(names))
    return None


def _title_column(names: list[str]) -> int | None:
    """The task column that names a row's task: the first whose header is a task column's
    own name (工作任务, 重点工作) before one named by its ending only (名称, 一季度目标)."""
    tasks = [k for k, n in enumerate(names) if column_role(n, viewed=True) == TASK]
    listed = [k for k in tasks if squeeze(lx.GLOSS.sub("", names[k])) in lx.TASK_COLUMNS]
    found = listed or tasks
    return found[0] if found else None


def is_header(cells) -> bool:
    """Cells of a header row: a role column, and two column words or three cells."""
    roles = [column_role(c) for c in cells if c.strip()]
    return any(r in (LEAD, RESPONSIBLE) for r in roles) and (
        sum(bool(r) for r in roles) >= 2 or len(roles) >= 3)


def _roles(names: list[str]) -> tuple[str, ...]:
    """Column roles; with helper columns (配合单位, 协同配合单位) and no lead column, the
    other responsible columns lead (主要责任单位 | 协同配合单位)."""
    roles = [column_role(n, viewed=True) for n in names]
    helpers = [lx.is_helper_label(_first_name(squeeze(n))) for n in names]
    if LEAD not in roles and any(helpers):
        roles = [LEAD if r == RESPONSIBLE and not h else r
                 for r, h in zip(roles, helpers, strict=True)]
    return tuple(roles)


def _second_header(below: Row, header: Row) -> bool:
    """A row of column words under the header, some of them its own cells under a merged
    header cell (责任单位 over 牵头单位 | 配合单位)."""
    own = [k for k, c in enumerate(below.cells) if c.strip() and not below.is_merged(k)]
    if not own or any(not column_role(below.cells[k]) for k in own):
        return False
    return any(below.is_merged(k) for k in range(len(below.cells))) or any(
        header.is_merged(k) or (k + 1 < len(header.cells) and header.is_merged(k + 1))
        for k in own)


HEADLESS = "表格缺少表头(或表头未能识别),其中的单位未读作任务分工"
NO_ROWS = "识别出任务表的表头,但未能读出其下的表格行"


def warn_headless(table: Table, lines: tuple[str, ...], warnings: list[ParseWarning]) -> None:
    """A table with no header row that opens with numbered rows naming bodies (its header
    cut off by the excerpt): the bodies cannot be given roles; each such row is reported,
    not passed over. A table that opens with a row of its own words (a list of contacts)
    is no task table and says nothing."""
    if not table.rows or not _NUMBER_CELL.fullmatch(table.rows[0].cells[0].strip() if
                                                 table.rows[0].cells else ""):
        return
    for row in table.rows:
        named = any(lx.looks_like_agency(v) for c in row.cells[1:]
                    for _, v in split_items(Text.of(c), 0, len(c)))
        if named and _NUMBER_CELL.fullmatch(row.cells[0].strip()):
            warnings.append(ParseWarning(row.line, lines[row.line - 1], HEADLESS))


_NUMBER_CELL = re.compile(r"\d{1,3}[.、]?")


def read_table(table: Table, header: Header, lines: tuple[str, ...],
               warnings: list[ParseWarning]) -> list[RowBlock]:
    """A block for every data row of `table` below `header`."""
    out: list[RowBlock] = []
    if header.last_row >= 0 and len(table.rows) == header.last_row + 1 and table.origin == "text":
        row = table.rows[-1]  # a header found in the text, and no row read under it
        warnings.append(ParseWarning(row.line, lines[row.line - 1], NO_ROWS))
        return out
    above: dict[int, str] = {}  # column → the value a merged or 同上 cell repeats
    header_cells = ([squeeze(view(c)) for c in table.rows[header.last_row].cells]
                    if header.last_row >= 0 else [])
    for row in table.rows[header.last_row + 1:]:
        cells = [c.strip() for c in row.cells]
        if [squeeze(view(c)) for c in row.cells] == header_cells:
            continue  # the header again, on the next page
        if _section_row(row):
            above = {}
            continue
        block = _row_block(row, cells, header, above)
        if block is not None:
            out.append(block)  # an empty lead cell: a task without a lead (tasks warns)
        elif any(cells):
            warnings.append(ParseWarning(row.line, lines[row.line - 1],
                                         "表格行中没有单位"))
    return out


def _section_row(row: Row) -> bool:
    """A row that names a section of the table: one filled cell, or one cell merged across."""
    texts = {c.strip() for c in row.cells if c.strip()}
    return len(texts) <= 1


def _inherits(row: Row, col: int, cell: str) -> bool:
    """Does a cell repeat the one above: it says so (同上, 〃), or the file marks it merged
    and it is empty? An empty cell that says neither is empty."""
    return view(cell) in lx.SAME_AS_ABOVE or (not cell and row.is_merged(col))


def _row_block(row: Row, cells: list[str], header: Header,
               above: dict[int, str]) -> RowBlock | None:
    mentions: list[Mention] = []
    persons: list[str] = []
    deadline: str | None = None
    title: str | None = None
    for col, (role, cell) in enumerate(zip(header.columns, cells, strict=False)):
        if _inherits(row, col, cell):
            cell = above.get(col, "")  # 同上, or a cell merged with the one above
        elif cell:
            above[col] = cell
        if role in (LEAD, RESPONSIBLE):
            items = split_items(Text.of(cell), 0, len(cell))
            mentions.extend(Mention(role, s) for s, v in items  # a name cut to one character
                            if not lx.is_placeholder(v) and len(v.strip()) >= 2)  # is none
        elif role == lx.DEADLINE_ROLE and cell:
            deadline = cell
        elif role == TASK and cell and (title is None or header.title in (None, col)):
            title = cell.rstrip("。.;；")  # a title, not the sentence's end
        elif role == lx.PERSON and cell:
            persons.extend(src for src, _ in split_items(Text.of(cell), 0, len(cell)))
    if not mentions:
        return None
    content = Content(mentions=tuple(mentions), deadline=deadline,
                      strong=True, persons=tuple(persons))
    return RowBlock(row, content, title)
