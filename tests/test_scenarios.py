"""The data-built nation sets (abm/scenarios.py) and the budget inertia they rely on."""

import numpy as np
import pandas as pd
import pytest

import abm
from abm import scenarios
from abm.datasets import DataError
from abm.presets import preset_params


def test_committed_nation_sets_are_what_the_builders_make(tmp_path):
    for path in scenarios.write_all(tmp_path):
        assert path.read_bytes() == (scenarios.NATIONS / path.name).read_bytes(), (
            f"{path.name} is stale: run python -m abm.scenarios")


def test_nato_2014_holds_the_31_allies_with_their_2014_budgets():
    allies = scenarios.nato_2014()
    assert len(allies) == 31 and "ISL" not in set(allies["iso3"])
    us = allies.set_index("iso3").loc["USA"]
    assert us["funds_start"] == pytest.approx(0.0371)
    assert 17_000 < us["gdp"] < 18_000  # bn USD, 2014
    assert (allies["funds_start"] < 0.05).all()  # below the calibrated capacity


def test_un_members_exclude_aggregates_and_territories():
    members = scenarios.un_members_2019()
    codes = set(members["iso3"])
    assert 180 <= len(members) <= 193
    assert not codes & (scenarios.WORLD_BANK_AGGREGATES | scenarios.NOT_UN_MEMBERS)
    assert {"USA", "CHN", "JPN", "DEU", "BGD", "NPL", "IND"} <= codes
    assert members["gdp"].sum() < 90_000  # the world's GDP in 2019 was about 87 tn USD


def test_a_nation_set_is_named_in_nations_file():
    model = abm.CoalitionModel(rng=1, **preset_params("nato_2014"))
    assert model.n == 31 and "United States" in set(model.names)


def test_unknown_nation_set_is_one_clear_error():
    with pytest.raises(DataError, match=r"nations_file: 'nato_1949' does not exist, expected a "
                                        r"CSV file or one of nato_2014, un_members_2019$"):
        abm.CoalitionModel(rng=1, nations_file="nato_1949")


def _funds(params, seed=5, steps=1):
    model = abm.CoalitionModel(rng=seed, **params)
    model.run_for(steps)
    frame = model.nation_frame()
    return model, frame.pivot(index="step", columns="nation", values="pledge_funds")


def test_budget_inertia_is_partial_adjustment_from_the_start(tmp_path):
    """Exact: the first pledge is inertia x start + (1 - inertia) x the unanchored pledge."""
    nations = pd.DataFrame({"name": list("ABCDEF"), "gdp": [900.0, 300, 100, 50, 20, 10],
                            "population": [1e8, 5e7, 2e7, 1e7, 5e6, 2e6],
                            "funds_start": [0.03, 0.0, 0.02, 0.04, 0.01, 0.0]})
    path = tmp_path / "nations.csv"
    nations.to_csv(path, index=False)
    base = preset_params("alliance", {"nations_file": str(path), "n_regions": 1})
    model, free = _funds({**base, "budget_inertia": 0.0})
    _, anchored = _funds({**base, "budget_inertia": 0.7})
    start = np.minimum(nations["funds_start"] * nations["gdp"], model.capacity[:, 0])
    expected = 0.7 * start.to_numpy() + 0.3 * free.loc[1, list("ABCDEF")].to_numpy()
    np.testing.assert_allclose(anchored.loc[1, list("ABCDEF")].to_numpy(), expected)


def test_more_budget_inertia_keeps_the_2014_pattern_longer():
    """Directional, averaged over seeds: the rank correlation with the 2014 budgets after
    five cycles rises with inertia."""
    real = scenarios.nato_2014().set_index("name")["funds_start"]

    def kept(inertia):
        values = []
        for seed in range(6):
            model, _ = _funds(preset_params("nato_2014", {"budget_inertia": inertia}), seed,
                              steps=5)
            frame = model.nation_frame()
            burden = frame[frame["step"] == 5].set_index("nation")["burden"]
            values.append(abm.metrics.spearman(burden.reindex(real.index).to_numpy(),
                                               real.to_numpy()))
        return np.mean(values)

    assert kept(0.0) < kept(0.5) < kept(0.9)
