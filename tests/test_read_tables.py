"""Readers keep the tables they see as rows × cells (`Document.tables`), merges resolved on a
true grid, next to the lines they always gave. Real files only, built in tmp_path:
python-docx, openpyxl, hand-written HTML, a CSV, and a .doc made by LibreOffice.

A grid is written row by row as its cells, a copy of a merged cell marked with a trailing *.
"""

from __future__ import annotations

import datetime
import re
import subprocess
import time
import zipfile
from pathlib import Path

import docx
from conftest import needs_writer
from docx.oxml import parse_xml
from openpyxl import Workbook

import taskmap
from taskmap.models import Document, Row, Table
from taskmap.read import document_from_lines

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
HEADER = ["序号", "重点任务", "牵头单位", "责任单位", "完成时限"]
GAS = [["1", "开展燃气管道老化更新改造", "县住建局", "县发改局、县财政局", "2024年12月底前"],
       ["2", "排查餐饮场所燃气安全隐患", "县市场监管局", "县消防救援大队、县商务局",
        "2024年6月底前"]]
# The two-row header of most 分工表, as every reader must resolve it.
TWO_ROW_HEADER = [["序号", "重点任务", "责任单位", "责任单位*", "完成时限"],
                  ["序号*", "重点任务*", "牵头单位", "配合单位", "完成时限*"]]


def _grid(table: Table) -> list[list[str]]:
    """The table's cells row by row, a merged copy marked with a trailing *."""
    return [[text + "*" * row.is_merged(k) for k, text in enumerate(row.cells)]
            for row in table.rows]


def _lines(table: Table) -> list[int]:
    return [row.line for row in table.rows]


def _assert_rows_shown(doc: Document) -> None:
    """Every row points at a line that shows its cells: each cell that is not a merged copy
    stands in the line, in order; and all rows of a table are as wide as each other."""
    for table in doc.tables:
        assert table.origin == "file"
        assert len({len(row.cells) for row in table.rows}) == 1
        for row in table.rows:
            assert len(row.merged) == len(row.cells)
            shown = doc.lines[row.line - 1]
            own = [c for k, c in enumerate(row.cells) if c and not row.is_merged(k)]
            assert re.search(".*".join(map(re.escape, own)), shown), (row, shown)


def _read(path: Path) -> Document:
    doc = taskmap.read_document(path)
    _assert_rows_shown(doc)
    return doc


# --- Word -----------------------------------------------------------------------------------


def _table(doc, rows: list[list[str]]):
    table = doc.add_table(rows=len(rows), cols=max(len(r) for r in rows))
    table.style = "Table Grid"
    for i, row in enumerate(rows):
        for j, text in enumerate(row):
            table.cell(i, j).text = text
    return table


def _repeat_as_header(row) -> None:
    """Mark a row as a header row repeated on every page (w:tblHeader)."""
    row._tr.get_or_add_trPr().append(parse_xml(f'<w:tblHeader xmlns:w="{W_NS}"/>'))


def _two_row_header_docx(path: Path) -> Path:
    """序号 | 重点任务 | 责任单位 (over 牵头单位 | 配合单位) | 完成时限, merged with
    cell.merge, both header rows repeated on every page."""
    doc = docx.Document()
    doc.add_paragraph("松河县城镇燃气安全专项整治任务分工表")
    table = _table(doc, [["序号", "重点任务", "责任单位", "", "完成时限"],
                         ["", "", "牵头单位", "配合单位", ""],
                         [GAS[0][0], GAS[0][1], GAS[0][2], "县发改局", GAS[0][4]], GAS[1]])
    table.cell(0, 2).merge(table.cell(0, 3)).text = "责任单位"
    for col in (0, 1, 4):
        keep = table.cell(0, col).text
        table.cell(0, col).merge(table.cell(1, col)).text = keep
    table.cell(2, 3).add_paragraph("县财政局")  # one body a paragraph: joined by 、
    for row in table.rows[:2]:
        _repeat_as_header(row)
    doc.add_paragraph("各牵头单位要加强统筹协调。")
    doc.save(path)
    return path


def test_docx_two_row_header_on_its_grid(tmp_path):
    doc = _read(_two_row_header_docx(tmp_path / "p.docx"))
    assert doc.lines == ("松河县城镇燃气安全专项整治任务分工表",
                         "序号\t重点任务\t责任单位\t完成时限",  # gridSpan counts once
                         "序号\t重点任务\t牵头单位\t配合单位\t完成时限",
                         "\t".join(GAS[0]), "\t".join(GAS[1]), "各牵头单位要加强统筹协调。")
    [table] = doc.tables
    assert _grid(table) == [*TWO_ROW_HEADER, GAS[0], GAS[1]]
    assert _lines(table) == [2, 3, 4, 5]
    assert table.lines == range(2, 6)


def test_docx_section_column_merged_down_and_an_empty_spacer_row(tmp_path):
    d = docx.Document()
    d.add_paragraph("松河县安全生产重点任务分工表")
    rows = [["类别", *HEADER], ["一、城镇燃气安全", *GAS[0]], ["", *GAS[1]], [""] * 6,
            ["二、道路交通安全", "3", "加强客货运车辆动态监控", "县公安局", "县交通运输局",
             "长期坚持"]]
    table = _table(d, rows)
    table.cell(1, 0).merge(table.cell(2, 0)).text = "一、城镇燃气安全"
    d.save(tmp_path / "p.docx")
    doc = _read(tmp_path / "p.docx")
    assert doc.lines[2:5] == ("一、城镇燃气安全\t" + "\t".join(GAS[0]),
                              "一、城镇燃气安全\t" + "\t".join(GAS[1]), "\t" * 5)
    [found] = doc.tables
    assert _grid(found) == [["类别", *HEADER], ["一、城镇燃气安全", *GAS[0]],
                            ["一、城镇燃气安全*", *GAS[1]], [""] * 6, rows[4]]
    assert _lines(found) == [2, 3, 4, 5, 6]  # the spacer row is a line, so it is a row


def test_docx_title_row_spanning_all_columns_and_a_deleted_row(tmp_path):
    d = docx.Document()
    table = _table(d, [["松河县重点任务分工表", "", "", "", ""], HEADER, GAS[0], GAS[1]])
    table.cell(0, 0).merge(table.cell(0, 4)).text = "松河县重点任务分工表"
    trpr = table.rows[2]._tr.get_or_add_trPr()  # a row deleted with changes tracked
    trpr.append(parse_xml(f'<w:del xmlns:w="{W_NS}" w:id="1" w:author="a"/>'))
    d.save(tmp_path / "p.docx")
    doc = _read(tmp_path / "p.docx")
    assert doc.lines == ("松河县重点任务分工表", "\t".join(HEADER), "\t".join(GAS[1]))
    [found] = doc.tables
    assert _grid(found) == [["松河县重点任务分工表"] + ["松河县重点任务分工表*"] * 4,
                            HEADER, GAS[1]]
    assert _lines(found) == [1, 2, 3]


def test_docx_grid_before_and_a_legacy_horizontal_merge(tmp_path):
    d = docx.Document()
    table = _table(d, [HEADER, GAS[0], [""] * 5])
    cell = '<w:tc><w:tcPr>{}</w:tcPr><w:p><w:r><w:t>{}</w:t></w:r></w:p></w:tc>'
    row = parse_xml(  # one grid column left empty, then a cell the next continues (hMerge)
        f'<w:tr xmlns:w="{W_NS}"><w:trPr><w:gridBefore w:val="1"/></w:trPr>'
        + cell.format('<w:hMerge w:val="restart"/>', "推进数据共享")
        + cell.format("<w:hMerge/>", "") + cell.format("", "市大数据局")
        + cell.format("", "") + "</w:tr>")
    table._tbl.replace(table.rows[2]._tr, row)
    d.save(tmp_path / "p.docx")
    doc = _read(tmp_path / "p.docx")
    assert doc.lines[2] == "推进数据共享\t市大数据局\t"
    [found] = doc.tables
    assert _grid(found)[2] == ["", "推进数据共享", "推进数据共享*", "市大数据局", ""]
    assert _lines(found) == [1, 2, 3]


def test_docx_nested_table_is_a_table_of_its_own_after_its_host_row(tmp_path):
    d = docx.Document()
    d.add_paragraph("标题")
    host_rows = [["类别", "任务"], ["一、燃气安全", ""], ["二、道路安全", "整治临水临崖路段"]]
    outer = _table(d, host_rows)
    inner = outer.cell(1, 1).add_table(rows=2, cols=2)
    for i, row in enumerate([["牵头单位", "县住建局"], ["责任单位", "县发改局"]]):
        for j, text in enumerate(row):
            inner.cell(i, j).text = text
    d.save(tmp_path / "p.docx")
    doc = _read(tmp_path / "p.docx")
    assert doc.lines == ("标题", "类别\t任务", "一、燃气安全\t", "牵头单位\t县住建局",
                         "责任单位\t县发改局", "二、道路安全\t整治临水临崖路段")
    host, nested = doc.tables
    assert _grid(host) == host_rows
    assert _lines(host) == [2, 3, 6]
    assert _grid(nested) == [["牵头单位", "县住建局"], ["责任单位", "县发改局"]]
    assert _lines(nested) == [4, 5]


def test_docx_layout_frame_is_no_table_but_the_table_inside_it_is(tmp_path):
    d = docx.Document()
    frame = d.add_table(rows=1, cols=1)
    cell = frame.cell(0, 0)
    cell.text = "松河县城镇燃气安全专项整治方案"
    cell.add_paragraph("重点任务分工如下：")
    inner = cell.add_table(rows=3, cols=5)
    for i, row in enumerate([HEADER, *GAS]):
        for j, text in enumerate(row):
            inner.cell(i, j).text = text
    d.add_paragraph("附件")
    _table(d, [["序号", "单位"], ["1", "县住建局"]])
    d.save(tmp_path / "p.docx")
    doc = _read(tmp_path / "p.docx")
    assert doc.lines == ("松河县城镇燃气安全专项整治方案", "重点任务分工如下：",
                         *("\t".join(row) for row in [HEADER, *GAS]),
                         "",  # the paragraph python-docx puts after a table in a cell
                         "附件", "序号\t单位", "1\t县住建局")
    first, second = doc.tables
    assert _grid(first) == [HEADER, *GAS]
    assert _lines(first) == [3, 4, 5]
    assert _grid(second) == [["序号", "单位"], ["1", "县住建局"]]
    assert _lines(second) == [8, 9]


def test_docx_without_tables_has_none(tmp_path):
    d = docx.Document()
    d.add_paragraph("一、总体要求")
    d.save(tmp_path / "p.docx")
    assert _read(tmp_path / "p.docx").tables == ()


# --- .doc through LibreOffice ----------------------------------------------------------------




@needs_writer
def test_doc_made_by_libreoffice_keeps_the_two_row_header_grid(tmp_path):
    """The .doc is made through .odt: LibreOffice's direct docx→doc export writes a
    python-docx table as one run-on paragraph, which would test LibreOffice, not taskmap."""
    source = _two_row_header_docx(tmp_path / "p.docx")
    profile = f"-env:UserInstallation=file://{tmp_path}/lo-profile"
    for target, src in (("odt", source), ("doc:MS Word 97", source.with_suffix(".odt"))):
        subprocess.run(["soffice", profile, "--headless", "--convert-to", target, "--outdir",
                        str(tmp_path), str(src)], check=True, capture_output=True, timeout=180)
    doc = _read(tmp_path / "p.doc")
    assert doc.format == "doc"
    [table] = doc.tables
    assert _grid(table) == [*TWO_ROW_HEADER, GAS[0], GAS[1]]
    assert _lines(table) == [2, 3, 4, 5]


# --- web pages -------------------------------------------------------------------------------


def _page(body: str) -> str:
    return ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>松河县人民政府</title>'
            '</head><body><div class="top-nav"><ul><li>首页</li></ul></div>'
            f'<div class="article"><h1>松河县城镇燃气安全专项整治任务分工方案</h1>{body}</div>'
            '<div class="footer">主办单位：松河县人民政府办公室</div></body></html>')


_INTRO = ("<p>为扎实推进城镇燃气安全专项整治，结合松河县实际，制定本方案。"
          "重点任务分工如下：</p>")


def _html(tmp_path: Path, body: str) -> Document:
    path = tmp_path / "p.html"
    path.write_text(_page(body), encoding="utf-8")
    return _read(path)


def test_html_header_with_rowspan_colspan_and_th(tmp_path):
    header = ('<tr><th rowspan="2">序号</th><th rowspan="2">重点任务</th>'
              '<th colspan="2">责任单位</th><th rowspan="2">完成时限</th></tr>'
              "<tr><th>牵头单位</th><th>配合单位</th></tr>")
    rows = [[*GAS[0][:3], "县发改局<br>县财政局", GAS[0][4]], GAS[1]]
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    doc = _html(tmp_path, f'{_INTRO}<table border="1"><thead>{header}</thead>'
                          f"<tbody>{body}</tbody></table><p>各单位要加强统筹协调。</p>")
    listed = [*GAS[0][:3], "县发改局 、 县财政局", GAS[0][4]]  # <br> read as today
    assert doc.lines[0] == "松河县城镇燃气安全专项整治任务分工方案"
    assert doc.lines[4:6] == ("\t".join(listed), "\t".join(GAS[1]))
    [table] = doc.tables
    assert _grid(table) == [*TWO_ROW_HEADER, listed, GAS[1]]
    assert _lines(table) == [3, 4, 5, 6]
    assert doc.lines[6] == "各单位要加强统筹协调。"


def test_html_rowspan_down_a_column_with_colspan_and_an_empty_row(tmp_path):
    rows = ('<tr><td>类别</td><td>重点任务</td><td>牵头单位</td></tr>'
            '<tr><td rowspan="3">一、燃气安全</td><td>改造燃气管道</td><td>县住建局</td></tr>'
            '<tr><td colspan="2">排查餐饮场所（县市场监管局）</td></tr>'
            '<tr><td></td><td> </td></tr>'  # covered by the rowspan: still a line
            '<tr><td></td><td></td><td></td></tr>'  # empty: no line, no row
            '<tr><td>二、道路安全</td><td>整治临水路段</td><td>县交通运输局</td></tr>')
    doc = _html(tmp_path, f"{_INTRO}<table>{rows}</table>")
    [table] = doc.tables
    assert _grid(table) == [
        ["类别", "重点任务", "牵头单位"], ["一、燃气安全", "改造燃气管道", "县住建局"],
        ["一、燃气安全*", "排查餐饮场所（县市场监管局）", "排查餐饮场所（县市场监管局）*"],
        ["一、燃气安全*", "", ""], ["二、道路安全", "整治临水路段", "县交通运输局"]]
    assert _lines(table) == [3, 4, 5, 6, 7]
    assert doc.lines[5] == "一、燃气安全\t\t"


def test_html_nested_table_is_a_table_of_its_own(tmp_path):
    inner = "<table><tr><td>牵头单位</td><td>县住建局</td></tr></table>"
    rows = (f"<tr><td>序号</td><td>分工</td></tr><tr><td>1</td><td>{inner}</td></tr>"
            "<tr><td>2</td><td>县市场监管局牵头</td></tr>")
    doc = _html(tmp_path, f"{_INTRO}<table>{rows}</table>")
    assert doc.lines[2:] == ("序号\t分工", "1\t牵头单位 县住建局", "牵头单位\t县住建局",
                             "2\t县市场监管局牵头")
    host, nested = doc.tables
    assert _grid(host) == [["序号", "分工"], ["1", "牵头单位 县住建局"], ["2", "县市场监管局牵头"]]
    assert _lines(host) == [3, 4, 6]
    assert _grid(nested) == [["牵头单位", "县住建局"]]
    assert _lines(nested) == [5]


def test_html_spans_out_of_range_are_bounded(tmp_path):
    rows = ('<tr><td colspan="0">序号</td><td colspan="x">任务</td>'
            '<td rowspan="99999">县住建局</td><td colspan="99999">注</td></tr>'
            "<tr><td>1</td><td>改造燃气管道</td></tr>")
    doc = _html(tmp_path, f"{_INTRO}<table>{rows}</table>")
    [table] = doc.tables
    assert len(table.rows[0].cells) == 3 + 1000  # colspan is at most 1000
    assert _grid(table)[1][:4] == ["1", "改造燃气管道", "县住建局*", ""]


# --- spreadsheets ----------------------------------------------------------------------------


def _breakdown_xlsx(path: Path) -> Path:
    """A 分解表: a title merged over all columns, a blank row, the header, a 类别 column
    and a deadline typed as a date merged down, and a sheet of notes."""
    wb = Workbook()
    ws = wb.active
    ws.title = "任务分解表"
    ws["A1"] = "松河县2024年安全生产重点任务分解表"
    ws.merge_cells("A1:F1")
    ws.append([])
    ws.append(["类别", *HEADER])
    ws.append(["一、城镇燃气安全", 1, *GAS[0][1:4], datetime.datetime(2024, 12, 31)])
    ws.append([None, 2, *GAS[1][1:4], None])
    ws.append(["二、道路交通安全", 3, "加强客货运车辆动态监控", "县公安局", "县交通运输局",
               datetime.datetime(2024, 6, 30, 18, 0)])
    ws.merge_cells("A4:A5")
    ws.merge_cells("F4:F5")
    notes = wb.create_sheet("填表说明")
    notes.append(["填表说明"])
    notes.append(["1.牵头单位：对任务负总责。"])
    wb.save(path)
    return path


def test_xlsx_title_merged_over_all_columns_merges_down_dates_and_a_notes_sheet(tmp_path):
    doc = _read(_breakdown_xlsx(tmp_path / "p.xlsx"))
    title = "松河县2024年安全生产重点任务分解表"
    assert doc.lines == (title, "类别\t" + "\t".join(HEADER),
                         "一、城镇燃气安全\t1\t" + "\t".join(GAS[0][1:4]) + "\t2024-12-31",
                         "一、城镇燃气安全\t2\t" + "\t".join(GAS[1][1:4]) + "\t2024-12-31",
                         "二、道路交通安全\t3\t加强客货运车辆动态监控\t县公安局\t县交通运输局\t"
                         "2024-06-30 18:00:00", "填表说明", "1.牵头单位：对任务负总责。")
    sheet, notes = doc.tables
    assert _grid(sheet) == [
        [title] + [title + "*"] * 5, ["类别", *HEADER],
        ["一、城镇燃气安全", "1", *GAS[0][1:4], "2024-12-31"],
        ["一、城镇燃气安全*", "2", *GAS[1][1:4], "2024-12-31*"],
        ["二、道路交通安全", "3", "加强客货运车辆动态监控", "县公安局", "县交通运输局",
         "2024-06-30 18:00:00"]]
    assert _lines(sheet) == [1, 2, 3, 4, 5]  # the blank row gives no line, so no row
    assert _grid(notes) == [["填表说明"], ["1.牵头单位：对任务负总责。"]]
    assert _lines(notes) == [6, 7]


def test_xlsx_two_row_header_merged_ranges(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "重点任务", "责任单位", None, "完成时限"])
    ws.append([None, None, "牵头单位", "配合单位", None])
    for rng in ("C1:D1", "A1:A2", "B1:B2", "E1:E2"):
        ws.merge_cells(rng)
    for row in GAS:
        ws.append(row)
    wb.save(tmp_path / "p.xlsx")
    doc = _read(tmp_path / "p.xlsx")
    assert doc.lines[:2] == ("序号\t重点任务\t责任单位\t\t完成时限",
                             "序号\t重点任务\t牵头单位\t配合单位\t完成时限")
    [table] = doc.tables
    assert _grid(table) == [*TWO_ROW_HEADER, GAS[0], GAS[1]]
    assert _lines(table) == [1, 2, 3, 4]


def test_xlsx_merges_are_clipped_to_the_data_and_a_leading_empty_column_kept(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws["B1"] = "任务"
    ws["C1"] = "牵头单位"
    ws["B2"] = "改造燃气管道"
    ws["C2"] = "县住建局"
    ws["B3"] = "排查餐饮场所"
    ws.merge_cells("C2:H9")  # reaches past the last row and column holding data: before
    # Tables, rows 4 to 9 each gave a line "\t\t县住建局" of their own
    wb.save(tmp_path / "p.xlsx")
    doc = _read(tmp_path / "p.xlsx")
    assert doc.lines == ("\t任务\t牵头单位", "\t改造燃气管道\t县住建局", "\t排查餐饮场所\t县住建局")
    [table] = doc.tables
    assert _grid(table) == [["", "任务", "牵头单位"], ["", "改造燃气管道", "县住建局"],
                            ["", "排查餐饮场所", "县住建局*"]]


def _merged_over_the_whole_sheet(path: Path, plain: Path | None = None) -> Path:
    """A small table whose sheet says it is merged (and sized) A1:XFD1048576, as a damaged
    template can: the sheet XML is edited after openpyxl wrote it (`plain`: the same table
    as written, for a yardstick)."""
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for row in GAS:
        ws.append(row)
    wb.save(path)
    if plain is not None:
        wb.save(plain)
    with zipfile.ZipFile(path) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode("utf-8")
    sheet = re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A1:XFD1048576"/>', sheet)
    sheet = sheet.replace("</sheetData>", '</sheetData><mergeCells count="1">'
                          '<mergeCell ref="A1:XFD1048576"/></mergeCells>')
    assert "A1:XFD1048576" in sheet
    parts["xl/worksheets/sheet1.xml"] = sheet.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def test_xlsx_merge_over_the_whole_sheet_reads_fast_and_stays_in_the_data(tmp_path):
    path = _merged_over_the_whole_sheet(tmp_path / "p.xlsx", plain=tmp_path / "plain.xlsx")

    def best(p: Path) -> float:
        times = []
        for _ in range(3):
            start = time.process_time()
            taskmap.read_document(p)
            times.append(time.process_time() - start)
        return min(times)

    # as fast as the same table without the merge (a merge cell by cell: 1.7e10 cells)
    assert best(path) < 5 * best(tmp_path / "plain.xlsx")
    doc = taskmap.read_document(path)
    assert doc.lines == ("序号", "序号", "序号")  # a merge shows its first cell only
    [table] = doc.tables
    assert _grid(table) == [["序号", *["序号*"] * 4], *[["序号*"] * 5] * 2]
    assert _lines(table) == [1, 2, 3]


def test_csv_is_one_table_padded_to_its_widest_row(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("序号,重点任务,牵头单位\n1,改造燃气管道,县住建局,备注\n\n"
                    '2,"排查餐饮场所, 燃气隐患",县市场监管局\n', encoding="utf-8")
    doc = _read(path)
    assert doc.lines == ("序号\t重点任务\t牵头单位", "1\t改造燃气管道\t县住建局\t备注", "",
                         "2\t排查餐饮场所, 燃气隐患\t县市场监管局")
    [table] = doc.tables
    assert _grid(table) == [["序号", "重点任务", "牵头单位", ""],
                            ["1", "改造燃气管道", "县住建局", "备注"], ["", "", "", ""],
                            ["2", "排查餐饮场所, 燃气隐患", "县市场监管局", ""]]
    assert _lines(table) == [1, 2, 3, 4]
    assert not any(any(row.merged) for row in table.rows)


# --- documents -------------------------------------------------------------------------------


def test_text_has_no_tables_and_lines_carry_given_tables(tmp_path):
    path = tmp_path / "p.txt"
    path.write_text("序号\t重点任务\n1\t改造燃气管道\n", encoding="utf-8")
    assert taskmap.read_document(path).tables == ()
    table = Table((Row(1, ("序号", "重点任务"), (False, False)),))
    doc = document_from_lines(["序号\t重点任务"], "x.docx", "docx", tables=[table])
    assert doc.tables == (table,) and doc.lines == ("序号\t重点任务",)
    assert document_from_lines(["a"], "x.txt").tables == ()
