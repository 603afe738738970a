"""Phase 2, end of the conference: side-payments that close a troop gap.

A nation with a stake in a mission whose troops fall short may pay another participant with
spare troops to deploy them (a bilateral deal). Deals are struck one donor at a time, in random
order (``AgentSet.shuffle_do``), because who strikes a deal first changes what is left for the
others; what each donor does is ``Nation.offer_side_payment``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from random import Random
from typing import TYPE_CHECKING, Any

import numpy as np
from mesa.agent import AgentSet

from ...scenarios.kinds import TROOPS
from ..missions import Missions
from .negotiation import Mandates
from .pledging import Pledges, Terms

if TYPE_CHECKING:
    from ..nation import Nation


@dataclass
class SideDeal:
    """The side-payment market of one conference, as the donors change it in turn."""

    pledge: np.ndarray  # (m, n, c) pledges, with the troops bought so far
    gap: np.ndarray  # (m,) troops still missing
    price: np.ndarray  # (m, n) what a soldier costs its provider, net of private benefits
    value_per_soldier: np.ndarray  # (m, n) a donor's value of closing the gap, per soldier
    providers: np.ndarray  # (m, n) participants, who may be paid to deploy
    paid: np.ndarray  # (n,)
    received: np.ndarray  # (n,)


@dataclass(slots=True)
class SidePayments:
    """The pledges with the troops bought, and the money that changed hands."""

    pledge: np.ndarray  # (m, n, c)
    paid: np.ndarray  # (n,) bn USD each donor paid
    received: np.ndarray  # (n,) bn USD each provider received


def market_opens(p: dict[str, Any], pledges: Pledges, requirement: np.ndarray) -> bool:
    """Side-payments are allowed, and some mission's troops fall short of its requirement."""
    return bool(p["side_payments"] and p["req_troops"] > 0
                and (pledges.total[:, TROOPS] < requirement[:, TROOPS] - 1e-9).any())


def make_deals(pledges: Pledges, mandates: Mandates, terms: Terms, missions: Missions,
           nations: Sequence[Nation], random: Random) -> SidePayments:
    """Donors whose value of a closed gap beats the cheapest provider's price buy troops."""
    gap, gain = troop_gap_value(pledges.total, missions.requirement, missions.weight)
    value = terms.value
    per_soldier = np.divide(value * (missions.quality * gain)[:, None], gap[:, None],
                            out=np.zeros_like(value), where=gap[:, None] > 0)
    price = terms.net_cost[:, :, TROOPS]
    part = mandates.part
    n = part.shape[1]
    deal = SideDeal(pledge=pledges.pledge.copy(), gap=gap.copy(), price=price,
                    value_per_soldier=per_soldier, providers=part, paid=np.zeros(n),
                    received=np.zeros(n))
    for mission in np.flatnonzero(gap > 1e-9):
        cheapest = np.where(part[mission], price[mission], np.inf).min()
        donors = np.flatnonzero(part[mission] & (per_soldier[mission] > cheapest))
        if len(donors):
            AgentSet([nations[i] for i in donors], random=random).shuffle_do(
                "offer_side_payment", deal, mission)
    return SidePayments(deal.pledge, deal.paid, deal.received)


def troop_gap_value(
    total: np.ndarray, requirement: np.ndarray, weight: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Troop gap per mission and the rise in effectiveness from closing it, given the totals
    pledged per mission and capability.

    >>> gap, gain = troop_gap_value(np.array([[4.0, 5.0, 0.0]]), np.array([[4.0, 10.0, 0.0]]),
    ...                             np.array([[0.5, 0.5, 0.0]]))
    >>> gap.tolist(), gain.round(4).tolist()
    ([5.0], [0.2929])
    """
    gap = np.maximum(requirement[:, TROOPS] - total[:, TROOPS], 0.0)
    coverage = np.minimum(1.0, np.divide(total, requirement, out=np.ones_like(total),
                                         where=requirement > 0))
    full = coverage.copy()
    full[:, TROOPS] = 1.0
    gain = (full ** weight).prod(axis=1) - (coverage ** weight).prod(axis=1)
    return gap, gain
