"""Where assignment blocks stand in a document: brackets, labelled lines, text table rows.

`find_blocks(doc)` returns every block with its line, its text as in the file and its
parsed content, plus the prose-level rules (first-listed leads, standing statements) and
warnings for whatever looked like an assignment but could not be read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..models import LEAD, RESPONSIBLE, Document, ParseWarning
from ..normalize import view
from . import lexicon as lx
from .clauses import CLOSE, OPEN, Content, Mention, SourceText, parse_content, split_items

_TABLE_SEP = re.compile(r"\t+|\s*\|\s*")
# A Word table pasted as text: columns aligned by runs of spaces, or by full-width spaces
# (matched on the source, where U+3000 is still itself).
_SPACE_SEP = re.compile(r"[ \t]{2,}|[ \t]*\u3000+[ \t]*")


@dataclass(frozen=True)
class Block:
    """One assignment block found in a document."""

    line: int
    start: int  # offset in the line where the block opens (0 for line and row blocks)
    end: int  # offset just past it
    text: str
    content: Content
    kind: str  # "bracket" | "inline" | "marker" | "lines" | "row"
    title: str | None = None  # given by a table row's task column


@dataclass(frozen=True)
class Rule:
    """A prose sentence that sets a plan rule at a position in the document."""

    line: int
    start: int
    first_lead: bool = False
    statement: tuple[str, ...] = ()


@dataclass(frozen=True)
class Found:
    blocks: tuple[Block, ...]
    rules: tuple[Rule, ...]
    warnings: tuple[ParseWarning, ...]


def find_blocks(doc: Document) -> Found:
    """Every block, rule and warning of `doc`, in document order."""
    blocks, rules, warnings = [], [], []
    lines = doc.lines
    consumed: dict[int, int] = {}  # line index → offset up to which a block broken over
    i = 0                          # lines from above has used it
    while i < len(lines):
        v = view(lines[i]).strip()
        if lx.opening_label(v) and i not in consumed:
            i = _labelled_lines(lines, i, blocks, warnings)
            continue
        header = _table_header(lines[i]) if i not in consumed else None
        if header:
            i = _table_rows(lines, i, header, blocks, warnings)
            continue
        _brackets(lines, i, blocks, rules, warnings, consumed)
        i += 1
    return Found(tuple(blocks), tuple(rules), tuple(warnings))


# ---------------------------------------------------------------- brackets

def bracket_spans(v: str) -> tuple[list[tuple[int, int]], int | None]:
    """Top-level bracket spans [open, close] of a line view, and an unclosed opener if any."""
    spans, depth, start = [], 0, None
    for i, ch in enumerate(v):
        if ch in OPEN:
            if depth == 0:
                start = i
            depth += 1
        elif ch in CLOSE and depth > 0:
            depth -= 1
            if depth == 0:
                spans.append((start, i + 1))
    return spans, (start if depth > 0 else None)


def _brackets(lines, i: int, blocks, rules, warnings, consumed: dict[int, int]) -> None:
    line, number = lines[i], i + 1
    skip = consumed.get(i, 0)  # the start of the line closes a block opened above
    v = " " * skip + view(line)[skip:]
    spans, unclosed = bracket_spans(v)
    inside = [False] * len(v)
    for s, e in spans:
        for k in range(s, e):
            inside[k] = True
    end = _markers(line, v, spans, number, blocks, warnings)
    # labels inside a bracket that a later line closes belong to that bracket
    label_end = min(end, unclosed) if unclosed is not None else end
    inline = _inline_labels(line, v, inside, label_end, number, blocks, warnings)
    if inline < label_end:
        end = inline
    for s, e in spans:
        if e > end:
            continue
        content = parse_content(line[s + 1:e - 1])
        if _is_block(content, v, s, e):
            blocks.append(Block(number, s, e, line[s:e], content, "bracket"))
            _warn_problems(content, number, line[s:e], warnings)
        elif content.declares_first_lead or content.statement:
            rules.append(Rule(number, s, content.declares_first_lead, content.statement))
        elif content.strong:
            warnings.append(ParseWarning(number, line[s:e], _why_not(content)))
    if unclosed is not None and unclosed < end:
        _broken_bracket(lines, i, unclosed, blocks, warnings, consumed)
    _prose_rules(line, v, inside, number, rules)


_MAX_WRAPPED_LINES = 3


def _broken_bracket(lines, i: int, start: int, blocks, warnings,
                    consumed: dict[int, int]) -> None:
    """A block whose bracket a line break cuts (text pasted from a PDF, even inside a role
    word: `(牵` / `头单位:…)`): joined with the following lines, page-number lines left out,
    when one of them closes it; the line that closes it is not read again up to there."""
    pieces, parts = [lines[i][start:]], []  # parts: (line index, offset where its piece starts)
    for k in range(i + 1, min(i + 1 + _MAX_WRAPPED_LINES, len(lines))):
        if lx.PAGE_LINE.match(lines[k]):
            continue
        stripped = lines[k].lstrip()
        pieces.append(stripped.rstrip())
        parts.append((k, len(lines[k]) - len(stripped)))
        joined = "".join(pieces)
        spans, _ = bracket_spans(view(joined))
        if not spans or spans[0][0] != 0:
            continue
        close = spans[0][1]
        content = parse_content(joined[1:close - 1])
        if not content.explicit_roles:
            break
        last_k, last_offset = parts[-1]
        in_last = close - (len(joined) - len(pieces[-1]))
        text = "\n".join([*pieces[:-1], pieces[-1][:in_last]])
        blocks.append(Block(i + 1, start, len(lines[i]), text, content, "bracket"))
        _warn_problems(content, i + 1, text, warnings)
        for k, _ in parts[:-1]:
            consumed[k] = len(lines[k])
        consumed[last_k] = last_offset + in_last
        return
    if lx.STRONG_MARKER.search(view(lines[i]), start):
        warnings.append(ParseWarning(i + 1, lines[i][start:], "bracket opened but not closed"))


def _markers(line, v, spans, number, blocks, warnings) -> int:
    """`【牵头单位】A【责任单位】B`: label-only brackets mark lists that follow them.

    Returns where the ordinary scan of the line must stop (the first marker, or the end).
    """
    marks = [(s, e, m.group("label")) for s, e in spans
             if (m := lx.LABEL.fullmatch(v[s + 1:e - 1].strip())) and not m.group("colon")]
    if not marks:
        return len(line)
    pieces = []
    for k, (_, e, label) in enumerate(marks):
        stop = marks[k + 1][0] if k + 1 < len(marks) else len(line)
        pieces.append(f"{label}:{line[e:stop]}")
    content = parse_content(";".join(pieces))
    text = line[marks[0][0]:].rstrip()
    if content.explicit_roles:
        blocks.append(Block(number, marks[0][0], len(line), text, content, "marker"))
        _warn_problems(content, number, text, warnings)
    else:
        warnings.append(ParseWarning(number, text, _why_not(content)))
    return marks[0][0]


def _inline_labels(line, v, inside, end, number, blocks, warnings) -> int:
    """`…。责任单位:A、B。` closing a paragraph, outside any bracket."""
    for m in lx.LABEL.finditer(v, 0, end):
        if not m.group("colon") or inside[m.start()]:
            continue
        before = v[:m.start()].rstrip()
        if before and before[-1] not in lx.SENTENCE_END:
            continue
        text = line[m.start():end].rstrip().rstrip("。")
        content = parse_content(text)
        if content.explicit_roles:
            blocks.append(Block(number, m.start(), end, text, content, "inline"))
            _warn_problems(content, number, text, warnings)
        elif content.strong:
            warnings.append(ParseWarning(number, text, _why_not(content)))
        return m.start()
    return end


def _is_block(c: Content, v: str, s: int, e: int) -> bool:
    if c.explicit_roles:
        return True
    if c.statement and not c.mentions:
        return False
    if not c.mentions or c.prose or c.has_role_words:
        return False
    # A bare list of bodies closes a sentence: `…。(工信部、公安部)` at the end of a task.
    before = v[:s].rstrip()
    after = v[e:].strip()
    return (not before or before[-1] in lx.SENTENCE_END) and (not after or after[0] in "。;")


def _why_not(c: Content) -> str:
    if c.problems:
        return "; ".join(c.problems)
    return "role words but no agency list could be read"


def _warn_problems(c: Content, number: int, text: str, warnings) -> None:
    for problem in c.problems:
        warnings.append(ParseWarning(number, text, problem))


def _prose_rules(line: str, v: str, inside: list[bool], number: int, rules) -> None:
    """First-listed declarations and standing statements written as prose."""
    if "第一" in v or "首位" in v or "最前" in v:
        for m in lx.FIRST_LISTED_LEADS.finditer(v):
            if not inside[m.start()]:
                rules.append(Rule(number, m.start(), first_lead=True))
    if "不再" not in v:
        return
    for m in lx.STANDING.finditer(v):
        if not inside[m.start()]:
            t = SourceText(line)
            group = next(g for g in lx.STANDING_WHO if m.group(g) is not None)
            who = tuple(src for src, sv in split_items(t, *m.span(group))
                        if lx.looks_like_agency(sv))
            if who:
                rules.append(Rule(number, m.start(), statement=who))


# ---------------------------------------------------------------- labelled lines

def _labelled_lines(lines, i: int, blocks, warnings) -> int:
    """Consecutive `牵头单位:…` / `责任单位:…` / `完成时限:…` lines form one block."""
    first = i
    while i < len(lines):
        if not lx.opening_label(view(lines[i]).strip()):
            break
        i += 1
    text = "\n".join(lines[first:i])
    content = parse_content(";".join(line.strip() for line in lines[first:i]))
    if content.explicit_roles:
        blocks.append(Block(first + 1, 0, len(lines[first]), text, content, "lines"))
        for k in range(first, i):  # each problem on the line that has it
            _warn_problems(parse_content(lines[k].strip()), k + 1, lines[k], warnings)
    elif content.strong:
        warnings.append(ParseWarning(first + 1, text, _why_not(content)))
    return i


# ---------------------------------------------------------------- text tables

@dataclass(frozen=True)
class _Header:
    columns: tuple[str, ...]  # role of each column: lead / responsible / deadline / task / ""
    spaces: bool = False  # columns separated by runs of spaces, not tabs or |


def _cells(line: str, spaces: bool = False) -> list[str]:
    if spaces:
        return [view(c).strip() for c in _SPACE_SEP.split(line.strip(" \u3000"))]
    v = view(line).strip().strip("|")
    return [c.strip() for c in _TABLE_SEP.split(v)] if ("\t" in v or "|" in v) else []


def _table_header(line: str) -> _Header | None:
    header = _header_of(_cells(line), spaces=False)
    if header is None and "\t" not in line and "|" not in line:
        header = _header_of(_cells(line, spaces=True), spaces=True)
    return header


def _header_of(cells: list[str], spaces: bool) -> _Header | None:
    if len(cells) < 3:
        return None
    roles = []
    for cell in cells:
        name = cell.replace(" ", "")
        role = lx.label_role(name) or ""
        if not role and name in lx.TASK_COLUMNS:
            role = "task"
        roles.append(role)
    if not any(r in (LEAD, RESPONSIBLE) for r in roles):
        return None
    if spaces and sum(bool(r) for r in roles) < 2:  # spaced words are a table only if their
        return None                                 # columns are the table's columns
    return _Header(tuple(roles), spaces)


def _table_rows(lines, i: int, header: _Header, blocks, warnings) -> int:
    """Rows until the table ends. A section row inside the table (`一、城镇燃气安全`, or a
    row with one filled cell) is passed over and restarts what merged cells carry down."""
    i += 1
    above: dict[int, str] = {}  # column → the value a merged or 同上 cell repeats
    while i < len(lines):
        line = lines[i]
        if not line.strip() or re.fullmatch(r"[\s|:\-]+", view(line)):  # |---|---|
            i += 1
            continue
        cells = _split_source_cells(line, header.spaces)
        if _table_header(line) == header:  # the header again, on the next page
            i += 1
            continue
        if len(cells) < 2 or sum(bool(c.strip()) for c in cells) == 1:
            if not _next_is_row(lines, i + 1, header.spaces):
                break
            above = {}  # a section row
            i += 1
            continue
        _table_row(line, i + 1, cells, header, blocks, warnings, above)
        i += 1
    return i


def _next_is_row(lines, i: int, spaces: bool = False) -> bool:
    while i < len(lines) and not lines[i].strip():
        i += 1
    return i < len(lines) and len(_split_source_cells(lines[i], spaces)) >= 2


def _split_source_cells(line: str, spaces: bool = False) -> list[str]:
    v = view(line)
    if spaces:
        body = line.strip(" \u3000")
        return _SPACE_SEP.split(body) if body else []
    if "\t" not in v and "|" not in v:
        return []
    out, start = [], 0
    for m in _TABLE_SEP.finditer(v):
        out.append(line[start:m.start()])
        start = m.end()
    out.append(line[start:])
    if v.strip().startswith("|"):
        out = out[1:]
    if v.strip().endswith("|"):
        out = out[:-1]
    return out




def _table_row(line, number, cells, header, blocks, warnings, above: dict[int, str]) -> None:
    mentions, deadline, title = [], None, None
    for col, (role, cell) in enumerate(zip(header.columns, cells, strict=False)):
        cell = cell.strip()
        if view(cell) in lx.SAME_AS_ABOVE or (role == LEAD and not cell):
            cell = above.get(col, "")  # 同上, or a lead cell merged with the one above
        elif cell:
            above[col] = cell
        if role in (LEAD, RESPONSIBLE):
            items = split_items(SourceText(cell), 0, len(cell))
            mentions.extend(Mention(role, s) for s, v in items if not lx.is_placeholder(v))
        elif role == "deadline" and cell:
            deadline = cell
        elif role == "task" and cell:
            title = cell
    if not mentions:
        if any(cells):
            warnings.append(ParseWarning(number, line, "table row names no agency"))
        return
    content = Content(mentions=tuple(mentions), deadline=deadline, has_role_words=True,
                      strong=True)
    blocks.append(Block(number, 0, len(line), line, content, "row", title=title))
