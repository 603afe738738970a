"""CoalitionModel: construction, rules changed mid-run, the kept negotiation, the views."""

import numpy as np
import pandas as pd
import pytest

from abm import CoalitionModel, Nation
from abm.model import model as model_module
from abm.scenarios.parameters import ParameterError


def frames(model, steps):
    model.run_for(steps)
    return model.model_frame(), model.nation_frame()


def test_a_model_is_a_mesa_model_of_nation_agents():
    model = CoalitionModel(rng=3, n_nations=6)
    assert model.n == 6 and len(model.agents) == 6
    assert all(isinstance(a, Nation) for a in model.agents)
    assert [a.index for a in model.nations] == list(range(6))
    model.run_for(2)
    assert model.steps == 2 and model.seed == 3


def test_views_show_the_state_and_world():
    model = CoalitionModel(rng=2, n_nations=5)
    model.run_for(3)
    assert model.trust is model.state.trust and model.member is model.state.member
    assert model.gdp is model.world.gdp and model.capacity.shape == (5, 3)
    assert model.payoff is model.state.payoff and model.belief is model.state.belief


def test_without_a_seed_a_model_draws_one_and_records_it():
    model = CoalitionModel(n_nations=4)
    again = CoalitionModel(rng=model.seed, n_nations=4)
    pd.testing.assert_frame_equal(frames(model, 3)[0], frames(again, 3)[0])


def test_changing_rules_before_the_first_step_equals_making_the_model_with_them():
    made = CoalitionModel(rng=4, monitoring=0.9, sanction_rate=1.0, burden_rule="assessed")
    changed = CoalitionModel(rng=4)
    changed.change(monitoring=0.9, sanction_rate=1.0, burden_rule="assessed")
    pd.testing.assert_frame_equal(frames(made, 5)[0], frames(changed, 5)[0])


def test_a_rule_changed_mid_run_applies_from_the_next_cycle():
    plain, changed = CoalitionModel(rng=4), CoalitionModel(rng=4)
    plain.run_for(3)
    changed.run_for(3)
    changed.change(burden_rule="assessed", sanction_rate=2.0)
    assert changed.p["sanction_rate"] == 2.0 and changed.p["burden_rule"] == "assessed"
    a, b = frames(plain, 3)[0], frames(changed, 3)[0]
    pd.testing.assert_frame_equal(a.iloc[:3], b.iloc[:3])
    assert not a.iloc[3:].equals(b.iloc[3:])


def test_changing_a_population_parameter_mid_run_is_a_clear_error():
    model = CoalitionModel(rng=4)
    with pytest.raises(ParameterError, match=r"^inequality: fixed once the model is made"):
        model.change(inequality=2.0)
    with pytest.raises(ParameterError, match=r"^monitoring: got 3"):
        model.change(monitoring=3)


def scripted(model):
    """Eight cycles, a change of rules with imitation on, eight more, another change, nine more."""
    model.run_for(8)
    model.change(sanction_rate=1.0, imitation=0.3)
    model.run_for(8)
    model.change(burden_rule="assessed", imitation=0.0, monitoring=0.9)
    model.run_for(9)
    return model.model_frame(), model.nation_frame()


@pytest.mark.parametrize(("preset", "params", "seed", "exercised"), [
    ("trust_collapse", {"rejoin": True, "n_missions": 2, "mission_duration": 4,
                        "vote_suspension": True, "burden_rule": "assessed",
                        "exit_trust": 0.35}, 1,
     ("exits", "rejoins")),
    ("public_goods_lab", {"rematch": False, "exit_patience": 1, "exit_payoff": 1.2,
                          "n_nations": 40}, 1, ("exits",)),  # groups formed once
    ("trust_collapse", {}, 1, ("exits",)),
    ("peacekeeping", {}, 2, ()),  # missions end every 8 cycles and are replaced
])
def test_the_kept_caches_equal_making_them_every_cycle(monkeypatch, preset, params, seed,
                                                       exercised):
    """Every change the negotiation and the contribution schedules depend on drops them: a
    model that makes both anew every cycle gives exactly the same run."""
    expected = scripted(CoalitionModel.from_preset(preset, rng=seed, **params))
    for column in exercised:  # the scenario does exercise what it is here for
        assert expected[0][column].sum() > 0, column

    original_step = model_module.CoalitionModel.step

    def step_afresh(self):
        self._negotiated = self._schedules = None
        original_step(self)

    monkeypatch.setattr(model_module.CoalitionModel, "step", step_afresh)
    actual = scripted(CoalitionModel.from_preset(preset, rng=seed, **params))
    pd.testing.assert_frame_equal(expected[0], actual[0], check_exact=True)
    pd.testing.assert_frame_equal(expected[1], actual[1], check_exact=True)


def test_article_19_the_vote_at_stake_deters_reneging_by_its_worth():
    """Under Article 19, a member whose arrears would reach the limit if it paid nothing
    expects to lose, per unit withheld, its vote per unit of its fair share (its voice plus
    ``vote_worth`` assessments), times the chance it has learned that arrears are seen."""
    models = [CoalitionModel.from_preset("peacekeeping", rng=1, vote_worth=worth)
              for worth in (0.0, 3.0)]
    for model in models:
        model.run_for(1)  # (no arrears yet: both runs are the same so far)
    plain, worthy = models
    np.testing.assert_array_equal(plain.state.detection_belief, worthy.state.detection_belief)
    terms = plain._negotiated.terms
    for model in models:
        model.state.arrears = np.where(np.arange(model.n) % 2 == 0, 1.5, 0.5) * terms.assessment
    at_stake = (np.arange(plain.n) % 2 == 0) & (terms.assessment > 0)
    extra = worthy.deterrent() - plain.deterrent()
    expected = (plain.state.detection_belief * 3.0 * terms.assessment
                / np.maximum(terms.fair_total, 1e-300))
    np.testing.assert_allclose(extra[at_stake], expected[at_stake], rtol=1e-12)
    np.testing.assert_array_equal(extra[~at_stake], 0.0)
    assert at_stake.sum() > 5 and (expected[at_stake] > 0).all()


def test_exits_and_ended_missions_drop_the_kept_negotiation():
    # (Without Article 19: a vote suspended or restored also drops it.)
    model = CoalitionModel.from_preset("peacekeeping", rng=1, vote_suspension=False)
    model.run_for(1)
    kept = model._negotiated
    model.run_for(1)
    assert model._negotiated is kept  # nothing changed
    model.run_for(7)  # the missions' duration (8) ends
    assert model._negotiated is not kept
    collapse = CoalitionModel.from_preset("trust_collapse", rng=2)
    for _ in range(40):
        before = collapse._negotiated
        collapse.step()
        if collapse.metrics["exits"]:
            assert collapse._negotiated is None and before is not None
            break
    else:
        pytest.fail("no exit in 40 cycles of trust_collapse")


def test_recorded_arrays_never_change_afterwards():
    model = CoalitionModel.from_preset("trust_collapse", rng=3, gossip=0.3)
    model.run_for(5)
    first = [a.copy() for a in model.recorder.raw[0]]
    model.run_for(10)
    assert all(np.array_equal(a, b) for a, b in zip(first, model.recorder.raw[0], strict=True))
