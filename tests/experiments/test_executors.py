"""Executors: in process, local processes, Dask; all through concurrent.futures."""

import concurrent.futures as cf
import operator
import subprocess
import sys

import pandas as pd
import pytest

from abm.experiments.executors import SerialExecutor, make_executor, process_executor
from abm.experiments.store import load_runs


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


def test_a_script_without_a_main_guard_runs_a_parallel_sweep_once(tmp_path):
    """Worker processes do not import the caller's script again, so a script (or a notebook)
    need not guard its sweep with ``if __name__ == "__main__"``; the results are those of a
    serial run."""
    script = tmp_path / "unguarded.py"
    script.write_text(
        "import abm\n"
        "print('script imported')\n"
        "runs = abm.sweep({out!r}, preset='alliance', factors={{'monitoring': [0.0, 1.0]}},\n"
        "                 replicates=2, steps=4, fixed={{'n_nations': 8}}, workers={workers},\n"
        "                 progress=False)\n"
        "print(len(runs), 'runs')\n")
    outputs = {}
    for workers in (2, 1):
        out = tmp_path / f"out{workers}"
        text = script.read_text().format(out=str(out), workers=workers)
        path = tmp_path / f"unguarded_{workers}.py"
        path.write_text(text)
        proc = subprocess.run([sys.executable, str(path)], capture_output=True, text=True,
                              cwd=tmp_path, timeout=300)
        assert proc.returncode == 0, proc.stderr[-2000:]
        assert proc.stdout.count("script imported") == 1 and "4 runs" in proc.stdout
        outputs[workers] = load_runs(out).sort_values("key").reset_index(drop=True)
    columns = ["key", "seed", "effectiveness_tail_mean", "free_riding_rate_tail_mean"]
    pd.testing.assert_frame_equal(outputs[2][columns], outputs[1][columns])


def test_worker_processes_run_one_blas_thread_each():
    """Workers are the parallelism: each one's BLAS/OpenMP pools hold one thread (two
    threads each on two cores ran a calibration at a third of the speed)."""
    from threadpoolctl import threadpool_info

    pool = process_executor(2)
    try:
        threads = [info["num_threads"] for info in pool.submit(threadpool_info).result()]
    finally:
        pool.shutdown()
    assert threads and all(n == 1 for n in threads)
