"""The rooms of one classroom server: made, found, woken and forgotten.

A page waits on its room's ``asyncio.Event``; a change of the room (from the event loop or
from the thread that makes a debrief) replaces the event and sets the old one, so that every
waiting page sends its new view once. A clock closes the cycles whose time limit is up and
forgets rooms long ended (after their debrief could be read and downloaded) or untouched.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import multiprocessing
import signal
import time
import weakref
from concurrent.futures import Executor, ProcessPoolExecutor
from multiprocessing import resource_tracker
from pathlib import Path
from typing import Any

from . import debrief
from .inputs import one_line
from .room import Room, RoomError, new_code

TICK = 0.2  # seconds between checks of the cycles' time limits
KEEP_ENDED = 6 * 3600  # seconds a room that ended stays for its debrief and downloads
KEEP_IDLE = 12 * 3600  # seconds an untouched room stays open
SWEEP = 10.0  # seconds between looks for rooms to forget
ROOMS_MAX = 100  # rooms a server holds at once (anyone who reaches it may start one)


class NoRoom(Exception):
    """No room has this code (the server says 404)."""


class Classroom:
    """The rooms of one server, and the wake-ups of the pages that watch them."""

    def __init__(self, out: Path | None = Path("results/classroom"), public_url: str = "",
                 classes: int = debrief.SIMULATED_CLASSES, keep_ended: float = KEEP_ENDED,
                 executor: Executor | None = None) -> None:
        self.rooms: dict[str, Room] = {}
        self.keep_ended = keep_ended
        self._tasks: set[asyncio.Task] = set()  # debriefs being made
        # The simulated classes of a debrief run in a worker process: seconds of model runs
        # that would otherwise hold the interpreter while every other room's pages wait.
        self.executor = executor
        self.out, self.public_url, self.classes = out, public_url.rstrip("/"), classes
        self.models: weakref.WeakSet = weakref.WeakSet()  # live models (the benchmark's check)
        self._events: dict[str, asyncio.Event] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ticker: asyncio.Task | None = None
        self.closing = False  # the server is stopping: pages' streams end

    # --- rooms --------------------------------------------------------------------------------
    def create(self, **options: Any) -> Room:
        if len(self.rooms) >= ROOMS_MAX:
            raise RoomError(f"room: this server holds {ROOMS_MAX} rooms, the most it takes; "
                            "end one first")
        code = new_code()
        while code in self.rooms:  # (one in 33 million)
            code = new_code()
        room = Room(**options, code=code, on_change=self._changed)
        self.rooms[room.code] = room
        self.models.add(room.model)
        return room

    def room(self, code: str) -> Room:
        room = self.rooms.get(str(code).strip().upper())
        if room is None:
            raise NoRoom(f"room: no room {str(code)[:12]!r} on this server (check the code)")
        return room

    def event(self, code: str) -> asyncio.Event:
        return self._events.setdefault(code, asyncio.Event())

    def _changed(self, room: Room) -> None:
        """Wake the pages of ``room`` (from any thread: the debrief is made in a worker)."""
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._wake, room.code)

    def _wake(self, code: str) -> None:
        event = self._events.pop(code, None)
        if event is not None:
            event.set()

    async def submitted(self, room: Room) -> None:
        """A choice came in, or the teacher asked to advance once all have chosen."""
        if room.auto_advance and room.status == "open" and room.all_submitted():
            room.advance()

    def end(self, room: Room) -> None:
        """End the game now; its debrief follows in the background (the pages show it when
        it is ready)."""
        room.end()
        task = asyncio.create_task(self.finish(room))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def finish(self, room: Room) -> None:
        """Make the debrief of a room that ended (its simulated classes in the worker process)
        and save its record. A failure is one line on the teacher's page and the server's
        console, not a stuck room; the record is then saved without its band."""
        try:
            simulated = await asyncio.get_running_loop().run_in_executor(
                self.executor, debrief.simulate, *debrief.band_of(room, self.classes))
            result = await asyncio.to_thread(debrief.finish, room, self.classes, simulated)
        except Exception as exc:  # noqa: BLE001 - reported; the server serves other rooms
            room.failure = f"the debrief failed: {one_line(exc)}"
            if room.model is not None and room.cycles:  # the record without its band
                failure = room.failure
                await self.save(room, debrief.unfinished(room))
                room.failure = failure
        else:
            await self.save(room, result)
        if room.failure:
            print(f"coalition classroom: room {room.code}: {room.failure}", flush=True)
        room.touch()

    async def save(self, room: Room, result: debrief.Debrief) -> None:
        if self.out is None:
            return
        try:
            folder = await asyncio.to_thread(debrief.save, result, self.out)
        except OSError as exc:
            room.failure = f"the record could not be saved: {one_line(exc)}"
            return
        room.saved = str(folder)
        print(f"coalition classroom: room {room.code}: its record is in {folder}", flush=True)

    def close(self) -> None:
        """The server is stopping: every page's stream ends now (not cut off later)."""
        self.closing = True
        for code in list(self._events):
            self._wake(code)

    async def save_unfinished(self) -> None:
        """Keep the record of every game the server stops before its end."""
        for room in list(self.rooms.values()):
            if room.model is not None and room.cycles and room.status != "ended":
                await self.save(room, debrief.unfinished(room))
                if room.failure:
                    print(f"coalition classroom: room {room.code}: {room.failure}",
                          flush=True)

    # --- the clock ------------------------------------------------------------------------------
    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        if self.executor is None:
            # The worker lets the server decide when it stops: Ctrl-C in a terminal reaches
            # the whole process group, and a debrief under way is finished and saved first.
            # It is started now, with Ctrl-C blocked, and keeps that mask (a process
            # inherits it, an exec too). (multiprocessing's resource tracker, when it starts,
            # unblocks Ctrl-C in the thread that starts it: it is started first.)
            resource_tracker.ensure_running()
            blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
            try:
                self.executor = ProcessPoolExecutor(
                    1, mp_context=multiprocessing.get_context("forkserver"))
                self.executor.submit(int)
            finally:
                signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        self._ticker = asyncio.create_task(self._tick())

    async def stop(self) -> None:
        self.close()
        if self._tasks:  # debriefs being made: let them finish and be saved
            await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.save_unfinished()
        if self.executor is not None:
            self.executor.shutdown(cancel_futures=True)
        if self._ticker is not None:
            self._ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ticker
        for event in self._events.values():
            event.set()

    async def _tick(self) -> None:
        """Close the cycles whose time is up; forget rooms long ended or untouched. A room
        that fails here is reported and left; the clock goes on for the others."""
        last_sweep = time.monotonic()
        while True:
            await asyncio.sleep(TICK)
            now = time.monotonic()
            for room in list(self.rooms.values()):
                if room.status == "open" and room.deadline is not None and now >= room.deadline:
                    active = room.touched  # (the clock is not someone using the room)
                    try:
                        room.advance()
                    except RoomError:  # (ended, or at its last cycle)
                        room.deadline = None
                    except Exception as exc:  # noqa: BLE001 - one room's failure
                        room.deadline, room.failure = None, f"the clock failed: {one_line(exc)}"
                        print(f"coalition classroom: room {room.code}: {room.failure}",
                              flush=True)
                        room.touch()
                    room.touched = active
            if now - last_sweep > SWEEP:
                last_sweep = now
                for code, room in list(self.rooms.items()):
                    idle = now - room.touched
                    if room.status == "ended":
                        if (room.debrief is not None or room.failure) and idle > self.keep_ended:
                            self.forget(code)
                    elif idle > KEEP_IDLE:  # (its record so far is kept)
                        if room.cycles:
                            await self.save(room, debrief.unfinished(room))
                        self.forget(code)

    def forget(self, code: str) -> None:
        self.rooms.pop(code, None)
        self._wake(code)

    def health(self, collect: bool = False) -> dict[str, Any]:
        """Rooms held, models alive (after a collection if asked: a model's agents refer
        back to it, so only the cycle collector frees it) and rooms ended."""
        if collect:
            gc.collect()
        return {"rooms": len(self.rooms), "live_models": len(self.models),
                "ended": sum(r.status == "ended" for r in self.rooms.values())}
