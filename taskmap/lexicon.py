"""Every pattern of the grammar, compiled from the genre's words (`words.toml`).

Everything is matched on the `text.view` of the text (half-width, Simplified), so
`（牽頭單位：` and `(牵头单位:` are one label. No other module writes a role word, a bracket
set or an agency ending: they ask this one.

A `Lexicon` holds what one `Words` compiles to. The stages read the lexicon in force as
this module's attributes (`lx.LABEL`, `lx.label_role(…)`), which are plain globals:

- nothing is compiled at import: the first read of a name builds the process's default
  lexicon (the words TASKMAP_WORDS names, else the shipped file) and installs its values
  here, so that every later read costs what a global costs;
- `using(words)` installs the lexicon of other words for the length of a parse, and puts
  the one before back after it (`pipeline.parse_document(doc, words=…)` does).

>>> from taskmap import lexicon as lx
>>> lx.label_role("协同责任单位"), lx.looks_like_agency("社会资本")
('responsible', False)
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .models import LEAD, RESPONSIBLE
from .text import squeeze
from .words import Words, expand, load_words

PERSON, DEADLINE_ROLE, OTHER, INERT = "person", "deadline", "other", "inert"
# What edges a table's cell in text (│, |, space); the level words a name opens with.
CELL_EDGE = " \t\u3000|│┃║"
# Marks some plans glue to a name in a list (★县财政局): never part of the name.
NAME_MARKS = "★☆▲△*※●◆■"
LEVEL_STARTS = frozenset(w[0] for w in ("省", "市", "县", "区", "州", "盟", "旗"))
PLACE_STUB = re.compile(r"[\u4e00-\u9fff]{2,4}")  # a bare place name (绥芬河)


@dataclass(frozen=True)
class Label:
    """A label opening a clause or a line: where it stands, its words and the role it gives
    (`unlisted`: a label-like phrase the words do not know, read as responsible)."""

    start: int
    end: int  # past the colon and the spaces after it
    text: str
    role: str | None
    unlisted: bool = False


# The names the stages read, each a value of the lexicon in force (declared here for type
# checkers; installed as globals on first use, see __getattr__). Comments: see Lexicon.
WORDS: Words
OPEN: str
CLOSE: str
OPEN_CLASS: str
CLOSE_CLASS: str
SENTENCE_END: str
LABEL_HEAD: re.Pattern[str]
BARE_HEAD: re.Pattern[str]
GLOSS: re.Pattern[str]
LABEL: re.Pattern[str]
NAMES_THEN_LABEL: re.Pattern[str]
LEAD_MARK: re.Pattern[str]
TITLE_END: re.Pattern[str]
LABEL_LINE: re.Pattern[str]
NEXT_BRACKET: re.Pattern[str]
INLINE_STOP: re.Pattern[str]
BRACKETED: re.Pattern[str]
ASSISTING_VERBS: tuple[str, ...]
IN_CHARGE_VERBS: tuple[str, ...]
VERB: re.Pattern[str]
VERB_ROLE: dict[str, str]
TRAILING_VERB: re.Pattern[str]
TOGETHER_WITH: str
CLAUSE_OPENERS: str
STRONG_MARKER: re.Pattern[str]
FIRST_LISTED_LEADS: re.Pattern[str]
ROLE_HINT: re.Pattern[str]
ROLE_VERB: re.Pattern[str]
PERSON_LABEL_SPAN: re.Pattern[str]
FIRST_LISTED_HINTS: tuple[str, ...]
NOT_LISTED: re.Pattern[str]
RESPECTIVELY: re.Pattern[str]
RESPECTIVELY_VERB: str
STANDING_WHO: tuple[str, ...]
STANDING: re.Pattern[str]
DEADLINE: re.Pattern[str]
PAGE_LINE: re.Pattern[str]
LEVEL_WORDS: tuple[str, ...]
SECOND_NAME: re.Pattern[str]
SECOND_NAME_ENDING: re.Pattern[str]
COLLECTIVE_NAME: re.Pattern[str]
PARK: re.Pattern[str]
GENERIC_PARK: re.Pattern[str]
OFFICE_KINDS: tuple[str, ...]
JOINER: re.Pattern[str]
TAIL_SHAPE: re.Pattern[str]
NONE_MARKS: frozenset[str]
GENERIC: tuple[str, ...]
NOT_BLOCK: re.Pattern[str]
PAGE_CHROME: re.Pattern[str]
LEVELS_THEN_NOUN: re.Pattern[str]
STUB_OPENER: re.Pattern[str]
COLLECTIVE_NOUN_END: re.Pattern[str]
LEADING_WORDS: re.Pattern[str]
TRAILING_WORDS: re.Pattern[str]
TASK_COLUMNS: tuple[str, ...]
TASK_ENDINGS: tuple[str, ...]
NOTE_ENDINGS: tuple[str, ...]
NUMBER_COLUMNS: tuple[str, ...]
SAME_AS_ABOVE: tuple[str, ...]
INNER_OFFICES: tuple[str, ...]
labels_in: Callable[..., Iterator[re.Match[str]]]
label_role: Callable[[str], str | None]
clause_label: Callable[..., Label | None]
opening_label: Callable[..., Label | None]
is_helper_label: Callable[[str], bool]
looks_like_agency: Callable[[str], bool]
is_placeholder: Callable[[str], bool]
is_level_stub: Callable[[str], bool]
bracket_spans: Callable[[str], tuple[list[tuple[int, int]], int | None]]
# …and the values only the functions of this module read
_any_bracket: re.Pattern[str]
_label_first: re.Pattern[str]
_label_like: re.Pattern[str]
_has_morpheme: dict[str, re.Pattern[str]]
_person: re.Pattern[str]
_deadline_label: re.Pattern[str]
_role_label: re.Pattern[str]
_other: str
_bare: set[str]
_division: set[str]
_name_start: re.Pattern[str]
_label_phrase: re.Pattern[str]
_agency_suffixes: tuple[str, ...]
_not_agency_endings: tuple[str, ...]
_placeholders: tuple[str, ...]
_collective: re.Pattern[str]
_trailing_group: re.Pattern[str]
_only_levels: re.Pattern[str]
_vague: re.Pattern[str]


def _alt(words) -> str:
    """An alternation of `words`, longest first, each escaped (in one order whatever the
    process: a pattern is the same string in every run)."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


class Lexicon:
    """Every pattern and word list of one `Words`, under the names this module's functions
    and the stages read (`values`: a value for each of NAMES).

    >>> Lexicon(load_words()).LABEL_LINE.match("牵头单位:区发改委") is not None
    True
    """

    def __init__(self, words: Words) -> None:
        self.WORDS = words
        self._brackets(words)
        self._labels(words)
        self._verbs(words)
        self._rules(words)
        self._names(words)
        self._tables(words)
        functions = _functions()
        # what the lexicon installs: its values and the functions that read them
        self.values: dict[str, Any] = {name: functions[name] if name in functions else getattr(
            self, name) for name in NAMES}

    def _brackets(self, W: Words) -> None:
        self.OPEN, self.CLOSE = OPEN, CLOSE = W.brackets["open"], W.brackets["close"]
        self.OPEN_CLASS = OPEN_CLASS = f"[{re.escape(OPEN)}]"
        self.CLOSE_CLASS = CLOSE_CLASS = f"[{re.escape(CLOSE)}]"
        self._any_bracket = re.compile(f"[{re.escape(OPEN + CLOSE)}]")
        self.SENTENCE_END = W.text["sentence_end"]
        self.NEXT_BRACKET = re.compile(OPEN_CLASS)
        # Where a block written inline ends: a full stop, or a heading inside the line ((二)…).
        self.INLINE_STOP = re.compile(
            rf"。|{OPEN_CLASS}\s*[一二三四五六七八九十]{{1,3}}\s*{CLOSE_CLASS}")
        # A bracket without brackets inside.
        self.BRACKETED = re.compile(rf"{OPEN_CLASS}[^{re.escape(OPEN + CLOSE)}]*{CLOSE_CLASS}")

    def _labels(self, W: Words) -> None:
        L = W.labels
        morphemes = (L["lead_morphemes"] + L["helper_morphemes"] + L["responsible_morphemes"]
                     + L["inert_morphemes"])
        self._role_shape = role = rf"(?:{_alt(morphemes)}){{1,4}}(?:{_alt(L['heads'])})"
        self._person_shape = person = (rf"(?:{_alt(L['person_morphemes'])}){{0,3}}"
                                       rf"(?:{_alt(L['person_heads'])})")
        deadline = (rf"(?:{_alt(L['deadline_morphemes'])}){{0,2}}"
                    rf"(?:{_alt(L['deadline_heads'])})")
        self._other = _alt(L["other"])
        any_label = (rf"{role}|{person}|{deadline}|{self._other}|{_alt(L['bare'])}"
                     rf"|{_alt(L['division'])}")
        # A head of a role label anywhere in a text: a cheap test before a line is a header.
        self.LABEL_HEAD = re.compile(_alt(L["heads"]))
        self.BARE_HEAD = re.compile(_alt(L["bare"]))
        # A pinyin gloss a mirror site puts after a character: 財(cái)政局, 序號(hào).
        self.GLOSS = re.compile(W.pattern("text", "gloss"))
        # A label at the start of a clause, then a colon (or 为/是: 牵头单位为市发改委).
        self.LABEL = re.compile(rf"(?P<label>{any_label})\s*(?P<colon>[:]|为|是)?\s*")
        # Every character a label can open with (a scan of LABEL itself tries each position
        # of a line through all its shapes; this class finds the few worth trying).
        self._label_first = re.compile("[" + re.escape("".join(sorted({w[0] for key in (
            "lead_morphemes", "helper_morphemes", "responsible_morphemes", "inert_morphemes",
            "heads", "person_morphemes", "person_heads", "deadline_morphemes",
            "deadline_heads", "other", "bare", "division") for w in L[key]}))) + "]")
        # A phrase shaped like a label before a colon, whatever its words: see label_role.
        self._label_like = re.compile(
            rf"(?P<label>[\u4e00-\u9fff]{{1,8}}?(?:{_alt(L['heads'])}))\s*(?P<colon>:)\s*")
        # `X为牵头单位` / `X是配合单位`: names, then the label that gives their role.
        self.NAMES_THEN_LABEL = re.compile(rf"(?P<names>.+?)(?:为|是|作为)(?P<label>{any_label})$")
        # A name marked in a list: `市发展改革委(牵头)`.
        self.LEAD_MARK = re.compile(
            rf"{self.OPEN_CLASS}(?:{_alt(W.marks['lead'])}){self.CLOSE_CLASS}$")
        self._has_morpheme = {kind: re.compile(_alt(L[f"{kind}_morphemes"]))
                              for kind in ("lead", "helper", "inert", "responsible")}
        self._person = re.compile(rf"(?:{person})$")
        self._deadline_label = re.compile(rf"(?:{deadline})$")
        self._role_label = re.compile(rf"(?:{role})$")
        self._bare = set(L["bare"])
        self._division = set(L["division"])
        self._name_start = re.compile(
            rf"^(?:各|有关|相关|其他|省|国家|中央|国务院|{_alt(W.names['levels'])})")
        self._label_phrase = re.compile(rf"[\u4e00-\u9fff]{{0,7}}(?:{_alt(L['heads'])})")
        # Where a heading's title ends: a full stop, a colon, or a block opening in a bracket.
        opening = L["lead_morphemes"] + L["helper_morphemes"] + L["responsible_morphemes"][:1]
        self.TITLE_END = re.compile(rf"[。:;!?\t|│┃║]|{self.OPEN_CLASS}(?:{_alt(opening)})")
        # A line that opens a labelled line of an assignment (for readers rebuilding
        # paragraphs).
        self.LABEL_LINE = re.compile(rf"^\s*(?:{role}|{deadline})\s*:")

    def _verbs(self, W: Words) -> None:
        V = W.verbs
        lead, responsible = tuple(V["lead"]), tuple(V["responsible"])
        self.ASSISTING_VERBS = tuple(V["assisting"])
        self.IN_CHARGE_VERBS = tuple(V["in_charge"])
        self.VERB = re.compile(_alt(lead + responsible))
        self.VERB_ROLE = {**{w: LEAD for w in lead}, **{w: RESPONSIBLE for w in responsible}}
        # A verb closing one name of a list: `市政务服务数据管理局牵头`, `市级有关部门配合`.
        self.TRAILING_VERB = re.compile(rf"(?P<adverb>{_alt(V['adverbs'])})?"
                                        rf"(?P<verb>{_alt(lead + responsible)})$")
        self.TOGETHER_WITH = V["together"][0]
        self.CLAUSE_OPENERS = "".join(V["clause_openers"])
        # Markers strong enough that a bracket carrying them and not parsed is reported.
        # (a label of who supervises or publishes, 督查单位: or 发布机构:, is not one)
        L = W.labels
        acting = L["lead_morphemes"] + L["helper_morphemes"] + L["responsible_morphemes"]
        self.STRONG_MARKER = re.compile(
            rf"(?:(?:{_alt(acting)}){{1,4}}(?:{_alt(L['heads'])}))\s*:|"
            rf"{_alt(W.labels['lead_morphemes'] + V['together'] + V['strong'])}")

    def _rules(self, W: Words) -> None:
        R = W.rules
        self.FIRST_LISTED_LEADS = re.compile(W.pattern("rules", "first_listed"))
        self.ROLE_HINT = re.compile(W.pattern("rules", "coverage"))
        # The verbs that hold one of those role words (牵头, 配合, 负责 …): after a name shaped
        # like a body they make a sentence an assignment, whatever the block grammar reads.
        verbs = tuple(W.verbs["lead"]) + tuple(W.verbs["responsible"])
        self.ROLE_VERB = re.compile(_alt(w for w in verbs if self.ROLE_HINT.search(w)))
        # A person's label and what follows it up to the next separator: (牵头领导:张三;…).
        self.PERSON_LABEL_SPAN = re.compile(rf"(?:{self._person_shape})\s*:[^;,。)]*")
        self.FIRST_LISTED_HINTS = tuple(R["first_listed_hints"])
        # every standing statement closes with it: a line without it holds none (and costs
        # no search of STANDING, whose wordings open with a free span of text)
        self.NOT_LISTED = re.compile(W.pattern("rules", "not_listed"))
        self.RESPECTIVELY = re.compile(W.pattern("rules", "respectively"))
        self.RESPECTIVELY_VERB = R["respectively_verb"]
        self.STANDING_WHO = who = tuple("who" if k == 0 else f"who{k + 1}"
                                        for k in range(len(R["standing"])))
        # Standing statements; each wording names its bodies in its own group of STANDING_WHO.
        self.STANDING = re.compile("|".join(
            expand(p, R).replace("(?P<who>", f"(?P<{name}>")
            for p, name in zip(R["standing"], who, strict=True)))
        self.DEADLINE = re.compile(W.pattern("text", "deadline"))
        self.PAGE_LINE = re.compile(W.pattern("text", "page_line"))

    def _names(self, W: Words) -> None:
        N = W.names
        self._agency_suffixes, self._not_agency_endings = tuple(N["endings"]), tuple(
            N["not_endings"])
        self.LEVEL_WORDS = levels = tuple(N["levels"])
        # A body with its second name in brackets: 市住房城乡建设局(市城市综合执法局) (on a
        # name key, whose brackets are folded to ASCII).
        self.SECOND_NAME = re.compile(
            rf"^(?P<main>.+?(?:{_alt(N['second_name_endings'])}))\((?P<second>[^()]+)\)$")
        self.SECOND_NAME_ENDING = re.compile(rf"(?:{_alt(N['second_name_endings'])})$")
        self.COLLECTIVE_NAME = re.compile(W.pattern("names", "collective"))
        committee = _alt(N["park_committee"])
        self.PARK = re.compile(rf"(?:{_alt(N['parks'])})(?:{committee})?$")
        self.GENERIC_PARK = re.compile(rf"^(?:{_alt(N['generic_parks'])})(?:{committee})?$")
        self.OFFICE_KINDS = tuple(sorted(N["office_kinds"], key=len, reverse=True))
        self.JOINER = re.compile(f"{_alt(N['joiners'])}| ")  # a joiner, or a space
        self.TAIL_SHAPE = re.compile(W.pattern("names", "tail_shape"))
        self._placeholders = tuple(N["placeholders"])
        self.NONE_MARKS = frozenset(N["none_marks"])
        self.GENERIC = tuple(N["generic"])
        self.NOT_BLOCK = re.compile(W.pattern("names", "not_blocks"))
        self.PAGE_CHROME = re.compile(W.pattern("names", "page_chrome"))
        self._collective = re.compile(rf"^各\S{{0,8}}(?:{_alt(N['collective_levels'])})$")
        inner = f"[^{re.escape(self.OPEN + self.CLOSE)}]*"
        self._trailing_group = re.compile(rf"{self.OPEN_CLASS}{inner}{self.CLOSE_CLASS}$")
        opener = _alt(N["collective_openers"])
        self._only_levels = re.compile(rf"^(?:{opener})?(?:(?:{_alt(levels)})[、,]?)+$")
        # The last item of a list of levels: levels, then the organ they share
        # (县〔市、区〕人民政府).
        self.LEVELS_THEN_NOUN = re.compile(
            rf"^(?:(?:{_alt(levels)})|{self.OPEN_CLASS}{inner}{self.CLOSE_CLASS})+"
            rf"(?:{_alt(N['collective_nouns'])})(?:{self.OPEN_CLASS}.*{self.CLOSE_CLASS})?$")
        self.STUB_OPENER = re.compile(rf"^(?:{opener})")
        # A body ending in the organ a list of places shares (绥芬河市政府).
        self.COLLECTIVE_NOUN_END = re.compile(
            rf"(?:{_alt(levels)})(?:{_alt(N['collective_nouns'])})$")
        # Words that come before a body's name in a sentence: 积极争取财政部、海关总署支持.
        self.LEADING_WORDS = re.compile(W.pattern("names", "leading_words"))
        # Words that follow a body's name in a sentence, never end one: cut off a list item.
        self.TRAILING_WORDS = re.compile(_alt(N["trailing_words"]))
        self._vague = re.compile(_alt(N["vague"]))

    def _tables(self, W: Words) -> None:
        T = W.tables
        self.TASK_COLUMNS = tuple(T["task_columns"])
        self.TASK_ENDINGS = tuple(T["task_endings"])
        self.NOTE_ENDINGS = tuple(T["note_endings"])
        self.NUMBER_COLUMNS = tuple(T["number_columns"])
        self.SAME_AS_ABOVE = tuple(T["same_as_above"])
        self.INNER_OFFICES = tuple(T["inner_offices"])

# The functions below read the lexicon in force (this module's globals); the stages call
# them by their public names (`lx.label_role`), which the lexicon installs.

def _labels_in(v: str, start: int = 0, end: int | None = None) -> Iterator[re.Match[str]]:
    """The matches of LABEL.finditer(v, start, end), tried only where a label can open."""
    end = len(v) if end is None else end
    at = start
    for c in _label_first.finditer(v, start, end):
        if c.start() >= at and (m := LABEL.match(v, c.start(), end)) is not None:
            yield m
            at = m.end()


def _label_role(label: str) -> str | None:
    """The role a label gives the list after it, from its shape and morphemes:
    lead / responsible / person / deadline / inert (assigns nothing) / other (a note);
    None for a phrase that is no label of the genre.

    A phrase of label morphemes ending in a head (单位, 部门 …) is a label; so is any short
    phrase ending in a head that carries a role morpheme and does not open like a name
    (牵头组织实施单位). Lead when it carries a lead morpheme (牵头, 主办, 主责), none when an
    inert one (督查单位), else responsible.

    >>> from taskmap import lexicon as lx
    >>> lx.label_role("协同责任单位"), lx.label_role("牵头督查单位"), lx.label_role("督查单位")
    ('responsible', 'lead', 'inert')
    >>> lx.label_role("牵头负责领导"), lx.label_role("完成时限"), lx.label_role("各有关单位")
    ('person', 'deadline', None)
    >>> lx.label_role("牵头组织实施单位"), lx.label_role("统筹单位")
    ('lead', None)
    """
    label = squeeze(label)
    if _person.fullmatch(label):
        return PERSON
    if _deadline_label.fullmatch(label):
        return DEADLINE_ROLE
    if re.fullmatch(_other, label):
        return OTHER
    listed = bool(_role_label.fullmatch(label)) or label in _bare
    if not listed and not (_label_phrase.fullmatch(label) and not _name_start.match(label)):
        return None
    if _has_morpheme["lead"].search(label):
        return LEAD
    if _has_morpheme["inert"].search(label):
        return INERT
    if listed or _has_morpheme["helper"].search(label) or _has_morpheme["responsible"].search(
            label):
        return RESPONSIBLE
    return None


def _unlisted_label(phrase: str) -> bool:
    """A phrase shaped like a role label (…单位 before a colon) that the words do not know:
    not a salutation or a name (各有关单位:, 市直部门:), and no label of another kind.

    >>> from taskmap import lexicon as lx
    >>> [lx._unlisted_label(p) for p in ("统筹单位", "各有关单位", "牵头单位")]
    [True, False, False]
    """
    return label_role(phrase) is None and not _name_start.match(phrase) and len(phrase) <= 8


def _clause_label(v: str, pos: int = 0, end: int | None = None,
                  colon_needed: bool = True) -> Label | None:
    """The label that opens `v` at `pos`: a label of the words' shapes followed by a colon
    (or 为/是, or white space), else a label-like phrase before a colon. Without
    `colon_needed`, a listed label that makes up the whole of v[pos:end] counts too."""
    end = len(v) if end is None else end
    m = LABEL.match(v, pos, end)
    if m and m.group("label") in _division:  # 部门分工:X牵头,Y配合 (a colon makes it one)
        return (Label(m.start(), m.end(), m.group("label"), RESPONSIBLE)
                if m.group("colon") == ":" else None)
    if m and m.group("label") in _bare and m.group("colon") != ":":
        m = None  # a bare 牵头 is a verb unless a colon makes it a label (主办:X)
    if m and (m.group("colon") or m.end() > m.end("label") or (
            not colon_needed and m.end() >= end)):
        return Label(m.start(), m.end(), m.group("label"), label_role(m.group("label")))
    like = _label_like.match(v, pos, end)
    if like:
        role = label_role(like.group("label"))
        if role is not None:
            return Label(like.start(), like.end(), like.group("label"), role)
        if _unlisted_label(like.group("label")):
            return Label(like.start(), like.end(), like.group("label"), RESPONSIBLE, True)
    return None


def _opening_label(v: str, pos: int = 0) -> Label | None:
    """The label with its colon that opens `v` at `pos` (a line), listed or unlisted."""
    label = _clause_label(v, pos)
    return label if label and ":" in v[label.start:label.end] else None


def _is_helper_label(label: str) -> bool:
    """A label of bodies that help another (配合单位, 协同责任单位)."""
    return bool(_has_morpheme["helper"].search(label)) and label_role(label) == RESPONSIBLE


def _looks_like_agency(name_view: str) -> bool:
    """Does this (view of a) name end like a body: …局 …委 …人民政府 …管委会?

    >>> from taskmap import lexicon as lx
    >>> lx.looks_like_agency("市住房城乡建设局(市城市综合执法局)"), lx.looks_like_agency("社会资本")
    (True, False)
    """
    s = name_view.strip()
    while True:
        stripped = _trailing_group.sub("", s).strip()
        if stripped == s:
            break
        s = stripped
    if len(s) < 2 or len(s) > 40:
        return False
    if _collective.match(s):  # 各县区, 各县市区, 各级
        return True
    return s.endswith(_agency_suffixes) and not s.endswith(_not_agency_endings)


def _is_placeholder(name_view: str) -> bool:
    """`待定`, `下同`, `责任单位另行明确`: a label's list that names no body."""
    s = name_view.strip()
    return s in _placeholders or (bool(_vague.search(s)) and not _looks_like_agency(s))


def _is_level_stub(name_view: str) -> bool:
    """`各市` / `县` in `各市、县〔市、区〕人民政府`: a list of levels, not yet a body."""
    return bool(_only_levels.match(name_view.strip()))


def _bracket_spans(v: str) -> tuple[list[tuple[int, int]], int | None]:
    """Top-level bracket spans [open, close] of a line view, and an unclosed opener if any."""
    spans, depth, start = [], 0, 0
    for m in _any_bracket.finditer(v):  # only the brackets, not every character
        i = m.start()
        if v[i] in OPEN:
            if depth == 0:
                start = i
            depth += 1
        elif depth > 0:
            depth -= 1
            if depth == 0:
                spans.append((start, i + 1))
    return spans, (start if depth > 0 else None)


def _functions() -> dict[str, Callable[..., Any]]:
    """The functions a lexicon installs: the ones above, label_role with a cache of its own
    (a cache shared by two lexicons would answer for the wrong words)."""
    return {"labels_in": _labels_in, "label_role": lru_cache(maxsize=4096)(_label_role),
            "clause_label": _clause_label, "opening_label": _opening_label,
            "is_helper_label": _is_helper_label, "looks_like_agency": _looks_like_agency,
            "is_placeholder": _is_placeholder, "is_level_stub": _is_level_stub,
            "bracket_spans": _bracket_spans}


# ----------------------------------------------------------------------------- in force
_lock = threading.RLock()
_current: Lexicon | None = None
_built: dict[int, Lexicon] = {}  # id(words) → its lexicon (which keeps the words alive)
_KEPT = 8  # lexicons of other words kept built at once


def lexicon_of(words: Words | None = None) -> Lexicon:
    """The lexicon of `words` (default: the process's, `load_words()`), built once."""
    words = load_words() if words is None else words
    with _lock:
        lexicon = _built.get(id(words))
        if lexicon is None:
            if len(_built) >= _KEPT:
                _built.pop(next(iter(_built)))
            lexicon = _built[id(words)] = Lexicon(words)
        return lexicon


def _install(lexicon: Lexicon) -> None:
    global _current
    if lexicon is not _current:
        globals().update(lexicon.values)
        _current = lexicon
        # Every name is bound from now on, and a module with a __getattr__ has its attribute
        # reads left generic by CPython (not specialised): ~1.5 % of a parse's CPU.
        globals().pop("__getattr__", None)


@contextmanager
def using(words: Words | None = None) -> Iterator[Lexicon]:
    """Put the lexicon of `words` in force for the block (None: the one in force, the
    process's default unless an outer `using` chose other words), then the one before back.

    The values in force are this module's globals, shared by every thread: the block holds
    a lock, so that parses in one process run one at a time (Python threads run Python code
    one at a time anyway; processes, as `--jobs` starts, each have their own). Re-entrant:
    a parse inside a parse keeps going.
    """
    with _lock:
        before = _current or lexicon_of()
        lexicon = before if words is None else lexicon_of(words)
        _install(lexicon)
        try:
            yield lexicon
        finally:
            _install(before)


def in_force() -> Lexicon:
    """The lexicon whose values are in force (the default one if none was installed yet):
    what a cache of readings keys on, since a reading is a function of the text and it."""
    if _current is None:
        with _lock:
            if _current is None:
                _install(lexicon_of())
    assert _current is not None
    return _current


def __getattr__(name: str) -> Any:
    """A first read of a lexicon name installs the default lexicon (then the name is a
    plain global, and this is never called for it again)."""
    if name in NAMES:
        with _lock:
            if _current is None:
                _install(lexicon_of())
            return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# Every name declared above without a value: what a lexicon installs.
NAMES = tuple(name for name in __annotations__ if name not in globals())
