"""Places and levels: the plan's own jurisdiction, read from its title, and the words
that name places (六盘水市, 浙江省) and levels (省, 市, 区, 自治区)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..normalize import view
from .tables import AliasTable

LEVEL_WORDS = {"国家": "国家", "中央": "国家", "国务院": "国家", "省": "省", "自治区": "省",
               "市": "市", "州": "市", "自治州": "市", "盟": "市", "县": "县", "自治县": "县",
               "旗": "县", "区": "区", "特区": "区",
               "乡": "乡镇", "镇": "乡镇", "街道": "乡镇", "乡镇": "乡镇"}
PLACE_SUFFIX = {"特别行政区": "省", "自治区": "省", "省": "省", "自治州": "市", "地区": "市",
                 "州": "市", "盟": "市", "市": "市", "自治县": "县", "县": "县", "旗": "县",
                 "特区": "区", "新区": "区", "区": "区"}
SUFFIX_ALT = "|".join(sorted(PLACE_SUFFIX, key=len, reverse=True))
PLACE = re.compile(rf"^(?P<place>[\u4e00-\u9fff]{{2,8}}?(?:{SUFFIX_ALT}))")

NESTED_PLACE = re.compile(r"^.{2,8}?(?:省|自治区|市|州|盟)(?P<inner>.{2,6}?(?:区|县|市|旗))$")
LEVEL_NAMES = ("自治区", "自治州", "自治县", "特区", "新区", "地区", "特别行政区")

TITLE = re.compile(r"《([^》]{2,60}?)》")
TRAILING_NOTE = re.compile(r"(?:\s*\([^()]{1,20}\))+$")
PLAN_WORDS = ("方案", "计划", "意见", "规划", "要点", "清单", "办法", "通知", "措施")
@dataclass(frozen=True)
class Jurisdiction:
    """The place a plan belongs to (昆都仑区, level 区); None when it names none."""

    place: str | None
    level: str | None

    @property
    def short(self) -> str | None:
        if not self.place:
            return None
        m = re.match(rf"^(.{{2,}}?)(?:{SUFFIX_ALT})$", self.place)
        return m.group(1) if m else self.place


def plan_jurisdiction(lines: tuple[str, ...], table: AliasTable) -> Jurisdiction:
    """The plan's own place, from its title (《…方案》 or a title line) near the top.

    A candidate counts only if the document names it again (a title that merely opens
    with a word ending in 市 or 区 does not make a place).
    """
    text = view("\n".join(lines))
    top = [n for n, line in enumerate(lines[:40]) if line.strip()][:3]
    for n, line in enumerate(lines[:40]):
        v = view(line).strip()
        bare = TRAILING_NOTE.sub("", v)  # 方案(2024—2028年), 方案(征求意见稿)
        titles = TITLE.findall(v) or (
            [bare] if len(bare) <= 60 and bare.endswith(PLAN_WORDS) else [])
        for title in titles:
            title = re.sub(r"^(?:中共|中国共产党)", "", title)
            if title.startswith("国务院") or title.startswith("国家"):
                return Jurisdiction(None, "国家")
            m = PLACE.match(title)
            if m and plausible_place(m.group("place")) and (
                    text.count(m.group("place")) >= 2 or n in top):
                place = m.group("place")
                level = table.places.get(place, (place, place_level(place)))[1]
                return Jurisdiction(place, level)
    return Jurisdiction(None, None)


NOT_PLACE = ("推进", "加快", "关于", "实施", "建设", "开展", "全面", "深入", "印发", "城市")


def plausible_place(place: str) -> bool:
    """A place name, not a title that happens to reach a 市 or 区 (推进城市更新…)."""
    return not any(word in place for word in NOT_PLACE)


def place_level(place: str) -> str:
    for suffix in sorted(PLACE_SUFFIX, key=len, reverse=True):
        if place.endswith(suffix):
            return PLACE_SUFFIX[suffix]
    return "其他"


_DATE_LINE = re.compile(r"^\s*((?:19|20)\d\d)\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*$")
_OWN_NUMBER = re.compile(r"^\s*\S{1,14}[〔\[(]((?:19|20)\d\d)[〕\])]\s*\d+\s*号\s*$")
_PERIOD = re.compile(r"\(\s*((?:19|20)\d\d)\s*[—\-–~至到]+\s*(?:19|20)?\d\d\s*年?\s*\)")


def plan_year(lines: tuple[str, ...]) -> int | None:
    """The year the plan was issued: its date line (2017年3月15日), else its own document
    number (X政发〔2017〕12号) on a line near the top, else the first year of a period in
    its title (…规划(2016—2020年)); None when it gives none."""
    near = [view(x) for x in lines[:40] + lines[-15:]]
    for pattern in (_DATE_LINE, _OWN_NUMBER):
        for line in near:
            m = pattern.match(line)
            if m:
                return int(m.group(1))
    for line in near[:40]:
        if len(line) <= 80 and line.strip().rstrip(")").endswith((*PLAN_WORDS, "年")):
            m = _PERIOD.search(line)
            if m:
                return int(m.group(1))
    return None
