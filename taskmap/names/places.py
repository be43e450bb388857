"""The words that name places (六盘水市, 浙江省) and levels (省, 市, 区, 自治区), and the
Jurisdiction of a plan (its place and level, read by `context.plan_context`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

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
# (a run of spaces is tried only at its start: linear on a line of thousands of tabs)
TRAILING_NOTE = re.compile(r"(?:(?<!\s)\s*\([^()]{1,20}\))+$")
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


NOT_PLACE = ("推进", "加快", "关于", "实施", "建设", "开展", "全面", "深入", "印发", "城市")


def plausible_place(place: str) -> bool:
    """A place name, not a title that happens to reach a 市 or 区 (推进城市更新…)."""
    return not any(word in place for word in NOT_PLACE)


def place_level(place: str) -> str:
    for suffix in sorted(PLACE_SUFFIX, key=len, reverse=True):
        if place.endswith(suffix):
            return PLACE_SUFFIX[suffix]
    return "其他"
