"""CPU a plan against an earlier build (run on demand; figures in the README).

Parses every plan of `data/` and, when present, `../shared` in one process with
`taskmap.parse_text`, for this checkout and for an earlier build (`--base`, a git revision,
default the build before issue #21) exported to a temporary folder — the yardstick is that
build, measured in the same run on the same texts.

Two measures:
- instructions a plan, counted by valgrind's callgrind (when installed): a run of two
  passes over the plans less a run of one, so imports, the lexicon and the alias tables'
  indexes fall out. Deterministic to ~0.1 %, so it tells a 3 % change on a shared machine;
- CPU time a plan (`time.process_time`), best of `--passes`, in `--rounds` rounds that
  alternate the two builds; on a shared machine the rounds' own ratios spread widely, the
  ratio of the medians is the figure.

Caches of readings are emptied before every pass, so no pass reuses the one before's.
Nothing here asserts.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
BASE = "3c3b3ca"  # main before issue #21 (mentions, layout recovery, reflow)

LOOP = """
import glob, sys, time
import taskmap
from taskmap.grammar import clauses
clear = getattr(getattr(clauses, "_read_content", None), "cache_clear", lambda: None)
files = sys.argv[3:]
texts = [open(f, encoding="utf-8", errors="replace").read() for f in files]
for t in texts[:5]:
    taskmap.parse_text(t)  # warm-up: lexicon, alias tables, their indexes
passes, best = int(sys.argv[1]), float("inf")
for _ in range(passes):
    clear()
    t0 = time.process_time()
    for t in texts:
        taskmap.parse_text(t)
    best = min(best, time.process_time() - t0)
if passes and sys.argv[2] == "time":
    print(best / len(texts) * 1000)
"""


def plans() -> list[str]:
    found = sorted(str(p) for p in (ROOT / "data").glob("*.txt"))
    for pattern in ("realplans*/docs/*.txt", "seeds/*.txt"):
        found += sorted(str(p) for p in SHARED.glob(pattern))
    return found


def export(rev: str, into: Path) -> Path:
    """The tree of `rev` (its taskmap/ and aliases/) written under `into`."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "taskmap", "aliases"],
                             check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def _run(root: Path, passes: int, mode: str, files: list[str],
         prefix: list[str] = ()) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(root), "PYTHONHASHSEED": "0"}
    return subprocess.run([*prefix, sys.executable, "-c", LOOP, str(passes), mode, *files],
                          env=env, cwd=tempfile.gettempdir(), capture_output=True, text=True,
                          check=True)


def instructions(root: Path, files: list[str]) -> float:
    """Instructions a plan for one pass (callgrind): a run of two passes less a run of one,
    so that what is built once a process (caches filled by the first pass's plans) falls
    out too — the steady state of a worker reading plan after plan."""
    counts = []
    for passes in (1, 2):
        out = _run(root, passes, "count", files, ["valgrind", "--tool=callgrind",
                                                   "--callgrind-out-file=/dev/null"]).stderr
        line = next(x for x in out.splitlines() if "refs:" in x)
        counts.append(int(line.split()[-1].replace(",", "")))
    return (counts[1] - counts[0]) / len(files)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default=BASE, help="the earlier build (a git revision)")
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--passes", type=int, default=3)
    args = parser.parse_args()
    files = plans()
    with tempfile.TemporaryDirectory() as tmp:
        base = export(args.base, Path(tmp))
        print(f"{len(files)} plans; base {args.base}, this checkout {ROOT}")
        if shutil.which("valgrind"):
            b, n = instructions(base, files), instructions(ROOT, files)
            print(f"instructions a plan: base {b / 1e6:.2f} M, now {n / 1e6:.2f} M, "
                  f"ratio {n / b:.3f}")
        else:
            print("valgrind not installed: instruction counts skipped")
        rounds = []
        for _ in range(args.rounds):
            b_ms = float(_run(base, args.passes, "time", files).stdout)
            n_ms = float(_run(ROOT, args.passes, "time", files).stdout)
            rounds.append((b_ms, n_ms))
        b_med = statistics.median(r[0] for r in rounds)
        n_med = statistics.median(r[1] for r in rounds)
        spread = sorted(n / b for b, n in rounds)
        print(f"CPU a plan: base {b_med:.2f} ms, now {n_med:.2f} ms, ratio of medians "
              f"{n_med / b_med:.3f} (rounds {spread[0]:.2f}–{spread[-1]:.2f})")


if __name__ == "__main__":
    main()
