"""Experiment scripts: load one, run its sweep, then its analysis.

A script in ``experiments/`` defines ``experiment(quick: bool) -> Experiment`` and
``analyse(experiment, out: Path, quick: bool) -> None`` (figures and a README in ``out``), and
ends with ``if __name__ == "__main__": sys.exit(script_main(__file__))`` so that it also runs on
its own with the same options as ``coalition sweep``.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

from .parameters import ParameterError
from .sweep import make_executor, run_sweep


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


def run_script(path: str | Path, args: argparse.Namespace) -> int:
    """Run the sweep of the script at ``path`` with the parsed options, then its analysis."""
    module = load_script(path)
    experiment = module.experiment(args.quick)
    out = Path(args.out or f"results/{experiment.name}")
    try:
        executor, workers, backend, close = make_executor(args.workers, args.dask)
    except (OSError, TimeoutError) as err:
        raise ParameterError(f"dask: cannot reach the scheduler at {args.dask} ({err}); "
                             "expected the address of a running Dask scheduler") from None
    try:
        report = run_sweep(experiment, out, executor=executor, workers=workers,
                           progress=args.progress, retry_failed=args.retry_failed,
                           csv=args.csv, backend=backend)
    except KeyboardInterrupt:
        print(f"\ninterrupted: finished runs are kept in {out}; run again to resume",
              file=sys.stderr)
        return 130
    finally:
        close()
    print(report.line())
    if callable(getattr(module, "analyse", None)):
        module.analyse(experiment, out, args.quick)
        print(f"analysis written to {out}")
    return 0


def script_main(path: str, argv: Sequence[str] | None = None) -> int:
    """``python experiments/<name>.py [options]``: the same as ``coalition sweep <script>``."""
    from .cli import main

    return main(["sweep", path, *(sys.argv[1:] if argv is None else argv)])
