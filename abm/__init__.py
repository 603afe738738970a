"""Coalition burden-sharing: nations negotiating commitments to shared missions (Mesa ABM).

The package in layers, each building only on those before it: ``scenarios`` (parameters,
nations, presets, data), ``model`` (the simulation), ``experiments`` (runs and sweeps),
``classroom`` (the app), and ``cli`` on top.
"""

from .experiments.runs import RunResult, rerun, run
from .model import CoalitionModel, Nation
from .scenarios.parameters import PARAMETERS, ParameterError
from .scenarios.presets import presets
from .version import __version__

__all__ = ["PARAMETERS", "CoalitionModel", "Nation", "ParameterError", "RunResult", "__version__",
           "presets", "rerun", "run", "sweep"]


def sweep(out, **options):
    """Run a parameter sweep from Python and return its runs (``experiments.study.sweep``;
    loaded on first use, so that ``import abm`` stays light)."""
    from .experiments.study import sweep as run_study_sweep

    return run_study_sweep(out, **options)
