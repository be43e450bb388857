"""Write taskmap/resources/readings.tsv: the toneless pinyin readings of every GBK
character, which the typo test (taskmap/names/typos.py) compares.

Run when pypinyin's dictionaries change (`pip install pypinyin`, then
`python scripts/make_readings.py`); taskmap itself never loads pypinyin, whose
dictionaries take a third of a second to load.
"""

from __future__ import annotations

from pathlib import Path

from pypinyin import Style, pinyin

OUT = Path(__file__).resolve().parent.parent / "taskmap" / "resources" / "readings.tsv"


def gbk_characters():
    """Every Han character GBK encodes, in code order."""
    for lead in range(0x81, 0xFF):
        for trail in range(0x40, 0xFF):
            if trail == 0x7F:
                continue
            try:
                ch = bytes([lead, trail]).decode("gbk")
            except UnicodeDecodeError:
                continue
            if "\u4e00" <= ch <= "\u9fff":
                yield ch


def main() -> None:
    lines = ["# character\treadings (toneless pinyin, comma-separated), from pypinyin"]
    for ch in gbk_characters():
        readings = sorted(set(pinyin(ch, style=Style.NORMAL, heteronym=True)[0]))
        if readings and readings != [ch]:
            lines.append(f"{ch}\t{','.join(readings)}")
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines) - 1} characters -> {OUT}")


if __name__ == "__main__":
    main()
