"""Same seed, same results, bit for bit: every preset's golden runs (tests/golden/) still come
out exactly as recorded. A change of behaviour on purpose regenerates them
(tests/golden/regenerate.py) in a commit of its own that says why."""

import numpy as np
import pandas as pd
import pytest

from tests.golden.regenerate import frames, golden_runs, read


def first_difference(expected: pd.DataFrame, actual: pd.DataFrame) -> str:
    """Where two frames first differ: a column, and the step and value there."""
    if list(expected.columns) != list(actual.columns) or len(expected) != len(actual):
        return (f"shape or columns differ: {expected.shape} {list(expected.columns)} against "
                f"{actual.shape} {list(actual.columns)}")
    for column in expected.columns:
        a, b = expected[column], actual[column]
        if a.dtype != b.dtype:
            return f"column {column}: dtype {a.dtype} recorded, {b.dtype} now"
        same = (a == b) | (a.isna() & b.isna())
        if not same.all():
            row = int(np.flatnonzero(~same.to_numpy())[0])
            return (f"column {column}, step {expected['step'].iloc[row]} (row {row}): "
                    f"{a.iloc[row]!r} recorded, {b.iloc[row]!r} now")
    return "no difference"


@pytest.mark.parametrize(("preset", "seed"), golden_runs())
def test_golden_run_is_reproduced_bit_for_bit(preset, seed):
    for name, actual in frames(preset, seed).items():
        expected = read(preset, seed, name)
        assert expected.equals(actual), f"{preset} seed {seed}, {name} frame: " + \
            first_difference(expected, actual)


def test_a_changed_value_is_caught_and_located():
    expected = read("alliance", 1, "model")
    changed = expected.copy()
    changed.loc[7, "effectiveness"] = np.nextafter(changed.loc[7, "effectiveness"], 2.0)
    assert not expected.equals(changed)
    assert first_difference(expected, changed).startswith("column effectiveness, step 8")
