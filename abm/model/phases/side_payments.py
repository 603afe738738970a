"""Phase 2, end of the conference: side-payments that close a troop gap.

A nation with a stake in a mission whose troops it expects to fall short may pay another
participant with spare troops to deploy them (a bilateral deal). What it expects is the
pledges on the table discounted by its trust in their authors (trust is the expected share
of a pledge delivered, as at the conference): a mission can be fully pledged and still be
expected to lack troops, which is how force generation usually fails (authorised strength
is pledged, then not deployed). Deals are struck one donor at a time, in random
order, because who strikes a deal first changes what is left for the
others; what each donor does is ``Nation.offer_side_payment``. A deal runs for
``deal_term`` cycles, as the payments that buy coalition troops are multi-year agreements
(Henke 2019), unless the participants, the missions or the rules change first.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ...scenarios.kinds import FUNDS, TROOPS
from ..missions import Missions, over_missions
from .negotiation import Mandates
from .pledging import Pledges, Terms

if TYPE_CHECKING:
    from ..nation import Nation

_TINY = 1e-300  # a divisor's floor: shares of nothing are 0, not NaN


@dataclass
class SideDeal:
    """The side-payment market of one conference, as the donors change it in turn."""

    pledge: np.ndarray  # (m, n, c) pledges, with the troops bought so far
    gap: np.ndarray  # (m, n) troops each nation still expects to be missing
    cost: np.ndarray  # (m, n) what a soldier costs its provider, net of private benefits (>= 0)
    value_per_soldier: np.ndarray  # (m, n) a donor's value of closing the gap, per soldier
    price_to: np.ndarray  # (m, n, n) cost[j] / trust[i, j]: j's price per soldier i expects
    trust: np.ndarray  # (n, n)
    spare: np.ndarray  # (n,) troops not yet pledged
    budget: np.ndarray  # (n,) funds not yet pledged or paid
    payment: np.ndarray  # (n, n) bn USD per cycle donor i pays provider j


@dataclass(slots=True)
class Deals:
    """Side-payment deals in force: the soldiers bought from each provider for each mission
    and what each donor pays each provider per cycle, until cycle ``until`` (excluded)."""

    troops: np.ndarray  # (m, n) soldiers bought from each provider
    payment: np.ndarray  # (n, n) bn USD per cycle donor i pays provider j
    until: int
    part: np.ndarray  # (m, n) who took part in each mission when the deals were struck
    paid: np.ndarray  # (n,) bn USD each donor pays per cycle
    received: np.ndarray  # (n,) bn USD each provider receives per cycle
    bought: np.ndarray  # (n,) soldiers bought from each provider, over missions
    # The same three as divisors, floored (a share of nothing is 0, not NaN): the deals are
    # applied each cycle of their term, and these do not change.
    paid_floor: np.ndarray
    received_floor: np.ndarray
    bought_floor: np.ndarray

    @classmethod
    def of(cls, troops: np.ndarray, payment: np.ndarray, until: int, part: np.ndarray
           ) -> Deals:
        paid, received, bought = payment.sum(axis=1), payment.sum(axis=0), troops.sum(axis=0)
        return cls(troops, payment, until, part, paid, received, bought,
                   np.maximum(paid, _TINY), np.maximum(received, _TINY),
                   np.maximum(bought, _TINY))

    def hold(self, cycle: int, part: np.ndarray) -> bool:
        """The deals still run in this cycle: their term is not over and the same nations
        take part in the same missions."""
        return cycle < self.until and (part is self.part or np.array_equal(part, self.part))

    def apply(self, pledge: np.ndarray, capacity: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """This cycle's pledges with the troops bought, and what each nation pays and
        receives. A donor whose own pledges leave it less money than it owes pays what it
        can; a provider paid less than agreed, or left with fewer spare troops than it sold,
        supplies that share of the soldiers and is paid pro rata.

        >>> deals = Deals.of(np.array([[0.0, 10.0]]), np.array([[0.0, 2.0], [0.0, 0.0]]), 5,
        ...                  np.array([[True, True]]))
        >>> pledge = np.zeros((1, 2, 3))
        >>> out, paid, received = deals.apply(pledge, np.array([[9.0, 100.0, 9.0]] * 2))
        >>> out[0, :, 1].tolist(), paid.tolist(), received.tolist()
        ([0.0, 10.0], [2.0, 0.0], [0.0, 2.0])
        >>> out, paid, received = deals.apply(pledge, np.array([[9.0, 5.0, 9.0]] * 2))
        >>> out[0, :, 1].tolist(), paid.tolist(), received.tolist()
        ([0.0, 5.0], [1.0, 0.0], [0.0, 1.0])
        >>> out, paid, received = deals.apply(pledge, np.array([[0.5, 100.0, 9.0]] * 2))
        >>> out[0, :, 1].tolist(), paid.tolist(), received.tolist()
        ([0.0, 2.5], [0.5, 0.0], [0.0, 0.5])
        """
        out = pledge.copy()
        troops = out[:, :, TROOPS]
        troops += self.troops
        budget = capacity[:, FUNDS] - over_missions(pledge[:, :, FUNDS])
        if ((over_missions(troops) <= capacity[:, TROOPS] + 1e-9).all()
                and (self.paid <= budget + 1e-9).all()):  # as agreed (to rounding)
            return out, self.paid, self.received
        # Shares paid (donors) and supplied (providers); a provider that sold nothing has
        # nothing to supply, so its shares may be anything.
        afford = np.minimum(np.maximum(budget, 0.0) / self.paid_floor, 1.0)
        payment = self.payment * afford[:, None]
        funded = payment.sum(axis=0) / self.received_floor
        spare = capacity[:, TROOPS] - pledge[:, :, TROOPS].sum(axis=0)
        supplied = np.minimum(np.minimum(funded, 1.0),
                              np.maximum(spare, 0.0) / self.bought_floor)
        troops[...] = pledge[:, :, TROOPS] + self.troops * supplied
        payment *= supplied / np.maximum(funded, _TINY)
        return out, payment.sum(axis=1), payment.sum(axis=0)


def expected_troops(pledge: np.ndarray, trust: np.ndarray) -> np.ndarray:
    """(m, n) the troops each nation expects each mission to get: its own pledge and the
    others' discounted by its trust in them (``trust[i, i]`` is 0).

    >>> expected_troops(np.array([[[0, 10, 0], [0, 20, 0]]]), np.array([[0, .5], [1, 0]]))
    array([[20., 30.]])
    """
    troops = pledge[:, :, TROOPS]
    return troops + troops @ trust.T


def market_opens(p: dict[str, Any], pledges: Pledges, requirement: np.ndarray,
                 trust: np.ndarray, part: np.ndarray) -> bool:
    """Side-payments are allowed, and some participant expects a mission's troops to fall
    short of its requirement."""
    if not (p["side_payments"] and p["req_troops"] > 0):
        return False
    short = expected_troops(pledges.pledge, trust) < requirement[:, TROOPS, None] - 1e-9
    return bool((short & part).any())


def make_deals(pledges: Pledges, mandates: Mandates, terms: Terms, missions: Missions,
               trust: np.ndarray, capacity: np.ndarray, nations: Sequence[Nation],
               rng: np.random.Generator, until: int, played: Collection[int] = ()) -> Deals:
    """Donors whose value of the gap they expect closed beats the price of a provider with
    spare troops buy troops, within the funds they have not pledged (``capacity``: n x c);
    the deals run until cycle ``until``. The nations people play (``played``) neither buy
    nor sell: their pledges are what the person chose."""
    part = mandates.part
    m, n = part.shape
    pledge = pledges.pledge.copy()
    troops = pledge[:, :, TROOPS]
    expected = expected_troops(pledge, trust)
    required = missions.requirement[:, TROOPS, None]
    gap = np.maximum(required - expected, 0.0) * part
    # Each donor's gain in effectiveness from closing the gap it expects, the other
    # capabilities at their pledged coverage (weight 0 where nothing is required).
    weight = missions.weight
    coverage = np.minimum(np.divide(pledges.total, missions.requirement,
                                    where=weight > 0, out=np.ones_like(pledges.total)), 1.0)
    coverage[:, TROOPS] = 1.0
    others = (coverage ** weight).prod(axis=1, keepdims=True)
    shortfall = np.divide(gap, required, where=required > 0, out=np.zeros_like(gap))
    gain = others * (1.0 - (1.0 - shortfall) ** weight[:, TROOPS, None])
    per_soldier = np.divide(terms.value * missions.quality[:, None] * gain, gap,
                            where=gap > 0, out=np.zeros_like(gap))
    cost = np.maximum(terms.net_cost[:, :, TROOPS], 0.0)
    spare = capacity[:, TROOPS] - troops.sum(axis=0)
    budget = capacity[:, FUNDS] - pledge[:, :, FUNDS].sum(axis=0)
    if played:
        spare[list(played)] = budget[list(played)] = 0.0
    # What each donor i expects a soldier from provider j to cost per soldier delivered,
    # cost[j] / trust[i, j]: infinite from itself (trust[i, i] is 0), from those it does not
    # trust at all, and from non-participants and participants without spare troops.
    reachable = trust[None, :, :] * (part & (spare > 0))[:, None, :]
    price_to = np.divide(cost[:, None, :], reachable, where=reachable > 0,
                         out=np.full((m, n, n), np.inf))
    deal = SideDeal(pledge=pledge, gap=gap, cost=cost, value_per_soldier=per_soldier,
                    price_to=price_to, trust=trust, spare=spare, budget=budget,
                    payment=np.zeros((n, n)))
    for mission in range(m):
        # Donors with a provider cheaper than their value (spare troops and budgets only
        # shrink during the market, so no one else can deal), in random order (as
        # ``AgentSet.shuffle_do``, without building an AgentSet for a few calls): who strikes
        # a deal first changes what is left for the others.
        donors = np.flatnonzero((price_to[mission].min(axis=1) < per_soldier[mission])
                                & (budget > 0))
        gaps = gap[mission]  # changed in place by each deal
        for donor in rng.permutation(donors).tolist():
            if gaps.item(donor) > 1e-9:  # earlier deals may have closed the gap it expected
                nations[donor].offer_side_payment(deal, mission)
    return Deals.of(deal.pledge[:, :, TROOPS] - pledges.pledge[:, :, TROOPS], deal.payment,
                    until, part)
