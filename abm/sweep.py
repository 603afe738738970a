"""The sweep engine: run an experiment's design anywhere, stream results to disk, resume.

- Execution goes through the ``concurrent.futures`` executor protocol: serial (in process),
  local processes, or a Dask cluster (``Client.get_executor``). A run's result depends only on
  its parameters and seed, so the backend and the number of workers change nothing.
- Runs are grouped in chunks; each finished chunk is written at once as one Parquet file
  (written aside, then renamed into place), so a sweep killed at any moment, SIGKILL included,
  loses no finished chunk and leaves no partial file.
- Re-running skips every run already on disk, keyed by parameters, seed and model version.
- A run that raises is recorded as a failure with its error; the sweep goes on.
- The driver holds only the chunks in flight: memory does not grow with the number of runs.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import datetime as dt
import hashlib
import itertools
import json
import multiprocessing
import os
import platform
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .designs import Design, run_seed
from .parameters import PARAMETERS, ParameterError, validate
from .presets import preset_params, preset_steps
from .version import __version__

OUTCOMES = ("effectiveness_tail_mean", "coverage_min_tail_mean", "legitimacy_tail_mean",
            "success_tail_mean", "fulfilment_tail_mean", "free_riding_rate_tail_mean",
            "mean_contribution_ratio_tail_mean", "exploitation_rho_tail_mean",
            "burden_gini_tail_mean", "mean_trust_tail_mean", "trust_blocs_tail_mean",
            "mean_belief_tail_mean", "mean_contribution_pct_tail_mean", "funds_gdp_rho",
            "troops_income_rho", "final_members", "retention", "total_exits",
            "mission_success_rate", "time_to_collapse")


@dataclass
class Experiment:
    """What to run: a design over a preset, with fixed overrides, for ``steps`` cycles."""

    name: str
    design: Design
    preset: str = "default"
    steps: int | None = None
    fixed: dict[str, Any] = field(default_factory=dict)
    seed: int = 0
    common_random_numbers: bool = False
    series: tuple[str, ...] = ()  # model-frame columns kept per step (optional)

    def __post_init__(self) -> None:
        self.steps = preset_steps(self.preset) if self.steps is None else self.steps
        preset_params(self.preset, self.fixed)  # fail early on bad input
        if self.series:
            from .recording import MODEL_COLUMNS

            unknown = [c for c in self.series if c not in MODEL_COLUMNS]
            if unknown:
                raise ParameterError(f"series: unknown column {unknown[0]!r}, expected model "
                                     "frame columns")

    def specs(self) -> Iterator[RunSpec]:
        """Every run of the experiment, lazily, each with its validated parameters and key."""
        for point, values in enumerate(self.design.points()):
            overrides = {**self.fixed, **values}
            params = validate({**preset_params(self.preset, None), **overrides})
            for replicate in range(self.design.replicates):
                seed = run_seed(self.seed, point, replicate, self.common_random_numbers)
                yield RunSpec(run_key(self.preset, self.steps, params, seed), point, replicate,
                              seed, params)

    def describe(self) -> dict[str, Any]:
        return {"experiment": self.name, "preset": self.preset, "steps": self.steps,
                "fixed": self.fixed, "experiment_seed": self.seed,
                "common_random_numbers": self.common_random_numbers,
                "series": list(self.series), **self.design.describe(),
                "runs": self.design.runs}


@dataclass(frozen=True)
class RunSpec:
    key: str
    point: int
    replicate: int
    seed: int
    params: dict[str, Any]


def run_key(preset: str, steps: int, params: dict[str, Any], seed: int) -> str:
    """Identity of a run: a hash of what determines its results."""
    blob = json.dumps([__version__, preset, steps, seed, sorted(params.items())],
                      separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:20]


# --- running (this part executes in the workers) -------------------------------------------------
def run_chunk(preset: str, steps: int, series: Sequence[str], specs: Sequence[RunSpec]
              ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Run a chunk of runs; a run that raises becomes a row with status 'failed'."""
    from .runner import simulate_outcomes

    rows, steps_rows = [], []
    for spec in specs:
        start = time.perf_counter()
        row: dict[str, Any] = {"key": spec.key, "point": spec.point,
                               "replicate": spec.replicate, "seed": spec.seed,
                               "model_version": __version__, "preset": preset, "steps": steps}
        try:
            results, columns = simulate_outcomes(preset, steps, spec.seed, spec.params)
            row.update(status="ok", error="")
            row.update({k: results[k] for k in OUTCOMES})
            if series:
                kept = [columns["step"].tolist(), *(columns[c].tolist() for c in series)]
                steps_rows.extend({"key": spec.key, "step": values[0],
                                   **dict(zip(series, values[1:], strict=True))}
                                  for values in zip(*kept, strict=True))
        except Exception as err:  # failure is data: record it and go on
            row.update(status="failed", error=_one_line(err))
        row["seconds"] = time.perf_counter() - start
        row.update(spec.params)
        rows.append(row)
    return rows, steps_rows


def _one_line(err: BaseException) -> str:
    where = traceback.extract_tb(err.__traceback__)[-1] if err.__traceback__ else None
    place = f" ({Path(where.filename).name}:{where.lineno})" if where else ""
    return f"{type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}{place}"


# --- storage -------------------------------------------------------------------------------------
def run_schema() -> pa.Schema:
    """One fixed schema for every part file, so the dataset reads as one table."""
    kinds = {float: pa.float64(), int: pa.int64(), bool: pa.bool_(), str: pa.string()}
    fields = [("key", pa.string()), ("point", pa.int64()), ("replicate", pa.int64()),
              ("seed", pa.int64()), ("model_version", pa.string()), ("preset", pa.string()),
              ("steps", pa.int64()), ("status", pa.string()), ("error", pa.string()),
              ("seconds", pa.float64())]
    fields += [(k, pa.float64()) for k in OUTCOMES]
    fields += [(p.name, kinds[p.kind]) for p in PARAMETERS.values()]
    return pa.schema(fields)


def _write_part(folder: Path, name: str, rows: list[dict[str, Any]],
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
    return frame.drop_duplicates("key", keep="last").reset_index(drop=True)


def load_series(out: str | Path) -> pd.DataFrame:
    folder = Path(out) / "steps"
    if not folder.is_dir() or not any(folder.glob("*.parquet")):
        return pd.DataFrame()
    return pq.read_table(folder).to_pandas()


def experiment_runs(experiment: Experiment, out: str | Path) -> pd.DataFrame:
    """The runs of this experiment definition in ``out`` (a folder may also hold the runs of
    other definitions, e.g. the quick and the full mode of a study)."""
    keys = {spec.key for spec in experiment.specs()}
    runs = load_runs(out)
    return runs[runs["key"].isin(keys)].reset_index(drop=True)


# --- executors -----------------------------------------------------------------------------------
class SerialExecutor(cf.Executor):
    """Runs each task when it is submitted, in this process (no parallelism, no pickling)."""

    def submit(self, fn, /, *args, **kwargs):
        future: cf.Future = cf.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as err:  # noqa: BLE001 - handed to the caller through the future
            future.set_exception(err)
        return future


def process_executor(workers: int | None = None) -> cf.ProcessPoolExecutor:
    """Local worker processes, forked from a server that has imported the model once."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["abm", "abm.runner"])
    return cf.ProcessPoolExecutor(max_workers=workers or os.cpu_count(), mp_context=context)


class DaskBackend:
    """A Dask cluster as a concurrent.futures executor: a new LocalCluster by default, or the
    scheduler at ``address`` (e.g. one started with dask-jobqueue on SLURM)."""

    def __init__(self, address: str | None = None, workers: int | None = None) -> None:
        from dask.distributed import Client, LocalCluster

        self.cluster = None
        if address:
            self.client = Client(address, timeout="10s")
        else:
            self.cluster = LocalCluster(n_workers=workers or os.cpu_count(),
                                        threads_per_worker=1, processes=True,
                                        dashboard_address=None, host="127.0.0.1")
            self.client = Client(self.cluster)
        self.executor = self.client.get_executor(pure=False)
        self.workers = len(self.client.scheduler_info()["workers"])

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


# --- the sweep -----------------------------------------------------------------------------------
@dataclass
class SweepReport:
    out: Path
    total: int
    skipped: int
    ran: int
    failed: int
    seconds: float

    def line(self) -> str:
        rate = self.ran / self.seconds if self.seconds > 0 else float("nan")
        return (f"{self.total} runs: {self.ran} run now ({self.failed} failed), "
                f"{self.skipped} already on disk; {self.seconds:.1f} s, {rate:.1f} runs/s; "
                f"results in {self.out}")


def _chunks(specs: Iterable[RunSpec], size: int) -> Iterator[list[RunSpec]]:
    iterator = iter(specs)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def chunk_size(runs: int, workers: int) -> int:
    """Enough chunks to keep every worker busy and balanced, few enough to keep the overhead
    and the number of files small (at most 500 runs a chunk)."""
    return int(min(500, max(1, runs // max(1, workers * 16))))


def run_sweep(
    experiment: Experiment,
    out: str | Path,
    executor: cf.Executor | None = None,
    workers: int = 1,
    progress: bool = True,
    retry_failed: bool = False,
    csv: bool = True,
    chunk: int | None = None,
    backend: str = "serial",
) -> SweepReport:
    """Run every run of ``experiment`` not yet in ``out`` and write it there as it finishes."""
    from tqdm.auto import tqdm

    out = Path(out)
    runs_dir, steps_dir = out / "runs", out / "steps"
    for stale in itertools.chain(runs_dir.glob(".*.tmp"), steps_dir.glob(".*.tmp")):
        stale.unlink()  # a part that was being written when a sweep was killed
    finished = done_keys(runs_dir, retry_failed)
    total = experiment.design.runs
    todo = (s for s in experiment.specs() if s.key not in finished)
    size = chunk or chunk_size(total, workers)
    schema = run_schema()
    started = dt.datetime.now(dt.UTC)
    manifest = _manifest(experiment, out, started, backend, workers)
    executor = executor or SerialExecutor()
    window = max(2, 4 * workers)  # chunks in flight: bounded, so memory stays flat
    ran = failed = 0
    clock = time.perf_counter()
    bar = tqdm(total=total, initial=min(len(finished), total), unit="run", disable=not progress,
               desc=experiment.name, dynamic_ncols=True, mininterval=0.5)
    pending: dict[cf.Future, list[RunSpec]] = {}
    chunks = _chunks(todo, size)
    try:
        for batch in itertools.islice(chunks, window):
            pending[executor.submit(run_chunk, experiment.preset, experiment.steps,
                                    experiment.series, batch)] = batch
        while pending:
            finished_now, _ = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
            for future in finished_now:
                batch = pending.pop(future)
                rows, steps_rows = future.result()
                name = f"part-{batch[0].point:08d}-{batch[0].replicate:05d}"
                _write_part(steps_dir, name, steps_rows, None)
                _write_part(runs_dir, name, rows, schema)
                ran += len(rows)
                failed += sum(r["status"] == "failed" for r in rows)
                bar.update(len(rows))
                for batch_next in itertools.islice(chunks, 1):
                    pending[executor.submit(run_chunk, experiment.preset, experiment.steps,
                                            experiment.series, batch_next)] = batch_next
    except BaseException:
        for future in pending:
            future.cancel()
        manifest["sessions"][-1].update(end=_now(), status="interrupted", ran=ran,
                                        failed=failed)
        _write_json(out / "manifest.json", manifest)
        raise
    finally:
        bar.close()
    seconds = time.perf_counter() - clock
    manifest["sessions"][-1].update(end=_now(), status="complete", ran=ran, failed=failed)
    _write_json(out / "manifest.json", manifest)
    if csv:
        export_csv(out)
    return SweepReport(out, total, len(finished), ran, failed, seconds)


def export_csv(out: Path) -> Path:
    """runs.csv beside the Parquet dataset, for R and spreadsheet users (written aside first)."""
    frame = load_runs(out).sort_values(["point", "replicate"], kind="stable")
    target = out / "runs.csv"
    tmp = out / ".runs.csv.tmp"
    frame.to_csv(tmp, index=False)
    os.replace(tmp, target)
    return target


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _write_json(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data, indent=2, default=str) + "\n")
    os.replace(tmp, path)


def _manifest(experiment: Experiment, out: Path, started: dt.datetime, backend: str,
              workers: int) -> dict[str, Any]:
    path = out / "manifest.json"
    try:
        manifest = json.loads(path.read_text())
    except (OSError, ValueError):
        manifest = {}
    description = experiment.describe()
    if manifest.get("experiment_definition") not in (None, json.loads(json.dumps(
            description, default=str))):
        manifest["previous_definitions"] = [*manifest.get("previous_definitions", []),
                                            manifest["experiment_definition"]]
    manifest["experiment_definition"] = description
    manifest.setdefault("sessions", []).append({
        "start": started.isoformat(timespec="seconds"), "end": None, "status": "running",
        "backend": backend, "workers": workers, "model_version": __version__,
        "git_commit": _git_commit(), "platform": platform.platform(),
        "python": sys.version.split()[0], "packages": _versions(),
    })
    _write_json(path, manifest)
    return manifest


def _git_commit() -> str | None:
    try:
        root = Path(__file__).resolve().parent.parent
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


def make_executor(workers: int | None, dask: str | bool | None
                  ) -> tuple[cf.Executor, int, str, Callable[[], None]]:
    """The executor the options ask for: (executor, workers, backend name, close)."""
    if dask:
        backend = DaskBackend(None if dask is True else dask, workers)
        return backend.executor, backend.workers, "dask", backend.close
    workers = workers or os.cpu_count() or 1
    if workers == 1:
        return SerialExecutor(), 1, "serial", lambda: None
    pool = process_executor(workers)
    return pool, workers, "processes", lambda: pool.shutdown(cancel_futures=True)

