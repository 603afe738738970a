"""The rooms of a server: the clock, forgetting, and a debrief that fails."""

import asyncio
import json
import time
from concurrent.futures import ThreadPoolExecutor

import pandas as pd

from abm.classroom import hub
from abm.classroom.hub import Classroom


def test_a_failing_debrief_is_one_line_and_leaves_the_room_ended(monkeypatch, capsys):
    def broken(*args):
        raise ValueError("no memory left\nat /srv/abm/debrief.py")

    monkeypatch.setattr(hub.debrief, "finish", broken)
    classroom = Classroom(out=None, executor=ThreadPoolExecutor(1))
    room = classroom.create(lesson="default", n_nations=4, seed=1)
    room.end()
    asyncio.run(classroom.finish(room))
    assert room.status == "ended" and room.debrief is None
    assert room.failure == "the debrief failed: ValueError: no memory left"
    assert "the debrief failed: ValueError: no memory left" in capsys.readouterr().out


def test_the_clock_advances_rooms_but_does_not_keep_them_alive(monkeypatch):
    monkeypatch.setattr(hub, "TICK", 0.01)

    async def play():
        classroom = Classroom(out=None, executor=ThreadPoolExecutor(1))
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


def test_a_server_that_stops_keeps_the_record_of_unfinished_games(tmp_path):
    async def stop():
        classroom = Classroom(out=tmp_path, executor=ThreadPoolExecutor(1))
        played = classroom.create(lesson="default", n_nations=4, seed=1)
        seat = played.join("Ana")
        played.submit(seat.token, funds=0.4)
        played.advance()
        classroom.create(lesson="default", n_nations=4, seed=2)  # (no cycle: nothing to keep)
        await classroom.start()
        await classroom.stop()
        return played

    played = asyncio.run(stop())
    (folder,) = tmp_path.iterdir()
    assert folder.name.endswith(f"{played.code}-unfinished")
    record = json.loads((folder / "room.json").read_text())
    assert record["unfinished"] and record["cycles"] == 1
    table = pd.read_csv(folder / "decisions.csv")
    assert table.loc[table["student"] == "Ana", "share_funds"].tolist() == [0.4]
