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
import fcntl
import hashlib
import json
import os
import platform
import re
import subprocess
import sys
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..model.reporters import RUN_OUTCOMES
from ..scenarios.parameters import PARAMETERS, ParameterError
from ..version import __version__, model_code

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


def part_name(keys: Sequence[str]) -> str:
    """A chunk's file stem, from its runs' keys: chunks of different runs never share a name,
    so no write replaces another run's data.

    >>> part_name(["a", "b"]) == part_name(["a", "b"]) != part_name(["a", "c"])
    True
    """
    return "part-" + hashlib.sha256("\n".join(keys).encode()).hexdigest()[:16]


def write_part(folder: Path, name: str, rows: list[dict[str, Any]],
               schema: pa.Schema | None) -> Path | None:
    """Write rows as ``folder/<name>-<digest>.parquet``: with Parquet page checksums, aside
    first, synced to disk, then renamed into place (atomic on POSIX). The digest is the
    file's own SHA-256, so any later damage to it is seen on reading."""
    if not rows:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    table = (pa.Table.from_pylist(rows, schema=schema) if schema is not None
             else pa.Table.from_pylist(rows))
    tmp = folder / f".{name}.{os.getpid()}.tmp"  # one writer's own: no two share it
    pq.write_table(table, tmp, write_page_checksum=True)
    with open(tmp, "rb") as handle:
        digest = hashlib.file_digest(handle, "sha256").hexdigest()[:16]
        os.fsync(handle.fileno())
    target = folder / f"{name}-{digest}.parquet"
    os.replace(tmp, target)
    _sync_folder(folder)
    return target


def _sync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


_PART = re.compile(r"^part-[0-9a-f]{16}-([0-9a-f]{16})\.parquet$")
DAMAGED = ".damaged"  # the suffix a damaged part is set aside under


def read_parts(folder: Path, columns: Sequence[str] | None = None,
               schema: pa.Schema | None = None) -> tuple[pa.Table | None, list[Path]]:
    """Every part of ``folder`` as one table, each verified (its digest, then its pages'
    checksums); a damaged or torn part is set aside as ``<name>.damaged`` (its runs then
    count as not run) and listed."""
    parts = sorted(folder.glob("*.parquet")) if folder.is_dir() else []
    tables, damaged = [], []
    for part in parts:
        try:
            match = _PART.match(part.name)
            if match:
                with open(part, "rb") as handle:
                    if hashlib.file_digest(handle, "sha256").hexdigest()[:16] != match[1]:
                        raise ValueError("digest mismatch")
            table = pq.read_table(part, columns=columns, page_checksum_verification=True)
            if schema is not None:
                table = table.select(schema.names).cast(schema)
            tables.append(table)
        except (OSError, ValueError, pa.ArrowException):
            aside = part.with_name(part.name + DAMAGED)
            os.replace(part, aside)
            damaged.append(aside)
    if not tables:
        return None, damaged
    return pa.concat_tables(tables, promote_options="default"), damaged


def scan_keys(folder: Path, retry_failed: bool = False) -> tuple[set[str], list[Path]]:
    """(keys of the runs on disk, failed ones too unless they are to be retried; damaged
    parts set aside now); a key recorded both failed and ok counts as ok."""
    table, damaged = read_parts(folder, columns=["key", "status"])
    if table is None:
        return set(), damaged
    keys, status = table.column("key").to_pylist(), table.column("status").to_pylist()
    ok = {key for key, state in zip(keys, status, strict=True) if state != "failed"}
    failed = set(keys) - ok
    return (ok if retry_failed else ok | failed), damaged


def load_runs(out: str | Path) -> pd.DataFrame:
    """All runs of an experiment folder as one DataFrame, one row per key (a run's ok record
    wins over a failed one: a retry's result)."""
    table, _ = read_parts(Path(out) / "runs", schema=run_schema())
    if table is None:
        return pd.DataFrame(columns=run_schema().names)
    frame = table.to_pandas().astype({name: "Int64" for name in COUNT_OUTCOMES})
    order = np.argsort((frame["status"] == "ok").to_numpy(), kind="stable")  # ok ones last
    frame = frame.iloc[order].drop_duplicates("key", keep="last")
    return frame.sort_values(["point", "replicate"], kind="stable").reset_index(drop=True)


def load_series(out: str | Path) -> pd.DataFrame:
    table, _ = read_parts(Path(out) / "steps")
    if table is None:
        return pd.DataFrame()
    return table.to_pandas().drop_duplicates(["key", "step"], keep="last").reset_index(
        drop=True)


def export_csv(out: Path, factors: Sequence[str] = ()) -> Path:
    """runs.csv beside the Parquet dataset, for R and spreadsheet users (written aside first):
    the varied ``factors`` first, then replicate, seed, status and the outcomes, then the
    rest (identity, timing, every parameter)."""
    frame = load_runs(out).sort_values(["point", "replicate"], kind="stable")
    first = [*factors, *(c for c in (*_LEADING, *RUN_OUTCOMES) if c not in factors)]
    frame = frame[first + [c for c in frame.columns if c not in first]]
    target = out / "runs.csv"
    tmp = out / f".runs.csv.{os.getpid()}.tmp"
    frame.to_csv(tmp, index=False)
    os.replace(tmp, target)
    return target


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Write aside (a name of this process's own), sync, then rename into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w") as handle:
        handle.write(json.dumps(data, indent=2, default=str) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


@contextlib.contextmanager
def folder_lock(out: Path):
    """Hold ``out``'s lock while a sweep writes there: a second sweep on the same folder is
    refused in one line instead of interleaving its parts and manifest with the first's. The
    lock is the operating system's (flock), so a killed sweep releases it."""
    out.mkdir(parents=True, exist_ok=True)
    handle = open(out / ".lock", "a+")  # noqa: SIM115 - held for the context's duration
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise ParameterError(f"out: another sweep ({holder}) is writing to {out}; wait for "
                                 "it to finish or choose another --out") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        yield
    finally:
        handle.close()


# What a sweep or its analysis may write in its folder; a folder without a manifest that
# holds any of these is someone else's and is refused (other files are left alone).
_SWEEP_NAMES = {"manifest.json", "README.md", "runs", "steps", "runs.csv", "summary.csv"}
_SWEEP_SUFFIXES = {".png", ".pdf", ".csv", ".json", ".md", ".parquet"}


def check_sweep_out(out: Path) -> None:
    """A sweep's folder: new, ours (it has our manifest), or holding only files we never
    write (so that nothing of the user's is replaced)."""
    if not out.exists():
        return
    if not out.is_dir():
        raise ParameterError(f"out: {out} exists and is not a directory")
    if (out / "manifest.json").is_file():
        return
    theirs = sorted(p.name for p in out.iterdir() if not p.name.startswith(".")
                    and (p.name in _SWEEP_NAMES or p.suffix in _SWEEP_SUFFIXES))
    if theirs:
        raise ParameterError(f"out: {out} holds files that are not a sweep's results "
                             f"({', '.join(theirs[:3])}); choose a new or empty folder")


def _plain(data: Any) -> Any:
    return json.loads(json.dumps(data, default=str))


def open_session(out: Path, definition: dict[str, Any], backend: str, workers: int
                 ) -> dict[str, Any]:
    """The folder's manifest with a new session, marked running, written at once.

    A folder holds the runs of one experiment definition (which includes the model's version
    and code): another definition is refused in one line while runs of the first are on
    disk. Without runs, the new definition replaces the old, which is kept under
    ``previous_definitions``. A session still marked running (its sweep was killed) is
    recorded as interrupted.
    """
    path = out / "manifest.json"
    try:
        manifest = json.loads(path.read_text())
    except (OSError, ValueError):
        manifest = {}
    old = manifest.get("experiment_definition")
    if old is not None and old != _plain(definition):
        changed = sorted(k for k in {*old, *definition}
                         if old.get(k) != _plain(definition).get(k))
        if _has_runs(out):
            raise ParameterError(
                f"out: {out} holds the runs of another experiment definition (differs in "
                f"{', '.join(changed[:4])}); choose another --out")
        # Without runs, the same study made anew under other code (its own files replaced)
        # is fine; another study's results (README, tables, figures) are not.
        others = [p.name for p in out.iterdir()
                  if not p.name.startswith(".") and p.name != "manifest.json"]
        if others and set(changed) - _CODE_FIELDS:
            raise ParameterError(
                f"out: {out} holds the results of another study (differs in "
                f"{', '.join(sorted(set(changed) - _CODE_FIELDS)[:4])}); choose another --out")
        manifest["previous_definitions"] = [*manifest.get("previous_definitions", []), old]
    elif old is None and _has_runs(out):
        raise ParameterError(f"out: {out} holds runs without a manifest saying what made "
                             "them; choose another --out")
    for session in manifest.get("sessions", []):
        if session.get("status") == "running":
            session["status"] = "interrupted"  # (killed: found still running at this start)
    manifest["experiment_definition"] = definition
    manifest.setdefault("sessions", []).append({
        "start": now(), "end": None, "status": "running", "pid": os.getpid(),
        "backend": backend, "workers": workers, "model_version": __version__,
        "model_code": model_code(), "git_commit": _git_commit(),
        "platform": platform.platform(), "python": sys.version.split()[0],
        "packages": _versions(),
    })
    write_json(path, manifest)
    return manifest


# What changes with the code, not with the study: a study re-made under a new model.
_CODE_FIELDS = {"model_version", "model_code", "nations_files"}


def _has_runs(out: Path) -> bool:
    return any((out / "runs").glob("*.parquet")) if (out / "runs").is_dir() else False


def close_session(out: Path, manifest: dict[str, Any], status: str, ran: int, failed: int,
                  damaged: int = 0) -> None:
    """Record how the manifest's last session ended."""
    manifest["sessions"][-1].update(end=now(), status=status, ran=ran, failed=failed,
                                    damaged_parts=damaged)
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
