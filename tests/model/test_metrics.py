"""Statistics of the outputs, exactly against references (scipy's Spearman, the
mean-difference Gini)."""

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.stats import rankdata, spearmanr

from abm.model.metrics import (
    gini,
    hhi,
    masked_gini,
    masked_mean,
    masked_ranks,
    masked_spearman,
    spearman,
)

positive = arrays(float, st.integers(3, 30), elements=st.floats(0.01, 1e3))


@given(positive, positive)
def test_spearman_matches_scipy(x, y):
    n = min(len(x), len(y))
    x, y = np.round(x[:n], 1), np.round(y[:n], 1)  # rounding makes ties
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scipy warns on constant input; we return NaN too
        theirs = spearmanr(x, y).statistic
    ours = spearman(x, y)
    assert (np.isnan(ours) and np.isnan(theirs)) or ours == pytest.approx(theirs, abs=1e-12)


@given(st.integers(1, 5), st.integers(1, 12), st.data())
def test_masked_ranks_match_scipy_row_by_row(rows, columns, data):
    x = data.draw(arrays(float, (rows, columns), elements=st.integers(0, 4).map(float)))
    mask = data.draw(arrays(bool, (rows, columns)))  # few values: many ties
    ours = masked_ranks(x, mask)
    for row in range(rows):
        kept = mask[row]
        theirs = rankdata(x[row, kept]) - (kept.sum() + 1) / 2
        assert ours[row, kept].tolist() == theirs.tolist()  # exact: ranks are halves
        assert not ours[row, ~kept].any()


@given(positive)
def test_gini_matches_mean_absolute_difference(x):
    expected = np.abs(x[:, None] - x[None, :]).mean() / (2 * x.mean())
    assert gini(x) == pytest.approx(expected, rel=1e-9, abs=1e-12)


@given(positive)
def test_hhi_is_the_sum_of_squared_shares(x):
    assert hhi(x) == pytest.approx(((x / x.sum()) ** 2).sum(), rel=1e-12)


def test_masked_rows_use_only_their_entries():
    x = np.array([[1.0, 2.0, 3.0, 100.0], [4.0, 4.0, 4.0, 4.0]])
    mask = np.array([[True, True, True, False], [False, False, False, False]])
    assert masked_mean(x, mask, -1.0).tolist() == [2.0, -1.0]
    assert masked_gini(x, mask)[0] == pytest.approx(gini(np.array([1.0, 2.0, 3.0])))
    rho = masked_spearman(x, x[:, ::-1], mask)
    assert rho[0] == pytest.approx(-1.0) and np.isnan(rho[1])
