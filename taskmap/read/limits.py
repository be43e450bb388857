"""What one input file may cost the readers, so a hostile or careless file is refused with
one line instead of taking gigabytes or minutes. Each limit has a default and an environment
variable that overrides it (a whole number; K, M and G multiply by 1024, 1024² and 1024³):

==============================  ===========  ==================================================
variable                        default      what it counts
==============================  ===========  ==================================================
TASKMAP_MAX_BYTES               200M         bytes of the file; also a CSV field's length
TASKMAP_MAX_MEMBER_BYTES        256M         bytes one zip member (.docx/.xlsx part) inflates to
TASKMAP_MAX_UNZIPPED_BYTES      1G           bytes all members of one package inflate to
TASKMAP_MAX_ZIP_MEMBERS         10000        members of one package
TASKMAP_MAX_XML_ELEMENTS        2000000      XML elements in one part (.docx parts, .xlsx parts
                                             other than worksheets)
TASKMAP_MAX_CELLS               1000000      spreadsheet cells read, and cells of the grid a
                                             sheet's rows span
TASKMAP_MAX_PDF_PAGES           2000         pages of a PDF
TASKMAP_MAX_PDF_STREAM_BYTES    128M         bytes all streams of a PDF inflate to
TASKMAP_MAX_PDF_CONTENT_BYTES   16M          bytes of page content interpreted (the slow part)
TASKMAP_MAX_PDF_PAGE_CHARS      20000        characters drawn on one PDF page
TASKMAP_MAX_CONVERT_SECONDS     60           seconds LibreOffice may take to convert a .doc
TASKMAP_MAX_TEXT_CHARS          16M          characters of text read from one .docx or web
                                             page, counting what the reader generates (list
                                             numbers, a merged cell's text repeated in every
                                             row it covers, a rowspan's on every row)
==============================  ===========  ==================================================

Inflated bytes are counted while inflating, never taken from a zip header or a PDF /Length.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields

from ..errors import LimitExceeded, TaskmapError

K, M, G = 1 << 10, 1 << 20, 1 << 30
_NUMBER = re.compile(r"^\s*(\d[\d_]*(?:\.\d+)?)\s*([KMG]?)i?B?\s*$", re.I)


@dataclass(frozen=True)
class Limits:
    """The limits one read works under; `Limits.from_env()` applies the environment."""

    max_bytes: int = 200 * M
    max_member_bytes: int = 256 * M
    max_unzipped_bytes: int = 1 * G
    max_zip_members: int = 10_000
    max_xml_elements: int = 2_000_000
    max_cells: int = 1_000_000
    max_pdf_pages: int = 2_000
    max_pdf_stream_bytes: int = 128 * M
    max_pdf_content_bytes: int = 16 * M
    max_pdf_page_chars: int = 20_000
    max_convert_seconds: int = 60
    max_text_chars: int = 16 * M

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Limits:
        """The defaults, each overridden by its TASKMAP_MAX_… variable when set.

        >>> Limits.from_env({"TASKMAP_MAX_CELLS": "5000"}).max_cells
        5000
        """
        environ = os.environ if environ is None else environ
        values = {}
        for field in fields(cls):
            name = variable(field.name)
            if environ.get(name, "").strip():
                values[field.name] = _parse(name, environ[name])
        return cls(**values)

    def check(self, name: str, count: int, source: str, what: str) -> None:
        """Raise LimitExceeded when `count` is over the limit `name` (a field, max_cells)."""
        limit = getattr(self, name)
        if count > limit:
            raise LimitExceeded(source, what, limit, variable(name))


def variable(field: str) -> str:
    """The environment variable of a limit: max_bytes → TASKMAP_MAX_BYTES."""
    return "TASKMAP_" + field.upper()


def _parse(name: str, text: str) -> int:
    return int(amount(name, text))


def amount(name: str, text: str, whole: bool = True) -> float:
    """A positive amount as a TASKMAP_… variable writes it (500, 500M, 1.5G; with `whole`
    False, 1.5 too), else a TaskmapError naming the variable.

    >>> amount("TASKMAP_WEB_PARSE_MEMORY", "1.5G")
    1610612736
    """
    m = _NUMBER.match(text)
    number = m.group(1).replace("_", "") if m else ""
    value = float(number) * {"": 1, "K": K, "M": M, "G": G}[m.group(2).upper()] if m else 0
    if value <= 0 or (whole and value != int(value)):  # 1.5G is whole, 1.5 is not
        what = "正整数" if whole else "正数"
        raise TaskmapError(f"{name}={text!r}: 不是{what}(可带 K、M 或 G,如 500M)")
    return int(value) if whole else value
