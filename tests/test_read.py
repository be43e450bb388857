"""Reading text plans: encodings tried honestly, clear errors for everything else."""

from __future__ import annotations

import codecs

import pytest

import taskmap
from taskmap.errors import DecodeError, InputNotFound, UnsupportedFormat
from taskmap.read import document_from_bytes, read_document

PLAN = ("青岚市节能行动方案\n一、重点任务\n(一)推进节能改造\n"
        "1.实施锅炉改造。完成燃煤锅炉淘汰。(牵头单位:市发展改革委,责任单位:市工业和信息化局)\n")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be",
                                      "gb18030", "gbk"])
def test_encodings_decode_to_the_same_lines(encoding):
    data = PLAN.encode(encoding)
    if encoding in ("utf-16-le", "utf-16-be"):  # no BOM: found by its byte pattern
        assert not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    doc = document_from_bytes(data, "x.txt")
    assert doc.lines == tuple(PLAN.splitlines())


def test_big5_plan_reads_as_big5_not_gb18030():
    text = "一、重點任務\n1.推進節能改造。(牽頭單位:市發展改革委,責任單位:市財政局)\n" * 3
    doc = document_from_bytes(text.encode("big5"), "t.txt")
    assert doc.encoding == "big5"
    plan = taskmap.parse_document(doc)
    assert plan.tasks[0].agencies("lead") == ["市發展改革委"]


def test_gb18030_is_preferred_when_both_read():
    doc = document_from_bytes("牵头单位:市发展改革委".encode("gb18030"), "g.txt")
    assert doc.encoding == "gb18030"


def test_crlf_and_cr_line_breaks_count_as_editors_count():
    doc = document_from_bytes(b"a\r\nb\rc\n", "x.txt")
    assert doc.lines == ("a", "b", "c")


def test_undecodable_bytes_are_a_clear_error():
    with pytest.raises(DecodeError, match="另存为 UTF-8"):
        document_from_bytes(bytes([0x81, 0x20, 0xFF, 0xFE, 0x81, 0x7F] * 20), "bad.txt")


@pytest.mark.parametrize("magic, what", [(b"PK\x03\x04rest", "压缩包"), (b"%PDF-1.7", "PDF"),
                                         (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Word")])
def test_damaged_files_of_other_formats_are_named_not_misread(tmp_path, magic, what):
    path = tmp_path / "plan.txt"
    path.write_bytes(magic + b"\x00" * 20)
    with pytest.raises(UnsupportedFormat, match=what):
        read_document(path)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(InputNotFound, match="文件不存在"):
        read_document(tmp_path / "nope.txt")
    with pytest.raises(InputNotFound, match="不是文件"):
        read_document(tmp_path)


@pytest.mark.parametrize("encoding", ["gb18030", "utf-16"])
def test_reference_plans_extract_the_same_in_other_encodings(shared, tmp_path, encoding):
    for src in sorted((shared / "seeds").glob("*.txt")):
        text = src.read_text(encoding="utf-8")
        copy = tmp_path / src.name
        copy.write_bytes(text.encode(encoding))
        original, other = taskmap.load_plan(src), taskmap.load_plan(copy)
        assert other.tasks == original.tasks, src.name
        assert other.warnings == original.warnings, src.name


@pytest.mark.parametrize("copy, original", [
    ("yunxi_district_carbon_plan_gb18030.txt", "yunxi_district_carbon_plan.txt"),
    ("cuiping_province_work_plan_utf16.txt", "cuiping_province_work_plan.txt"),
])
def test_demo_copies_in_other_encodings_extract_the_same(copy, original):
    from conftest import DATA

    a, b = taskmap.load_plan(DATA / copy), taskmap.load_plan(DATA / original)
    assert a.encoding != b.encoding
    assert a.tasks == b.tasks and a.warnings == b.warnings and a.tasks
