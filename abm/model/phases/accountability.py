"""Phase 6, accountability: sanctions by the organisation, and punishment chosen by peers.

A shortfall is what a participant delivered below the larger of its pledge and its fair share
(a broken promise or an unfair contribution), valued at its own cost. The organisation sees
it with the monitoring probability and sanctions it at ``sanction_rate`` per unit: a central,
public rule. Peer punishment is a choice each nation makes about each partner whose
contribution it saw, paid by the punisher, each unit spent destroying ``punishment_ratio``
units of the target's payoff (Fehr and Gaechter 2000): reciprocators punish partners who gave
less than they did (negative reciprocity); any nation may punish partners who gave more and
return the punishment it received (antisocial punishment and revenge, Herrmann, Thoeni and
Gaechter 2008), with the propensity ``antisocial_punishment``. A reciprocator punishes less
the more counter-punishment it has learned to expect (Nikiforakis 2008): what it spends per
unit of the gap falls with the price of punishing, 1 + ``punishment_ratio`` x the revenge it
expects per unit spent (a demand for punishment that falls with its price, Anderson and
Putterman 2006).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ...scenarios.kinds import CONDITIONAL, FUNDS, UNCONDITIONAL
from ..missions import over_missions
from .negotiation import inverse
from .payoffs import Payoffs


def shortfall_value(
    pledge: np.ndarray, delivered: np.ndarray, fair: np.ndarray, unit_cost: np.ndarray,
    participating: np.ndarray,
) -> np.ndarray:
    """Value of each participant's shortfall per mission (m, n)."""
    bar = np.maximum(pledge, fair)
    return np.vecdot(np.maximum(bar - delivered, 0.0), unit_cost) * participating


def punishment_spent(
    ratio: np.ndarray, fair_value: np.ndarray, reciprocal: np.ndarray, sees: np.ndarray,
    returned: np.ndarray | None, effort: float | np.ndarray, antisocial: float, cap: float,
) -> np.ndarray:
    """What each nation i spends punishing each partner j (n, n).

    ``ratio`` is what each gave relative to its fair share, ``fair_value`` the value of that
    share, ``sees`` (n, n) whether i saw j's contribution, ``returned`` (n, n) what j spent
    on i last cycle (None: nothing). i spends ``effort`` (one for all, or each punisher's)
    per unit of value j gave less than i (if i is a reciprocator) and ``antisocial`` per unit
    j gave more, plus ``antisocial`` times the punishment j sent it; at most ``cap`` x j's
    fair share.

    >>> punishment_spent(np.array([1.0, 0.5, 0.0]), np.full(3, 10.0),
    ...                  np.array([True, True, False]), ~np.eye(3, dtype=bool), None,
    ...                  effort=0.4, antisocial=0.1, cap=0.5).round(2).tolist()
    [[0.0, 2.0, 4.0], [0.5, 0.0, 2.0], [1.0, 0.5, 0.0]]
    """
    lead = ratio[:, None] - ratio[None, :]  # i's contribution ratio minus j's
    gap = (np.maximum(lead, 0.0) * (effort * reciprocal)[:, None]
           + antisocial * np.maximum(-lead, 0.0))
    spend = gap * fair_value[None, :]
    if returned is not None and antisocial:
        spend += antisocial * returned.T
    return np.minimum(spend, cap * fair_value[None, :]) * sees


def carry_arrears(arrears: np.ndarray, delivered: np.ndarray, assessment: np.ndarray,
                  participating: np.ndarray) -> np.ndarray:
    """(n,) assessments not paid, carried forward: last cycle's arrears plus this cycle's
    assessment (``pledging.owed``, summed) minus the money paid, never below zero. Money paid
    beyond the assessment pays off arrears (the UN credits payments to the oldest first).

    >>> carry_arrears(np.array([0.0, 3.0, 1.0]),
    ...               np.array([[[1.0, 0, 0], [5.0, 0, 0], [0.0, 0, 0]]]),
    ...               np.array([2.0, 2.0, 2.0]), np.array([True, True, False])).tolist()
    [1.0, 0.0, 1.0]
    """
    paid = over_missions(delivered[:, :, FUNDS])
    return np.where(participating, np.maximum(arrears + assessment - paid, 0.0), arrears)


def over_the_limit(arrears: np.ndarray, assessment: np.ndarray, limit: float) -> np.ndarray:
    """(n,) members whose arrears reach ``limit`` cycles of their assessment (Article 19:
    arrears that equal or exceed the contributions due for the two preceding full years).
    A nation assessed nothing this cycle (outside every launched mission, or outside the
    coalition) is not suspended: otherwise a group whose voters were all suspended would
    launch nothing, owe nothing, and never get its votes back.

    >>> over_the_limit(np.array([0.0, 3.9, 4.0, 0.5]), np.array([2.0, 2.0, 2.0, 0.0]),
    ...                2.0).tolist()
    [False, False, True, False]
    """
    return (assessment > 0) & (arrears >= limit * assessment)


@dataclass(frozen=True)
class Punishment:
    """Whom a person playing a nation punishes: the partners it sees among ``targets``
    ((n,) bool) and any partner it sees giving less than ``below`` of its fair share, each
    with ``share`` of the most it may spend on one (``punishment_cap`` x the partner's fair
    share). The rule is judged on the cycle's own contributions, as the nations' is."""

    share: float
    targets: np.ndarray
    below: float = 0.0


@dataclass(slots=True)
class Accountability:
    """Who the organisation saw, what each lost and spent, and the net payoffs."""

    detected: np.ndarray  # (n,) bool: the organisation saw its shortfall, if any
    sanction: np.ndarray  # (n,) sanctions and punishment received
    cost: np.ndarray  # (n,) contributions, side-payments and punishment paid
    payoff: np.ndarray  # (n,) benefit - cost - sanction
    total: float  # sanctions and punishment received, summed
    shortfall: np.ndarray  # (n,) value delivered below the larger of pledge and fair share
    punished: np.ndarray  # (n,) peer punishment received (a part of ``sanction``)
    spent: np.ndarray | None  # (n, n) what i spent punishing j (None: no peer punishment)
    ratio: np.ndarray | None = None  # (n,) value delivered / fair share, as punishers judged
    judged: np.ndarray | None = None  # (n, n) i saw j's contribution (peer punishment)


def hold_to_account(pledge: np.ndarray, delivered: np.ndarray, delivered_value: np.ndarray,
                    fair: np.ndarray, fair_total: np.ndarray, unit_cost: np.ndarray,
                    part: np.ndarray, strategy: np.ndarray, payoffs: Payoffs,
                    p: dict[str, Any], detected: np.ndarray, sees: np.ndarray | None,
                    returned: np.ndarray | None, retaliation: np.ndarray | None = None,
                    chosen: dict[int, Punishment] | None = None) -> Accountability:
    """Phase 6: the organisation sanctions the shortfalls it saw (``detected``); with peer
    punishment, each nation punishes the partners whose contributions it saw (``sees``,
    n x n), ``returned`` being last cycle's punishment and ``retaliation`` (n,) the
    counter-punishment each has learned to expect per unit it spends. ``chosen`` holds the
    punishment chosen for the nations people play (``Punishment``). Settles the payoffs."""
    n = len(detected)
    cost = payoffs.contribution
    short = over_missions(shortfall_value(pledge, delivered, fair, unit_cost, part))
    sanction = p["sanction_rate"] * short * detected if p["sanction_rate"] else np.zeros(n)
    punished, spent, ratio = np.zeros(n), None, None
    if p["peer_punishment"] and sees is not None:
        ratio = over_missions(delivered_value) * inverse(fair_total)
        reciprocal = (strategy == CONDITIONAL) | (strategy == UNCONDITIONAL)
        effort = p["punishment_effort"]
        if retaliation is not None and retaliation.any():
            effort = effort / (1.0 + p["punishment_ratio"] * retaliation)
        spent = punishment_spent(ratio, fair_total, reciprocal, sees, returned, effort,
                                 p["antisocial_punishment"], p["punishment_cap"])
        for nation, choice in (chosen or {}).items():  # a person decides for the nations played
            wanted = choice.targets | (ratio < choice.below)
            spent[nation] = choice.share * p["punishment_cap"] * fair_total * wanted * sees[nation]
        punished = p["punishment_ratio"] * spent.sum(axis=0)
        sanction = sanction + punished
        cost = cost + spent.sum(axis=1)
    return Accountability(detected, sanction, cost, payoffs.benefit - cost - sanction,
                          float(sanction.sum()), short, punished, spent, ratio, sees)
