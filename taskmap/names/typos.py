"""Is one name a typo of another? Chinese typos come from pinyin input (homophones:
事/市, 健/建, 物/务) or are rare characters; real bodies one character apart (水务局,
商务局) differ in sound."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from .places import LEVEL_WORDS

LONG_NAME = 8  # one wrong character in a name this long is a typo (发展和改草委员会)


def is_typo(key: str, cand: str) -> bool:
    """The one differing character sounds the same (pinyin input: 事/市, 健/建, 物/务), is
    a rare character (教肓局), or sits in a long name; real bodies one character apart
    (水务局, 商务局; 林业局, 农业局) differ in sound and never meet."""
    i = next(k for k, (a, b) in enumerate(zip(key, cand, strict=True)) if a != b)
    return homophones(key[i], cand[i]) or not common_hanzi(key[i]) or len(key) >= LONG_NAME


def is_swap(key: str, cand: str) -> bool:
    """Two neighbouring words written in the wrong order (省农村农业厅 for 省农业农村厅): the
    names differ in one stretch that is two parts of the other's, swapped.

    >>> is_swap("省农村农业厅", "省农业农村厅"), is_swap("市商务局", "市务商局")
    (True, False)
    """
    if len(key) != len(cand) or key == cand or sorted(key) != sorted(cand):
        return False
    n = len(key)
    return any(cand == key[:i] + key[m:j] + key[i:m] + key[j:]
               for i in range(n) for m in range(i + 2, n - 1) for j in range(m + 2, n + 1))


@cache
def _table() -> str:
    """The toneless pinyin readings of every GBK character, one `char<TAB>readings` line
    each: precomputed from pypinyin by scripts/make_readings.py (loading pypinyin itself
    takes a third of a second), read once when a typo is first weighed and looked up in
    place (a typo weighs a handful of characters; a dict of all would cost more)."""
    path = Path(str(resources.files("taskmap"))) / "resources" / "readings.tsv"
    return "\n" + path.read_text(encoding="utf-8")


@cache
def _readings(ch: str) -> frozenset[str]:
    table = _table()
    at = table.find(f"\n{ch}\t")
    if at < 0:
        return frozenset()
    end = table.find("\n", at + 1)
    return frozenset(table[at + 3:end if end >= 0 else None].split(","))


def homophones(a: str, b: str) -> bool:
    """Two characters with a reading in common, tones aside."""
    return bool(_readings(a) & _readings(b))


def sounds_like_level(key: str) -> str | None:
    """事教育局: a first character that sounds like a level word stands for it."""
    for word in ("市", "县", "区", "省"):
        if key[0] != word and homophones(key[0], word):
            return LEVEL_WORDS[word]
    return None


def common_hanzi(ch: str) -> bool:
    """One of the 3,755 GB2312 level-1 characters (the common ones)."""
    try:
        return 0xB0 <= ch.encode("gb2312")[0] <= 0xD7
    except UnicodeEncodeError:
        return False
