"""A calibration's results folder: tidy tables, the identity they came from, and figures.

Files (all written aside first, then moved into place together; nothing else in the folder is
touched):

- ``calibration.json``: target, priors, settings, seed, model version, the posterior summary
  and the predictive check;
- ``parameters.csv``: per parameter, the posterior mean, median and 90 % credible interval;
- ``posterior.csv``: every generation's particles with weight, distance, seed and statistics;
- ``generations.csv``: per generation, tolerance, simulations, acceptance, effective size;
- ``predictive.csv``: per statistic, the data, the predictive mean and 90 % interval;
- ``posterior.png``/``.pdf`` and ``predictive.png``/``.pdf``.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import MaxNLocator

from abm.experiments.calibration import Posterior, identity
from abm.experiments.figures import save_figure
from abm.experiments.store import now
from abm.scenarios.parameters import ParameterError

TABLES = ("parameters.csv", "posterior.csv", "generations.csv", "predictive.csv")
FIGURES = ("posterior.png", "posterior.pdf", "predictive.png", "predictive.pdf")
FILES = ("calibration.json", *TABLES, *FIGURES)


def run_calibration(name: str, priors: dict[str, tuple[float, float]] | None = None, *,
                    out: str | Path | None = None, quick: bool = False,
                    population: int | None = None, generations: int | None = None,
                    draws: int | None = None, seed: int = 0, workers: int | None = None,
                    dask: str | bool | None = None, progress: bool = True,
                    overwrite: bool = False) -> int:
    """``coalition calibrate``: calibrate a target, check it, write its folder and print
    the posterior; the exit status."""
    import sys

    from abm.experiments.calibration import calibrate, predictive, predictive_check
    from abm.experiments.executors import make_executor
    from abm.experiments.targets import TARGETS

    target = TARGETS[name]
    if priors:
        target = target.with_parameters(priors)
    settings = {"population": population or (40 if quick else 200),
                "generations": generations if generations is not None else 2 if quick else 8,
                "seed": seed}
    draws = draws or (40 if quick else 200)
    out = Path(out or f"results/calibration/{target.name}{'-quick' if quick else ''}")
    if out.exists() and not out.is_dir():
        raise ParameterError(f"out: {out} exists and is not a directory")
    check_out(out, identity(target, **settings), overwrite)  # fail before running

    def show(generation) -> None:
        print(f"  generation {generation.index}: tolerance {generation.tolerance:.3g}, "
              f"{generation.simulations} runs, acceptance {generation.acceptance:.2f}",
              file=sys.stderr, flush=True)

    executor, workers, backend, close = make_executor(workers, dask)
    try:
        posterior = calibrate(target, **settings, executor=executor,
                              progress=show if progress else None)
        check = predictive_check(predictive(posterior, draws, seed, executor), target.observed)
    finally:
        close()
    write(posterior, check, out, overwrite=overwrite,
          extra={"backend": backend, "workers": workers})
    print(posterior.summary().round(3).to_string(index=False))
    held = check[~check["fitted"]]
    print(f"posterior predictive: data inside the 90 % interval for "
          f"{int(check['inside'].sum())}/{len(check)} statistics "
          f"({int(held['inside'].sum())}/{len(held)} held out)")
    print(f"wrote {out}/ ({', '.join(FILES)})")
    return 0


def check_out(out: Path, wanted: dict[str, Any], overwrite: bool) -> None:
    """Refuse a folder that holds another calibration's files (or files of ours with no
    record of what made them), unless ``overwrite``: then only our files are replaced."""
    present = [name for name in FILES if (out / name).exists()]
    if not present or overwrite:
        return
    try:
        old = json.loads((out / "calibration.json").read_text())
    except (OSError, ValueError):
        old = None
    same = old is not None and all(old.get(k) == v for k, v in wanted.items())
    if not same:
        raise ParameterError(f"out: {out} already holds other results ({present[0]}); choose "
                             "another --out or pass --overwrite")


def write(posterior: Posterior, check: pd.DataFrame, out: str | Path, overwrite: bool = False,
          extra: dict[str, Any] | None = None) -> list[Path]:
    """Write the folder (see the module docstring); return the paths written."""
    out = Path(out)
    record = {**posterior.describe(), "written": now(), **(extra or {}),
              "posterior": posterior.summary().to_dict(orient="records"),
              "predictive": check.to_dict(orient="records")}
    check_out(out, identity(posterior.target, **posterior.settings), overwrite)
    out.mkdir(parents=True, exist_ok=True)
    tables = {"parameters.csv": posterior.summary(), "posterior.csv": posterior.frame(),
              "generations.csv": posterior.history(), "predictive.csv": check}
    staged: list[tuple[Path, Path]] = []
    for name, frame in tables.items():
        tmp = out / f".{name}.tmp"
        frame.to_csv(tmp, index=False)
        staged.append((tmp, out / name))
    tmp = out / ".calibration.json.tmp"
    tmp.write_text(json.dumps(record, indent=2, default=_plain) + "\n")
    staged.append((tmp, out / "calibration.json"))
    save_figure(posterior_figure(posterior), out / "posterior.png")
    save_figure(predictive_figure(check, posterior.target.name), out / "predictive.png")
    for tmp, target in staged:
        os.replace(tmp, target)
    return [out / name for name in FILES]


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    return str(value)


def posterior_figure(posterior: Posterior, truth: dict[str, float] | None = None
                     ) -> plt.Figure:
    """Each parameter's marginal posterior over its prior range (the prior is flat), with the
    90 % credible interval shaded and the preset's value (or the truth) marked."""
    from abm.scenarios.presets import preset_params

    names = posterior.names
    summary = posterior.summary().set_index("parameter")
    preset = preset_params(posterior.target.preset)
    fig, axes = plt.subplots(1, len(names), figsize=(3.4 * len(names), 3.0),
                             layout="constrained", squeeze=False)
    for ax, (j, name) in zip(axes[0], enumerate(names)):
        low, high = posterior.target.parameters[name]
        bins = np.linspace(low, high, 21)
        ax.hist(posterior.particles[:, j], bins=bins, weights=posterior.weights, density=True,
                color="#4c72b0", alpha=0.8, label="posterior")
        ax.axhline(1.0 / (high - low), color="grey", ls=":", label="prior")
        ax.axvspan(summary.loc[name, "low"], summary.loc[name, "high"], color="#4c72b0",
                   alpha=0.12, label="90 % interval")
        marked = truth.get(name) if truth else preset.get(name)
        if marked is not None:
            ax.axvline(marked, color="#c44e52", lw=1.5,
                       label="truth" if truth else "preset's value")
        ax.set_xlim(low, high)
        ax.set_xlabel(name)
    axes[0][0].set_ylabel("density")
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside right upper", fontsize=8)
    fig.suptitle(f"{posterior.target.name}: posterior after {len(posterior.generations) - 1} "
                 f"generations ({posterior.simulations:,} runs)", fontsize=10)
    return fig


_FAMILY = re.compile(r"^(.*)_p?(\d+)$")


def _families(names: list[str]) -> dict[str, list[tuple[str, float]]]:
    """Statistics grouped into series: ``contribution_p3`` is period 3 of ``contribution``,
    ``rho_2018`` the year 2018 of ``rho``; any other name is a series of one point.

    >>> _families(["rho_2015", "rho_2024", "us_share"])
    {'rho': [('rho_2015', 2015.0), ('rho_2024', 2024.0)], 'us_share': [('us_share', 0.0)]}
    """
    out: dict[str, list[tuple[str, float]]] = {}
    for name in names:
        match = _FAMILY.match(name)
        family, x = (match[1], float(match[2])) if match else (name, 0.0)
        out.setdefault(family, []).append((name, x))
    return out


def predictive_figure(check: pd.DataFrame, title: str) -> plt.Figure:
    """One panel per series of statistics: the data (black) against the posterior predictive
    mean and 90 % interval, fitted statistics in blue and held-out ones in orange."""
    families = _families(list(check["statistic"]))
    rows = check.set_index("statistic")
    fig, axes = plt.subplots(1, len(families), figsize=(3.3 * len(families) + 1.2, 3.2),
                             layout="constrained", squeeze=False)
    for ax, (family, members) in zip(axes[0], families.items()):
        names = [name for name, _ in members]
        x = np.array([value for _, value in members])
        part = rows.loc[names]
        for fitted, colour, label in ((True, "#4c72b0", "fitted"),
                                      (False, "#dd8452", "held out")):
            kept = (part["fitted"] == fitted).to_numpy()
            if not kept.any():
                continue
            mean = part["mean"].to_numpy()[kept]
            below = np.maximum(mean - part["low"].to_numpy()[kept], 0)  # (rounding, when a
            above = np.maximum(part["high"].to_numpy()[kept] - mean, 0)  # statistic is fixed)
            ax.errorbar(x[kept], mean, yerr=[below, above],
                        fmt="s", ms=3, color=colour, elinewidth=5, alpha=0.45,
                        label=f"90 % predictive interval ({label})")
        ax.scatter(x, part["observed"], color="black", s=14, zorder=3, label="data")
        ax.set_title(family, fontsize=9)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
        if len(members) == 1:
            ax.set_xticks([])
        ax.set_xlabel("period" if names[0].rsplit("_", 1)[-1].startswith("p") else
                      "year" if len(members) > 1 else "")
    handles, labels = axes[0][0].get_legend_handles_labels()
    for ax in axes[0][1:]:
        for handle, label in zip(*ax.get_legend_handles_labels()):
            if label not in labels:
                handles.append(handle)
                labels.append(label)
    fig.legend(handles, labels, loc="outside lower center", ncols=3, fontsize=7)
    inside = check["inside"].mean()
    fig.suptitle(f"{title}: posterior predictive check (data inside the 90 % interval for "
                 f"{inside:.0%} of statistics)", fontsize=10)
    return fig
