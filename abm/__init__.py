"""Coalition burden-sharing: nations negotiating commitments to shared missions (Mesa ABM)."""

from .agents import Nation
from .model import CoalitionModel
from .parameters import PARAMETERS, ParameterError
from .presets import presets
from .runner import RunResult, run
from .version import __version__

__all__ = ["PARAMETERS", "CoalitionModel", "Nation", "ParameterError", "RunResult", "__version__",
           "presets", "run"]
