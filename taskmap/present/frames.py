"""Frames and matrices out as files for analysts: CSV, JSON or Parquet, one file each."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import polars as pl

from .. import engine
from ..corpus import Corpus
from ..errors import TaskmapError
from ..models import Plan
from ..safe import replacing_folder
from .files import people_csv
from .outputs import CSV_ENCODING

FORMATS = ("csv", "json", "parquet")


def frames(plans: Sequence[Plan] | Corpus, by: str = "canonical", implicit: bool = True,
           collective: bool = True) -> dict[str, pl.DataFrame]:
    """Every frame the workbook is built from, by file stem (from Plans, or a Corpus)."""
    corpus = plans if isinstance(plans, Corpus) else Corpus.from_plans(plans)
    data = corpus.assignments.collect()
    switches: dict[str, Any] = {"by": by, "implicit": implicit, "collective": collective}
    return {
        "plans": corpus.plans.collect(),
        "tasks": corpus.tasks.collect(),
        "assignments": data,
        "agency_summary": engine.agency_summary(data, **switches),
        "matrix_lead": engine.build_matrix(data, role="lead", **switches),
        "matrix_responsible": engine.build_matrix(data, role="responsible", **switches),
        "matrix_all": engine.build_matrix(data, role="all", **switches),
        "co_assignments": engine.co_assignments(data, by=by),
    }


def write_frames(plans: Sequence[Plan] | Corpus, folder: str | Path, fmt: str,
                 english: bool = False, **switches) -> list[Path]:
    """Write every frame to `folder` as `<name>.<fmt>` (CSV with Chinese headers and values
    unless `english`); returns the paths written."""
    if fmt not in FORMATS:
        raise TaskmapError(f"不支持的格式 {fmt};可用:{'、'.join(FORMATS)}")
    folder = Path(folder)
    written = []
    with replacing_folder(folder) as tmp:  # every file, or none
        for name, frame in frames(plans, **switches).items():
            path = tmp / f"{name}.{fmt}"
            if fmt == "csv":  # for people: formulas neutralised and a BOM, like every CSV
                path.write_text(people_csv(frame.iter_rows(named=True), frame.columns,
                                           english=english, frame=name),
                                encoding=CSV_ENCODING)
            elif fmt == "json":
                path.write_text(frame.write_json() + "\n", encoding="utf-8")
            else:
                frame.write_parquet(path)
            written.append(folder / path.name)
    return written


FRAME_NAMES = ("plans", "tasks", "assignments", "agency_summary", "matrix_lead",
               "matrix_responsible", "matrix_all", "co_assignments")


def frame_files(fmt: str) -> list[str]:
    """The names of the files `write_frames` writes in a folder."""
    return [f"{name}.{fmt}" for name in FRAME_NAMES]
