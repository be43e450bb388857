"""The words of the genre: role labels, role verbs, agency suffixes, deadlines, rules.

Everything is matched on the `normalize.view` of the text (half-width, Simplified), so
`（牽頭單位：` and `(牵头单位:` are one label.
"""

from __future__ import annotations

import re

from ..models import LEAD, RESPONSIBLE

# Labels that open a list of agencies, longest first so that 牵头责任单位 wins over 责任单位.
LEAD_LABELS = ("牵头责任单位", "牵头负责单位", "牵头单位", "牵头部门", "牵头机构", "牵头处室",
               "主办单位", "主办部门", "主责单位", "主责部门")
RESPONSIBLE_LABELS = ("主要责任单位", "主体责任单位", "责任单位", "责任部门", "责任主体",
                      "责任处室", "配合单位", "配合部门",
                      "参与单位", "参与部门", "协办单位", "协办部门", "协同单位", "协同部门",
                      "实施单位", "实施主体", "落实单位", "配合责任单位", "其他责任单位",
                      "相关单位", "支持单位")
DEADLINE_LABELS = ("完成时限", "完成时间", "完成期限", "时间节点", "时间安排", "进度安排", "时限")
PERSON_LABELS = ("责任领导", "牵头领导", "分管领导", "联系领导", "牵头市领导", "责任人")

LABEL_ROLE = {**{w: LEAD for w in LEAD_LABELS}, **{w: RESPONSIBLE for w in RESPONSIBLE_LABELS},
              **{w: "deadline" for w in DEADLINE_LABELS}, **{w: "person" for w in PERSON_LABELS}}
_LABEL_ALT = "|".join(sorted(LABEL_ROLE, key=len, reverse=True))
# A label, then a colon (or 为/是), at the start of a clause.
LABEL = re.compile(rf"(?P<label>{_LABEL_ALT})\s*(?P<colon>[:]|为|是)?\s*")
# `X为牵头单位` / `X是配合单位`: names, then the label that gives their role.
NAMES_THEN_LABEL = re.compile(rf"(?P<names>.+?)(?:为|是|作为)(?P<label>{_LABEL_ALT})$")
# A name marked in a list: `市发展改革委(牵头)`.
LEAD_MARK = re.compile(r"[(〔【\[](?:牵头|牵头单位|牵头部门|主责)[)〕】\]]$")

# Verbs after a list of agencies: the role they give it.
LEAD_VERBS = ("牵头负责", "牵头督导", "牵头落实", "牵头推进", "牵头实施", "牵头组织", "牵头抓总",
              "牵头统筹", "负责统筹", "统筹协调", "统筹推进", "牵头", "负总责", "总牵头", "主责",
              "主办")
# Verbs of bodies that help another: when a block has them, a body that just 负责 leads.
ASSISTING_VERBS = ("协助", "配合", "参与", "协办", "协同")
RESPONSIBLE_VERBS = ("按职责分工负责", "按照职责分工负责", "按职责分工落实", "按职能分工负责",
                     "按职责负责", "按职责落实", "分别负责", "共同负责", "负责落实", "组织落实",
                     "配合", "参与", "协助", "协办", "协同", "落实", "负责")
VERB = re.compile("|".join(sorted(LEAD_VERBS + RESPONSIBLE_VERBS, key=len, reverse=True)))
VERB_ROLE = {**{w: LEAD for w in LEAD_VERBS}, **{w: RESPONSIBLE for w in RESPONSIBLE_VERBS}}
# A verb closing one name of a list: `市政务服务数据管理局牵头`, `市级有关部门配合`.
TRAILING_VERB = re.compile(
    "(?:分别|共同|具体)?(?:" + "|".join(sorted(LEAD_VERBS + RESPONSIBLE_VERBS, key=len,
                                                 reverse=True)) + ")$")
TOGETHER_WITH = "会同"

# Markers strong enough that a bracket carrying them and not parsed is reported.
STRONG_MARKER = re.compile(rf"{_LABEL_ALT}|牵头|负总责|会同|按职责分工|分别负责")

# The plan-level rule that the first listed agency leads.
FIRST_LISTED_LEADS = re.compile(
    r"(?:列|排)(?:在)?(?:第一位?|首位|第一个|最前(?:面)?)(?:的|者)?(?:单位|部门)?"
    r"(?:为|是)?(?:牵头|主责)(?:单位|部门|指导部门|责任单位)?"
    r"(?:\s*,?\s*其(?:他|余)(?:的|单位|部门)?(?:为|是)[^,;。)]{0,12})?")

# Standing statements: 以下…均需各县区政府落实,不再(一一)列出 — or the bodies first:
# 各县(市、区)人民政府负责落实,以下不再列出.
_NOT_LISTED = r"不再(?:一一|逐一|单独|另行|重复)?(?:列出|列明|列举|列示|注明)"
_SUBJECT = r"(?:责任单位|责任主体|实施主体|落实主体|责任部门)"
STANDING = re.compile(
    r"(?:以下|下列|以上|其余|其他|各项)[^;。]{0,30}?(?:均需|均由|均要|均应|都需|需|由)"
    rf"(?P<who>[^;。]{{2,80}}?)(?:负责)?(?:组织)?(?:抓好)?(?:贯彻)?落实[^;。]{{0,6}}?{_NOT_LISTED}"
    r"|(?P<who2>[^;。,:]{2,60}?)(?:负责|组织)?(?:抓好)?落实[,]?\s*(?:以下|下列)"
    rf"[^;。]{{0,12}}?{_NOT_LISTED}"
    # 以下任务各镇(街道)均为责任单位,不再重复列出
    r"|(?:以下|下列)(?:各项|全部|所有)?(?:重点)?(?:任务|工作)?"
    r"(?:除(?:特别|另有|已)?(?:注明|说明|列明|明确)(?:的|者)?外)?,?"
    rf"(?P<who3>[^;。,:]{{2,40}}?)均(?:为|是){_SUBJECT}[^;。]{{0,6}}?{_NOT_LISTED}"
    # 各县(市、区)人民政府是各项任务的实施主体,以下不再一一列出
    r"|(?P<who4>[^;。,:]{2,40}?)(?:是|为|作为)(?:各项|全部|所有)?(?:重点)?(?:任务|工作)?的?"
    rf"{_SUBJECT}[^;。]{{0,8}}?{_NOT_LISTED}")
STANDING_WHO = ("who", "who2", "who3", "who4")

DEADLINE = re.compile(
    r"\d{4}年|[今明本当次]年|年内|年底|年末|月底|季度|上半年|下半年|长期|持续|常态|"
    r"每年|逐年|前完成|以前|分年度|动态调整")

# What the end of an agency name looks like (on the view, after a trailing (…) is removed).
AGENCY_SUFFIXES = (
    "局", "委", "厅", "部", "办", "室", "处", "科", "中心", "政府", "公司", "管委会",
    "委员会", "银行", "支行", "分行", "集团", "院", "署", "社", "会", "所", "队", "组",
    "联", "协", "中央", "共青团", "学校", "大学", "党校", "园区", "开发区", "高新区", "新区",
    "电视台", "广播台", "电台", "气象台", "地震台", "水文站", "监测站", "报社",
    "示范区", "试验区", "单位", "部门", "机构", "街道", "办事处", "乡镇", "企业", "海关",
    "机关", "党委", "工委", "各地", "各级",
)
# Endings of ordinary words that the suffixes above would take for bodies.
NOT_AGENCY_ENDINGS = ("社会", "机会", "全会", "大会", "场所", "研讨会", "座谈会", "博览会")
LEVEL_WORDS = ("自治州", "自治县", "县级市", "设区市", "特区", "街道", "市", "县", "区", "州",
               "盟", "旗", "乡", "镇", "地")

# Words that stand where a list of agencies should be, but name none.
PLACEHOLDERS = ("待定", "另定", "另行确定", "视情确定", "视情况确定", "下同", "同上", "暂无",
                "暂缺", "无", "—", "——", "-", "--", "/", "\\", "空", "略", "详见附件", "见附件")
# Generic bodies that say nothing on their own when a verb is all that assigns them.
GENERIC = ("相关单位", "有关单位", "相关部门", "有关部门", "相关机构", "有关方面", "各方")
_COLLECTIVE = re.compile(r"^各\S{0,8}(?:区|县|市|州|盟|旗|乡镇|乡|镇|街道|级|地|村|社区|嘎查)$")
_TRAILING_GROUP = re.compile(r"\([^()]*\)$")
_ONLY_LEVELS = re.compile(rf"^各?(?:(?:{'|'.join(LEVEL_WORDS)})[、,]?)+$")


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


# Words that come before a body's name in a sentence: 积极争取财政部、海关总署支持.
LEADING_WORDS = re.compile(r"(?:积极|主动|及时)?(?:争取|报请|提请|请求|商请|会商|对接|协调)")
# Words that follow a body's name in a sentence, never end one: cut them off a list item.
TRAILING_WORDS = re.compile(r"(?:加强|指导|具体|负责|配合|支持|给予|做好|推进|落实|参与|分别|共同|"
                            r"协同|协助|统筹|组织|牵头|督导|实施|开展|按照|依据|做实|抓好|等)")
# A page-number line in text pasted from a PDF: — 3 —, 第3页, 3/12.
PAGE_LINE = re.compile(r"^\s*(?:[-—–]\s*\d+\s*[-—–]|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?"
                       r"|\d+\s*/\s*\d+)\s*$")
_VAGUE = re.compile(r"另行|待定|另定|视情|明确后|确定后")


def is_placeholder(name_view: str) -> bool:
    """`待定`, `下同`, `责任单位另行明确`: a label's list that names no body."""
    s = name_view.strip()
    return s in PLACEHOLDERS or (bool(_VAGUE.search(s)) and not looks_like_agency(s))


def is_level_stub(name_view: str) -> bool:
    """`各市` / `县` in `各市、县〔市、区〕人民政府`: a list of levels, not yet a body."""
    return bool(_ONLY_LEVELS.match(name_view.strip()))
