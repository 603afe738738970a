"""Exact tests of the closed-form pieces."""

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.stats import spearmanr

from abm import CoalitionModel
from abm.metrics import gini, spearman
from abm.negotiation import compromise, negotiate
from abm.pledging import assessed_scale, fair_shares, social_ratio
from abm.trust import count_blocs, update_trust

positive = arrays(float, st.integers(3, 30), elements=st.floats(0.01, 1e3))


@given(positive, positive)
def test_spearman_matches_scipy(x, y):
    n = min(len(x), len(y))
    x, y = np.round(x[:n], 1), np.round(y[:n], 1)  # rounding makes ties
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scipy warns on constant input; we return NaN too
        theirs = spearmanr(x, y).statistic
    ours = spearman(x, y)
    assert (np.isnan(ours) and np.isnan(theirs)) or ours == pytest.approx(theirs, abs=1e-12)


@given(positive)
def test_gini_matches_mean_absolute_difference(x):
    expected = np.abs(x[:, None] - x[None, :]).mean() / (2 * x.mean())
    assert gini(x) == pytest.approx(expected, rel=1e-9, abs=1e-12)


@given(positive, st.floats(0.05, 1.0))
def test_assessed_scale_respects_ceiling_and_sums_to_one(gdp, ceiling):
    pool = np.ones((1, len(gdp)), dtype=bool)
    share = assessed_scale(gdp, pool, ceiling)[0]
    assert share.sum() == pytest.approx(min(1.0, ceiling * len(gdp)), rel=1e-9)
    assert (share <= ceiling + 1e-12).all()


@given(positive)
def test_voluntary_fair_shares_add_up_to_the_requirement(gdp):
    n = len(gdp)
    capacity = np.column_stack([gdp, gdp[::-1], np.ones(n)])
    requirement = np.array([[10.0, 20.0, 30.0]])
    fs = fair_shares(requirement, capacity, np.ones((1, n), bool), gdp, "voluntary", 0.22, 0.02)
    np.testing.assert_allclose(fs.sum(axis=1), requirement)


def test_guideline_fair_share_is_a_share_of_gdp():
    gdp = np.array([100.0, 200.0])
    fs = fair_shares(np.ones((1, 3)), np.ones((2, 3)), np.ones((1, 2), bool), gdp,
                     "guideline", 0.22, 0.02)
    np.testing.assert_allclose(fs[0, :, 0], [2.0, 4.0])


def test_compromise_weights_capacity_times_salience():
    mandate = compromise(np.array([[0.0], [1.0]]), np.array([[1.0, 3.0]]))
    assert mandate[0, 0] == pytest.approx(0.75)


def test_unanimity_moves_to_a_mandate_all_accept_or_vetoes():
    positions = np.array([[0.0], [0.1], [1.0]])
    pool = np.ones((1, 3), bool)
    weights = np.array([[10.0, 10.0, 1.0]])
    mandate, distance, launched, part = negotiate(positions, weights, pool, 0.5, True, 0.67)
    assert launched[0] and part.all() and (distance <= 0.5 + 1e-12).all()
    _, _, launched, part = negotiate(positions, weights, pool, 0.4, True, 0.67)
    assert not launched[0] and not part.any()
    _, _, launched, part = negotiate(positions, weights, pool, 0.4, False, 0.6)
    assert launched[0] and part[0].tolist() == [True, True, False]


def test_conditional_cooperators_under_match():
    ratio = social_ratio(np.zeros(1, int), np.array([1.0]), 0.745, 0.5, 0.6)
    assert ratio[0] * 20 == pytest.approx(14.9)


@given(arrays(float, (5, 5), elements=st.floats(0, 1)), arrays(float, 5, elements=st.floats(0, 1)),
       st.floats(0, 1), st.floats(1, 10))
def test_trust_update_stays_in_unit_interval_and_moves_towards_reliability(t, rel, rate, asym):
    np.fill_diagonal(t, 0)
    before = t.copy()
    update_trust(t, rel, np.ones(5, bool), rate, asym)
    assert ((t >= 0) & (t <= 1)).all()
    off = ~np.eye(5, dtype=bool)
    assert (np.abs(t - rel[None, :])[off] <= np.abs(before - rel[None, :])[off] + 1e-12).all()


def test_blocs_count_components_of_mutual_trust():
    t = np.zeros((4, 4))
    t[0, 1] = t[1, 0] = 0.9
    t[2, 3] = 0.9  # one-way trust is no bloc tie
    assert count_blocs(t, np.ones(4, bool), 0.5) == 3


def test_nation_agent_reads_the_model_state():
    model = CoalitionModel(rng=3, n_nations=6)
    model.run_for(2)
    nation = model.nations[4]
    assert nation.gdp == model.gdp[4] and nation.member == model.member[4]
    assert nation.reciprocal_ratio(0.5) == pytest.approx(float(social_ratio(
        model.strategy[4:5], np.array([0.5]), 0.745, 0.5, 0.6)[0]))
    assert 0 <= nation.renege_probability() <= 1
    assert len(model.agents) == 6


def test_a_played_nation_pledges_what_it_is_told():
    model = CoalitionModel(rng=5, n_nations=10, divergence=0.0, renege_propensity=0.0)
    nation = model.nations[0]
    nation.set_pledge(funds=0.0, troops=0.0, enablers=0.0)
    model.run_for(3)
    last = model.nation_frame().query("nation == @nation.name").iloc[-1]
    assert last["pledge_funds"] == last["pledge_troops"] == last["pledge_enablers"] == 0.0
    with pytest.raises(ValueError, match="capability"):
        nation.set_pledge(money=3)
