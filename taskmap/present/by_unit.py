"""Each unit's list of tasks written (`taskmap export … --by-unit`): one Word file, one
workbook or a folder of Word files, chosen by the path (`unit_format`). The lists
themselves are `units.unit_tasks`; the Word form is `docx.units`, the workbook
`xlsx.units_book`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from ..errors import OutputError
from ..models import Plan
from ..safe import refuse_inputs, replacing_folder
from .docx.units import unit_documents, write_units_docx
from .units import file_names, unit_counts, unit_tasks
from .xlsx.units_book import write_units_workbook

FOLDER = "folder"


def unit_format(path: str | Path, fmt: str | None = None) -> str:
    """What `path` asks for: "docx" (one Word file), "xlsx" (one workbook) or "folder"
    (a Word file a unit: a path without extension, or a folder that exists); `fmt` (-f)
    must agree. Raises OutputError, in one line, for anything else."""
    path = Path(path)
    kinds = {".docx": "docx", ".xlsx": "xlsx"}
    if path.is_dir() or not path.suffix:
        kind = FOLDER
        if fmt not in (None, "docx"):
            raise OutputError(f"各单位任务清单写入文件夹时,每个单位一个 Word 文件(.docx),"
                              f"不能写成 {fmt};写成 Excel 请用 -o 清单.xlsx")
        return kind
    kind = kinds.get(path.suffix.lower(), "")
    if not kind:
        raise OutputError(f"{path}: 各单位任务清单只能写成 .docx(Word,每个单位一页)、.xlsx"
                          "(Excel,每个单位一个工作表)或不带扩展名的文件夹(每个单位一个 Word 文件)")
    if fmt is not None and fmt != kind:
        raise OutputError(f"{path}: 扩展名 {path.suffix} 与 -f {fmt} 不一致")
    return kind


def write_unit_lists(plans: Sequence[Plan], path: str | Path, *, implicit: bool = True,
                     collective: bool = True, inputs: Iterable[str | Path] = ()) -> Path:
    """Write each unit's list of tasks of `plans` to `path`: a .docx (one unit a page), an
    .xlsx (a sheet a unit, after a sheet of every unit's counts), or a folder (a .docx a
    unit, the folder written whole or not at all). Never over a plan's file nor one of
    `inputs` (alias tables …). Returns `path`."""
    path = Path(path)
    kind = unit_format(path)
    sources = [Path(p.source) for p in plans if p.source and not p.source.startswith("<")]
    sources += [Path(i) for i in inputs]
    refuse_inputs(path, sources)
    tasks = unit_tasks(plans, implicit=implicit, collective=collective)
    if kind == "docx":
        return write_units_docx(tasks, path, multi=len(plans) > 1)
    if kind == "xlsx":
        return write_units_workbook(tasks, path, multi=len(plans) > 1)
    counts = unit_counts(tasks)
    names = file_names(counts["name"])
    refuse_inputs(path, sources, names)
    with replacing_folder(path) as tmp:  # every file, or none
        for name, data in zip(names, unit_documents(tasks, multi=len(plans) > 1),
                              strict=True):
            (tmp / name).write_bytes(data)
    return path
