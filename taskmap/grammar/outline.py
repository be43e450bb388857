"""The outline of a plan: headings 第一章 / 一、 / (一) / 1. / (1) / ①, and what encloses a line.

Levels: 0 第X章/部分, 1 一、, 2 (一), 3 1. or 1、, 4 (1), 5 ①. A heading may run into its
paragraph (`(一)加强组织领导。在省…`); its title is the text up to the first 。 or colon.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from .. import lexicon as lx
from ..models import Document, Heading
from ..text import view

_CN = "一二三四五六七八九十百零〇"
_HEADING_PATTERNS = (
    (0, re.compile(rf"^(第[{_CN}\d]+[章部篇](?:分)?)\s*")),
    (1, re.compile(rf"^([{_CN}]{{1,3}})\s*[、.]\s*")),
    (2, re.compile(rf"^(?:\(\s*([{_CN}]{{1,3}})\s*\)|([\u3220-\u3229]))\s*[、.]?\s*")),
    (3, re.compile(r"^(\d{1,3})\s*(?:[、]|\.(?!\d))\s*")),
    (4, re.compile(r"^(?:\(\s*(\d{1,3})\s*\)|([\u2474-\u2487]))\s*[、.]?\s*")),
    (5, re.compile(r"^([\u2460-\u2473\u2776-\u277f])\s*")),
)
# A title ends at the first full stop, colon or semicolon, or where a block opens.
_TITLE_TAIL = "。.;；,，:： "
CHAPTER_LEVELS = (0, 1)
AREA_LEVEL = 2


@dataclass(frozen=True)
class LineHeading:
    """A heading found on a line, with where its numbering ends in that line."""

    heading: Heading
    body_start: int  # offset in the line where the text after the numbering starts
    title_end: int  # offset where the title ends (a run-in paragraph continues after it)


def detect_heading(line: str, number: int, v: str | None = None) -> LineHeading | None:
    """The heading that opens `line` (1-based `number`), or None.

    >>> detect_heading("(一)加强组织领导。在省委领导下……", 5).heading.title
    '加强组织领导'
    """
    v = view(line) if v is None else v
    stripped = v.lstrip(lx.CELL_EDGE)  # a section row of a table: │一、物流与电商│
    offset = len(v) - len(stripped)
    for level, pattern in _HEADING_PATTERNS:
        m = pattern.match(stripped)
        if not m:
            continue
        body = offset + m.end()
        rest = v[body:]
        if not rest.strip() or (level >= 3 and _looks_like_prose_start(rest)):
            return None
        end_match = lx.TITLE_END.search(rest)
        title_end = body + (end_match.start() if end_match else len(rest))
        title_end = min(title_end, body + _block_start(rest))
        title = line[body:title_end].strip().rstrip(_TITLE_TAIL).strip()
        if not title:
            return None
        numeral = next(g for g in m.groups() if g)
        return LineHeading(Heading(line=number, level=level, number=numeral, title=title),
                           body, title_end)
    return None


def _block_start(rest: str) -> int:
    """Where a block bracket opens after a heading's title (`（省环保厅总牵头）`): a bracket
    whose words assign; else the end."""
    for m in lx.BRACKETED.finditer(rest):
        inner = m.group()[1:-1]
        if lx.STRONG_MARKER.search(inner) or lx.VERB.search(inner):
            return m.start()
    return len(rest)


_WRAP_WIDTH = 20  # a heading line this long that the title fills may wrap onto the next


def _wrapped_title(doc: Document, found: LineHeading) -> LineHeading:
    """A title that a hard line break cut (text from a PDF): `一、…加强党对基层治理的全面` /
    `领导` is one title. Only a short next line with no heading, label or bracket of its own
    carries it on."""
    number = found.heading.line
    line = doc.lines[number - 1].rstrip()
    if (found.title_end < len(line) or len(line) < _WRAP_WIDTH
            or number >= len(doc.lines)):
        return found
    below = doc.views[number].strip()
    end = re.search(r"[。;:]", below)
    tail = below[:end.start()] if end else below
    if (not tail or len(below) > 12 or detect_heading(below, number + 1, below)
            or lx.NEXT_BRACKET.search(below) or lx.opening_label(below)):
        return found
    source = doc.lines[number].strip()[:len(tail)]
    heading = Heading(line=number, level=found.heading.level, number=found.heading.number,
                      title=found.heading.title + source)
    return LineHeading(heading, found.body_start, found.title_end)


def _looks_like_prose_start(rest: str) -> bool:
    """After an Arabic item number, numbers open prose rather than a heading (1.5万吨);
    after 一、 or (一) a year opens a title (一、2023年主要预期目标)."""
    return bool(re.match(r"^[\d%％]", rest))


@dataclass(frozen=True)
class Outline:
    """Headings of a document and, for each line, the headings that enclose it."""

    headings: tuple[Heading, ...]
    by_line: dict[int, LineHeading]
    top_level: int | None
    _stacks: tuple[dict[int, Heading], ...] = field(default=(), repr=False)
    _lines: tuple[int, ...] = field(default=(), repr=False)  # line of each heading

    def __post_init__(self):
        stacks, stack = [], {}
        for h in self.headings:
            stack = {lvl: hd for lvl, hd in stack.items() if lvl < h.level}
            stack[h.level] = h
            stacks.append(stack)
        object.__setattr__(self, "_stacks", tuple(stacks))
        object.__setattr__(self, "_lines", tuple(h.line for h in self.headings))

    def enclosing(self, line: int) -> dict[int, Heading]:
        """level → innermost heading of that level enclosing `line` (its own heading too)."""
        k = bisect_right(self._lines, line)
        return self._stacks[k - 1] if k else {}

    def chapter(self, line: int) -> Heading | None:
        if self.top_level is None:
            return None
        return self.enclosing(line).get(self.top_level)

    def area(self, line: int) -> Heading | None:
        """The innermost (一)-level heading enclosing `line`, else its chapter."""
        enclosing = self.enclosing(line)
        if AREA_LEVEL in enclosing:
            return enclosing[AREA_LEVEL]
        return self.chapter(line)

    def numbered_item(self, line: int) -> Heading | None:
        """The innermost heading below the area level (1. / (1) / ①) enclosing `line`."""
        enclosing = self.enclosing(line)
        deeper = [lvl for lvl in enclosing if lvl > AREA_LEVEL]
        return enclosing[max(deeper)] if deeper else None


def parse_outline(doc: Document, start: int = 1) -> Outline:
    """Find every heading of `doc` from line `start` on (where the plan itself starts, after
    a covering notice whose own 一、二、三、 are not the plan's chapters).

    Chapters are the top level the document actually uses: 第X章 where present, else 一、.
    """
    by_line: dict[int, LineHeading] = {}
    for i, line in enumerate(doc.lines[start - 1:], start=start):
        found = detect_heading(line, i, doc.views[i - 1])
        if found is not None:
            by_line[i] = _wrapped_title(doc, found)
    headings = tuple(found.heading for found in by_line.values())
    levels = {h.level for h in headings}
    top = next((lvl for lvl in CHAPTER_LEVELS if lvl in levels), None)
    return Outline(headings=headings, by_line=by_line, top_level=top)
