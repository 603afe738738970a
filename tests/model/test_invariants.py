"""Invariants that must hold for any valid parameters (hypothesis) and any seed."""

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from abm import CoalitionModel
from abm.scenarios.kinds import CAPABILITIES

from ..property import valid_params

SETTINGS = settings(deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def _run(params, seed, steps=6):
    model = CoalitionModel(rng=seed, **params)
    model.run_for(steps)
    return model, model.model_frame(), model.nation_frame()


@SETTINGS
@given(valid_params(), st.integers(0, 2**32 - 1))
def test_accounting_and_bounds_hold(params, seed):
    model, frame, nations = _run(params, seed)
    tol = 1e-9
    nonnegative = [f"{k}_{c}" for k in ("pledge", "delivered") for c in CAPABILITIES] + [
        "fair_share", "contribution", "burden", "benefit", "cost", "sanction"]
    assert (nations[nonnegative].to_numpy() >= -tol).all()
    model_cols = [f"{k}_{c}" for k in ("pledged", "delivered", "required", "coverage")
                  for c in CAPABILITIES] + ["effectiveness", "legitimacy", "side_payments",
                                            "sanctions", "members", "exits"]
    assert (frame[model_cols].to_numpy() >= -tol).all()
    for c, cap in enumerate(CAPABILITIES):
        pledged, delivered = nations[f"pledge_{cap}"], nations[f"delivered_{cap}"]
        assert (delivered <= pledged * (1 + 1e-12) + tol).all()
        capacity = np.tile(model.capacity[:, c], len(frame))
        assert (pledged <= capacity * (1 + 1e-12) + tol).all()
    assert ((model.trust >= 0) & (model.trust <= 1)).all()
    assert nations["trust_given"].between(0, 1).all()
    np.testing.assert_allclose(nations["payoff"],
                               nations["benefit"] - nations["cost"] - nations["sanction"],
                               rtol=1e-9, atol=1e-9)
    assert (frame["members"] + frame["exited"] == model.n).all()
    assert model.state.n_members == model.member.sum() == frame["members"].iloc[-1]
    for col in ("coverage_min", "effectiveness", "legitimacy", "fulfilment", "retention"):
        assert frame[col].between(0, 1 + 1e-12).all(), col
    rho = frame["exploitation_rho"].dropna()
    assert rho.between(-1 - 1e-12, 1 + 1e-12).all()


@settings(deadline=None)
@given(valid_params(), st.integers(0, 2**32 - 1))
def test_same_seed_same_output_bit_for_bit(params, seed):
    _, frame_a, nations_a = _run(params, seed, steps=4)
    _, frame_b, nations_b = _run(params, seed, steps=4)
    pd.testing.assert_frame_equal(frame_a, frame_b, check_exact=True)
    pd.testing.assert_frame_equal(nations_a, nations_b, check_exact=True)


def test_different_seeds_differ():
    _, frame_a, _ = _run({}, 1, steps=5)
    _, frame_b, _ = _run({}, 2, steps=5)
    assert not frame_a.equals(frame_b)


@SETTINGS
@given(valid_params(), st.integers(0, 2**32 - 1), st.booleans(), st.booleans())
def test_arrears_are_owed_only_under_their_rules_and_never_negative(params, seed, assessed,
                                                                     article_19):
    """Arrears accrue only under an assessed scale or Article 19, are never negative, do not
    move for a nation outside the coalition all cycle, and only Article 19 suspends, and
    only members in arrears. (Half the examples bill an assessed scale with a short limit
    and full monitoring, where members fall into arrears and are seen.)"""
    if assessed:
        params = {**params, "burden_rule": "assessed", "arrears_limit": 1.0, "monitoring": 1.0}
    model = CoalitionModel(rng=seed, **{**params, "vote_suspension": article_19})
    p = model.p
    for _ in range(6):
        before, outside = model.state.arrears.copy(), ~model.state.member.copy()
        model.step()
        arrears, suspended = model.state.arrears, model.state.suspended
        assert np.isfinite(arrears).all() and (arrears >= 0).all()
        if p["burden_rule"] != "assessed" and not p["vote_suspension"]:
            assert not arrears.any()
        still_outside = outside & ~model.state.member
        assert np.array_equal(arrears[still_outside], before[still_outside])
        assert not suspended.any() or p["vote_suspension"]
        assert not (suspended & (arrears <= 0)).any()
