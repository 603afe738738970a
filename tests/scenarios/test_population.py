"""Who the nations are: drawn from the parameters, or read (and checked) from a nations file."""

import numpy as np
import pytest

import abm
from abm.scenarios.datasets import DataError
from abm.scenarios.kinds import STRATEGIES
from abm.scenarios.parameters import ParameterError, validate
from abm.scenarios.population import assign_strategies, generate, read_nations_file


@pytest.mark.parametrize("n", [1, 7, 30, 101])
def test_strategy_quotas_are_met_as_closely_as_n_allows(n):
    shares = [0.55, 0.23, 0.12, 0.10]
    codes = assign_strategies(n, shares, np.random.default_rng(1))
    counts = np.bincount(codes, minlength=4)
    assert counts.sum() == n
    assert (np.abs(counts - np.array(shares) * n) < 1).all()


def test_generated_nations_follow_the_parameters():
    p = validate({"n_nations": 400, "inequality": 0.0, "income_spread": 0.0, "n_regions": 3,
                  "divergence": 0.0, "dimensions": 2})
    traits = generate(p, np.random.default_rng(2))
    assert len(traits.gdp) == 400 and np.allclose(traits.gdp, p["gdp_median"])
    assert np.allclose(traits.gdp_per_capita, p["income_median"])
    assert set(traits.region) == {0, 1, 2}
    assert traits.position.shape == (400, 2) and not traits.position.any()
    assert traits.name[0] == "N000" and len(set(traits.name)) == 400


def test_the_same_generator_state_gives_the_same_nations():
    p = validate({})
    a, b = (generate(p, np.random.default_rng(5)) for _ in range(2))
    assert all(np.array_equal(getattr(a, k), getattr(b, k)) for k in
               ("gdp", "population", "region", "position", "salience", "strategy"))


def test_malformed_nations_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "nations.csv"
    bad.write_text("name,gdp,population\nA,100,5e6\nB,-3,1e6\n")
    with pytest.raises(ParameterError, match="nations_file: column gdp row 3"):
        abm.CoalitionModel(rng=1, nations_file=str(bad))
    bad.write_text("name,size\nA,1\nB,2\n")
    with pytest.raises(ParameterError, match="lacks column"):
        abm.CoalitionModel(rng=1, nations_file=str(bad))
    bad.write_text("name,gdp,population,strategy\nA,1,1e6,saint\nB,2,1e6,hump\n")
    with pytest.raises(DataError, match="column strategy row 2 is 'saint', expected one of"):
        read_nations_file(bad)


def test_nations_file_sets_the_nations(tmp_path):
    good = tmp_path / "nations.csv"
    good.write_text("name,gdp,population,strategy,region\nA,1000,5e7,conditional,0\n"
                    "B,50,1e7,free_rider,1\nC,10,4e6,hump,1\n")
    model = abm.CoalitionModel(rng=1, nations_file=str(good))
    assert model.n == 3 and [n.name for n in model.nations] == ["A", "B", "C"]
    assert [n.strategy for n in model.nations] == ["conditional", "free_rider", "hump"]
    assert model.region.tolist() == [0, 1, 1]
    assert set(STRATEGIES) >= {n.strategy for n in model.nations}


def test_a_region_beyond_n_regions_is_refused(tmp_path):
    path = tmp_path / "nations.csv"
    path.write_text("name,gdp,population,region\nA,10,1e6,0\nB,10,1e6,5\n")
    with pytest.raises(ParameterError, match=r"^nations_file: region 5 found, expected regions "
                                             r"in \[0, n_regions - 1 = 3\]"):
        abm.CoalitionModel(rng=1, nations_file=str(path))
