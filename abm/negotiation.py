"""Phase 1, mandate negotiation: the compromise model, the vote and opting out.

Thomson et al. (2006): the outcome of a negotiation sits near the mean of the actors' positions
weighted by capability times salience. A nation too far from the mandate opts out; under
unanimity the mandate must be acceptable to all, so it moves towards the centre of the range
(lowest common denominator) or the mission is vetoed.
"""

from __future__ import annotations

import numpy as np

_STEPS = np.linspace(0.0, 1.0, 11)


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
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Mandate, distance to it, launch decision and participation for every mission.

    pool (m, n) bool: the members a mission is drawn from. Returns mandate (m, d),
    distance (m, n), launched (m,) bool and participating (m, n) bool.
    """
    mandate = compromise(positions, weights * pool)
    if unanimity:
        # Candidates on the segment from the compromise to the centre of the pool's range;
        # the first one every pool member accepts is the mandate.
        inside = pool[..., None]
        empty = ~pool.any(axis=1)[:, None]
        low = np.where(empty, 0.0, np.where(inside, positions, np.inf).min(axis=1))
        high = np.where(empty, 0.0, np.where(inside, positions, -np.inf).max(axis=1))
        centre = np.where(empty, mandate, 0.5 * (low + high))
        candidates = mandate[:, None, :] + _STEPS[None, :, None] * (centre - mandate)[:, None, :]
        far = np.where(pool[:, None, :], _distances(positions, candidates), 0.0).max(axis=2)
        ok = far <= tolerance + 1e-12
        launched = ok.any(axis=1)
        first = ok.argmax(axis=1)
        mandate = candidates[np.arange(len(first)), first]
        distance = _distances(positions, mandate)
        accepts = distance <= tolerance + 1e-12
    else:
        distance = _distances(positions, mandate)
        accepts = distance <= tolerance + 1e-12
        n_pool = pool.sum(axis=1)
        launched = (accepts & pool).sum(axis=1) >= threshold * n_pool - 1e-9
    launched &= pool.any(axis=1)
    participating = pool & accepts & launched[:, None]
    return mandate, distance, launched, participating


def alignment(distance: np.ndarray, disagreement_cost: float) -> np.ndarray:
    """Share of a mission's value a nation keeps, given its distance to the mandate.

    >>> alignment(np.array([0.0, 0.5, 3.0]), 0.5)
    array([1.  , 0.75, 0.  ])
    """
    return np.maximum(1.0 - disagreement_cost * distance, 0.0)
