"""The debrief of a shared game: the class's trajectory against a band of simulated classes,
what each student did, and the export of every decision.

A simulated class is the room's setup (lesson, nations, rule changes at the same cycles) with
every seat played by the model, from a seed the room's seed spawns; the band is their 5 %, 50 %
and 95 % quantiles per cycle. One more run, from the room's own seed, is the same class with
no students: the same nations and missions, the model deciding for everyone. The export
holds every nation's pledges and outcomes per cycle, whether a student or the model decided,
and the rules in force: ``replay`` rebuilds the class's run from it, bit for bit.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..model import CoalitionModel
from ..scenarios.kinds import CAPABILITIES
from ..scenarios.parameters import validate
from ..version import __version__, model_code
from .room import TEACHER_RULES, Decision, Room, RoomError

SIMULATED_CLASSES = 100
BAND_COLUMNS = ("cycle", "measure", "low", "median", "high", "class", "without_students")
BAND = (0.05, 0.5, 0.95)
# The trajectory the debrief compares: (model frame column, what it shows).
TRAJECTORY = (
    ("effectiveness", "Mission effectiveness"),
    ("mean_contribution_ratio", "Contribution / fair share"),
    ("mean_trust", "Mean trust"),
)


@dataclass(frozen=True)
class Debrief:
    """What remains of a room once its game has ended."""

    setup: dict[str, Any]  # lesson, seed, parameters, rule changes, version, students
    decisions: pd.DataFrame  # one row per nation and cycle (the export)
    band: pd.DataFrame  # per cycle and measure: the band, the class, the class without students
    students: pd.DataFrame  # one row per student


def setup(room: Room) -> dict[str, Any]:
    """The room as a record: enough, with the decisions, to replay its run."""
    return {
        "room": room.code, "lesson": room.lesson, "seed": room.seed, "n_nations": room.n,
        "parameters": room.params, "changes": room.changes, "cycles": room.cycles,
        "model_version": __version__, "model_code": model_code(),
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(room.created)),
        "nations": room.names,
        "students": [{"name": s.name, "nation": room.names[s.nation]}
                     for s in sorted(room.seats.values(), key=lambda s: s.nation)],
    }


def rules_by_cycle(params: dict[str, Any], changes: list[dict[str, Any]],
                   cycles: int) -> pd.DataFrame:
    """The dashboard's rules in force in each cycle.

    >>> rules = rules_by_cycle({"monitoring": 0.5}, [{"cycle": 2, "monitoring": 0.9}], 3)
    >>> rules["monitoring"].tolist()
    [0.5, 0.9, 0.9]
    """
    full = validate(params)
    rules = {k: full[k] for k in TEACHER_RULES}
    rows, pending = [], {c["cycle"]: c for c in changes}
    for cycle in range(1, cycles + 1):
        if cycle in pending:
            rules.update({k: v for k, v in pending[cycle].items() if k != "cycle"})
        rows.append({"cycle": cycle, **rules})
    return pd.DataFrame(rows, columns=["cycle", *rules])


def decisions(room: Room) -> pd.DataFrame:
    """Every nation's choices and outcomes per cycle, with who decided and the rules."""
    frame = room.model.nation_frame().rename(columns={"step": "cycle"})
    frame["nation"] = frame["nation"].astype(str)
    students = pd.DataFrame(room.decisions, columns=[
        "cycle", "nation", "student", "submitted", *[f"share_{c}" for c in CAPABILITIES],
        "punished", "punish_share", "punish_below"])
    frame = frame.merge(students, on=["cycle", "nation"], how="left")
    frame["submitted"] = frame["submitted"].astype("boolean").fillna(False).astype(bool)
    frame["student"] = frame["student"].fillna("")
    frame["punished"] = frame["punished"].fillna("")
    frame.insert(3, "decided_by", np.where(frame["submitted"], "student", "model"))
    frame = frame.merge(rules_by_cycle(room.params, room.changes, room.cycles), on="cycle")
    for key, value in (("model_version", __version__), ("seed", room.seed),
                       ("lesson", room.lesson), ("room", room.code)):
        frame.insert(0, key, value)
    return frame


def simulated_class(params: dict[str, Any], changes: list[dict[str, Any]], cycles: int,
                    seed: int, played: Any = None, draws: int | None = None
                    ) -> CoalitionModel:
    """The room's setup run for ``cycles`` with the rule changes at their cycles; ``played``
    (cycle -> {nation: Decision}) decides for the nations students played, else the model.
    ``seed`` makes the nations and the first missions; ``draws``, if given, seeds every draw
    after them (political will, pledge errors, reneging, detection, what each nation sees,
    new missions and groups): the same nations, another class."""
    model = CoalitionModel(rng=seed, **params)
    if draws is not None:
        model.rng = np.random.default_rng(draws)  # (the model draws from ``rng`` alone)
    pending = {c["cycle"]: {k: v for k, v in c.items() if k != "cycle"} for c in changes}
    for cycle in range(1, cycles + 1):
        if cycle in pending:
            model.change(**pending[cycle])
        for nation in model.nations:
            nation.clear_pledge()
            nation.clear_punishment()
        for i, decision in (played or {}).get(cycle, {}).items():
            nation = model.nations[i]
            nation.set_pledge(**decision.pledge(model.capacity[i]))
            if model.p["peer_punishment"]:
                nation.set_punishment(**decision.punishment())
        model.step()
    return model


def replay(record: dict[str, Any], table: pd.DataFrame) -> CoalitionModel:
    """The class's run rebuilt from its record (``room.json``) and its decisions (the CSV or
    Parquet export, in any row order), bit for bit."""
    index = {name: i for i, name in enumerate(record["nations"])}
    played: dict[int, dict[int, Decision]] = {}
    for row in table[table["submitted"].astype(bool)].itertuples(index=False):
        punished = row.punished if isinstance(row.punished, str) else ""  # (empty in a CSV)
        punish = tuple(index[t] for t in punished.split(";") if t)
        played.setdefault(int(row.cycle), {})[index[str(row.nation)]] = Decision(
            row.share_funds, row.share_troops, row.share_enablers, punish,
            float(row.punish_share), float(row.punish_below))
    return simulated_class(record["parameters"], record["changes"], record["cycles"],
                           record["seed"], played)


def simulate(params: dict[str, Any], changes: list[dict[str, Any]], cycles: int, seed: int,
             class_seeds: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """The simulated classes' trajectories (classes, measures, cycles), and the class
    without students' (measures, cycles). A simulated class has the room's nations and first
    missions (``seed``) and its own draws after them (``simulated_class``), so the band
    shows what chance alone does to this coalition under these rules. Plain inputs and
    outputs: the server runs it in a worker process."""
    measures = [name for name, _ in TRAJECTORY]

    def trajectory(model: CoalitionModel) -> list[np.ndarray]:
        columns = model.recorder.model_columns()
        return [columns[m] for m in measures]

    runs = np.array([trajectory(simulated_class(params, changes, cycles, seed, draws=draws))
                     for draws in class_seeds]).reshape(len(class_seeds), len(measures),
                                                        cycles)
    return runs, np.array(trajectory(simulated_class(params, changes, cycles, seed)))


def band_of(room: Room, classes: int = SIMULATED_CLASSES) -> tuple[Any, ...]:
    """``simulate``'s arguments for a room."""
    return room.params, room.changes, room.cycles, room.seed, room.class_seeds[:classes]


def band(room: Room, simulated: tuple[np.ndarray, np.ndarray]) -> pd.DataFrame:
    """Per cycle and measure: the band of the simulated classes (``simulate``), the class
    itself, and the class without students (the room's seed for everything, the model
    deciding for everyone)."""
    runs, alone = simulated
    cycles = room.cycles
    own = room.model.recorder.model_columns()
    rows = []
    for k, (measure, _label) in enumerate(TRAJECTORY):
        low, mid, high = np.nanquantile(runs[:, k], BAND, axis=0) if cycles else ([],) * 3
        for c in range(cycles):
            rows.append({"cycle": c + 1, "measure": measure, "low": low[c], "median": mid[c],
                         "high": high[c], "class": own[measure][c],
                         "without_students": alone[k, c]})
    return pd.DataFrame(rows, columns=list(BAND_COLUMNS))


STUDENT_COLUMNS = (
    "student", "nation", "cycles", "cycles_submitted", "contribution_ratio",
    "others_contribution_ratio", "burden_pct_gdp", "payoff_total", "payoff_rank",
    "trust_received_first", "trust_received_last", "sanctions_received", "left_in_cycle")


def students(table: pd.DataFrame) -> pd.DataFrame:
    """Per student: cycles decided, contribution / fair share, burden, payoff (and its rank
    among all nations over the same cycles), trust, and the cycle their nation left the
    coalition, if it did (a student who joined after the last cycle played has no row)."""
    rows = []
    for (name, nation), own in table[table["student"] != ""].groupby(["student", "nation"]):
        own = own.sort_values("cycle")
        same = table[table["cycle"].isin(own["cycle"])]  # (a late joiner: their cycles)
        totals = same.groupby("nation")["payoff"].sum()
        others = table[(table["nation"] != nation)]
        left = own.loc[~own["member"].astype(bool), "cycle"]
        rows.append({
            "student": name, "nation": nation, "cycles": len(own),
            "cycles_submitted": int(own["submitted"].sum()),
            "contribution_ratio": float(own["contribution_ratio"].mean()),
            "others_contribution_ratio": float(others["contribution_ratio"].mean()),
            "burden_pct_gdp": float(100 * own["burden"].mean()),
            "payoff_total": float(totals[nation]),
            "payoff_rank": int((totals > totals[nation]).sum() + 1),
            "trust_received_first": float(own["trust_received"].iloc[0]),
            "trust_received_last": float(own["trust_received"].iloc[-1]),
            "sanctions_received": float(own["sanction"].sum()),
            "left_in_cycle": int(left.iloc[0]) if len(left) else None,
        })
    return pd.DataFrame(rows, columns=list(STUDENT_COLUMNS))


def finish(room: Room, classes: int = SIMULATED_CLASSES,
           simulated: tuple[np.ndarray, np.ndarray] | None = None) -> Debrief:
    """Build the debrief of a room that has ended, then free its model; ``simulated``, if
    given, is ``simulate(*band_of(room, classes))``, made elsewhere (the server makes it in a
    worker process)."""
    if room.status != "ended":
        raise RoomError("room: end the game before its debrief")
    if simulated is None:
        simulated = simulate(*band_of(room, classes))
    with room.lock:  # (a page's view may be reading the same recorder)
        table = decisions(room)
        result = Debrief(setup(room), table, band(room, simulated), students(table))
        room.release(result)
    return result


def unfinished(room: Room) -> Debrief:
    """The record of a game without its band: one the server stops before it ends (there is
    no time to simulate classes while it stops), or whose debrief failed."""
    table = decisions(room)
    return Debrief({**setup(room), "unfinished": True}, table,
                   pd.DataFrame(columns=list(BAND_COLUMNS)), students(table))


def parquet_bytes(table: pd.DataFrame, record: dict[str, Any]) -> bytes:
    """The decisions as Parquet, the room's record (``setup``) in the file's metadata under
    ``coalition.room``."""
    arrow = pa.Table.from_pandas(table, preserve_index=False)
    metadata = {**(arrow.schema.metadata or {}), b"coalition.room": json.dumps(record).encode()}
    sink = pa.BufferOutputStream()
    pq.write_table(arrow.replace_schema_metadata(metadata), sink)
    return sink.getvalue().to_pybytes()


def files(debrief: Debrief) -> dict[str, bytes]:
    """The record's files: decisions.csv and .parquet, students.csv, band.csv, room.json."""
    return {
        "decisions.csv": debrief.decisions.to_csv(index=False).encode(),
        "decisions.parquet": parquet_bytes(debrief.decisions, debrief.setup),
        "students.csv": debrief.students.to_csv(index=False).encode(),
        "band.csv": debrief.band.to_csv(index=False).encode(),
        "room.json": (json.dumps(debrief.setup, indent=2) + "\n").encode(),
    }


def zipped(debrief: Debrief) -> bytes:
    """The record's files in one zip (the teacher's download)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files(debrief).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def save(debrief: Debrief, parent: Path) -> Path:
    """Write the record to a new folder under ``parent``, never over another; a folder is
    written aside and renamed into place whole (a failure leaves nothing behind)."""
    parent.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime())
    name = f"{stamp}-{debrief.setup['room']}"
    if debrief.setup.get("unfinished"):
        name += "-unfinished"
    staging = Path(tempfile.mkdtemp(prefix=".writing-", dir=parent))
    try:
        for file, content in files(debrief).items():
            (staging / file).write_bytes(content)
        os.chmod(staging, 0o777 & ~UMASK)
        for k in range(1, 1000):
            target = parent / (name if k == 1 else f"{name}-{k}")
            if target.exists():  # (rename would replace an empty folder)
                continue
            staging.rename(target)
            return target
        raise OSError(f"save: no free folder name for {name} in {parent}")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


UMASK = _umask()  # read once, at import (setting it later, in a thread, would race)
