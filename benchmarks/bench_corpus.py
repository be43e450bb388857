"""Many plans: cold start, a corpus report, all cores, flat memory, a dataset re-run, and a
Dask cluster (run on demand: `make bench-corpus`; figures in the README).

Every figure is a ratio to a yardstick measured in the same run, on the same files:
- cold `taskmap extract` of one plan to JSON, against the floor of a CLI that imports typer
  and rich and does nothing (CPU seconds, median of 5);
- `taskmap report` over a corpus with one core, against one regular expression run over the
  same files by one Python process (CPU seconds); `--jobs 2` against `--jobs 1` (wall);
- peak memory of the whole process tree (the CLI and its workers, sampled from /proc) at 1×
  and 10× a corpus;
- `taskmap extract -f parquet` re-run over unchanged plans, against its first run (wall);
- `taskmap.dask.extract` on a LocalCluster of 2 workers against 1 worker (wall).

The corpus is the demo plans in data/ and, when present, the reference and published plans
in ../shared, each copied under distinct names with a line that tells the copies apart (so
that no copy is the same plan twice). Nothing here is a unit test and nothing asserts.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEED = SHARED / "seeds" / "003_efad0915cf788bc2.txt"
TASKMAP = [sys.executable, "-m", "taskmap"]
FLOOR = ("import typer, rich.console\napp = typer.Typer()\napp.command()(lambda: None)\napp()")
YARDSTICK = ("import re,sys,os\n"
             "files = [os.path.join(d, f) for d in sys.argv[1:] for f in sorted(os.listdir(d))]\n"
             "pattern = re.compile(r'[(〔【][^)〕】]*?(?:牵头|责任)')\n"
             "n = 0\n"
             "for p in files:\n"
             "    raw = open(p, 'rb').read()\n"
             "    for enc in ('utf-8', 'utf-16', 'gb18030'):\n"
             "        try:\n"
             "            n += len(pattern.findall(raw.decode(enc))); break\n"
             "        except UnicodeDecodeError:\n"
             "            pass\n"
             "print(n)")


def sources() -> list[tuple[str, str, str]]:
    """(name, text, encoding) of every distinct plan text at hand."""
    files = sorted((ROOT / "data").glob("*.txt"))
    if SHARED.is_dir():
        files += sorted((SHARED / "seeds").glob("*.txt"))
        files += sorted((SHARED / "realplans" / "docs").glob("*.txt"))
    out, seen = [], set()
    for path in files:
        raw = path.read_bytes()
        for encoding in ("utf-8", "utf-16", "gb18030"):
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        if text.lstrip("\ufeff") not in seen:
            seen.add(text.lstrip("\ufeff"))
            out.append((path.stem, text, encoding))
    return out


def corpus(folder: Path, plans: int) -> Path:
    """`plans` plan files in `folder`: the sources again and again, each copy marked."""
    folder.mkdir(parents=True, exist_ok=True)
    found = sources()
    for k in range(plans):
        name, text, encoding = found[k % len(found)]
        copy = k // len(found)
        (folder / f"{copy:05d}-{name}.txt").write_bytes(
            (text + f"\n(本文件为第{copy}份副本)\n").encode(encoding))
    return folder


def measure(args: list[str], env: dict | None = None, memory: bool = True) -> dict[str, float]:
    """Wall and CPU seconds of a command and its children, and (with `memory`) the peak
    summed RSS (MiB) of its process tree, sampled every 50 ms from /proc. Timings are taken
    without sampling: a scan of /proc costs CPU that a 2-core run of 2 workers would feel."""
    start = time.perf_counter()
    before = os.times()
    errors = tempfile.TemporaryFile()  # noqa: SIM115 (a pipe read at the end would fill up)
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=errors,
                            env={**os.environ, **(env or {})}, cwd=ROOT)
    peak = 0
    while memory and proc.poll() is None:
        peak = max(peak, _tree_rss(proc.pid))
        time.sleep(0.05)
    proc.wait()
    wall = time.perf_counter() - start
    after = os.times()
    if proc.returncode:
        errors.seek(0)
        raise SystemExit(f"{' '.join(args)} failed: {errors.read().decode()[-500:]}")
    cpu = (after.children_user - before.children_user) + (after.children_system
                                                          - before.children_system)
    return {"wall": wall, "cpu": cpu, "rss": peak / 1024}


def _tree_rss(root: int) -> int:
    """Summed VmRSS (KiB) of `root` and its descendants."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(entry.path, "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry.name))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


def median(args: list[str], key: str, runs: int = 5) -> float:
    return statistics.median(measure(args, memory=key == "rss")[key] for _ in range(runs))


def cold() -> None:
    plan = SEED if SEED.is_file() else ROOT / "data" / "qinglan_city_industry_plan.txt"
    ours = median([*TASKMAP, "extract", str(plan), "-f", "json"], "cpu")
    floor = median([sys.executable, "-c", FLOOR], "cpu")
    print(f"cold extract of {plan.name} to JSON: {ours:.2f} s CPU; CLI floor {floor:.2f} s; "
          f"ratio {ours / floor:.1f}x (goal <= 3x)")


def report(folder: Path, plans: int, runs: int = 5) -> None:
    """Medians of `runs` rounds, each round -j 1, -j 2, the yardstick and the machine's own
    ceiling one after the other (so that a slower spell of a shared machine weighs on all
    alike). The ceiling: two `-j 1` reports at once against one alone (1.00 when the two
    cores give two cores' work; a shared host's neighbours take from that)."""
    rounds = []
    for _ in range(runs):
        one = measure([*TASKMAP, "report", str(folder), "-j", "1"], memory=False)
        two = measure([*TASKMAP, "report", str(folder), "-j", "2"], memory=False)
        regex = measure([sys.executable, "-c", YARDSTICK, str(folder)], memory=False)
        rounds.append((one, two, regex, one["wall"] / _together([*TASKMAP, "report",
                                                                  str(folder), "-j", "1"])))
    one, two, regex = ({key: statistics.median(r[k][key] for r in rounds)
                        for key in ("wall", "cpu")} for k in range(3))
    ratios = [r[1]["wall"] / r[0]["wall"] for r in rounds]
    print(f"report of {plans:,} plans: -j 1 {one['cpu']:.1f} s CPU ({one['wall']:.1f} s wall); "
          f"one-regex yardstick {regex['cpu']:.2f} s CPU; ratio "
          f"{one['cpu'] / regex['cpu']:.1f}x (goal <= 10x)")
    print(f"  -j 2: {two['wall']:.1f} s wall ({two['cpu']:.1f} s CPU); wall ratio to -j 1, "
          f"median of the rounds {statistics.median(ratios):.2f} (goal <= 0.6); rounds: "
          + ", ".join(f"{r:.2f} (ceiling {r3[3]:.2f})" for r, r3 in zip(ratios, rounds,
                                                                     strict=True))
          + f"; medians of {runs} rounds")


def _together(args: list[str]) -> float:
    """Wall seconds of two copies of a command started at once (the slower one)."""
    start = time.perf_counter()
    procs = [subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              cwd=ROOT) for _ in range(2)]
    for proc in procs:
        proc.wait()
    return time.perf_counter() - start


def memory(folder: Path, plans: int) -> None:
    run = measure([*TASKMAP, "report", str(folder)])
    print(f"report of {plans:,} plans (all cores): {run['wall']:.1f} s wall, peak "
          f"{run['rss']:.0f} MiB for the process tree (goal <= 300 MiB)")


def dataset(folder: Path, plans: int, out: Path) -> None:
    args = [*TASKMAP, "extract", str(folder), "-f", "parquet", "-o", str(out)]
    first = measure(args)
    again = measure(args)
    print(f"dataset of {plans:,} plans: first run {first['wall']:.1f} s wall "
          f"({first['rss']:.0f} MiB); re-run over unchanged plans {again['wall']:.1f} s; "
          f"ratio {again['wall'] / first['wall']:.1%} (goal <= 10%)")


DASK = ("import sys, time\n"
        "from distributed import Client, LocalCluster\n"
        "from taskmap.dask import extract\n"
        "if __name__ == '__main__':\n"
        "    with LocalCluster(n_workers=int(sys.argv[1]), threads_per_worker=1,\n"
        "                      dashboard_address=':0') as c, Client(c) as client:\n"
        "        t = time.perf_counter()\n"
        "        extract([sys.argv[2]], sys.argv[3], client)\n"
        "        print(time.perf_counter() - t)\n")


def cluster(folder: Path, plans: int, tmp: Path) -> None:
    try:
        import distributed  # noqa: F401
    except ImportError:
        print("dask: not installed (pip install 'taskmap[dask]'), skipped")
        return
    walls = {}
    for workers in (1, 2):
        out = subprocess.run([sys.executable, "-c", DASK, str(workers), str(folder),
                              str(tmp / f"dask{workers}")], capture_output=True, text=True,
                             check=True, cwd=ROOT).stdout.split()
        walls[workers] = float(out[-1])
    print(f"dask LocalCluster, {plans:,} plans into a dataset: 1 worker {walls[1]:.1f} s, "
          f"2 workers {walls[2]:.1f} s; ratio {walls[2] / walls[1]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=1300, help="the corpus (1x)")
    parser.add_argument("--big", type=int, default=4200, help="a bigger corpus for memory")
    parser.add_argument("--huge", type=int, default=42000,
                        help="10x the big corpus: memory and the dataset re-run (0: skip)")
    parser.add_argument("--only", choices=("cold", "report", "memory", "dataset", "dask"))
    parser.add_argument("--runs", type=int, default=5, help="rounds of the report figures")
    args = parser.parse_args()
    print(f"{len(sources())} distinct plan texts; {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="taskmap-bench-") as tmp:
        tmp = Path(tmp)
        if args.only in (None, "cold"):
            cold()
        if args.only in (None, "report", "dask"):
            small = corpus(tmp / "small", args.plans)
            if args.only != "dask":
                report(small, args.plans, args.runs)
            if args.only in (None, "dask"):
                cluster(small, args.plans, tmp)
        if args.only in (None, "memory", "dataset"):
            big = corpus(tmp / "big", args.big)
            if args.only != "dataset":
                memory(big, args.big)
            if args.huge:
                huge = corpus(tmp / "huge", args.huge)
                if args.only != "dataset":
                    memory(huge, args.huge)
                if args.only in (None, "dataset"):
                    dataset(huge, args.huge, tmp / "dataset")
            elif args.only in (None, "dataset"):
                dataset(big, args.big, tmp / "dataset")


if __name__ == "__main__":
    main()
