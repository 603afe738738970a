"""Named scenarios shared by the CLI, the experiments and the classroom app."""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

from .parameters import ParameterError, validate

_PRESETS: dict[str, dict[str, Any]] = {
    "default": {},
    "public_goods_lab": {
        # Fischbacher and Gaechter (2010): groups of 4, endowment 20, MPCR 0.4, strangers.
        "n_nations": 140, "group_size": 4, "rematch": True, "n_regions": 1,
        "inequality": 0.0, "income_spread": 0.0, "gdp_median": 20.0, "funds_share": 1.0,
        "req_funds": 1.0, "req_troops": 0.0, "req_enablers": 0.0, "mpcr": 0.4,
        "divergence": 0.0, "salience_spread": 0.0, "regional_salience": 0.0,
        "tolerance": 10.0, "disagreement_cost": 0.0, "pledging_rounds": 1,
        "side_payments": False, "initial_trust": 1.0, "regional_trust": 0.0,
        "trust_learning": 0.0, "renege_propensity": 0.0, "will_shock": 0.0,
        "monitoring": 1.0, "legitimacy_weight": 0.0, "interop_cost": 0.0,
        "exit_patience": 0, "mission_risk": 0.0, "initial_belief": 0.49,
        # Ten periods, known to the subjects; decision errors of novices (fitted to FG 2010's
        # series, as is the level of the 'other' types, docs/ODD.md section 7).
        "horizon": 10, "novice_noise": 0.9, "unconditional_level": 0.25,
    },
    "alliance": (_ALLIANCE := {
        # Olson and Zeckhauser (1966): unequal GDP, a pure public good, voluntary shares.
        # Defence capacity up to 4 % of GDP; the requirement, half of it, is 2 % of the
        # alliance's GDP (NATO's guideline).
        "n_nations": 30, "inequality": 1.2, "funds_share": 0.04, "req_funds": 0.5,
        "req_troops": 0.0,
        "req_enablers": 0.0, "burden_rule": "voluntary", "private_benefit": 0.0,
        "regional_salience": 0.0, "salience_spread": 0.1, "divergence": 0.2, "tolerance": 1.0,
        "legitimacy_weight": 0.0, "interop_cost": 0.0, "side_payments": False,
        "exit_patience": 0,
    }),
    "peacekeeping": (_PEACEKEEPING := {
        # UN-like: assessed funds (22 % ceiling), voluntary troops reimbursed at the UN rate.
        "n_nations": 40, "inequality": 1.2, "income_spread": 1.2,
        "income_size_correlation": 0.2, "burden_rule": "assessed", "assessment_ceiling": 0.22,
        "reimbursement": 17136.0, "req_funds": 0.3, "req_troops": 0.2, "req_enablers": 0.2,
        "regional_salience": 2.0, "n_missions": 2, "mission_duration": 8,
        "private_benefit": 0.1, "n_regions": 5,
        # Article 19 (arrears the organisation sees cost the vote) and its published status of
        # contributions.
        "vote_suspension": True, "public_reports": True,
        # Nobody leaves the UN over peacekeeping: membership brings far more than its
        # missions (Indonesia's withdrawal, 1965, lasted 20 months).
        "exit_patience": 0,
    }),
    "nato_2014": {
        # NATO's 31 allies from 2014 (World Bank GDP and population; defence spending as the
        # budgets they start from), then a decade of the Wales 2 % guideline. Calibration in
        # docs/ODD.md (section 7).
        **_ALLIANCE, "nations_file": "nato_2014", "burden_rule": "guideline",
        "guideline_share": 0.02, "funds_share": 0.05, "req_funds": 0.49,
        "budget_inertia": 0.85, "monitoring": 1.0, "initial_belief": 1.2,
    },
    "un_peacekeeping": {
        # The peacekeeping rules over the UN member states of 2019 (World Bank GDP and
        # population); regions are drawn.
        **_PEACEKEEPING, "nations_file": "un_members_2019",
    },
    "trust_collapse": {
        # Low initial trust, high divergence, weak monitoring.
        "initial_trust": 0.25, "regional_trust": 0.1, "divergence": 0.5, "tolerance": 0.6,
        "monitoring": 0.1, "will_mean": 0.6, "will_shock": 0.25, "renege_propensity": 3.0,
        "trust_learning": 0.3, "fairness_weight": 0.7, "exit_trust": 0.4, "exit_patience": 3,
    },
}

DESCRIPTIONS = {
    "default": "30 nations, one mission needing funds, troops and enablers, voluntary shares.",
    "public_goods_lab": "The laboratory public goods game: groups of 4, endowment 20, MPCR "
                        "0.4, strangers, 10 periods (Fischbacher and Gaechter 2010).",
    "alliance": "Olson-Zeckhauser alliance: unequal GDP, a pure public good, voluntary "
                "contributions; the large carry the small.",
    "peacekeeping": "UN-like: assessed funds with a 22 % ceiling, voluntary troops reimbursed "
                    "at the UN rate; two regional missions.",
    "nato_2014": "NATO's 31 allies with real 2014 GDP and defence budgets, then a decade of "
                 "the 2 % guideline (one cycle = one budget year).",
    "un_peacekeeping": "The UN-like rules over the 188 UN member states with 2019 World Bank "
                       "data: who pays, who sends troops.",
    "trust_collapse": "Low initial trust, high interest divergence, weak monitoring: watch "
                      "the coalition fall apart.",
}

STEPS = {"public_goods_lab": 10, "nato_2014": 10}
DEFAULT_STEPS = 100

presets = MappingProxyType({k: MappingProxyType(v) for k, v in _PRESETS.items()})


def preset_params(name: str | None, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """The preset's parameters with ``overrides`` on top, validated."""
    name = name or "default"
    if name not in presets:
        raise ParameterError(f"preset: unknown preset {name!r}, expected one of "
                             f"{', '.join(presets)}")
    params = {**presets[name], **(overrides or {})}
    validate(params)
    return params


def preset_steps(name: str | None) -> int:
    return STEPS.get(name or "default", DEFAULT_STEPS)
