"""The classroom app's three charts, built once per model and updated in place every cycle.

Matplotlib redraws a figure whose axes, ticks and legends already exist in about half the
time it takes to build it anew, and the app redraws every chart every cycle (timings:
``benchmarks/bench_app.py``). ``update`` must therefore leave a chart exactly as a fresh
chart of the same model would be: ``tests/classroom/test_charts.py`` checks that their PNGs
are equal. The model is a ``ClassroomModel`` (``lesson.py``): a ``CoalitionModel`` with
``layout()`` and ``player``.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import TwoSlopeNorm
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from ..scenarios.kinds import CAPABILITIES, STRATEGIES, STRATEGY_COLOURS

if TYPE_CHECKING:
    from .lesson import ClassroomModel

DPI = 80  # redrawn every cycle: enough for a projector, cheap to render
TRUST_LINE = 0.5  # mutual trust above which two nations are joined by a line
NO_POINTS = np.empty((0, 2))


class Chart:
    """A figure tied to one model; ``png`` brings it up to date and renders it."""

    figure: Figure

    def __init__(self, model: ClassroomModel) -> None:
        self.model = model

    def update(self) -> None:
        raise NotImplementedError

    def png(self) -> bytes:
        with self.model.lock:  # not while a cycle is being recorded (Play steps in a thread)
            self.update()
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png")
        return buffer.getvalue()


def _strategy_colours(model: ClassroomModel) -> np.ndarray:
    return np.array([STRATEGY_COLOURS[STRATEGIES[s]] for s in model.strategy])


def contribution_ratio(model: ClassroomModel) -> np.ndarray:
    """Last cycle's contribution / fair share per nation (1 before the first cycle, and for
    nations owing nothing)."""
    if model.steps == 0:
        return np.ones(model.n)
    last = model.recorder.stacked()
    fair, given = last["fair_share"][-1], last["contribution"][-1]
    return np.divide(given, fair, out=np.ones(model.n), where=fair > 0)


class NetworkChart(Chart):
    """Nations as nodes (area ~ GDP; colour: contribution / fair share, or strategy), lines
    for mutual trust above 0.5 (width ~ trust), exits hollow and dashed, the student ringed."""

    def __init__(self, model: ClassroomModel, colour_by: str = "contribution") -> None:
        super().__init__(model)
        self.colour_by = colour_by
        self.figure = fig = Figure(figsize=(5.2, 4.6), dpi=DPI)
        fig.subplots_adjust(0.02, 0.02, 0.9, 0.93)
        self.ax = ax = fig.subplots()
        self.xy = np.array([model.layout()[i] for i in range(model.n)])
        self.size = 60 + 900 * np.sqrt(model.gdp / model.gdp.max())
        self.edges = LineCollection([], colors="#999999", alpha=0.6, zorder=1)
        ax.add_collection(self.edges, autolim=False)
        if colour_by == "strategy":
            self.nodes = ax.scatter([], [], zorder=2, edgecolor="white")
        else:
            self.nodes = ax.scatter([], [], c=[], cmap="RdYlGn", norm=TwoSlopeNorm(1.0, 0.0, 2.0),
                                    zorder=2, edgecolor="white")
            fig.colorbar(self.nodes, ax=ax, shrink=0.7, pad=0.02,
                         label="contribution / fair share")
        self.exits = ax.scatter([], [], facecolor="none", edgecolor="grey", linestyle="--",
                                zorder=2)
        self.ring = ax.scatter([], [], facecolor="none", edgecolor="black", lw=2, zorder=3)
        self.you = ax.annotate("you", (0, 0), xytext=(8, 8), textcoords="offset points",
                               weight="bold", visible=False)
        low, high = self.xy.min(axis=0), self.xy.max(axis=0)
        pad = 0.08 * (high - low).max()
        ax.set(xlim=(low[0] - pad, high[0] + pad), ylim=(low[1] - pad, high[1] + pad))
        ax.set_axis_off()
        self.title = ax.set_title("")

    def update(self) -> None:
        model, xy, size = self.model, self.xy, self.size
        mutual = np.minimum(model.trust, model.trust.T)
        i, j = np.nonzero(np.triu(mutual > TRUST_LINE, 1))
        self.edges.set_segments(np.stack([xy[i], xy[j]], axis=1))
        self.edges.set_linewidths(5.0 * (mutual[i, j] - TRUST_LINE))
        member = model.member
        self.nodes.set_offsets(xy[member])
        self.nodes.set_sizes(size[member])
        if self.colour_by == "strategy":
            self.nodes.set_facecolor(_strategy_colours(model)[member])
        else:
            self.nodes.set_array(contribution_ratio(model)[member])
        self.exits.set_offsets(xy[~member])
        self.exits.set_sizes(size[~member])
        player = model.player
        if player is None:
            self.ring.set_offsets(NO_POINTS)
        else:
            self.ring.set_offsets(xy[[player]])
            self.ring.set_sizes(size[[player]] * 1.6)
            self.you.xy = tuple(xy[player])
        self.you.set_visible(player is not None)
        self.title.set_text(f"Nations and mutual trust, cycle {model.steps}")


class SeriesChart(Chart):
    """Pledged and delivered against the requirement, coverage and effectiveness, mean trust
    and members, per cycle."""

    def __init__(self, model: ClassroomModel) -> None:
        super().__init__(model)
        self.figure = fig = Figure(figsize=(7.5, 4.6), dpi=DPI)
        axes = fig.subplots(2, 2, sharex=True, gridspec_kw={"hspace": 0.3, "wspace": 0.22})
        fig.subplots_adjust(0.07, 0.1, 0.98, 0.94)
        self.axes = axes
        # Capabilities a mission can require (missions may not exist before cycle 1).
        self.capabilities = [c for c in CAPABILITIES if model.p[f"req_{c}"] > 0]
        self.lines: dict[str, Line2D] = {}
        ax = axes[0, 0]
        for cap, style in zip(CAPABILITIES, ("-", "--", ":"), strict=True):
            if cap in self.capabilities:
                self.lines[f"delivered_{cap}"], = ax.plot([], [], style, label=f"{cap} delivered")
                self.lines[f"pledged_{cap}"], = ax.plot([], [], style, alpha=0.4,
                                                        label=f"{cap} pledged")
        ax.axhline(1.0, color="black", lw=0.8)
        ax.set(title="Pledged and delivered / required")
        ax.legend(fontsize=6, ncol=2)
        ax = axes[0, 1]
        for cap in self.capabilities:
            self.lines[f"coverage_{cap}"], = ax.plot([], [], label=cap)
        self.lines["effectiveness"], = ax.plot([], [], color="black", label="effectiveness")
        ax.set(title="Coverage and effectiveness", ylim=(0, 1.05))
        ax.legend(fontsize=6)
        self.lines["mean_trust"], = axes[1, 0].plot([], [], color="#4c72b0")
        axes[1, 0].set(title="Mean trust", ylim=(0, 1.05), xlabel="cycle")
        self.lines["members"], = axes[1, 1].plot([], [], color="#55a868")
        axes[1, 1].set(title="Members", ylim=(0, model.n * 1.05), xlabel="cycle")
        axes[0, 0].set(xlim=(0.5, 2.5), ylim=(0, 1.05))  # before the first cycle (x shared)
        axes[1, 0].xaxis.set_major_locator(MaxNLocator(integer=True))  # cycles
        self.hints = [a.text(0.5, 0.5, "press Step", ha="center", va="center",
                             transform=a.transAxes) for a in axes.flat]

    def update(self) -> None:
        model = self.model
        for hint in self.hints:
            hint.set_visible(model.steps == 0)
        if model.steps == 0:
            return
        c = model.recorder.model_columns()
        step = c["step"]
        for cap in self.capabilities:
            required = np.where(c[f"required_{cap}"] > 0, c[f"required_{cap}"], np.nan)
            self.lines[f"delivered_{cap}"].set_data(step, c[f"delivered_{cap}"] / required)
            self.lines[f"pledged_{cap}"].set_data(step, c[f"pledged_{cap}"] / required)
            self.lines[f"coverage_{cap}"].set_data(step, c[f"coverage_{cap}"])
        for name in ("effectiveness", "mean_trust", "members"):
            self.lines[name].set_data(step, c[name])
        top = self.axes[0, 0]
        top.relim()
        top.autoscale_view()
        top.set_xlim(0.5, max(step[-1], 2) + 0.5)  # shared by all four


class BurdenChart(Chart):
    """Burden (% of GDP) by nation, sorted by GDP: the exploitation of the great by the small
    shows as bars rising to the right."""

    def __init__(self, model: ClassroomModel) -> None:
        super().__init__(model)
        self.figure = fig = Figure(figsize=(7.5, 3.4), dpi=DPI)
        fig.subplots_adjust(0.08, 0.3, 0.99, 0.9)
        self.ax = ax = fig.subplots()
        self.order = np.argsort(model.gdp)
        colours = _strategy_colours(model)[self.order]
        self.bars = ax.bar(np.arange(model.n), np.zeros(model.n), color=colours,
                           edgecolor="black", linewidth=0)
        if model.n <= 40:
            ax.set_xticks(np.arange(model.n), model.names[self.order], rotation=90, fontsize=6)
        else:
            ax.set_xticks([])
        ax.set(ylabel="burden, % of GDP", xlabel="nations, smallest GDP to largest",
               title="Who carries the burden (colour: strategy)")
        handles = [Patch(color=c, label=s) for s, c in STRATEGY_COLOURS.items()]
        ax.legend(handles=handles, fontsize=6, ncol=4)
        self.outlined: int | None = None

    def update(self) -> None:
        model = self.model
        if model.steps:
            burden = 100 * model.recorder.stacked()["contribution"][-1] / model.gdp
        else:
            burden = np.zeros(model.n)
        for bar, height in zip(self.bars, burden[self.order], strict=True):
            bar.set_height(height)
        self.ax.set_ylim(0, max(burden.max(), 0.1) * 1.08)  # room for the legend
        if self.outlined is not None:
            self.bars[self.outlined].set_linewidth(0)
            self.outlined = None
        if model.player is not None:
            self.outlined = int(np.flatnonzero(self.order == model.player)[0])
            self.bars[self.outlined].set_linewidth(2)
