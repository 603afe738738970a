"""Phase 2, force generation: the terms the negotiated missions set (fair shares, values, net
costs), the pledging conference (``conference.py``), budgets that adjust only partly, and
acceptance up to each mission's requirement.

All arrays are (missions, nations, capabilities) unless noted; one call handles every nation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ...scenarios.kinds import FUNDS
from ..missions import Missions
from ..state import CoalitionState, Rules, World
from .accountability import over_the_limit
from .conference import Conference, Motives, Schedules
from .negotiation import Mandates, inverse

_TINY = 1e-300  # a divisor's floor


@dataclass(frozen=True)
class Terms:
    """What the negotiated missions ask of each nation, and what giving is worth to it."""

    value: np.ndarray  # (m, n) value of a fully effective mission
    fair: np.ndarray  # (m, n, c) fair shares, in units of each capability
    fair_value: np.ndarray  # (m, n) their cost
    fair_total: np.ndarray  # (n,) summed over missions
    inverse_others_fair: np.ndarray  # (m, n) 1 / the fair-share value of the others (0: none)
    private_rate: np.ndarray  # (m, n) private share of a contribution's value (joint products)
    net_cost: np.ndarray  # (m, n, c) net marginal cost of a unit
    own_return: np.ndarray  # (m, n) public benefit to oneself per unit of value given
    voice: np.ndarray  # (m, n) value a nation would lose without its vote on the mandate
    unit_cost: np.ndarray  # (m, n, c) what a unit costs the nation, under the institutions
    dues: np.ndarray  # (m, n) money owed each mission a cycle (``owed``)
    assessment: np.ndarray  # (n,) money owed a cycle: the dues, summed


def negotiated_terms(world: World, missions: Missions, mandates: Mandates, p: dict[str, Any],
                     rules: Rules) -> Terms:
    """Values, fair shares and net costs, given the mandates (they change only with them).

    A mission is worth what it would cost without the institutions (``full_cost``); a hub or
    a pooled fund lowers what each unit costs the nations that give it (``rules.cost_factor``),
    so that the same value asks less of them, and each unit of value given does more."""
    base_cost, part = missions.unit_cost, mandates.part
    n_part = part.sum(axis=1)
    mean_cost = np.divide((base_cost * part[:, :, None]).sum(axis=1), n_part[:, None],
                          out=base_cost.mean(axis=1), where=n_part[:, None] > 0)
    full_cost = (missions.requirement * mean_cost).sum(axis=1)
    unit_cost = base_cost * rules.cost_factor
    paid_cost = (missions.requirement * (mean_cost * rules.cost_factor)).sum(axis=1)
    value = (p["mpcr"] * mandates.salience * mandates.aligned * world.size[None, :]
             * full_cost[:, None] * mandates.beneficiaries)
    fair = fair_shares(missions.requirement, world.capacity, mandates.pool, world.gdp,
                       p["burden_rule"], p["assessment_ceiling"], p["guideline_share"],
                       world.gdp_per_capita, p["income_gradient"])
    # Joint products: the private share of a contribution's value grows with the nation's
    # own stake in the mission (salience, higher in its region), not with its size.
    private_rate = np.minimum(p["private_benefit"] * mandates.salience, 1.0)
    net_cost = unit_cost * (1.0 - private_rate[:, :, None]) - rules.reimbursement
    fair_value = np.vecdot(fair, unit_cost)
    others_fair = fair_value.sum(axis=1, keepdims=True) - fair_value
    voice = value * np.minimum(mandates.aligned, rules.disagreement * mandates.voice)
    dues = owed(fair, mandates)
    return Terms(
        value=value, fair=fair, fair_value=fair_value, fair_total=fair_value.sum(axis=0),
        inverse_others_fair=inverse(others_fair), private_rate=private_rate,
        net_cost=net_cost, own_return=value * inverse(paid_cost)[:, None], voice=voice,
        unit_cost=unit_cost, dues=dues, assessment=dues.sum(axis=0))


def owed(fair: np.ndarray, mandates: Mandates) -> np.ndarray:
    """(m, n) The money a nation owes each mission a cycle, on which arrears accrue: its fair
    share of funds in each launched mission it takes part in. Under an assessed scale every
    member of a launched mission's pool takes part (the assessment binds those who reject
    the mandate, as UN peacekeeping assessments bind every member); under the other rules a
    nation that stays out of a mission owes it nothing. A mission that was not launched
    costs nothing and is owed by nobody."""
    return fair[:, :, FUNDS] * mandates.part


def open_conference(world: World, missions: Missions, mandates: Mandates, terms: Terms,
                    p: dict[str, Any]) -> Conference:
    """The conference of these missions, with what stays fixed while they do prepared once."""
    return Conference(
        fair=terms.fair, inverse_others_fair=terms.inverse_others_fair,
        unit_cost=terms.unit_cost, capacity=world.capacity,
        requirement=missions.requirement, weight=missions.weight, participating=mandates.part,
        net_cost=terms.net_cost)


@dataclass(slots=True)
class Pledges:
    """What the missions accept, and the funds budget carried into the next cycle."""

    pledge: np.ndarray  # (m, n, c)
    total: np.ndarray  # (m, c)
    funds_pledged: np.ndarray | None


def pledge(conference: Conference, terms: Terms, mandates: Mandates, missions: Missions,
           state: CoalitionState, capacity: np.ndarray, schedules: Schedules,
           shock: np.ndarray, p: dict[str, Any], motives: Motives | None = None,
           commitment: np.ndarray | None = None) -> Pledges:
    """Phase 2: the conference (value discounted by the quality missions showed last cycle;
    ``motives`` beyond the strategy types'), then what discontented members withdraw
    (``commitment``: the share of its pledges each nation keeps), then budget inertia, then
    acceptance up to the requirements."""
    penalty = expected_penalty(terms, state.detection_belief, p)
    if penalty is not None or p["peer_punishment"]:
        shock = careful_errors(shock, terms, penalty,
                               state.penalty_belief if p["peer_punishment"] else None)
    offers = conference(value=terms.value * missions.quality[:, None], trust=state.trust,
                        memory=state.belief, schedules=schedules, shock=shock,
                        rounds=p["pledging_rounds"], played=state.played, penalty=penalty,
                        motives=motives)
    if commitment is not None:
        offers = offers * commitment[None, :, None]
    funds_pledged = state.funds_pledged
    if p["budget_inertia"]:
        offers, funds_pledged = carry_over_budgets(
            offers, funds_pledged, p["budget_inertia"], capacity[:, FUNDS],
            mandates.participating, mandates.part / mandates.missions_joined, state.played)
    if p["burden_rule"] == "assessed":
        # An assessed budget bills each member its assessment and no more (the UN credits
        # what a member pays beyond it against its next assessment), arrears aside.
        np.minimum(offers[:, :, FUNDS], terms.fair[:, :, FUNDS], out=offers[:, :, FUNDS])
    if (p["burden_rule"] == "assessed" or p["vote_suspension"]) and state.arrears.any():
        offers = bill_arrears(offers, terms.assessment, state.arrears, p["arrears_limit"],
                              capacity[:, FUNDS], state.played)
    if p["vote_suspension"]:
        offers = keep_the_vote(offers, terms, state.arrears, p["arrears_limit"],
                               p["vote_worth"], capacity[:, FUNDS], state.detection_belief,
                               mandates.participating, state.played)
    accepted, total = trim_to_requirement(offers, missions.requirement)
    return Pledges(accepted, total, funds_pledged)


def expected_penalty(terms: Terms, detection: np.ndarray, p: dict[str, Any]
                     ) -> np.ndarray | None:
    """The penalty (m, n) a nation expects per unit of value it falls short of its fair share:
    the chance it has learned that a shortfall is seen, times the sanction (None: none)."""
    if not p["sanction_rate"]:
        return None
    return np.broadcast_to(p["sanction_rate"] * detection, terms.value.shape)


def careful_errors(shock: np.ndarray, terms: Terms, penalty: np.ndarray | None,
                   peer: np.ndarray | None) -> np.ndarray:
    """(m, n) Pledge errors (``shock``, n), rarer where erring costs more: in logit choice the
    spread of choices around the one intended falls in proportion to what a unit of error
    costs (McKelvey and Palfrey 1995; in public goods games, Anderson, Goeree and Holt 1998).
    A unit given by mistake below what a nation meant costs it nothing without accountability
    beyond what it saves, so ``noise`` is the spread at that margin, the net cost of a unit
    (``saving``: one less its own return); the penalty a nation has learned to expect per unit
    short (the sanction, times the chance a shortfall is seen: ``penalty``; the peer
    punishment per unit below its partners: ``peer``) raises the margin to saving + penalty,
    and the spread falls by saving / (saving + penalty).

    >>> terms = type("T", (), {"own_return": np.array([[0.4, 0.4]])})
    >>> careful_errors(np.array([1.0, 1.0]), terms, None, np.array([0.0, 1.8])).tolist()
    [[1.0, 0.25]]
    """
    saving = np.maximum(1.0 - terms.own_return, 0.0)
    stake = np.zeros_like(saving) if penalty is None else penalty.copy()
    if peer is not None:
        stake += np.maximum(peer, 0.0)[None, :]
    scale = np.divide(saving, saving + stake, out=np.ones_like(saving), where=stake > 0)
    return shock[None, :] * scale


def bill_arrears(offers: np.ndarray, owed: np.ndarray, arrears: np.ndarray, limit: float,
                 funds_capacity: np.ndarray, played: dict[int, np.ndarray]) -> np.ndarray:
    """Funds offers when members are billed their arrears with their assessment, the bill
    counting at most ``limit`` assessments: each pays the same share of its bill as it would
    of its assessment alone, within its means, or its own plan if that is larger (what it
    gives beyond its assessment pays arrears off already).

    Arrears are paid late, not never (at the UN, payments are credited to the oldest arrears
    first): a member that pays a share r >= 1 / ``limit`` of its bills carries about
    (1 - r) / r assessments of arrears and pays, on average, its assessment. One that pays
    less stops catching up: its arrears grow and it pays r x ``limit`` assessments a cycle,
    the chronic non-payer that Article 19 suspends. (Without the cap, any r > 0 would in the
    end pay the whole assessment: free-riding on an assessment would be only a delay.)

    >>> bill_arrears(np.array([[[1.5, 1.0, 0.0]]]), np.array([2.0]), np.array([1.0]), 2.0,
    ...              np.array([10.0]), {})[0, 0].tolist()
    [2.25, 1.0, 0.0]
    >>> bill_arrears(np.array([[[0.5, 1.0, 0.0]]]), np.array([2.0]), np.array([9.0]), 2.0,
    ...              np.array([10.0]), {})[0, 0].tolist()
    [1.0, 1.0, 0.0]
    >>> bill_arrears(np.array([[[2.5, 1.0, 0.0]], [[0.5, 0.0, 0.0]]]), np.array([2.0]),
    ...              np.array([1.0]), 2.0, np.array([10.0]), {})[:, 0, 0].tolist()
    [2.5, 0.5]
    """
    planned = offers[:, :, FUNDS].sum(axis=0)
    bill = np.minimum(1.0 + np.divide(arrears, owed, out=np.zeros_like(owed),
                                      where=owed > 0), limit)
    # What a member plans beyond its assessment pays arrears off already: it pays the larger
    # of its plan and its bill, not its bill on top of what it gives of its own accord.
    beyond = np.divide(owed, planned, out=np.ones_like(planned), where=planned > owed)
    affordable = np.divide(funds_capacity, planned, out=np.full_like(planned, np.inf),
                           where=planned > 0)
    factor = np.maximum(np.minimum(bill * beyond, affordable), 1.0)
    for nation in played:  # a person decides for the nations people play
        factor[nation] = 1.0
    offers = offers.copy()
    offers[:, :, FUNDS] *= factor[None, :]
    return offers


def vote_value(terms: Terms, worth: float) -> np.ndarray:
    """(n,) What its vote is worth to each member this cycle, all of which Article 19 takes:
    its voice on the mandates plus ``worth`` cycles of its assessment for its vote in the
    organisation's other business (``vote_worth``)."""
    return terms.voice.sum(axis=0) + worth * terms.assessment


def keep_the_vote(offers: np.ndarray, terms: Terms, arrears: np.ndarray, limit: float,
                  worth: float, funds_capacity: np.ndarray, detection: np.ndarray,
                  participating: np.ndarray, played: dict[int, np.ndarray]) -> np.ndarray:
    """Funds offers raised, under Article 19, where a member pays to keep its vote.

    A member whose offer would leave its arrears at ``limit`` cycles of its assessment pays
    its assessment and enough of its arrears to fall below ``limit`` - 1 cycles of it, as
    members in arrears do at the UN to keep or regain the vote, if the vote (``vote_value``,
    times the chance it has learned that arrears are seen) is worth more to it than the
    payment's net cost; otherwise it lets the vote go.
    The rule is written and known; whether arrears are seen is learned."""
    owed_by_mission, owed = terms.dues, terms.assessment
    planned = offers[:, :, FUNDS].sum(axis=0)
    at_risk = participating & over_the_limit(arrears + owed - planned, owed, limit)
    for nation in played:  # a person decides for the nations people play
        at_risk[nation] = False
    if not at_risk.any():
        return offers
    required = np.minimum(owed + np.maximum(arrears - (limit - 1.0) * owed, 0.0),
                          funds_capacity)
    extra = np.maximum(required - planned, 0.0)
    split = np.divide(owed_by_mission, owed, out=np.zeros_like(owed_by_mission),
                      where=owed > 0)
    # Net cost of a unit of money given: its cost net of private benefits, less the share of
    # its value that comes back to the giver through the missions.
    net = ((terms.net_cost[:, :, FUNDS] - terms.own_return * terms.unit_cost[:, :, FUNDS])
           * split).sum(axis=0)
    vote = detection * vote_value(terms, worth)
    pays = (at_risk & ~over_the_limit(arrears + owed - required, owed, limit)
            & (vote > extra * np.maximum(net, 0.0)))
    if not pays.any():
        return offers
    offers = offers.copy()
    offers[:, :, FUNDS] += split * (extra * pays)[None, :]
    return offers


def carry_over_budgets(pledge: np.ndarray, last: np.ndarray | None, inertia: float,
                       funds_capacity: np.ndarray, participating: np.ndarray,
                       part_share: np.ndarray, played: dict[int, np.ndarray]
                       ) -> tuple[np.ndarray, np.ndarray]:
    """Partial adjustment of budgets: a nation's funds move only ``1 - inertia`` of the way
    from last cycle's pledge to what the conference would have it pledge, split over its
    missions as the conference split them (or by ``part_share``, its share of its missions,
    if it pledged nothing), played nations excepted. Returns the pledges and the funds budget
    to remember.

    >>> pledge, kept = carry_over_budgets(
    ...     np.array([[[4.0, 0.0, 0.0]]]), last=np.array([2.0]), inertia=0.75,
    ...     funds_capacity=np.array([10.0]), participating=np.array([True]),
    ...     part_share=np.ones((1, 1)), played={})
    >>> float(pledge[0, 0, 0]), kept.tolist()
    (2.5, [2.5])
    """
    desired = pledge[:, :, FUNDS].sum(axis=0)
    if last is None:  # nothing to carry over yet: this cycle's pledges are the budget
        return pledge, desired
    target = np.minimum(inertia * last + (1.0 - inertia) * desired,
                        funds_capacity) * participating
    for nation in played:
        target[nation] = desired[nation]
    split = np.divide(pledge[:, :, FUNDS], desired, out=part_share.astype(float),
                      where=desired > 0)
    pledge = pledge.copy()
    pledge[:, :, FUNDS] = split * target
    return pledge, target


def fair_shares(
    requirement: np.ndarray,
    capacity: np.ndarray,
    pool: np.ndarray,
    gdp: np.ndarray,
    rule: str,
    ceiling: float,
    guideline: float,
    gdp_per_capita: np.ndarray | None = None,
    gradient: float = 0.0,
) -> np.ndarray:
    """Each pool member's fair share of each requirement, in units of the capability.

    Troops and enablers are shared by capacity. Funds follow the burden-sharing rule:
    capacity (voluntary), GDP shares adjusted for low income per head (``gradient``) and
    capped at ``ceiling`` (assessed, like the UN scale) or ``guideline`` x GDP (like NATO's
    2 %).
    """
    weight = pool[:, :, None] * capacity[None, :, :]
    total = weight.sum(axis=1, keepdims=True)
    fs = requirement[:, None, :] * np.divide(weight, total, out=np.zeros_like(weight),
                                             where=total > 0)
    if rule == "assessed":
        fs[:, :, FUNDS] = requirement[:, None, FUNDS] * assessed_scale(
            gdp, pool, ceiling, gdp_per_capita, gradient)
    elif rule == "guideline":
        fs[:, :, FUNDS] = guideline * gdp[None, :] * pool
    return fs


def assessed_scale(gdp: np.ndarray, pool: np.ndarray, ceiling: float,
                   gdp_per_capita: np.ndarray | None = None, gradient: float = 0.0
                   ) -> np.ndarray:
    """GDP shares within each pool, capped at ``ceiling`` with the excess spread pro rata.

    As in the UN scale of assessments, a member whose income per head falls short of the
    pool's average by a share s has its GDP cut by ``gradient`` x s (the low per capita
    income adjustment); the reduction falls on the members above the average, pro rata.

    >>> assessed_scale(np.array([8.0, 1.0, 1.0]), np.array([[True, True, True]]), 0.5)
    array([[0.5 , 0.25, 0.25]])
    >>> assessed_scale(np.array([6.0, 2.0]), np.array([[True, True]]), 1.0,
    ...                np.array([3.0, 1.0]), 0.5)
    array([[0.8125, 0.1875]])
    """
    share = pool * gdp[None, :]
    if gradient and gdp_per_capita is not None:
        # The pool's average income per head: its GDP over its population.
        people = (share / gdp_per_capita[None, :]).sum(axis=1, keepdims=True)
        average = share.sum(axis=1, keepdims=True) / np.maximum(people, 1e-300)
        poorer = np.maximum(1.0 - gdp_per_capita[None, :] * inverse(average), 0.0) * pool
        cut = share * gradient * poorer
        richer = np.where(poorer > 0, 0.0, share)
        richer_total = richer.sum(axis=1, keepdims=True)
        share = share - cut + np.divide(richer * cut.sum(axis=1, keepdims=True), richer_total,
                                        out=np.zeros_like(richer), where=richer_total > 0)
    share = share / np.maximum(share.sum(axis=1, keepdims=True), 1e-300)
    for _ in range(len(gdp)):
        over = share > ceiling
        if not over.any():
            break
        excess = np.where(over, share - ceiling, 0.0).sum(axis=1, keepdims=True)
        share = np.where(over, ceiling, share)
        free = np.where(share < ceiling, share, 0.0)
        free_total = free.sum(axis=1, keepdims=True)
        share = share + np.divide(free * excess, free_total, out=np.zeros_like(free),
                                  where=free_total > 0)
    return share


def trim_to_requirement(pledge: np.ndarray, requirement: np.ndarray
                        ) -> tuple[np.ndarray, np.ndarray]:
    """A mission accepts troops and enablers up to its requirement, pro rata; money is kept.
    Returns the accepted pledges and their totals per mission and capability.

    >>> accepted, total = trim_to_requirement(np.array([[[5.0, 6.0, 1.0], [5.0, 6.0, 1.0]]]),
    ...                                       np.array([[4.0, 6.0, 4.0]]))
    >>> accepted[0], total
    (array([[5., 3., 1.],
           [5., 3., 1.]]), array([[10.,  6.,  2.]]))
    """
    total = pledge.sum(axis=1)
    over = total > requirement
    over[:, FUNDS] = False
    if not over.any():
        return pledge, total
    # requirement / total where over, else total / total: 1 (or 0 / tiny where nothing was
    # pledged, and so scales nothing); money is kept. Pledges are never negative (the
    # conference clips them at 0); a total below _TINY would be scaled by total / _TINY,
    # a change no run can see.
    scale = np.minimum(requirement, total) / np.maximum(total, _TINY)
    scale[:, FUNDS] = 1.0
    return pledge * scale[:, None, :], total * scale
