"""The model's outputs: raw arrays kept each step, tidy frames and statistics made on demand.

Each step stores what only that step can see (its nation arrays, and what the statistics of
its missions and trust need: ``reporters.Cycle``); statistics over missions and nations
(free-riding, the exploitation correlation, the burden Gini, means) are derived for all steps
at once, vectorised over a (steps x nations) array, when a frame is asked for. Recording
stays cheap on the hot path of 10^6-run sweeps.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import pandas as pd

from ..scenarios.kinds import CAPABILITIES, STRATEGIES
from .metrics import masked_gini, masked_hhi, masked_mean, masked_spearman
from .reporters import LIVE, Cycle, cycle_columns

# Kept per nation and step (each a length-n array; pledged and delivered are (n, 3)); trust
# given and received are kept as sums over partners, and made means when stacked.
RAW = ("member", "participating", "strategy", "pledged", "delivered", "fair_share",
       "contribution", "benefit", "cost", "sanction", "payoff", "trust_given",
       "trust_received", "belief", "political_will")

RAW_TYPES = {"member": bool, "participating": bool, "strategy": np.int64}

NATION_COLUMNS = (
    "member", "participating", "strategy", "pledge_funds", "pledge_troops", "pledge_enablers",
    "delivered_funds", "delivered_troops", "delivered_enablers", "fair_share", "contribution",
    "contribution_ratio", "contribution_pct", "burden", "benefit", "cost", "sanction", "payoff",
    "trust_given", "trust_received", "belief", "political_will",
)

STRATEGY_DTYPE = pd.CategoricalDtype(list(STRATEGIES))

# Model-frame columns that count things (integers in the frame).
COUNTS = ("missions", "launched", "trust_blocs", "members", "exited", "exits", "rejoins",
          "opt_outs")

MODEL_COLUMNS = tuple(
    [f"{kind}_{c}" for c in CAPABILITIES
     for kind in ("pledged", "delivered", "required", "coverage")]
    + ["coverage_min", "missions", "launched", "effectiveness", "legitimacy", "success",
       "fulfilment", "free_riding_rate", "mean_contribution_ratio", "exploitation_rho",
       "burden_gini", "burden_hhi",
       "mean_trust", "trust_sd", "trust_blocs", "members", "exited", "exits", "rejoins",
       "retention", "opt_outs", "mean_belief", "mean_contribution_pct", "side_payments",
       "sanctions", "mean_payoff"])


@functools.lru_cache(maxsize=16)
def nation_dtype(names: tuple[str, ...]) -> pd.CategoricalDtype:
    """The nations as a categorical type, made once for the runs of a sweep (building one
    costs pandas a fifth of a millisecond)."""
    return pd.CategoricalDtype(list(names))


class Recorder:
    """Per-step outputs of one model run."""

    def __init__(self, names: np.ndarray, region: np.ndarray, gdp: np.ndarray,
                 gdp_per_capita: np.ndarray, funds_capacity: np.ndarray) -> None:
        self.names, self.region, self.gdp = names, region, gdp
        self.gdp_per_capita = gdp_per_capita
        self.percent_of_funds = np.divide(100.0, funds_capacity,
                                          out=np.zeros(len(gdp)), where=funds_capacity > 0)
        self.nation_dtype = nation_dtype(tuple(names.tolist()))
        self.steps: list[int] = []
        self.cycles: list[tuple] = []  # each a Cycle's fields
        self.raw: list[tuple[np.ndarray, ...]] = []
        self._stacked: dict[str, np.ndarray] | None = None
        self._last: tuple[int, dict[str, float]] | None = None

    def add(self, step: int, cycle: Cycle, raw: tuple[np.ndarray, ...]) -> None:
        """Keep one step. ``raw`` holds the RAW arrays in order; they and the cycle's arrays
        must not change later (the model replaces its arrays rather than mutating them)."""
        self.steps.append(step)
        # As a plain tuple of arrays and numbers, which the cyclic garbage collector stops
        # tracking (a named tuple it tracks for ever): the runs of a sweep then leave it
        # nothing to count, and its collections, 4 % of a default run with named tuples,
        # become rare (benchmarks/compare_versions.py).
        self.cycles.append(tuple(cycle))
        self.raw.append(raw)
        self._stacked = None

    def stacked(self) -> dict[str, np.ndarray]:
        """Each RAW field as a (steps, nations[, 3]) array."""
        if self._stacked is None:
            n = len(self.gdp)
            # (Made whole before it is kept: a reader in another thread, the classroom's
            # debrief, never sees it half made.)
            if self.raw:
                steps = len(self.raw)
                stacked = {
                    k: np.concatenate(v).reshape(steps, *v[0].shape)
                    for k, v in zip(RAW, zip(*self.raw, strict=True), strict=True)}
                for k in ("trust_given", "trust_received"):
                    stacked[k] /= n - 1
            else:  # nothing recorded yet: empty arrays of each field's shape and type
                stacked = {k: np.zeros((0, n, 3) if k in ("pledged", "delivered")
                                       else (0, n), dtype=RAW_TYPES.get(k, float))
                           for k in RAW}
            self._stacked = stacked
        return self._stacked

    def derived(self) -> dict[str, np.ndarray]:
        """Per nation and step quantities computed from the raw arrays."""
        s = self.stacked()
        fair = s["fair_share"]
        ratio = np.divide(s["contribution"], fair, out=np.full(fair.shape, np.nan),
                          where=fair > 0)
        return {"contribution_ratio": ratio, "burden": s["contribution"] / self.gdp,
                "contribution_pct": s["delivered"][:, :, 0] * self.percent_of_funds}

    def last_cycle(self) -> dict[str, float]:
        """The statistics of the last cycle recorded (none before the first)."""
        if not self.cycles:
            return {}
        if self._last is None or self._last[0] != len(self.cycles):  # (once a cycle)
            columns = cycle_columns(self.cycles[-1:], len(self.gdp))
            self._last = len(self.cycles), {
                k: int(columns[k][0]) if k in COUNTS else float(columns[k][0]) for k in LIVE}
        return dict(self._last[1])

    def model_frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.model_columns())

    def model_columns(self) -> dict[str, np.ndarray]:
        """The model frame as a dict of arrays (no pandas: cheap, for run-level outcomes)."""
        s = self.stacked()
        d = self.derived()
        member = s["member"]
        out: dict[str, np.ndarray] = {}
        out.update(cycle_columns(self.cycles, len(self.gdp)))
        pledged, delivered = s["pledged"].sum(axis=1), s["delivered"].sum(axis=1)
        for c, cap in enumerate(CAPABILITIES):
            out[f"pledged_{cap}"] = pledged[:, c]
            out[f"delivered_{cap}"] = delivered[:, c]
        owed = member & (s["fair_share"] > 0)
        n_owed = owed.sum(axis=1)
        free = (owed & (np.nan_to_num(d["contribution_ratio"], nan=1.0) < 0.5)).sum(axis=1)
        out["free_riding_rate"] = np.divide(free, n_owed, out=np.zeros(len(n_owed)),
                                            where=n_owed > 0)
        out["mean_contribution_ratio"] = masked_mean(d["contribution_ratio"], owed, np.nan)
        out["exploitation_rho"] = masked_spearman(np.broadcast_to(self.gdp, member.shape),
                                                  d["burden"], member)
        out["burden_gini"] = masked_gini(d["burden"], member)
        out["burden_hhi"] = masked_hhi(s["contribution"], member)
        out["mean_belief"] = masked_mean(s["belief"], member, np.nan)
        out["mean_contribution_pct"] = masked_mean(d["contribution_pct"], member, 0.0)
        out["mean_payoff"] = masked_mean(s["payoff"], member, 0.0)
        for column in COUNTS:
            out[column] = out[column].astype(np.int64)
        return {"step": np.array(self.steps, dtype=np.int64),
                **{k: out[k] for k in MODEL_COLUMNS}}

    def nation_frame(self) -> pd.DataFrame:
        s = self.stacked()
        d = self.derived()
        steps, n = len(self.steps), len(self.gdp)
        columns: dict[str, Any] = {
            "step": np.repeat(np.array(self.steps, dtype=np.int64), n),
            "nation": pd.Categorical.from_codes(np.tile(np.arange(n), steps),
                                                dtype=self.nation_dtype),
            "region": np.tile(self.region, steps),
            "gdp": np.tile(self.gdp, steps),
            "gdp_per_capita": np.tile(self.gdp_per_capita, steps),
        }
        for name in NATION_COLUMNS:
            if name.startswith(("pledge_", "delivered_")):
                kind, cap = name.split("_")
                source = s["pledged" if kind == "pledge" else "delivered"]
                columns[name] = source[:, :, CAPABILITIES.index(cap)].ravel()
            elif name == "strategy":
                columns[name] = pd.Categorical.from_codes(s[name].ravel(),
                                                          dtype=STRATEGY_DTYPE)
            else:
                columns[name] = (d[name] if name in d else s[name]).ravel()
        return pd.DataFrame(columns)

