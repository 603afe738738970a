"""Same seed, same results, bit for bit: every preset's golden runs, and the scenarios that
exercise the mechanisms no preset reaches (tests/golden/), still come out exactly as recorded
(float bits compared, so even -0.0 against 0.0 counts). A change of behaviour on purpose
regenerates them (tests/golden/regenerate.py) in a commit of its own that says why."""

import numpy as np
import pandas as pd
import pytest

from tests.golden.regenerate import MECHANISMS, SEEDS, frames, golden_runs, read


def same_bits(a: pd.Series, b: pd.Series) -> np.ndarray:
    """Row by row: the same value, to the bit for floats (NaN payloads and the sign of 0)."""
    if a.dtype.kind == "f" and b.dtype.kind == "f":
        return a.to_numpy().view(np.int64) == b.to_numpy().view(np.int64)
    return ((a == b) | (a.isna() & b.isna())).to_numpy()


def first_difference(expected: pd.DataFrame, actual: pd.DataFrame) -> str | None:
    """Where two frames first differ, to the bit: a column, and the step and values there."""
    if list(expected.columns) != list(actual.columns) or len(expected) != len(actual):
        return (f"shape or columns differ: {expected.shape} {list(expected.columns)} against "
                f"{actual.shape} {list(actual.columns)}")
    for column in expected.columns:
        a, b = expected[column], actual[column]
        if a.dtype != b.dtype:
            return f"column {column}: dtype {a.dtype} recorded, {b.dtype} now"
        same = same_bits(a, b)
        if not same.all():
            row = int(np.flatnonzero(~same)[0])
            return (f"column {column}, step {expected['step'].iloc[row]} (row {row}): "
                    f"{a.iloc[row]!r} recorded, {b.iloc[row]!r} now")
    return None


@pytest.mark.parametrize(("name", "seed"), golden_runs())
def test_golden_run_is_reproduced_bit_for_bit(name, seed):
    for frame, actual in frames(name, seed).items():
        difference = first_difference(read(name, seed, frame), actual)
        assert difference is None, f"{name} seed {seed}, {frame} frame: {difference}"


@pytest.mark.parametrize("name", MECHANISMS)
def test_each_scenario_exercises_its_mechanism(name):
    """Over its seeds, each scenario's recorded runs show what it is there for."""
    recorded = pd.concat([read(name, seed, "model") for seed in SEEDS])
    for column in MECHANISMS[name]["exercises"]:
        assert recorded[column].sum() > 0, column


def test_a_changed_bit_is_caught_and_located():
    expected = read("alliance", 1, "model")
    changed = expected.copy()
    changed.loc[7, "effectiveness"] = np.nextafter(changed.loc[7, "effectiveness"], 2.0)
    assert first_difference(expected, changed).startswith("column effectiveness, step 8")
    signed = expected.copy()
    signed["exits"] = signed["exits"].astype(float)
    zero = signed.copy()
    zero.loc[0, "exits"] = -0.0
    assert first_difference(signed, zero).startswith("column exits, step 1")
