"""Phase 8, adaptation and cohesion: beliefs, strategy learning, withdrawal and rejoining.

Beliefs move towards what partners were seen to deliver relative to their fair shares
(adaptive expectations, as the elicited beliefs of Fischbacher and Gaechter 2010 do). The
same adaptive rule teaches each nation what to expect from accountability: the punishment
per unit given below (and above) its partners' average, from what it received, and the chance
that a shortfall is seen, from its own shortfalls and the organisation's public record.
Strategy learning is payoff-biased imitation with the Fermi rule.

Membership is a choice: a member remembers what membership is worth to it (its payoff as a
member minus what it would get outside: the public benefit stays, its voice on the mandates
goes). After ``patience`` cycles in a row of low trust in its partners or low worth it
leaves, withdrawing its capabilities a step each cycle before (``commitment``); if rejoining
is allowed, a non-member returns after as many cycles of restored trust and worth.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..missions import over_missions
from ..state import CoalitionState, World
from .accountability import Accountability
from .negotiation import Mandates, inverse
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


def learn_punishment(slope: np.ndarray, base: np.ndarray, received: np.ndarray,
                     deviation: np.ndarray, threshold: float, rate: float
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Punishment expected as base + slope x deviation, learned by the delta rule (Widrow and
    Hoff 1960; Rescorla and Wagner 1972): the error between what a nation received and what it
    expected moves the base, and, where its contribution differed from its partners' by more
    than ``threshold`` (the noise of its own pledges), the slope per unit of the difference
    (``deviation``: partners' minus its own). Punishment that falls whatever one gives (the
    base) teaches nothing about what to give.

    >>> slope, base = learn_punishment(np.zeros(3), np.zeros(3), np.array([0.6, 0.0, 0.2]),
    ...                                np.array([0.3, 0.05, -0.2]), 0.1, 0.5)
    >>> slope.tolist(), base.tolist()
    ([1.0, 0.0, -0.5], [0.3, 0.0, 0.1])
    """
    error = received - (base + slope * deviation)
    learns = np.abs(deviation) > threshold
    slope = np.where(learns, slope + rate * np.divide(error, deviation, where=learns,
                                                      out=np.zeros_like(error)), slope)
    return slope, base + rate * error


def learn_retaliation(belief: np.ndarray, spent_before: np.ndarray, spent_now: np.ndarray,
                      ratio: np.ndarray, seen: np.ndarray, rate: float) -> np.ndarray:
    """Adaptive expectation of counter-punishment: a nation that punished others last cycle
    (``spent_before[i, j]``) moves its belief towards what those it punished spent on it this
    cycle, per unit it spent on them, counting only those it saw (``seen``, n x n) give no
    more than it did (``ratio``: value delivered over fair share): punishment from a partner
    that gave more may be deserved, not revenge.

    >>> before = np.array([[0.0, 2.0], [0.0, 0.0]])
    >>> now = np.array([[0.0, 0.0], [1.0, 0.0]])
    >>> saw = np.array([[False, True], [True, False]])
    >>> learn_retaliation(np.zeros(2), before, now, np.array([1.0, 0.5]), saw, 0.5).tolist()
    [0.25, 0.0]
    >>> learn_retaliation(np.zeros(2), before, now, np.array([0.5, 1.0]), saw, 0.5).tolist()
    [0.0, 0.0]
    """
    evidence = (spent_before > 0) & seen & (ratio[:, None] >= ratio[None, :])
    outlay = (spent_before * evidence).sum(axis=1)
    returned = (spent_now.T * evidence).sum(axis=1)  # from those i punished, to i
    learns = outlay > 0
    observed = np.divide(returned, outlay, out=np.zeros_like(outlay), where=learns)
    return np.where(learns, belief + rate * (observed - belief), belief)


def commitment(member: np.ndarray, streak: np.ndarray, patience: int) -> np.ndarray | None:
    """The share of its pledges each nation keeps: a discontented member withdraws its
    capabilities a step each cycle before it leaves (None: nobody withdraws).

    >>> commitment(np.array([True, True, False]), np.array([0, 2, 1]), 4).tolist()
    [1.0, 0.5, 1.0]
    """
    if patience == 0 or not (streak.any() and (streak * member).any()):
        return None
    return np.where(member, 1.0 - streak / patience, 1.0)


def cohesion(
    member: np.ndarray, coalition_trust: np.ndarray, worth: np.ndarray,
    discontent: np.ndarray, patience: int, exit_trust: float, exit_payoff: float,
    rejoin: bool,
) -> tuple[np.ndarray, np.ndarray, int, int]:
    """Withdrawals and returns: new membership, streak counters, exits and rejoins this cycle.

    ``discontent`` counts consecutive cycles of low trust or low worth of membership for
    members, and of restored trust and worth for non-members.
    """
    if patience == 0:
        return member, discontent, 0, 0
    # Low trust drives out only members for whom membership costs more than it brings; a
    # member whose voice and private benefits outweigh its costs stays whatever it expects
    # of its partners.
    unhappy = (worth < exit_payoff) | ((coalition_trust < exit_trust) & (worth < 0.0))
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
    worth: np.ndarray
    strategy: np.ndarray
    member: np.ndarray
    streak: np.ndarray
    exits: int
    rejoins: int
    penalty_belief: np.ndarray
    detection_belief: np.ndarray
    retaliation_belief: np.ndarray
    punishment_base: np.ndarray


def adapt(state: CoalitionState, contribution: np.ndarray, payoff: np.ndarray,
          public: np.ndarray, account: Accountability, trust: np.ndarray, mandates: Mandates,
          terms: Terms, world: World, p: dict[str, Any], rng: np.random.Generator
          ) -> Adaptation:
    """Phase 8: beliefs follow what the partners of one's missions delivered (``contribution``,
    m x n, side-payments included) and what accountability brought (``account``); the worth
    of membership is remembered (``public``: the public benefit, which stays outside);
    strategies may be imitated; members withdraw, and others rejoin, on their trust
    (``trust``, as just updated) in the coalition and the worth they remember."""
    observation = observed_partner_ratio(contribution, terms.inverse_others_fair,
                                         mandates.seen, mandates.inverse_seen)
    watched = mandates.watched
    belief = update_beliefs(state.belief, observation, watched, p["belief_update"])
    rate = p["belief_update"]
    penalty_belief, punishment_base = state.penalty_belief, state.punishment_base
    retaliation_belief = state.retaliation_belief
    if p["peer_punishment"]:
        inverse_fair = inverse(terms.fair_total)
        own = over_missions(contribution) * inverse_fair
        received = account.punished * inverse_fair
        below = np.where(watched, observation - own, 0.0)
        penalty_belief, punishment_base = learn_punishment(
            penalty_belief, punishment_base, received, below, p["noise"], rate)
        if state.spent is not None and account.spent is not None:
            retaliation_belief = learn_retaliation(retaliation_belief, state.spent,
                                                   account.spent, account.ratio,
                                                   account.judged, rate)
    detection_belief = learn_detection(state.detection_belief, account, watched, p, rate)
    voice = over_missions(terms.voice)
    surplus = (payoff - public + voice) / world.payoff_scale
    memory = p["payoff_memory"]
    worth = np.where(state.member, memory * state.worth + (1.0 - memory) * surplus,
                     state.worth)
    strategy = state.strategy
    if p["imitation"] > 0:
        strategy = imitate(strategy, payoff / world.gdp, state.member, p["imitation"], rng)
    member, streak, exits, rejoins = state.member, state.streak, 0, 0
    if p["exit_patience"]:
        coalition_trust = (trust @ member) / np.maximum(state.n_members - member, 1)
        member, streak, exits, rejoins = cohesion(
            member, coalition_trust, worth, streak, p["exit_patience"],
            p["exit_trust"], p["exit_payoff"], p["rejoin"])
    return Adaptation(belief, worth, strategy, member, streak, exits, rejoins,
                      penalty_belief, detection_belief, retaliation_belief, punishment_base)


def learn_detection(belief: np.ndarray, account: Accountability, watched: np.ndarray,
                    p: dict[str, Any], rate: float) -> np.ndarray:
    """The chance that a shortfall is seen, learned from one's own shortfalls (seen or not)
    and, where the organisation makes what it saw public (sanctions, suspensions, reports),
    from the share of all shortfalls it saw."""
    short = account.shortfall > 0
    if not short.any():
        return belief
    if not (p["sanction_rate"] > 0 or p["vote_suspension"] or p["public_reports"]):
        # Nothing is made public: each learns from its own shortfalls alone.
        learns = short & watched
        return np.where(learns, belief + rate * (account.detected - belief), belief)
    seen_share = np.count_nonzero(account.detected & short) / np.count_nonzero(short)
    observed = np.where(short, account.detected, seen_share)
    return np.where(watched, belief + rate * (observed - belief), belief)
