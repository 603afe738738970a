"""One parameter: its default, allowed values, unit and meaning, and the check of a value.

The registry of all parameters is ``parameters.py``.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np


class ParameterError(ValueError):
    """A parameter value is unknown, of the wrong type or outside its allowed range."""


@dataclass(frozen=True)
class Parameter:
    name: str
    default: Any
    low: float | None = None
    high: float | None = None
    unit: str = "-"
    meaning: str = ""
    group: str = ""
    choices: tuple[str, ...] | None = None
    kind: type = float
    optional: bool = False  # None is allowed (a file path that may be absent)

    @property
    def allowed(self) -> str:
        if self.choices is not None:
            return "one of " + ", ".join(self.choices)
        if self.kind is bool:
            return "true or false"
        if self.kind is str:
            return "a path to a CSV file, or none"
        word = "an integer" if self.kind is int else "a number"
        return f"{word} in [{_fmt(self.low)}, {_fmt(self.high)}]"

    def check(self, value: Any) -> Any:
        """Return ``value`` coerced to this parameter's type, or raise ParameterError."""
        if value is None and self.optional:
            return None
        if self.choices is not None:
            if value not in self.choices:
                raise ParameterError(f"{self.name}: got {value!r}, expected {self.allowed}")
            return value
        if self.kind is bool:
            if isinstance(value, bool | np.bool_):
                return bool(value)
            if isinstance(value, numbers.Real) and value in (0, 1):
                return bool(value)
            raise ParameterError(f"{self.name}: got {value!r}, expected {self.allowed}")
        if self.kind is str:
            if isinstance(value, str) and value:
                return value
            raise ParameterError(f"{self.name}: got {value!r}, expected {self.allowed}")
        # numpy's scalars are numbers too (numbers.Real), but a flag is not a number
        if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
            raise ParameterError(f"{self.name}: got {value!r}, expected {self.allowed}")
        if not math.isfinite(value):
            raise ParameterError(f"{self.name}: got {value!r}, expected {self.allowed}")
        if self.kind is int:
            if value != int(value):
                raise ParameterError(f"{self.name}: got {value!r}, expected {self.allowed}")
            value = int(value)
        else:
            value = float(value)
        if value != 0 and abs(value) < TINY:
            raise ParameterError(f"{self.name}: got {value!r}, expected 0 or a magnitude of at "
                                 f"least {TINY:g} in [{_fmt(self.low)}, {_fmt(self.high)}]")
        if not (self.low <= value <= self.high):
            raise ParameterError(f"{self.name}: got {value!r}, expected {self.allowed}")
        return value

    def parse(self, text: str) -> Any:
        """Turn the text of a command-line ``name=value`` into this parameter's type (``check``
        then validates it)."""
        lowered = text.strip().lower()
        if self.optional and lowered in ("", "none", "null"):
            return None
        if self.kind is bool:
            if lowered in ("true", "yes", "on", "1"):
                return True
            if lowered in ("false", "no", "off", "0"):
                return False
            raise ParameterError(f"{self.name}: got {text!r}, expected {self.allowed}")
        if self.kind in (int, float):
            try:
                return float(text)  # check() turns integral values of integer parameters to int
            except ValueError:
                raise ParameterError(f"{self.name}: got {text!r}, expected {self.allowed}"
                                     ) from None
        return text


def random_source(rng: Any = None, seed: Any = None) -> Any:
    """What a model draws from: ``rng`` (Mesa 3's name) or ``seed`` (Mesa 2's), either an
    integer >= 0 (numpy's integers too), a numpy Generator, or None for a fresh seed.

    >>> random_source(np.int64(7)), random_source(seed=3)
    (7, 3)
    >>> random_source(-1)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    abm.scenarios.parameter.ParameterError: rng: got -1, expected an integer >= 0, ...
    """
    if seed is not None and rng is not None:
        raise ParameterError("seed: got both seed and rng, expected one of them")
    name, value = ("rng", rng) if seed is None else ("seed", seed)
    if value is None:
        return int(np.random.SeedSequence().entropy % (2**63))
    if isinstance(value, np.random.Generator):
        return value
    if isinstance(value, numbers.Integral) and not isinstance(value, bool) and value >= 0:
        return int(value)
    raise ParameterError(f"{name}: got {value!r}, expected an integer >= 0, a numpy Generator "
                         "or None")


# Smaller non-zero magnitudes mean nothing in this model and would overflow its inverses.
TINY = 1e-9


def _fmt(x: float | None) -> str:
    return "-" if x is None else f"{x:g}"


def parameter(name: str, default: Any, low: float | None = None, high: float | None = None,
              unit: str = "-", meaning: str = "", **kw: Any) -> Parameter:
    """A Parameter whose kind follows its default (a bool, an int, a float, or text with
    choices) unless ``kind`` says otherwise."""
    kind = kw.pop("kind", None)
    if kind is None:
        kind = type(default) if not isinstance(default, bool) else bool
        if kw.get("choices"):
            kind = str
    return Parameter(name, default, low, high, unit, meaning, kind=kind, **kw)
