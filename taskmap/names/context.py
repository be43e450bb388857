"""What a plan says about itself, read once from its Document: `plan_context(doc, table)`.

- the **title** (`names.titles`: the plan's own, joined over the lines it runs onto; never a
  file name, an attachment label, a metadata row or a document it cites);
- **where the plan starts**: a notice that carries the plan (`…关于印发…的通知`, its
  salutation, its own `一、二、三、`, the issuer's name and the date) ends at its date line,
  and the plan's own outline starts at the title that follows;
- the **place and level** it belongs to: its title, else its issuer, else the place it
  names for itself (`结合官渡区实际`); a document it cites (`根据《昆明市…》`) names another;
- the **date of issue**: a metadata field (`发布时间:2016-03-31`, `发文日期 2023-01-03`),
  a date line under the signature (`2017年3月15日`, `二○○六年四月二十八日`), its own document
  number (`穗府办〔2006〕19号`), else the first year of the period in its title;
- the **places of the levels above it** that its text names (包头市 in a district plan).
"""

from __future__ import annotations

import re
from functools import cache

from .. import lexicon as lx
from ..models import Document, PlanContext
from .places import (
    PLACE,
    PLAN_WORDS,
    TITLE,
    TRAILING_NOTE,
    place_level,
    plausible_place,
)
from .tables import AliasTable
from .titles import find_title

_TOP = 40  # lines near the top that may hold a title, metadata or a notice
_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"○": 0, "零": 0, "Ｏ": 0}
_CN_NUM = "〇○零Ｏ一二三四五六七八九十"
_DATE = re.compile(r"((?:19|20)\d\d)\s*[-年./]\s*(\d{1,2})\s*[-月./]\s*(\d{1,2})\s*日?")
_DATE_LINE = re.compile(rf"^\s*(?:(?:19|20)\d\d|[{_CN_NUM}]{{4}})\s*年\s*[\d{_CN_NUM}]{{1,3}}\s*月"
                        rf"\s*[\d{_CN_NUM}]{{1,3}}\s*日\s*$")
_FIELD_DATE = re.compile(r"(?:发布|发文|成文|印发|公开|生成)(?:时间|日期)\s*[:]?\s*"
                         r"((?:19|20)\d\d\s*[-年./]\s*\d{1,2}\s*[-月./]\s*\d{1,2})")
_PERIOD = re.compile(r"\(\s*((?:19|20)\d\d)\s*[—\-–~至到]+\s*(?:19|20)?\d\d\s*年?\s*\)")
_CITED = re.compile(r"(?:根据|按照|依据|贯彻|落实|对照|参照|结合|执行|依照)[^《]{0,12}$")
_OWN_PLACE = re.compile(r"结合(?P<place>[\u4e00-\u9fff]{2,8}?"
                        r"(?:自治区|自治州|自治县|省|市|县|区|旗|盟))(?:的)?实际")
_NOTICE = re.compile(r"(?:关于)?(?:印发|转发|下发|公布)[^。]{2,80}?的?(?:通知|通告|决定)$|通知$")
_ISSUER_FIELD = re.compile(r"(?:发布机构|发文机关|发文单位|来源|信息来源)\s*[:]?\s*"
                           r"(?P<who>[\u4e00-\u9fff()]{4,30}?)(?:\s|$)")
# A repost's note on a line of its own between a notice and the plan: (本文有删减).
_EDITORS_NOTE = re.compile(r"^\([^()]{1,20}\)$")
_NAMED_PLACE = re.compile(r"[\u4e00-\u9fff]{2,6}?(?:自治区|自治州|省|市)")
_ABOVE = {"省": (), "市": ("省",), "县": ("省", "市"), "区": ("省", "市"), "乡镇": ("省", "市"),
          "其他": ()}


def plan_context(doc: Document, table: AliasTable) -> PlanContext:
    """Everything the later stages need to know about the plan, read once.

    >>> from taskmap.read import document_from_text
    >>> ctx = plan_context(document_from_text("青岚市节能方案\\n一、…\\n青岚市发展改革委\\n"
    ...                                       "2016年3月31日"), AliasTable.load())
    >>> ctx.place, ctx.level, ctx.year
    ('青岚市', '市', 2016)
    """
    views = doc.views
    start, plan_title = _plan_start(views)
    issuer = _issuer(views)
    place, level = _jurisdiction(views, table, start, issuer)
    date, year = _date(views)
    number = _number(doc)
    parents = _parent_places(views, table, place, level)
    title = _as_written(find_title(views, start, plan_title), doc)
    return PlanContext(title=title, issuer=issuer, place=place, level=level, date=date,
                       year=year, number=number, body_start=start,
                       parents=tuple(sorted(parents.items())))


def _as_written(title: str | None, doc: Document) -> str | None:
    """The title (found on the Simplified view of the lines) in the characters the plan
    writes it in. A view is its line character for character, so the title is looked up in
    the top lines' views run together (spaces and line ends left out) and read back from
    the lines at the same places; a title made of pieces not found so is given each
    character as the top lines write it where they write it one way only."""
    if title is None:
        return None
    source, view = [], []
    for line, folded in zip(doc.lines[:_TOP * 3], doc.views[:_TOP * 3], strict=True):
        for c, v in zip(line, folded, strict=True):
            if not v.isspace():
                source.append(c)
                view.append(v)
    if source == view:
        return title  # written in Simplified
    bare = "".join(title.split())
    at = "".join(view).find(bare)
    if at >= 0:
        shown = iter(source[at:at + len(bare)])
        return "".join(ch if ch.isspace() else next(shown) for ch in title)
    forms: dict[str, set[str]] = {}
    for c, v in zip(source, view, strict=True):
        forms.setdefault(v, set()).add(c)
    return "".join(next(iter(forms[v])) if len(forms.get(v, ())) == 1 else v for v in title)


@cache
def _numbers(open_class: str, close_class: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A document number (文号: 黔党发〔2022〕24号) in the brackets of the words in force: a
    line that is one (its year a group), and one inside a line (the number the group n)."""
    year = rf"{open_class}((?:19|20)\d\d){close_class}"
    return (re.compile(rf"^\s*\S{{1,14}}{year}\s*\d+\s*号\s*$"),
            re.compile(rf"(?P<n>[\u4e00-\u9fff]{{1,10}}{year}\s*\d{{1,4}}\s*号)"))


def _number(doc: Document) -> str | None:
    """The plan's own document number (文号), on a line of its own near the top or in a
    metadata field (文号 …); a number cited in a sentence is another document's."""
    for line, v in zip(doc.lines[:_TOP], doc.views[:_TOP], strict=False):
        m = _numbers(lx.OPEN_CLASS, lx.CLOSE_CLASS)[1].search(v)
        if m and (len(v.strip()) <= 24 or re.search(r"文\s*号", v[:m.start()])):
            return line[m.start("n"):m.end("n")].strip()
    return None


# ----------------------------------------------------------------------------- the notice

def _plan_start(views: tuple[str, ...]) -> tuple[int, str | None]:
    """(line where the plan itself starts, its title) when a notice carries it, else (1, None).

    A notice carries a plan when its opening lines hold a notice title or a salutation
    (`各…:`), and a date line stands before the plan's own title line."""
    top = views[:_TOP * 3]
    notice = any(_NOTICE.search(v.strip()) for v in top[:_TOP]) or any(
        _salutation(v) for v in top[:_TOP])
    if not notice:
        return 1, None
    for i, v in enumerate(top):
        if not _DATE_LINE.match(v):
            continue
        for k in range(i + 1, min(i + 8, len(views))):
            line = views[k].strip()
            if not line or re.match(r"^附件\s*\d*\s*[:]?$", line) or _EDITORS_NOTE.match(line):
                continue
            if _title_like(line):
                return k + 1, line
            break
    return 1, None


def _salutation(v: str) -> bool:
    """各区县人民政府,市政府各部门、各直属机构: — the addressees of a notice."""
    s = v.strip()
    return s.startswith("各") and s.endswith(":") and len(s) <= 80


def _title_like(line: str) -> bool:
    if len(line) > 4 * 70:  # no title (a note after it aside), and no pattern run over it
        return False
    bare = TRAILING_NOTE.sub("", line).strip()
    return 4 <= len(bare) <= 70 and bare.endswith(
        (*PLAN_WORDS, "表", "项目", "事项", "任务", "分工"))


# ----------------------------------------------------------------------------- place

def _jurisdiction(views, table: AliasTable, start: int,
                  issuer: str | None) -> tuple[str | None, str | None]:
    """The plan's own place: its title, else its issuer, else `结合X实际`."""
    text = "\n".join(views)
    top = [n for n, line in enumerate(views[:_TOP]) if line.strip()][:3]
    lines = list(enumerate(views[:_TOP]))
    if start > 1:  # the plan's own title first, then the notice's
        lines = [(start - 1, views[start - 1]), *lines]
    for n, v in lines:
        line = v.strip()
        bare = TRAILING_NOTE.sub("", line)
        titles = [m.group(1) for m in TITLE.finditer(line) if not _CITED.search(line[:m.start()])]
        if not titles and len(bare) <= 70 and bare.endswith(PLAN_WORDS):
            titles = [bare]
        for title in titles:
            found = _place_of(title, table, text, n in top or n == start - 1)
            if found:
                return found
    for candidate in (issuer, *(m.group("place") for m in _OWN_PLACE.finditer(text))):
        found = _place_of(candidate or "", table, text, True) if candidate else None
        if found:
            return found
    return None, None


def _place_of(title: str, table: AliasTable, text: str,
              trusted: bool) -> tuple[str | None, str | None] | None:
    title = re.sub(r"^(?:中共|中国共产党)", "", title)
    title = re.sub(r"^(?:关于)?(?:印发|转发)", "", title)
    if title.startswith(("国务院", "国家")):
        return None, "国家"
    m = PLACE.match(title)
    if m and plausible_place(m.group("place")) and (text.count(m.group("place")) >= 2 or trusted):
        place = m.group("place")
        inner = PLACE.match(title[m.end():])  # 溪山市钟岭区…: the plan is the district's
        if inner and plausible_place(inner.group("place")) and _below(
                place_level(inner.group("place")), _level(table, place)):
            place = inner.group("place")
        return place, _level(table, place)
    return None


_RANK = {"国家": 0, "省": 1, "市": 2, "县": 3, "区": 3, "乡镇": 4}


def _level(table: AliasTable, place: str) -> str:
    return table.places.get(place, (place, place_level(place)))[1]


def _below(inner: str, outer: str) -> bool:
    return _RANK.get(inner, 9) > _RANK.get(outer, 9)


def _issuer(views: tuple[str, ...]) -> str | None:
    """The body that issued the plan: a metadata field, else the signature above the date."""
    for v in views[:_TOP]:
        m = _ISSUER_FIELD.search(v)
        if m and not m.group("who").startswith(("本站", "本网")):
            return m.group("who")
    for i, v in enumerate(views):
        if _DATE_LINE.match(v) and i > 0:
            above = views[i - 1].strip() or (views[i - 2].strip() if i > 1 else "")
            if 4 <= len(above) <= 24 and lx.looks_like_agency(above):
                return above
    return None


def _parent_places(views, table: AliasTable, place: str | None,
                   level: str | None) -> dict[str, str]:
    """level → the place above the plan's own that its text names most, and clearly
    (包头市 in a district plan of 包头市), so that 市发改委 reads as that city's."""
    if level in (None, "国家"):
        return {}
    counts: dict[str, int] = {}
    for m in _NAMED_PLACE.finditer("\n".join(views)):
        named = m.group()
        if named != place and plausible_place(named):
            counts[named] = counts.get(named, 0) + 1
    parents = {}
    for above in _ABOVE.get(level, ()):
        ranked = sorted((n, p) for p, n in counts.items()
                        if table.places.get(p, (p, place_level(p)))[1] == above)
        if not ranked:
            continue
        clear = len(ranked) == 1 or ranked[-1][0] >= 2 * ranked[-2][0]
        if ranked[-1][0] >= 2 and clear:
            parents[above] = ranked[-1][1]
    return parents


# ----------------------------------------------------------------------------- date

def _date(views: tuple[str, ...]) -> tuple[str | None, int | None]:
    """(ISO date of issue, year), from the most explicit evidence the plan gives."""
    near = list(views[:_TOP]) + list(views[-15:])
    for v in near:
        m = _FIELD_DATE.search(v)
        if m:
            return _iso(_DATE.match(m.group(1)))
    for v in near:
        if _DATE_LINE.match(v):
            return _iso_line(v)
    for v in near:
        m = _numbers(lx.OPEN_CLASS, lx.CLOSE_CLASS)[0].match(v)
        if m:
            return None, int(m.group(1))
    for v in views[:_TOP]:
        line = v.strip()
        if len(line) <= 80 and line.rstrip(")").endswith((*PLAN_WORDS, "年")):
            m = _PERIOD.search(line)
            if m:
                return None, int(m.group(1))
    return None, None


def _iso(m: re.Match | None) -> tuple[str | None, int | None]:
    if m is None:
        return None, None
    year, month, day = (int(g) for g in m.groups())
    return f"{year:04d}-{month:02d}-{day:02d}", year


def _iso_line(v: str) -> tuple[str | None, int | None]:
    """A date line in Arabic or Chinese numerals: 2017年3月15日, 二○○六年四月二十八日."""
    parts = re.findall(rf"([\d{_CN_NUM}]+)\s*[年月日]", v)
    if len(parts) != 3:
        return None, None
    year = int(parts[0]) if parts[0].isdigit() else int("".join(
        str(_CN_DIGITS.get(c, 0)) for c in parts[0]))
    month, day = (_cn_number(p) for p in parts[1:])
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None, year
    return f"{year:04d}-{month:02d}-{day:02d}", year


def _cn_number(s: str) -> int:
    """12, 十二, 二十八 → int."""
    if s.isdigit():
        return int(s)
    if "十" in s:
        tens, _, units = s.partition("十")
        return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(units, 0)
                                                                 if units else 0)
    return _CN_DIGITS.get(s, 0)
