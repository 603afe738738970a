"""The Nation agent: a readable view of its own entries, and what a person playing it does."""

import numpy as np
import pytest

from abm import CoalitionModel
from abm.model.phases.conference import social_ratio
from abm.model.phases.delivery import renege_probability


def test_nation_agent_reads_the_model_state():
    model = CoalitionModel(rng=3, n_nations=6)
    model.run_for(2)
    nation = model.nations[4]
    assert nation.gdp == model.gdp[4] and nation.member == model.member[4]
    assert nation.name == model.names[4] and nation.region == model.region[4]
    assert nation.capacity["troops"] == model.capacity[4, 1]
    assert (nation.trust == model.trust[4]).all()
    assert nation.trust_received == pytest.approx(np.delete(model.trust[:, 4], 4).mean())
    assert nation.reciprocal_ratio(0.5) == pytest.approx(float(social_ratio(
        model.strategy[4:5], np.array([0.5]), 0.745, 0.5, 0.6)[0]))
    unwilling = 1.0 - min(float(social_ratio(model.strategy[4:5], np.array([1.0]), 0.745, 0.5,
                                              0.6)[0]), 1.0)
    assert nation.renege_probability() == pytest.approx(float(renege_probability(
        1.2, np.array([unwilling]), model.state.will[4:5], model.state.partner_trust[4:5],
        model.state.detection_belief[4:5] * 1.0)[0]))
    assert nation.payoff == model.payoff[4] and nation.political_will == model.state.will[4]


def test_a_played_nation_pledges_what_it_is_told():
    model = CoalitionModel(rng=5, n_nations=10, divergence=0.0, renege_propensity=0.0)
    nation = model.nations[0]
    nation.set_pledge(funds=0.0, troops=0.0, enablers=0.0)
    model.run_for(3)
    last = model.nation_frame().query("nation == @nation.name").iloc[-1]
    assert last["pledge_funds"] == last["pledge_troops"] == last["pledge_enablers"] == 0.0
    nation.clear_pledge()
    assert not model.state.played


@pytest.mark.parametrize("offer", [{"money": 3}, {"funds": -1.0}, {"troops": float("nan")}])
def test_a_bad_pledge_is_refused(offer):
    nation = CoalitionModel(rng=5, n_nations=4).nations[1]
    with pytest.raises(ValueError, match="^set_pledge: "):
        nation.set_pledge(**offer)


def _punishing(below=0.0, targets=(), share=1.0, seed=3):
    model = CoalitionModel(rng=seed, n_nations=6, peer_punishment=True, monitoring=1.0)
    model.nations[0].set_punishment(share, targets=targets, below=below)
    model.step()
    fair = model.nation_frame()["fair_share"].to_numpy()
    return model.state.spent[0], fair, model.p["punishment_cap"]


def test_a_punishing_player_spends_its_chosen_share_of_the_cap_on_each_partner_it_punishes():
    spent, fair, cap = _punishing(below=10.0, share=0.6)  # everyone gives less than 10x
    assert (spent > 0).any()
    punished = spent > 0
    np.testing.assert_allclose(spent[punished], 0.6 * cap * fair[punished])


def test_a_player_who_chooses_nobody_punishes_nobody():
    spent, _fair, _cap = _punishing(below=0.0, targets=())
    assert not spent.any()


def test_a_players_threshold_punishes_only_those_below_it():
    """(Without side-payments, the frame's contribution ratio is the one punishers judge.)"""
    reached = 0
    for seed in range(5):
        model = CoalitionModel(rng=seed, n_nations=8, peer_punishment=True, monitoring=1.0,
                               side_payments=False)
        model.nations[0].set_punishment(1.0, below=0.8)
        model.step()
        ratio = np.nan_to_num(model.nation_frame()["contribution_ratio"].to_numpy(), nan=1.0)
        spent = model.state.spent[0]
        assert not spent[ratio >= 0.8].any()
        reached += int((spent > 0).sum())
    assert reached > 0


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"share": 1.5}, "share 1.5 is outside"), ({"share": 1, "targets": [0]}, "target 0"),
    ({"share": 1, "targets": [6]}, "target 6"), ({"share": 1, "below": -1}, "below -1")])
def test_a_bad_punishment_is_refused(kwargs, message):
    model = CoalitionModel(rng=1, n_nations=6)
    with pytest.raises(ValueError, match=message):
        model.nations[0].set_punishment(**kwargs)
