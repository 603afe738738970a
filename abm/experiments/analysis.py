"""What the experiment scripts share to report a sweep: summaries with confidence intervals,
Markdown tables, sentences that say only what the intervals allow, and the study's README.
Figures are in ``figures.py``."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..version import __version__


def summarise(runs: pd.DataFrame, by: Sequence[str], outcomes: Sequence[str]) -> pd.DataFrame:
    """Mean, 95 % interval (percentile bootstrap, ``mean_interval``) and count of each
    outcome per group (ok runs only).

    >>> runs = pd.DataFrame({"status": "ok", "g": [1, 1, 2, 2], "y": [1.0, 3.0, 5.0, 5.0]})
    >>> summarise(runs, ["g"], ["y"])[["g", "y_mean", "y_n"]].to_numpy().tolist()
    [[1.0, 2.0, 2.0], [2.0, 5.0, 2.0]]
    """
    ok = runs[runs["status"] == "ok"]
    rows = []
    for key, group in ok.groupby(list(by), sort=True, dropna=False):
        row = dict(zip(by, key if isinstance(key, tuple) else (key,), strict=True))
        for outcome in outcomes:
            values = group[outcome].dropna().to_numpy(float)
            mean, low, high = mean_interval(values)
            row.update({f"{outcome}_mean": mean, f"{outcome}_low": low,
                        f"{outcome}_high": high, f"{outcome}_n": len(values)})
        rows.append(row)
    return pd.DataFrame(rows)


def mean_interval(values: Sequence[float], resamples: int = 2000, seed: int = 0
                  ) -> tuple[float, float, float]:
    """Mean and 95 % percentile-bootstrap interval of the values (seeded: the same values give
    the same interval); NaN bounds for fewer than two. The bounds lie within the values' range,
    so a rate's interval never leaves [0, 1]; figures draw their bands the same way.

    >>> [round(v, 3) for v in mean_interval([0.0, 0.0, 0.1])]
    [0.033, 0.0, 0.1]
    """
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    n = len(values)
    mean = float(values.mean()) if n else np.nan
    if n < 2:
        return mean, np.nan, np.nan
    draws = np.random.default_rng(seed).integers(0, n, size=(resamples, n))
    low, high = np.percentile(values[draws].mean(axis=1), [2.5, 97.5])
    # (a mean of equal values can differ from them in the last bit)
    return mean, float(max(low, values.min())), float(min(high, values.max()))


def markdown_table(frame: pd.DataFrame, digits: int = 3) -> str:
    """A GitHub-flavoured Markdown table (no extra dependency).

    >>> print(markdown_table(pd.DataFrame({"a": [1, 2], "b": [0.5, 0.25]})))
    | a | b |
    |---|---|
    | 1 | 0.500 |
    | 2 | 0.250 |
    """
    def cell(v: Any) -> str:
        if isinstance(v, float | np.floating):
            return "n/a" if not np.isfinite(v) else f"{v:.{digits}f}"
        return str(v)

    head = "| " + " | ".join(map(str, frame.columns)) + " |"
    rule = "|" + "---|" * len(frame.columns)
    body = ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(False)]
    return "\n".join([head, rule, *body])


def means_table(summary: pd.DataFrame, index: str, outcomes: dict[str, str],
                digits: int = 3) -> str:
    """Markdown table of the means in a ``summarise`` result indexed by ``index``, with the
    outcomes' readable names as headers."""
    frame = summary.reset_index()[[index] + [f"{k}_mean" for k in outcomes]]
    return markdown_table(frame.rename(columns={f"{k}_mean": v for k, v in outcomes.items()}),
                          digits)


def interval(summary_row: pd.Series, outcome: str, digits: int = 3) -> str:
    """'mean [low, high]' for the text of a README."""
    mean, low, high = (summary_row[f"{outcome}_{k}"] for k in ("mean", "low", "high"))
    if not np.isfinite(mean):
        return "undefined"
    if not np.isfinite(low):
        return f"{mean:.{digits}f}"
    return f"{mean:.{digits}f} [{low:.{digits}f}, {high:.{digits}f}]"


def compare(first: pd.Series, second: pd.Series, outcome: str, digits: int = 3) -> str:
    """How an outcome moves from one group to another, said only as far as the 95 % intervals
    allow: 'rises from A to B', 'falls from A to B', or 'does not differ clearly (A, B)'.

    >>> a = pd.Series({"y_mean": 0.2, "y_low": 0.1, "y_high": 0.3})
    >>> b = pd.Series({"y_mean": 0.6, "y_low": 0.5, "y_high": 0.7})
    >>> compare(a, b, "y")
    'rises from 0.200 [0.100, 0.300] to 0.600 [0.500, 0.700]'
    """
    a, b = interval(first, outcome, digits), interval(second, outcome, digits)
    if first[f"{outcome}_high"] < second[f"{outcome}_low"]:
        return f"rises from {a} to {b}"
    if first[f"{outcome}_low"] > second[f"{outcome}_high"]:
        return f"falls from {a} to {b}"
    return f"does not differ clearly ({a} against {b})"


def write_readme(out: Path, title: str, experiment: Any, runs: pd.DataFrame, quick: bool,
                 body: str) -> Path:
    """results/<name>/README.md: what was run (design, seeds, version) and the findings."""
    failed = int((runs["status"] != "ok").sum())
    definition = experiment.describe()
    design = {k: v for k, v in definition.items()
              if k in ("design", "points", "replicates", "factors", "ranges", "base", "samples",
                       "trajectories")}
    if len(design.get("ranges", ())) > 8:  # (the study lists them in its findings)
        design["ranges"] = f"{len(design['ranges'])} parameters, listed below"
    text = f"""# {title}

Mode: {"quick" if quick else "full"} ({len(runs)} runs, {failed} failed); preset
`{experiment.preset}`, {experiment.steps} cycles a run; experiment seed {experiment.seed};
model version {__version__}. Outcomes are means over the last fifth of each run; brackets
are 95 % intervals over replicates (percentile bootstrap, 2,000 resamples; bands in the
figures likewise). Reproduce with
`coalition sweep experiments/{experiment.name}.py{" --quick" if quick else ""}`.

Design: `{design}`{"; fixed: `" + str(experiment.fixed) + "`" if experiment.fixed else ""}.

{body.strip()}
"""
    path = out / "README.md"
    tmp = out / ".README.md.tmp"
    tmp.write_text(text)
    os.replace(tmp, path)
    return path
