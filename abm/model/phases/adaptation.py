"""Phase 8, adaptation and cohesion: beliefs, strategy learning, withdrawal and rejoining.

Beliefs move towards what partners were seen to deliver relative to their fair shares
(adaptive expectations, as the elicited beliefs of Fischbacher and Gaechter 2010 do).
Strategy learning is payoff-biased imitation with the Fermi rule. A member withdraws after
``patience`` cycles in a row of low trust in the coalition or low running payoff; if rejoining
is allowed, a non-member returns after as many cycles of restored trust.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..state import CoalitionState, World
from .negotiation import Mandates
from .pledging import Terms


def observed_partner_ratio(
    contribution: np.ndarray, inverse_others_fair: np.ndarray, seen: np.ndarray,
    inverse_count: np.ndarray,
) -> np.ndarray:
    """What the others in each nation's missions delivered relative to their fair shares.

    contribution (m, n); inverse_others_fair (m, n): 1 / the fair-share value of everyone else
    in the mission (0 if none); seen (m, n): the nation belongs to the mission's pool and the
    mission launched; inverse_count (n,): 1 / how many such missions (0 if none). Returns the
    ratio averaged over those missions.

    >>> observed_partner_ratio(np.array([[2.0, 1.0, 0.0]]), np.array([[0.25, 0.25, 0.25]]),
    ...                        np.array([[True, True, True]]), np.array([1.0, 1.0, 1.0]))
    array([0.25, 0.5 , 0.75])
    """
    others_value = contribution.sum(axis=1, keepdims=True) - contribution
    return (others_value * inverse_others_fair * seen).sum(axis=0) * inverse_count


def update_beliefs(belief: np.ndarray, observation: np.ndarray, seen: np.ndarray,
                   rate: float) -> np.ndarray:
    """Adaptive expectations: belief += rate x (observation - belief) where something was seen.

    >>> update_beliefs(np.array([0.5, 0.5]), np.array([0.3, 0.9]), np.array([True, False]), 0.5)
    array([0.4, 0.5])
    """
    return np.where(seen, belief + rate * (observation - belief), belief)


def imitate(
    strategy: np.ndarray, score: np.ndarray, candidates: np.ndarray, rate: float,
    rng: np.random.Generator,
) -> np.ndarray:
    """Payoff-biased imitation: a revising nation copies a random candidate's strategy with
    probability 1 / (1 + exp(-(score_model - score_own) / spread)) (the Fermi rule)."""
    pool = np.flatnonzero(candidates)
    if rate == 0 or len(pool) < 2:
        return strategy
    n = len(strategy)
    revise = (rng.random(n) < rate) & candidates
    model = pool[rng.integers(0, len(pool), n)]
    spread = max(float(score[pool].std()), 1e-12)
    adopt = rng.random(n) < 1.0 / (1.0 + np.exp(-np.clip((score[model] - score) / spread,
                                                         -50, 50)))
    return np.where(revise & adopt, strategy[model], strategy)


def cohesion(
    member: np.ndarray, coalition_trust: np.ndarray, running_payoff: np.ndarray,
    discontent: np.ndarray, patience: int, exit_trust: float, exit_payoff: float,
    rejoin: bool,
) -> tuple[np.ndarray, np.ndarray, int, int]:
    """Withdrawals and returns: new membership, streak counters, exits and rejoins this cycle.

    ``discontent`` counts consecutive cycles of low trust or low payoff for members, and of
    restored trust for non-members.
    """
    if patience == 0:
        return member, discontent, 0, 0
    unhappy = (coalition_trust < exit_trust) | (running_payoff < exit_payoff)
    if rejoin:
        grows = np.where(member, unhappy, coalition_trust >= exit_trust)
    else:
        grows = member & unhappy
    streak = np.where(grows, discontent + 1, 0)
    due = streak >= patience
    if not due.any():
        return member, streak, 0, 0  # the same array: membership unchanged
    leave = member & due
    back = ~member & due
    new_member = (member & ~leave) | back
    streak = np.where(due, 0, streak)
    return new_member, streak, int(leave.sum()), int(back.sum())


@dataclass(slots=True)
class Adaptation:
    """Beliefs, memory, strategies and membership after the cycle."""

    belief: np.ndarray
    running_payoff: np.ndarray
    strategy: np.ndarray
    member: np.ndarray
    streak: np.ndarray
    exits: int
    rejoins: int


def adapt(state: CoalitionState, contribution: np.ndarray, payoff: np.ndarray,
          trust: np.ndarray, mandates: Mandates, terms: Terms, world: World,
          p: dict[str, Any], rng: np.random.Generator) -> Adaptation:
    """Phase 8: beliefs follow what the partners of one's missions delivered (``contribution``,
    m x n, side-payments included); the payoff is remembered; strategies may be imitated;
    members withdraw, and others rejoin, on their trust (``trust``, as just updated) in the
    coalition and their remembered payoff."""
    observation = observed_partner_ratio(contribution, terms.inverse_others_fair,
                                         mandates.seen, mandates.inverse_seen)
    belief = update_beliefs(state.belief, observation, mandates.watched, p["belief_update"])
    running_payoff = 0.7 * state.running_payoff + 0.3 * payoff / world.payoff_scale
    strategy = state.strategy
    if p["imitation"] > 0:
        strategy = imitate(strategy, payoff / world.gdp, state.member, p["imitation"], rng)
    member, streak, exits, rejoins = state.member, state.streak, 0, 0
    if p["exit_patience"]:
        coalition_trust = (trust @ member) / np.maximum(state.n_members - member, 1)
        member, streak, exits, rejoins = cohesion(
            member, coalition_trust, running_payoff, streak, p["exit_patience"],
            p["exit_trust"], p["exit_payoff"], p["rejoin"])
    return Adaptation(belief, running_payoff, strategy, member, streak, exits, rejoins)
