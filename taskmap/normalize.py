"""Views of text for matching: same length as the source, so every match maps back to it.

`view(s)` folds full-width ASCII forms to half-width and Traditional characters to
Simplified, one character for one character. The grammar matches on the view and slices
surfaces from the source, so a Traditional plan keeps its own characters in every output.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

import opencc

_T2S = opencc.OpenCC("t2s")
_SPACES = "\u3000\u00a0\u2002\u2003\u2009\u200b\ufeff"
_QUOTES = {"「": "“", "」": "”", "『": "‘", "』": "’"}


@cache
def _fold_char(ch: str) -> str:
    if "\uff01" <= ch <= "\uff5e":  # full-width ASCII block
        return chr(ord(ch) - 0xFEE0)
    if ch in _SPACES:
        return " "
    if ch in _QUOTES:
        return _QUOTES[ch]
    if ch < "\u3400":  # nothing below CJK needs the Traditional table
        return ch
    simplified = _T2S.convert(ch)
    return simplified if len(simplified) == 1 else ch


@lru_cache(maxsize=1 << 16)
def view(text: str) -> str:
    """Width-folded, Simplified view of `text`, exactly as long as `text`.

    >>> view("（牽頭單位：市發展改革委）")
    '(牵头单位:市发展改革委)'
    """
    return "".join(map(_fold_char, text))


_BRACKET_FOLD = str.maketrans("〔【[〕】]", "((()))")  # applied to the view
_BODY_DROP = re.compile(r"[\s、,，;；:：.。·]")


def body_key(surface: str) -> str:
    """A loose key under which two surfaces of one collective or body compare equal.

    Used before alias resolution to tell whether a block already names a body that a
    standing statement would add: brackets unified, separators dropped, 人民政府 → 政府.

    >>> body_key("各市、县〔市、区〕人民政府") == body_key("各市县(市、区)政府")
    True
    """
    s = view(unicodedata.normalize("NFKC", surface)).translate(_BRACKET_FOLD)
    s = unicodedata.normalize("NFKC", _BODY_DROP.sub("", s))
    return s.replace("人民政府", "政府")


def clean_surface(text: str) -> str:
    """Strip edge whitespace and list punctuation from a surface, keeping its characters."""
    return text.strip(" \t" + _SPACES + "、,，;；:：。.")
