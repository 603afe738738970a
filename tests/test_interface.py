"""The user-facing surface: abm.run, presets, parameters, the CLI and its errors."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import abm
from abm.cli import main
from abm.metrics import spearman
from abm.parameters import (
    PARAMETERS,
    TABLE_END,
    TABLE_START,
    ParameterError,
    markdown_table,
    validate,
)
from abm.runner import run

ROOT = Path(__file__).resolve().parents[1]

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


def test_model_frame_columns_match_the_step_metrics():
    result = abm.run(steps=2, seed=3)
    last = result.model_frame.iloc[-1]
    for column, value in result.model.metrics.items():
        assert last[column] == value or (value != value and last[column] != last[column]), column
    nations = result.nation_frame.query("step == 2")
    assert last["pledged_troops"] == pytest.approx(nations["pledge_troops"].sum())
    members = nations[nations["member"]]
    assert last["free_riding_rate"] == pytest.approx(
        (members["contribution_ratio"] < 0.5).sum() / members["fair_share"].gt(0).sum())
    assert last["exploitation_rho"] == pytest.approx(
        spearman(members["gdp"].to_numpy(), members["burden"].to_numpy()))


def test_lab_reports_contribution_in_percent_of_endowment():
    nations = run("public_goods_lab", seed=1).nation_frame
    expected = 100 * nations["delivered_funds"] / 20
    assert nations["contribution_pct"].tolist() == pytest.approx(expected.tolist())


def test_presets_exist_and_are_valid():
    assert {"public_goods_lab", "alliance", "peacekeeping", "trust_collapse"} <= set(abm.presets)
    for name, params in abm.presets.items():
        validate(dict(params))
        assert name


@pytest.mark.parametrize("params, field", [
    ({"nope": 1}, "nope"), ({"monitoring": float("nan")}, "monitoring"),
    ({"monitoring": 2}, "monitoring"), ({"n_nations": 2.5}, "n_nations"),
    ({"burden_rule": "fair"}, "burden_rule"), ({"share_hump": 0.5}, "share_"),
    ({"rematch": "yes"}, "rematch"), ({"group_size": 50}, "group_size"),
    ({"req_funds": 0, "req_troops": 0, "req_enablers": 0}, "req_funds"),
    ({"req_troops": 1e-12}, "req_troops"),
])
def test_bad_parameters_name_the_field(params, field):
    with pytest.raises(ParameterError) as err:
        validate(params)
    message = str(err.value)
    assert message.startswith(field) and "\n" not in message and "expected" in message


def test_every_parameter_has_unit_range_and_meaning():
    for p in PARAMETERS.values():
        assert p.meaning and p.unit and p.allowed
        if p.kind in (int, float):
            assert p.low <= p.default <= p.high


def test_odd_documents_every_parameter():
    odd = (ROOT / "docs" / "ODD.md").read_text()
    assert f"{TABLE_START}\n{markdown_table()}\n{TABLE_END}" in odd, (
        "docs/ODD.md's parameter table is out of date: run `make docs`")
    assert all(f"`{name}`" in odd for name in PARAMETERS)


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


def test_malformed_nations_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "nations.csv"
    bad.write_text("name,gdp,population\nA,100,5e6\nB,-3,1e6\n")
    with pytest.raises(ParameterError, match="nations_file: column gdp row 3"):
        abm.CoalitionModel(rng=1, nations_file=str(bad))
    bad.write_text("name,size\nA,1\nB,2\n")
    with pytest.raises(ParameterError, match="lacks column"):
        abm.CoalitionModel(rng=1, nations_file=str(bad))


def test_nations_file_sets_the_nations(tmp_path):
    good = tmp_path / "nations.csv"
    good.write_text("name,gdp,population,strategy\nA,1000,5e7,conditional\n"
                    "B,50,1e7,free_rider\nC,10,4e6,hump\n")
    model = abm.CoalitionModel(rng=1, nations_file=str(good))
    assert model.n == 3 and [n.name for n in model.nations] == ["A", "B", "C"]
    assert [n.strategy for n in model.nations] == ["conditional", "free_rider", "hump"]


def test_changing_rules_before_the_first_step_equals_making_the_model_with_them():
    made = abm.CoalitionModel(rng=4, monitoring=0.9, sanction_rate=1.0, burden_rule="assessed")
    changed = abm.CoalitionModel(rng=4)
    changed.change(monitoring=0.9, sanction_rate=1.0, burden_rule="assessed")
    made.run_for(5)
    changed.run_for(5)
    pd.testing.assert_frame_equal(made.model_frame(), changed.model_frame())


def test_changing_a_population_parameter_mid_run_is_a_clear_error():
    model = abm.CoalitionModel(rng=4)
    with pytest.raises(ParameterError, match=r"^inequality: fixed once the model is made"):
        model.change(inequality=2.0)
    with pytest.raises(ParameterError, match=r"^monitoring: got 3"):
        model.change(monitoring=3)
