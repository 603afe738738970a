"""Screening: which of the default scenario's parameters matter at all (Morris, SALib)?

Morris's elementary effects over every numeric parameter that acts in the `default` scenario,
each over a range around its default (below). Outcomes are averaged over replicates at each
point; mu* (the mean absolute elementary effect, with a bootstrap 95 % interval) ranks the
parameters for each outcome. The leading parameters go to the Sobol study
(`experiments/sensitivity.py`), which reads `leading.json` from this study's results.

    coalition sweep experiments/screening.py [--quick] [--workers N] [--dask [ADDRESS]]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from SALib.analyze import morris

from abm.cli import script_main
from abm.experiments.analysis import markdown_table, write_readme
from abm.experiments.designs import MorrisSample
from abm.experiments.figures import save_figure
from abm.experiments.sweep import Experiment, experiment_runs
from abm.scenarios.parameters import PARAMETERS

OUTCOMES = {"effectiveness_tail_mean": "effectiveness",
            "free_riding_rate_tail_mean": "free-riding rate",
            "exploitation_rho_tail_mean": "exploitation rho",
            "mean_trust_tail_mean": "mean trust",
            "retention": "retention"}
# Not screened, and why: they set the scenario's structure or units, are compositional, only
# measure, or act only under a switch the default scenario leaves off.
EXCLUDED = {
    "structure": ("n_nations", "dimensions", "n_regions", "n_missions", "group_size",
                  "mission_duration", "horizon", "pledging_rounds", "gdp_median",
                  "income_median"),
    "compositional (the four shares sum to 1)": ("share_conditional", "share_free_rider",
                                                 "share_hump", "share_unconditional"),
    "measurement only": ("bloc_threshold", "success_threshold"),
    "acts only under a switch that is off": (
        "assessment_ceiling", "income_gradient", "guideline_share", "arrears_limit",
        "vote_worth", "punishment_ratio", "punishment_effort", "antisocial_punishment",
        "punishment_cap", "pool_discount", "hub_saving", "hub_interop", "command_interop",
        "command_disagreement"),
}
# Parameters whose default is 0 (off): screened from 0 to a plausible top.
FROM_ZERO = {"sanction_rate": 2.0, "private_benefit": 0.8, "reimbursement": 20000.0,
             "novice_noise": 1.0, "budget_inertia": 0.9, "imitation": 0.3, "gossip": 0.5,
             "pooled_fund": 0.5}
# The leading parameters handed to the Sobol study: the top ones of each outcome, at most.
LEADING_PER_OUTCOME, LEADING_MAX = 2, 8


def screening_ranges() -> dict[str, tuple[float, float]]:
    """Every other numeric parameter from half to one and a half times its default, within
    its allowed range (integers kept integral); those off by default from 0 to a top."""
    excluded = {name for names in EXCLUDED.values() for name in names}
    ranges = {}
    for p in PARAMETERS.values():
        if p.kind not in (int, float) or p.name in excluded:
            continue
        if p.name in FROM_ZERO:
            ranges[p.name] = (0.0, FROM_ZERO[p.name])
            continue
        low, high = sorted((p.default * 0.5, p.default * 1.5))
        low, high = max(p.low, low), min(p.high, high)
        if p.kind is int:
            low, high = float(np.floor(low)), float(np.ceil(high))
        if high > low:
            ranges[p.name] = (float(f"{low:.6g}"), float(f"{high:.6g}"))
    return ranges


def experiment(quick: bool = False) -> Experiment:
    design = MorrisSample(screening_ranges(), trajectories=4 if quick else 20, levels=4,
                          replicates=1 if quick else 3, seed=20261206)
    return Experiment("screening", design, preset="default", steps=30 if quick else 100,
                      seed=20261206)


def effects(experiment: Experiment, runs: pd.DataFrame) -> pd.DataFrame:
    """mu*, its interval and sigma per outcome and parameter (outcomes averaged over
    replicates at each point), with mu* scaled by the outcome's largest."""
    design = experiment.design
    samples = design.samples()
    rows = []
    for outcome, label in OUTCOMES.items():
        values = runs.pivot_table(index="point", columns="replicate", values=outcome)
        total = np.nanvar(values.to_numpy())
        noise = (np.nanmean(values.var(axis=1, ddof=1)) / total
                 if total > 0 and values.shape[1] > 1 else np.nan)
        means = values.mean(axis=1).reindex(range(design.size))
        values = means.fillna(means.mean()).to_numpy()
        if not np.isfinite(values).all() or np.ptp(values) == 0:
            continue
        result = morris.analyze(design.problem, samples, values, num_levels=design.levels,
                                seed=experiment.seed, print_to_console=False)
        top = float(np.max(result["mu_star"]))
        for name, mu_star, conf, sigma in zip(design.problem["names"], result["mu_star"],
                                              result["mu_star_conf"], result["sigma"],
                                              strict=True):
            rows.append({"outcome": label, "parameter": name, "mu_star": float(mu_star),
                         "mu_star_conf": float(conf), "sigma": float(sigma),
                         "relative": float(mu_star) / top if top > 0 else np.nan,
                         "seed_noise_share": noise})
    return pd.DataFrame(rows)


def leading(table: pd.DataFrame) -> list[str]:
    """The parameters among the top ``LEADING_PER_OUTCOME`` of some outcome, by mu*, at most
    ``LEADING_MAX`` (by their best relative mu*)."""
    best: dict[str, float] = {}
    for _, part in table.groupby("outcome", sort=False):
        for row in part.nlargest(LEADING_PER_OUTCOME, "mu_star").itertuples():
            best[row.parameter] = max(best.get(row.parameter, 0.0), row.relative)
    return sorted(best, key=best.get, reverse=True)[:LEADING_MAX]


def analyse(experiment: Experiment, out: Path, quick: bool) -> None:
    runs = experiment_runs(experiment, out)
    runs = runs[runs["status"] == "ok"]
    table = effects(experiment, runs)
    table.to_csv(out / "morris_effects.csv", index=False)
    chosen = leading(table)
    ranges = experiment.design.ranges
    (out / "leading.json").write_text(json.dumps(
        {"parameters": chosen, "ranges": {k: list(ranges[k]) for k in chosen},
         "model_version": runs["model_version"].iloc[0] if len(runs) else None,
         "mode": "quick" if quick else "full"}, indent=2) + "\n")

    outcomes = list(dict.fromkeys(table["outcome"]))
    shown = 12
    fig, axes = plt.subplots(1, len(outcomes), figsize=(3.6 * len(outcomes), 5.2),
                             constrained_layout=True, squeeze=False)
    for ax, outcome in zip(axes[0], outcomes, strict=True):
        part = table[table["outcome"] == outcome].nlargest(shown, "mu_star")[::-1]
        y = np.arange(len(part))
        ax.barh(y, part["mu_star"], xerr=part["mu_star_conf"], color="#4c72b0")
        ax.set_yticks(y, part["parameter"], fontsize=8)
        ax.set(title=outcome, xlabel="mu* (mean |elementary effect|)")
    fig.suptitle(f"Morris screening of {len(ranges)} parameters: the {shown} strongest for "
                 "each outcome")
    save_figure(fig, out / "screening.png")

    wide = (table.pivot_table(index="parameter", columns="outcome", values="relative")
            .reindex(columns=outcomes))
    wide = wide.loc[wide.max(axis=1).sort_values(ascending=False).index].reset_index()
    inert = wide[wide[outcomes].max(axis=1) < 0.05]["parameter"].tolist()
    shares = table.groupby("outcome", sort=False)["seed_noise_share"].first()
    noise = ", ".join(f"{k} {v:.0%}" if np.isfinite(v) else f"{k} n/a"
                      for k, v in shares.items())
    excluded = "\n".join(f"- {why}: {', '.join(f'`{n}`' for n in names)}"
                         for why, names in EXCLUDED.items())
    body = f"""
## Findings

mu* is the mean absolute change of an outcome when a parameter moves by one level step
(2/3 of its range), scaled below by the outcome's largest (1 = the strongest parameter);
{len(ranges)} parameters, {experiment.design.trajectories} trajectories, outcomes averaged over
{experiment.design.replicates} replicate(s) at each point.

- **Leading parameters** (top {LEADING_PER_OUTCOME} of some outcome, at most {LEADING_MAX};
  the Sobol study's factors, `leading.json`): {", ".join(f"`{p}`" for p in chosen)}.
- **Seed noise**: the share of the variance of single runs that lies between replicates at
  the same point, by outcome: {noise}. Where it is large, mu* measures noise as much as
  effect, and a flat column of relative mu* says so.
- **Nearly inert here** (relative mu* below 0.05 for every outcome): {len(inert)} of
  {len(ranges)}: {", ".join(f"`{p}`" for p in inert) or "none"}.

Relative mu* by parameter and outcome (strongest first):

{markdown_table(wide, 2)}

![Morris screening](screening.png)

Screening ranges: each parameter from half to one and a half times its default, within its
allowed range; those off by default from 0 to
{", ".join(f"`{k}` {v:g}" for k, v in FROM_ZERO.items())}. Not screened:

{excluded}

All effects with intervals: `morris_effects.csv`.{" The quick design has few trajectories:"
" read the ranking, not the values." if quick else ""}
"""
    write_readme(out, "Screening: which parameters matter (Morris)", experiment, runs, quick,
                 body)


if __name__ == "__main__":
    sys.exit(script_main(__file__))
