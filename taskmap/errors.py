"""The error hierarchy. The library raises these; only the CLI turns them into exit codes."""


class TaskmapError(Exception):
    """Base of every error taskmap raises on bad input; its message is one line for a user."""


class InputNotFound(TaskmapError):
    """A path given by the user does not exist or is not a file."""


class UnsupportedFormat(TaskmapError):
    """A file whose format taskmap cannot read (yet), or that is not a plan at all."""


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
