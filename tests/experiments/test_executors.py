"""Executors: in process, local processes, Dask; all through concurrent.futures."""

import concurrent.futures as cf
import operator

import pytest

from abm.experiments.executors import SerialExecutor, make_executor


def test_the_serial_executor_runs_at_once_and_hands_back_errors():
    executor = SerialExecutor()
    assert executor.submit(operator.add, 2, 3).result() == 5
    failed = executor.submit(operator.truediv, 1, 0)
    assert isinstance(failed.exception(), ZeroDivisionError)
    assert list(executor.map(operator.neg, [1, 2])) == [-1, -2]


def test_one_worker_runs_in_process_more_in_a_pool():
    executor, workers, backend, close = make_executor(1, None)
    assert (workers, backend) == (1, "serial") and isinstance(executor, SerialExecutor)
    close()
    executor, workers, backend, close = make_executor(2, None)
    try:
        assert (workers, backend) == (2, "processes")
        assert isinstance(executor, cf.ProcessPoolExecutor)
        assert executor.submit(operator.mul, 6, 7).result() == 42
    finally:
        close()


def test_an_unreachable_scheduler_fails_fast():
    with pytest.raises((OSError, TimeoutError)):
        make_executor(None, "tcp://127.0.0.1:9")
