"""Nothing dropped in silence, measured: every role-bearing segment of a plan — a bracket,
a labelled line or a task table's row that holds a role word (牵头, 负责, 配合, 参与, 协办,
主办, 单位:, 部门:), or a sentence where such a verb follows a name shaped like a body
(由区发改委牵头,区财政局配合。) — is read as a block (or a plan rule), or reported as a
warning with its line. `account` counts the three apart: read, warned by the grammar itself,
and unread (neither), each of which it reports with its line and text.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cache

from .. import lexicon as lx
from ..models import LEAD, RESPONSIBLE, Coverage, Document, ParseWarning

UNREAD = "含分工用语,但未读作任务分工"  # the warning of a segment nothing else accounted for


@dataclass(frozen=True)
class Segment:
    """A stretch of one line that holds role words: [start, end) of line `line`."""

    line: int
    start: int
    end: int
    kind: str  # "bracket" | "line" | "row" | "prose"


def segments(doc: Document, tables: set[int], rows: set[int]) -> list[Segment]:
    """Role-bearing segments: brackets, labelled lines and prose sentences that assign
    (`prose`) outside task tables (`tables`: the lines they cover), and the rows of task
    tables (`rows`: their data rows' lines; a header is the table's, not a segment)."""
    out = []
    for i, v in enumerate(doc.views):
        number = i + 1
        if number in tables:
            if number in rows and lx.ROLE_HINT.search(v):
                out.append(Segment(number, 0, len(v), "row"))
            continue
        if not lx.ROLE_HINT.search(v) or lx.PAGE_CHROME.search(v):
            continue
        label = lx.opening_label(v.strip())
        if label is not None and label.role in (LEAD, RESPONSIBLE):
            out.append(Segment(number, 0, len(v), "line"))
            continue
        spans, _ = lx.bracket_spans(v)
        for s, e in spans:
            inner = lx.PERSON_LABEL_SPAN.sub("", v[s:e])  # a person is no role
            if lx.ROLE_HINT.search(inner):
                out.append(Segment(number, s, e, "bracket"))
        out += [Segment(number, s, e, "prose") for s, e in prose(v, spans)]
    return out


def prose(v: str, brackets: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sentences of a line view that divide work in prose, whatever the block grammar makes
    of them: two role verbs or more outside `brackets`, each closing its clause, one of them
    after a name shaped like one body (`lexicon.looks_like_agency`, not a collective). One
    body in charge of the whole (具体工作由市发改委负责) only names it; a question assigns
    nothing. [start, end) of each sentence, its closing mark included.

    >>> prose("1.推进某项工作。由区发改委牵头,区财政局配合。", [])
    [(9, 24)]
    >>> prose("市发改委牵头起草方案。工作由市发改委负责。哪些部门牵头、配合?", [])
    []
    """
    marks = _clause_marks(lx.SENTENCE_END)  # the lexicon's, read at call time
    ends = [m.end() for m in re.finditer(f"[{re.escape(lx.SENTENCE_END)}]", v)] + [len(v)]
    opens = [s for s, _ in brackets]  # in order, none inside another
    verbs: dict[int, list[bool]] = {}  # sentence → for each closing verb: after one body?
    for m in lx.ROLE_VERB.finditer(v):
        at = m.start()
        k = bisect_right(opens, at) - 1
        if (m.end() < len(v) and v[m.end()] not in marks) or (
                k >= 0 and at < brackets[k][1]):
            continue
        name = v[_back(v, at, marks, max(0, at - _LONGEST_NAME - 1)):at]
        name = re.split(f"[{lx.CLAUSE_OPENERS}]", name)[-1].strip()
        verbs.setdefault(bisect_right(ends, at), []).append(
            lx.looks_like_agency(name) and not lx.COLLECTIVE_NAME.search(name))
    return [(ends[k - 1] if k else 0, ends[k]) for k, bodies in verbs.items()
            if len(bodies) >= 2 and any(bodies) and v[ends[k] - 1] != "?"]


@cache
def _clause_marks(sentence_end: str) -> frozenset[str]:
    return frozenset(sentence_end + ",、 \t")

_LONGEST_NAME = 40  # a longer one is no body's (looks_like_agency)


def _back(v: str, at: int, marks: frozenset[str], stop: int) -> int:
    """Just past the last of `marks` in v[stop:at], else `stop`."""
    for k in range(at - 1, stop - 1, -1):
        if v[k] in marks:
            return k + 1
    return stop


def account(doc: Document, blocks, rules, warnings: list[ParseWarning], tables: set[int],
            rows: set[int]) -> Coverage:
    """Count the role-bearing segments: read as blocks or rules; warned, when the grammar
    itself warned on their line; else unread, each of which gets a warning of its own
    (its line, its text). A block read where no role word stands counts as a segment
    read."""
    spans: dict[int, _Spans] = {}  # line → the blocks standing on it
    for b in blocks:
        last = b.line + b.text.count("\n")
        for line in range(b.line, last + 1):
            at = spans.setdefault(line, _Spans())
            if line == b.line == last:
                at.one_line.append((b.start, b.end))
            else:
                at.across = True
    for at in spans.values():
        at.prepare()
    rules_at: dict[int, list[int]] = {}
    for r in rules:
        rules_at.setdefault(r.line, []).append(r.start)
    for starts in rules_at.values():
        starts.sort()
    warned_lines = {w.line for w in warnings}
    seen = read = warned = unread = 0
    found = segments(doc, tables, rows)
    seen = read = _blocks_without_segments(blocks, found)
    for seg in found:
        seen += 1
        standing = spans.get(seg.line)
        if (standing is not None and standing.read(seg)) or _any_in(
                rules_at.get(seg.line, ()), seg.start, seg.end):
            read += 1
        elif seg.line in warned_lines:
            warned += 1
        else:
            unread += 1
            text = doc.lines[seg.line - 1][seg.start:seg.end]
            warnings.append(ParseWarning(seg.line, text, UNREAD))
    return Coverage(seen=seen, read=read, warned=warned, unread=unread)


def _blocks_without_segments(blocks, found: list[Segment]) -> int:
    """The blocks read where no role word stands (a task table's row of names under a
    牵头单位 header, a bracket holding only a body's name): each is a segment read too, so
    that a plan whose tasks were read never counts none. Looked up by bisection: a line
    of thousands of blocks stays linear."""
    at: dict[int, tuple[list[int], list[int]]] = {}  # line → starts, furthest end so far
    for seg in sorted(found, key=lambda g: (g.line, g.start)):
        starts, reach = at.setdefault(seg.line, ([], []))
        starts.append(seg.start)
        reach.append(max(seg.end, reach[-1] if reach else seg.end))
    count = 0
    for b in blocks:
        last = b.line + b.text.count("\n")
        if last > b.line:
            count += not any(line in at for line in range(b.line, last + 1))
            continue
        starts, reach = at.get(b.line, ([], []))
        k = bisect_left(starts, max(b.end, b.start + 1))  # segments opening before its end
        count += not (k and reach[k - 1] > b.start)
    return count


def _any_in(starts, lo: int, hi: int) -> bool:
    """Does the sorted `starts` hold a value in [lo, hi)?"""
    k = bisect_left(starts, lo)
    return k < len(starts) and starts[k] < hi


class _Spans:
    """The blocks standing on one line: whether one of them spans lines, and the
    [start, end) of those that do not, sorted, so that a segment is looked up by
    bisection (a one-line plan of thousands of blocks stays linear)."""

    def __init__(self) -> None:
        self.across = False
        self.one_line: list[tuple[int, int]] = []
        self.starts: list[int] = []
        self.reach: list[int] = []  # the furthest end among the spans up to each

    def prepare(self) -> None:
        self.one_line.sort()
        self.starts = [s for s, _ in self.one_line]
        furthest = -1
        for _, e in self.one_line:
            furthest = max(furthest, e)
            self.reach.append(furthest)

    def read(self, seg: Segment) -> bool:
        """Is the segment part of one of the blocks standing on its line?"""
        if seg.kind != "bracket" or self.across:
            return bool(self.one_line) or self.across
        k = bisect_right(self.starts, seg.start)  # spans starting at or before it
        if k and self.reach[k - 1] > seg.start:
            return True
        return _any_in(self.starts, seg.start, seg.end)
