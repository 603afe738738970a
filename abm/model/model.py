"""CoalitionModel: nations negotiating commitments to shared missions, one mandate cycle a step.

``step`` runs the eight phases of the reference design in order (docs/ODD.md, section 3). Each
phase is a function in ``phases/`` that takes what it needs and returns a small result and
changes none of its inputs. The state changes only in ``step``, in two visible places: the
world's moves before the phases (political will, missions), and the cycle's results after
them. The Nation agents (``nation.py``) read the same state one nation at a time.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import mesa
import numpy as np
import pandas as pd

from ..scenarios.parameter import random_source
from ..scenarios.parameters import ParameterError, validate
from ..scenarios.population import Traits, from_frame, generate, read_nations_file
from ..scenarios.presets import preset_params
from . import missions as mission_rules
from .datacollector import RecordedData
from .missions import over_missions
from .nation import Nation
from .observation import co_participants, following, observation
from .phases import (
    accountability,
    adaptation,
    delivery,
    negotiation,
    outcome,
    payoffs,
    pledging,
    side_payments,
    trust,
)
from .phases.conference import Conference, Motives, Schedules
from .phases.negotiation import Mandates, inverse
from .phases.pledging import Terms
from .recording import Recorder
from .reporters import Cycle, trust_record
from .state import CoalitionState, Rules, World

# Parameters that make the nations, their capacities and the missions: set at creation only.
FIXED_AT_CREATION = frozenset((
    "n_nations", "nations_file", "inequality", "gdp_median", "income_median", "income_spread",
    "income_size_correlation", "n_regions", "dimensions", "divergence", "salience_spread",
    "funds_share", "troops_per_thousand", "enablers_per_100bn", "enabler_concentration",
    "troop_cost_factor", "enabler_cost", "share_conditional", "share_free_rider", "share_hump",
    "share_unconditional", "initial_belief", "initial_trust", "regional_trust", "n_missions",
    "req_funds", "req_troops", "req_enablers", "mission_risk", "group_size",
))


def _view(part: str, name: str, doc: str = "") -> property:
    """A read-only attribute of the model that shows ``self.<part>.<name>``."""
    return property(lambda self: getattr(getattr(self, part), name), doc=doc or name)


class Negotiated(NamedTuple):
    """What follows from the negotiated mandates alone, kept while they stand."""

    mandates: Mandates
    terms: Terms
    conference: Conference
    aware: np.ndarray  # (n, n) i follows a mission j is watched in
    aware_partners: np.ndarray  # (n, n) and i and j take part in a mission together


class CoalitionModel(mesa.Model):
    """Nations negotiate funds, troops and enablers for missions; see docs/ODD.md.

    >>> model = CoalitionModel(rng=1, n_nations=8)
    >>> model.run_for(3)
    >>> model.steps, len(model.model_frame()), len(model.nation_frame())
    (3, 3, 24)
    """

    def __init__(self, rng: Any = None, **params: Any) -> None:
        rng = random_source(rng, params.pop("seed", None))  # (Mesa's older name, too)
        p = validate(params)
        super().__init__(rng=rng)
        self.seed = int(rng) if isinstance(rng, int | np.integer) else repr(rng)
        traits = self._nations(p)
        p["n_nations"] = len(traits.gdp)
        self.p = p
        self.world = world = World.from_traits(traits, p)
        self.rules = Rules.from_params(p)
        self.state = CoalitionState.initial(world, traits, p, mission_rules.coalition_missions(
            world.capacity, world.troop_cost, p, self.rng))
        self.nations = [Nation(self, i) for i in range(world.n)]
        # Outputs are kept as raw arrays per step, and frames and statistics over nations are
        # made on demand (recording.py): Mesa's DataCollector deep-copies every reporter value
        # every step, which cost a third of a default run's time.
        self.recorder = Recorder(world.names, world.region, world.gdp, world.gdp_per_capita,
                                 world.capacity[:, 0])
        # The negotiation and its terms have no random element: they are kept while the
        # members, the missions and the rules stay the same, and dropped (_renegotiate) when
        # one changes. (Measured: a default run takes 28 ms with them kept, 45 ms without.) The
        # state is the model's to change: a run is changed through ``change`` and the Nation
        # agents' ``set_pledge``, never by replacing the state's arrays from outside.
        self._negotiated: Negotiated | None = None
        # Side-payment deals in force: they run for ``deal_term`` cycles, or until the
        # participants or the rules change.
        self._deals: side_payments.Deals | None = None
        # The strategy types' contribution schedules: kept until the rules change (dropped by
        # ``change``), made anew every cycle while imitation may change strategies.
        # (Measured: making them every cycle costs 2.4 % of a default run's instructions.)
        self._schedules: Schedules | None = None
        self._collected: tuple[int, RecordedData] | None = None  # ``datacollector``
        self._own_collector: Any = None  # a DataCollector a subclass assigns

    def _nations(self, p: dict[str, Any]) -> Traits:
        if not p["nations_file"]:
            return generate(p, self.rng)
        frame = read_nations_file(p["nations_file"])
        traits = from_frame(frame, p, self.rng)
        if traits.region.max() >= p["n_regions"]:
            raise ParameterError(
                f"nations_file: region {traits.region.max()} found, expected regions in "
                f"[0, n_regions - 1 = {p['n_regions'] - 1}]")
        return traits

    @classmethod
    def from_preset(cls, preset: str, rng: Any = None, **overrides: Any) -> CoalitionModel:
        """A model of a named preset, with overrides.

        >>> CoalitionModel.from_preset("public_goods_lab", rng=1).p["group_size"]
        4
        """
        return cls(rng=rng, **preset_params(preset, overrides))

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
        abm.scenarios.parameter.ParameterError: n_nations: fixed once the model is made; ...
        """
        fixed = sorted(set(params) & FIXED_AT_CREATION)
        if fixed:
            changeable = ", ".join(sorted(set(self.p) - FIXED_AT_CREATION))
            raise ParameterError(f"{fixed[0]}: fixed once the model is made; change one of "
                                 f"{changeable}")
        self.p = validate({**self.p, **params})
        self.rules = Rules.from_params(self.p)
        self._schedules = None
        self._deals = None  # struck anew under the new rules
        self._renegotiate()

    def _renegotiate(self) -> None:
        """Members, missions, votes or rules changed: negotiate anew at the next cycle."""
        self._negotiated = None

    # --- one mandate cycle -----------------------------------------------------------------------
    def step(self) -> None:
        """One mandate cycle: the world moves, then the eight phases in order, then their
        results become the state and the cycle is recorded."""
        p, rules, world, state, rng = self.p, self.rules, self.world, self.state, self.rng
        n = world.n

        # 0. The world moves: political will, and missions that end or groups re-drawn.
        state.will = delivery.update_will(state.will, p["will_mean"], p["will_reversion"],
                                          p["will_shock"], rng)
        state.missions = self._next_missions(state.missions)
        missions = state.missions

        # 1. Mandate negotiation, and the terms that follow from it alone.
        if self._negotiated is None:
            mandates = negotiation.negotiate_mandates(world, missions, state.member, p, rules,
                                                      state.suspended)
            terms = pledging.negotiated_terms(world, missions, mandates, p, rules)
            aware = following(mandates)
            self._negotiated = Negotiated(
                mandates, terms, pledging.open_conference(world, missions, mandates, terms, p),
                aware, aware & co_participants(mandates.part))
        mandates, terms, conference, aware, aware_partners = self._negotiated

        # 2. Pledging conference, then side-payments to close troop gaps.
        if self._schedules is None or p["imitation"] > 0:  # imitation may change strategies
            self._schedules = Schedules(state.strategy, p["cc_slope"], p["hump_peak"],
                                        p["unconditional_level"])
        schedules = self._schedules
        shock = rng.standard_normal(n) * self._noise()
        pledges = pledging.pledge(
            conference, terms, mandates, missions, state, world.capacity, schedules, shock, p,
            self._motives(mandates, terms),
            adaptation.commitment(state.member, state.streak, p["exit_patience"]))
        pledge, paid, received = pledges.pledge, None, None
        deals = self._deals
        if deals is None or not deals.hold(self.steps, mandates.part):
            deals = self._deals = None
            if side_payments.market_opens(p, pledges, missions.requirement, state.trust,
                                          mandates.part):
                deals = self._deals = side_payments.make_deals(
                    pledges, mandates, terms, missions, state.trust, world.capacity,
                    self.nations, rng, self.steps + p["deal_term"], state.played)
        if deals is not None:
            pledge, paid, received = deals.apply(pledges.pledge, world.capacity)

        # 3. Delivery: one uniform draw per nation for reneging, one for the organisation's
        # detection (phase 6), and one per observer and nation for what each sees.
        draws = rng.random((n + 2, n))  # (the same numbers as three draws, in one call)
        reneging_draw, detection_draw, observing_draw = draws[0], draws[1], draws[2:]
        given = delivery.deliver(pledge, mandates, state.trust, state.partner_trust,
                                 schedules.unwillingness, state.will, p["renege_propensity"],
                                 self.deterrent(), reneging_draw)

        # 4. Outcome of each mission.
        assessed = outcome.assess(given.delivered, missions, mandates, world, p, rules,
                                  terms.unit_cost)

        # 5. Payoffs, before accountability.
        gross = payoffs.settle(terms.value, assessed.effectiveness, assessed.legitimacy,
                               given.delivered, assessed.delivered_value, terms.private_rate,
                               rules.reimbursement, paid, received)

        # 6. Accountability: the organisation's sanctions, and punishment chosen by peers.
        detected = detection_draw < p["monitoring"]
        sees = observation(aware, mandates.opted_out, detected, observing_draw, p)
        account = accountability.hold_to_account(
            pledge, given.delivered, assessed.delivered_value, terms.fair, terms.fair_total,
            terms.unit_cost, mandates.part, state.strategy, gross, p, detected,
            sees & aware_partners if p["peer_punishment"] else None,
            state.spent, state.retaliation_belief, state.punishing)

        # 7. Trust update: each nation on what it saw.
        trusted = trust.update(state.trust, pledge, terms.unit_cost, assessed.delivered_value,
                               terms.fair_value, mandates.part, sees, aware, p)

        # 8. Adaptation and cohesion (side-payments count where the payer takes part).
        contribution = assessed.delivered_value
        if paid is not None:
            contribution = contribution + paid * mandates.part / mandates.missions_joined
        adapted = adaptation.adapt(state, contribution, account.payoff, gross.public, account,
                                   trusted.trust, mandates, terms, world, p, rng)

        # The cycle's results become the state.
        belief_held, member_before = state.belief, state.member
        missions.experience = assessed.experience
        missions.quality = assessed.quality
        missions.previous_contributors = assessed.contributors
        state.funds_pledged = pledges.funds_pledged
        state.partner_trust = given.partner_trust
        state.payoff = account.payoff
        state.trust = trusted.trust
        state.belief = adapted.belief
        state.worth = adapted.worth
        state.strategy = adapted.strategy
        state.member = adapted.member
        state.streak = adapted.streak
        state.penalty_belief = adapted.penalty_belief
        state.detection_belief = adapted.detection_belief
        state.retaliation_belief = adapted.retaliation_belief
        state.punishment_base = adapted.punishment_base
        state.spent = account.spent
        if adapted.exits or adapted.rejoins:
            state.n_members += adapted.rejoins - adapted.exits
            self._renegotiate()
        if p["burden_rule"] == "assessed" or p["vote_suspension"]:  # (else arrears wait)
            state.arrears = accountability.carry_arrears(state.arrears, given.delivered,
                                                         terms.assessment,
                                                         mandates.participating)
        if p["vote_suspension"] or state.suspended.any():
            suspended = (detected & p["vote_suspension"] & accountability.over_the_limit(
                state.arrears, terms.assessment, p["arrears_limit"]))
            if not np.array_equal(suspended, state.suspended):
                state.suspended = suspended
                self._renegotiate()

        trust_given = state.trust.sum(axis=1)
        cycle = Cycle(
            missions.required_total, assessed.cover, assessed.effectiveness, assessed.legitimacy,
            assessed.mission_value, mandates.launched, p["success_threshold"],
            trusted.pledged_value, trust_record(state.trust, trust_given, state.member,
                                                state.n_members, p["bloc_threshold"]),
            state.n_members, adapted.exits, adapted.rejoins, mandates.dissent,
            0.0 if paid is None else float(paid.sum()), account.total)
        self.recorder.add(self.steps, cycle, (
            member_before, mandates.participating, state.strategy, over_missions(pledge),
            over_missions(given.delivered), terms.fair_total, gross.contribution,
            gross.benefit, account.cost, account.sanction, state.payoff, trust_given,
            state.trust.sum(axis=0), belief_held, state.will))

    @property
    def metrics(self) -> dict[str, float]:
        """The last cycle's statistics, as in the model frame (empty before the first)."""
        return self.recorder.last_cycle()

    def _motives(self, mandates: Mandates, terms: Terms) -> Motives:
        """What moves the reciprocal pledges this cycle besides the types' schedules: the
        strategic premium while the same partners meet again and the horizon lies ahead, and
        the punishment each nation has learned to expect."""
        p, state = self.p, self.state
        rematched = self.state.missions.groups is not None and p["rematch"]
        horizon = p["horizon"]
        # The value of a reputation is the future it buys: the share of the known horizon
        # still ahead (all of it when no end is known), none in the last cycle.
        ahead = 1.0 if not horizon else max(horizon - self.steps, 0) / max(horizon - 1, 1)
        premium = (0.0 if rematched or not ahead or not p["reputation_weight"]
                   else p["reputation_weight"] * ahead * mandates.partner_weight)
        if not p["peer_punishment"]:
            return Motives(premium)
        saving = np.maximum(1.0 - terms.own_return, 1e-12)  # net cost of a unit given
        return Motives(premium, np.clip(state.penalty_belief / saving, -1.0, 1.0))

    def _noise(self) -> float:
        """The sd of the pledge errors this cycle: ``noise``, plus the novices' extra errors,
        which fade as 1 / cycles of experience (the power law of practice, Newell and
        Rosenbloom 1981)."""
        return self.p["noise"] + self.p["novice_noise"] / self.steps

    def deterrent(self) -> np.ndarray:
        """What each nation expects to lose per unit withheld, times the chance it has learned
        that a shortfall is seen (``delivery.deterrent``)."""
        p, state = self.p, self.state
        vote = None
        if p["vote_suspension"] and self._negotiated is not None:
            # The vote (``pledging.vote_value``), per unit of the fair share, for the members
            # whose arrears would reach the limit if they paid nothing this cycle.
            terms = self._negotiated.terms
            at_stake = accountability.over_the_limit(state.arrears + terms.assessment,
                                                     terms.assessment, p["arrears_limit"])
            vote = (pledging.vote_value(terms, p["vote_worth"]) * inverse(terms.fair_total)
                    * at_stake)
        return delivery.deterrent(state.detection_belief, p["sanction_rate"],
                                  state.penalty_belief if p["peer_punishment"] else None, vote)

    def _next_missions(self, missions: mission_rules.Missions) -> mission_rules.Missions:
        """Missions age and are replaced when their duration ends; in group mode, groups are
        drawn in the first cycle and again whenever rematching is due."""
        p, world = self.p, self.world
        if missions.groups is not None:
            if not mission_rules.regroup_due(missions, self.steps, p["rematch"]):
                return missions
            regrouped = mission_rules.form_groups(self.state.member, world.capacity,
                                                  world.troop_cost, p, self.rng)
        elif p["mission_duration"] == 0:  # open-ended missions
            return missions
        else:
            regrouped, ended = mission_rules.aged(missions, p["mission_duration"],
                                                  p["n_regions"], self.rng)
            if not ended:
                return regrouped
        self._renegotiate()
        self._deals = None  # deals were for the missions that ended or the groups redrawn
        return regrouped

    # --- read-only views of the world and the state, by name ----------------------------------
    n = _view("world", "n", "Number of nations.")
    names = _view("world", "names")
    gdp = _view("world", "gdp", "bn USD")
    gdp_per_capita = _view("world", "gdp_per_capita", "USD per person")
    region = _view("world", "region")
    capacity = _view("world", "capacity", "(n, 3): funds (bn USD), troops, enablers per cycle")
    trust = _view("state", "trust", "(n, n): ``trust[i, j]`` is nation i's trust in nation j.")
    member = _view("state", "member")
    strategy = _view("state", "strategy", "Codes into ``abm.scenarios.kinds.STRATEGIES``.")
    belief = _view("state", "belief")
    payoff = _view("state", "payoff", "Last cycle's payoffs.")

    # --- outputs ---------------------------------------------------------------------------------
    @property
    def datacollector(self) -> Any:
        """Mesa's DataCollector interface over this run's records, for ``mesa.batch_run``;
        made when asked for, and kept until the next cycle. A subclass may assign its own
        ``mesa.DataCollector`` instead, as in Mesa's examples; that one is then returned."""
        if self._own_collector is not None:
            return self._own_collector
        if self._collected is None or self._collected[0] != self.steps:
            self._collected = self.steps, RecordedData(
                self.model_frame(), self.nation_frame(), [n.unique_id for n in self.nations])
        return self._collected[1]

    @datacollector.setter
    def datacollector(self, collector: Any) -> None:
        self._own_collector = collector

    def model_frame(self) -> pd.DataFrame:
        """One row per step: the coalition-level outcomes (tidy)."""
        return self.recorder.model_frame()

    def nation_frame(self) -> pd.DataFrame:
        """One row per nation and step: pledges, deliveries, burden, payoff, trust (tidy)."""
        return self.recorder.nation_frame()


__all__ = ["CoalitionModel", "Nation"]
