"""Government web pages as saved from a browser: the article body, not navigation,
scripts or footers (BeautifulSoup, stdlib parser). Tables become one line per row.

The article is the element that holds the most Chinese text in its paragraphs; the page's
<h1> title is put first when it stands outside that element.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, NavigableString, Tag

_DROP = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe",
         "svg", "button", "select", "input", "textarea", "template", "object")
_CHROME = re.compile(r"nav|menu|footer|header|breadcrumb|crumb|share|sidebar|toolbar|comment|"
                     r"related|copyright|banner|topbar|login|search|weixin|qrcode", re.I)
_BLOCK = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
          "blockquote", "pre", "dd", "dt", "main", "center", "ul", "ol", "dl", "body"}
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)""", re.I)
_GB = ("gb2312", "gbk", "gb18030", "x-gbk", "euc-cn", "hz-gb-2312")


def page_text(data: bytes, fallback: str) -> str:
    """The page decoded by its declared charset (GBK/GB2312 read as GB18030)."""
    m = _CHARSET.search(data[:4096])
    if m:
        name = m.group(1).decode("ascii", "ignore").lower()
        encoding = "gb18030" if name in _GB else name
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            pass
    return fallback


def read_html(data: bytes, fallback: str, source: str) -> list[str]:
    """Paragraphs and table rows of the page's article, in reading order."""
    soup = BeautifulSoup(page_text(data, fallback), "html.parser")
    for tag in soup.find_all(_DROP):
        tag.decompose()
    for tag in soup.find_all(True):
        if tag.attrs is not None and _is_chrome(tag):
            tag.decompose()
    article = _article(soup)
    lines: list[str] = []
    title = soup.find("h1")
    if title is not None and article is not None and title not in article.descendants:
        lines.append(_clean(title.get_text()))
    if article is not None:
        _walk(article, lines, [])
    return [x for x in lines if x]


def _is_chrome(tag: Tag) -> bool:
    if tag.name in ("body", "html", "table", "tr", "td", "th"):
        return False
    names = " ".join([tag.get("id") or "", *(tag.get("class") or [])])
    return bool(names) and bool(_CHROME.search(names))


def _cjk(text: str) -> int:
    return sum("\u4e00" <= ch <= "\u9fff" for ch in text)


def _article(soup: BeautifulSoup) -> Tag | None:
    """The element whose paragraphs hold the most Chinese text (each block's text counts
    for its parent fully and its grandparent by half)."""
    scores: dict[int, tuple[float, Tag]] = {}
    for block in soup.find_all(["p", "td", "li", "h2", "h3", "h4", "div", "section"]):
        own = _cjk("".join(s for s in block.find_all(string=True, recursive=False)))
        if own < 10 and block.name != "p":
            continue
        own = own or _cjk(block.get_text())
        for parent, weight in ((block.parent, 1.0), (getattr(block.parent, "parent", None), .5)):
            if isinstance(parent, Tag):
                score = scores.get(id(parent), (0.0, parent))[0] + own * weight
                scores[id(parent)] = (score, parent)
    if not scores:
        return soup.body or soup
    return max(scores.values(), key=lambda x: x[0])[1]


def _walk(node: Tag, lines: list[str], buffer: list[str]) -> None:
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
        elif child.name == "br":
            _flush(lines, buffer)
        elif child.name == "table":
            _flush(lines, buffer)
            _table(child, lines)
        elif isinstance(child, Tag):
            if child.name in _BLOCK:
                _flush(lines, buffer)
            stack.append((child, iter(child.children)))
    _flush(lines, buffer)


def _flush(lines: list[str], buffer: list[str]) -> None:
    text = _clean("".join(buffer))
    buffer.clear()
    if text:
        lines.append(text)


def _table(table: Tag, lines: list[str]) -> None:
    """One line per row; a rowspan cell is credited to every row it covers."""
    carried: dict[int, tuple[str, int]] = {}  # column → (text, rows still covered)
    for tr in table.find_all("tr"):
        cells, col = [], 0
        for td in tr.find_all(["td", "th"], recursive=False):
            while col in carried:
                cells.append(carried[col][0])
                col = _carry(carried, col)
            for br in td.find_all("br"):  # one body a line in a cell: a list
                br.replace_with("、")
            text = _clean(td.get_text(" ")).strip("、 ")
            span = int(td.get("colspan") or 1) if str(td.get("colspan") or "1").isdigit() else 1
            rows = int(td.get("rowspan") or 1) if str(td.get("rowspan") or "1").isdigit() else 1
            cells.append(text)
            if rows > 1:
                carried[col] = (text, rows - 1)
            col += span
        while col in carried:
            cells.append(carried[col][0])
            col = _carry(carried, col)
        if any(cells):
            lines.append("\t".join(cells))


def _carry(carried: dict[int, tuple[str, int]], col: int) -> int:
    text, left = carried[col]
    if left <= 1:
        del carried[col]
    else:
        carried[col] = (text, left - 1)
    return col + 1


def _clean(text: str) -> str:
    return " ".join(text.replace("\u3000", " ").split())
