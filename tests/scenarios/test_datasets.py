"""The shipped data: each file loads, holds what its source says, and bad files fail clearly."""

import pytest

from abm.scenarios import datasets
from abm.scenarios.datasets import DATA, DataError


def test_shipped_files_load_with_their_provenance():
    sources = (DATA / "SOURCES.md").read_text()
    for name in ("world_bank_gdp_population.csv", "nato_defence_pct_gdp.csv",
                 "un_peacekeeping.csv", "public_goods_fg2010.csv"):
        assert name in sources
    nato = datasets.nato_defence()
    assert len(nato) == 31 and (nato["pct_gdp_2014"] >= 2.0).sum() == 3
    assert (nato["pct_gdp_2024e"] >= 2.0).sum() == 23
    lab = datasets.public_goods()
    assert list(lab["period"]) == list(range(1, 11))
    assert lab["mean_contribution_pct_endowment"].iloc[0] == 39.4
    un = datasets.un_peacekeeping()
    assert set(un["kind"]) == set(datasets.UN_KINDS)
    world = datasets.world_bank()
    allies = world[(world["year"] == 2014) & world["iso3"].isin(nato["iso3"])]
    assert len(allies) == 31  # every ally has a 2014 GDP and population


@pytest.mark.parametrize("text, message", [
    (None, "does not exist"),
    ("period,mean_contribution_pct_endowment\n1,30\n2,20\n", "lacks column"),
    ("period,mean_contribution_pct_endowment,mean_belief_tokens_of_20\n1,30,9\n2,130,8\n",
     "column mean_contribution_pct_endowment row 3 is 130"),
    ("period,mean_contribution_pct_endowment,mean_belief_tokens_of_20\n1,30,x\n2,20,8\n",
     "column mean_belief_tokens_of_20 row 2"),
    ("period,mean_contribution_pct_endowment,mean_belief_tokens_of_20\n1,30,9\n", "1 row"),
])
def test_a_bad_file_is_one_clear_error(tmp_path, text, message):
    path = tmp_path / "lab.csv"
    if text is not None:
        path.write_text(text)
    with pytest.raises(DataError, match="^public_goods_fg2010: .*" + message) as err:
        datasets.public_goods(path)
    assert "\n" not in str(err.value)


def test_unknown_kinds_are_named(tmp_path):
    path = tmp_path / "un.csv"
    path.write_text("kind,country,iso3,period,value,unit\nshare,X,XXX,2020,1,percent\n")
    with pytest.raises(DataError, match="column kind row 2 is 'share', expected one of"):
        datasets.un_peacekeeping(path)


def test_binary_garbage_is_not_a_csv(tmp_path):
    path = tmp_path / "nato.csv"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(DataError, match="^nato_defence_pct_gdp: "):
        datasets.nato_defence(path)
