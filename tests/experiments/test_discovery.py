"""Scenario discovery: PRIM boxes over a sweep's runs recover where an outcome happens."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from abm.cli import main
from abm.experiments.discovery import discover, parse_condition
from abm.scenarios.parameters import ParameterError

ROOT = Path(__file__).resolve().parents[2]


def synthetic_runs(n=400, seed=0):
    """Runs whose retention collapses exactly where monitoring < 0.3 and trust < 0.5 under
    the voluntary rule, with noise; mpcr is irrelevant."""
    rng = np.random.default_rng(seed)
    runs = pd.DataFrame({"status": "ok", "monitoring": rng.random(n),
                         "initial_trust": rng.random(n), "mpcr": rng.random(n),
                         "burden_rule": rng.choice(["voluntary", "assessed"], n)})
    inside = ((runs["monitoring"] < 0.3) & (runs["initial_trust"] < 0.5)
              & (runs["burden_rule"] == "voluntary"))
    runs["retention"] = np.where(inside, 0.2, 0.9) + rng.normal(0, 0.05, n)
    return runs


def test_prim_recovers_the_box_where_the_outcome_happens():
    found = discover(synthetic_runs(), "retention < 0.5")
    box = found.boxes[0]
    assert box.coverage > 0.9 and box.density > 0.9
    assert set(box.limits) == {"monitoring", "initial_trust", "burden_rule"}  # not mpcr
    assert box.limits["monitoring"][1] == pytest.approx(0.3, abs=0.05)
    assert box.limits["initial_trust"][1] == pytest.approx(0.5, abs=0.05)
    assert box.limits["burden_rule"] == ("voluntary",)
    assert found.cases == int((synthetic_runs()["retention"] < 0.5).sum())
    report = found.report()
    assert "box 1: coverage" in report and "monitoring <=" in report
    trajectory = found.trajectory
    assert trajectory["coverage"].iloc[0] == 1.0 and trajectory["density"].is_monotonic_increasing


def test_failed_runs_are_left_out():
    runs = synthetic_runs()
    broken = runs.assign(status="failed", retention=np.nan).head(50)
    found = discover(pd.concat([runs, broken], ignore_index=True), "retention < 0.5")
    assert found.runs == len(runs)


@pytest.mark.parametrize(("where", "message"), [
    ("retention ~ 0.5", "--where: got 'retention ~ 0.5', expected an outcome column"),
    ("retention < x", "--where: got 'retention < x'"),
    ("happiness > 1", "--where: unknown outcome 'happiness'"),
    ("monitoring < 0.5", "--where: unknown outcome 'monitoring'"),  # a parameter, not an outcome
    ("retention < 5", "--where: 'retention < 5' holds in 400 of 400 runs"),
])
def test_a_bad_condition_is_one_line_naming_the_field(where, message):
    with pytest.raises(ParameterError) as caught:
        discover(synthetic_runs(), where)
    assert str(caught.value).startswith(message) and "\n" not in str(caught.value)


def test_conditions_parse_into_column_comparison_and_number():
    assert parse_condition("time_to_collapse>=12") == ("time_to_collapse", ">=", 12.0)
    with pytest.raises(ParameterError):
        parse_condition("retention < nan")


def test_the_discover_command_prints_boxes_and_draws_the_tradeoff(tmp_path, capsys):
    out = tmp_path / "sweep"
    # Nobody leaves an alliance, so fewer than 10 members end a run exactly where
    # n_nations is 6: the box must find that and leave monitoring free.
    assert main(["sweep", "--preset", "alliance", "--vary", "n_nations=6,12",
                 "--vary", "monitoring=0.1,0.9", "--replicates", "5", "--steps", "3",
                 "--out", str(out), "--no-progress", "--workers", "1"]) == 0
    capsys.readouterr()
    assert main(["discover", str(out), "--where", "final_members < 10"]) == 0
    printed = capsys.readouterr().out
    assert "box 1: coverage 1.00, density 1.00" in printed and "<= n_nations <=" in printed
    assert "monitoring" not in printed.split("box 1")[1]
    assert (out / "discover-final_members-lt-10.png").is_file()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for args in (["discover", str(out), "--where", "nothing < 1"],
                 ["discover", str(tmp_path / "empty"), "--where", "retention < 0.5"]):
        proc = subprocess.run([sys.executable, "-m", "abm", *args], capture_output=True,
                              text=True, env=env)
        assert proc.returncode == 2 and proc.stderr.count("\n") == 1
        assert "Traceback" not in proc.stderr and "expected" in proc.stderr
