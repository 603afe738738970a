"""Calibration with uncertainty: approximate Bayesian computation by sequential Monte Carlo
(ABC-SMC; Toni et al. 2009, Beaumont et al. 2009), with the adaptive tolerance of Del Moral,
Doucet and Jasra (2012).

A posterior over a target's freed parameters (abm/experiments/targets.py) given its fitted
statistics: generation 0 draws the uniform prior and measures how each statistic varies (its
median absolute deviation scales the distance); each later generation perturbs particles of
the last one (a Gaussian kernel, twice their weighted covariance), simulates them, and keeps
those within a tolerance, the median distance of the last generation's particles.

Why not pyabc: measured with pyabc 0.13, its parallel samplers reseed every task from the
operating system, so two runs with the same seed on 2 workers give different posteriors. Here
a proposal's draws come from a child of the seed keyed by (generation, index), proposals are
simulated in batches of a fixed size through any ``concurrent.futures`` executor, and accepted
in index order: the seed fixes the posterior bit for bit, whatever the workers or the backend.

>>> from abm.experiments.targets import TARGETS
>>> target = TARGETS["nato"].with_parameters({"budget_inertia": (0.5, 0.99)})
>>> posterior = calibrate(target, population=8, generations=1, seed=3)
>>> posterior.particles.shape, round(float(posterior.weights.sum()), 6)
((8, 1), 1.0)
"""

from __future__ import annotations

import concurrent.futures as cf
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.special import logsumexp

from abm.experiments.designs import SEED_MASK  # (seeds R and spreadsheets keep exactly)
from abm.experiments.executors import SerialExecutor
from abm.experiments.targets import Target, simulate, simulate_many
from abm.scenarios.parameters import ParameterError
from abm.version import __version__


@dataclass
class Generation:
    """One population: particles (rows) with weights, distances and statistics."""

    index: int
    tolerance: float  # inf for generation 0 (the prior)
    particles: np.ndarray
    weights: np.ndarray
    distances: np.ndarray
    statistics: np.ndarray
    seeds: np.ndarray  # each particle's simulation seed
    simulations: int  # runs this generation made (the cost)
    proposals: int  # of them, those examined (in index order) until the population was full

    @property
    def acceptance(self) -> float:
        return len(self.particles) / self.proposals

    @property
    def effective_size(self) -> float:
        return float(1.0 / np.sum(self.weights ** 2))


@dataclass
class Posterior:
    """The generations of one calibration; the last is the posterior."""

    target: Target
    settings: dict  # population, generations asked for, seed, min_acceptance
    scales: np.ndarray  # of the fitted statistics
    generations: list[Generation] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return list(self.target.parameters)

    @property
    def particles(self) -> np.ndarray:
        return self.generations[-1].particles

    @property
    def weights(self) -> np.ndarray:
        return self.generations[-1].weights

    @property
    def simulations(self) -> int:
        return sum(g.simulations for g in self.generations)

    def summary(self, level: float = 0.9) -> pd.DataFrame:
        """Per parameter: prior range, posterior mean, median and central credible interval."""
        tail = (1 - level) / 2
        rows = []
        for j, name in enumerate(self.names):
            low, high = self.target.parameters[name]
            q = weighted_quantiles(self.particles[:, j], self.weights, [tail, 0.5, 1 - tail])
            rows.append({"parameter": name, "prior_low": low, "prior_high": high,
                         "mean": float(self.weights @ self.particles[:, j]), "median": q[1],
                         "low": q[0], "high": q[2],
                         "contraction": (q[2] - q[0]) / (high - low)})
        return pd.DataFrame(rows)

    def history(self) -> pd.DataFrame:
        """Per generation: tolerance, simulations, acceptance rate, effective sample size."""
        return pd.DataFrame([{"generation": g.index, "tolerance": g.tolerance,
                              "simulations": g.simulations, "proposals": g.proposals,
                              "acceptance": g.acceptance,
                              "effective_size": g.effective_size,
                              "median_distance": float(np.median(g.distances))}
                             for g in self.generations])

    def frame(self) -> pd.DataFrame:
        """Every generation's particles, tidy: generation, weight, distance, seed, parameters,
        then the fitted statistics."""
        frames = []
        fitted = list(self.target.fitted)
        for g in self.generations:
            frame = pd.DataFrame(g.particles, columns=self.names)
            frame.insert(0, "generation", g.index)
            frame.insert(1, "weight", g.weights)
            frame.insert(2, "distance", g.distances)
            frame.insert(3, "seed", g.seeds)
            stats = pd.DataFrame(g.statistics[:, :len(fitted)], columns=fitted)
            frames.append(pd.concat([frame, stats], axis=1))
        return pd.concat(frames, ignore_index=True)

    def draw(self, n: int, seed: int) -> np.ndarray:
        """``n`` parameter vectors resampled from the posterior by weight."""
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(1 << 20,)))
        return self.particles[rng.choice(len(self.particles), size=n, p=self.weights)]

    def describe(self) -> dict:
        """What a result carries: its identity, and what the run made (generations completed,
        simulations, the distance's scales)."""
        return {**identity(self.target, **self.settings),
                "generations_completed": len(self.generations) - 1,
                "simulations": self.simulations,
                "scales": dict(zip(self.target.fitted, map(float, self.scales)))}


def identity(target: Target, population: int, generations: int, seed: int,
             min_acceptance: float = 0.02) -> dict:
    """What fixes a calibration's result: the target (data, runs, priors, statistics), the
    settings, the seed and the model version."""
    return {"target": target.name, "data": target.data, "preset": target.preset,
            "steps": target.steps, "fixed": dict(target.fixed),
            "treatments": [dict(t) for t in target.treatments],
            "priors": {k: list(v) for k, v in target.parameters.items()},
            "fitted": list(target.fitted), "held_out": list(target.held_out),
            "observed": dict(target.observed), "population": population,
            "generations": generations, "min_acceptance": min_acceptance, "seed": seed,
            "model_version": __version__}


def weighted_quantiles(values: np.ndarray, weights: np.ndarray, qs) -> list[float]:
    """Quantiles of a weighted sample (the inverse of its weighted empirical distribution,
    interpolated at the midpoints of each value's weight).

    >>> weighted_quantiles(np.array([1.0, 2.0, 3.0]), np.ones(3) / 3, [0.5])
    [2.0]
    """
    kept = weights > 0  # a value of no weight is not in the sample
    order = np.argsort(values[kept], kind="stable")
    v, w = values[kept][order], weights[kept][order] / weights.sum()
    mids = np.cumsum(w) - w / 2
    return [float(np.interp(q, mids, v)) for q in qs]


def distances(statistics: np.ndarray, observed: np.ndarray, scales: np.ndarray) -> np.ndarray:
    """Euclidean distance of each row's scaled fitted statistics from the data's; a run whose
    statistic is undefined (NaN) is infinitely far.

    >>> distances(np.array([[1.0, 2.0], [np.nan, 0.0]]), np.array([1.0, 0.0]), np.ones(2))
    array([ 2., inf])
    """
    d = np.sqrt(np.sum(((statistics - observed) / scales) ** 2, axis=1))
    return np.where(np.isnan(d), np.inf, d)


def mad_scales(statistics: np.ndarray) -> np.ndarray:
    """Each statistic's median absolute deviation over the prior's runs (Beaumont et al. 2002),
    its standard deviation where the MAD is 0, and 1 where both are."""
    finite = np.where(np.isfinite(statistics), statistics, np.nan)
    mad = np.nanmedian(np.abs(finite - np.nanmedian(finite, axis=0)), axis=0)
    sd = np.nanstd(finite, axis=0)
    return np.where(mad > 0, mad, np.where(sd > 0, sd, 1.0))


def _proposal_rng(seed: int, generation: int, index: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(generation, index)))


def _sim_seed(rng: np.random.Generator) -> int:
    return int(rng.integers(0, SEED_MASK, endpoint=True))


class _Kernel:
    """The perturbation of generation t: a Gaussian with twice the last population's weighted
    covariance (Beaumont et al. 2009), and the new particles' importance weights."""

    def __init__(self, last: Generation, low: np.ndarray, high: np.ndarray) -> None:
        self.last, self.low, self.high = last, low, high
        cov = 2.0 * np.atleast_2d(np.cov(last.particles, rowvar=False, aweights=last.weights))
        cov += np.diag(1e-12 * (high - low) ** 2)  # a degenerate population still perturbs
        self.chol = np.linalg.cholesky(cov)
        self.inverse = np.linalg.inv(cov)
        self.log_norm = -0.5 * (len(low) * np.log(2 * np.pi) + np.linalg.slogdet(cov)[1])

    def propose(self, rng: np.random.Generator) -> np.ndarray:
        """A perturbed ancestor inside the prior's box (redrawn until it is)."""
        while True:
            ancestor = self.last.particles[rng.choice(len(self.last.particles),
                                                      p=self.last.weights)]
            theta = ancestor + self.chol @ rng.standard_normal(len(ancestor))
            if np.all(theta >= self.low) and np.all(theta <= self.high):
                return theta

    def weights(self, particles: np.ndarray) -> np.ndarray:
        """Uniform prior over the kernel mixture's density, normalised."""
        diff = particles[:, None, :] - self.last.particles[None, :, :]
        log_k = self.log_norm - 0.5 * np.einsum("ijk,kl,ijl->ij", diff, self.inverse, diff)
        log_w = -logsumexp(log_k + np.log(self.last.weights)[None, :], axis=1)
        return np.exp(log_w - logsumexp(log_w))


def calibrate(target: Target, population: int = 200, generations: int = 8, seed: int = 0,
              executor: cf.Executor | None = None, batch: int | None = None,
              min_acceptance: float = 0.02, chunk: int | None = None,
              progress: Callable[[Generation], None] | None = None) -> Posterior:
    """The ABC-SMC posterior of ``target``'s freed parameters.

    ``population`` particles per generation; ``generations`` after the prior's; stops early
    when a generation has not accepted ``population`` particles within
    ``population / min_acceptance`` proposals (that generation is dropped). Proposals are
    simulated ``batch`` at a time (default: ``population``), in tasks of ``chunk`` runs: both
    change only the speed, never the result.
    """
    _check(population, generations, min_acceptance, batch, chunk, seed)
    executor = executor or SerialExecutor()
    batch = batch or population
    chunk = chunk or max(1, batch // 16)
    names = list(target.parameters)
    low = np.array([target.parameters[n][0] for n in names])
    high = np.array([target.parameters[n][1] for n in names])
    observed = np.array([target.observed[n] for n in target.fitted])
    fitted = len(target.fitted)
    budget = int(np.ceil(population / min_acceptance))  # proposals a generation may make

    def run(thetas: np.ndarray, seeds: list[int]) -> np.ndarray:
        jobs = [(dict(zip(names, map(float, theta))), s) for theta, s in zip(thetas, seeds)]
        parts = executor.map(simulate_many, *zip(*[(target, jobs[i:i + chunk])
                                                    for i in range(0, len(jobs), chunk)]))
        return np.concatenate(list(parts))

    # Generation 0: the prior, every particle kept; it fixes the distance's scales.
    rngs = [_proposal_rng(seed, 0, i) for i in range(population)]
    thetas = np.array([low + (high - low) * rng.random(len(names)) for rng in rngs])
    seeds = [_sim_seed(rng) for rng in rngs]
    stats = run(thetas, seeds)
    scales = mad_scales(stats[:, :fitted])
    prior = Generation(0, np.inf, thetas, np.full(population, 1.0 / population),
                       distances(stats[:, :fitted], observed, scales), stats,
                       np.array(seeds, dtype=np.int64), population, population)
    settings = {"population": population, "generations": generations, "seed": seed,
                "min_acceptance": min_acceptance}
    posterior = Posterior(target, settings, scales, [prior])
    if progress:
        progress(prior)
    for t in range(1, generations + 1):
        last = posterior.generations[-1]
        finite = last.distances[np.isfinite(last.distances)]
        if len(finite) == 0:
            raise ParameterError(f"target: every run of generation {t - 1} gave an undefined "
                                 "statistic, so nothing can be fitted")
        tolerance = float(np.median(finite))
        kernel = _Kernel(last, low, high)
        accepted: list[tuple[np.ndarray, float, np.ndarray, int]] = []
        made = examined = 0
        for start in range(0, budget, batch):
            rngs = [_proposal_rng(seed, t, start + i) for i in range(batch)]
            thetas = np.array([kernel.propose(rng) for rng in rngs])
            seeds = [_sim_seed(rng) for rng in rngs]
            stats = run(thetas, seeds)
            d = distances(stats[:, :fitted], observed, scales)
            made += batch
            for i in range(batch):  # in index order: the same whatever finished first
                examined += 1
                if d[i] <= tolerance:
                    accepted.append((thetas[i], d[i], stats[i], seeds[i]))
                    if len(accepted) == population:
                        break
            if len(accepted) == population:
                break
        if len(accepted) < population:  # acceptance below min_acceptance: the last stands
            break
        particles = np.array([a[0] for a in accepted])
        generation = Generation(t, tolerance, particles, kernel.weights(particles),
                                np.array([a[1] for a in accepted]),
                                np.array([a[2] for a in accepted]),
                                np.array([a[3] for a in accepted], dtype=np.int64), made,
                                examined)
        posterior.generations.append(generation)
        if progress:
            progress(generation)
    return posterior


def _check(population: int, generations: int, min_acceptance: float, batch: int | None,
           chunk: int | None, seed: int) -> None:
    for name, value, low in (("population", population, 2), ("generations", generations, 0),
                             ("batch", batch, 1), ("chunk", chunk, 1), ("seed", seed, 0)):
        if value is None and name in ("batch", "chunk"):
            continue
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < low:
            raise ParameterError(f"{name}: got {value!r}, expected an integer >= {low}")
    if not 0.0 < min_acceptance < 1.0:
        raise ParameterError(f"min_acceptance: got {min_acceptance!r}, expected a number in "
                             "(0, 1)")


def predictive(posterior: Posterior, draws: int = 200, seed: int = 0,
               executor: cf.Executor | None = None) -> pd.DataFrame:
    """The posterior predictive check: every statistic (fitted and held out) of ``draws``
    runs at parameters drawn from the posterior, with new seeds; one row per draw and
    statistic (tidy)."""
    executor = executor or SerialExecutor()
    thetas = posterior.draw(draws, seed)
    names = posterior.names
    rngs = [np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(1 << 21, i)))
            for i in range(draws)]
    jobs = [(dict(zip(names, map(float, theta))), _sim_seed(rng))
            for theta, rng in zip(thetas, rngs)]
    step = max(1, draws // 16)
    parts = executor.map(simulate_many, *zip(*[(posterior.target, jobs[i:i + step])
                                                for i in range(0, draws, step)]))
    stats = np.concatenate(list(parts))
    target = posterior.target
    frame = pd.DataFrame(stats, columns=list(target.names))
    frame.insert(0, "draw", np.arange(draws))
    long = frame.melt(id_vars="draw", var_name="statistic", value_name="value")
    long["fitted"] = long["statistic"].isin(target.fitted)
    return long


def predictive_check(draws: pd.DataFrame, observed: Mapping[str, float], level: float = 0.9
                     ) -> pd.DataFrame:
    """Per statistic: the data's value, the predictive mean and central interval, and whether
    the data fall inside it."""
    tail = (1 - level) / 2
    rows = []
    for (name, fitted), values in draws.groupby(["statistic", "fitted"], sort=False):
        v = values["value"].to_numpy()
        v = v[np.isfinite(v)]
        low, high = (np.quantile(v, [tail, 1 - tail]) if len(v) else (np.nan, np.nan))
        slack = 1e-9 * max(1.0, abs(observed[name]))  # a statistic the rules fix exactly
        rows.append({"statistic": name, "fitted": bool(fitted), "observed": observed[name],
                     "mean": float(v.mean()) if len(v) else np.nan, "low": float(low),
                     "high": float(high),
                     "inside": bool(low - slack <= observed[name] <= high + slack)})
    return pd.DataFrame(rows)


def recovery(target: Target, seed: int, population: int = 200, generations: int = 8,
             executor: cf.Executor | None = None, level: float = 0.9, **options
             ) -> pd.DataFrame:
    """Parameter recovery: parameters drawn from the prior, data the model makes with them
    (every statistic, from one run), and the calibration of ``target`` against those data.
    One row per parameter: the truth, the credible interval, whether it covers the truth, and
    how much narrower than the prior it is."""
    names = list(target.parameters)
    low = np.array([target.parameters[n][0] for n in names])
    high = np.array([target.parameters[n][1] for n in names])
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(1 << 22,)))
    truth = low + (high - low) * rng.random(len(names))
    data = simulate(target, dict(zip(names, map(float, truth))), _sim_seed(rng))
    synthetic = target.with_observed(dict(zip(target.names, map(float, data))))
    posterior = calibrate(synthetic, population=population, generations=generations,
                          seed=seed, executor=executor, **options)
    summary = posterior.summary(level).assign(truth=truth, seed=seed)
    summary["covered"] = summary["truth"].between(summary["low"], summary["high"])
    return summary
