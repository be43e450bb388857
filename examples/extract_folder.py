"""Extract every plan in a folder into one CSV of assignments (one row per agency per task).

    python examples/extract_folder.py data/ -o assignments.csv

Uses only the library API: `taskmap.load_plan` and `taskmap.present.files.csv_rows`.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import taskmap
from taskmap.present.files import CSV_COLUMNS, csv_rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("-o", "--output", type=Path, default=Path("assignments.csv"))
    args = parser.parse_args()
    plans = sorted(args.folder.glob("*.txt"))
    with args.output.open("w", encoding="utf-8-sig", newline="") as f:  # BOM: Excel reads UTF-8
        writer = csv.DictWriter(f, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        for path in plans:
            try:
                plan = taskmap.load_plan(path)
            except taskmap.TaskmapError as e:
                print(f"skipped: {e}", file=sys.stderr)
                continue
            writer.writerows(csv_rows(plan))
            print(f"{path.name}: {len(plan.tasks)} tasks, {len(plan.warnings)} warnings")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
