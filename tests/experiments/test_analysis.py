"""Summaries of sweeps: means with intervals, tables, and sentences the intervals allow."""

import math

import pandas as pd
import pytest

from abm.experiments.analysis import compare, interval, markdown_table, mean_interval, summarise


def test_summaries_use_ok_runs_only():
    runs = pd.DataFrame({"status": ["ok", "ok", "failed", "ok"], "g": [1, 1, 1, 2],
                         "y": [1.0, 3.0, 100.0, 5.0]})
    summary = summarise(runs, ["g"], ["y"])
    assert summary["y_mean"].tolist() == [2.0, 5.0] and summary["y_n"].tolist() == [2, 1]
    assert math.isnan(summary["y_low"].iloc[1])  # one run: no interval


def test_the_interval_is_students_t():
    mean, low, high = mean_interval([1.0, 2.0, 3.0, float("nan")])
    assert mean == 2.0 and high - mean == pytest.approx(4.302653 / math.sqrt(3), rel=1e-6)
    assert low == pytest.approx(2 * mean - high)


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
