"""The one text layer, below every stage: how a file's text becomes lines, and how a line
pairs with the view the grammar matches on.

- **Lines.** `split_lines` breaks text at every line separator Unicode and the file formats
  know (CR LF, CR, LF, U+2028, U+2029, NEL, VT, FF). `clean` takes out what is never text:
  C0/C1 controls (tab aside), terminal escape sequences, and the invisible format characters
  (zero-width spaces and joiners, soft hyphens, byte-order marks, direction marks, variation
  selectors): a name with a U+200B inside it is the name.
- **One fold.** `fold_line` maps each character to one character: full-width ASCII to
  half-width, every Unicode space to " " (but U+3000, which the grammar sees as a wide gap,
  and tab, which separates cells), the quotes of `words.toml` (checked one to one when the
  words load), Traditional to Simplified. A line and its view have equal length — asserted
  where the view is made — so an offset found on the view slices the source.
- **One primitive.** `Text` is a source string and its view, sliced together: every split,
  strip or search runs on the view and cuts the source at the same offsets. No stage splits
  a source and its view separately (tests/test_text.py scans the package for it).

>>> t = Text.of("牽頭單位：\u00a0市發改委")
>>> [p.src for p in t.split(WS_RUN)]
['牽頭單位：', '市發改委']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

import opencc

# ----------------------------------------------------------------------------- characters

# Line separators of Unicode and of the file formats (VT and FF: Word's and old editors'
# line and page breaks).
LINE_BREAK = re.compile("\r\n|[\n\r\u2028\u2029\x85\x0b\x0c]")
# The same in markup (a web page, Word's XML), where CR and LF are white space.
MARKUP_BREAK = re.compile("[\u2028\u2029\x85\x0b\x0c]")
# White space that the view folds to " ": every Unicode space but U+3000 and tab.
FOLDED_SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009" \
    "\u200a\u202f\u205f"
# The one white-space class of the grammar, on the view: space, tab, U+3000.
WS = " \t\u3000"
WS_RUN = re.compile(f"[{WS}]+")
# A gap between two cells of a table pasted as text: a run of spaces, or a wide space.
CELL_GAP = re.compile(r"[ \t]{2,}|[ \t]*\u3000+[ \t]*")
# Invisible format characters: Unicode category Cf (checked against unicodedata by the
# tests), the combining grapheme joiner, Hangul fillers and variation selectors.
_INVISIBLE = (
    "\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u115f\u1160\u17b4\u17b5"
    "\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\u3164\ufe00-\ufe0f"
    "\ufeff\uffa0\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U00013438\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f\U000e0100-\U000e01ef")
INVISIBLE = re.compile(f"[{_INVISIBLE}]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_ESCAPE = re.compile(
    "(?:\x1b\\[|\x9b)[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor, clear screen
    "|(?:\x1b\\]|\x9d)[^\x07\x1b\x9c\n]{0,512}(?:\x07|\x1b\\\\|\x9c)"  # OSC: title, link
    "|\x1b[@-Z\\\\^_]")  # any other two-character escape
_UNCLEAN = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_INVISIBLE}]")


def clean(text: str) -> str:
    """`text` without controls (tab and line breaks aside), escape sequences and invisible
    format characters.

    >>> clean("县住\\x00建\\u200b局\\x1b[2J")
    '县住建局'
    """
    if _UNCLEAN.search(text) is None:
        return text
    text = _ESCAPE.sub("", text)
    return INVISIBLE.sub("", _CONTROL.sub("", text))


def only_controls(text: str) -> bool:
    """True when `text` holds something, but nothing beyond control, invisible and space
    characters."""
    return bool(text.strip()) and not clean(text).strip()


def split_lines(text: str, markup: bool = False) -> tuple[str, ...]:
    """Lines as an editor numbers them, at every line separator; a final one adds no line.
    The one place text is cut into lines: every reader's text (a file's, a page's paragraph,
    a Word paragraph or cell, a PDF's paragraph) is cut here. In `markup` (a web page's or a
    Word file's text) CR and LF are white space, as a browser and Word show them, and only
    the other separators break a line.

    >>> split_lines("一\\r\\n二\\u2028三\\x0c")
    ('一', '二', '三')
    >>> split_lines("一\\n二\\u2029三", markup=True)
    ('一\\n二', '三')
    """
    lines = (MARKUP_BREAK if markup else LINE_BREAK).split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return tuple(lines)


# ----------------------------------------------------------------------------- the fold

_T2S = opencc.OpenCC("t2s")


@cache
def _quotes() -> dict[str, str]:
    """The quote marks the view folds ([text] quotes of the words file, which its loader
    checks to map one character to one)."""
    from .words import load_words

    return load_words().text["quotes"]


@cache
def _fold_char(ch: str) -> str:
    if "\uff01" <= ch <= "\uff5e":  # full-width ASCII block
        return chr(ord(ch) - 0xFEE0)
    if ch in FOLDED_SPACES:
        return " "
    if ch in _quotes():
        return _quotes()[ch]
    if ch < "\u3400":  # nothing below CJK needs the Traditional table
        return ch
    simplified = _T2S.convert(ch)
    return simplified if len(simplified) == 1 else ch


def fold_line(text: str) -> str:
    """The view of `text`: width-folded, spaces folded, Simplified — exactly as long.

    >>> fold_line("（牽頭單位：市發展改革委）")
    '(牵头单位:市发展改革委)'
    """
    v = "".join(map(_fold_char, text))
    if len(v) != len(text):  # the fold is one character to one: offsets are shared
        raise AssertionError(f"view of unequal length: {text!r}")
    return v


# The short texts viewed again and again (names, cells) are kept; a document's lines are
# folded once each by `fold_line` (kept, they would fill this cache with lines never seen
# again, tens of MB a process).
view = lru_cache(maxsize=1 << 16)(fold_line)


_ANY_WS = re.compile(r"\s+")


def squeeze(v: str) -> str:
    """A text without any white space (column words compare so: `牵头 单位` = `牵头单位`)."""
    return _ANY_WS.sub("", v)


# ----------------------------------------------------------------------------- Text

@dataclass(frozen=True, slots=True)
class Squeezed:
    """A view without white space (`v`), and for each of its characters the offset it has
    in the text it was squeezed from (`at`)."""

    v: str
    at: tuple[int, ...] | range
    length: int  # of the text squeezed

    def span(self, s: int, e: int) -> tuple[int, int]:
        """The span [s, e) of `v` as a span of the text."""
        start = self.at[s] if s < len(self.at) else self.length
        return start, (self.at[e - 1] + 1 if e > s else start)


@dataclass(frozen=True, slots=True)
class Text:
    """A stretch of source text and its view, of equal length, and where it starts in the
    line it was cut from (`start`). Every operation matches on `v` and cuts `src` at the
    same offsets.

    >>> t = Text.of("區工信局、\u3000住建局")
    >>> [p.src for p in t.split(re.compile("[、\u3000]+"))]
    ['區工信局', '住建局']
    """

    src: str
    v: str
    start: int = 0

    @classmethod
    def of(cls, src: str, v: str | None = None, start: int = 0) -> Text:
        """A Text of `src`; a view already made (a Document's) may be handed in."""
        v = view(src) if v is None else v
        if len(v) != len(src):
            raise AssertionError(f"source and view of unequal length: {src!r}")
        return cls(src, v, start)

    def __len__(self) -> int:
        return len(self.src)

    @property
    def end(self) -> int:
        """Where the text ends in its line."""
        return self.start + len(self.src)

    def cut(self, s: int, e: int | None = None) -> Text:
        """The piece [s, e) (offsets in this text)."""
        e = len(self.src) if e is None else e
        return Text(self.src[s:e], self.v[s:e], self.start + s)

    def trim(self, s: int, e: int, chars: str = WS) -> tuple[int, int]:
        """The span [s, e) without the characters `chars` (of the view) at either end."""
        while s < e and self.v[s] in chars:
            s += 1
        while e > s and self.v[e - 1] in chars:
            e -= 1
        return s, e

    def strip(self, chars: str = WS) -> Text:
        """Without the characters `chars` (of the view) at either end."""
        s, e = self.trim(0, len(self.v), chars)
        return self if (s, e) == (0, len(self.v)) else self.cut(s, e)

    def rstrip(self, chars: str = WS) -> Text:
        """Without the characters `chars` (of the view) at its end."""
        e = len(self.v)
        while e and self.v[e - 1] in chars:
            e -= 1
        return self.cut(0, e)

    def lstrip(self, chars: str = WS) -> Text:
        """Without the characters `chars` (of the view) at its start."""
        s = 0
        while s < len(self.v) and self.v[s] in chars:
            s += 1
        return self.cut(s)

    def split(self, pattern: re.Pattern[str]) -> list[Text]:
        """The pieces between matches of `pattern` on the view, empty pieces too."""
        out, at = [], 0
        for m in pattern.finditer(self.v):
            out.append(self.cut(at, m.start()))
            at = m.end()
        out.append(self.cut(at))
        return out

    def squeezed(self) -> Squeezed:
        """The view without its white space, for patterns that a space between two words
        must not break (`不再列出`, `列第一位的为牵头单位`), with the way back to offsets."""
        if _ANY_WS.search(self.v) is None:
            return Squeezed(self.v, range(len(self.v)), len(self.v))
        at = tuple(k for k, ch in enumerate(self.v) if not ch.isspace())
        return Squeezed("".join(self.v[k] for k in at), at, len(self.v))

    def join(self, other: Text, sep: str = "") -> Text:
        """This text, `sep`, then `other` (a cell whose pieces a wrap cut apart)."""
        return Text(self.src + sep + other.src, self.v + fold_line(sep) + other.v, self.start)
