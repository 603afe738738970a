"""What a calibration fits: a data set's summary statistics, and the model runs that produce
the same statistics.

A target names a preset, the runs one simulation makes (one per treatment), the statistics it
fits and the statistics it holds out for the posterior predictive check, and the parameters it
frees (with their prior ranges). Observed values are read from abm/scenarios/data (sources in
its SOURCES.md).

>>> target = TARGETS["fg2010"]
>>> target.fitted[:2], target.held_out[0], sorted(target.parameters)
(('contribution_p1', 'contribution_p2'), 'belief_p2', ['novice_noise', 'unconditional_level'])
>>> round(target.observed["contribution_p1"], 1)
39.4
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from abm.experiments.runs import _run_model
from abm.model.metrics import spearman
from abm.model.model import CoalitionModel
from abm.scenarios import datasets
from abm.scenarios.parameters import PARAMETERS, ParameterError


@dataclass(frozen=True)
class Target:
    """A data set to calibrate against: see the module docstring."""

    name: str
    data: str  # the data set, as named in abm/scenarios/data/SOURCES.md
    preset: str
    steps: int
    treatments: tuple[Mapping[str, Any], ...]  # overrides of each run one simulation makes
    statistics: Callable[[list[CoalitionModel]], dict[str, float]]  # module-level: pickled
    observed: Mapping[str, float]  # every statistic's value in the data
    fitted: tuple[str, ...]
    held_out: tuple[str, ...]  # not fitted: the posterior predictive check
    parameters: Mapping[str, tuple[float, float]]  # freed parameters and their prior ranges
    fixed: Mapping[str, Any] = field(default_factory=dict)  # overrides of every run

    @property
    def names(self) -> tuple[str, ...]:
        """Every statistic: the fitted ones first."""
        return (*self.fitted, *self.held_out)

    def with_observed(self, observed: Mapping[str, float]) -> Target:
        """The same target against other data (e.g. data the model made: parameter
        recovery)."""
        missing = [name for name in self.names if name not in observed]
        if missing:
            raise ParameterError(f"observed: no value for {missing[0]!r}")
        return _replace(self, observed=dict(observed))

    def with_parameters(self, ranges: Mapping[str, tuple[float, float]]) -> Target:
        """The same target with other freed parameters, each range checked against the
        parameter's allowed range."""
        return _replace(self, parameters=prior_ranges(ranges))


def _replace(target: Target, **changes: Any) -> Target:
    from dataclasses import replace
    return replace(target, **changes)


def prior_ranges(ranges: Mapping[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
    """Check each (low, high) against the parameter's allowed range.

    >>> prior_ranges({"mpcr": (0.2, 0.9)})
    {'mpcr': (0.2, 0.9)}
    >>> prior_ranges({"mpcr": (0.2, 20.0)})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    abm.scenarios.parameter.ParameterError: mpcr: got the prior range [0.2, 20], expected ...
    """
    if not ranges:
        raise ParameterError("parameters: got none, expected at least one parameter to free")
    out = {}
    for name, (low, high) in ranges.items():
        p = PARAMETERS.get(name)
        if p is None:
            raise ParameterError(f"parameters: unknown parameter {name!r}, expected one that "
                                 "`coalition params` lists")
        if p.kind is not float:
            raise ParameterError(f"{name}: got a parameter of type {p.kind.__name__}, "
                                 "expected a real-valued one (a calibration frees only those)")
        lo = -np.inf if p.low is None else p.low
        hi = np.inf if p.high is None else p.high
        if not (np.isfinite(low) and np.isfinite(high) and lo <= low < high <= hi):
            raise ParameterError(f"{name}: got the prior range [{low:g}, {high:g}], expected "
                                 f"low < high, each {p.allowed}")
        out[name] = (float(low), float(high))
    return out


def simulate(target: Target, params: Mapping[str, float], seed: int) -> np.ndarray:
    """Every statistic of one simulation (fitted first, then held out); a treatment's run
    takes a child seed of ``seed``."""
    seeds = np.random.SeedSequence(seed).generate_state(len(target.treatments), np.uint32)
    models = [_run_model(target.preset, target.steps, int(s),
                         {**target.fixed, **treatment, **params})
              for treatment, s in zip(target.treatments, seeds)]
    values = target.statistics(models)
    return np.array([values[name] for name in target.names], dtype=float)


def simulate_many(target: Target, jobs: Sequence[tuple[Mapping[str, float], int]]
                  ) -> np.ndarray:
    """One worker task: several simulations (rows) of the same target."""
    return np.array([simulate(target, params, seed) for params, seed in jobs])


# --- Fischbacher and Gaechter (2010): strangers, 10 periods --------------------------------

def _lab_series(models: list[CoalitionModel]) -> dict[str, float]:
    columns = models[0].recorder.model_columns()
    out = {f"contribution_p{t + 1}": float(v)
           for t, v in enumerate(columns["mean_contribution_pct"])}
    out.update({f"belief_p{t + 1}": 20.0 * float(v) for t, v in enumerate(columns["mean_belief"])})
    return out


def _fg2010() -> Target:
    data = datasets.public_goods()
    periods = data["period"].astype(int).tolist()
    observed = {f"contribution_p{t}": float(v)
                for t, v in zip(periods, data["mean_contribution_pct_endowment"])}
    observed.update({f"belief_p{t}": float(v)
                     for t, v in zip(periods[1:], data["mean_belief_tokens_of_20"].iloc[1:])})
    return Target(
        name="fg2010", data="public_goods_fg2010", preset="public_goods_lab",
        steps=len(periods), treatments=({},), statistics=_lab_series, observed=observed,
        # The 140 subjects of the study: the model's sampling noise is the data's.
        fixed={"n_nations": 140},
        fitted=tuple(f"contribution_p{t}" for t in periods),
        # Period 1's belief is not a prediction: `initial_belief` is that very figure.
        held_out=tuple(f"belief_p{t}" for t in periods[1:]),
        parameters={"novice_noise": (0.0, 2.0), "unconditional_level": (0.0, 2.0)})


# --- Herrmann, Thoeni and Gaechter (2008): partners, with and without punishment ----------

HTG_FITTED_PERIODS = 7  # periods 1-7 fitted; 8-10 (the end game) held out


def _htg_series(models: list[CoalitionModel]) -> dict[str, float]:
    out = {}
    for label, model in zip(("plain", "punish"), models):
        series = model.recorder.model_columns()["mean_contribution_pct"] / 5.0  # tokens of 20
        out.update({f"{label}_p{t + 1}": float(v) for t, v in enumerate(series)})
    return out


def _htg2008() -> Target:
    data = datasets.public_goods_htg(None)
    pooled = data.groupby(["treatment", "period"])["mean_contribution_tokens_of_20"].mean()
    observed = {f"{label}_p{int(t)}": float(pooled[treatment, t])
                for label, treatment in (("plain", "no_punishment"), ("punish", "punishment"))
                for t in pooled[treatment].index}
    periods = sorted({int(t) for t in data["period"]})
    fitted = tuple(f"{label}_p{t}" for label in ("plain", "punish")
                   for t in periods[:HTG_FITTED_PERIODS])
    return Target(
        name="htg2008", data="public_goods_htg2008", preset="public_goods_lab",
        steps=len(periods),
        treatments=({"peer_punishment": False}, {"peer_punishment": True}),
        statistics=_htg_series, observed=observed,
        # Partners; 50 groups of four per treatment, about a pool's size in the study.
        fixed={"rematch": False, "n_nations": 200},
        fitted=fitted, held_out=tuple(name for name in observed if name not in fitted),
        parameters={"reputation_weight": (0.0, 5.0), "punishment_effort": (0.0, 2.0),
                    "antisocial_punishment": (0.0, 2.0)})


# --- NATO, 2014 onwards: fit 2015-2019, predict 2023-2024 ----------------------------------

# Spearman rho between GDP and defence/GDP, 28 allies, NATO data of June 2019 (SOURCES.md).
NATO_RHO = {2015: 0.19, 2016: 0.15, 2017: 0.14, 2018: 0.08, 2019: 0.03}
NATO_US_SHARE = 0.70  # the US share of the allies' defence spending, 2014-2019 (SOURCES.md)
NATO_AT_2_PCT = {2023: 11, 2024: 23}  # allies at or above 2 % (SOURCES.md)


def _nato_statistics(models: list[CoalitionModel]) -> dict[str, float]:
    recorder = models[0].recorder
    columns = recorder.model_columns()
    contribution = recorder.stacked()["contribution"]  # (steps, nations)
    burden = 100.0 * contribution / recorder.gdp
    us = list(recorder.names).index("United States")
    # Cycle k is the budget year 2014 + k; row k - 1 of the records.
    out = {f"rho_{year}": float(columns["exploitation_rho"][year - 2015]) for year in NATO_RHO}
    out["us_share"] = float(np.mean(contribution[:5, us] / contribution[:5].sum(1)))
    for year in NATO_AT_2_PCT:
        out[f"at_2_pct_{year}"] = float((burden[year - 2015] >= 2.0 - 1e-9).sum())
    out["rho_2024"] = float(columns["exploitation_rho"][2024 - 2015])
    return out


def _nato() -> Target:
    allies = datasets.nato_defence().set_index("iso3")
    gdp = datasets.world_bank().query("year == 2023").set_index("iso3")["gdp_current_usd"]
    observed = {f"rho_{year}": value for year, value in NATO_RHO.items()}
    observed["us_share"] = NATO_US_SHARE
    observed.update({f"at_2_pct_{year}": float(n) for year, n in NATO_AT_2_PCT.items()})
    observed["rho_2024"] = spearman(gdp.reindex(allies.index).to_numpy(),
                                    allies["pct_gdp_2024e"].to_numpy())
    fitted = (*(f"rho_{year}" for year in NATO_RHO), "us_share")
    return Target(
        name="nato", data="nato_defence_pct_gdp", preset="nato_2014", steps=10,
        treatments=({},), statistics=_nato_statistics, observed=observed, fitted=fitted,
        held_out=tuple(name for name in observed if name not in fitted),
        parameters={"budget_inertia": (0.0, 0.99), "private_benefit": (0.0, 1.0),
                    "salience_spread": (0.0, 1.0)})


class _Targets(Mapping[str, Target]):
    """The targets by name, each built (its data read) when first asked for."""

    _makers = {"fg2010": _fg2010, "htg2008": _htg2008, "nato": _nato}

    def __init__(self) -> None:
        self._built: dict[str, Target] = {}

    def __getitem__(self, name: str) -> Target:
        if name not in self._makers:
            raise ParameterError(f"target: unknown target {name!r}, expected one of "
                                 f"{', '.join(self._makers)}")
        if name not in self._built:
            self._built[name] = self._makers[name]()
        return self._built[name]

    def __iter__(self):
        return iter(self._makers)

    def __len__(self) -> int:
        return len(self._makers)


TARGETS = _Targets()
