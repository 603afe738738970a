"""Phase 6, accountability: detection, sanctions, peer punishment, net payoffs."""

import numpy as np
import pytest

from abm.model.phases.accountability import hold_to_account, peer_punishment, shortfall_value
from abm.model.phases.payoffs import Payoffs
from abm.scenarios.parameters import validate

FAIR = np.array([[[2.0, 0.0, 0.0], [2.0, 0.0, 0.0], [2.0, 0.0, 0.0]]])
PLEDGE = np.array([[[2.0, 0.0, 0.0], [2.0, 0.0, 0.0], [1.0, 0.0, 0.0]]])
DELIVERED = np.array([[[2.0, 0.0, 0.0], [0.5, 0.0, 0.0], [1.0, 0.0, 0.0]]])
UNIT = np.ones((1, 3, 3))
PART = np.ones((1, 3), dtype=bool)
GROSS = Payoffs(own_cost=np.array([2.0, 0.5, 1.0]), contribution=np.array([2.0, 0.5, 1.0]),
                benefit=np.array([3.0, 3.0, 3.0]))


def account(draw, **params):
    p = validate(params)
    return hold_to_account(PLEDGE, DELIVERED, np.array([[2.0, 0.5, 1.0]]), FAIR,
                           np.array([[2.0, 2.0, 2.0]]), UNIT, PART, np.array([0, 0, 1]), GROSS,
                           p, np.asarray(draw, dtype=float))


def test_a_shortfall_is_below_the_larger_of_pledge_and_fair_share():
    assert shortfall_value(PLEDGE, DELIVERED, FAIR, UNIT, PART).tolist() == [[0.0, 1.5, 1.0]]


def test_sanctions_fall_on_detected_shortfalls_only():
    result = account([0.1, 0.1, 0.9], monitoring=0.5, sanction_rate=2.0)
    assert result.detected.tolist() == [True, True, False]
    assert result.sanction.tolist() == [0.0, 3.0, 0.0]
    np.testing.assert_array_equal(result.payoff, GROSS.benefit - result.cost - result.sanction)
    assert not account([0.1] * 3, monitoring=0.0, sanction_rate=2.0).sanction.any()


def test_reciprocators_who_did_their_part_pay_to_punish():
    result = account([0.0, 0.0, 0.0], monitoring=1.0, peer_punishment=True,
                     punishment_ratio=3.0, punishment_effort=0.5)
    # only nation 0 gave at least half its fair share and is a reciprocator: it pays
    # 0.5 x (1.5 + 1.0), and the shirkers lose 3 x 0.5 x their shortfall
    assert result.cost.tolist() == pytest.approx([2.0 + 1.25, 0.5, 1.0])
    assert result.sanction.tolist() == pytest.approx([0.0, 2.25, 1.5])


def test_punishers_share_the_cost():
    damage, cost = peer_punishment(np.array([[0.0, 2.0, 0.0]]), np.array([True, True, False]),
                                   np.array([[True, False, True]]), 3.0, 0.5)
    assert damage.tolist() == [0.0, 3.0, 0.0] and cost.tolist() == [0.5, 0.0, 0.5]
