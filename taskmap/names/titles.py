"""The plan's own title, read from the top of its text: `find_title(views, start, found)`.

A title is a short line near the top that ends in the name of a kind of plan (…实施方案,
…工作要点, …任务分解表, …责任分解), found in this order:

1. the plan's title line after a covering notice (`found`, from `names.context`), or the
   first such line near the top — joined with the lines it runs onto when the title is set
   over two or three lines (`关于加快推进…` / `…的实施方案`), and with an edition note on a
   line of its own (`(2025年版)`);
2. else a document file's name a page shows (`《…工作方案.docx》由会员分享`);
3. else the plan a news report names (`近日,…印发关于…的意见`, `印发…的通知` → the plan);
4. else the title of the notice that is itself the plan (`…关于2020年重点工作及责任分解的通知`);
5. else a page's metadata row (`名称: …`);
6. else None: the plan states no title (the outputs then say so; see `present.labels`).

A title is cleaned of what a page or a reprint puts around it: an attachment label
(`附件:`, `附件1`), a document number before or after it (`鲁政办字〔2015〕46号 …`,
`…(池政〔2017〕101号)`), a bracketed site label (`【专题】…`) or a site name after a dash,
a headline's lead before a colon (`…奖励政策:关于…的意见`), the 《》 that wrap it whole, a
file extension, and pronunciations a page adds in brackets (`重点(diǎn)`). A 《…》 cited
inside a sentence (`根据《政府工作报告》`) is another document's title and never the plan's.
A progress report's title (`…一季度完成情况`) is taken only when no plan title stands near
the top.
"""

from __future__ import annotations

import re
from functools import cache

from .. import lexicon as lx
from .places import PLAN_WORDS, TRAILING_NOTE

_TOP = 40  # lines near the top that may hold the title
_LEAD = 400  # characters of a line where a news report names the plan it reports
_MAX = 70  # characters in a title, at most
_LONG_ALONE = 15  # a line this long that is a title on its own starts a title, never ends one
# How a title may end: the kinds of plan, and the tables and lists a plan is published as.
_ENDINGS = (*PLAN_WORDS, "表", "项目", "事项", "任务", "分工", "分解", "实事", "举措", "细则",
            "决定", "纲要", "通告")
_NOTICE_ENDINGS = ("通知", "通告")
_PROGRESS = re.compile(r"(?:19|20)\d\d\s*年.*(?:完成|执行|推进|进展|落实)情况$")
_CN = "一二三四五六七八九十"
_HEADING = re.compile(rf"^\s*(?:[{_CN}]{{1,3}}\s*[、.]|\(\s*[{_CN}\d]{{1,3}}\s*\)"
                      rf"|\d{{1,3}}\s*[.、．]|第[{_CN}\d]{{1,3}}[章节条部]|[①-⑳])")
_ATTACHMENT = re.compile(r"^附\s*件\s*\d*\s*[:]?\s*")
_FIELD = re.compile(r"^(?:名\s*称|标\s*题|文件名称|主\s*题)\s*[:]\s*")
_NEXT_FIELD = re.compile(r"\s+\S{1,6}\s*[:]")  # 名称: X 文号: — the next field of the row
_SITE_TAG = re.compile(r"^【[^】]{1,20}】\s*")
_SITE_SUFFIX = re.compile(r"\s*[-_|—]+\s*[^-_|—]{1,20}$")
_EXTENSION = re.compile(r"\.(?:docx?|wps|pdf|xlsx?|txt|ofd)$", re.IGNORECASE)
_PINYIN = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,8}\)")
_SENTENCE = re.compile(r"[。,;!?、]")  # 、 too: a list, not a title line
_DATE_LINE = re.compile(r"^\s*(?:19|20)\d\d\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?\s*$")
_EDITION = re.compile(r"^\(\s*(?:19|20)\d\d[^()月日]{0,10}\)$")  # (2025年版), (2021-2025年)
# A line a title set over several may start on: a name, not a note, a bullet or a number.
_START = re.compile(r"^[\u4e00-\u9fff《“\d][^\s]*[\u4e00-\u9fff][^\s]*[\u4e00-\u9fff]")
_NEWS = re.compile(r"(?:近日|日前|昨日|今日|\d{1,2}\s*月\s*\d{1,2}\s*日)")
_ISSUES = re.compile(r"^.*?(?:印发|转发|下发|下达)\s*《?(?P<x>.+?)》?\s*的?(?:通知|通告)$")
_FILE_TITLE = re.compile(r"《([^《》]{4,80}?)\.(?:docx?|wps|pdf)》")
_CITING = re.compile(r"(?:根据|按照|依据|贯彻|落实|对照|参照|执行|依照|关于)\s*$")
_REPORTED = re.compile(r"(?:印发|发布|挂出)(?:了)?\s*《?\s*(?P<t>[^。;!?,、]{4,80}?"
                       r"(?:的)?(?:通知|意见|方案|计划|要点|措施))(?=》|[。,;!?\s]|$)")


def find_title(views: tuple[str, ...], start: int, found: str | None) -> str | None:
    """The plan's own title (see the module), or None when it states none."""
    top = [v.strip() for v in views[:_TOP * 3]]
    if found is not None:  # the title line after a covering notice, set over one or more
        joined = _joined(top, start - 1) if 0 < start <= len(top) else None
        return _clean(joined[0] if joined else found)
    progress = notice = None
    i = 0
    while i < min(len(top), _TOP):
        joined = _joined(top, i)
        if joined is None:
            i += 1
            continue
        title, last = joined
        if title.endswith(_NOTICE_ENDINGS):
            notice = notice or title
        elif _PROGRESS.search(title):
            progress = progress or title
        else:
            return _fuller(top, last + 1, title)
        i = last + 1
    for v in top[:_TOP]:
        m = _FILE_TITLE.search(v)
        if m:
            return _clean(m.group(1))
    if progress:
        return progress
    reported = _reported(top[:8])
    if reported:
        return reported
    if notice:
        return _notice_plan(notice)
    for v in top[:_TOP]:
        if _FIELD.match(v):
            value = _clean(_NEXT_FIELD.split(_FIELD.sub("", v[:4 * _MAX]), maxsplit=1)[0])
            if value and _titled(value):
                return _notice_plan(value) if value.endswith(_NOTICE_ENDINGS) else value
    return None


def _fuller(top: list[str], i: int, title: str) -> str:
    """The same title set out in full further down, if it is: a page's heading may drop
    the place the plan's own title line names (`贯彻落实…方案` / `石景山区贯彻落实…方案`)."""
    while i < min(len(top), _TOP):
        joined = _joined(top, i)
        if joined and joined[0] != title and joined[0].endswith(title):
            return joined[0]
        i = joined[1] + 1 if joined else i + 1
    return title


def _joined(top: list[str], i: int) -> tuple[str, int] | None:
    """The title that starts on line `i` (cleaned), and the line it ends on; None if none.

    A line that is a title on its own is one, unless the lines after it make a notice's
    title of it (`关于征集…项目` / `…意见建议的通告`) or add its edition (`(2025年版)`); a
    line that is not runs on over at most two more short lines until the whole is one."""
    first = _line(top[i])
    if first is None:
        return None
    parts, ends = [first], [i]
    j = i + 1
    while len(parts) < 3:
        while j < len(top) and not top[j]:
            j += 1
        nxt = _continuation(top[j]) if j < len(top) else None
        if nxt is None:
            break
        parts.append(nxt)
        ends.append(j)
        j += 1
    alone = _titled(first)
    if not alone and (len(first) < 5 or not _START.match(first)):
        return None
    best = (first, i) if alone else None
    for n in range(2, len(parts) + 1):
        nxt, whole = parts[n - 1], _clean("".join(parts[:n]))
        if alone and not (_EDITION.match(nxt) or whole.endswith(_NOTICE_ENDINGS)):
            break
        if not alone and _titled(nxt) and len(nxt) >= _LONG_ALONE and _balanced(
                "".join(parts[:n - 1])):
            break
        if _titled(whole):
            best = (whole, ends[n - 1])
    return best


def _line(v: str) -> str | None:
    """A line that may hold or start a title, cleaned; None for a sentence, a heading, a
    metadata row or a list of attachments."""
    if (not v or len(v) > 4 * _MAX or _FIELD.match(v) or _HEADING.match(v) or "|" in v
            or "序号" in v or _DATE_LINE.match(v)):  # a row of a table, its header; a date
        return None
    labelled = _ATTACHMENT.match(v)
    v = _ATTACHMENT.sub("", v)
    if labelled and len(v.split()) > 1 and _titled(_clean(v.split()[0])):
        v = v.split()[0]  # 附件 X清单 工作任务 责任单位 …: a caption run into its table
    if _HEADING.match(v):  # 附件:1. …, 2. … — a list of attachments
        return None
    v = _clean(v)
    if not v or len(v) > _MAX or _SENTENCE.search(v) or ":" in v:
        return None
    return v


def _continuation(v: str) -> str | None:
    """A line a title may run onto: short, no sentence, heading, date or number."""
    if (not v or len(v) > 40 or _SENTENCE.search(v) or ":" in v or _HEADING.match(v)
            or _DATE_LINE.match(v) or _numbers()[0].match(v) or v.startswith("各")
            or (v.startswith("(") and not _EDITION.match(v))):  # (此件公开发布): a note
        return None
    return re.sub(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])", "", v)


def _titled(text: str) -> bool:
    """Is `text` (cleaned) a whole title: long enough, ending in a kind of plan?"""
    bare = TRAILING_NOTE.sub("", text).strip()
    return 6 <= len(bare) <= _MAX and _balanced(text) and (
        bare.endswith(_ENDINGS) or bool(_PROGRESS.search(bare)))


def _balanced(text: str) -> bool:
    return text.count("《") == text.count("》") and text.count("“") == text.count("”")


def _clean(v: str) -> str:
    """A title without what a page or a reprint puts around it (see the module)."""
    v = _PINYIN.sub("", v.strip())
    v = _ATTACHMENT.sub("", v)
    v = _SITE_TAG.sub("", v)
    m = _numbers()[0].match(v)
    if m:  # 鲁政办字〔2015〕46号 山东省…意见 / 阳政办〔2019〕1号—区人民政府…通知
        v = v[m.end():].lstrip(" —-:")
    v = _numbers()[1].sub("", v).strip()
    cut = _SITE_SUFFIX.search(v)
    if cut and v[:cut.start()].rstrip().endswith(_ENDINGS):
        v = v[:cut.start()]
    if ":" in v:  # a headline: …奖励政策:关于…的若干政策意见
        head, _, tail = v.rpartition(":")
        if _titled(tail.strip()) and not _titled(head.strip()):
            v = tail
    v = v.strip()
    if v.startswith("《") and v.endswith("》") and v.count("《") == 1:
        v = v[1:-1]
    v = _EXTENSION.sub("", v.strip())
    return re.sub(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])", "", v).strip()


def _numbers() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A document number (文号) leading a line, and one in brackets trailing it, in the
    brackets of the words in force."""
    return _numbers_in(lx.OPEN_CLASS, lx.CLOSE_CLASS)


@cache
def _numbers_in(open_class: str, close_class: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    year = rf"(?:{open_class}|\[)\s*(?:19|20)\d\d\s*(?:{close_class}|\])\s*\d{{1,4}}\s*号"
    return (re.compile(rf"^\s*[\u4e00-\u9fff]{{1,10}}\s*{year}\s*"),
            re.compile(rf"\(\s*[\u4e00-\u9fff]{{1,10}}\s*{year}\s*\)\s*$"))


def _reported(lines: list[str]) -> str | None:
    """The plan a news report names in its first lines: `…发布关于…的意见` → that title;
    `印发X的通知` → X, the plan the notice issued (a title that opens with 关于 first, a
    headline's shortened name after it). A document a sentence cites is not."""
    found = []
    for line in lines:
        v = line[:_LEAD]
        for m in _REPORTED.finditer(v):
            before = v[:m.start()]
            opened = before.count("《") - before.count("》") - before.endswith("《")
            if not _NEWS.search(before[-40:]) or _CITING.search(before[-8:]) or opened > 0:
                continue
            title = m.group("t").strip()
            if m.group(0).startswith(("印发", "下发", "下达")) and title.endswith("通知"):
                title = "印发" + title
            title = _notice_plan(title)
            if 6 <= len(title) <= _MAX and _balanced(title):
                found.append(title)
    return next((t for t in found if t.startswith("关于")), found[0] if found else None)


def _notice_plan(title: str) -> str:
    """`…关于印发X的通知` → X (the plan the notice issues); a notice that is itself the plan
    keeps its title (`…关于2020年重点工作及责任分解的通知`)."""
    m = _ISSUES.match(title)
    if m and _balanced(m.group("x")):
        return m.group("x").strip()
    return title
