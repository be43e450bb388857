"""Variants of a plan that must give the same tasks (issue #20, part 3).

Every function here maps a plan's text (lines joined by `\\n`) to a variant of it: text
again, or the bytes of a .docx or .html file. None reads taskmap: where a variant needs to
know where the plan's tables stand, the caller passes them (`taskmap.models.Table`, or line
spans). Each is deterministic: a `seed` drives its own `random.Random`, so a failing variant
is rebuilt exactly from (plan, variant, seed).

The kinds, and what each keeps:

1. `invisible`: format characters (`FORMAT`, every category Cf character of the Unicode
   tables that can turn up in web or Word text) at random positions and at chosen ones:
   inside role labels (牵头单位), inside the bodies' names, next to brackets and colons,
   next to the tabs and pipes of table rows. Nothing visible changes.
2. `spaces`: other space characters (`SPACES`) where a space is neutral; see `spaces`.
3. `line_breaks`: every line break written as CRLF, CR, U+2028, U+2029, NEL, VT or FF.
   Lines stay lines, so line numbers stay too.
4. `widen` / `narrow` / `mixed_width`: brackets, colons, semicolons, commas, digits and
   Latin letters between their full-width and half-width forms.
5. `table_text` / `table_docx` / `table_html`: the plan's tables written again, from their
   cells: with tabs, pipes or aligned runs of spaces, with an empty column added, or as a
   Word or HTML table. A cell left empty stays empty.
6. `docx_bytes` / `html_bytes`: the same text as a Word file (a paragraph a line, runs cut
   inside labels, format characters inside runs) or a web page (`&nbsp;`, `&#8203;`,
   `<p>` or `<br>`).

`plain(s)` undoes what the variants may do to a surface (format characters, white space,
full-width forms), so the surfaces a variant reads can be compared with the original's.
"""

from __future__ import annotations

import html
import io
import itertools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from random import Random

from taskmap.models import Table

# ----------------------------------------------------------------------------- alphabets

# FORMAT: the Cf characters of the BMP, but those left out here, and why:
# - the prepended concatenation marks (Arabic number signs U+0600–0605, U+06DD, U+0890–0891,
#   U+08E2, Syriac U+070F, Kaithi U+110BD, U+110CD) are visible signs drawn over the digits
#   after them, not invisible characters;
# - the interlinear annotation marks U+FFF9–FFFB make the text after them an annotation
#   (ruby), so inserting one says something else;
# - format controls of other scripts outside the BMP (Egyptian hieroglyphs, Duployan
#   shorthand, musical notation) and the tag characters U+E0001, U+E0020–E007F (which only
#   follow an emoji flag) do not occur in the web or Word text of a Chinese plan.
_NOT_INVISIBLE = {*range(0x0600, 0x0606), 0x06DD, 0x070F, 0x0890, 0x0891, 0x08E2,
                  *range(0xFFF9, 0xFFFC)}
FORMAT = tuple(ch for ch in map(chr, range(0x10000))
               if unicodedata.category(ch) == "Cf" and ord(ch) not in _NOT_INVISIBLE)

# Zs characters, but U+1680 OGHAM SPACE MARK (drawn as a stroke in Ogham fonts).
SPACES = tuple(ch for ch in map(chr, range(0x10000))
               if unicodedata.category(ch) == "Zs" and ch != "\u1680")
WIDE_SPACES = ("\u3000", "\u2001", "\u2003")  # as wide as an ideograph: a column gap

LINE_BREAKS = {"crlf": "\r\n", "cr": "\r", "ls": "\u2028", "ps": "\u2029", "nel": "\x85",
               "vt": "\x0b", "ff": "\x0c"}

# Words of the genre that the variants cut (role labels, role verbs, header words); whole
# labels first, so that a cut also falls between their parts (牵头|单位).
LABEL_WORDS = ("牵头单位", "责任单位", "配合单位", "协办单位", "主办单位", "牵头部门",
               "责任部门", "牽頭單位", "責任單位", "牵头", "单位", "责任", "部门", "配合", "协办",
               "主办", "负责", "参与", "会同", "协同", "序号", "时限", "牽頭", "單位", "責任")
_LABELS = re.compile("|".join(LABEL_WORDS))
_BRACKETS = "()（）〔〕【】[]［］"
_AFTER = "、,，:：;；"
_GAP = re.compile(f"[{''.join(SPACES)}]+")
_EXPLICIT = re.compile("[\t|│┃║]")  # a row whose cells the text marks


def plain(surface: str) -> str:
    """A surface without format characters and white space, full-width ASCII folded: what
    is left of it whichever variant wrote it.

    >>> plain("区\\u200b发改委 （牵头）") == plain("区发改委(牵头)")
    True
    """
    kept = (ch for ch in surface if unicodedata.category(ch) != "Cf" and not ch.isspace())
    return "".join(chr(ord(ch) - 0xFEE0) if "\uff01" <= ch <= "\uff5e" else ch for ch in kept)


def _lines(text: str) -> tuple[list[str], str]:
    """The lines of `text` (`\\n` breaks) and what ends it ("\\n" or "")."""
    end = "\n" if text.endswith("\n") else ""
    return (text[:-1] if end else text).split("\n"), end


# ----------------------------------------------------------------------------- 1. invisible

def invisible(text: str, seed: int, names: Iterable[str] = (),
              alphabet: Sequence[str] = FORMAT, density: int = 8) -> str:
    """`text` with format characters inserted: inside every role label and header word, in
    the middle of every occurrence of `names` (the bodies the plan names), before and after
    every bracket, colon, tab and pipe, and at one random position in `density`.

    >>> invisible("牵头单位:区发改委", 1, ["区发改委"], ["\\u200b"], 1000)
    '牵\\u200b头\\u200b单\\u200b位\\u200b:\\u200b区发\\u200b改委'
    """
    rng = Random(seed)
    at = set(_label_cuts(text))
    for name in {n for n in names if len(n) >= 2}:
        at.update(m.start() + len(name) // 2 for m in re.finditer(re.escape(name), text))
    for k, ch in enumerate(text):
        if ch in _BRACKETS + ":：\t|":
            at.update((k, k + 1))
    at.update(rng.randrange(len(text) + 1) for _ in range(len(text) // density))
    return _insert(text, sorted(at), lambda: rng.choice(alphabet))


def _label_cuts(text: str) -> Iterable[int]:
    """Every position inside a label word."""
    for m in _LABELS.finditer(text):
        yield from range(m.start() + 1, m.end())


def _insert(text: str, positions: Sequence[int], pick) -> str:
    """`text` with `pick()` inserted before each position (sorted, 0…len); never between
    CR and LF."""
    out, last = [], 0
    for k in positions:
        if 0 < k < len(text) and text[k - 1] == "\r" and text[k] == "\n":
            continue
        out.append(text[last:k])
        out.append(pick())
        last = k
    out.append(text[last:])
    return "".join(out)


# ----------------------------------------------------------------------------- 2. spaces

def spaces(text: str, seed: int, tables: Iterable[range] = (),
           alphabet: Sequence[str] = SPACES, tabs: bool = False) -> str:
    """`text` with other space characters where a space changes nothing. `tables`: the
    spans of line numbers (1-based) the plan's tables cover.

    Neutral positions, and what goes there:

    - every gap (a run of spaces) keeps its width class: a narrow gap (one space that is
      not as wide as an ideograph) becomes one narrow space, a wide gap (two or more
      spaces, or one U+3000, U+2001, U+2003) becomes one wide space or two or more spaces.
      So a table whose columns are cut by gaps keeps its cells. With `tabs`, each wide gap
      of a table row whose cells are cut by gaps becomes a tab (a separator as well);
    - one to three spaces at the start and at the end of every line (indentation, trailing
      blanks);
    - one space before and after every bracket and after 、,，:：;；, except in table rows
      whose cells are cut by gaps only, where a space inside a cell would cut it: there a
      row's cells are only known by its gaps. Rows with tabs or pipes keep their cells.

    A tab is never added to prose, nor at a line's edge (it would add an empty cell).

    >>> spaces("牵头单位:区发改委", 3, alphabet=["\\u00a0"])
    '\\xa0\\xa0\\xa0牵头单位:\\xa0区发改委\\xa0\\xa0\\xa0'
    """
    rng = Random(seed)
    in_table = {n for span in tables for n in span}
    lines, end = _lines(text)
    out = []
    for n, line in enumerate(lines, 1):
        gapped = n in in_table and not _EXPLICIT.search(line)
        tab = tabs and gapped
        line = _GAP.sub(lambda m, tab=tab: _gap(m.group(), rng, alphabet, tab), line)
        if not gapped:
            line = _around_punctuation(line, rng, alphabet)
        out.append(_edge(rng, alphabet) + line + _edge(rng, alphabet))
    return "\n".join(out) + end


def _gap(gap: str, rng: Random, alphabet: Sequence[str], tab: bool) -> str:
    wide = len(gap) > 1 or gap in WIDE_SPACES
    if wide and tab:
        return "\t"
    if not wide:
        narrow = [ch for ch in alphabet if ch not in WIDE_SPACES]
        return rng.choice(narrow) if narrow else gap
    one_wide = [ch for ch in alphabet if ch in WIDE_SPACES]
    if one_wide and rng.random() < 0.5:
        return rng.choice(one_wide)
    return "".join(rng.choice(alphabet) for _ in range(max(2, len(gap))))


def _around_punctuation(line: str, rng: Random, alphabet: Sequence[str]) -> str:
    at = [k for k, ch in enumerate(line) if ch in _BRACKETS]
    at += [k + 1 for k, ch in enumerate(line) if ch in _BRACKETS + _AFTER]
    return _insert(line, sorted(set(at)), lambda: rng.choice(alphabet))


def _edge(rng: Random, alphabet: Sequence[str]) -> str:
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 3)))


# ----------------------------------------------------------------------------- 3. line breaks

def line_breaks(text: str, brk: str | None, seed: int = 0) -> str:
    """`text` with every line break written as `brk`, or (`brk` None) each as one of
    `LINE_BREAKS` at random.

    >>> line_breaks("一、任务\\n1.推进。\\n", "\\u2028")
    '一、任务\\u20281.推进。\\u2028'
    """
    rng = Random(seed)
    lines, end = _lines(text)
    choices = tuple(LINE_BREAKS.values())
    pick = (lambda: brk) if brk is not None else (lambda: rng.choice(choices))
    out = lines[0]
    for line in lines[1:]:
        out += pick() + line
    return out + (pick() if end else "")


# ----------------------------------------------------------------------------- 4. widths

_HALF = "()[]:;," + "0123456789" + "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_FULL = "".join(chr(ord(ch) + 0xFEE0) for ch in _HALF)
_TO_FULL = str.maketrans(_HALF, _FULL)
_TO_HALF = str.maketrans(_FULL, _HALF)


def widen(text: str) -> str:
    """Brackets, colons, semicolons, commas, digits and Latin letters full-width.

    >>> widen("1.(牵头单位:区发改委,A区)")
    '１.（牵头单位：区发改委，Ａ区）'
    """
    return text.translate(_TO_FULL)


def narrow(text: str) -> str:
    """The same characters half-width.

    >>> narrow("１.（牵头单位：区发改委；Ａ区）")
    '1.(牵头单位:区发改委;A区)'
    """
    return text.translate(_TO_HALF)


def mixed_width(text: str, seed: int) -> str:
    """Each of those characters full-width or half-width at random."""
    rng = Random(seed)
    return "".join((ch.translate(_TO_FULL) if rng.random() < 0.5 else ch.translate(_TO_HALF))
                   if ch in _HALF or ch in _FULL else ch for ch in text)


# ----------------------------------------------------------------------------- 5. tables

TABLE_STYLES = ("tabs", "pipes", "spaces")


def table_text(text: str, tables: Sequence[Table], style: str, extra: str | None = None) -> str:
    """`text` with each table's lines (its first row's line to its last row's end) replaced
    by its rows, one a line, cells as the table holds them: `style` "tabs", "pipes"
    (`| a | b |`) or "spaces" (columns aligned by runs of two or more spaces; an empty cell
    is blank). `extra` adds an empty column named 备注: "end" after the last column,
    "middle" in the middle. A row of one cell (a section row) stays one cell. White space
    inside a cell is one space.

    >>> from taskmap.models import Row
    >>> t = Table((Row(1, ("序号", "牵头单位")), Row(2, ("1", "区发改委"))))
    >>> table_text("序号 牵头单位\\n1 区发改委\\n", [t], "pipes", "end")
    '| 序号 | 牵头单位 | 备注 |\\n| 1 | 区发改委 |  |\\n'
    """
    lines, end = _lines(text)
    for table in sorted(tables, key=lambda t: -t.rows[0].line):
        rows = [_with_column([" ".join(c.split()) for c in row.cells], extra, k == 0)
                for k, row in enumerate(table.rows)]
        written = _aligned(rows) if style == "spaces" else [_joined(r, style) for r in rows]
        lines[table.rows[0].line - 1:table.rows[-1].end] = written
    return "\n".join(lines) + end


def _with_column(cells: list[str], extra: str | None, header: bool) -> list[str]:
    if extra is None or len(cells) < 2:
        return cells
    at = len(cells) if extra == "end" else len(cells) // 2
    return [*cells[:at], "备注" if header else "", *cells[at:]]


def _joined(cells: list[str], style: str) -> str:
    if len(cells) == 1:
        return cells[0]
    return "\t".join(cells) if style == "tabs" else "| " + " | ".join(cells) + " |"


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _aligned(rows: list[list[str]]) -> list[str]:
    """Rows as columns padded to their widest cell, two spaces between columns."""
    widths: dict[int, int] = {}
    for cells in rows:
        if len(cells) > 1:
            for k, c in enumerate(cells):
                widths[k] = max(widths.get(k, 0), _width(c))
    return [cells[0] if len(cells) == 1 else
            "".join(c + " " * (widths[k] - _width(c) + 2) for k, c in enumerate(cells)).rstrip()
            for cells in rows]


def table_docx(text: str, tables: Sequence[Table]) -> bytes:
    """A .docx: the lines outside `tables` as paragraphs, each table as a Word table (a
    section row as one cell merged across the row)."""
    import docx

    document = docx.Document()
    for kind, item in _blocks(text, tables):
        if kind == "line":
            document.add_paragraph(item)
            continue
        width = max(len(r.cells) for r in item.rows)
        grid = document.add_table(rows=len(item.rows), cols=width)
        for row, cells in zip(item.rows, grid.rows, strict=True):
            if len(row.cells) == 1 and width > 1:
                cells.cells[0].merge(cells.cells[-1]).text = row.cells[0]
                continue
            for k, cell in enumerate(row.cells):
                cells.cells[k].text = cell
    return _saved(document)


def table_html(text: str, tables: Sequence[Table]) -> bytes:
    """A web page: the lines outside `tables` as <p>, each table as a <table> (a section
    row as one cell spanning the row)."""
    parts = []
    for kind, item in _blocks(text, tables):
        if kind == "line":
            parts.append(f"<p>{html.escape(item)}</p>")
            continue
        width = max(len(r.cells) for r in item.rows)
        trs = []
        for row in item.rows:
            if len(row.cells) == 1 and width > 1:
                trs.append(f'<tr><td colspan="{width}">{html.escape(row.cells[0])}</td></tr>')
            else:
                trs.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row.cells)
                           + "</tr>")
        parts.append("<table>" + "".join(trs) + "</table>")
    return _page(parts)


def _blocks(text: str, tables: Sequence[Table]) -> Iterable[tuple[str, object]]:
    """("line", a line outside the tables) and ("table", a table), in reading order."""
    lines, _ = _lines(text)
    starts = {t.rows[0].line: t for t in tables}
    n = 1
    while n <= len(lines):
        if n in starts:
            yield "table", starts[n]
            n = starts[n].rows[-1].end + 1
        else:
            yield "line", lines[n - 1]
            n += 1


# ----------------------------------------------------------------------------- 6. formats

def docx_bytes(text: str, seed: int, alphabet: Sequence[str] = FORMAT) -> bytes:
    """A .docx of `text`, a paragraph a line (a tab is Word's tab). Each paragraph is cut
    into runs inside every label word (牵头|单位) and at random, and about a third of the
    runs carry a format character of `alphabet` somewhere inside (none when it is empty)."""
    import docx

    rng = Random(seed)
    document = docx.Document()
    for line in _lines(text)[0]:
        paragraph = document.add_paragraph()
        cuts = {*_label_cuts(line),
                *(rng.randrange(len(line) + 1) for _ in range(len(line) // 15))}
        bounds = [0, *sorted(c for c in cuts if 0 < c < len(line)), len(line)]
        for a, b in itertools.pairwise(bounds):
            run = line[a:b]
            if alphabet and rng.random() < 0.35:
                k = rng.randrange(len(run) + 1)
                run = run[:k] + rng.choice(alphabet) + run[k:]
            paragraph.add_run(run)
    return _saved(document)


def html_bytes(text: str, seed: int, breaks: str = "p", marks: bool = True) -> bytes:
    """A web page of `text`: a line a <p> (`breaks` "p") or lines cut by <br> in one <div>
    ("br"). With `marks`, every space is written `&nbsp;` (a browser shows each), a tab
    `&nbsp;` four times (a browser would show a bare tab as one space), and `&#8203;`
    stands inside every label word and at random positions; without, the text is only
    escaped."""
    rng = Random(seed)
    lines = []
    for line in _lines(text)[0]:
        if not marks:
            lines.append(html.escape(line))
            continue
        at = sorted({*_label_cuts(line), *(rng.randrange(len(line) + 1)
                                           for _ in range(len(line) // 12))})
        marked = _insert(line, at, lambda: "\x00")  # placeholder, escaped below
        escaped = html.escape(marked).replace("\x00", "&#8203;")
        lines.append(escaped.replace("\t", "&nbsp;" * 4).replace(" ", "&nbsp;"))
    if breaks == "br":
        return _page(["<div>" + "<br>\n".join(lines) + "</div>"])
    return _page([f"<p>{line}</p>" for line in lines])


def _page(parts: list[str]) -> bytes:
    body = "\n".join(parts)
    return ('<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>方案</title></head>\n'
            f"<body><div class=\"article\">\n{body}\n</div></body></html>\n").encode()


def _saved(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()

