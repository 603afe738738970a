"""The simulation: the Nation agent, CoalitionModel and the eight phases of a mandate cycle,
with the recorder of a run's outputs and their statistics.

Builds on ``abm.scenarios`` (parameters, nations) and on nothing else of ``abm``.
"""

from .model import CoalitionModel
from .nation import Nation

__all__ = ["CoalitionModel", "Nation"]
