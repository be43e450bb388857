"""The grammar inside an assignment block: clauses, labels, verbs, lists of agencies.

`parse_content("牵头单位:区发改委,责任单位:区工信局、住建局")` reads the text between the
brackets (or a labelled line) into mentions with roles, a deadline, a standing statement
and the first-listed rule. All matching runs on `view(text)`; surfaces are sliced from
the source text at the same offsets, so they keep the plan's own characters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .. import lexicon as lx
from ..models import LEAD, RESPONSIBLE
from ..normalize import clean_surface
from ..text import Text, squeeze

CLAUSE_SEPS = ";,。"
ITEM_SEPS = "、,;/"
# Edges of an item: white space, list marks, the rules of a table pasted as text, and the
# marks some plans glue to names (★县财政局): none is part of a name.
_EDGE = " \t\u3000、,;:。." + lx.CELL_EDGE + lx.NAME_MARKS


@dataclass(frozen=True, slots=True)
class Mention:
    """An agency surface in a block; `role` None means the block gave it no role word."""

    role: str | None
    surface: str
    respectively: bool = False  # named in a 分别负责 list (each leads, where the plan says so)


@dataclass(frozen=True)
class Content:
    """What a block's text says."""

    mentions: tuple[Mention, ...]
    deadline: str | None = None
    statement: tuple[str, ...] = ()
    declares_first_lead: bool = False
    declares_respectively: bool = False  # 分别负责为有关单位按职责分别牵头
    labels_or_verbs: bool = False  # role words that assign (a rule's wording aside)
    persons: tuple[str, ...] = ()  # names under a person's label (责任领导:张某)
    strong: bool = False
    problems: tuple[str, ...] = ()
    prose: bool = False  # an unlabelled clause that is not a list of agencies

    @property
    def explicit_roles(self) -> bool:
        return any(m.role is not None for m in self.mentions)


def split_top(v: str, seps: str, s: int, e: int) -> list[tuple[int, int]]:
    """Split [s, e) of `v` at separators outside brackets."""
    parts, depth, start = [], 0, s
    opens, closes = lx.OPEN, lx.CLOSE
    for i in range(s, e):
        ch = v[i]
        if ch in opens:
            depth += 1
        elif ch in closes:
            depth = max(0, depth - 1)
        elif depth == 0 and ch in seps:
            parts.append((start, i))
            start = i + 1
    parts.append((start, e))
    return parts


def parse_content(src: str, v: str | None = None) -> Content:
    """Read the text of one block.

    >>> c = parse_content("牵头单位:区发改委,责任单位:区工信局、住建局")
    >>> [(m.role, m.surface) for m in c.mentions]
    [('lead', '区发改委'), ('responsible', '区工信局'), ('responsible', '住建局')]
    """
    return _read_content(lx.in_force(), src, v)


# Plans repeat their blocks ((牵头单位:县住建局;责任单位:各乡镇) under task after task, and
# a province's plans one another's): a block is read once a lexicon. A reading is a
# function of the text and the lexicon in force, and a Content is frozen.
_READINGS_KEPT = 4096


@lru_cache(maxsize=_READINGS_KEPT)
def _read_content(lexicon: lx.Lexicon, src: str, v: str | None) -> Content:
    t = Text.of(src, v)
    work = list(t.v)
    statement: tuple[str, ...] = ()
    sq = t.squeezed()  # the plan's rules, read whatever spaces stand between their words
    m = lx.STANDING.search(sq.v) if lx.NOT_LISTED.search(sq.v) else None
    if m:
        who = next(g for g in lx.STANDING_WHO if m.group(g) is not None)
        statement = tuple(s for s, v in split_items(t, *_strip_by(t, *sq.span(*m.span(who))))
                          if lx.looks_like_agency(v))
        _mask(t.v, work, *sq.span(m.start(), m.end()))
    declares = False
    hints = any(h in sq.v for h in lx.FIRST_LISTED_HINTS)
    for m in lx.FIRST_LISTED_LEADS.finditer(sq.v) if hints else ():
        declares = True
        _mask(t.v, work, *sq.span(m.start(), m.end()))
    respectively = False
    for m in lx.RESPECTIVELY.finditer(sq.v):
        respectively = True
        _mask(t.v, work, *sq.span(m.start(), m.end()))
    masked = "".join(work)
    state = _ClauseState()
    for s, e in _clauses(masked):
        if s > 0 and masked[s - 1] == "。":
            state.current = None  # a new sentence does not continue the last list
        s, e = t.trim(s, e, _EDGE)
        if s < e:
            state.read(t, s, e)
    return Content(mentions=tuple(state.finish()), deadline=state.deadline,
                   statement=statement, declares_first_lead=declares,
                   declares_respectively=respectively, labels_or_verbs=state.role_words,
                   persons=tuple(dict.fromkeys(state.persons)),
                   strong=bool(lx.STRONG_MARKER.search(t.v)) or declares or bool(statement),
                   problems=tuple(state.problems), prose=state.prose)


def _mask(v: str, work: list[str], s: int, e: int) -> None:
    """Blank out a rule's wording (first-listed, standing statement) so that no clause
    reads it as names; where it stands in a bracket of its own inside the block
    (`市卫生健康委(除标注…外,列第一位为牵头单位,下同)`), the whole bracket goes."""
    depth, opener = 0, None
    opens, closes = lx.OPEN, lx.CLOSE
    for i in range(s - 1, -1, -1):
        if v[i] in closes:
            depth += 1
        elif v[i] in opens:
            if depth == 0:
                opener = i
                break
            depth -= 1
    if opener is not None:
        depth = 0
        for i in range(opener, len(v)):
            depth += v[i] in opens
            depth -= v[i] in closes
            if depth == 0:
                s, e = opener, i + 1
                break
    work[s:e] = ";" * (e - s)


def _clauses(v: str) -> list[tuple[int, int]]:
    """Clauses at top-level ; , 。 and before a label with its colon inside a clause, run
    on with or without a space (`牵头领导:张某责任部门:区政务服务中心`)."""
    out = []
    for s, e in split_top(v, CLAUSE_SEPS, 0, len(v)):
        cuts = [m.start() for m in lx.labels_in(v, s, e)
                if m.group("colon") == ":" and m.start() > s and _depth(v, s, m.start()) == 0]
        for a, b in zip([s, *cuts], [*cuts, e], strict=False):
            out.append((a, b))
    return out


class _ClauseState:
    """Reads clauses in order; a clause without a role word continues the last role."""

    def __init__(self):
        self.mentions: list[Mention] = []
        self.deadline: str | None = None
        self.current: str | None = None
        self.role_words = False
        self.problems: list[str] = []
        self.prose = False
        self.in_charge: list[int] = []  # mentions of a plain `X负责` clause
        self.assisted = False  # a clause of bodies that 协助/配合/参与
        self.helper_labels = False  # a 配合单位/协办单位 … label
        self.under_plain_label = False  # reading the list of a plain 责任单位 label
        self.plain_responsible: list[int] = []  # mentions of plain 责任单位 labels
        self.persons: list[str] = []

    def finish(self) -> list[Mention]:
        """With helpers named and no lead, the body in charge leads: `由A负责,B、C协助`, and
        `责任单位:A;配合单位:B` (the guideline: a 责任单位 beside helpers leads)."""
        if any(m.role == LEAD for m in self.mentions):
            return self.mentions
        leads = []
        if self.assisted and self.in_charge:
            leads = self.in_charge
        elif self.helper_labels and self.plain_responsible:
            leads = self.plain_responsible
        for i in leads:
            self.mentions[i] = Mention(LEAD, self.mentions[i].surface)
        return self.mentions

    def add(self, role, items, respectively: bool = False):
        for surface, v in items:
            if lx.is_placeholder(v):
                continue
            mark = lx.LEAD_MARK.search(v)
            if mark:  # 市发展改革委(牵头) in a list
                self.role_words = True
                self.mentions.append(Mention(LEAD, clean_surface(surface[:mark.start()])))
            else:
                if role == RESPONSIBLE and self.under_plain_label:
                    self.plain_responsible.append(len(self.mentions))
                self.mentions.append(Mention(role, surface, respectively))

    def read(self, t: Text, s: int, e: int) -> None:
        v = t.v
        label = lx.clause_label(v, s, e, colon_needed=False)
        named = lx.NAMES_THEN_LABEL.match(v[:e], s)
        if label:
            if label.unlisted:
                self.problems.append(f"未收录的标签“{t.src[s:s + len(label.text)]}”:"
                                     "其名单按一般落实单位读取")
            self._labelled(t, label, e)
        elif named and lx.label_role(named.group("label")) in (LEAD, RESPONSIBLE):
            self._names_then_label(t, named)
        elif lx.TOGETHER_WITH in v[s:e]:
            self._together(t, s, e)
        elif lx.DEADLINE.search(v, s, e) and not _any_agency(t, s, e):
            self._set_deadline(t, s, e)
        elif (verb := _find_verb(t, s, e)) is not None:
            self._verb(t, s, e, verb)
        else:
            self._continuation(t, s, e)

    def _labelled(self, t, label: lx.Label, e):
        role = label.role
        self.role_words = True
        self.current = role
        if role == lx.DEADLINE_ROLE:
            self._set_deadline(t, label.end, e)
            self.current = None
            return
        if role == lx.PERSON:
            self.persons.extend(src for src, _ in split_items(t, label.end, e))
        if role not in (LEAD, RESPONSIBLE):  # persons, notes, who supervises
            return
        helper = lx.is_helper_label(label.text)
        self.helper_labels |= helper
        self.under_plain_label = role == RESPONSIBLE and not helper
        items = split_items(t, label.end, e)
        placeholders = [src for src, v in items if lx.is_placeholder(v)]
        items = [(src, v) for src, v in items if not lx.is_placeholder(v)]
        said_none = placeholders and all(x.strip() in lx.NONE_MARKS for x in placeholders)
        if not items and not said_none:  # a dash or 无 says "none" on purpose
            what = f"“{placeholders[0]}”" if placeholders else "空"
            self.problems.append(f"{t.src[label.start:label.start + len(label.text)]}: "
                                 f"没有单位({what})")
        self._add_list(role, items)

    def _names_then_label(self, t, m):
        """`X为牵头单位`, `Y、Z为配合单位`."""
        self.under_plain_label = False
        role = lx.label_role(m.group("label"))
        items = split_items(t, *_strip_by(t, *m.span("names")))
        self.role_words = True
        if role in (LEAD, RESPONSIBLE) and items and all(
                lx.looks_like_agency(v) for _, v in items):
            self.add(role, items)
            self.current = RESPONSIBLE
        else:
            self.problems.append(f"“{t.src[m.start():m.end()]}”:标签前没有单位")

    def _together(self, t, s, e):
        """X会同Y(负责): X leads, Y shares."""
        self.under_plain_label = False
        k = t.v.index(lx.TOGETHER_WITH, s, e)
        lead = split_items(t, *_strip_by(t, s, k))
        verb = lx.VERB.search(t.v, k + 2, e)
        rest = split_items(t, k + 2, verb.start() if verb else e)
        self.role_words = True
        if not lead and any(m.role == LEAD for m in self.mentions):  # 由X牵头,会同Y负责落实
            lead = []
        elif not lead or not all(lx.looks_like_agency(v) for _, v in lead):
            self.problems.append("“会同”前没有单位")
            return
        self.add(LEAD, lead)
        self.add(RESPONSIBLE, [(src, v) for src, v in rest if lx.looks_like_agency(v)])
        self.current = RESPONSIBLE

    def _verb(self, t, s, e, verb):
        self.under_plain_label = False
        items = _agency_parts(split_items(t, *_strip_by(t, s, verb.start())))
        role = lx.VERB_ROLE[verb.group()]
        word = verb.group()
        generic_only = all(v.strip() in lx.GENERIC for _, v in items)
        if items and not generic_only and _bodies(items):
            self.role_words = True
            if word in lx.IN_CHARGE_VERBS:
                self.in_charge.extend(range(len(self.mentions), len(self.mentions) + len(items)))
            self.assisted |= word in lx.ASSISTING_VERBS
            self.add(role, items, respectively=lx.RESPECTIVELY_VERB in t.v[s:e])
            self.current = RESPONSIBLE
        elif items and generic_only and any(m.role == LEAD for m in self.mentions):
            self.role_words = True  # (X牵头,有关部门按职责分工负责): the rest share the work
            self.add(RESPONSIBLE, items)
            self.current = RESPONSIBLE
        elif role == LEAD or lx.STRONG_MARKER.search(t.v, s, e):
            self.problems.append(f"“{t.src[s:e]}”:“{verb.group()}”前没有单位")
        else:
            self.prose = True

    def _continuation(self, t, s, e):
        items = [(src, v) for src, v in split_items(t, s, e)  # 下同; label words listed
                 if not lx.is_placeholder(v) and lx.label_role(v.strip()) is None]
        if not items or self.current not in (None, LEAD, RESPONSIBLE):  # 下同; a person
            return
        if self.current is None and not all(lx.looks_like_agency(v) for _, v in items):
            self.prose = True
            return
        self._add_list(self.current, items)

    def _add_list(self, role, items):
        """A list after a label or continuing one: a name may carry its own verb
        (`X牵头`, `Y配合`) or trailing words (`市水利局加强指导`), which are cut off. A lead
        verb closing the list covers the names before it that carry none
        (`X、Y分别牵头`: both lead)."""
        last = lx.TRAILING_VERB.search(items[-1][1]) if items else None
        closing = last and last.start() >= 2 and lx.VERB_ROLE[last.group("verb")] == LEAD
        for src, v in items:
            own = LEAD if closing else role
            verb = lx.TRAILING_VERB.search(v)
            if verb and verb.start() >= 2:
                if lx.VERB_ROLE[verb.group("verb")] == LEAD:
                    own = LEAD
                self.role_words = True
                src, v = src[:verb.start()], v[:verb.start()]
            part = _agency_part(src, v)
            if part is None:
                if lx.is_placeholder(v) or lx.LABEL.search(v):
                    continue
                part = (src, v)
            self.add(own, [part])

    def _set_deadline(self, t, s, e):
        s, e = t.trim(s, e, _EDGE)
        if s < e and self.deadline is None:
            self.deadline = t.src[s:e]


def _bodies(items: list[tuple[str, str]]) -> bool:
    """Is every item a body? Places before a body that shares its ending count too:
    `哈尔滨、黑河、绥芬河市政府` names three city governments."""
    if all(lx.looks_like_agency(v) for _, v in items):
        return True
    k = max((i for i, (_, v) in enumerate(items) if not lx.looks_like_agency(v)), default=-1)
    rest = items[k + 1:]
    shared = rest and lx.COLLECTIVE_NOUN_END.search(rest[0][1])
    return bool(shared) and all(
        lx.looks_like_agency(v) or lx.PLACE_STUB.fullmatch(v.strip()) for _, v in items)


def _agency_part(src: str, v: str) -> tuple[str, str] | None:
    """The body a list item names, without the words of a sentence after it:
    `市水利局加强指导` → 市水利局. Only such words are cut (an unknown ending such as
    区委党校 stays whole); None when the item is no body followed by them."""
    if lx.looks_like_agency(v):
        return src, v
    for end in range(len(v) - 1, 1, -1):
        if (_depth(v, 0, end) == 0 and lx.TRAILING_WORDS.match(v, end)  # never inside (…)
                and lx.looks_like_agency(v[:end])):
            return clean_surface(src[:end]), v[:end]
    return None


def _agency_parts(items: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Items cut to the bodies they name; an item naming none stays, so callers see it."""
    return [_agency_part(src, v) or (src, v) for src, v in items]


def _find_verb(t: Text, s: int, e: int):
    """The first role verb in [s, e) with text before it that is not part of a body's name
    (the 协办 in 市政协办公室参与)."""
    matches = [m for m in lx.VERB.finditer(t.v, s, e) if m.start() > s]
    for k, m in enumerate(matches):
        upto = matches[k + 1].start() if k + 1 < len(matches) else e
        if upto > m.end() and lx.looks_like_agency(t.v[s:upto]):
            continue  # the verb's characters belong to a name running on after it
        return m
    return None


def _strip_by(t: Text, s: int, e: int) -> tuple[int, int]:
    """Drop a leading 由/请 (由市发改委牵头)."""
    s, e = t.trim(s, e, _EDGE)
    while s < e and t.v[s] in lx.CLAUSE_OPENERS:
        s += 1
    return s, e


def _any_agency(t: Text, s: int, e: int) -> bool:
    return any(lx.looks_like_agency(v) for _, v in split_items(t, s, e))


def split_items(t: Text, s: int, e: int) -> list[tuple[str, str]]:
    """Agency surfaces (source, view) in [s, e): split at 、,;/ outside brackets, at 和/及/与
    between two bodies, with `各市、县〔市、区〕人民政府` kept whole and a trailing 等 dropped.
    """
    spans = []
    for a, b in split_top(t.v, ITEM_SEPS, s, e):
        spans.extend(_split_conjunctions(t, a, b))
    spans = _merge_level_stubs(t, spans)
    out, seen = [], set()
    for a, b in spans:
        a, b = _trim_item(t, a, b)
        if a < b:
            surface = clean_surface(t.src[a:b])
            if surface and surface not in seen:
                seen.add(surface)
                out.append((surface, t.v[a:b]))
    return out


def _split_conjunctions(t: Text, s: int, e: int) -> list[tuple[int, int]]:
    """Split at 和/及/以及/与 or white space where both sides are bodies (市财政局和市税务局,
    市级各有关部门以及各区人民政府, 各县(市、区)党委和人民政府: the guideline's rule), and
    between two names run together, where a body's ending meets a level word
    (区发改局区财政局)."""
    pieces = _between_gaps(t.v, s, e)
    if len(pieces) > 2 and all(lx.looks_like_agency(t.v[a:b]) for a, b in pieces):
        return pieces  # 县发改局 县财政局 县自然资源局 …
    for m in lx.JOINER.finditer(t.v, s + 2, e - 1):
        i, width = m.start(), m.end() - m.start()
        if _depth(t.v, s, i) != 0 or (t.v[i].isspace() and not _gap(t.v, s, i, m.end())):
            continue
        left, right = t.v[s:i].strip(), t.v[i + width:e].strip()
        if lx.looks_like_agency(left) and lx.looks_like_agency(right):
            return [(s, i), *_split_conjunctions(t, i + width, e)]
    run = _run_together(t.v, s, e)
    return [(s, run), *_split_conjunctions(t, run, e)] if run else [(s, e)]


def _gap(v: str, s: int, i: int, j: int) -> bool:
    """Can white space [i, j) part two bodies? Not inside a bracket, and not beside one: a
    space after `(` or before `)`, or between a name and its bracketed second name, is part
    of one name (`各县( 区)人民政府`, `市住建局 (市执法局)`)."""
    return (_depth(v, s, i) == 0 and (i == 0 or v[i - 1] not in lx.CLOSE + lx.OPEN)
            and (j >= len(v) or v[j] not in lx.OPEN + lx.CLOSE))


def _between_gaps(v: str, s: int, e: int) -> list[tuple[int, int]]:
    """The stretches of [s, e) between white space that can part two bodies."""
    out, at = [], s
    for m in re.finditer(r"\s+", v[s:e]):
        i, j = s + m.start(), s + m.end()
        if _gap(v, s, i, j):
            if at < i:
                out.append((at, i))
            at = j
    if at < e:
        out.append((at, e))
    return out


def _run_together(v: str, s: int, e: int) -> int | None:
    """Where two names written without a separator meet: a whole body of three or more
    characters, then a level word opening another (区发改局|区财政局)."""
    for i in range(s + 3, e - 2):
        left = v[s:i]
        if (v[i] in lx.LEVEL_STARTS and _depth(v, s, i) == 0 and lx.looks_like_agency(left)
                and lx.looks_like_agency(v[i:e]) and not lx.looks_like_agency(v[s:i - 1])
                and len(v[i:e]) >= 3 and not lx.STUB_OPENER.match(left)
                and not left.endswith(lx.LEVEL_WORDS)):
            return i
    return None


def _depth(v: str, s: int, i: int) -> int:
    depth = 0
    opens, closes = lx.OPEN, lx.CLOSE
    for ch in v[s:i]:
        if ch in opens:
            depth += 1
        elif ch in closes:
            depth = max(0, depth - 1)
    return depth


def _merge_level_stubs(t: Text, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A collective that lists levels is one item: `各市、县〔市、区〕人民政府`, `各有关区、县级市`,
    `相关市、县政府`. It opens with 各/有关/相关 and levels, takes further levels, and ends
    with levels and the organ they share; any other item is not part of it (各街道、区直各部门)."""
    out: list[tuple[int, int]] = []
    open_stub = False
    for a, b in spans:
        piece = squeeze(t.v[a:b])  # white space inside a name is no part of it
        if open_stub and (lx.is_level_stub(piece) or lx.LEVELS_THEN_NOUN.match(piece)):
            out[-1] = (out[-1][0], b)
            open_stub = lx.is_level_stub(piece)
            continue
        out.append((a, b))
        open_stub = bool(lx.STUB_OPENER.match(piece)) and lx.is_level_stub(piece)
    return out


# An empty pair of quotes a PDF's text layer left before a name (`“\t”区发改委`).
_EMPTY_QUOTES = re.compile(r"(?:[“\"‘]\s*[”\"’]\s*)+")


def _trim_item(t: Text, s: int, e: int) -> tuple[int, int]:
    s, e = t.trim(s, e, _EDGE)
    if s < e and t.v[s] in "“\"‘" and (m := _EMPTY_QUOTES.match(t.v, s, e)) is not None:
        s, e = t.trim(m.end(), e, _EDGE)
    while s < e and t.v[s] in lx.CLAUSE_OPENERS:
        s += 1
    lead = lx.LEADING_WORDS.match(t.v, s, e)
    if lead and lx.looks_like_agency(t.v[lead.end():e]):
        s = lead.end()
    e = s + without_tail(t.v[s:e])
    return t.trim(s, e, _EDGE)


def without_tail(v: str) -> int:
    """The length of an item without its tail (`等`, `等有关部门`, `等省有關(guān)部門`): a
    pinyin gloss inside the tail does not hide it."""
    plain = lx.GLOSS.sub("", v)
    m = lx.TAIL_SHAPE.search(plain)
    if not m or m.start() == 0:
        return len(v)
    keep, k = m.start(), 0  # map the plain offset back through the glosses
    for g in lx.GLOSS.finditer(v):
        if g.start() - k > keep:
            break
        keep += g.end() - g.start()
        k += g.end() - g.start()
    return keep
