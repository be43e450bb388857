"""Readers: `read_document(path)` picks one by the file's content, not only its suffix.

Every reader returns the plan as lines in reading order: a paragraph per line, a table row
as its cells joined by tabs (so the task-table grammar reads it). For non-text formats a
`line` number is that paragraph's (or table row's) number in reading order. The readers of
formats that hold tables (.docx/.doc, .html, .xlsx, .csv) also return each table as rows ×
cells (`Document.tables`, origin "file"), every row pointing at the line that shows it.

Every read works under `limits.Limits` (bytes, inflated bytes, XML elements, cells, PDF
pages…; defaults overridable by TASKMAP_MAX_… variables): a file over one is refused with
`LimitExceeded`, one line. Control characters are removed from the text (`clean`).
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from ..errors import InputNotFound, NotAPlan, UnsupportedFormat
from ..models import Document, OwnBook, Table
from ..text import clean as clean_line
from ..text import split_lines
from .clean import one_line_each, scrub_tables
from .limits import Limits
from .text import decode_text
from .zipped import Package

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, .wps, .xls
RTF = b"{\\rtf"


def read_document(path: str | Path, limits: Limits | None = None) -> Document:
    """Read a plan file into a Document, choosing the reader by content, under `limits`
    (by default `Limits.from_env()`).

    >>> doc = read_document("data/yunxi_district_carbon_plan.txt")  # doctest: +SKIP
    """
    p = Path(path)
    if not p.exists():
        raise InputNotFound(f"{p}: 文件不存在")
    if not p.is_file():
        raise InputNotFound(f"{p}: 不是文件")
    limits = limits or Limits.from_env()
    try:
        limits.check("max_bytes", p.stat().st_size, str(p), "文件大小")
        with p.open("rb") as f:
            data = f.read(limits.max_bytes + 1)  # a file may grow while it is read
    except OSError as e:
        raise InputNotFound(f"{p}: 无法读取:{e.strerror}") from None
    return document_from_bytes(data, str(p), limits)


def document_from_bytes(data: bytes, source: str, limits: Limits | None = None) -> Document:
    """A Document from a file's bytes, by what the bytes are, under `limits`."""
    limits = limits or Limits.from_env()
    limits.check("max_bytes", len(data), source, "bytes in the file")
    kind = sniff(data, source, limits)
    notes: list[tuple[int, str]] = []  # what a reader clipped, to be warned about
    if kind == "docx":
        from .docx import read_docx_tables
        return _doc(*read_docx_tables(data, source, limits, notes), source=source,
                    fmt="docx", notes=notes)
    if kind == "xlsx":
        from .sheets import read_xlsx_book
        lines, tables, own = read_xlsx_book(data, source, limits)
        return _doc(lines, tables, source=source, fmt="xlsx", own=own)
    if kind == "pdf":
        from .pdf import read_pdf
        return _doc(read_pdf(data, source, limits), source=source, fmt="pdf")
    if kind == "office":
        from .office import convert_to_docx
        converted = convert_to_docx(data, source, limits)  # says how when LibreOffice is missing
        from .docx import read_docx_tables
        return _doc(*read_docx_tables(converted, source, limits, notes), source=source,
                    fmt="doc", notes=notes)
    text, encoding = _text(data, source)
    if kind == "html" or _looks_like_html(text):
        from .html import read_html
        lines, tables = read_html(data, text, source, limits)
        return _doc(lines, tables, source=source, fmt="html", encoding=encoding)
    if kind == "csv":
        from .sheets import read_csv_text
        return _doc(*read_csv_text(text, source, limits), source=source, fmt="csv",
                    encoding=encoding)
    _refuse_json(text, source)
    return Document(source=source, lines=_lines(text), encoding=encoding, format="text")


def _refuse_json(text: str, source: str) -> None:
    """A text that is JSON data (taskmap's own `-f json` output among them) is no plan:
    read as one, the blocks its strings quote would be tasks without titles or areas."""
    head = text.lstrip("\ufeff \t\r\n")[:1]
    if head not in ("{", "["):
        return
    try:
        data = json.loads(text)
    except ValueError:
        return
    if isinstance(data, dict) and ({"tasks", "coverage"} <= data.keys()
                                   or {"plans", "agencies"} <= data.keys()):
        raise NotAPlan(source, "是 taskmap 写出的 JSON 数据,不是方案,未读取;请读入原方案文件,"
                               "或 taskmap 写出的 .xlsx 工作簿(修改后可读回)")
    raise NotAPlan(source, "是 JSON 数据,不是方案,未读取")


def sniff(data: bytes, source: str, limits: Limits | None = None) -> str:
    """docx | xlsx | pdf | office | html | csv | text, from the bytes (the suffix only
    breaks a tie between text formats)."""
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data, source, limits or Limits.from_env())
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith((OLE, RTF)):
        return "office"
    suffix = Path(source).suffix.lower()
    if suffix in (".html", ".htm", ".shtml", ".xhtml"):
        return "html"
    if suffix == ".csv":
        return "csv"
    return "text"


def _zip_kind(data: bytes, source: str, limits: Limits) -> str:
    try:
        names = Package(data, source, limits).names
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise UnsupportedFormat(f"{source}: 压缩包或 Office 文件已损坏;请用 Word 或 WPS 打开后"
                                "另存为 .docx") from None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    raise UnsupportedFormat(f"{source}: 是压缩包,但不是 Word(.docx)或 Excel(.xlsx)文件;"
                            "请解压后给出其中的方案文件")


def _text(data: bytes, source: str) -> tuple[str, str]:
    """The text of a text file, decoded (its lines are cleaned when they are split)."""
    return decode_text(data, source)


def _lines(text: str) -> tuple[str, ...]:
    """The lines of a text, at every line separator, each cleaned (`taskmap.text`)."""
    return tuple(map(clean_line, split_lines(text)))


def _looks_like_html(text: str) -> bool:
    head = text[:2048].lstrip().lower()
    return head.startswith(("<!doctype html", "<html")) or ("<body" in head and "</" in head)


def _doc(lines: list[str], tables: list[Table] | tuple[Table, ...] = (), *, source: str,
         fmt: str, encoding: str = "utf-8", notes: list[tuple[int, str]] | None = None,
         own: OwnBook | None = None) -> Document:
    split, moved = one_line_each(lines, tables)
    # a note is on a table row's line: it follows the row where lines were split
    where = {a.line: b.line for t, u in zip(tables, moved, strict=True)
             for a, b in zip(t.rows, u.rows, strict=True)}
    return Document(source=source, lines=tuple(map(clean_line, split)), encoding=encoding,
                    format=fmt, tables=scrub_tables(moved),
                    notes=tuple((where.get(line, line), why) for line, why in notes or ()),
                    own=own)


def document_from_text(text: str, source: str = "<text>") -> Document:
    """A Document from a str already in memory (tests, notebooks)."""
    return Document(source=source, lines=_lines(text), encoding="utf-8",
                    format="text")


def document_from_lines(lines: list[str], source: str, fmt: str = "text",
                        tables: tuple[Table, ...] | list[Table] = ()) -> Document:
    """A Document from lines in reading order (what every reader returns) and the tables
    those lines show (each Row.line a 1-based index into `lines`)."""
    return _doc(list(lines), tables, source=source, fmt=fmt)
