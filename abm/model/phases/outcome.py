"""Phase 4, outcome: coverage, effectiveness and legitimacy of each mission.

Effectiveness is Cobb-Douglas in the coverage of each required capability, so a critical gap
cannot be bought off with surplus elsewhere (zero troops means zero effectiveness), times
interoperability, which falls with many contributors that have not worked together before.
Legitimacy rises with the breadth and regional diversity of the contributors.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..missions import Missions
from ..state import Rules, World
from .negotiation import Mandates

_TINY = 1e-300


def coverage(total: np.ndarray, requirement: np.ndarray) -> np.ndarray:
    """Delivered over required, capped at 1 (1 where nothing is required).

    >>> coverage(np.array([[5.0, 30.0, 0.0]]), np.array([[10.0, 20.0, 0.0]]))
    array([[0.5, 1. , 1. ]])
    """
    return np.minimum(1.0, np.divide(total, requirement, out=np.ones_like(total),
                                     where=requirement > 0))


def cobb_douglas(cover: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Product of coverages raised to their weights (weights of required capabilities sum to 1).

    >>> cobb_douglas(np.array([[0.25, 1.0, 1.0], [0.0, 1.0, 1.0]]),
    ...              np.array([[0.5, 0.5, 0.0], [0.5, 0.5, 0.0]]))
    array([0.5, 0. ])
    """
    return (cover ** weight).prod(axis=1)


def interoperability(value: np.ndarray, total: np.ndarray, cost: float,
                     experience: np.ndarray) -> np.ndarray:
    """1 - cost x (1 - experience) x (1 - 1 / effective number of contributors).

    The effective number of contributors is the inverse Herfindahl index of their shares of
    ``total`` (when nobody contributes, effectiveness is 0 whatever this returns).

    >>> interoperability(np.array([[1.0, 1.0, 0.0, 0.0]]), np.array([2.0]), 0.3, np.array([0.0]))
    array([0.85])
    """
    hhi = np.vecdot(value, value) / (total * total + _TINY)
    return 1.0 - cost * (1.0 - experience) * (1.0 - hhi)


def legitimacy(
    contributors: np.ndarray, pool_size: np.ndarray, pool_regions: np.ndarray,
    region_onehot: np.ndarray, weight: float,
) -> np.ndarray:
    """1 - weight + weight x sqrt(breadth x regional diversity) of the contributors.

    Breadth: contributors over the nations the mission is drawn from (``pool_size``);
    diversity: regions among the contributors over the regions in that pool (``pool_regions``;
    both at least 1).

    >>> legitimacy(np.array([[True, True, False, False]]), np.array([4]), np.array([2]),
    ...            np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.0, 1.0]]), 0.5)
    array([0.75])
    """
    if weight == 0:
        return np.ones(len(contributors))
    breadth = contributors.sum(axis=1) / pool_size
    regions = ((contributors @ region_onehot) > 0).sum(axis=1)
    diversity = regions / pool_regions
    return 1.0 - weight + weight * np.sqrt(breadth * diversity)


def update_experience(
    experience: np.ndarray, value: np.ndarray, total: np.ndarray, previous: np.ndarray,
    rate: float,
) -> np.ndarray:
    """Joint experience moves towards the share of this cycle's effort from last cycle's team.

    >>> update_experience(np.array([0.0]), np.array([[3.0, 1.0]]), np.array([4.0]),
    ...                   np.array([[True, False]]), 0.5)
    array([0.375])
    """
    if rate == 0:
        return experience
    overlap = np.vecdot(value, previous) / (total + _TINY)
    return (1.0 - rate) * experience + rate * overlap


@dataclass(slots=True)
class Outcome:
    """What the missions achieved, and the history they carry into the next cycle."""

    cover: np.ndarray  # (m, c) coverage of each requirement (0 for a vetoed mission)
    effectiveness: np.ndarray  # (m,)
    legitimacy: np.ndarray  # (m,)
    delivered_value: np.ndarray  # (m, n) cost of what each nation delivered to each mission
    mission_value: np.ndarray  # (m,)
    contributors: np.ndarray  # (m, n) bool
    experience: np.ndarray  # (m,) joint experience, after this cycle
    quality: np.ndarray  # (m,) legitimacy x interoperability: what nations expect next cycle


def assess(delivered: np.ndarray, missions: Missions, mandates: Mandates, world: World,
           p: dict[str, Any], rules: Rules, unit_cost: np.ndarray) -> Outcome:
    """Phase 4: coverage, effectiveness and legitimacy of each mission; a vetoed mission
    achieves nothing and leaves its expected quality as it was. ``unit_cost`` (m, n, c) is
    what a unit cost the nation that gave it (``Terms.unit_cost``)."""
    requirement = missions.requirement
    cover = coverage(delivered.sum(axis=1), requirement)
    delivered_value = np.vecdot(delivered, unit_cost)
    contributors = delivered_value > 1e-12
    mission_value = delivered_value.sum(axis=1)
    interop = interoperability(delivered_value, mission_value, rules.interop_cost,
                               missions.experience)
    effectiveness = cobb_douglas(cover, missions.weight) * interop
    legit = legitimacy(contributors, mandates.pool_size, mandates.pool_regions,
                       world.region_onehot, p["legitimacy_weight"])
    launched = mandates.launched
    if not mandates.all_launched:
        cover = cover * launched[:, None]
        effectiveness = effectiveness * launched
        legit = legit * launched
    experience = update_experience(missions.experience, delivered_value, mission_value,
                                   missions.previous_contributors, p["experience_rate"])
    quality = (legit * interop if mandates.all_launched
               else np.where(launched, legit * interop, missions.quality))
    return Outcome(cover, effectiveness, legit, delivered_value, mission_value, contributors,
                   experience, quality)
