"""The error hierarchy. The library raises these; only the CLI turns them into exit codes."""

from __future__ import annotations

import errno
import os
import re


class TaskmapError(Exception):
    """Base of every error taskmap raises on bad input; its message is one line for a user."""


class InputNotFound(TaskmapError):
    """A path given by the user does not exist or is not a file."""


class UnsupportedFormat(TaskmapError):
    """A file whose format taskmap cannot read (yet), or that is not a plan at all."""


class NotAPlan(UnsupportedFormat):
    """A file that is neither a plan nor taskmap's own workbook, or taskmap's own that
    cannot be read back. `reason` is the message without the file's name before it."""

    def __init__(self, source: str, reason: str):
        super().__init__(f"{source}: {reason}")
        self.source, self.reason = source, reason

    def __reduce__(self):  # as it was made (a parse in a child process sends it back)
        return type(self), (self.source, self.reason)


class DecodeError(TaskmapError):
    """A text file that decodes as none of the Chinese encodings taskmap tries."""


class AliasTableError(TaskmapError):
    """An alias table that does not validate (run `taskmap aliases check` for every problem)."""


class OutputIsInput(TaskmapError):
    """The output path names a file the command reads."""


class WordsError(TaskmapError):
    """The words file does not follow its schema."""


class OutputError(TaskmapError):
    """An output name or format taskmap cannot write, or that disagrees with -f."""


class DatasetError(TaskmapError):
    """A folder that should hold a taskmap dataset does not."""


class UnknownArea(TaskmapError):
    """--area names no action area of the plans."""


class ClusterError(TaskmapError):
    """Dask is missing, or the cluster cannot be reached."""


class MissingExtra(TaskmapError):
    """The web page's packages are not installed."""


class EditError(TaskmapError):
    """A correction that cannot be made: it names a task the plan does not have, a field
    that cannot be edited, or is not of the shape corrections take."""


class LimitExceeded(TaskmapError):
    """A file that would cost more than a reader's limit (bytes, inflated bytes, XML elements,
    cells, PDF pages…); the message names the file, the limit and the variable that raises it.

    >>> str(LimitExceeded("a.xlsx", "表格单元格", 1000, "TASKMAP_MAX_CELLS"))[:24]
    'a.xlsx: 表格单元格超过 1,000 个(上限 TA'
    """

    def __init__(self, source: str, what: str, limit: int, variable: str):
        self.source, self.what, self.limit, self.variable = source, what, limit, variable
        size = "BYTES" in variable
        unit = "字节" if size else "个"
        super().__init__(f"{source}: {what}超过 {_amount(limit, size)} {unit}(上限 "
                         f"{variable});如信任该文件,可调高上限,例如设置环境变量 "
                         f"{variable}={_amount(limit * 4, size, plain=True)}")


def _amount(n: int, size: bool, plain: bool = False) -> str:
    """1,000 or 1000 for a count; 256M for a size in bytes."""
    for unit, scale in (("G", 1 << 30), ("M", 1 << 20), ("K", 1 << 10)):
        if size and n >= scale and n % scale == 0:
            return f"{n // scale}{unit}"
    return f"{n}" if plain else f"{n:,}"


_REASONS = {errno.ENOSPC: "磁盘已满", errno.EFBIG: "超过文件大小上限",
            errno.EDQUOT: "超过磁盘配额", errno.EACCES: "没有权限", errno.EPERM: "不允许的操作",
            errno.ENOENT: "不存在", errno.EROFS: "只读的文件系统", errno.EISDIR: "是文件夹",
            errno.ENOTDIR: "路径中有一段不是文件夹", errno.EIO: "输入输出错误",
            errno.EPIPE: "管道已关闭", errno.ENAMETOOLONG: "文件名太长",
            errno.EMFILE: "打开的文件太多", errno.EEXIST: "已存在", errno.ENXIO: "设备不存在"}


def io_refusal(error: BaseException) -> str | None:
    """Why the system refused a file operation, in Chinese, when `error` is such a refusal:
    an OSError, or a library's error wrapping one (polars: "… (os error 28)", lxml:
    "IO_EFBIG"); None for any other error.

    >>> io_refusal(OSError(errno.ENOSPC, "No space left on device"))
    '磁盘已满'
    >>> io_refusal(RuntimeError("parquet: underlying IO error: File too large (os error 27)"))
    '超过文件大小上限'
    """
    if isinstance(error, TaskmapError):
        return None
    if isinstance(error, OSError):
        return _REASONS.get(error.errno or -1) or error.strerror or str(error) or None
    text = str(error)
    found = re.search(r"\(os error (\d+)\)", text)
    number = int(found[1]) if found else None
    if number is None:
        named = re.search(r"\bIO_(E[A-Z0-9]+)\b", text)
        number = getattr(errno, named[1], None) if named else None
    if number is None:
        return None
    return _REASONS.get(number) or os.strerror(number)
