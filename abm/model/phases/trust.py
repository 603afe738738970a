"""Phase 7, trust: each nation moves its trust in a partner towards the reliability it saw.

Trust T[i, j] in [0, 1] is i's expectation of the share of j's pledge that j delivers.
Observation is private: i sees j's reliability (a mix of delivered/pledged and
contribution/fair share) only if i saw j's contribution this cycle (its own monitoring, a
public report, or j's public opting out); of the partners it did not see, i knows only what
they delivered together (the mission's shortfall), and suspects each of them of that pooled
reliability. So trust in the same partner differs between observers. Trust is lost faster
than it is gained (the asymmetry principle, Slovic 1993). Gossip blends in what the others
report of a partner, each report weighted by i's trust in its reporter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.sparse.csgraph import connected_components

from ..missions import over_missions

_TINY = 1e-300


def reliability(pledged: np.ndarray, delivered: np.ndarray, fair: np.ndarray,
                fairness_weight: float) -> np.ndarray:
    """What a nation's contribution says of its reliability: the share of its pledge it
    delivered, mixed (``fairness_weight``) with the share of its fair share.

    >>> reliability(np.array([10.0, 10.0, 10.0]), np.array([5.0, 5.0, 10.0]),
    ...             np.array([10.0, 20.0, 10.0]), 0.5).tolist()
    [0.5, 0.375, 1.0]
    """
    # (min(d, p) + tiny) / (p + tiny): d / p capped at 1, and 1 when nothing was pledged
    fulfilled = (np.minimum(delivered, pledged) + _TINY) / (pledged + _TINY)
    fair_part = (np.minimum(delivered, fair) + _TINY) / (fair + _TINY)
    return fulfilled + fairness_weight * (fair_part - fulfilled)


def private_targets(reliability: np.ndarray, weight: np.ndarray, sees: np.ndarray,
                    aware: np.ndarray, trust: np.ndarray) -> np.ndarray:
    """What each observer i believes of each partner j's reliability this cycle (n, n):
    j's own if i saw it (``sees``), else the pooled reliability of the partners i did not see
    among those whose missions it follows (``aware``), weighted by ``weight``; where i
    follows nothing of j, its ``trust`` as it was (nothing to move it).

    >>> sees = np.array([[False, True, False], [False, False, False], [True, True, False]])
    >>> private_targets(np.array([0.5, 1.0, 0.0]), np.ones(3), sees, ~np.eye(3, dtype=bool),
    ...                 np.zeros((3, 3)))
    array([[0.  , 1.  , 0.  ],
           [0.25, 0.  , 0.25],
           [0.5 , 1.  , 0.  ]])
    """
    unseen = (aware ^ sees).astype(float)  # (sees lies within aware; cast once for both)
    mass = unseen @ weight
    pooled = np.divide(unseen @ (weight * reliability), mass, out=np.ones_like(mass),
                       where=mass > 0)
    target = np.where(sees, reliability[None, :], pooled[:, None])
    return np.where(aware, target, trust)


def update_trust(trust: np.ndarray, target: np.ndarray, rate: float, asymmetry: float
                 ) -> np.ndarray:
    """Every nation's trust in each partner moved towards what it saw (``target``, equal to
    the trust where nothing was seen); losses are ``asymmetry`` times faster than gains.

    >>> update_trust(np.array([[0.0, 0.5], [0.5, 0.0]]), np.array([[0.0, 0.0],
    ...              [1.0, 0.0]]), 0.5, 2.0).tolist()
    [[0.0, 0.0], [0.75, 0.0]]
    """
    if rate == 0:
        return trust
    delta = target - trust
    updated = trust + np.where(delta > 0, rate, min(1.0, rate * asymmetry)) * delta
    updated.ravel()[::len(updated) + 1] = 0.0  # no trust in oneself (fill_diagonal's cost / 3)
    return updated


def gossip(trust: np.ndarray, weight: float) -> np.ndarray:
    """Each nation's trust blended with what the others report of the same partner, each
    report weighted by its trust in the reporter (its own and the partner's self-reports
    left out).

    >>> gossip(np.array([[0.0, 1.0, 0.0], [0.5, 0.0, 0.5], [1.0, 1.0, 0.0]]), 0.5).tolist()
    [[0.0, 1.0, 0.25], [0.75, 0.0, 0.25], [0.75, 1.0, 0.0]]
    """
    if weight == 0:
        return trust
    heard = trust @ trust  # sum over reporters k of T[i, k] T[k, j] (T[k, k] = 0)
    listened = trust.sum(axis=1, keepdims=True) - trust  # reporters other than j
    reported = np.divide(heard, listened, out=trust.copy(), where=listened > 0)
    blended = trust * (1.0 - weight)
    blended += weight * reported
    blended.ravel()[::len(blended) + 1] = 0.0
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
    linked = trust >= threshold
    linked &= linked.T
    some = k < len(members)
    if some:
        linked &= members  # links to members only
    fewest = int(linked.sum(axis=1).min(initial=k, where=members) if some
                 else linked.sum(axis=1).min())
    if 2 * fewest >= k - 1:
        return 1  # every member linked to half the others: any two share a neighbour
    if some:
        inside = np.flatnonzero(members)
        linked = linked[inside][:, inside]  # (row then column: cheaper than np.ix_)
    if k > 64:
        return int(connected_components(linked, directed=False)[0])
    return int(component_leaders(linked).sum())


def component_leaders(linked: np.ndarray) -> np.ndarray:
    """(..., n) whether each node is the lowest-numbered of its connected component, in one
    or a stack of undirected graphs (``linked``: ..., n x n, symmetric). For small graphs:
    the reachability matrix is squared until it stops growing (a few matrix products).

    >>> component_leaders(np.array([[0, 1, 0], [1, 0, 0], [0, 0, 0]], bool)).tolist()
    [True, False, True]
    """
    n = linked.shape[-1]
    reach = linked.astype(np.float32)
    reach[..., np.arange(n), np.arange(n)] = 1.0
    while True:
        grown = (reach @ reach > 0).astype(np.float32)
        if np.array_equal(grown, reach):
            break
        reach = grown
    return reach.argmax(axis=-1) == np.arange(n)


@dataclass(slots=True)
class TrustUpdate:
    """Trust after the cycle, and what was promised (the reliability others judged)."""

    trust: np.ndarray  # (n, n)
    pledged_value: np.ndarray  # (n,) what each pledged, at its own unit costs


def engaged_view(reliability: np.ndarray, weight: np.ndarray, engagement: np.ndarray
                 ) -> np.ndarray:
    """(n, n) what i sees of j's reliability where i is itself engaged: j's reliability in
    each mission (``reliability`` and its ``weight``, m x n), each mission weighted by the
    share of i's own contribution that went there (``engagement``, m x n, columns summing to
    1 or 0). A nation that gives more to the missions of its own region is seen so by its
    neighbours deployed there, and as it is elsewhere by the rest.

    >>> engaged_view(np.array([[1.0, 0.5], [0.0, 0.2]]), np.ones((2, 2)),
    ...              np.array([[1.0, 0.5], [0.0, 0.5]])).round(2).tolist()
    [[1.0, 0.5], [0.5, 0.35]]
    """
    mass = engagement.T @ weight
    return np.divide(engagement.T @ (weight * reliability), mass,
                     out=np.ones_like(mass), where=mass > 0)


def update(trust: np.ndarray, pledge: np.ndarray, unit_cost: np.ndarray,
           delivered_value: np.ndarray, fair_value: np.ndarray, part: np.ndarray,
           sees: np.ndarray, aware: np.ndarray, p: dict[str, Any]) -> TrustUpdate:
    """Phase 7: each nation moves its trust in the partners whose missions it follows
    (``aware``) towards what it saw of them (``sees``): their conduct in the missions where
    it is itself deployed (``engaged_view``), or overall if it delivered nothing; then
    gossip blends in the reports of those it trusts. ``delivered_value`` and ``fair_value``
    are (m, n)."""
    pledged = np.vecdot(pledge, unit_cost)  # (m, n)
    pledged_value = over_missions(pledged)
    fair_total = over_missions(fair_value)
    weight = np.maximum(pledged_value, fair_total)
    overall = reliability(pledged_value, over_missions(delivered_value), fair_total,
                          p["fairness_weight"])
    target = private_targets(overall, weight, sees, aware, trust)
    if len(pledged) > 1:  # several missions: i sees j where i itself is deployed
        per_mission = reliability(pledged, delivered_value, fair_value, p["fairness_weight"])
        given = delivered_value.sum(axis=0)
        engagement = np.divide(delivered_value, given, out=np.zeros_like(delivered_value),
                               where=given > 0)
        engaged = given > 0
        view = engaged_view(per_mission, np.maximum(pledged, fair_value), engagement)
        target = np.where(sees & engaged[:, None], view, target)
    trust = update_trust(trust, target, p["trust_learning"], p["trust_asymmetry"])
    trust = gossip(trust, p["gossip"])
    return TrustUpdate(trust, pledged_value)
