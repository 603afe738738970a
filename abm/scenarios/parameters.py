"""The model's parameters: one registry gives each its default, range, unit and meaning.

The registry is the single source for validation, the ``coalition params`` listing and the
parameter table in ``docs/ODD.md`` (a test keeps the two in step).
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

from .parameter import TINY, Parameter, ParameterError
from .parameter import parameter as _p

__all__ = ["PARAMETERS", "TINY", "Parameter", "ParameterError", "defaults", "parse_value",
           "validate"]

_P = [
    # --- Nations ---------------------------------------------------------------------------------
    _p("n_nations", 30, 2, 5000, "nations", "Number of nations in the model.", group="nations"),
    _p("inequality", 1.0, 0.0, 3.0, "sd of log GDP",
       "Spread of the lognormal GDP distribution (0 = equal sizes).", group="nations"),
    _p("gdp_median", 100.0, 1e-3, 1e5, "bn USD", "Median GDP of a nation.", group="nations"),
    _p("income_median", 10000.0, 100.0, 2e5, "USD/person",
       "Median GDP per capita (sets the cost of a soldier).", group="nations"),
    _p("income_spread", 1.0, 0.0, 3.0, "sd of log USD/person",
       "Spread of the lognormal GDP per capita distribution.", group="nations"),
    _p("income_size_correlation", 0.3, -1.0, 1.0, "correlation",
       "Correlation of log GDP per capita with log GDP.", group="nations"),
    _p("n_regions", 4, 1, 20, "regions", "Number of world regions.", group="nations"),
    _p("dimensions", 1, 1, 2, "dimensions", "Dimensions of the policy space.", group="nations"),
    _p("divergence", 0.3, 0.0, 2.0, "policy units",
       "Spread (sd) of the nations' ideal points: interest divergence.", group="nations"),
    _p("salience_spread", 0.3, 0.0, 2.0, "sd of log salience",
       "Spread of how much nations care about missions in general.", group="nations"),
    _p("regional_salience", 1.0, 0.0, 10.0, "multiple",
       "Extra salience of a mission in a nation's own region (1 = twice as salient).",
       group="nations"),
    _p("nations_file", None, unit="path", kind=str, optional=True, group="nations",
       meaning="CSV of real nations (name, gdp in bn USD, population; optional region, "
               "position, strategy, funds_share, funds_start) replacing the generated ones."),
    # --- Capacities and costs --------------------------------------------------------------------
    _p("funds_share", 0.01, 0.0, 1.0, "share of GDP",
       "Funds a nation can commit to missions per cycle, as a share of its GDP.",
       group="capacities"),
    _p("troops_per_thousand", 0.5, 0.0, 50.0, "soldiers/1000 people",
       "Deployable personnel per thousand inhabitants.", group="capacities"),
    _p("enablers_per_100bn", 5.0, 0.0, 1000.0, "units/100 bn USD",
       "Enabler units (airlift, helicopters, medical, ISR) per 100 bn USD of GDP at median "
       "income.", group="capacities"),
    _p("enabler_concentration", 1.0, 0.0, 3.0, "elasticity",
       "How strongly enabler capacity concentrates in rich nations (elasticity to GDP per "
       "capita).", group="capacities"),
    _p("troop_cost_factor", 2.0, 0.0, 20.0, "x GDP per capita",
       "Yearly cost of a deployed soldier as a multiple of the nation's GDP per capita.",
       group="capacities"),
    _p("enabler_cost", 0.05, 0.0, 10.0, "bn USD/unit", "Cost of one enabler unit per cycle.",
       group="capacities"),
    # --- Behavioural types and beliefs -----------------------------------------------------------
    _p("share_conditional", 0.55, 0.0, 1.0, "share",
       "Share of conditional cooperators (Fischbacher and Gaechter 2010: 55 %).",
       group="strategies"),
    _p("share_free_rider", 0.23, 0.0, 1.0, "share",
       "Share of free riders (pure self-interest; FG 2010: 22.9 %).", group="strategies"),
    _p("share_hump", 0.12, 0.0, 1.0, "share",
       "Share of hump-shaped contributors (FG 2010: 12.1 %).", group="strategies"),
    _p("share_unconditional", 0.10, 0.0, 1.0, "share",
       "Share of unconditional contributors (FG 2010 'others': 10 %).", group="strategies"),
    _p("cc_slope", 0.745, 0.0, 2.0, "ratio",
       "Conditional cooperators' contribution when others give their full fair share "
       "(under-matching: 14.9 of 20 tokens).", group="strategies"),
    _p("hump_peak", 0.5, 0.01, 1.0, "ratio",
       "Belief at which hump-shaped contributors give most.", group="strategies"),
    _p("unconditional_level", 0.6, 0.0, 2.0, "ratio of fair share",
       "What unconditional contributors give, whatever others do.", group="strategies"),
    _p("noise", 0.1, 0.0, 2.0, "ratio of fair share",
       "Sd of a nation's idiosyncratic pledge shock each cycle (trembles, domestic politics), "
       "where erring costs only what a unit saves; smaller where a shortfall is penalised.",
       group="strategies"),
    _p("novice_noise", 0.0, 0.0, 2.0, "ratio of fair share",
       "Extra sd of pledge errors in the first cycle, fading as 1 / cycles of experience "
       "(decision error, Anderson, Goeree and Holt 1998).",
       group="strategies"),
    _p("initial_belief", 0.5, 0.0, 2.0, "ratio of fair share",
       "Initial expectation of what others give (FG 2010 period 1: 9.8 of 20 tokens).",
       group="strategies"),
    _p("belief_update", 0.5, 0.0, 1.0, "weight",
       "Weight of the latest observation when a nation revises its belief about others.",
       group="strategies"),
    _p("budget_inertia", 0.0, 0.0, 0.99, "weight",
       "Share of last cycle's funds pledge a nation carries over (partial adjustment of "
       "budgets; 0 = none).", group="strategies"),
    _p("imitation", 0.0, 0.0, 1.0, "probability/cycle",
       "Chance per cycle that a nation compares payoffs with another and may copy its strategy.",
       group="strategies"),
    _p("reputation_weight", 1.0, 0.0, 5.0, "ratio of fair share",
       "Strategic contribution to keep partners cooperating, divided by the number of "
       "partners; paid only while the same partners meet again (Kreps et al. 1982; Ambrus "
       "and Pathak 2011).", group="strategies"),
    _p("horizon", 0, 0, 100000, "cycles",
       "Cycles the nations know will be played (the laboratory's 10 periods); in the last "
       "there is no future to build a reputation for; 0 = no known end.", group="strategies"),
    _p("payoff_memory", 0.7, 0.0, 0.99, "weight",
       "Weight of the remembered payoff against the latest cycle's (adaptive memory).",
       group="strategies"),
    # --- Trust and political will ----------------------------------------------------------------
    _p("initial_trust", 0.6, 0.0, 1.0, "probability",
       "Initial trust: expected share of a partner's pledge that it will deliver.", group="trust"),
    _p("regional_trust", 0.2, 0.0, 1.0, "probability",
       "Extra initial trust between nations of the same region.", group="trust"),
    _p("trust_learning", 0.2, 0.0, 1.0, "weight",
       "How far trust moves towards a partner's observed reliability each cycle.", group="trust"),
    _p("trust_asymmetry", 2.0, 1.0, 10.0, "multiple",
       "Trust is lost this many times faster than it is gained (negativity bias).", group="trust"),
    _p("fairness_weight", 0.5, 0.0, 1.0, "weight",
       "Weight of contribution/fair share (vs delivered/pledged) in observed reliability.",
       group="trust"),
    _p("gossip", 0.0, 0.0, 1.0, "weight",
       "Reputation spillover: weight of what the others report of a partner, each report "
       "weighted by trust in its reporter.", group="trust"),
    _p("bloc_threshold", 0.5, 0.0, 1.0, "probability",
       "Mutual trust above which two nations count as one bloc.", group="trust"),
    _p("will_mean", 0.8, 0.0, 1.0, "index", "Long-run mean of political will.", group="trust"),
    _p("will_reversion", 0.3, 0.0, 1.0, "rate/cycle",
       "Speed at which political will returns to its mean.", group="trust"),
    _p("will_shock", 0.1, 0.0, 1.0, "sd/cycle",
       "Size of domestic shocks to political will (elections, crises).", group="trust"),
    _p("renege_propensity", 1.2, 0.0, 20.0, "rate",
       "Scale of the chance that a nation delivers less than it pledged (times its type's "
       "unwillingness, 1 - its contribution when others give their fair share).",
       group="trust"),
    # --- Missions --------------------------------------------------------------------------------
    _p("n_missions", 1, 1, 10, "missions",
       "Missions running at once, competing for the same capacities.", group="missions"),
    _p("req_funds", 0.3, 0.0, 1.0, "share of capacity",
       "Funds a mission requires, as a share of its nations' total funds capacity.",
       group="missions"),
    _p("req_troops", 0.3, 0.0, 1.0, "share of capacity",
       "Troops a mission requires, as a share of its nations' total troop capacity.",
       group="missions"),
    _p("req_enablers", 0.3, 0.0, 1.0, "share of capacity",
       "Enablers a mission requires, as a share of its nations' total enabler capacity.",
       group="missions"),
    _p("mission_duration", 0, 0, 1000, "cycles",
       "Cycles before a mission ends and a new one (new region) replaces it; 0 = open-ended.",
       group="missions"),
    _p("mission_risk", 0.2, 0.0, 5.0, "x troop cost",
       "Extra cost of deploying a soldier from casualty risk.", group="missions"),
    _p("mpcr", 0.4, 0.0, 10.0, "ratio",
       "Marginal per-capita return: value of a fully effective mission to a nation of average "
       "size and salience, as a share of the mission's full cost.", group="missions"),
    _p("group_size", 0, 0, 5000, "nations",
       "0: every member takes part in every mission; k > 0: members are split into random "
       "groups of k, one mission each (the laboratory game).", group="missions"),
    _p("rematch", True, group="missions",
       meaning="Re-draw the groups every cycle (strangers) rather than once (partners)."),
    # --- Mandate negotiation ---------------------------------------------------------------------
    _p("decision_rule", "qualified_majority", unit="rule", group="negotiation",
       choices=("unanimity", "qualified_majority"),
       meaning="How a mandate is adopted: every member must accept it, or a qualified majority."),
    _p("qmv_threshold", 0.67, 0.5, 1.0, "share of members",
       "Share of members that must accept a mandate under qualified majority.",
       group="negotiation"),
    _p("tolerance", 0.5, 0.0, 10.0, "policy units",
       "Distance from the mandate beyond which a nation opts out of a mission.",
       group="negotiation"),
    _p("disagreement_cost", 0.5, 0.0, 10.0, "share per policy unit",
       "Share of a mission's value lost per unit of distance from its mandate.",
       group="negotiation"),
    _p("pledging_rounds", 2, 1, 20, "rounds",
       "Maximum rounds of the pledging conference (opening offers, then revisions).",
       group="negotiation"),
    _p("side_payments", True, group="negotiation",
       meaning="Nations with a stake may pay others to deploy troops that close a gap."),
    _p("deal_term", 4, 1, 50, "cycles",
       "Cycles a side-payment deal runs before it is struck anew (sooner if members, missions "
       "or rules change): payments for coalition troops are multi-year agreements.",
       group="negotiation"),
    # --- Institutions ----------------------------------------------------------------------------
    _p("burden_rule", "voluntary", unit="rule", group="institutions",
       choices=("voluntary", "assessed", "guideline"),
       meaning="Fair share of funds: by capacity (voluntary), an assessed scale with a ceiling, "
               "or a share of GDP (guideline)."),
    _p("assessment_ceiling", 0.22, 0.01, 1.0, "share of budget",
       "Largest assessed share any nation pays (the UN scale's 22 %).", group="institutions"),
    _p("income_gradient", 0.8, 0.0, 1.0, "share",
       "Low per capita income adjustment of the assessed scale: a member below the pool's "
       "average income per head has its GDP share cut by this share of its shortfall (the "
       "UN's 80 %, A/RES/73/271).", group="institutions"),
    _p("guideline_share", 0.02, 0.0, 0.5, "share of GDP",
       "Guideline spending target (NATO's 2 %).", group="institutions"),
    _p("monitoring", 0.5, 0.0, 1.0, "probability",
       "Chance that a given observer (a partner, or the organisation) sees a nation's "
       "shortfall.", group="institutions"),
    _p("public_reports", False, group="institutions",
       meaning="The organisation publishes the shortfalls it sees, so that every nation sees "
               "them."),
    _p("prior_detection", 0.5, 0.0, 1.0, "probability",
       "A nation's expectation that a shortfall is seen, before it has seen any (then "
       "learned).", group="institutions"),
    _p("sanction_rate", 0.0, 0.0, 10.0, "x shortfall value",
       "Material and reputational penalty per unit of detected shortfall.", group="institutions"),
    _p("peer_punishment", False, group="institutions",
       meaning="Nations may pay to punish the partners whose contributions they see."),
    _p("punishment_ratio", 3.0, 0.0, 10.0, "damage/cost",
       "Damage inflicted per unit spent on punishment (Fehr and Gaechter 2000: 3).",
       group="institutions"),
    _p("punishment_effort", 0.35, 0.0, 5.0, "x gap value",
       "What a reciprocator spends punishing a partner per unit of value it gave less than "
       "the punisher.", group="institutions"),
    _p("antisocial_punishment", 0.1, 0.0, 2.0, "x gap value",
       "Propensity to punish partners who gave more than oneself, and to return punishment "
       "received (Herrmann, Thoeni and Gaechter 2008).", group="institutions"),
    _p("punishment_cap", 0.5, 0.0, 5.0, "share of fair share",
       "Most one nation spends punishing one partner in a cycle, as a share of the target's "
       "fair share (HTG 2008: 10 points of 20 tokens).", group="institutions"),
    _p("vote_suspension", False, group="institutions",
       meaning="Members whose arrears reach `arrears_limit` cycles of their assessment, "
               "when the organisation sees them, lose their vote in the next mandate "
               "negotiation (UN Charter, Article 19)."),
    _p("arrears_limit", 2.0, 1.0, 10.0, "cycles of assessment",
       "Arrears at which a member loses its vote under `vote_suspension` (UN Charter, "
       "Article 19: the contributions due for two full years), and the most a cycle's bill "
       "counts, in cycles of the member's assessment.",
       group="institutions"),
    _p("vote_worth", 2.0, 0.0, 10.0, "cycles of assessment",
       "What a member's vote in the organisation's other business (budgets, elections) is "
       "worth to it per cycle, in cycles of its assessment; lost, with its voice on the "
       "mandates, under `vote_suspension`.", group="institutions"),
    _p("reimbursement", 0.0, 0.0, 1e6, "USD/soldier/cycle",
       "Payment to a nation per soldier deployed (UN rate: 17,136 a year).", group="institutions"),
    _p("private_benefit", 0.0, 0.0, 1.0, "share of cost",
       "Joint products: private benefit of contributing, as a share of its cost, for a nation "
       "of salience 1 (scaled by its salience, at most 1).",
       group="institutions"),
    _p("pooled_fund", 0.0, 0.0, 1.0, "share of enablers",
       "Share of the enablers nations give that a common fund buys for them (pooled "
       "procurement), at `pool_discount` off the price.", group="institutions"),
    _p("pool_discount", 0.3, 0.0, 0.9, "share of price",
       "Economies of scale of pooled purchases of enablers.", group="institutions"),
    _p("logistics_hub", False, group="institutions",
       meaning="A shared logistics hub lowers the cost of deploying troops and enablers and "
               "eases interoperability."),
    _p("hub_saving", 0.2, 0.0, 0.9, "share of cost",
       "Share of the cost of deploying troops and enablers a shared logistics hub saves.",
       group="institutions"),
    _p("command", "decentralised", unit="structure", group="institutions",
       choices=("centralised", "decentralised"),
       meaning="Centralised command scales interoperability losses by `command_interop` and "
               "disagreement costs by `command_disagreement`."),
    _p("command_interop", 0.5, 0.0, 1.0, "share",
       "Share of interoperability losses left under centralised command.",
       group="institutions"),
    _p("command_disagreement", 2.0, 1.0, 10.0, "multiple",
       "Multiple of disagreement costs under centralised command (one mandate for all).",
       group="institutions"),
    _p("hub_interop", 0.5, 0.0, 1.0, "share",
       "Share of interoperability losses left with a logistics hub.", group="institutions"),
    _p("interop_cost", 0.3, 0.0, 1.0, "share",
       "Effectiveness lost to poor interoperability with many inexperienced contributors.",
       group="institutions"),
    _p("experience_rate", 0.2, 0.0, 1.0, "weight",
       "How fast a mission's contributors gain joint experience.", group="institutions"),
    _p("legitimacy_weight", 0.5, 0.0, 1.0, "weight",
       "How much the breadth and regional diversity of contributors weigh in legitimacy.",
       group="institutions"),
    _p("success_threshold", 0.5, 0.0, 1.0, "index",
       "Effectiveness x legitimacy above which a mission counts as a success.",
       group="institutions"),
    # --- Cohesion --------------------------------------------------------------------------------
    _p("exit_patience", 3, 0, 100, "cycles",
       "Cycles of low trust or payoff after which a member withdraws; 0 = never.",
       group="cohesion"),
    _p("exit_trust", 0.3, 0.0, 1.0, "probability",
       "Trust in the coalition below which a member grows discontent.", group="cohesion"),
    _p("exit_payoff", -0.5, -100.0, 100.0, "x capacity value",
       "Remembered worth of membership (payoff as a member minus payoff outside, relative "
       "to the value of all it could give in a cycle) below which a member grows discontent.",
       group="cohesion"),
    _p("rejoin", False, group="cohesion",
       meaning="A nation that left may rejoin when its trust in the coalition and the worth "
               "it remembers of membership recover."),
]

PARAMETERS: dict[str, Parameter] = {p.name: p for p in _P}

STRATEGY_SHARES = ("share_conditional", "share_free_rider", "share_hump", "share_unconditional")


def defaults() -> dict[str, Any]:
    """A fresh dict of every parameter at its default."""
    return {name: p.default for name, p in PARAMETERS.items()}


def validate(params: dict[str, Any]) -> dict[str, Any]:
    """Complete ``params`` with defaults and check every value; return the full dict.

    >>> validate({"n_nations": 10})["n_nations"]
    10
    >>> validate({"monitoring": 1.5})
    Traceback (most recent call last):
    ...
    abm.scenarios.parameter.ParameterError: monitoring: got 1.5, expected a number in [0, 1]
    """
    full = defaults()
    for name, value in params.items():
        if name not in PARAMETERS:
            close = difflib.get_close_matches(name, PARAMETERS, n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise ParameterError(
                f"{name}: unknown parameter{hint}; expected a name that `coalition params` lists"
            )
        full[name] = PARAMETERS[name].check(value)
    total = sum(full[s] for s in STRATEGY_SHARES)
    if abs(total - 1.0) > 1e-6:
        raise ParameterError(
            f"{'+'.join(STRATEGY_SHARES)}: got a sum of {total:g}, expected the shares to sum to 1"
        )
    if full["req_funds"] + full["req_troops"] + full["req_enablers"] == 0:
        raise ParameterError("req_funds, req_troops, req_enablers: all are 0, expected at least "
                             "one in (0, 1] (a mission must require something)")
    if full["group_size"] > full["n_nations"]:
        raise ParameterError(
            f"group_size: got {full['group_size']}, expected an integer in "
            f"[0, n_nations={full['n_nations']}]"
        )
    return full


def parse_value(name: str, text: str) -> Any:
    """Turn the text of a ``--set name=value`` into the parameter's type (then validate)."""
    if name not in PARAMETERS:
        validate({name: None})  # raises the unknown-parameter error
    return PARAMETERS[name].parse(text)


def markdown_table() -> str:
    """The parameter table of docs/ODD.md, grouped as in the registry."""
    rows = ["| parameter | default | allowed | unit | meaning |", "|---|---|---|---|---|"]
    group = None
    for p in PARAMETERS.values():
        if p.group != group:
            group = p.group
            rows.append(f"| **{group}** | | | | |")
        rows.append(f"| `{p.name}` | {p.default} | {p.allowed} | {p.unit} | {p.meaning} |")
    return "\n".join(rows)


TABLE_START, TABLE_END = "<!-- parameters: start -->", "<!-- parameters: end -->"


def update_odd(path: str = "docs/ODD.md") -> None:
    """Rewrite the table between the markers in docs/ODD.md from the registry."""
    doc = Path(path)
    text = doc.read_text()
    head, rest = text.split(TABLE_START)
    _, tail = rest.split(TABLE_END)
    doc.write_text(f"{head}{TABLE_START}\n{markdown_table()}\n{TABLE_END}{tail}")
