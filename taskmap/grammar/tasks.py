"""From blocks to tasks: roles under the plan's rules, implicit agencies, outline, titles."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, replace

from .. import lexicon as lx
from ..models import LEAD, RESPONSIBLE, Assignment, Document, ParseWarning, Task
from ..normalize import body_key
from ..text import WS, Text
from .blocks import Block, Found, Rule
from .clauses import Mention
from .deadlines import due
from .outline import Outline, detect_heading

_SENTENCE = re.compile(r"[。;!?]")
_TARGET_START = re.compile(r"^(?:到|至|力争到|力争|预计到)?\s*(?:20\d\d|“?十[四五六]五”?|本世纪)")
_ENUMERATION = re.compile(r"^[一二三四五六七八九十]是|^\d+(?:\.\d+)+|^其[一二三四五六七八九十]")
_TITLE_MAX = 30


@dataclass
class _Statement:
    chapter: int | None  # line of the chapter heading it stands in
    agencies: tuple[str, ...]


def build_tasks(doc: Document, outline: Outline, found: Found, year: int | None = None,
                sole_lead: bool = False
                ) -> tuple[tuple[Task, ...], tuple[ParseWarning, ...], bool]:
    """Tasks of `doc` in order, the warnings they raise, and whether first-listed leads.
    Each assignment's `agency` is its surface until `resolve.resolve_plan` fills it.
    Deadlines are dated in the plan's `year` (`deadlines.plan_year`). With `sole_lead`, a
    block that names one body and no lead (a single 责任单位) makes it the lead, as many
    offices read it; by default roles stay as the plan writes them."""
    events = sorted([(b.line, b.start, 1, b) for b in found.blocks]
                    + [(r.line, r.start, 0, r) for r in found.rules], key=lambda x: x[:3])
    rule_from = _rule_start(events, "first_lead", "declares_first_lead")
    respectively_from = _rule_start(events, "respectively", "declares_respectively")
    ends_by_line: dict[int, list[int]] = {}
    for b in found.blocks:
        ends_by_line.setdefault(b.line, []).append(b.end)
    for ends in ends_by_line.values():
        ends.sort()  # a block's stretch starts at the last end before it: a bisection
    statement: _Statement | None = None
    tasks: list[Task] = []
    warnings: list[ParseWarning] = []
    for line, start, _, item in events:
        chapter = _chapter_line(outline, line)
        if isinstance(item, Rule):
            if item.statement:
                statement = _Statement(chapter, item.statement)
            continue
        block: Block = item
        first_lead = rule_from is not None and (line, start) >= rule_from
        each_leads = respectively_from is not None and (line, start) >= respectively_from
        assignments = _roles(block, first_lead, each_leads)
        named = {body_key(a.raw) for a in assignments}
        if block.content.statement:
            extra = [s for s in block.content.statement if body_key(s) not in named]
            assignments += [Assignment(RESPONSIBLE, s, s) for s in extra]
            named |= {body_key(s) for s in extra}
        elif statement is not None and statement.chapter == chapter:
            assignments += [Assignment(RESPONSIBLE, s, s, implicit=True)
                            for s in statement.agencies if body_key(s) not in named]
        if block.content.statement:
            statement = _Statement(chapter, block.content.statement)
        if sole_lead:
            assignments = sole_lead_roles(assignments)
        task = _task(len(tasks) + 1, doc, outline, block, tuple(assignments), ends_by_line,
                     year)
        if not any(a.role == LEAD for a in assignments):
            warnings.append(ParseWarning(block.line, block.text, no_lead_reason()))
        tasks.append(task)
    return tuple(tasks), tuple(warnings), rule_from is not None


def sole_lead_roles(assignments: list[Assignment]) -> list[Assignment]:
    """The one body a block names, as lead, where it names no lead (implicit bodies a
    standing statement adds are not named by the block, and stay responsible)."""
    named = [k for k, a in enumerate(assignments) if not a.implicit]
    if len(named) != 1 or any(a.role == LEAD for a in assignments):
        return assignments
    k = named[0]
    return [*assignments[:k], replace(assignments[k], role=LEAD), *assignments[k + 1:]]


def no_lead_reason() -> str:
    lead = lx.WORDS.marks["lead"][1]  # the genre's own word for a lead body (牵头单位)
    return f"未写明{lead}(也没有“列第一位的为{lead}”之类的规定)"


def _rule_start(events, rule_field: str, content_field: str) -> tuple[int, int] | None:
    """Where a plan rule (first-listed leads; 分别负责 makes each lead) starts: its first
    declaration, in a block or in prose, or the plan's start when no block follows the
    declaration (a footnote at the end of the plan)."""
    declared = None
    for line, start, _, item in events:
        if (isinstance(item, Rule) and getattr(item, rule_field)) or (
                isinstance(item, Block) and getattr(item.content, content_field)):
            declared = (line, start)
            break
    if declared is None:
        return None
    if not any(isinstance(it, Block) and (ln, st) >= declared for ln, st, _, it in events):
        return (0, 0)
    return declared


def _chapter_line(outline: Outline, line: int) -> int | None:
    chapter = outline.chapter(line)
    return chapter.line if chapter else None


def _roles(block: Block, first_lead: bool, each_leads: bool = False) -> list[Assignment]:
    """Each surface once, in order; a lead also listed among the responsible bodies is
    recorded once, as lead. Where the plan defines 分别负责 as each leading, the bodies of
    a 分别负责 list lead."""
    mentions = block.content.mentions
    if each_leads:
        mentions = tuple(Mention(LEAD, m.surface) if m.respectively else m for m in mentions)
    has_lead = any(m.role == LEAD for m in mentions)
    leads = {m.surface for m in mentions if m.role == LEAD}
    out, seen = [], set()
    for i, m in enumerate(mentions):
        if m.surface in seen:
            continue
        seen.add(m.surface)
        role = LEAD if m.surface in leads else (m.role or RESPONSIBLE)
        if first_lead and not has_lead and i == 0:
            role = LEAD
        out.append(Assignment(role, m.surface, m.surface))
    return out


def _task(n: int, doc: Document, outline: Outline, block: Block,
          assignments: tuple[Assignment, ...], ends_by_line: dict[int, list[int]],
          year: int | None = None) -> Task:
    chapter = outline.chapter(block.line)
    area = outline.area(block.line)
    when, kind = due(block.content.deadline, year)
    return Task(id=f"T{n:03d}", line=block.line, block=block.text,
                chapter=chapter.title if chapter else None, area=area.title if area else None,
                title=_bare(block.title or _title(doc, outline, block, ends_by_line)),
                text=_text(doc, outline, block, ends_by_line),
                deadline=block.content.deadline, assignments=assignments,
                leaders=block.content.persons, due=when, due_kind=kind)


def _stretch(doc: Document, block: Block,
             ends_by_line: dict[int, list[int]]) -> tuple[int, int, int] | None:
    """(line, start, end) of the text the block closes: from the previous block on its line
    (or the line's start) to the block; for labelled lines, the paragraph above them."""
    if block.kind == "lines":
        line = _previous_paragraph(doc, block.line)
        return None if line is None else (line, 0, len(doc.lines[line - 1]))
    ends = ends_by_line[block.line]  # sorted
    k = bisect_right(ends, block.start)
    s = ends[k - 1] if k else 0
    if s == 0 and _wrapped_tail(doc, block.line, block.start):
        above = ends_by_line.get(block.line - 1) or [0]  # after the blocks the line above
        return block.line - 1, above[-1], len(doc.lines[block.line - 2])  # closes
    return block.line, s, block.start


def _wrapped_tail(doc: Document, line: int, end: int) -> bool:
    """Does line `line` open with the last characters of a sentence that a hard line break
    (a PDF's, or a page's text layer) cut from the line above (`…安全平` / `稳。(牵头…)`)?"""
    if line < 2:
        return False
    head = doc.views[line - 1][:end].strip()
    above = doc.views[line - 2].rstrip()
    return (0 < len(head) <= 3 and head[-1] in "。;" and bool(above)
            and above[-1] not in lx.SENTENCE_END + ":)" and detect_heading(head, line) is None)


def _title(doc: Document, outline: Outline, block: Block,
           ends_by_line: dict[int, list[int]]) -> str | None:
    """The task's short title: its paragraph's title sentence, else the numbered item's."""
    stretch = _stretch(doc, block, ends_by_line)
    if stretch is None:
        return _fallback_title(outline, block.line)
    line, s, e = stretch
    heading = outline.by_line.get(line)
    if heading is not None and s <= heading.body_start:
        return heading.heading.title
    text = doc.text(line - 1).cut(s, e)
    opening = text.lstrip("。;,\u3000 ")
    run_in = detect_heading(opening.src, line, opening.v)  # `…)。2.推进Z(…)` on one line
    if s > 0 and run_in is not None:
        return run_in.heading.title
    if _NUMBER_ONLY.fullmatch(text.v) and block.line == line:  # the block opens it
        after = _after(doc, block)
        return _title_sentence(after) or _fallback_title(outline, line)
    if s > 0 and block.line == line and opening.v:
        # a later task of its line (`1.甲。(…)乙,丙。(…)`): its own words, never the title
        # of the item the line opens, which is the first task's
        return _title_sentence(opening) or _first_clauses(opening)
    return _title_sentence(text) or _fallback_title(outline, line)


_TRAILING = "。.;；,，:：、" + WS  # no title ends with these


def _bare(title: str | None) -> str | None:
    """A title without the punctuation that closed its sentence (`推进改造。` → 推进改造)."""
    return (title.rstrip(_TRAILING) or None) if title else title


_CLAUSE_MARKS = re.compile(r"[,;:]")
_LONG_TITLE = 2 * _TITLE_MAX  # a task's first sentence cut to its clauses within this


def _first_clauses(text: Text) -> str | None:
    """A task's first sentence as its title, cut after its last clause within _LONG_TITLE
    characters where it is longer (then at _LONG_TITLE)."""
    v = text.v
    m = _SENTENCE.search(v)
    end = m.start() if m else len(v)
    if end > _LONG_TITLE:
        cuts = [c.start() for c in _CLAUSE_MARKS.finditer(v, 0, _LONG_TITLE)]
        end = cuts[-1] if cuts and cuts[-1] > _TITLE_MAX // 2 else _LONG_TITLE
    return text.cut(0, end).strip().rstrip("。.;,:" + WS).src or None


_NUMBER_ONLY = re.compile(  # nothing but a heading number before the block
    r"\s*(?:[一二三四五六七八九十]+[、.]|\(?[一二三四五六七八九十\d]+[).、]|\d+[.、])?\s*")




def _after(doc: Document, block: Block) -> Text:
    """The text after a block that opens its paragraph (`【牵头单位:…】推进…。`), up to
    the next bracket."""
    line = doc.text(block.line - 1)
    m = lx.NEXT_BRACKET.search(line.v, block.end)
    return line.cut(block.end, m.start() if m else None)


def _text(doc: Document, outline: Outline, block: Block,
          ends_by_line: dict[int, list[int]]) -> str:
    """The task's own wording: its stretch without the heading number or the block."""
    if block.kind == "row":
        return block.title or ""
    stretch = _stretch(doc, block, ends_by_line)
    if stretch is None:
        return ""
    line, s, e = stretch
    heading = outline.by_line.get(line)
    if heading is not None and s <= heading.body_start:
        s = heading.body_start
        if heading.title_end >= e and block.kind == "bracket":  # `1.钟山…〔…〕` then its text
            return "".join([doc.lines[line - 1][s:e].strip(),
                            *_paragraphs_below(doc, outline, line, ends_by_line)])
    return doc.lines[line - 1][s:e].strip()


def _paragraphs_below(doc: Document, outline: Outline, line: int,
                      ends_by_line: dict[int, list[int]]) -> list[str]:
    """The paragraphs under a heading that carries a block, up to the next heading or block."""
    out = []
    for k in range(line + 1, len(doc.lines) + 1):
        if k in outline.by_line or k in ends_by_line:
            break
        out.append(doc.lines[k - 1].strip())
    return out


def _previous_paragraph(doc: Document, line: int) -> int | None:
    for k in range(line - 1, 0, -1):
        if doc.lines[k - 1].strip():
            return k
    return None


def _title_sentence(text: Text) -> str | None:
    """The paragraph's own title: a first sentence without commas, at most 30 characters,
    that is not a target (`到2025年…`) or an enumeration (`一是…`)."""
    text = text.strip()
    v = text.v
    if not v or _TARGET_START.match(v) or _ENUMERATION.match(v):
        return None
    m = _SENTENCE.search(v)
    end = m.start() if m else len(v)
    if end > _TITLE_MAX or re.search(r"[,;:]", v[:end]):
        return None
    title = text.cut(0, end).strip().rstrip("。.;,:" + WS)
    return title.src or None


def _fallback_title(outline: Outline, line: int) -> str | None:
    item = outline.numbered_item(line) or outline.area(line)
    return item.title if item else None
