"""Load the genre's words (`taskmap/resources/words.toml`) once, and validate them.

The file's schema is the `SCHEMA` below: a section, a key, and the type its value must
have. `load_words()` reports every problem at once (a missing key, a wrong type, an empty
word, a word standing in two role lists, a pattern that does not compile), as an error
naming the file — the grammar never starts on half-valid words.

>>> words = load_words()
>>> "牵头" in words.labels["lead_morphemes"]
True
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import WordsError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

LIST, TEXT, PATTERN, MAPPING = "list of words", "text", "pattern", "mapping"

SCHEMA: dict[str, dict[str, str]] = {
    "brackets": {"open": TEXT, "close": TEXT},
    "labels": {"heads": LIST, "lead_morphemes": LIST, "helper_morphemes": LIST,
               "responsible_morphemes": LIST, "inert_morphemes": LIST, "bare": LIST,
               "division": LIST,
               "person_heads": LIST, "person_morphemes": LIST, "deadline_heads": LIST,
               "deadline_morphemes": LIST, "other": LIST},
    "verbs": {"lead": LIST, "responsible": LIST, "assisting": LIST, "in_charge": LIST,
              "together": LIST,
              "adverbs": LIST, "strong": LIST, "clause_openers": LIST},
    "marks": {"lead": LIST},
    "rules": {"coverage": PATTERN, "first_listed": PATTERN, "first_listed_hints": LIST,
              "not_listed": PATTERN, "subject": PATTERN, "standing": LIST,
              "respectively": PATTERN, "respectively_verb": TEXT},
    "names": {"endings": LIST, "not_endings": LIST, "levels": LIST, "collective_levels": LIST,
              "collective_openers": LIST, "collective_nouns": LIST,
              "second_name_endings": LIST, "office_kinds": LIST, "collective": PATTERN,
              "parks": LIST, "generic_parks": LIST, "park_committee": LIST, "joiners": LIST,
              "tail_shape": PATTERN, "placeholders": LIST, "vague": LIST,
              "none_marks": LIST, "generic": LIST,
              "leading_words": PATTERN, "trailing_words": LIST, "not_blocks": PATTERN,
              "page_chrome": PATTERN},
    "tables": {"task_columns": LIST, "task_endings": LIST, "note_endings": LIST,
               "number_columns": LIST, "same_as_above": LIST, "inner_offices": LIST},
    "text": {"deadline": PATTERN, "page_line": PATTERN, "gloss": PATTERN, "sentence_end": TEXT,
             "quotes": MAPPING},
}
# Lists whose words must not overlap: a morpheme has one role.
DISJOINT = (("labels", ("lead_morphemes", "helper_morphemes", "responsible_morphemes",
                        "inert_morphemes")),
            ("verbs", ("lead", "responsible")))


@dataclass(frozen=True)
class Words:
    """The validated words, one dict per section of the file."""

    source: str
    brackets: dict[str, Any]
    labels: dict[str, Any]
    verbs: dict[str, Any]
    marks: dict[str, Any]
    rules: dict[str, Any]
    names: dict[str, Any]
    tables: dict[str, Any]
    text: dict[str, Any]

    def pattern(self, section: str, key: str) -> str:
        """A pattern of the file as one line: the line breaks and indentation that keep
        the file readable are not part of it; `{name}` stands for rules.name."""
        return expand(getattr(self, section)[key], self.rules)


def expand(pattern: str, rules: dict[str, Any]) -> str:
    flat = re.sub(r"\n\s*", "", pattern).strip()
    for name in ("not_listed", "subject"):
        flat = flat.replace("{" + name + "}", "(?:" + re.sub(r"\n\s*", "", rules[name]) + ")")
    return flat


def words_path() -> Path:
    """The words file: the one TASKMAP_WORDS names (a user's extended copy), else the
    shipped one."""
    own = os.environ.get("TASKMAP_WORDS")
    if own:
        return Path(own)
    return Path(str(resources.files("taskmap"))) / "resources" / "words.toml"


@cache
def load_words(path: str | Path | None = None) -> Words:
    """The words of `path` (default: the shipped file), validated."""
    path = Path(path) if path is not None else words_path()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise WordsError(f"{path}: 无法读取词表文件:{e.strerror}") from None
    except tomllib.TOMLDecodeError as e:
        raise WordsError(f"{path}: 不是有效的 TOML:{e}") from None
    problems = check_words(data)
    if problems:
        raise WordsError(f"{path}: 有 {len(problems)} 个问题:" + ";".join(problems))
    return Words(str(path), **{section: data[section] for section in SCHEMA})


def check_words(data: dict[str, Any]) -> list[str]:
    """Every problem of a parsed words file against SCHEMA, not just the first."""
    problems = []
    if data.get("schema") != 1:
        problems.append("schema 须为 1")
    for section, keys in SCHEMA.items():
        values = data.get(section)
        if not isinstance(values, dict):
            problems.append(f"缺少 [{section}] 节")
            continue
        problems += [f"[{section}] 未知的键“{k}”" for k in values if k not in keys]
        for key, kind in keys.items():
            problems += _check_value(f"[{section}] {key}", values.get(key), kind,
                                     data.get("rules", {}))
    for section, lists in DISJOINT:
        seen: dict[str, str] = {}
        for key in lists:
            for word in data.get(section, {}).get(key, []) or []:
                if word in seen and seen[word] != key:
                    problems.append(f"[{section}]“{word}”同时出现在 {seen[word]} 和 {key} 中")
                seen.setdefault(word, key)
    quotes = data.get("text", {}).get("quotes")
    if isinstance(quotes, dict):  # the view folds them one character to one (taskmap.text)
        problems += [f"[text] quotes“{k}”=“{v}”须为一个字符对一个字符"
                     for k, v in quotes.items() if len(k) != 1 or not isinstance(v, str)
                     or len(v) != 1]
    opens, closes = (data.get("brackets", {}).get(k, "") for k in ("open", "close"))
    if isinstance(opens, str) and isinstance(closes, str) and len(opens) != len(closes):
        problems.append("[brackets] open 与 close 须一一对应")
    return problems


def _check_value(where: str, value: Any, kind: str, rules: dict[str, Any]) -> list[str]:
    if value is None:
        return [f"{where}: 缺少({kind})"]
    if kind == LIST:
        if not isinstance(value, list) or not all(isinstance(w, str) for w in value):
            return [f"{where}: 须为 {kind}"]
        out = [f"{where}: 有空词" for w in value if not w.strip()]
        out += [f"{where}:“{w}”重复列出" for w in sorted(set(value))
                if value.count(w) > 1]
        if "standing" in where:
            out += [p for w in value for p in _compiles(where, w, rules)]
        return out
    if kind == MAPPING:
        ok = isinstance(value, dict) and all(isinstance(v, str) for v in value.values())
        return [] if ok else [f"{where}: 须为文本到文本的 {kind}"]
    if not isinstance(value, str) or not value.strip():
        return [f"{where}: 须为非空的 {kind}"]
    return _compiles(where, value, rules) if kind == PATTERN else []


def _compiles(where: str, pattern: str, rules: dict[str, Any]) -> list[str]:
    try:
        re.compile(expand(pattern, rules) if isinstance(rules, dict) and all(
            isinstance(rules.get(k), str) for k in ("not_listed", "subject")) else pattern)
    except re.error as e:
        return [f"{where}: 正则表达式无法编译:{e}"]
    return []
