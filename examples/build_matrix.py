"""Build the agency × area lead matrix for a folder of plans, with the library.

    python examples/build_matrix.py data/ --by function

Prints the pooled matrix and writes it as CSV next to the per-plan one.
"""

from __future__ import annotations

import argparse

import polars as pl

import taskmap


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder")
    parser.add_argument("--by", choices=["canonical", "function"], default="canonical")
    parser.add_argument("-o", "--output", default="matrix_lead.csv")
    args = parser.parse_args()
    plans = taskmap.load_plans([args.folder])
    matrix = taskmap.build_matrix(plans, role="lead", by=args.by)
    per_plan = taskmap.build_matrix(plans, role="lead", by=args.by, per_plan=True)
    with pl.Config(tbl_rows=15, tbl_cols=8, fmt_str_lengths=20):
        print(matrix)
    matrix.write_csv(args.output)
    per_plan.write_csv(args.output.replace(".csv", "_per_plan.csv"))
    print(f"{len(plans)} plans, {matrix.height} rows: wrote {args.output}")


if __name__ == "__main__":
    main()
