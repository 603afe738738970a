"""Side-payments: donors buy the troops a mission lacks from trusted providers."""

import numpy as np
import pytest

from abm import CoalitionModel
from abm.model.phases import side_payments
from abm.model.phases.conference import Schedules
from abm.model.phases.negotiation import negotiate_mandates
from abm.model.phases.pledging import negotiated_terms, open_conference, pledge
from abm.model.phases.side_payments import make_deals, market_opens, troop_gap_value

from ...property import hand_built


def test_troop_gap_and_the_effectiveness_closing_it_adds():
    gap, gain = troop_gap_value(np.array([[4.0, 10.0, 0.0]]), np.array([[4.0, 10.0, 0.0]]),
                                np.array([[0.5, 0.5, 0.0]]))
    assert gap.tolist() == [0.0] and gain.tolist() == [0.0]


def test_a_market_opens_only_when_troops_fall_short_and_deals_balance():
    model = CoalitionModel(rng=4, req_troops=0.9, troop_cost_factor=15.0, n_nations=12)
    p, world, rules, state = model.p, model.world, model.rules, model.state
    missions = state.missions
    mandates = negotiate_mandates(world, missions, state.member, p, rules)
    terms = negotiated_terms(world, missions, mandates, p, rules)
    conference = open_conference(world, missions, mandates, terms, p)
    schedules = Schedules(state.strategy, p["cc_slope"], p["hump_peak"],
                          p["unconditional_level"])
    pledges = pledge(conference, terms, mandates, missions, state, world.capacity, schedules,
                     np.zeros(world.n), p)
    assert market_opens(p, pledges, missions.requirement)
    assert not market_opens({**p, "side_payments": False}, pledges, missions.requirement)
    deals = make_deals(pledges, mandates, terms, missions, model.nations, model.random)
    assert deals.paid.sum() > 0
    assert abs(deals.paid.sum() - deals.received.sum()) <= 1e-12 * deals.paid.sum()
    bought = deals.pledge[:, :, 1] - pledges.pledge[:, :, 1]
    assert (bought >= 0).all() and (bought.sum(axis=0) > 0).tolist() == (
        deals.received > 0).tolist()
    assert (deals.pledge[:, :, 1].sum(axis=1) <= missions.requirement[:, 1] + 1e-9).all()


def test_side_payments_are_transfers_over_a_run(monkeypatch):
    """Whatever donors pay, providers receive: summed over a run, the money balances."""
    paid = received = 0.0

    def spy(*args):
        nonlocal paid, received
        deals = make_deals(*args)
        paid += deals.paid.sum()
        received += deals.received.sum()
        return deals

    monkeypatch.setattr(side_payments, "make_deals", spy)
    model = CoalitionModel(rng=4, req_troops=0.9, troop_cost_factor=15.0)
    model.run_for(20)
    assert paid > 0
    assert abs(paid - received) <= 1e-9 * paid
    assert model.model_frame()["side_payments"].sum() == pytest.approx(paid, rel=1e-9)


def test_no_side_payments_where_troops_are_not_required():
    p, world, rules, state = hand_built(req_troops=0.0)
    mandates = negotiate_mandates(world, state.missions, state.member, p, rules)
    terms = negotiated_terms(world, state.missions, mandates, p, rules)
    conference = open_conference(world, state.missions, mandates, terms, p)
    schedules = Schedules(state.strategy, 0.745, 0.5, 0.6)
    pledges = pledge(conference, terms, mandates, state.missions, state, world.capacity,
                     schedules, np.zeros(world.n), p)
    assert not market_opens(p, pledges, state.missions.requirement)
