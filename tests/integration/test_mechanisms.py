"""Mechanisms move outcomes the way the design says, averaged over seeds."""

import numpy as np
import pytest

import abm
from abm.experiments.runs import run
from abm.model.metrics import spearman
from abm.model.phases import adaptation
from abm.scenarios import nation_sets
from abm.scenarios.presets import preset_params

SEEDS = range(6)


def tail_mean(column, steps=30, tail=15, **kwargs):
    return float(np.mean([run(seed=s, steps=steps, **kwargs).model_frame[column].iloc[-tail:]
                          .mean() for s in SEEDS]))


def test_more_monitoring_lowers_free_riding():
    low = tail_mean("free_riding_rate", monitoring=0.1, sanction_rate=1.0)
    high = tail_mean("free_riding_rate", monitoring=0.9, sanction_rate=1.0)
    assert high < low - 0.1


def test_stronger_sanctions_lower_free_riding():
    none = tail_mean("free_riding_rate", sanction_rate=0.0)
    strong = tail_mean("free_riding_rate", sanction_rate=2.0)
    assert strong < none - 0.2


def test_peer_punishment_sustains_cooperation_in_the_lab():
    plain = tail_mean("mean_contribution_pct", preset="public_goods_lab", steps=10, tail=3)
    punished = tail_mean("mean_contribution_pct", preset="public_goods_lab", steps=10, tail=3,
                         peer_punishment=True)
    assert punished > plain + 10


def test_higher_initial_trust_keeps_members_longer():
    # Trust is learned: the initial value is a prior that what partners deliver overrides, so
    # without rejoining it decides when the discontented leave, not whether (docs/ODD.md).
    def retention(trust):
        return np.mean([run("trust_collapse", seed=s, steps=20, initial_trust=trust)
                        .model_frame["retention"].mean() for s in range(12)])
    assert retention(0.8) > retention(0.2) + 0.1


def test_interest_divergence_raises_opt_outs():
    close = tail_mean("opt_outs", steps=10, tail=10, divergence=0.1)
    far = tail_mean("opt_outs", steps=10, tail=10, divergence=0.8)
    assert far > close + 3


def test_voluntary_alliance_exploits_the_great():
    rhos = [run("alliance", seed=s, steps=30).model_frame["exploitation_rho"].mean()
            for s in range(10)]
    assert np.mean(rhos) > 0.1
    assert np.mean(np.array(rhos) > 0) >= 0.8


def test_joint_products_weaken_exploitation():
    def rho(private):
        return np.mean([run("alliance", seed=s, steps=30, private_benefit=private,
                            salience_spread=0.5).summary["outcomes"]["exploitation_rho_tail_mean"]
                        for s in SEEDS])
    assert rho(0.9) < rho(0.0) - 0.1


def test_lab_contributions_decline_like_the_experiment():
    pct = np.mean([run("public_goods_lab", seed=s).model_frame["mean_contribution_pct"]
                   for s in range(3)], axis=0)
    assert 25 <= pct[0] <= 50
    assert pct[-1] < pct[0] - 10
    assert (np.diff(pct) < 0.5).all()


def test_peacekeeping_money_from_rich_troops_from_poor():
    nations = run("peacekeeping", seed=2, steps=30).nation_frame
    mean = nations[nations["step"] > 10].groupby("nation")[
        ["gdp", "gdp_per_capita", "delivered_funds", "delivered_troops"]].mean()
    assert spearman(mean["gdp"].to_numpy(), mean["delivered_funds"].to_numpy()) > 0.5
    assert spearman(mean["gdp_per_capita"].to_numpy(), mean["delivered_troops"].to_numpy()) < -0.2


def test_unanimity_blocks_more_than_majority():
    qmv = tail_mean("launched", steps=10, tail=10, divergence=0.5)
    unanimity = tail_mean("launched", steps=10, tail=10, divergence=0.5,
                          decision_rule="unanimity")
    assert unanimity < qmv


def test_more_budget_inertia_keeps_the_2014_pattern_longer():
    """The rank correlation with the 2014 budgets after five cycles rises with inertia."""
    real = nation_sets.nato_2014().set_index("name")["funds_start"]

    def kept(inertia):
        values = []
        for seed in range(6):
            model = abm.CoalitionModel(rng=seed, **preset_params(
                "nato_2014", {"budget_inertia": inertia}))
            model.run_for(5)
            frame = model.nation_frame()
            burden = frame[frame["step"] == 5].set_index("nation")["burden"]
            values.append(spearman(burden.reindex(real.index).to_numpy(), real.to_numpy()))
        return np.mean(values)

    assert kept(0.0) < kept(0.5) < kept(0.9)


def _regional_trust(salience):
    """In-region minus cross-region trust, and the share of the strongest mutual-trust links
    (above the median) that join nations of one region (a third by chance)."""
    gaps, shares = [], []
    for seed in range(6):
        model = abm.CoalitionModel(rng=seed, n_missions=3, n_regions=3, monitoring=0.9,
                                   regional_trust=0.3, regional_salience=salience)
        model.run_for(40)
        trust, region = model.trust, model.region
        same = region[:, None] == region[None, :]
        off = ~np.eye(len(region), dtype=bool)
        gaps.append(trust[same & off].mean() - trust[~same].mean())
        mutual = np.minimum(trust, trust.T)
        linked = (mutual > np.median(mutual[off])) & off
        shares.append((linked & same).sum() / linked.sum())
    return np.mean(gaps), np.mean(shares)


def test_blocs_follow_regions_with_strong_regional_salience_and_trust():
    # Each nation judges its partners by what it sees where it is itself deployed: with
    # salient regional missions, neighbours see each other at their best.
    flat_gap, flat_share = _regional_trust(0.0)
    gap, share = _regional_trust(5.0)
    assert gap > flat_gap + 0.02
    assert share > flat_share + 0.03  # the strongest links concentrate within regions


def test_trust_is_bilateral():
    # Observation is private: the trust placed in one partner differs between observers.
    spreads = []
    for seed in range(10):
        model = abm.CoalitionModel(rng=seed)
        model.run_for(40)
        trust = model.trust.copy()
        np.fill_diagonal(trust, np.nan)
        spreads.append(np.nanmean(np.nanstd(trust, axis=0)))
    assert np.mean(spreads) >= 0.03


def test_side_payments_close_expected_troop_gaps_in_peacekeeping():
    made = [run("peacekeeping", seed=s, steps=30).model_frame["side_payments"].gt(0).any()
            for s in range(6)]
    assert np.mean(made) > 0.5


def test_revenge_teaches_reciprocators_to_punish_less(monkeypatch):
    """Where punishment is returned (antisocial_punishment 0.5), punishers learn to expect
    counter-punishment, punish less and contributions end lower than with the expectation
    frozen at zero (Nikiforakis 2008)."""
    def lab():
        feared, spent, last = [], [], []
        for seed in range(4):
            model = abm.CoalitionModel.from_preset(
                "public_goods_lab", rng=seed, rematch=False, peer_punishment=True,
                n_nations=100, antisocial_punishment=0.5)
            total = 0.0
            for _ in range(10):
                model.step()
                total += model.state.spent.sum()
            feared.append(model.state.retaliation_belief.mean())
            spent.append(total)
            last.append(model.model_frame()["mean_contribution_pct"].iloc[-1])
        return np.mean(feared), np.mean(spent), np.mean(last)

    feared, spent, last = lab()
    monkeypatch.setattr(adaptation, "learn_retaliation", lambda belief, *args: belief)
    unfeared, unlearned_spent, unlearned_last = lab()
    assert unfeared == 0.0 < feared
    assert spent < unlearned_spent
    assert last < unlearned_last


def test_unenforced_assessments_are_free_ridden_until_sanction_and_monitoring_rise():
    """Peacekeeping (assessed, Article 19): free-riding is clearly above zero with nothing
    enforced, and falls as monitoring and the sanction rise, with every member staying."""
    def free_riding(monitoring, sanction):
        return tail_mean("free_riding_rate", preset="peacekeeping", monitoring=monitoring,
                         sanction_rate=sanction)
    unenforced = free_riding(0.0, 0.0)
    some, strong = free_riding(0.5, 1.0), free_riding(0.9, 2.0)
    assert unenforced > 0.2
    assert strong < some - 0.1 and some < unenforced
    assert tail_mean("retention", preset="peacekeeping", monitoring=0.9, sanction_rate=2.0) == 1


def test_a_hub_and_a_pooled_fund_lower_the_cost_of_pledges_so_more_enablers_are_pledged():
    """The institutions act on decisions, not on outcomes after the fact: cheaper units move
    self-interested pledges up towards where marginal benefit meets the lower cost, while
    each unit given costs the giver less."""
    def enablers_pledged(**rules):
        frames = [run(seed=s, steps=30, **rules).model_frame.iloc[-15:] for s in SEEDS]
        return np.mean([(f["pledged_enablers"] / f["required_enablers"]).mean()
                        for f in frames])

    def burden(**rules):
        return np.mean([run(seed=s, steps=30, **rules).nation_frame.query("step > 15")
                        ["contribution"].sum() for s in SEEDS])

    plain = enablers_pledged()
    hub = {"logistics_hub": True, "hub_interop": 1.0, "hub_saving": 0.5}  # its cost alone
    pooled = {"pooled_fund": 1.0, "pool_discount": 0.6}
    assert enablers_pledged(**hub) > plain + 0.03
    assert enablers_pledged(**pooled) > plain + 0.03
    assert burden(**hub) < burden() and burden(**pooled) < burden()


def test_article_19_takes_the_vote_from_chronic_non_payers_not_from_late_payers():
    """Arrears are billed and paid late; a member loses its vote only when they reach two
    cycles of its assessment, so the suspended are a minority who pay a smaller share of
    what they owe than the members who keep their vote."""
    suspended_share, paid_suspended, paid_others = [], [], []
    for seed in SEEDS:
        model = abm.CoalitionModel.from_preset("peacekeeping", rng=seed)
        ever = np.zeros(model.n, dtype=bool)
        for cycle in range(30):
            model.step()
            if cycle >= 20:
                suspended_share.append(model.state.suspended.mean())
                ever |= model.state.suspended
        ratio = (model.nation_frame().query("step > 20").groupby("nation", observed=True)
                 ["contribution_ratio"].mean().to_numpy())
        paid_suspended.append(np.nanmean(ratio[ever]))
        paid_others.append(np.nanmean(ratio[~ever]))
    assert 0.02 < np.mean(suspended_share) < 0.4
    assert np.mean(paid_suspended) < np.mean(paid_others) - 0.2


def test_article_19_deters_arrears_more_as_the_vote_is_worth_more():
    """A member about to lose its vote pays to keep it when the vote, times the chance it has
    learned that arrears are seen, is worth more than the payment: the assessments left
    unpaid fall as the vote is worth more, and lie below those of the same rules without
    Article 19 (without its vote in other business, the suspension hardly deters)."""
    def arrears(**rules):
        return np.mean([run("peacekeeping", seed=s, steps=30, **rules).model.state.arrears.sum()
                        for s in range(8)])
    without = arrears(vote_suspension=False)
    mandates_only, default, high = (arrears(vote_worth=w) for w in (0.0, 2.0, 4.0))
    assert high < default < mandates_only
    assert default < 0.8 * without and high < 0.6 * without


def test_public_reports_make_observers_agree_on_a_partner():
    """What the organisation publishes every member sees, so the trust that different
    observers place in the same partner spreads less (docs/ODD.md, section 7.9)."""
    def spread(public):
        out = []
        for seed in SEEDS:
            model = run("peacekeeping", seed=seed, steps=30, public_reports=public).model
            trust = np.where(np.eye(model.n, dtype=bool), np.nan, model.state.trust)
            out.append(np.nanmean(np.nanstd(trust, axis=0)))
        return np.mean(out)
    assert spread(True) < spread(False) - 0.005


def test_regional_trust_is_a_prior_that_experience_washes_out():
    def in_region_lead(prior, steps):
        leads = []
        for seed in SEEDS:
            model = run(seed=seed, steps=steps, regional_trust=prior).model
            region = np.asarray(model.region)
            same = (region[:, None] == region[None, :]) & ~np.eye(model.n, dtype=bool)
            leads.append(model.state.trust[same].mean()
                         - model.state.trust[region[:, None] != region[None, :]].mean())
        return np.mean(leads)
    early = in_region_lead(0.3, 3)
    assert early > in_region_lead(0.0, 3) + 0.05
    assert in_region_lead(0.3, 40) < early / 4


def test_a_later_hump_peak_raises_what_the_hump_shaped_subjects_give():
    def hump_types_early(peak):
        frames = [run("public_goods_lab", seed=s, steps=2, hump_peak=peak).nation_frame
                  for s in SEEDS]
        return np.mean([f.loc[f["strategy"] == "hump", "contribution_pct"].mean()
                        for f in frames])
    assert hump_types_early(0.5) > hump_types_early(0.2) + 8


@pytest.mark.xfail(strict=True, reason="issue 11: with punishment, strangers end above partners "
                   "(82 % against 63 % of the endowment at period 10): among partners antisocial "
                   "punishment keeps falling on the same high contributors, who learn that giving "
                   "more is punished (docs/ODD.md, section 7.9)")
def test_with_punishment_partners_end_above_strangers():
    """Fehr and Gaechter (2000): with peer punishment, groups that stay together end clearly
    above groups re-drawn every period (without it too, if less)."""
    def period_10(rematch, punishment):
        return np.mean([run("public_goods_lab", steps=10, seed=s, n_nations=200,
                            rematch=rematch, peer_punishment=punishment)
                        .model_frame["mean_contribution_pct"].iloc[-1] for s in range(3)])
    assert period_10(False, False) > period_10(True, False)
    assert period_10(False, True) > period_10(True, True) + 10
