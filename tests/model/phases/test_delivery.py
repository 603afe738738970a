"""Phase 3, delivery: who reneges, and how much they deliver."""

import numpy as np
import pytest

from abm.model.phases.conference import Schedules
from abm.model.phases.delivery import deliver, deterrent, renege_probability, update_will
from abm.model.phases.negotiation import negotiate_mandates

from ...property import hand_built


def test_reneging_rises_with_unwillingness_low_will_and_distrust_and_falls_with_deterrence():
    # conditional cooperator, free rider, unconditional (level 0.6)
    unwilling = Schedules(np.array([0, 1, 3]), 0.745, 0.5, 0.6).unwillingness
    assert unwilling.tolist() == pytest.approx([0.255, 1.0, 0.4])
    will, trust = np.full(3, 0.6), np.full(3, 0.5)
    base = renege_probability(0.5, unwilling, will, trust, 0.0)
    assert base[1] > base[2] > base[0]
    assert (renege_probability(0.5, unwilling, np.full(3, 0.3), trust, 0.0) > base).all()
    assert (renege_probability(0.5, unwilling, will, np.full(3, 0.1), 0.0) > base).all()
    assert (renege_probability(0.5, unwilling, will, trust, 1.0) < base).all()
    assert not renege_probability(0.0, unwilling, will, trust, 0.0).any()


def test_the_deterrent_is_the_learned_chance_of_being_seen_times_what_it_costs():
    got = deterrent(np.array([0.5, 1.0]), 2.0, np.array([1.0, -3.0]))
    assert got.tolist() == [0.5 * (1 + 2 + 1), 1.0 * (1 + 2 + 0)]  # punishment for giving
    assert deterrent(np.array([0.5]), 0.0, None).tolist() == [0.5]  # more deters nothing


def test_political_will_stays_in_the_unit_interval():
    will = update_will(np.array([0.0, 0.5, 1.0]), 0.8, 0.3, 5.0, np.random.default_rng(1))
    assert ((will >= 0) & (will <= 1)).all()


def test_a_nation_that_reneges_delivers_what_its_will_sustains():
    p, world, rules, state = hand_built()
    mandates = negotiate_mandates(world, state.missions, state.member, p, rules)
    pledge = np.ones((1, 4, 3))
    will = np.array([0.5, 0.6, 0.7, 0.8])
    kept = deliver(pledge, mandates, state.trust, state.partner_trust, np.ones(4), will,
                   0.5, 0.0, draw=np.ones(4))
    assert (kept.delivered == pledge).all()
    reneged = deliver(pledge, mandates, state.trust, state.partner_trust, np.ones(4),
                      will, 10.0, 0.0, draw=np.zeros(4))
    np.testing.assert_allclose(reneged.delivered[0, :, 0], will)


def test_partner_trust_is_the_mean_trust_in_the_other_participants():
    p, world, rules, state = hand_built(initial_trust=0.4, regional_trust=0.3)
    mandates = negotiate_mandates(world, state.missions, state.member, p, rules)
    result = deliver(np.zeros((1, 4, 3)), mandates, state.trust, state.partner_trust,
                     np.ones(4), state.will, 0.5, 0.0, np.ones(4))
    # each has one partner of its region (0.7) and two of the other (0.4)
    assert result.partner_trust == pytest.approx(np.full(4, 0.5))
