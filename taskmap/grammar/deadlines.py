"""A task's deadline text as a due date: `due(text, year)` → (ISO date or None, kind).

The date is the last day of the period the text names: `2024年底前` → 2024-12-31,
`2024年9月` → 2024-09-30, `2025年上半年` → 2025-06-30, `2024年第三季度` → 2024-09-30,
`2024—2026年` → 2026-12-31 (a range ends with its last year), `“十四五”期间` → 2025-12-31.
Where the text names several dates, the latest is the due date (`2024年6月底前启动,12月底前
完成` → 2024-12-31); a month or a season without its year takes the year of the text's
last year named before it, else the plan's year (`plan_year`); a date followed by
`起` / `开始` / `以来` is where the work starts, not a due date.

Kinds (`due_kind`): "date" (a due date), "recurring" (`每季度`, `每年6月底前`: no single due
date), "ongoing" (`长期坚持`, `持续推进`, `常态化`), "immediate" (`即时`, `立即`),
"unresolved" (a deadline taskmap cannot date: `春节前`, or `6月底前` in a plan that states
no year — never guessed); None where the task has no deadline text.
"""

from __future__ import annotations

import calendar
import difflib
import re
import unicodedata

from ..models import PlanContext

DATE, RECURRING, ONGOING, IMMEDIATE, UNRESOLVED = (
    "date", "recurring", "ongoing", "immediate", "unresolved")
KINDS = (DATE, RECURRING, ONGOING, IMMEDIATE, UNRESOLVED)

_CN = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_NUM = r"(?:\d{1,2}|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])"
_TOKEN = re.compile(
    r"(?P<iy>(?:19|20)\d\d)[-/.](?P<im>\d{1,2})[-/.](?P<id>\d{1,2})"
    r"|(?P<ay>(?:19|20)\d\d)[-/.](?P<am>1[0-2]|0?[1-9])(?![\d./-])"
    r"|(?P<y>(?:19|20)\d\d)(?!\d)\s*(?:年度|年(?![底末中]))?"
    r"|(?P<ry>今年|本年度?|当年|年内|全年|明年|次年)"
    r"|十(?P<fy>[一二三四五六七八九])五"
    rf"|(?P<m>{_NUM})\s*月份?(?:\s*(?P<d>{_NUM})\s*[日号]|(?P<x>上旬|中旬|下旬|底|末|中))?"
    r"|(?P<q>[一二三四1-4])\s*季度"
    r"|(?P<h>上半年|下半年|年中|年底|年末)")
_START = re.compile(r"\s*(?:起|开始|以来)")
# periods that move from year to year, or that name no day: no date is guessed for a
# deadline they set (春节前, 汛期, 采暖季结束) — a season the task's own wording names
# (2024年底前完成冬季清洁取暖改造) sets none
_MOVABLE = re.compile(
    r"(?:春节|元旦|清明|端午|中秋|国庆|汛期|汛前|汛后|[春夏秋冬]季|采暖季|供暖季|开学)"
    r"(?=\s*(?:前|后|之前|以前|期间|结束|来临|到来|开始|[,,。;;、)]|$))")
_RECURRING = re.compile(r"每(?:年|季度?|半年|月|旬|周|日|天)|定期|按(?:年|季度?|月)|逐年")
_ONGOING = re.compile(r"长期|持续|常态|久久为功|一以贯之|坚持不懈|经常性|不间断")
_IMMEDIATE = re.compile(r"即时|立即|即日|马上|立行立改")


def _number(s: str) -> int:
    """12, 十二, 二十八, 六 → int."""
    if s.isdigit():
        return int(s)
    if "十" in s:
        tens, _, units = s.partition("十")
        return (_CN.get(tens, 1) if tens else 1) * 10 + (_CN.get(units, 0) if units else 0)
    return _CN.get(s, 0)


def _end(year: int, month: int, day: int | None = None) -> tuple[int, int, int] | None:
    if not 1 <= month <= 12:
        return None
    last = calendar.monthrange(year, month)[1]
    return year, month, last if day is None or not 1 <= day <= last else day


def due(text: str | None, year: int | None) -> tuple[str | None, str | None]:
    """(ISO due date or None, kind) of a deadline `text` in a plan of `year` (None: the
    plan states none, and nothing is dated by it).

    >>> due("2024年底前完成", None)
    ('2024-12-31', 'date')
    >>> due("6月底前", 2025), due("6月底前", None)
    (('2025-06-30', 'date'), (None, 'unresolved'))
    >>> due("2024年底前完成冬季清洁取暖改造", None), due("2024年春节前", None)
    (('2024-12-31', 'date'), (None, 'unresolved'))
    >>> due("每季度", 2024), due("长期坚持", 2024)
    ((None, 'recurring'), (None, 'ongoing'))
    """
    if text is None or not text.strip():
        return None, None
    text = unicodedata.normalize("NFKC", text)
    explicit: list[tuple[int, int, int]] = []  # dates whose year the text writes
    implied: list[tuple[int, int, int]] = []  # dates that take the plan's year
    undated = False  # a month or season the plan's year would date, when it has none
    current: int | None = None  # the last year the text named
    pending: int | None = None  # a year named, not yet followed by its month or season
    for m in _TOKEN.finditer(text):
        start = bool(_START.match(text, m.end()))
        if m["y"] or m["ry"]:
            if pending is not None:
                explicit.append((pending, 12, 31))
                pending = None
            if m["y"]:
                current = int(m["y"])
            elif year is None:
                undated = True
                continue
            else:
                current = year + (1 if m["ry"] in ("明年", "次年") else 0)
                if not start:
                    implied.append((current, 12, 31))
                continue
            pending = None if start else current
            continue
        if m["iy"]:
            pending, current = None, int(m["iy"])
            if not start and (d := _end(current, int(m["im"]), int(m["id"]))):
                explicit.append(d)
            continue
        if m["ay"]:  # a table's cell: 2024.6
            pending, current = None, int(m["ay"])
            if not start and (d := _end(current, int(m["am"]))):
                explicit.append(d)
            continue
        if m["fy"]:
            pending = None
            explicit.append((1955 + 5 * (10 + _CN[m["fy"]]), 12, 31))
            continue
        named = pending if pending is not None else current
        pending = None
        y = named if named is not None else year
        if y is None:
            undated = True
            continue
        if m["m"]:
            month = _number(m["m"])
            x = m["x"] or ""
            day = (_number(m["d"]) if m["d"] else 10 if x == "上旬" else 20 if x == "中旬"
                   else 15 if x == "中" else None)
            end = _end(y, month, day)
        elif m["q"]:
            q = m["q"]
            end = _end(y, 3 * (int(q) if q.isdigit() else _CN[q]))
        else:
            end = _end(y, 6 if m["h"] in ("上半年", "年中") else 12)
        if end is not None and not start:
            (explicit if named is not None else implied).append(end)
    if pending is not None:
        explicit.append((pending, 12, 31))
    if _MOVABLE.search(text):
        return None, UNRESOLVED
    recurring = bool(_RECURRING.search(text))
    if explicit or (implied and not recurring and not undated):
        last = max(explicit or implied)
        return "{:04d}-{:02d}-{:02d}".format(*last), DATE
    if recurring:
        return None, RECURRING
    if _ONGOING.search(text):
        return None, ONGOING
    if _IMMEDIATE.search(text):
        return None, IMMEDIATE
    return None, UNRESOLVED


_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
_RANGE = re.compile(r"(?:19|20)\d\d\s*年?\s*[-—–~至到]+\s*(?:19|20)?\d\d")


def plan_year(context: PlanContext) -> int | None:
    """The year a deadline without its own year belongs to: the one year the plan's title
    names (`2024年…工作要点`, issued in December 2023, is 2024's), else the year of its date
    of issue (a metadata field or the date under the signature), else of its own document
    number (`〔2024〕12号`); None when the plan states none of these. A title's period
    (`(2021—2025年)`) names no one year, and is not taken for the date of issue."""
    title = context.title or ""
    years = set(_YEAR.findall(title))
    if len(years) == 1 and not _RANGE.search(title):
        return int(years.pop())
    if context.date:
        return int(context.date[:4])
    if context.number and (m := _YEAR.search(context.number)):
        return int(m.group(1))
    return None


_MASK = "\x00"  # stands for one date in a masked text
_LEFT_OVER = 4  # at most this many characters besides dates in a deadline's own edit


def date_edit(old: str | None, new: str | None) -> tuple[bool, bool]:
    """(dates changed, wording changed besides its dates) between two wordings of one
    task: `推进改造。` → `推进改造,2024年底前完成。` adds a deadline and nothing else (an edit
    of dates with at most a few characters around them, 前完成), `2024年底前` → `2025年6月
    底前` moves one; a rewording that keeps its dates is a change of wording only.

    >>> date_edit("推进改造。", "推进改造,2024年底前完成。")
    (True, False)
    >>> date_edit("推进改造,2024年底前完成。", "加快推进改造,2025年6月底前完成。")
    (True, True)
    >>> date_edit("推进改造。", "加快推进改造。")
    (False, True)
    """
    old, new = unicodedata.normalize("NFKC", old or ""), unicodedata.normalize("NFKC", new or "")
    if old == new:
        return False, False
    dates_old = [m.group().strip() for m in _TOKEN.finditer(old)]
    dates_new = [m.group().strip() for m in _TOKEN.finditer(new)]
    masked_old, masked_new = _TOKEN.sub(_MASK, old), _TOKEN.sub(_MASK, new)
    if dates_old == dates_new:
        return False, True
    matcher = difflib.SequenceMatcher(None, masked_old, masked_new, autojunk=False)
    edits = [masked_old[i1:i2] + masked_new[j1:j2]
             for op, i1, i2, j1, j2 in matcher.get_opcodes() if op != "equal"]
    reworded = any(
        len(re.sub(r"[\W_]", "", e.replace(_MASK, ""))) > (_LEFT_OVER if _MASK in e else 0)
        for e in edits)
    return True, reworded


def dates(text: str | None) -> list[str]:
    """The dates a text writes, as it writes them, in order (`2024年底前完成` → 2024, 年底).

    >>> dates("2024年6月底前启动,12月底前完成")
    ['2024年', '6月底', '12月底']
    """
    return [m.group().strip() for m in _TOKEN.finditer(unicodedata.normalize("NFKC", text or ""))]
