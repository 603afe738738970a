"""Phase 6, accountability: shortfalls seen with the monitoring probability are punished.

A shortfall is what a participant delivered below the larger of its pledge and its fair share
(a broken promise or an unfair contribution), valued at its own cost. Sanctions are a
penalty per unit of detected shortfall. With peer punishment, reciprocators who did their
part pay to punish detected shortfalls at a damage-to-cost ratio (Fehr and Gaechter 2000).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ...scenarios.kinds import CONDITIONAL, UNCONDITIONAL
from ..missions import over_missions
from .payoffs import Payoffs


def shortfall_value(
    pledge: np.ndarray, delivered: np.ndarray, fair: np.ndarray, unit_cost: np.ndarray,
    participating: np.ndarray,
) -> np.ndarray:
    """Value of each participant's shortfall per mission (m, n)."""
    bar = np.maximum(pledge, fair)
    return np.vecdot(np.maximum(bar - delivered, 0.0), unit_cost) * participating


def peer_punishment(
    shortfall: np.ndarray, detected: np.ndarray, punishers: np.ndarray, ratio: float,
    effort: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Damage received and cost paid by each nation, summed over missions.

    Punishers of a mission together spend ``effort`` per unit of detected shortfall there,
    split equally; each unit spent destroys ``ratio`` units of the target's payoff.

    >>> damage, cost = peer_punishment(np.array([[0.0, 2.0, 0.0]]), np.array([True, True, False]),
    ...                                np.array([[True, False, True]]), 3.0, 0.5)
    >>> damage.tolist(), cost.tolist()
    ([0.0, 3.0, 0.0], [0.5, 0.0, 0.5])
    """
    seen = shortfall * detected[None, :]
    n_punishers = punishers.sum(axis=1)
    active = n_punishers > 0
    damage = (ratio * effort * seen * active[:, None]).sum(axis=0)
    spent = np.divide(effort * seen.sum(axis=1), n_punishers,
                      out=np.zeros(len(n_punishers)), where=active)
    cost = (punishers * spent[:, None]).sum(axis=0)
    return damage, cost


@dataclass(slots=True)
class Accountability:
    """Who was seen, what they lost, and the net payoffs."""

    detected: np.ndarray  # (n,) bool: its shortfall, if any, is seen
    sanction: np.ndarray  # (n,) sanctions and punishment received
    cost: np.ndarray  # (n,) contributions, side-payments and punishment paid
    payoff: np.ndarray  # (n,) benefit - cost - sanction
    total: float  # sanctions and punishment received, summed


def hold_to_account(pledge: np.ndarray, delivered: np.ndarray, delivered_value: np.ndarray,
                    fair: np.ndarray, fair_value: np.ndarray, unit_cost: np.ndarray,
                    part: np.ndarray, strategy: np.ndarray, payoffs: Payoffs,
                    p: dict[str, Any], draw: np.ndarray) -> Accountability:
    """Phase 6: shortfalls are seen with the monitoring probability (``draw``: one uniform
    number per nation); sanctions fall on those seen, and with peer punishment the
    reciprocators who did their part punish them. Settles the payoffs."""
    detected = draw < p["monitoring"]
    cost = payoffs.contribution
    if not (p["sanction_rate"] or p["peer_punishment"]):
        return Accountability(detected, np.zeros(len(draw)), cost, payoffs.benefit - cost, 0.0)
    short = shortfall_value(pledge, delivered, fair, unit_cost, part)
    sanction = p["sanction_rate"] * over_missions(short) * detected
    if p["peer_punishment"]:
        did_part = delivered_value >= 0.5 * fair_value
        reciprocal = (strategy == CONDITIONAL) | (strategy == UNCONDITIONAL)
        damage, punish_cost = peer_punishment(
            short, detected, part & did_part & reciprocal[None, :], p["punishment_ratio"],
            p["punishment_effort"])
        sanction = sanction + damage
        cost = cost + punish_cost
    return Accountability(detected, sanction, cost, payoffs.benefit - cost - sanction,
                          float(sanction.sum()))
