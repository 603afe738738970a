"""Phase 3, delivery: nations deliver their pledges, or renege on part of them.

The chance of reneging rises as political will falls (domestic shocks, elections), with the
strategy type's opportunism, and as trust in partners falls (why deliver for partners who
will not?); it falls as shortfalls become likelier to be seen and punished. A nation that
reneges delivers the share of its pledges that its political will sustains.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .negotiation import Mandates

# How opportunistic each strategy type is about delivery, relative to conditional cooperators
# (conditional, free rider, hump-shaped, unconditional).
TYPE_FACTOR = np.array([1.0, 2.0, 1.5, 0.25])


def renege_probability(
    propensity: float,
    strategy: np.ndarray,
    will: np.ndarray,
    partner_trust: np.ndarray,
    deterrence: float,
) -> np.ndarray:
    """Chance per cycle that a nation delivers less than it pledged.

    ``deterrence`` = monitoring x (1 + expected penalty rate): shortfalls that will be seen
    and punished are less tempting.

    >>> renege_probability(0.5, np.array([0, 1]), np.array([0.8, 0.8]), np.array([1.0, 0.0]), 0.5)
    array([0.05, 0.2 ])
    """
    if propensity == 0:
        return np.zeros(len(will))
    scale = propensity / (1.0 + 2.0 * deterrence)
    return np.minimum(scale * TYPE_FACTOR[strategy] * (1.0 - will) * (2.0 - partner_trust), 1.0)


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
            partner_trust: np.ndarray, strategy: np.ndarray, will: np.ndarray,
            propensity: float, deterrence: float, draw: np.ndarray) -> Delivery:
    """Phase 3: each participant weighs its trust in the partners of its missions (those out
    of every mission keep last cycle's), then delivers its pledges, or the share its political
    will sustains if it reneges (``draw``: one uniform number per nation)."""
    partner_trust = np.where(
        mandates.participating,
        ((mandates.partner_weight @ trust.T) * mandates.part).sum(axis=0)
        / mandates.missions_joined,
        partner_trust)
    chance = renege_probability(propensity, strategy, will, partner_trust, deterrence)
    share = delivery_share(chance, will, draw)
    return Delivery(pledge * share[None, :, None], partner_trust)
