"""Phase 6, accountability: the organisation's sanctions, punishment chosen by peers."""

import numpy as np
import pytest

from abm.model.phases.accountability import (
    carry_arrears,
    hold_to_account,
    over_the_limit,
    punishment_spent,
    shortfall_value,
)
from abm.model.phases.payoffs import Payoffs
from abm.scenarios.parameters import validate

FAIR = np.array([[[2.0, 0.0, 0.0], [2.0, 0.0, 0.0], [2.0, 0.0, 0.0]]])
ASSESSMENT = FAIR[:, :, 0].sum(axis=0)  # the money owed a cycle
PLEDGE = np.array([[[2.0, 0.0, 0.0], [2.0, 0.0, 0.0], [1.0, 0.0, 0.0]]])
DELIVERED = np.array([[[2.0, 0.0, 0.0], [0.5, 0.0, 0.0], [1.0, 0.0, 0.0]]])
UNIT = np.ones((1, 3, 3))
PART = np.ones((1, 3), dtype=bool)
GROSS = Payoffs(own_cost=np.array([2.0, 0.5, 1.0]), contribution=np.array([2.0, 0.5, 1.0]),
                benefit=np.array([3.0, 3.0, 3.0]), public=np.array([3.0, 3.0, 3.0]))
ALL_SEE = ~np.eye(3, dtype=bool)


def account(detected, sees=None, returned=None, retaliation=None, **params):
    p = validate(params)
    return hold_to_account(PLEDGE, DELIVERED, np.array([[2.0, 0.5, 1.0]]), FAIR,
                           np.array([2.0, 2.0, 2.0]), UNIT, PART, np.array([0, 1, 0]), GROSS,
                           p, np.asarray(detected, dtype=bool), sees, returned, retaliation)


def test_a_shortfall_is_below_the_larger_of_pledge_and_fair_share():
    assert shortfall_value(PLEDGE, DELIVERED, FAIR, UNIT, PART).tolist() == [[0.0, 1.5, 1.0]]


def test_sanctions_fall_on_the_shortfalls_the_organisation_saw():
    result = account([True, True, False], sanction_rate=2.0)
    assert result.sanction.tolist() == [0.0, 3.0, 0.0]
    assert result.shortfall.tolist() == [0.0, 1.5, 1.0]
    np.testing.assert_array_equal(result.payoff, GROSS.benefit - result.cost - result.sanction)
    assert not account([False] * 3, sanction_rate=2.0).sanction.any()


def test_reciprocators_punish_who_gave_less_and_pay_for_it():
    result = account([False] * 3, ALL_SEE, peer_punishment=True, punishment_ratio=3.0,
                     punishment_effort=0.5, antisocial_punishment=0.0, punishment_cap=5.0)
    # ratios 1, 0.25, 0.5; nation 1 is a free rider and punishes nobody; 0 and 2 are
    # conditional cooperators: 0 spends 0.5 x (0.75 + 0.5) x 2, 2 spends 0.5 x 0.25 x 2
    spent = result.spent
    assert spent[0].tolist() == pytest.approx([0.0, 0.75, 0.5])
    assert spent[2].tolist() == pytest.approx([0.0, 0.25, 0.0])
    assert not spent[1].any()
    assert result.punished.tolist() == pytest.approx([0.0, 3.0, 1.5])
    assert result.cost.tolist() == pytest.approx([2.0 + 1.25, 0.5, 1.0 + 0.25])
    np.testing.assert_allclose(result.payoff, GROSS.benefit - result.cost - result.sanction)


def test_expected_counter_punishment_prices_punishment_out():
    """A reciprocator that expects r returned per unit it spends pays 1 + ratio x r per unit
    of punishment: it spends effort / (1 + ratio x r) per unit of the gap (Nikiforakis 2008)."""
    params = dict(peer_punishment=True, punishment_ratio=3.0, punishment_effort=0.5,
                  antisocial_punishment=0.0, punishment_cap=5.0)
    free = account([False] * 3, ALL_SEE, **params)
    feared = account([False] * 3, ALL_SEE, retaliation=np.array([1.0, 0.0, 0.0]), **params)
    np.testing.assert_allclose(feared.spent[0], free.spent[0] / 4.0)
    np.testing.assert_array_equal(feared.spent[1:], free.spent[1:])


def test_punishment_needs_seeing_and_is_capped():
    unseen = account([False] * 3, np.zeros((3, 3), dtype=bool), peer_punishment=True)
    assert not unseen.punished.any()
    capped = account([False] * 3, ALL_SEE, peer_punishment=True, punishment_effort=5.0,
                     antisocial_punishment=0.0, punishment_cap=0.1)
    assert capped.spent.max() == pytest.approx(0.1 * 2.0)


def test_antisocial_punishment_hits_who_gave_more_and_returns_punishment():
    spent = punishment_spent(np.array([1.0, 0.0]), np.array([2.0, 2.0]),
                             np.array([False, False]), ~np.eye(2, dtype=bool), None,
                             effort=0.5, antisocial=0.25, cap=5.0)
    assert spent.tolist() == [[0.0, 0.0], [0.5, 0.0]]  # the free rider hits the contributor
    revenge = punishment_spent(np.array([1.0, 1.0]), np.array([2.0, 2.0]),
                               np.array([True, True]), ~np.eye(2, dtype=bool),
                               np.array([[0.0, 0.8], [0.0, 0.0]]), effort=0.5,
                               antisocial=0.25, cap=5.0)
    assert revenge.tolist() == [[0.0, 0.0], [0.2, 0.0]]  # 1 returns a quarter of 0.8


def test_arrears_accumulate_until_two_cycles_of_assessment_cost_the_vote():
    """Article 19: paying nothing for two cycles reaches the limit; paying half takes four;
    a member outside every mission keeps what it owes."""
    limit, arrears = 2.0, np.zeros(3)
    paying = np.array([[[0.0, 0, 0], [1.0, 0, 0], [2.0, 0, 0]]])
    participating = np.array([True, True, True])
    first_over = [None, None, None]
    for cycle in range(1, 6):
        arrears = carry_arrears(arrears, paying, ASSESSMENT, participating)
        for nation in np.flatnonzero(over_the_limit(arrears, np.full(3, 2.0), limit)):
            first_over[nation] = first_over[nation] or cycle
    assert first_over == [2, 4, None]
    kept = carry_arrears(arrears, paying, ASSESSMENT, np.array([False, True, True]))
    assert kept[0] == arrears[0]


def test_money_paid_beyond_the_assessment_pays_off_arrears_and_no_further():
    over = np.array([[[5.0, 0, 0], [3.0, 0, 0], [2.0, 0, 0]]])
    assert carry_arrears(np.array([2.0, 2.0, 0.0]), over, ASSESSMENT, PART[0]).tolist() == [
        0.0, 1.0, 0.0]


def test_a_nation_assessed_nothing_keeps_its_vote_whatever_it_owes():
    """Outside every launched mission a nation owes nothing this cycle: were it suspended,
    a group whose voters were all suspended would never launch its mission again."""
    assert over_the_limit(np.array([5.0, 5.0]), np.array([0.0, 2.0]), 2.0).tolist() == [
        False, True]
