"""Summaries of sweeps: means with intervals, tables, and sentences the intervals allow."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from abm.experiments.analysis import compare, interval, markdown_table, mean_interval, summarise


def test_summaries_use_ok_runs_only():
    runs = pd.DataFrame({"status": ["ok", "ok", "failed", "ok"], "g": [1, 1, 1, 2],
                         "y": [1.0, 3.0, 100.0, 5.0]})
    summary = summarise(runs, ["g"], ["y"])
    assert summary["y_mean"].tolist() == [2.0, 5.0] and summary["y_n"].tolist() == [2, 1]
    assert math.isnan(summary["y_low"].iloc[1])  # one run: no interval


def test_the_interval_is_a_seeded_percentile_bootstrap_of_the_mean():
    values = np.random.default_rng(1).normal(5.0, 2.0, 200)
    mean, low, high = mean_interval(np.append(values, np.nan))  # NaN left out
    assert mean == pytest.approx(values.mean())
    half = 1.96 * values.std(ddof=1) / math.sqrt(len(values))  # the normal approximation
    assert high - low == pytest.approx(2 * half, rel=0.1)
    assert mean_interval(values) == mean_interval(values)  # seeded
    assert np.isnan(mean_interval([1.0])[1]) and np.isnan(mean_interval([])[0])


@given(st.lists(st.floats(0.0, 1.0), min_size=2, max_size=30))
def test_an_interval_never_leaves_the_range_of_its_values(values):
    """A rate's interval stays in [0, 1] (a t interval of 0, 0, 0.1 goes below 0)."""
    mean, low, high = mean_interval(values)
    assert min(values) <= low <= mean + 1e-12 and mean - 1e-12 <= high <= max(values)


def test_a_direction_is_stated_only_when_the_intervals_separate():
    a = pd.Series({"y_mean": 0.2, "y_low": 0.1, "y_high": 0.3})
    b = pd.Series({"y_mean": 0.25, "y_low": 0.2, "y_high": 0.4})
    assert compare(a, b, "y").startswith("does not differ clearly")
    assert compare(b, pd.Series({"y_mean": 0.9, "y_low": 0.8, "y_high": 1.0}), "y").startswith(
        "rises")
    assert interval(pd.Series({"y_mean": float("nan"), "y_low": 0, "y_high": 0}), "y") == (
        "undefined")


def test_markdown_tables_format_numbers():
    table = markdown_table(pd.DataFrame({"a": ["x"], "b": [float("nan")]}))
    assert table.splitlines()[-1] == "| x | n/a |"
