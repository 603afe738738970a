"""Run a sweep from the command line: an experiment script (its sweep, then its analysis) or
a declarative study (``study.py``: its sweep, then its summary).

A script in ``experiments/`` defines ``experiment(quick: bool) -> Experiment`` and
``analyse(experiment, out: Path, quick: bool) -> None`` (figures and a README in ``out``), and
ends with ``if __name__ == "__main__": sys.exit(script_main(__file__))`` (``abm.cli``) so that
it also runs on its own with the same options as ``coalition sweep``.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from ..scenarios.parameters import ParameterError
from .study import Study
from .sweep import Experiment, execute


def load_script(path: str | Path) -> ModuleType:
    path = Path(path)
    if not path.is_file():
        raise ParameterError(f"script: {str(path)!r} does not exist, expected an experiment "
                             "script such as experiments/free_riding.py")
    spec = importlib.util.spec_from_file_location(f"experiment_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if not callable(getattr(module, "experiment", None)):
        raise ParameterError(f"script: {path} defines no experiment(quick) function")
    return module


def run_script(path: str | Path, *, quick: bool = False, out: str | Path | None = None,
               workers: int | None = None, dask: str | bool | None = None,
               progress: bool = True, retry_failed: bool = False, csv: bool = True) -> int:
    """Run the sweep of the script at ``path``, then its analysis; the exit status."""
    module = load_script(path)
    experiment = module.experiment(quick)
    # The quick mode is another experiment definition: its own folder, beside the full one.
    out = Path(out or f"results/{experiment.name}{'-quick' if quick else ''}")
    status = _sweep(experiment, out, workers, dask, progress, retry_failed, csv)
    if status == 0 and callable(getattr(module, "analyse", None)):
        module.analyse(experiment, out, quick)
        print(f"analysis written to {out}")
    return status


def run_study(study: Study, *, out: str | Path | None = None, workers: int | None = None,
              dask: str | bool | None = None, progress: bool = True,
              retry_failed: bool = False, csv: bool = True) -> int:
    """Run a declarative study's sweep (``study.py``), then write its ``summary.csv``."""
    out = Path(out or f"results/{study.experiment.name}")
    status = _sweep(study.experiment, out, workers, dask, progress, retry_failed, csv)
    if status == 0:
        print(f"summary written to {study.summarise(out)}")
    return status


def _sweep(experiment: Experiment, out: Path, workers: int | None, dask: str | bool | None,
           progress: bool, retry_failed: bool, csv: bool) -> int:
    try:
        report = execute(experiment, out, workers, dask, progress, retry_failed, csv)
    except KeyboardInterrupt:
        print(f"\ninterrupted: finished runs are kept in {out}; run again to resume",
              file=sys.stderr)
        return 130
    print(report.line())
    return 0
