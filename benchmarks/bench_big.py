"""Big inputs stay linear (run on demand: `make bench`).

Measures, as a user meets them (the CLI in a subprocess, wall time and peak RSS):
- `taskmap extract` of a plan of about 50 MB (the demo plans repeated under other names);
- `taskmap diff` of two versions of a plan with about 5,000 tasks each (the second with
  a body renamed in every task and its sections shuffled);
each against a yardstick measured in the same run: a Python process that reads the same
files and runs one regular expression over them. Figures go in the README; no unit test
asserts on time.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"
PLAN = DATA / "qinglan_city_industry_plan.txt"
YARDSTICK = ("import re,sys\n"
             "n = sum(len(re.findall(r'[(〔【][^)〕】]*?(?:牵头|责任)', open(p, encoding='utf-8')"
             ".read())) for p in sys.argv[1:])\nprint(n)")


# Each measured command runs under a fresh watcher, whose children are that command alone.
WATCHER = ("import resource,subprocess,sys,time\n"
           "t = time.perf_counter()\n"
           "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)\n"
           "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")


def run(args: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one command."""
    out = subprocess.run([sys.executable, "-c", WATCHER, *args], check=True,
                         capture_output=True, text=True).stdout.split()
    return float(out[0]), int(out[1]) / 1024


def big_plan(folder: Path, megabytes: int) -> Path:
    text = PLAN.read_text(encoding="utf-8")
    parts, size, k = [], 0, 0
    while size < megabytes * 2**20:
        part = text.replace("青岚市", f"青岚{k}市")
        parts.append(part)
        size += len(part.encode("utf-8"))
        k += 1
    path = folder / "big.txt"
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


def two_versions(folder: Path, tasks: int) -> tuple[Path, Path]:
    lines = PLAN.read_text(encoding="utf-8").split("\n")
    head, body = lines[:7], lines[7:]
    old = list(head)
    for k in range(tasks // 16 + 1):
        old += [x.replace("推动", f"推动{k}") for x in body]
    new = [x.replace("市商务局", "市商务委") for x in old]
    chunks = [new[k:k + 40] for k in range(0, len(new), 40)]
    random.Random(7).shuffle(chunks)
    a, b = folder / "old.txt", folder / "new.txt"
    a.write_text("\n".join(old), encoding="utf-8")
    b.write_text("\n".join(x for c in chunks for x in c), encoding="utf-8")
    return a, b


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--megabytes", type=int, default=50)
    parser.add_argument("--tasks", type=int, default=5000)
    args = parser.parse_args()
    py, cli = sys.executable, [sys.executable, "-m", "taskmap"]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        plan = big_plan(folder, args.megabytes)
        size = plan.stat().st_size / 2**20
        yard = run([py, "-c", YARDSTICK, str(plan)])
        got = run([*cli, "extract", str(plan), "-f", "json", "-o", str(folder / "out.json")])
        print(f"extract, {size:.0f} MB plan: {got[0]:.1f} s, peak {got[1]:.0f} MiB "
              f"(yardstick {yard[0]:.2f} s, {yard[1]:.0f} MiB; {got[0] / yard[0]:.0f}x)")
        old, new = two_versions(folder, args.tasks)
        yard = run([py, "-c", YARDSTICK, str(old), str(new)])
        got = run([*cli, "diff", str(old), str(new), "-f", "json"])
        print(f"diff, two plans of ~{args.tasks:,} tasks: {got[0]:.1f} s, peak {got[1]:.0f} MiB "
              f"(yardstick {yard[0]:.2f} s; {got[0] / yard[0]:.0f}x)")


if __name__ == "__main__":
    main()
