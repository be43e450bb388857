"""Word .docx plans: the body as lines in reading order, read straight from the XML.

What becomes a line (``read_docx``):

* a paragraph: its visible text, behind the number Word generates for it from the list
  definition (direct ``w:numPr`` or one inherited through the paragraph style chain; see
  ``docx_lists``). No separator follows a number ending in punctuation (``一、`` ``（一）``
  ``1.`` ``①``), a space follows any other (``第一章 总则``);
* a table row: its cells joined by a tab, a cell's paragraphs joined by 、 inside it
  (cells list one body a paragraph). A vertically merged cell (``w:vMerge``) repeats its
  text in every row it covers; a cell spanning columns (``w:gridSpan``) counts once. A
  table nested in a cell is not folded into the cell: its rows become lines of their own
  right after the row that holds it. A table whose rows all have a single cell is a layout
  frame, not a task table: its paragraphs (and tables) are read as if they stood in the
  body, a line each.

Each table (a nested one too, a layout frame not) is also kept as a ``Table`` on its true
grid (``read_docx_tables``): a cell spanning columns fills every grid column it covers, a
vertical merge every row, and each copy is flagged merged; ``w:gridBefore`` leaves empty
cells in front.

Text is what Word shows with tracked changes accepted: runs, tabs and breaks (as spaces),
non-breaking hyphens, simple symbols, hyperlinks, smart tags, content controls (``w:sdt``,
in the body, in tables and in paragraphs), field results (never field codes), insertions,
the text of equations. Deletions and hidden text (``w:vanish``) are dropped, and a paragraph
whose mark is deleted or hidden runs into the next one, as in Word. Bullets give no text.

Skipped on purpose: headers, footers, footnotes, endnotes, comments, text boxes and
anything else inside drawings or shapes (``w:drawing``, ``w:pict``, ``mc:AlternateContent``),
and ``w:altChunk`` (imported HTML/RTF) content.
"""

from __future__ import annotations

import posixpath
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

from ..errors import LimitExceeded, UnsupportedFormat
from ..models import Table
from ..text import split_lines
from .docx_lists import Ns, Numbering, Styles, to_int
from .grid import Cells, make_table, place
from .limits import Limits
from .zipped import Package

_MATH_NS = ("http://schemas.openxmlformats.org/officeDocument/2006/math",
            "http://purl.oclc.org/ooxml/officeDocument/math")
# White space in Word's XML; Unicode's line separators are line breaks (`text.split_lines`)
_SPACES = str.maketrans({"\t": " ", "\n": " ", "\r": " "})
_INLINE = {"hyperlink", "smartTag", "customXml", "ins", "moveTo", "fldSimple", "dir", "bdo",
           "sdtContent"}
_RUN_TEXT = {"tab": " ", "ptab": " ", "br": " ", "cr": " ", "noBreakHyphen": "-"}


def read_docx(data: bytes, source: str, limits: Limits | None = None) -> list[str]:
    """The body of a .docx as lines in reading order (see the module docstring).

    Raises UnsupportedFormat, with one line naming `source`, for a corrupt or unreadable file,
    and LimitExceeded for one over a limit of `limits` (by default, from the environment).
    """
    return read_docx_tables(data, source, limits)[0]


def read_docx_tables(data: bytes, source: str, limits: Limits | None = None,
                     notes: list[tuple[int, str]] | None = None
                     ) -> tuple[list[str], list[Table]]:
    """The body's lines, as `read_docx`, and its tables as rows × cells, in reading order.
    What the reader had to clip (a crafted grid value) goes to `notes` as (line, reason).

    Raises UnsupportedFormat, with one line naming `source`, for a corrupt or unreadable file,
    and LimitExceeded for one over a limit of `limits` (by default, from the environment).
    """
    try:
        package = Package(data, source, limits or Limits.from_env())
        reader = _Reader(_load(package), package.limits, source)
        lines = reader.lines()
        if notes is not None:
            notes.extend(reader.notes)
        return lines, reader.tables
    except LimitExceeded:
        raise
    except Exception as e:  # any failure inside a damaged package is the file's, not ours
        raise UnsupportedFormat(f"{source}: 无法读取的 Word 文件({_reason(e)});请用 Word "
                                "或 WPS 打开后另存为 .docx") from e


def _reason(error: Exception) -> str:
    """A one-line, short account of what went wrong."""
    text = " ".join(str(error).split()).strip("'\"")
    return (text[:120] or type(error).__name__)


# --- the package -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Package:
    body: etree._Element
    numbering: etree._Element | None
    styles: etree._Element | None


def _load(z: Package) -> _Package:
    """The main document's body and its numbering and styles parts, found by relationship."""
    main = _related(z, "", "officeDocument") or "word/document.xml"
    root = z.xml(main)
    body = next((c for c in root if isinstance(c.tag, str)
                 and etree.QName(c).localname == "body"), None)
    if body is None:
        raise ValueError("文档没有正文")
    parts = {}
    for kind in ("numbering", "styles"):
        name = _related(z, main, kind)
        parts[kind] = z.xml(name) if name else None
    return _Package(body, parts["numbering"], parts["styles"])


def _related(z: Package, part: str, kind: str) -> str | None:
    """The zip name of the part `part` relates to with relationship type `…/kind`."""
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", name + ".rels")
    if rels not in z.names:
        return None
    for rel in z.xml(rels):
        if rel.get("Type", "").endswith("/" + kind) and rel.get("TargetMode") != "External":
            target = rel.get("Target", "")
            path = target[1:] if target.startswith("/") else posixpath.join(folder, target)
            path = posixpath.normpath(path)
            return path if path in z.names else None
    return None


# --- the body ------------------------------------------------------------------------------


class _Reader:
    """One walk over the body, in order; list counters and open fields carry across it."""

    def __init__(self, package: _Package, limits: Limits | None = None, source: str = ""):
        self.limits, self.source = limits or Limits(), source
        self.chars = 0  # characters of the lines so far: generated text counts too
        self.notes: list[tuple[int, str]] = []  # (line, what was clipped there)
        self.ns = ns = Ns(package.body)
        self.styles = Styles(package.styles, ns)
        self.numbering = Numbering(package.numbering, ns, self.styles)
        self.body = package.body
        self.fields: list[bool] = []  # one per open complex field: still in its code part?
        self.tables: list[Table] = []  # filled by `lines`, in reading order

    def lines(self) -> list[str]:
        """Every line of the body; the tables they show go to `self.tables`."""
        out: list[str] = []
        self.tables = []
        self._blocks(self.body, out)
        self.tables.sort(key=lambda t: t.rows[0].line)  # a nested table ends before its host
        return out

    def _blocks(self, parent: etree._Element, out: list[str]) -> None:
        """Append the lines of paragraphs and tables under `parent` (body, control, cell)."""
        pending = ""  # text of paragraphs whose mark is deleted: it joins the next one
        for child in parent:
            name = self.ns.name(child)
            if name == "p" and self._mark_gone(child):
                pending += self._text(child)
            elif name == "p":
                out.append(self._numbered(child, pending + self._text(child)))
                self._count(out[-1])
                pending = ""
            elif name in ("tbl", "sdt", "customXml"):
                if pending:
                    out.append(pending)
                pending = ""
                if name == "tbl":
                    self._table(child, out)
                else:
                    self._blocks(self._content(child), out)
        if pending:
            out.append(pending)

    def _content(self, el: etree._Element) -> etree._Element:
        """The element holding the content of a w:sdt (its w:sdtContent) or w:customXml."""
        if self.ns.name(el) == "sdt":
            content = self.ns.child(el, "sdtContent")
            return content if content is not None else etree.Element("empty")
        return el

    def _wrapped(self, parent: etree._Element, want: str) -> Iterator[etree._Element]:
        """Children named `want`, looking through content controls and custom XML."""
        for child in parent:
            name = self.ns.name(child)
            if name == want:
                yield child
            elif name in ("sdt", "customXml"):
                yield from self._wrapped(self._content(child), want)

    # --- tables

    def _table(self, tbl: etree._Element, out: list[str]) -> None:
        """Append a line per row (tracked-deleted rows dropped), nested tables' rows after,
        and keep the table on its grid."""
        rows = [tr for tr in self._wrapped(tbl, "tr")
                if self.ns.child(tr, "trPr", "del") is None]
        cells = [list(self._wrapped(tr, "tc")) for tr in rows]
        if cells and all(len(row) == 1 for row in cells):
            for row in cells:
                self._blocks(row[0], out)
            return
        above: dict[int, str] = {}  # grid column → text of a vertical merge open there
        grid: list[tuple[int, Cells]] = []
        declared = self.ns.child(tbl, "tblGrid")  # its w:gridCol: the columns the file declares
        columns = 0 if declared is None else len(declared.findall(self.ns.p + "gridCol"))
        widest = 0
        for tr, row in zip(rows, cells, strict=True):
            out.append("")  # the row's line, written once its cells (and nested rows) are read
            line = len(out)
            texts, grid_row = self._row(tr, row, above, out, columns)
            out[line - 1] = "\t".join(texts)
            self._count(out[line - 1])
            grid.append((line, grid_row))
            widest = max(widest, max(grid_row, default=-1) + 1)
            self.limits.check("max_cells", widest * len(grid), self.source, "表格单元格")
            self._count(copies=sum(len(text) for text, merged in grid_row.values() if merged))
        table = make_table(grid)
        if table is not None:
            self.tables.append(table)

    def _row(self, tr: etree._Element, cells: list[etree._Element], above: dict[int, str],
             out: list[str], columns: int = 0) -> tuple[list[str], Cells]:
        """The texts of a row's cells, vertical merges filled in from `above`, and the row on
        its grid (spans and merges copied). Nested tables' rows go to `out`. A crafted
        w:gridBefore or w:gridSpan far past the table's `columns` is clipped (`_fit`)."""
        column = max(0, to_int(self.ns.val(tr, "trPr", "gridBefore"), 0))
        spans = [max(1, to_int(self.ns.val(tc, "tcPr", "gridSpan"), 1)) for tc in cells]
        room = max(columns, len(cells))
        if column + sum(spans) > 2 * room + 8:  # not a sloppy grid: a crafted one
            column, spans = _fit(column, spans, room)
            self.notes.append((len(out), f"表格行的网格值过大(w:gridBefore、w:gridSpan),已按表格"
                                         f"的 {room} 列截短读取,请人工核对该行"))
        texts: list[str] = []
        grid: Cells = {}
        left: str | None = None  # text of the cell to the left, for a legacy horizontal merge
        for tc, span in zip(cells, spans, strict=True):
            hmerge, vmerge = self._merge(tc, "hMerge"), self._merge(tc, "vMerge")
            if hmerge not in (None, "restart"):  # continues the cell to its left; no text
                place(grid, column, left or "", span, merged=left is not None)
                column += span
                continue
            if vmerge == "continue":
                left = above.get(column, "")
                place(grid, column, left, span, merged=column in above)
            else:
                left = self._cell(tc, out)
                if vmerge is not None:
                    above[column] = left
                else:
                    above.pop(column, None)
                place(grid, column, left, span)
            texts.append(left)
            column += span
        return texts, grid

    def _count(self, line: str = "", copies: int = 0) -> None:
        """Count a line's characters, and those of the `copies` a span or a merge puts on
        the grid, against `max_text_chars` (merged cells repeated, list numbers: text the
        reader generates, which the file's size does not bound)."""
        self.chars += len(line) + copies
        self.limits.check("max_text_chars", self.chars, self.source, "读出的文字字符")

    def _merge(self, tc: etree._Element, name: str) -> str | None:
        """The cell's w:hMerge or w:vMerge value: None without one, "continue" when the
        element gives none."""
        if self.ns.child(tc, "tcPr", name) is None:
            return None
        value = self.ns.val(tc, "tcPr", name)
        return "continue" if value is None else value

    def _cell(self, tc: etree._Element, nested: list[str]) -> str:
        """A cell's paragraphs, and the lines a line separator cuts in them, joined by 、
        (one body a line is how lists sit in cells); nested tables' rows go to `nested` (the
        body's lines, after the row's own)."""
        parts: list[str] = []
        for child in tc:
            name = self.ns.name(child)
            if name == "p":
                text = self._text(child)
                parts.append(text if self._mark_gone(child) else self._numbered(child, text))
            elif name == "tbl":
                self._table(child, nested)
            elif name in ("sdt", "customXml"):
                parts.append(self._cell(self._content(child), nested))
        return "、".join(x.strip() for part in parts for x in split_lines(part, markup=True)
                        if x.strip())

    # --- paragraphs

    def _mark_gone(self, p: etree._Element) -> bool:
        """Whether the paragraph mark is deleted (tracked) or hidden: it merges with the next."""
        return (self.ns.child(p, "pPr", "rPr", "del") is not None
                or self.ns.on(p, "pPr", "rPr", "vanish"))

    def _numbered(self, p: etree._Element, text: str) -> str:
        """`text` behind the number the paragraph's list gives it, if any."""
        ref = self._num_ref(p)
        if ref is None:
            return text
        label, suffix = self.numbering.label(*ref)
        if not label:
            return text
        if text.lstrip().startswith(label):  # the number is also typed: 一、一、… once
            return text.translate(_SPACES)
        last = unicodedata.category(label[-1])
        joint = "" if suffix == "nothing" or last[0] in "PS" or last == "No" else " "
        return (label + joint + text).translate(_SPACES)

    def _num_ref(self, p: etree._Element) -> tuple[str, int] | None:
        """(numId, ilvl) of the paragraph: its own w:numPr, else its style chain's."""
        ns = self.ns
        style = ns.val(p, "pPr", "pStyle")
        style = style if style in self.styles.by_id else self.styles.default
        num_id = ns.val(p, "pPr", "numPr", "numId")
        ilvl = ns.val(p, "pPr", "numPr", "ilvl")
        if num_id is None or ilvl is None:
            style_num, style_ilvl = self.styles.num_pr(style)
            num_id, ilvl = num_id or style_num, ilvl or style_ilvl
        if num_id is None or num_id == "0":
            return None
        if ilvl is None:  # a level may name the style that selects it (w:lvl/w:pStyle)
            levels = self.numbering.levels(num_id)[1]
            ilvl = next((str(i) for i, lvl in levels.items() if lvl.style == style), "0")
        return num_id, to_int(ilvl, 0)

    def _text(self, p: etree._Element) -> str:
        """The visible text of a paragraph, without its number."""
        out: list[str] = []
        self._inline(p, out)
        self.fields = [f for f in self.fields if not f]  # a field code ends with its paragraph
        return "".join(out).translate(_SPACES)

    def _inline(self, parent: etree._Element, out: list[str]) -> None:
        """Append the text of runs under `parent`, through links, controls, insertions."""
        for child in parent:
            name = self.ns.name(child)
            if name == "r":
                self._run(child, out)
            elif name in _INLINE:
                self._inline(child, out)
            elif name == "sdt":
                self._inline(self._content(child), out)
            elif not name and isinstance(child.tag, str):
                math = etree.QName(child).namespace
                if math in _MATH_NS:
                    out.extend(t.text or "" for t in child.iter(f"{{{math}}}t"))

    def _run(self, r: etree._Element, out: list[str]) -> None:
        """Append a run's visible text; hidden runs and field codes give none."""
        hidden = self.ns.on(r, "rPr", "vanish")
        for child in r:
            name = self.ns.name(child)
            if name == "fldChar":
                self._field(child.get(self.ns.p + "fldCharType"))
            elif hidden or any(self.fields):
                continue
            elif name == "t":
                out.append(child.text or "")
            elif name in _RUN_TEXT:
                out.append(_RUN_TEXT[name])
            elif name == "sym":
                out.append(self._symbol(child))
            elif name == "ruby":
                base = self.ns.child(child, "rubyBase")
                if base is not None:
                    self._inline(base, out)

    def _field(self, kind: str | None) -> None:
        """Track complex fields: text between begin and separate is the code, not shown."""
        if kind == "begin":
            self.fields.append(True)
        elif kind == "separate" and self.fields:
            self.fields[-1] = False
        elif kind == "end" and self.fields:
            self.fields.pop()

    def _symbol(self, sym: etree._Element) -> str:
        """A w:sym character, unless it is a private-use glyph of a symbol font."""
        try:
            code = int(sym.get(self.ns.p + "char") or "", 16)
        except ValueError:
            return ""
        return "" if 0xF000 <= code <= 0xF0FF or code < 0x20 else chr(code)


def _fit(before: int, spans: list[int], room: int) -> tuple[int, list[int]]:
    """w:gridBefore and the cells' spans clipped to a row of `room` grid columns: each
    cell keeps a column of its own, so none of the row's text is lost.

    >>> _fit(1_000_000, [1, 1_000_000, 1], 4)
    (1, [1, 1, 1])
    """
    before = min(before, max(0, room - len(spans)))
    left, fitted = room - before, []
    for k, span in enumerate(spans):
        fitted.append(max(1, min(span, left - (len(spans) - k - 1))))
        left -= fitted[-1]
    return before, fitted
