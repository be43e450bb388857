"""Uploaded files read into plans, and what to tell a user whose file cannot be read, in
Chinese. Light on purpose (no frames, no web framework): a parse child imports only this,
the readers and the grammar (`taskmap.web.isolate`)."""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import DecodeError, LimitExceeded, TaskmapError, UnsupportedFormat
from ..models import Plan
from ..pipeline import parse_document
from ..read import document_from_bytes
from ..read.limits import Limits

log = logging.getLogger("taskmap.web")

FORMATS = ".docx、.pdf、.txt、.html、.doc/.wps(需 LibreOffice)、.xlsx/.csv"


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes


@dataclass(frozen=True)
class Problem:
    """A file that could not be read: what to tell the user, in Chinese, and the detail."""

    name: str
    message: str
    detail: str = ""


def file_name(raw: str | None, taken: set[str]) -> str:
    """An uploaded file's name as shown and used as the plan's source: its last path part,
    without control characters, at most 120 characters, unique among `taken`."""
    name = (raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()[:120]
    name = name or "未命名文件"
    unique, n = name, 1
    while unique in taken:
        n += 1
        unique = f"{name} ({n})"
    taken.add(unique)
    return unique


def read_uploads(uploads: Sequence[Upload], limits: Limits | None = None
                 ) -> tuple[list[Plan], list[Problem]]:
    """Plans from uploaded files, read from memory; each file that cannot be read is a
    Problem, and the others are still read."""
    plans: list[Plan] = []
    problems: list[Problem] = []
    for u in uploads:
        if not u.data:
            problems.append(Problem(u.name, f"{u.name}:是空文件(0 字节),没有可读的内容。"))
            continue
        try:
            plans.append(parse_document(document_from_bytes(u.data, u.name, limits)))
        except Exception as e:  # one bad file never stops the others
            problems.append(problem(u.name, e))
    return plans, problems


def problem(name: str, e: Exception) -> Problem:
    """What to tell a user whose file `name` could not be read, in Chinese."""
    detail = str(e)
    if isinstance(e, LimitExceeded):
        return Problem(name, f"{name}:文件超出读取上限,未读取。如确认文件可信,"
                             f"可用环境变量 {e.variable} 调高上限后重启服务。", detail)
    if isinstance(e, DecodeError):
        return Problem(name, f"{name}:无法识别文字编码(不是 UTF-8、UTF-16、GB18030/GBK 或 Big5 "
                             "文本)。请在 Word 或 WPS 中另存为 .docx 后再上传。", detail)
    if isinstance(e, UnsupportedFormat):
        lowered = detail.lower()
        for key, text in _FORMAT_REASONS:
            if key in lowered:
                return Problem(name, f"{name}:{text}", detail)
        return Problem(name, f"{name}:无法读取,文件格式不受支持或已损坏。支持的格式:{FORMATS}。",
                       detail)
    if isinstance(e, TaskmapError):
        return Problem(name, f"{name}:无法读取该文件。", detail)
    if isinstance(e, MemoryError):  # a parse child's memory limit (taskmap.web.isolate)
        return Problem(name, f"{name}:读取时超出内存上限,未读取。文件可能过大或结构异常。",
                       detail)
    log.exception("reading %s", name)
    return Problem(name, f"{name}:读取时发生内部错误({type(e).__name__}),"
                         "请把该文件交给维护人员排查。", detail)


_FORMAT_REASONS = (
    ("binary data", f"这是二进制数据,不是方案文件。支持的格式:{FORMATS}。"),
    ("password", "PDF 设有打开密码。请用密码打开后另存为无密码的 PDF,或另存为 .docx。"),
    ("ocr", "PDF 没有可用的文字层(可能是扫描件),需要先做文字识别(OCR),或改传原始 .docx/.txt。"),
    ("libreoffice", "旧版 Word/WPS 文件需要本机安装 LibreOffice 才能读取;也可在 Word 或 WPS 中"
                    "另存为 .docx 后上传。"),
    ("zip", "是压缩包或已损坏的 Office 文件。请在 Word 或 WPS 中打开并另存为 .docx。"),
    ("word file", "Word 文件已损坏或无法解析。请在 Word 或 WPS 中打开并另存为 .docx。"),
    ("pdf", "PDF 文件已损坏或无法解析。请重新导出 PDF,或改传 .docx。"),
    ("csv", "CSV 文件无法解析。请在 Excel 或 WPS 中打开并重新保存。"),
)
