"""The results store of a sweep: one Parquet dataset of runs (and, optionally, one of per-step
series) in a folder, with a manifest and a CSV export.

- Each finished chunk of runs is one Parquet file, written aside and then renamed into place,
  so a sweep killed at any moment, SIGKILL included, loses no finished chunk and leaves no
  partial file.
- Every part file has one fixed schema (``run_schema``), so the dataset reads as one table.
- ``manifest.json`` records the experiment's definition and every session that ran it (start,
  end, status, backend, git commit, package versions, platform).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import platform
import subprocess
import sys
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..model.reporters import RUN_OUTCOMES
from ..scenarios.parameters import PARAMETERS
from ..version import __version__

# Run outcomes that count members, exits or cycles: integers (time_to_collapse is missing
# where a coalition never fell below half, so they read as pandas' nullable Int64).
COUNT_OUTCOMES = ("final_members", "total_exits", "time_to_collapse")
# The columns runs.csv shows first, after the varied factors (then the other outcomes and
# every parameter).
_LEADING = ("replicate", "seed", "status")


def run_schema() -> pa.Schema:
    """One fixed schema for every part file, so the dataset reads as one table."""
    kinds = {float: pa.float64(), int: pa.int64(), bool: pa.bool_(), str: pa.string()}
    fields = [("key", pa.string()), ("point", pa.int64()), ("replicate", pa.int64()),
              ("seed", pa.int64()), ("model_version", pa.string()), ("preset", pa.string()),
              ("steps", pa.int64()), ("status", pa.string()), ("error", pa.string()),
              ("seconds", pa.float64())]
    fields += [(k, pa.int64() if k in COUNT_OUTCOMES else pa.float64()) for k in RUN_OUTCOMES]
    fields += [(p.name, kinds[p.kind]) for p in PARAMETERS.values()]
    return pa.schema(fields)


def write_part(folder: Path, name: str, rows: list[dict[str, Any]],
                schema: pa.Schema | None) -> None:
    """Write rows as folder/name.parquet: aside first, then renamed (atomic on POSIX)."""
    if not rows:
        return
    folder.mkdir(parents=True, exist_ok=True)
    table = (pa.Table.from_pylist(rows, schema=schema) if schema is not None
             else pa.Table.from_pylist(rows))
    tmp = folder / f".{name}.tmp"
    pq.write_table(table, tmp)
    os.replace(tmp, folder / f"{name}.parquet")


def done_keys(folder: Path, retry_failed: bool = False) -> set[str]:
    """Keys of the runs already on disk (failed ones too, unless they are to be retried)."""
    parts = sorted(folder.glob("*.parquet")) if folder.is_dir() else []
    keys: set[str] = set()
    for part in parts:
        table = pq.read_table(part, columns=["key", "status"])
        status = table.column("status").to_pylist()
        for key, state in zip(table.column("key").to_pylist(), status, strict=True):
            if not (retry_failed and state == "failed"):
                keys.add(key)
    return keys


def load_runs(out: str | Path) -> pd.DataFrame:
    """All runs of an experiment folder as one DataFrame (the last record of a key wins)."""
    folder = Path(out) / "runs"
    if not folder.is_dir() or not any(folder.glob("*.parquet")):
        return pd.DataFrame(columns=run_schema().names)
    frame = pq.read_table(folder, schema=run_schema()).to_pandas()
    frame = frame.astype({name: "Int64" for name in COUNT_OUTCOMES})
    return frame.drop_duplicates("key", keep="last").reset_index(drop=True)


def load_series(out: str | Path) -> pd.DataFrame:
    folder = Path(out) / "steps"
    if not folder.is_dir() or not any(folder.glob("*.parquet")):
        return pd.DataFrame()
    return pq.read_table(folder).to_pandas()


def export_csv(out: Path, factors: Sequence[str] = ()) -> Path:
    """runs.csv beside the Parquet dataset, for R and spreadsheet users (written aside first):
    the varied ``factors`` first, then replicate, seed, status and the outcomes, then the
    rest (identity, timing, every parameter)."""
    frame = load_runs(out).sort_values(["point", "replicate"], kind="stable")
    first = [*factors, *(c for c in (*_LEADING, *RUN_OUTCOMES) if c not in factors)]
    frame = frame[first + [c for c in frame.columns if c not in first]]
    target = out / "runs.csv"
    tmp = out / ".runs.csv.tmp"
    frame.to_csv(tmp, index=False)
    os.replace(tmp, target)
    return target


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def write_json(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data, indent=2, default=str) + "\n")
    os.replace(tmp, path)


def open_session(out: Path, definition: dict[str, Any], backend: str, workers: int
                 ) -> dict[str, Any]:
    """The folder's manifest with a new session, marked running, written at once; a changed
    definition is kept under ``previous_definitions``."""
    path = out / "manifest.json"
    try:
        manifest = json.loads(path.read_text())
    except (OSError, ValueError):
        manifest = {}
    if manifest.get("experiment_definition") not in (None, json.loads(json.dumps(
            definition, default=str))):
        manifest["previous_definitions"] = [*manifest.get("previous_definitions", []),
                                            manifest["experiment_definition"]]
    manifest["experiment_definition"] = definition
    manifest.setdefault("sessions", []).append({
        "start": now(), "end": None, "status": "running",
        "backend": backend, "workers": workers, "model_version": __version__,
        "git_commit": _git_commit(), "platform": platform.platform(),
        "python": sys.version.split()[0], "packages": _versions(),
    })
    write_json(path, manifest)
    return manifest


def close_session(out: Path, manifest: dict[str, Any], status: str, ran: int, failed: int
                  ) -> None:
    """Record how the manifest's last session ended."""
    manifest["sessions"][-1].update(end=now(), status=status, ran=ran, failed=failed)
    write_json(out / "manifest.json", manifest)


def _git_commit() -> str | None:
    try:
        root = Path(__file__).resolve().parents[2]
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True,
                                text=True, timeout=5).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=root, capture_output=True, text=True, timeout=5).stdout
        return f"{commit}{'+dirty' if dirty.strip() else ''}" if commit else None
    except (OSError, subprocess.SubprocessError):
        return None


def _versions() -> dict[str, str]:
    names = ("mesa", "numpy", "scipy", "pandas", "pyarrow", "SALib", "dask", "distributed")
    found = {}
    for name in names:
        with contextlib.suppress(metadata.PackageNotFoundError):
            found[name] = metadata.version(name)
    return found
