"""Every pattern of the grammar, compiled once from the genre's words (`words.toml`).

Everything is matched on the `normalize.view` of the text (half-width, Simplified), so
`（牽頭單位：` and `(牵头单位:` are one label. No other module writes a role word, a bracket
set or an agency ending: they ask this one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from ..models import LEAD, RESPONSIBLE
from .words import expand, load_words

W = load_words()
PERSON, DEADLINE_ROLE, OTHER, INERT = "person", "deadline", "other", "inert"


def _alt(words) -> str:
    """An alternation of `words`, longest first, each escaped."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


# ----------------------------------------------------------------------------- brackets
OPEN, CLOSE = W.brackets["open"], W.brackets["close"]
OPEN_CLASS, CLOSE_CLASS = f"[{re.escape(OPEN)}]", f"[{re.escape(CLOSE)}]"
ANY_BRACKET = re.compile(f"[{re.escape(OPEN + CLOSE)}]")
BRACKET_FOLD = str.maketrans(OPEN[1:] + CLOSE[1:], OPEN[0] * (len(OPEN) - 1)
                             + CLOSE[0] * (len(CLOSE) - 1))
SENTENCE_END = W.text["sentence_end"]

# ----------------------------------------------------------------------------- labels
_L = W.labels
MORPHEMES = (_L["lead_morphemes"] + _L["helper_morphemes"] + _L["responsible_morphemes"]
             + _L["inert_morphemes"])
_ROLE_SHAPE = rf"(?:{_alt(MORPHEMES)}){{1,4}}(?:{_alt(_L['heads'])})"
_PERSON_SHAPE = rf"(?:{_alt(_L['person_morphemes'])}){{0,3}}(?:{_alt(_L['person_heads'])})"
_DEADLINE_SHAPE = (rf"(?:{_alt(_L['deadline_morphemes'])}){{0,2}}"
                   rf"(?:{_alt(_L['deadline_heads'])})")
_OTHER = _alt(_L["other"])
_ANY_LABEL = rf"{_ROLE_SHAPE}|{_PERSON_SHAPE}|{_DEADLINE_SHAPE}|{_OTHER}|{_alt(_L['bare'])}"
# A head of a role label anywhere in a text: a cheap test before a line is read as a header.
LABEL_HEAD = re.compile(_alt(_L["heads"]))
BARE_HEAD = re.compile(_alt(_L["bare"]))
# A pinyin gloss a mirror site puts after a character: 財(cái)政局, 序號(hào).
GLOSS = re.compile(W.pattern("text", "gloss"))
# A label at the start of a clause, then a colon (or 为/是: 牵头单位为市发改委).
LABEL = re.compile(rf"(?P<label>{_ANY_LABEL})\s*(?P<colon>[:]|为|是)?\s*")
# Every character a label can open with (a scan of LABEL itself tries each position of a
# line through all its shapes; this class finds the few worth trying).
_LABEL_FIRST = re.compile("[" + re.escape("".join(sorted({w[0] for key in (
    "lead_morphemes", "helper_morphemes", "responsible_morphemes", "inert_morphemes", "heads",
    "person_morphemes", "person_heads", "deadline_morphemes", "deadline_heads", "other",
    "bare") for w in _L[key]}))) + "]")


def labels_in(v: str, start: int = 0, end: int | None = None) -> Iterator[re.Match]:
    """The matches of LABEL.finditer(v, start, end), tried only where a label can open."""
    end = len(v) if end is None else end
    at = start
    for c in _LABEL_FIRST.finditer(v, start, end):
        if c.start() >= at and (m := LABEL.match(v, c.start(), end)) is not None:
            yield m
            at = m.end()
# A phrase shaped like a label before a colon, whatever its words: checked by label_role.
LABEL_LIKE = re.compile(
    rf"(?P<label>[\u4e00-\u9fff]{{1,8}}?(?:{_alt(_L['heads'])}))\s*(?P<colon>:)\s*")
# `X为牵头单位` / `X是配合单位`: names, then the label that gives their role.
NAMES_THEN_LABEL = re.compile(rf"(?P<names>.+?)(?:为|是|作为)(?P<label>{_ANY_LABEL})$")
# A name marked in a list: `市发展改革委(牵头)`.
LEAD_MARK = re.compile(rf"{OPEN_CLASS}(?:{_alt(W.marks['lead'])}){CLOSE_CLASS}$")
_HAS_MORPHEME = {kind: re.compile(_alt(_L[f"{kind}_morphemes"]))
                 for kind in ("lead", "helper", "inert")}
_PERSON = re.compile(rf"(?:{_PERSON_SHAPE})$")
_DEADLINE_LABEL = re.compile(rf"(?:{_DEADLINE_SHAPE})$")
_ROLE_LABEL = re.compile(rf"(?:{_ROLE_SHAPE})$")
_BARE = set(_L["bare"])


_NAME_START = re.compile(rf"^(?:各|有关|相关|其他|省|国家|中央|{_alt(W.names['levels'])})")
_LABEL_PHRASE = re.compile(rf"[\u4e00-\u9fff]{{0,7}}(?:{_alt(_L['heads'])})")


@lru_cache(maxsize=4096)
def label_role(label: str) -> str | None:
    """The role a label gives the list after it, from its shape and morphemes:
    lead / responsible / person / deadline / inert (assigns nothing) / other (a note);
    None for a phrase that is no label of the genre.

    A phrase of label morphemes ending in a head (单位, 部门 …) is a label; so is any short
    phrase ending in a head that carries a role morpheme and does not open like a name
    (牵头组织实施单位). Lead when it carries a lead morpheme (牵头, 主办, 主责), none when an
    inert one (督查单位), else responsible.

    >>> label_role("协同责任单位"), label_role("牵头督查单位"), label_role("督查单位")
    ('responsible', 'lead', 'inert')
    >>> label_role("牵头负责领导"), label_role("完成时限"), label_role("各有关单位")
    ('person', 'deadline', None)
    >>> label_role("牵头组织实施单位"), label_role("统筹单位")
    ('lead', None)
    """
    label = label.replace(" ", "")
    if _PERSON.fullmatch(label):
        return PERSON
    if _DEADLINE_LABEL.fullmatch(label):
        return DEADLINE_ROLE
    if re.fullmatch(_OTHER, label):
        return OTHER
    listed = bool(_ROLE_LABEL.fullmatch(label)) or label in _BARE
    if not listed and not (_LABEL_PHRASE.fullmatch(label) and not _NAME_START.match(label)):
        return None
    if _HAS_MORPHEME["lead"].search(label):
        return LEAD
    if _HAS_MORPHEME["inert"].search(label):
        return INERT
    if listed or _HAS_MORPHEME["helper"].search(label) or _HAS_RESPONSIBLE.search(label):
        return RESPONSIBLE
    return None


_HAS_RESPONSIBLE = re.compile(_alt(_L["responsible_morphemes"]))


def unlisted_label(phrase: str) -> bool:
    """A phrase shaped like a role label (…单位 before a colon) that the words do not know:
    not a salutation or a name (各有关单位:, 市直部门:), and no label of another kind.

    >>> unlisted_label("统筹单位"), unlisted_label("各有关单位"), unlisted_label("牵头单位")
    (True, False, False)
    """
    return label_role(phrase) is None and not _NAME_START.match(phrase) and len(phrase) <= 8


@dataclass(frozen=True)
class Label:
    """A label opening a clause or a line: where it stands, its words and the role it gives
    (`unlisted`: a label-like phrase the words do not know, read as responsible)."""

    start: int
    end: int  # past the colon and the spaces after it
    text: str
    role: str
    unlisted: bool = False


def clause_label(v: str, pos: int = 0, end: int | None = None,
                 colon_needed: bool = True) -> Label | None:
    """The label that opens `v` at `pos`: a label of the words' shapes followed by a colon
    (or 为/是, or white space), else a label-like phrase before a colon. Without
    `colon_needed`, a listed label that makes up the whole of v[pos:end] counts too."""
    end = len(v) if end is None else end
    m = LABEL.match(v, pos, end)
    if m and m.group("label") in _BARE and m.group("colon") != ":":
        m = None  # a bare 牵头 is a verb unless a colon makes it a label (主办:X)
    if m and (m.group("colon") or m.end() > m.end("label") or (
            not colon_needed and m.end() >= end)):
        return Label(m.start(), m.end(), m.group("label"), label_role(m.group("label")))
    like = LABEL_LIKE.match(v, pos, end)
    if like:
        role = label_role(like.group("label"))
        if role is not None:
            return Label(like.start(), like.end(), like.group("label"), role)
        if unlisted_label(like.group("label")):
            return Label(like.start(), like.end(), like.group("label"), RESPONSIBLE, True)
    return None


def opening_label(v: str, pos: int = 0) -> Label | None:
    """The label with its colon that opens `v` at `pos` (a line), listed or unlisted."""
    label = clause_label(v, pos)
    return label if label and ":" in v[label.start:label.end] else None


def is_helper_label(label: str) -> bool:
    """A label of bodies that help another (配合单位, 协同责任单位)."""
    return bool(_HAS_MORPHEME["helper"].search(label)) and label_role(label) == RESPONSIBLE



# Where a heading's title ends: a full stop, a colon, or a block opening in a bracket.
_OPENING_WORDS = _L["lead_morphemes"] + _L["helper_morphemes"] + _L["responsible_morphemes"][:1]
TITLE_END = re.compile(rf"[。:;!?\t|│┃║]|{OPEN_CLASS}(?:{_alt(_OPENING_WORDS)})")
# A line that opens a labelled line of an assignment (for readers rebuilding paragraphs).
LABEL_LINE = re.compile(rf"^\s*(?:{_ROLE_SHAPE}|{_DEADLINE_SHAPE})\s*:")
NEXT_BRACKET = re.compile(OPEN_CLASS)
# Where a block written inline ends: a full stop, or a heading inside the line ((二)…).
INLINE_STOP = re.compile(rf"。|{OPEN_CLASS}\s*[一二三四五六七八九十]{{1,3}}\s*{CLOSE_CLASS}")
# A bracket without brackets inside; and what edges a table's cell in text (│, |, space).
BRACKETED = re.compile(rf"{OPEN_CLASS}[^{re.escape(OPEN + CLOSE)}]*{CLOSE_CLASS}")
CELL_EDGE = " \t|│┃║"

# ----------------------------------------------------------------------------- verbs
_V = W.verbs
LEAD_VERBS, RESPONSIBLE_VERBS = tuple(_V["lead"]), tuple(_V["responsible"])
ASSISTING_VERBS = tuple(_V["assisting"])
IN_CHARGE_VERBS = tuple(_V["in_charge"])
VERB = re.compile(_alt(LEAD_VERBS + RESPONSIBLE_VERBS))
VERB_ROLE = {**{w: LEAD for w in LEAD_VERBS}, **{w: RESPONSIBLE for w in RESPONSIBLE_VERBS}}
# A verb closing one name of a list: `市政务服务数据管理局牵头`, `市级有关部门配合`.
TRAILING_VERB = re.compile(rf"(?P<adverb>{_alt(_V['adverbs'])})?"
                           rf"(?P<verb>{_alt(LEAD_VERBS + RESPONSIBLE_VERBS)})$")
TOGETHER_WITH = _V["together"][0]
TOGETHER = re.compile(_alt(_V["together"]))
CLAUSE_OPENERS = "".join(_V["clause_openers"])

# Markers strong enough that a bracket carrying them and not parsed is reported.
STRONG_MARKER = re.compile(
    rf"(?:{_ROLE_SHAPE})\s*:|{_alt(_L['lead_morphemes'] + _V['together'] + _V['strong'])}")

# ----------------------------------------------------------------------------- rules
_R = W.rules
FIRST_LISTED_LEADS = re.compile(W.pattern("rules", "first_listed"))
ROLE_HINT = re.compile(W.pattern("rules", "coverage"))
# The verbs that hold one of those role words (牵头, 配合, 负责 …): after a name shaped like a
# body they make a sentence an assignment, whatever the block grammar reads of it.
ROLE_VERB = re.compile(_alt(w for w in LEAD_VERBS + RESPONSIBLE_VERBS if ROLE_HINT.search(w)))
# A person's label and what follows it up to the next separator: (牵头领导:张三;…).
PERSON_LABEL_SPAN = re.compile(rf"(?:{_PERSON_SHAPE})\s*:[^;,。)]*")
FIRST_LISTED_HINTS = tuple(_R["first_listed_hints"])
# every standing statement closes with it: a line without it holds none (and costs no
# search of STANDING, whose wordings open with a free span of text)
NOT_LISTED = re.compile(W.pattern("rules", "not_listed"))
RESPECTIVELY = re.compile(W.pattern("rules", "respectively"))
RESPECTIVELY_VERB = _R["respectively_verb"]
STANDING_WHO = tuple("who" if k == 0 else f"who{k + 1}" for k in range(len(_R["standing"])))
# Standing statements; each wording names its bodies in its own group of STANDING_WHO.
STANDING = re.compile("|".join(
    expand(p, _R).replace("(?P<who>", f"(?P<{name}>")
    for p, name in zip(_R["standing"], STANDING_WHO, strict=True)))

DEADLINE = re.compile(W.pattern("text", "deadline"))
PAGE_LINE = re.compile(W.pattern("text", "page_line"))

# ----------------------------------------------------------------------------- names
_N = W.names
AGENCY_SUFFIXES = tuple(_N["endings"])
NOT_AGENCY_ENDINGS = tuple(_N["not_endings"])
LEVEL_WORDS = tuple(_N["levels"])
# A body with its second name in brackets: 市住房城乡建设局(市城市综合执法局) (on a name key,
# whose brackets are folded to ASCII).
SECOND_NAME = re.compile(rf"^(?P<main>.+?(?:{_alt(_N['second_name_endings'])}))"
                         r"\((?P<second>[^()]+)\)$")
SECOND_NAME_ENDING = re.compile(rf"(?:{_alt(_N['second_name_endings'])})$")
COLLECTIVE_NAME = re.compile(W.pattern("names", "collective"))
_COMMITTEE = _alt(_N["park_committee"])
PARK = re.compile(rf"(?:{_alt(_N['parks'])})(?:{_COMMITTEE})?$")
GENERIC_PARK = re.compile(rf"^(?:{_alt(_N['generic_parks'])})(?:{_COMMITTEE})?$")
OFFICE_KINDS = tuple(sorted(_N["office_kinds"], key=len, reverse=True))
JOINERS = tuple(sorted(_N["joiners"], key=len, reverse=True))
JOINER = re.compile(f"{_alt(JOINERS)}| ")  # a joiner, or a space, between two bodies
TAILS = tuple(sorted(_N["tails"], key=len, reverse=True))
TAIL_SHAPE = re.compile(W.pattern("names", "tail_shape"))
PLACEHOLDERS = tuple(_N["placeholders"])
NONE_MARKS = frozenset(_N["none_marks"])
GENERIC = tuple(_N["generic"])
NOT_BLOCK = re.compile(W.pattern("names", "not_blocks"))
PAGE_CHROME = re.compile(W.pattern("names", "page_chrome"))
_COLLECTIVE = re.compile(rf"^各\S{{0,8}}(?:{_alt(_N['collective_levels'])})$")
_TRAILING_GROUP = re.compile(rf"{OPEN_CLASS}[^{re.escape(OPEN + CLOSE)}]*{CLOSE_CLASS}$")
_STUB_OPENER = _alt(_N["collective_openers"])
_ONLY_LEVELS = re.compile(rf"^(?:{_STUB_OPENER})?(?:(?:{_alt(LEVEL_WORDS)})[、,]?)+$")
# The last item of a list of levels: levels, then the organ they share (县〔市、区〕人民政府).
LEVELS_THEN_NOUN = re.compile(
    rf"^(?:(?:{_alt(LEVEL_WORDS)})|{OPEN_CLASS}[^{re.escape(OPEN + CLOSE)}]*{CLOSE_CLASS})+"
    rf"(?:{_alt(_N['collective_nouns'])})(?:{OPEN_CLASS}.*{CLOSE_CLASS})?$")
STUB_OPENER = re.compile(rf"^(?:{_STUB_OPENER})")
# A body ending in the organ a list of places shares (绥芬河市政府), and a bare place name.
COLLECTIVE_NOUN_END = re.compile(rf"(?:{_alt(LEVEL_WORDS)})(?:{_alt(_N['collective_nouns'])})$")
PLACE_STUB = re.compile(r"[\u4e00-\u9fff]{2,4}")
COLLECTIVE_NOUNS = tuple(_N["collective_nouns"])
# The first characters of a level word (省, 市, 县, 区 …) opening a name.
LEVEL_STARTS = frozenset(w[0] for w in ("省", "市", "县", "区", "州", "盟", "旗"))
# Words that come before a body's name in a sentence: 积极争取财政部、海关总署支持.
LEADING_WORDS = re.compile(W.pattern("names", "leading_words"))
# Words that follow a body's name in a sentence, never end one: cut them off a list item.
TRAILING_WORDS = re.compile(_alt(_N["trailing_words"]))
_VAGUE = re.compile(_alt(_N["vague"]))


def looks_like_agency(name_view: str) -> bool:
    """Does this (view of a) name end like a body: …局 …委 …人民政府 …管委会?

    >>> looks_like_agency("市住房城乡建设局(市城市综合执法局)"), looks_like_agency("社会资本")
    (True, False)
    """
    s = name_view.strip()
    while True:
        stripped = _TRAILING_GROUP.sub("", s).strip()
        if stripped == s:
            break
        s = stripped
    if len(s) < 2 or len(s) > 40:
        return False
    if _COLLECTIVE.match(s):  # 各县区, 各县市区, 各级
        return True
    return s.endswith(AGENCY_SUFFIXES) and not s.endswith(NOT_AGENCY_ENDINGS)


def is_placeholder(name_view: str) -> bool:
    """`待定`, `下同`, `责任单位另行明确`: a label's list that names no body."""
    s = name_view.strip()
    return s in PLACEHOLDERS or (bool(_VAGUE.search(s)) and not looks_like_agency(s))


def is_level_stub(name_view: str) -> bool:
    """`各市` / `县` in `各市、县〔市、区〕人民政府`: a list of levels, not yet a body."""
    return bool(_ONLY_LEVELS.match(name_view.strip()))


# ----------------------------------------------------------------------------- tables
TASK_COLUMNS = tuple(W.tables["task_columns"])
TASK_ENDINGS = tuple(W.tables["task_endings"])
NOTE_ENDINGS = tuple(W.tables["note_endings"])
NUMBER_COLUMNS = tuple(W.tables["number_columns"])
SAME_AS_ABOVE = tuple(W.tables["same_as_above"])
