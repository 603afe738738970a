"""What each page of a shared game shows, as JSON-ready dicts: the teacher's dashboard, the
projector and a student's page. The browser draws them (``static/``); the server sends a page
its view whenever the room changes. Views shared by many pages are made once per change of
the room (``Room.version``), a student's own view from the same cached arrays.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..scenarios.kinds import CAPABILITIES
from ..scenarios.presets import DESCRIPTIONS
from .debrief import TRAJECTORY
from .lesson import layout
from .room import Room, Seat

TRUST_LINE = 0.5  # mutual trust above which the network joins two nations


def _numbers(values: Any, digits: int = 4) -> list[float | None]:
    """A list for JSON: rounded, NaN as null."""
    return [None if not np.isfinite(v) else round(float(v), digits)
            for v in np.asarray(values, dtype=float)]


def _cached(room: Room, key: str, make: Any) -> Any:
    """``make()``, made once per change of the room (``Room.touch`` empties the cache)."""
    if key not in room.cache:
        room.cache[key] = make()
    return room.cache[key]


def _frames(room: Room) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """The run's per-cycle columns and per-nation arrays (made once per change)."""
    def make():
        recorder = room.model.recorder
        return recorder.model_columns(), {**recorder.stacked(), **recorder.derived()}
    return _cached(room, "frames", make)


def seconds_left(room: Room) -> float | None:
    left = room.seconds_left()
    return None if left is None else round(left, 1)


def _state(room: Room) -> dict[str, Any]:
    """What every page shows: the room, the cycle and its clock, the rules."""
    return {
        "code": room.code, "lesson": room.lesson,
        "description": DESCRIPTIONS.get(room.lesson, ""), "status": room.status,
        "cycle": room.cycles, "deciding": room.cycles + 1, "n": room.n,
        "seconds_left": seconds_left(room),
        "time_limit": room.time_limit, "auto_advance": room.auto_advance,
        "rules": room.rules(), "students": len(waiting := room.waiting_for()),
        "submitted": sum(s.decision is not None for s in waiting),
        "required": room.required, "version": room.version, "failure": room.failure,
    }


def _charts(room: Room) -> dict[str, Any]:
    """The projector's charts: coverage over cycles, the burden by nation (students marked)
    and the trust network."""
    def make():
        model, names = room.model, room.names
        student_of = {s.nation: s.name for s in room.seats.values()}
        xy = room.positions
        if xy is None:  # (the nations' places on the network chart: fixed for the game)
            positions = layout(model)
            xy = room.positions = np.array([positions[i] for i in range(room.n)])
        charts: dict[str, Any] = {"series": None, "burden": None}
        if model.steps:
            columns, nations = _frames(room)
            charts["series"] = {
                "cycle": columns["step"].tolist(),
                "effectiveness": _numbers(columns["effectiveness"]),
                "mean_trust": _numbers(columns["mean_trust"]),
                **{f"coverage_{c}": _numbers(columns[f"coverage_{c}"]) for c in room.required},
            }
            order = np.argsort(model.gdp)
            charts["burden"] = [{"nation": names[i], "student": student_of.get(int(i)),
                                 "burden_pct": round(100 * float(nations["burden"][-1, i]), 4)}
                                for i in order]
        ratio = np.ones(room.n)
        if model.steps:
            ratio = np.nan_to_num(_frames(room)[1]["contribution_ratio"][-1], nan=1.0)
        mutual = np.minimum(model.trust, model.trust.T)
        i, j = np.nonzero(np.triu(mutual > TRUST_LINE, 1))
        charts["network"] = {
            "nodes": [{"nation": names[k], "x": round(float(xy[k, 0]), 3),
                       "y": round(float(xy[k, 1]), 3), "ratio": round(float(ratio[k]), 3),
                       "size": round(float(np.sqrt(model.gdp[k] / model.gdp.max())), 3),
                       "member": bool(model.member[k]), "student": student_of.get(k)}
                      for k in range(room.n)],
            "edges": [[int(a), int(b), round(float(mutual[a, b]), 3)] for a, b in zip(i, j)],
        }
        return charts
    return _cached(room, "charts", make)


def projector(room: Room) -> dict[str, Any]:
    def make():
        view = {"role": "projector", **_state(room)}
        if room.debrief is not None:
            view["debrief"] = debrief_view(room)
        else:
            view.update(_charts(room))
        return view
    return _cached(room, "projector", make)


def teacher(room: Room) -> dict[str, Any]:
    def make():
        view = {**projector(room), "role": "teacher", "seats": [
            {"name": s.name, "nation": room.names[s.nation], "connected": s.connected > 0,
             "member": room.model is None or bool(room.model.member[s.nation]),
             "submitted": s.decision is not None,
             "decision": None if s.decision is None else {
                 **{c: getattr(s.decision, c) for c in CAPABILITIES},
                 "punish": [room.names[t] for t in s.decision.punish],
                 "punish_share": s.decision.punish_share,
                 "punish_below": s.decision.punish_below}}
            for s in sorted(room.seats.values(), key=lambda s: s.nation)]}
        view["model_seats"] = room.n - len(room.seats)
        view["decided_by"] = _last_deciders(room)
        return view
    return _cached(room, "teacher", make)


def _last_deciders(room: Room) -> list[dict[str, Any]]:
    """Who decided for each student's nation in the last cycle played."""
    last = [d for d in room.decisions if d["cycle"] == room.cycles]
    return [{"student": d["student"], "nation": d["nation"],
             "by": "student" if d["submitted"] else "model"} for d in last]


def student(room: Room, seat: Seat) -> dict[str, Any]:
    i = seat.nation
    view = {"role": "student", **_state(room), "you": {
        "name": seat.name, "nation": room.names[i], "index": i,
        "capacity": dict(zip(CAPABILITIES, _numbers(room.capacity[i]), strict=True))},
        "decision": None if seat.decision is None else {
            **{c: getattr(seat.decision, c) for c in CAPABILITIES},
            "punish": list(seat.decision.punish), "punish_share": seat.decision.punish_share,
            "punish_below": seat.decision.punish_below,
            "rules_changed": seat.decision.version < room.rules_version},
        "last": None, "others": [{"index": k, "nation": room.names[k], "ratio": None}
                                 for k in range(room.n) if k != i]}
    if room.debrief is not None or room.model is None:
        view["others"] = []
        rows = room.debrief.students if room.debrief is not None else pd.DataFrame(
            columns=["student"])
        mine = rows[rows["student"] == seat.name].to_dict("records")
        view["summary"] = mine[0] if mine else None
        return view
    model = room.model
    view["you"]["gdp"] = round(float(model.gdp[i]), 3)
    view["you"]["member"] = bool(model.member[i])
    if not model.steps:
        return view
    _columns, nations = _frames(room)
    trust = nations["trust_received"][:, i]
    decided = [d for d in room.decisions if d["student"] == seat.name]
    view["last"] = {
        "cycle": model.steps,
        "decided_by": "you" if decided and decided[-1]["submitted"] else "the model",
        "shares": ({c: decided[-1][f"share_{c}"] for c in CAPABILITIES}
                   if decided and decided[-1]["submitted"] else None),
        "participating": bool(nations["participating"][-1, i]),
        "delivered_all": bool(nations["delivered"][-1, i].sum()
                              >= nations["pledged"][-1, i].sum() * (1 - 1e-9)),
        "contribution": round(float(nations["contribution"][-1, i]), 4),
        "fair_share": round(float(nations["fair_share"][-1, i]), 4),
        "ratio": _numbers([nations["contribution_ratio"][-1, i]])[0],
        "burden_pct": round(100 * float(nations["burden"][-1, i]), 4),
        "payoff": round(float(nations["payoff"][-1, i]), 4),
        "payoff_total": round(float(nations["payoff"][:, i].sum()), 4),
        "sanction": round(float(nations["sanction"][-1, i]), 4),
        "spent_punishing": round(float(0.0 if model.state.spent is None
                                       else model.state.spent[i].sum()), 4),
        "trust": _numbers(trust),
        "trust_change": round(float(trust[-1] - (trust[-2] if len(trust) > 1 else trust[0])),
                              4),
    }
    ratio = nations["contribution_ratio"][-1]
    view["others"] = [{"index": k, "nation": room.names[k], "ratio": _numbers([ratio[k]])[0]}
                      for k in range(room.n) if k != i]
    return view


def debrief_view(room: Room) -> dict[str, Any]:
    """The band of simulated classes, the class, and the per-student table."""
    debrief = room.debrief
    band = debrief.band
    measures = {}
    for name, label in TRAJECTORY:
        rows = band[band["measure"] == name]
        measures[name] = {"label": label, "cycle": rows["cycle"].tolist(),
                          **{k: _numbers(rows[k]) for k in ("low", "median", "high", "class",
                                                            "without_students")}}
    table = debrief.students.round(3).to_dict("records")
    return {"measures": measures, "students": table,
            "saved": room.saved}
