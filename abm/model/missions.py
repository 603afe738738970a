"""Missions: what each requires, where it is, how long it has run, and who takes part.

Missions are open to every member (the coalition's missions), or, with ``group_size`` k > 0,
the members are split at random into groups of k, each with a mission of its own whose benefit
only its group receives (the laboratory game). Requirements are a share ``req_*`` of the total
capacity of the nations a mission draws on.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from ..scenarios.kinds import ENABLERS, FUNDS, TROOPS


@dataclass(slots=True)
class Missions:
    """The missions under way (m of them) and their history (``CoalitionModel.step`` records
    each cycle's experience, quality and contributors)."""

    region: np.ndarray  # (m,) the region a mission is in
    age: np.ndarray  # (m,) cycles since it began
    experience: np.ndarray  # (m,) joint experience of its contributors, in [0, 1]
    quality: np.ndarray  # (m,) legitimacy x interoperability seen last cycle (1 at first)
    previous_contributors: np.ndarray  # (m, n) bool
    requirement: np.ndarray  # (m, c)
    required_total: tuple[float, ...]  # (c,) summed over missions
    weight: np.ndarray  # (m, c) Cobb-Douglas weights: 1 / (capabilities required), or 0
    unit_cost: np.ndarray  # (m, n, c) bn USD per unit: 1, a soldier with risk, an enabler
    groups: np.ndarray | None  # (m, n) the laboratory groups; None: open to every member

    def __len__(self) -> int:
        return len(self.region)


def requirement_shares(p: dict[str, Any]) -> np.ndarray:
    """(c,) the share of the capacity a mission draws on that it requires."""
    return np.array([p["req_funds"], p["req_troops"], p["req_enablers"]])


def open_missions(count: int, requirement: np.ndarray, troop_cost: np.ndarray,
                  p: dict[str, Any], rng: np.random.Generator,
                  groups: np.ndarray | None = None) -> Missions:
    """``count`` new missions in random regions, each with its row of ``requirement``."""
    n = len(troop_cost)
    region = rng.integers(0, p["n_regions"], count)
    required = requirement > 0
    risk = np.full(count, p["mission_risk"])
    unit_cost = np.empty((count, n, 3))
    unit_cost[:, :, FUNDS] = 1.0
    unit_cost[:, :, TROOPS] = troop_cost[None, :] * (1.0 + risk[:, None])
    unit_cost[:, :, ENABLERS] = p["enabler_cost"]
    return Missions(
        region=region, age=np.zeros(count, dtype=int), experience=np.zeros(count),
        quality=np.ones(count), previous_contributors=np.zeros((count, n), dtype=bool),
        requirement=requirement, required_total=tuple(requirement.sum(axis=0).tolist()),
        weight=required / np.maximum(required.sum(axis=1, keepdims=True), 1),
        unit_cost=unit_cost, groups=groups)


def coalition_missions(capacity: np.ndarray, troop_cost: np.ndarray, p: dict[str, Any],
                       rng: np.random.Generator) -> Missions:
    """The coalition's ``n_missions`` missions, each requiring a share of everyone's capacity;
    in group mode, none until the first groups form."""
    grouped = p["group_size"] > 0
    count = 0 if grouped else p["n_missions"]
    requirement = np.tile(requirement_shares(p) * capacity.sum(axis=0), (count, 1))
    groups = np.zeros((0, len(troop_cost)), dtype=bool) if grouped else None
    return open_missions(count, requirement, troop_cost, p, rng, groups)


def form_groups(member: np.ndarray, capacity: np.ndarray, troop_cost: np.ndarray,
                p: dict[str, Any], rng: np.random.Generator) -> Missions:
    """Split the members at random into groups of ``group_size``, one new mission each."""
    members = rng.permutation(np.flatnonzero(member))
    k = p["group_size"]
    count = -(-len(members) // k)
    pool = np.zeros((count, len(member)), dtype=bool)
    pool[np.arange(len(members)) // k, members] = True
    requirement = requirement_shares(p) * (pool.astype(float) @ capacity)
    return open_missions(count, requirement, troop_cost, p, rng, groups=pool)


def regroup_due(missions: Missions, step: int, rematch: bool) -> bool:
    """Groups form in the first cycle, again every cycle with ``rematch`` (strangers), and
    whenever none are left."""
    return step == 1 or rematch or len(missions) == 0


def aged(missions: Missions, duration: int, n_regions: int, rng: np.random.Generator
         ) -> tuple[Missions, bool]:
    """The missions one cycle older, and whether any ended: a mission that has run
    ``duration`` cycles (0: open-ended) ends and a new one in a random region replaces it,
    with no experience and no history."""
    if duration == 0:
        return missions, False
    age = missions.age + 1
    ended = age >= duration
    if not ended.any():
        return replace(missions, age=age), False
    fresh = rng.integers(0, n_regions, len(ended))
    age[ended] = 0
    return replace(
        missions, age=age, region=np.where(ended, fresh, missions.region),
        experience=np.where(ended, 0.0, missions.experience),
        quality=np.where(ended, 1.0, missions.quality),
        previous_contributors=missions.previous_contributors & ~ended[:, None]), True


def pools(missions: Missions, member: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Who may take part in each mission (m, n), and who benefits from it (non-excludable:
    every nation, member or not, unless the mission is a laboratory group's)."""
    if missions.groups is not None:
        pool = missions.groups & member[None, :]
        return pool, pool
    pool = np.broadcast_to(member, (len(missions), len(member)))
    return pool, np.ones_like(pool)


def over_missions(x: np.ndarray) -> np.ndarray:
    """Sum over the mission axis; with one mission, a view of it (never mutate the result).

    >>> over_missions(np.array([[1.0, 2.0], [3.0, 4.0]])).tolist()
    [4.0, 6.0]
    """
    return x[0] if len(x) == 1 else x.sum(axis=0)
