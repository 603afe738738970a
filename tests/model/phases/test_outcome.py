"""Phase 4, outcome: coverage, effectiveness, legitimacy."""

import numpy as np
import pytest

from abm.model.phases.negotiation import negotiate_mandates
from abm.model.phases.outcome import assess, coverage

from ...property import hand_built


def test_coverage_is_capped():
    assert coverage(np.array([[5.0, 30.0, 0.0]]), np.array([[10.0, 20.0, 0.0]])).tolist() == [
        [0.5, 1.0, 1.0]]


def test_a_critical_gap_cannot_be_bought_off_with_surplus():
    p, world, rules, state = hand_built(req_funds=0.3, req_troops=0.3, req_enablers=0.3)
    mandates = negotiate_mandates(world, state.missions, state.member, p, rules)
    delivered = np.repeat(world.capacity[None], 1, axis=0).copy()
    delivered[:, :, 1] = 0.0  # no troops at all
    result = assess(delivered, state.missions, mandates, world, p, rules,
                    state.missions.unit_cost)
    assert result.cover[0, 1] == 0.0 and result.effectiveness[0] == 0.0
    assert result.cover[0, 0] == result.cover[0, 2] == 1.0


def test_more_contributors_from_more_regions_are_more_legitimate():
    p, world, rules, state = hand_built(legitimacy_weight=1.0)
    mandates = negotiate_mandates(world, state.missions, state.member, p, rules)
    one = np.zeros((1, 4, 3))
    one[0, 0] = world.capacity[0]
    both = one.copy()
    both[0, 2] = world.capacity[2]
    cost = state.missions.unit_cost
    lone = assess(one, state.missions, mandates, world, p, rules, cost).legitimacy[0]
    broad = assess(both, state.missions, mandates, world, p, rules, cost).legitimacy[0]
    assert lone == pytest.approx(np.sqrt(1 / 4 * 1 / 2)) and broad == pytest.approx(
        np.sqrt(2 / 4 * 2 / 2))


def test_a_vetoed_mission_achieves_nothing_and_keeps_its_expected_quality():
    p, world, rules, state = hand_built(position=[0.0, 0.0, 3.0, 3.0], tolerance=0.5,
                                        decision_rule="unanimity")
    mandates = negotiate_mandates(world, state.missions, state.member, p, rules)
    assert not mandates.launched.any()
    result = assess(np.ones((1, 4, 3)), state.missions, mandates, world, p, rules,
                    state.missions.unit_cost)
    assert not result.cover.any() and not result.effectiveness.any()
    assert result.quality is state.missions.quality or (
        result.quality == state.missions.quality).all()
