"""The model version recorded in every result (bump it whenever outputs may change), and the
fingerprint of the code and data a run's results depend on, which changes with them even when
nobody bumps the version."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

__version__ = "0.6.0"

_PACKAGE = Path(__file__).resolve().parent
# What a run's results depend on: the model, the scenarios (parameters, presets, nations) and
# their data files. (The experiment machinery, the app and the CLI do not change a result.)
_RESULT_SOURCES = ("model", "scenarios")


@functools.cache
def model_code() -> str:
    """A 12-hex-digit digest of every file under abm/model and abm/scenarios (paths and
    contents), so that results made by different code never share a run key.

    >>> len(model_code()), model_code() == model_code()
    (12, True)
    """
    digest = hashlib.sha256()
    for folder in _RESULT_SOURCES:
        for path in sorted((_PACKAGE / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                digest.update(str(path.relative_to(_PACKAGE)).encode() + b"\0")
                digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]
