"""An .xlsx package checked before openpyxl opens it (openpyxl reads shared strings and
styles whole, and scans a sheet without a stored size from end to end to find one).

Every member is inflated once, counted in bytes (`zipped.Package`). The sheets, found through
the workbook's relationships, are scanned with lxml: their cells, rows and merged ranges are
counted against `max_cells` and the merged ranges kept. Every other XML part is counted
against `max_xml_elements`.
"""

from __future__ import annotations

import posixpath

from lxml import etree

from .limits import Limits
from .zipped import Package

UNBOUNDED = 1 << 31  # a merged range's side left open (whole rows or columns)
Merge = tuple[int, int, int, int]  # first column, first row, last column, last row (1-based)
_R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


class CellCount:
    """The cell count of one sheet against `max_cells`."""

    def __init__(self, limits: Limits, source: str, title: str):
        self.limits, self.source, self.title, self.count = limits, source, title, 0

    def add(self, n: int) -> None:
        """Count `n` more cells."""
        self.count += n
        self.check(self.count)

    def check(self, n: int) -> None:
        """Refuse the sheet when `n` cells are over the limit."""
        self.limits.check("max_cells", n, self.source, f"工作表“{self.title}”的单元格数")


def check_workbook(package: Package) -> dict[str, list[Merge]]:
    """Check every member (see the module docstring); the merged ranges of each sheet, by
    its part name."""
    sheets = _sheet_parts(package)
    merges: dict[str, list[Merge]] = {}
    for name in sorted(package.names):
        if name in sheets:
            cells = CellCount(package.limits, package.source, sheets[name])
            merges[name] = scan_sheet(package, name, cells)
        elif name.endswith((".xml", ".rels", ".vml")):
            package.count_elements(name)
        else:
            for _ in package.chunks(name):
                pass
    return merges


def _sheet_parts(package: Package) -> dict[str, str]:
    """Part name → sheet title, from xl/workbook.xml and its relationships."""
    book, rels = "xl/workbook.xml", "xl/_rels/workbook.xml.rels"
    if book not in package.names or rels not in package.names:
        return {}
    targets = {}
    for rel in package.xml(rels):
        target = rel.get("Target", "")
        path = target[1:] if target.startswith("/") else posixpath.join("xl", target)
        targets[rel.get("Id")] = posixpath.normpath(path)
    titles = {}
    for sheet in package.xml(book).iter("{*}sheet"):
        part = targets.get(sheet.get(f"{{{_R_NS}}}id"))
        if part:
            titles[part] = sheet.get("name", part)
    return titles


def scan_sheet(package: Package, part: str, cells: CellCount) -> list[Merge]:
    """The merged ranges a sheet's XML lists, in order (a malformed reference is skipped),
    counting its cells, rows and merged ranges as cells."""
    from openpyxl.utils.cell import range_boundaries

    merges: list[Merge] = []
    parser = etree.XMLPullParser(events=("end",), tag=("{*}c", "{*}row", "{*}mergeCell"),
                                 huge_tree=True, resolve_entities=False, no_network=True)
    for chunk in package.chunks(part):
        parser.feed(chunk)
        events = 0
        for _, el in parser.read_events():
            events += 1  # an empty row costs as much as a cell
            if el.tag.endswith("}mergeCell"):
                merges.extend(_merge(el.get("ref", ""), range_boundaries))
            el.clear()  # the cells are read by openpyxl; keep memory flat
            while el.getprevious() is not None:
                del el.getparent()[0]
        cells.add(events)
    return merges


def _merge(ref: str, boundaries) -> list[Merge]:
    """The merged range `ref` names (A1:C4, or whole rows or columns); none if malformed."""
    try:
        c1, r1, c2, r2 = boundaries(ref)
    except (ValueError, TypeError):
        return []
    return [(c1 or 1, r1 or 1, c2 or UNBOUNDED, r2 or UNBOUNDED)]
