"""Agency mentions: every place a plan names a body where work is given out, found without
the grammar's own segmentation, and each read or not — so that a block the grammar does not
see (a task table in a layout nobody has studied) is flagged on its lines, not passed over.

A mention is a body's name (ending like one, `lexicon.looks_like_agency`, or a surface of
the alias tables after any place or level prefix) that stands

- in a task table: a cell of names (cells edged by tabs, `|`, spaces or line breaks) below
  or beside a column header of a role (责任单位, 牵头 单位, 责任\\n科室 one cell a line), up
  to where the table's names stop;
- in a row: a cell of names on a line that opens with a row number (`3 …`, `12 |`) or
  holds three cells or more (between tabs or rules), and the lines of names alone that
  continue it;
- after a role label and its colon (`责任主体:X、Y`), before a role verb closing its clause
  (`X牵头,Y配合`), or alone in a bracket (`(X、Y)`, not a name's second name).

The mentions read are the bodies the plan's blocks name (each assignment as written,
implicit ones aside): the lines of its blocks (a task's `line` to the last line of its
`block`) are not looked at again. Of the mentions on other lines, those on a line the
grammar warned about are `warned`, the others `unread`: each line of them gets a warning
(a line and the lines of names alone continuing it: one warning), and a plan whose
mentions are mostly not read (warned or unread) one warning more, for the whole plan,
first among its warnings. Nothing here changes a task: warnings and counts only. `find`
itself, given no lines to skip, depends on nothing the grammar found.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence, Set
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import accumulate

from . import lexicon as lx
from .models import LEAD, RESPONSIBLE, Document, ParseWarning, Plan, Task
from .names.places import PLACE
from .names.tables import AliasTable
from .normalize import name_key
from .text import squeeze

UNREAD_NAMES = "列有单位名称,但未读作任务分工"  # the warning on lines of unread mentions
PLAN_UNREAD_END = "多处列有单位名称,但未读出任务分工,请人工核对"  # …and on the whole plan
PLAN_UNREAD = "第{lines}行" + PLAN_UNREAD_END

TABLE, ROW, LABEL, VERB, BRACKET = "table", "row", "label", "verb", "bracket"
GAP = 40  # lines of a table region past its last cell of names, after which it has ended
MOSTLY = 0.5  # the share of mentions not read that makes a warning for the whole plan
FEWEST = 3  # …and how many at least
SHOWN = 120  # a longer line is shown in a warning by this much of it, from its first name
_CELL_LONGEST = 120  # a cell of names is no longer than this (one name: 25; a list of 8)
_NAME_LONGEST = 25
_BRACKET_LONGEST = 80  # a bracket of names after a task is no longer
_CLAUSE_LONGEST = 60  # a list of names before a verb is no longer
_NEARBY = 120  # characters around a header cell or a label where its neighbours stand
_HEADER_EXTRA = 8  # characters a role column's header may hold besides its label
_HEADER_REACH = 12  # lines around a header cell a header one cell a line may stand on
_SHORT_CELL = 10  # the longest header cell of a header one cell a line
_ROW_NUMBER = re.compile(r"\s*\d{1,3}(?:\s|[|│┃║]|$)")
# Two gaps between cells inside a line, each a tab or a rule: a table's row (runs of spaces
# part a web page's header and toolbar just as well).
_ROW_CELLS = re.compile(r"\S[ \u3000]*[\t|│┃║][ \t\u3000|│┃║]*\S.*?[\t|│┃║][ \t\u3000|│┃║]*\S")
# Words of a sentence that no body's name holds (其他为配合单位, 排在第一位的为…, 来源:…),
# and a number counting what a name would end in (新建幼儿园2所, 两处; not 督查二处).
_NOT_IN_NAME = re.compile(r"的|是|为(?!民)|:|[\d两]\D$")
# A date closing a line: a signature's (白岭县人民政府 / 2016年3月1日), a print line's.
_NUMERAL = r"[\d〇零一二三四五六七八九十]"
_DATE_END = re.compile(rf"{_NUMERAL}{{2,4}}\s*年\s*{_NUMERAL}{{1,2}}\s*月\s*{_NUMERAL}{{1,3}}"
                       rf"\s*日\s*(?:印发|印|发布)?\s*$")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_MARKS = lx.NAME_MARKS  # marks glued to a name in a list (★ for the lead, where a plan says so)
_STOPS = ";,。.、"  # punctuation closing an item of a list of names
_CELL_STOPS = ";。."  # …and a cell of names (、 , go on to another name, as prose does)
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]*$")
_EDGES = re.compile(r"[ \t\u3000|│┃║]*")
_LIST_GAP = re.compile(r"[、,][ \u3000]{1,2}")  # a list's separator, spaces after it
_GAPS = re.compile(r"[ \u3000]{2,}|[ \u3000]*[\t|│┃║][ \t\u3000|│┃║]*")  # between cells
_LABEL_LONGEST = 10


@dataclass(frozen=True, slots=True)
class Mention:
    """A body named at [start, end) of line `line` (1-based), and why it counts."""

    line: int
    start: int
    end: int
    name: str
    why: str  # TABLE | ROW | LABEL | VERB | BRACKET


@dataclass(frozen=True)
class _Patterns:
    """What the words of the genre in force compile to, for this module (built once per
    words: see `_patterns`)."""

    header: re.Pattern[str]  # a role column's label, maybe cut by spaces or line breaks
    cell_end: re.Pattern[str]  # the end of a cell that ends like a body's name
    item: re.Pattern[str]  # an item of a list (a bracket inside it kept whole)
    label_end: re.Pattern[str]  # a label's head, then its colon (or 为, or its bracket);
    # a bare label (主办:), then its colon
    role_tail: re.Pattern[str]  # a role label closing a phrase (各主办单位: no body)
    bracket: re.Pattern[str]  # a bracket (one level of brackets inside), on one line
    closing: frozenset[str]  # what may follow a verb that closes its clause
    list_end: re.Pattern[str]  # what ends a label's list (a cell's edge too)
    clause_back: re.Pattern[str]  # what opens a clause (searched back from a verb)
    sentence_end: re.Pattern[str]  # where a sentence ends
    edges: frozenset[str]  # what edges a cell, line breaks included
    name_ends: frozenset[str]  # the last characters of bodies' names
    companions: tuple[tuple[str, ...], tuple[str, ...]]  # header cells: whole, endings
    numbers: tuple[str, ...]  # the words of a column that numbers the rows (序号)


_compiled: dict[int, tuple[object, _Patterns]] = {}


def _patterns() -> _Patterns:
    """The patterns of the words in force (`lx.WORDS`), compiled once per words."""
    words = lx.WORDS
    kept = _compiled.get(id(words))
    if kept is not None and kept[0] is words:
        return kept[1]
    L, T = words.labels, words.tables
    morphemes = L["lead_morphemes"] + L["helper_morphemes"] + L["responsible_morphemes"]
    heads = [h for h in L["heads"] if len(h) > 1]
    edge = re.escape(lx.CELL_EDGE)
    name_ends = frozenset(e[-1] for e in words.names["endings"])
    ends = re.escape("".join(sorted(name_ends)))
    o, c = re.escape(lx.OPEN), re.escape(lx.CLOSE)
    marks = re.escape(lx.SENTENCE_END)
    stops = re.escape(lx.SENTENCE_END + ",\n\t|│┃║" + lx.OPEN + lx.CLOSE)
    plain = rf"[^{o}{c}\n]*"
    inner = rf"{plain}(?:[{o}]{plain}[{c}]{plain})*"  # one level of brackets inside
    first = {w[0] for w in L["heads"] + L["bare"]}
    gloss = words.pattern("text", "gloss")
    item = rf"[^、,;{o}{c}\n]*"
    patterns = _Patterns(
        # (cut by spaces, or by line breaks, blank lines and their spaces between)
        header=re.compile(rf"(?:{_spaced(morphemes, gloss)})[{edge}]{{0,8}}"
                          rf"(?:\n[{edge}]{{0,8}}){{0,3}}(?:{_spaced(heads, gloss)})"),
        # (searched from its last character: a class a search skips through fast)
        cell_end=re.compile(rf"[{ends}](?:[{o}][^{edge}\n{o}{c}]{{1,20}}[{c}])?等?"
                            rf"[{_MARKS}]*[{_CELL_STOPS}]?(?=[{edge}\n]|$)"),
        item=re.compile(rf"{item}(?:[{o}]{plain}[{c}]{item})*"),
        # (the class of first characters before it lets a search skip the others fast)
        label_end=re.compile(rf"(?=[{re.escape(''.join(sorted(first)))}])(?:"
                             rf"(?:{_alt(L['heads'])})(?:\s*(?::|为|是)|[{c}])"
                             rf"|(?:{_alt(L['bare'])})\s*:)"),
        role_tail=re.compile(rf"(?:{_alt(L['lead_morphemes'] + L['helper_morphemes'])}|"
                             rf"{_alt(L['responsible_morphemes'][:1])})(?:{_alt(heads)})$"
                             rf"|^(?:{_alt(heads)})$"),
        bracket=re.compile(rf"[{o}]({inner})[{c}]"),
        closing=frozenset(lx.SENTENCE_END + ",、 \t\n" + lx.CLOSE),
        list_end=re.compile(rf"[{marks},\n{o}{c}{edge}]"),
        clause_back=re.compile(rf"[{stops}]"),
        sentence_end=re.compile(rf"[{marks}\n]"),
        edges=frozenset(lx.CELL_EDGE + "\n"),
        name_ends=name_ends,
        companions=(tuple(T["number_columns"]) + tuple(T["task_columns"]),
                    tuple(T["task_endings"]) + tuple(T["note_endings"])
                    + tuple(L["deadline_heads"])),
        numbers=tuple(T["number_columns"]),
    )
    if len(_compiled) >= 8:
        _compiled.pop(next(iter(_compiled)))
    _compiled[id(words)] = (words, patterns)
    return patterns


def _spaced(words, gloss: str) -> str:
    """An alternation of `words` (longest first), a space (责 任 单 位 in a PDF's header) or
    a pinyin gloss (責(zé)任單位 on a mirror site) allowed between the characters of each."""
    between = f"(?:{gloss})?[ \u3000]?"
    return "|".join(between.join(map(re.escape, w))
                    for w in sorted(set(words), key=lambda w: (-len(w), w)))


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


# ----------------------------------------------------------------------------- names

def alias_names(table: AliasTable) -> frozenset[str]:
    """Every surface of the alias tables (functions and bodies), as name keys."""
    return table.derived("mention names", lambda: frozenset(table.functions) | frozenset(
        table.bodies))


class Names:
    """Is this text one body's name? By its shape, else by the alias tables (a surface
    after a place or level prefix: 六盘水市人行, 县人大). A role label (责任单位) and a phrase
    closing in one (各主办单位) are none, nor a phrase of a sentence (其他为配合单位)."""

    def __init__(self, table: AliasTable) -> None:
        self.aliases = alias_names(table)
        self.words = lx.WORDS  # the words it was made under (names_of keeps one a words)
        self.role_tail = _patterns().role_tail
        # plans name their bodies again and again: the answers kept, for this table and
        # these words (a cache of the object's own)
        self.cached: Callable[[str], bool] = lru_cache(maxsize=1 << 14)(self._is_body)

    def __call__(self, item: str) -> bool:
        return self._is_body(item)

    def _is_body(self, item: str) -> bool:
        s = lx.GLOSS.sub("", item).strip(lx.CELL_EDGE)  # 牽頭責(zé)任單位 is a label too
        if not 2 <= len(s) <= _NAME_LONGEST or lx.label_role(s) is not None or (
                _NOT_IN_NAME.search(s) or self.role_tail.search(s)):
            return False
        if lx.looks_like_agency(s):
            return not lx.is_placeholder(s)
        key = name_key(s)
        if key in self.aliases:
            return True
        m = PLACE.match(key)
        rest = key[m.end():] if m else key.lstrip("".join(lx.LEVEL_STARTS))
        return rest != key and rest in self.aliases


def names_of(table: AliasTable) -> Callable[[str], bool]:
    """`Names(table)` under the words in force, made once, its answers kept."""
    kept = table.derived(("mention names", id(lx.WORDS)), lambda: Names(table))
    return (kept if kept.words is lx.WORDS else Names(table)).cached


def _names(whole: str, start: int, end: int, is_body: Callable[[str], bool],
           every: bool = False) -> list[tuple[int, int]]:
    """[start, end) of each item of the list whole[start:end] (split at 、 , ; outside
    brackets, edge spaces and a trailing 等 dropped) that is a body's name; with `every`,
    none unless every item is one."""
    out = []
    for m in _patterns().item.finditer(whole, start, end):
        piece = _trimmed(m.group(), lx.TAIL_SHAPE)
        if not piece:
            continue
        if is_body(piece):
            s = m.start() + m.group().find(piece)
            out.append((s, s + len(piece)))
        elif every:
            return []
    return out


@lru_cache(maxsize=1 << 14)
def _trimmed(piece: str, tail: re.Pattern[str]) -> str:
    """An item of a list without its edge spaces, marks, closing punctuation and trailing 等
    (`tail`: the tail shape of the lexicon in force, part of the cache's key)."""
    return tail.sub("", piece.strip(lx.CELL_EDGE + _MARKS + _STOPS)).strip(
        lx.CELL_EDGE + _MARKS)


# ----------------------------------------------------------------------------- finding

class _Text:
    """The lines of a plan (their views) as one text, and where each line starts in it."""

    def __init__(self, doc: Document, skip: Set[int]) -> None:
        self.doc = doc
        self.views = doc.views
        self.whole = "\n".join(self.views)
        self.starts = [0, *accumulate(len(v) + 1 for v in self.views)]
        self.skip = skip  # lines (1-based) not looked at
        # the text with those lines blanked (as long, so that offsets hold): what is
        # searched for labels, verbs and brackets
        self.unread = "\n".join(" " * len(v) if k in skip else v for k, v in enumerate(
            self.views, start=1)) if skip else self.whole
        self.found: dict[tuple[int, int], Mention] = {}
        self._headers: list[re.Match[str]] | None = None

    def headers(self, p: _Patterns) -> list[re.Match[str]]:
        """Every role column's header in the text (the lines read too), found once."""
        if self._headers is None:
            self._headers = list(p.header.finditer(self.whole))
        return self._headers

    def line(self, at: int) -> int:
        """The line (0-based) of an offset of the text."""
        return bisect_right(self.starts, at) - 1

    def add(self, at: int, end: int, why: str) -> None:
        k = self.line(at)
        a, b = at - self.starts[k], end - self.starts[k]
        if (k + 1, a) not in self.found:
            self.found[k + 1, a] = Mention(k + 1, a, b, self.doc.lines[k][a:b], why)


def find(doc: Document, is_body: Callable[[str], bool],
         skip: Set[int] = frozenset()) -> list[Mention]:
    """Every mention of `doc`, in order of its lines and offsets, each once; none on the
    lines of `skip` (1-based: lines already read, where looking costs and tells nothing)."""
    t = _Text(doc, skip)
    p = _patterns()
    _cells(t, p, is_body)
    _labels(t, p, is_body)
    _verbs(t, p, is_body)
    _brackets(t, p, is_body)
    _glued(t, p, is_body)
    return [t.found[k] for k in sorted(t.found)]


def _glued(t: _Text, p: _Patterns, is_body: Callable[[str], bool]) -> None:
    """A task table whose cells a page ran together (`实事内容工作任务责任单位进展情况`,
    `…区政府分管领导牵头单位配合单位1增加教育资源…教育局经开区…`): a role column's header
    glued to another column's word before or after it, on a line not read. The lines from
    there on (up to GAP lines, or a line read) are the table's: a name found anywhere in
    them, glued to its neighbours or not, is a mention, on a line no other finder named."""
    views, named = t.views, {line for line, _ in t.found}
    done = -1
    for m in t.headers(p):
        k = t.line(m.start())
        if k <= done or k + 1 in t.skip:
            continue
        v, a, b = views[k], m.start() - t.starts[k], m.end() - t.starts[k]
        header_end = _glued_header(v, a, b, p)
        if header_end is None:
            continue
        done = min(len(views) - 1, k + GAP)
        for j in range(k, done + 1):
            if j + 1 in t.skip:
                done = j
                break
            if j + 1 not in named:  # (the header's own words are no names)
                _names_anywhere(t, j, is_body, p.name_ends, header_end if j == k else 0)


def _glued_header(v: str, a: int, b: int, p: _Patterns) -> int | None:
    """Is the role column's header at [a, b) of line `v` one of a header's column words
    run together with no gap (序号项目名称主要内容分管领导牵头单位配合单位): the run of
    characters around it, up to a gap, a mark or a digit, holds a chain of three column
    words or more, each next to the next, the number's or the task's
    among them (a sentence that names roles, 各责任单位要…, is no header)? Where the
    header ends in the line, if so."""
    if (a == 0 or not _CJK.match(v[a - 1])) and (b >= len(v) or not _CJK.match(v[b])):
        return None  # a header cell of its own: the cells finder's
    s, e = a, b
    while s > 0 and _CJK.match(v[s - 1]) and a - s < _NEARBY:
        s -= 1
    while e < len(v) and _CJK.match(v[e]) and e - b < _NEARBY:
        e += 1
    words = [m.span() for m in _column_words(p).finditer(v, s, e)]
    at = next((n for n, (x, y) in enumerate(words) if x <= a < y or a <= x < b), None)
    if at is None:
        return None
    first = last = at  # the chain of words around the header, each next to the next
    while first > 0 and words[first][0] - words[first - 1][1] == 0:
        first -= 1
    while last + 1 < len(words) and words[last + 1][0] - words[last][1] == 0:
        last += 1
    chain = v[words[first][0]:words[last][1]]
    if last - first >= 2 and any(w in chain for w in p.companions[0]):
        return words[last][1]
    return None


_column_patterns: dict[int, tuple[_Patterns, re.Pattern[str]]] = {}


def _column_words(p: _Patterns) -> re.Pattern[str]:
    """The words of a task table's header: a role column's, the number's and the task's,
    and a short phrase ending like a note's, a deadline's or a person's column."""
    kept = _column_patterns.get(id(p))
    if kept is None or kept[0] is not p:
        whole, endings = p.companions
        person = lx.WORDS.labels["person_heads"]
        kept = (p, re.compile(rf"{p.header.pattern}|{_alt(whole)}|[\u4e00-\u9fff]{{0,5}}"
                              rf"(?:{_alt(tuple(endings) + tuple(person))})"))
        _column_patterns.clear()
        _column_patterns[id(p)] = kept
    return kept[1]


def _names_anywhere(t: _Text, j: int, is_body: Callable[[str], bool],
                    ends: frozenset[str], start: int = 0) -> None:
    """Names in line `j` (0-based) from `start` on, wherever they stand, glued to their
    neighbours or not: at each character a name may end with, the shortest run of CJK
    characters before it (three at least) that is a body's name."""
    v, base = t.views[j], t.starts[j]
    for i in range(start + 2, len(v)):
        if v[i] not in ends:
            continue
        for s in range(i - 2, max(start, i + 1 - _NAME_LONGEST) - 1, -1):
            if not _CJK.match(v[s]):
                break
            if is_body(v[s:i + 1]):
                t.add(base + s, base + i + 1, TABLE)
                break


def _cells(t: _Text, p: _Patterns, is_body: Callable[[str], bool]) -> None:
    """Cells of names in task tables (below or beside a role column's header, up to GAP
    lines past the table's last cell of names) and in rows (a line opening with a row
    number, and the lines of names alone that continue it)."""
    whole, starts, views = t.whole, t.starts, t.views
    cells: list[tuple[int, int, int, list[tuple[int, int]]]] = []  # line, start, end, names
    lines: dict[int, tuple[bool, bool, int, int]] = {}  # line → what _line says of it
    for m in p.cell_end.finditer(whole):
        end, floor = m.end(), max(0, m.start() - _CELL_LONGEST)
        start = max(whole.rfind(edge, floor, m.start()) for edge in p.edges) + 1
        if (start == 0 and floor > 0) or m.start() == start:
            continue  # longer than a cell of names, or one character
        while (gap := _LIST_GAP.search(whole, max(0, start - 3), start)) and gap.end() == start:
            # a space after 、 goes on with the list (市政局、 环卫处): the cell starts before
            floor = max(0, gap.start() - _CELL_LONGEST)
            start = max(whole.rfind(edge, floor, gap.start()) for edge in p.edges) + 1
            if start == 0 and floor > 0:
                break
        if start == 0 and floor > 0:
            continue
        k = t.line(start)
        if k + 1 in t.skip:  # a row read: the table goes on (no names to look at)
            cells.append((k, start, end, []))
            continue
        glued = whole.rfind("。", start, end - 1) + 1 or start  # glued to the text before
        items = _names(whole, glued, end, is_body, every=True)
        if items and k not in lines:
            lines[k] = _line(views, k)
        if items and not lines[k][0]:
            cells.append((k, start, end, items))
    if not any(items for *_, items in cells):
        return  # (the headers are looked for only when there is something to place)
    headers = [cell for m in t.headers(p)
               if (cell := _header_cell(whole, m, views, starts, p)) is not None]
    header_at = [a for a, _ in headers]
    last_table = -GAP - 1  # the line of the last cell of names in a table region
    row_line = -2  # the last line of a row (its number's line, or a line of names after it)
    for k, start, end, items in cells:
        h = bisect_right(header_at, start) - 1
        if h >= 0 and start < headers[h][1]:
            continue  # the header's own cell
        if h >= 0 and k - max(t.line(header_at[h]), last_table) <= GAP:
            last_table = k
            for s, e in items:
                t.add(s, e, TABLE)
            continue
        if not items:
            continue
        _, row, first, last = lines[k]
        alone = start - starts[k] == first and end - starts[k] == last
        if (row and not alone) or (alone and row_line == k - 1):
            if _under_other_header(t, p, k, header_at):
                continue  # a table of its own with no role column (单位 | 联系人)
            row_line = k
            for s, e in items:
                t.add(s, e, ROW)


def _under_other_header(t: _Text, p: _Patterns, k: int, header_at: list[int]) -> bool:
    """Is row line k (0-based) under a header of its own that names no role (序号 | 单位 |
    联系人): a line of cells with a number column's word, within GAP lines above, and no
    role column's header between it and the row?"""
    for h in range(k - 1, max(-1, k - GAP - 1), -1):
        v = t.views[h]
        if any(w in v for w in p.numbers) and (_ROW_CELLS.search(v) or _GAPS.search(v.strip())):
            between = bisect_right(header_at, t.starts[k]) - bisect_right(header_at,
                                                                          t.starts[h] - 1)
            return between == 0 and not p.header.search(v)
    return False


def _line(views: Sequence[str], k: int) -> tuple[bool, bool, int, int]:
    """What line k is to the cells on it (asked once a line: a table flattened onto one
    line has thousands): no place for names, a row, where its text starts and ends."""
    v = views[k]
    row = bool(_ROW_NUMBER.match(v) or _ROW_CELLS.search(v))
    return _aside(views, k), row, len(v) - len(v.lstrip(lx.CELL_EDGE)), len(
        v.rstrip(lx.CELL_EDGE))


def _aside(views: Sequence[str], k: int) -> bool:
    """Is line k no place for a table's names: a website's footer (主办:… 承办:…), a
    signature (a name above its date) or a print line (…办公室 2019年5月16日印发)?"""
    v = views[k]
    if lx.PAGE_CHROME.search(v) or _DATE_END.search(v):
        return True
    for after in views[k + 1:k + 3]:
        if after.strip():
            return _DATE_END.match(after.strip()) is not None
    return False


def _header_cell(whole: str, m: re.Match[str], views: Sequence[str], starts: list[int],
                 p: _Patterns) -> tuple[int, int] | None:
    """[start, end) of the header cell this role word stands in, if it is a table's column
    header: a short cell of its own (not a labelled line's label: no colon after it), with
    another header cell beside it or, for a header one cell a line, on the short lines
    around it (序号, 重点任务, 完成时限, 责任领导 …)."""
    a, b = m.start(), m.end()
    while a > 0 and whole[a - 1] not in p.edges:
        a -= 1
        if m.start() - a > _HEADER_EXTRA:
            return None
    while b < len(whole) and whole[b] not in p.edges:
        b += 1
        if b - m.end() > _HEADER_EXTRA:
            return None
    if whole[b:b + 3].lstrip(lx.CELL_EDGE).startswith(":"):
        return None
    k = bisect_right(starts, a) - 1
    own = squeeze(whole[a:b])
    around = views[k][max(0, a - starts[k] - _NEARBY):b - starts[k] + _NEARBY]
    cells = [c for c in re.split(f"[{re.escape(lx.CELL_EDGE)}]+", around) if c]
    if len(cells) < 3:  # a header one cell a line: the short lines around it
        cells = [squeeze(views[i]).strip(lx.CELL_EDGE) for i in range(
            max(0, k - _HEADER_REACH), min(len(views), k + _HEADER_REACH + 1))]
        cells = [c for c in cells if 0 < len(c) <= _SHORT_CELL]
    else:  # and cells whose words a space cuts (序 号    工 作 任 务)
        cells += [squeeze(c) for c in _GAPS.split(around)]
    return (a, b) if any(c != own and _companion(c, p) for c in cells) else None


def _companion(cell: str, p: _Patterns) -> bool:
    """A header cell of a task table other than a role's: a row number, the task, its
    deadline, a person, a note, another role."""
    whole, endings = p.companions
    return cell in whole or (len(cell) <= _SHORT_CELL and (
        cell.endswith(endings) or lx.label_role(cell) is not None))


def _labels(t: _Text, p: _Patterns, is_body: Callable[[str], bool]) -> None:
    """Names listed after a role label that opens its clause, up to the clause's end:
    `责任主体:X、Y`, `牵头单位为X`, `【牵头单位】X`, `主办:X`."""
    whole = t.unread
    for m in p.label_end.finditer(whole):
        head_end = m.start() + len(m.group().rstrip(f" \t:为是{lx.CLOSE}"))
        # the label is the run of characters its head closes, opening its clause:
        # 各有关单位: is no 有关单位:, nor is 省政府各部门、有关单位:
        run = _CJK_RUN.search(whole, max(0, m.start() - _LABEL_LONGEST), head_end)
        a = run.start() if run else head_end
        before = whole[a - 1] if a else "\n"
        if before not in lx.OPEN if whole[m.end() - 1] in lx.CLOSE else (
                before == "、" or _CJK.match(before)):
            continue
        if lx.label_role(whole[a:head_end]) not in (LEAD, RESPONSIBLE):
            continue
        line = whole.rfind("\n", max(0, a - _NEARBY), a) + 1
        if lx.PAGE_CHROME.search(whole, max(line, a - _NEARBY), m.end() + _NEARBY):
            continue  # a website's footer: 主办:… 承办:…
        edges = _EDGES.match(whole, m.end())  # (the list ends at a cell's edge)
        begin = edges.end() if edges else m.end()
        stop = p.list_end.search(whole, begin)
        for s, e in _names(whole, begin, stop.start() if stop else len(whole), is_body):
            t.add(s, e, LABEL)


def _verbs(t: _Text, p: _Patterns, is_body: Callable[[str], bool]) -> None:
    """Names before a verb of the genre that closes its clause — X牵头, Y、Z配合, 由X牵头,
    X负总责 — in a bracket, or in a sentence where two such verbs divide the work (one body
    in charge of the whole, 具体工作由市发改委负责。, only names it; a question assigns
    nothing)."""
    whole = t.unread
    found: dict[int, list[tuple[int, int]]] = {}  # sentence (its end) → names before verbs
    verbs: dict[int, int] = {}  # sentence → closing verbs in it
    backwards = ""
    brackets: dict[int, tuple[list[int], list[int]]] = {}  # a line's start → its brackets
    breaks: list[int] = []  # where the lines break, found once (a one-line plan stays linear)
    for m in lx.VERB.finditer(whole):
        if m.end() < len(whole) and whole[m.end()] not in p.closing:
            continue
        if not backwards:
            backwards = whole[::-1]
            breaks = [b.start() for b in re.finditer("\n", whole)]
        end = p.sentence_end.search(whole, m.end())
        sentence = end.start() if end else len(whole)
        if whole[sentence:sentence + 1] == "?":
            continue
        verbs[sentence] = verbs.get(sentence, 0) + 1
        opener = p.clause_back.search(backwards, len(whole) - m.start())
        start = max(len(whole) - opener.start() if opener else 0, m.start() - _CLAUSE_LONGEST)
        # the list before the verb: from the last opener (由, 会同), or the clause's start
        for opener in (*lx.CLAUSE_OPENERS, lx.TOGETHER_WITH):
            at = whole.rfind(opener, start, m.start())
            if at >= 0:
                start = max(start, at + len(opener))
        head = lx.TRAILING_VERB.sub("", whole[start:m.start()])
        names = _names(whole, start, start + len(head), is_body)
        if _in_bracket(whole, m.start(), brackets, breaks):
            for s, e in names:
                t.add(s, e, VERB)
        else:
            found.setdefault(sentence, []).extend(names)
    for sentence, names in found.items():
        if verbs[sentence] >= 2:
            for s, e in names:
                t.add(s, e, VERB)


def _in_bracket(whole: str, at: int, known: dict[int, tuple[list[int], list[int]]],
                breaks: list[int]) -> bool:
    """Is `at` inside a bracket of its line, or after one its line leaves open (a bracket
    a line break cuts)? `known`: the brackets of the lines seen (their opens, their ends);
    `breaks`: the offsets of every line break in `whole`, in order."""
    k = bisect_left(breaks, at)  # the breaks before `at`
    line = breaks[k - 1] + 1 if k else 0
    spans = known.get(line)
    if spans is None:
        end = breaks[k] if k < len(breaks) else -1
        closed, unclosed = lx.bracket_spans(whole[line:end if end >= 0 else len(whole)])
        closed += [(unclosed, len(whole))] if unclosed is not None else []
        spans = known[line] = ([s for s, _ in closed], [e for _, e in closed])
    k = bisect_right(spans[0], at - line - 1) - 1  # the last bracket opened before `at`
    return k >= 0 and at - line < spans[1][k]


def _brackets(t: _Text, p: _Patterns, is_body: Callable[[str], bool]) -> None:
    """Names alone in a bracket after a task, up to its first full stop: (X、Y),
    (X、Y。列第一位者为牵头部门) — not one name's second name (市住建局(市执法局)), not a
    citation or a short name (以下简称…)."""
    whole = t.unread
    for m in p.bracket.finditer(whole):
        start, end = m.span(1)
        if end - start > _BRACKET_LONGEST:
            continue
        stop = whole.find("。", start, end)
        names = _names(whole, start, end if stop < 0 else stop, is_body, every=True)
        before = whole[max(0, m.start() - _NEARBY):m.start()].rstrip(lx.CELL_EDGE)
        if not names or lx.NOT_BLOCK.match(whole, start) or (
                len(names) == 1 and before[-1:] in p.name_ends):
            continue  # (a second name: 县自然资源局 (县林业局), spaced or not)
        for s, e in names:
            t.add(s, e, BRACKET)


# ----------------------------------------------------------------------------- accounting

def account(doc: Document, plan: Plan, table: AliasTable) -> Plan:
    """The plan with its mentions counted (`coverage.mentions…`) and its unread ones
    warned: a warning on each line (or line group) of unread mentions, and one for the
    whole plan when most of its mentions are not read.

    The mentions read are the bodies its blocks name (each assignment as written, implicit
    ones aside): the lines of its blocks are not looked at again."""
    read = sum(not a.implicit for t in plan.tasks for a in t.assignments)
    warned_lines = {w.line for w in plan.warnings}
    not_read = find(doc, names_of(table), _read_lines(plan.tasks))
    unread = [m for m in not_read if m.line not in warned_lines]
    mentions = read + len(not_read)
    coverage = replace(plan.coverage, mentions=mentions, mentions_read=read,
                       mentions_warned=len(not_read) - len(unread),
                       mentions_unread=len(unread))
    if not not_read:
        return replace(plan, coverage=coverage)
    warnings = sorted((*plan.warnings, *_line_warnings(doc, unread)),
                      key=lambda w: (w.line, w.text, w.reason))
    if len(not_read) >= FEWEST and len(not_read) >= MOSTLY * mentions:
        # most of its bodies named where nothing was read (warned about or not): said
        # first, where a person looks first
        warnings.insert(0, _plan_warning(not_read))
    return replace(plan, coverage=coverage, warnings=tuple(warnings))


def whole_plan(warning: ParseWarning) -> bool:
    """Is this the warning for a whole plan whose mentions are mostly not read?"""
    return warning.reason.endswith(PLAN_UNREAD_END)


def _read_lines(tasks: Sequence[Task]) -> set[int]:
    """The lines of the blocks the plan returned: a task's line to its block's last."""
    lines: set[int] = set()
    for t in tasks:
        lines.update(range(t.line, t.line + t.block.count("\n") + 1))
    return lines


def _line_warnings(doc: Document, unread: list[Mention]) -> list[ParseWarning]:
    """A warning for each line of unread mentions, the lines of names alone right after it
    (a cell of names a line: 区林业局 / 区供销联社) joined to it."""
    by_line: dict[int, list[Mention]] = {}
    for m in unread:
        by_line.setdefault(m.line, []).append(m)
    groups: list[list[int]] = []
    for line in sorted(by_line):
        if groups and groups[-1][-1] == line - 1 and _only_names(doc, line, by_line[line]):
            groups[-1].append(line)
        else:
            groups.append([line])
    return [ParseWarning(group[0], "\n".join(_shown(doc, n, by_line[n]) for n in group),
                         UNREAD_NAMES) for group in groups]


def _only_names(doc: Document, line: int, mentions: list[Mention]) -> bool:
    v = doc.views[line - 1]
    return len(squeeze(v).strip(lx.CELL_EDGE)) <= sum(m.end - m.start for m in mentions) + 2


def _shown(doc: Document, line: int, mentions: list[Mention]) -> str:
    """The line as in the file, or the stretch around its names when it is long."""
    text = doc.lines[line - 1].rstrip()
    if len(text) <= SHOWN:
        return text
    a = max(0, mentions[0].start - 20)
    b = min(len(text), a + SHOWN)
    return ("…" if a else "") + text[a:b] + ("…" if b < len(text) else "")


def _plan_warning(not_read: list[Mention]) -> ParseWarning:
    first, last = not_read[0].line, not_read[-1].line
    names: list[str] = []
    for m in not_read:
        if m.name not in names:
            names.append(m.name)
    shown = "、".join(names[:3]) + ("等" if len(names) > 3 else "")
    return ParseWarning(first, f"{shown}共{len(not_read)}处",
                        PLAN_UNREAD.format(lines=f"{first}–{last}" if last > first else first))
