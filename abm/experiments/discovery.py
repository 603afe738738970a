"""Scenario discovery: under which ranges of the parameters does an outcome happen?

PRIM (the patient rule induction method; Friedman and Fisher 1999, as used for scenario
discovery by Bryant and Lempert 2010) peels the space of the varied parameters into boxes
that hold most of the runs where a condition holds (coverage) and few where it does not
(density). The peeling is the EMA Workbench's (Kwakkel 2017), the field's reference
implementation; this module chooses the box on each peeling trajectory, describes it and
draws the trade-off.

    result = discover(runs, "retention < 0.5")   # runs: a sweep's runs table
    print(result.report())
    result.plot_tradeoff().savefig("tradeoff.png")
"""

from __future__ import annotations

import operator
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..scenarios.parameters import PARAMETERS, ParameterError
from .store import load_runs

_OPERATORS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
              "==": operator.eq, "!=": operator.ne}
_CONDITION = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(<=|>=|==|!=|<|>)\s*(\S+)\s*$")


@dataclass(frozen=True)
class Box:
    """One box: the restricted parameters' ranges (numbers) or levels (categories), and how
    well it captures the runs where the condition holds."""

    limits: dict[str, tuple[float, float] | tuple[Any, ...]]
    coverage: float  # share of all the cases of interest that lie in the box
    density: float  # share of the runs in the box that are cases of interest
    mass: float  # share of all runs that lie in the box
    runs: int

    def describe(self) -> str:
        """The limits, one restriction a line."""
        lines = []
        for name, limit in self.limits.items():
            if PARAMETERS[name].kind in (int, float) and len(limit) == 2:
                lines.append(f"    {limit[0]:g} <= {name} <= {limit[1]:g}")
            else:
                lines.append(f"    {name} in {{{', '.join(map(str, limit))}}}")
        return "\n".join(lines) or "    (no restriction)"


@dataclass
class Discovery:
    """The boxes found for a condition over a sweep's runs."""

    condition: str
    inputs: list[str]
    runs: int
    cases: int
    boxes: list[Box]
    trajectory: pd.DataFrame  # the first box's peeling trajectory: coverage, density, ...
    chosen: int  # the row of ``trajectory`` chosen for the first box

    def report(self) -> str:
        head = (f"{self.condition}: {self.cases} of {self.runs} runs "
                f"({self.cases / self.runs:.0%}); parameters varied: {', '.join(self.inputs)}")
        parts = [head]
        for i, box in enumerate(self.boxes, 1):
            parts.append(f"box {i}: coverage {box.coverage:.2f}, density {box.density:.2f}, "
                         f"mass {box.mass:.2f} ({box.runs} runs)\n{box.describe()}")
        if not self.boxes:
            parts.append("no box is denser in cases than the runs as a whole")
        return "\n".join(parts)

    def plot_tradeoff(self):
        """The first box's peeling trajectory: density against coverage, coloured by the
        number of restricted parameters, the chosen box circled."""
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(6, 4.5), constrained_layout=True)
        t = self.trajectory
        most = int(t["res_dim"].max())
        points = ax.scatter(t["coverage"], t["density"], c=t["res_dim"], s=24, zorder=2,
                            cmap=plt.get_cmap("viridis", most + 1), vmin=-0.5,
                            vmax=most + 0.5)
        ax.plot(t["coverage"], t["density"], color="0.7", lw=0.8, zorder=1)
        chosen = t.iloc[self.chosen]
        ax.scatter([chosen["coverage"]], [chosen["density"]], s=140, facecolors="none",
                   edgecolors="black", lw=1.5, zorder=3, label="chosen box")
        ax.set(xlabel="coverage", ylabel="density", xlim=(0, 1.02), ylim=(0, 1.02),
               title=f"PRIM peeling trajectory: {self.condition}")
        fig.colorbar(points, ax=ax, label="restricted parameters", ticks=range(most + 1))
        ax.legend(loc="lower left")
        return fig


def parse_condition(text: str) -> tuple[str, str, float]:
    """``"column < number"`` as (column, operator, number).

    >>> parse_condition("retention < 0.5")
    ('retention', '<', 0.5)
    """
    match = _CONDITION.match(text)
    value = None
    if match:
        try:
            value = float(match.group(3))
        except ValueError:
            value = None
    if value is None or not np.isfinite(value):
        raise ParameterError(f"--where: got {text!r}, expected an outcome column, a comparison "
                             f"({', '.join(_OPERATORS)}) and a number, e.g. 'retention < 0.5'")
    return match.group(1), match.group(2), value


def discover(runs: pd.DataFrame, where: str, inputs: list[str] | None = None,
             min_coverage: float = 0.5, max_boxes: int = 2) -> Discovery:
    """PRIM boxes for the condition ``where`` over the ok runs of a sweep; ``inputs`` are the
    parameters to box (default: every parameter that varies among the runs). On each peeling
    trajectory the box chosen is the densest with at least ``min_coverage`` of the cases
    still to explain; boxes stop when none is denser than the runs left."""
    column, sign, value = parse_condition(where)
    ok = runs[runs["status"] == "ok"].reset_index(drop=True) if "status" in runs else runs
    if column not in ok.columns or column in PARAMETERS:
        outcomes = [c for c in ok.columns if c.endswith("_tail_mean") or c == "retention"]
        raise ParameterError(f"--where: unknown outcome {column!r}, expected a column of the "
                             f"runs table such as {', '.join(outcomes[:4])}")
    if not 0 < min_coverage <= 1:
        raise ParameterError(f"min_coverage: got {min_coverage}, expected a number in (0, 1]")
    outcome = pd.to_numeric(ok[column], errors="coerce")
    keep = outcome.notna().to_numpy()
    ok, outcome = ok[keep].reset_index(drop=True), outcome[keep].to_numpy(float)
    cases = _OPERATORS[sign](outcome, value)
    if inputs is None:
        inputs = [p for p in PARAMETERS if p in ok.columns and ok[p].nunique() > 1]
    if not inputs:
        raise ParameterError("inputs: no parameter varies among the runs; expected a sweep "
                             "over at least one parameter")
    if cases.all() or not cases.any():
        raise ParameterError(f"--where: {where!r} holds in {int(cases.sum())} of {len(cases)} "
                             "runs; expected a condition that holds in some runs and not in "
                             "others")
    x = pd.DataFrame({name: _as_input(ok[name], PARAMETERS[name].kind)
                      for name in inputs})
    with warnings.catch_warnings():  # the Workbench's use of pandas APIs pandas deprecates
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", FutureWarning)
        return _peel(x, cases, where, inputs, min_coverage, max_boxes)


def _peel(x: pd.DataFrame, cases: np.ndarray, where: str, inputs: list[str],
          min_coverage: float, max_boxes: int) -> Discovery:
    prim = _prim(x, cases)
    boxes, first = [], None
    for _ in range(max_boxes):
        found = prim.find_box()
        if found is None:
            break
        trajectory = found.peeling_trajectory.reset_index(drop=True)
        left = trajectory["k"].iloc[0]  # cases still to explain when this box started
        eligible = trajectory[trajectory["k"] >= min_coverage * left]
        chosen = int(eligible.sort_values(["density", "coverage"], kind="stable").index[-1])
        chosen = _drop_insignificant(found, chosen)
        trajectory = found.peeling_trajectory.reset_index(drop=True)
        if first is None:
            first = (trajectory, chosen)
        row = trajectory.iloc[chosen]
        if row["res_dim"] == 0 or row["density"] <= trajectory["density"].iloc[0]:
            break  # nothing significant to restrict, or no denser than the runs left
        boxes.append(Box(_limits(found.box_lims[chosen], prim.box_init, x),
                         coverage=float(row["k"] / cases.sum()), density=float(row["density"]),
                         mass=float(row["n"] / len(cases)), runs=int(row["n"])))
    return Discovery(where.strip(), inputs, len(cases), int(cases.sum()), boxes, *first)


def _drop_insignificant(box, chosen: int, alpha: float = 0.05) -> int:
    """Select entry ``chosen`` of the box's trajectory and drop the restrictions whose
    quasi-p-values (a one-sided binomial test of each limit, Bryant and Lempert 2010) are
    all at least ``alpha``: a restriction that noise alone could have made. Returns the
    entry of the box kept (a new one when a restriction was dropped)."""
    box.select(chosen)
    weak = [name for name, values in box.p_values[chosen].items()
            if all(v < 0 or v >= alpha for v in values)]  # (-1: that side is not restricted)
    for name in weak:
        box.drop_restriction(name)
    return len(box.peeling_trajectory) - 1 if weak else chosen


def discover_folder(out: str | Path, where: str, **options: Any) -> Discovery:
    """``discover`` over the runs a sweep wrote in ``out``."""
    out = Path(out)
    runs = load_runs(out)
    if runs.empty:
        raise ParameterError(f"folder: {str(out)!r} holds no runs, expected a sweep's results "
                             "folder (with runs/)")
    return discover(runs, where, **options)


def _as_input(values: pd.Series, kind: type) -> pd.Series:
    """Numbers stay numbers (of the parameter's kind); flags and choices become categories."""
    if kind in (int, float):
        return values.astype(np.int64 if kind is int else float)
    return values.astype(str).astype("category")


def _prim(x: pd.DataFrame, y: np.ndarray):
    with warnings.catch_warnings():  # (its optional ipyparallel backend, which we do not use)
        warnings.simplefilter("ignore", UserWarning)
        from ema_workbench.analysis import prim

    return prim.Prim(x, y, peel_alpha=0.05, paste_alpha=0.05, mass_min=0.05)


def _limits(box: pd.DataFrame, initial: pd.DataFrame, x: pd.DataFrame) -> dict[str, Any]:
    """The parameters the box restricts, with their limits."""
    out: dict[str, Any] = {}
    for name in x.columns:
        low, high = box[name].iloc[0], box[name].iloc[1]
        if isinstance(low, set):  # categories: the box keeps a subset
            if low != initial[name].iloc[0]:
                out[name] = tuple(sorted(low))
        elif low != initial[name].iloc[0] or high != initial[name].iloc[1]:
            out[name] = (float(low), float(high))
    return out
