"""Shared builders: hypothesis strategies for random valid parameter sets, and hand-built
worlds and states on which a phase can be run without a model."""

from typing import Any

import numpy as np
from hypothesis import strategies as st

from abm.model.missions import coalition_missions
from abm.model.state import CoalitionState, Rules, World
from abm.scenarios.parameters import PARAMETERS, TINY, validate
from abm.scenarios.population import Traits

# Small populations keep each example fast; everything else ranges over its allowed values.
_NUMERIC = ["inequality", "income_spread", "income_size_correlation", "divergence",
            "salience_spread", "regional_salience", "funds_share", "troops_per_thousand",
            "troop_cost_factor", "cc_slope", "hump_peak", "unconditional_level", "noise",
            "initial_belief", "belief_update", "budget_inertia", "imitation", "initial_trust",
            "regional_trust",
            "trust_learning", "trust_asymmetry", "fairness_weight", "gossip", "will_mean",
            "will_reversion", "will_shock", "renege_propensity", "req_funds", "req_troops",
            "req_enablers", "mission_risk", "mpcr", "tolerance", "disagreement_cost",
            "qmv_threshold", "assessment_ceiling", "guideline_share", "monitoring",
            "sanction_rate", "punishment_ratio", "punishment_effort", "private_benefit",
            "pooled_fund", "pool_discount", "hub_saving", "interop_cost", "experience_rate",
            "legitimacy_weight", "exit_trust", "exit_payoff", "novice_noise",
            "reputation_weight", "payoff_memory", "income_gradient", "prior_detection",
            "antisocial_punishment", "punishment_cap", "arrears_limit", "command_interop",
            "command_disagreement", "hub_interop", "success_threshold", "bloc_threshold",
            "enabler_concentration", "enabler_cost"]
_CHOICES = ["decision_rule", "burden_rule", "command"]
_FLAGS = ["side_payments", "peer_punishment", "logistics_hub", "rejoin", "rematch",
          "public_reports", "vote_suspension"]


def _value(name):
    p = PARAMETERS[name]
    if p.choices:
        return st.sampled_from(p.choices)
    if p.kind is bool:
        return st.booleans()
    high = min(p.high, 10.0)
    return st.floats(p.low, high, allow_nan=False, allow_infinity=False).map(
        lambda v: 0.0 if abs(v) < TINY else v)


@st.composite
def valid_params(draw):
    params = {"n_nations": draw(st.integers(2, 12)),
              "n_missions": draw(st.integers(1, 3)),
              "n_regions": draw(st.integers(1, 5)),
              "dimensions": draw(st.integers(1, 2)),
              "pledging_rounds": draw(st.integers(1, 4)),
              "exit_patience": draw(st.integers(0, 3)),
              "mission_duration": draw(st.integers(0, 3)),
              "horizon": draw(st.sampled_from([0, 0, 1, 3, 6])),
              "deal_term": draw(st.integers(1, 5)),
              "reimbursement": draw(st.sampled_from([0.0, 0.0, 17136.0, 1e6]))}
    params["group_size"] = draw(st.sampled_from([0, 0, 2, 3])) if params["n_nations"] >= 3 else 0
    for name in draw(st.lists(st.sampled_from(_NUMERIC + _CHOICES + _FLAGS), max_size=25,
                              unique=True)):
        params[name] = draw(_value(name))
    required = [params.get(k, 1) for k in ("req_funds", "req_troops", "req_enablers")]
    if sum(required) == 0:
        params["req_funds"] = 0.3
    shares = draw(st.lists(st.integers(0, 10), min_size=4, max_size=4).filter(any))
    total = sum(shares)
    names = ("share_conditional", "share_free_rider", "share_hump", "share_unconditional")
    params.update({k: v / total for k, v in zip(names, shares, strict=True)})
    return params


def hand_built(gdp=(400.0, 200.0, 100.0, 50.0), region=(0, 0, 1, 1), strategy=(0, 0, 1, 3),
               position=None, seed: int = 1, **overrides: Any
               ) -> tuple[dict[str, Any], World, Rules, CoalitionState]:
    """Parameters, world, rules and initial state of a few nations given by hand (GDP in bn
    USD, 10,000 USD per person), with the coalition's missions opened."""
    p = validate({"n_nations": len(gdp), "n_regions": max(region) + 1, **overrides})
    gdp = np.array(gdp, dtype=float)
    n = len(gdp)
    traits = Traits(
        name=np.array([f"N{i}" for i in range(n)]), gdp=gdp, population=gdp * 1e5,
        region=np.array(region), salience=np.ones(n), strategy=np.array(strategy),
        position=np.zeros((n, 1)) if position is None else np.array(position, float)[:, None],
        funds_share=np.full(n, p["funds_share"]))
    world = World.from_traits(traits, p)
    rng = np.random.default_rng(seed)
    missions = coalition_missions(world.capacity, world.troop_cost, p, rng)
    return p, world, Rules.from_params(p), CoalitionState.initial(world, traits, p, missions)
