"""Readers: `read_document(path)` picks one by the file's content, not only its suffix."""

from __future__ import annotations

from pathlib import Path

from ..errors import InputNotFound, UnsupportedFormat
from ..models import Document
from .text import decode_text, split_lines

# Signatures of formats a later reader will handle; named here so the error is clear.
_SIGNATURES = (
    (b"PK\x03\x04", "a .docx/.xlsx (zip) file"),
    (b"%PDF", "a PDF"),
    (b"\xd0\xcf\x11\xe0", "an old Word/WPS (.doc/.wps) file"),
    (b"{\\rtf", "an RTF file"),
)


def read_document(path: str | Path) -> Document:
    """Read a plan file into a Document.

    >>> doc = read_document("data/yunxi_district_carbon_plan.txt")  # doctest: +SKIP
    """
    p = Path(path)
    if not p.exists():
        raise InputNotFound(f"{p}: no such file")
    if not p.is_file():
        raise InputNotFound(f"{p}: not a file")
    try:
        data = p.read_bytes()
    except OSError as e:
        raise InputNotFound(f"{p}: cannot read: {e.strerror}") from None
    for magic, what in _SIGNATURES:
        if data.startswith(magic):
            raise UnsupportedFormat(f"{p}: {what}; this version reads plain-text plans only "
                                    "(save it as .txt, UTF-8 or GB18030)")
    return document_from_bytes(data, str(p))


def document_from_bytes(data: bytes, source: str) -> Document:
    """Decode text bytes into a Document (the pure part of `read_document`)."""
    text, encoding = decode_text(data, source)
    return Document(source=source, lines=split_lines(text), encoding=encoding, format="text")


def document_from_text(text: str, source: str = "<text>") -> Document:
    """A Document from a str already in memory (tests, notebooks)."""
    return Document(source=source, lines=split_lines(text), encoding="utf-8", format="text")
