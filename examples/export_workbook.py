"""Write the Excel workbook for leadership from plan files or folders of plans.

    python examples/export_workbook.py data/ -o plans.xlsx
    python examples/export_workbook.py a.txt b.txt -o plans.xlsx --no-collective

Uses only the library API: `taskmap.load_plan` and `taskmap.write_workbook`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from openpyxl import load_workbook

import taskmap
from taskmap.present.xlsx.workbook import write_workbook


def plan_files(paths: list[Path]) -> list[Path]:
    """The files given, and the .txt plans of the folders given, in name order."""
    return [f for p in paths for f in (sorted(p.glob("*.txt")) if p.is_dir() else [p])]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("plans", nargs="+", type=Path, help="plan files or folders")
    parser.add_argument("-o", "--output", type=Path, default=Path("taskmap.xlsx"))
    parser.add_argument("--no-implicit", action="store_true", help="leave out implied bodies")
    parser.add_argument("--no-collective", action="store_true", help="leave out group bodies")
    parser.add_argument("--by", choices=["canonical", "function"], default="canonical")
    args = parser.parse_args()
    try:
        plans = [taskmap.load_plan(path) for path in plan_files(args.plans)]
    except taskmap.TaskmapError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    out = write_workbook(plans, args.output, implicit=not args.no_implicit,
                         collective=not args.no_collective, by=args.by)
    book = load_workbook(out, read_only=True)
    print(f"wrote {out} from {len(plans)} plans; sheets:")
    for ws in book.worksheets:
        if ws.sheet_state == "visible":  # not the hidden marker that makes it an input
            print(f"  {ws.title}")
    book.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
