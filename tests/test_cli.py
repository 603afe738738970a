"""The coalition command: run, sweep, presets, params; one-line errors with exit status 2."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from abm.cli import main, script_main
from abm.scenarios.parameters import PARAMETERS

ROOT = Path(__file__).resolve().parents[1]


def test_cli_run_writes_tidy_files_and_summary(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["run", "--preset", "alliance", "--steps", "4", "--seed", "7", "--out", str(out),
                 "--set", "n_nations=12"]) == 0
    assert {p.name for p in out.iterdir()} == {"model.csv", "nations.csv", "summary.json",
                                               "figure.png"}
    summary = json.loads((out / "summary.json").read_text())
    assert summary["seed"] == 7 and summary["parameters"]["n_nations"] == 12
    assert "alliance" in capsys.readouterr().out
    # The same run again replaces identical results; a different run is refused.
    assert main(["run", "--preset", "alliance", "--steps", "4", "--seed", "7", "--out", str(out),
                 "--set", "n_nations=12"]) == 0
    before = (out / "model.csv").read_bytes()
    assert main(["run", "--preset", "alliance", "--steps", "4", "--seed", "8",
                 "--out", str(out)]) == 2
    assert (out / "model.csv").read_bytes() == before

@pytest.mark.parametrize("args", [
    ["run", "--preset", "nope"], ["run", "--set", "monitoring=nan"],
    ["run", "--set", "share_hump=0.9"], ["run", "--set", "mpcr=-1"], ["run", "--steps", "0"],
    ["run", "--set", "nations_file=missing.csv"], ["run", "--steps", "x"],
    ["run", "--set", "rematch=maybe"], ["run", "--seed", "-1"], ["run", "--set", "noequals"],
    ["run", "--preset"],
])
def test_cli_bad_input_exits_2_with_one_line_and_writes_nothing(tmp_path, args):
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-m", "abm", *args, "--out", str(out)],
                          capture_output=True, text=True, cwd=tmp_path, env=env)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith("coalition: error: ") and "expected" in proc.stderr
    assert not out.exists()

def test_cli_lists_presets_and_params(capsys):
    assert main(["presets"]) == 0
    assert "public_goods_lab" in capsys.readouterr().out
    assert main(["params"]) == 0
    listing = capsys.readouterr().out
    assert all(name in listing for name in PARAMETERS)


def test_cli_sweep_rejects_a_missing_script(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "abm", "sweep", "nope.py", "--out",
                           str(tmp_path / "x")], capture_output=True, text=True, cwd=tmp_path,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1
    assert proc.stderr.startswith("coalition: error: script:")
    assert not (tmp_path / "x").exists()


def test_a_study_script_takes_the_sweep_options(tmp_path, capsys):
    script = tmp_path / "tiny.py"
    script.write_text("from abm.experiments.designs import ParameterSets\n"
                      "from abm.experiments.sweep import Experiment\n"
                      "def experiment(quick):\n"
                      "    return Experiment('tiny', ParameterSets([{}]), steps=2,\n"
                      "                      fixed={'n_nations': 4})\n")
    assert script_main(str(script), ["--no-progress", "--workers", "1", "--out",
                                     str(tmp_path / "out")]) == 0
    assert "1 runs: 1 run now" in capsys.readouterr().out


@pytest.mark.parametrize("command", ["app", "classroom"])
@pytest.mark.parametrize("port", ["70000", "0", "http"])
def test_the_servers_refuse_a_port_out_of_range(capsys, command, port):
    with pytest.raises(SystemExit) as stop:
        main([command, "--port", port])
    assert stop.value.code == 2
    assert capsys.readouterr().err.strip().endswith(
        f"port: got '{port}', expected an integer in [1, 65535]")
