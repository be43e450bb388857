"""Alias tables: load, validate, and look up. The tables are data (CSV, one schema).

Schema (see aliases/README.md): `alias,canonical,function,scope,level,short,collective,
renamed,note`. `scope=function` rows describe a kind of bureau every jurisdiction has and
are written without prefix (发改委 → 发展和改革委员会); `scope=body` rows name one body in
full (园区管委会 → 包头昆都仑经济技术开发区管理委员会). Later tables override earlier ones.
"""

from __future__ import annotations

import csv
import re
import stat
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TypeVar

from .. import lexicon as lx
from ..errors import AliasTableError, LimitExceeded, io_refusal
from ..normalize import name_key

T = TypeVar("T")

COLUMNS = ("alias", "canonical", "function", "scope", "level", "short", "collective",
           "renamed", "former", "note")
REQUIRED = ("alias", "canonical", "scope")
SCOPES = ("function", "body")
LEVELS = ("", "国家", "省", "市", "县", "区", "乡镇", "其他")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class AliasRow:
    alias: str
    canonical: str
    function: str
    scope: str
    level: str
    short: str
    collective: bool
    renamed: int | None
    note: str
    where: str  # file:line, for messages
    former: str = ""  # for a pre-reform name: the old body's own name


@dataclass(frozen=True)
class Problem:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass
class AliasTable:
    """Rows of one or more tables, indexed for resolution."""

    rows: list[AliasRow] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    functions: dict[str, AliasRow] = field(default_factory=dict)
    bodies: dict[str, AliasRow] = field(default_factory=dict)
    stems: dict[str, str] = field(default_factory=dict)
    places: dict[str, tuple[str, str]] = field(default_factory=dict)  # name/short → (full, level)
    _canon: dict[tuple[str, str], AliasRow] = field(default_factory=dict)
    user_rows: set[int] = field(default_factory=set)  # rows a user's table gave (by id)
    _derived: dict = field(default_factory=dict, repr=False, compare=False)

    def derived(self, name: object, make: Callable[[], T]) -> T:
        """What `make` computes from the table, once (again when rows or places are added):
        indexes every plan's resolution would otherwise build anew."""
        key = (name, len(self.rows), len(self.places))
        if key not in self._derived:
            self._derived[key] = make()
        return self._derived[key]

    def from_user(self, row: AliasRow) -> bool:
        """Did a user's table give this row (its short form is then the name to show)?"""
        return id(row) in self.user_rows

    @classmethod
    def load(cls, user_tables: Sequence[str | Path] = (), national: bool = True) -> AliasTable:
        """The national table (shipped in the package) overridden by `user_tables` in order.

        Raises AliasTableError listing every problem of a table that does not validate.
        """
        table = cls()
        if national:
            places, problems = read_places(national_dir() / "places.csv")
            _refuse(national_dir() / "places.csv", problems)
            table.places = places
            rows, problems = read_table(national_dir() / "functions.csv")
            _refuse(national_dir() / "functions.csv", problems)
            table.add(rows, str(national_dir() / "functions.csv"))
        for path in map(Path, user_tables):
            if is_places_table(path):  # a user's own places: name,short,level
                places, problems = read_places(path)
                _refuse(path, problems)
                table.places.update(places)
                continue
            rows, problems = read_table(path)
            _refuse(path, problems)
            table.add(rows, str(path), user=True)
        return table

    def add(self, rows: Iterable[AliasRow], source: str, user: bool = False) -> None:
        """Add rows; a row overrides an earlier one with the same alias. Within a table the
        first row of a function names it; a user's table names it anew (发改委 →
        发展和改革局 makes 发展和改革局 the canonical name of that function)."""
        self.sources.append(source)
        named: set[tuple[str, str]] = set()
        for row in rows:
            self.rows.append(row)
            if user:
                self.user_rows.add(id(row))
            key = name_key(row.alias)
            index = self.functions if row.scope == "function" else self.bodies
            index[key] = row
            if row.scope == "function":
                slot = (row.function, row.level)
                if slot not in named and (user or slot not in self._canon):
                    self._canon[slot] = row
                    named.add(slot)
                for stem in {row.function, _stem(row.alias), _stem(row.canonical)}:
                    if len(stem) >= 2:
                        self.stems.setdefault(stem, row.function)


    def canonical_row(self, function: str, level: str) -> AliasRow | None:
        """The row that names `function` at `level` (else the level-free row)."""
        return self._canon.get((function, level)) or self._canon.get((function, ""))




def _stem(name: str) -> str:
    """A name without its kind of office: 机关事务管理中心 → 机关事务."""
    key = name_key(name)
    for suffix in lx.OFFICE_KINDS:
        if key.endswith(suffix) and len(key) > len(suffix):
            return key[:-len(suffix)]
    return key


stem = _stem


def national_dir() -> Path:
    """Where the shipped tables are: inside the installed package, else the source tree."""
    packaged = Path(str(resources.files("taskmap"))) / "resources" / "aliases"
    if (packaged / "functions.csv").is_file():
        return packaged
    return Path(__file__).resolve().parents[2] / "aliases"


def read_table(path: str | Path) -> tuple[list[AliasRow], list[Problem]]:
    """Rows of one table and every problem in it (all of them, not the first)."""
    path = Path(path)
    text = read_text(path)
    if isinstance(text, Problem):
        return [], [text]
    reader = csv.DictReader(text.splitlines())
    header = reader.fieldnames or []
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c not in COLUMNS]
    problems = []
    if missing:
        problems.append(Problem(f"{path}:1", f"缺少列:{'、'.join(missing)}"))
    if unknown:
        problems.append(Problem(f"{path}:1", f"未知的列:{'、'.join(unknown)};"
                                             f"应有的列为 {','.join(COLUMNS)}"))
    if missing:
        return [], problems
    rows = []
    for n, raw in enumerate(reader, start=2):
        row, row_problems = _row(raw, f"{path}:{n}")
        problems += row_problems
        if row is not None:
            rows.append(row)
    problems += _conflicts(rows)
    return rows, problems


def _row(raw: dict, where: str) -> tuple[AliasRow | None, list[Problem]]:
    get = {c: (raw.get(c) or "").strip() for c in COLUMNS}
    problems = [Problem(where, f"“{c}”为空") for c in REQUIRED if not get[c]]
    if None in raw:
        problems.append(Problem(where, "单元格比列多(有未加引号的逗号?)"))
    if get["scope"] and get["scope"] not in SCOPES:
        problems.append(Problem(where, f"scope“{get['scope']}”不是 {'、'.join(SCOPES)} 之一"))
    if get["level"] not in LEVELS:
        problems.append(Problem(where, f"level“{get['level']}”不是 "
                                       f"{'、'.join(x or '(空)' for x in LEVELS)} 之一"))
    if get["collective"].lower() not in ("", "true", "false"):
        problems.append(Problem(where, "collective 须为 true、false 或空"))
    renamed = None
    if get["renamed"]:
        if re.fullmatch(r"(19|20)\d\d", get["renamed"]):
            renamed = int(get["renamed"])
        else:
            problems.append(Problem(where, f"renamed“{get['renamed']}”不是年份"))
    if get["former"] and not get["renamed"]:
        problems.append(Problem(where, "给出了 former,却没有给出更名年份(renamed)"))
    if problems:
        return None, problems
    return AliasRow(alias=get["alias"], canonical=get["canonical"],
                    function=get["function"] or get["canonical"], scope=get["scope"],
                    level=get["level"], short=get["short"], renamed=renamed, note=get["note"],
                    collective=get["collective"].lower() == "true", where=where,
                    former=get["former"]), []


def _conflicts(rows: list[AliasRow]) -> list[Problem]:
    """Duplicate rows, and an alias that points at two bodies or two functions."""
    problems: list[Problem] = []
    seen: dict[tuple[str, str], AliasRow] = {}
    for row in rows:
        key = (row.scope, name_key(row.alias))
        first = seen.get(key)
        if first is None:
            seen[key] = row
        elif (first.canonical, first.function, first.level) == (
                row.canonical, row.function, row.level):
            problems.append(Problem(row.where, f"重复的行:“{row.alias}”与 {first.where} 相同"))
        else:
            problems.append(Problem(row.where, f"别名“{row.alias}”在此指向"
                                               f"“{row.canonical}”({row.function}),在 "
                                               f"{first.where} 却指向“{first.canonical}”"
                                               f"({first.function})"))
    return problems + _cycles(rows)


def _cycles(rows: list[AliasRow]) -> list[Problem]:
    """Rows whose canonical names lead back to their own alias (A → B, B → A): a table
    that says two names are each other's proper name has no proper name."""
    target = {name_key(r.alias): name_key(r.canonical) for r in rows
              if name_key(r.alias) != name_key(r.canonical)}
    problems = []
    for row in rows:
        start = name_key(row.alias)
        step, seen = target.get(start), {start}
        while step is not None and step not in seen:
            seen.add(step)
            step = target.get(step)
        if step == start:
            problems.append(Problem(row.where, f"别名“{row.alias}”经由规范名称又"
                                               f"指回自身(循环)"))
    return problems


PLACE_COLUMNS = ("name", "short", "level")


def read_text(path: Path, head: int | None = None) -> str | Problem:
    """The text of a table (UTF-8, a BOM allowed), read under the readers' byte limit
    (TASKMAP_MAX_BYTES), or the Problem that keeps it from being read: missing, not a
    regular file (a device such as /dev/zero or a pipe is never read), too large, binary
    or not UTF-8. With `head`, only its first `head` bytes (a header to sniff)."""
    from ..read.limits import Limits, variable

    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            return Problem(str(path), "不是普通文件(是文件夹、设备或管道);别名表须是 CSV 文件")
        shipped = path.parent == national_dir()  # ours: never refused by a user's limit
        limit = max(Limits.from_env().max_bytes, info.st_size if shipped else 0)
        data = b""
        if info.st_size <= limit:
            with path.open("rb") as f:
                data = f.read(min(limit, head or limit) + 1)
    except FileNotFoundError:
        return Problem(str(path), "文件不存在")
    except OSError as e:
        return Problem(str(path), f"无法读取:{io_refusal(e)}")
    if max(info.st_size, len(data)) > limit:  # a file may grow while it is read
        text = str(LimitExceeded(str(path), "别名表的字节数", limit, variable("max_bytes")))
        return Problem(str(path), text.removeprefix(f"{path}: "))
    try:
        if b"\0" in data:
            raise UnicodeDecodeError("utf-8", data, 0, 1, "NUL")
        return data.decode("utf-8-sig", errors="ignore" if head else "strict")
    except UnicodeDecodeError:
        return Problem(str(path), "不是 UTF-8 编码的文本(是二进制文件,或另一种编码?);"
                                  "别名表须另存为 UTF-8 编码的 CSV")


def _refuse(path: Path, problems: list[Problem]) -> None:
    if len(problems) == 1 and problems[0].where == str(path):  # the file itself, unread
        raise AliasTableError(str(problems[0]))
    if problems:
        shown = "; ".join(str(p) for p in problems[:3])
        more = f"(另有 {len(problems) - 3} 个)" if len(problems) > 3 else ""
        raise AliasTableError(f"{path}: 有 {len(problems)} 个问题:{shown}{more};"
                              "运行 taskmap aliases check 查看全部")


def is_places_table(path: Path) -> bool:
    """A table of places (its header is name,short,level), not of names."""
    text = read_text(Path(path), head=4096)  # a device, a pipe, a binary file: not read
    if isinstance(text, Problem):
        return False
    header = (text.splitlines() or [""])[0].strip().split(",")
    return header[:1] == ["name"] and "level" in header


def read_places(path: str | Path) -> tuple[dict[str, tuple[str, str]], list[Problem]]:
    """name or short name → (full name, level), and every problem of the table."""
    path = Path(path)
    text = read_text(path)
    if isinstance(text, Problem):
        return {}, [text]
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in PLACE_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        return {}, [Problem(f"{path}:1", f"缺少列:{'、'.join(missing)};"
                                         f"应有的列为 {','.join(PLACE_COLUMNS)}")]
    places: dict[str, tuple[str, str]] = {}
    problems = []
    for n, row in enumerate(reader, start=2):
        full, short, level = ((row.get(c) or "").strip() for c in PLACE_COLUMNS)
        where = f"{path}:{n}"
        if not full or level not in LEVELS or not level:
            problems.append(Problem(where, f"地名须有名称和级别,级别为 "
                                           f"{'、'.join(x for x in LEVELS if x)} 之一"))
            continue
        for name in (full, short):
            if name and name in places and places[name] != (full, level):
                problems.append(Problem(where, f"“{name}”也是 {places[name][0]}"
                                               f"({places[name][1]})"))
            elif name:
                places[name] = (full, level)
    return places, problems


def check_tables(paths: Sequence[str | Path]) -> list[Problem]:
    """Every problem of every table in `paths` (tables of names or of places)."""
    problems = []
    for path in paths:
        problems += (read_places(path)[1] if is_places_table(Path(path))
                     else read_table(path)[1])
    return problems


def shipped_tables() -> list[Path]:
    """The tables taskmap ships: names, then places."""
    return [national_dir() / "functions.csv", national_dir() / "places.csv"]
