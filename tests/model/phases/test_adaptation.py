"""Phase 8, adaptation and cohesion: beliefs, imitation, withdrawal and return."""

import numpy as np

from abm.model.phases.adaptation import (
    cohesion,
    commitment,
    imitate,
    learn_punishment,
    update_beliefs,
)


def test_beliefs_move_towards_what_was_seen():
    belief = update_beliefs(np.array([0.5, 0.5]), np.array([0.3, 0.9]), np.array([True, False]),
                            0.5)
    assert belief.tolist() == [0.4, 0.5]


def test_a_member_leaves_after_patience_cycles_of_discontent_and_may_return():
    member, streak = np.array([True, True]), np.array([1, 0])
    trust = np.array([0.1, 0.9])
    worth = np.array([-0.1, -0.1])  # membership costs a little more than it brings
    member, streak, exits, rejoins = cohesion(member, trust, worth, streak, 2, 0.3, -1.0,
                                              rejoin=True)
    assert member.tolist() == [False, True] and (exits, rejoins) == (1, 0)
    assert streak.tolist() == [0, 0]
    restored = np.array([0.5, 0.9])
    member, streak, _, _ = cohesion(member, restored, worth, streak, 2, 0.3, -1.0, True)
    member, streak, exits, rejoins = cohesion(member, restored, worth, streak, 2, 0.3,
                                              -1.0, True)
    assert member.all() and rejoins == 1


def test_low_trust_does_not_drive_out_a_member_for_whom_membership_pays():
    member, streak = np.array([True, True]), np.array([1, 1])
    kept, _, exits, _ = cohesion(member, np.array([0.1, 0.1]), np.array([0.2, -0.2]), streak,
                                 2, 0.3, -1.0, rejoin=False)
    assert kept.tolist() == [True, False] and exits == 1


def test_a_discontented_member_withdraws_before_it_leaves():
    assert commitment(np.array([True, True]), np.array([0, 0]), 3) is None
    kept = commitment(np.array([True, True, False]), np.array([0, 2, 2]), 4)
    assert kept.tolist() == [1.0, 0.5, 1.0]


def test_without_rejoining_a_nation_that_left_stays_out():
    member = np.array([False, True])
    out, _, _, rejoins = cohesion(member, np.ones(2), np.zeros(2), np.array([5, 0]), 2, 0.3,
                                  -1.0, rejoin=False)
    assert out.tolist() == [False, True] and rejoins == 0


def test_imitation_copies_better_strategies_among_candidates():
    rng = np.random.default_rng(0)
    strategy = np.array([1, 1, 1, 0])
    score = np.array([0.0, 0.0, 0.0, 10.0])
    copied = imitate(strategy, score, np.ones(4, bool), 1.0, rng)
    assert copied[3] == 0 and (copied == 0).sum() >= 2
    assert imitate(strategy, score, np.ones(4, bool), 0.0, rng) is strategy


def test_punishment_that_falls_whatever_one_gives_teaches_nothing_about_giving():
    """The delta rule puts punishment that does not depend on what one gave into the base;
    punishment that grows with the shortfall into the slope."""
    rng = np.random.default_rng(0)
    n = 500
    flat_slope = flat_base = fair_slope = fair_base = np.zeros(n)
    for _ in range(40):
        deviation = rng.uniform(-0.5, 0.5, n)
        flat_slope, flat_base = learn_punishment(flat_slope, flat_base, np.full(n, 0.3),
                                                 deviation, 0.1, 0.3)
        fair_slope, fair_base = learn_punishment(fair_slope, fair_base,
                                                 1.2 * np.maximum(deviation, 0.0), deviation,
                                                 0.1, 0.3)
    assert np.median(np.abs(flat_slope)) < 0.1 < 0.25 < np.median(flat_base)
    assert np.median(fair_slope) > 0.4
