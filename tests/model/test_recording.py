"""The recorder: tidy frames derived from the raw arrays agree with the cycle's statistics."""

import pytest

import abm
from abm.model.metrics import spearman
from abm.model.recording import MODEL_COLUMNS, NATION_COLUMNS


def test_frames_have_the_promised_columns_and_rows():
    model = abm.CoalitionModel(rng=1, n_nations=7)
    model.run_for(4)
    frame, nations = model.model_frame(), model.nation_frame()
    assert list(frame.columns) == ["step", *MODEL_COLUMNS] and len(frame) == 4
    assert list(nations.columns)[5:] == list(NATION_COLUMNS) and len(nations) == 28
    assert frame["members"].dtype.kind == "i" and nations["strategy"].dtype == "category"


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
    assert nations["burden"].tolist() == pytest.approx(
        (nations["contribution"] / nations["gdp"]).tolist())


def test_lab_reports_contribution_in_percent_of_endowment():
    nations = abm.run("public_goods_lab", seed=1).nation_frame
    expected = 100 * nations["delivered_funds"] / 20
    assert nations["contribution_pct"].tolist() == pytest.approx(expected.tolist())


def test_an_empty_recorder_gives_empty_frames():
    model = abm.CoalitionModel(rng=1, n_nations=3)
    assert len(model.model_frame()) == 0 and len(model.nation_frame()) == 0
