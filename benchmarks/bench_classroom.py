"""Load of the shared game: a class of 40 simulated students, a teacher and a projector on
localhost, and the server's memory per room.

    python benchmarks/bench_classroom.py [--students 40] [--cycles 10] [--rooms 20]

1. Latency: every client holds the room's event stream, as a browser does. Each cycle the
   students submit, the teacher waits until all have, then advances; for every client the
   time from the teacher's request to its stream showing the new cycle. Target: p95 < 1 s.
2. Memory: the server's resident memory before and after ``--rooms`` rooms of ``--students``
   joined students play ``--cycles`` cycles, and after they end (their debriefs made: 100
   simulated classes each); models alive as the server counts them (after a collection);
   ``--rounds`` times over.

The server runs in its own process (``coalition classroom``), the clients in this one, so the
latencies include the clients' own work (42 streams read and parsed by one event loop).

``--solara`` measures instead what chose the stack: the single-player Solara app's server
memory per browser session (10 sessions in Chromium) and one Step's round trip in a session.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import tempfile
import time

import httpx
import numpy as np
import psutil

from abm.classroom.launch import in_background


def _started(args: list[str], ready: str = "/") -> tuple[subprocess.Popen, str]:
    try:
        return in_background(args, ready)
    except RuntimeError as exc:
        raise SystemExit(f"bench_classroom: {exc}") from None


async def _watch(client: httpx.AsyncClient, code: str, role: str, token: str,
                 seen: dict[int, float], views: asyncio.Queue | None = None) -> None:
    """Read a page's event stream; note when each cycle first shows."""
    async with client.stream("GET", f"/api/rooms/{code}/events",
                             params={"role": role, "token": token}) as stream:
        async for line in stream.aiter_lines():
            if line.startswith("data: "):
                view = json.loads(line[6:])
                seen.setdefault(view["cycle"], time.perf_counter())
                if views is not None:
                    views.put_nowait(view)


async def latency(base: str, students: int, cycles: int, seed: int) -> np.ndarray:
    """(cycles, pages): the time from each advance to each page showing it."""
    rng = np.random.default_rng(seed)
    limits = httpx.Limits(max_connections=students + 20, max_keepalive_connections=students + 20)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
        room = (await client.post("/api/rooms", json={
            "lesson": "default", "n_nations": students + 8, "seed": seed})).json()
        code, teacher = room["code"], room["teacher_token"]
        tokens = [(await client.post(f"/api/rooms/{code}/join", json={"name": f"S{k}"}))
                  .json()["token"] for k in range(students)]
        seen = [{} for _ in range(students + 2)]
        teacher_views: asyncio.Queue = asyncio.Queue()
        tasks = [asyncio.create_task(_watch(client, code, "student", t, seen[k]))
                 for k, t in enumerate(tokens)]
        tasks.append(asyncio.create_task(_watch(client, code, "projector", "", seen[-2])))
        tasks.append(asyncio.create_task(_watch(client, code, "teacher", teacher, seen[-1],
                                                teacher_views)))
        while any(0 not in s for s in seen):  # every page has its first view
            await asyncio.sleep(0.01)
        delays = []
        for cycle in range(1, cycles + 1):
            await asyncio.gather(*[client.post(f"/api/rooms/{code}/submit", json={
                "token": t, "funds": float(f), "troops": float(f), "enablers": 0.5})
                for t, f in zip(tokens, rng.random(students), strict=True)])
            while True:  # the teacher advances once the dashboard shows everyone submitted
                view = await teacher_views.get()
                if view["submitted"] == students and view["cycle"] == cycle - 1:
                    break
            start = time.perf_counter()
            await client.post(f"/api/rooms/{code}/teacher",
                              json={"token": teacher, "action": "advance"})
            while any(cycle not in s for s in seen):
                await asyncio.sleep(0.002)
            delays.append([s[cycle] - start for s in seen])
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await client.post(f"/api/rooms/{code}/teacher", json={"token": teacher, "action": "end"})
    return np.array(delays)


def _rss(pid: int) -> float:
    return psutil.Process(pid).memory_info().rss / 2**20


async def _play_rooms(client: httpx.AsyncClient, rooms: int, students: int, cycles: int,
                      first_seed: int) -> list[dict]:
    made = []
    for r in range(rooms):
        room = (await client.post("/api/rooms", json={
            "lesson": "default", "n_nations": students + 8, "seed": first_seed + r})).json()
        for k in range(students):
            await client.post(f"/api/rooms/{room['code']}/join", json={"name": f"S{k}"})
        for _ in range(cycles):
            await client.post(f"/api/rooms/{room['code']}/teacher", json={
                "token": room["teacher_token"], "action": "advance"})
        made.append(room)
    return made


async def memory(base: str, pid: int, rooms: int, students: int, cycles: int,
                 rounds: int) -> None:
    """Rounds of rooms: the later ones show whether memory given back to the allocator is
    used again (a plateau) or lost (a leak). Rooms that ended keep their debriefs for
    ``--keep-ended`` hours (6 by default; the benchmark's server: 0) and then are
    forgotten."""
    async with httpx.AsyncClient(base_url=base, timeout=120) as client:
        await client.get("/api/health")
        start_rss = _rss(pid)
        for round_ in range(1, rounds + 1):
            before = _rss(pid)
            made = await _play_rooms(client, rooms, students, cycles, 1000 * round_)
            health = (await client.get("/api/health?collect=1")).json()
            during = _rss(pid)
            print(f"  round {round_}: {rooms} rooms of {students} students, {cycles} cycles "
                  f"played: {during - before:6.1f} MiB more ({(during - before) / rooms:.2f} "
                  f"MiB per room); models alive {health['live_models']}")
            start = time.perf_counter()
            for room in made:
                await client.post(f"/api/rooms/{room['code']}/teacher", json={
                    "token": room["teacher_token"], "action": "end"})
            while (await client.get("/api/health?collect=1")).json()["live_models"]:
                await asyncio.sleep(0.5)  # (the debriefs are made in the background)
            ended = time.perf_counter() - start
            print(f"    ended: every model freed once its debrief was made (100 simulated "
                  f"classes each; {ended / rooms:.2f} s per room), "
                  f"{_rss(pid) - start_rss:6.1f} MiB above the server's start")
            while (await client.get("/api/health")).json()["rooms"]:
                await asyncio.sleep(1.0)  # (--keep-ended 0: forgotten at the next sweep)
            print(f"    forgotten: no room left, {_rss(pid) - start_rss:6.1f} MiB above the "
                  "server's start")


def room_memory(students: int, cycles: int, rooms: int = 5) -> None:
    """Python's own count (tracemalloc) of what a room holds: live after ``cycles`` cycles
    with ``students`` students, and once ended (its debrief kept, its model freed)."""
    import gc
    import tracemalloc

    from abm.classroom import debrief
    from abm.classroom.room import Room

    def play(seed: int) -> Room:
        room = Room("default", n_nations=students + 8, seed=seed)
        for k in range(students):
            room.join(f"S{k}")
        for _ in range(cycles):
            room.advance()
        return room

    play(0)  # (imports and caches first)
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    live = [play(seed) for seed in range(1, rooms + 1)]
    gc.collect()
    during = tracemalloc.get_traced_memory()[0]
    for room in live:
        room.end()
        debrief.finish(room, classes=debrief.SIMULATED_CLASSES)
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    mib = 2**20 * rooms
    print(f"  a room (tracemalloc, {rooms} rooms): {(during - before) / mib:.2f} MiB live, "
          f"{(after - before) / mib:.2f} MiB once ended (its debrief kept, its model freed)")


def solara_sessions(sessions: int = 10) -> None:
    """The Solara app's memory per browser session and one Step's round trip."""
    from playwright.sync_api import sync_playwright

    server, base = _started(["app"])
    url = base + "/"
    try:
        def rss() -> float:
            process = psutil.Process(server.pid)
            return sum(p.memory_info().rss for p in [process, *process.children(True)]) / 2**20

        def open_page(browser):
            page = browser.new_context().new_page()
            page.goto(url)
            page.get_by_role("button", name="Step").wait_for(timeout=90_000)
            page.wait_for_function("document.querySelectorAll('img').length >= 3",
                                   timeout=60_000)
            return page

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True)
            first = open_page(browser)
            time.sleep(2)
            base = rss()
            loads = []
            for _ in range(sessions):
                start = time.perf_counter()
                open_page(browser)
                loads.append(time.perf_counter() - start)
            time.sleep(3)
            per = (rss() - base) / sessions
            start = time.perf_counter()
            first.get_by_role("button", name="Step").click()
            first.get_by_text("Cycle 1:").wait_for(timeout=30_000)
            step = time.perf_counter() - start
            browser.close()
        print(f"Solara app: {per:.1f} MiB of server memory per session ({sessions} sessions), "
              f"page load median {np.median(loads):.2f} s, one Step's round trip {step:.2f} s")
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--cycles", type=int, default=10)
    parser.add_argument("--rooms", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--solara", action="store_true",
                        help="measure the single-player Solara app's sessions instead")
    args = parser.parse_args()
    if args.solara:
        solara_sessions()
        return
    with tempfile.TemporaryDirectory() as out:
        server, base = _started(["classroom", "--out", out, "--keep-ended", "0"],
                                    "/api/health")
        try:
            ms = 1000 * asyncio.run(latency(base, args.students, args.cycles, args.seed))
            every = ms.max(axis=1)  # per advance: until the last page shows it
            print(f"Advance until every page shows the new cycle ({args.students} students, "
                  f"a teacher and a projector; {args.cycles} advances):")
            print(f"  median {np.median(every):6.1f} ms, p95 {np.percentile(every, 95):6.1f} ms,"
                  f" max {every.max():6.1f} ms (target: p95 < 1000 ms)")
            print(f"  per page ({ms.size} updates): median {np.median(ms):6.1f} ms, p95 "
                  f"{np.percentile(ms, 95):6.1f} ms")
            print("Server memory:")
            room_memory(args.students, args.cycles)
            asyncio.run(memory(base, server.pid, args.rooms, args.students, args.cycles,
                               args.rounds))
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
