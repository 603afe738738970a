"""The results store: one schema, atomic parts, resume keys, the manifest, the CSV export."""

import json

import pandas as pd
import pyarrow.parquet as pq
import pytest

from abm.experiments.store import (
    close_session,
    export_csv,
    folder_lock,
    load_runs,
    load_series,
    open_session,
    part_name,
    run_schema,
    scan_keys,
    write_part,
)
from abm.model.reporters import RUN_OUTCOMES
from abm.scenarios.parameters import PARAMETERS, ParameterError


def row(key, status="ok", point=0, **values):
    return {"key": key, "point": point, "replicate": 0, "seed": 1, "model_version": "x",
            "preset": "default", "steps": 3, "status": status, "error": "", "seconds": 0.1,
            **values}


def test_the_schema_has_every_outcome_and_parameter():
    names = run_schema().names
    assert set(RUN_OUTCOMES) <= set(names) and set(PARAMETERS) <= set(names)


def test_parts_are_written_whole_and_read_back_as_one_table(tmp_path):
    runs = tmp_path / "runs"
    first = write_part(runs, part_name(["a", "b"]),
                       [row("a", point=1), row("b", status="failed", point=0)], run_schema())
    write_part(runs, part_name(["c"]), [row("c", point=2)], run_schema())
    assert write_part(runs, part_name([]), [], run_schema()) is None  # nothing: no file
    assert len(list(runs.iterdir())) == 2
    assert pq.read_schema(first).names == run_schema().names
    assert scan_keys(runs)[0] == {"a", "b", "c"}
    assert scan_keys(runs, retry_failed=True)[0] == {"a", "c"}
    assert sorted(load_runs(tmp_path)["key"]) == ["a", "b", "c"]
    table = pd.read_csv(export_csv(tmp_path, ["monitoring"]))
    assert table["key"].tolist() == ["b", "a", "c"]  # sorted by point
    # the varied factors first, then replicate, seed, status and the outcomes
    assert list(table.columns[:4]) == ["monitoring", "replicate", "seed", "status"]
    assert list(table.columns[4:4 + len(RUN_OUTCOMES)]) == list(RUN_OUTCOMES)
    assert set(table.columns) == set(run_schema().names)


def test_an_empty_folder_reads_as_no_runs(tmp_path):
    assert load_runs(tmp_path).empty and list(load_runs(tmp_path).columns) == run_schema().names
    assert load_series(tmp_path).empty and scan_keys(tmp_path / "runs")[0] == set()


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


def test_a_retry_adds_a_part_and_the_ok_record_wins(tmp_path):
    runs = tmp_path / "runs"
    write_part(runs, part_name(["a", "b"]), [row("a"), row("b", status="failed")],
               run_schema())
    write_part(runs, part_name(["b"]), [row("b", seed=2)], run_schema())  # the retry
    write_part(runs, part_name(["b"]), [row("b", status="failed")], run_schema())
    assert len(list(runs.glob("*.parquet"))) == 3  # nothing replaced
    frame = load_runs(tmp_path).set_index("key")
    assert frame.loc["b", "status"] == "ok" and frame.loc["b", "seed"] == 2
    assert scan_keys(runs, retry_failed=True)[0] == {"a", "b"}


@pytest.mark.parametrize("damage", ["flip", "truncate", "empty"])
def test_a_damaged_part_is_set_aside_and_its_runs_count_as_not_run(tmp_path, damage):
    runs = tmp_path / "runs"
    good = write_part(runs, part_name(["a"]), [row("a")], run_schema())
    bad = write_part(runs, part_name(["b"]), [row("b", mpcr=0.5)], run_schema())
    data = bytearray(bad.read_bytes())
    if damage == "flip":
        data[len(data) // 3] ^= 0x10
    elif damage == "truncate":
        data = data[: len(data) // 2]
    else:
        data = bytearray()
    bad.write_bytes(bytes(data))
    keys, damaged = scan_keys(runs)
    assert keys == {"a"} and damaged == [bad.with_name(bad.name + ".damaged")]
    assert damaged[0].exists() and not bad.exists() and good.exists()
    assert load_runs(tmp_path)["key"].tolist() == ["a"]


def test_every_single_bit_flip_of_a_part_is_seen(tmp_path):
    """The part's digest is in its name: no flipped bit reads back as another value."""
    runs = tmp_path / "runs"
    original = write_part(runs, part_name(["a"]), [row("a", mpcr=0.5)], run_schema())
    data = original.read_bytes()
    rng = __import__("random").Random(1)
    for _ in range(40):
        flipped = bytearray(data)
        flipped[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        original.write_bytes(bytes(flipped))
        keys, damaged = scan_keys(runs)
        assert keys == set() and len(damaged) == 1
        damaged[0].unlink()
    original.write_bytes(data)
    assert scan_keys(runs) == ({"a"}, [])


def test_a_second_writer_is_refused_while_the_first_holds_the_lock(tmp_path):
    with (folder_lock(tmp_path), pytest.raises(ParameterError, match="another sweep .* is"),
          folder_lock(tmp_path)):
        pass
    with folder_lock(tmp_path):  # released
        pass


def test_a_folder_holds_one_definition_while_it_has_runs(tmp_path):
    manifest = open_session(tmp_path, {"experiment": "a", "runs": 2}, "serial", 1)
    write_part(tmp_path / "runs", part_name(["a"]), [row("a")], run_schema())
    close_session(tmp_path, manifest, "complete", 1, 0)
    with pytest.raises(ParameterError, match="another experiment definition .*runs"):
        open_session(tmp_path, {"experiment": "a", "runs": 4}, "serial", 1)


def test_a_session_left_running_is_recorded_as_interrupted(tmp_path):
    open_session(tmp_path, {"experiment": "a"}, "serial", 1)  # killed: never closed
    manifest = open_session(tmp_path, {"experiment": "a"}, "serial", 1)
    assert [s["status"] for s in manifest["sessions"]] == ["interrupted", "running"]
