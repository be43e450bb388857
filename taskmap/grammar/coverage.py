"""Nothing dropped in silence, measured: every role-bearing segment of a plan — a bracket,
a labelled line or a task table's row that holds a role word (牵头, 负责, 配合, 参与, 协办,
主办, 单位:, 部门:) — is read as a block (or a plan rule), or reported as a warning with its
line. `account` counts them and adds a warning for any segment nothing else accounted for.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import lexicon as lx
from ..models import LEAD, RESPONSIBLE, Coverage, Document, ParseWarning


@dataclass(frozen=True)
class Segment:
    """A stretch of one line that holds role words: [start, end) of line `line`."""

    line: int
    start: int
    end: int
    kind: str  # "bracket" | "line" | "row"


def segments(doc: Document, tables: set[int], rows: set[int]) -> list[Segment]:
    """Role-bearing segments: brackets and labelled lines outside task tables (`tables`:
    the lines they cover), and the rows of task tables (`rows`: their data rows' lines;
    a header is the table's, not a segment)."""
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
    return out


def account(doc: Document, blocks, rules, warnings: list[ParseWarning], tables: set[int],
            rows: set[int]) -> Coverage:
    """Count the role-bearing segments read as blocks or rules, and those warned about;
    warn about each one that neither accounts for (its line, its text)."""
    read_spans: dict[int, list[tuple]] = {}  # line → (first, last, start, end) of blocks on it
    for b in blocks:
        last = b.line + b.text.count("\n")
        span = (b.line, last, b.start, b.end if last == b.line else 10**9)
        for line in range(b.line, last + 1):
            read_spans.setdefault(line, []).append(span)
    rules_at: dict[int, list[int]] = {}
    for r in rules:
        rules_at.setdefault(r.line, []).append(r.start)
    warned_lines = {w.line for w in warnings}
    seen = read = warned = 0
    for seg in segments(doc, tables, rows):
        seen += 1
        if _read(seg, read_spans.get(seg.line, ())) or any(
                seg.start <= start < seg.end for start in rules_at.get(seg.line, ())):
            read += 1
        elif seg.line in warned_lines:
            warned += 1
        else:
            warned += 1
            text = doc.lines[seg.line - 1][seg.start:seg.end]
            warnings.append(ParseWarning(seg.line, text, "含分工用语,但未读作任务分工"))
    return Coverage(seen=seen, read=read, warned=warned)


def _read(seg: Segment, spans) -> bool:
    """Is the segment part of one of the blocks standing on its line?"""
    for first, last, start, end in spans:
        if seg.kind != "bracket" or first != seg.line or last != seg.line:
            return True
        if start <= seg.start < end or seg.start <= start < seg.end:
            return True
    return False
