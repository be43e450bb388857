"""PDF plans with a text layer (pdfminer.six). Visual lines are joined back into
paragraphs; a PDF whose text layer is missing or unreadable is refused, with what to do.

pdfminer runs under the reader limits (`pdf_pages`); an encrypted PDF that opens without a
password (an owner password only restricts printing or copying) is read like any other.

A line that reaches the right edge continues on the next line unless that line opens a
new paragraph: it is indented (official documents indent first lines by two characters),
or starts with a heading number or a role label. Page-number lines are dropped.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, replace

from .. import lexicon as lx
from ..errors import LimitExceeded, UnsupportedFormat
from ..text import view
from .limits import Limits
from .pdf_pages import layout_pages

_CID = re.compile(r"\(cid:\d+\)")
_PAGE_NUMBER = re.compile(r"^\s*(?:[-—–]\s*\d+\s*[-—–]|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?"
                          r"|\d+\s*/\s*\d+|\d{1,3})\s*$")
_NEW_PARAGRAPH = re.compile(
    r"^\s*(?:第[一二三四五六七八九十百]+[章节部篇]|[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]"
    r"|\d{1,2}[.．、](?!\d)|[①-⑳]|附件)")
FULL_SLACK = 1.5  # a line ending within 1.5 characters of the right edge was wrapped
INDENT = 0.8  # a line starting this many characters right of the margin opens a paragraph


def read_pdf(data: bytes, source: str, limits: Limits | None = None) -> list[str]:
    """Paragraphs of a PDF's text layer, in reading order, under `limits` (by default from
    the environment)."""
    limits = limits or Limits.from_env()
    pages, encrypted = _read(data, source, limits)
    try:
        _check_text_layer(_text(pages), source)
    except UnsupportedFormat:
        if not encrypted:
            raise
        # Some producers encrypt the streams but leave the strings (font names) plain.
        pages = _read(data, source, limits, plain_strings=True)[0]
        _check_text_layer(_text(pages), source)
    return _paragraphs([line for page in pages for line in page])


def _read(data: bytes, source: str, limits: Limits,
          plain_strings: bool = False) -> tuple[list[list[_Line]], bool]:
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    try:
        pages, encrypted = layout_pages(data, source, limits, _page_lines, plain_strings)
    except LimitExceeded:
        raise
    except PDFPasswordIncorrect:
        raise UnsupportedFormat(f"{source}: 该 PDF 需要密码才能打开;请用密码打开后"
                                "另存为不带密码的 PDF") from None
    except Exception as e:  # pdfminer raises many types for broken files
        raise UnsupportedFormat(f"{source}: 无法读取的 PDF({type(e).__name__});"
                                "请打开后重新导出为 PDF,或另存为 .docx") from None
    return [page for page in pages if page], encrypted


def _text(pages: list[list[_Line]]) -> str:
    return "\n".join(line.text for page in pages for line in page)


@dataclass(frozen=True)
class _Line:
    text: str
    x0: float
    x1: float
    top: float
    size: float
    left: float = 0.0  # the page's text margins
    right: float = 0.0


def _page_lines(page) -> list[_Line]:
    """The text lines of one page's layout, page numbers dropped, with the page's margins."""
    from pdfminer.layout import LTTextContainer, LTTextLine

    lines = [_Line(_line_text(obj), obj.x0, obj.x1, obj.y1, obj.height)
             for box in page if isinstance(box, LTTextContainer)
             for obj in box if isinstance(obj, LTTextLine) and obj.get_text().strip()]
    lines = [x for x in _rows(lines) if not _PAGE_NUMBER.match(x.text)]
    if not lines:
        return []
    prose = [x for x in lines if "\t" not in x.text] or lines  # tables may be wider
    left, right = min(x.x0 for x in prose), max(x.x1 for x in prose)
    return [replace(x, left=left, right=right) for x in lines]


def _rows(lines: list[_Line]) -> list[_Line]:
    """Lines on one baseline are one row (table cells pdfminer split apart), tab-joined."""
    rows: list[list[_Line]] = []
    for line in sorted(lines, key=lambda x: (-round(x.top), x.x0)):
        if rows and abs(rows[-1][0].top - line.top) < 0.5 * line.size:
            rows[-1].append(line)
        else:
            rows.append([line])
    out = []
    for row in rows:
        row.sort(key=lambda x: x.x0)
        text = "\t".join(x.text for x in row)
        out.append(_Line(text, row[0].x0, row[-1].x1, row[0].top, row[0].size))
    return out


def _check_text_layer(text: str, source: str) -> None:
    """Refuse a PDF whose text is missing, or unmapped glyphs `(cid:123)`, or not Chinese."""
    cids = len(_CID.findall(text))
    cjk = sum("\u4e00" <= ch <= "\u9fff" for ch in text)
    visible = len(re.sub(r"\s", "", _CID.sub("", text)))
    if cids > 20 or cids > visible * 0.05:
        raise UnsupportedFormat(f"{source}: PDF 的文字层无法识读({cids} 个"
                                "无法映射的字形,如 (cid:123));需要 OCR 识别,或提供原始的 "
                                ".docx/.txt")
    if cjk < 20:
        raise UnsupportedFormat(f"{source}: PDF 没有可用的中文文字层(扫描件?);"
                                "需要 OCR 识别,或提供原始的 .docx/.txt")


TABLE_GAP = 1.5  # a gap this many characters wide between two glyphs separates table cells


def _line_text(line) -> str:
    """The line's text, with a tab where a wide gap separates two glyphs (table cells)."""
    from pdfminer.layout import LTChar

    out, last = [], None
    for ch in line:
        if not isinstance(ch, LTChar):
            continue
        if last is not None and ch.x0 - last.x1 > TABLE_GAP * max(ch.size, 1):
            out.append("\t")
        out.append(ch.get_text())
        last = ch
    return "".join(out).strip()


def _opens_paragraph(text: str) -> bool:
    """A heading number, an attachment mark or a labelled line (牵头单位:) opens a paragraph."""
    return bool(_NEW_PARAGRAPH.match(text) or lx.LABEL_LINE.match(view(text)))


def _open_brackets(text: str) -> int:
    depth = 0
    for ch in view(text):
        if ch in lx.OPEN:
            depth += 1
        elif ch in lx.CLOSE:
            depth = max(0, depth - 1)
    return depth


def _paragraphs(lines: list[_Line]) -> list[str]:
    """Join wrapped lines: a line continues the previous one when the previous reached the
    right edge and this one is neither indented (公文: 首行缩进两字) nor a heading or label."""
    if not lines:
        return []
    out = [lines[0].text]
    for prev, line in itertools.pairwise(lines):
        full = prev.x1 >= prev.right - FULL_SLACK * prev.size
        indented = line.x0 > line.left + INDENT * line.size
        opens = _opens_paragraph(line.text) and not _open_brackets(out[-1])
        if full and not indented and not opens and "\t" not in line.text + prev.text:
            out[-1] += line.text
        else:
            out.append(line.text)
    return out
