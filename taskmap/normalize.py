"""Views of text for matching, and the one family of keys under which names compare.

`view(s)` (defined in `taskmap.text`, the one fold) folds full-width ASCII forms to
half-width, spaces to " " and Traditional characters to Simplified, one character for one
character: same length as the source, so every match maps back to it. The grammar matches
on the view and slices surfaces from the source, so a Traditional plan keeps its own
characters in every output. A Document computes the views of its lines once
(`Document.views`).

Keys, loosest last: `name_key` (the view without white space, one kind of bracket) →
`body_key` (separators dropped, 人民政府 = 政府) → `collective_key` (one spelling of a
collective).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from .text import FOLDED_SPACES, WS, squeeze, view
from .words import load_words

_WORDS = load_words()
_OPEN, _CLOSE = _WORDS.brackets["open"], _WORDS.brackets["close"]


# Every bracket to ( ), on the view.
_BRACKET_FOLD = str.maketrans(_OPEN + _CLOSE, "(" * len(_OPEN) + ")" * len(_CLOSE))
_BODY_DROP = re.compile(r"[\s、,，;；:：.。·]")


@lru_cache(maxsize=1 << 16)
def name_key(surface: str) -> str:
    """How names compare: the matching view, no white space, one kind of bracket.

    >>> name_key("市住建局〔市执法局〕") == name_key("市住建局(市执法局)")
    True
    """
    return squeeze(view(surface)).translate(_BRACKET_FOLD)



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


def collective_key(raw: str) -> str:
    """One spelling for a collective: 各县(市、区)人民政府 = 各县市区政府, 各乡(镇)人民政府 =
    各乡镇人民政府, 市直各有关部门 = 市直有关部门 = 市直相关部门.

    >>> collective_key("各县(市、区)人民政府") == collective_key("各县市区政府")
    True
    """
    key = body_key(raw).replace("(", "").replace(")", "").replace("相关", "有关")
    key = key[:1] + key[1:].replace("各", "")
    return key.replace("政府", "人民政府")


def clean_surface(text: str) -> str:
    """Strip edge whitespace and list punctuation from a surface, keeping its characters."""
    return text.strip(WS + FOLDED_SPACES + "、,，;；:：。.")
