"""The model's state in three places: what is fixed once the model is made (``World``), what
the rules in force imply (``Rules``), and what evolves from cycle to cycle (``CoalitionState``).

Arrays hold one entry per nation (n), per mission (m) and per capability (c: funds, troops,
enablers). A phase never changes an array it is given; ``CoalitionModel.step`` replaces the
state's arrays (and the missions' history) with the phases' results rather than writing into
them, so a recorded array never changes afterwards. The state is the model's to change: a run
is changed through ``CoalitionModel.change`` and ``Nation.set_pledge``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..scenarios.kinds import ENABLERS, FUNDS, TROOPS
from ..scenarios.population import Traits
from .missions import Missions


@dataclass(frozen=True)
class World:
    """The nations' fixed attributes and what follows from them alone."""

    names: np.ndarray  # str
    gdp: np.ndarray  # bn USD
    population: np.ndarray  # people
    gdp_per_capita: np.ndarray  # USD per person
    region: np.ndarray  # int in [0, n_regions)
    region_onehot: np.ndarray  # (n, regions)
    position: np.ndarray  # (n, dimensions) policy ideal points
    salience: np.ndarray  # general salience of missions
    size: np.ndarray  # GDP / mean GDP
    capacity: np.ndarray  # (n, c) per cycle: bn USD, soldiers, enabler units
    troop_cost: np.ndarray  # bn USD per soldier and cycle, before mission risk
    payoff_scale: np.ndarray  # bn USD: all it could give in a cycle (payoffs are remembered
    # relative to it, so that a troop contributor's costs are not judged against its funds)
    n: int  # number of nations

    @classmethod
    def from_traits(cls, traits: Traits, p: dict[str, Any]) -> World:
        gdp, population = traits.gdp, traits.population
        gdp_per_capita = traits.gdp_per_capita
        capacity = np.column_stack([
            traits.funds_share * gdp,
            p["troops_per_thousand"] * population / 1000.0,
            p["enablers_per_100bn"] * gdp / 100.0
            * (gdp_per_capita / p["income_median"]) ** p["enabler_concentration"],
        ])
        troop_cost = p["troop_cost_factor"] * gdp_per_capita * 1e-9
        return cls(
            names=traits.name, gdp=gdp, population=population, gdp_per_capita=gdp_per_capita,
            region=traits.region, region_onehot=np.eye(p["n_regions"])[traits.region],
            position=traits.position, salience=traits.salience, size=gdp / gdp.mean(),
            capacity=capacity, troop_cost=troop_cost,
            payoff_scale=np.maximum(capacity[:, FUNDS] + capacity[:, TROOPS] * troop_cost
                                    + capacity[:, ENABLERS] * p["enabler_cost"], 1e-12),
            n=len(gdp))


def institution_costs(hub: bool, hub_saving: float, pooled_fund: float,
                      pool_discount: float) -> np.ndarray:
    """The share of the cost of a unit of funds, troops and enablers that a nation pays: a
    shared logistics hub saves ``hub_saving`` of deploying troops and enablers, and a pooled
    fund buys ``pooled_fund`` of the enablers at ``pool_discount`` off their price.

    >>> institution_costs(True, 0.2, 0.5, 0.3).round(3).tolist()
    [1.0, 0.8, 0.68]
    """
    deploy = 1.0 - hub_saving if hub else 1.0
    return np.array([1.0, deploy, deploy * (1.0 - pooled_fund * pool_discount)])


@dataclass(frozen=True)
class Rules:
    """What the institutional parameters imply for the phases; made anew when they change."""

    cost_factor: np.ndarray  # (c,) share of a unit's cost a nation pays (hub, pooled fund)
    unanimity: bool
    disagreement: float  # share of a mission's value lost per policy unit from its mandate
    interop_cost: float
    reimbursement: np.ndarray  # (c,) bn USD paid per unit delivered (troops only)

    @classmethod
    def from_params(cls, p: dict[str, Any]) -> Rules:
        centralised = p["command"] == "centralised"
        return cls(
            cost_factor=institution_costs(p["logistics_hub"], p["hub_saving"],
                                          p["pooled_fund"], p["pool_discount"]),
            unanimity=p["decision_rule"] == "unanimity",
            disagreement=p["disagreement_cost"] * (p["command_disagreement"] if centralised
                                                   else 1.0),
            interop_cost=(p["interop_cost"] * (p["command_interop"] if centralised else 1.0)
                          * (p["hub_interop"] if p["logistics_hub"] else 1.0)),
            reimbursement=np.array([0.0, p["reimbursement"] * 1e-9, 0.0]))


@dataclass
class CoalitionState:
    """Everything that evolves from one mandate cycle to the next."""

    trust: np.ndarray  # (n, n): trust[i, j] is i's trust in j, in [0, 1]; 0 on the diagonal
    belief: np.ndarray  # expected contribution of others relative to their fair shares
    will: np.ndarray  # political will in [0, 1]
    strategy: np.ndarray  # behavioural type codes (imitation may change them)
    member: np.ndarray  # bool: still in the coalition
    n_members: int  # member.sum(), kept as exits and returns happen (read every cycle)
    streak: np.ndarray  # cycles in a row of discontent (members) or content (others)
    worth: np.ndarray  # remembered worth of membership, relative to funds capacity
    payoff: np.ndarray  # last cycle's payoff
    partner_trust: np.ndarray  # trust in the partners of one's missions, last cycle
    funds_pledged: np.ndarray | None  # last cycle's funds pledges (budget inertia)
    missions: Missions
    played: dict[int, np.ndarray]  # pledges (c,) of the nations a person plays
    punishing: dict[int, Any]  # whom a person playing a nation punishes
    # (``accountability.Punishment``)
    # Learned expectations (none of them is known in advance: each is learned from what the
    # nation received and saw, docs/ODD.md, section 7).
    penalty_belief: np.ndarray  # peer punishment per unit given below the partners' average
    detection_belief: np.ndarray  # chance that a shortfall is seen by the organisation
    retaliation_belief: np.ndarray  # punishment returned per unit spent punishing others
    punishment_base: np.ndarray  # peer punishment expected whatever one gives
    spent: np.ndarray | None  # (n, n) what i spent punishing j last cycle (peer punishment)
    suspended: np.ndarray  # bool: no vote in this negotiation (arrears seen, Article 19)
    arrears: np.ndarray  # assessments not paid, carried from cycle to cycle (bn USD)

    @classmethod
    def initial(cls, world: World, traits: Traits, p: dict[str, Any], missions: Missions
                ) -> CoalitionState:
        """Trust at ``initial_trust`` (plus ``regional_trust`` within a region), beliefs at
        ``initial_belief``, political will at its mean, everyone a member; funds pledged before
        the first cycle are what the nations file says they spent, if it says so."""
        n = world.n
        same_region = world.region[:, None] == world.region[None, :]
        trust = np.clip(p["initial_trust"] + p["regional_trust"] * same_region, 0.0, 1.0)
        np.fill_diagonal(trust, 0.0)
        funds_pledged = (None if traits.funds_start is None
                         else np.minimum(traits.funds_start * world.gdp,
                                         world.capacity[:, FUNDS]))
        return cls(
            trust=trust, belief=np.full(n, p["initial_belief"]), will=np.full(n, p["will_mean"]),
            strategy=traits.strategy, member=np.ones(n, dtype=bool), n_members=n,
            streak=np.zeros(n, dtype=int), worth=np.zeros(n), payoff=np.zeros(n),
            partner_trust=np.full(n, p["initial_trust"]), funds_pledged=funds_pledged,
            missions=missions, played={}, punishing={}, penalty_belief=np.zeros(n),
            detection_belief=np.full(n, p["prior_detection"]), retaliation_belief=np.zeros(n),
            punishment_base=np.zeros(n),
            spent=None, suspended=np.zeros(n, dtype=bool), arrears=np.zeros(n))
