"""The classroom charts: updating one in place draws exactly what a fresh one draws."""

import numpy as np
import pytest

from abm.classroom.charts import BurdenChart, NetworkChart, SeriesChart, contribution_ratio
from abm.classroom.lesson import ClassroomModel

CHARTS = {
    "network by contribution": lambda m: NetworkChart(m, "contribution"),
    "network by strategy": lambda m: NetworkChart(m, "strategy"),
    "series": SeriesChart,
    "burden": BurdenChart,
}


@pytest.mark.parametrize("make", CHARTS.values(), ids=CHARTS.keys())
@pytest.mark.parametrize("preset", ["trust_collapse", "peacekeeping"])
def test_an_updated_chart_equals_a_fresh_one(make, preset):
    # trust_collapse: every nation leaves at cycle 18; a student plays, then stops playing
    model = ClassroomModel(preset=preset, rng=42)
    kept = make(model)
    kept.png()  # drawn at cycle 0
    model.player = 5
    for _ in range(4):
        model.run_for(5)
        kept.png()
    model.player = None
    model.step()
    assert kept.png() == make(model).png()


def test_the_network_shows_exits_and_the_player():
    # Membership worth nothing to anyone (exit_payoff 100): everybody leaves.
    model = ClassroomModel(preset="trust_collapse", rng=42, setup={"exit_payoff": 100.0})
    model.run_for(18)
    model.player = 3
    chart = NetworkChart(model)
    chart.update()
    assert len(chart.nodes.get_offsets()) == model.member.sum() == 0
    assert len(chart.exits.get_offsets()) == model.n
    assert chart.you.get_visible()
    np.testing.assert_array_equal(chart.ring.get_offsets()[0], chart.xy[3])


def test_burden_bars_are_contributions_over_gdp_sorted_by_gdp():
    model = ClassroomModel(preset="alliance", rng=1)
    model.run_for(3)
    chart = BurdenChart(model)
    chart.update()
    heights = np.array([bar.get_height() for bar in chart.bars])
    expected = 100 * model.recorder.stacked()["contribution"][-1] / model.gdp
    np.testing.assert_allclose(heights, expected[np.argsort(model.gdp)])


def test_contribution_ratio_is_one_before_the_first_cycle_and_for_nations_owing_nothing():
    model = ClassroomModel(preset="alliance", rng=1)
    np.testing.assert_array_equal(contribution_ratio(model), np.ones(model.n))
    model.step()
    last = model.recorder.stacked()
    owes = last["fair_share"][-1] > 0
    ratio = contribution_ratio(model)
    np.testing.assert_allclose(ratio[owes], last["contribution"][-1][owes]
                               / last["fair_share"][-1][owes])
    assert (ratio[~owes] == 1).all()
