"""What identifies a run: a hash of everything its result depends on (the key a sweep's store
files it under, and that ``rerun`` checks a row against)."""

from __future__ import annotations

import functools
import hashlib
import json
from typing import Any

from ..scenarios.nation_sets import nations_path
from ..version import __version__, model_code


def run_key(preset: str, steps: int, params: dict[str, Any], seed: int) -> str:
    """Identity of a run: a hash of what determines its results (the model's version and
    code, preset, steps, seed, parameters, and a nations file's contents, not only its
    name)."""
    nations = params.get("nations_file")
    blob = json.dumps([__version__, model_code(), preset, steps, seed, sorted(params.items()),
                       nations_digest(nations) if nations else None],
                      separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:20]


def nations_digest(value: str) -> str:
    """The SHA-256 of the nations file a ``nations_file`` value names (cached while the
    file's size and modification time stay the same); "missing" if it cannot be read (the
    run then fails, saying why)."""
    path = nations_path(value)
    try:
        stat = path.stat()
        return _digest(str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    except OSError:
        return "missing"


@functools.lru_cache(maxsize=64)
def _digest(path: str, size: int, mtime: int) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()[:16]
