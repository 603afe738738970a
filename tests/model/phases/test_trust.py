"""Phase 7, trust: reliability seen, asymmetric updating, gossip, blocs."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from abm.model.phases.trust import (
    count_blocs,
    gossip,
    private_targets,
    reliability,
    update,
    update_trust,
)

from ...property import hand_built


@given(arrays(float, (5, 5), elements=st.floats(0, 1)), arrays(float, 5, elements=st.floats(0, 1)),
       arrays(bool, (5, 5)), st.floats(0, 1), st.floats(1, 10))
def test_trust_update_stays_in_unit_interval_and_moves_towards_what_was_seen(t, rel, sees, rate,
                                                                         asym):
    np.fill_diagonal(t, 0)
    before = t.copy()
    target = private_targets(rel, np.ones(5), sees, ~np.eye(5, dtype=bool), t)
    updated = update_trust(t, target, rate, asym)
    assert (t == before).all()  # the input is left as it was
    assert ((updated >= 0) & (updated <= 1)).all()
    off = ~np.eye(5, dtype=bool)
    assert (np.abs(updated - target)[off] <= np.abs(t - target)[off] + 1e-12).all()


def test_trust_is_lost_faster_than_it_is_gained():
    trust = np.array([[0.0, 0.5, 0.5], [0.5, 0.0, 0.5], [0.5, 0.5, 0.0]])
    target = np.array([[0.0, 0.0, 0.5], [1.0, 0.0, 0.5], [1.0, 0.0, 0.0]])  # 0.5: unseen
    updated = update_trust(trust, target, 0.2, 2.0)
    assert updated[2, 0] == pytest.approx(0.6) and updated[2, 1] == pytest.approx(0.3)
    assert updated[0, 2] == 0.5  # nothing seen: unchanged


def test_observers_who_saw_differ_from_those_who_suspect():
    reliability = np.array([1.0, 0.2, 1.0, 1.0])
    sees = np.zeros((4, 4), dtype=bool)
    sees[0, 1] = True  # only 0 saw 1's shortfall
    trust = np.full((4, 4), 0.8) * ~np.eye(4, dtype=bool)
    target = private_targets(reliability, np.ones(4), sees, ~np.eye(4, dtype=bool), trust)
    assert target[0, 1] == pytest.approx(0.2)
    # 2 saw nobody: it suspects each of 0, 1, 3 of their pooled reliability
    assert target[2, [0, 1, 3]] == pytest.approx([2.2 / 3] * 3)
    updated = update_trust(trust, target, 0.5, 1.0)
    assert updated[:, 1].std() > 0  # trust in the same partner differs between observers


def test_gossip_weighs_each_report_by_trust_in_the_reporter_and_skips_self_reports():
    trust = np.array([[0.0, 1.0, 0.0], [0.5, 0.0, 0.5], [1.0, 1.0, 0.0]])
    blended = gossip(trust, 1.0)
    # 0 trusts only 1, which reports 0.5 of 2; 1's own (zero) self-trust is never a report
    assert blended[0, 2] == pytest.approx(0.5)
    assert blended[2, 0] == pytest.approx(0.5)  # 2 hears 1's 0.5 of 0 (its own row skipped)
    assert np.diag(blended).tolist() == [0.0] * 3
    assert gossip(trust, 0.0) is trust


def test_gossip_does_not_lower_trust_where_everyone_agrees():
    """The bug it replaces: a regional average counted the partner's zero self-trust."""
    trust = np.full((4, 4), 0.8)
    np.fill_diagonal(trust, 0.0)
    np.testing.assert_allclose(gossip(trust, 0.5), trust)


def test_reliability_mixes_fulfilment_and_fair_share():
    seen = reliability(np.array([10.0, 10.0, 10.0]), np.array([5.0, 5.0, 10.0]),
                       np.array([10.0, 20.0, 10.0]), 0.5)
    assert seen.tolist() == [0.5, 0.375, 1.0]


def test_blocs_count_components_of_mutual_trust():
    t = np.zeros((4, 4))
    t[0, 1] = t[1, 0] = 0.9
    t[2, 3] = 0.9  # one-way trust is no bloc tie
    assert count_blocs(t, np.ones(4, bool), 0.5) == 3


def test_a_seen_shortfall_costs_trust_in_that_nation_only_with_those_who_saw_it():
    p, world, rules, state = hand_built(trust_learning=0.5, fairness_weight=0.0)
    pledge = np.ones((1, 4, 3))
    unit = state.missions.unit_cost
    delivered = np.vecdot(pledge, unit) * np.array([1.0, 1.0, 0.5, 1.0])
    fair = np.vecdot(pledge, unit)
    aware = ~np.eye(4, dtype=bool)
    sees = aware.copy()
    sees[3, 2] = False  # 3 did not see 2; 0 and 1 did
    result = update(state.trust, pledge, unit, delivered, fair, np.ones((1, 4), dtype=bool),
                    sees, aware, p)
    before = state.trust
    assert (result.trust[[0, 1], 2] < before[[0, 1], 2]).all()
    assert result.trust[3, 2] < before[3, 2]  # suspicion: 2 was the only one unseen by 3
    assert (result.trust[[0, 1], 3] >= before[[0, 1], 3]).all()
