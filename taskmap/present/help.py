"""The help of the command line, in Chinese and at any width: `taskmap --help` and each
command's help, drawn here instead of by typer's rich help (whose own words are English —
Usage, Options, [default: …], Show this message and exit. — which reads help texts as
markup, so that `taskmap[web]` loses its `[web]`, and which breaks lines only at spaces,
so that a Chinese sentence is cut with `…` or broken inside `CSV`).

Lines of mixed Chinese and Latin text break between two Chinese characters, at a space,
or between a Chinese character and a Latin word, never inside a Latin word (`CSV`,
`--format`, `taskmap[web]`) unless it is wider than the line; closing punctuation (,。、)
never starts a line and opening punctuation never ends one. Help texts are plain text.

The click objects are read by their attributes only (name, params, opts, help, …): this
module imports neither click nor typer.
"""

from __future__ import annotations

import inspect
import io
import re
from collections.abc import Iterable
from enum import Enum
from pathlib import Path

from rich.box import ROUNDED
from rich.cells import cell_len, chop_cells
from rich.console import Console, Group
from rich.padding import Padding
from rich.panel import Panel
from rich.text import Text

# wide characters: CJK, fullwidth forms, CJK punctuation
_WIDE = "\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\u3000-\u303f"
_OPEN = "(《「『【〈“‘〔［"
_CLOSE = ",。、;:?!)》」』】〉”’〕］%"
# a unit no line breaks: a bracketed tag ([默认:zh]), a Chinese character, a Latin word,
# each with the punctuation that may not be parted from it
_UNIT = re.compile(rf"[{_OPEN}]*(?:\[[^\[\]\s]{{1,24}}\]|[{_WIDE}]|[^\s{_WIDE}“‘”’]+|[“‘”’])"
                   rf"[{_CLOSE}]*|\s+")
_JOIN = re.compile(rf"(?<=[{_WIDE}“”‘’])\n|\n(?=[{_WIDE}“”‘’])")

MAX_WIDTH = 100  # wider terminals: lines a reader can still follow
NAME_CAP = 24  # an option's names wider than this: its help starts on the next line

USAGE = "用法:"
ARGUMENTS, OPTIONS, COMMANDS = "参数", "选项", "命令"
HELP_TEXT = "显示本帮助并退出。"
REQUIRED = "[必填]"
DEFAULT = "[默认:{}]"
# the kind of value an option takes, by the type typer gives it
METAVARS = {"int": "整数", "float": "数", "str": "文本", "path": "路径"}


def join_lines(text: str) -> str:
    """A paragraph's lines as one line: a line break beside a Chinese character is
    nothing, any other one space (`inspect.cleandoc` has removed the indentation)."""
    return " ".join(_JOIN.sub("", text).split("\n"))


def wrap(text: str, width: int) -> list[str]:
    """`text` (one paragraph) as lines at most `width` cells wide (see the module doc)."""
    width = max(width, 4)
    lines: list[str] = []
    line, used = "", 0
    for unit in _UNIT.findall(text):
        if unit.isspace():
            if line:
                line, used = line + " ", used + 1
            continue
        size = cell_len(unit)
        if used + size <= width:
            line, used = line + unit, used + size
            continue
        if line.strip():
            lines.append(line.rstrip())
        line, used = "", 0
        while cell_len(unit) > width:  # a word wider than the line: folded
            head = chop_cells(unit, width)[0]
            while len(head) > 1 and unit[len(head)] in _CLOSE:  # , 。 never start a line
                head = head[:-1]
            lines.append(head)
            unit = unit[len(head):]
        line, used = unit, cell_len(unit)
    if line.strip():
        lines.append(line.rstrip())
    return lines or [""]


def paragraphs(text: str | None) -> list[str]:
    """A docstring or help text as paragraphs, each on one line."""
    text = inspect.cleandoc(text or "").partition("\f")[0]
    return [join_lines(p) for p in text.split("\n\n") if p.strip()]


def width_of(console: Console | None = None) -> int:
    """The width help is drawn at: the terminal's (COLUMNS), at most MAX_WIDTH."""
    return min((console or Console()).width, MAX_WIDTH)


# ------------------------------------------------------------------------ usage line

def _argument_name(param) -> str:
    name = param.metavar or (param.name or "").upper()
    return f"{name}..." if param.nargs == -1 else name


def usage(ctx) -> str:
    """用法:taskmap extract [选项] 方案... — the usage line of `ctx`'s command."""
    command = ctx.command
    pieces = [f"{USAGE}{ctx.command_path}", f"[{OPTIONS}]"]
    for param in command.get_params(ctx):
        if getattr(param, "param_type_name", "") == "argument":
            name = _argument_name(param)
            pieces.append(name if param.required else f"[{name}]")
    if hasattr(command, "list_commands"):
        pieces.append(f"{COMMANDS} [{ARGUMENTS}]...")
    return " ".join(pieces)


# ------------------------------------------------------------------------- one option

def _is_help(param, ctx) -> bool:
    return bool(set(param.opts) & set(ctx.help_option_names))


def _names(param) -> str:
    if getattr(param, "param_type_name", "") == "argument":
        return _argument_name(param)
    shorts = [o for o in (*param.opts, *param.secondary_opts) if not o.startswith("--")]
    longs = [o for o in param.opts if o.startswith("--")]
    negative = [o for o in param.secondary_opts if o.startswith("--")]
    names = ", ".join([*shorts, "/".join([*longs, *negative])])
    metavar = _metavar(param)
    return f"{names} {metavar}" if metavar else names


def _choices(param) -> list[str]:
    descriptor = getattr(param, "type_descriptor", None)
    choices = getattr(descriptor, "choices", None)
    return [str(getattr(c, "value", c)) for c in choices or ()]


def _metavar(param) -> str:
    """What an option takes, in Chinese: 整数, 文本, 路径, or a choice's values."""
    if getattr(param, "is_flag", False) or getattr(param, "count", False):
        return ""
    if param.metavar:
        return param.metavar
    choices = _choices(param)
    if choices:
        return "值"
    descriptor = getattr(param, "type_descriptor", None)
    annotation = getattr(descriptor, "annotation", None)
    for kind, word in METAVARS.items():
        if _mentions(annotation, kind):
            return word
    return "值"


def _mentions(annotation, kind: str) -> bool:
    if annotation is None:
        return False
    if kind == "path":
        return annotation is Path or "Path" in str(annotation)
    return getattr(annotation, "__name__", "") == kind or f"[{kind}]" in str(annotation)


def _default(param) -> str | None:
    show = getattr(param, "show_default", None)
    if isinstance(show, str):
        return show
    if show is False or getattr(param, "param_type_name", "") == "argument":
        return None
    value = param.default
    if callable(value) and not isinstance(value, Enum):
        return None
    if getattr(param, "is_flag", False):
        if not param.secondary_opts:
            return None
        return param.opts[-1] if value else param.secondary_opts[-1]
    if isinstance(value, Enum):
        return str(value.value)
    if value is None or value == [] or value == ():
        return None
    return str(value)


def option_help(param, ctx) -> str:
    """An option's help text, with its choices (when the text does not list them), its
    default and whether it is required."""
    if _is_help(param, ctx):
        return HELP_TEXT
    text = " ".join(paragraphs(getattr(param, "help", None)))
    choices = _choices(param)
    if choices and not all(c in text for c in choices):
        text += f"可选:{'、'.join(choices)}。"
    extra = []
    default = _default(param)
    if default is not None and default not in ("", "None"):
        extra.append(DEFAULT.format(default))
    if param.required:
        extra.append(REQUIRED)
    return " ".join([text, *extra]).strip()


# ------------------------------------------------------------------------- the page

def _rows(rows: Iterable[tuple[str, str]], width: int) -> Text:
    """Name-help rows inside a panel `width` cells wide (its border and padding less)."""
    rows = list(rows)
    cap = min(max((cell_len(n) for n, _ in rows), default=0), NAME_CAP, width // 3)
    room = width - cap - 2
    out: list[str] = []
    for name, text in rows:
        lines = wrap(text, room) if text else [""]
        if cell_len(name) > cap:
            out.append(name)
            out.extend(" " * (cap + 2) + line for line in lines)
            continue
        out.append(name + " " * (cap - cell_len(name) + 2) + lines[0])
        out.extend(" " * (cap + 2) + line for line in lines[1:])
    page = Text("\n".join(line.rstrip() for line in out))
    page.highlight_regex(r"(?<![\w-])--?[A-Za-z][\w-]*", "bold cyan")
    return page


def _panel(title: str, rows: list[tuple[str, str]], width: int) -> Panel:
    return Panel(_rows(rows, width - 4), title=title, title_align="left", box=ROUNDED,
                 border_style="dim", width=width, padding=(0, 1))


def help_page(command, ctx, width: int) -> Group:
    """The help of `command` (a click command or group) as rich renderables."""
    parts: list = [Padding(Text(usage(ctx), style="bold"), (1, 1, 1, 1))]
    for k, paragraph in enumerate(paragraphs(command.help)):
        parts.append(Padding(Text("\n".join(wrap(paragraph, width - 2)),
                                  style="" if k == 0 else "dim"), (0, 1, 1, 1)))
    params = [p for p in command.get_params(ctx) if not getattr(p, "hidden", False)]
    arguments = [(_names(p), option_help(p, ctx)) for p in params
                 if getattr(p, "param_type_name", "") == "argument"]
    options = [(_names(p), option_help(p, ctx)) for p in params
               if getattr(p, "param_type_name", "") != "argument"]
    if arguments:
        parts.append(_panel(ARGUMENTS, arguments, width))
    if options:
        parts.append(_panel(OPTIONS, options, width))
    if hasattr(command, "list_commands"):
        commands = []
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                text = (paragraphs(sub.short_help or sub.help) or [""])[0]
                commands.append((name, text))
        if commands:
            parts.append(_panel(COMMANDS, commands, width))
    return Group(*parts)


def render_help(command, ctx, color: bool = False) -> str:
    """The help page as text (with ANSI styles when `color`), at the terminal's width."""
    width = width_of()
    console = Console(width=width, record=True, force_terminal=color, no_color=not color,
                      highlight=False, markup=False, emoji=False,
                      file=io.StringIO())
    console.print(help_page(command, ctx, width))
    return console.export_text(styles=color)
