"""Statistics of the outputs, row by row over a (steps x nations) array with a mask of the
members (vectorised across steps), and scalar forms for one set of values.

Each is tested exactly against a reference (scipy's Spearman, the mean-difference Gini).
"""

from __future__ import annotations

import numpy as np


def gini(x: np.ndarray) -> float:
    """Gini coefficient of non-negative values (0 if all are zero).

    >>> gini(np.array([1.0, 1.0, 1.0, 1.0]))
    0.0
    >>> gini(np.array([0.0, 0.0, 0.0, 1.0]))
    0.75
    """
    return float(masked_gini(x[None, :], np.ones((1, len(x)), bool))[0])


def spearman(x: np.ndarray, y: np.ndarray) -> float:
    """Spearman rank correlation with average ranks for ties; NaN if fewer than 3 values or
    either variable is constant.

    >>> spearman(np.array([1.0, 2.0, 3.0]), np.array([10.0, 30.0, 20.0]))
    0.5
    """
    return float(masked_spearman(x[None, :], y[None, :], np.ones((1, len(x)), bool))[0])


def hhi(x: np.ndarray) -> float:
    """Herfindahl-Hirschman index of the shares of x (0 if all are zero).

    >>> hhi(np.array([1.0, 1.0, 2.0]))
    0.375
    """
    return float(masked_hhi(x[None, :], np.ones((1, len(x)), bool))[0])


def masked_mean(x: np.ndarray, mask: np.ndarray, empty: float) -> np.ndarray:
    """Row means over the masked entries (``empty`` where a row has none)."""
    count = mask.sum(axis=1)
    return np.divide(np.where(mask, x, 0.0).sum(axis=1), count,
                     out=np.full(len(count), empty, dtype=float), where=count > 0)


def masked_gini(x: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Gini coefficient of each row's masked entries (0 where they sum to 0).

    >>> masked_gini(np.array([[0.0, 0.0, 0.0, 1.0, 9.0]]),
    ...             np.array([[True, True, True, True, False]]))
    array([0.75])
    """
    n = mask.sum(axis=1)
    ordered = np.sort(np.where(mask, x, np.inf), axis=1)  # members first, in order
    ordered[~np.isfinite(ordered)] = 0.0
    total = ordered.sum(axis=1)
    weighted = (np.arange(1, x.shape[1] + 1) * ordered).sum(axis=1)
    safe = (n > 0) & (total > 0)
    return np.where(safe, 2.0 * weighted / np.where(safe, n * total, 1.0)
                    - (n + 1) / np.maximum(n, 1), 0.0)


def masked_hhi(x: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Herfindahl index of each row's masked entries (0 where they sum to 0)."""
    kept = np.where(mask, x, 0.0)
    total = kept.sum(axis=1)
    return np.divide((kept * kept).sum(axis=1), total * total, out=np.zeros(len(total)),
                     where=total > 0)


def masked_ranks(x: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Average ranks (ties share their mean rank) of each row's masked entries, centred on
    their mean; 0 outside the mask. Masked entries must be finite (as GDP and burdens are).

    Sorted once per row; a tie group's rank is the mean of its first and last positions.
    (scipy's ``rankdata(..., nan_policy="omit")`` gives the same ranks at 30 times the cost.)

    >>> masked_ranks(np.array([[5.0, 1.0, 5.0, 7.0, 0.0]]),
    ...              np.array([[True, True, True, True, False]])).tolist()
    [[0.0, -1.5, 0.0, 1.5, 0.0]]
    """
    if x.shape[1] == 0:
        return np.zeros(x.shape)
    values = np.where(mask, x, np.inf)  # the others last: they get ranks, then 0
    order = values.argsort(axis=1)  # (ties get the same mean rank whatever their order)
    rows = np.arange(len(values))[:, None]
    ordered = values[rows, order]
    starts = np.ones(values.shape, dtype=bool)  # a new value starts a tie group
    starts[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    ends = np.ones(values.shape, dtype=bool)
    ends[:, :-1] = starts[:, 1:]
    position = np.arange(1.0, values.shape[1] + 1.0)
    first = np.maximum.accumulate(np.where(starts, position, 0.0), axis=1)
    last = np.minimum.accumulate(np.where(ends, position, np.inf)[:, ::-1], axis=1)[:, ::-1]
    ranks = np.empty(values.shape)
    ranks[rows, order] = (first + last) * 0.5
    count = mask.sum(axis=1, keepdims=True)
    return np.where(mask, ranks - (count + 1) * 0.5, 0.0)


def masked_spearman(x: np.ndarray, y: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Spearman correlation of x and y over each row's masked entries; NaN where fewer than
    3 entries or either is constant."""
    rx, ry = masked_ranks(x, mask), masked_ranks(y, mask)
    sxy = (rx * ry).sum(axis=1)
    denom = np.sqrt((rx * rx).sum(axis=1) * (ry * ry).sum(axis=1))
    valid = (mask.sum(axis=1) >= 3) & (denom > 0)
    return np.divide(sxy, denom, out=np.full(len(sxy), np.nan), where=valid)
