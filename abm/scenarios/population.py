"""Who the nations are: generated from the parameters, or read from a CSV of real nations."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .datasets import Column, DataError, check_choice, read_checked
from .kinds import STRATEGIES
from .nation_sets import BUILDERS, nations_path
from .parameters import PARAMETERS


@dataclass
class Traits:
    """Fixed attributes of the nations, one array entry per nation."""

    name: np.ndarray  # str
    gdp: np.ndarray  # bn USD
    population: np.ndarray  # people
    region: np.ndarray  # int
    position: np.ndarray  # (n, dimensions) policy ideal points
    salience: np.ndarray  # general salience of missions
    strategy: np.ndarray  # int code into STRATEGIES
    funds_share: np.ndarray  # share of GDP available for missions
    funds_start: np.ndarray | None = None  # funds pledged before cycle 1, share of GDP

    @property
    def gdp_per_capita(self) -> np.ndarray:
        return self.gdp * 1e9 / self.population


def assign_strategies(n: int, shares: list[float], rng: np.random.Generator) -> np.ndarray:
    """Exact quotas by largest remainder, shuffled: shares are met as closely as n allows."""
    quota = np.asarray(shares) * n
    counts = np.floor(quota).astype(int)
    remainder = n - counts.sum()
    if remainder:
        counts[np.argsort(-(quota - counts), kind="stable")[:remainder]] += 1
    codes = np.repeat(np.arange(len(shares)), counts)
    return rng.permutation(codes)


def generate(p: dict, rng: np.random.Generator) -> Traits:
    """Nations drawn from the parameters' distributions (lognormal GDP and income)."""
    n = p["n_nations"]
    z_size, z_income = rng.standard_normal((2, n))
    rho = p["income_size_correlation"]
    gdp = p["gdp_median"] * np.exp(p["inequality"] * z_size)
    income = p["income_median"] * np.exp(
        p["income_spread"] * (rho * z_size + np.sqrt(1.0 - rho * rho) * z_income)
    )
    shares = [p[k] for k in ("share_conditional", "share_free_rider", "share_hump",
                             "share_unconditional")]
    return Traits(
        name=np.array([f"N{i:0{len(str(n - 1))}d}" for i in range(n)]),
        gdp=gdp,
        population=gdp * 1e9 / income,
        region=rng.integers(0, p["n_regions"], n),
        position=rng.normal(0.0, p["divergence"], (n, p["dimensions"])),
        salience=np.exp(p["salience_spread"] * rng.standard_normal(n)),
        strategy=assign_strategies(n, shares, rng),
        funds_share=np.full(n, p["funds_share"]),
    )


# Bounds a real nation keeps well inside (world GDP is about 1e5 bn USD, world population
# about 8e9), so that no value overflows the model's sums and ratios.
NATIONS_FILE_COLUMNS = [
    Column("name", numeric=False, unique=True), Column("gdp", low=0, high=1e6, above=True),
    Column("population", low=0, high=1e11, above=True),
    Column("funds_share", low=0, high=1, required=False),
    Column("funds_start", low=0, high=1, required=False),
    Column("position", low=-10, high=10, required=False),
    Column("region", low=0, high=19, integer=True, required=False),
    Column("strategy", numeric=False, required=False),
]


def read_nations_file(path: str | Path) -> pd.DataFrame:
    """Read and check a nations CSV (name, gdp in bn USD, population; optional funds_share,
    funds_start, position, region, strategy); any problem is one error naming the column and
    row."""
    resolved = nations_path(str(path))
    if not resolved.exists():
        raise DataError(f"nations_file: {str(path)!r} does not exist, expected a CSV file or "
                        f"one of {', '.join(BUILDERS)}")
    frame = read_checked(resolved, NATIONS_FILE_COLUMNS, "nations_file", min_rows=2,
                         max_rows=int(PARAMETERS["n_nations"].high))
    if "strategy" in frame.columns:
        check_choice(frame, "strategy", STRATEGIES, "nations_file")
    return frame


def from_frame(frame: pd.DataFrame, p: dict, rng: np.random.Generator) -> Traits:
    """Traits of real nations; what the file leaves out is drawn as for generated nations."""
    n = len(frame)
    generated = generate({**p, "n_nations": n}, rng)
    if "region" in frame.columns:
        generated.region = frame["region"].to_numpy(int)
    if "position" in frame.columns:
        generated.position = np.repeat(
            frame["position"].to_numpy(float)[:, None], p["dimensions"], axis=1)
    if "strategy" in frame.columns:
        generated.strategy = frame["strategy"].map(STRATEGIES.index).to_numpy(int)
    if "funds_share" in frame.columns:
        generated.funds_share = frame["funds_share"].to_numpy(float)
    if "funds_start" in frame.columns:
        generated.funds_start = frame["funds_start"].to_numpy(float)
    generated.name = frame["name"].astype(str).to_numpy()
    generated.gdp = frame["gdp"].to_numpy(float)
    generated.population = frame["population"].to_numpy(float)
    return generated
