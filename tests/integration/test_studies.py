"""Each study script runs in quick mode from the command line and writes its findings."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from abm.experiments.store import load_runs

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("study", ["free_riding", "cohesion", "institutions", "screening",
                                   "sensitivity"])
def test_each_study_runs_in_quick_mode(tmp_path, study):
    out = tmp_path / study
    proc = subprocess.run([sys.executable, str(ROOT / "experiments" / f"{study}.py"), "--quick",
                           "--workers", "2", "--no-progress", "--out", str(out)],
                          capture_output=True, text=True, env={**os.environ,
                                                               "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 0, proc.stderr[-2000:]
    readme = (out / "README.md").read_text()
    assert "Mode: quick" in readme and "## Findings" in readme
    assert list(out.glob("*.png")) and (out / "runs.csv").exists()
    assert (load_runs(out)["status"] == "ok").all()
