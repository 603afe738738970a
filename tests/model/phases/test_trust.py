"""Phase 7, trust: reliability seen, asymmetric updating, gossip, blocs."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from abm.model.phases.negotiation import negotiate_mandates
from abm.model.phases.trust import count_blocs, gossip, observed_reliability, update, update_trust

from ...property import hand_built


@given(arrays(float, (5, 5), elements=st.floats(0, 1)), arrays(float, 5, elements=st.floats(0, 1)),
       st.floats(0, 1), st.floats(1, 10))
def test_trust_update_stays_in_unit_interval_and_moves_towards_reliability(t, rel, rate, asym):
    np.fill_diagonal(t, 0)
    before = t.copy()
    updated = update_trust(t, rel, np.ones(5, bool), rate, asym)
    assert (t == before).all()  # the input is left as it was
    assert ((updated >= 0) & (updated <= 1)).all()
    off = ~np.eye(5, dtype=bool)
    assert (np.abs(updated - rel[None, :])[off] <= np.abs(t - rel[None, :])[off] + 1e-12).all()


def test_trust_is_lost_faster_than_it_is_gained():
    trust = np.array([[0.0, 0.5, 0.5], [0.5, 0.0, 0.5], [0.5, 0.5, 0.0]])
    updated = update_trust(trust, np.array([1.0, 0.0, 1.0]), np.array([True, True, False]),
                           0.2, 2.0)
    assert updated[2, 0] == pytest.approx(0.6) and updated[2, 1] == pytest.approx(0.3)
    assert updated[0, 2] == 0.5  # not observed: unchanged


def test_gossip_blends_in_the_regions_view():
    trust = np.array([[0.0, 0.2, 0.8], [0.6, 0.0, 0.4], [0.5, 0.5, 0.0]])
    onehot = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    blended = gossip(trust, np.array([0, 0, 1]), onehot, 1.0)
    assert blended[0, 2] == blended[1, 2] == pytest.approx(0.6)
    assert np.diag(blended).tolist() == [0.0] * 3
    assert gossip(trust, np.array([0, 0, 1]), onehot, 0.0) is trust


def test_an_unseen_shortfall_is_diffuse_suspicion():
    seen = observed_reliability(np.array([10.0, 10.0, 10.0]), np.array([5.0, 5.0, 10.0]),
                                np.array([10.0, 10.0, 10.0]), np.array([True, False, False]),
                                0.5)
    assert seen.tolist() == [0.5, 0.75, 0.75]


def test_blocs_count_components_of_mutual_trust():
    t = np.zeros((4, 4))
    t[0, 1] = t[1, 0] = 0.9
    t[2, 3] = 0.9  # one-way trust is no bloc tie
    assert count_blocs(t, np.ones(4, bool), 0.5) == 3


def test_a_detected_shortfall_costs_trust_in_that_nation():
    p, world, rules, state = hand_built(trust_learning=0.5, fairness_weight=0.0)
    mandates = negotiate_mandates(world, state.missions, state.member, p, rules)
    pledge = np.ones((1, 4, 3))
    unit = state.missions.unit_cost
    own_cost = np.vecdot(pledge, unit)[0] * np.array([1.0, 1.0, 0.5, 1.0])
    fair_total = np.vecdot(pledge, unit)[0]
    result = update(state.trust, pledge, unit, own_cost, fair_total,
                    np.array([False, False, True, False]), mandates, world, p)
    before = state.trust
    assert (result.trust[:, 2] < before[:, 2])[[0, 1, 3]].all()
    assert (result.trust[[0, 1], 3] >= before[[0, 1], 3]).all()
