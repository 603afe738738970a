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


def test_a_bad_nations_file_in_a_design_is_refused_before_any_run(tmp_path):
    design = ParameterSets([{}, {"nations_file": str(tmp_path / "missing.csv")}, {}])
    experiment = Experiment("fail", design, steps=5, seed=1)
    with pytest.raises(ParameterError, match=r"design point 1 \(nations_file=.*does not exist"):
        run_sweep(experiment, tmp_path / "out", progress=False)
    assert not (tmp_path / "out").exists()


def test_a_failing_run_is_recorded_and_the_sweep_goes_on(tmp_path, monkeypatch):
    import abm.experiments.runs as runs_module

    real = runs_module.simulate_outcomes

    def fails_on_point_1(preset, steps, seed, params):
        if params["monitoring"] == 0.5:
            raise RuntimeError("a node went down")
        return real(preset, steps, seed, params)

    monkeypatch.setattr(runs_module, "simulate_outcomes", fails_on_point_1)
    design = ParameterSets([{"monitoring": 0.1}, {"monitoring": 0.5}, {"monitoring": 0.9}])
    experiment = Experiment("fail", design, steps=5, seed=1)
    report = run_sweep(experiment, tmp_path / "out", progress=False)
    runs = load_runs(tmp_path / "out").sort_values("point")
    assert report.failed == 1 and list(runs["status"]) == ["ok", "failed", "ok"]
    assert "a node went down" in runs.iloc[1]["error"]
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


# --- reliability: nothing lost, nothing mixed (issue 14) ------------------------------------

def test_another_definition_in_a_folder_with_runs_is_refused_and_nothing_is_lost(tmp_path):
    out = tmp_path / "out"
    run_sweep(small(), out, progress=False)
    before = table(out)
    for other in (small(replicates=3), small(steps=9), small(name="quick")):
        with pytest.raises(ParameterError, match="holds the runs of another experiment"):
            run_sweep(other, out, progress=False)
    pd.testing.assert_frame_equal(table(out), before)
    assert run_sweep(small(), out, progress=False).skipped == len(before)


def test_a_changed_model_or_nations_file_is_another_definition(tmp_path, monkeypatch):
    nations = tmp_path / "nations.csv"
    nations.write_text("name,gdp,population\nA,10,5\nB,20,8\nC,30,9\nD,5,2\n")
    experiment = Experiment("n", ParameterSets([{}]), steps=3, seed=1,
                            fixed={"nations_file": str(nations)})
    run_sweep(experiment, tmp_path / "out", progress=False)
    key = next(experiment.specs()).key
    nations.write_text(nations.read_text() + "E,40,10\nF,8,3\n")
    assert next(experiment.specs()).key != key  # the contents, not the name
    with pytest.raises(ParameterError, match="differs in nations_files"):
        run_sweep(experiment, tmp_path / "out", progress=False)
    before = next(small().specs()).key
    monkeypatch.setattr("abm.experiments.sweep.model_code", lambda: "edited-code")
    monkeypatch.setattr("abm.experiments.keys.model_code", lambda: "edited-code")
    assert next(small().specs()).key != before  # other code: other runs
    run_sweep(small(), tmp_path / "code", progress=False)
    monkeypatch.undo()
    with pytest.raises(ParameterError, match="differs in model_code"):
        run_sweep(small(), tmp_path / "code", progress=False)


def test_retrying_failed_runs_keeps_every_good_run(tmp_path, monkeypatch):
    import abm.experiments.runs as runs_module

    real = runs_module.simulate_outcomes
    experiment = small(replicates=5)
    seeds = sorted(spec.seed for spec in experiment.specs())
    bad = set(seeds[:2])

    def flaky(preset, steps, seed, params):
        if seed in bad:
            raise RuntimeError("a node went down")
        return real(preset, steps, seed, params)

    monkeypatch.setattr(runs_module, "simulate_outcomes", flaky)
    first = run_sweep(experiment, tmp_path / "out", progress=False, chunk=3)
    assert first.failed == 2
    good = table(tmp_path / "out").query("status == 'ok'")
    monkeypatch.setattr(runs_module, "simulate_outcomes", real)
    retry = run_sweep(experiment, tmp_path / "out", progress=False, retry_failed=True)
    assert retry.ran == 2 and retry.skipped == experiment.design.runs - 2
    after = table(tmp_path / "out")
    assert len(after) == experiment.design.runs and (after["status"] == "ok").all()
    kept = after[after["key"].isin(good["key"])].reset_index(drop=True)
    pd.testing.assert_frame_equal(kept, good.reset_index(drop=True))


def test_a_folder_of_someone_elses_files_is_refused_and_left_alone(tmp_path):
    (tmp_path / "README.md").write_text("my thesis")
    with pytest.raises(ParameterError, match="not a sweep's results .*README.md"):
        run_sweep(small(), tmp_path, progress=False)
    assert (tmp_path / "README.md").read_text() == "my thesis"
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "draft.docx").write_text("mine")  # files a sweep never writes: fine
    run_sweep(small(), notes, progress=False)
    assert (notes / "draft.docx").read_text() == "mine"


CLI_SWEEP = ["-m", "abm", "sweep", "--vary", "monitoring=0,0.25,0.5,0.75,1", "--vary",
             "n_nations=20,30", "--replicates", "6", "--steps", "60", "--no-progress"]


def _spawn(out, *extra):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, *CLI_SWEEP, "--out", str(out), *extra], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def _group_ends(group: int, within: float = 20.0) -> bool:
    """Whether every process of the driver's process group ends within ``within`` seconds
    (those left are then killed, so that no test leaves one behind)."""
    deadline = time.time() + within
    while time.time() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    os.killpg(group, signal.SIGKILL)
    return False


def test_a_second_sweep_on_a_busy_folder_is_refused_in_one_line(tmp_path):
    out = tmp_path / "out"
    first = _spawn(out, "--workers", "1")
    deadline = time.time() + 60
    while time.time() < deadline and not (out / "manifest.json").exists():
        time.sleep(0.05)
    second = _spawn(out, "--workers", "1")
    _, err = second.communicate(timeout=120)
    first.communicate(timeout=300)
    assert second.returncode == 2 and err.count("\n") == 1 and "is writing to" in err
    assert first.returncode == 0 and len(load_runs(out)) == 60


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_a_killed_sweep_leaves_no_process_behind(tmp_path, how):
    out = tmp_path / "out"
    driver = _spawn(out, "--workers", "2")
    deadline = time.time() + 60
    while time.time() < deadline and not list((out / "runs").glob("*.parquet")):
        time.sleep(0.05)
    driver.send_signal(how)
    driver.communicate(timeout=60)
    assert _group_ends(driver.pid), "workers outlived their sweep"
    if how == signal.SIGTERM:  # the driver itself recorded the interruption
        manifest = json.loads((out / "manifest.json").read_text())
        assert manifest["sessions"][-1]["status"] == "interrupted"


def test_ctrl_c_under_dask_is_one_line_and_leaves_no_process(tmp_path):
    out = tmp_path / "out"
    # (enough runs that the sweep is still running when the Ctrl-C comes)
    driver = _spawn(out, "--dask", "--workers", "2", "--replicates", "200")
    deadline = time.time() + 90
    while time.time() < deadline and not list((out / "runs").glob("*.parquet")):
        time.sleep(0.1)
    os.killpg(driver.pid, signal.SIGINT)  # Ctrl-C reaches the whole foreground group
    _, err = driver.communicate(timeout=90)
    lines = [line for line in err.splitlines() if line.strip()]
    assert driver.returncode == 130 and len(lines) == 1 and "interrupted" in lines[0]
    assert _group_ends(driver.pid), "Dask's processes outlived the interrupted sweep"
