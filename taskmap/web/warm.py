"""Imported by the parse children's forkserver only (`isolate.context`): it reads a small
plan of our own once, so the alias table and the grammar's compiled patterns are loaded
before any child is forked, and each child starts with them (a first parse in a fresh
process takes some ten times longer than the next)."""

from __future__ import annotations

from contextlib import suppress

from ..pipeline import national_table
from .uploads import Upload, read_uploads

WARM_TEXT = "一、总体要求\n二、重点任务\n1.加快推进各项工作。\n2.完善工作机制。\n"

with suppress(Exception):  # a failure here only costs the children their head start
    national_table()
    read_uploads([Upload("warm.txt", WARM_TEXT.encode("utf-8"))])
