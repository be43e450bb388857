"""Word files in the form of a 公文 (GB/T 9704): A4 with the standard margins, the
standard fonts declared so that Word, WPS and LibreOffice each find theirs, page numbers
`— 1 —`, tables whose header row repeats on every page, and the same bytes for the same
input.

Fonts are declared by their Chinese names (方正小标宋简体, 仿宋_GB2312, 黑体, 楷体_GB2312) in
the East Asian slot of every style, with Times New Roman for Latin letters and digits;
the font table gives each its GB2312 charset and a common font to fall back to (宋体, 仿宋,
黑体, 楷体), so a machine without the 方正 or _GB2312 fonts substitutes a font of the same
kind instead of a Western one. LibreOffice substitutes a CJK font of its own.
"""

from __future__ import annotations

import copy
import datetime
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from docx import Document
from docx.document import Document as WordDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt, RGBColor
from docx.table import Table, _Cell
from lxml import etree

from ...errors import TaskmapError
from ...safe import replacing

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEAD_FONT = "黑体"
KAI_FONT = "楷体_GB2312"
PAGE_FONT = "宋体"
LATIN_FONT = "Times New Roman"
FALLBACKS = {TITLE_FONT: "宋体", BODY_FONT: "仿宋", HEAD_FONT: "黑体", KAI_FONT: "楷体",
             PAGE_FONT: "宋体"}

A4 = (Mm(210), Mm(297))
MARGINS = {"top": Mm(37), "bottom": Mm(35), "left": Mm(28), "right": Mm(26)}
FOOTER_DISTANCE = Mm(21)  # the page number stands about 7 mm below the type area

# paragraph styles: name → (East Asian font, size in pt, line spacing in pt, alignment,
# first-line indent in characters)
STYLES = {
    "公文标题": (TITLE_FONT, 22, 36, WD_ALIGN_PARAGRAPH.CENTER, 0),
    "附件标记": (HEAD_FONT, 16, 28, WD_ALIGN_PARAGRAPH.LEFT, 0),
    "一级标题": (HEAD_FONT, 16, 28, WD_ALIGN_PARAGRAPH.LEFT, 0),
    "公文副题": (KAI_FONT, 16, 28, WD_ALIGN_PARAGRAPH.CENTER, 0),
    "公文正文": (BODY_FONT, 16, 28, WD_ALIGN_PARAGRAPH.JUSTIFY, 2),
    "表头": (HEAD_FONT, 12, 18, WD_ALIGN_PARAGRAPH.CENTER, 0),
    "表格分组": (HEAD_FONT, 12, 18, WD_ALIGN_PARAGRAPH.LEFT, 0),
    "表格文字": (BODY_FONT, 12, 18, WD_ALIGN_PARAGRAPH.LEFT, 0),
    "表格居中": (BODY_FONT, 12, 18, WD_ALIGN_PARAGRAPH.CENTER, 0),
    "表注": (BODY_FONT, 14, 24, WD_ALIGN_PARAGRAPH.JUSTIFY, 0),
}
RED = RGBColor(0xC0, 0x00, 0x00)
BLUE = RGBColor(0x00, 0x3C, 0xB4)
FIXED_TIME = datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)
_ZIP_TIME = (2000, 1, 1, 0, 0, 0)


def set_fonts(rpr, east_asia: str, latin: str = LATIN_FONT) -> None:
    """Declare `east_asia` for Chinese characters and `latin` for the rest on an rPr
    element, with no theme font left to override them."""
    fonts = rpr.get_or_add_rFonts()
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attr}"), None)
    for attr, name in (("ascii", latin), ("hAnsi", latin), ("eastAsia", east_asia),
                       ("cs", latin)):
        fonts.set(qn(f"w:{attr}"), name)


def east_asia_font(rpr) -> str | None:
    """The East Asian font an rPr declares (for tests and checks)."""
    fonts = None if rpr is None else rpr.rFonts
    return None if fonts is None else fonts.get(qn("w:eastAsia"))


def new_document(*, landscape: bool) -> WordDocument:
    """An empty 公文: styles, fonts, page setup and the page-number footer."""
    doc = Document()
    _defaults(doc)
    for name, spec in STYLES.items():
        _paragraph_style(doc, name, *spec)
    _footer_style(doc)
    _font_table(doc)
    page_setup(doc.sections[0], landscape=landscape)
    page_number(doc.sections[0])
    props = doc.core_properties
    props.author, props.last_modified_by, props.revision = "taskmap", "taskmap", 1
    props.created = props.modified = props.last_printed = FIXED_TIME
    return doc


def _defaults(doc) -> None:
    """Normal text in 仿宋_GB2312 三号 (16 pt); the template's theme fonts removed."""
    rpr = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(
        qn("w:rPr"))
    set_fonts(rpr, BODY_FONT)
    normal = doc.styles["Normal"]
    set_fonts(normal.element.get_or_add_rPr(), BODY_FONT)
    normal.font.size = Pt(16)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")


def _paragraph_style(doc, name: str, font: str, size: int, spacing: int, align,
                     indent_chars: int) -> None:
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles["Normal"]
    style.quick_style = True
    set_fonts(style.element.get_or_add_rPr(), font)
    style.font.size = Pt(size)
    fmt = style.paragraph_format
    fmt.alignment = align
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(spacing)
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.widow_control = True
    if indent_chars:  # 首行缩进两字: in characters, so it follows the font size
        ind = style.element.get_or_add_pPr().get_or_add_ind()
        ind.set(qn("w:firstLineChars"), str(indent_chars * 100))
        ind.set(qn("w:firstLine"), str(int(size * indent_chars * 20)))


def _footer_style(doc) -> None:
    footer = doc.styles["Footer"]
    set_fonts(footer.element.get_or_add_rPr(), PAGE_FONT, PAGE_FONT)
    footer.font.size = Pt(14)  # 4号
    footer.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _font_table(doc) -> None:
    """Declare each Chinese font with the GB2312 charset and a common font to fall back
    to, so that Word and WPS substitute a Chinese font of the same kind."""
    font_part = doc.part.part_related_by(RT.FONT_TABLE)
    root = etree.fromstring(font_part.blob)
    for name, alt in FALLBACKS.items():
        font = etree.SubElement(root, qn("w:font"))
        font.set(qn("w:name"), name)
        for tag, value in (("altName", alt), ("charset", "86"), ("family", "modern"),
                           ("pitch", "fixed")):
            etree.SubElement(font, qn(f"w:{tag}")).set(qn("w:val"), value)
    font_part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                     standalone=True)


def page_setup(section, *, landscape: bool) -> None:
    """A4, 公文 margins (top 37, bottom 35, left 28, right 26 mm), portrait or landscape."""
    width, height = A4
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = height, width
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = width, height
    section.top_margin, section.bottom_margin = MARGINS["top"], MARGINS["bottom"]
    section.left_margin, section.right_margin = MARGINS["left"], MARGINS["right"]
    section.footer_distance = FOOTER_DISTANCE
    section.header_distance = Mm(15)


def text_width(section) -> int:
    """The width of the type area, in EMU."""
    return section.page_width - section.left_margin - section.right_margin


def page_number(section) -> None:
    """`— N —` centred in the footer, N a PAGE field."""
    paragraph = section.footer.paragraphs[0]
    paragraph.style = "Footer"
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("— ")
    _field(paragraph, "PAGE", "1")
    paragraph.add_run(" —")


def _field(paragraph, instruction: str, shown: str) -> None:
    """A complex field (begin, instruction, separate, result, end), as Word writes it."""
    for kind, text in (("begin", None), (None, f" {instruction} "), ("separate", None),
                       (None, shown), ("end", None)):
        run = paragraph.add_run()
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text == shown:
            run.text = shown
        else:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)


def new_page_section(doc, *, landscape: bool):
    """A new section starting on a new page, set up as the first (footer linked)."""
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    page_setup(section, landscape=landscape)
    return section


def paragraph(doc_or_cell, text: str = "", style: str = "公文正文"):
    return doc_or_cell.add_paragraph(text, style=style)


@dataclass(frozen=True)
class Column:
    header: str
    mm: float
    style: str = "表格文字"


class GridTable:
    """A fixed-layout table across the type area: a header row repeated on every page
    (w:tblHeader), above it a `caption` row across the table repeated too (the section
    a table holds: its name on every page its rows continue), cells filled by the caller.
    The table is built in one pass, linear in its rows: a row is a copy of an empty row
    made once (no python-docx walk of the table's rows, no style looked up by name a
    cell), appended after the last."""

    def __init__(self, doc, columns: Sequence[Column], width_emu: int,
                 caption: str | None = None, split_rows: bool = False):
        self.columns = list(columns)
        self._split_rows = split_rows  # every row may break across pages, not the first only
        self._head = 2 if caption is not None else 1  # the rows repeated on every page
        self._rows = 1  # the header's
        self._empty: dict[bool, etree._Element] = {}  # split? → an empty row to copy
        self._style_ids: dict[str, str | None] = {}
        total = sum(c.mm for c in columns)
        self.widths = [Emu(int(width_emu * c.mm / total)) for c in columns]
        self.table: Table = doc.add_table(rows=1, cols=len(columns))
        self.table.style = doc.styles["Table Grid"]
        self.table.alignment = WD_TABLE_ALIGNMENT.CENTER
        self.table.autofit = False
        tbl_pr = self.table._tbl.tblPr
        layout = OxmlElement("w:tblLayout")
        layout.set(qn("w:type"), "fixed")
        tbl_pr.append(layout)
        width = OxmlElement("w:tblW")
        width.set(qn("w:w"), str(sum(self.widths) // 635))
        width.set(qn("w:type"), "dxa")
        for old in tbl_pr.findall(qn("w:tblW")):
            tbl_pr.remove(old)
        tbl_pr.append(width)
        for col, w in zip(self.table._tbl.tblGrid.gridCol_lst, self.widths, strict=True):
            col.w = w
        header = self.table.rows[0]
        _row_props(header._tr, header=True)
        for cell, column, w in zip(self._cells(header._tr), columns, self.widths,
                                   strict=True):
            cell.width = w
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            cell.paragraphs[0].style = "表头"
            cell.paragraphs[0].add_run(column.header)
        if caption is not None:  # a row across the table above the header, repeated too
            tr = copy.deepcopy(header._tr)
            header._tr.addprevious(tr)
            first, *rest = tr.tc_lst
            for tc in rest:
                tr.remove(tc)
            first.get_or_add_tcPr().append(_grid_span(len(columns)))
            first.width = sum(self.widths)
            para = _Cell(first, self.table).paragraphs[0]
            for run in para.runs:
                para._p.remove(run._r)
            para.style = "表格分组"
            para.add_run(caption)
            self._rows = 2

    def _cells(self, tr) -> list[_Cell]:
        return [_Cell(tc, self.table) for tc in tr.tc_lst]

    def add_row(self) -> list[_Cell]:
        """A new row; each cell holds one empty paragraph in its column's style. The first
        row may break across pages, so that a table under a title starts on the title's
        page even when its first task is long; the others are kept whole."""
        self._rows += 1
        split = self._split_rows or self._rows == self._head + 1
        empty = self._empty.get(split)
        if empty is None:
            tr = self.table._tbl.add_tr()
            _row_props(tr, header=False, split=split)
            for column, w in zip(self.columns, self.widths, strict=True):
                tc = tr.add_tc()
                tc.width = w
                cell = _Cell(tc, self.table)
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
                cell.paragraphs[0].style = column.style
            self._empty[split] = copy.deepcopy(tr)
        else:
            tr = copy.deepcopy(empty)
            self.table._tbl.append(tr)  # a table's rows are its last children
        return self._cells(tr)

    def add_paragraph(self, cell: _Cell, text: str, style: str):
        """`cell.add_paragraph(text, style=style)`, the style's id looked up once a table."""
        if style not in self._style_ids:
            self._style_ids[style] = self.table.part.get_style_id(style,
                                                                  WD_STYLE_TYPE.PARAGRAPH)
        para = cell.add_paragraph(text)
        para._p.style = self._style_ids[style]
        return para

    def add_group_row(self, text: str) -> _Cell:
        """A row of one cell across the table (a section of the table: 一、…)."""
        cells = self.add_row()
        merged = cells[0].merge(cells[-1])
        for extra in merged.paragraphs[1:]:
            extra._p.getparent().remove(extra._p)
        merged.paragraphs[0].style = "表格分组"
        merged.paragraphs[0].add_run(text)
        return merged


def _grid_span(n: int):
    span = OxmlElement("w:gridSpan")
    span.set(qn("w:val"), str(n))
    return span


def _row_props(tr, *, header: bool, split: bool = False) -> None:
    """The header row repeats on every page; a row breaks across pages only when `split`
    (a name cut between two pages is worse than a short gap at a page foot)."""
    tr_pr = tr.get_or_add_trPr()
    if not split:
        tr_pr.append(OxmlElement("w:cantSplit"))
    if header:
        tr_pr.append(OxmlElement("w:tblHeader"))


def save_stable(doc, path: Path) -> Path:
    """Save whole or not at all, with fixed zip timestamps: equal documents are equal
    bytes."""
    data = stable_bytes(doc)
    try:
        with replacing(path) as tmp:
            tmp.write_bytes(data)
    except OSError as e:
        raise TaskmapError(f"{path}: cannot write the document ({e})") from None
    return path


def stable_bytes(doc) -> bytes:
    """The .docx file of `doc` with fixed zip timestamps: equal documents, equal bytes."""
    buffer, out = io.BytesIO(), io.BytesIO()
    doc.save(buffer)
    with ZipFile(buffer) as source, ZipFile(out, "w", ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = ZipInfo(info.filename, date_time=_ZIP_TIME)
            fixed.compress_type = ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            target.writestr(fixed, source.read(info))
    return out.getvalue()
