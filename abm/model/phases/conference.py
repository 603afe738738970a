"""How a pledge is formed at the conference: the larger of two motives, plus a shock.

- reciprocity: the strategy type's response to the belief about what others give relative to
  their fair shares (conditional cooperators under-match, Fischbacher and Gaechter 2010);
- self-interest: the pledge that closes a capability gap up to where the nation's own marginal
  benefit equals its net marginal cost (Olson and Zeckhauser 1966), net of private benefits
  (joint products, reimbursement) and of the penalty it expects for falling short of its
  fair share (learned, not foreseen);
- and what moves the reciprocal pledge (``Motives``): a strategic premium while partners stay
  the same, and the punishment a nation has learned to expect from its partners.

All arrays are (missions, nations, capabilities) unless noted; one call handles every nation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...scenarios.kinds import CONDITIONAL, HUMP, UNCONDITIONAL

# Nations plan on at least this coverage of each capability: a mission nobody expects to
# staff at all would not be on the table, and a zero would make every Cobb-Douglas margin zero.
_MIN_EXPECTED_COVERAGE = 0.1
# The conference ends when no pledge moves by more than this share of the largest pledge
# (a third round then changes run outcomes by less than 0.01; see docs/ODD.md).
_SETTLED = 0.01


def social_ratio(
    strategy: np.ndarray, belief: np.ndarray, cc_slope: float, hump_peak: float, level: float
) -> np.ndarray:
    """Reciprocal pledge as a ratio of fair share, for each strategy type.

    >>> social_ratio(np.array([0, 1, 2, 2, 3]), np.array([1.0, 1.0, 0.25, 1.0, 0.0]),
    ...              0.745, 0.5, 0.6)
    array([0.745, 0.   , 0.25 , 0.   , 0.6  ])
    """
    return Schedules(strategy, cc_slope, hump_peak, level)(belief)


class Schedules:
    """The four contribution schedules as masks, so a conference round costs a few ufuncs."""

    def __init__(self, strategy: np.ndarray, cc_slope: float, hump_peak: float,
                 level: float) -> None:
        self.slope = cc_slope * (strategy == CONDITIONAL)
        self.hump = (strategy == HUMP).astype(float)
        self.level = level * (strategy == UNCONDITIONAL)
        self.twice_peak = 2.0 * hump_peak
        # Types absent from the population cost nothing (a conference calls this each round).
        self.any_hump = bool(self.hump.any())
        self.any_level = bool(self.level.any())
        # What each type would not give even if the others gave their full fair shares.
        self.unwillingness = 1.0 - np.minimum(self(np.ones(np.shape(strategy))), 1.0)

    def __call__(self, belief: np.ndarray) -> np.ndarray:
        ratio = self.slope * belief
        if self.any_hump:  # hump-shaped: rises with the belief up to the peak, falls after
            ratio += self.hump * np.minimum(belief, np.maximum(self.twice_peak - belief, 0.0))
        if self.any_level:
            ratio += self.level
        return ratio


def gap_closing(
    benefit_slope: np.ndarray,
    net_cost: np.ndarray,
    exponent: np.ndarray,
    requirement: np.ndarray,
    others: np.ndarray,
) -> np.ndarray:
    """Self-interested pledge: close the gap up to the nation's preferred total.

    With Cobb-Douglas effectiveness, a nation's benefit from capability c rises as
    coverage ** w_c; its preferred coverage equates marginal benefit and net marginal cost:
    u* = (benefit_slope / net_cost) ** (1 / (1 - w_c)), capped at 1 (with w_c = 1 the
    choice is all or nothing). A nation whose private benefits exceed its costs
    (net_cost <= 0) offers all it has. ``exponent`` is 1 / (1 - w_c) (huge when w_c = 1).

    >>> float(gap_closing(np.array(1.8), np.array(1.0), np.array(1e12), np.array(10.0),
    ...                   np.array(4.0)))
    6.0
    >>> float(gap_closing(np.array(0.5), np.array(-1.0), np.array(1e12), np.array(10.0),
    ...                   np.array(4.0)))
    inf
    """
    return _GapClosing(net_cost, exponent, requirement)(benefit_slope, others)


class _GapClosing:
    """gap_closing with what stays fixed during a conference computed once."""

    def __init__(self, net_cost: np.ndarray, exponent: np.ndarray, requirement: np.ndarray
                 ) -> None:
        positive = net_cost > 0
        self.inverse_cost = np.divide(1.0, net_cost, out=np.zeros(np.shape(net_cost)),
                                      where=positive)
        # Where private benefits exceed costs (None: nowhere).
        self.unlimited = None if positive.all() else np.where(positive, 0.0, np.inf)
        self.exponent = exponent
        self.requirement = requirement

    def __call__(self, benefit_slope: np.ndarray, others: np.ndarray) -> np.ndarray:
        ratio = np.minimum(benefit_slope * self.inverse_cost, 1.0)
        preferred = ratio ** self.exponent * self.requirement
        if self.unlimited is not None:
            preferred += self.unlimited
        return np.maximum(preferred - others, 0.0)


@dataclass(frozen=True)
class Motives:
    """What moves the reciprocal pledge besides the strategy type's schedule, per (m, n):

    - ``premium``: the strategic contribution that keeps partners cooperating while the same
      partners meet again (ratio of fair share);
    - ``push``: in [-1, 1], the punishment a nation has learned to expect per unit it gives
      less than its partners, over what a unit costs it. Positive, it closes that share of
      the gap to its full fair share (whoever gives less is punished); negative (giving more
      was punished: antisocial punishment), it gives up that share of what it gives.
    """

    premium: np.ndarray | float = 0.0
    push: np.ndarray | None = None

    def __call__(self, ratio: np.ndarray) -> np.ndarray:
        if isinstance(self.premium, np.ndarray) or self.premium:  # (a scalar 0 adds nothing)
            ratio = ratio + self.premium
        if self.push is not None:
            push = self.push
            ratio = ratio + np.maximum(push, 0.0) * np.maximum(1.0 - ratio, 0.0) \
                + np.minimum(push, 0.0) * np.maximum(ratio, 0.0)
        return ratio


class Conference:
    """The pledging conference of one negotiated set of missions.

    What stays fixed while members and missions stay the same (fair shares, costs,
    capacities) is prepared once; each cycle's call takes what moves (values x quality,
    trust, beliefs, expected penalties, shocks, played nations).

    Round 1 rests on each nation's memory of what others delivered; later rounds on the
    pledges on the table, each discounted by the nation's trust in its author (trust is the
    expected share of a pledge that will be delivered). Announced pledges are commitments:
    later rounds may raise them, not withdraw them (as in dynamic contribution games, Marx
    and Matthews 2000), so the conference converges. ``net_cost`` is the net marginal cost
    of a unit (m, n, c); a unit below the fair share costs less by the penalty a nation
    expects for the shortfall (given per call: it is learned).
    """

    def __init__(self, *, fair: np.ndarray, inverse_others_fair: np.ndarray,
                 unit_cost: np.ndarray, capacity: np.ndarray, requirement: np.ndarray,
                 weight: np.ndarray, participating: np.ndarray, net_cost: np.ndarray) -> None:
        self.fair = fair
        self.unit_cost = unit_cost
        self.capacity = capacity
        self.several = fair.shape[0] > 1
        self.others_fair = fair.sum(axis=1, keepdims=True) - fair
        self.inverse_others_fair = inverse_others_fair  # (m, n) 1 / the others' fair value
        self.inverse_req = np.divide(1.0, requirement, out=np.ones_like(requirement),
                                     where=requirement > 0)[:, None, :]
        self.weights = weight[:, None, :]
        self.slope_unit = weight[:, None, :] * self.inverse_req
        self.exponent = 1.0 / np.maximum(1.0 - weight, 1e-12)[:, None, :]
        self.requirement = requirement[:, None, :]
        self.net_cost = net_cost
        self.selfish = _GapClosing(net_cost, self.exponent, self.requirement)
        self.ceiling = capacity[None, :, :] * participating[:, :, None]  # 0 outside a mission

    def __call__(self, *, value: np.ndarray, trust: np.ndarray, memory: np.ndarray,
                 schedules: Schedules, shock: np.ndarray, rounds: int,
                 played: dict[int, np.ndarray], penalty: np.ndarray | None = None,
                 motives: Motives | None = None) -> np.ndarray:
        """Pledges (m, n, c) after up to ``rounds`` rounds; value is V x expected quality,
        ``shock`` each nation's pledge error as a share of its fair share, (n,) or (m, n)
        where it differs by mission, ``penalty`` (m, n) the penalty a nation expects per unit
        of value it falls short of its fair share (None: none)."""
        fair = self.fair
        if fair.size == 0:  # no missions (every member has left the laboratory groups)
            return np.zeros_like(fair)
        below = None
        if penalty is not None and penalty.any():
            below = _GapClosing(self.net_cost - penalty[:, :, None] * self.unit_cost,
                                self.exponent, self.requirement)
        motives = motives or Motives()
        slope_base = value[:, :, None] * self.slope_unit
        shocked = shock[..., None] * fair  # shock: (n,) or (m, n)
        belief = memory[None, :]
        pledge = fair  # replaced at the end of round 1; read only from round 2 on
        for k in range(rounds):
            if k == 0:
                others = belief[:, :, None] * self.others_fair
                planned = others
            else:
                others = trust @ pledge  # (n, n) @ (m, n, c): trust-discounted pledges
                expected = np.vecdot(pledge, self.unit_cost) @ trust.T
                belief = expected * self.inverse_others_fair
                planned = others + pledge
            coverage = np.minimum(np.maximum(planned * self.inverse_req,
                                             _MIN_EXPECTED_COVERAGE), 1.0)
            powered = coverage ** self.weights
            rest = powered.prod(axis=2, keepdims=True) / powered  # E without capability c
            slope = slope_base * rest
            new = self.selfish(slope, others)
            if below is not None:  # up to the fair share when falling short is penalised
                np.maximum(new, np.minimum(fair, below(slope, others)), out=new)
            np.maximum(new, motives(schedules(belief))[:, :, None] * fair, out=new)
            new += shocked
            if k:  # announced pledges are commitments: later rounds may raise, not withdraw
                np.maximum(new, pledge, out=new)
            for nation, offer in played.items():
                new[:, nation, :] = offer
            new = np.minimum(np.maximum(new, 0.0), self.ceiling)
            if self.several:  # missions compete for the same capacity
                total = new.sum(axis=0)
                new *= np.minimum(1.0, np.divide(self.capacity, total, out=np.ones_like(total),
                                                 where=total > 0))[None, :, :]
            if k + 1 == rounds:
                settled = False
            elif k:
                settled = np.abs(new - pledge).max() <= _SETTLED * new.max()
            else:  # in round 1 nothing was on the table: every pledge is new
                settled = not new.any()
            pledge = new
            if settled:
                break
        return pledge
