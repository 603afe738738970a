"""Phase 3, delivery: nations deliver their pledges, or renege on part of them.

The chance of reneging rises as political will falls (domestic shocks, elections), with the
strategy type's unwillingness (what it would not give even if others gave their fair shares),
and as trust in partners falls (why deliver for partners who will not?); it falls with the
deterrent the nation has learned to expect. A nation that reneges delivers the share of its
pledges that its political will sustains.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .negotiation import Mandates


def renege_probability(
    propensity: float,
    unwillingness: np.ndarray,
    will: np.ndarray,
    partner_trust: np.ndarray,
    deterrent: np.ndarray | float,
) -> np.ndarray:
    """Chance per cycle that a nation delivers less than it pledged:
    propensity x unwillingness x (1 - will) x (1 + distrust) / (1 + deterrent).

    Each factor multiplies the temptation; distrust (1 - trust in one's partners) at most
    doubles it, and ``deterrent``, the cost a nation expects if its shortfall is seen (the
    trust it loses, plus sanctions and punishment, times the chance it has learned that a
    shortfall is seen), divides it. Both enter as 1 + x so that with full trust and nothing
    to fear the chance is the first three factors.

    >>> renege_probability(0.5, np.array([0.25, 1.0]), np.array([0.8, 0.8]),
    ...                    np.array([1.0, 0.0]), 0.0)
    array([0.025, 0.2  ])
    """
    if propensity == 0:
        return np.zeros(len(will))
    temptation = propensity * unwillingness * (1.0 - will) * (2.0 - partner_trust)
    return np.minimum(temptation / (1.0 + deterrent), 1.0)


def delivery_share(probability: np.ndarray, will: np.ndarray, draws: np.ndarray) -> np.ndarray:
    """Share of its pledges each nation delivers: all, or its political will if it reneges."""
    return np.where(draws < probability, will, 1.0)


def update_will(
    will: np.ndarray, mean: float, reversion: float, shock: float, rng: np.random.Generator
) -> np.ndarray:
    """Mean-reverting political will with domestic shocks, kept in [0, 1]."""
    noise = rng.standard_normal(will.shape) * shock
    return np.minimum(np.maximum(will + reversion * (mean - will) + noise, 0.0), 1.0)


@dataclass(slots=True)
class Delivery:
    """What each nation delivered, and its trust in its partners that weighed on it."""

    delivered: np.ndarray  # (m, n, c)
    partner_trust: np.ndarray  # (n,) trust in the partners of one's missions


def deliver(pledge: np.ndarray, mandates: Mandates, trust: np.ndarray,
            partner_trust: np.ndarray, unwillingness: np.ndarray, will: np.ndarray,
            propensity: float, deterrent: np.ndarray, draw: np.ndarray) -> Delivery:
    """Phase 3: each participant weighs its trust in the partners of its missions (those out
    of every mission keep last cycle's), then delivers its pledges, or the share its political
    will sustains if it reneges (``draw``: one uniform number per nation)."""
    partner_trust = np.where(
        mandates.participating,
        ((mandates.partner_weight @ trust.T) * mandates.part).sum(axis=0)
        / mandates.missions_joined,
        partner_trust)
    chance = renege_probability(propensity, unwillingness, will, partner_trust, deterrent)
    share = delivery_share(chance, will, draw)
    return Delivery(pledge * share[None, :, None], partner_trust)


def deterrent(detection_belief: np.ndarray, sanction_rate: float,
              penalty_belief: np.ndarray | None, vote: np.ndarray | None = None
              ) -> np.ndarray:
    """What a nation expects to lose per unit it withholds, if the shortfall is seen (a unit
    of reputation, plus the sanction, plus the peer punishment it has learned to expect,
    plus under Article 19 its vote per unit of its fair share: ``vote``), times the chance it
    has learned that a shortfall is seen."""
    cost = 1.0 + sanction_rate
    if penalty_belief is not None:
        cost = cost + np.maximum(penalty_belief, 0.0)
    if vote is not None:
        cost = cost + vote
    return detection_belief * cost
