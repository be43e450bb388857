"""Lines restored where a web page lost them: a plan flattened onto one line or a few.

A page that drops its line breaks leaves headings (`一、`, `(二)`) and task numbers (`3.`,
`4、`, `(5)`, `⑥`) in the middle of a line: `…完成改造30个。责任单位:区住建局 2.推进加装电梯…`.
`reflow(doc)` cuts such a line before each numbering that carries on the plan's own
sequence (the next number of its level, or the first one under a new heading) and stands
after a sentence's end, a closing bracket or white space — never inside a bracket, so never
inside a name or a block. On such a line, a covering notice's parts stand alone too: its
title, its salutation, its issuer and date of issue, so that the plan's own title and
outline start after them. The grammar then reads the pieces as the lines they were; each
piece keeps the number of the line it came from, so every line number the tool reports is
still a line of the file.

A line that numbers nothing in sequence is left as it is, and so is a document with nothing
to cut (the same object comes back).
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_right
from dataclasses import replace

from .. import lexicon as lx
from ..models import Document

_CN = "一二三四五六七八九十"
_CIRCLED = "\u2460\u2461\u2462\u2463\u2464\u2465\u2466\u2467\u2468\u2469" \
           "\u246a\u246b\u246c\u246d\u246e\u246f\u2470\u2471\u2472\u2473"
# The numberings of the outline's levels 1–5 (see outline.py), on the view.
_MARK = re.compile(
    rf"(?P<l1>[{_CN}]{{1,3}})\s*、"
    rf"|\(\s*(?P<l2>[{_CN}]{{1,3}})\s*\)"
    r"|(?<![\d.])(?P<l3>\d{1,3})\s*(?:、|\.(?![\d.]))"
    r"|\(\s*(?P<l4>\d{1,3})\s*\)"
    rf"|(?P<l5>[{_CIRCLED}])"
)
# A date of issue between spaces (a notice's signature, flattened): 2024年3月1日.
_DATE = re.compile(r"(?<=\s)(?:19|20)\d\d\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日(?=\s)")
# A notice's title and its salutation, each closed by a space: …的通知 / 各街道办事处,…:
_NOTICE_PARTS = re.compile(r"^\s*\S{4,80}?的?通知(?=\s)|(?<=\s)各[^\s:。]{1,60}:(?=\s)")
# Every numbering that opens a line (`pre` a line break) or stands in one after a sentence's
# end, a bracket's close or a space: the character before it comes first in the pattern, so
# that one scan of a whole plan is fast.
# (a space opens it only as the last of its run: a run of tabs is not tried at each of its
# characters, which would cost the square of its length)
_EVENT = re.compile(rf"(?P<pre>[。;!?)\n]|[ \t\u3000](?![ \t\u3000]))[ \t\u3000]*"
                    rf"(?P<mark>{_MARK.pattern})")
_LEVELS = ("l1", "l2", "l3", "l4", "l5")


def reflow(doc: Document) -> tuple[Document, tuple[int, ...]]:
    """`doc` with its flattened lines cut at the numberings inside them, and for each line
    of the result the (1-based) line of `doc` it comes from; `doc` itself and () when no
    line needed a cut."""
    views = doc.views
    text = "\n" + "\n".join(views)  # one scan of the whole text finds every numbering
    starts = list(itertools.accumulate((len(v) + 1 for v in views[:-1]), initial=1))
    in_tables = {k for t in doc.tables for r in t.rows for k in range(r.line, r.end + 1)}
    last: dict[int, int] = {}  # level → the last number seen
    fresh: set[int] = set()  # levels whose numbering a higher heading has just restarted
    cuts: dict[int, list[int]] = {}
    line, skip = -1, False
    spans: list[tuple[int, int]] | None = None
    unclosed: int | None = None
    for m in _EVENT.finditer(text):
        i = bisect_right(starts, m.start("mark")) - 1
        v = views[i]
        if i != line:
            line, spans = i, None  # (a line's brackets are found when a cut is weighed)
            skip = i + 1 in in_tables or "\t" in v or "|" in v  # a table's cells: no outline
        at = m.start("mark") - starts[i]
        found = None if skip else _numbering(m, at)
        if found is None:
            continue
        if m.group("pre") == "\n":  # the numbering that opens the line
            _seen(found, last, fresh)
            continue
        if found[2] >= len(v) or not _follows(found[0], found[1], last, fresh):
            continue
        if spans is None:
            spans, unclosed = lx.bracket_spans(v)
        if not any(s < at < e for s, e in spans) and (unclosed is None or at < unclosed):
            cuts.setdefault(i, []).append(at)  # not inside a bracket: a name's, a block's
            _seen(found, last, fresh)
    for i, here in cuts.items():  # a flattened line: a notice's parts stand alone too
        v = views[i]
        here += [m.end() for m in _NOTICE_PARTS.finditer(v)]
        for d in _DATE.finditer(v):
            here += [d.start(), d.end()]
            before = v[:d.start()].rstrip()
            issuer = max(before.rfind(" "), before.rfind("\u3000")) + 1
            if issuer > 0 and lx.looks_like_agency(before[issuer:]):
                here.append(issuer)  # …请认真贯彻执行。 青岚区人民政府 2024年3月1日
        cuts[i] = sorted(k for k in set(here) if 0 < k < len(v))
    if not cuts:
        return doc, ()
    lines: list[str] = []
    origin: list[int] = []
    first_piece: dict[int, int] = {}
    for i, source in enumerate(doc.lines):
        first_piece[i + 1] = len(lines) + 1
        bounds = [0, *cuts.get(i, ()), len(source)]
        for s, e in itertools.pairwise(bounds):
            lines.append(source[s:e] if s == 0 else source[s:e].lstrip())
            origin.append(i + 1)
    tables = tuple(replace(t, rows=tuple(
        replace(r, line=first_piece[r.line], last=first_piece[r.last] if r.last else 0)
        for r in t.rows)) for t in doc.tables)
    return replace(doc, lines=tuple(lines), tables=tables), tuple(origin)


def _number(text: str) -> int:
    """一 → 1, 十二 → 12, 二十四 → 24, 7 → 7, ③ → 3."""
    if len(text) == 1 and text in _CIRCLED:  # (str.isdigit says yes to ①)
        return _CIRCLED.index(text) + 1
    if text.isascii() and text.isdigit():
        return int(text)
    if "十" not in text:
        return _CN.index(text) + 1 if len(text) == 1 else 0
    tens, _, units = text.partition("十")
    return ((_CN.index(tens) + 1) if tens else 1) * 10 + ((_CN.index(units) + 1) if units else 0)


def _numbering(m: re.Match[str], at: int) -> tuple[int, int, int] | None:
    """(level, number, end in its line) of the numbering an event found at offset `at` of
    its line, else None (a number that reads as none: 零、)."""
    key = next(k for k in _LEVELS if m.group(k) is not None)
    number = _number(m.group(key))
    return (int(key[1]), number, at + m.end("mark") - m.start("mark")) if number else None


def _seen(found: tuple[int, int, int], last: dict[int, int], fresh: set[int]) -> None:
    level, number, _ = found
    last[level] = number
    fresh.discard(level)
    fresh.update(k for k in range(level + 1, 6))


def _follows(level: int, number: int, last: dict[int, int], fresh: set[int]) -> bool:
    """Does a numbering carry on the sequence of its level: the next number, or the first
    under a heading just above it (numbers that run on across chapters count too)? A first
    chapter (一、) may start anew anywhere: a plan's outline after its covering notice's."""
    return number == last.get(level, 0) + 1 or (number == 1 and (level in fresh or level == 1))
