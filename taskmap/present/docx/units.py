"""Each unit's list of tasks as a Word file in 公文 form (`taskmap export … --by-unit`).

A unit's list starts on a page of its own (a section of its own, its pages numbered from
`— 1 —`, so that each list can be printed and sent apart): the unit's name and 重点任务清单
in 方正小标宋简体, the plan it comes from (or how many plans) in 楷体, one sentence of
counts and a note on how to read the tables, then 一、牵头任务 / 二、配合任务 /
三、统一落实任务 (the parts it has), each a table:
序号 (the task's number in its plan's 任务分解表) | 所属方案 (several plans) | 重点任务 (title
in 黑体, then the wording) | 牵头单位 | 责任单位 (the other bodies) | 完成时限, its header
row repeated on every page. A4 landscape with the 公文 margins, as the 任务分解表
(`docx.tasks`): the wording needs the width.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import polars as pl
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from ..units import IMPLICIT_MARK, LIST_TITLE, PART_LABELS, PARTS
from .gongwen import (
    Column,
    GridTable,
    new_document,
    new_page_section,
    paragraph,
    save_stable,
    stable_bytes,
    text_width,
)
from .tasks import task_cell

COLUMNS = (Column("序号", 14, "表格居中"), Column("重点任务", 100), Column("牵头单位", 40),
           Column("责任单位", 46), Column("完成时限", 24, "表格居中"))
PLAN_COLUMN = Column("所属方案", 34)
NUMERALS = "一二三四五"
NOTE = "注：序号为任务在方案重点任务分解表中的序号；“牵头单位”“责任单位”两栏列出本单位以外的单位。"
IMPLICIT_NOTE = (f"标注“{IMPLICIT_MARK}”的单位，是方案中“以下任务均需……落实，不再一一列出”等统一"
                 "表述所指的单位。")
EMPTY = "未识别到带分工的重点任务。"


def write_units_docx(tasks: pl.DataFrame, path: str | Path, *, multi: bool = False) -> Path:
    """Every unit's list of a `units.unit_tasks` frame in one Word file, one unit a page
    (a section each, its page numbers from 1). `multi`: the tasks come from several plans
    (each task names its plan). The same frame gives the same bytes."""
    doc = new_document(landscape=True)
    _number_from_one(doc.sections[0])  # the sections after it are copies of it
    units = _units(tasks)
    for k, rows in enumerate(units):
        if k:
            new_page_section(doc, landscape=True)
        unit_pages(doc, rows, multi=multi)
    if not units:
        paragraph(doc, LIST_TITLE, "公文标题")
        paragraph(doc, EMPTY)
    return save_stable(doc, Path(path))


def unit_documents(tasks: pl.DataFrame, *, multi: bool = False) -> Iterator[bytes]:
    """A Word file (its bytes) for each unit of a `units.unit_tasks` frame, in order."""
    for rows in _units(tasks):
        doc = new_document(landscape=True)
        unit_pages(doc, rows, multi=multi)
        yield stable_bytes(doc)


def _units(tasks: pl.DataFrame) -> list[pl.DataFrame]:
    return tasks.partition_by("unit", maintain_order=True) if tasks.height else []


def _number_from_one(section) -> None:
    numbering = OxmlElement("w:pgNumType")
    numbering.set(qn("w:start"), "1")
    section._sectPr.insert_element_before(
        numbering, "w:cols", "w:formProt", "w:vAlign", "w:noEndnote", "w:titlePg",
        "w:textDirection", "w:bidi", "w:rtlGutter", "w:docGrid", "w:printerSettings",
        "w:sectPrChange")


def counts_sentence(rows: pl.DataFrame) -> str:
    """本单位共承担重点任务8项，其中牵头任务5项、配合任务3项。"""
    parts = [(PART_LABELS[p], n) for p in PARTS
             if (n := rows.filter(pl.col("part") == p).height)]
    return (f"本单位共承担重点任务{rows.height}项，其中"
            + "、".join(f"{label}{n}项" for label, n in parts) + "。")


def unit_pages(doc, rows: pl.DataFrame, *, multi: bool) -> None:
    """One unit's list (`rows`: its rows of a `unit_tasks` frame) at the end of `doc`."""
    paragraph(doc, rows["name"][0], "公文标题")
    paragraph(doc, LIST_TITLE, "公文标题")
    plans = rows["plan_title"].unique(maintain_order=True).to_list()
    source = f"涉及{len(plans)}个方案" if len(plans) > 1 else plans[0]
    paragraph(doc, f"（{source}）", "公文副题")
    paragraph(doc, counts_sentence(rows))
    marked = any(IMPLICIT_MARK in r for c in ("lead", "responsible") for r in rows[c])
    paragraph(doc, NOTE + (IMPLICIT_NOTE if marked else ""), "表注")
    columns = [COLUMNS[0], *([PLAN_COLUMN] if multi else []), *COLUMNS[1:]]
    k = 0
    for part in PARTS:
        chosen = rows.filter(pl.col("part") == part)
        if chosen.is_empty():
            continue
        head = paragraph(doc, f"{NUMERALS[k]}、{PART_LABELS[part]}（{chosen.height}项）",
                         "一级标题")
        head.paragraph_format.keep_with_next = True
        k += 1
        table = GridTable(doc, columns, text_width(doc.sections[-1]))
        for r in chosen.iter_rows(named=True):
            cells = table.add_row()
            cells[0].paragraphs[0].add_run(str(r["no"]))
            if multi:
                cells[1].paragraphs[0].add_run(r["plan_title"])
                cells = [cells[0], *cells[2:]]
            task_cell(table, cells[1], r["title"], r["text"])
            cells[2].paragraphs[0].add_run(r["lead"])
            cells[3].paragraphs[0].add_run(r["responsible"])
            cells[4].paragraphs[0].add_run(r["deadline"])
