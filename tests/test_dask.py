"""The plans read on a real Dask cluster (a LocalCluster of two worker processes) give the
dataset one machine gives."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DEMO_PLANS, plan_copies
from polars.testing import assert_frame_equal

from taskmap.corpus import TABLES, open_dataset, write_dataset

distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")

ROOT = Path(__file__).resolve().parents[1]
# each demo plan once (data/ holds two of them a second time in another encoding)
DEMO = DEMO_PLANS


@pytest.fixture(scope="module")
def cluster():
    with (distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                   dashboard_address=":0") as local,
          distributed.Client(local) as client):
        yield client


@pytest.fixture
def plans(tmp_path: Path) -> Path:
    return plan_copies(tmp_path / "plans", 3, broken="9-broken.docx")


def test_a_cluster_writes_the_dataset_one_machine_writes(cluster, plans, tmp_path):
    from taskmap.dask import extract

    here, there = tmp_path / "here", tmp_path / "there"
    local = write_dataset([plans], here, jobs=1)
    remote = extract([plans], there, cluster, per_task=4)
    assert remote == local and local["failed"] == 1
    assert len(cluster.scheduler_info()["workers"]) == 2
    a, b = open_dataset(here), open_dataset(there)
    for name in TABLES:
        assert_frame_equal(getattr(a, name).collect(), getattr(b, name).collect())
    assert a.failures == b.failures
    # a re-run on the cluster reads only what changed
    (plans / f"0-{DEMO[0].name}").unlink()
    assert extract([plans], there, cluster) == {"read": 0, "kept": 3 * len(DEMO) - 1,
                                                "failed": 1, "duplicates": 0}


def test_the_cli_reads_on_a_scheduler_by_its_address(cluster, plans, tmp_path):
    out = tmp_path / "ds"
    result = subprocess.run(
        [sys.executable, "-m", "taskmap", "extract", str(plans), "-f", "parquet", "-o", str(out),
         "--scheduler", cluster.scheduler.address], cwd=ROOT, capture_output=True, text=True,
        env={**os.environ, "COLUMNS": "120"}, timeout=300)
    assert result.returncode == 0, result.stderr
    assert f"新读取 {3 * len(DEMO)} 个方案" in result.stderr and "9-broken.docx" in result.stderr
    assert open_dataset(out).plans.collect().height == 3 * len(DEMO)


def test_an_unreachable_scheduler_is_one_line(plans, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "taskmap", "extract", str(plans), "-f", "parquet", "-o",
         str(tmp_path / "ds"), "--scheduler", "tcp://127.0.0.1:9"], cwd=ROOT,
        capture_output=True, text=True, timeout=300,
        env={**os.environ, "DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "2s"})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "tcp://127.0.0.1:9" in result.stderr
