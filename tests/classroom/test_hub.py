"""The rooms of a server: the clock, forgetting, and a debrief that fails."""

import asyncio
import time

from abm.classroom import hub
from abm.classroom.hub import Classroom


def test_a_failing_debrief_is_one_line_and_leaves_the_room_ended(monkeypatch, capsys):
    def broken(room, classes):
        raise ValueError("no memory left\nat /srv/abm/debrief.py")

    monkeypatch.setattr(hub.debrief, "finish", broken)
    classroom = Classroom(out=None)
    room = classroom.create(lesson="default", n_nations=4, seed=1)
    asyncio.run(classroom.end(room))
    assert room.status == "ended" and room.debrief is None
    assert room.failure == "ValueError: no memory left"
    assert "the debrief failed: ValueError: no memory left" in capsys.readouterr().out


def test_the_clock_advances_rooms_but_does_not_keep_them_alive(monkeypatch):
    monkeypatch.setattr(hub, "TICK", 0.01)

    async def play():
        classroom = Classroom(out=None)
        room = classroom.create(lesson="default", n_nations=4, seed=1, time_limit=1)
        room.deadline = time.monotonic()  # the time is up
        untouched = room.touched
        await classroom.start()
        for _ in range(200):
            await asyncio.sleep(0.01)
            if room.cycles:
                break
        await classroom.stop()
        return room, untouched

    room, untouched = asyncio.run(play())
    assert room.cycles == 1 and room.touched == untouched


def test_a_forgotten_room_is_gone_and_its_pages_told():
    async def forget():
        classroom = Classroom(out=None)
        room = classroom.create(lesson="default", n_nations=4, seed=1)
        classroom._loop = asyncio.get_running_loop()
        event = classroom.event(room.code)
        classroom.forget(room.code)
        return classroom, room, event

    classroom, room, event = asyncio.run(forget())
    assert room.code not in classroom.rooms and event.is_set()
