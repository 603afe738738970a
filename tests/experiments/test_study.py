"""Declarative experiments: study files and --vary factors, checked whole before anything runs."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from abm.cli import main
from abm.experiments import study as study_module
from abm.experiments.designs import FullFactorial
from abm.experiments.study import load_study, parse_factor, study_from_dict, vary
from abm.experiments.sweep import Experiment, run_sweep
from abm.scenarios.parameters import ParameterError

ROOT = Path(__file__).resolve().parents[2]



def documented_example() -> str:
    """The minimal study file that abm/experiments/study.py shows (the issue's), as text."""
    block = study_module.__doc__.split("::\n\n", 1)[1].split("\n\n")
    lines = []
    for part in block:
        if not part.startswith("    "):
            break
        lines.append(textwrap.dedent(part))
    return "\n\n".join(lines) + "\n"


MINIMAL = documented_example()


def test_the_minimal_study_file_runs_as_written(tmp_path, capsys):
    study = tmp_path / "study.toml"
    study.write_text(MINIMAL)
    out = tmp_path / "out"
    assert main(["sweep", str(study), "--out", str(out), "--no-progress",
                 "--workers", "1"]) == 0
    runs = pd.read_csv(out / "runs.csv")
    assert len(runs) == 4 and (runs["status"] == "ok").all()
    assert sorted(runs["monitoring"].unique()) == [0.0, 1.0]
    summary = pd.read_csv(out / "summary.csv")
    assert summary.columns[0] == "monitoring" and len(summary) == 2
    assert (summary["effectiveness_tail_mean_n"] == 2).all()
    assert "summary written" in capsys.readouterr().out
    # Run again: every run is already on disk.
    assert main(["sweep", str(study), "--out", str(out), "--no-progress",
                 "--workers", "1"]) == 0
    assert "4 already on disk" in capsys.readouterr().out


def test_vary_sweeps_every_combination_of_lists_and_ranges(tmp_path):
    out = tmp_path / "vary"
    assert main(["sweep", "--preset", "alliance", "--vary", "monitoring=0,0.5,1",
                 "--vary", "sanction_rate=0:2:5", "--replicates", "2", "--steps", "4",
                 "--set", "n_nations=8", "--out", str(out), "--no-progress",
                 "--workers", "1"]) == 0
    runs = pd.read_csv(out / "runs.csv")
    assert len(runs) == 3 * 5 * 2 and (runs["n_nations"] == 8).all()
    assert sorted(runs["sanction_rate"].unique()) == [0.0, 0.5, 1.0, 1.5, 2.0]
    summary = pd.read_csv(out / "summary.csv")
    assert list(summary.columns[:2]) == ["monitoring", "sanction_rate"] and len(summary) == 15


def test_factors_parse_as_lists_or_evenly_spaced_ranges():
    assert parse_factor("n_nations=10:50:3") == ("n_nations", [10, 30, 50])
    assert parse_factor("rematch=true,false") == ("rematch", [True, False])
    assert parse_factor(" monitoring = 0.1 , 0.9") == ("monitoring", [0.1, 0.9])
    with pytest.raises(ParameterError, match="n_nations: 10:50:4 gives levels that are not"):
        parse_factor("n_nations=10:50:4")
    with pytest.raises(ParameterError, match="burden_rule: got '0:1:3', expected low:high:n"):
        parse_factor("burden_rule=0:1:3")
    with pytest.raises(ParameterError, match="--vary monitoring: got 1.5"):
        vary("default", ["monitoring=0,1.5"])
    with pytest.raises(ParameterError, match="given twice"):
        vary("default", ["monitoring=0,1", "monitoring=0.5"])


@pytest.mark.parametrize(("design", "runs"), [
    ({"type": "full_factorial", "factors": {"monitoring": [0.0, 1.0], "n_nations": [5, 9]}},
     4 * 3),
    ({"type": "list", "sets": [{"monitoring": 0.2}, {"monitoring": 0.4, "n_nations": 6}]},
     2 * 3),
    ({"type": "latin_hypercube", "ranges": {"monitoring": [0.0, 1.0]}, "samples": 5}, 5 * 3),
    ({"type": "sobol", "ranges": {"monitoring": [0.0, 1.0], "mpcr": [0.2, 1.0]}, "base": 4},
     4 * 4 * 3),
    ({"type": "morris", "ranges": {"monitoring": [0.0, 1.0], "mpcr": [0.2, 1.0]},
      "trajectories": 3}, 3 * 3 * 3),
])
def test_every_design_type_builds_its_runs(design, runs):
    study = study_from_dict({"replicates": 3, "design": design})
    assert study.experiment.design.runs == runs
    assert study.factors == list(design.get("factors") or design.get("ranges")
                                 or {"monitoring": 0, "n_nations": 0})


@pytest.mark.parametrize(("text", "message"), [
    ("preset = 'alliance'\n[design\n", "study.toml: not valid TOML"),
    ("colour = 'red'\n" + MINIMAL, "study.toml: colour: unknown key, expected one of name,"),
    ("preset = 'alliance'\n", "study.toml: design: missing"),
    ("[design]\ntype = 'grid'\n", "study.toml: design.type: got 'grid', expected one of"),
    ("[design]\ntype = 'full_factorial'\n[design.factors]\nmonitoring = [0.0, 1.5]\n",
     "study.toml: design.factors.monitoring: got 1.5, expected a number in [0, 1]"),
    ("[design]\ntype = 'full_factorial'\n[design.factors]\nmonitor = [0.0]\n",
     "study.toml: design.factors.monitor: unknown parameter (did you mean monitoring?)"),
    ("[design]\ntype = 'full_factorial'\n[design.factors]\nmonitoring = []\n",
     "study.toml: design.factors.monitoring: got [], expected a non-empty list"),
    ("[design]\ntype = 'latin_hypercube'\nsamples = 4\n[design.ranges]\nmpcr = [0.5, 99]\n",
     "study.toml: design.ranges.mpcr: got [0.5, 99], expected low < high within"),
    ("[design]\ntype = 'latin_hypercube'\n[design.ranges]\nmpcr = [0.5, 1]\n",
     "study.toml: design.samples: missing, expected an integer >= 1"),
    ("[design]\ntype = 'sobol'\nbase = 6\n[design.ranges]\nmpcr = [0.5, 1]\n",
     "study.toml: base: got 6, expected a power of 2"),
    ("replicates = 0\n[design]\ntype = 'list'\n[[design.sets]]\nmpcr = 0.5\n",
     "study.toml: replicates: got 0, expected an integer >= 1"),
    ("outcomes = ['happiness']\n[design]\ntype = 'list'\n[[design.sets]]\nmpcr = 0.5\n",
     "study.toml: outcomes: unknown 'happiness', expected run outcomes"),
    ("preset = 'moon'\n[design]\ntype = 'list'\n[[design.sets]]\nmpcr = 0.5\n",
     "study.toml: preset: unknown preset 'moon'"),
    ("[fixed]\nsanction_rate = -1\n[design]\ntype = 'list'\n[[design.sets]]\nmpcr = 0.5\n",
     "study.toml: fixed.sanction_rate: got -1.0, expected a number in [0, 10]"),
    # a bad combination at the last point is found before anything runs
    ("[design]\ntype = 'list'\n[[design.sets]]\ngroup_size = 4\n[[design.sets]]\n"
     "group_size = 40\n",
     "study.toml: design point 1 (group_size=40): group_size: got 40, expected an integer in "
     "[0, n_nations=30]"),
])
def test_a_bad_study_file_is_refused_whole_in_one_line(tmp_path, text, message):
    study = tmp_path / "study.toml"
    study.write_text(text)
    with pytest.raises(ParameterError) as caught:
        load_study(study)
    assert str(caught.value).startswith(message), str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("args", [
    ["sweep", "study.toml"], ["sweep", "nothing.toml"], ["sweep", "notes.txt"], ["sweep"],
    ["sweep", "--vary", "monitoring=0,2"], ["sweep", "study.toml", "--vary", "mpcr=0.5"],
    ["sweep", "study.toml", "--quick"], ["sweep", "--vary", "monitoring=0,1", "--quick"],
    ["sweep", "--vary", "monitoring=0,1", "--set", "group_size=40"],
])
def test_the_sweep_command_refuses_bad_input_with_exit_2(tmp_path, args):
    (tmp_path / "study.toml").write_text(MINIMAL.replace("[0.0, 1.0]", "[0.0, 1.5]"))
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-m", "abm", *args, "--out", str(out)],
                          capture_output=True, text=True, cwd=tmp_path, env=env)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith("coalition: error: ") and "expected" in proc.stderr
    assert not out.exists()


def test_a_script_experiment_is_checked_whole_before_anything_runs(tmp_path):
    """A bad point late in a design stops the sweep before its first run, naming the point."""
    experiment = Experiment("late", FullFactorial({"group_size": [2, 4, 31]}), preset="default",
                            steps=3)
    with pytest.raises(ParameterError, match=r"design point 2 \(group_size=31\)"):
        run_sweep(experiment, tmp_path / "out", progress=False)
    assert not (tmp_path / "out").exists()


def test_the_python_sweep_returns_its_runs_and_resumes(tmp_path):
    import abm

    out = tmp_path / "py"
    runs = abm.sweep(out, preset="alliance", factors={"monitoring": [0.0, 1.0]},
                     replicates=2, steps=3, fixed={"n_nations": 6}, progress=False)
    assert len(runs) == 4 and set(runs["monitoring"]) == {0.0, 1.0}
    again = abm.sweep(out, preset="alliance", factors={"monitoring": [0.0, 1.0]},
                      replicates=2, steps=3, fixed={"n_nations": 6}, progress=False)
    pd.testing.assert_frame_equal(runs, again)
    sampled = abm.sweep(tmp_path / "lhs", preset="alliance", steps=3, progress=False,
                        design={"type": "latin_hypercube", "samples": 3,
                                "ranges": {"monitoring": [0.0, 1.0]}})
    assert len(sampled) == 3
    with pytest.raises(ParameterError, match="either factors or a design"):
        abm.sweep(tmp_path / "x")
    with pytest.raises(ParameterError, match="sweep: design.factors.monitoring: got 2"):
        abm.sweep(tmp_path / "x", factors={"monitoring": [2]})
