"""Institutions: sanctions, peer punishment, reimbursement and a pooled fund.

Which institutions change contributions, free-riding and who carries the burden? The
`peacekeeping` preset (assessed funds, voluntary troops and enablers, two regional missions)
under a full factorial of the four institutions. Outcomes: contribution relative to fair share,
free-riding rate, exploitation correlation, and the division of labour: the rank correlation of
GDP with funds delivered (who gives money) and of GDP per capita with troops delivered (who
gives troops).

    coalition sweep experiments/institutions.py [--quick] [--workers N] [--dask [ADDRESS]]
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib.pyplot as plt

from abm.cli import script_main
from abm.experiments.analysis import compare, markdown_table, summarise, write_readme
from abm.experiments.designs import FullFactorial
from abm.experiments.figures import lines, save_figure, shared_legend
from abm.experiments.sweep import Experiment, experiment_runs
from abm.scenarios.parameters import validate
from abm.scenarios.presets import preset_params

OUTCOMES = {"mean_contribution_ratio_tail_mean": "contribution / fair share",
            "free_riding_rate_tail_mean": "free-riding rate",
            "exploitation_rho_tail_mean": "exploitation rho (GDP vs burden)",
            "funds_gdp_rho": "money: rho(GDP, funds)",
            "troops_income_rho": "troops: rho(GDP per capita, troops)",
            "effectiveness_tail_mean": "effectiveness"}
UN_RATE = 17136.0  # USD per soldier per year (1,428 a month, UN General Assembly 72/285)


def experiment(quick: bool = False) -> Experiment:
    factors = {
        "sanction_rate": [0.0, 1.0] if quick else [0.0, 0.5, 1.0, 2.0],
        "peer_punishment": [False, True],
        "reimbursement": [0.0, UN_RATE],
        "pooled_fund": [0.0, 0.3] if quick else [0.0, 0.3, 0.6],
    }
    return Experiment("institutions", FullFactorial(factors, replicates=3 if quick else 15),
                      preset="peacekeeping", steps=40 if quick else 100, seed=20261123,
                      common_random_numbers=True)


def analyse(experiment: Experiment, out: Path, quick: bool) -> None:
    runs = experiment_runs(experiment, out)
    factors = list(experiment.design.factors)
    summarise(runs, factors, list(OUTCOMES)).to_csv(out / "summary.csv", index=False)
    fig, axes = plt.subplots(2, 3, figsize=(15, 8), constrained_layout=True)
    for ax, (outcome, label) in zip(axes.flat, OUTCOMES.items(), strict=True):
        lines(runs, "sanction_rate", outcome, "peer_punishment", ax, label)
    shared_legend(fig, axes)
    fig.suptitle("Sanctions and peer punishment (all reimbursement and pooled-fund levels)")
    save_figure(fig, out / "institutions_sanctions.png")
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.5), constrained_layout=True)
    for ax, outcome in zip(axes, ["troops_income_rho", "funds_gdp_rho",
                                  "effectiveness_tail_mean"], strict=True):
        lines(runs, "pooled_fund", outcome, "reimbursement", ax, OUTCOMES[outcome])
    shared_legend(fig, axes)
    fig.suptitle("Reimbursement per soldier and a pooled fund: who gives what")
    save_figure(fig, out / "institutions_division_of_labour.png")

    def effect(factor, outcome):
        summary = summarise(runs, [factor], [outcome]).set_index(factor)
        return compare(summary.iloc[0], summary.iloc[-1], outcome)

    main = []
    for factor in factors:
        summary = summarise(runs, [factor], list(OUTCOMES))
        for _, row in summary.iterrows():
            main.append({"institution": factor, "level": row[factor],
                         **{label: row[f"{k}_mean"] for k, label in OUTCOMES.items()}})
    table = markdown_table(__import__("pandas").DataFrame(main))
    contribution, free = "mean_contribution_ratio_tail_mean", "free_riding_rate_tail_mean"
    pooled = max(experiment.design.factors["pooled_fund"])
    discount = validate(preset_params(experiment.preset, experiment.fixed))["pool_discount"]
    body = f"""
## Findings (main effects, averaged over the other institutions)

- **Sanctions**: from no sanctions to the strongest, the contribution relative to fair share
  {effect("sanction_rate", contribution)}, and the free-riding rate
  {effect("sanction_rate", free)}.
- **Peer punishment**: the contribution relative to fair share
  {effect("peer_punishment", contribution)}; the free-riding rate
  {effect("peer_punishment", free)}.
- **Reimbursement** at the UN rate (17,136 USD a soldier a year): the rank correlation of GDP
  per capita with troops delivered {effect("reimbursement", "troops_income_rho")}: paying
  per soldier makes troops a private benefit for poorer nations, whose soldiers cost less than
  the rate, so troops come from them; the correlation of GDP with money
  {effect("reimbursement", "funds_gdp_rho")} (assessed funds come from the rich).
- **Pooled fund**: effectiveness {effect("pooled_fund", "effectiveness_tail_mean")}; the
  lowest coverage of a capability {effect("pooled_fund", "coverage_min_tail_mean")}. The fund
  buys a share of the enablers nations give at a discount ({pooled:g} of them at
  {discount:.0%} off at most here: an enabler costs its giver {pooled * discount:.0%} less),
  so nations pledge more enablers where they are the binding gap (docs/ODD.md, 7.2).

{table}

![sanctions](institutions_sanctions.png)

![division of labour](institutions_division_of_labour.png)

Every cell of the design (means, 95 % intervals, counts): `summary.csv`.
"""
    write_readme(out, "Institutions: sanctions, peer punishment, reimbursement, pooled fund",
                 experiment, runs, quick, body)


if __name__ == "__main__":
    sys.exit(script_main(__file__))
