"""Free-riding: inequality x number of nations x burden-sharing rule.

Who carries the burden of a pure public good (the `alliance` preset: unequal GDP, one mission
funded by defence spending), how much members free-ride, and how the burden-sharing rule
changes that. Outcomes: free-riding rate, exploitation correlation (Spearman of GDP and
burden), burden Gini, effectiveness.

    coalition sweep experiments/free_riding.py [--quick] [--workers N] [--dask [ADDRESS]]
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib.pyplot as plt

from abm.cli import script_main
from abm.experiments.analysis import compare, interval, means_table, summarise, write_readme
from abm.experiments.designs import FullFactorial
from abm.experiments.figures import lines, save_figure, shared_legend
from abm.experiments.sweep import Experiment, experiment_runs

OUTCOMES = {"free_riding_rate_tail_mean": "free-riding rate",
            "exploitation_rho_tail_mean": "exploitation rho (GDP vs burden)",
            "burden_gini_tail_mean": "burden Gini",
            "effectiveness_tail_mean": "effectiveness"}


def experiment(quick: bool = False) -> Experiment:
    factors = {
        "inequality": [0.0, 1.0, 2.0] if quick else [0.0, 0.5, 1.0, 1.5, 2.0],
        "n_nations": [10, 30] if quick else [10, 30, 100],
        "burden_rule": ["voluntary", "assessed", "guideline"],
    }
    return Experiment("free_riding", FullFactorial(factors, replicates=4 if quick else 20),
                      preset="alliance", steps=40 if quick else 100, seed=20261121,
                      common_random_numbers=True)


def analyse(experiment: Experiment, out: Path, quick: bool) -> None:
    runs = experiment_runs(experiment, out)
    by_rule = summarise(runs, ["burden_rule", "inequality", "n_nations"], list(OUTCOMES))
    by_rule.to_csv(out / "summary.csv", index=False)
    fig, axes = plt.subplots(2, 2, figsize=(11, 8), constrained_layout=True)
    for ax, (outcome, label) in zip(axes.flat, OUTCOMES.items(), strict=True):
        lines(runs, "inequality", outcome, "burden_rule", ax, label, style="n_nations")
        if "rho" in outcome:
            ax.axhline(0, color="grey", lw=0.8)
    shared_legend(fig, axes)
    fig.suptitle("Free-riding by inequality, number of nations and burden-sharing rule")
    save_figure(fig, out / "free_riding.png")

    rho, free = "exploitation_rho_tail_mean", "free_riding_rate_tail_mean"
    effective = "effectiveness_tail_mean"
    voluntary_runs = runs[runs["burden_rule"] == "voluntary"]
    levels = sorted(runs["inequality"].unique())
    by_inequality = summarise(voluntary_runs, ["inequality"], list(OUTCOMES)).set_index(
        "inequality")
    overall = summarise(runs, ["burden_rule"], list(OUTCOMES)).set_index("burden_rule")
    size = summarise(voluntary_runs, ["n_nations"], list(OUTCOMES)).set_index("n_nations")
    least, most = by_inequality.loc[levels[0]], by_inequality.loc[levels[-1]]
    unequal = by_inequality.loc[levels[1]] if len(levels) > 1 else least
    small, large = size.loc[size.index.min()], size.loc[size.index.max()]
    identical = bool((runs[runs.burden_rule == "voluntary"][free].to_numpy()
                      == runs[runs.burden_rule == "guideline"][free].to_numpy()).all())

    body = f"""
## Findings (voluntary rule unless said)

- **Inequality and provision** (Olson's privileged group): from inequality
  {levels[0]:g} to {levels[-1]:g}, effectiveness {compare(least, most, effective)}, and the
  free-riding rate {compare(least, most, free)}: large members gain enough from the mission to
  fund much of it alone.
- **Exploitation of the great by the small**: the rank correlation of GDP and burden is
  {interval(unequal, rho)} at inequality {levels[1] if len(levels) > 1 else levels[0]:g} and
  {interval(most, rho)} at {levels[-1]:g} (undefined with equal sizes).
- **Assessed contributions** (over all inequality levels and sizes): from voluntary to
  assessed, the free-riding rate {compare(overall.loc["voluntary"], overall.loc["assessed"],
  free)}, and the GDP-burden correlation {compare(overall.loc["voluntary"],
  overall.loc["assessed"], rho)}: the scale's 22 % ceiling shields the largest members.
- **Guideline**: {"identical runs to the voluntary rule" if identical else "see the table"}.
  In this preset the mission requires 2 % of the alliance's GDP, so a 2 %-of-GDP guideline
  gives each ally the same fair share as the voluntary capacity key; a guideline changes
  behaviour here only when it asks for more (or less) than the mission needs.
- **Number of nations**: from {size.index.min()} to {size.index.max()} nations the free-riding
  rate {compare(small, large, free)} and effectiveness {compare(small, large, effective)}.

By rule (all inequality levels and sizes):

{means_table(overall, "burden_rule", OUTCOMES)}

By inequality (voluntary rule):

{means_table(by_inequality, "inequality", OUTCOMES)}

By number of nations (voluntary rule):

{means_table(size, "n_nations", OUTCOMES)}

![free-riding](free_riding.png)

Full table (means, 95 % intervals, counts by rule, inequality and size): `summary.csv`.
"""
    write_readme(out, "Free-riding: inequality, number of nations and burden-sharing rule",
                 experiment, runs, quick, body)


if __name__ == "__main__":
    sys.exit(script_main(__file__))
