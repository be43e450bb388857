"""Real PDFs for the tests, made with reportlab and its built-in Chinese CID font
(STSong-Light, no font file needed): one paragraph per line, first lines indented by two
characters as official documents are, long lines wrapped at the right margin, table rows
(tab-separated) laid out as cells, page numbers in the footer."""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
LEFT, TOP, BOTTOM = 40, 800, 60


class _Page:
    """A canvas with a cursor that starts a new page (and numbers it) when full."""

    def __init__(self, size: float):
        self.buffer = io.BytesIO()
        self.canvas = canvas.Canvas(self.buffer, pagesize=A4)
        self.size, self.y, self.number = size, TOP, 1
        self.canvas.setFont(FONT, size)

    def draw(self, x: float, text: str) -> None:
        self.canvas.drawString(x, self.y, text)

    def newline(self) -> None:
        self.y -= self.size * 1.5
        if self.y < BOTTOM:
            self.canvas.drawString(290, 30, str(self.number))
            self.canvas.showPage()
            self.canvas.setFont(FONT, self.size)
            self.y, self.number = TOP, self.number + 1

    def finish(self) -> bytes:
        self.canvas.drawString(290, 30, str(self.number))
        self.canvas.save()
        return self.buffer.getvalue()


def _fits(text: str, size: float, room: float) -> int:
    """How many characters of `text` fit in `room` points."""
    k = 1
    while k <= len(text) and stringWidth(text[:k], FONT, size) <= room:
        k += 1
    return max(k - 1, 1)


def pdf_bytes(lines: list[str], size: float = 10.5, width: float = 440) -> bytes:
    """A PDF whose text layer holds `lines` as paragraphs."""
    page = _Page(size)
    for line in lines:
        if "\t" in line:  # a table row: cells at column stops
            x = LEFT
            for cell in line.split("\t"):
                page.draw(x, cell)
                x += stringWidth(cell, FONT, size) + 3 * size
            page.newline()
            continue
        x, rest = LEFT + 2 * size, line  # first line indented by two characters
        while rest:
            k = _fits(rest, size, LEFT + width - x)
            page.draw(x, rest[:k])
            rest, x = rest[k:], LEFT
            page.newline()
    return page.finish()


def pdf_without_text() -> bytes:
    """A scan-like PDF: shapes, no text layer."""
    page = _Page(10.5)
    for k in range(20):
        page.canvas.rect(LEFT, TOP - 30 * k, 400, 12, fill=1)
    page.canvas.showPage()
    page.canvas.save()
    return page.buffer.getvalue()


# A Helvetica whose codes 0x80… are glyphs named for line separators (uni2028…): the text
# layer then holds the separator itself, as a PDF whose producer kept one does.
SEPARATOR_GLYPHS = ("\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\r")
_SEPARATORS = pdfmetrics.Encoding("TaskmapSeparators", "WinAnsiEncoding")
for _k, _ch in enumerate(SEPARATOR_GLYPHS):
    _SEPARATORS[0x80 + _k] = f"uni{ord(_ch):04X}"
pdfmetrics.registerEncoding(_SEPARATORS)
pdfmetrics.registerFont(pdfmetrics.Font("TaskmapSeparators", "Helvetica", "TaskmapSeparators"))


def pdf_with_separator(lines: list[str], separator: str, size: float = 10.5) -> bytes:
    """A PDF whose text layer holds `lines` as paragraphs, each at most a line wide, every
    `separator` in them (one of SEPARATOR_GLYPHS) drawn as its own glyph."""
    page = _Page(size)
    code = 0x80 + SEPARATOR_GLYPHS.index(separator)
    for line in lines:
        text = page.canvas.beginText(LEFT + 2 * size, page.y)
        for k, piece in enumerate(line.split(separator)):
            if k:
                text.setFont("TaskmapSeparators", size)
                text._code.append(f"(\\{code:o}) Tj")  # the raw code: the font has no codec
            text.setFont(FONT, size)
            text.textOut(piece)
        page.canvas.drawText(text)
        page.newline()
    return page.finish()
