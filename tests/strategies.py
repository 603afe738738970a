"""Hypothesis strategies: random valid parameter sets for the model."""

from hypothesis import strategies as st

from abm.parameters import PARAMETERS, TINY

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
            "pooled_fund", "pool_discount", "hub_bonus", "interop_cost", "experience_rate",
            "legitimacy_weight", "exit_trust", "exit_payoff"]
_CHOICES = ["decision_rule", "burden_rule", "command"]
_FLAGS = ["side_payments", "peer_punishment", "logistics_hub", "rejoin", "rematch"]


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
              "mission_duration": draw(st.integers(0, 3))}
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
