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
