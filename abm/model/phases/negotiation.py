"""Phase 1, mandate negotiation: the compromise model, the vote and opting out.

Thomson et al. (2006): the outcome of a negotiation sits near the mean of the actors' positions
weighted by capability times salience. A nation too far from the mandate opts out; under
unanimity the mandate must be acceptable to all, so it moves towards the centre of the range
(lowest common denominator) or the mission is vetoed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..missions import Missions, pools
from ..state import Rules, World

_STEPS = np.linspace(0.0, 1.0, 11)


@dataclass(frozen=True)
class Mandates:
    """The negotiated missions: mandates, who takes part, and who sees what comes of them."""

    position: np.ndarray  # (m, d) the mandate of each mission
    pool: np.ndarray  # (m, n) the members a mission is drawn from
    beneficiaries: np.ndarray  # (m, n) who gains from it (everyone, or its laboratory group)
    salience: np.ndarray  # (m, n) how much each nation cares (more in its own region)
    aligned: np.ndarray  # (m, n) share of a mission's value a nation keeps, given the mandate
    voice: np.ndarray  # (m, n) how far the mandate would move away from a voter without its vote
    launched: np.ndarray  # (m,)
    part: np.ndarray  # (m, n) participating: in the pool, accepts the mandate, launched
    dissent: int  # pool members too far from a mandate: they opt out
    participating: np.ndarray  # (n,) in some mission
    missions_joined: np.ndarray  # (n,) missions taken part in, at least 1
    partner_weight: np.ndarray  # (m, n) 1 / (its partners in the mission) for participants
    seen: np.ndarray  # (m, n) in the pool of a launched mission: sees what comes of it
    inverse_seen: np.ndarray  # (n,) 1 / number of missions seen (0 if none)
    watched: np.ndarray  # (n,) seen by others: in the pool of a launched mission
    opted_out: np.ndarray  # (n,) watched, but rejected every mandate (public)
    pool_size: np.ndarray  # (m,) nations in the pool, at least 1 (a divisor)
    pool_regions: np.ndarray  # (m,) regions among the pool, at least 1 (a divisor)
    all_launched: bool


def negotiate_mandates(world: World, missions: Missions, member: np.ndarray,
                       p: dict[str, Any], rules: Rules,
                       suspended: np.ndarray | None = None) -> Mandates:
    """Phase 1: each mission's mandate, the vote, and who takes part (no random element).
    ``suspended`` nations (arrears seen, Article 19) take part but have no vote."""
    pool, beneficiaries = pools(missions, member)
    in_region = world.region[None, :] == missions.region[:, None]
    salience = world.salience[None, :] * (1.0 + p["regional_salience"] * in_region)
    voters = pool if suspended is None or not suspended.any() else pool & ~suspended[None, :]
    full_weight = world.gdp[None, :] * salience * pool  # every member's, with its vote
    weight = full_weight if voters is pool else full_weight * voters
    position, distance, launched, part = negotiate(
        world.position, weight, pool, p["tolerance"], rules.unanimity, p["qmv_threshold"],
        voters)
    dissent = int((pool & (distance > p["tolerance"] + 1e-12)).sum())
    if p["burden_rule"] == "assessed":
        # An assessment binds every member of the pool, whether it accepts the mandate or
        # not (UN Charter, Article 17(2)): a dissenter cannot opt out; it takes part on the
        # value the mandate leaves it, and may fall into arrears.
        part = pool & launched[:, None]
    # The compromise is a weighted mean: without its vote a nation's weight w leaves it, and
    # the mandate moves away from it by w / (W - w) of its distance (in any dimension); a
    # suspended nation's vote would bring it closer by w / (W + w).
    total = weight.sum(axis=1, keepdims=True)
    others = total - weight if voters is pool else np.where(voters, total - weight,
                                                             total + full_weight)
    voice = distance * np.divide(full_weight, others, out=np.zeros_like(weight),
                                 where=others > 0)
    n_part = part.sum(axis=1)
    seen = pool & launched[:, None]
    watched = seen.any(axis=0)
    participating = part.any(axis=0)
    return Mandates(
        position=position, pool=pool, beneficiaries=beneficiaries, salience=salience,
        aligned=alignment(distance, rules.disagreement), voice=voice, launched=launched,
        part=part,
        dissent=dissent,
        participating=participating, missions_joined=np.maximum(part.sum(axis=0), 1),
        partner_weight=part / np.maximum(n_part - 1, 1)[:, None], seen=seen,
        inverse_seen=inverse(seen.sum(axis=0)), watched=watched,
        opted_out=watched & ~participating, pool_size=np.maximum(pool.sum(axis=1), 1),
        pool_regions=np.maximum(((pool @ world.region_onehot) > 0).sum(axis=1), 1),
        all_launched=bool(launched.all()))


def inverse(x: np.ndarray) -> np.ndarray:
    """1 / x where x > 0, else 0.

    >>> inverse(np.array([2.0, 0.0])).tolist()
    [0.5, 0.0]
    """
    x = np.asarray(x, dtype=float)
    return np.divide(1.0, x, out=np.zeros_like(x), where=x > 0)


def compromise(positions: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted mean position per mission.

    positions (n, d); weights (m, n), zero outside a mission's pool -> (m, d).

    >>> compromise(np.array([[0.0], [1.0]]), np.array([[3.0, 1.0]]))
    array([[0.25]])
    """
    total = weights.sum(axis=1, keepdims=True)
    return (weights @ positions) / np.where(total > 0, total, 1.0)


def _distances(positions: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Euclidean distances from each point (..., d) to each nation -> (..., n)."""
    diff = points[..., None, :] - positions
    if positions.shape[1] == 1:
        return np.abs(diff[..., 0])
    return np.sqrt((diff * diff).sum(axis=-1))


def negotiate(
    positions: np.ndarray,
    weights: np.ndarray,
    pool: np.ndarray,
    tolerance: float,
    unanimity: bool,
    threshold: float,
    voters: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Mandate, distance to it, launch decision and participation for every mission.

    pool (m, n) bool: the members a mission is drawn from; ``voters`` (m, n): those of them
    with a vote (default: all). Returns mandate (m, d), distance (m, n), launched (m,) bool
    and participating (m, n) bool.
    """
    voters = pool if voters is None else voters
    mandate = compromise(positions, weights * voters)
    if unanimity:
        # Candidates on the segment from the compromise to the centre of the pool's range;
        # the first one every voter accepts is the mandate.
        inside = pool[..., None]
        empty = ~pool.any(axis=1)[:, None]
        low = np.where(empty, 0.0, np.where(inside, positions, np.inf).min(axis=1))
        high = np.where(empty, 0.0, np.where(inside, positions, -np.inf).max(axis=1))
        centre = np.where(empty, mandate, 0.5 * (low + high))
        candidates = mandate[:, None, :] + _STEPS[None, :, None] * (centre - mandate)[:, None, :]
        far = np.where(voters[:, None, :], _distances(positions, candidates), 0.0).max(axis=2)
        ok = far <= tolerance + 1e-12
        launched = ok.any(axis=1)
        first = ok.argmax(axis=1)
        mandate = candidates[np.arange(len(first)), first]
        distance = _distances(positions, mandate)
        accepts = distance <= tolerance + 1e-12
    else:
        distance = _distances(positions, mandate)
        accepts = distance <= tolerance + 1e-12
        n_voters = voters.sum(axis=1)
        launched = (accepts & voters).sum(axis=1) >= threshold * n_voters - 1e-9
    launched &= voters.any(axis=1)
    participating = pool & accepts & launched[:, None]
    return mandate, distance, launched, participating


def alignment(distance: np.ndarray, disagreement_cost: float) -> np.ndarray:
    """Share of a mission's value a nation keeps, given its distance to the mandate.

    >>> alignment(np.array([0.0, 0.5, 3.0]), 0.5)
    array([1.  , 0.75, 0.  ])
    """
    return np.maximum(1.0 - disagreement_cost * distance, 0.0)
