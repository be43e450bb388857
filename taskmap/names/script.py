"""Names in a plan's own script. Canonical names and places are kept in Simplified (the
key under which plans of any script pool); what a plan written in Traditional shows — a
place put before a name, a canonical name shown for want of a better one — is shown in
Traditional, as the plan writes its names.

>>> to_script("广州市", True), to_script("广州市", False)
('廣州市', '广州市')
"""

from __future__ import annotations

from functools import cache

import opencc

from ..text import fold_line

_S2T = opencc.OpenCC("s2t")


@cache
def traditional_class() -> str:
    """A regex character class of the characters written only in Traditional (those the
    view folds to another character), for a vectorised test of many names at once."""
    chars = [c for c in map(chr, range(0x3400, 0xA000)) if fold_line(c) != c]
    return "[" + "".join(chars) + "]"


@cache
def simplified_class() -> str:
    """A regex character class of the characters written only in Simplified (those
    Traditional writes otherwise)."""
    chars = [c for c in map(chr, range(0x3400, 0xA000)) if _S2T.convert(c) != c]
    return "[" + "".join(chars) + "]"


def is_traditional(text: str) -> bool:
    """Whether `text` is written in Traditional: more of its characters written only in
    Traditional than written only in Simplified."""
    trad = sum(1 for c, v in zip(text, fold_line(text), strict=True) if c >= "\u3400" and c != v)
    simp = sum(1 for c in text if c >= "\u3400" and _S2T.convert(c) != c)
    return trad > simp


def to_script(text: str, traditional: bool) -> str:
    """`text` (Simplified, as canonical names and places are) in Traditional when
    `traditional`, else as it is."""
    return _S2T.convert(text) if traditional else text


def place_shown(place: str | None, traditional: bool) -> str:
    """A plan's place (kept in Simplified) as its report shows it: in the plan's script;
    — for none."""
    return to_script(place, traditional) if place else "—"
