"""The command line: thin commands over the library. The only module that prints or exits."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import signal
import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, cast

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.text import Text

from .errors import TaskmapError, io_refusal
from .names.review import suggestion_rows, surfaces
from .names.tables import COLUMNS as ALIAS_COLUMNS
from .names.tables import AliasTable, check_tables, shipped_tables
from .pipeline import duplicate_message, expand_inputs, load_plan
from .present.extract_view import extract_view, surfaces_table
from .present.files import people_csv, surfaces_to_csv, surfaces_to_json, to_csv, write_json
from .present.help import render_help, usage
from .present.outputs import (
    BOOKS,
    COMMANDS,
    DIFF_COLUMNS,
    PIPE_WIDTH,
    STREAMS,
    TEXT,
    choose,
    diff_rows,
    render_text,
    report_data,
    suffix_of,
    write_book,
    write_csv,
    write_diff,
    write_frame,
    write_plan,
    write_report,
    write_text,
    write_track,
)
from .safe import placed, refusal, refuse_inputs
from .version import __version__


class _ChineseHelp:
    """Help and usage lines in Chinese, at any width (`present.help`), for typer's commands."""

    def format_help(self, ctx, formatter) -> None:
        formatter.write(render_help(self, ctx, color=sys.stdout.isatty()))

    def get_usage(self, ctx) -> str:
        return usage(ctx)


class HelpGroup(_ChineseHelp, typer.core.TyperGroup):
    pass


class HelpCommand(_ChineseHelp, typer.core.TyperCommand):
    pass


app = typer.Typer(cls=HelpGroup, add_completion=False, no_args_is_help=True,
                  context_settings={"help_option_names": ["-h", "--help"]},
                  help="读取政府实施方案/行动方案,列出每项任务的牵头单位和责任单位,"
                       "统计各单位任务量,比对方案前后两稿,汇总督办台账的填报情况。")
_state = {"debug": False}


def _choices(command: str, *extra: str) -> type[Enum]:
    """The -f choices of `command`: every format it writes (present.outputs.COMMANDS)."""
    names = dict.fromkeys((*COMMANDS[command], *extra))
    return cast(type[Enum], Enum(f"{command.title()}Format", {n: n for n in names}, type=str))


if TYPE_CHECKING:  # made at run time from present.outputs: to a type checker, Enums
    ExtractFormat = Enum
    ReportFormat = Enum
    ExportFormat = Enum
    DiffFormat = Enum
    TrackFormat = Enum
    ShowFormat = Enum
else:
    ExtractFormat = _choices("extract")
    ReportFormat = _choices("report")
    ExportFormat = _choices("export")
    DiffFormat = _choices("diff")
    TrackFormat = _choices("track")
    ShowFormat = Enum("ShowFormat", {n: n for n in STREAMS}, type=str)
_SHOW_DEFAULT = ShowFormat(TEXT)


def _formats(command: str) -> str:
    return "、".join(f"{f}({suffix_of(f)})" for f in COMMANDS[command])


def _format_opt(command: str, default: str) -> object:
    return typer.Option("--format", "-f", help=(
        f"输出格式:{_formats(command)}。写文件时由 -o 的扩展名决定,可省略 -f;"
        f"给出时须与扩展名一致。默认{'' if _CJK.match(default) else ' '}{default}。"),
        show_default=False)


def _output_opt(text: str) -> object:
    return typer.Option("--output", "-o", help=text, show_default=False)


AliasesOpt = Annotated[list[Path] | None, typer.Option(
    "--aliases", "-a", help="用户自己的别名表(CSV,格式见 aliases/README.md);可重复给出,"
                            "后给的表优先于先给的表和全国表。", show_default=False)]
JobsOpt = Annotated[int | None, typer.Option(
    "--jobs", "-j", min=1, help="用几个 CPU 核心读取方案(默认:全部核心;1 为不另起进程)。",
    show_default=False)]
SoleLeadOpt = Annotated[bool, typer.Option(
    "--sole-lead", help="只写一个责任单位、未写牵头单位的任务,以该单位为牵头单位"
                        "(许多单位的习惯读法);默认照方案原文。")]
aliases_app = typer.Typer(cls=HelpGroup, no_args_is_help=True, help="检查别名表,核对单位名称。")
app.add_typer(aliases_app, name="aliases")


class CsvKeys(str, Enum):
    zh = "zh"
    en = "en"


CsvKeysOpt = Annotated[CsvKeys, typer.Option(
    "--csv-keys", help="CSV 的表头和取值:zh 中文,供人在 Excel、WPS 中阅读;en 英文键和原值"
                       "(与 JSON 的键相同),供程序读取。")]


TitleOpt = Annotated[str | None, typer.Option(
    "--title", help="方案标题,取代从文件中识别的标题(只用于一个方案;写入表格、Word 和工作簿)。",
    show_default=False)]


def _given_title(title: str | None, inputs: list[Path] | None = None) -> str | None:
    """--title as given, its spaces folded; refused when empty or when `inputs` are not
    one plan file."""
    if title is None:
        return None
    if not title.split():
        raise typer.BadParameter("--title 不能为空")
    if inputs is not None:
        from .corpus import is_dataset

        if len(inputs) == 1 and is_dataset(inputs[0]):
            raise typer.BadParameter(f"--title 只用于一个方案文件,{inputs[0]} 是数据集文件夹")
        n = len(expand_inputs(inputs))
        if n != 1:
            raise typer.BadParameter(f"--title 只用于一个方案文件,给出的输入含 {n} 个方案文件")
    return " ".join(title.split())


def _table(aliases: list[Path] | None) -> AliasTable | None:
    return AliasTable.load(aliases) if aliases else None


def _version(value: bool) -> None:
    if value:
        typer.echo(f"taskmap {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    debug: Annotated[bool, typer.Option("--debug", help="出错时显示完整的调用栈(供开发者排查)。")]
    = False,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="显示版本号并退出。")] = False,
) -> None:
    _state["debug"] = debug


def _wrote(path: Path) -> None:
    typer.echo(f"已写出 {path}", err=True)


@app.command(cls=HelpCommand)
def extract(
    plans: Annotated[list[Path], typer.Argument(
        metavar="方案",
        help="方案文件:.txt(任何中文编码)、.docx、.html、.pdf、.doc/.wps、.csv/.xlsx 任务表。"
             "用 -f parquet -o 文件夹 时可给多个文件、文件夹或通配符。", show_default=False)],
    format: Annotated[ExtractFormat | None, _format_opt("extract", "table")] = None,
    output: Annotated[Path | None, _output_opt(
        "写入文件而不是屏幕;格式由扩展名决定(.txt 表格、.json、.csv、.parquet、.xlsx 工作簿)。"
        "与 -f parquet 同用且不带扩展名时,写出一个数据集文件夹。")] = None,
    aliases: AliasesOpt = None,
    jobs: JobsOpt = None,
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", help="与 -f parquet 同用:在这个 Dask 集群上读取方案"
                            "(tcp://HOST:8786;需安装 taskmap[dask])。",
        show_default=False)] = None,
    title: TitleOpt = None,
    sole_lead: SoleLeadOpt = False,
    csv_keys: CsvKeysOpt = CsvKeys.zh,
) -> None:
    """列出方案的每个任务分工(牵头单位、责任单位、完成时限)及提纲,输出为表格、JSON、CSV、
    Parquet 或 Excel;或把多个方案写成一个 Parquet 数据集(-f parquet -o 文件夹),再次运行
    时只重读有变化的方案。"""
    target = choose("extract", output, format and format.value)
    if target.folder and title is not None:
        raise typer.BadParameter("--title 只用于一个方案,不能用于数据集(-f parquet -o 文件夹)")
    if target.folder:
        _dataset(plans, target.file, aliases, jobs, scheduler, sole_lead)
        return
    if scheduler is not None:
        raise typer.BadParameter("--scheduler 只用于 -f parquet -o 文件夹(集群写出的是数据集)")
    if len(plans) != 1:
        raise typer.BadParameter("一次只能提取一个方案;多个方案请用 -f parquet -o 文件夹 "
                                 "写成数据集,或用 taskmap report / export")
    plan = plans[0]
    if output is not None:
        refuse_inputs(output, [plan, *(aliases or [])])
    result = load_plan(plan, _table(aliases), title=_given_title(title), sole_lead=sole_lead)
    if target.path is None:
        if target.format == TEXT:
            _console().print(extract_view(result))
        elif target.format == "json":  # streamed: a plan of any size, in linear memory
            write_json(result, sys.stdout)
        else:
            sys.stdout.write(to_csv(result, english=csv_keys == CsvKeys.en))
        return
    write_plan(result, target.path, target.format,
               view=extract_view(result) if target.format == TEXT else None,
               english=csv_keys == CsvKeys.en)
    _wrote(target.path)


class By(str, Enum):
    canonical = "canonical"
    function = "function"


class Role(str, Enum):
    all = "all"
    lead = "lead"
    responsible = "responsible"


PlansArg = Annotated[list[Path], typer.Argument(
    metavar="方案",
    help="方案文件、方案所在的文件夹(含子文件夹)、通配符,或一个数据集文件夹"
         "(extract -f parquet 写出的)。同一方案的多份文件(如 .txt 和 .docx,或两种编码)只计一次。",
    show_default=False)]
ByOpt = Annotated[By, typer.Option("--by", help="按单位统计(canonical),或按单位职能统计"
                                                "(function,便于比较不同地方的方案)。")]
ImplicitOpt = Annotated[bool, typer.Option("--implicit/--no-implicit",
                                           help="是否计入统一表述加入的隐含落实单位。")]
CollectiveOpt = Annotated[bool, typer.Option("--collective/--no-collective",
                                             help="是否计入集合主体(各县(市、区)人民政府等)。")]


def _dataset(inputs: list[Path], output: Path, aliases: list[Path] | None,
             jobs: int | None, scheduler: str | None = None, sole_lead: bool = False) -> None:
    from .corpus import open_dataset, write_dataset

    paths = expand_inputs(inputs)
    refuse_inputs(output, [*paths, *(aliases or [])])
    _table(aliases)  # a broken alias table is one error before any work

    def mending(problem: str) -> None:
        _warn(f"{problem};本次运行将修复(完好的分块文件保留,其余方案重新读取)")
    if scheduler is not None:
        from .dask import extract as on_cluster

        counts = _progress(len(paths), lambda tick: on_cluster(
            paths, output, scheduler, aliases or (), tick, mending=mending,
            sole_lead=sole_lead))
    else:
        counts = _progress(len(paths), lambda tick: write_dataset(
            paths, output, aliases or (), jobs, tick, mending=mending, sole_lead=sole_lead))
    stored = open_dataset(output)
    _say_failures(stored.failures)
    _say_duplicates(stored.duplicates)
    typer.echo(f"已写出数据集 {output}:新读取 {counts['read']} 个方案,{counts['kept']} 个未变,"
               f"{counts['failed']} 个未能读取,{counts['duplicates']} 个重复文件已跳过", err=True)


def _progress(total: int, work):
    """Run work(tick) with a progress bar on a terminal when there is more than one file."""
    err = Console(stderr=True, **_PLAIN)
    if total < 2 or not err.is_terminal:
        return work(None)
    with Progress(TextColumn("读取方案"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("{task.description}"), console=err, transient=True) as bar:
        task = bar.add_task("", total=total)
        return work(lambda p: bar.update(task, advance=1, description=p.name))


def _start_workers(inputs: list[Path], aliases: list[Path] | None, jobs: int | None,
                   fmt: str, sole_lead: bool = False) -> None:
    """Workers of a run over many plans start on the first plans now, while this process
    imports what it needs and hashes the files (the run takes them; see workers.start): as
    Plans for a document (`fmt` in BOOKS), else as rows."""
    from . import workers

    try:
        paths = expand_inputs(inputs)
    except TaskmapError:
        return  # said by the command itself
    workers.start(jobs, tuple(str(a) for a in aliases or ()), paths, plans=fmt in BOOKS,
                  sole_lead=sole_lead)


_reading: list = []  # the datasets this process reads (`corpus.hold_for_reading`)


def _corpus(inputs: list[Path], aliases: list[Path] | None, jobs: int | None,
            title: str | None = None, sole_lead: bool = False):
    """The plans `inputs` name as a Corpus (frames): a dataset folder is read as it is;
    plans are read on `jobs` cores, each once. A plan that cannot be read, and a second
    copy of a plan, are warnings."""
    from .corpus import extract_corpus, hold_for_reading, is_dataset, open_dataset

    if len(inputs) == 1 and is_dataset(inputs[0]):
        if sole_lead:
            raise TaskmapError(f"{inputs[0]}: 数据集按写出时的方式读取,--sole-lead 须在"
                               "写出数据集时(extract -f parquet -o 文件夹)给出")
        # no run writes it while the command reads it (it would remove part files): held
        # until the command ends (`run`)
        _reading.append(hold_for_reading(inputs[0]))
        corpus = open_dataset(inputs[0])
    else:
        paths = expand_inputs(inputs)
        _table(aliases)
        corpus = _progress(len(paths), lambda tick: extract_corpus(
            paths, aliases or (), jobs, tick, sole_lead=sole_lead))
    _say_failures(corpus.failures)
    _say_duplicates(corpus.duplicates)
    if corpus.plans.select(pl_len()).collect().item() == 0:
        raise TaskmapError("给出的方案文件都未能读取")
    if title is not None:  # --title: the one plan's title, in place of the one found
        import polars as pl

        corpus.plans = corpus.plans.with_columns(pl.lit(title).alias("title"))
    _say_versions(corpus.plans.select("plan", "jurisdiction", "title").collect().iter_rows())
    return corpus


def _say_versions(rows) -> None:
    from .pipeline import versions, versions_messages

    err = Console(stderr=True, **_PLAIN)
    for line in versions_messages(versions(rows)):
        err.print(Text.assemble(("警告:", "bold yellow"), line), highlight=False, soft_wrap=True)


def pl_len():
    import polars as pl

    return pl.len()


def _warn(text: str) -> None:
    err = Console(stderr=True, **_PLAIN)
    err.print(Text.assemble(("警告:", "bold yellow"), _clean(text)), highlight=False,
              soft_wrap=True)


def _say_failures(failures) -> None:
    for path, reason in failures:
        _warn(f"{path} 未能读取,已跳过:{reason}")


def _say_duplicates(duplicates) -> None:
    for path, first in duplicates:
        _warn(duplicate_message(path, first))


def _plans(inputs: list[Path], aliases: list[Path] | None, jobs: int | None = None,
           title: str | None = None, sole_lead: bool = False):
    """Plans as objects (for a workbook), read on `jobs` cores, each once. A plan that
    cannot be read, or a second copy, is a warning on stderr and the others are still
    counted; when none can be read, that is an error."""
    from .corpus import load_many

    paths = expand_inputs(inputs)
    _table(aliases)  # a broken alias table is one error before any work
    duplicates: list[tuple[str, str]] = []
    plans, failures = _progress(len(paths), lambda tick: load_many(
        paths, aliases or (), jobs, tick, duplicates=duplicates, sole_lead=sole_lead))
    _say_failures(failures)
    _say_duplicates(duplicates)
    if not plans:
        raise TaskmapError(f"给出的 {len(paths)} 个方案文件都未能读取")
    plans = [p.with_title(title) for p in plans]
    # the same place and title the corpus's plans frame holds (engine.plan_summary)
    _say_versions((p.source, p.jurisdiction, p.context.title) for p in plans)
    return plans


def _refuse_dataset_book(inputs: list[Path], fmt: str) -> bool:
    """True when `inputs` is one dataset folder; an error when a document is asked of it."""
    from .corpus import is_dataset

    dataset = len(inputs) == 1 and is_dataset(inputs[0])
    if dataset and fmt in BOOKS:
        raise TaskmapError(f"{inputs[0]}: {fmt} 文件要由方案文件生成,不能由数据集生成;"
                           "请给出方案文件,或改写 csv/json/parquet")
    return dataset


@app.command(cls=HelpCommand)
def report(
    plans: PlansArg,
    top: Annotated[int, typer.Option("--top", min=1, help="排名和矩阵列出的单位数"
                                                          "(写入数据文件时列出全部单位)。")] = 15,
    area: Annotated[str | None, typer.Option(
        "--area", help="只统计这个行动领域(须与方案中的名称一致;给错时列出全部领域)。",
        show_default=False)] = None,
    by: ByOpt = By.canonical,
    role: Annotated[Role, typer.Option(
        "--role", help="排名和矩阵按哪种角色计数:lead 牵头,responsible 参与,all 两者合计。")]
    = Role.all,
    implicit: ImplicitOpt = True,
    collective: CollectiveOpt = True,
    aliases: AliasesOpt = None,
    jobs: JobsOpt = None,
    format: Annotated[ReportFormat | None, _format_opt("report", "table")] = None,
    output: Annotated[Path | None, _output_opt(
        "写入文件而不是屏幕:.txt 报告文本;.csv/.parquet 单位排名(全部单位);.json 概况、排名、"
        "矩阵和警告;.xlsx 领导用工作簿。")] = None,
    title: TitleOpt = None,
    sole_lead: SoleLeadOpt = False,
    csv_keys: CsvKeysOpt = CsvKeys.zh,
) -> None:
    """谁承担多少任务、在哪些领域:概况、单位排名、单位 × 行动领域矩阵、解析警告。"""
    target = choose("report", output, format and format.value)
    title = _given_title(title, plans)
    _start_workers(plans, aliases, jobs, target.format, sole_lead)
    from .present.workload_view import check_area, workload_report  # polars: when used

    dataset = _refuse_dataset_book(plans, target.format)
    if output is not None:
        refuse_inputs(output, [*([] if dataset else expand_inputs(plans)), *(aliases or [])])
    switches: dict[str, Any] = {"by": by.value, "implicit": implicit, "collective": collective}
    if target.format in BOOKS:
        loaded = _plans(plans, aliases, jobs, title, sole_lead)
        if area is not None:
            check_area(loaded, area)
        write_book(target.format, loaded, target.file, **switches)
        _wrote(target.file)
        return
    loaded = _corpus(plans, aliases, jobs, title, sole_lead)
    if target.format == TEXT:
        console = _console() if target.path is None else None
        width = console.width if console else PIPE_WIDTH
        view = workload_report(loaded, top=top, area=area, role=role.value, width=width,
                               **switches)
        if console is not None:
            console.print(view)
        else:
            write_text(target.file, render_text(view, width))
            _wrote(target.file)
        return
    if area is not None:
        check_area(loaded, area)
    data = report_data(loaded, area=area, role=role.value, **switches)
    if target.path is None:
        _write_stream(data, target.format, csv_keys == CsvKeys.en)
        return
    write_report(data, target.path, target.format, english=csv_keys == CsvKeys.en)
    _wrote(target.path)


def _write_stream(data: dict, fmt: str, english: bool = False) -> None:
    """The report's data on stdout: JSON, or the ranking as CSV (no BOM on a stream)."""
    if fmt == "json":
        sys.stdout.write(json.dumps({k: f.to_dicts() for k, f in data.items()},
                                    ensure_ascii=False, indent=2, default=str) + "\n")
    else:
        frame = data["agencies"]
        sys.stdout.write(people_csv(frame.iter_rows(named=True), frame.columns,
                                    english=english, frame="agencies"))


@app.command(cls=HelpCommand)
def export(
    plans: PlansArg,
    output: Annotated[Path, _output_opt(
        ".xlsx 领导用工作簿;.csv/.json/.parquet 一个数据表(全部任务分工);"
        "不带扩展名的文件夹:全部数据表和矩阵,每个一个文件(格式由 -f 指定,默认 csv)。")],
    format: Annotated[ExportFormat | None, _format_opt("export", "由 -o 决定")] = None,
    by: ByOpt = By.canonical,
    implicit: ImplicitOpt = True,
    collective: CollectiveOpt = True,
    aliases: AliasesOpt = None,
    jobs: JobsOpt = None,
    title: TitleOpt = None,
    sole_lead: SoleLeadOpt = False,
    by_unit: Annotated[bool, typer.Option(
        "--by-unit", help="按单位分别列出任务清单(牵头任务、配合任务、统一落实任务):"
                          "-o 清单.docx 一个 Word 文件,每个单位一页;-o 清单.xlsx 每个单位"
                          "一个工作表;-o 不带扩展名的文件夹,每个单位一个 Word 文件。")] = False,
    csv_keys: CsvKeysOpt = CsvKeys.zh,
) -> None:
    """领导用的 Excel 工作簿(.xlsx),或把数据表和矩阵写成数据文件(CSV、JSON、Parquet);
    加 --by-unit 时,写出发给各单位的任务清单。"""
    if by_unit:
        if by != By.canonical:
            raise typer.BadParameter("--by-unit 按单位列出任务清单,不能与 --by function 同用")
        _export_by_unit(plans, output, format and format.value, implicit, collective,
                        aliases, jobs, title, sole_lead)
        return
    target = choose("export", output, format and format.value)
    title = _given_title(title, plans)
    _start_workers(plans, aliases, jobs, target.format, sole_lead)
    from .present.frames import frame_files, write_frames  # polars, openpyxl: when used

    dataset = _refuse_dataset_book(plans, target.format)
    inputs = [*([] if dataset else expand_inputs(plans)), *(aliases or [])]
    refuse_inputs(output, inputs, frame_files(target.format) if target.folder else [])
    switches: dict[str, Any] = {"by": by.value, "implicit": implicit, "collective": collective}
    if target.format in BOOKS:
        write_book(target.format, _plans(plans, aliases, jobs, title, sole_lead), output,
                   **switches)
        _wrote(output)
    elif target.folder:
        written = write_frames(_corpus(plans, aliases, jobs, title, sole_lead), output,
                               target.format, english=csv_keys == CsvKeys.en, **switches)
        typer.echo(f"已写出 {len(written)} 个文件到 {output}", err=True)
    else:
        corpus = _corpus(plans, aliases, jobs, title, sole_lead)
        write_frame(corpus.assignments.collect(), output, target.format,
                    english=csv_keys == CsvKeys.en)
        _wrote(output)


def _export_by_unit(plans: list[Path], output: Path, fmt: str | None, implicit: bool,
                    collective: bool, aliases: list[Path] | None, jobs: int | None,
                    title: str | None, sole_lead: bool) -> None:
    """`export --by-unit`: each unit's list of tasks as one Word file, one workbook or a
    folder of Word files (`present.by_unit`)."""
    from .errors import OutputError
    from .present.by_unit import unit_format, write_unit_lists

    if str(output) == "-":
        raise typer.BadParameter("--by-unit 写出的任务清单只能写入文件:请用 -o 清单.docx、"
                                 "-o 清单.xlsx 或 -o 文件夹")
    try:
        kind = unit_format(output, fmt)
    except OutputError as e:
        raise typer.BadParameter(f"按单位列出(--by-unit):{e}") from None
    title = _given_title(title, plans)
    _start_workers(plans, aliases, jobs, "docx", sole_lead)
    dataset = _refuse_dataset_book(plans, "xlsx" if kind == "xlsx" else "docx")
    inputs = [*([] if dataset else expand_inputs(plans)), *(aliases or [])]
    refuse_inputs(output, inputs)
    loaded = _plans(plans, aliases, jobs, title, sole_lead)
    write_unit_lists(loaded, output, implicit=implicit, collective=collective, inputs=inputs)
    _wrote(output)


@app.command(cls=HelpCommand)
def diff(
    old: Annotated[Path, typer.Argument(metavar="前一稿", help="前一稿(如征求意见稿)。",
                                        show_default=False)],
    new: Annotated[Path, typer.Argument(metavar="后一稿", help="后一稿(如印发稿)。",
                                        show_default=False)],
    format: Annotated[DiffFormat | None, _format_opt("diff", "table")] = None,
    output: Annotated[Path | None, _output_opt(
        "写入文件而不是屏幕:.txt 比对文本;.json;.csv/.parquet 逐项任务变化;"
        ".xlsx 工作簿(变更清单、部门变化、对照表)。")] = None,
    aliases: AliasesOpt = None,
    title: Annotated[str | None, typer.Option(
        "--title", help="后一稿的方案标题,取代从文件中识别的标题(修改对照表以它为题)。",
        show_default=False)] = None,
    old_title: Annotated[str | None, typer.Option(
        "--old-title", help="前一稿的方案标题,取代从文件中识别的标题。",
        show_default=False)] = None,
    sole_lead: SoleLeadOpt = False,
    csv_keys: CsvKeysOpt = CsvKeys.zh,
) -> None:
    """比对同一方案的两稿:逐项任务、逐个单位,谁的职责有变化。"""
    from .diff import diff_plans
    from .present.diff_view import diff_view

    target = choose("diff", output, format and format.value)
    if output is not None:
        refuse_inputs(output, [old, new, *(aliases or [])])
    table = _table(aliases)
    result = diff_plans(load_plan(old, table, title=_given_title(old_title), sole_lead=sole_lead),
                        load_plan(new, table, title=_given_title(title), sole_lead=sole_lead))
    warning = result.warning
    if warning and not (target.path is None and target.format == TEXT):
        _warn(warning.removeprefix("注意："))  # the table on screen opens with it
    if target.path is None:
        if target.format == "json":
            _write(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n", None)
        elif target.format == "csv":
            sys.stdout.write(people_csv(diff_rows(result), DIFF_COLUMNS,
                                        english=csv_keys == CsvKeys.en, frame="diff"))
        else:
            _console().print(diff_view(result))
        return
    write_diff(result, target.path, target.format,
               view=diff_view(result) if target.format == TEXT else None,
               english=csv_keys == CsvKeys.en)
    _wrote(target.path)


def _as_of(value: str | None) -> str | None:
    """--as-of checked when the command line is read: a bad date is a usage mistake."""
    if value is not None:
        from .tracking import parse_date

        try:
            parse_date(value)
        except ValueError as e:
            raise typer.BadParameter(str(e)) from None
    return value


@app.command(cls=HelpCommand)
def track(
    books: Annotated[list[Path], typer.Argument(
        metavar="工作簿",
        help="各单位填报后交回的任务分解表工作簿(taskmap export 写出的 .xlsx 的副本),"
             "可给多个,或给文件夹。", show_default=False)],
    as_of: Annotated[str | None, typer.Option(
        "--as-of", callback=_as_of, help="按哪一天判断逾期和即将到期:2025-06-30、2025/6/30 或"
                                         "2025年6月30日。默认今天。", show_default=False)] = None,
    soon: Annotated[int, typer.Option(
        "--soon", min=0, help="完成时限在多少天内的任务列为即将到期。")] = 30,
    format: Annotated[TrackFormat | None, _format_opt("track", "table")] = None,
    output: Annotated[Path | None, _output_opt(
        "写入文件而不是屏幕:.xlsx 督办通报工作簿;.docx 督办通报(Word 公文);.json 数据;"
        ".txt 屏幕上的通报文本。")] = None,
    aliases: AliasesOpt = None,
) -> None:
    """督办通报:汇总各单位填报的进展情况和完成状态,列出逾期、即将到期的任务和各单位完成情况。"""
    from .present.track_view import track_view
    from .tracking import track as track_books

    target = choose("track", output, format and format.value)
    if output is not None:
        refuse_inputs(output, [*expand_inputs(books), *(aliases or [])])
    result = track_books(books, as_of=as_of, soon=soon, aliases=_table(aliases))
    for line in result.warnings:
        _warn(line)
    if target.path is None:
        if target.format == "json":
            _write(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n", None)
        else:
            _console().print(track_view(result))
        return
    write_track(result, target.path, target.format,
                view=track_view(result) if target.format == TEXT else None)
    _wrote(target.path)


@app.command(cls=HelpCommand)
def serve(
    port: Annotated[int, typer.Option("--port", "-p", min=0, max=65535,
                                      help="端口(0:任选一个空闲端口)。")] = 8765,
    host: Annotated[str, typer.Option("--host", help="监听的地址;默认值只让本机访问。")]
    = "127.0.0.1",
    browser: Annotated[bool, typer.Option("--browser/--no-browser",
                                          help="是否在浏览器中打开页面。")] = True,
    max_upload: Annotated[int, typer.Option("--max-upload", min=1,
                                            help="单次上传的上限(MB)。")] = 50,
) -> None:
    """本机网页:拖入方案,查看任务分解表和任务量,下载工作簿,比对两稿。
    需要安装网页组件:pip install 'taskmap[web]'。"""
    from .web import require

    require()  # one Chinese line naming what is missing
    from .web.server import serve as run_server

    run_server(host, port, browser, max_upload * 1024 * 1024,
               announce=lambda text: typer.echo(text, err=True))


@aliases_app.command("check", cls=HelpCommand)
def aliases_check(
    tables: Annotated[list[Path] | None, typer.Argument(
        metavar="表", help="要检查的表(单位名称表或地名表;默认:随软件提供的表)。",
        show_default=False)] = None,
) -> None:
    """检查别名表并列出每个问题(有问题时退出码为 1)。"""
    paths = tables or shipped_tables()
    problems = check_tables(paths)
    for p in problems:
        typer.echo(str(p))
    if problems:
        raise TaskmapError(f"{len(paths)} 个表中有 {len(problems)} 个问题")
    typer.echo(f"通过:{len(paths)} 个表,没有问题")


@aliases_app.command("show", cls=HelpCommand)
def aliases_show(
    plan: Annotated[Path, typer.Argument(metavar="方案", help="一个方案文件。",
                                         show_default=False)],
    aliases: AliasesOpt = None,
    format: Annotated[ShowFormat, typer.Option(
        "--format", "-f", help="输出格式:table、json 或 csv。")] = _SHOW_DEFAULT,
    csv_keys: CsvKeysOpt = CsvKeys.zh,
) -> None:
    """列出方案中的每个单位名称及其规范名称、匹配方式和分值;未识别和模糊匹配的排在前面。"""
    result = surfaces(load_plan(plan, _table(aliases)))
    if format.value == TEXT:
        _render(surfaces_table(result), None)
    elif format.value == "json":
        _write(surfaces_to_json(result), None)
    else:
        _write(surfaces_to_csv(result, english=csv_keys == CsvKeys.en), None)


@aliases_app.command("suggest", cls=HelpCommand)
def aliases_suggest(
    plans: Annotated[list[Path], typer.Argument(metavar="方案", help="方案文件。",
                                                show_default=False)],
    output: Annotated[Path, typer.Option("--output", "-o", help="要写出的 CSV 文件。",
                                         show_default=False)],
    aliases: AliasesOpt = None,
) -> None:
    """为给出的方案中未识别和模糊匹配的名称写出候选别名行;核对后用 --aliases 给出。"""
    if output.suffix.lower() != ".csv":
        raise typer.BadParameter(f"{output}: 候选别名行写成 CSV,文件名须以 .csv 结尾")
    refuse_inputs(output, [*plans, *(aliases or [])])
    table = _table(aliases)
    rows = suggestion_rows([load_plan(p, table) for p in plans])
    write_csv(output, rows, ALIAS_COLUMNS)
    typer.echo(f"已写出 {len(rows)} 行到 {output}", err=True)


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
    else:
        write_text(output, text)  # whole or not at all


# Text from plans never reaches rich as markup or emoji codes: `[/bold]` in a plan is text.
_PLAIN: dict[str, Any] = {"markup": False, "emoji": False, "highlight": False}


def _console() -> Console:
    """The terminal, or a 160-column plain console for a pipe or a file."""
    console = Console(**_PLAIN)
    if not console.is_terminal:
        console = Console(width=_columns(), **_PLAIN)
    return console


def _columns() -> int:
    try:
        return max(40, int(os.environ.get("COLUMNS", PIPE_WIDTH)))
    except ValueError:
        return PIPE_WIDTH


def _render(renderable, output: None = None) -> None:
    _console().print(renderable)


def main() -> None:
    """Entry point. Exit status: 0 done; 1 an error, said in one line on stderr (with
    --debug, the traceback); 2 a mistake in the command line, with a short usage line;
    130 interrupted (Ctrl-C) before any output was put in place, with nothing half-written
    (a Ctrl-C after that is said, and the status is the command's: 0)."""
    start = placed()[0]
    try:
        code = run(sys.argv[1:])
    except KeyboardInterrupt:  # after `run` had its status, before Ctrl-C is ignored
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C: no traceback
        code = _interrupted(start)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # done: a late Ctrl-C changes nothing
    handled_interrupt()
    sys.exit(code)


def handled_interrupt() -> None:
    """Tell Python that no Ctrl-C went unhandled. A KeyboardInterrupt raised inside code
    that `eval` or `exec` ran from a string (typer reads annotations so; `typing` and
    `dataclasses` build code so) marks the process as ended by an unhandled Ctrl-C even
    when it was caught, and Python then kills itself with SIGINT on the way out: the exit
    status is -2 instead of ours. Each string run clears that mark on starting."""
    exec("pass")


def run(args: list[str]) -> int:
    """Run the command line on `args` and return its exit status (see `main`)."""
    try:
        return _run(args)
    finally:  # the datasets the command read may be written again (by this process too)
        while _reading:
            _reading.pop()()


def _run(args: list[str]) -> int:
    start = placed()[0]
    try:
        code = app(args=args, prog_name="taskmap", standalone_mode=False)
        sys.stdout.flush()  # a full device under stdout is said here, not at exit
    except (typer.Abort, KeyboardInterrupt):
        return _interrupted(start)
    except typer.Exit as e:
        if e.exit_code == 130:  # typer's word for Ctrl-C
            return _interrupted(start)
        return e.exit_code
    except (TaskmapError, OSError) as e:  # OSError: a file system refusal, said in one line
        if _state["debug"]:
            raise
        if isinstance(e, TaskmapError):
            _say(str(e))
        elif e.filename is not None:
            _say(f"{e.filename}: 文件操作失败:{io_refusal(e)}")
        else:  # no file: what the command was writing to the screen or a pipe
            _stdout_gone()
            if e.errno != errno.EPIPE:  # a pipe whose reader left: nothing to say
                _say(f"标准输出: 无法写入:{io_refusal(e)}")
        return 1
    except Exception as e:
        if type(e).__name__ == "NoArgsIsHelpError":  # a group run without a command: its help
            sys.stdout.write(e.format_message().rstrip("\n") + "\n")  # type: ignore[attr-defined]
            return 2
        if hasattr(e, "format_message") and hasattr(e, "exit_code"):  # typer/click's own
            ctx = getattr(e, "ctx", None)
            _say(usage_message(e), usage=_usage_line(ctx.get_usage()) if ctx else None)
            return e.exit_code
        if _state["debug"]:
            raise
        output = _output_arg(args)  # the system refused a write a library made (polars)
        reason = io_refusal(e) if output is None else refusal(e, _existing(Path(output)))
        if reason is not None:
            _say(f"{output or '输出文件'}: 无法写入:{reason}")
        else:
            _say(f"内部错误 {type(e).__name__}: {e};加 --debug 可查看详情")
        return 1
    if code == 130:  # Ctrl-C, which typer turned into a return value
        return _interrupted(start)
    return code if isinstance(code, int) else 0


def _stdout_gone() -> None:
    """stdout refused a write (a full device, a closed pipe): what is still buffered goes
    nowhere, so Python's flush at exit cannot fail again and print a traceback."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def _existing(path: Path) -> Path:
    """`path` if it is a folder, else the nearest folder above it that exists."""
    while not path.is_dir() and path != path.parent:
        path = path.parent
    return path


def _output_arg(args: list[str]) -> str | None:
    """The -o/--output value of a command line, if it has one."""
    for k, arg in enumerate(args):
        if arg in ("-o", "--output") and k + 1 < len(args):
            return args[k + 1]
        if arg.startswith("--output="):
            return arg.split("=", 1)[1]
        if arg.startswith("-o") and len(arg) > 2 and not arg.startswith("--"):
            return arg[2:]
    return None


def usage_message(e: Exception) -> str:
    """A mistake in the command line that typer/click found, said in Chinese: a missing
    argument, an unknown option or command, a bad value, extra arguments (its message in
    English, after a generic Chinese opening, for a kind not translated here)."""
    kinds = {k.__name__ for k in type(e).__mro__}
    message = str(getattr(e, "message", "") or e)
    param = getattr(e, "param", None)
    name = _param_name(param)
    ctx = getattr(e, "ctx", None)
    help_hint = f"(运行 {ctx.command_path} --help 查看用法)" if ctx is not None else ""
    if "MissingParameter" in kinds:
        kind = "参数" if getattr(param, "param_type_name", "") == "argument" else "选项"
        return f"缺少{kind} {name or ''}{help_hint}"
    if "NoSuchOption" in kinds:
        close = getattr(e, "possibilities", None)
        also = f";是否想用 {'、'.join(sorted(close))}?" if close else ""
        return f"没有选项 {getattr(e, 'option_name', '')}{also}{help_hint}"
    if "BadOptionUsage" in kinds:
        option = getattr(e, "option_name", "")
        if "does not take" in message:
            return f"选项 {option} 不带值{help_hint}"
        return f"选项 {option} 后面缺少值{help_hint}"
    if "BadParameter" in kinds:
        if _CJK.search(message):  # ours, already in Chinese
            return f"{name} 的值无效:{message}" if name else message
        detail = _value_detail(e, param)
        return f"{name or '参数'} 的值无效" + (f":{detail}" if detail else "") + help_hint
    found = re.match(r"No such command '([^']*)'\.?(.*)", message)
    if found:
        close = re.findall(r"'([^']*)'", found[2])
        also = f";是否想用 {'、'.join(close)}?" if close else ""
        return f"没有命令 {found[1]}{also}{help_hint}"
    if message.startswith("Missing command") and ctx is not None:  # a group without one
        names = "、".join(ctx.command.list_commands(ctx))
        return f"缺少命令;可用的命令:{names}{help_hint}"
    found = re.match(r"Argument '([^']*)' takes (\d+) values", message)
    if found:
        return f"参数 {found[1].upper()} 须给出 {found[2]} 个值{help_hint}"
    found = re.match(r"Got unexpected extra argument(?:s|\(s\))? \((.*)\)", message)
    if found:
        return f"多余的参数:{found[1]}{help_hint}"
    if "BadArgumentUsage" in kinds:
        return f"参数的个数不对:{message}{help_hint}"
    if _CJK.search(message):
        return message
    return f"命令行有误:{message}{help_hint}"


_CJK = re.compile(r"[\u3400-\u9fff]")


def _param_name(param) -> str | None:
    """An option by its flags (--format/-f), an argument by its metavar (方案) or name."""
    if param is None:
        return None
    if getattr(param, "param_type_name", "") == "option":
        return "/".join(param.opts) or param.name
    return param.metavar or (param.name or "").upper()


def _value_detail(e: Exception, param) -> str:
    """What was wrong with a value typer checked (its pydantic error, in Chinese)."""
    cause: Any = e.__cause__
    errors = cause.errors() if hasattr(cause, "errors") else []
    if not errors:
        return ""
    error = errors[0]
    value, kind, limits = error.get("input"), error.get("type", ""), error.get("ctx") or {}
    choices = getattr(getattr(param, "type_descriptor", None), "choices", None)
    if choices:
        shown = "、".join(str(getattr(c, "value", c)) for c in choices)
        return f"“{value}”不是可选的值;可选:{shown}"
    if kind.startswith(("int_", "float_")):
        return f"“{value}”不是{'整数' if kind.startswith('int') else '数'}"
    words = {"greater_than_equal": ("ge", "不小于"), "less_than_equal": ("le", "不大于"),
             "greater_than": ("gt", "大于"), "less_than": ("lt", "小于")}
    if kind in words and words[kind][0] in limits:
        key, word = words[kind]
        return f"“{value}”须{word} {limits[key]}"
    return f"“{value}”不可用" if value is not None else ""


def _usage_line(usage: str) -> str:
    """typer's usage line, its words in Chinese."""
    line = (usage.strip().splitlines() or [""])[0]
    for english, chinese in (("Usage: ", "用法:"), ("[OPTIONS]", "[选项]"),
                             ("COMMAND [ARGS]...", "命令 [参数]...")):
        line = line.replace(english, chinese)
    return line


def _interrupted(start: int) -> int:
    """A Ctrl-C: 130 when the command had put no output in place (`placed` counts as many
    as at `start`); else its output was written whole before, which is said, and 0."""
    count, last = placed()
    if count == start:
        _say("已中断;没有写出不完整的文件", label="")
        return 130
    _say(f"已中断;中断前已完整写出 {last}", label="")
    return 0


def _say(text: str, usage: str | None = None, label: str = "错误:") -> None:
    """One line on stderr, control characters removed (a file name is text, not markup)."""
    err = Console(stderr=True, soft_wrap=True, **_PLAIN)
    if usage:
        err.print(_clean(usage.splitlines()[0]))
    if _clean(text):
        err.print(Text.assemble((label, "bold red"), _clean(text)))


def _clean(text: str) -> str:
    return "".join(ch if ch.isprintable() else " " for ch in text.replace("\n", " ")).strip()
