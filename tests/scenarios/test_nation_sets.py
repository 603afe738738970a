"""The data-built nation sets (abm/scenarios/nation_sets.py)."""

import pytest

import abm
from abm.scenarios import nation_sets as scenarios
from abm.scenarios.datasets import DataError
from abm.scenarios.presets import preset_params


def test_committed_nation_sets_are_what_the_builders_make(tmp_path):
    for path in scenarios.write_all(tmp_path):
        assert path.read_bytes() == (scenarios.NATIONS / path.name).read_bytes(), (
            f"{path.name} is stale: run python -m abm.scenarios.nation_sets")


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
