"""Run a scenario and keep its results: ``abm.run`` and the files ``coalition run`` writes."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..model import CoalitionModel
from ..model.reporters import plain, run_outcomes
from ..scenarios.parameters import PARAMETERS, ParameterError
from ..scenarios.presets import preset_params, preset_steps
from ..version import __version__
from .keys import run_key


@dataclass(repr=False)
class RunResult:
    """What one run produced: tidy frames, a run-level summary and the model itself.

    >>> run("alliance", steps=5, seed=3)  # doctest: +ELLIPSIS
    RunResult(alliance, seed 3, 5 cycles, 30 nations, model ...): effectiveness ..., free-riding ...
    """

    model_frame: pd.DataFrame
    nation_frame: pd.DataFrame
    summary: dict[str, Any]
    model: CoalitionModel = field(repr=False)

    def __repr__(self) -> str:  # one line, not the frames (a notebook shows this)
        s, o = self.summary, self.summary["outcomes"]

        def number(key: str) -> str:
            value = o.get(key)
            return "n/a" if value is None else f"{value:.3f}"
        return (f"RunResult({s['preset']}, seed {s['seed']}, {s['steps']} cycles, "
                f"{s['n_nations']} nations, model {s['model_version']}): effectiveness "
                f"{number('effectiveness_tail_mean')}, free-riding "
                f"{number('free_riding_rate_tail_mean')}, mean trust "
                f"{number('mean_trust_tail_mean')} (means over the last fifth); members at "
                f"the end {o['final_members']}/{s['n_nations']}; .model_frame "
                f"{self.model_frame.shape[0]} x {self.model_frame.shape[1]}, .nation_frame "
                f"{self.nation_frame.shape[0]} x {self.nation_frame.shape[1]}, .plot()")

    def plot(self):
        """The run's figure (a matplotlib Figure, as ``figure.png``): what was pledged and
        delivered, effectiveness, trust and membership, burdens; titled with its seed."""
        from .figures import run_figure

        return run_figure(self)

    def write(self, out: str | Path, overwrite: bool = False) -> list[Path]:
        """Write model.csv, nations.csv, summary.json and figure.png into ``out``.

        The files are written in a temporary folder inside ``out``, then each is moved into
        place, summary.json last (it is removed first, so that a folder without it is known
        to be incomplete): a failure leaves nothing half-written. Only these four files are
        ever replaced, and those of a different run only with ``overwrite``; whatever else
        the folder holds is left alone.
        """
        from .figures import run_figure

        out = Path(out)
        _check_out(out, self.summary, overwrite)
        made = not out.exists()
        out.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".writing.", dir=out))
        try:
            self.model_frame.to_csv(staging / "model.csv", index=False)
            self.nation_frame.to_csv(staging / "nations.csv", index=False)
            run_figure(self).savefig(staging / "figure.png", dpi=110)
            (staging / "summary.json").write_text(json.dumps(self.summary, indent=2) + "\n")
            (out / "summary.json").unlink(missing_ok=True)
            for name in sorted(RUN_FILES, key=lambda name: name == "summary.json"):  # it last
                os.replace(staging / name, out / name)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
            if made and not any(out.iterdir()):
                out.rmdir()
        return [out / name for name in RUN_FILES]


def _check_out(out: Path, summary: dict[str, Any], overwrite: bool) -> None:
    if not out.exists():
        return
    if not out.is_dir():
        raise ParameterError(f"out: {out} exists and is not a directory")
    if overwrite or not any((out / name).exists() for name in RUN_FILES):
        return  # (files of its own are left alone)
    previous = out / "summary.json"
    try:
        old = json.loads(previous.read_text())
    except (OSError, ValueError):
        old = None
    same = old is not None and all(old.get(k) == summary[k] for k in _IDENTITY)
    if not same:
        raise ParameterError(
            f"out: {out} already holds other results; choose another --out or pass --overwrite")


_IDENTITY = ("model_version", "preset", "seed", "steps", "parameters")
# What ``RunResult.write`` writes, and all it may replace.
RUN_FILES = ("model.csv", "nations.csv", "summary.json", "figure.png")


def run(preset: str | None = None, steps: int | None = None, seed: int | None = None,
        **overrides: Any) -> RunResult:
    """Run a preset (default: the 30-nation default scenario) for ``steps`` cycles.

    >>> result = run("alliance", steps=5, seed=3)
    >>> list(result.model_frame["step"])
    [1, 2, 3, 4, 5]
    >>> result.summary["seed"], result.summary["model_version"] == __version__
    (3, True)
    """
    model, model_frame, summary = simulate(preset, steps, seed, overrides)
    return RunResult(model_frame, model.nation_frame(), summary, model)


def rerun(row: Mapping[str, Any]) -> RunResult:
    """Run again the run a row of a sweep's runs table describes (a pandas Series, a dict, a
    row of runs.csv read in R and written back): its preset, steps, seed and parameters. Its
    outcomes equal the row's when the model is the same version.

    >>> from abm.experiments.sweep import run_chunk, RunSpec
    >>> params = preset_params("alliance", {"n_nations": 6})
    >>> spec = RunSpec(run_key("alliance", 5, params, 11), 0, 0, 11, params)
    >>> row = run_chunk("alliance", 5, (), [spec])[0][0]
    >>> again = rerun(row)
    >>> again.summary["outcomes"]["mean_trust_tail_mean"] == row["mean_trust_tail_mean"]
    True
    """
    if isinstance(row, pd.DataFrame):  # a table filtered down to the run
        if len(row) != 1:
            raise ParameterError(f"row: got a table of {len(row)} rows, expected one run")
        row = row.iloc[0]
    elif hasattr(row, "_asdict"):  # a row of DataFrame.itertuples()
        row = row._asdict()
    missing = [k for k in ("preset", "steps", "seed") if k not in row or _absent(row[k])]
    if missing:
        raise ParameterError(f"row: no {missing[0]!r}, expected a row of a sweep's runs table")
    version = row.get("model_version")
    if not _absent(version) and version != __version__:
        raise ParameterError(f"row: made by model {version}, this is {__version__}; its "
                             "outcomes would differ (install that version to re-run it)")
    params = {name: (None if _absent(row[name]) else _plain_value(row[name]))
              for name in PARAMETERS if name in row}
    preset, steps, seed = str(row["preset"]), int(row["steps"]), int(row["seed"])
    made = run_key(preset, steps, preset_params(preset, params), seed)
    if "key" in row and not _absent(row["key"]) and made != row["key"]:
        raise ParameterError(
            f"row: run {row['key']} was made by other code or another nations file than "
            "this installation's (its key no longer matches), so its outcomes would differ")
    return run(preset, steps=steps, seed=seed, **params)


def rerun_folder(folder: str | Path, key: str, out: str | Path | None = None,
                 overwrite: bool = False) -> int:
    """``coalition rerun``: run again the run of ``folder`` whose key is (or starts with)
    ``key``, write its files (default ``folder/rerun-<key>``), say whether its outcomes equal
    the row's; the exit status (1 if they differ)."""
    from .store import load_runs

    folder = Path(folder)
    if not (folder / "runs").is_dir():
        raise ParameterError(f"folder: {folder} holds no runs/, expected a sweep's results "
                             "folder")
    runs = load_runs(folder)
    found = runs[runs["key"].str.startswith(key)] if key else runs.iloc[:0]
    if len(found) != 1:
        raise ParameterError(f"key: {key!r} matches {len(found)} runs in {folder}, expected "
                             "exactly one (see the runs table's key column)")
    row = found.iloc[0]
    result = rerun(row)
    paths = result.write(out or folder / f"rerun-{row['key']}", overwrite=overwrite)
    outcomes = result.summary["outcomes"]
    same = all(_same(outcomes[k], row[k]) for k in outcomes if k in row.index)
    print(f"run {row['key']} (point {row['point']}, replicate {row['replicate']}, seed "
          f"{row['seed']}): outcomes {'equal' if same else 'DIFFER from'} the row's")
    print(f"  wrote {', '.join(str(p) for p in paths)}")
    return 0 if same else 1


def _same(a: Any, b: Any) -> bool:
    """An outcome of the re-run against the row's (missing equals missing)."""
    if a is None or pd.isna(a):
        return bool(pd.isna(b))
    return not pd.isna(b) and a == b


def _absent(value: Any) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA


def _plain_value(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def nation_table(columns: tuple[str, ...], preset: str | None, overrides: dict[str, Any],
                 seed: int, steps: int | None = None) -> pd.DataFrame:
    """One run's nation frame cut to ``columns`` (with step, nation and seed): the task of a
    sweep that needs nation-level results.

    >>> nation_table(("burden",), "alliance", {"n_nations": 4}, seed=1, steps=2).shape
    (8, 4)
    """
    frame = run(preset, steps=steps, seed=seed, **overrides).nation_frame
    return frame[["step", "nation", *columns]].assign(seed=seed)


def simulate(preset: str | None, steps: int | None, seed: int | None,
             overrides: dict[str, Any]) -> tuple[CoalitionModel, pd.DataFrame, dict[str, Any]]:
    """Run without building the nation frame: the model, its model frame and its summary."""
    model = _run_model(preset, steps, seed, overrides)
    return model, model.model_frame(), summarise(model, preset or "default", model.steps)


def simulate_outcomes(preset: str | None, steps: int | None, seed: int | None,
                      overrides: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Run and return the run-level outcomes and the model-frame columns (no pandas)."""
    model = _run_model(preset, steps, seed, overrides)
    columns = model.recorder.model_columns()
    return run_outcomes(model.recorder, columns), columns


def _run_model(preset: str | None, steps: int | None, seed: int | None,
               overrides: dict[str, Any]) -> CoalitionModel:
    params = preset_params(preset, overrides)
    steps = preset_steps(preset) if steps is None else steps
    if isinstance(steps, bool) or not isinstance(steps, int | np.integer) or steps < 1:
        raise ParameterError(f"steps: got {steps!r}, expected an integer >= 1")
    model = CoalitionModel(rng=seed, **params)
    model.run_for(int(steps))
    return model


def summarise(model: CoalitionModel, preset: str, steps: int) -> dict[str, Any]:
    """Run-level record: identity (version, preset, seed, parameters) and outcomes."""
    return {
        "model_version": __version__,
        "preset": preset,
        "seed": model.seed,
        "steps": steps,
        "n_nations": model.n,
        "parameters": {k: plain(v) for k, v in model.p.items()},
        "outcomes": run_outcomes(model.recorder),
    }
