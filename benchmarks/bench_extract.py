"""Extraction speed and memory on a large synthetic plan (run on demand: `make bench`).

Builds a plan of N tasks from the grammar's common shapes, times `parse_text` over it and
reports the peak traced memory. Figures go in the README; no unit test asserts on time.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc

import taskmap

SHAPES = (
    "(牵头单位:区发改委,责任单位:区工信局、住建局、生态环境分局)",
    "〔牵头单位:市能源局;责任单位:市住房城乡建设局(市城市综合执法局)、市水务局〕",
    "(省发展改革委牵头,省财政厅、省自然资源厅等按职责分工负责,2025年底前完成)",
    "(责任单位:省经信厅、省科技厅,各市、县〔市、区〕人民政府落实)",
)


def synthetic_plan(tasks: int) -> str:
    lines = ["青岚市某领域行动方案", "一、重点任务", "(各项任务列第一位的为牵头单位)"]
    for n in range(tasks):
        if n % 10 == 0:
            lines.append(f"({'一二三四五六七八九十'[n // 10 % 10]})第{n // 10 + 1}个行动领域")
        lines.append(f"{n % 10 + 1}.推进第{n}项重点工作。加快实施相关工程,完善配套政策,"
                     f"到2025年完成阶段目标。{SHAPES[n % len(SHAPES)]}")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tasks", type=int, default=5000)
    args = parser.parse_args()
    text = synthetic_plan(args.tasks)
    taskmap.parse_text(text[:2000])  # warm caches (character tables)
    start = time.perf_counter()
    plan = taskmap.parse_text(text)
    elapsed = time.perf_counter() - start
    tracemalloc.start()  # a second run for memory: tracing slows Python, so it is not timed
    taskmap.parse_text(text)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{len(plan.tasks)} tasks, {len(text):,} characters: {elapsed:.2f} s "
          f"({len(plan.tasks) / elapsed:,.0f} tasks/s), peak traced memory {peak / 2**20:.1f} MiB")


if __name__ == "__main__":
    main()
