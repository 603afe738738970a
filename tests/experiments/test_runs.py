"""Single runs: abm.run, its result, and the files it writes."""

import json

import pandas as pd
import pytest

import abm
from abm.experiments.runs import nation_table, simulate_outcomes
from abm.model.reporters import RUN_OUTCOMES
from abm.scenarios.parameters import ParameterError, validate

MODEL_COLUMNS = ["pledged_funds", "pledged_troops", "pledged_enablers", "delivered_funds",
                 "delivered_troops", "delivered_enablers", "coverage_min", "effectiveness",
                 "legitimacy", "fulfilment", "free_riding_rate", "exploitation_rho",
                 "burden_gini", "mean_trust", "trust_blocs", "members", "exits"]
NATION_COLUMNS = ["nation", "gdp", "strategy", "member", "pledge_funds", "pledge_troops",
                  "pledge_enablers", "delivered_funds", "delivered_troops",
                  "delivered_enablers", "fair_share", "burden", "payoff", "trust_given",
                  "trust_received"]


def test_default_run_has_the_promised_frames():
    result = abm.run(steps=3, seed=1)
    assert result.model.n == 30
    assert isinstance(result.model, abm.CoalitionModel)
    assert all(isinstance(a, abm.Nation) for a in result.model.agents)
    assert set(MODEL_COLUMNS) <= set(result.model_frame.columns)
    assert set(NATION_COLUMNS) <= set(result.nation_frame.columns)
    assert result.model_frame["step"].tolist() == [1, 2, 3]
    assert len(result.nation_frame) == 90
    s = result.summary
    assert s["seed"] == 1 and s["model_version"] == abm.__version__
    assert s["parameters"] == validate({})


def test_outcomes_without_frames_equal_those_of_a_full_run():
    outcomes, columns = simulate_outcomes("alliance", 6, 3, {"n_nations": 8})
    full = abm.run("alliance", steps=6, seed=3, n_nations=8)
    assert list(outcomes) == list(RUN_OUTCOMES)
    assert outcomes == full.summary["outcomes"]
    assert columns["effectiveness"].tolist() == full.model_frame["effectiveness"].tolist()


@pytest.mark.parametrize("steps", [0, 2.5, True, "3"])
def test_bad_steps_are_refused(steps):
    with pytest.raises(ParameterError, match="^steps: got"):
        abm.run(steps=steps, seed=1)


def test_a_run_is_written_whole_and_a_different_run_never_replaces_it(tmp_path):
    out = tmp_path / "run"
    result = abm.run("alliance", steps=3, seed=7, n_nations=6)
    paths = result.write(out)
    assert [p.name for p in paths] == ["model.csv", "nations.csv", "summary.json", "figure.png"]
    assert json.loads((out / "summary.json").read_text())["seed"] == 7
    (out / "notes.txt").write_text("mine")  # the user's own file, beside the results
    result.write(out)  # the same run again: replaced
    other = abm.run("alliance", steps=3, seed=8, n_nations=6)
    with pytest.raises(ParameterError, match="^out: .* already holds other results"):
        other.write(out)
    assert json.loads((out / "summary.json").read_text())["seed"] == 7
    other.write(out, overwrite=True)  # replaces the run's four files, and nothing else
    assert json.loads((out / "summary.json").read_text())["seed"] == 8
    assert (out / "notes.txt").read_text() == "mine"
    assert sorted(p.name for p in out.iterdir()) == sorted([*(p.name for p in paths),
                                                            "notes.txt"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]  # nothing left aside


def test_a_failed_write_leaves_the_previous_run_whole(tmp_path, monkeypatch):
    out = tmp_path / "run"
    result = abm.run("alliance", steps=3, seed=7, n_nations=6)
    result.write(out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def broken(self, *args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_csv", broken)
    with pytest.raises(OSError, match="disk full"):
        result.write(out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    with pytest.raises(OSError, match="disk full"):
        result.write(tmp_path / "new")
    assert not (tmp_path / "new").exists()


def test_a_sweep_task_cuts_the_nation_frame():
    frame = nation_table(("burden",), "alliance", {"n_nations": 4}, seed=1, steps=2)
    assert list(frame.columns) == ["step", "nation", "burden", "seed"] and len(frame) == 8


def test_a_result_shows_in_one_line_and_plots_its_figure():
    result = abm.run("alliance", steps=6, seed=4)
    shown = repr(result)
    assert "\n" not in shown and len(shown) < 300
    assert shown.startswith("RunResult(alliance, seed 4, 6 cycles, 30 nations")
    assert "effectiveness" in shown and "nation_frame 180 x" in shown
    figure = result.plot()
    assert figure.axes and "seed 4" in figure.texts[0].get_text() + "".join(
        ax.get_title() for ax in figure.axes)
