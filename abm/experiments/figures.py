"""Figures: of one run (capability coverage, cohesion, free-riding and who carries the
burden), and the building blocks of the studies' figures (phase diagrams, lines with bands)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402

from ..scenarios.kinds import CAPABILITIES, STRATEGIES, STRATEGY_COLOURS  # noqa: E402

if TYPE_CHECKING:
    from .runs import RunResult


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
                    s=50, palette=STRATEGY_COLOURS, hue_order=STRATEGIES)
    ax.set_xscale("log")
    ax.set(title="Who carries the burden (last cycle)", xlabel="GDP (bn USD, log)",
           ylabel="contribution, % of GDP")
    ax.legend(fontsize=7)
    fig.suptitle(f"{summary['preset']}: one run (seed {summary['seed']}), {summary['steps']} "
                 f"cycles, model {summary['model_version']}")
    return fig


def phase_diagram(summary: pd.DataFrame, x: str, y: str, value: str, ax: plt.Axes,
                  label: str, vmin: float | None = None, vmax: float | None = None,
                  cmap: str = "viridis") -> None:
    """Heat map of the mean of ``value`` over two factors, each cell annotated."""
    grid = summary.pivot_table(index=y, columns=x, values=f"{value}_mean")
    sns.heatmap(grid.sort_index(ascending=False), ax=ax, annot=True, fmt=".2f", cmap=cmap,
                vmin=vmin, vmax=vmax, cbar_kws={"label": label}, annot_kws={"size": 7})
    ax.set(xlabel=x, ylabel=y)


def lines(runs: pd.DataFrame, x: str, y: str, hue: str | None, ax: plt.Axes, label: str,
          style: str | None = None) -> None:
    """Mean of ``y`` against ``x`` with a 95 % percentile-bootstrap band over replicates: the
    method of the tables (``analysis.mean_interval``: 2,000 resamples, seeded, so figures
    reproduce and bands stay within the data's bounds)."""
    ok = runs[runs["status"] == "ok"]
    sns.lineplot(data=ok, x=x, y=y, hue=hue, style=style, ax=ax, errorbar=("ci", 95),
                 n_boot=2000, seed=0, marker="o", palette="deep" if hue else None)
    ax.set(xlabel=x, ylabel=label)


def shared_legend(fig: plt.Figure, axes) -> None:
    """One legend for panels that share their series, outside them on the right (a legend in
    every panel repeats itself and covers data)."""
    axes = list(getattr(axes, "flat", axes))
    handles, labels = axes[0].get_legend_handles_labels()
    for ax in axes:
        if ax.get_legend() is not None:
            ax.get_legend().remove()
    if handles:
        fig.legend(handles, labels, loc="outside right upper", fontsize=9)


def save_figure(fig: plt.Figure, path: Path) -> None:
    """Write the figure as PNG (200 dpi, for READMEs and slides) and PDF (vector, for papers)
    beside it, each aside first and then moved into place."""
    for target, options in ((path, {"dpi": 200}), (path.with_suffix(".pdf"), {})):
        tmp = target.with_name(f".{target.name}.tmp{target.suffix}")
        fig.savefig(tmp, **options)
        os.replace(tmp, target)
    plt.close(fig)
