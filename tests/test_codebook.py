"""docs/outputs.md defines every column the tool writes."""

import re
from pathlib import Path

import abm
from abm.experiments.store import run_schema
from abm.model.reporters import RUN_OUTCOMES, TAIL_OUTCOMES
from abm.scenarios.parameters import PARAMETERS

CODEBOOK = Path(__file__).resolve().parents[1] / "docs" / "outputs.md"


def defined() -> set[str]:
    """The names in the first cell of the codebook's table rows."""
    names = set()
    for line in CODEBOOK.read_text().splitlines():
        if line.startswith("| `"):
            names.update(re.findall(r"`([^`]+)`", line.split("|")[1]))
    return names


def test_every_frame_and_run_column_is_in_the_codebook():
    result = abm.run("default", steps=2, seed=1)
    names = defined()
    missing = [c for c in result.model_frame.columns if c not in names]
    missing += [c for c in result.nation_frame.columns if c not in names]
    tail = {c for c in RUN_OUTCOMES if c.endswith("_tail_mean")}
    missing += [c for c in RUN_OUTCOMES if c not in tail and c not in names]
    missing += [c for c in run_schema().names
                if c not in PARAMETERS and c not in RUN_OUTCOMES and c not in names]
    assert not missing, f"not in docs/outputs.md: {missing}"
    assert "<outcome>_tail_mean" in names
    text = CODEBOOK.read_text()
    assert all(f"`{base}`" in text for base in TAIL_OUTCOMES)
    assert set(result.summary) <= {m for m in re.findall(r"`(\w+)`", text)}


def test_every_calibration_column_is_in_the_codebook():
    from abm.experiments.calibration import calibrate, predictive, predictive_check, recovery
    from abm.experiments.targets import TARGETS

    target = TARGETS["nato"].with_parameters({"budget_inertia": (0.0, 0.99)})
    posterior = calibrate(target, population=4, generations=1, seed=1)
    check = predictive_check(predictive(posterior, 3, 1), target.observed)
    tables = [posterior.summary(), posterior.history(), check,
              recovery(target, 1, population=4, generations=1).assign(target="nato")]
    names = defined()
    frame = posterior.frame()
    free = [*target.parameters, *target.fitted]
    missing = [c for t in tables for c in t.columns if c not in names]
    missing += [c for c in frame.columns if c not in names and c not in free]
    assert not missing, f"not in docs/outputs.md: {missing}"


def test_every_classroom_record_column_is_in_the_codebook():
    from abm.classroom import debrief
    from abm.classroom.room import Room

    room = Room("default", n_nations=4, seed=1)
    seat = room.join("Ana")
    room.submit(seat.token, funds=0.5)
    room.advance()
    room.end()
    result = debrief.finish(room, classes=2)
    names = defined()
    missing = [c for t in (result.decisions, result.students, result.band) for c in t.columns
               if c not in names and c not in PARAMETERS]
    assert not missing, f"not in docs/outputs.md: {missing}"
    text = CODEBOOK.read_text()
    assert all(f"`{key}`" in text for key in result.setup)
