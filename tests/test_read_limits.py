"""Hostile and careless files (tests/hostile.py builds each for real, small, in tmp_path):
each is read, or refused with one line naming the limit, by `python -m taskmap extract` in a
subprocess, under 1 GB of peak memory and in CPU time a few times that of the same command
on a small plan, measured in the same session (a wrapper process reads both from the
rusage of its only child: a ratio, so a loaded machine slows both). Lowered limits
(TASKMAP_MAX_… variables) keep some tests fast.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import hostile as h
import pytest
from conftest import ROOT

from taskmap.errors import LimitExceeded, UnsupportedFormat
from taskmap.read import document_from_bytes, read_document
from taskmap.read.docx_lists import format_number
from taskmap.read.limits import Limits
from taskmap.read.sheets import read_csv_text

# A hostile file is read or refused in at most this many times the CPU of reading a small
# plan (~0.5 s, mostly imports); the bombs these tests guard against took 10–1000 times.
CPU_TIMES, MEGABYTES = 8, 1024
# Runs the CLI as a child (address space capped at 3 GB, so a regression fails rather than
# swaps) and prints its exit status, output, time and peak memory as JSON.
WRAPPER = """
import json, resource, subprocess, sys, time
def cap():
    resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))
start = time.monotonic()
run = subprocess.run(sys.argv[1:], capture_output=True, text=True, preexec_fn=cap)
print(json.dumps({"code": run.returncode, "out": run.stdout, "err": run.stderr,
                  "seconds": time.monotonic() - start,
                  "cpu": (lambda u: u.ru_utime + u.ru_stime)(
                      resource.getrusage(resource.RUSAGE_CHILDREN)),
                  "peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


@dataclass
class Run:
    code: int
    out: str
    err: str
    seconds: float
    cpu: float
    peak_mb: float

    def tasks(self) -> list[dict]:
        return json.loads(self.out)["tasks"]


def _measured(path: Path, args: tuple[str, ...], env: dict[str, str]) -> Run:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("TASKMAP_MAX")}
    command = [sys.executable, "-c", WRAPPER, sys.executable, "-m", "taskmap", "extract",
               str(path), "--format", "json", *args]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=120,
                          env={**environ, **env}, check=True)
    return Run(**json.loads(done.stdout))


@cache
def yardstick() -> float:
    """CPU seconds of the same command on a small plan of our own (best of 2)."""
    plan = ROOT / "data" / sorted(p.name for p in (ROOT / "data").glob("*.txt"))[0]
    return min(_measured(plan, (), {}).cpu for _ in range(2))


def extract(path: Path, *args: str, within: float = CPU_TIMES, **env: str) -> Run:
    """`taskmap extract PATH --format json ARGS`, with TASKMAP_MAX_… variables from `env`,
    measured; asserts it was quick (against the yardstick), small, and ended in JSON or one
    line on stderr."""
    run = _measured(path, args, env)
    assert run.cpu < within * yardstick(), (
        f"{path.name}: {run.cpu:.1f} s CPU, the yardstick {yardstick():.2f} s")
    assert run.peak_mb < MEGABYTES, f"{path.name}: {run.peak_mb:.0f} MB"
    assert "Traceback" not in run.err and "MemoryError" not in run.err, run.err
    assert run.code == 0 or len(run.err.strip().splitlines()) == 1, run.err
    return run


def refused(run: Run, variable: str) -> None:
    assert run.code == 1, run.out[:200]
    assert variable in run.err and "调高上限" in run.err, run.err


def leads(run: Run) -> list[str]:
    return [a["raw"] for task in run.tasks() for a in task["assignments"] if a["role"] == "lead"]


# --- zip packages ------------------------------------------------------------------------


def test_xlsx_merged_range_over_the_whole_sheet_costs_no_more_than_its_data(tmp_path):
    run = extract(h.make_xlsx_merged_sheet(tmp_path))
    assert run.code == 0, run.err


def test_xlsx_cells_in_the_far_corners_are_read_without_the_empty_sheet_between(tmp_path):
    run = extract(h.make_xlsx_far_corners(tmp_path))
    assert run.code == 0, run.err


def test_xlsx_far_corners_on_many_rows_are_refused_by_the_grid_they_span(tmp_path):
    run = extract(h.make_xlsx_far_corners(tmp_path, rows=100))  # 100 × 16,384 cells
    refused(run, "TASKMAP_MAX_CELLS")


def test_xlsx_zip_bomb_is_refused_by_its_cells(tmp_path):
    run = extract(h.make_xlsx_bomb(tmp_path, unpacked=64 * h.MB), TASKMAP_MAX_CELLS="200000")
    refused(run, "TASKMAP_MAX_CELLS")


def test_xlsx_zip_bomb_is_refused_by_the_bytes_it_inflates_to(tmp_path):
    run = extract(h.make_xlsx_bomb(tmp_path, unpacked=64 * h.MB),
                  TASKMAP_MAX_MEMBER_BYTES="4M")
    refused(run, "TASKMAP_MAX_MEMBER_BYTES")
    assert "xl/worksheets/sheet1.xml" in run.err


def test_docx_header_saying_less_than_the_member_holds_is_refused_as_damaged(tmp_path):
    run = extract(h.make_docx_lying_header(tmp_path, unpacked=256 * h.MB, declared=100 << 10))
    assert run.code == 1 and "无法读取的 Word 文件" in run.err, run.err


def test_docx_header_saying_more_than_the_limit_allows_is_not_trusted_either_way(tmp_path):
    path = h.make_docx_lying_header(tmp_path, unpacked=64 * h.MB, declared=8 << 20)
    refused(extract(path, TASKMAP_MAX_MEMBER_BYTES="1M"), "TASKMAP_MAX_MEMBER_BYTES")
    h.lie_about_size(path, "word/document.xml", 1 << 31)  # says 2 GB; holds 64 MB
    run = extract(path)
    assert run.code == 1 and "无法读取的 Word 文件" in run.err, run.err


def test_docx_of_many_empty_paragraphs_is_refused_by_its_xml_elements(tmp_path):
    path = h.make_docx_empty_paragraphs(tmp_path, unpacked=16 * h.MB)
    refused(extract(path, TASKMAP_MAX_XML_ELEMENTS="300000"), "TASKMAP_MAX_XML_ELEMENTS")


def test_docx_of_many_empty_paragraphs_is_refused_at_the_default_limits(tmp_path):
    # 64 MB of XML is parsed up to the default element limit: ~7 yardsticks, not a bomb's
    refused(extract(h.make_docx_empty_paragraphs(tmp_path, unpacked=64 * h.MB), within=20),
            "TASKMAP_MAX_XML_ELEMENTS")


def test_docx_within_the_limits_is_read(tmp_path):
    run = extract(h.make_docx_empty_paragraphs(tmp_path, unpacked=64 << 10))
    assert run.code == 0 and leads(run) == ["县住建局"], run.err


def test_zip_of_too_many_members_is_refused(tmp_path):
    path = tmp_path / "many.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
        for k in range(2000):
            z.writestr(f"word/media/{k}.bin", b"")
    refused(extract(path, TASKMAP_MAX_ZIP_MEMBERS="1000"), "TASKMAP_MAX_ZIP_MEMBERS")


# --- text a .docx generates: list numbers, merged cells, grid values ---------------------


@pytest.mark.parametrize("fmt", ["lowerLetter", "upperLetter", "upperRoman", "chineseCounting",
                                 "decimalFullWidth", "ideographDigital", "decimal"])
def test_docx_list_of_a_huge_start_is_read_with_short_labels(tmp_path, fmt):
    """A list level starting at 2.6e9 (a letter format once made each label 100 million
    letters): read in milliseconds, every task kept, each label a few characters."""
    path = h.make_docx_numbered(tmp_path, start=2_600_000_000, fmt=fmt)
    assert path.stat().st_size < 40_000
    run = extract(path)
    assert run.code == 0 and leads(run) == ["县住建局"] * 40, run.err
    assert run.cpu < 4 * yardstick() and len(run.out) < 200_000, (run.cpu, len(run.out))
    doc = read_document(path)
    assert all(len(line) < len(h.PLAN) + 20 for line in doc.lines), doc.lines[0][:100]
    assert "开展燃气管道老化更新改造" in doc.lines[0]


def test_list_numbers_past_what_a_format_writes_briefly_are_decimal():
    assert [format_number(n, "lowerLetter") for n in (1, 26, 27, 104)] == ["a", "z", "aa",
                                                                           "zzzz"]
    assert format_number(105, "lowerLetter") == "105"
    assert format_number(2_600_000_000, "upperLetter") == "2600000000"
    assert format_number(4000, "upperRoman") == "4000"
    assert format_number(12345, "chineseCounting") == "12345"


def test_docx_list_label_longer_than_its_bound_is_not_generated(tmp_path):
    """A level text of many placeholders (a label of hundreds of characters a paragraph):
    the label is left out, the paragraph's own text is read."""
    path = h.make_docx_numbered(tmp_path, start=1, fmt="decimal", paragraphs=3)
    data = path.read_bytes()
    with zipfile.ZipFile(path) as z:
        numbering = z.read("word/numbering.xml").replace(b'w:val="%1."',
                                                         b'w:val="' + b"%1" * 500 + b'"')
    out = tmp_path / "long_label.docx"
    h._repack(data, out, {"word/numbering.xml": iter([numbering])})
    assert read_document(out).lines == (h.PLAN[2:],) * 3
    assert read_document(path).lines == tuple(f"{k}.{h.PLAN[2:]}" for k in (1, 2, 3))


@pytest.mark.parametrize("grid", [{"before": 1_000_000}, {"span": 1_000_000},
                                  {"before": 10**30}, {"before": 5000, "span": 5000}])
def test_docx_row_of_a_crafted_grid_value_keeps_its_tasks_and_is_warned(tmp_path, grid):
    """w:gridBefore (or w:gridSpan) of a million on one row: the row is clipped to the
    table's grid, its task is read, and a warning says the row was clipped."""
    run = extract(h.make_docx_wide_row(tmp_path, **grid))
    assert run.code == 0, run.err
    assert sorted(leads(run)) == sorted(["县住建局", "县市场监管局"]), run.out[:2000]
    warned = [w for w in json.loads(run.out)["warnings"] if "网格值过大" in w["reason"]]
    assert len(warned) == 1 and "开展燃气管道老化更新改造" in warned[0]["text"], warned


def test_docx_row_of_a_huge_grid_after_keeps_its_tasks(tmp_path):
    run = extract(h.make_docx_wide_row(tmp_path, before=0, after=1_000_000))
    assert run.code == 0 and sorted(leads(run)) == sorted(["县住建局", "县市场监管局"])


def test_docx_sloppy_grid_is_read_as_it_stands_without_a_warning(tmp_path):
    """One column more than the table declares is a sloppy file, not a crafted one: the
    row stays where the file puts it, and nothing is said about it."""
    path = h.make_docx_wide_row(tmp_path, before=1)
    run = extract(path)
    assert run.code == 0 and not [w for w in json.loads(run.out)["warnings"]
                                  if "网格值过大" in w["reason"]]
    [table] = read_document(path).tables
    assert table.rows[1].cells[:2] == ("", "1") and len(table.rows[1].cells) == 5


def test_docx_rows_spanning_a_declared_huge_grid_are_refused_by_their_cells(tmp_path):
    """A table declaring 16,384 columns whose rows each span all of them: the grid they make
    is counted against TASKMAP_MAX_CELLS as it grows."""
    path = h.make_docx_wide_row(tmp_path, before=0, span=16_384, columns=16_384, spans=50)
    refused(extract(path, TASKMAP_MAX_CELLS="100000"), "TASKMAP_MAX_CELLS")


def test_docx_long_cell_spanning_a_declared_huge_grid_is_bounded_by_the_text_limit(tmp_path):
    """A 1,000-character cell spanning 16,384 declared columns, twice: 32 million characters
    of copies on the grid, refused by the text limit (its cells are within their limit)."""
    path = h.make_docx_wide_row(tmp_path, before=0, span=16_384, columns=16_384, spans=2,
                                first="长" * 1000)
    refused(extract(path), "TASKMAP_MAX_TEXT_CHARS")


def test_docx_merged_cell_repeated_down_many_rows_is_bounded_by_the_text_limit(tmp_path):
    """A 10,000-character cell merged down 200 rows: 2 million characters of generated
    lines from a small file, refused under a text limit of one million."""
    path = h.make_docx_merged_column(tmp_path, chars=10_000, rows=200)
    assert path.stat().st_size < 60_000
    refused(extract(path, TASKMAP_MAX_TEXT_CHARS="1000000"), "TASKMAP_MAX_TEXT_CHARS")
    assert extract(path).code == 0  # under the default limit it is read


# --- alias tables, read under the same limits ------------------------------------------


def alias_refused(run: Run, table: Path, words: str) -> None:
    assert run.code == 1 and run.out == "", run.out[:200]
    assert str(table) in run.err and words in run.err and "内部错误" not in run.err, run.err


@pytest.mark.parametrize("kind", ["device", "fifo", "folder"])
def test_alias_table_that_is_no_regular_file_is_refused_unread(tmp_path, kind):
    """--aliases /dev/zero once read until the kernel killed it; a pipe with no writer
    would block for ever."""
    table = {"device": Path("/dev/zero"), "folder": tmp_path}.get(kind, tmp_path / "fifo")
    if kind == "fifo":
        os.mkfifo(table)
    if not table.exists():
        pytest.skip(f"{table} is not on this system")
    plan = h.make_text_with_nuls(tmp_path)
    alias_refused(extract(plan, "--aliases", str(table)), table, "不是普通文件")


def test_alias_table_over_the_byte_limit_is_refused_before_it_is_read(tmp_path):
    table = tmp_path / "big.csv"
    table.write_text("alias,canonical,scope\n" + "发改委,发展和改革委员会,function\n" * 100,
                     encoding="utf-8")
    plan = h.make_text_with_nuls(tmp_path)
    run = extract(plan, "--aliases", str(table), TASKMAP_MAX_BYTES="1K")
    alias_refused(run, table, "TASKMAP_MAX_BYTES")


@pytest.mark.parametrize("content", [bytes(range(256)) * 8, "alias,canonical,scope\n发改委,"
                                     "发展和改革委员会,function\n".encode("gb18030"),
                                     b"alias,canonical,scope\n\x00\x00\n"])
def test_alias_table_that_is_binary_or_not_utf8_is_one_line_naming_it(tmp_path, content):
    table = tmp_path / "aliases.csv"
    table.write_bytes(content)
    plan = h.make_text_with_nuls(tmp_path)
    alias_refused(extract(plan, "--aliases", str(table)), table, "UTF-8")


def test_aliases_check_names_every_unreadable_table(tmp_path):
    table = tmp_path / "binary.csv"
    table.write_bytes(bytes(range(256)))
    done = subprocess.run([sys.executable, "-m", "taskmap", "aliases", "check", "/dev/zero",
                           str(table)], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "/dev/zero: 不是普通文件" in done.stdout and f"{table}: 不是 UTF-8" in done.stdout


# --- PDF ---------------------------------------------------------------------------------


def test_pdf_stream_inflating_to_300_mb_is_refused(tmp_path):
    path = h.make_pdf_flate_bomb(tmp_path, unpacked=300 * h.MB)
    assert path.stat().st_size < 400_000
    refused(extract(path), "TASKMAP_MAX_PDF_STREAM_BYTES")


def test_pdf_of_too_many_pages_is_refused(tmp_path):
    refused(extract(h.make_pdf_many_pages(tmp_path, pages=300), TASKMAP_MAX_PDF_PAGES="200"),
            "TASKMAP_MAX_PDF_PAGES")


def test_pdf_of_dense_content_is_refused_before_it_is_interpreted(tmp_path):
    refused(extract(h.make_pdf_dense_content(tmp_path, unpacked=32 * h.MB)),
            "TASKMAP_MAX_PDF_CONTENT_BYTES")


def test_pdf_page_of_too_many_characters_is_refused(tmp_path):
    refused(extract(h.make_pdf_overlapping_text(tmp_path, chars=30_000)),
            "TASKMAP_MAX_PDF_PAGE_CHARS")


def test_pdf_characters_drawn_on_top_of_each_other_cost_no_quadratic_time(tmp_path):
    run = extract(h.make_pdf_overlapping_text(tmp_path, chars=19_990))
    assert "没有可用的中文文字层" in run.err  # Latin letters only: said, quickly


def test_pdf_with_an_owner_password_only_is_read_not_called_a_scan(tmp_path):
    run = extract(h.make_pdf_owner_password(tmp_path))
    assert run.code == 0, run.err
    assert leads(run) == ["县住建局"]


# --- text formats ------------------------------------------------------------------------


@pytest.mark.parametrize("tag", ["p", "div"])
def test_html_of_20000_nested_unclosed_elements_is_read_in_linear_time(tmp_path, tag):
    run = extract(h.make_html_nested(tmp_path, depth=20_000, tag=tag))
    assert run.code == 0, run.err


def test_html_rowspan_repeated_down_many_rows_is_bounded_by_the_text_limit(tmp_path):
    """A 10,000-character cell with rowspan over 2,000 rows: 20 million characters of lines
    from a 70 KB page (a 400 KB one took 300 s and 1.6 GB), refused by the text limit."""
    path = h.make_html_rowspan(tmp_path, chars=10_000, rows=2000)
    assert path.stat().st_size < 80_000
    refused(extract(path), "TASKMAP_MAX_TEXT_CHARS")
    run = extract(h.make_html_rowspan(tmp_path, chars=100, rows=100))
    assert run.code == 0 and "县住建局" in run.out


def test_html_colspan_over_many_rows_is_refused_by_the_grid_cells(tmp_path):
    path = h.make_html_rowspan(tmp_path, chars=1, rows=2000, colspan=1000)
    refused(extract(path, TASKMAP_MAX_CELLS="100000"), "TASKMAP_MAX_CELLS")


def test_html_meta_charset_naming_punycode_falls_back_to_the_sniffed_decoding(tmp_path):
    for ascii_only in (True, False):
        run = extract(h.make_html_punycode(tmp_path, ascii_only=ascii_only))
        assert run.code == 0 and leads(run) == ["县住建局"], run.err


def test_csv_field_of_200000_characters_is_read(tmp_path):
    run = extract(h.make_csv_long_field(tmp_path, length=200_000))
    assert run.code == 0, run.err


def test_csv_field_over_the_byte_limit_is_one_clear_message():
    text = "序号,重点任务\n1," + "长" * 5000 + "\n"
    with pytest.raises(LimitExceeded, match=r"CSV 单个字段.*TASKMAP_MAX_BYTES"):
        read_csv_text(text, "long.csv", Limits(max_bytes=4096))


@pytest.mark.parametrize("byte", [b"\x00", b"\x01", b"\x1b"])
def test_file_of_control_bytes_is_binary_data_not_an_empty_plan(tmp_path, byte):
    run = extract(h.make_nul_file(tmp_path, byte=byte))
    assert run.code == 1 and "是二进制数据,不是方案" in run.err, run.err


def test_nul_and_escapes_inside_text_neither_split_a_name_nor_reach_the_output(tmp_path):
    run = extract(h.make_text_with_nuls(tmp_path))
    assert run.code == 0, run.err
    assert leads(run) == ["县住建局", "县住建局"]
    assert "\\u0000" not in run.out and "\\u001b" not in run.out and "[2J" not in run.out


def test_control_characters_are_removed_from_lines_and_table_cells():
    doc = document_from_bytes("序号,牵头单位\n1,县住\x00建局\x07\n".encode(), "t.csv")
    assert doc.lines[1] == "1\t县住建局"
    assert doc.tables[0].rows[1].cells == ("1", "县住建局")


def test_stray_nuls_in_gb18030_text_are_dropped():
    line = "牵头单位：县住建局".encode("gb18030")
    data = line * 20 + line.replace("建".encode("gb18030"), "建".encode("gb18030") + b"\x00")
    doc = document_from_bytes(data, "plan.txt")
    assert doc.encoding == "gb18030" and doc.lines[0].endswith("县住建局")


# --- the limits themselves ---------------------------------------------------------------


def test_file_over_the_byte_limit_is_refused_before_it_is_read(tmp_path):
    path = h.make_text_with_nuls(tmp_path)
    with pytest.raises(LimitExceeded, match=r"文件大小.*TASKMAP_MAX_BYTES=400"):
        read_document(path, Limits(max_bytes=100))


def test_limits_read_the_environment_with_units(monkeypatch):
    monkeypatch.setenv("TASKMAP_MAX_MEMBER_BYTES", "64M")
    monkeypatch.setenv("TASKMAP_MAX_CELLS", "5_000")
    limits = Limits.from_env()
    assert limits.max_member_bytes == 64 << 20 and limits.max_cells == 5000
    assert limits.max_bytes == Limits().max_bytes


def test_a_limit_that_is_not_a_number_is_one_line(tmp_path):
    run = extract(h.make_text_with_nuls(tmp_path), TASKMAP_MAX_BYTES="lots")
    assert run.code == 1 and "TASKMAP_MAX_BYTES='lots'" in run.err, run.err


def test_damaged_zip_is_still_named_damaged():
    with pytest.raises(UnsupportedFormat, match="压缩包或 Office 文件已损坏"):
        document_from_bytes(b"PK\x03\x04" + b"\x00" * 100, "x.docx")
