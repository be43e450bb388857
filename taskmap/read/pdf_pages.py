"""pdfminer.six driven page by page under limits (`limits.Limits`):

* pages: at most `max_pdf_pages`;
* inflated stream bytes: while a read runs, pdfminer's Flate, LZW and RunLength decoders are
  replaced by ones that stop at what is left of `max_pdf_stream_bytes` for the whole file
  (pdfminer itself inflates a stream whole, whatever it grows to, and undoes a damaged one a
  byte at a time);
* content interpreted: the page (and form) content streams, at most `max_pdf_content_bytes`
  in total; the tokenizer is the slow part of pdfminer;
* characters: at most `max_pdf_page_chars` drawn on one page; and as pdfminer's layout
  analysis grows with the square of the lines drawn over each other, characters beyond
  `STACK` in one `SPOT`-point square are dropped (no one can read them on the page either;
  fake bold draws a character two to four times).

Paths are not collected (only text is read). An encrypted PDF is opened with the empty user
password; `plain_strings` reads one whose producer encrypted its streams but not its strings
(reportlab does), which pdfminer would otherwise decrypt into noise.
"""

from __future__ import annotations

import contextlib
import zlib
from collections.abc import Callable, Iterator
from io import BytesIO
from typing import TypeVar

from ..errors import LimitExceeded
from .limits import Limits, variable

T = TypeVar("T")
SPOT, STACK = 10, 32
CHUNK = 1 << 16  # compressed bytes fed at once to a damaged stream's decoder
OUT_CHUNK = 1 << 20  # inflated bytes taken at once


class Budget:
    """Inflated bytes left to the decoders, for one file."""

    def __init__(self, limits: Limits, source: str):
        self.limits, self.source, self.used = limits, source, 0
        self.tripped: LimitExceeded | None = None  # kept in case pdfminer swallows it

    def room(self) -> int:
        """Bytes the decoders may still produce."""
        return self.limits.max_pdf_stream_bytes - self.used

    def take(self, data: bytes) -> bytes:
        """Count `data` as produced; raise LimitExceeded past the limit."""
        self.used += len(data)
        if self.used > self.limits.max_pdf_stream_bytes:
            name = "max_pdf_stream_bytes"
            self.tripped = LimitExceeded(self.source, "PDF 数据流解压后的大小",
                                         getattr(self.limits, name), variable(name))
            raise self.tripped
        return data

    def inflate(self, data: bytes) -> bytes:
        """zlib.decompress, in chunks, stopping past the budget."""
        d = zlib.decompressobj()
        parts = [self.take(d.decompress(data, OUT_CHUNK))]
        while d.unconsumed_tail:
            parts.append(self.take(d.decompress(d.unconsumed_tail, OUT_CHUNK)))
        parts.append(self.take(d.flush()))
        if not d.eof:
            raise zlib.error("incomplete or truncated stream")
        return b"".join(parts)

    def inflate_damaged(self, data: bytes) -> bytes:
        """What pdfminer's decompress_corrupted gives (the stream up to a damage in its last
        3 bytes, its checksum), in chunks rather than a byte at a time, within the budget."""
        d, parts = zlib.decompressobj(), []
        for at in range(0, len(data), CHUNK):
            piece, saved = data[at:at + CHUNK], d.copy()
            try:
                parts.append(self.take(d.decompress(piece, self.room() + 1)))
                while d.unconsumed_tail:  # only when the budget is about to be exceeded
                    parts.append(self.take(d.decompress(d.unconsumed_tail, self.room() + 1)))
            except zlib.error:
                parts.extend(self._bytewise(saved, piece, len(data) - 3 - at))
                break
        return b"".join(parts)

    def _bytewise(self, d, piece: bytes, tolerated: int) -> Iterator[bytes]:
        for k in range(len(piece)):
            try:
                yield self.take(d.decompress(piece[k:k + 1], self.room() + 1))
            except zlib.error:
                if k < tolerated:
                    raise
                return

    def lzw(self, data: bytes) -> bytes:
        """pdfminer's LZW decoding, stopping past the budget."""
        from pdfminer.lzw import LZWDecoder
        return b"".join(self.take(chunk) for chunk in LZWDecoder(BytesIO(data)).run())

    def runlength(self, data: bytes) -> bytes:
        """RunLength decoding (PDF 7.4.5), stopping past the budget."""
        out, at = bytearray(), 0
        while at < len(data) and data[at] != 128:
            n = data[at]
            run = data[at + 1:at + 2 + n] if n < 128 else data[at + 1:at + 2] * (257 - n)
            out += self.take(run)
            at += n + 2 if n < 128 else 2
        return bytes(out)


class _Zlib:
    """Stands in for the zlib module inside pdfminer.pdftypes."""

    error = zlib.error

    def __init__(self, budget: Budget):
        self.decompress = budget.inflate
        self.decompressobj = zlib.decompressobj


@contextlib.contextmanager
def _decoders(budget: Budget) -> Iterator[None]:
    """pdfminer's stream decoders replaced by the budget's for the block."""
    from pdfminer import pdftypes
    names = ("zlib", "decompress_corrupted", "lzwdecode", "rldecode")
    saved = {name: getattr(pdftypes, name) for name in names}
    ours = (_Zlib(budget), budget.inflate_damaged, budget.lzw, budget.runlength)
    try:
        for name, value in zip(names, ours, strict=True):
            setattr(pdftypes, name, value)
        yield
    finally:
        for name, value in saved.items():
            setattr(pdftypes, name, value)


def layout_pages(data: bytes, source: str, limits: Limits, convert: Callable[[object], T],
                 plain_strings: bool = False) -> tuple[list[T], bool]:
    """`convert` applied to each page's layout (pdfminer LTPage) in order, and whether the PDF
    is encrypted. Raises LimitExceeded past a limit, pdfminer's errors for a broken file."""
    from pdfminer.layout import LAParams
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfinterp import PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    budget = Budget(limits, source)
    out: list[T] = []
    with _decoders(budget):
        doc = PDFDocument(PDFParser(BytesIO(data)), password="")
        encrypted = doc.decipher is not None
        if encrypted and plain_strings:
            doc.decipher = _streams_only(doc.decipher)
        resources = PDFResourceManager(caching=True)
        device = _device(resources, LAParams(), limits, source)
        interpreter = _interpreter(resources, device, limits, source)
        for number, page in enumerate(PDFPage.create_pages(doc), 1):
            limits.check("max_pdf_pages", number, source, "PDF 页数")
            interpreter.process_page(page)
            if budget.tripped:
                raise budget.tripped
            out.append(convert(device.get_result()))
    return out, encrypted


def _streams_only(decipher):
    """The document's decipher, applied to streams (called with their attributes) only."""
    def decipher_streams(objid, genno, data, attrs=None):
        return data if attrs is None else decipher(objid, genno, data, attrs)
    return decipher_streams


def _device(resources, laparams, limits: Limits, source: str):
    """A PDFPageAggregator that collects no paths and counts the characters of each page."""
    from pdfminer.converter import PDFPageAggregator

    class Device(PDFPageAggregator):
        chars = 0
        spots: dict[tuple[int, int], int]

        def begin_page(self, page, ctm) -> None:
            self.chars, self.spots = 0, {}
            super().begin_page(page, ctm)

        def render_char(self, *args, **kwargs) -> float:
            self.chars += 1
            limits.check("max_pdf_page_chars", self.chars, source,
                         f"第 {self.pageno} 页的字符数")
            advance = super().render_char(*args, **kwargs)
            char = self.cur_item._objs[-1]
            spot = (int(char.x0 // SPOT), int(char.y0 // SPOT))
            self.spots[spot] = self.spots.get(spot, 0) + 1
            if self.spots[spot] > STACK:
                self.cur_item._objs.pop()
            return advance

        def paint_path(self, *args, **kwargs) -> None:
            return None

    return Device(resources, laparams=laparams)


def _interpreter(resources, device, limits: Limits, source: str):
    """A PDFPageInterpreter that counts the content bytes it interprets (forms too)."""
    from pdfminer.pdfinterp import PDFPageInterpreter
    from pdfminer.pdftypes import PDFStream, stream_value

    counted = [0]  # shared with the interpreters made for forms (`dup`)

    class Interpreter(PDFPageInterpreter):  # its `dup`, for forms, makes another of these
        def execute(self, streams) -> None:
            for obj in streams:
                stream = stream_value(obj)
                if isinstance(stream, PDFStream):
                    counted[0] += len(stream.get_data())
            limits.check("max_pdf_content_bytes", counted[0], source,
                         "PDF 页面内容的大小")
            super().execute(streams)

    return Interpreter(resources, device)
