"""Outputs written whole or not at all, never onto an input.

A file is first written to a temporary file beside its target and then renamed over it in
one step: an interrupt, a full disk or a file-size limit leaves the old file as it was, and
two writers at once each leave a whole file (the last rename wins). A folder of files is
written to a temporary folder first and moved in when every file is there. A Ctrl-C comes
before an output is put in place or after it is counted in `placed`, never between: the
command line says which, and exits 130 only when nothing was put in place.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

from .errors import OutputIsInput, TaskmapError, io_refusal

# outputs this process has put in place: how many, and the last one (see `placed`)
_placed: list = [0, None]


def refuse_inputs(output: Path, inputs: Iterable[Path], files: Iterable[str] = ()) -> None:
    """Raise OutputIsInput when `output` (or, for a folder, one of the `files` it will
    hold) is one of `inputs`: checked before any work is done."""
    targets = [output, *(output / name for name in files)]
    for path in inputs:
        for target in targets:
            if _same(path, target):
                raise OutputIsInput(f"{target}: 输出文件与输入文件相同,已拒绝写入"
                                    f"(会覆盖输入文件 {path})")


def _same(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    except OSError:
        return False
    return a.resolve() == b.resolve()


@contextlib.contextmanager
def replacing(path: str | Path) -> Iterator[Path]:
    """A temporary path beside `path` to write to; on success it replaces `path`, on any
    failure (an error, Ctrl-C, a full disk) it is removed and `path` stays as it was.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> with replacing(target) as tmp:
    ...     _ = tmp.write_text("whole")
    >>> target.read_text()
    'whole'
    """
    path = Path(path)
    folder = path.parent
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
    except OSError as e:
        raise TaskmapError(f"{path}: 无法写入:{io_refusal(e)}") from None
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~_umask())
        with _held_back():
            os.replace(tmp, path)
            _count(path)
    except BaseException as e:
        reason = refusal(e, folder)  # polars' "(os error 28)" and lxml's "IO_EFBIG" too
        with contextlib.suppress(OSError):
            tmp.unlink()
        if reason is not None:
            raise TaskmapError(f"{path}: 无法写入:{reason};原有文件未作改动") from None
        raise


def write_text(path: str | Path, text: str) -> Path:
    """Write `text` (UTF-8) to `path`, whole or not at all."""
    with replacing(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


@contextlib.contextmanager
def replacing_folder(folder: str | Path) -> Iterator[Path]:
    """A temporary folder beside `folder` to fill; on success its files are moved into
    `folder` (created if needed), on failure it is removed and `folder` is untouched."""
    folder = Path(folder)
    parent = folder.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".part", dir=parent))
    except OSError as e:
        raise TaskmapError(f"{folder}: 无法创建文件夹:{io_refusal(e)}") from None
    try:
        yield tmp
        folder.mkdir(exist_ok=True)
        with _held_back():
            for item in sorted(tmp.iterdir()):
                os.chmod(item, 0o666 & ~_umask())
                os.replace(item, folder / item.name)
            _count(folder)
    except BaseException as e:
        reason = refusal(e, tmp)
        if reason is not None:
            raise TaskmapError(f"{folder}: 无法写入:{reason};原有文件未作改动") from None
        raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def refusal(error: BaseException, folder: str | Path) -> str | None:
    """Why writing to `folder` failed, in Chinese, when the system refused it: `error` says
    so itself (`errors.io_refusal`), or a library's error hides it ("Invalid thrift:
    transport error" is how polars tells a full disk at the end of a Parquet file) and a
    probe write to `folder` is refused now; None for any other error (a bug, Ctrl-C)."""
    reason = io_refusal(error)
    if reason is not None or not isinstance(error, Exception) or isinstance(error,
                                                                             TaskmapError):
        return reason
    try:
        with tempfile.TemporaryFile(dir=folder) as probe:
            probe.write(b"\0" * PROBE_BYTES)
            probe.flush()
            os.fsync(probe.fileno())
    except OSError as e:
        return io_refusal(e)
    return None


PROBE_BYTES = 1 << 20  # more than a file-size limit's slack, or a nearly full disk's


def placed() -> tuple[int, Path | None]:
    """How many outputs (files, folders) this process has put in place, and the last one:
    a command that counts more after a Ctrl-C than before it started had its output written
    whole before the Ctrl-C came."""
    return _placed[0], _placed[1]


def _count(path: Path) -> None:
    _placed[:] = [_placed[0] + 1, path]


@contextlib.contextmanager
def _held_back() -> Iterator[None]:
    """A Ctrl-C that comes meanwhile is held back and raised at the end: an output is put in
    place and counted, or not at all. Only the main thread is ever interrupted: elsewhere
    there is nothing to hold back."""
    if (threading.current_thread() is not threading.main_thread()
            or signal.getsignal(signal.SIGINT) is None):  # a handler not set from Python
        yield
        return
    pending: list = []
    before = signal.signal(signal.SIGINT, lambda *args: pending.append(args))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, before)
    if pending and callable(before):
        before(*pending[0])


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
