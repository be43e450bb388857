"""The Chinese labels people read, written once for every view and file: roles, how a
name was resolved, what a diff says of a task."""

from __future__ import annotations

from ..diff import ADDED, CHANGED, REMOVED, UNCHANGED
from ..models import LEAD, RESPONSIBLE

ROLE_LABELS = {LEAD: "牵头", RESPONSIBLE: "参与", "all": "牵头及参与"}
TIER_LABELS = {"exact": "完全一致", "alias": "别名", "normalized": "规范化", "prefix": "前缀推断",
               "function": "职能匹配", "collective": "集合主体", "fuzzy": "模糊匹配(待核实)",
               "unresolved": "未识别(待核实)"}
STATUS_LABELS = {ADDED: "新增", REMOVED: "删除", CHANGED: "调整", UNCHANGED: "未变"}
