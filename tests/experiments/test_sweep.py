"""The sweep engine: backends, streaming, resume after SIGKILL, failures, series."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from abm.experiments.designs import FullFactorial, ParameterSets
from abm.experiments.executors import DaskBackend, make_executor
from abm.experiments.store import load_runs, load_series
from abm.experiments.sweep import Experiment, chunk_size, run_key, run_sweep
from abm.scenarios.parameters import ParameterError

ROOT = Path(__file__).resolve().parents[2]


def small(name="t", replicates=2, steps=8, **kwargs):
    design = FullFactorial({"monitoring": [0.1, 0.9], "n_nations": [6, 9]},
                           replicates=replicates)
    return Experiment(name, design, preset="default", steps=steps, seed=7, **kwargs)


def table(out):
    """The results that must not depend on how the sweep ran (all but the timing)."""
    runs = load_runs(out).drop(columns=["seconds"])
    return runs.sort_values("key").reset_index(drop=True)


def test_same_results_serial_processes_and_dask(tmp_path):
    experiment = small()
    run_sweep(experiment, tmp_path / "serial", progress=False)
    executor, workers, backend, close = make_executor(2, None)
    try:
        assert backend == "processes"
        run_sweep(experiment, tmp_path / "processes", executor=executor, workers=workers,
                  progress=False, chunk=1)
    finally:
        close()
    dask = DaskBackend(workers=2)
    try:
        run_sweep(experiment, tmp_path / "dask", executor=dask.executor, workers=dask.workers,
                  progress=False, backend="dask")
    finally:
        dask.close()
    reference = table(tmp_path / "serial")
    assert len(reference) == 8 and (reference["status"] == "ok").all()
    pd.testing.assert_frame_equal(reference, table(tmp_path / "processes"))
    pd.testing.assert_frame_equal(reference, table(tmp_path / "dask"))
    manifest = json.loads((tmp_path / "dask" / "manifest.json").read_text())
    session = manifest["sessions"][-1]
    assert session["backend"] == "dask" and session["status"] == "complete"
    assert {"mesa", "numpy", "pandas"} <= set(session["packages"])
    assert manifest["experiment_definition"]["runs"] == 8


def test_any_run_reruns_alone_from_its_key(tmp_path):
    from abm.experiments.runs import simulate

    experiment = small()
    run_sweep(experiment, tmp_path, progress=False)
    row = load_runs(tmp_path).iloc[3]
    spec = next(s for s in experiment.specs() if s.key == row["key"])
    _, _, summary = simulate(experiment.preset, experiment.steps, int(row["seed"]), spec.params)
    assert summary["outcomes"]["effectiveness_tail_mean"] == row["effectiveness_tail_mean"]


def test_resume_skips_runs_on_disk_and_exports_csv(tmp_path):
    experiment = small()
    first = run_sweep(experiment, tmp_path, progress=False)
    again = run_sweep(experiment, tmp_path, progress=False)
    assert (first.ran, first.skipped) == (8, 0)
    assert (again.ran, again.skipped) == (0, 8)
    assert len(load_runs(tmp_path)) == 8
    csv = pd.read_csv(tmp_path / "runs.csv")
    assert len(csv) == 8 and {"key", "seed", "model_version", "monitoring"} <= set(csv.columns)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert len(manifest["sessions"]) == 2


def test_per_step_series_are_kept_when_asked(tmp_path):
    from abm.experiments.runs import simulate

    experiment = small(series=("effectiveness", "mean_trust"))
    run_sweep(experiment, tmp_path, progress=False)
    series = load_series(tmp_path)
    assert len(series) == 8 * experiment.steps
    assert set(series.columns) == {"key", "step", "effectiveness", "mean_trust"}
    spec = next(iter(experiment.specs()))
    _, frame, _ = simulate(experiment.preset, experiment.steps, spec.seed, spec.params)
    one = series[series["key"] == spec.key].sort_values("step")
    assert one["mean_trust"].tolist() == frame["mean_trust"].tolist()
    with pytest.raises(ParameterError, match="^series"):
        small(series=("nope",))


def test_a_failing_run_is_recorded_and_the_sweep_goes_on(tmp_path):
    design = ParameterSets([{}, {"nations_file": str(tmp_path / "missing.csv")}, {}])
    experiment = Experiment("fail", design, steps=5, seed=1)
    report = run_sweep(experiment, tmp_path / "out", progress=False)
    runs = load_runs(tmp_path / "out").sort_values("point")
    assert report.failed == 1 and list(runs["status"]) == ["ok", "failed", "ok"]
    assert "nations_file" in runs.iloc[1]["error"]
    assert np.isnan(runs.iloc[1]["effectiveness_tail_mean"])
    # failures count as done on resume, unless asked to retry them
    assert run_sweep(experiment, tmp_path / "out", progress=False).ran == 0
    assert run_sweep(experiment, tmp_path / "out", progress=False, retry_failed=True).ran == 1


KILLED_SWEEP = """
import sys
from abm.experiments.designs import FullFactorial
from abm.experiments.sweep import Experiment, run_sweep
design = FullFactorial({"monitoring": [0.1, 0.5, 0.9], "n_nations": [20, 25]}, replicates=5)
experiment = Experiment("killed", design, steps=40, seed=3)
run_sweep(experiment, sys.argv[1], progress=False, chunk=1)
"""


def test_a_sweep_killed_mid_way_resumes_to_the_same_table(tmp_path):
    out = tmp_path / "killed"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", KILLED_SWEEP, str(out)], env=env)
    deadline = time.time() + 120
    while time.time() < deadline and len(list((out / "runs").glob("*.parquet"))) < 4:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    on_disk = len(load_runs(out))
    assert 4 <= on_disk < 30, "the sweep was not interrupted mid-way"
    design = FullFactorial({"monitoring": [0.1, 0.5, 0.9], "n_nations": [20, 25]},
                           replicates=5)
    experiment = Experiment("killed", design, steps=40, seed=3)
    resumed = run_sweep(experiment, out, progress=False)
    assert resumed.skipped == on_disk and resumed.ran == 30 - on_disk
    run_sweep(experiment, tmp_path / "whole", progress=False)
    assert not list((out / "runs").glob(".*.tmp"))
    pd.testing.assert_frame_equal(table(out), table(tmp_path / "whole"))


def test_a_run_key_changes_with_whatever_determines_the_run():
    params = {"monitoring": 0.5}
    key = run_key("default", 10, params, 1)
    assert key == run_key("default", 10, dict(params), 1)
    assert len({key, run_key("alliance", 10, params, 1), run_key("default", 11, params, 1),
                run_key("default", 10, {"monitoring": 0.6}, 1),
                run_key("default", 10, params, 2)}) == 5


def test_chunks_keep_every_worker_busy_but_stay_bounded():
    assert chunk_size(10, 4) == 1 and chunk_size(6400, 2) == 200
    assert chunk_size(10**7, 1) == 500
