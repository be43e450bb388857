"""Government web pages as saved from a browser: the article body, not navigation,
scripts or footers (BeautifulSoup, stdlib parser). Tables become one line per row, and are
kept as `Table`s on their true grid too (rowspan and colspan copied into every cell they
cover, each copy flagged merged); a table nested in a cell is a Table of its own.

The article is the element that holds the most Chinese text in its paragraphs; the page's
<h1> title is put first when it stands outside that element.
"""

from __future__ import annotations

import re
from contextvars import ContextVar

from bs4 import BeautifulSoup, CData, NavigableString, Tag

from ..models import Table
from ..text import split_lines
from .grid import Cells, make_table, place
from .limits import Limits

_DROP = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe",
         "svg", "button", "select", "input", "textarea", "template", "object")
_CHROME = re.compile(r"nav|menu|footer|header|breadcrumb|crumb|share|sidebar|toolbar|comment|"
                     r"related|copyright|banner|topbar|login|search|weixin|qrcode", re.I)
_BLOCK = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
          "blockquote", "pre", "dd", "dt", "main", "center", "ul", "ol", "dl", "body"}
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)""", re.I)
_GB = ("gb2312", "gbk", "gb18030", "x-gbk", "euc-cn", "hz-gb-2312", "chinese", "csgb2312",
       "csiso58gb231280", "gb_2312", "gb_2312-80", "iso-ir-58", "cp936", "ms936", "windows-936")
_BIG5 = ("big5", "cn-big5", "csbig5", "x-x-big5", "cp950")
# The charsets a meta tag may name that taskmap honours: UTF-8 and the Chinese ones (GBK and
# GB2312 read as GB18030). Any other name (punycode, idna, rot13, latin-1…) falls back to the
# sniffed decoding, and so do UTF-16 and UTF-32: a label found in ASCII bytes cannot be right
# (browsers read the page as UTF-8 then), and the sniffing reads UTF-16 by its byte order mark.
PAGE_CODECS = {"utf-8": "utf-8", "utf8": "utf-8", "unicode-1-1-utf-8": "utf-8",
               **dict.fromkeys(_GB, "gb18030"), **dict.fromkeys(_BIG5, "big5"),
               "big5-hkscs": "big5hkscs"}


def page_text(data: bytes, fallback: str) -> str:
    """The page decoded by its declared charset when that is one of `PAGE_CODECS`, else (or
    when the bytes are not in it) `fallback`, the sniffed decoding. Controls are taken out
    of its lines and cells once they are cut (`read._doc`), not here: a VT, FF or NEL is a
    line break first."""
    m = _CHARSET.search(data[:4096])
    encoding = PAGE_CODECS.get(m.group(1).decode("ascii", "ignore").lower()) if m else None
    if encoding:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            pass
    return fallback


# The text a page's tables generate (a rowspan repeats its cell's text on every row it
# covers) and the cells of their grids, counted against the read's limits: (limits, source,
# [characters so far]) for the read under way.
_READ: ContextVar[tuple[Limits, str, list[int]]] = ContextVar("html_read")


def read_html(data: bytes, fallback: str, source: str,
              limits: Limits | None = None) -> tuple[list[str], list[Table]]:
    """Paragraphs and table rows of the page's article, in reading order, and its tables;
    LimitExceeded when its tables' rows generate more than `max_text_chars` characters or
    their grids more than `max_cells` cells."""
    token = _READ.set((limits or Limits.from_env(), source, [0]))
    try:
        return _read_html(data, fallback)
    finally:
        _READ.reset(token)


def _generated(chars: int = 0, cells: int = 0) -> None:
    """Count a table row's characters, or check a grid's cells, against the limits."""
    limits, source, count = _READ.get((Limits(), "", [0]))
    count[0] += chars
    limits.check("max_text_chars", count[0], source, "读出的文字字符")
    limits.check("max_cells", cells, source, "表格单元格")


def _read_html(data: bytes, fallback: str) -> tuple[list[str], list[Table]]:
    soup = BeautifulSoup(page_text(data, fallback), "html.parser")
    for tag in soup.find_all(_DROP):
        tag.decompose()
    for tag in soup.find_all(True):
        if tag.attrs is not None and _is_chrome(tag):
            tag.decompose()
    article = _article(soup)
    lines: list[str] = []  # no line is empty, so a line's index never shifts
    tables: list[Table] = []
    title = soup.find("h1")
    if title is not None and article is not None and title not in article.descendants:
        _flush(lines, [title.get_text()])
    if article is not None:
        _walk(article, lines, [], tables)
    tables.sort(key=lambda t: t.rows[0].line)  # a nested table may start before its host
    return lines, tables


def _count(value: object) -> int:
    """A colspan or rowspan as a number of cells: 1 unless it is one."""
    text = str(value or "1")
    return int(text) if text.isdigit() else 1


def _is_chrome(tag: Tag) -> bool:
    if tag.name in ("body", "html", "table", "tr", "td", "th"):
        return False
    names = " ".join([str(tag.get("id") or ""), *map(str, tag.get("class") or [])])
    return bool(names) and bool(_CHROME.search(names))


def _cjk(text: str) -> int:
    return sum("\u4e00" <= ch <= "\u9fff" for ch in text)


def _article(soup: BeautifulSoup) -> Tag | None:
    """The element whose paragraphs hold the most Chinese text (each block's text counts
    for its parent fully and its grandparent by half)."""
    scores: dict[int, tuple[float, Tag]] = {}
    totals: dict[int, int] | None = None  # a tag's Chinese characters, once for the page
    for block in soup.find_all(["p", "td", "li", "h2", "h3", "h4", "div", "section"]):
        own = _cjk("".join(s for s in block.find_all(string=True, recursive=False)))
        if own < 10 and block.name != "p":
            continue
        if not own:
            totals = totals if totals is not None else _cjk_totals(soup)
            own = totals[id(block)] if block.interesting_string_types == _TEXT_TYPES else _cjk(
                block.get_text())
        for parent, weight in ((block.parent, 1.0), (getattr(block.parent, "parent", None), .5)):
            if isinstance(parent, Tag):
                score = scores.get(id(parent), (0.0, parent))[0] + own * weight
                scores[id(parent)] = (score, parent)
    if not scores:
        return soup.body or soup
    best = max(scores.values(), key=lambda x: x[0])[1]
    if best.name not in _TABLE_PARTS:
        return best
    cells = [td for td in best.find_all(["td", "th"], recursive=False) if _cjk(td.get_text())]
    if best.name == "tr" and len(cells) <= 1:  # a layout table: the article is its one
        return cells[0] if cells else best  # cell of text
    while best.name in _TABLE_PARTS and isinstance(best.parent, Tag):  # a task table's row:
        best = best.parent  # the article is what holds the whole table
    return best


_TABLE_PARTS = ("tr", "tbody", "thead", "tfoot", "table")
_TEXT_TYPES = {NavigableString, CData}  # the strings a block's get_text() joins


def _cjk_totals(soup: BeautifulSoup) -> dict[int, int]:
    """Each tag's `_cjk(tag.get_text())`, for all tags in one pass from the leaves up (a
    get_text() a tag walks its subtree each time: thousands of nested <p>s were
    quadratic)."""
    totals: dict[int, int] = {}
    for tag in reversed([soup, *soup.find_all(True)]):  # children before their parent
        n = 0
        for child in tag.children:
            if isinstance(child, Tag):
                n += totals[id(child)]
            elif type(child) in _TEXT_TYPES:
                n += _cjk(str(child))
        totals[id(tag)] = n
    return totals


def _walk(node: Tag, lines: list[str], buffer: list[str], tables: list[Table]) -> None:
    """Block elements and <br> end a line; a <tr> is one line of tab-joined cells. Walked
    with a stack, not recursion: old editors leave thousands of <p><font> unclosed."""
    stack = [(node, iter(node.children))]
    while stack:
        parent, children = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            if parent.name in _BLOCK:
                _flush(lines, buffer)
        elif isinstance(child, NavigableString):
            buffer.append(str(child))
        elif not isinstance(child, Tag):
            continue
        elif child.name == "br":
            _flush(lines, buffer)
        elif child.name == "table":
            _flush(lines, buffer)
            _table(child, lines, tables)
        else:
            if child.name in _BLOCK:
                _flush(lines, buffer)
            stack.append((child, iter(child.children)))
    _flush(lines, buffer)


def _flush(lines: list[str], buffer: list[str]) -> None:
    """The buffer's text as lines: Unicode's line separators, VT and FF end a line in a page
    too (HTML's own white space, newlines included, is one space)."""
    for part in split_lines("".join(buffer), markup=True):
        text = _clean(part)
        if text:
            lines.append(text)
    buffer.clear()


def _table(table: Tag, lines: list[str], tables: list[Table]) -> None:
    """One line per row; a rowspan cell is credited to every row it covers. The table and
    those nested in it go to `tables` on their grids, each row with the line showing it."""
    carried: dict[int, tuple[str, int]] = {}  # column → (text, rows still covered)
    shown: dict[int, int] = {}  # id of a <tr> → its line
    texts: dict[int, str] = {}  # id of a <td>/<th> → its text, as the line has it
    for tr in table.find_all("tr"):
        cells, col = [], 0
        for td in tr.find_all(["td", "th"], recursive=False):
            while col in carried:
                cells.append(carried[col][0])
                col = _carry(carried, col)
            for br in td.find_all("br"):  # one body a line in a cell: a list
                br.replace_with("、")
            text = texts[id(td)] = _cell(td.get_text(" "))
            span = _count(td.get("colspan"))
            rows = _count(td.get("rowspan"))
            cells.append(text)
            if rows > 1:
                carried[col] = (text, rows - 1)
            col += span
        while col in carried:
            cells.append(carried[col][0])
            col = _carry(carried, col)
        if any(cells):
            lines.append("\t".join(cells))
            shown[id(tr)] = len(lines)
            _generated(chars=len(lines[-1]))
    todo = [table]  # the table, then each table nested in it
    while todo:
        each = todo.pop()
        grid = [(shown[id(tr)], cells) for tr, cells in _grid(_own_rows(each, todo), texts)
                if id(tr) in shown]
        found = make_table(grid)
        if found is not None:
            tables.append(found)


def _own_rows(table: Tag, nested: list[Tag]) -> list[Tag]:
    """The <tr>s of the table itself, in order, not those of a table nested in it; the
    nested tables go to `nested`. One walk with a stack, each element visited once."""
    rows: list[Tag] = []
    stack = [iter(table.children)]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
        elif isinstance(child, Tag) and child.name == "table":
            nested.append(child)
        elif isinstance(child, Tag):
            if child.name == "tr":
                rows.append(child)
            stack.append(iter(child.children))
    return rows


def _grid(rows: list[Tag], texts: dict[int, str]) -> list[tuple[Tag, Cells]]:
    """A table's rows on its grid, as HTML lays them out: a cell takes the first column no
    rowspan from above holds, and fills `colspan` columns of `rowspan` rows."""
    out: list[tuple[Tag, Cells]] = []
    above: dict[int, tuple[str, int]] = {}  # column → (text, rows still covered)
    widest = 0
    for tr in rows:
        cells: Cells = {col: (text, True) for col, (text, _) in above.items()}
        above = {col: (text, left - 1) for col, (text, left) in above.items() if left > 1}
        col = 0
        for td in tr.find_all(["td", "th"], recursive=False):
            while col in cells:
                col += 1
            span, down = _span(td, "colspan", 1000), _span(td, "rowspan", 65534)
            text = texts.get(id(td), "")
            place(cells, col, text, span)
            above.update({col + k: (text, down - 1) for k in range(span) if down > 1})
            col += span
        out.append((tr, cells))
        widest = max(widest, col, max(cells, default=-1) + 1)
        _generated(chars=sum(len(text) for text, merged in cells.values() if merged),
                   cells=widest * len(out))
    return out


def _span(td: Tag, name: str, limit: int) -> int:
    """A colspan or rowspan as browsers read it: a whole number from 1 to `limit`."""
    value = str(td.get(name) or "").strip()
    return min(max(int(value), 1), limit) if value.isascii() and value.isdigit() else 1


def _carry(carried: dict[int, tuple[str, int]], col: int) -> int:
    text, left = carried[col]
    if left <= 1:
        del carried[col]
    else:
        carried[col] = (text, left - 1)
    return col + 1


def _cell(text: str) -> str:
    """A cell's text: a line separator in it breaks a line of the cell, as a <br> does, so
    the cell lists one thing a line (区住建局、区交通局)."""
    return "、".join(filter(None, (_clean(p).strip("、 ") for p in split_lines(text, markup=True))))


def _clean(text: str) -> str:
    return " ".join(text.replace("\u3000", " ").split())
