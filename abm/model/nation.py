"""The Nation agent: the readable unit of behaviour.

A nation's state lives in the model's arrays (``model.world`` and ``model.state``, one entry
per nation) so that each phase of a cycle runs for all nations at once with numpy; a Nation is
a view on its own entries, with the decisions it takes spelled out through the same rule
functions the model applies to all. Bilateral side-payment deals are the one place where
agents act one at a time, in random order (``shuffle_do``), because who strikes a deal first
changes what is left for the others.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import mesa
import numpy as np

from ..scenarios.kinds import CAPABILITIES, STRATEGIES, TROOPS
from .phases.accountability import Punishment
from .phases.conference import Schedules, social_ratio
from .phases.delivery import renege_probability

if TYPE_CHECKING:
    from .model import CoalitionModel
    from .phases.side_payments import SideDeal


class Nation(mesa.Agent):
    """A nation: size, capacities, interests, strategy, trust in others and membership."""

    model: CoalitionModel

    def __init__(self, model: CoalitionModel, index: int) -> None:
        super().__init__(model)
        self.index = index

    # --- state (views on the model's arrays) -----------------------------------------------
    @property
    def name(self) -> str:
        return str(self.model.world.names[self.index])

    @property
    def gdp(self) -> float:
        return float(self.model.world.gdp[self.index])

    @property
    def gdp_per_capita(self) -> float:
        return float(self.model.world.gdp_per_capita[self.index])

    @property
    def region(self) -> int:
        return int(self.model.world.region[self.index])

    @property
    def strategy(self) -> str:
        return STRATEGIES[self.model.state.strategy[self.index]]

    @property
    def member(self) -> bool:
        return bool(self.model.state.member[self.index])

    @property
    def capacity(self) -> dict[str, float]:
        return dict(zip(CAPABILITIES, self.model.world.capacity[self.index].tolist(), strict=True))

    @property
    def political_will(self) -> float:
        return float(self.model.state.will[self.index])

    @property
    def belief(self) -> float:
        """Expected contribution of others relative to their fair shares."""
        return float(self.model.state.belief[self.index])

    @property
    def trust(self) -> np.ndarray:
        """This nation's row of the trust matrix: its trust in each other nation."""
        return self.model.state.trust[self.index]

    @property
    def trust_received(self) -> float:
        """The others' mean trust in this nation."""
        trust = self.model.state.trust
        others = np.arange(len(trust)) != self.index
        return float(trust[others, self.index].mean())

    @property
    def payoff(self) -> float:
        return float(self.model.state.payoff[self.index])

    # --- decisions ---------------------------------------------------------------------------
    def reciprocal_ratio(self, belief: float | None = None) -> float:
        """What its strategy type gives, relative to fair share, given a belief about others."""
        p = self.model.p
        b = self.belief if belief is None else belief
        return float(social_ratio(
            np.array(self.model.state.strategy[self.index]), np.array(b), p["cc_slope"],
            p["hump_peak"], p["unconditional_level"]))

    def renege_probability(self) -> float:
        """Chance that it delivers less than it pledges this cycle."""
        m, i = self.model, slice(self.index, self.index + 1)
        schedules = Schedules(m.state.strategy[i], m.p["cc_slope"], m.p["hump_peak"],
                              m.p["unconditional_level"])
        return float(renege_probability(
            m.p["renege_propensity"], schedules.unwillingness, m.state.will[i],
            m.state.partner_trust[i], m.deterrent()[i])[0])

    def set_pledge(self, **offer: float) -> None:
        """Fix this nation's pledges (e.g. a student playing it): funds=, troops=, enablers=.

        The offer holds every cycle until ``clear_pledge``; it is capped at capacity.
        """
        unknown = set(offer) - set(CAPABILITIES)
        if unknown:
            raise ValueError(f"set_pledge: unknown capability {sorted(unknown)[0]!r}, "
                             f"expected one of {', '.join(CAPABILITIES)}")
        vector = np.array([float(offer.get(c, 0.0)) for c in CAPABILITIES])
        if not np.all(np.isfinite(vector)) or (vector < 0).any():
            raise ValueError("set_pledge: pledges must be finite numbers >= 0")
        self.model.state.played[self.index] = vector

    def clear_pledge(self) -> None:
        self.model.state.played.pop(self.index, None)

    def set_punishment(self, share: float, targets: Iterable[int] = (),
                       below: float = 0.0) -> None:
        """Fix whom this nation punishes (e.g. a student playing it), when the rules allow
        peer punishment: the partners it sees among ``targets``, and any partner it sees
        giving less than ``below`` of its fair share this cycle; on each, ``share`` (in
        [0, 1]) of the most it may spend (``punishment_cap`` x the partner's fair share).
        Nobody else is punished. The choice holds every cycle until ``clear_punishment``.

        >>> from abm.model import CoalitionModel
        >>> model = CoalitionModel(rng=1, n_nations=4, peer_punishment=True)
        >>> model.nations[0].set_punishment(1.0, targets=[2])
        >>> model.step()
        >>> spent = model.state.spent[0]
        >>> bool(spent[2] > 0), float(spent[1] + spent[3])
        (True, 0.0)
        """
        n = self.model.n
        chosen = np.zeros(n, dtype=bool)
        for target in targets:
            if not 0 <= int(target) < n or int(target) == self.index:
                raise ValueError(f"set_punishment: target {target} is not another nation "
                                 f"(expected 0 to {n - 1}, not {self.index})")
            chosen[int(target)] = True
        if not 0.0 <= float(share) <= 1.0:
            raise ValueError(f"set_punishment: share {share} is outside [0, 1]")
        if not 0.0 <= float(below) <= 10.0:
            raise ValueError(f"set_punishment: below {below} is outside [0, 10]")
        self.model.state.punishing[self.index] = Punishment(float(share), chosen, float(below))

    def clear_punishment(self) -> None:
        self.model.state.punishing.pop(self.index, None)

    def offer_side_payment(self, deal: SideDeal, mission: int) -> None:
        """Pay the cheapest trusted nation with spare troops to close the gap this nation
        expects in the mission's troops.

        It buys soldiers while its value of the expected gap closed, per soldier and
        discounted by its trust in the provider, exceeds the provider's net cost of a soldier,
        within the funds it has not pledged. The two split the surplus of the deal equally
        (the symmetric Nash bargaining solution): the price is the provider's cost (at least
        0) plus half of the difference. The mission takes the soldiers bought beyond its
        requirement as a reserve against the reneging the donor expects. A soldier bought
        from j closes trust[k, j] of every nation k's expected gap.
        """
        i = self.index
        gap, budget = deal.gap.item(mission, i), deal.budget.item(i)
        if gap <= 0 or budget <= 0:
            return
        prices = deal.price_to[mission, i]
        j = int(prices.argmin())  # the cheapest per soldier it expects delivered
        value = deal.value_per_soldier.item(mission, i)
        if not prices.item(j) < value:
            return
        trust, cost = deal.trust.item(i, j), deal.cost.item(mission, j)
        unit = 0.5 * (cost + value * trust)  # cost + half the surplus
        spare = deal.spare.item(j)
        soldiers = min(gap / trust, spare, budget / unit if unit > 0 else np.inf)
        deal.pledge[mission, j, TROOPS] += soldiers
        gaps = deal.gap[mission]
        np.maximum(gaps - deal.trust[:, j] * soldiers, 0.0, out=gaps)
        deal.spare[j] = spare - soldiers
        if spare - soldiers <= 0:
            deal.price_to[:, :, j] = np.inf
        deal.budget[i] = budget - soldiers * unit
        deal.payment[i, j] += soldiers * unit
