"""Phase 1, mandate negotiation: the compromise, the vote, opting out."""

import numpy as np
import pytest

from abm.model.phases.negotiation import alignment, compromise, negotiate, negotiate_mandates

from ...property import hand_built


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


def test_alignment_loses_value_with_distance():
    assert alignment(np.array([0.0, 1.0, 4.0]), 0.5).tolist() == [1.0, 0.5, 0.0]


def test_a_nation_far_from_the_mandate_opts_out_in_public():
    p, world, rules, state = hand_built(position=[0.0, 0.1, -0.1, 3.0], tolerance=1.0)
    mandates = negotiate_mandates(world, state.missions, state.member, p, rules)
    weights = world.gdp * mandates.salience[0]  # the compromise: capability x salience
    assert mandates.position[0, 0] == pytest.approx((weights @ world.position[:, 0])
                                                     / weights.sum())
    assert mandates.launched.all()
    assert mandates.part[0].tolist() == [True, True, True, False]
    assert mandates.dissent == 1 and mandates.opted_out.tolist() == [False, False, False, True]
    assert mandates.watched.all() and mandates.participating.tolist() == [True] * 3 + [False]
    np.testing.assert_allclose(mandates.partner_weight[0], [0.5, 0.5, 0.5, 0.0])


def test_non_members_neither_take_part_nor_are_watched():
    p, world, rules, state = hand_built()
    member = np.array([True, True, False, True])
    mandates = negotiate_mandates(world, state.missions, member, p, rules)
    assert not mandates.part[0, 2] and not mandates.watched[2]
    assert mandates.beneficiaries.all()  # the public good reaches non-members too
    assert mandates.pool_size.tolist() == [3]


def test_an_assessment_binds_members_who_reject_the_mandate():
    """A dissenter opts out of a voluntary mission but not out of an assessed one (UN Charter,
    Article 17(2)): it takes part, on the value the mandate leaves it."""
    position = (0.0, 0.1, 0.2, 2.0)  # the last is far from any compromise
    taken = {}
    for rule in ("voluntary", "assessed"):
        p, world, rules, state = hand_built(position=position, tolerance=0.5, burden_rule=rule)
        mandates = negotiate_mandates(world, state.missions, state.member, p, rules)
        assert mandates.dissent == 1 and mandates.launched.all()
        taken[rule] = mandates.part[:, 3].any()
        assert mandates.aligned[:, 3].max() < mandates.aligned[:, 0].min()
    assert taken == {"voluntary": False, "assessed": True}


def test_a_vote_is_worth_what_it_moves_the_mandate_whether_held_or_suspended():
    """Voice is the distance the mandate moves with the vote: w / (W - w) of the distance for
    a voter (the mandate without it), w / (W + w) for a suspended member (with it back), so
    a member keeps seeing what its vote is worth while it has none (Article 19)."""
    position = [0.0, 0.0, 0.0, 3.0]  # GDP 400, 200, 100, 50
    p, world, rules, state = hand_built(position=position, tolerance=10.0)
    held = negotiate_mandates(world, state.missions, state.member, p, rules)
    suspended = negotiate_mandates(world, state.missions, state.member, p, rules,
                                   np.array([False, False, False, True]))
    w = world.gdp * held.salience[0]
    distance_held = 3.0 - held.position[0, 0]
    assert held.voice[0, 3] == pytest.approx(distance_held * w[3] / (w.sum() - w[3]))
    assert suspended.position[0, 0] == pytest.approx(0.0)  # the mandate moved away from it
    assert suspended.voice[0, 3] == pytest.approx(3.0 * w[3] / w.sum())
    # with its vote back the mandate would be where it is with the vote held
    assert 3.0 - 3.0 * w[3] / w.sum() == pytest.approx(distance_held)
