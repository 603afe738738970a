"""ABC-SMC calibration: exact pieces, reproducibility whatever the workers, parameter recovery
(CI's quick form; the full recovery is experiments/calibration.py), and the command."""

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.stats import norm

from abm.cli import main
from abm.experiments.calibration import (
    Generation,
    _Kernel,
    calibrate,
    mad_scales,
    predictive,
    predictive_check,
    recovery,
    weighted_quantiles,
)
from abm.experiments.calibration_report import FILES
from abm.experiments.executors import DaskBackend, process_executor
from abm.experiments.targets import TARGETS

NATO = TARGETS["nato"]


def test_weighted_quantiles_are_exact_for_equal_and_unequal_weights():
    values = np.array([3.0, 1.0, 2.0, 4.0])
    assert weighted_quantiles(values, np.ones(4), [0.5]) == [2.5]
    # All the weight on 4: every quantile is 4.
    assert weighted_quantiles(values, np.array([0, 0, 0, 1.0]), [0.05, 0.95]) == [4.0, 4.0]


def test_mad_scales_are_the_median_absolute_deviation_with_fallbacks():
    stats = np.array([[1.0, 5.0, 2.0], [2.0, 5.0, 2.0], [4.0, 5.0, 2.0], [10.0, 5.0, 3.0]])
    # column 0: median 3, |dev| = 2, 1, 1, 7 -> MAD 1.5; column 1 constant -> 1;
    # column 2: MAD 0 but sd > 0 -> its sd
    assert mad_scales(stats) == pytest.approx([1.5, 1.0, np.std([2, 2, 2, 3.0])])


def test_importance_weights_are_prior_over_the_kernel_mixture():
    last = Generation(0, np.inf, np.array([[0.0], [1.0]]), np.array([0.25, 0.75]),
                      np.zeros(2), np.zeros((2, 1)), np.zeros(2, np.int64), 2, 2)
    kernel = _Kernel(last, np.array([-5.0]), np.array([5.0]))
    sd = np.sqrt(2 * np.cov([0.0, 1.0], aweights=[0.25, 0.75]))
    new = np.array([[0.2], [0.9], [3.0]])
    mixture = 0.25 * norm.pdf(new[:, 0], 0, sd) + 0.75 * norm.pdf(new[:, 0], 1, sd)
    expected = (1 / mixture) / (1 / mixture).sum()
    assert kernel.weights(new) == pytest.approx(expected, rel=1e-6)


def test_a_seed_fixes_the_posterior_whatever_the_workers_backend_or_chunk():
    target = NATO.with_parameters({"budget_inertia": (0.0, 0.99), "private_benefit": (0, 1)})
    serial = calibrate(target, population=12, generations=2, seed=5)
    pool = process_executor(2)
    try:
        parallel = calibrate(target, population=12, generations=2, seed=5, executor=pool,
                             chunk=1)
        draws = predictive(parallel, draws=6, seed=1, executor=pool)
    finally:
        pool.shutdown()
    dask = DaskBackend(workers=2)
    try:
        on_dask = calibrate(target, population=12, generations=2, seed=5,
                            executor=dask.executor, chunk=5)
    finally:
        dask.close()
    for a, b, c in zip(serial.generations, parallel.generations, on_dask.generations):
        assert np.array_equal(a.particles, b.particles)
        assert np.array_equal(a.particles, c.particles)
        assert np.array_equal(a.weights, b.weights) and a.simulations == b.simulations
    pd.testing.assert_frame_equal(draws, predictive(serial, draws=6, seed=1))
    other = calibrate(target, population=12, generations=2, seed=6)
    assert not np.array_equal(other.particles, serial.particles)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(low=st.floats(0.0, 0.5), width=st.floats(0.05, 0.49), seed=st.integers(0, 2**31))
def test_particles_stay_in_the_prior_and_weights_are_a_distribution(low, width, seed):
    target = NATO.with_parameters({"budget_inertia": (low, low + width),
                                   "private_benefit": (0.0, 1.0)})
    posterior = calibrate(target, population=8, generations=2, seed=seed)
    for g in posterior.generations:
        assert np.all(g.particles[:, 0] >= low) and np.all(g.particles[:, 0] <= low + width)
        assert np.all(g.weights > 0) and g.weights.sum() == pytest.approx(1.0)
        if g.index:  # every accepted particle is within the tolerance
            assert np.all(g.distances <= g.tolerance)
    tolerances = posterior.history()["tolerance"].to_numpy()[1:]
    assert np.all(np.diff(tolerances) <= 0)  # a median of accepted distances never rises


def test_a_generation_accepting_too_little_ends_the_calibration():
    strict = calibrate(NATO, population=10, generations=4, seed=1, min_acceptance=0.9)
    assert len(strict.generations) < 5
    loose = calibrate(NATO, population=10, generations=4, seed=1)
    assert len(loose.generations) == 5


def test_parameter_recovery_quick_form():
    """Truth drawn from the prior, data from one run at the truth: the 90 % intervals cover
    the truth for most parameters over several seeds, and are narrower than the prior."""
    table = pd.concat([recovery(TARGETS["fg2010"], seed, population=40, generations=2)
                       for seed in range(4)])
    assert table["covered"].sum() >= 6  # of 8 intervals
    assert table["contraction"].mean() < 0.8


def test_predictive_check_marks_the_data_inside_or_outside_the_interval():
    draws = pd.DataFrame({"draw": np.tile(np.arange(101), 2),
                          "statistic": np.repeat(["a", "b"], 101),
                          "value": np.concatenate([np.arange(101.0), np.arange(101.0)]),
                          "fitted": np.repeat([True, False], 101)})
    check = predictive_check(draws, {"a": 50.0, "b": 99.0}).set_index("statistic")
    assert check.loc["a", "low"] == pytest.approx(5.0) and check.loc["a", "high"] == 95.0
    assert check.loc["a", "inside"] and not check.loc["b", "inside"]


def test_calibrate_writes_a_folder_that_reproduces_and_is_never_clobbered(tmp_path, capsys):
    out = tmp_path / "nato"
    args = ["calibrate", "nato", "--population", "8", "--generations", "1", "--draws", "4",
            "--workers", "1", "--no-progress", "--out", str(out)]
    assert main(args) == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)
    record = json.loads((out / "calibration.json").read_text())
    assert record["seed"] == 0 and record["target"] == "nato" and record["model_version"]
    posterior = pd.read_csv(out / "posterior.csv")
    assert list(posterior.columns[:4]) == ["generation", "weight", "distance", "seed"]
    before = (out / "posterior.csv").read_bytes()
    (out / "notes.txt").write_text("mine")
    assert main(args) == 0  # the same calibration again: the same files
    assert (out / "posterior.csv").read_bytes() == before
    capsys.readouterr()
    assert main([*args, "--seed", "1"]) == 2  # another calibration: refused, before running
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "already holds other results" in err
    assert (out / "posterior.csv").read_bytes() == before
    assert main([*args, "--seed", "1", "--overwrite"]) == 0
    assert (out / "posterior.csv").read_bytes() != before
    assert (out / "notes.txt").read_text() == "mine"


@pytest.mark.parametrize(("args", "message"), [
    (["nowhere"], "target: unknown target 'nowhere', expected one of fg2010, htg2008, nato"),
    (["nato", "--param", "mpcr"], "--param: got 'mpcr', expected name=low:high"),
    (["nato", "--param", "mpcr=a:b"], "--param: got 'mpcr=a:b', expected name=low:high"),
    (["nato", "--param", "happiness=0:1"], "parameters: unknown parameter 'happiness'"),
    (["nato", "--param", "mpcr=0.5:20"], "mpcr: got the prior range [0.5, 20], expected "
                                         "low < high, each a number in [0, 10]"),
    (["nato", "--param", "n_nations=2:9"], "n_nations: got a parameter of type int, "
                                           "expected a real-valued one"),
    (["nato", "--population", "1"], "population: got '1', expected an integer >= 2"),
    (["nato", "--generations", "-1"], "generations: got '-1', expected an integer >= 0"),
])
def test_calibrate_bad_input_is_one_line_exit_2_and_writes_nothing(tmp_path, capsys, args,
                                                                    message):
    out = tmp_path / "out"
    try:
        status = main(["calibrate", *args, "--out", str(out), "--workers", "1"])
    except SystemExit as exc:  # argparse's own checks
        status = exc.code
    err = capsys.readouterr().err
    assert status == 2 and err.count("\n") == 1 and message in err
    assert not out.exists()


def test_the_predictive_figure_draws_a_statistic_the_rules_fix():
    """A statistic every run gives alike (the lab's period-1 belief) has a zero-width
    interval whose mean may round just outside it: drawn, not refused."""
    from abm.experiments.calibration_report import predictive_figure

    check = pd.DataFrame({"statistic": ["belief_p1", "belief_p2"], "fitted": [False, False],
                          "observed": [9.8, 9.0], "mean": [9.8 + 1e-15, 9.1],
                          "low": [9.8, 8.5], "high": [9.8, 9.6], "inside": [True, True]})
    figure = predictive_figure(check, "fg2010")
    assert len(figure.axes) == 1 and "100%" in figure._suptitle.get_text()
