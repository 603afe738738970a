"""Where a sweep's runs execute, through the ``concurrent.futures`` executor protocol: in
process, in local worker processes, or on a Dask cluster. A run's result depends only on its
parameters and seed, so the backend and the number of workers change nothing."""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import logging
import multiprocessing
import os
import select
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator


class SerialExecutor(cf.Executor):
    """Runs each task when it is submitted, in this process (no parallelism, no pickling)."""

    def submit(self, fn, /, *args, **kwargs):
        from threadpoolctl import threadpool_limits

        future: cf.Future = cf.Future()
        try:
            with threadpool_limits(1):  # as in a worker: BLAS's threads only spin here
                future.set_result(fn(*args, **kwargs))
        except BaseException as err:  # noqa: BLE001 - handed to the caller through the future
            future.set_exception(err)
        return future


class _WorkerPool(cf.ProcessPoolExecutor):
    """A process pool whose workers do not import the caller's script.

    multiprocessing starts a worker (and the fork server) by importing the main script
    again, so a script that starts a sweep without an ``if __name__ == "__main__"`` guard
    would start it again in every worker. The tasks a sweep sends name only this package's
    functions, so the workers need nothing from the script: while a task is submitted (when
    the pool starts its processes) the main module's file is hidden from multiprocessing.
    """

    def submit(self, fn, /, *args, **kwargs):
        with _main_script_hidden():
            return super().submit(fn, *args, **kwargs)


@contextlib.contextmanager
def _main_script_hidden() -> Iterator[None]:
    main = sys.modules.get("__main__")
    if main is None:
        yield
        return
    saved = {key: main.__dict__[key] for key in ("__file__", "__spec__") if key in main.__dict__}
    main.__dict__.pop("__file__", None)
    main.__spec__ = None  # (multiprocessing reads it; None: no module to import by name)
    try:
        yield
    finally:
        main.__dict__.pop("__spec__", None)
        main.__dict__.update(saved)


def worker_setup(driver: int) -> None:
    """Each local worker process, when it starts:

    - exits when the sweep's driver (process ``driver``) ends, however it ends (SIGKILL
      included). Nothing else would end it: its parent is multiprocessing's fork server,
      which waits for every worker to close its end of the server's pipe, and the workers
      hold their own queues' pipes open, so a killed driver used to leave the fork server,
      its workers (still computing) and the resource tracker running;
    - holds its BLAS/OpenMP pools to one thread: the workers are the parallelism, and two
      workers each running two BLAS threads on two cores ran the laboratory target's
      calibration at a third of the speed of one thread each (10.7 against 35.3 runs/s).
      (Dask's workers get the same limit from its own pre-spawn environment.)
    """
    from threadpoolctl import threadpool_limits

    threading.Thread(target=_exit_with, args=(driver,), daemon=True,
                     name="exit-with-driver").start()
    threadpool_limits(1)


def _exit_with(pid: int) -> None:
    """Block until process ``pid`` ends, then end this one (the fork server and the resource
    tracker then see their pipes close and end too)."""
    try:
        handle = os.pidfd_open(pid)  # Linux: told the moment it ends
        select.select([handle], [], [])
    except (AttributeError, OSError):  # elsewhere: look every half second
        while True:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            except PermissionError:
                pass
            time.sleep(0.5)
    os._exit(1)


def process_executor(workers: int | None = None) -> cf.ProcessPoolExecutor:
    """Local worker processes, forked from a server that has imported the model once."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["abm", "abm.experiments.runs"])
    return _WorkerPool(max_workers=workers or os.cpu_count(), mp_context=context,
                       initializer=worker_setup, initargs=(os.getpid(),))


class DaskBackend:
    """A Dask cluster as a concurrent.futures executor: a new LocalCluster by default, or the
    scheduler at ``address`` (e.g. one started with dask-jobqueue on SLURM)."""

    def __init__(self, address: str | None = None, workers: int | None = None) -> None:
        from dask.distributed import Client, LocalCluster

        self.cluster = None
        if address:
            self.client = Client(address, timeout="10s")
        else:
            # A Ctrl-C is the driver's to handle (it shuts the cluster down): the worker
            # processes start with SIGINT ignored, and log errors only, or a Ctrl-C printed
            # every worker's traceback and every cancelled task's warning (71 lines).
            with _sigint_ignored():
                self.cluster = LocalCluster(n_workers=workers or os.cpu_count(),
                                            threads_per_worker=1, processes=True,
                                            dashboard_address=None, host="127.0.0.1",
                                            silence_logs=logging.ERROR)
            self.client = Client(self.cluster)
        self.executor = self.client.get_executor(pure=False)
        self.workers = len(self.client.scheduler_info()["workers"])

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


@contextlib.contextmanager
def _sigint_ignored() -> Iterator[None]:
    """SIGINT ignored while processes start (they keep it ignored), then as before."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


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
