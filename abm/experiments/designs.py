"""Experiment designs: which parameter sets a sweep runs, each with R replicates.

A design yields its points lazily (a million-run sweep never holds them all), knows how many
it has, and describes itself for the manifest. Every run's seed comes from one experiment seed
through ``numpy.random.SeedSequence`` with the run's (point, replicate) as spawn key, so any run
can be re-run alone from its key, whatever ran before it and wherever.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from ..scenarios.parameters import PARAMETERS, ParameterError

SEED_MASK = (1 << 49) - 1


def run_seed(experiment_seed: int, point: int, replicate: int, common: bool = False) -> int:
    """The seed of one run: a child of the experiment seed keyed by (point, replicate).

    With ``common`` (common random numbers), replicate r uses the same seed at every point,
    so that differences between points are not blurred by different draws.

    >>> run_seed(1, 0, 0) == run_seed(1, 0, 0), run_seed(1, 0, 0) == run_seed(1, 1, 0)
    (True, False)
    >>> run_seed(1, 0, 2, common=True) == run_seed(1, 5, 2, common=True)
    True
    """
    key = (replicate,) if common else (point, replicate)
    state = np.random.SeedSequence(experiment_seed, spawn_key=key).generate_state(2, np.uint32)
    # 49 bits: at most 15 digits, kept exactly by R's doubles and by spreadsheets (a 64-bit
    # seed is not), and enough that a million runs share no seed but by a 1-in-1,000 chance.
    return (int(state[0]) << 17 | int(state[1]) >> 15) & SEED_MASK


class Design:
    """Base: subclasses define ``points`` and ``size``."""

    def __init__(self, replicates: int = 1) -> None:
        if isinstance(replicates, bool) or not isinstance(replicates, int) or replicates < 1:
            raise ParameterError(f"replicates: got {replicates!r}, expected an integer >= 1")
        self.replicates = replicates

    def points(self) -> Iterator[dict[str, Any]]:
        raise NotImplementedError

    @property
    def size(self) -> int:
        """Number of design points (runs = size x replicates)."""
        raise NotImplementedError

    @property
    def runs(self) -> int:
        return self.size * self.replicates

    @property
    def names(self) -> list[str]:
        """The parameters the design varies, in the order it names them."""
        return list(getattr(self, "ranges", {}))

    def describe(self) -> dict[str, Any]:
        return {"design": type(self).__name__, "points": self.size,
                "replicates": self.replicates}


def _check_names(names: Sequence[str]) -> None:
    for name in names:
        if name not in PARAMETERS:
            raise ParameterError(f"{name}: unknown parameter in the design; expected a name that "
                                 "`coalition params` lists")


class FullFactorial(Design):
    """Every combination of the listed values.

    >>> FullFactorial({"monitoring": [0.1, 0.9], "n_nations": [10, 30, 50]}, replicates=2).runs
    12
    """

    def __init__(self, factors: Mapping[str, Sequence[Any]], replicates: int = 1) -> None:
        super().__init__(replicates)
        self.factors = {k: list(v) for k, v in factors.items()}
        _check_names(list(self.factors))
        for name, values in self.factors.items():
            if not values:
                raise ParameterError(f"{name}: no values in the design, expected at least one")

    def points(self) -> Iterator[dict[str, Any]]:
        names = list(self.factors)
        for combo in itertools.product(*self.factors.values()):
            yield dict(zip(names, combo, strict=True))

    @property
    def size(self) -> int:
        return math.prod(len(v) for v in self.factors.values())

    @property
    def names(self) -> list[str]:
        return list(self.factors)

    def describe(self) -> dict[str, Any]:
        return {**super().describe(), "factors": self.factors}


class ParameterSets(Design):
    """An explicit list of parameter sets."""

    def __init__(self, sets: Sequence[Mapping[str, Any]], replicates: int = 1) -> None:
        super().__init__(replicates)
        self.sets = [dict(s) for s in sets]
        _check_names([k for s in self.sets for k in s])

    def points(self) -> Iterator[dict[str, Any]]:
        yield from (dict(s) for s in self.sets)

    @property
    def size(self) -> int:
        return len(self.sets)

    @property
    def names(self) -> list[str]:
        return list(dict.fromkeys(k for point in self.sets for k in point))

    def describe(self) -> dict[str, Any]:
        return {**super().describe(), "sets": self.sets}


def _check_ranges(ranges: Mapping[str, tuple[float, float]]) -> None:
    _check_names(list(ranges))
    for name, (low, high) in ranges.items():
        p = PARAMETERS[name]
        if p.kind not in (int, float):
            raise ParameterError(f"{name}: a sampled range needs a numeric parameter")
        if not (p.low <= low < high <= p.high):
            raise ParameterError(f"{name}: range ({low}, {high}) is not within "
                                 f"[{p.low:g}, {p.high:g}] or is empty")


def _scale(unit: np.ndarray, ranges: Mapping[str, tuple[float, float]]) -> Iterator[dict]:
    """Map points of the unit cube onto the parameter ranges (integers rounded)."""
    names = list(ranges)
    low = np.array([ranges[k][0] for k in names])
    high = np.array([ranges[k][1] for k in names])
    for row in low + unit * (high - low):
        point = {}
        for name, value in zip(names, row.tolist(), strict=True):
            point[name] = int(round(value)) if PARAMETERS[name].kind is int else value
        yield point


class LatinHypercube(Design):
    """A Latin hypercube sample of ``samples`` points over the given ranges (scipy.stats.qmc).

    >>> LatinHypercube({"monitoring": (0.0, 1.0)}, samples=8, replicates=3).runs
    24
    """

    def __init__(self, ranges: Mapping[str, tuple[float, float]], samples: int,
                 replicates: int = 1, seed: int = 0) -> None:
        super().__init__(replicates)
        self.ranges, self.samples, self.seed = dict(ranges), samples, seed
        _check_ranges(self.ranges)
        if samples < 1:
            raise ParameterError(f"samples: got {samples}, expected an integer >= 1")

    def unit_points(self) -> np.ndarray:
        from scipy.stats import qmc

        return qmc.LatinHypercube(d=len(self.ranges), seed=np.random.default_rng(self.seed)
                                  ).random(self.samples)

    def points(self) -> Iterator[dict[str, Any]]:
        yield from _scale(self.unit_points(), self.ranges)

    @property
    def size(self) -> int:
        return self.samples

    def describe(self) -> dict[str, Any]:
        return {**super().describe(), "ranges": self.ranges, "samples": self.samples,
                "sample_seed": self.seed}


class _SALibSample(Design):
    """A sample SALib draws over ``ranges`` (``samples``), as design points (integers rounded)."""

    ranges: dict[str, tuple[float, float]]

    @property
    def problem(self) -> dict[str, Any]:
        """The SALib problem definition (for the analysis)."""
        return {"num_vars": len(self.ranges), "names": list(self.ranges),
                "bounds": [list(b) for b in self.ranges.values()]}

    def samples(self) -> np.ndarray:
        raise NotImplementedError

    def points(self) -> Iterator[dict[str, Any]]:
        names = list(self.ranges)
        for row in self.samples():
            yield {name: int(round(v)) if PARAMETERS[name].kind is int else float(v)
                   for name, v in zip(names, row.tolist(), strict=True)}


class SobolSample(_SALibSample):
    """Saltelli's extension of a Sobol sequence (SALib), for Sobol sensitivity indices:
    ``base`` x (D + 2) points for D parameters (first and total order).

    >>> SobolSample({"monitoring": (0.0, 1.0), "mpcr": (0.1, 2.0)}, base=8).size
    32
    """

    def __init__(self, ranges: Mapping[str, tuple[float, float]], base: int,
                 replicates: int = 1, seed: int = 0) -> None:
        super().__init__(replicates)
        self.ranges, self.base, self.seed = dict(ranges), base, seed
        _check_ranges(self.ranges)
        if base < 2 or base & (base - 1):
            raise ParameterError(f"base: got {base}, expected a power of 2 >= 2")

    def samples(self) -> np.ndarray:
        from SALib.sample import sobol

        return sobol.sample(self.problem, self.base, calc_second_order=False, seed=self.seed)

    @property
    def size(self) -> int:
        return self.base * (len(self.ranges) + 2)

    def describe(self) -> dict[str, Any]:
        return {**super().describe(), "ranges": self.ranges, "base": self.base,
                "sample_seed": self.seed}


class MorrisSample(_SALibSample):
    """Morris's elementary-effects trajectories (SALib), for screening many parameters:
    ``trajectories`` x (D + 1) points for D parameters, on a grid of ``levels`` levels.

    >>> MorrisSample({"monitoring": (0.0, 1.0), "mpcr": (0.1, 2.0)}, trajectories=4).size
    12
    """

    def __init__(self, ranges: Mapping[str, tuple[float, float]], trajectories: int,
                 levels: int = 4, replicates: int = 1, seed: int = 0) -> None:
        super().__init__(replicates)
        self.ranges, self.trajectories, self.levels, self.seed = (dict(ranges), trajectories,
                                                                  levels, seed)
        _check_ranges(self.ranges)
        if trajectories < 2:
            raise ParameterError(f"trajectories: got {trajectories}, expected an integer >= 2")
        if levels < 2 or levels % 2:
            raise ParameterError(f"levels: got {levels}, expected an even integer >= 2")

    def samples(self) -> np.ndarray:
        from SALib.sample import morris

        return morris.sample(self.problem, self.trajectories, num_levels=self.levels,
                             seed=self.seed)

    @property
    def size(self) -> int:
        return self.trajectories * (len(self.ranges) + 1)

    def describe(self) -> dict[str, Any]:
        return {**super().describe(), "ranges": self.ranges,
                "trajectories": self.trajectories, "levels": self.levels,
                "sample_seed": self.seed}
