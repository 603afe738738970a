"""The results store: one schema, atomic parts, resume keys, the manifest, the CSV export."""

import json

import pandas as pd
import pyarrow.parquet as pq

from abm.experiments.store import (
    close_session,
    done_keys,
    export_csv,
    load_runs,
    load_series,
    open_session,
    run_schema,
    write_part,
)
from abm.model.reporters import RUN_OUTCOMES
from abm.scenarios.parameters import PARAMETERS


def row(key, status="ok", point=0, **values):
    return {"key": key, "point": point, "replicate": 0, "seed": 1, "model_version": "x",
            "preset": "default", "steps": 3, "status": status, "error": "", "seconds": 0.1,
            **values}


def test_the_schema_has_every_outcome_and_parameter():
    names = run_schema().names
    assert set(RUN_OUTCOMES) <= set(names) and set(PARAMETERS) <= set(names)


def test_parts_are_written_whole_and_read_back_as_one_table(tmp_path):
    runs = tmp_path / "runs"
    write_part(runs, "part-a", [row("a", point=1), row("b", status="failed", point=0)],
               run_schema())
    write_part(runs, "part-b", [row("c", point=2)], run_schema())
    write_part(runs, "part-c", [], run_schema())  # nothing to write: no file
    assert sorted(p.name for p in runs.iterdir()) == ["part-a.parquet", "part-b.parquet"]
    assert pq.read_schema(runs / "part-a.parquet").names == run_schema().names
    assert done_keys(runs) == {"a", "b", "c"}
    assert done_keys(runs, retry_failed=True) == {"a", "c"}
    assert sorted(load_runs(tmp_path)["key"]) == ["a", "b", "c"]
    table = pd.read_csv(export_csv(tmp_path, ["monitoring"]))
    assert table["key"].tolist() == ["b", "a", "c"]  # sorted by point
    # the varied factors first, then replicate, seed, status and the outcomes
    assert list(table.columns[:4]) == ["monitoring", "replicate", "seed", "status"]
    assert list(table.columns[4:4 + len(RUN_OUTCOMES)]) == list(RUN_OUTCOMES)
    assert set(table.columns) == set(run_schema().names)


def test_an_empty_folder_reads_as_no_runs(tmp_path):
    assert load_runs(tmp_path).empty and list(load_runs(tmp_path).columns) == run_schema().names
    assert load_series(tmp_path).empty and done_keys(tmp_path / "runs") == set()


def test_the_manifest_keeps_every_session_and_every_definition(tmp_path):
    first = open_session(tmp_path, {"experiment": "a", "runs": 2}, "serial", 1)
    close_session(tmp_path, first, "complete", 2, 0)
    second = open_session(tmp_path, {"experiment": "a", "runs": 4}, "processes", 2)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest == second
    assert [s["status"] for s in manifest["sessions"]] == ["complete", "running"]
    assert manifest["previous_definitions"] == [{"experiment": "a", "runs": 2}]
    assert manifest["sessions"][1]["workers"] == 2 and "numpy" in manifest["sessions"][1][
        "packages"]
