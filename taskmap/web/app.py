"""The local web page: a Starlette app, thin over the library (`views` turns plans into rows).

Routes (a script can drive them too):

- `GET /` the page with the upload form; `GET /compare` the draft-and-final form;
- `POST /extract` (multipart `file`, repeatable; `edits`, the page's corrections, optional:
  `web.edits`) → the 任务分解表 page, the corrections made;
- `POST /export?format=xlsx|docx|csv` (the same fields) → the file, the corrections made;
- `POST /diff` (fields `old`, `new`) → the 修改对照表 page; `?format=xlsx` → its workbook.

What the server refuses (other hosts, other sites' posts, too many uploads at once, slow
bodies) is `guard.Guard`, a middleware, so it holds whatever server runs the app; each file
is parsed in a child process under a time and a memory limit (`isolate`). Uploads are read
into memory (python-multipart spools a part over 1 MB to an anonymous
temporary file, deleted when the request ends), never kept; a request over `max_upload`
bytes is refused with a Chinese message. Files written for a download go to a private
temporary folder, removed once read back. The page loads nothing from outside the machine.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import partial
from importlib import import_module
from itertools import chain
from pathlib import Path
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..diff import diff_plans
from ..models import Plan
from ..names.edits import PlanEdits
from ..pipeline import national_table
from ..present.files import CSV_COLUMNS, csv_rows, people_csv
from ..present.outputs import BOOKS, diff_writer
from ..read.limits import Limits
from . import edits, isolate, views
from .guard import LOOPBACK_NAMES, Guard, ServeLimits

HERE = Path(__file__).resolve().parent
MAX_UPLOAD = 50 * 1024 * 1024  # bytes in one request, all files together
MAX_FILES = 50
EDITS = "edits"  # the field of the page's corrections (`edits`)
DRAIN_CAP = 1 << 30  # a refused body is read (and dropped) up to this, so the browser sees
# the answer instead of a reset connection
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class Export:
    """A download: its button, its file name (the plan's stem before it when there is one
    plan), its media type, and how to make its bytes from the plans."""

    label: str
    name: str
    media_type: str
    make: Callable[[list[Plan]], bytes]


def _written(writer: str, suffix: str, subject) -> bytes:
    """The bytes a library writer (`module:function`, called as f(subject, path): plans or
    a diff) writes, via a private temporary folder removed at once."""
    module, function = writer.split(":")
    write = getattr(import_module(module), function)
    with tempfile.TemporaryDirectory(prefix="taskmap-web-") as tmp:
        path = Path(tmp) / f"out{suffix}"
        write(subject, path)
        return path.read_bytes()


def _csv(plans: list[Plan]) -> bytes:
    """The CSV of `taskmap extract -f csv` (Chinese headers and values) for every plan, with
    a BOM so Excel and WPS read it as UTF-8."""
    return ("\ufeff" + people_csv(chain.from_iterable(map(csv_rows, plans)), CSV_COLUMNS)
            ).encode("utf-8")


# format → download; each is a button on the page and a format of POST /export. A writer
# f(plans, path) of the library is one line: _written("module:function", suffix).
EXPORTS = {
    "xlsx": Export("下载 Excel 工作簿", "分工统计.xlsx", XLSX,
                   partial(_written, BOOKS["xlsx"].plans, ".xlsx")),
    "docx": Export("下载 Word 任务分解表", "任务分解表.docx", DOCX,
                   partial(_written, BOOKS["docx"].plans, ".docx")),
    "csv": Export("下载 CSV", "任务分解表.csv", "text/csv; charset=utf-8", _csv),
}


class Refused(Exception):
    """An upload the page answers with a message instead of a result (`edits`: for its
    corrections)."""

    def __init__(self, status: int, message: str, edits: bool = False):
        super().__init__(message)
        self.status, self.message, self.edits = status, message, edits


class _TooLarge(Exception):
    pass


def create_app(max_upload: int = MAX_UPLOAD, limits: Limits | None = None,
               serve_limits: ServeLimits | None = None,
               hosts: tuple[str, ...] | frozenset[str] = LOOPBACK_NAMES,
               any_ip: bool = False) -> Starlette:
    """The web app. `max_upload`: bytes one request may carry; `limits`: the readers'
    limits (default: `Limits.from_env()`, the TASKMAP_MAX_… variables); `serve_limits`:
    the server's (default: `ServeLimits.from_env()`, the TASKMAP_WEB_… variables);
    `hosts`: the names it answers to (`guard.host_names`), any IP address too if
    `any_ip`."""
    limits = limits or Limits.from_env()
    serve_limits = serve_limits or ServeLimits.from_env()
    read = partial(isolate.read_uploads, limits=limits, seconds=serve_limits.parse_seconds,
                   memory=serve_limits.parse_memory)
    env = Environment(loader=FileSystemLoader(HERE / "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.globals["max_upload"] = _size(max_upload)
    env.globals["formats"] = views.FORMATS
    env.globals["exports"] = [(fmt, kind.label) for fmt, kind in EXPORTS.items()]

    def page(name: str, status: int = 200, **context) -> HTMLResponse:
        return HTMLResponse(env.get_template(name).render(**context), status_code=status)

    async def index(request: Request) -> Response:
        return page("extract.html")

    async def compare(request: Request) -> Response:
        return page("compare.html")

    async def extract(request: Request) -> Response:
        try:
            fields = await _uploads(request, max_upload)
            changes = _edits(fields)
            originals, problems = await _plans(fields["file"], read)
            plans = await run_in_threadpool(_edited, originals, changes)
        except Refused as e:
            return page("extract.html", e.status, errors=[views.Problem("", e.message)])
        return page("extract.html", result=views.extract_page(plans, problems, originals,
                                                              changes))

    async def export(request: Request) -> Response:
        fmt = request.query_params.get("format", "xlsx")
        try:
            if fmt not in EXPORTS:
                raise Refused(400, f"不支持的下载格式“{fmt}”,可选:{'、'.join(EXPORTS)}。")
            fields = await _uploads(request, max_upload)
            changes = _edits(fields)
            plans, problems = await _plans(fields["file"], read, whole=True)
            if not problems:
                plans = await run_in_threadpool(_edited, plans, changes)
        except Refused as e:
            return page("extract.html", e.status, errors=[views.Problem("", e.message)],
                        lead="未生成下载:" if e.edits else "")
        if problems:
            return page("extract.html", 400, errors=problems, lead="以下文件无法读取,未生成下载"
                        "(请移除或更换这些文件后重试):")
        kind = EXPORTS[fmt]
        data = await run_in_threadpool(kind.make, plans)
        stem = Path(plans[0].source).stem if len(plans) == 1 else ""
        return _download(data, f"{stem}_{kind.name}" if stem else kind.name, kind.media_type)

    async def diff(request: Request) -> Response:
        fmt = request.query_params.get("format", "html")
        try:
            if fmt not in ("html", "xlsx", "docx"):
                raise Refused(400, f"不支持的格式“{fmt}”,可选:html、xlsx、docx。")
            fields = await _uploads(request, max_upload, ("old", "new"))
            if len(fields["old"]) != 1 or len(fields["new"]) != 1:
                raise Refused(400, "请分别选择征求意见稿(原稿)和印发稿(新稿)各一个文件。")
            plans, problems = await _plans(fields["old"] + fields["new"], read, whole=True)
        except Refused as e:
            return page("compare.html", e.status, errors=[views.Problem("", e.message)])
        if problems:
            return page("compare.html", 400, errors=problems)
        result = await run_in_threadpool(diff_plans, plans[0], plans[1])
        if fmt != "html":  # the documents `taskmap diff -o 修改对照表.xlsx|.docx` writes
            data = await run_in_threadpool(_written, diff_writer(fmt), f".{fmt}", result)
            return _download(data, f"修改对照表.{fmt}", XLSX if fmt == "xlsx" else DOCX)
        return page("compare.html", result=views.diff_page(result))

    @asynccontextmanager
    async def lifespan(app):  # the alias tables and the parse children's forkserver,
        from ..pipeline import national_table  # made ready before the first upload

        await run_in_threadpool(national_table)
        await run_in_threadpool(isolate.warm)
        yield

    return Starlette(
        routes=[Route("/", index), Route("/compare", compare),
                Route("/extract", extract, methods=["POST"]),
                Route("/export", export, methods=["POST"]),
                Route("/diff", diff, methods=["POST"]),
                Mount("/static", StaticFiles(directory=HERE / "static"), name="static")],
        middleware=[Middleware(_Headers),
                    Middleware(Guard, limits=serve_limits, hosts=hosts, any_ip=any_ip)],
        lifespan=lifespan)


def _edits(fields: dict[str, list[views.Upload]]) -> dict[str, PlanEdits]:
    """The page's corrections the request carries (`web.edits`), or Refused."""
    try:
        return edits.parse_edits(fields[EDITS][0].data if fields.get(EDITS) else None)
    except edits.BadEdits as e:
        raise Refused(400, e.message, edits=True) from None


def _edited(plans: list[Plan], changes: dict[str, PlanEdits]) -> list[Plan]:
    """`plans` with the page's corrections made (`web.edits.edited`), or Refused."""
    if not changes:
        return plans
    try:
        return edits.edited(plans, changes, national_table())
    except edits.BadEdits as e:
        raise Refused(400, e.message, edits=True) from None


async def _plans(uploads: list[views.Upload], read, whole: bool = False):
    """Plans of the uploads, read off the event loop (`read`: isolate.read_uploads with
    its limits); none at all is refused."""
    if not uploads:
        raise Refused(400, "请先选择至少一个方案文件。")
    plans, problems = await run_in_threadpool(read, uploads)
    if not plans and not whole:
        raise _refuse_all(problems)
    return plans, problems


def _refuse_all(problems: list[views.Problem]) -> Refused:
    if len(problems) == 1:
        return Refused(400, problems[0].message)
    return Refused(400, "所选文件都无法读取:" + ";".join(p.message for p in problems))


async def _uploads(request: Request, max_upload: int, names: tuple[str, ...] = ("file",)
                   ) -> dict[str, list[views.Upload]]:
    """The files of the fields `names`, read into memory, the request held to `max_upload`
    bytes. A field with no file chosen gives nothing; an empty file is kept (and refused
    by name when read). The page's corrections (the field `edits`, text or a file) are
    under EDITS, as one Upload (none when the field is absent)."""
    too_large = Refused(413, f"上传的文件太大:一次最多 {_size(max_upload)}。请分批上传,或用命令行 "
                             "taskmap extract 处理大文件。")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_upload:
        await _drain(request.receive)
        raise too_large
    counted = Request(request.scope, _counting(request.receive, max_upload))
    try:
        form = await counted.form(max_files=MAX_FILES, max_fields=MAX_FILES * 2)
    except _TooLarge:
        raise too_large from None
    except HTTPException as e:
        message = f"一次最多上传 {MAX_FILES} 个文件。" if "Too many" in str(e.detail) else \
            "上传的数据不完整或格式不对,请重新选择文件后再试。"
        raise Refused(400, message) from None
    try:
        taken: set[str] = set()
        out: dict[str, list[views.Upload]] = {n: [] for n in names}
        for n in names:
            for item in form.getlist(n):
                if not isinstance(item, UploadFile) or (not item.filename and not item.size):
                    continue
                out[n].append(views.Upload(views.file_name(item.filename, taken),
                                           await item.read()))
        raw = form.get(EDITS)
        if isinstance(raw, UploadFile):
            out[EDITS] = [views.Upload(EDITS, await raw.read(edits.MAX_BYTES + 1))]
        elif raw is not None:
            out[EDITS] = [views.Upload(EDITS, raw.encode("utf-8"))]
        return out
    finally:
        await form.close()


def _counting(receive, limit: int):
    """`receive` that raises _TooLarge once the body passes `limit` bytes (after reading
    the rest of it, so the browser gets the answer)."""
    total = 0

    async def counted():
        nonlocal total
        message = await receive()
        if message["type"] == "http.request":
            total += len(message.get("body", b""))
            if total > limit:
                if message.get("more_body"):
                    await _drain(receive)
                raise _TooLarge
        return message

    return counted


async def _drain(receive) -> None:
    seen = 0
    while seen <= DRAIN_CAP:
        message = await receive()
        if message["type"] != "http.request":
            return
        seen += len(message.get("body", b""))
        if not message.get("more_body"):
            return


def _download(data: bytes, name: str, media_type: str) -> Response:
    ascii_name = "taskmap" + Path(name).suffix
    return Response(data, media_type=media_type, headers={
        "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; "
                               f"filename*=UTF-8''{quote(name)}",
        "Cache-Control": "no-store"})


def _size(n: int) -> str:
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:.3g} {unit}"
    return f"{n} 字节"


class _Headers:
    """Every answer says: nothing from elsewhere (scripts, styles, fonts, images only from
    this server), not in a frame, not cached, content types as declared, no referrer
    outside this server."""

    HEADERS = (
        (b"content-security-policy", b"default-src 'self'; img-src 'self' data:; "
                                     b"object-src 'none'; base-uri 'none'; form-action 'self'; "
                                     b"frame-ancestors 'none'"),
        (b"x-content-type-options", b"nosniff"),
        # no address is told to anyone else; this server's own requests keep their
        # Origin, which the guard checks (under no-referrer a browser sends Origin: null)
        (b"referrer-policy", b"same-origin"),
    )

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], *self.HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)
