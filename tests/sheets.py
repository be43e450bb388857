"""Reading back the matrix sheets of a workbook: one block per plan (its title, header row,
bodies, the collectives apart, 合计), or one block for a single plan."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from taskmap.present.xlsx.workbook import GROUPS_ROW

NAME_HEADERS = ("单位", "职能类别")


@dataclass
class Block:
    title: str | None
    header_row: int
    header: list
    bodies: list[list] = field(default_factory=list)  # cells of each department row
    collectives: list[list] = field(default_factory=list)
    total: list | None = None

    @property
    def first(self) -> int:
        """The index of the first area column."""
        return 2 if self.header[:2] == ["单位", "规范名称"] else 1

    @property
    def areas(self) -> list[str]:
        return self.header[self.first:-1]

    def cells(self) -> Counter:
        """(name, area) → count: by 规范名称 (or 职能类别)."""
        out: Counter = Counter()
        for row in self.bodies + self.collectives:
            for area, cell in zip(self.areas, row[self.first:-1], strict=True):
                out[(row[self.first - 1].value, area)] += cell.value or 0
        return out


def matrix_blocks(ws) -> list[Block]:
    blocks: list[Block] = []
    title, current, groups = None, None, False
    for row in ws.iter_rows():
        first = row[0].value
        if first in NAME_HEADERS:
            width = max(k for k, c in enumerate(row, start=1) if c.value is not None)
            current, groups = Block(title, row[0].row, [c.value for c in row[:width]]), False
            blocks.append(current)
            title = None
        elif current is None or current.total is not None:
            if first is not None and all(c.value is None for c in row[1:]):
                title = first
        elif first == GROUPS_ROW:
            groups = True
        elif first == "合计":
            current.total = [c.value for c in row[:len(current.header)]]
        elif first is not None and row[1].value is not None:
            (current.collectives if groups else current.bodies).append(
                list(row[:len(current.header)]))
    return blocks


def matrix_cells(ws) -> Counter:
    """(name, area) → count over every block of a matrix sheet."""
    total: Counter = Counter()
    for block in matrix_blocks(ws):
        total.update(block.cells())
    return total
