"""The pledging conference: the motives of a pledge, and the rounds."""

import numpy as np
import pytest

from abm.model.phases.conference import Schedules, gap_closing, social_ratio
from abm.model.phases.negotiation import negotiate_mandates
from abm.model.phases.pledging import negotiated_terms, open_conference

from ...property import hand_built


def test_conditional_cooperators_under_match():
    ratio = social_ratio(np.zeros(1, int), np.array([1.0]), 0.745, 0.5, 0.6)
    assert ratio[0] * 20 == pytest.approx(14.9)


def test_each_type_follows_its_schedule():
    belief = np.linspace(0.0, 2.0, 9)
    ratios = {t: Schedules(np.full(9, t), 0.745, 0.5, 0.6)(belief) for t in range(4)}
    np.testing.assert_allclose(ratios[0], 0.745 * belief)  # conditional
    assert not ratios[1].any()  # free rider
    assert ratios[2].argmax() == 2 and ratios[2][0] == ratios[2][-1] == 0  # hump at 0.5
    np.testing.assert_allclose(ratios[3], 0.6)  # unconditional


def test_self_interest_closes_the_gap_to_where_benefit_meets_cost():
    # w = 1/2: preferred coverage (slope / cost)^2; 0.5^2 x 10 = 2.5, minus the others' 1.
    assert float(gap_closing(np.array(0.5), np.array(1.0), np.array(2.0), np.array(10.0),
                             np.array(1.0))) == pytest.approx(1.5)


def conference_of(**overrides):
    p, world, rules, state = hand_built(noise=0.0, **overrides)
    mandates = negotiate_mandates(world, state.missions, state.member, p, rules)
    terms = negotiated_terms(world, state.missions, mandates, p, rules)
    conference = open_conference(world, state.missions, mandates, terms, p)
    schedules = Schedules(state.strategy, p["cc_slope"], p["hump_peak"],
                          p["unconditional_level"])

    def pledges(rounds=2, played=None, belief=None):
        return conference(value=terms.value, trust=state.trust,
                          memory=state.belief if belief is None else belief,
                          schedules=schedules, shock=np.zeros(world.n), rounds=rounds,
                          played=played or {})
    return world, terms, pledges


def test_pledges_stay_within_capacity_and_later_rounds_only_raise_them():
    world, terms, pledges = conference_of(mpcr=2.0)
    one, three = pledges(rounds=1), pledges(rounds=3)
    assert (three >= one - 1e-12).all()
    assert (three <= world.capacity[None] + 1e-12).all() and (one >= 0).all()


def test_reciprocators_give_at_least_their_schedule_of_the_fair_share():
    world, terms, pledges = conference_of(mpcr=0.0)  # no self-interested motive
    belief = np.full(world.n, 0.8)
    given = pledges(rounds=1, belief=belief)
    expected = Schedules(np.array([0, 0, 1, 3]), 0.745, 0.5, 0.6)(belief)
    np.testing.assert_allclose(given[0], expected[:, None] * terms.fair[0])


def test_a_played_nation_pledges_its_offer_within_capacity():
    world, _, pledges = conference_of()
    offer = np.array([1.0, 1e9, 0.0])
    given = pledges(played={2: offer})
    assert given[0, 2].tolist() == [1.0, world.capacity[2, 1], 0.0]
