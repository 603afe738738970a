"""Where a sweep's runs execute, through the ``concurrent.futures`` executor protocol: in
process, in local worker processes, or on a Dask cluster. A run's result depends only on its
parameters and seed, so the backend and the number of workers change nothing."""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
from collections.abc import Callable


class SerialExecutor(cf.Executor):
    """Runs each task when it is submitted, in this process (no parallelism, no pickling)."""

    def submit(self, fn, /, *args, **kwargs):
        future: cf.Future = cf.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as err:  # noqa: BLE001 - handed to the caller through the future
            future.set_exception(err)
        return future


def process_executor(workers: int | None = None) -> cf.ProcessPoolExecutor:
    """Local worker processes, forked from a server that has imported the model once."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["abm", "abm.experiments.runs"])
    return cf.ProcessPoolExecutor(max_workers=workers or os.cpu_count(), mp_context=context)


class DaskBackend:
    """A Dask cluster as a concurrent.futures executor: a new LocalCluster by default, or the
    scheduler at ``address`` (e.g. one started with dask-jobqueue on SLURM)."""

    def __init__(self, address: str | None = None, workers: int | None = None) -> None:
        from dask.distributed import Client, LocalCluster

        self.cluster = None
        if address:
            self.client = Client(address, timeout="10s")
        else:
            self.cluster = LocalCluster(n_workers=workers or os.cpu_count(),
                                        threads_per_worker=1, processes=True,
                                        dashboard_address=None, host="127.0.0.1")
            self.client = Client(self.cluster)
        self.executor = self.client.get_executor(pure=False)
        self.workers = len(self.client.scheduler_info()["workers"])

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def make_executor(workers: int | None, dask: str | bool | None
                  ) -> tuple[cf.Executor, int, str, Callable[[], None]]:
    """The executor the options ask for: (executor, workers, backend name, close)."""
    if dask:
        backend = DaskBackend(None if dask is True else dask, workers)
        return backend.executor, backend.workers, "dask", backend.close
    workers = workers or os.cpu_count() or 1
    if workers == 1:
        return SerialExecutor(), 1, "serial", lambda: None
    pool = process_executor(workers)
    return pool, workers, "processes", lambda: pool.shutdown(cancel_futures=True)
