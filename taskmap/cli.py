"""The command line: thin commands over the library. The only module that prints or exits."""

from __future__ import annotations

import io
import json
import os
import signal
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.text import Text

from . import __version__
from .errors import TaskmapError
from .names.review import suggestion_rows, surfaces
from .names.tables import AliasTable, check_tables, shipped_tables
from .pipeline import expand_inputs, load_plan
from .present.extract_view import extract_view, surfaces_table
from .present.files import (
    suggestions_to_csv,
    surfaces_to_csv,
    surfaces_to_json,
    to_csv,
    write_json,
)
from .present.safe import refuse_inputs, replacing, write_text

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Who leads and who shares each task of a Chinese action plan.")
_state = {"debug": False}


class ExtractFormat(str, Enum):
    json = "json"
    csv = "csv"
    table = "table"
    parquet = "parquet"


FormatOpt = Annotated[ExtractFormat, typer.Option("--format", "-f", help="Output format.")]
OutputOpt = Annotated[Path | None, typer.Option("--output", "-o",
                                                help="Write to this file instead of stdout.")]
AliasesOpt = Annotated[list[Path] | None, typer.Option(
    "--aliases", "-a", help="A user alias table (CSV, see aliases/README.md); repeatable, "
                            "later tables override earlier ones and the national table.")]
aliases_app = typer.Typer(no_args_is_help=True, help="Check alias tables and review names.")
app.add_typer(aliases_app, name="aliases")


def _table(aliases: list[Path] | None) -> AliasTable | None:
    return AliasTable.load(aliases) if aliases else None


def _version(value: bool) -> None:
    if value:
        typer.echo(f"taskmap {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
) -> None:
    _state["debug"] = debug


@app.command()
def extract(
    plans: Annotated[list[Path], typer.Argument(
        help="A plan file: .txt (any Chinese encoding), .docx, .html, .pdf, .doc/.wps, "
             ".csv/.xlsx task table. With -f parquet: plan files, folders or globs.")],
    format: FormatOpt = ExtractFormat.table,
    output: OutputOpt = None,
    aliases: AliasesOpt = None,
    jobs: JobsOpt = None,
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", help="With -f parquet: read the plans on this Dask cluster "
                            "(tcp://HOST:8786; extra taskmap[dask]).")] = None,
) -> None:
    """Every assignment block of PLAN, with its outline, as a table, JSON or CSV; or many
    plans as one Parquet dataset (-f parquet -o DIR), updated where a plan changed."""
    if format is ExtractFormat.parquet:
        _dataset(plans, output, aliases, jobs, scheduler)
        return
    if scheduler is not None:
        raise typer.BadParameter("--scheduler 只用于 -f parquet(a cluster writes a dataset)")
    if len(plans) != 1:
        raise typer.BadParameter("give one plan (or -f parquet -o DIR for many)")
    plan = plans[0]
    if output is not None:
        refuse_inputs(output, [plan, *(aliases or [])])
    result = load_plan(plan, _table(aliases))
    if format is ExtractFormat.table:
        _render(extract_view(result), output)
    elif format is ExtractFormat.json:  # streamed: a plan of any size, in linear memory
        if output is None:
            write_json(result, sys.stdout)
        else:
            with replacing(output) as tmp, tmp.open("w", encoding="utf-8") as fp:
                write_json(result, fp)
    else:
        _write(to_csv(result), output)


class By(str, Enum):
    canonical = "canonical"
    function = "function"


class Role(str, Enum):
    all = "all"
    lead = "lead"
    responsible = "responsible"


PlansArg = Annotated[list[Path], typer.Argument(
    help="Plan files, folders of plans, glob patterns, or a dataset folder (-f parquet).")]
JobsOpt = Annotated[int | None, typer.Option(
    "--jobs", "-j", min=1, help="Plans read at once, one a core (default: every core).")]
ByOpt = Annotated[By, typer.Option("--by", help="Count per body, or per kind of body "
                                                "(function) to compare plans of many places.")]
ImplicitOpt = Annotated[bool, typer.Option("--implicit/--no-implicit",
                                           help="Count agencies a standing statement adds.")]
CollectiveOpt = Annotated[bool, typer.Option("--collective/--no-collective",
                                             help="Count collectives (各县区人民政府 …).")]


def _dataset(inputs: list[Path], output: Path | None, aliases: list[Path] | None,
             jobs: int | None, scheduler: str | None = None) -> None:
    from .corpus import is_dataset, open_dataset, write_dataset

    if output is None:
        raise typer.BadParameter("-f parquet writes a dataset: give its folder with -o DIR")

    paths = expand_inputs(inputs)
    refuse_inputs(output, [*paths, *(aliases or [])])
    if output.exists() and not (output.is_dir() and (is_dataset(output)
                                                     or not any(output.iterdir()))):
        raise TaskmapError(f"{output}: 已存在且不是 taskmap 数据集;请给一个新的或空的文件夹"
                           "(not a taskmap dataset; give a new or empty folder)")
    _table(aliases)  # a broken alias table is one error before any work
    if scheduler is not None:
        from .dask import extract as on_cluster

        counts = _progress(len(paths), lambda tick: on_cluster(
            paths, output, scheduler, aliases or (), tick))
    else:
        counts = _progress(len(paths), lambda tick: write_dataset(
            paths, output, aliases or (), jobs, tick))
    _say_failures(open_dataset(output).failures)
    typer.echo(f"wrote {output}: {counts['read']} plan(s) read, {counts['kept']} unchanged, "
               f"{counts['failed']} failed", err=True)


def _progress(total: int, work):
    """Run work(tick) with a progress bar on a terminal when there is more than one file."""
    err = Console(stderr=True, **_PLAIN)
    if total < 2 or not err.is_terminal:
        return work(None)
    with Progress(TextColumn("读取方案"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("{task.description}"), console=err, transient=True) as bar:
        task = bar.add_task("", total=total)
        return work(lambda p: bar.update(task, advance=1, description=p.name))


def _corpus(inputs: list[Path], aliases: list[Path] | None, jobs: int | None):
    """The plans `inputs` name as a Corpus (frames): a dataset folder is read as it is;
    plans are read on `jobs` cores. A plan that cannot be read is a warning."""
    from .corpus import extract_corpus, is_dataset, open_dataset

    if len(inputs) == 1 and is_dataset(inputs[0]):
        corpus = open_dataset(inputs[0])
    else:
        paths = expand_inputs(inputs)
        _table(aliases)
        corpus = _progress(len(paths), lambda tick: extract_corpus(
            paths, aliases or (), jobs, tick))
    _say_failures(corpus.failures)
    if corpus.plans.select(pl_len()).collect().item() == 0:
        raise TaskmapError("none of the plan file(s) could be read")
    return corpus


def pl_len():
    import polars as pl

    return pl.len()


def _say_failures(failures) -> None:
    err = Console(stderr=True, **_PLAIN)
    for path, reason in failures:
        err.print(Text.assemble(("警告:", "bold yellow"), f"{path} 未能读取,已跳过:{reason}"),
                  highlight=False, soft_wrap=True)


def _plans(inputs: list[Path], aliases: list[Path] | None, jobs: int | None = None):
    """Plans as objects (for a workbook), read on `jobs` cores. A plan that cannot be read is
    a warning on stderr and the others are still counted; when none can be read, that is
    an error."""
    from .corpus import load_many

    paths = expand_inputs(inputs)
    _table(aliases)  # a broken alias table is one error before any work
    plans, failures = _progress(len(paths), lambda tick: load_many(
        paths, aliases or (), jobs, tick))
    _say_failures(failures)
    if not plans:
        raise TaskmapError(f"none of the {len(paths)} plan file(s) could be read")
    return plans


@app.command()
def report(
    plans: PlansArg,
    top: Annotated[int, typer.Option("--top", min=1, help="Bodies shown.")] = 15,
    area: Annotated[str | None, typer.Option("--area", help="Only this action area.")] = None,
    by: ByOpt = By.canonical,
    role: Annotated[Role, typer.Option("--role", help="Which role the matrix counts.")] = Role.all,
    implicit: ImplicitOpt = True,
    collective: CollectiveOpt = True,
    aliases: AliasesOpt = None,
    jobs: JobsOpt = None,
) -> None:
    """Who carries how much, and where: summary, lead ranking, agency × area matrix, warnings."""
    from .present.workload_view import workload_report  # polars: loaded when used

    loaded = _corpus(plans, aliases, jobs)
    console = _console()
    console.print(workload_report(loaded, top=top, area=area, by=by.value, role=role.value,
                                  implicit=implicit, collective=collective, width=console.width))


class ExportFormat(str, Enum):
    xlsx = "xlsx"
    csv = "csv"
    json = "json"
    parquet = "parquet"


@app.command()
def export(
    plans: PlansArg,
    output: Annotated[Path, typer.Option("--output", "-o", help="FILE.xlsx, or a folder for "
                                                                "csv/json/parquet.")],
    format: Annotated[ExportFormat | None, typer.Option(
        "--format", "-f", help="Default: xlsx when -o ends in .xlsx, else csv.")] = None,
    by: ByOpt = By.canonical,
    implicit: ImplicitOpt = True,
    collective: CollectiveOpt = True,
    aliases: AliasesOpt = None,
    jobs: JobsOpt = None,
) -> None:
    """The workbook for leadership (.xlsx), or the frames and matrices as data files."""
    from .corpus import is_dataset
    from .present.frames import frame_files, write_frames  # polars, openpyxl: when used
    from .present.xlsx.workbook import write_workbook

    fmt = format or (ExportFormat.xlsx if output.suffix.lower() == ".xlsx" else ExportFormat.csv)
    dataset = len(plans) == 1 and is_dataset(plans[0])
    if dataset and fmt is ExportFormat.xlsx:
        raise TaskmapError(f"{plans[0]}: a workbook is made from plan files, not a dataset; "
                           "give the plans, or -f csv|json|parquet")
    inputs = [*([] if dataset else expand_inputs(plans)), *(aliases or [])]
    refuse_inputs(output, inputs, [] if fmt is ExportFormat.xlsx else frame_files(fmt.value))
    switches = {"by": by.value, "implicit": implicit, "collective": collective}
    if fmt is ExportFormat.xlsx:
        write_workbook(_plans(plans, aliases, jobs), output, **switches)
        typer.echo(f"wrote {output}", err=True)
    else:
        written = write_frames(_corpus(plans, aliases, jobs), output, fmt.value, **switches)
        typer.echo(f"wrote {len(written)} files to {output}", err=True)


class DiffFormat(str, Enum):
    table = "table"
    json = "json"


@app.command()
def diff(
    old: Annotated[Path, typer.Argument(help="The earlier version (征求意见稿).")],
    new: Annotated[Path, typer.Argument(help="The later version (印发稿).")],
    format: Annotated[DiffFormat, typer.Option("--format", "-f")] = DiffFormat.table,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Also write a workbook (.xlsx) with 变更清单, 部门变化, 对照表.")]
    = None,
    aliases: AliasesOpt = None,
) -> None:
    """Whose duties changed between two versions of a plan, task by task and body by body."""
    from .diff import diff_plans
    from .present.diff_view import diff_view
    from .present.xlsx.diff_book import write_diff_workbook

    if output is not None:
        refuse_inputs(output, [old, new, *(aliases or [])])
    table = _table(aliases)
    result = diff_plans(load_plan(old, table), load_plan(new, table))
    if format is DiffFormat.json:
        _write(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n", None)
    else:
        _console().print(diff_view(result))
    if output is not None:
        write_diff_workbook(result, output)
        typer.echo(f"wrote {output}", err=True)


@app.command()
def serve(
    port: Annotated[int, typer.Option("--port", "-p", min=0, max=65535,
                                      help="Port (0: any free port).")] = 8765,
    host: Annotated[str, typer.Option("--host", help="Address to listen on; the default "
                                                     "keeps the page on this machine.")]
    = "127.0.0.1",
    browser: Annotated[bool, typer.Option("--browser/--no-browser",
                                          help="Open the page in the web browser.")] = True,
    max_upload: Annotated[int, typer.Option("--max-upload", min=1,
                                            help="MB one upload may carry.")] = 50,
) -> None:
    """The local web page: drop plans, see the 任务分解表 and workload, download the workbook,
    compare a draft and a final. Needs the web extra: pip install 'taskmap[web]'."""
    from .web import require

    require()  # one Chinese line naming what is missing
    from .web.server import serve as run_server

    run_server(host, port, browser, max_upload * 1024 * 1024,
               announce=lambda text: typer.echo(text, err=True))


@aliases_app.command("check")
def aliases_check(
    tables: Annotated[list[Path] | None, typer.Argument(
        help="Tables to check, of names or of places (default: the shipped tables).")] = None,
) -> None:
    """Validate alias tables and report every problem (exit 1 if any)."""
    paths = tables or shipped_tables()
    problems = check_tables(paths)
    for p in problems:
        typer.echo(str(p))
    if problems:
        raise TaskmapError(f"{len(problems)} problem(s) in {len(paths)} table(s)")
    typer.echo(f"ok: {len(paths)} table(s), no problems")


@aliases_app.command("show")
def aliases_show(
    plan: Annotated[Path, typer.Argument(help="A plan file.")],
    aliases: AliasesOpt = None,
    format: Annotated[ExtractFormat, typer.Option("--format", "-f")] = ExtractFormat.table,
) -> None:
    """Every name of PLAN with its canonical body, tier and score; unresolved and fuzzy first."""
    result = surfaces(load_plan(plan, _table(aliases)))
    if format is ExtractFormat.table:
        _render(surfaces_table(result), None)
    elif format is ExtractFormat.json:
        _write(surfaces_to_json(result), None)
    else:
        _write(surfaces_to_csv(result), None)


@aliases_app.command("suggest")
def aliases_suggest(
    plans: Annotated[list[Path], typer.Argument(help="Plan files.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="CSV file to write.")],
    aliases: AliasesOpt = None,
) -> None:
    """Write candidate alias rows for the unresolved and fuzzy names of PLANS, to review and
    then pass with --aliases."""
    refuse_inputs(output, [*plans, *(aliases or [])])
    table = _table(aliases)
    rows = suggestion_rows([load_plan(p, table) for p in plans])
    _write(suggestions_to_csv(rows), output)
    typer.echo(f"wrote {len(rows)} row(s) to {output}", err=True)


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
    else:
        write_text(output, text)  # whole or not at all


PIPE_WIDTH = 160  # a pipe or a file has no terminal width; Chinese tables need room


# Text from plans never reaches rich as markup or emoji codes: `[/bold]` in a plan is text.
_PLAIN = {"markup": False, "emoji": False, "highlight": False}


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


def _render(renderable, output: Path | None) -> None:
    if output is None:
        _console().print(renderable)
        return
    console = Console(record=True, width=PIPE_WIDTH, file=io.StringIO(), **_PLAIN)
    console.print(renderable)
    _write(console.export_text(), output)


def main() -> None:
    """Entry point. Exit status: 0 done; 1 an error, said in one line on stderr (with
    --debug, the traceback); 2 a mistake in the command line, with a short usage line;
    130 interrupted (Ctrl-C), with nothing half-written."""
    code = run(sys.argv[1:])
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # done: a late Ctrl-C changes nothing
    sys.exit(code)


def run(args: list[str]) -> int:
    """Run the command line on `args` and return its exit status (see `main`)."""
    try:
        code = app(args=args, prog_name="taskmap", standalone_mode=False)
    except (typer.Abort, KeyboardInterrupt):
        _say("已中断(interrupted); 未写出不完整的文件", label="")
        return 130
    except typer.Exit as e:
        if e.exit_code == 130:  # typer's word for Ctrl-C
            _say("已中断(interrupted); 未写出不完整的文件", label="")
        return e.exit_code
    except (TaskmapError, OSError) as e:  # OSError: a file system refusal, said in one line
        if _state["debug"]:
            raise
        _say(str(e) if isinstance(e, TaskmapError) else f"{e.filename or ''}: {e.strerror or e}")
        return 1
    except Exception as e:
        if hasattr(e, "format_message") and hasattr(e, "exit_code"):  # typer/click's own
            ctx = getattr(e, "ctx", None)
            _say(e.format_message(), usage=ctx.get_usage() if ctx else None)
            return e.exit_code
        if _state["debug"]:
            raise
        _say(f"内部错误(internal error) {type(e).__name__}: {e}; 用 --debug 查看详情")
        return 1
    if code == 130:  # Ctrl-C, which typer turned into a return value
        _say("已中断(interrupted); 未写出不完整的文件", label="")
    return code if isinstance(code, int) else 0


def _say(text: str, usage: str | None = None, label: str = "error: ") -> None:
    """One line on stderr, control characters removed (a file name is text, not markup)."""
    err = Console(stderr=True, soft_wrap=True, **_PLAIN)
    if usage:
        err.print(_clean(usage.splitlines()[0]))
    if _clean(text):
        err.print(Text.assemble((label, "bold red"), _clean(text)))


def _clean(text: str) -> str:
    return "".join(ch if ch.isprintable() else " " for ch in text.replace("\n", " ")).strip()
