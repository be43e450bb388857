"""Plain, frozen dataclasses shared by every stage: Document → Heading/Task/Assignment → Plan."""

from __future__ import annotations

from dataclasses import asdict, dataclass

LEAD = "lead"
RESPONSIBLE = "responsible"
ROLES = (LEAD, RESPONSIBLE)


@dataclass(frozen=True)
class Document:
    """A plan as read from disk: its lines in reading order, in the source's own characters.

    `line` numbers everywhere in taskmap are 1-based indexes into `lines`.
    """

    source: str
    lines: tuple[str, ...]
    encoding: str = "utf-8"
    format: str = "text"


@dataclass(frozen=True)
class Heading:
    """One outline heading: `level` 0 (第一章) … 5 (①); `title` without numbering."""

    line: int
    level: int
    number: str
    title: str


@dataclass(frozen=True)
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


@dataclass(frozen=True)
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

    def agencies(self, role: str, implicit: bool | None = None) -> list[str]:
        """Surfaces in `role`; `implicit=None` keeps both kinds."""
        return [a.raw for a in self.assignments
                if a.role == role and (implicit is None or a.implicit == implicit)]


@dataclass(frozen=True)
class ParseWarning:
    """Something that looked like an assignment but was not taken as one, with its evidence."""

    line: int
    text: str
    reason: str


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

    def to_dict(self) -> dict:
        """The JSON contract of `taskmap extract --format json`."""
        return {
            "source": self.source,
            "encoding": self.encoding,
            "jurisdiction": self.jurisdiction,
            "level": self.level,
            "first_listed_is_lead": self.first_listed_is_lead,
            "tasks": [{**asdict(t), "assignments": [asdict(a) for a in t.assignments]}
                      for t in self.tasks],
            "warnings": [asdict(w) for w in self.warnings],
            "outline": [asdict(h) for h in self.outline],
        }
