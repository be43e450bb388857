"""Where assignment blocks stand in a document: brackets, labelled lines, text table rows.

`find_blocks(doc)` returns every block with its line, its text as in the file and its
parsed content, plus the prose-level rules (first-listed leads, standing statements) and
warnings for whatever looked like an assignment but could not be read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .. import lexicon as lx
from ..models import LEAD, RESPONSIBLE, Coverage, Document, ParseWarning
from ..text import Text, squeeze, view
from . import coverage, tables, texttables
from .clauses import Content, parse_content, split_items
from .outline import detect_heading


@dataclass(frozen=True, slots=True)
class Block:
    """One assignment block found in a document."""

    line: int
    start: int  # offset in the line where the block opens (0 for line and row blocks)
    end: int  # offset just past it
    text: str
    content: Content
    kind: str  # "bracket" | "inline" | "marker" | "lines" | "row" | "prose"
    title: str | None = None  # given by a table row's task column


@dataclass(frozen=True)
class Rule:
    """A prose sentence that sets a plan rule at a position in the document."""

    line: int
    start: int
    first_lead: bool = False
    statement: tuple[str, ...] = ()
    respectively: bool = False  # 分别负责 makes each body named lead


@dataclass(frozen=True)
class Found:
    blocks: tuple[Block, ...]
    rules: tuple[Rule, ...]
    warnings: tuple[ParseWarning, ...]
    coverage: Coverage = field(default_factory=Coverage)


def find_blocks(doc: Document) -> Found:
    """Every block, rule and warning of `doc`, in document order."""
    blocks: list[Block] = []
    rules: list[Rule] = []
    warnings: list[ParseWarning] = []
    rows, covered, data_rows = _table_blocks(doc, warnings)
    lines = doc.lines
    consumed: dict[int, int] = {}  # line index → offset up to which a block broken over
    i = 0                          # lines from above has used it
    while i < len(lines):
        if i + 1 in covered:  # a task table's row: read from its cells
            blocks.extend(rows.get(i + 1, ()))
            i += 1
            continue
        v = doc.views[i].strip()
        if lx.PAGE_CHROME.search(v):  # a website's footer or toolbar: 主办:… 承办:…
            i += 1
            continue
        if lx.opening_label(v) and i not in consumed:
            after = _labelled_lines(doc, i, blocks, warnings)
            if after is not None:
                i = after
                continue
        _brackets(doc, i, blocks, rules, warnings, consumed)
        i += 1
    counted = coverage.account(doc, blocks, rules, warnings, covered, data_rows)
    return Found(tuple(blocks), tuple(rules), tuple(warnings), counted)


def _table_blocks(doc: Document, warnings) -> tuple[dict[int, list[Block]], set[int], set[int]]:
    """Blocks of every task table (the file's own, and those written as text), by line;
    the lines the tables cover from their header on; and the lines of their data rows."""
    in_files = {r.line for t in doc.tables for r in t.rows}
    by_line: dict[int, list[Block]] = {}
    covered: set[int] = set()
    data: set[int] = set()
    previous: tuple[tables.Header, int, int] | None = None  # header, width, last line
    for table in [*doc.tables, *texttables.text_tables(doc, in_files)]:
        header = tables.find_header(table)
        if header is None and previous and _continues(doc, table, *previous):
            header = tables.Header(previous[0].columns, -1)  # a table cut in two
        if header is None or not table.rows:
            tables.warn_headless(table, doc.lines, warnings)  # rows no header names
            continue
        previous = (header, len(table.rows[0].cells), table.rows[-1].end)
        first = table.rows[max(header.last_row, 0)].line
        covered |= set(range(first, table.rows[-1].end + 1))
        for row in table.rows[header.last_row + 1:]:
            data |= set(range(row.line, row.end + 1))
        for rb in tables.read_table(table, header, doc.lines, warnings):
            line = doc.lines[rb.row.line - 1]
            by_line.setdefault(rb.row.line, []).append(
                Block(rb.row.line, 0, len(line), rb.row.text or line, rb.content, "row",
                      title=rb.title))
    return by_line, covered, data


def _continues(doc: Document, table, header, width: int, last: int) -> bool:
    """A table with no header of its own that carries on the one above it: as wide, and
    nothing but blank lines between them (a table a page break or an editor cut in two)."""
    first = table.rows[0].line if table.rows else 0
    return (len(table.rows[0].cells) == width and first > last
            and not any(doc.lines[k - 1].strip() for k in range(last + 1, first)))


# ---------------------------------------------------------------- brackets

def _brackets(doc: Document, i: int, blocks, rules, warnings,
              consumed: dict[int, int]) -> None:
    line, number = doc.lines[i], i + 1
    skip = consumed.get(i, 0)  # the start of the line closes a block opened above
    v = " " * skip + doc.views[i][skip:]
    spans, unclosed = lx.bracket_spans(v)
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
        if e > end or lx.NOT_BLOCK.match(v, s + 1):  # (此件公开发布), (以下简称…)
            continue
        content = parse_content(line[s + 1:e - 1], v[s + 1:e - 1])
        if _is_block(content, v, s, e):
            blocks.append(Block(number, s, e, line[s:e], content, "bracket"))
            _warn_problems(content, number, line[s:e], warnings)
        elif content.declares_first_lead or content.statement or content.declares_respectively:
            rules.append(Rule(number, s, content.declares_first_lead, content.statement,
                              content.declares_respectively))
            if content.prose and _names_a_body(line[s + 1:e - 1], v[s + 1:e - 1]):
                # (A、B、某直属库。排名第一的为牵头单位,下同): bodies beside the rule, unread
                warnings.append(ParseWarning(number, line[s:e], _why_not(content)))
        elif content.strong:
            warnings.append(ParseWarning(number, line[s:e], _why_not(content)))
    if unclosed is not None and unclosed < end:
        _broken_bracket(doc, i, unclosed, blocks, warnings, consumed)
    _prose_blocks(line, v, spans, number, blocks, warnings)
    _prose_rules(line, v, inside, number, rules)


def _prose_blocks(line: str, v: str, spans, number: int, blocks, warnings) -> None:
    """A sentence that divides a task's work with no bracket or label around it
    (`区住建局牵头,区财政局、各街道配合。`): two role verbs or more, each closing its clause,
    one after a name shaped like a body (coverage.prose) — read as a block where its
    clauses name the bodies, on a line that holds no block of its own."""
    if not lx.ROLE_HINT.search(v) or (blocks and blocks[-1].line == number):
        return  # a block of the line's own says who does the task (blocks come in order)
    for s, e in coverage.prose(v, spans):
        while e < len(v) and v[e - 1] == ";":  # …按职责分工负责;各乡镇政府负责落实。
            stop = min((k + 1 for k in (v.find(";", e), v.find("。", e)) if k >= 0),
                       default=len(v))
            if not parse_content(line[e:stop].rstrip("。;"), v[e:stop].rstrip("。;")
                                 ).explicit_roles:
                break
            e = stop
        s, e = Text.of(line, v).trim(s, e, " \t\u3000")
        text = line[s:e].rstrip("。;")
        content = parse_content(text, v[s:s + len(text)])
        if content.explicit_roles and not content.prose:
            blocks.append(Block(number, s, e, text, content, "prose"))
            _warn_problems(content, number, text, warnings)


_MAX_WRAPPED_LINES = 3


def _broken_bracket(doc: Document, i: int, start: int, blocks, warnings,
                    consumed: dict[int, int]) -> None:
    """A block whose bracket a line break cuts (text pasted from a PDF, even inside a role
    word: `(牵` / `头单位:…)`): joined with the following lines, page-number lines left out,
    when one of them closes it; the line that closes it is not read again up to there."""
    lines = doc.lines
    pieces, parts = [lines[i][start:]], []  # parts: (line index, offset where its piece starts)
    for k in range(i + 1, min(i + 1 + _MAX_WRAPPED_LINES, len(lines))):
        if lx.PAGE_LINE.match(lines[k]):
            continue
        stripped = lines[k].lstrip()
        pieces.append(stripped.rstrip())
        parts.append((k, len(lines[k]) - len(stripped)))
        joined = "".join(pieces)
        spans, _ = lx.bracket_spans(view(joined))
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
    if not any(line.strip() for line in lines[i + 1:]):  # the text ends inside the bracket
        content = parse_content(lines[i][start + 1:], doc.views[i][start + 1:])
        if content.explicit_roles:
            text = lines[i][start:].rstrip()
            blocks.append(Block(i + 1, start, len(lines[i]), text, content, "bracket"))
            warnings.append(ParseWarning(i + 1, text, "括号未闭合:正文在括号内结束"
                                                      "(已读到结尾)"))
            return
    if lx.STRONG_MARKER.search(doc.views[i], start):
        warnings.append(ParseWarning(i + 1, lines[i][start:], "括号未闭合"))


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
    if content.explicit_roles and any(lx.looks_like_agency(view(m.surface))
                                      for m in content.mentions):  # not 各责任(配合)单位要…
        blocks.append(Block(number, marks[0][0], len(line), text, content, "marker"))
        _warn_problems(content, number, text, warnings)
    else:
        warnings.append(ParseWarning(number, text, _why_not(content)))
    return marks[0][0]


def _inline_labels(line, v, inside, end, number, blocks, warnings) -> int:
    """`…。责任单位:A、B。` closing a paragraph, outside any bracket; on a line that holds
    several paragraphs (a page whose line breaks were lost), each one: a block runs to the
    next full stop or the next inline heading (`(二)…`)."""
    if ":" not in v[:end]:  # no label without its colon
        return end
    first, at = end, 0
    while at < end:
        m = next((m for m in lx.labels_in(v, at, end) if m.group("colon") == ":"
                  and not inside[m.start()] and _after_sentence(v, m.start())), None)
        if m is None:
            break
        close = _inline_close(v, m.end(), end)
        text = line[m.start():close].rstrip().rstrip("。")
        content = parse_content(text)
        if content.explicit_roles:
            blocks.append(Block(number, m.start(), close, text, content, "inline"))
            _warn_problems(content, number, text, warnings)
        elif content.strong:
            warnings.append(ParseWarning(number, text, _why_not(content)))
        first = min(first, m.start())
        at = max(close, m.end())
    return first


def _inline_close(v: str, at: int, end: int) -> int:
    """Where an inline block that opens before `at` ends: at a full stop followed by no
    further label (…;责任单位:Y。完成时限:2024年底 runs on), or at an inline heading."""
    while True:
        stop = lx.INLINE_STOP.search(v, at, end)
        if stop is None:
            return end
        label = lx.LABEL.match(v, stop.end(), end) if stop.group() == "。" else None
        if not (label and label.group("colon") == ":"):
            return stop.start()
        at = label.end()


def _after_sentence(v: str, i: int) -> bool:
    """Does position `i` of `v` open a sentence (only white space since the last end)?"""
    k = i - 1
    while k >= 0 and v[k].isspace():  # what rstrip would strip, without copying the line
        k -= 1
    return k < 0 or v[k] in lx.SENTENCE_END


def _is_block(c: Content, v: str, s: int, e: int) -> bool:
    if c.explicit_roles:
        return True
    if c.statement and not c.mentions:
        return False
    if not c.mentions or c.prose or c.labels_or_verbs:
        return False
    # A bare list of bodies closes a sentence: `…。(工信部、公安部)` at the end of a task,
    # with or without a rule stated after it (`(X、Y。列第一位者为牵头部门,下同)`).
    before = v[:s].rstrip()
    after = v[e:].strip()
    if after and after[0] not in "。;":
        return False
    if not before or before[-1] in lx.SENTENCE_END:
        return True
    # …完成改造项目20个(区住建局、区财政局)。: bodies, inside the sentence they close; one
    # name after a name is its second name (市发展改革委(市粮食局)), not a block
    return len(c.mentions) >= 2 or not lx.looks_like_agency(
        re.split(r"[,、;:\s]", before)[-1])


def _names_a_body(src: str, v: str) -> bool:
    """Does a bracket's text list a body among its items (before any rule's sentence)?"""
    return any(lx.looks_like_agency(iv) and not _RULE_WORDS.search(iv)
               for _, iv in split_items(Text.of(src, v), 0, len(v)))


_RULE_WORDS = re.compile(r"的|为|是|第一|首位")  # a rule's sentence (列第一位的为牵头单位)


def _why_not(c: Content) -> str:
    if c.problems:
        return "; ".join(c.problems)
    return "含分工用语,但读不出单位名单"


def _warn_problems(c: Content, number: int, text: str, warnings) -> None:
    for problem in c.problems:
        warnings.append(ParseWarning(number, text, problem))


def _prose_rules(line: str, v: str, inside: list[bool], number: int, rules) -> None:
    """First-listed declarations, the 分别负责 convention and standing statements written
    as prose."""
    plain = squeeze(v)  # a rule read whatever spaces stand between its words; the offsets
    hints = any(h in plain for h in lx.FIRST_LISTED_HINTS)  # back, only for a line with one
    if not (hints or lx.RESPECTIVELY.search(plain) or lx.NOT_LISTED.search(plain)):
        return
    t = Text.of(line, v)
    sq = t.squeezed()
    if hints:
        for m in lx.FIRST_LISTED_LEADS.finditer(sq.v):
            if not inside[sq.at[m.start()]]:
                rules.append(Rule(number, sq.at[m.start()], first_lead=True))
    for m in lx.RESPECTIVELY.finditer(sq.v):
        if not inside[sq.at[m.start()]]:
            rules.append(Rule(number, sq.at[m.start()], respectively=True))
    if not lx.NOT_LISTED.search(sq.v):
        return
    for m in lx.STANDING.finditer(sq.v):
        if not inside[sq.at[m.start()]]:
            group = next(g for g in lx.STANDING_WHO if m.group(g) is not None)
            who = tuple(src for src, sv in split_items(t, *sq.span(*m.span(group)))
                        if lx.looks_like_agency(sv))
            if who:
                rules.append(Rule(number, sq.at[m.start()], statement=who))


# ---------------------------------------------------------------- labelled lines

def _labelled_lines(doc: Document, i: int, blocks, warnings) -> int | None:
    """Labelled lines (`牵头单位:…` / `责任单位:…` / `完成时限:…`, a person line among them)
    that close a task form one block, across blank lines and page-number lines between
    them, and a list that a line wrap cuts continues on the next line. Returns the line
    after the block, or None when the lines name no role (a person or note line alone)."""
    lines = doc.lines
    group = _label_group(doc, i)
    if group is None:
        return None
    first, last = group[0], group[-1]
    pieces: list[str] = []
    for k in group:
        piece = lines[k].strip()
        if k in group and pieces and not lx.opening_label(doc.views[k].strip()):
            pieces[-1] += piece  # a list cut by a line wrap
        else:
            pieces.append(piece)
    text = "\n".join(lines[first:last + 1])
    content = parse_content(";".join(pieces))
    if content.explicit_roles:
        blocks.append(Block(first + 1, 0, len(lines[first]), text, content, "lines"))
        for k in group:  # each problem on the line that has it
            if lx.opening_label(doc.views[k].strip()):
                _warn_problems(parse_content(lines[k].strip()), k + 1, lines[k], warnings)
    elif content.strong:
        warnings.append(ParseWarning(first + 1, text, _why_not(content)))
    return last + 1


def _label_group(doc: Document, i: int) -> list[int] | None:
    """The lines of the labelled block opening at line index `i`; None without a role
    label among them. A second label of a role already given starts a new block."""
    views, members = doc.views, [i]
    first = lx.opening_label(views[i].strip())
    if first is None:
        return None
    seen = {first.text}
    k = i + 1
    while k < len(views):
        v = views[k].strip()
        if not v or lx.PAGE_LINE.match(v):
            k += 1
            continue
        label = lx.opening_label(v)
        if label is not None:
            if label.text in seen and label.role in (LEAD, RESPONSIBLE):
                break
            seen.add(label.text)
        elif not _wrapped_list(views[members[-1]], v):
            break
        members.append(k)
        k += 1
    roles = [lx.opening_label(views[m].strip()) for m in members]
    if not any(r is not None and r.role in (LEAD, RESPONSIBLE) for r in roles):
        return None
    return members


def _wrapped_list(above: str, v: str) -> bool:
    """Does line `v` carry on the list of bodies of the labelled line `above`, cut by a line
    wrap (`…、云桥科技园党工` / `委、各街道党工委`)?"""
    above = above.rstrip()
    if not above or above[-1] in "。;" or len(v) > 60 or "。" in v[:-1]:
        return False
    if detect_heading(v, 0, v):
        return False
    first = re.split(r"[、,;]", v, maxsplit=1)[0]
    if above[-1] in "、,":
        return lx.looks_like_agency(first)
    last = re.split(r"[、,;:]", above)[-1]
    return not lx.looks_like_agency(last) and lx.looks_like_agency(last + first)
