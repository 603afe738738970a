"""Calibration targets: observed values read from the data, statistics computed as the
validation computes them, and one-line errors for bad priors and data."""

import numpy as np
import pytest

from abm.experiments.runs import run
from abm.experiments.targets import TARGETS, prior_ranges, simulate
from abm.model.metrics import spearman
from abm.scenarios import datasets
from abm.scenarios.parameters import ParameterError


@pytest.mark.parametrize("name", list(TARGETS))
def test_every_statistic_has_data_and_a_finite_simulated_value(name):
    target = TARGETS[name]
    assert set(target.names) == set(target.observed)
    assert not set(target.fitted) & set(target.held_out) and target.held_out
    values = simulate(target, {}, seed=3)
    assert values.shape == (len(target.names),) and np.all(np.isfinite(values))
    assert np.array_equal(values, simulate(target, {}, seed=3))


def test_observed_values_are_the_data_sets():
    fg = datasets.public_goods()
    assert TARGETS["fg2010"].observed["contribution_p10"] == fg[
        "mean_contribution_pct_endowment"].iloc[-1]
    htg = datasets.public_goods_htg()
    pooled = htg[(htg["treatment"] == "punishment") & (htg["period"] == 6)]
    assert TARGETS["htg2008"].observed["punish_p6"] == pytest.approx(
        pooled["mean_contribution_tokens_of_20"].mean())
    assert TARGETS["nato"].observed["at_2_pct_2024"] == 23


def test_nato_statistics_match_the_nation_frame():
    """The target's rho and count at 2 % are computed from the nation frame independently."""
    target = TARGETS["nato"]
    seed = int(np.random.SeedSequence(11).generate_state(1, np.uint32)[0])
    frame = run("nato_2014", steps=10, seed=seed).nation_frame
    frame = frame.assign(burden=100 * frame["contribution"] / frame["gdp"])
    stats = dict(zip(target.names, simulate(target, {}, seed=11)))
    year = frame[frame["step"] == 2018 - 2014]
    assert stats["rho_2018"] == pytest.approx(spearman(year["gdp"].to_numpy(),
                                                       year["burden"].to_numpy()))
    last = frame[frame["step"] == 10]
    assert stats["at_2_pct_2024"] == int((last["burden"] >= 2.0 - 1e-9).sum())


def test_htg_runs_both_treatments_and_punishment_matters():
    target = TARGETS["htg2008"]
    stats = dict(zip(target.names, simulate(target, {"punishment_effort": 2.0}, seed=1)))
    assert stats["punish_p7"] > stats["plain_p7"] + 2  # punishment sustains contributions


def test_with_observed_needs_every_statistic():
    with pytest.raises(ParameterError, match="observed: no value for 'rho_2015'"):
        TARGETS["nato"].with_observed({"us_share": 0.7})


@pytest.mark.parametrize(("ranges", "message"), [
    ({}, "parameters: got none"),
    ({"mpcr": (0.5, 0.5)}, "mpcr: got the prior range [0.5, 0.5]"),
    ({"mpcr": (float("nan"), 1.0)}, "mpcr: got the prior range [nan, 1]"),
    ({"burden_rule": (0.0, 1.0)}, "burden_rule: got a parameter of type str"),
])
def test_prior_ranges_are_checked_in_one_line(ranges, message):
    with pytest.raises(ParameterError) as raised:
        prior_ranges(ranges)
    assert message in str(raised.value) and "\n" not in str(raised.value)
