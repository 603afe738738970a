"""The recorder: tidy frames derived from the raw arrays agree with the cycle's statistics."""

import gc

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import abm
from abm.model.metrics import spearman
from abm.model.recording import MODEL_COLUMNS, NATION_COLUMNS
from abm.model.reporters import Cycle, TrustSnapshot, trust_columns, trust_statistics


def test_frames_have_the_promised_columns_and_rows():
    model = abm.CoalitionModel(rng=1, n_nations=7)
    model.run_for(4)
    frame, nations = model.model_frame(), model.nation_frame()
    assert list(frame.columns) == ["step", *MODEL_COLUMNS] and len(frame) == 4
    assert list(nations.columns)[5:] == list(NATION_COLUMNS) and len(nations) == 28
    assert frame["members"].dtype.kind == "i" and nations["strategy"].dtype == "category"


def test_model_frame_columns_match_the_step_metrics():
    result = abm.run(steps=2, seed=3)
    last = result.model_frame.iloc[-1]
    for column, value in result.model.metrics.items():
        assert last[column] == value or (value != value and last[column] != last[column]), column
    nations = result.nation_frame.query("step == 2")
    assert last["pledged_troops"] == pytest.approx(nations["pledge_troops"].sum())
    members = nations[nations["member"]]
    assert last["free_riding_rate"] == pytest.approx(
        (members["contribution_ratio"] < 0.5).sum() / members["fair_share"].gt(0).sum())
    assert last["exploitation_rho"] == pytest.approx(
        spearman(members["gdp"].to_numpy(), members["burden"].to_numpy()))
    assert nations["burden"].tolist() == pytest.approx(
        (nations["contribution"] / nations["gdp"]).tolist())


def test_lab_reports_contribution_in_percent_of_endowment():
    nations = abm.run("public_goods_lab", seed=1).nation_frame
    expected = 100 * nations["delivered_funds"] / 20
    assert nations["contribution_pct"].tolist() == pytest.approx(expected.tolist())


def test_recorded_cycles_are_left_to_reference_counting():
    """What a run keeps of each cycle holds no container the cyclic garbage collector must
    keep tracking, so long sweeps do not make it scan a growing heap."""
    model = abm.CoalitionModel(rng=1, n_missions=2)
    model.run_for(5)
    gc.collect()
    gc.collect()  # (a tuple is untracked once what it holds is)
    assert not any(gc.is_tracked(kept) for kept in model.recorder.cycles)
    assert not any(gc.is_tracked(raw) for raw in model.recorder.raw)


def test_an_empty_recorder_gives_empty_frames():
    model = abm.CoalitionModel(rng=1, n_nations=3)
    assert len(model.model_frame()) == 0 and len(model.nation_frame()) == 0


def reference_statistics(cycle, n):
    """A cycle's statistics as each cycle used to compute its own: Python over its lists."""
    trust = (trust_statistics(*cycle.trust) if len(cycle.trust) == len(TrustSnapshot._fields)
             else cycle.trust)
    missions = len(cycle.launched)
    share = 1.0 / missions if missions else 0.0
    rows = cycle.cover.tolist()
    effective, legitimate = cycle.effectiveness.tolist(), cycle.legitimacy.tolist()
    promised = float(cycle.pledged_value.sum())
    given = sum(cycle.mission_value.tolist())
    live = dict(zip(("required_funds", "required_troops", "required_enablers"),
                    cycle.required_total, strict=True))
    for c, name in enumerate(("coverage_funds", "coverage_troops", "coverage_enablers")):
        live[name] = sum(row[c] for row in rows) * share
    live.update(
        coverage_min=sum(min(row) for row in rows) * share, missions=missions,
        launched=sum(cycle.launched.tolist()), effectiveness=sum(effective) * share,
        legitimacy=sum(legitimate) * share,
        success=sum(e * g >= cycle.success_threshold for e, g in zip(effective, legitimate))
        * share,
        fulfilment=given / promised if promised > 0 else 1.0,
        mean_trust=trust[0], trust_sd=trust[1], trust_blocs=trust[2],
        members=cycle.members, exited=n - cycle.members, exits=cycle.exits,
        rejoins=cycle.rejoins, retention=cycle.members / n, opt_outs=cycle.opt_outs,
        side_payments=cycle.side_payments, sanctions=cycle.sanctions)
    return live


def same_bits(a, b):
    return np.float64(a).view(np.int64) == np.float64(b).view(np.int64)


@pytest.mark.parametrize("setting", ["missions come and go", "thresholds change mid-run"])
def test_statistics_made_for_all_cycles_at_once_are_each_cycles_own(setting):
    """The frame's per-cycle statistics, computed for all cycles at once, are bit for bit
    those each cycle would compute on its own, however many missions each cycle has and
    whatever rules a teacher changes on the way."""
    if setting == "missions come and go":  # groups empty as members leave: 0 to 6 missions
        model = abm.CoalitionModel.from_preset("public_goods_lab", rng=2, n_nations=21,
                                               exit_patience=1, exit_payoff=-0.1)
        assert model.metrics == {}
        model.run_for(10)
    else:
        model = abm.CoalitionModel(rng=2, n_missions=3)
        model.run_for(5)
        before = model.metrics
        model.change(success_threshold=0.9, bloc_threshold=0.2)
        assert model.metrics == before  # rules apply from the next cycle
        model.run_for(5)
    frame = model.model_frame()
    cycles = [Cycle._make(kept) for kept in model.recorder.cycles]
    if setting == "missions come and go":
        assert len({len(c.launched) for c in cycles}) > 2 and frame["missions"].min() == 0
    for row, cycle in zip(frame.itertuples(index=False), cycles, strict=True):
        for column, value in reference_statistics(cycle, model.n).items():
            assert same_bits(getattr(row, column), value), (row.step, column)
    last = reference_statistics(cycles[-1], model.n)
    assert model.metrics.keys() == last.keys()
    assert all(same_bits(model.metrics[k], v) for k, v in last.items())


@given(st.integers(2, 64), st.floats(0.0, 1.0), st.integers(0, 2**32 - 1))
def test_trust_statistics_of_all_cycles_at_once_are_each_cycles_own(n, threshold, seed):
    """Mean, sd and blocs of trust computed for all cycles together are bit for bit what
    each cycle computes alone, whoever is a member and however trust splits into blocs."""
    rng = np.random.default_rng(seed)
    records = []
    for _ in range(12):
        blocs = rng.integers(0, rng.integers(1, 4), n)  # nations in up to three groups
        trust = np.where(blocs[:, None] == blocs[None, :], rng.uniform(0.3, 1.0, (n, n)),
                         rng.uniform(0.0, 0.6, (n, n)))
        np.fill_diagonal(trust, 0.0)
        member = rng.random(n) < rng.choice([1.0, 0.7, 0.2])
        records.append(TrustSnapshot(trust, trust.sum(axis=1), member, int(member.sum()),
                                     threshold))
    together = trust_columns(records)
    alone = np.array([trust_statistics(*r) for r in records])
    np.testing.assert_array_equal(together, alone)  # (NaN where under two members)
    assert (together.view(np.int64) == alone.view(np.int64)).all()
