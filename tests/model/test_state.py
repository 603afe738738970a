"""The model's state: the world's derived attributes, the rules' implications and the initial
state, exactly."""

import numpy as np
import pytest

from abm.model.state import Rules
from abm.scenarios.parameters import validate

from ..property import hand_built


def test_capacities_follow_their_formulas():
    p, world, _, _ = hand_built(funds_share=0.02, troops_per_thousand=2.0,
                                enablers_per_100bn=10.0, enabler_concentration=1.0,
                                income_median=10000.0, troop_cost_factor=3.0)
    gdp = world.gdp
    np.testing.assert_allclose(world.capacity[:, 0], 0.02 * gdp)
    np.testing.assert_allclose(world.capacity[:, 1], 2.0 * world.population / 1000)
    np.testing.assert_allclose(world.capacity[:, 2], 10.0 * gdp / 100)  # income at the median
    np.testing.assert_allclose(world.troop_cost, 3.0 * 10000 * 1e-9)
    assert world.size.mean() == pytest.approx(1.0)
    assert world.region_onehot.tolist() == [[1, 0], [1, 0], [0, 1], [0, 1]]


def test_rules_follow_the_institutions():
    p = validate({"monitoring": 0.5, "sanction_rate": 1.0, "peer_punishment": True,
                  "punishment_ratio": 3.0, "punishment_effort": 0.2,
                  "command": "centralised", "logistics_hub": True, "hub_saving": 0.25,
                  "interop_cost": 0.4, "disagreement_cost": 0.5, "reimbursement": 1000.0})
    rules = Rules.from_params(p)
    # centralised command: disagreement x command_disagreement (2), interoperability losses
    # x command_interop (0.5) x hub_interop (0.5)
    assert rules.disagreement == 1.0 and rules.interop_cost == pytest.approx(0.1)
    # the hub saves a quarter of deploying troops and enablers; no pooled fund
    assert rules.cost_factor.tolist() == [1.0, 0.75, 0.75]
    assert rules.reimbursement.tolist() == pytest.approx([0.0, 1e-6, 0.0])
    plain = Rules.from_params(validate({"monitoring": 0.5}))
    assert plain.cost_factor.tolist() == [1.0, 1.0, 1.0]
    assert plain.interop_cost == pytest.approx(0.3)
    pooled = Rules.from_params(validate({"pooled_fund": 0.5, "pool_discount": 0.4}))
    assert pooled.cost_factor.tolist() == pytest.approx([1.0, 1.0, 0.8])


def test_initial_state_trusts_the_own_region_more_and_no_one_itself():
    _, _, _, state = hand_built(initial_trust=0.5, regional_trust=0.2, initial_belief=0.4)
    assert np.diag(state.trust).tolist() == [0.0] * 4
    assert state.trust[0, 1] == pytest.approx(0.7) and state.trust[0, 2] == pytest.approx(0.5)
    assert state.member.all() and state.n_members == 4
    assert state.belief.tolist() == [0.4] * 4 and state.funds_pledged is None
