"""Global sensitivity analysis: how much of each main outcome the leading parameters explain
(Sobol, SALib).

The parameters are those the Morris screening (`experiments/screening.py`) found leading, over
its ranges (`results/screening/leading.json`, committed with that study's results). Saltelli's
sample, each point run with several seeds; Sobol indices (first order S1, total ST, with
bootstrap 95 % intervals) are computed on the mean over seeds of each point, and the seed noise
is measured separately, as the share of the variance of single runs that lies between seeds at
the same point. The full design has enough base samples for the leading indices' intervals to
be within +/- 0.1 (checked in the README).

    coalition sweep experiments/sensitivity.py [--quick] [--workers N] [--dask [ADDRESS]]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from SALib.analyze import sobol

from abm.cli import script_main
from abm.experiments.analysis import markdown_table, write_readme
from abm.experiments.designs import SobolSample
from abm.experiments.figures import save_figure
from abm.experiments.sweep import Experiment, experiment_runs
from abm.scenarios.parameters import ParameterError

LEADING = Path(__file__).resolve().parents[1] / "results" / "screening" / "leading.json"


def leading_ranges() -> dict[str, tuple[float, float]]:
    """The screening's leading parameters and their ranges."""
    if not LEADING.is_file():
        raise ParameterError(f"sensitivity: {LEADING} is missing, expected the screening's "
                             "results: run `coalition sweep experiments/screening.py` first")
    leading = json.loads(LEADING.read_text())
    return {name: tuple(leading["ranges"][name]) for name in leading["parameters"]}


OUTCOMES = {"effectiveness_tail_mean": "effectiveness",
            "free_riding_rate_tail_mean": "free-riding rate",
            "exploitation_rho_tail_mean": "exploitation rho",
            "mean_trust_tail_mean": "mean trust",
            "retention": "retention"}


def experiment(quick: bool = False) -> Experiment:
    design = SobolSample(leading_ranges(), base=16 if quick else 4096,
                         replicates=2, seed=20261124)
    return Experiment("sensitivity", design, preset="default", steps=30 if quick else 100,
                      seed=20261124)


def indices(experiment: Experiment, runs: pd.DataFrame) -> pd.DataFrame:
    """Sobol indices per outcome and parameter, and the seed-noise share per outcome."""
    design = experiment.design
    rows = []
    for outcome in OUTCOMES:
        values = runs.pivot_table(index="point", columns="replicate", values=outcome)
        values = values.reindex(range(design.size))
        means = values.mean(axis=1)
        usable = means.notna().mean()
        filled = means.fillna(means.mean()).to_numpy()
        total = np.nanvar(values.to_numpy())
        noise = np.nanmean(values.var(axis=1, ddof=1)) / total if total > 0 else np.nan
        if not np.isfinite(filled).all() or np.ptp(filled) == 0:
            continue
        result = sobol.analyze(design.problem, filled, calc_second_order=False,
                               seed=experiment.seed, print_to_console=False)
        for name, s1, s1c, st, stc in zip(design.problem["names"], result["S1"],
                                          result["S1_conf"], result["ST"], result["ST_conf"],
                                          strict=True):
            rows.append({"outcome": OUTCOMES[outcome], "parameter": name, "S1": s1,
                         "S1_conf": s1c, "ST": st, "ST_conf": stc, "seed_noise_share": noise,
                         "points_defined": usable})
    return pd.DataFrame(rows)


def analyse(experiment: Experiment, out: Path, quick: bool) -> None:
    runs = experiment_runs(experiment, out)
    runs = runs[runs["status"] == "ok"]
    table = indices(experiment, runs)
    table.to_csv(out / "sobol_indices.csv", index=False)
    outcomes = list(dict.fromkeys(table["outcome"]))
    fig, axes = plt.subplots(1, len(outcomes), figsize=(4 * len(outcomes), 4.8),
                             constrained_layout=True, sharey=True, squeeze=False)
    for ax, outcome in zip(axes[0], outcomes, strict=True):
        part = table[table["outcome"] == outcome].set_index("parameter")
        y = np.arange(len(part))
        ax.barh(y + 0.2, part["ST"], 0.4, xerr=part["ST_conf"], label="total (ST)")
        ax.barh(y - 0.2, part["S1"], 0.4, xerr=part["S1_conf"], label="first order (S1)")
        ax.set_yticks(y, part.index)
        ax.axvline(0, color="grey", lw=0.8)
        ax.set(title=f"{outcome}\nseed noise {part['seed_noise_share'].iloc[0]:.0%}",
               xlabel="Sobol index")
    axes[0, 0].legend(fontsize=8)
    save_figure(fig, out / "sensitivity.png")

    lines = []
    for outcome in outcomes:
        part = table[table["outcome"] == outcome].sort_values("ST", ascending=False)
        top = part.iloc[0]
        second = part.iloc[1]
        lines.append(
            f"- **{outcome}**: most sensitive to `{top.parameter}` (ST {top.ST:.2f} "
            f"+/- {top.ST_conf:.2f}), then `{second.parameter}` (ST {second.ST:.2f}); seeds "
            f"account for {top.seed_noise_share:.0%} of the variance of single runs"
            + (": the mean of two replicates is still mostly seed noise, and its indices say "
               "so by being large for every parameter." if top.seed_noise_share > 0.5
               else "."))
    wide = table.pivot_table(index="parameter", columns="outcome", values="ST").reset_index()
    # The precision of the indices that matter: each outcome's three largest ST, and their S1.
    top = table.sort_values("ST", ascending=False).groupby("outcome", sort=False).head(3)
    widest = float(np.nanmax(np.r_[top["ST_conf"], top["S1_conf"]])) if len(top) else np.nan
    precision = (f"Precision: the widest 95 % half-interval among each outcome's three leading "
                 f"indices (ST and S1) is +/- {widest:.3f}"
                 f"{' (within +/- 0.1)' if widest <= 0.1 else ' (wider than +/- 0.1)'}; "
                 f"{experiment.design.base} base samples, {experiment.design.size} points.")
    body = f"""
## Findings

Total-order Sobol indices (ST: the share of an outcome's variance that a parameter causes,
alone or with others) over the ranges below; intervals are SALib's bootstrap 95 %.

{chr(10).join(lines)}

{precision}

Parameters and ranges (the screening's leading ones, `results/screening/leading.json`):
{", ".join(f"`{k}` {lo:g}-{hi:g}" for k, (lo, hi) in experiment.design.ranges.items())}.

ST by parameter and outcome:

{markdown_table(wide, 2)}

![Sobol indices](sensitivity.png)

All indices with intervals: `sobol_indices.csv`.{" With the quick design (few points) the "
"intervals are wide: read the ranking, not the values." if quick else ""}
"""
    write_readme(out, "Global sensitivity analysis of the main outcomes (Sobol)", experiment,
                 runs, quick, body)


if __name__ == "__main__":
    sys.exit(script_main(__file__))
