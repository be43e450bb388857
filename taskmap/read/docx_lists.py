"""WordprocessingML helpers for the .docx reader: element names, paragraph styles and the
numbers Word generates for list paragraphs (numbering.xml)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from lxml import etree

_FALSE = ("0", "false", "off")


class Ns:
    """Names in the WordprocessingML namespace of this document (transitional or strict)."""

    def __init__(self, root: etree._Element):
        self.p = f"{{{etree.QName(root).namespace}}}"

    def name(self, el: etree._Element) -> str:
        """The local name of a w: element, "" for any other."""
        tag = el.tag
        return tag[len(self.p):] if isinstance(tag, str) and tag.startswith(self.p) else ""

    def child(self, el: etree._Element | None, *path: str) -> etree._Element | None:
        """The first w: child along `path` ("pPr", "numPr" …), or None."""
        for step in path:
            el = None if el is None else el.find(self.p + step)
        return el

    def val(self, el: etree._Element | None, *path: str, attr: str = "val") -> str | None:
        """The w:`attr` attribute of the element along `path`, or None."""
        el = self.child(el, *path)
        return None if el is None else el.get(self.p + attr)

    def on(self, el: etree._Element | None, *path: str) -> bool:
        """Whether a toggle property (w:vanish, w:isLgl …) is present and not switched off."""
        el = self.child(el, *path)
        return el is not None and (el.get(self.p + "val") or "1").lower() not in _FALSE


def to_int(text: str | None, default: int) -> int:
    """An integer attribute value; `default` when it is missing or not a number."""
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


# --- numbering -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Level:
    fmt: str
    text: str
    start: int
    restart: int | None  # w:lvlRestart: restart after this (1-based) level; 0 never
    legal: bool
    suffix: str
    style: str | None


class Styles:
    """Paragraph styles: the list a style's chain (w:basedOn) numbers its paragraphs with."""

    def __init__(self, root: etree._Element | None, ns: Ns):
        self.ns, self.by_id, self.default = ns, {}, None
        for style in [] if root is None else root.iter(ns.p + "style"):
            sid = style.get(ns.p + "styleId")
            self.by_id[sid] = style
            if (style.get(ns.p + "type") == "paragraph"
                    and (style.get(ns.p + "default") or "0").lower() not in _FALSE):
                self.default = sid

    def num_pr(self, style_id: str | None) -> tuple[str | None, str | None]:
        """(numId, ilvl) from the first styles up the chain that set them."""
        num_id = ilvl = None
        seen: set[str | None] = set()
        while style_id in self.by_id and style_id not in seen and (num_id is None or ilvl is None):
            seen.add(style_id)
            style = self.by_id[style_id]
            num_id = num_id or self.ns.val(style, "pPr", "numPr", "numId")
            ilvl = ilvl or self.ns.val(style, "pPr", "numPr", "ilvl")
            style_id = self.ns.val(style, "basedOn")
        return num_id, ilvl


class Numbering:
    """The list definitions and their running counters, in document order."""

    def __init__(self, root: etree._Element | None, ns: Ns, styles: Styles):
        self.ns, self.styles = ns, styles
        kids = [] if root is None else list(root)
        self.abstract = {c.get(ns.p + "abstractNumId"): c for c in kids
                         if ns.name(c) == "abstractNum"}
        self.nums = {c.get(ns.p + "numId"): c for c in kids if ns.name(c) == "num"}
        self.counts: dict[str, dict[int, int]] = {}
        self.cache: dict[str, tuple[str, dict[int, _Level]]] = {}

    def levels(self, num_id: str) -> tuple[str, dict[int, _Level]]:
        """(counter key, levels) of a list instance, its w:lvlOverride applied."""
        if num_id not in self.cache:
            self.cache[num_id] = self._resolve(num_id)
        return self.cache[num_id]

    def _resolve(self, num_id: str) -> tuple[str, dict[int, _Level]]:
        num = self.nums.get(num_id)
        abs_id, abstract = self._abstract(num, 0)
        levels = {} if abstract is None else self._levels_of(abstract)
        overrides = [] if num is None else num.findall(self.ns.p + "lvlOverride")
        for override in overrides:
            ilvl = to_int(override.get(self.ns.p + "ilvl"), 0)
            lvl = self.ns.child(override, "lvl")
            if lvl is not None:
                levels[ilvl] = self._level(lvl)
            start = self.ns.val(override, "startOverride")
            if start is not None and ilvl in levels:
                levels[ilvl] = replace(levels[ilvl], start=to_int(start, 0))
        return (f"num:{num_id}" if overrides else f"abs:{abs_id}"), levels

    def _abstract(self, num, depth: int) -> tuple[str | None, etree._Element | None]:
        abs_id = self.ns.val(num, "abstractNumId")
        abstract = self.abstract.get(abs_id)
        link = self.ns.val(abstract, "numStyleLink")
        if link and depth < 4:  # the list is defined by a numbering style
            linked = self.nums.get(self.styles.num_pr(link)[0])
            if linked is not None:
                return self._abstract(linked, depth + 1)
        return abs_id, abstract

    def _levels_of(self, abstract: etree._Element) -> dict[int, _Level]:
        return {to_int(lvl.get(self.ns.p + "ilvl"), 0): self._level(lvl)
                for lvl in abstract.findall(self.ns.p + "lvl")}

    def _level(self, lvl: etree._Element) -> _Level:
        ns = self.ns
        restart = ns.val(lvl, "lvlRestart")
        return _Level(fmt=ns.val(lvl, "numFmt") or "decimal", text=ns.val(lvl, "lvlText") or "",
                      start=to_int(ns.val(lvl, "start"), 0),
                      restart=None if restart is None else to_int(restart, 0),
                      legal=ns.on(lvl, "isLgl"), suffix=ns.val(lvl, "suff") or "tab",
                      style=ns.val(lvl, "pStyle"))

    def label(self, num_id: str, ilvl: int) -> tuple[str, str]:
        """(the generated number, its suffix kind) for the next paragraph of this list level."""
        key, levels = self.levels(num_id)
        level = levels.get(ilvl)
        if level is None:
            return "", "nothing"
        counts = self.counts.setdefault(key, {})
        counts[ilvl] = counts[ilvl] + 1 if ilvl in counts else level.start
        for deeper in [d for d in counts if d > ilvl]:
            restart = levels[deeper].restart if deeper in levels else None
            if restart is None or ilvl < restart:  # restart: a 1-based level; 0 never
                del counts[deeper]
        if level.fmt == "bullet":
            return "", "nothing"

        def number(m: re.Match) -> str:
            j = int(m[1]) - 1
            lvl = levels.get(j)
            value = counts.get(j, lvl.start if lvl else 1)
            return format_number(value, "decimal" if level.legal or not lvl else lvl.fmt)

        if len(level.text) > 2 * MAX_LABEL_CHARS:  # a level text no label this short fits
            return "", "nothing"
        label = re.sub(r"%([1-9])", number, level.text)
        return (label, level.suffix) if len(label) <= MAX_LABEL_CHARS else ("", "nothing")


# --- number formats ------------------------------------------------------------------------

# What Word generates is text no file holds: a list level starting at 2.6e9 in a letter format
# would make every label 100 million letters. A number past what a format writes in a few
# characters is written in decimal digits instead, and a label (all its levels' numbers
# together) longer than MAX_LABEL_CHARS is not generated at all: its paragraph keeps its own
# text, so no task is lost.
MAX_LABEL_CHARS = 64
_MAX_LETTERS = 4  # aaaa is 79; a letter label longer than this is written as its number

_CN_SIMPLE = ("零一二三四五六七八九", "十百千")
_CN_DIGITS = "〇一二三四五六七八九"
_CN_LEGAL = ("零壹贰叁肆伍陆柒捌玖", "拾佰仟")
_CN_LEGAL_TRAD = ("零壹貳參肆伍陸柒捌玖", "拾佰仟")
_CYCLES = {"ideographTraditional": "甲乙丙丁戊己庚辛壬癸",
           "ideographZodiac": "子丑寅卯辰巳午未申酉戌亥"}
_ENCLOSED = {"decimalEnclosedCircle": 0x2460, "decimalEnclosedCircleChinese": 0x2460,
             "decimalEnclosedFullstop": 0x2488, "decimalEnclosedParen": 0x2474}
_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
          (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))


def format_number(n: int, fmt: str) -> str:
    """The number `n` as Word writes it in list format `fmt` (w:numFmt); decimal otherwise.

    >>> [format_number(n, "chineseCounting") for n in (1, 10, 11, 20, 21)]
    ['一', '十', '十一', '二十', '二十一']
    """
    if fmt in ("chineseCounting", "chineseCountingThousand", "taiwaneseCounting",
               "taiwaneseCountingThousand", "japaneseCounting"):
        return _chinese(n, *_CN_SIMPLE, drop_leading_one=True)
    if fmt in ("chineseLegalSimplified", "ideographLegalTraditional"):
        table = _CN_LEGAL if fmt == "chineseLegalSimplified" else _CN_LEGAL_TRAD
        return _chinese(n, *table, drop_leading_one=False)
    if fmt in ("ideographDigital", "taiwaneseDigital") and n >= 0:
        return "".join(_CN_DIGITS[int(d)] for d in str(n))
    if fmt in _CYCLES and 1 <= n <= len(_CYCLES[fmt]):
        return _CYCLES[fmt][n - 1]
    if fmt in _ENCLOSED and 1 <= n <= 20:
        return chr(_ENCLOSED[fmt] + n - 1)
    if fmt in ("lowerLetter", "upperLetter") and 1 <= n <= 26 * _MAX_LETTERS:
        letter = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("lowerRoman", "upperRoman") and 1 <= n < 4000:
        roman = _roman(n)
        return roman.upper() if fmt == "upperRoman" else roman
    if fmt == "decimalFullWidth" or fmt == "decimalFullWidth2":
        return str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    if fmt == "decimalZero":
        return f"{n:02d}"
    return "" if fmt == "none" else str(n)


def _chinese(n: int, digits: str, units: str, drop_leading_one: bool) -> str:
    """Chinese numerals below 10000 (一百零一, 十一); others in Arabic digits."""
    if not 0 < n < 10000:
        return digits[0] if n == 0 else str(n)
    out, zero = "", False
    for power, unit in ((1000, units[2]), (100, units[1]), (10, units[0]), (1, "")):
        d = n // power % 10
        if d == 0:
            zero = bool(out)
            continue
        out += (digits[0] if zero else "") + digits[d] + unit
        zero = False
    return out[1:] if drop_leading_one and 10 <= n < 20 else out


def _roman(n: int) -> str:
    out = ""
    for value, letters in _ROMAN:
        count, n = divmod(n, value)
        out += letters * count
    return out


