"""Validation against the empirical record (abm/scenarios/data, sources in its SOURCES.md).

Each check is a sweep drawn beside its data; results/validation/README.md tabulates check,
target, model value and verdict. Checks so far:

1. Public goods laboratory (Fischbacher and Gaechter 2010): the decline of contributions and
   beliefs over ten periods, with at least 100 groups of four.
2. Alliance burden-sharing (Olson and Zeckhauser 1966; Sandler and Murdoch 2000): a positive
   GDP-burden rank correlation under a pure public good, weakened by joint products.
3. NATO, calibrated (`nato_2014`): the 31 allies start from their 2014 GDP and defence
   budgets; the calibrated state against the 2014 burden pattern, then a decade of the 2 %
   guideline against the real count of allies at 2 % (3 in 2014, 11 in 2023, 23 in 2024).
4. UN peacekeeping (`un_peacekeeping`, the 188 UN members with 2019 data): money from the
   rich, troops from the poor, and the real top payers and troop contributors.
5. Partners with and without peer punishment (Herrmann, Thoeni and Gaechter 2008, 16 subject
   pools): the pooled series of each treatment, the rise that punishment brings, and the
   pools' range of period-10 contributions spanned by the propensity to antisocial
   punishment.

    python experiments/validation.py [--quick] [--workers N] [--out DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from abm.cli import Parser, add_run_options
from abm.experiments.analysis import markdown_table, mean_interval, summarise
from abm.experiments.designs import ParameterSets, run_seed
from abm.experiments.executors import make_executor
from abm.experiments.figures import save_figure
from abm.experiments.runs import nation_table
from abm.experiments.store import load_series
from abm.experiments.sweep import Experiment, experiment_runs, run_sweep
from abm.model.metrics import spearman
from abm.scenarios import datasets, nation_sets
from abm.scenarios.parameters import defaults
from abm.scenarios.presets import presets
from abm.version import __version__


def lab_experiment(quick: bool) -> Experiment:
    # 400 subjects = 100 groups of four, re-matched every period, as in the laboratory.
    return Experiment("validation_lab", ParameterSets([{"n_nations": 400}],
                                                      replicates=2 if quick else 10),
                      preset="public_goods_lab", seed=2010,
                      series=("mean_contribution_pct", "mean_belief"))


# Herrmann, Thoeni and Gaechter (2008): partners (groups formed once), with and without peer
# punishment, and the propensity to antisocial punishment over its range with punishment.
DEFAULT_ANTISOCIAL = {**defaults(), **presets["public_goods_lab"]}["antisocial_punishment"]
ANTISOCIAL = tuple(sorted({0.0, DEFAULT_ANTISOCIAL, 0.2, 0.5, 1.0, 2.0}))


def htg_experiment(quick: bool) -> Experiment:
    sets = [{"peer_punishment": False, "antisocial_punishment": DEFAULT_ANTISOCIAL},
            *({"peer_punishment": True, "antisocial_punishment": a} for a in ANTISOCIAL)]
    return Experiment("validation_htg", ParameterSets(sets, replicates=2 if quick else 8),
                      preset="public_goods_lab", seed=2008,
                      fixed={"rematch": False, "n_nations": 400},
                      series=("mean_contribution_pct",))


# Joint products: the private share of a contribution's value (private_benefit x salience),
# strong as calibrated on NATO's 1990s correlations, and weak for contrast.
JOINT_PRODUCTS = {0.0: "pure public good", 0.3: "weak joint products", 0.75: "joint products"}


def alliance_experiment(quick: bool) -> Experiment:
    sets = [{"private_benefit": strength, "salience_spread": 0.5} if strength else
            {"private_benefit": strength} for strength in JOINT_PRODUCTS]
    return Experiment("validation_alliance", ParameterSets(sets, replicates=12 if quick else 40),
                      preset="alliance", steps=100, seed=1966)


# NATO: the rule variants run from the same 2014 start, with common random numbers.
NATO_VARIANTS = {
    "calibrated": {},
    "enforced (sanction 1)": {"sanction_rate": 1.0},
    "fast budgets (inertia 0.5)": {"budget_inertia": 0.5},
    "enforced, fast budgets": {"sanction_rate": 1.0, "budget_inertia": 0.5},
}
CALIBRATED = "calibrated"
# Cycle k is the budget year 2014 + k; the start (cycle 0) is 2014's real spending.
REAL_AT_2_PCT = {2014: 3, 2023: 11, 2024: 23}  # abm/scenarios/data/SOURCES.md
NATION_COLUMNS = ("gdp", "gdp_per_capita", "contribution", "delivered_funds",
                  "delivered_troops")


def nation_runs(executor, preset: str, variants: dict[str, dict], replicates: int, seed: int,
                steps: int | None = None) -> pd.DataFrame:
    """Nation frames of every variant and replicate; replicate r has the same seed in every
    variant (common random numbers)."""
    jobs = [(label, run_seed(seed, 0, r, common=True))
            for label in variants for r in range(replicates)]
    frames = executor.map(nation_table, *zip(*[
        (NATION_COLUMNS, preset, variants[label], run, steps) for label, run in jobs]))
    return pd.concat([frame.assign(variant=label) for (label, _), frame in zip(jobs, frames)],
                     ignore_index=True)


def _interval(values: pd.Series, digits: int = 2) -> str:
    mean, low, high = mean_interval(values)
    return f"{mean:.{digits}f} [{low:.{digits}f}, {high:.{digits}f}]"


def nato_check(frames: pd.DataFrame) -> tuple[list[dict], dict]:
    allies = datasets.nato_defence().set_index("country")
    frames = frames.assign(burden=100 * frames["contribution"] / frames["gdp"])
    last = frames["step"].max()
    per_run = frames.groupby(["variant", "seed", "step"], observed=True)

    def against(step: int, variant: str, column: str) -> pd.Series:
        part = frames[(frames["step"] == step) & (frames["variant"] == variant)]
        return part.groupby("seed").apply(lambda run: spearman(
            run.set_index("nation")["burden"].reindex(allies.index).to_numpy(),
            allies[column].to_numpy()), include_groups=False)

    counts = per_run["burden"].apply(lambda b: int((b >= 2.0 - 1e-9).sum())).rename("at_2")
    counts = counts.reset_index()
    end = counts[counts["step"] == last].set_index("variant")["at_2"]
    start = frames[(frames["step"] == 1) & (frames["variant"] == CALIBRATED)]
    totals = start.groupby("seed").apply(lambda run: pd.Series({
        "burden": 100 * run["contribution"].sum() / run["gdp"].sum(),
        "us_share": run.loc[run["nation"] == "United States", "contribution"].sum()
        / run["contribution"].sum(),
        "gdp_rho": spearman(run["gdp"].to_numpy(), run["burden"].to_numpy())}),
        include_groups=False)
    real = allies.assign(gdp=start.groupby("nation", observed=True)["gdp"].first())
    real_total = float((real["pct_gdp_2014"] * real["gdp"]).sum() / real["gdp"].sum())
    real_us = float((real["pct_gdp_2014"] * real["gdp"])["United States"]
                    / (real["pct_gdp_2014"] * real["gdp"]).sum())
    real_rho = spearman(real["gdp"].to_numpy(), real["pct_gdp_2014"].to_numpy())
    fit_2014 = against(1, CALIBRATED, "pct_gdp_2014")
    own_2014 = against(last, CALIBRATED, "pct_gdp_2014")
    fit_2024 = against(last, CALIBRATED, "pct_gdp_2024e")
    rows = [
        {"check": "NATO: calibrated state vs 2014 pattern",
         "target": "rank correlation with real 2014 burdens >= 0.7",
         "model": f"{_interval(fit_2014)} after cycle 1 (2015); {_interval(own_2014)} after "
                  f"{last} cycles", "pass": fit_2014.mean() >= 0.7},
        {"check": "NATO: 2014 aggregates (cycle 1)",
         "target": f"burden {real_total:.2f} % of GDP, US share {100 * real_us:.0f} %, "
                   f"rho(GDP, burden) {real_rho:.2f}",
         "model": f"{_interval(totals['burden'])} %, {_interval(100 * totals['us_share'], 0)} "
                  f"%, {_interval(totals['gdp_rho'])}",
         "pass": bool(abs(totals["burden"].mean() - real_total) <= 0.5
                      and abs(totals["gdp_rho"].mean() - real_rho) <= 0.2)},
        {"check": f"NATO: allies at 2 % after {last} cycles of the guideline ({2014 + last})",
         "target": "real: 3 (2014) -> 11 (2023) -> 23 (2024e); report, explain the gap",
         "model": f"{_interval(end[CALIBRATED], 1)}; "
                  + "; ".join(f"{label}: {end[label].mean():.1f}" for label in NATO_VARIANTS
                              if label != CALIBRATED),
         "pass": None},
        {"check": "NATO: 2024 pattern (out of sample)",
         "target": "rank correlation with real 2024 burdens; report",
         "model": _interval(fit_2024), "pass": None},
    ]
    return rows, {"frames": frames, "counts": counts, "allies": allies, "end": end,
                  "replicates": frames["seed"].nunique()}


def un_check(frames: pd.DataFrame, tail: int) -> tuple[list[dict], pd.DataFrame]:
    """Funds against GDP and troops against GDP per capita, per run over the last ``tail``
    cycles; the real top payers' shares and troop contributors' ranks beside the model's."""
    last = frames["step"].max()
    kept = frames[frames["step"] > last - tail]
    nations = kept.groupby(["seed", "nation"], observed=True).agg(
        gdp=("gdp", "first"), gdp_per_capita=("gdp_per_capita", "first"),
        funds=("delivered_funds", "mean"), troops=("delivered_troops", "mean")).reset_index()
    nations["funds_share"] = 100 * nations["funds"] / nations.groupby("seed")["funds"].transform(
        "sum")
    nations["troops_share"] = 100 * nations["troops"] / nations.groupby("seed")[
        "troops"].transform("sum")
    nations["troops_rank"] = nations.groupby("seed")["troops"].rank(ascending=False)
    rhos = nations.groupby("seed").apply(lambda run: pd.Series({
        "funds_gdp": spearman(run["gdp"].to_numpy(), run["funds"].to_numpy()),
        "troops_income": spearman(run["gdp_per_capita"].to_numpy(), run["troops"].to_numpy()),
    }), include_groups=False)
    un = datasets.un_peacekeeping()
    members = pd.read_csv(nation_sets.nations_path("un_members_2019")).set_index("iso3")["name"]
    payers = un[un["kind"] == "assessed_share"]
    troops = un[(un["kind"] == "uniformed_personnel") & (un["iso3"] != "")]
    total = float(un.loc[(un["kind"] == "uniformed_personnel") & (un["iso3"] == ""),
                         "value"].iloc[0])
    mean = nations.groupby("nation", observed=True)[["funds_share", "troops_share",
                                                      "troops_rank"]].mean()
    paid = ", ".join(f"{members[i]} {mean.loc[members[i], 'funds_share']:.1f} ({v:.1f})"
                     for i, v in zip(payers["iso3"], payers["value"]))
    sent = ", ".join(f"{members[i]} #{mean.loc[members[i], 'troops_rank']:.0f}"
                     for i in troops["iso3"])
    sent_share = mean.loc[[members[i] for i in troops["iso3"]], "troops_share"].sum()
    model_top = mean["funds_share"].nlargest(len(payers)).index
    rows = [
        {"check": "UN: funds come from the rich", "target": "rho(GDP, funds) > 0, clearly",
         "model": _interval(rhos["funds_gdp"]),
         "pass": mean_interval(rhos["funds_gdp"])[1] > 0},
        {"check": "UN: troops come from the poorer",
         "target": "rho(GDP per capita, troops) < 0, clearly",
         "model": _interval(rhos["troops_income"]),
         "pass": mean_interval(rhos["troops_income"])[2] < 0},
        {"check": "UN: the top payers", "target": "the real top 4 (2019-21 scale) are the "
                  "model's top 4; shares % (real)",
         "model": paid, "pass": bool(set(model_top) == {members[i] for i in payers["iso3"]})},
        {"check": "UN: the top troop contributors",
         "target": f"ranks of the real top 3 (May 2023; {100 * troops['value'].sum() / total:.0f}"
                   " % of all uniformed personnel), of 188",
         "model": f"{sent}; {sent_share:.0f} % of troops", "pass": None},
    ]
    return rows, nations


def lab_check(series: pd.DataFrame) -> tuple[list[dict], pd.DataFrame]:
    data = datasets.public_goods()
    model = series.groupby("step").agg(
        pct=("mean_contribution_pct", "mean"), pct_sd=("mean_contribution_pct", "std"),
        belief=("mean_belief", lambda b: 20 * b.mean())).reset_index()
    observed = data["mean_contribution_pct_endowment"].to_numpy()
    rmse = float(np.sqrt(np.mean((model["pct"].to_numpy()[:len(observed)] - observed) ** 2)))
    first, last = model["pct"].iloc[0], model["pct"].iloc[-1]
    beliefs = model["belief"].to_numpy()
    said = data["mean_belief_tokens_of_20"].to_numpy()
    belief_rmse = float(np.sqrt(np.mean((beliefs[:len(said)] - said) ** 2)))
    rows = [
        {"check": "lab: period 1 contribution", "target": "30-50 % of endowment",
         "model": f"{first:.1f} % (data {observed[0]:.1f})", "pass": 30 <= first <= 50},
        {"check": "lab: period 10 contribution", "target": "<= 20 % of endowment",
         "model": f"{last:.1f} % (data {observed[-1]:.1f})", "pass": last <= 20},
        {"check": "lab: RMSE over 10 periods", "target": "<= 6 percentage points",
         "model": f"{rmse:.2f} pp", "pass": rmse <= 6},
        {"check": "lab: beliefs decline", "target": "period 10 < period 1",
         "model": f"{beliefs[0]:.2f} -> {beliefs[-1]:.2f} tokens (data "
                  f"{data['mean_belief_tokens_of_20'].iloc[0]:.2f} -> "
                  f"{data['mean_belief_tokens_of_20'].iloc[-1]:.2f})",
         "pass": beliefs[-1] < beliefs[0]},
        {"check": "lab: beliefs RMSE (not fitted)", "target": "<= 1.5 tokens of 20",
         "model": f"{belief_rmse:.2f} tokens", "pass": belief_rmse <= 1.5},
    ]
    return rows, model.merge(data, left_on="step", right_on="period")


def htg_check(experiment: Experiment, series: pd.DataFrame) -> tuple[list[dict], pd.DataFrame]:
    """The pooled series of both treatments (tokens of 20), the rise punishment brings, and
    the range of period-10 contributions over the propensity to antisocial punishment."""
    points = {spec.key: spec.params for spec in experiment.specs()}
    series = series[series["key"].isin(points)]
    params = pd.DataFrame.from_dict(points, orient="index")
    tokens = series.assign(
        tokens=series["mean_contribution_pct"] / 5,
        punishment=series["key"].map(params["peer_punishment"]),
        antisocial=series["key"].map(params["antisocial_punishment"]))
    model = tokens.groupby(["punishment", "antisocial", "step"])["tokens"].mean()
    data = datasets.public_goods_htg()
    pooled = data.groupby(["treatment", "period"])["mean_contribution_tokens_of_20"].mean()
    plain = model.loc[(False, DEFAULT_ANTISOCIAL)].to_numpy()
    punished = model.loc[(True, DEFAULT_ANTISOCIAL)].to_numpy()
    real_plain = pooled["no_punishment"].to_numpy()
    real_punished = pooled["punishment"].to_numpy()

    def rmse(a, b):
        return float(np.sqrt(np.mean((a - b) ** 2)))

    ends = {a: float(model.loc[(True, a)].iloc[-1]) for a in ANTISOCIAL}
    pools = data[(data["treatment"] == "punishment") & (data["period"] == 10)][
        "mean_contribution_tokens_of_20"]
    low, high = float(pools.min()), float(pools.max())
    reached = (min(ends.values()), max(ends.values()))
    rows = [
        {"check": "HTG: partners without punishment (fitted)",
         "target": "RMSE <= 1.5 tokens vs the 16 pools' mean",
         "model": f"{rmse(plain, real_plain):.2f} tokens; {plain[0]:.1f} -> {plain[-1]:.1f} "
                  f"(data {real_plain[0]:.1f} -> {real_plain[-1]:.1f})",
         "pass": rmse(plain, real_plain) <= 1.5},
        {"check": "HTG: partners with punishment (fitted)",
         "target": "RMSE <= 1.5 tokens vs the 16 pools' mean",
         "model": f"{rmse(punished, real_punished):.2f} tokens; {punished[0]:.1f} -> "
                  f"{punished[5]:.1f} (period 6) -> {punished[-1]:.1f} (data "
                  f"{real_punished[0]:.1f} -> {real_punished[5]:.1f} -> {real_punished[-1]:.1f})",
         "pass": rmse(punished, real_punished) <= 1.5},
        {"check": "HTG: punishment starts at the plain game and rises",
         "target": "period 1 within 1 token of the plain game's; >= +2 tokens by period 6",
         "model": f"period 1: {punished[0]:.1f} vs {plain[0]:.1f}; period 6 - period 1: "
                  f"{punished[5] - punished[0]:+.1f}",
         "pass": bool(abs(punished[0] - plain[0]) <= 1.0 and punished[5] - punished[0] >= 2)},
        {"check": "HTG: antisocial punishment spans the pools",
         "target": f"period-10 contributions over antisocial_punishment in "
                   f"[{min(ANTISOCIAL)}, {max(ANTISOCIAL)}] cover the pools' {low:.1f} to "
                   f"{high:.1f} tokens",
         "model": ", ".join(f"{a}: {v:.1f}" for a, v in ends.items()),
         "pass": bool(reached[0] <= low and reached[1] >= high)},
    ]
    table = model.rename("model").reset_index()
    return rows, table


def alliance_check(runs: pd.DataFrame) -> tuple[list[dict], pd.DataFrame]:
    runs = runs.assign(joint_products=runs["private_benefit"].map(JOINT_PRODUCTS))
    k = "exploitation_rho_tail_mean"
    summary = summarise(runs, ["joint_products"], [k]).set_index("joint_products")
    pure, weak, joint = (summary.loc[label] for label in JOINT_PRODUCTS.values())

    def show(row):
        return f"{row[k + '_mean']:.3f} [{row[k + '_low']:.3f}, {row[k + '_high']:.3f}]"

    rows = [
        {"check": "alliance: pure public good", "target": "rho(GDP, burden) > 0, clearly",
         "model": show(pure), "pass": pure[k + "_low"] > 0},
        {"check": "alliance: joint products",
         "target": "rho weaker, in 0.00-0.25 (NATO: 0.11-0.19 in 1994-97, 0.23 -> 0.03 in "
                   "2014-19)",
         "model": show(joint), "pass": bool(joint[k + "_mean"] < pure[k + "_mean"]
                                            and 0.0 <= joint[k + "_mean"] <= 0.25)},
        {"check": "alliance: weak joint products", "target": "report",
         "model": show(weak), "pass": None},
    ]
    return rows, runs


def lab_figure(out: Path, lab: pd.DataFrame) -> None:
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), constrained_layout=True)
    ax = axes[0]
    ax.fill_between(lab["step"], lab["pct"] - lab["pct_sd"], lab["pct"] + lab["pct_sd"],
                    alpha=0.2, label="model, +/- 1 sd over seeds")
    ax.plot(lab["step"], lab["pct"], "o-", label="model")
    ax.plot(lab["period"], lab["mean_contribution_pct_endowment"], "ks--", label="FG 2010")
    ax.set(xlabel="period", ylabel="contribution, % of endowment", ylim=(0, 60),
           title="Public goods game: contributions")
    ax.legend(fontsize=8)
    ax = axes[1]
    ax.plot(lab["step"], lab["belief"], "o-", label="model")
    ax.plot(lab["period"], lab["mean_belief_tokens_of_20"], "ks--", label="FG 2010")
    ax.set(xlabel="period", ylabel="belief about others (tokens of 20)", ylim=(0, 12),
           title="Beliefs")
    ax.legend(fontsize=8)
    save_figure(fig, out / "lab.png")


def htg_figure(out: Path, table: pd.DataFrame) -> None:
    data = datasets.public_goods_htg()
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), constrained_layout=True)
    default = DEFAULT_ANTISOCIAL
    for ax, treatment, punishment in ((axes[0], "no_punishment", False),
                                      (axes[1], "punishment", True)):
        pools = data[data["treatment"] == treatment].pivot(index="period", columns="city",
                                                           values="mean_contribution_tokens_of_20")
        ax.plot(pools.index, pools.to_numpy(), color="grey", lw=0.6, alpha=0.5)
        ax.plot(pools.index, pools.mean(axis=1), "ks--", label="HTG 2008, mean of 16 pools")
        shown = ANTISOCIAL if punishment else (default,)
        for a in shown:
            part = table[(table["punishment"] == punishment) & (table["antisocial"] == a)]
            ax.plot(part["step"], part["model"], "o-" if a == default else "-",
                    lw=2 if a == default else 1,
                    label=f"model, antisocial {a}" + (" (default)" if a == default else ""))
        ax.set(xlabel="period", ylabel="contribution (tokens of 20)", ylim=(0, 20),
               title="Partners, " + treatment.replace("_", " "))
    axes[0].legend(fontsize=8, loc="lower left")
    axes[1].legend(fontsize=7, loc="lower left", ncol=2)
    save_figure(fig, out / "htg.png")


def alliance_figure(out: Path, alliance: pd.DataFrame) -> None:
    fig, ax = plt.subplots(figsize=(6, 4.2), constrained_layout=True)
    ok = alliance[alliance["status"] == "ok"]
    order = [label for label in JOINT_PRODUCTS.values() if label in set(ok["joint_products"])]
    for i, label in enumerate(order):
        part = ok[ok["joint_products"] == label]
        jitter = np.random.default_rng(i).uniform(-0.1, 0.1, len(part))
        ax.scatter(np.full(len(part), i) + jitter, part["exploitation_rho_tail_mean"],
                   alpha=0.5, label=label)
    ax.axhspan(0.0, 0.25, color="grey", alpha=0.15, label="NATO 1994-97 and 2014-19")
    ax.axhline(0.14, color="grey", ls="--", lw=0.8, label="NATO 1994-97, mean")
    ax.axhline(0, color="black", lw=0.8)
    ax.set_xticks(range(len(order)), order)
    ax.set(ylabel="rank correlation of GDP and burden", title="Alliance burden-sharing")
    ax.legend(fontsize=8)
    save_figure(fig, out / "alliance.png")


def nato_figure(out: Path, nato: dict) -> None:
    frames, counts, allies = nato["frames"], nato["counts"], nato["allies"]
    last = frames["step"].max()
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.4), constrained_layout=True)
    for ax, (step, variant, column, year) in zip(axes[:2], [
            (1, CALIBRATED, "pct_gdp_2014", "Calibrated state (cycle 1) vs 2014"),
            (last, CALIBRATED, "pct_gdp_2024e", f"Cycle {last} vs {2014 + last} (estimate)")]):
        part = frames[(frames["step"] == step) & (frames["variant"] == variant)]
        model = part.groupby("nation", observed=True)["burden"].mean().reindex(allies.index)
        ax.scatter(allies[column], model, s=18)
        for name in ("United States", "Greece", "Poland", "Estonia", "Latvia", "Spain"):
            ax.annotate(name, (allies.loc[name, column], model[name]), fontsize=7)
        top = max(allies[column].max(), model.max()) * 1.1
        ax.plot([0, top], [0, top], color="grey", lw=0.8)
        ax.axhline(2, color="grey", ls=":", lw=0.8)
        ax.axvline(2, color="grey", ls=":", lw=0.8)
        ax.set(xlabel="real defence spending, % of GDP", ylabel="model, % of GDP",
               title=year)
    ax = axes[2]
    counts = counts.assign(year=2014 + counts["step"])
    for variant, part in counts.groupby("variant", sort=False):
        mean = part.groupby("year")["at_2"].mean()
        ax.plot(mean.index, mean.to_numpy(), "o-", ms=3, label=f"model: {variant}")
    ax.plot(list(REAL_AT_2_PCT), list(REAL_AT_2_PCT.values()), "ks--", label="real (NATO)")
    ax.set(xlabel="year (one cycle = one budget year)", ylabel="allies at or above 2 % of GDP",
           title="The 2 % guideline", ylim=(0, 31))
    ax.legend(fontsize=7)
    save_figure(fig, out / "nato.png")


def un_figure(out: Path, nations: pd.DataFrame) -> None:
    mean = nations.groupby("nation", observed=True).mean(numeric_only=True)
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.4), constrained_layout=True)
    un = datasets.un_peacekeeping()
    members = pd.read_csv(nation_sets.nations_path("un_members_2019")).set_index("iso3")["name"]
    for ax, x, y, kind, xlabel in [
            (axes[0], "gdp", "funds_share", "assessed_share", "GDP 2019, bn USD"),
            (axes[1], "gdp_per_capita", "troops_share", "uniformed_personnel",
             "GDP per capita 2019, USD")]:
        ax.scatter(mean[x], mean[y], s=10, alpha=0.6, label="model (188 UN members)")
        real = un[(un["kind"] == kind) & (un["iso3"] != "")]
        names = [members[i] for i in real["iso3"]]
        if kind == "assessed_share":
            ax.scatter(mean.loc[names, x], real["value"], marker="s", color="black",
                       label="real assessed share (2019-21)")
        else:
            total = float(un.loc[(un["kind"] == kind) & (un["iso3"] == ""), "value"].iloc[0])
            ax.scatter(mean.loc[names, x], 100 * real["value"] / total, marker="s",
                       color="black", label="real share of personnel (May 2023)")
        for name in names:
            ax.annotate(name, (mean.loc[name, x], mean.loc[name, y]), fontsize=7)
        ax.set(xscale="log", xlabel=xlabel, ylabel=f"share of all {y.split('_')[0]}, %")
        ax.legend(fontsize=8)
    axes[0].set_title("Who pays: assessed funds")
    axes[1].set_title("Who sends troops: reimbursed at the UN rate")
    save_figure(fig, out / "un.png")


# What each check compares with, and whether a parameter was fitted to that data.
FITTED = pd.DataFrame([
    ("lab: period 1, period 10, RMSE", "FG 2010 contributions",
     "fit: `novice_noise` and `unconditional_level` were fitted to this series (type shares, "
     "slope and initial belief are measured in the same study)"),
    ("lab: beliefs decline, beliefs RMSE", "FG 2010 beliefs",
     "out of sample: no parameter was fitted to the belief series"),
    ("HTG: partners without punishment", "HTG 2008, 16 pools' mean", "fit: `reputation_weight`"),
    ("HTG: partners with punishment", "idem",
     "fit: `punishment_effort`, `antisocial_punishment`"),
    ("HTG: punishment starts at the plain game and rises", "idem",
     "a shape the fit did not target: period 1 follows from learning (nothing received yet)"),
    ("HTG: antisocial punishment spans the pools", "HTG 2008, the pools' period 10",
     "out of sample for the parameters: the pools' spread was not fitted (only their mean); "
     "the form of the decision errors was chosen after this check had failed (section 1b)"),
    ("alliance: pure public good", "Olson and Zeckhauser's prediction (sign)", "out of sample"),
    ("alliance: joint products", "Sandler and Murdoch (2000), NATO 1994-97",
     "fit: `private_benefit` 0.75 was chosen to give this correlation; the 2014-19 decline "
     "(0.23 to 0.03) is the out-of-sample part of the target"),
    ("NATO: calibrated state vs 2014 pattern, 2014 aggregates", "NATO 2014",
     "fit by construction: the allies start from their 2014 budgets (`funds_start`), and "
     "budget inertia carries them into cycle 1"),
    ("NATO: allies at 2 %, 2024 pattern", "NATO 2023-24", "out of sample"),
    ("UN: funds from the rich, troops from the poorer, top payers, top troop contributors",
     "UN 2019-21 scale; May 2023 contributors",
     "out of sample: the assessed scale's ceiling and income adjustment are the written rules, "
     "not fitted; `vote_worth` (Article 19) is a judgement, not fitted to any data"),
], columns=["check", "data", "status"])


def validation_readme(out: Path, rows: pd.DataFrame, quick: bool, lab: Experiment,
                      htg: Experiment, alliance: Experiment, nato: dict, un_replicates: int
                      ) -> None:
    end = nato["end"].groupby(level=0).mean()
    inertia = presets["nato_2014"]["budget_inertia"]
    (out / "README.md").write_text(f"""# Validation against the empirical record

Mode: {"quick" if quick else "full"}; model version {__version__}. Reproduce with
`python experiments/validation.py{" --quick" if quick else ""}`. Data and sources:
`abm/scenarios/data/SOURCES.md`; how each parameter was calibrated: `docs/ODD.md`, section 11.
"reported" marks figures the issue asks to report, not to pass. Posteriors of the fitted
parameters, with parameter recovery and posterior predictive checks:
[calibration/README.md](calibration/README.md) (`python experiments/calibration.py`).

{markdown_table(rows)}

## What was fitted to which data, and what is out of sample
No parameter is validated against the figure it was fitted to: a check on the data a parameter
was fitted to measures goodness of fit and says so.

{markdown_table(FITTED)}

## 1. Public goods laboratory
`public_goods_lab`, 400 subjects (100 groups of four, strangers), 10 periods,
{lab.design.replicates} seeds; parameters from Fischbacher and Gaechter (2010): type shares
55 / 23 / 12 / 10 %, conditional cooperators' slope 14.9 / 20, initial belief 9.8 / 20.

![laboratory](lab.png)

## 1b. Partners, with and without peer punishment (HTG 2008)
`public_goods_lab` with `rematch=False` (partners), 400 subjects, {htg.design.replicates} seeds per
treatment, against the mean of HTG's 16 subject pools (grey: each pool). Without punishment,
contributions decline nearly linearly: conditional cooperators under-match a falling belief,
and the reputation motive fades as the known end nears. With punishment, period 1 is the plain
game's (nobody has been punished yet); contributions rise as nations learn what giving less
costs them. Over the propensity to antisocial punishment, period 10 runs from the worst
pools' level (Athens 6.2, Riyadh 6.6) and below to the best pools' top (Seoul 17.5): where
nobody punishes antisocially, subjects who have learned that giving less is punished aim at
their whole endowment, and their decision errors shrink as erring costs more (logit choice:
the spread falls by saving / (saving + expected penalty)). Disclosure: that form of the errors
was adopted (model 0.5.0) after this check had failed with symmetric errors of a fixed spread,
which capped the top at 16.7 tokens; the check is out of sample for the parameters (the pools'
spread was never fitted) but not for that choice of form. It cost fit to the pools' mean:
RMSE 0.69 tokens before, 0.86 to 0.99 (the table above) after the re-fit of
`antisocial_punishment` (0.05 -> 0.10; 0.97 on the fitting grid's seeds; about 1.9 with the
new errors at the old 0.05). The rise comes early and overshoots (periods 3 to 5 about one
token above the pools' 12.7 to 13.3; the figure), and the top of the span is a narrow pass
(the table above; 17.7 +/- 0.17 over four other seed sets under model 0.5.0) against Seoul's
17.5.

![HTG 2008](htg.png)

## 2. Alliance burden-sharing
`alliance` preset, {alliance.design.replicates} seeds each, 100 cycles: a pure public good
against joint products, where a share `private_benefit` x salience of what an ally gives comes
back to it privately (salience spread 0.5). The strength 0.75 is calibrated to the mean of
Sandler and Murdoch's NATO correlations for 1994-97 (0.14). Weak joint products strengthen the
correlation instead: a private return lowers the size at which providing the whole good pays,
so more of the large allies provide. Only when the private return rivals the public one does
size stop mattering, as the joint-products model says.

![alliance](alliance.png)

## 3. NATO from 2014, with the 2 % guideline
`nato_2014`: the 31 allies with World Bank GDP and population of 2014; each starts from its
real 2014 defence budget and adjusts it by partial adjustment (`budget_inertia` {inertia}), one
cycle per budget year; {nato["replicates"]} seeds per variant, common random numbers.

- The calibrated state holds the 2014 pattern at first (that is what budget inertia does), and
  the aggregates (total burden, the US share of spending, the GDP-burden correlation) come out
  near 2014's. The model's own drivers (size, behavioural type) then take over: after a decade
  its pattern correlates only weakly with 2014's or 2024's. The real pattern follows threat
  (the eastern allies lead in 2024), which the model's nations do not carry.
- Allies at 2 % after the decade: {end[CALIBRATED]:.1f} against the real 23. The guideline
  alone moves few allies: conditional cooperators under-match the others (slope 0.745), the
  free riders and hump-shaped types hardly respond, NATO has no sanction for missing the
  guideline, and budgets adjust slowly. The variants show what closes the gap: an enforced
  guideline (a shortfall costing what it saves) reaches {end["enforced (sanction 1)"]:.1f},
  fast budgets (inertia 0.5) {end["fast budgets (inertia 0.5)"]:.1f}, both together
  {end["enforced, fast budgets"]:.1f}. The real jump (11 in 2023, 23 in 2024) came after
  Russia's full-scale invasion of Ukraine in 2022, a shock to the value of defence and to the
  speed of budgets that the calibrated scenario does not contain; we read the gap as what
  that shock did beyond the guideline, as far as this model can tell.

![NATO](nato.png)

## 4. UN peacekeeping
`un_peacekeeping`: the peacekeeping rules (assessed funds on GDP with a 22 % ceiling,
voluntary troops reimbursed at the UN rate of 1,428 USD per soldier per month) over the 188
UN member states with World Bank data for 2019 (aggregates and territories removed);
{un_replicates} seeds. Money comes from the rich and troops from the poorer; the real top four
payers are the model's top four. The model's scale, like the UN's, adjusts GDP shares for low
income per head and caps them at 22 %, and binds every member whether it accepts a mandate or
not; what members pay is their choice, and arrears lower the smaller payers' shares, which
lifts the US share near its real 27.9 %. The real peacekeeping scale also charges the
permanent members of the Security Council a premium and discounts the poorest further, which
the model does not; China's share is the model's largest error. Troops in the model scale
with population, so India dominates them; Nepal and
Bangladesh send far more than their size, for reasons (army size, the income reimbursement
brings at home) the model does not carry per nation.

![UN](un.png)
""")


def main(argv: list[str] | None = None) -> int:
    parser = Parser(prog="validation", description=__doc__.splitlines()[0])
    add_run_options(parser)
    args = parser.parse_args(argv)
    out = Path(args.out or f"results/validation{'-quick' if args.quick else ''}")
    quick = args.quick
    executor, workers, backend, close = make_executor(args.workers, None)
    try:
        lab, alliance, htg = lab_experiment(quick), alliance_experiment(quick), \
            htg_experiment(quick)
        for experiment in (lab, htg, alliance):
            run_sweep(experiment, out / experiment.name, executor=executor, workers=workers,
                      progress=args.progress, backend=backend)
        nato_frames = nation_runs(executor, "nato_2014", NATO_VARIANTS,
                                  replicates=10 if quick else 50, seed=2014)
        un_frames = nation_runs(executor, "un_peacekeeping", {"UN": {}},
                                replicates=4 if quick else 20, seed=2019,
                                steps=40 if quick else 100)
    finally:
        close()
    keys = {s.key for s in lab.specs()}
    series = load_series(out / lab.name)
    lab_rows, lab_table = lab_check(series[series["key"].isin(keys)])
    htg_rows, htg_table = htg_check(htg, load_series(out / htg.name))
    alliance_rows, alliance_runs = alliance_check(experiment_runs(alliance, out / alliance.name))
    nato_rows, nato = nato_check(nato_frames)
    un_rows, un_nations = un_check(un_frames, tail=10 if quick else 20)
    lab_figure(out, lab_table)
    alliance_figure(out, alliance_runs)
    nato_figure(out, nato)
    un_figure(out, un_nations)
    htg_figure(out, htg_table)
    rows = pd.DataFrame(lab_rows + htg_rows + alliance_rows + nato_rows + un_rows)
    verdict = rows.pop("pass")
    rows["verdict"] = ["reported" if v is None else "pass" if v else "FAIL" for v in verdict]
    validation_readme(out, rows, quick, lab, htg, alliance, nato, 4 if quick else 20)
    print(markdown_table(rows))
    return 1 if (rows["verdict"] == "FAIL").any() else 0


if __name__ == "__main__":
    sys.exit(main())
