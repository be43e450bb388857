"""Output files chosen by their extension: the one place that says which format a file
name means, which commands can write it, and which writer makes it.

A format is named by its extension without the dot (`xlsx`, `csv`, `json`, `parquet`);
`table` is the text people read on a terminal (`.txt` as a file). Data formats (csv, json,
parquet) and text are written here per command; documents for people (`BOOKS`: the
workbook, the Word 任务分解表 and 修改对照表) are written by their own module from plans
(extract, report, export) and from a diff. Adding a document format is one line in `BOOKS`:

    "docx": Book("taskmap.present.docx.tasks:write_tasks_docx",
                 "taskmap.present.docx.diff:write_changes_docx"),

after which `-o 分解表.docx` (and `-f docx`) works in extract, report, export and diff, and
the help and the error messages list it. Every file is written whole or not at all
(`taskmap.safe`); every CSV file starts with a byte-order mark so that Excel and WPS on
Chinese Windows read it as UTF-8.
"""

from __future__ import annotations

import inspect
import io
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

from ..errors import OutputError
from ..safe import replacing

CSV_ENCODING = "utf-8-sig"  # a BOM: Excel and WPS read the file as UTF-8, not as GBK
TEXT = "table"
DATA = ("csv", "json", "parquet")
STREAMS = (TEXT, "json", "csv")  # what can go to stdout
PIPE_WIDTH = 160  # a file has no terminal width; Chinese tables need room


@dataclass(frozen=True)
class Book:
    """A document for people. `plans`: "module:function" called as
    f(plans: Sequence[Plan], path, **those of by, implicit, collective it takes); `diff`:
    "module:function" called as f(diff: PlanDiff, path), or None when the format has no
    diff form."""

    plans: str
    diff: str | None = None


BOOKS: dict[str, Book] = {
    "xlsx": Book("taskmap.present.xlsx.workbook:write_workbook",
                 "taskmap.present.xlsx.diff_book:write_diff_workbook"),
    "docx": Book("taskmap.present.docx.tasks:write_tasks_docx",
                 "taskmap.present.docx.diff:write_changes_docx"),
}

# The formats each command writes, in the order its help lists them; and the format a
# folder (an -o without extension) gets when -f does not say.
COMMANDS: dict[str, tuple[str, ...]] = {
    "extract": (TEXT, "json", "csv", "parquet", *BOOKS),
    "report": (TEXT, "json", "csv", "parquet", *BOOKS),
    "export": (*BOOKS, *DATA),
    "diff": (TEXT, "json", "csv", "parquet", *(f for f, b in BOOKS.items() if b.diff)),
    "track": (TEXT, "json", *BOOKS),
}
# the 督办通报 (`taskmap track`) as each document format: "module:function" called as
# f(tracking: taskmap.tracking.Tracking, path)
TRACK_BOOKS = {"xlsx": "taskmap.present.xlsx.track_book:write_track_workbook",
               "docx": "taskmap.present.docx.track:write_track_docx"}
FOLDERS: dict[str, tuple[str, ...]] = {"extract": ("parquet",), "export": DATA}
FOLDER_DEFAULT: dict[str, str] = {"export": "csv"}


def suffix_of(fmt: str) -> str:
    return ".txt" if fmt == TEXT else f".{fmt}"


def format_of(path: Path) -> str | None:
    """The format an extension names (.XLSX too), or None."""
    suffix = path.suffix.lower()
    every = {f for formats in COMMANDS.values() for f in formats}
    return next((f for f in every if suffix_of(f) == suffix), None)


@dataclass(frozen=True)
class Target:
    """Where an output goes: `path` None is stdout; `folder` a folder of files."""

    format: str
    path: Path | None = None
    folder: bool = False

    @property
    def file(self) -> Path:
        """The path of an output that has one (a document, a folder, a file named by -o)."""
        if self.path is None:
            raise ValueError(f"{self.format} to stdout has no path")
        return self.path


def choose(command: str, output: Path | None, fmt: str | None, default: str = TEXT) -> Target:
    """The format to write for `command`, from the extension of `output` and `-f fmt`.

    The extension decides; `-f` must agree with it. A name without extension is a folder
    where the command writes folders (export: a folder of data files; extract -f parquet:
    a dataset), else a file in the format `-f` gives. Raises OutputError, in one line,
    for an unknown extension, a disagreement, or a file format sent to stdout.
    """
    allowed = COMMANDS[command]
    extensions = "、".join(suffix_of(f) for f in allowed)
    if fmt is not None and fmt not in allowed:
        raise OutputError(f"taskmap {command} 不能写出 {fmt} 格式;可用:{'、'.join(allowed)}")
    if output is None:
        chosen = fmt or default
        if chosen not in STREAMS:
            raise OutputError(f"{chosen} 格式只能写入文件:请用 -o 给出文件名,如 -o 结果"
                              f"{suffix_of(chosen)}")
        return Target(chosen)
    folders = FOLDERS.get(command, ())
    if output.is_dir() or not output.suffix:
        named = fmt or FOLDER_DEFAULT.get(command)
        if named in folders:
            return Target(named, output, folder=True)
        if output.is_dir():
            raise OutputError(f"{output}: 是一个文件夹;请给出文件名,扩展名可用 {extensions}")
        if named is not None:
            return Target(named, output)
        raise OutputError(f"{output}: 没有扩展名,无法判断输出格式;请用 {extensions} 之一"
                          "结尾,或用 -f 指定格式")
    by_name = format_of(output)
    if by_name is None or by_name not in allowed:
        raise OutputError(f"{output}: 不支持的输出扩展名 {output.suffix};taskmap {command} "
                          f"可写出 {extensions}")
    if fmt is not None and fmt != by_name:
        raise OutputError(f"{output}: 扩展名 {output.suffix} 与 -f {fmt} 不一致;去掉 -f,"
                          f"或把文件名改为以 {suffix_of(fmt)} 结尾")
    return Target(by_name, output)


def _function(spec: str) -> Callable:
    module, name = spec.split(":")
    return getattr(import_module(module), name)


def write_book(fmt: str, plans: Sequence, path: Path, **switches) -> Path:
    """A document for people (`BOOKS`) of `plans`, given those of the `switches` (by,
    implicit, collective) its writer takes."""
    writer = _function(BOOKS[fmt].plans)
    taken = inspect.signature(writer).parameters
    return writer(plans, path, **{k: v for k, v in switches.items() if k in taken})


def diff_writer(fmt: str) -> str:
    """The "module:function" that writes a PlanDiff as `fmt` (a format of BOOKS)."""
    spec = BOOKS[fmt].diff
    if spec is None:
        raise ValueError(f"{fmt} has no diff document")
    return spec


def write_diff_book(fmt: str, diff, path: Path) -> Path:
    """A document for people (`BOOKS`) of a PlanDiff."""
    return _function(diff_writer(fmt))(diff, path)


# ----------------------------------------------------------------------------- writers

def write_csv(path: str | Path, rows: Iterable[Mapping], columns: Sequence[str], *,
              english: bool = True, frame: str | None = None) -> Path:
    """A CSV file, with a BOM: the columns as they are (`english`: an alias table, data for
    programs), or Chinese headers and values for people (`files.people_csv`)."""
    from .files import people_csv

    return write_text(path, people_csv(rows, columns, english=english, frame=frame),
                      CSV_ENCODING)


def write_text(path: str | Path, text: str, encoding: str = "utf-8") -> Path:
    """Write `text` to `path`, whole or not at all."""
    with replacing(path) as tmp:
        tmp.write_text(text, encoding=encoding)
    return Path(path)


def write_frame(frame, path: str | Path, fmt: str, english: bool = False,
                name: str | None = None) -> Path:
    """One polars frame as CSV (BOM, formulas neutralised; Chinese headers and values unless
    `english`; `name` the table, see `files.header`), JSON (rows) or Parquet."""
    if fmt == "csv":
        return write_csv(path, frame.iter_rows(named=True), frame.columns, english=english,
                         frame=name)
    with replacing(path) as tmp:
        if fmt == "json":
            tmp.write_text(frame.write_json() + "\n", encoding="utf-8")
        elif fmt == "parquet":
            frame.write_parquet(tmp)
        else:
            raise OutputError(f"{path}: 数据表不能写成 {fmt} 格式")
    return Path(path)


def render_text(renderable, width: int = PIPE_WIDTH) -> str:
    """What a terminal `width` columns wide shows, as plain text."""
    from rich.console import Console

    console = Console(record=True, width=width, file=io.StringIO(), markup=False,
                      emoji=False, highlight=False)
    console.print(renderable)
    return console.export_text()


def plan_rows_frame(plan):
    """The rows of `extract -f csv` as a typed frame (for Parquet)."""
    import polars as pl

    from ..rows import due_date
    from .files import CSV_COLUMNS, csv_rows

    schema = {c: pl.String for c in CSV_COLUMNS} | {"line": pl.Int64, "implicit": pl.Boolean,
                                                    "due": pl.Date}
    rows = [{**r, "implicit": None if r.get("implicit") is None else r["implicit"] == "true",
             "due": due_date(r.get("due"))} for r in csv_rows(plan)]
    return pl.DataFrame(rows, schema=schema, orient="row")


def write_plan(plan, path: Path, fmt: str, view=None, english: bool = False) -> Path:
    """One plan (`taskmap extract -o`): the JSON contract, the CSV rows (with a BOM; Chinese
    headers and values unless `english`), those rows as Parquet, the text table (`view`, a
    renderable), or a document (`BOOKS`)."""
    from .files import CSV_COLUMNS, csv_rows, write_json

    if fmt == "json":  # streamed: a plan of any size, in linear memory
        with replacing(path) as tmp, tmp.open("w", encoding="utf-8") as fp:
            write_json(plan, fp)
        return path
    if fmt == "csv":
        return write_csv(path, csv_rows(plan), CSV_COLUMNS, english=english)
    if fmt == "parquet":
        return write_frame(plan_rows_frame(plan), path, "parquet")
    if fmt == TEXT:
        return write_text(path, render_text(view))
    return write_book(fmt, [plan], path)


def report_data(corpus, *, area: str | None, by: str, role: str, implicit: bool,
                collective: bool) -> dict:
    """What `taskmap report` counts, as frames: `agencies` (the ranking: every body, sorted
    by `role`), `matrix` (body × area), `plans` and `warnings`."""

    from .. import engine
    from .workload_view import rank

    frame = corpus.chunks()  # counted piece by piece: flat memory for a dataset
    if area is not None:
        frame = [f.filter(engine.in_area(area)) for f in frame]
    summary = engine.agency_summary(frame, by=by, implicit=implicit, collective=collective)
    return {"plans": corpus.plans.collect(), "agencies": rank(summary, role),
            "matrix": engine.build_matrix(frame, role=role, by=by, implicit=implicit,
                                          collective=collective),
            "warnings": corpus.warnings.collect()}


def write_report(data: dict, path: Path, fmt: str, english: bool = False) -> Path:
    """`taskmap report -o`: the ranking as CSV (Chinese unless `english`) or Parquet; every
    frame as one JSON object ({"plans", "agencies", "matrix", "warnings"}, each a list of
    rows)."""
    if fmt == "json":
        text = json.dumps({name: frame.to_dicts() for name, frame in data.items()},
                          ensure_ascii=False, indent=2, default=str) + "\n"
        return write_text(path, text)
    return write_frame(data["agencies"], path, fmt, english=english, name="agencies")


DIFF_COLUMNS = ("status", "old_line", "new_line", "old_area", "new_area", "title", "moved",
                "text_changed", "changes")


def diff_rows(diff) -> list[dict]:
    """One row per task of a PlanDiff; `changes` as `牵头+X;参与-Y`."""
    from ..diff import ADDED
    from .labels import ROLE_LABELS

    rows = []
    for t in diff.to_dict()["tasks"]:
        changes = ";".join(f"{ROLE_LABELS[c['role']]}{'+' if c['change'] == ADDED else '-'}"
                           f"{c['raw']}" for c in t["changes"])
        rows.append({**{k: t[k] for k in DIFF_COLUMNS if k != "changes"}, "changes": changes})
    return rows


def write_track(result, path: Path, fmt: str, view=None) -> Path:
    """`taskmap track -o`: the JSON (`Tracking.to_dict`), the text (`view`), or the
    workbook or Word 督办通报 (`TRACK_BOOKS`)."""
    if fmt == "json":
        return write_text(path, json.dumps(result.to_dict(), ensure_ascii=False, indent=2)
                          + "\n")
    if fmt == TEXT:
        return write_text(path, render_text(view))
    return _function(TRACK_BOOKS[fmt])(result, path)


def write_diff(diff, path: Path, fmt: str, view=None, english: bool = False) -> Path:
    """`taskmap diff -o`: the JSON, the task rows as CSV (Chinese unless `english`) or
    Parquet, the text (`view`), or a document (`BOOKS`)."""
    if fmt == "json":
        return write_text(path, json.dumps(diff.to_dict(), ensure_ascii=False, indent=2) + "\n")
    if fmt == "csv":
        return write_csv(path, diff_rows(diff), DIFF_COLUMNS, english=english, frame="diff")
    if fmt == "parquet":
        import polars as pl

        frame = pl.DataFrame(diff_rows(diff), schema={
            "status": pl.String, "old_line": pl.Int64, "new_line": pl.Int64,
            "old_area": pl.String, "new_area": pl.String, "title": pl.String,
            "moved": pl.Boolean, "text_changed": pl.Boolean, "changes": pl.String},
            orient="row")
        return write_frame(frame, path, "parquet")
    if fmt == TEXT:
        return write_text(path, render_text(view))
    return write_diff_book(fmt, diff, path)
