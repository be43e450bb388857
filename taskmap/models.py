"""Plain, frozen dataclasses shared by every stage:
Document (lines + tables) → PlanContext, Heading, Task/Assignment → Plan."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, fields, replace
from functools import cached_property

from .text import Text, fold_line

LEAD = "lead"
RESPONSIBLE = "responsible"
ROLES = (LEAD, RESPONSIBLE)
# the 任务分解表's columns the 督办 office fills in, and the 完成状态 drop-down's choices:
# written by the workbook (`present.xlsx.workbook`), read back by `taskmap.track`
PROGRESS_HEADER = "进展情况"
STATUS_HEADER = "完成状态"
STATUSES = ("未启动", "推进中", "已完成", "滞后")


def _fields(obj) -> dict:
    """A dataclass's fields as a dict, one level deep (asdict copies deeply, and slowly)."""
    return {f.name: getattr(obj, f.name) for f in fields(obj)}


@dataclass(frozen=True, slots=True)
class Row:
    """One row of a table: the line that shows it in `Document.lines`, and its cells.

    Merged cells are resolved: a cell that a merge covers repeats the merged cell's text,
    and `merged[k]` is True for it (its own text stands in the cell above or to the left).
    """

    line: int
    cells: tuple[str, ...]
    merged: tuple[bool, ...] = ()
    text: str = ""  # the row as the text writes it, where it is not its line (text tables)
    last: int = 0  # the last line the row stands on, where it runs over several

    def is_merged(self, k: int) -> bool:
        return k < len(self.merged) and self.merged[k]

    @property
    def end(self) -> int:
        """The last line of the row."""
        return max(self.line, self.last)


@dataclass(frozen=True, slots=True)
class Table:
    """A table as rows × cells, in reading order. `origin` says where it was seen:
    "file" (a .docx/.html/.xlsx/.csv table) or "text" (columns detected in plain text)."""

    rows: tuple[Row, ...]
    origin: str = "file"

    @property
    def lines(self) -> range:
        """The span of document lines the table covers (first to last row)."""
        return range(self.rows[0].line, self.rows[-1].end + 1) if self.rows else range(0)


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: it holds dicts
class OwnBook:
    """What taskmap's own workbook holds besides its lines: the data its marker sheet
    keeps (JSON text: the plans as written, the cells as written, the headers) and the
    visible sheets the clerk may have edited, as sheet title → row → column → text
    (1-based, non-empty cells only)."""

    data: str
    sheets: dict[str, dict[int, dict[int, str]]]


@dataclass(frozen=True)
class Document:
    """A plan as read from disk: its lines in reading order, in the source's own characters,
    and the tables the file holds as rows × cells (each row also stands as one line).

    `line` numbers everywhere in taskmap are 1-based indexes into `lines`.
    """

    source: str
    lines: tuple[str, ...]
    encoding: str = "utf-8"
    format: str = "text"
    tables: tuple[Table, ...] = ()
    notes: tuple[tuple[int, str], ...] = ()  # (line, reason): what the reader had to clip
    own: OwnBook | None = None  # taskmap's own workbook (its marker found): read back

    @cached_property
    def views(self) -> tuple[str, ...]:
        """The view (`taskmap.text.fold_line`) of every line, computed once and shared by
        every stage; each exactly as long as its line."""
        return tuple(map(fold_line, self.lines))

    def text(self, i: int) -> Text:
        """Line `i` (0-based) as a `Text`: its source and its view, cut together."""
        return Text(self.lines[i], self.views[i])


@dataclass(frozen=True)
class PlanContext:
    """What a plan says about itself, read once from its Document and handed to the stages
    that need it: its title, issuer, place and level, date of issue, where the plan itself
    starts (after a covering notice), and the places of the levels above it."""

    title: str | None = None
    issuer: str | None = None
    place: str | None = None  # the plan's own jurisdiction (昆都仑区)
    level: str | None = None  # its level (国家/省/市/县/区/乡镇)
    date: str | None = None  # date of issue, ISO (2016-03-31), as precise as the plan gives
    year: int | None = None  # year of issue
    number: str | None = None  # its own document number (文号: 青政办发〔2024〕12号)
    body_start: int = 1  # the line where the plan's own text starts (its title line)
    parents: tuple[tuple[str, str], ...] = field(default=())  # (level, place) above the plan


@dataclass(frozen=True, slots=True)
class Heading:
    """One outline heading: `level` 0 (第一章) … 5 (①); `title` without numbering."""

    line: int
    level: int
    number: str
    title: str


@dataclass(frozen=True, slots=True)
class Assignment:
    """One agency named (or implied) for a task, in one role.

    `raw` is the surface exactly as the plan writes it; `agency` is the name it resolves to.
    """

    role: str
    raw: str
    agency: str
    implicit: bool = False
    display: str = ""  # the usual short name for tables (区发改委)
    level: str = ""  # 国家/省/市/县/区/乡镇/其他
    function: str = ""  # the kind of body (发展和改革)
    tier: str = ""  # how the name was resolved: exact … fuzzy, unresolved
    score: float = 0.0
    collective: bool = False  # a group (各县区人民政府), not one body
    successor: str = ""  # for a body a later reform renamed: the body it became


@dataclass(frozen=True, slots=True)
class Task:
    """A task that carries an assignment block: where it stands and who carries it."""

    id: str
    line: int
    block: str
    chapter: str | None
    area: str | None
    title: str | None
    deadline: str | None
    assignments: tuple[Assignment, ...]
    text: str = ""  # the task's own wording (the text the block closes, without numbering)
    leaders: tuple[str, ...] = ()  # persons the block names (责任领导:张某), never bodies
    due: str | None = None  # the deadline as a date, ISO (2024-12-31): its period's last day
    due_kind: str | None = None  # date / recurring / ongoing / immediate / unresolved; None
    # where the task has no deadline (taskmap.grammar.deadlines)

    def agencies(self, role: str, implicit: bool | None = None) -> list[str]:
        """Surfaces in `role`; `implicit=None` keeps both kinds."""
        return [a.raw for a in self.assignments
                if a.role == role and (implicit is None or a.implicit == implicit)]


@dataclass(frozen=True, slots=True)
class ParseWarning:
    """Something that looked like an assignment but was not taken as one, with its evidence."""

    line: int
    text: str
    reason: str


@dataclass(frozen=True, slots=True)
class Coverage:
    """Role-bearing segments (brackets, labelled lines, table rows holding 牵头, 负责, 配合,
    参与, 协办, 主办, 单位:, 部门:, and sentences where such a verb follows a body's name;
    and each block read where no role word stands, a segment read):
    how many the plan has; how many were read as assignments; how many the grammar warned
    about on their line; how many nothing read or warned about (`unread`), each of which is
    then a warning of its own (含分工用语,但未读作任务分工). seen == read + warned + unread.

    Apart from the grammar, the bodies named where work is given out (`taskmap.mentions`:
    in a task table's cells, a numbered row, after a role label, before a role verb, alone
    in a bracket): `mentions` == `mentions_read` (on a block's lines) + `mentions_warned`
    (on a line the grammar warned about) + `mentions_unread` (on lines then warned as
    列有单位名称,但未读作任务分工)."""

    seen: int = 0
    read: int = 0
    warned: int = 0
    unread: int = 0
    mentions: int = 0
    mentions_read: int = 0
    mentions_warned: int = 0
    mentions_unread: int = 0


@dataclass(frozen=True)
class Plan:
    """Everything extracted from one plan file."""

    source: str
    tasks: tuple[Task, ...]
    warnings: tuple[ParseWarning, ...] = ()
    outline: tuple[Heading, ...] = ()
    first_listed_is_lead: bool = False
    encoding: str = "utf-8"
    jurisdiction: str | None = None  # the plan's own place (昆都仑区)
    level: str | None = None  # its level (区)
    coverage: Coverage = field(default_factory=Coverage)
    context: PlanContext = field(default_factory=lambda: PlanContext())

    def with_title(self, title: str | None) -> Plan:
        """This plan under `title`, a person's correction of the title found in it (its
        spaces and line breaks folded to one space); None keeps the title found.

        >>> Plan(source="x.txt", tasks=()).with_title(" 青岚市 行动方案\n").context.title
        '青岚市 行动方案'
        """
        if title is None:
            return self
        return replace(self, context=replace(self.context, title=" ".join(title.split()) or None))

    def to_dict(self, lazy: bool = False) -> dict:
        """The JSON contract of `taskmap extract --format json`; with `lazy`, its lists are
        iterators that make each item when it is asked for (for streaming writers)."""
        data = {
            "source": self.source,
            "encoding": self.encoding,
            "jurisdiction": self.jurisdiction,
            "level": self.level,
            "first_listed_is_lead": self.first_listed_is_lead,
            "context": {k: v for k, v in _fields(self.context).items() if k != "parents"},
            "tasks": ({**_fields(t), "assignments": [_fields(a) for a in t.assignments],
                       "leaders": list(t.leaders)} for t in self.tasks),
            "warnings": (_fields(w) for w in self.warnings),
            "coverage": _fields(self.coverage),
            "outline": (_fields(h) for h in self.outline),
        }
        return data if lazy else {k: list(v) if isinstance(v, Iterator) else v
                                  for k, v in data.items()}
