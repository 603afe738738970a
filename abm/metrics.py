"""Closed-form summary statistics used in the outputs (tested exactly)."""

from __future__ import annotations

import numpy as np


def gini(x: np.ndarray) -> float:
    """Gini coefficient of non-negative values (0 if all are zero).

    >>> gini(np.array([1.0, 1.0, 1.0, 1.0]))
    0.0
    >>> gini(np.array([0.0, 0.0, 0.0, 1.0]))
    0.75
    """
    n = len(x)
    total = x.sum()
    if n == 0 or total <= 0:
        return 0.0
    ranked = np.sort(x)
    return float(2.0 * (np.arange(1, n + 1) * ranked).sum() / (n * total) - (n + 1) / n)


def spearman(x: np.ndarray, y: np.ndarray, x_ranks: np.ndarray | None = None) -> float:
    """Spearman rank correlation with average ranks for ties; NaN if fewer than 3 values or
    either variable is constant. ``x_ranks`` may pass x's ranks when they are known.

    >>> spearman(np.array([1.0, 2.0, 3.0]), np.array([10.0, 30.0, 20.0]))
    0.5
    """
    if len(x) < 3:
        return float("nan")
    rx = average_ranks(x) if x_ranks is None else x_ranks.copy()
    ry = average_ranks(y)
    rx -= rx.mean()
    ry -= ry.mean()
    denom = np.sqrt((rx * rx).sum() * (ry * ry).sum())
    return float((rx * ry).sum() / denom) if denom > 0 else float("nan")


def average_ranks(x: np.ndarray) -> np.ndarray:
    """Ranks from 1, ties sharing their average rank (as scipy.stats.rankdata, faster for the
    small arrays of one run).

    >>> average_ranks(np.array([3.0, 1.0, 3.0, 2.0]))
    array([3.5, 1. , 3.5, 2. ])
    """
    order = np.argsort(x, kind="stable")
    ordered = x[order]
    new = np.empty(len(x), dtype=bool)
    new[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    starts = np.flatnonzero(new)
    ends = np.append(starts[1:], len(x))
    ranks = np.empty(len(x))
    ranks[order] = np.repeat((starts + ends + 1) / 2.0, ends - starts)
    return ranks


def hhi(x: np.ndarray) -> float:
    """Herfindahl-Hirschman index of the shares of x (0 if all are zero).

    >>> hhi(np.array([1.0, 1.0, 2.0]))
    0.375
    """
    total = x.sum()
    if total <= 0:
        return 0.0
    share = x / total
    return float((share * share).sum())
