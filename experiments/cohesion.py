"""Cohesion: initial trust x interest divergence x monitoring.

When do coalitions hold and when do they fall apart? The `trust_collapse` preset (members
withdraw after three cycles of low trust or payoff) over a grid of initial trust, interest
divergence and monitoring. Outcomes: retention (members at the end / nations), mean trust,
trust blocs and the time to collapse (first cycle with fewer than half the nations in).

    coalition sweep experiments/cohesion.py [--quick] [--workers N] [--dask [ADDRESS]]
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from abm.cli import script_main
from abm.experiments.analysis import compare, means_table, summarise, write_readme
from abm.experiments.designs import FullFactorial
from abm.experiments.discovery import discover
from abm.experiments.figures import lines, phase_diagram, save_figure, shared_legend
from abm.experiments.sweep import Experiment, experiment_runs

OUTCOMES = {"retention": "retention", "mean_trust_tail_mean": "mean trust",
            "trust_blocs_tail_mean": "trust blocs", "collapsed": "share collapsed",
            "time_to_collapse": "time to collapse (cycles)"}


def experiment(quick: bool = False) -> Experiment:
    factors = {
        "initial_trust": [0.3, 0.5, 0.7] if quick else [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8],
        "divergence": [0.1, 0.5, 0.9] if quick else [0.1, 0.3, 0.5, 0.7, 0.9],
        "monitoring": [0.1, 0.9] if quick else [0.1, 0.5, 0.9],
    }
    return Experiment("cohesion", FullFactorial(factors, replicates=3 if quick else 15),
                      preset="trust_collapse", steps=40 if quick else 100, seed=20261122)


def analyse(experiment: Experiment, out: Path, quick: bool) -> None:
    runs = experiment_runs(experiment, out)
    runs["collapsed"] = runs["time_to_collapse"].notna().astype(float)
    summary = summarise(runs, ["monitoring", "initial_trust", "divergence"], list(OUTCOMES))
    summary.to_csv(out / "summary.csv", index=False)
    levels = sorted(runs["monitoring"].unique())
    fig, axes = plt.subplots(2, len(levels), figsize=(5 * len(levels), 8.5),
                             constrained_layout=True, squeeze=False)
    for col, level in enumerate(levels):
        part = summary[summary["monitoring"] == level]
        phase_diagram(part, "divergence", "initial_trust", "retention", axes[0, col],
                      "retention", 0, 1, "RdYlGn")
        axes[0, col].set_title(f"retention, monitoring {level:g}")
        phase_diagram(part, "divergence", "initial_trust", "collapsed", axes[1, col],
                      "share of runs collapsed", 0, 1, "Reds")
        axes[1, col].set_title(f"collapse (fewer than half left), monitoring {level:g}")
    fig.suptitle("When coalitions hold: phase diagrams over initial trust and divergence")
    save_figure(fig, out / "cohesion_phase.png")
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.5), constrained_layout=True)
    lines(runs, "initial_trust", "retention", "monitoring", axes[0], "retention")
    lines(runs, "divergence", "retention", "monitoring", axes[1], "retention")
    lines(runs, "initial_trust", "trust_blocs_tail_mean", "monitoring", axes[2], "trust blocs")
    shared_legend(fig, axes)
    save_figure(fig, out / "cohesion_lines.png")

    # Scenario discovery: the parameter ranges where fewer than half the nations stay.
    collapse = discover(runs, "retention < 0.5")
    save_figure(collapse.plot_tradeoff(), out / "cohesion_discovery.png")

    trust_levels = sorted(runs["initial_trust"].unique())
    divergences = sorted(runs["divergence"].unique())
    by_trust = summarise(runs, ["initial_trust"], list(OUTCOMES)).set_index("initial_trust")
    by_divergence = summarise(runs, ["divergence"], list(OUTCOMES)).set_index("divergence")
    by_monitoring = summarise(runs, ["monitoring"], list(OUTCOMES)).set_index("monitoring")
    collapse_time = runs["time_to_collapse"].dropna()

    body = f"""
## Findings

- **Initial trust**: from initial trust {trust_levels[0]:g} to
  {trust_levels[-1]:g}, retention {compare(by_trust.iloc[0], by_trust.iloc[-1], "retention")}.
- **Interest divergence**: from divergence {divergences[0]:g} to
  {divergences[-1]:g}, retention {compare(by_divergence.iloc[0], by_divergence.iloc[-1],
  "retention")}.
- **Monitoring**: from {levels[0]:g} to {levels[-1]:g}, retention
  {compare(by_monitoring.iloc[0], by_monitoring.iloc[-1], "retention")}. Monitoring moves
  suspicion more than it changes its total: a seen shortfall costs its culprit trust, an
  unseen one costs every unseen partner a share (judged at their pooled reliability), and
  where many renege (this preset) either way ends in exits.
- **Deadlock keeps members in**: at the highest divergence most mandates fail to win a
  qualified majority, no mission launches, nobody is seen falling short, and trust and
  membership stay where they were (mean retention {by_divergence.iloc[-1]["retention_mean"]:.2f}).
- **Collapse** (fewer than half the nations left) happens in
  {runs["collapsed"].mean():.0%} of runs, after a median of
  {np.median(collapse_time) if len(collapse_time) else float("nan"):.0f} cycles when it does;
  once trust falls below the exit threshold members leave in a cascade.

**When coalitions fall apart** (scenario discovery: PRIM boxes over the three factors, the
densest box keeping at least half the cases still to explain; `coalition discover
results/cohesion --where "retention < 0.5"`):

```
{collapse.report()}
```

![PRIM peeling trajectory](cohesion_discovery.png)

By initial trust:

{means_table(by_trust, "initial_trust", OUTCOMES)}

By divergence:

{means_table(by_divergence, "divergence", OUTCOMES)}

By monitoring:

{means_table(by_monitoring, "monitoring", OUTCOMES)}

![phase diagrams](cohesion_phase.png)

![lines](cohesion_lines.png)

Full table (means, 95 % intervals, counts for every cell): `summary.csv`.
"""
    write_readme(out, "Cohesion: initial trust, interest divergence and monitoring",
                 experiment, runs, quick, body)


if __name__ == "__main__":
    sys.exit(script_main(__file__))
