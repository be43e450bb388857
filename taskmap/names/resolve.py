"""Resolve every agency surface of a plan to one canonical body, in tiers.

exact → alias → normalized → prefix (carried over a list, or the plan's own level) →
function (same kind of office within a level) → fuzzy (flagged) → unresolved (kept as
written). Collectives (各县区人民政府, 有关部门, 成员单位) are recognised and marked.
Jurisdiction qualifies every canonical name (六盘水市发展和改革委员会), so bodies of
different places never merge when plans are pooled.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from .. import lexicon as lx
from ..models import Assignment, Plan, PlanContext
from ..normalize import collective_key, name_key
from .places import (
    LEVEL_NAMES,
    LEVEL_WORDS,
    NESTED_PLACE,
    PLACE,
    SUFFIX_ALT,
    Jurisdiction,
    place_level,
)
from .tables import AliasRow, AliasTable, stem
from .typos import is_swap, is_typo, sounds_like_level

TIERS = ("exact", "alias", "normalized", "prefix", "function", "collective", "fuzzy",
         "unresolved")
_RANK = {t: i for i, t in enumerate(TIERS)}
_LEVEL_PREFIX = re.compile(
    r"^(?:国家|中央|自治区|自治州|自治县|省|市|州|盟|县|旗|特区|区|乡镇|乡|镇|街道)")
# A body with its second name in brackets: 市住房城乡建设局(市城市综合执法局).
_PARK_KIND = re.compile(r"高新技术产业|经济技术|工业园|产业园")
# Vertically managed bodies named around their place: (pattern, function).
_VERTICAL = (
    (re.compile(r"^(?:中国人民银行|人民银行|人行)(?P<place>.+?)"
                r"(?:营业管理部|中心支行|中支|分行|支行)$"), "人民银行"),
    (re.compile(r"^国家税务总局(?P<place>.+?)税务局$"), "税务"),
    (re.compile(r"^国家金融监督管理总局(?P<place>.+?)监管(?:分)?局$"), "国家金融监管派出"),
    (re.compile(r"^(?:国网|国家电网(?:有限公司)?|南方电网|[\u4e00-\u9fff]{2,3}电网(?:有限责任公司|公司)?)"
                r"(?:[\u4e00-\u9fff]{2,4}省电力有限公司)?(?P<place>.+?)"
                r"(?:供电公司|电力公司|供电局|供电分公司)$"), "供电"),
    (re.compile(r"^共青团(?P<place>.+?)委(?:员会)?$"), "团委"),
    (re.compile(r"^(?:国家能源局)?(?P<place>[\u4e00-\u9fff]{2,6}?)(?:能源)?监管办(?:公室)?$"),
     "国家能源局派出"),
)
# A district branch of a city bureau: 市公安局芸溪分局, 公安棠溪分局.
_BRANCH = re.compile(r"^(?:[\u4e00-\u9fff]{2,6}?市|市)?(?P<function>[\u4e00-\u9fff]{2,8}?)局?"
                     r"(?P<place>(?:(?!局)[\u4e00-\u9fff]){2,4}?)分局$")
_BARE_OFFICE = ("办公室", "办", "办公厅")


@dataclass(frozen=True)
class Resolution:
    canonical: str
    display: str
    level: str
    function: str
    tier: str
    score: float
    collective: bool = False
    place: str | None = None  # explicit place or level prefix written in the surface
    successor: str = ""  # a pre-reform body: the body it became
    chosen: bool = False  # the display name was chosen in a user's table


@dataclass(frozen=True)
class _Prefix:
    place: str | None  # a named place (六盘水市, 浙江)
    level: str | None  # 国家/省/市/县/区/乡镇 written or implied by the place
    party: bool
    rest: str
    written: str  # the prefix as written


class Resolver:
    """Resolves the surfaces of one plan: a function of the alias table, the plan's context
    and the names the plan writes (which tell its parks, second names and, when the plan
    names no place, its level). Nothing is set on it from outside.

    >>> from taskmap.models import PlanContext
    >>> r = Resolver(AliasTable.load(), PlanContext(place="青岚市", level="市"), ["市发改委"])
    >>> r.resolve("市发改委")[0].canonical
    '青岚市发展和改革委员会'
    """

    def __init__(self, table: AliasTable, context: PlanContext, surfaces: Sequence[str] = ()):
        self.table = table
        self._places = table.derived("places by first character", lambda: _by_first(table))
        self._prefixes: dict[str, list[_Prefix]] = {}
        # a plan names a body many times: each surface is read once (a function of the
        # surface, the prefix its list carries and this resolver's fixed state)
        self._resolved: dict[tuple[str, _Prefix | None],
                             tuple[Resolution, _Prefix | None]] = {}
        self._functions: dict[str, tuple[_Prefix, AliasRow, str] | None] = {}
        self._set_jurisdiction(Jurisdiction(context.place, context.level))
        if self.j.level is None:  # no place named: the level most of its names carry
            self._set_jurisdiction(Jurisdiction(None, self._majority_level(surfaces)))
        keys = [name_key(raw) for raw in surfaces]
        # for names renamed by reforms: the date of issue, else what the names tell
        self.year = context.year or self._evidence_year(keys)
        self.parks = {self._park(k, False).canonical for k in keys
                      if lx.PARK.search(k) and not lx.GENERIC_PARK.match(_LEVEL_PREFIX.sub("", k))}
        self.parents = self._parent_places(keys, dict(context.parents))
        self.second_names = _second_names(keys)  # second name → the body's main name

    def _set_jurisdiction(self, j: Jurisdiction) -> None:
        self.j = j
        self.municipality = j.level == "省" and (j.place or "").endswith("市")
        self._prefixes.clear()
        self._functions.clear()
        self._resolved.clear()

    def _evidence_year(self, keys: list[str]) -> int | None:
        """A plan with no date that names a body a reform created (市生态环境局) was issued
        after that reform: the year after it (local rounds followed the national one)."""
        reformed = self.table.derived("reformed", lambda: _reformed(self.table))
        years = []
        for key in keys:  # a name of the new body as such, not one matched by its kind
            found = self._function(key)
            if found and found[2] == "alias" and not found[1].renamed and (
                    found[1].function in reformed):
                years.append(reformed[found[1].function] + 1)
        return max(years) if years else None

    def _majority_level(self, surfaces: Sequence[str]) -> str | None:
        counts: dict[str, int] = {}
        for raw in surfaces:
            p = self.prefixes(name_key(raw))[0]
            if p.level:
                counts[p.level] = counts.get(p.level, 0) + 1
        return max(sorted(counts), key=counts.__getitem__) if counts else None

    def _parent_places(self, keys: list[str], named_in_text: dict[str, str]) -> dict[str, str]:
        """level → place, for levels above the plan's own that it names one place for: the
        place written before its bodies (铜仁市发改委), else the one its text names most
        (the context's), so that 市发改委 reads as that city's."""
        if self.j.level in (None, "国家"):
            return {}
        named: dict[str, set[str]] = {}
        for key in keys:
            p = self.prefixes(key)[0]
            if p.place and p.level and p.level != self.j.level:
                named.setdefault(p.level, set()).add(self._full_place(p.place, p.level))
        parents = {lvl: places.pop() for lvl, places in named.items() if len(places) == 1}
        return {**{k: v for k, v in named_in_text.items() if k != self.j.level}, **parents}

    # ---------------------------------------------------------------- decomposition

    def prefixes(self, key: str) -> list[_Prefix]:
        """Ways to read `key` as [place][level][委]rest, most explicit first; the last is bare."""
        if key not in self._prefixes:
            self._prefixes[key] = self._read_prefixes(key)
        return self._prefixes[key]

    def _read_prefixes(self, key: str) -> list[_Prefix]:
        out = []
        places: list[tuple[str | None, str | None]] = []
        if self.j.place:
            places += [(self.j.place, self.j.level), (self.j.short, self.j.level)]
        for name, known_level in self._places.get(key[:1], ()):
            if key.startswith(name):
                places.append((name, known_level))
        m = PLACE.match(key)
        if m and m.group("place") not in LEVEL_NAMES:  # 自治区 is a level, not a place
            places.append((m.group("place"), place_level(m.group("place"))))
        for place, level in places:
            if place and key.startswith(place) and len(key) > len(place):
                out += self._after_place(place, level, key[len(place):], place)
        out += self._after_place(None, None, key, "")
        return out

    def _after_place(self, place, level, rest, written) -> list[_Prefix]:
        out = []
        m = _LEVEL_PREFIX.match(rest)
        if m and len(rest) > m.end():
            word = m.group()
            after = rest[m.end():]
            lvl = LEVEL_WORDS[word] if not place else level
            if word == "市" and not place and self.municipality:
                lvl = self.j.level  # 北京市: its 市发改委 is the municipality's
            if after.startswith("委") and len(after) > 1:
                out.append(_Prefix(place, lvl, True, after[1:], written + word + "委"))
            out.append(_Prefix(place, lvl, False, after, written + word))
        if place:
            if rest.startswith("委") and len(rest) > 1:
                out.append(_Prefix(place, level, True, rest[1:], written + "委"))
            out.append(_Prefix(place, level, False, rest, written))
        else:
            out.append(_Prefix(None, None, False, rest, ""))
        return out

    # ---------------------------------------------------------------- one surface

    def resolve(self, raw: str,
                carried: _Prefix | None = None) -> tuple[Resolution, _Prefix | None]:
        """Resolve one surface; `carried` is the prefix of the previous name in its list."""
        known = self._resolved.get((raw, carried))
        if known is None:
            known = self._resolved[raw, carried] = self._resolve(raw, carried)
        return known

    def _resolve(self, raw: str, carried: _Prefix | None) -> tuple[Resolution, _Prefix | None]:
        key = name_key(raw)
        normalized = key != re.sub(r"\s+", "", raw)
        if key in self.second_names:  # 县林业局 where the plan writes 县自然资源局(县林业局)
            key, normalized = self.second_names[key], True
        main = lx.SECOND_NAME.match(key)
        if main and _agency_like(main.group("second")):
            key, normalized = main.group("main"), True
        if key.startswith(("中共", "中国共产党")) and "委" in key:
            key = re.sub(r"^(?:中共|中国共产党)", "", key)
        body = self.table.bodies.get(key)
        if body is not None:
            return self._body(body), None
        if lx.COLLECTIVE_NAME.search(key) or (key in self.table.functions
                                       and self.table.functions[key].collective):
            return self._collective(raw), None
        vertical = self._vertical(key, normalized)
        if vertical is not None:
            return vertical, None
        if lx.PARK.search(key):
            return self._park(key, normalized), None
        found = self._function(key)
        if found is None:
            return self._unresolved(key, carried)
        prefix, row, tier = found
        explicit = prefix.level is not None or prefix.place is not None
        level = prefix.level
        if not explicit:
            if carried is not None and not row.level:
                level, tier = carried.level, _weaker(tier, "prefix")
                prefix = replace(prefix, place=carried.place, level=carried.level)
            elif row.level:
                level = row.level
            else:
                level, tier = self.j.level or "", _weaker(tier, "prefix")
        if normalized:
            tier = _weaker(tier, "normalized")
        res = self._qualified(row.function, level or "", prefix, row, tier)
        return res, (prefix if explicit else carried)

    def shown(self, raw: str, carried: _Prefix | None) -> str:
        """The name as the plan shows it: as written, with the prefix its list carries when
        it writes none itself (住建局 after 区工信局 → 区住建局)."""
        name, key = raw.strip(), name_key(raw)
        if carried is None or not carried.written or key in self.table.bodies or (
                lx.COLLECTIVE_NAME.search(key) or lx.PARK.search(key)
                or self._vertical(key, False)):
            return name
        found = self._function(key)
        if (found is None or found[0].level is not None or found[0].place is not None
                or found[1].level):
            return name
        return carried.written + name  # a bare function: the list's prefix

    def _function(self, key: str) -> tuple[_Prefix, AliasRow, str] | None:
        if key not in self._functions:
            self._functions[key] = self._find_function(key)
        return self._functions[key]

    def _find_function(self, key: str) -> tuple[_Prefix, AliasRow, str] | None:
        candidates = self.prefixes(key)
        for prefix in candidates:
            row = self._lookup(prefix)
            if row is not None:
                return prefix, row, "alias"
        for prefix in candidates:  # same kind of office: 机关事务管理中心 ~ 机关事务服务中心
            function = self.table.stems.get(stem(prefix.rest))
            if function and (prefix.party == function.startswith("党委")):
                row = self.table.canonical_row(function, prefix.level or "")
                if row is not None and len(prefix.rest) >= 3:
                    return prefix, row, "function"
        return None

    def _lookup(self, prefix: _Prefix) -> AliasRow | None:
        """A function row for the rest of the name. 市委办公室 is the party's office, never
        the government's; a party body may be written without 委 (市编办) unless its alias
        is a bare office word."""
        row = self.table.functions.get(prefix.rest)
        if row is None or row.collective:
            return None
        party_row = row.function.startswith("党委")
        if prefix.party and not party_row:
            return None
        if party_row and not prefix.party and row.level != "国家" and row.alias in _BARE_OFFICE:
            return None
        return row

    def _qualified(self, function, level, prefix: _Prefix, row: AliasRow, tier) -> Resolution:
        place = prefix.place or self.j.place or ""
        municipality = level == "省" and place.endswith("市")  # 北京市财政局, not 财政厅
        named = self.table.canonical_row(function, "" if municipality else level) or row
        if self._before_reform(row):  # a 2016 plan's 国土资源局 is not yet 自然资源局
            after = self._qualified(function, level, prefix, replace(row, renamed=None), tier)
            old = replace(row, canonical=row.former, short=row.alias, function=row.former,
                          renamed=None)
            # a body of its own, of the same kind as its successor (--by function: one kind
            # across eras)
            return replace(self._qualified(row.former, level, prefix, old, tier),
                           successor=after.canonical, function=row.function)
        national = named.level == "国家"
        if prefix.place and prefix.place not in (self.j.place, self.j.short):
            qualifier = prefix.place
        elif national:
            qualifier = ""
        elif level == self.j.level and self.j.place:
            qualifier = self.j.place
        elif level in self.parents:
            qualifier = self.parents[level]
        else:
            qualifier = {"国家": "国家", "乡镇": "乡镇"}.get(level, level)
        party = "委" if function.startswith("党委") and not national else ""
        canonical = f"{qualifier}{party}{named.canonical}"
        short = named.short or named.canonical
        display = short if national else f"{_level_word(level, prefix)}{party}{short}"
        tier = "exact" if tier == "alias" and name_key(canonical) in (
            prefix.written + prefix.rest, prefix.rest) else tier
        chosen = self.table.from_user(named) and bool(named.short)
        return Resolution(canonical, display, level or "其他", function, tier, 100.0,
                          place=prefix.place, chosen=chosen)

    def _before_reform(self, row: AliasRow) -> bool:
        """A renamed body in a plan issued before it was renamed: still a body of its own.
        Provinces, cities and counties carried out a reform round in the year after the
        national one, so a local plan of the reform year still has the old bodies. A plan
        that gives no date names the bodies of its time too: the old name is the evidence."""
        if not (row.renamed and row.former):
            return False
        if self.year is None:
            return True
        local = self.j.level not in (None, "国家")
        return self.year < row.renamed or (local and self.year == row.renamed)

    def _body(self, row: AliasRow) -> Resolution:
        """A body named in a table: tier alias, whoever wrote the row."""
        return Resolution(row.canonical, row.short or row.canonical, row.level or "其他",
                          row.function, "alias", 100.0, row.collective,
                          chosen=self.table.from_user(row) and bool(row.short))

    def _collective(self, raw: str) -> Resolution:
        key = collective_key(raw)
        qualifier = ""
        if self.j.place and not key.startswith(self.j.place):
            qualifier = self.j.place
            if self.j.level and key.startswith(self.j.level):  # 省级相关部门 → 浙江省级…
                key = key[len(self.j.level):]
        return Resolution(f"{qualifier}{key}", raw.strip(), self.j.level or "其他", "集体",
                          "collective", 100.0, collective=True)

    def _vertical(self, key: str, normalized: bool) -> Resolution | None:
        """Bodies named around their place (人行青岚中支, 国家税务总局青岚市税务局,
        国网湖州供电公司, 市公安局芸溪分局) resolve like the same body written with a prefix."""
        for pattern, function in _VERTICAL:
            m = pattern.match(key)
            if m:
                return self._placed(function, m.group("place"), None, normalized)
        m = _BRANCH.match(key)
        if m:
            stemmed = self.table.stems.get(stem(m.group("function")))
            if stemmed and not stemmed.startswith("党委"):
                return self._placed(stemmed, m.group("place"), "区", normalized)
        return None

    def _placed(self, function: str, place: str, level: str | None,
                normalized: bool) -> Resolution | None:
        row = self.table.canonical_row(function, "")
        if row is None:
            return None
        full = self._full_place(place, level)
        level = level or self.table.places.get(full, (full, place_level(full)))[1]
        res = self._qualified(function, level, _Prefix(full, level, False, "", full), row,
                              "normalized" if normalized else "alias")
        return replace(res, tier="normalized" if normalized else "alias")

    def _full_place(self, place: str, level: str | None) -> str:
        """青岚 → 青岚市 (the plan's own place), 浙江 → 浙江省, 芸溪 → 芸溪区 for a district."""
        if place in (self.j.place, self.j.short):
            return self.j.place or place
        nested = NESTED_PLACE.match(place)  # 青岚市芸溪区 → 芸溪区
        if nested:
            return self._full_place(nested.group("inner"), level)
        if place in self.table.places:
            return self.table.places[place][0]
        if re.search(f"(?:{SUFFIX_ALT})$", place):
            return place
        return place + {"区": "区", "县": "县"}.get(level or "", "市")

    def _park(self, key: str, normalized: bool) -> Resolution:
        """A development zone is its management committee; 园区管委会 is the plan's park."""
        name = (key.replace("高新区", "高新技术产业开发区").replace("经开区", "经济技术开发区")
                .replace("管委会", "管理委员会"))
        if not name.endswith("管理委员会"):
            name += "管理委员会"
        tier = "normalized" if normalized or name != key else "exact"
        generic = lx.GENERIC_PARK.match(re.sub(_LEVEL_PREFIX, "", key))
        if generic:
            named = sorted(self.parks)
            kind = _PARK_KIND.search(name)
            if len(named) > 1 and kind:  # 高新区管委会 among several parks: the 高新 one
                named = [p for p in named if kind.group() in p]
            if len(named) == 1:
                return Resolution(named[0], key, self.j.level or "其他", "园区管理", "prefix",
                                  100.0)
            name = f"{self.j.place or ''}{name}"
        return Resolution(name, key, self.j.level or "其他", "园区管理", tier, 100.0)

    def _unresolved(self, key: str,
                    carried: _Prefix | None = None) -> tuple[Resolution, _Prefix | None]:
        """Kept as written; a level word of the plan's own level gets the plan's place, and a
        bare name in a list takes the prefix the list carries (市发改委、国土房管局 → the
        city's 国土房管局, as 市国土房管局 is)."""
        prefix = self.prefixes(key)[0]
        canonical = key
        word = prefix.written.removesuffix("委") if prefix.party else prefix.written
        level = prefix.level
        if prefix.place is None and not word and carried is not None and carried.written:
            prefix, word, key = carried, carried.written, carried.written + key
            level = carried.level
        if prefix.place is None and word and level == self.j.level and self.j.place:
            canonical = self.j.place + key[len(word):]
        elif prefix.place is None and word:
            canonical = key
        res = Resolution(canonical, key, level or "其他", "", "unresolved", 0.0,
                         place=prefix.place)
        # a prefix written carries over the list, as a resolved name's does (市經貿委、
        # 國土房管局: the city's)
        return res, (prefix if word else carried)

    # ---------------------------------------------------------------- fuzzy pass

    def typos(self, first: dict[str, Resolution]) -> dict[str, Resolution]:
        """Unresolved surfaces that are likely typos of a resolved name of the plan, or of a
        function at the plan's level, resolved to it (tier fuzzy)."""
        wrong = [name_key(raw) for raw, r in first.items() if r.tier == "unresolved"]
        if not wrong:
            return {}
        known = {name_key(raw): r for raw, r in first.items()
                 if r.tier not in ("unresolved", "fuzzy")}
        by_length: dict[int, list[str]] = {}
        for w in wrong:
            by_length.setdefault(len(w), []).append(w)
        level = self.j.level or ""
        rows = self.table.derived(("typo rows", level), lambda: _typo_rows(self.table, level))
        index = self.table.derived(("typo rows by length", level), lambda: _by_length(rows))
        near = sorted({n for length, words in by_length.items()  # a typo is one character
                       for n, k in index.get(length, ())  # away: only rows as long as one
                       if any(Levenshtein.distance(w, k, score_cutoff=1) == 1 for w in words)})
        for r, bare, prefixed in (rows[n] for n in near) if level else ():
            res = self._qualified(r.function, self.j.level, _Prefix(
                None, self.j.level, False, bare, level), r, "alias")
            known.setdefault(prefixed, res)
            known.setdefault(bare, res)  # a bare surface meets a bare alias
        return {raw: fixed for raw, r in first.items() if r.tier == "unresolved"
                and (fixed := self.fuzzy(name_key(raw), known)) is not None}

    def fuzzy(self, key: str, known: dict[str, Resolution]) -> Resolution | None:
        """A likely typo of a resolved name of the same level: a wrong prefix character
        (事教育局 → 市教育局), one rare character in place of a common one (区教肓局), or two
        words swapped (省农村农业厅 → 省农业农村厅).
        Two real bodies that differ by one common character (水务局, 商务局) never meet."""
        if len(key) < 4:
            return None
        level = self.prefixes(key)[0].level or sounds_like_level(key) or self.j.level
        best, best_score = None, 0.0
        for cand, res in sorted(known.items()):
            if res.level != level or res.collective or len(cand) != len(key):
                continue
            if not is_swap(key, cand) and (Levenshtein.distance(key, cand) != 1
                                             or not is_typo(key, cand)):
                continue
            score = fuzz.ratio(key, cand, processor=name_key)
            if score > best_score:
                best, best_score = res, score
        return replace(best, tier="fuzzy", score=round(best_score, 1)) if best else None


def _by_first(table: AliasTable) -> dict[str, list[tuple[str, str]]]:
    """The places of `table` (name or short name, level) by their first character, each
    list in name order."""
    out: dict[str, list[tuple[str, str]]] = {}
    for name, (_, level) in sorted(table.places.items()):
        out.setdefault(name[:1], []).append((name, level))
    return out


def _reformed(table: AliasTable) -> dict[str, int]:
    """function → the year of the latest reform that renamed it."""
    reformed: dict[str, int] = {}
    for row in table.functions.values():
        if row.renamed:
            reformed[row.function] = max(reformed.get(row.function, 0), row.renamed)
    return reformed


def _typo_rows(table: AliasTable, level: str) -> list[tuple[AliasRow, str, str]]:
    """The function rows a typo at `level` may be weighed against (no collective, no fixed
    level), with their bare and level-prefixed keys."""
    return [(r, name_key(r.alias), name_key(level + r.alias)) for r in table.functions.values()
            if not r.collective and not r.level]


def _by_length(rows: list[tuple[AliasRow, str, str]]) -> dict[int, list[tuple[int, str]]]:
    """length → (index of a typo row, its bare or level-prefixed key of that length)."""
    out: dict[int, list[tuple[int, str]]] = {}
    for n, (_, bare, prefixed) in enumerate(rows):
        for key in dict.fromkeys((bare, prefixed)):
            out.setdefault(len(key), []).append((n, key))
    return out


def _agency_like(s: str) -> bool:
    return bool(lx.SECOND_NAME_ENDING.search(s))


def _level_word(level: str, prefix: _Prefix) -> str:
    if prefix.written and not prefix.place:
        return prefix.written.removesuffix("委")
    return {"国家": "", "乡镇": ""}.get(level, level)


def _weaker(a: str, b: str) -> str:
    return a if _RANK[a] >= _RANK[b] else b


def resolve_plan(plan: Plan, context: PlanContext, table: AliasTable) -> Plan:
    """Fill every assignment's canonical body; the same surface resolves the same way."""
    resolver = Resolver(table, context, [a.raw for t in plan.tasks for a in t.assignments])
    first: dict[str, Resolution] = {}
    resolved: list[list[Resolution]] = []
    shown: list[list[str]] = []  # each name as the plan shows it, a carried prefix added
    for task in plan.tasks:
        carried, row, names = None, [], []
        for a in task.assignments:
            if a.implicit:
                res, _ = resolver.resolve(a.raw)
                names.append(a.raw.strip())
            else:
                names.append(resolver.shown(a.raw, carried))
                res, carried = resolver.resolve(a.raw, carried)
            first.setdefault(a.raw, res)
            row.append(res)
        resolved.append(row)
        shown.append(names)
    fixed = resolver.typos(first)
    final = _bare_twins([[fixed.get(a.raw, r) for a, r in zip(t.assignments, row, strict=True)]
                         for t, row in zip(plan.tasks, resolved, strict=True)], resolver)
    display = _level_words(_local_names(final, shown), final, resolver)
    tasks = []
    for task, row in zip(plan.tasks, final, strict=True):
        assignments = tuple(_with(a, r, r.display if r.chosen else display[r.canonical])
                            for a, r in zip(task.assignments, row, strict=True))
        tasks.append(replace(task, assignments=assignments))
    return replace(plan, tasks=tuple(tasks), jurisdiction=resolver.j.place,
                   level=resolver.j.level)


def _second_names(keys: list[str]) -> dict[str, str]:
    """A second name the plan gives a body in brackets names that body in this plan too:
    县自然资源局(县林业局) makes 县林业局 the 县自然资源局 wherever the plan writes it."""
    out: dict[str, str] = {}
    for key in keys:
        m = lx.SECOND_NAME.match(key)
        if m and _agency_like(m.group("second")):
            out.setdefault(m.group("second"), m.group("main"))
    return out


def _with(a: Assignment, r: Resolution, display: str) -> Assignment:
    return Assignment(a.role, a.raw, r.canonical, a.implicit, display, r.level, r.function,
                      r.tier, r.score, r.collective, r.successor)


def _local_names(resolved: list[list[Resolution]], shown: list[list[str]]) -> dict[str, str]:
    """canonical → the name the plan shows it by most (first written on a tie): the plan's
    own words, with the prefix its list carries (区工信局、住建局 → 区住建局), never a
    national short form it does not use."""
    counts: dict[str, dict[str, int]] = {}
    for row, names in zip(resolved, shown, strict=True):
        for res, name in zip(row, names, strict=True):
            if name:
                seen = counts.setdefault(res.canonical, {})
                seen[name] = seen.get(name, 0) + 1
    return {canonical: max(names, key=lambda n: (names[n], -list(names).index(n)))
            for canonical, names in counts.items()}


def _bare_twins(resolved: list[list[Resolution]], resolver: Resolver) -> list[list[Resolution]]:
    """A name the plan writes both with its own prefix and bare (市國土房管局, 國土房管局),
    neither in a table, is one body: the bare one is the prefixed one's."""
    j = resolver.j
    twins: dict[str, str | None] = {}
    for r in (r for row in resolved for r in row):
        if r.tier == "unresolved" and r.level == j.level and not r.collective:
            p = resolver.prefixes(r.canonical)[0]
            if p.written and not p.party and (p.place is None or p.place == j.place):
                seen = twins.setdefault(p.rest, r.canonical)
                if seen != r.canonical:  # two places' names of one rest: neither
                    twins[p.rest] = None
    if not twins:
        return resolved
    return [[replace(r, canonical=twin, level=j.level or r.level)
             if r.tier == "unresolved" and not r.collective and not r.place
             and (twin := twins.get(r.canonical)) and not resolver.prefixes(r.canonical)[0].written
             else r for r in row] for row in resolved]


def _level_words(display: dict[str, str], resolved: list[list[Resolution]],
                 resolver: Resolver) -> dict[str, str]:
    """One way of showing the plan's own bodies: where it writes its level word before
    some of them (市發改委), every body of its level it writes bare is shown with that word
    too (外經貿局 → 市外經貿局), as its list's prefix already does for some (規劃局 →
    市規劃局). A plan that writes none keeps its bare names."""
    j = resolver.j
    if j.level in (None, "国家"):
        return display
    own: dict[str, Resolution] = {}
    for r in (r for row in resolved for r in row):
        if (r.level == j.level and not r.collective and not r.chosen
                and r.function != "园区管理" and r.canonical in display):
            own.setdefault(r.canonical, r)
    words: dict[str, int] = {}
    bare = []
    for canonical in own:
        shown = display[canonical]
        key = name_key(shown)
        p = resolver.prefixes(key)[0]
        if not p.written:
            r = own[canonical]  # a party body's word is 市委, a vertical one names its place
            if not r.function.startswith("党委") and resolver._vertical(key, False) is None \
                    and not (j.short and j.short in key):
                bare.append(canonical)
        elif p.place is None and len(key) == len(shown):
            word = shown[:len(p.written.removesuffix("委") if p.party else p.written)]
            if LEVEL_WORDS.get(name_key(word)) == j.level or (
                    resolver.municipality and name_key(word) == "市"):
                words[word] = words.get(word, 0) + 1
    if not words or not bare:
        return display
    word = max(sorted(words), key=words.__getitem__)
    return {**display, **{c: word + display[c] for c in bare}}
