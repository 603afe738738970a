"""A shared game: the class is the coalition. A room holds one model, the students' seats (a
nation each; the seats nobody takes are played by the model's nations), the choices submitted
for the cycle being decided, and the log of every decision. It knows nothing of the web: the
server (``server.py``) calls it, and ``on_change`` tells the server that its pages are stale.

>>> room = Room("default", n_nations=6, seed=7)
>>> ana = room.join("Ana")
>>> room.submit(ana.token, funds=0.5, troops=0.2, enablers=0.0)
>>> room.advance()
1
>>> room.decisions[0]["student"], room.decisions[0]["submitted"]
('Ana', True)
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..model import CoalitionModel
from ..scenarios.kinds import CAPABILITIES
from ..scenarios.parameters import ParameterError, validate
from ..scenarios.presets import preset_params, presets
from .inputs import RoomError, clean_name, flag, share, shown, whole

CODE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no I, O, 0, 1: read off a projector
CODE_LENGTH = 5
SEED_MAX = 999_999
NATIONS = (2, 200)  # the number of nations a room may have
TIME_LIMIT_MAX = 600  # seconds per cycle (0: no limit)
CYCLES_MAX = 500  # the longest game (a room left with a time limit stops there)
# The rules a teacher may change while the game runs, as the dashboard offers them.
TEACHER_RULES = ("monitoring", "sanction_rate", "burden_rule", "peer_punishment")
SEED_CHILDREN = 101  # the room's seed spawns: seat draws (0), simulated classes (1-100)


@dataclass(frozen=True)
class Decision:
    """A student's choices for a cycle: pledges as shares of the nation's capacity, and whom
    it punishes (nation indices, and partners giving less than a share of their fair share)
    with what share of the most it may spend on each."""

    funds: float
    troops: float
    enablers: float
    punish: tuple[int, ...] = ()
    punish_share: float = 0.0
    punish_below: float = 0.0  # and any partner seen giving less than this of its fair share
    version: int = 0  # the room's version when it was made (rules changed since?)

    def punishment(self) -> dict[str, Any]:
        """``Nation.set_punishment``'s arguments."""
        return {"share": self.punish_share, "targets": self.punish,
                "below": self.punish_below}

    def pledge(self, capacity: np.ndarray) -> dict[str, float]:
        shares = (self.funds, self.troops, self.enablers)
        return {c: share * float(capacity[k]) for k, (c, share)
                in enumerate(zip(CAPABILITIES, shares, strict=True))}


@dataclass
class Seat:
    """A student and the nation they play; ``token`` is their key (kept by their browser)."""

    name: str
    nation: int
    token: str
    decision: Decision | None = None
    connected: int = 0  # pages open with this token


def new_token() -> str:
    return secrets.token_urlsafe(16)


def new_code() -> str:
    """A join code: short, and unambiguous on a projector."""
    return "".join(secrets.choice(CODE_LETTERS) for _ in range(CODE_LENGTH))


class Room:
    """One class's game: ``join``, ``submit``, ``advance``, ``change``, ``pause``, ``end``."""

    def __init__(self, lesson: str, n_nations: int | None = None, seed: int = 42,
                 time_limit: int = 0, auto_advance: bool = False, code: str | None = None,
                 on_change: Callable[[Room], None] | None = None) -> None:
        if not isinstance(lesson, str) or lesson not in presets:
            raise RoomError(f"lesson: got {shown(lesson)}, expected one of "
                            f"{', '.join(presets)}")
        seed = whole(seed, "seed", 0, SEED_MAX)
        setup = {}
        if not presets[lesson].get("nations_file"):  # (a nations file fixes the number)
            setup["n_nations"] = whole(n_nations if n_nations is not None
                                       else validate(preset_params(lesson))["n_nations"],
                                       "nations", *NATIONS)
        try:
            self.model: CoalitionModel | None = CoalitionModel(
                rng=seed, **preset_params(lesson, setup))
        except ParameterError as exc:
            raise RoomError(str(exc)) from None
        # Every parameter, as made: the record replays the game whatever later versions'
        # defaults are.
        self.params = dict(self.model.p)
        self.code = code or new_code()
        self.lesson, self.seed, self.n = lesson, seed, self.model.n
        self.names = [str(name) for name in self.model.names]
        self.capacity = self.model.capacity.copy()
        self.required = [c for c in CAPABILITIES if self.model.p[f"req_{c}"] > 0]
        self.teacher_token = new_token()
        self.created = time.time()
        self.touched = time.monotonic()
        self.seats: dict[str, Seat] = {}
        self.status = "open"  # open (deciding a cycle), paused, ended
        self.time_limit = whole(time_limit, "time_limit", 0, TIME_LIMIT_MAX)
        self.auto_advance = flag(auto_advance, "auto_advance")
        self.deadline: float | None = None  # time.monotonic() at which the cycle closes
        self.remaining: float | None = None  # seconds left when paused
        self.changes: list[dict[str, Any]] = []  # {"cycle": k, rule: value}: from cycle k on
        self.decisions: list[dict[str, Any]] = []  # one row per student seat and cycle
        self.version = 0
        self.debrief: Any = None  # set when the game has ended (``debrief.py``)
        self.saved = ""  # the folder its record was saved in, if the server saves them
        self.failure = ""  # why its debrief could not be made, if it could not
        self.rules_version = 0  # the version at which the rules last changed
        self.on_change = on_change
        self.lock = threading.RLock()
        self.cache: dict[str, Any] = {}  # views made since the last change (``views.py``)
        self.positions: np.ndarray | None = None  # the network chart's, made when first drawn
        children = np.random.SeedSequence(seed).spawn(SEED_CHILDREN)
        self._seat_rng = np.random.default_rng(children[0])
        self.class_seeds = [int(c.generate_state(1)[0]) for c in children[1:]]
        self._open_cycle()

    # --- state as the pages read it ----------------------------------------------------------
    @property
    def cycles(self) -> int:
        """Cycles played (the model's steps); the class is deciding cycle ``cycles + 1``."""
        return self.model.steps if self.model is not None else self._cycles

    def rules(self) -> dict[str, Any]:
        if self.model is None:  # (ended: the rules last in force)
            return self._rules
        return {name: self.model.p[name] for name in TEACHER_RULES}

    def seat(self, token: Any) -> Seat:
        seat = self.seats.get(str(token))
        if seat is None:
            raise RoomError("token: not a student of this room (join again with the code)")
        return seat

    def is_teacher(self, token: Any) -> bool:
        return secrets.compare_digest(str(token or ""), self.teacher_token)

    def free_nations(self) -> list[int]:
        taken = {seat.nation for seat in self.seats.values()}
        return [i for i in range(self.n) if i not in taken]

    def seconds_left(self) -> float | None:
        if self.status == "paused":
            return self.remaining
        if self.deadline is None or self.status != "open":
            return None
        return max(self.deadline - time.monotonic(), 0.0)

    # --- students ------------------------------------------------------------------------------
    def join(self, name: Any, nation: Any = None) -> Seat:
        """A new student: a free nation (the one asked for, or one drawn), and a unique name
        (a second "Ana" becomes "Ana (2)")."""
        with self.lock:
            self._check_running()
            name = clean_name(name)
            free = self.free_nations()
            if not free:
                raise RoomError(f"room: all {self.n} nations are taken; ask the teacher for a "
                                "room with more nations")
            if nation in (None, ""):
                chosen = int(self._seat_rng.choice(free))
            else:
                chosen = whole(nation, "nation", 0, self.n - 1)
                if chosen not in free:
                    raise RoomError(f"nation: {self.names[chosen]} is taken; pick a free one")
            taken = {seat.name.casefold() for seat in self.seats.values()}
            unique, k = name, 2
            while unique.casefold() in taken:
                unique, k = f"{name} ({k})", k + 1
            seat = Seat(unique, chosen, new_token())
            self.seats[seat.token] = seat
            if self.deadline is None and self.status == "open":
                self._open_cycle()  # (the first student starts the clock)
            self.touch()
            return seat

    def submit(self, token: Any, funds: Any = 0.0, troops: Any = 0.0, enablers: Any = 0.0,
               punish: Iterable[Any] = (), punish_share: Any = 0.0,
               punish_below: Any = 0.0) -> None:
        """A student's choices for the cycle being decided (a later one replaces it)."""
        with self.lock:
            seat = self.seat(token)
            self._check_running()
            if self.status == "paused":
                raise RoomError("room: paused by the teacher; submit when the game resumes")
            if not self.active(seat):
                raise RoomError(f"nation: {self.names[seat.nation]} has left the coalition; "
                                "its choices no longer count")
            targets = sorted({whole(t, "punish", 0, self.n - 1) for t in punish}
                             - {seat.nation})
            hard, below = share(punish_share, "punish_share"), share(punish_below,
                                                                     "punish_below")
            anyone = bool(targets) or below > 0
            seat.decision = Decision(share(funds, "funds"), share(troops, "troops"),
                                     share(enablers, "enablers"), tuple(targets),
                                     hard if anyone else 0.0, below, self.version + 1)
            self.touch()

    def active(self, seat: Seat) -> bool:
        """The student's nation is in the coalition, so their choices count."""
        return self.model is None or bool(self.model.member[seat.nation])

    def waiting_for(self) -> list[Seat]:
        """The students whose choices the class waits for: those whose nation is in the
        coalition, leaving out those whose page is closed while others' are open (an absent
        student must not hold the class up: the model plays their seat)."""
        seats = [s for s in self.seats.values() if self.active(s)]
        return [s for s in seats if s.connected] or seats

    def all_submitted(self) -> bool:
        """Every student the class waits for has chosen, and at least one has."""
        waiting = self.waiting_for()
        return bool(waiting) and all(s.decision is not None for s in waiting)

    # --- the teacher -----------------------------------------------------------------------------
    def advance(self) -> int:
        """Close the cycle: the students' choices stand for their nations, the model's
        behaviour for every other nation (and for students who did not submit). Returns the
        cycle played."""
        with self.lock:
            self._check_running()
            if self.status == "paused":
                raise RoomError("room: paused; resume the game to play the next cycle")
            if self.model.steps >= CYCLES_MAX:
                raise RoomError(f"room: {CYCLES_MAX} cycles is the longest game; end it")
            model = self.model
            punishment = model.p["peer_punishment"]
            for seat in self.seats.values():
                nation, decision = model.nations[seat.nation], seat.decision
                if decision is None:
                    nation.clear_pledge()
                    nation.clear_punishment()
                    continue
                nation.set_pledge(**decision.pledge(self.capacity[seat.nation]))
                if punishment:
                    nation.set_punishment(**decision.punishment())
                else:
                    nation.clear_punishment()
            model.step()
            for seat in sorted(self.seats.values(), key=lambda s: s.nation):
                self.decisions.append(self._row(seat, model.steps, punishment))
                seat.decision = None
            self._open_cycle()
            self.touch()
            return model.steps

    def _row(self, seat: Seat, cycle: int, punishment: bool) -> dict[str, Any]:
        """The record of a student's cycle: what they chose (punishment only where the rules
        allowed it that cycle)."""
        decision = seat.decision
        row = {"cycle": cycle, "nation": self.names[seat.nation], "student": seat.name,
               "submitted": decision is not None}
        for c in CAPABILITIES:
            row[f"share_{c}"] = getattr(decision, c) if decision else np.nan
        used = decision is not None and punishment
        row["punished"] = ";".join(self.names[t] for t in decision.punish) if used else ""
        row["punish_share"] = decision.punish_share if used else 0.0 if decision else np.nan
        row["punish_below"] = decision.punish_below if used else 0.0 if decision else np.nan
        return row

    def change(self, **rules: Any) -> None:
        """Change the rules in force from the next cycle on (``TEACHER_RULES``)."""
        with self.lock:
            self._check_running()
            unknown = sorted(set(rules) - set(TEACHER_RULES))
            if unknown:
                raise RoomError(f"{unknown[0]}: not a rule of the dashboard; expected one of "
                                f"{', '.join(TEACHER_RULES)}")
            if "peer_punishment" in rules:
                flag(rules["peer_punishment"], "peer_punishment")
            for name, value in rules.items():
                if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 1e9:
                    raise RoomError(f"{name}: got {shown(value)}, out of range")
            new = {k: v for k, v in rules.items() if self.model.p[k] != v}
            if not new:
                return
            try:
                self.model.change(**new)
            except (ParameterError, OverflowError) as exc:
                raise RoomError(str(exc).splitlines()[0][:200]) from None
            new = {k: self.model.p[k] for k in new}  # (as validated)
            self.rules_version = self.version + 1
            if self.changes and self.changes[-1]["cycle"] == self.cycles + 1:
                self.changes[-1].update(new)
            else:
                self.changes.append({"cycle": self.cycles + 1, **new})
            self.touch()

    def set_timing(self, time_limit: Any = None, auto_advance: Any = None) -> None:
        with self.lock:
            self._check_running()
            if time_limit is not None:
                self.time_limit = whole(time_limit, "time_limit", 0, TIME_LIMIT_MAX)
                if self.status == "open":
                    self._open_cycle()
                else:
                    self.remaining = float(self.time_limit) if self.time_limit else None
            if auto_advance is not None:
                self.auto_advance = flag(auto_advance, "auto_advance")
            self.touch()

    def pause(self) -> None:
        with self.lock:
            self._check_running()
            if self.status == "open":
                self.remaining = self.seconds_left()
                self.status, self.deadline = "paused", None
                self.touch()

    def resume(self) -> None:
        with self.lock:
            self._check_running()
            if self.status == "paused":
                self.status = "open"
                if self.remaining is not None:
                    self.deadline = time.monotonic() + self.remaining
                self.remaining = None
                self.touch()

    def end(self) -> None:
        """No more cycles: the debrief follows (``debrief.finish``, which frees the model)."""
        with self.lock:
            self._check_running()
            self.status, self.deadline, self.remaining = "ended", None, None
            self.touch()

    def release(self, debrief: Any) -> None:
        """Keep the debrief and let the model go (a room that ended holds only its record)."""
        with self.lock:
            self._cycles, self._rules = self.model.steps, self.rules()
            self.debrief, self.model = debrief, None
            self.decisions = []  # (the debrief's table holds them)
            self.touch()

    # --- helpers ---------------------------------------------------------------------------------
    def _check_running(self) -> None:
        if self.status == "ended":
            raise RoomError("room: the game has ended")

    def _open_cycle(self) -> None:
        """The cycle's clock: it runs once a student has joined, and not past the last
        cycle (a room left alone does not play itself)."""
        running = self.time_limit and self.seats and self.cycles < CYCLES_MAX
        self.deadline = time.monotonic() + self.time_limit if running else None

    def touch(self) -> None:
        """The room changed: its pages are stale (and the views made of it forgotten)."""
        with self.lock:
            self.cache.clear()
            self.version += 1
            self.touched = time.monotonic()
        if self.on_change is not None:
            self.on_change(self)

