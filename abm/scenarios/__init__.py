"""What a run is made of: the parameters, the nations, the named presets and the real data.

The lowest layer of the package: it imports nothing else of ``abm``, and the model, the
experiments and the classroom build on it.
"""

from .parameter import ParameterError
from .parameters import PARAMETERS, validate
from .presets import preset_params, presets

__all__ = ["PARAMETERS", "ParameterError", "preset_params", "presets", "validate"]
