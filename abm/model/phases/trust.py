"""Phase 7, trust: each nation moves its trust in a partner towards the reliability it saw.

Trust T[i, j] in [0, 1] is i's expectation of the share of j's pledge that j delivers. It moves
towards j's observed reliability, a mix of delivered/pledged and contribution/fair share; an
unseen shortfall looks like compliance. Trust is lost faster than it is gained (the asymmetry
principle, Slovic 1993). Gossip mixes in the average trust of one's region in the partner.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.sparse.csgraph import connected_components

from ..missions import over_missions
from ..state import World
from .negotiation import Mandates

_TINY = 1e-300


def observed_reliability(
    pledged: np.ndarray, delivered: np.ndarray, fair: np.ndarray, detected: np.ndarray,
    fairness_weight: float,
) -> np.ndarray:
    """What others see of each nation's reliability this cycle.

    A detected nation is seen as it is. Shortfalls that go unseen cannot be pinned on anyone,
    but the missing troops and money show in the mission: every unseen nation is seen at the
    pooled reliability of all unseen nations (diffuse suspicion), weighted by their pledges.

    >>> observed_reliability(np.array([10.0, 10.0, 10.0]), np.array([5.0, 5.0, 10.0]),
    ...                      np.array([10.0, 10.0, 10.0]), np.array([True, False, False]), 0.5)
    array([0.5 , 0.75, 0.75])
    """
    # (min(d, p) + tiny) / (p + tiny): d / p capped at 1, and 1 when nothing was pledged
    fulfilled = (np.minimum(delivered, pledged) + _TINY) / (pledged + _TINY)
    fair_part = (np.minimum(delivered, fair) + _TINY) / (fair + _TINY)
    reliability = fulfilled + fairness_weight * (fair_part - fulfilled)
    weight = np.where(detected, 0.0, np.maximum(pledged, fair))
    total = float(weight.sum())
    pooled = float(weight @ reliability) / total if total > 0 else 1.0
    return np.where(detected, reliability, pooled)


def update_trust(
    trust: np.ndarray, reliability: np.ndarray, observed: np.ndarray, rate: float,
    asymmetry: float,
) -> np.ndarray:
    """Every nation's trust in each observed partner, moved towards its reliability.

    >>> update_trust(np.array([[0.0, 0.5], [0.5, 0.0]]), np.array([1.0, 0.0]),
    ...              np.array([True, True]), 0.5, 2.0).tolist()
    [[0.0, 0.0], [0.75, 0.0]]
    """
    if rate == 0 or not observed.any():
        return trust
    if observed.all():
        delta = reliability[None, :] - trust
        delta *= np.where(delta < 0, min(1.0, rate * asymmetry), rate)
        updated = trust + delta
        updated.flat[:: len(trust) + 1] = 0.0  # no self-trust
        return updated
    cols = np.flatnonzero(observed)
    block = trust[:, cols]
    delta = reliability[cols][None, :] - block
    step = np.where(delta < 0, min(1.0, rate * asymmetry), rate)
    block += step * delta
    updated = trust.copy()
    updated[:, cols] = block
    np.fill_diagonal(updated, 0.0)
    return updated


def gossip(trust: np.ndarray, region: np.ndarray, region_onehot: np.ndarray, weight: float
           ) -> np.ndarray:
    """Each nation's trust blended with its region's average trust in the same partner."""
    if weight == 0:
        return trust
    counts = region_onehot.sum(axis=0)
    regional = (region_onehot.T @ trust) / np.maximum(counts, 1)[:, None]
    blended = trust * (1.0 - weight)
    blended += weight * regional[region]
    np.fill_diagonal(blended, 0.0)
    return blended


def count_blocs(trust: np.ndarray, members: np.ndarray, threshold: float,
                k: int | None = None) -> int:
    """Connected groups of members linked by mutual trust at or above ``threshold`` (``k``:
    the number of members, if known).

    >>> t = np.array([[0, .9, .1], [.9, 0, .1], [.1, .1, 0]])
    >>> count_blocs(t, np.array([True, True, True]), 0.5)
    2
    """
    k = int(members.sum()) if k is None else k
    if k == 0:
        return 0
    sub = trust if k == len(members) else trust[np.ix_(members, members)]
    linked = sub >= threshold
    linked &= linked.T
    if 2 * int(linked.sum(axis=1).min()) >= k - 1:
        return 1  # every node linked to half the others: any two share a neighbour
    if k > 64:
        return int(connected_components(linked, directed=False)[0])
    # Small graphs: square the reachability matrix until it stops growing (a few matrix
    # products), then count nodes that are the lowest index of their component.
    np.fill_diagonal(linked, True)
    reach = linked.astype(np.float32)
    while True:
        grown = (reach @ reach > 0).astype(np.float32)
        if np.array_equal(grown, reach):
            break
        reach = grown
    return int((reach.argmax(axis=1) == np.arange(k)).sum())


@dataclass(slots=True)
class TrustUpdate:
    """Trust after the cycle, and what was promised (the reliability others judged)."""

    trust: np.ndarray  # (n, n)
    pledged_value: np.ndarray  # (n,) what each pledged, at its own unit costs


def update(trust: np.ndarray, pledge: np.ndarray, unit_cost: np.ndarray,
           own_cost: np.ndarray, fair_total: np.ndarray, detected: np.ndarray,
           mandates: Mandates, world: World, p: dict[str, Any]) -> TrustUpdate:
    """Phase 7: the nations of a launched mission's pool are watched; a shortfall is pinned
    on a nation if detected, and opting out is public; trust moves towards what was seen,
    then gossip blends in the region's view."""
    pledged_value = over_missions(np.vecdot(pledge, unit_cost))
    reliability = observed_reliability(pledged_value, own_cost, fair_total,
                                       detected | mandates.opted_out, p["fairness_weight"])
    trust = update_trust(trust, reliability, mandates.watched, p["trust_learning"],
                         p["trust_asymmetry"])
    trust = gossip(trust, world.region, world.region_onehot, p["gossip"])
    return TrustUpdate(trust, pledged_value)
