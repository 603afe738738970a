"""The figure of one run: capability coverage, cohesion, free-riding and who carries the burden."""

from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import seaborn as sns  # noqa: E402

from .population import CAPABILITIES  # noqa: E402

if TYPE_CHECKING:
    from .runner import RunResult


def run_figure(result: RunResult) -> plt.Figure:
    frame, nations, summary = result.model_frame, result.nation_frame, result.summary
    sns.set_theme(style="whitegrid", context="notebook")
    fig, axes = plt.subplots(2, 2, figsize=(11, 8), constrained_layout=True)
    ax = axes[0, 0]
    for cap in CAPABILITIES:
        if frame[f"required_{cap}"].iloc[0] > 0:
            ax.plot(frame["step"], frame[f"coverage_{cap}"], label=f"{cap} coverage")
    ax.plot(frame["step"], frame["effectiveness"], "k-", lw=2, label="effectiveness")
    ax.set(title="Missions: delivered / required", xlabel="cycle", ylim=(0, 1.05))
    ax.legend(fontsize=8)
    ax = axes[0, 1]
    for col, label in [("mean_trust", "mean trust"), ("retention", "members / nations"),
                       ("fulfilment", "delivered / pledged")]:
        ax.plot(frame["step"], frame[col], label=label)
    ax.set(title="Cohesion", xlabel="cycle", ylim=(0, 1.05))
    ax.legend(fontsize=8)
    ax = axes[1, 0]
    ax.plot(frame["step"], frame["free_riding_rate"], label="free-riding rate")
    ax.plot(frame["step"], frame["exploitation_rho"], label="exploitation rho (GDP vs burden)")
    ax.plot(frame["step"], frame["burden_gini"], label="burden Gini")
    ax.axhline(0, color="grey", lw=0.8)
    ax.set(title="Free-riding", xlabel="cycle", ylim=(-1.05, 1.05))
    ax.legend(fontsize=8)
    ax = axes[1, 1]
    last = nations[nations["step"] == nations["step"].max()].copy()
    last["burden_pct"] = 100 * last["burden"]
    sns.scatterplot(data=last, x="gdp", y="burden_pct", hue="strategy", style="member", ax=ax,
                    s=50)
    ax.set_xscale("log")
    ax.set(title="Who carries the burden (last cycle)", xlabel="GDP (bn USD, log)",
           ylabel="contribution, % of GDP")
    ax.legend(fontsize=7)
    fig.suptitle(f"{summary['preset']} - seed {summary['seed']} - {summary['steps']} cycles - "
                 f"model {summary['model_version']}")
    return fig
