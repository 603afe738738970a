"""Experiment scripts: loading one, and running its sweep then its analysis."""

import pytest

from abm.experiments.scripts import load_script, run_script
from abm.experiments.store import load_runs
from abm.scenarios.parameters import ParameterError

SCRIPT = """
from abm.experiments.designs import FullFactorial
from abm.experiments.sweep import Experiment


def experiment(quick):
    return Experiment("tiny", FullFactorial({"monitoring": [0.0, 1.0]}, replicates=2 if quick
                                            else 3), steps=3, fixed={"n_nations": 5}, seed=4)


def analyse(experiment, out, quick):
    (out / "README.md").write_text(f"quick={quick}")
"""


def test_a_script_runs_its_sweep_then_its_analysis(tmp_path, capsys):
    script = tmp_path / "tiny.py"
    script.write_text(SCRIPT)
    out = tmp_path / "out"
    assert run_script(script, quick=True, out=out, progress=False) == 0
    assert len(load_runs(out)) == 4 and (out / "README.md").read_text() == "quick=True"
    assert "4 runs: 4 run now" in capsys.readouterr().out


def test_a_missing_script_or_one_without_an_experiment_is_refused(tmp_path):
    with pytest.raises(ParameterError, match="^script: 'nope.py' does not exist"):
        load_script("nope.py")
    empty = tmp_path / "empty.py"
    empty.write_text("x = 1\n")
    with pytest.raises(ParameterError, match="^script: .* defines no experiment"):
        load_script(empty)
