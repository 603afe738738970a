"""The sweep engine: run an experiment's design anywhere, stream results to disk, resume.

- What to run is an ``Experiment``: a design (``designs.py``) over a preset; where it runs is
  an executor (``executors.py``); where results go is the store (``store.py``).
- Runs are grouped in chunks; each finished chunk is written at once, so a killed sweep loses
  no finished chunk.
- Re-running skips every run already on disk, keyed by parameters, seed and model version.
- A run that raises is recorded as a failure with its error; the sweep goes on.
- The driver holds only the chunks in flight: memory does not grow with the number of runs.
"""

from __future__ import annotations

import concurrent.futures as cf
import itertools
import time
import traceback
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..model.recording import MODEL_COLUMNS
from ..model.reporters import RUN_OUTCOMES
from ..scenarios.parameters import ParameterError, validate
from ..scenarios.population import read_nations_file
from ..scenarios.presets import preset_params, preset_steps
from ..version import __version__, model_code
from .designs import Design, run_seed
from .executors import SerialExecutor, make_executor
from .keys import nations_digest, run_key
from .store import (
    check_sweep_out,
    close_session,
    export_csv,
    folder_lock,
    load_runs,
    open_session,
    part_name,
    run_schema,
    scan_keys,
    write_part,
)


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
        both = sorted(set(self.fixed) & set(self.design.names))
        if both:
            raise ParameterError(f"fixed: {both[0]} is also a factor of the design; expected "
                                 "each parameter fixed or varied, not both")
        self.steps = preset_steps(self.preset) if self.steps is None else self.steps
        preset_params(self.preset, self.fixed)  # fail early on bad input
        if self.series:
            unknown = [c for c in self.series if c not in MODEL_COLUMNS]
            if unknown:
                raise ParameterError(f"series: unknown column {unknown[0]!r}, expected model "
                                     "frame columns")

    def check(self) -> None:
        """Validate every design point before anything runs: a bad value anywhere in the
        design is one line naming the point and the field, not a failure after hours."""
        base = preset_params(self.preset, None)
        read: set[str] = set()  # nations files read and checked (each once)
        for point, values in enumerate(self.design.points()):
            try:
                params = validate({**base, **self.fixed, **values})
                if params.get("nations_file") and params["nations_file"] not in read:
                    read_nations_file(params["nations_file"])
                    read.add(params["nations_file"])
            except ParameterError as err:
                shown = ", ".join(f"{k}={v!r}" for k, v in values.items())
                raise ParameterError(f"design point {point} ({shown}): {err}") from None

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
        """The definition a results folder holds (with the model's version and code, and the
        contents of the nations files it names)."""
        named = {v for v in (preset_params(self.preset, None).get("nations_file"),
                             self.fixed.get("nations_file")) if v}
        return {"experiment": self.name, "model_version": __version__,
                "model_code": model_code(),
                "nations_files": {v: nations_digest(v) for v in sorted(named)},
                "preset": self.preset, "steps": self.steps,
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


# --- running (this part executes in the workers) -------------------------------------------------
def run_chunk(preset: str, steps: int, series: Sequence[str], specs: Sequence[RunSpec]
              ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Run a chunk of runs; a run that raises becomes a row with status 'failed'."""
    from .runs import simulate_outcomes  # (imported in the worker)

    rows, steps_rows = [], []
    for spec in specs:
        start = time.perf_counter()
        row: dict[str, Any] = {"key": spec.key, "point": spec.point,
                               "replicate": spec.replicate, "seed": spec.seed,
                               "model_version": __version__, "preset": preset, "steps": steps}
        try:
            results, columns = simulate_outcomes(preset, steps, spec.seed, spec.params)
            row.update(status="ok", error="")
            row.update({k: results[k] for k in RUN_OUTCOMES})
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


@dataclass
class SweepReport:
    out: Path
    total: int
    skipped: int
    ran: int
    failed: int
    seconds: float
    damaged: int = 0  # damaged parts set aside at the start (their runs ran again)

    def line(self) -> str:
        rate = self.ran / self.seconds if self.seconds > 0 else float("nan")
        aside = (f"; {self.damaged} damaged part(s) set aside as *.damaged, their runs run "
                 "again" if self.damaged else "")
        return (f"{self.total} runs: {self.ran} run now ({self.failed} failed), "
                f"{self.skipped} already on disk{aside}; {self.seconds:.1f} s, "
                f"{rate:.1f} runs/s; results in {self.out}")


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
    """Run every run of ``experiment`` not yet in ``out`` and write it there as it finishes.

    The folder is locked while the sweep writes (a second sweep there is refused), holds one
    experiment definition (another is refused while runs are on disk), and keeps every
    finished chunk: no write replaces another run's data.
    """
    experiment.check()  # before the progress bar: nothing runs if any point is invalid
    out = Path(out)
    check_sweep_out(out)
    with folder_lock(out):
        return _locked_sweep(experiment, out, executor or SerialExecutor(), workers, progress,
                             retry_failed, csv, chunk, backend)


def _locked_sweep(experiment: Experiment, out: Path, executor: cf.Executor, workers: int,
                  progress: bool, retry_failed: bool, csv: bool, chunk: int | None,
                  backend: str) -> SweepReport:
    from tqdm.auto import tqdm

    manifest = open_session(out, experiment.describe(), backend, workers)
    runs_dir, steps_dir = out / "runs", out / "steps"
    for stale in itertools.chain(runs_dir.glob(".*.tmp"), steps_dir.glob(".*.tmp")):
        stale.unlink()  # a part being written when a sweep was killed (we hold the lock)
    finished, damaged = scan_keys(runs_dir, retry_failed)
    total = experiment.design.runs
    skipped = sum(spec.key in finished for spec in experiment.specs())
    todo = (s for s in experiment.specs() if s.key not in finished)
    size = chunk or chunk_size(total, workers)
    schema = run_schema()
    window = max(2, 4 * workers)  # chunks in flight: bounded, so memory stays flat
    ran = failed = 0
    clock = time.perf_counter()
    bar = tqdm(total=total, initial=skipped, unit="run", disable=not progress,
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
                name = part_name([spec.key for spec in batch])
                write_part(steps_dir, name, steps_rows, None)
                write_part(runs_dir, name, rows, schema)
                ran += len(rows)
                failed += sum(r["status"] == "failed" for r in rows)
                bar.update(len(rows))
                for batch_next in itertools.islice(chunks, 1):
                    pending[executor.submit(run_chunk, experiment.preset, experiment.steps,
                                            experiment.series, batch_next)] = batch_next
    except BaseException:
        for future in pending:
            future.cancel()
        close_session(out, manifest, "interrupted", ran, failed, len(damaged))
        raise
    finally:
        bar.close()
    seconds = time.perf_counter() - clock
    close_session(out, manifest, "complete", ran, failed, len(damaged))
    if csv:
        export_csv(out, experiment.design.names)
    return SweepReport(out, total, skipped, ran, failed, seconds, len(damaged))


def execute(experiment: Experiment, out: str | Path, workers: int | None = None,
            dask: str | bool | None = None, progress: bool = True, retry_failed: bool = False,
            csv: bool = True) -> SweepReport:
    """``run_sweep`` on the backend the options ask for (``executors.make_executor``: one
    worker runs in this process, more in local processes, ``dask`` on a cluster), which is
    closed afterwards."""
    try:
        executor, workers, backend, close = make_executor(workers, dask)
    except (OSError, TimeoutError) as err:
        raise ParameterError(f"dask: cannot reach the scheduler at {dask} ({err}); "
                             "expected the address of a running Dask scheduler") from None
    try:
        return run_sweep(experiment, out, executor=executor, workers=workers,
                         progress=progress, retry_failed=retry_failed, csv=csv,
                         backend=backend)
    finally:
        close()


def experiment_runs(experiment: Experiment, out: str | Path) -> pd.DataFrame:
    """The runs of this experiment definition in ``out`` (a folder may also hold the runs of
    other definitions, e.g. the quick and the full mode of a study)."""
    keys = {spec.key for spec in experiment.specs()}
    runs = load_runs(out)
    return runs[runs["key"].isin(keys)].reset_index(drop=True)
