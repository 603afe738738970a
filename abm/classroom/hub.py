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
import time
import weakref
from pathlib import Path
from typing import Any

from . import debrief
from .room import Room, RoomError, new_code

TICK = 0.2  # seconds between checks of the cycles' time limits
KEEP_ENDED = 6 * 3600  # seconds a room that ended stays for its debrief and downloads
KEEP_IDLE = 12 * 3600  # seconds an untouched room stays open


class Classroom:
    """The rooms of one server, and the wake-ups of the pages that watch them."""

    def __init__(self, out: Path | None = Path("results/classroom"), public_url: str = "",
                 classes: int = debrief.SIMULATED_CLASSES) -> None:
        self.rooms: dict[str, Room] = {}
        self.out, self.public_url, self.classes = out, public_url.rstrip("/"), classes
        self.models: weakref.WeakSet = weakref.WeakSet()  # live models (the benchmark's check)
        self._events: dict[str, asyncio.Event] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ticker: asyncio.Task | None = None

    # --- rooms --------------------------------------------------------------------------------
    def create(self, **options: Any) -> Room:
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
            raise LookupError(f"room: no room {code!r} on this server (check the code)")
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

    async def advance(self, room: Room) -> None:
        room.advance()

    async def end(self, room: Room) -> None:
        """End the game, make its debrief (in a worker thread) and save its record. A failure
        is one line on the teacher's page and the server's console, not a stuck room."""
        room.end()
        try:
            result = await asyncio.to_thread(debrief.finish, room, self.classes)
            if self.out is not None:
                folder = await asyncio.to_thread(debrief.save, result, self.out)
                room.saved = str(folder)
                print(f"coalition classroom: room {room.code} ended; its record is in "
                      f"{folder}", flush=True)
        except Exception as exc:  # noqa: BLE001 - reported; the server serves other rooms
            room.failure = f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] or ''}"
            print(f"coalition classroom: room {room.code}: the debrief failed: "
                  f"{room.failure}", flush=True)
        room.touch()

    # --- the clock ------------------------------------------------------------------------------
    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._ticker = asyncio.create_task(self._tick())

    async def stop(self) -> None:
        if self._ticker is not None:
            self._ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ticker
        for event in self._events.values():
            event.set()

    async def _tick(self) -> None:
        """Close the cycles whose time is up; forget rooms long ended or untouched."""
        last_sweep = time.monotonic()
        while True:
            await asyncio.sleep(TICK)
            now = time.monotonic()
            for room in list(self.rooms.values()):
                if room.status == "open" and room.deadline is not None and now >= room.deadline:
                    active = room.touched  # (the clock is not someone using the room)
                    with contextlib.suppress(RoomError):  # (ended, or at its last cycle)
                        room.advance()
                    room.touched = active
            if now - last_sweep > 60:
                last_sweep = now
                for code, room in list(self.rooms.items()):
                    keep = KEEP_ENDED if room.status == "ended" else KEEP_IDLE
                    if now - room.touched > keep:
                        self.forget(code)

    def forget(self, code: str) -> None:
        self.rooms.pop(code, None)
        self._wake(code)

    def health(self) -> dict[str, Any]:
        """Rooms held, models alive (after a collection: a model's agents refer back to it,
        so only the cycle collector frees it) and rooms ended."""
        gc.collect()
        return {"rooms": len(self.rooms), "live_models": len(self.models),
                "ended": sum(r.status == "ended" for r in self.rooms.values())}
