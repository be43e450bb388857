"""Hostile and careless input files, built for real and small: each `make_*` writes one file
into a folder and returns its path. Sizes are arguments, so the tests build small ones and a
person measuring the readers can build the sizes users' files reach.

Large members are written through zipfile in chunks, never held whole in memory.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

MB = 1 << 20
PLAN = ("1.开展燃气管道老化更新改造。全面排查城镇燃气管道老化情况，完成改造任务。"
        "（牵头单位：县住建局；责任单位：县发改局、县财政局）")
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
S_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


# --- zip packages ------------------------------------------------------------------------


def _repack(source: bytes, path: Path, replace: dict[str, Iterator[bytes]]) -> None:
    """Copy the zip `source` to `path`, the members named in `replace` written from chunks."""
    with zipfile.ZipFile(io.BytesIO(source)) as src, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for info in src.infolist():
            if info.filename in replace:
                with out.open(info.filename, "w", force_zip64=True) as member:
                    for chunk in replace[info.filename]:
                        member.write(chunk)
            else:
                out.writestr(info, src.read(info.filename))


def _repeat(head: bytes, unit: bytes, total: int, tail: bytes) -> Iterator[bytes]:
    """head, `unit` repeated to about `total` bytes (in 1 MB chunks), tail."""
    yield head
    left, per = max(1, total // len(unit)), max(1, MB // len(unit))
    while left > 0:
        yield unit * min(per, left)
        left -= per
    yield tail


def lie_about_size(path: Path, member: str, declared: int) -> None:
    """Rewrite the central directory so `member` claims `declared` bytes unpacked."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        size = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46:at + 46 + size] == name:
            struct.pack_into("<I", data, at + 24, declared)
            break
        at = data.find(b"PK\x01\x02", at + 4)
    path.write_bytes(bytes(data))


def _docx_bytes(paragraphs: list[str]) -> bytes:
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def make_docx_empty_paragraphs(folder: Path, unpacked: int = 64 * MB) -> Path:
    """A .docx whose body is a plan paragraph then `unpacked` bytes of empty <w:p/>."""
    path = folder / "empty_paragraphs.docx"
    head = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W_NS}">'
            f"<w:body><w:p><w:r><w:t>{PLAN}</w:t></w:r></w:p>").encode()
    _repack(_docx_bytes(["x"]), path, {"word/document.xml": _repeat(
        head, b"<w:p/>", unpacked, b"<w:sectPr/></w:body></w:document>")})
    return path


def make_docx_lying_header(folder: Path, unpacked: int = 256 * MB,
                           declared: int = 100 * 1024) -> Path:
    """A .docx whose document.xml inflates to `unpacked` bytes (a comment of spaces) while
    the zip's central directory says `declared`."""
    path = folder / "lying_header.docx"
    head = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W_NS}">'
            f"<w:body><w:p><w:r><w:t>{PLAN}</w:t></w:r></w:p><!--").encode()
    _repack(_docx_bytes(["x"]), path, {"word/document.xml": _repeat(
        head, b" ", unpacked, b"--></w:body></w:document>")})
    lie_about_size(path, "word/document.xml", declared)
    return path


def make_docx_numbered(folder: Path, start: int = 2_600_000_000, fmt: str = "lowerLetter",
                       paragraphs: int = 40) -> Path:
    """A .docx of `paragraphs` plan paragraphs on one list level whose w:start is `start`
    and whose w:numFmt is `fmt` (a letter format repeats its letter start/26 times)."""
    path = folder / f"numbered_{fmt}.docx"
    numbering = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                 f'<w:numbering xmlns:w="{W_NS}"><w:abstractNum w:abstractNumId="0"><w:lvl '
                 f'w:ilvl="0"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/><w:lvlText '
                 'w:val="%1."/></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId '
                 'w:val="0"/></w:num></w:numbering>')
    item = ('<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr>'
            f"<w:r><w:t>{PLAN[2:]}</w:t></w:r></w:p>")
    body = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w='
            f'"{W_NS}"><w:body>{item * paragraphs}<w:sectPr/></w:body></w:document>')
    _repack(_docx_bytes(["x"]), path, {"word/numbering.xml": iter([numbering.encode()]),
                                       "word/document.xml": iter([body.encode()])})
    return path


def make_docx_wide_row(folder: Path, before: int = 1_000_000, span: int = 1,
                       after: int = 0, columns: int = 4, spans: int = 1,
                       first: str = "1") -> Path:
    """A .docx task table (header and two rows, the table's grid `columns` wide) whose second
    row has w:gridBefore `before`, w:gridAfter `after` and a first cell (text `first`) of
    w:gridSpan `span`; with `spans`, that row is repeated `spans` times (a grid bomb)."""
    path = folder / "wide_row.docx"
    cell = "<w:tc>{}<w:p><w:r><w:t>{}</w:t></w:r></w:p></w:tc>".format

    def row(texts: list[str], props: str = "", first: str = "") -> str:
        return (f"<w:tr>{props}" + "".join(cell(first if k == 0 else "", t)
                                          for k, t in enumerate(texts)) + "</w:tr>")

    rows = (row(["序号", "重点任务", "牵头单位", "责任单位"])
            + row([first, "开展燃气管道老化更新改造", "县住建局", "县发改局"],
                  f'<w:trPr><w:gridBefore w:val="{before}"/><w:gridAfter w:val="{after}"/>'
                  "</w:trPr>", f'<w:tcPr><w:gridSpan w:val="{span}"/></w:tcPr>') * spans
            + row(["2", "排查餐饮场所燃气安全隐患", "县市场监管局", "县消防救援大队"]))
    grid = "<w:tblGrid>" + '<w:gridCol w:w="20"/>' * columns + "</w:tblGrid>"
    body = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w='
            f'"{W_NS}"><w:body><w:p><w:r><w:t>县燃气安全专项整治任务分工</w:t></w:r></w:p>'
            f"<w:tbl>{grid}{rows}</w:tbl><w:sectPr/></w:body></w:document>")
    _repack(_docx_bytes(["x"]), path, {"word/document.xml": iter([body.encode()])})
    return path


def make_docx_merged_column(folder: Path, chars: int = 10_000, rows: int = 200) -> Path:
    """A .docx table whose first column is one cell of `chars` characters merged down over
    `rows` rows (w:vMerge): the reader repeats its text in every row's line."""
    path = folder / "merged_column.docx"
    cell = "<w:tc>{}<w:p><w:r><w:t>{}</w:t></w:r></w:p></w:tc>".format
    first = ('<w:tr>' + cell('<w:tcPr><w:vMerge w:val="restart"/></w:tcPr>', "长" * chars)
             + cell("", "县住建局") + "</w:tr>")
    more = "<w:tr>" + cell("<w:tcPr><w:vMerge/></w:tcPr>", "") + cell("", "县财政局") + "</w:tr>"
    body = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w='
            f'"{W_NS}"><w:body><w:tbl>{first}{more * rows}</w:tbl><w:sectPr/></w:body>'
            "</w:document>")
    _repack(_docx_bytes(["x"]), path, {"word/document.xml": iter([body.encode()])})
    return path


def _xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active["A1"] = "x"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _sheet(rows: str, after: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{S_NS}"><sheetData>'
            f"{rows}</sheetData>{after}</worksheet>").encode()


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def make_xlsx_merged_sheet(folder: Path) -> Path:
    """A .xlsx of three rows with one merged range over the whole sheet."""
    path = folder / "merged_sheet.xlsx"
    rows = "".join(f'<row r="{r}">{_cell(f"A{r}", "县住建局")}{_cell(f"B{r}", PLAN)}</row>'
                   for r in (1, 2, 3))
    sheet = _sheet(rows, '<mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>')
    _repack(_xlsx_bytes(), path, {"xl/worksheets/sheet1.xml": iter([sheet])})
    return path


def make_xlsx_far_corners(folder: Path, rows: int = 2) -> Path:
    """A .xlsx with text in column A and in column XFD, the last of the sheet, in `rows`
    rows; the last one is row 1048576 (the sheet's last row)."""
    path = folder / "far_corners.xlsx"
    numbers = [*range(1, rows), 1048576]
    body = "".join(f'<row r="{r}">{_cell(f"A{r}", PLAN)}{_cell(f"XFD{r}", "县住建局")}</row>'
                   for r in numbers)
    sheet = _sheet(body).replace(b"<sheetData>", b'<dimension ref="A1:XFD1048576"/><sheetData>')
    _repack(_xlsx_bytes(), path, {"xl/worksheets/sheet1.xml": iter([sheet])})
    return path


def make_xlsx_bomb(folder: Path, unpacked: int = 64 * MB) -> Path:
    """A .xlsx whose sheet is `unpacked` bytes of identical rows of small cells (no row or
    cell references, as the format allows), so it packs several hundred to one."""
    path = folder / "bomb.xlsx"
    row = "<row>" + "<c><v>1</v></c>" * 64 + "</row>"
    head = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{S_NS}"><sheetData>'
    _repack(_xlsx_bytes(), path, {"xl/worksheets/sheet1.xml": _repeat(
        head.encode(), row.encode(), unpacked, b"</sheetData></worksheet>")})
    return path


# --- PDF ---------------------------------------------------------------------------------


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF of the numbered objects, with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % at for at in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def _flate(head: bytes, unit: bytes, total: int) -> bytes:
    """head then `unit` repeated to `total` bytes, zlib-compressed a megabyte at a time."""
    z = zlib.compressobj(9)
    parts = [z.compress(head)]
    left, per = max(1, total // len(unit)), max(1, MB // len(unit))
    while left > 0:
        parts.append(z.compress(unit * min(per, left)))
        left -= per
    parts.append(z.flush())
    return b"".join(parts)


def make_pdf_flate_bomb(folder: Path, unpacked: int = 256 * MB) -> Path:
    """A one-page PDF whose content stream inflates to `unpacked` bytes of spaces after one
    line of text (the file is about a thousandth of that)."""
    path = folder / "flate_bomb.pdf"
    path.write_bytes(_one_page_pdf(_flate(b"BT /F1 12 Tf 72 720 Td (plan) Tj ET\n", b" ",
                                          unpacked)))
    return path


def _one_page_pdf(stream: bytes) -> bytes:
    return _pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream
        + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ])


def make_pdf_dense_content(folder: Path, unpacked: int = 32 * MB) -> Path:
    """A one-page PDF whose content is `unpacked` bytes of graphics operators (pdfminer's
    tokenizer reads about 0.5 MB of them a second)."""
    path = folder / "dense_content.pdf"
    path.write_bytes(_one_page_pdf(_flate(b"BT /F1 12 Tf 72 720 Td (plan) Tj ET\n",
                                          b"1 0 0 1 0 0 cm\n", unpacked)))
    return path


def make_pdf_overlapping_text(folder: Path, chars: int = 20_000) -> Path:
    """A one-page PDF drawing `chars` characters, ten at a time, all at one spot."""
    path = folder / f"overlapping_text_{chars}.pdf"
    path.write_bytes(_one_page_pdf(_flate(b"", b"BT /F1 12 Tf 72 720 Td (abcdefghij) Tj ET\n",
                                          chars // 10 * 42)))
    return path


def make_pdf_many_pages(folder: Path, pages: int = 5000) -> Path:
    """A PDF of `pages` pages, all sharing one tiny content stream."""
    path = folder / "many_pages.pdf"
    kids = b" ".join(b"%d 0 R" % (5 + k) for k in range(pages))
    page = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R "
            b"/Resources << /Font << /F1 4 0 R >> >> >>")
    content = b"BT /F1 12 Tf 72 720 Td (plan) Tj ET"
    path.write_bytes(_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        *[page] * pages,
    ]))
    return path


def make_pdf_owner_password(folder: Path) -> Path:
    """A Chinese plan PDF encrypted with an owner password and an empty user password (it
    opens in any viewer without asking)."""
    from reportlab.lib import pdfencrypt
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = folder / "owner_password.pdf"
    encrypt = pdfencrypt.StandardEncryption("", ownerPassword="owner", canModify=0, canCopy=0)
    c = canvas.Canvas(str(path), pagesize=A4, encrypt=encrypt)
    c.setFont("STSong-Light", 11)
    for k, text in enumerate(["县安全生产专项整治方案", PLAN[:40], PLAN[40:]]):
        c.drawString(40, 800 - 20 * k, text)
    c.save()
    return path


# --- text formats -----------------------------------------------------------------------


def make_html_nested(folder: Path, depth: int = 20_000, tag: str = "p") -> Path:
    """A page of `depth` nested, unclosed <p> (or <div>), each holding a little text."""
    path = folder / f"nested_{tag}.html"
    body = f"<{tag}>第{{}}段文字内容。".format
    path.write_text("<html><head><meta charset='utf-8'></head><body>"
                    + "".join(body(k) for k in range(depth)) + f"<p>{PLAN}</p></body></html>",
                    encoding="utf-8")
    return path


def make_html_rowspan(folder: Path, chars: int = 10_000, rows: int = 2000,
                      colspan: int = 1) -> Path:
    """A page whose table's first cell holds `chars` characters with rowspan 65534 over
    `rows` short rows (each row's line repeats the cell), `colspan` columns wide."""
    path = folder / "rowspan.html"
    path.write_text("<html><head><meta charset='utf-8'></head><body><table><tr><td "
                    f"rowspan=65534 colspan={colspan}>{'长' * chars}</td><td>县住建局</td></tr>"
                    + "<tr><td>x</td></tr>" * rows + f"</table><p>{PLAN}</p></body></html>",
                    encoding="utf-8")
    return path


def make_html_punycode(folder: Path, ascii_only: bool = True) -> Path:
    """A page whose meta tag names the punycode codec, its Chinese written as character
    references (so the bytes are ASCII, which the codec chokes on) or as UTF-8."""
    path = folder / ("punycode.html" if ascii_only else "punycode_utf8.html")
    page = ("<html><head><meta charset='punycode'></head><body>"
            f"<p>县安全生产专项整治方案</p><p>{PLAN}</p></body></html>")
    path.write_bytes(page.encode("ascii", "xmlcharrefreplace") if ascii_only else page.encode())
    return path


def make_csv_long_field(folder: Path, length: int = 200_000) -> Path:
    """A task-table CSV whose second row has a field of `length` characters."""
    path = folder / "long_field.csv"
    path.write_text("序号,重点任务,牵头单位\n1,开展燃气管道老化更新改造,县住建局\n"
                    f"2,{'长' * length},县财政局\n", encoding="utf-8")
    return path


def make_nul_file(folder: Path, size: int = 4096, byte: bytes = b"\x00") -> Path:
    """A file of `size` copies of one control byte (NUL unless told)."""
    path = folder / f"control_{byte.hex()}.txt"
    path.write_bytes(byte * size)
    return path


def make_text_with_nuls(folder: Path) -> Path:
    """A UTF-8 plan with a NUL inside a body's name and an escape sequence in a task."""
    path = folder / "nul_inside.txt"
    path.write_bytes(("一、重点任务\n"
                      "1.开展燃气管道老化更新改造。（牵头单位：县住\x00建局；责任单位：县发改局）\n"
                      "2.排查餐饮场所燃气安全隐患\x1b[2J。（牵头单位：县住建局）\n").encode())
    return path
