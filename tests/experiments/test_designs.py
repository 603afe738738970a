"""Experiment designs: sizes, strata, checks, and the seeds of runs."""

import pytest

from abm.experiments.designs import (
    FullFactorial,
    LatinHypercube,
    ParameterSets,
    SobolSample,
    run_seed,
)
from abm.experiments.sweep import Experiment
from abm.scenarios.parameters import ParameterError


def small(name="t", replicates=2, steps=8, **kwargs):
    design = FullFactorial({"monitoring": [0.1, 0.9], "n_nations": [6, 9]},
                           replicates=replicates)
    return Experiment(name, design, preset="default", steps=steps, seed=7, **kwargs)


def test_design_sizes():
    assert FullFactorial({"monitoring": [0, 1], "mpcr": [0.1, 0.2, 0.3]}, 4).runs == 24
    assert ParameterSets([{"mpcr": 0.2}, {}], replicates=3).runs == 6
    lhs = LatinHypercube({"monitoring": (0.0, 1.0), "n_nations": (5, 50)}, samples=10)
    points = list(lhs.points())
    assert len(points) == lhs.size == 10
    assert all(isinstance(p["n_nations"], int) and 5 <= p["n_nations"] <= 50 for p in points)
    # Latin hypercube: one sample in each of the 10 strata of every dimension
    strata = sorted(int(p["monitoring"] * 10) for p in points)
    assert strata == list(range(10))
    sobol = SobolSample({"monitoring": (0.0, 1.0), "mpcr": (0.1, 2.0), "tolerance": (0, 1)},
                        base=8, replicates=2)
    assert sobol.size == 8 * 5 and len(list(sobol.points())) == sobol.size
    assert sobol.runs == 80


@pytest.mark.parametrize("bad, field", [
    (lambda: FullFactorial({"nope": [1]}), "nope"),
    (lambda: FullFactorial({"mpcr": []}), "mpcr"),
    (lambda: FullFactorial({"mpcr": [1]}, replicates=0), "replicates"),
    (lambda: LatinHypercube({"mpcr": (0.0, 99.0)}, samples=4), "mpcr"),
    (lambda: SobolSample({"mpcr": (0.1, 1.0)}, base=10), "base"),
    (lambda: list(small(fixed={"mpcr": 99}).specs()), "mpcr"),
    (lambda: small(fixed={"monitoring": 0.5}), "fixed"),  # fixed and varied at once
])
def test_bad_designs_name_the_field(bad, field):
    with pytest.raises(ParameterError, match=f"^{field}"):
        bad()


def test_seeds_come_from_the_experiment_seed_and_the_run_key():
    specs = list(small(replicates=3).specs())
    assert len({s.key for s in specs}) == len(specs) == 12
    assert len({s.seed for s in specs}) == len(specs)
    spec = specs[5]
    assert spec.seed == run_seed(7, spec.point, spec.replicate)
    # the same experiment gives the same runs; another experiment seed gives other seeds
    assert [s.key for s in small(replicates=3).specs()] == [s.key for s in specs]
    other = Experiment("t", small().design, steps=8, seed=8)
    assert {s.seed for s in other.specs()}.isdisjoint({s.seed for s in specs})
    common = list(small(common_random_numbers=True).specs())
    assert {s.seed for s in common if s.replicate == 0} == {run_seed(7, 0, 0, True)}


def test_a_design_describes_itself_for_the_manifest():
    described = FullFactorial({"monitoring": [0.1, 0.9]}, replicates=3).describe()
    assert described == {"design": "FullFactorial", "points": 2, "replicates": 3,
                         "factors": {"monitoring": [0.1, 0.9]}}
    assert LatinHypercube({"mpcr": (0.1, 1.0)}, samples=4, seed=2).describe()["sample_seed"] == 2
