"""Extraction beyond one machine: the plans read on a Dask cluster, into the same Parquet
dataset `taskmap extract -f parquet` writes on one machine (extra `taskmap[dask]`).

>>> from taskmap.dask import extract
>>> extract(["plans/"], "dataset/", scheduler="tcp://10.0.0.5:8786")  # doctest: +SKIP
{'read': 41980, 'kept': 0, 'failed': 20}

The workers read batches of plans and send back their rows (`taskmap.rows`); this process writes
the part files and the manifest as the batches arrive, in input order, so the dataset is the
one a single machine writes — byte for byte the same rows — and a re-run reads only the plans
that changed. The workers need taskmap installed and the plan files at the same paths (a
shared or copied folder); nothing is written by them.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from pathlib import Path

from . import workers
from .corpus import write_dataset
from .errors import ClusterError

PER_TASK = 50  # plans a cluster task reads: big enough to hide the scheduler's overhead
AHEAD = 4  # batches a worker may have finished before this process takes them


def extract(inputs: Sequence[str | Path], out: str | Path, scheduler=None,
            aliases: Sequence[str | Path] = (), progress: Callable[[Path], None] | None = None,
            per_task: int = PER_TASK,
            mending: Callable[[str], None] | None = None,
            sole_lead: bool = False) -> dict[str, int]:
    """Read the plans `inputs` name (files, folders, globs) on a Dask cluster into the dataset
    folder `out`. `scheduler`: the address of a running scheduler (``tcp://host:8786``), a
    `distributed.Client`, or None for the client already made in this process, else a local
    cluster of one worker a core. Returns the counts `write_dataset` returns (`mending`:
    as there; `sole_lead`: as in `pipeline.parse_document`)."""
    client, owned = _client(scheduler)
    try:
        runner = partial(_on_cluster, client, per_task=per_task, sole_lead=sole_lead)
        return write_dataset(inputs, out, aliases, progress=progress, runner=runner,
                             mending=mending, sole_lead=sole_lead)
    finally:
        if owned:
            cluster = client.cluster
            client.close()
            if cluster is not None:
                cluster.close()


def _client(scheduler):
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ClusterError("未安装 Dask:pip install 'taskmap[dask]'"
                           "(dask is not installed)") from None
    if isinstance(scheduler, Client):
        return scheduler, False
    if scheduler is None:
        try:
            from distributed import default_client

            return default_client(), False
        except ValueError:  # no client in this process: one worker a core, here
            cluster = LocalCluster(threads_per_worker=1, processes=True, dashboard_address=":0")
            return Client(cluster), True
    try:
        # how long to try: Dask's own setting (distributed.comm.timeouts.connect, 30 s)
        return Client(str(scheduler)), True
    except (OSError, TimeoutError) as e:
        raise ClusterError(f"{scheduler}: 无法连接 Dask 调度器(cannot reach the scheduler): "
                           f"{e}") from None


def _read_batch(paths: list[str], aliases: tuple[str, ...], sole_lead: bool = False
                ) -> list[tuple[str, str | None, object]]:
    """On a worker: each plan's rows, or why it could not be read."""
    return [workers.rows((path, aliases, sole_lead)) for path in paths]


def _on_cluster(client, paths: Sequence[str], aliases: tuple[str, ...],
                per_task: int = PER_TASK, sole_lead: bool = False
                ) -> Iterator[tuple[str, str | None, object]]:
    """Each plan's result in the order of `paths`, read in batches on the cluster; at most
    AHEAD batches a worker are in flight, so neither side holds the whole corpus."""
    batches = [list(paths[i:i + per_task]) for i in range(0, len(paths), per_task)]
    window = AHEAD * max(1, len(client.scheduler_info().get("workers", {})))
    pending: deque = deque()
    todo = iter(batches)
    for _ in range(window):
        _submit(client, todo, aliases, pending, sole_lead)
    while pending:
        future = pending.popleft()
        results = future.result()
        future.release()
        _submit(client, todo, aliases, pending, sole_lead)
        yield from results


def _submit(client, todo, aliases, pending: deque, sole_lead: bool = False) -> None:
    item = next(todo, None)
    if item is not None:
        pending.append(client.submit(_read_batch, item, aliases, sole_lead, pure=False))
