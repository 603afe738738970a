"""Side-payments: donors buy the troops a mission lacks from trusted providers."""

import numpy as np
import pytest

from abm import CoalitionModel
from abm.model.phases import side_payments
from abm.model.phases.conference import Schedules
from abm.model.phases.negotiation import negotiate_mandates
from abm.model.phases.pledging import negotiated_terms, open_conference, pledge
from abm.model.phases.side_payments import expected_troops, make_deals, market_opens

from ...property import hand_built


def test_expected_troops_discount_the_others_pledges_by_trust():
    pledge = np.zeros((1, 3, 3))
    pledge[0, :, 1] = [10.0, 20.0, 30.0]
    trust = np.array([[0.0, 1.0, 0.5], [0.0, 0.0, 0.0], [1.0, 1.0, 0.0]])
    assert expected_troops(pledge, trust).tolist() == [[45.0, 20.0, 60.0]]


def test_a_market_opens_only_when_troops_are_expected_to_fall_short_and_deals_balance():
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
    part = mandates.part
    assert market_opens(p, pledges, missions.requirement, state.trust, part)
    assert not market_opens({**p, "side_payments": False}, pledges, missions.requirement,
                            state.trust, part)
    # Full trust in pledges that meet the requirement: nobody expects a gap.
    full = np.ones_like(state.trust) - np.eye(world.n)
    enough = type(pledges)(pledges.pledge * 0 + missions.requirement[:, None, :] / world.n,
                           missions.requirement.copy(), None)
    assert not market_opens(p, enough, missions.requirement, full, part)
    spare = world.capacity[:, 1] - pledges.pledge[:, :, 1].sum(axis=0)
    deals = make_deals(pledges, mandates, terms, missions, state.trust, world.capacity,
                       model.nations, model.rng, until=5)
    assert deals.until == 5
    assert deals.paid.sum() > 0
    assert abs(deals.paid.sum() - deals.received.sum()) <= 1e-12 * deals.paid.sum()
    bought = deals.troops
    assert (bought >= 0).all() and (bought.sum(axis=0) > 0).tolist() == (
        deals.received > 0).tolist()
    assert (bought.sum(axis=0) <= spare + 1e-9).all()  # only spare troops are bought
    # Nobody buys more than closes the gap it expects.
    with_deals, paid, received = deals.apply(pledges.pledge, world.capacity)
    assert paid.sum() == pytest.approx(deals.paid.sum())
    assert (expected_troops(with_deals, state.trust) * part
            <= np.maximum(missions.requirement[:, 1, None],
                          expected_troops(pledges.pledge, state.trust)) * part + 1e-6).all()


def test_side_payments_are_transfers_over_a_run(monkeypatch):
    """Whatever donors pay, providers receive: summed over a run, the money balances, and
    the model frame reports what was paid."""
    paid = received = 0.0
    apply = side_payments.Deals.apply

    def spy(self, *args):
        nonlocal paid, received
        out = apply(self, *args)
        paid += out[1].sum()
        received += out[2].sum()
        return out

    monkeypatch.setattr(side_payments.Deals, "apply", spy)
    model = CoalitionModel(rng=4, req_troops=0.9, troop_cost_factor=15.0)
    model.run_for(20)
    assert paid > 0
    assert abs(paid - received) <= 1e-9 * paid
    assert model.model_frame()["side_payments"].sum() == pytest.approx(paid, rel=1e-9)


@pytest.mark.parametrize("term", [1, 4])
def test_deals_run_for_their_term_unless_the_mandate_changes(monkeypatch, term):
    """The market opens when the deals in force lapse, every ``deal_term`` cycles here
    (default: missions and members stay), and again at once when the rules change."""
    struck = []

    def spy(*args):
        deals = make_deals(*args)
        struck.append(model.steps)
        return deals

    monkeypatch.setattr(side_payments, "make_deals", spy)
    model = CoalitionModel(rng=4, req_troops=0.9, troop_cost_factor=15.0, deal_term=term,
                           exit_patience=0)
    model.run_for(12)
    assert struck == list(range(1, 13, term))
    model.change(monitoring=0.5)
    model.run_for(1)
    assert struck[-1] == 13


def test_no_side_payments_where_troops_are_not_required():
    p, world, rules, state = hand_built(req_troops=0.0)
    mandates = negotiate_mandates(world, state.missions, state.member, p, rules)
    terms = negotiated_terms(world, state.missions, mandates, p, rules)
    conference = open_conference(world, state.missions, mandates, terms, p)
    schedules = Schedules(state.strategy, 0.745, 0.5, 0.6)
    pledges = pledge(conference, terms, mandates, state.missions, state, world.capacity,
                     schedules, np.zeros(world.n), p)
    assert not market_opens(p, pledges, state.missions.requirement, state.trust, mandates.part)


def test_deals_lapse_when_their_missions_end(monkeypatch):
    struck = []

    def spy(*args):
        struck.append(model.steps)
        return make_deals(*args)

    monkeypatch.setattr(side_payments, "make_deals", spy)
    model = CoalitionModel(rng=4, req_troops=0.9, troop_cost_factor=15.0, deal_term=50,
                           exit_patience=0, mission_duration=3)
    model.run_for(10)
    assert struck[0] == 1 and len(struck) > 1  # struck anew for the missions that follow


def test_donors_never_pay_more_than_the_money_they_have_left(monkeypatch):
    """A deal struck within a donor's budget may outrun it when the donor pledges more money
    later: it then pays what it can, and its providers supply that share."""
    apply = side_payments.Deals.apply
    short = []

    def spy(self, pledge, capacity):
        out, paid, received = apply(self, pledge, capacity)
        left = capacity[:, 0] - pledge[:, :, 0].sum(axis=0)
        assert (paid <= np.maximum(left, 0.0) + 1e-9).all()
        assert (out[:, :, 1].sum(axis=0) <= capacity[:, 1] + 1e-9).all()
        short.append(bool((self.paid > left + 1e-9).any()))
        return out, paid, received

    monkeypatch.setattr(side_payments.Deals, "apply", spy)
    for seed in range(3):
        CoalitionModel(rng=seed, req_troops=0.9, troop_cost_factor=15.0).run_for(30)
    assert any(short)  # the case arose
