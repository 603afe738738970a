"""Run-level outcomes: means over the last fifth of a run, and events, from the model frame."""

import numpy as np
import pytest

import abm
from abm.model.reporters import RUN_OUTCOMES, TAIL_OUTCOMES, run_outcomes


def test_run_outcomes_are_tail_means_and_events_of_the_frame():
    model = abm.CoalitionModel.from_preset("trust_collapse", rng=2)
    model.run_for(30)
    frame = model.model_frame()
    outcomes = run_outcomes(model.recorder)
    assert list(outcomes) == list(RUN_OUTCOMES)
    for k in TAIL_OUTCOMES:
        tail = frame[k].iloc[-6:].dropna()
        expected = tail.mean() if len(tail) else None
        assert outcomes[f"{k}_tail_mean"] == (pytest.approx(expected) if expected is not None
                                              else None), k
    assert outcomes["final_members"] == frame["members"].iloc[-1]
    assert outcomes["total_exits"] == frame["exits"].sum()
    collapsed = frame.loc[frame["members"] < model.n / 2, "step"]
    assert outcomes["time_to_collapse"] == (int(collapsed.iloc[0]) if len(collapsed) else None)


def test_outcomes_are_plain_python_values():
    outcomes = run_outcomes(abm.run("alliance", steps=5, seed=1).model.recorder)
    assert all(v is None or type(v) in (int, float) for v in outcomes.values())
    assert not any(isinstance(v, float) and np.isnan(v) for v in outcomes.values())
