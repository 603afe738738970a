"""Declarative experiments: a study file (TOML) or factors given on the command line, turned
into an ``Experiment`` that is checked whole before anything runs.

A study file names a preset and a design; everything else has a default::

    preset = "alliance"
    replicates = 2
    seed = 7

    [design]
    type = "full_factorial"

    [design.factors]
    monitoring = [0.0, 1.0]

The schema (every key but ``design`` is optional):

- ``name`` (default: the file's stem), ``preset`` (default ``"default"``), ``steps`` (default:
  the preset's), ``replicates`` (1), ``seed`` (0), ``common_random_numbers`` (false);
- ``[fixed]``: parameters set for every run;
- ``outcomes``: run outcomes summarised in ``summary.csv`` (default ``OUTCOMES``);
  ``series``: model-frame columns kept per step;
- ``[design]`` with ``type`` one of ``DESIGNS``:
  ``full_factorial`` (``[design.factors]``: name = [levels]),
  ``list`` (``[[design.sets]]``: one table of parameters per point),
  ``latin_hypercube`` (``[design.ranges]``: name = [low, high]; ``samples``),
  ``sobol`` (``ranges``; ``base``, a power of 2),
  ``morris`` (``ranges``; ``trajectories``, ``levels`` (4));
  the sampled designs take ``sample_seed`` (0).

Errors are one line that names the file and the field, e.g.
``study.toml: design.factors.monitoring: got 1.5, expected a number in [0, 1]``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..model.reporters import RUN_OUTCOMES
from ..scenarios.parameters import PARAMETERS, ParameterError, parse_value
from ..scenarios.presets import preset_params
from .designs import (
    Design,
    FullFactorial,
    LatinHypercube,
    MorrisSample,
    ParameterSets,
    SobolSample,
)
from .sweep import Experiment, execute, experiment_runs

DESIGNS = ("full_factorial", "list", "latin_hypercube", "sobol", "morris")
# What summary.csv reports when a study names no outcomes.
OUTCOMES = ("effectiveness_tail_mean", "free_riding_rate_tail_mean",
            "exploitation_rho_tail_mean", "mean_trust_tail_mean", "retention")
_KEYS = ("name", "preset", "steps", "replicates", "seed", "common_random_numbers", "fixed",
         "outcomes", "series", "design")
_DESIGN_KEYS = {"full_factorial": ("factors",), "list": ("sets",),
                "latin_hypercube": ("ranges", "samples", "sample_seed"),
                "sobol": ("ranges", "base", "sample_seed"),
                "morris": ("ranges", "trajectories", "levels", "sample_seed")}


@dataclass
class Study:
    """An experiment and the outcomes its summary reports."""

    experiment: Experiment
    outcomes: tuple[str, ...]

    @property
    def factors(self) -> list[str]:
        """The parameters the design varies, in the order it names them."""
        return self.experiment.design.names

    def summarise(self, out: str | Path) -> Path:
        """Write ``summary.csv`` in ``out``: each outcome's mean, 95 % interval and count per
        design point (the varied factors first); returns its path."""
        from .analysis import summarise

        out = Path(out)
        runs = experiment_runs(self.experiment, out)
        summary = summarise(runs, self.factors or ["point"], list(self.outcomes))
        path = out / "summary.csv"
        summary.to_csv(path, index=False)
        return path


def sweep(out: str | Path, *, preset: str = "default",
          factors: Mapping[str, Sequence[Any]] | None = None,
          design: Mapping[str, Any] | None = None, replicates: int = 1, seed: int = 0,
          steps: int | None = None, fixed: Mapping[str, Any] | None = None,
          workers: int | None = 1, progress: bool = True) -> pd.DataFrame:
    """Run a sweep from Python (a script or a notebook; no ``__main__`` guard needed) and
    return its runs, one row per run (parameters, seed, model version, outcomes).

    ``factors`` gives a full factorial ({name: [levels]}); ``design`` any design, as the
    ``[design]`` table of a study file. Results stream to ``out`` and a second call resumes.

    >>> runs = sweep(tmp, preset="alliance", factors={"monitoring": [0.0, 1.0]},
    ...              steps=3, fixed={"n_nations": 6}, progress=False)  # doctest: +SKIP
    """
    if (factors is None) == (design is None):
        raise ParameterError("sweep: expected either factors or a design")
    table = dict(design) if design is not None else {"type": "full_factorial",
                                                     "factors": dict(factors)}
    data = {"preset": preset, "replicates": replicates, "seed": seed,
            "fixed": dict(fixed or {}), "design": table}
    if steps is not None:
        data["steps"] = steps
    study = study_from_dict(data, Path(out).name or "sweep", source="sweep")
    execute(study.experiment, out, workers=workers, progress=progress)
    return experiment_runs(study.experiment, out)


def load_study(path: str | Path) -> Study:
    """The study in the TOML file at ``path``, checked whole (``ParameterError``: one line)."""
    path = Path(path)
    if not path.is_file():
        raise ParameterError(f"study: {str(path)!r} is not a file, expected a study file "
                             "such as study.toml")
    try:
        data = tomllib.loads(path.read_text())
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise ParameterError(f"{path.name}: not valid TOML ({err})") from None
    return study_from_dict(data, path.stem, source=path.name)


def study_from_dict(data: Mapping[str, Any], default_name: str = "study",
                    source: str | None = "study") -> Study:
    """A study from the parsed contents of a study file; errors name ``source`` (if any: the
    command line's options name themselves) and the field."""
    try:
        return _build(data, default_name)
    except ParameterError as err:
        if source is None:
            raise
        raise ParameterError(f"{source}: {err}") from None


def vary(preset: str, factors: Sequence[str], *, replicates: int = 1, seed: int = 0,
         steps: int | None = None, fixed: Mapping[str, Any] | None = None,
         name: str | None = None) -> Study:
    """A full-factorial study from command-line factors, each ``name=v1,v2,...`` (a list) or
    ``name=low:high:n`` (n levels evenly spaced from low to high)."""
    levels: dict[str, list[Any]] = {}
    for text in factors:
        factor, values = parse_factor(text)
        if factor in levels:
            raise ParameterError(f"--vary: {factor} is given twice, expected each factor once")
        for value in values:
            _check_value(f"--vary {factor}", factor, value)
        levels[factor] = values
    for key, value in (fixed or {}).items():
        _check_value(f"--set {key}", key, value)
    data = {"preset": preset, "replicates": replicates, "seed": seed,
            "fixed": dict(fixed or {}),
            "design": {"type": "full_factorial", "factors": levels}}
    if steps is not None:
        data["steps"] = steps
    return study_from_dict(data, name or f"sweep_{preset}", source=None)


def parse_factor(text: str) -> tuple[str, list[Any]]:
    """``name=v1,v2`` or ``name=low:high:n`` as the parameter's name and its levels.

    >>> parse_factor("sanction_rate=0:2:5")
    ('sanction_rate', [0.0, 0.5, 1.0, 1.5, 2.0])
    >>> parse_factor("burden_rule=voluntary,assessed")
    ('burden_rule', ['voluntary', 'assessed'])
    """
    if "=" not in text:
        raise ParameterError(f"--vary: got {text!r}, expected name=v1,v2,... or "
                             "name=low:high:n")
    name, spec = (part.strip() for part in text.split("=", 1))
    if name not in PARAMETERS:
        parse_value(name, "")  # raises the unknown-parameter error, with a suggestion
    if spec.count(":") == 2:
        low, high, count = spec.split(":")
        parameter = PARAMETERS[name]
        try:
            low_value, high_value, n = float(low), float(high), int(count)
        except ValueError:
            n = 0
        if parameter.kind not in (int, float) or n < 2:
            raise ParameterError(f"{name}: got {spec!r}, expected low:high:n with numbers "
                                 "low < high and an integer n >= 2 (for a numeric parameter)")
        values = np.linspace(low_value, high_value, n).tolist()
        if parameter.kind is int and any(v != round(v) for v in values):
            raise ParameterError(f"{name}: {spec} gives levels that are not integers "
                                 f"({', '.join(f'{v:g}' for v in values)}); expected "
                                 "integer levels")
        return name, [int(round(v)) if parameter.kind is int else v for v in values]
    texts = [t for t in spec.split(",")]
    if not spec or any(not t.strip() for t in texts):
        raise ParameterError(f"{name}: got {spec!r}, expected levels v1,v2,... or low:high:n")
    return name, [parse_value(name, t) for t in texts]


def _build(data: Mapping[str, Any], default_name: str) -> Study:
    _known(data, _KEYS, "")
    if "design" not in data:
        raise ParameterError("design: missing, expected a [design] table with a type "
                             f"({', '.join(DESIGNS)})")
    name = _text(data, "name", default_name)
    preset = _text(data, "preset", "default")
    fixed = _table(data, "fixed")
    preset_params(preset, None)  # an unknown preset, first
    for key, value in fixed.items():
        _check_value(f"fixed.{key}", key, value)
    preset_params(preset, fixed)  # fixed values that break a rule together
    steps = _integer(data, "steps", None, 1)
    replicates = _integer(data, "replicates", 1, 1)
    seed = _integer(data, "seed", 0, 0)
    common = data.get("common_random_numbers", False)
    if not isinstance(common, bool):
        raise ParameterError(f"common_random_numbers: got {common!r}, expected true or false")
    outcomes = tuple(_names(data, "outcomes", OUTCOMES, RUN_OUTCOMES, "run outcomes"))
    from ..model.recording import MODEL_COLUMNS

    series = tuple(_names(data, "series", (), MODEL_COLUMNS, "model frame columns"))
    design = _design(data["design"], replicates)
    experiment = Experiment(name, design, preset=preset, steps=steps, fixed=fixed, seed=seed,
                            common_random_numbers=common, series=series)
    experiment.check()
    return Study(experiment, outcomes)


def _design(table: Any, replicates: int) -> Design:
    if not isinstance(table, Mapping):
        raise ParameterError("design: expected a table ([design]) with a type")
    kind = table.get("type")
    if kind not in DESIGNS:
        raise ParameterError(f"design.type: got {kind!r}, expected one of {', '.join(DESIGNS)}")
    _known(table, ("type", *_DESIGN_KEYS[kind]), "design.")
    if kind == "full_factorial":
        factors = _table(table, "factors", "design.", required=True)
        if not factors:
            raise ParameterError("design.factors: empty, expected at least one factor")
        for factor, levels in factors.items():
            if not isinstance(levels, list) or not levels:
                raise ParameterError(f"design.factors.{factor}: got {levels!r}, expected a "
                                     "non-empty list of levels")
            for level in levels:
                _check_value(f"design.factors.{factor}", factor, level)
        return FullFactorial(factors, replicates=replicates)
    if kind == "list":
        sets = table.get("sets")
        if not isinstance(sets, list) or not sets or not all(isinstance(s, Mapping)
                                                              for s in sets):
            raise ParameterError("design.sets: expected one or more [[design.sets]] tables")
        for i, point in enumerate(sets):
            for key, value in point.items():
                _check_value(f"design.sets[{i}].{key}", key, value)
        return ParameterSets(sets, replicates=replicates)
    ranges = _ranges(table)
    sample_seed = _integer(table, "sample_seed", 0, 0, "design.")
    if kind == "latin_hypercube":
        samples = _integer(table, "samples", None, 1, "design.", required=True)
        return LatinHypercube(ranges, samples, replicates=replicates, seed=sample_seed)
    if kind == "sobol":
        base = _integer(table, "base", None, 2, "design.", required=True)
        return SobolSample(ranges, base, replicates=replicates, seed=sample_seed)
    trajectories = _integer(table, "trajectories", None, 2, "design.", required=True)
    levels = _integer(table, "levels", 4, 2, "design.")
    return MorrisSample(ranges, trajectories, levels, replicates=replicates, seed=sample_seed)


def _ranges(table: Mapping[str, Any]) -> dict[str, tuple[float, float]]:
    ranges = _table(table, "ranges", "design.", required=True)
    if not ranges:
        raise ParameterError("design.ranges: empty, expected name = [low, high] for at least "
                             "one parameter")
    out = {}
    for name, bounds in ranges.items():
        if name not in PARAMETERS:
            parse_value(name, "")
        parameter = PARAMETERS[name]
        if (not isinstance(bounds, list) or len(bounds) != 2
                or not all(isinstance(b, int | float) and not isinstance(b, bool)
                           for b in bounds)
                or parameter.kind not in (int, float)):
            raise ParameterError(f"design.ranges.{name}: got {bounds!r}, expected [low, high] "
                                 f"within {parameter.allowed}")
        low, high = float(bounds[0]), float(bounds[1])
        if not (parameter.low <= low < high <= parameter.high):
            raise ParameterError(f"design.ranges.{name}: got [{low:g}, {high:g}], expected "
                                 f"low < high within {parameter.allowed}")
        out[name] = (low, high)
    return out


def _check_value(field: str, name: str, value: Any) -> None:
    if name not in PARAMETERS:
        try:
            parse_value(name, "")
        except ParameterError as err:
            raise ParameterError(f"{field}: {str(err).split(': ', 1)[1]}") from None
    try:
        PARAMETERS[name].check(value)
    except ParameterError as err:
        raise ParameterError(f"{field}: {str(err).split(': ', 1)[1]}") from None


def _known(table: Mapping[str, Any], allowed: Sequence[str], prefix: str) -> None:
    for key in table:
        if key not in allowed:
            raise ParameterError(f"{prefix}{key}: unknown key, expected one of "
                                 f"{', '.join(allowed)}")


def _text(data: Mapping[str, Any], key: str, default: str) -> str:
    value = data.get(key, default)
    if not isinstance(value, str) or not value:
        raise ParameterError(f"{key}: got {value!r}, expected a non-empty string")
    return value


def _table(data: Mapping[str, Any], key: str, prefix: str = "",
           required: bool = False) -> dict[str, Any]:
    if key not in data:
        if required:
            raise ParameterError(f"{prefix}{key}: missing, expected a table")
        return {}
    value = data[key]
    if not isinstance(value, Mapping):
        raise ParameterError(f"{prefix}{key}: got {value!r}, expected a table")
    return dict(value)


def _integer(data: Mapping[str, Any], key: str, default: int | None, low: int,
             prefix: str = "", required: bool = False) -> int | None:
    if key not in data:
        if required:
            raise ParameterError(f"{prefix}{key}: missing, expected an integer >= {low}")
        return default
    value = data[key]
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ParameterError(f"{prefix}{key}: got {value!r}, expected an integer >= {low}")
    return value


def _names(data: Mapping[str, Any], key: str, default: Sequence[str],
           allowed: Sequence[str], what: str) -> list[str]:
    value = data.get(key, list(default))
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ParameterError(f"{key}: got {value!r}, expected a list of {what}")
    for v in value:
        if v not in allowed:
            raise ParameterError(f"{key}: unknown {v!r}, expected {what} such as "
                                 f"{', '.join(list(allowed)[:4])}")
    return value
