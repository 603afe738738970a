"""CoalitionModel: nations negotiating commitments to shared missions, one mandate cycle a step.

Each step runs the eight phases of the reference design in order: mandate negotiation,
pledging conference (with side-payments), delivery, outcome, payoffs, accountability, trust
update, and adaptation/withdrawal. Every phase is a function in its own module, applied to all
nations at once; the Nation agent (``agents.py``) reads the same state one nation at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import mesa
import numpy as np
import pandas as pd
from mesa.agent import AgentSet

from . import accountability, adaptation, delivery, negotiation, outcome, pledging, trust
from .agents import Nation
from .parameters import ParameterError, validate
from .population import (
    CAPABILITIES,
    CONDITIONAL,
    ENABLERS,
    FUNDS,
    TROOPS,
    UNCONDITIONAL,
    from_frame,
    generate,
    read_nations_file,
)
from .recording import Recorder
from .version import __version__

# Parameters that make the nations, their capacities and the missions: set at creation only.
FIXED_AT_CREATION = frozenset((
    "n_nations", "nations_file", "inequality", "gdp_median", "income_median", "income_spread",
    "income_size_correlation", "n_regions", "dimensions", "divergence", "salience_spread",
    "funds_share", "troops_per_thousand", "enablers_per_100bn", "enabler_concentration",
    "troop_cost_factor", "enabler_cost", "share_conditional", "share_free_rider", "share_hump",
    "share_unconditional", "initial_belief", "initial_trust", "regional_trust", "n_missions",
    "req_funds", "req_troops", "req_enablers", "mission_risk", "group_size",
))


def _over_missions(x: np.ndarray) -> np.ndarray:
    """Sum over the mission axis; with one mission, a view of it (never mutate the result)."""
    return x[0] if len(x) == 1 else x.sum(axis=0)


def _inverse(x: np.ndarray) -> np.ndarray:
    """1 / x where x > 0, else 0."""
    x = np.asarray(x, dtype=float)
    return np.divide(1.0, x, out=np.zeros_like(x), where=x > 0)


@dataclass
class Mandates:
    """The outcome of a mandate negotiation and what follows from it alone."""

    key: tuple
    part: np.ndarray  # (m, n) participating
    launched: np.ndarray  # (m,)
    value: np.ndarray  # (m, n) value of a fully effective mission
    fair: np.ndarray  # (m, n, c) fair shares
    fair_value: np.ndarray  # (m, n)
    fair_total: np.ndarray  # (n,)
    private_rate: np.ndarray  # (m, n)
    costs: np.ndarray  # (2, m, n, c) net marginal costs above / below the fair share
    participating: np.ndarray  # (n,)
    dissent: int
    conference: pledging.Conference
    partner_weight: np.ndarray  # (m, n): 1 / (partners in the mission) for participants
    missions_joined: np.ndarray  # (n,) at least 1
    inverse_others_fair: np.ndarray  # (m, n) 1 / fair-share value of the others (0 if none)
    seen: np.ndarray  # (m, n) pool of a launched mission
    inverse_seen: np.ndarray  # (n,) 1 / number of such missions (0 if none)
    pool_size: np.ndarray  # (m,)
    pool_regions: np.ndarray  # (m,)
    all_launched: bool
    watched: np.ndarray  # (n,) in the pool of a launched mission
    opted_out: np.ndarray  # (n,) watched, but rejected every mandate


@dataclass
class SideDeal:
    """The state of the side-payment market during one conference."""

    pledge: np.ndarray
    gap: np.ndarray
    price: np.ndarray
    value_per_soldier: np.ndarray
    providers: np.ndarray
    paid: np.ndarray
    received: np.ndarray


class CoalitionModel(mesa.Model):
    """Nations negotiate funds, troops and enablers for missions; see docs/ODD.md.

    >>> model = CoalitionModel(rng=1, n_nations=8)
    >>> model.run_for(3)
    >>> model.steps, len(model.model_frame()), len(model.nation_frame())
    (3, 3, 24)
    """

    def __init__(self, rng: Any = None, **params: Any) -> None:
        p = validate(params)
        if rng is None:
            rng = int(np.random.SeedSequence().entropy % (2**63))
        super().__init__(rng=rng)
        self.seed = int(rng) if isinstance(rng, int | np.integer) else repr(rng)
        if p["nations_file"]:
            frame = read_nations_file(p["nations_file"])
            traits = from_frame(frame, p, self.rng)
            p["n_nations"] = len(frame)
            if traits.region.max() >= p["n_regions"]:
                raise ParameterError(
                    f"nations_file: region {traits.region.max()} found, expected regions in "
                    f"[0, n_regions - 1 = {p['n_regions'] - 1}]")
        else:
            traits = generate(p, self.rng)
        self.p = p
        self.n = n = len(traits.gdp)
        self.names = traits.name
        self.gdp = traits.gdp
        self.population = traits.population
        self.gdp_per_capita = traits.gdp_per_capita
        self.region = traits.region
        self.position = traits.position
        self.salience = traits.salience
        self.strategy = traits.strategy
        self.size = self.gdp / self.gdp.mean()
        self.capacity = np.column_stack([
            traits.funds_share * self.gdp,
            p["troops_per_thousand"] * self.population / 1000.0,
            p["enablers_per_100bn"] * self.gdp / 100.0
            * (self.gdp_per_capita / p["income_median"]) ** p["enabler_concentration"],
        ])
        self.troop_cost = p["troop_cost_factor"] * self.gdp_per_capita * 1e-9  # bn per soldier
        self.region_onehot = np.eye(p["n_regions"])[self.region]
        same_region = self.region[:, None] == self.region[None, :]
        self.trust = np.clip(p["initial_trust"] + p["regional_trust"] * same_region, 0.0, 1.0)
        np.fill_diagonal(self.trust, 0.0)
        self.will = np.full(n, p["will_mean"])
        self.belief = np.full(n, p["initial_belief"])
        self.member = np.ones(n, dtype=bool)
        self.n_members = n
        self.streak = np.zeros(n, dtype=int)
        # Funds pledged last cycle (budget inertia carries part of it over); before the first
        # cycle, what the nations file says they spent, if it says so.
        self.funds_pledged = (None if traits.funds_start is None
                              else np.minimum(traits.funds_start * self.gdp,
                                              self.capacity[:, FUNDS]))
        self.running_payoff = np.zeros(n)
        self.payoff = np.zeros(n)
        self.partner_trust = np.full(n, p["initial_trust"])
        self.manual: dict[int, np.ndarray] = {}
        self.side_deal: SideDeal | None = None
        # Caches keyed on the identity of the arrays they derive from (which are replaced,
        # never mutated, when they change).
        self._pools: tuple = (None, None)
        self._mandates: Mandates | None = None
        self._no_payments = np.zeros(n)
        self.payoff_scale = np.maximum(self.capacity[:, FUNDS], 1e-12)
        self._apply_rules()  # also empties the mandate and schedule caches
        self.grouped = p["group_size"] > 0
        self._coalition_requirement = (
            np.array([p["req_funds"], p["req_troops"], p["req_enablers"]])
            * self.capacity.sum(axis=0))
        self._new_missions(p["n_missions"] if not self.grouped else 0)
        self.nations = [Nation(self, i) for i in range(n)]
        # Outputs are kept as raw arrays per step, and frames and statistics over nations are
        # made on demand (recording.py): Mesa's DataCollector deep-copies every reporter value
        # every step, which cost a third of a default run's time.
        self.metrics: dict[str, float] = {}  # this step's statistics that need live state
        self.recorder = Recorder(self.names, self.region, self.gdp, self.gdp_per_capita,
                                 self.capacity[:, FUNDS])

    def _apply_rules(self) -> None:
        """Derive what the institutional and behavioural parameters imply (at creation, and
        again whenever ``change`` sets them)."""
        p = self.p
        self.enabler_price = p["enabler_cost"] * (1.0 - p["pool_discount"])
        self.hub_bonus = p["hub_bonus"] if p["logistics_hub"] else 0.0
        # Penalty a nation expects per unit it falls short of the bar, as a share of its cost.
        punish = p["punishment_ratio"] * p["punishment_effort"] if p["peer_punishment"] else 0.0
        self.expected_penalty = p["monitoring"] * (p["sanction_rate"] + punish)
        self.deterrence = self.expected_penalty + p["monitoring"]
        self.unanimity = p["decision_rule"] == "unanimity"
        self.disagreement = p["disagreement_cost"] * (2.0 if p["command"] == "centralised" else 1.0)
        self.interop_cost = (p["interop_cost"] * (0.5 if p["command"] == "centralised" else 1.0)
                             * (0.5 if p["logistics_hub"] else 1.0))
        self.reimbursement = np.array([0.0, p["reimbursement"] * 1e-9, 0.0])
        self._mandates = None  # renegotiated at the next step
        self._schedules: tuple = (None, None)

    def change(self, **params: Any) -> None:
        """Change rules or behaviour mid-run, from the next cycle on (e.g. a teacher turning
        up monitoring): any parameter except those that make the nations and missions.

        >>> model = CoalitionModel(rng=1, n_nations=5)
        >>> model.run_for(2)
        >>> model.change(monitoring=0.9, burden_rule="assessed")
        >>> model.run_for(1)
        >>> model.p["monitoring"], model.steps
        (0.9, 3)
        >>> model.change(n_nations=6)
        Traceback (most recent call last):
        ...
        abm.parameters.ParameterError: n_nations: fixed once the model is made; change one of ...
        """
        fixed = sorted(set(params) & FIXED_AT_CREATION)
        if fixed:
            changeable = ", ".join(sorted(set(self.p) - FIXED_AT_CREATION))
            raise ParameterError(f"{fixed[0]}: fixed once the model is made; change one of "
                                 f"{changeable}")
        self.p = validate({**self.p, **params})
        self._apply_rules()

    @classmethod
    def from_preset(cls, preset: str, rng: Any = None, **overrides: Any) -> CoalitionModel:
        """A model of a named preset, with overrides.

        >>> CoalitionModel.from_preset("public_goods_lab", rng=1).p["group_size"]
        4
        """
        from .presets import preset_params
        return cls(rng=rng, **preset_params(preset, overrides))

    # --- missions --------------------------------------------------------------------------------
    def _new_missions(self, count: int, requirement: np.ndarray | None = None) -> None:
        p = self.p
        self.mission_region = self.rng.integers(0, p["n_regions"], count)
        self.mission_age = np.zeros(count, dtype=int)
        self.experience = np.zeros(count)
        self.quality = np.ones(count)
        self.mandate = np.zeros((count, p["dimensions"]))
        self.previous_contributors = np.zeros((count, self.n), dtype=bool)
        self.requirement = (np.tile(self._coalition_requirement, (count, 1))
                            if requirement is None else requirement)
        self.required_total = self.requirement.sum(axis=0).tolist()
        required = self.requirement > 0
        self.weight = required / np.maximum(required.sum(axis=1, keepdims=True), 1)
        risk = np.full(count, p["mission_risk"])
        self.unit_cost = np.empty((count, self.n, 3))
        self.unit_cost[:, :, FUNDS] = 1.0
        self.unit_cost[:, :, TROOPS] = self.troop_cost[None, :] * (1.0 + risk[:, None])
        self.unit_cost[:, :, ENABLERS] = p["enabler_cost"]

    def _form_groups(self) -> None:
        """Split the members at random into groups of ``group_size``, one mission each."""
        members = self.rng.permutation(np.flatnonzero(self.member))
        k = self.p["group_size"]
        count = -(-len(members) // k)
        pool = np.zeros((count, self.n), dtype=bool)
        pool[np.arange(len(members)) // k, members] = True
        requirement = (np.array([self.p["req_funds"], self.p["req_troops"],
                                 self.p["req_enablers"]]) * (pool.astype(float) @ self.capacity))
        self._new_missions(count, requirement)
        self.groups = pool

    def _mission_pools(self) -> tuple[np.ndarray, np.ndarray]:
        """Who may take part in each mission, and who benefits from it (non-excludable)."""
        if self.grouped:
            if self.steps == 1 or self.p["rematch"] or len(self.groups) == 0:
                self._form_groups()
            pool = self.groups & self.member[None, :]
            return pool, pool
        if self._pools[0] is not self.member:  # membership changed: new pools
            pool = np.broadcast_to(self.member, (len(self.requirement), self.n))
            self._pools = (self.member, (pool, np.ones_like(pool)))
        return self._pools[1]

    def _age_missions(self) -> None:
        duration = self.p["mission_duration"]
        if self.grouped or duration == 0:
            return
        self.mission_age += 1
        ended = self.mission_age >= duration
        if ended.any():
            fresh = self.rng.integers(0, self.p["n_regions"], len(ended))
            self.mission_region = np.where(ended, fresh, self.mission_region)  # a new array
            self.mission_age[ended] = 0
            self.experience[ended] = 0.0
            self.quality[ended] = 1.0
            self.previous_contributors[ended] = False

    def _negotiate(self, pool: np.ndarray, beneficiaries: np.ndarray) -> Mandates:
        """Phase 1 and everything that depends on it alone: values, fair shares, net costs."""
        p = self.p
        in_region = self.region[None, :] == self.mission_region[:, None]
        salience = self.salience[None, :] * (1.0 + p["regional_salience"] * in_region)
        self.mandate, distance, launched, part = negotiation.negotiate(
            self.position, self.gdp[None, :] * salience, pool, p["tolerance"], self.unanimity,
            p["qmv_threshold"])
        aligned = negotiation.alignment(distance, self.disagreement)
        unit_cost = self.unit_cost
        n_part = part.sum(axis=1)
        mean_cost = np.divide((unit_cost * part[:, :, None]).sum(axis=1), n_part[:, None],
                              out=unit_cost.mean(axis=1), where=n_part[:, None] > 0)
        full_cost = (self.requirement * mean_cost).sum(axis=1)
        value = (p["mpcr"] * salience * aligned * self.size[None, :] * full_cost[:, None]
                 * beneficiaries)
        fair = pledging.fair_shares(self.requirement, self.capacity, pool, self.gdp,
                                    p["burden_rule"], p["assessment_ceiling"],
                                    p["guideline_share"])
        # Joint products: the private share of a contribution's value grows with the nation's
        # own stake in the mission (salience, higher in its region), not with its size.
        private_rate = np.minimum(p["private_benefit"] * salience, 1.0)
        # Net marginal cost of a unit above the fair share, and below it (expected penalty).
        costs = np.empty((2, *unit_cost.shape))
        np.subtract(unit_cost * (1.0 - private_rate[:, :, None]), self.reimbursement, out=costs[0])
        np.subtract(costs[0], self.expected_penalty * unit_cost, out=costs[1])
        fair_value = np.vecdot(fair, unit_cost)
        seen = pool & launched[:, None]
        return Mandates(
            key=(pool, self.mission_region), part=part, launched=launched, value=value,
            fair=fair, fair_value=fair_value, fair_total=fair_value.sum(axis=0),
            private_rate=private_rate, costs=costs, participating=part.any(axis=0),
            dissent=int((pool & (distance > p["tolerance"] + 1e-12)).sum()),
            conference=pledging.Conference(
                fair=fair, unit_cost=unit_cost, capacity=self.capacity,
                requirement=self.requirement, weight=self.weight, participating=part,
                costs=costs, assessed=p["burden_rule"] == "assessed"),
            partner_weight=part / np.maximum(n_part - 1, 1)[:, None],
            missions_joined=np.maximum(part.sum(axis=0), 1),
            inverse_others_fair=_inverse(fair_value.sum(axis=1, keepdims=True) - fair_value),
            seen=seen, inverse_seen=_inverse(seen.sum(axis=0)), pool_size=pool.sum(axis=1),
            pool_regions=((pool @ self.region_onehot) > 0).sum(axis=1),
            all_launched=bool(launched.all()),
            watched=seen.any(axis=0), opted_out=seen.any(axis=0) & ~part.any(axis=0))

    # --- one mandate cycle -----------------------------------------------------------------------
    def step(self) -> None:
        p = self.p
        rng = self.rng
        n = self.n
        self.will = delivery.update_will(self.will, p["will_mean"], p["will_reversion"],
                                         p["will_shock"], rng)
        self._age_missions()
        belief = self.belief  # as held while pledging (replaced, never mutated, below)
        pool, beneficiaries = self._mission_pools()

        # 1. Mandate negotiation (and what follows from it alone, cached while the members
        # and missions stay the same: the negotiation has no random element)
        key = self._mandates.key if self._mandates is not None else (None, None)
        if key[0] is not pool or key[1] is not self.mission_region:
            self._mandates = self._negotiate(pool, beneficiaries)
        mandates = self._mandates
        part, launched, value, fair = (mandates.part, mandates.launched, mandates.value,
                                       mandates.fair)
        unit_cost = self.unit_cost

        # 2. Pledging conference, then side-payments
        shock = rng.standard_normal(n) * p["noise"]
        if self._schedules[0] is not self.strategy:
            self._schedules = (self.strategy, pledging.Schedules(
                self.strategy, p["cc_slope"], p["hump_peak"], p["unconditional_level"]))
        pledge = mandates.conference(
            value=value * self.quality[:, None], trust=self.trust, memory=self.belief,
            schedules=self._schedules[1], shock=shock, rounds=p["pledging_rounds"],
            manual=self.manual)
        if p["budget_inertia"]:
            pledge = self._carry_over_budgets(pledge, mandates)
        pledge, total = pledging.trim_to_requirement(pledge, self.requirement)
        paid = received = self._no_payments
        if (p["side_payments"] and p["req_troops"] > 0
                and (total[:, TROOPS] < self.requirement[:, TROOPS] - 1e-9).any()):
            pledge, paid, received = self._side_payments(pledge, total, part, value,
                                                         mandates.costs[0])

        # 3. Delivery
        self.partner_trust = np.where(
            mandates.participating,
            ((mandates.partner_weight @ self.trust.T) * part).sum(axis=0)
            / mandates.missions_joined,
            self.partner_trust)
        chance = delivery.renege_probability(p["renege_propensity"], self.strategy, self.will,
                                             self.partner_trust, self.deterrence)
        draws = rng.random((2, n))  # reneging, then detection
        share = delivery.delivery_share(chance, self.will, draws[0])
        delivered = pledge * share[None, :, None]

        # 4. Outcome
        totals = outcome.effective_delivery(delivered, self.requirement, p["pooled_fund"],
                                            self.enabler_price, self.hub_bonus)
        cover = outcome.coverage(totals, self.requirement)
        delivered_value = np.vecdot(delivered, unit_cost)
        contributors = delivered_value > 1e-12
        mission_value = delivered_value.sum(axis=1)
        interop = outcome.interoperability(delivered_value, mission_value, self.interop_cost,
                                           self.experience)
        effectiveness = outcome.cobb_douglas(cover, self.weight) * interop
        legit = outcome.legitimacy(contributors, mandates.pool_size, mandates.pool_regions,
                                   self.region_onehot, p["legitimacy_weight"])
        if not mandates.all_launched:  # a vetoed mission achieves nothing
            cover = cover * launched[:, None]
            effectiveness = effectiveness * launched
            legit = legit * launched
        self.experience = outcome.update_experience(self.experience, delivered_value,
                                                    mission_value, self.previous_contributors,
                                                    p["experience_rate"])
        self.previous_contributors = contributors
        self.quality = (legit * interop if mandates.all_launched
                        else np.where(launched, legit * interop, self.quality))

        # 5. Payoffs (before accountability, which only subtracts)
        own_cost = _over_missions(delivered_value)
        public = _over_missions(value * (effectiveness * legit)[:, None])
        private = _over_missions(mandates.private_rate * delivered_value) + received
        if self.reimbursement[TROOPS]:
            private += self.reimbursement[TROOPS] * _over_missions(delivered[:, :, TROOPS])

        # 6. Accountability
        detected = draws[1] < p["monitoring"]
        sanction = punish_cost = self._no_payments
        if p["sanction_rate"] or p["peer_punishment"]:
            short = accountability.shortfall_value(pledge, delivered, fair, unit_cost, part)
            sanction = p["sanction_rate"] * _over_missions(short) * detected
        if p["peer_punishment"]:
            did_part = delivered_value >= 0.5 * mandates.fair_value
            reciprocal = (self.strategy == CONDITIONAL) | (self.strategy == UNCONDITIONAL)
            damage, punish_cost = accountability.peer_punishment(
                short, detected, part & did_part & reciprocal[None, :], p["punishment_ratio"],
                p["punishment_effort"])
            sanction = sanction + damage
        benefit = public + private
        cost = own_cost + paid + punish_cost
        self.payoff = benefit - cost - sanction

        # 7. Trust update
        contribution = own_cost + paid
        fair_total = mandates.fair_total
        pledged_value = _over_missions(np.vecdot(pledge, unit_cost))
        # Members of a launched mission's pool are watched; opting out is public (seen).
        reliability = trust.observed_reliability(pledged_value, own_cost, fair_total,
                                                 detected | mandates.opted_out,
                                                 p["fairness_weight"])
        trust.update_trust(self.trust, reliability, mandates.watched, p["trust_learning"],
                           p["trust_asymmetry"])
        trust.gossip(self.trust, self.region, self.region_onehot, p["gossip"])

        # 8. Adaptation and cohesion
        mission_contribution = delivered_value
        if paid is not self._no_payments:  # side-payments count where the payer takes part
            mission_contribution = delivered_value + paid * part / mandates.missions_joined
        observation = adaptation.observed_partner_ratio(
            mission_contribution, mandates.inverse_others_fair, mandates.seen,
            mandates.inverse_seen)
        self.belief = adaptation.update_beliefs(self.belief, observation,
                                                mandates.inverse_seen > 0, p["belief_update"])
        self.running_payoff = 0.7 * self.running_payoff + 0.3 * self.payoff / self.payoff_scale
        if p["imitation"] > 0:
            self.strategy = adaptation.imitate(self.strategy, self.payoff / self.gdp,
                                               self.member, p["imitation"], rng)
        was_member = self.member
        exits = rejoins = 0
        if p["exit_patience"]:
            coalition_trust = (self.trust @ self.member) / np.maximum(
                self.n_members - self.member, 1)
            self.member, self.streak, exits, rejoins = adaptation.cohesion(
                self.member, coalition_trust, self.running_payoff, self.streak,
                p["exit_patience"], p["exit_trust"], p["exit_payoff"], p["rejoin"])
        self.n_members += rejoins - exits

        self._record(
            pledge=pledge, delivered=delivered, launched=launched, cover=cover,
            effectiveness=effectiveness, legit=legit, fair_total=fair_total,
            contribution=contribution, member=was_member, exits=exits, rejoins=rejoins,
            pledged_value=pledged_value, mission_value=mission_value,
            benefit=benefit, cost=cost, sanction=sanction, paid=paid, belief=belief,
            dissent=mandates.dissent)

    def _carry_over_budgets(self, pledge: np.ndarray, mandates: Mandates) -> np.ndarray:
        """Partial adjustment of budgets: a nation's funds move only ``1 - budget_inertia``
        of the way from last cycle's pledge to what the conference would have it pledge,
        split over its missions as the conference split them (played nations excepted)."""
        desired = pledge[:, :, FUNDS].sum(axis=0)
        target = desired
        if self.funds_pledged is not None:
            carried = self.p["budget_inertia"]
            target = np.minimum(carried * self.funds_pledged + (1.0 - carried) * desired,
                                self.capacity[:, FUNDS]) * mandates.participating
            for nation in self.manual:
                target[nation] = desired[nation]
            split = np.divide(pledge[:, :, FUNDS], desired, out=mandates.part
                              / mandates.missions_joined, where=desired > 0)
            pledge = pledge.copy()
            pledge[:, :, FUNDS] = split * target
            if self.p["burden_rule"] == "assessed":  # assessments are owed in full
                np.maximum(pledge[:, :, FUNDS], mandates.fair[:, :, FUNDS],
                           out=pledge[:, :, FUNDS])
                target = pledge[:, :, FUNDS].sum(axis=0)
        self.funds_pledged = target
        return pledge

    def _side_payments(self, pledge, total, part, value, cost_above):
        gap, gain = pledging.troop_gap_value(total, self.requirement, self.weight)
        per_soldier = np.divide(value * (self.quality * gain)[:, None], gap[:, None],
                                out=np.zeros_like(value), where=gap[:, None] > 0)
        price = cost_above[:, :, TROOPS]
        deal = SideDeal(pledge=pledge.copy(), gap=gap.copy(), price=price,
                        value_per_soldier=per_soldier, providers=part,
                        paid=np.zeros(self.n), received=np.zeros(self.n))
        self.side_deal = deal
        for mission in np.flatnonzero(gap > 1e-9):
            cheapest = np.where(part[mission], price[mission], np.inf).min()
            donors = np.flatnonzero(part[mission] & (per_soldier[mission] > cheapest))
            if len(donors):
                AgentSet([self.nations[i] for i in donors], random=self.random).shuffle_do(
                    "offer_side_payment", mission)
        self.side_deal = None
        return deal.pledge, deal.paid, deal.received

    # --- outputs ---------------------------------------------------------------------------------
    def _record(self, *, pledge, delivered, launched, cover, effectiveness, legit, fair_total,
                contribution, member, exits, rejoins, benefit, cost, sanction, paid, belief,
                dissent, pledged_value, mission_value) -> None:
        """Keep this step's raw arrays, and the statistics only this step can compute.

        Per-mission values are few: Python sums over their lists beat numpy calls here.
        """
        n = self.n
        live = self.metrics
        missions = len(launched)
        if missions:
            share = 1.0 / missions
            for c, cap in enumerate(CAPABILITIES):
                live[f"required_{cap}"] = self.required_total[c]
                live[f"coverage_{cap}"] = sum(cover[:, c].tolist()) * share
            effective = effectiveness.tolist()
            legitimate = legit.tolist()
            threshold = self.p["success_threshold"]
            live["coverage_min"] = sum(cover.min(axis=1).tolist()) * share
            live["effectiveness"] = sum(effective) * share
            live["legitimacy"] = sum(legitimate) * share
            live["success"] = sum(e * g >= threshold for e, g in zip(effective, legitimate)
                                  ) * share
        else:
            for c, cap in enumerate(CAPABILITIES):
                live[f"required_{cap}"] = self.required_total[c]
                live[f"coverage_{cap}"] = 0.0
            live.update(coverage_min=0.0, effectiveness=0.0, legitimacy=0.0, success=0.0)
        live["missions"] = missions
        live["launched"] = sum(launched.tolist())
        promised = float(pledged_value.sum())
        given = sum(mission_value.tolist())
        live["fulfilment"] = given / promised if promised > 0 else 1.0
        trust_given = self.trust.sum(axis=1)
        members = self.member
        k = self.n_members
        if k == n:
            pairs = n * (n - 1)
            mean = float(trust_given.sum()) / pairs
            live["mean_trust"] = mean
            live["trust_sd"] = max(float(np.vdot(self.trust, self.trust)) / pairs - mean * mean,
                                   0.0) ** 0.5
        elif k > 1:
            values = self.trust[np.ix_(members, members)][~np.eye(k, dtype=bool)]
            live["mean_trust"] = float(values.mean())
            live["trust_sd"] = float(values.std())
        else:
            live["mean_trust"] = live["trust_sd"] = float("nan")
        live["trust_blocs"] = trust.count_blocs(self.trust, members, self.p["bloc_threshold"])
        live["members"] = k
        live["exited"] = n - k
        live["exits"] = exits
        live["rejoins"] = rejoins
        live["retention"] = k / n
        live["opt_outs"] = dissent
        live["side_payments"] = 0.0 if paid is self._no_payments else float(paid.sum())
        live["sanctions"] = 0.0 if sanction is self._no_payments else float(sanction.sum())
        others = n - 1
        self.recorder.add(self.steps, live, (
            member, self._mandates.participating, self.strategy, _over_missions(pledge),
            _over_missions(delivered), fair_total, contribution, benefit, cost, sanction,
            self.payoff, trust_given / others, self.trust.sum(axis=0) / others, belief,
            self.will))

    def model_frame(self) -> pd.DataFrame:
        """One row per step: the coalition-level outcomes (tidy)."""
        return self.recorder.model_frame()

    def nation_frame(self) -> pd.DataFrame:
        """One row per nation and step: pledges, deliveries, burden, payoff, trust (tidy)."""
        return self.recorder.nation_frame()



__all__ = ["CoalitionModel", "Nation", "__version__"]
