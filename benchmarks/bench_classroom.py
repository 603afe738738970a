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
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import subprocess
import sys
import tempfile
import time

import httpx
import numpy as np
import psutil


def _serve(out: str) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "abm", "classroom", "--port", str(port),
                               "--out", out], stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            httpx.get(base + "/api/health", timeout=2)
            return server, base
        except httpx.TransportError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit("bench_classroom: the server did not start")


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
            delays.extend(s[cycle] - start for s in seen)
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
    used again (a plateau) or lost (a leak). Rooms that ended keep their debriefs (for
    ``KEEP_ENDED``, 6 hours) and then are forgotten."""
    async with httpx.AsyncClient(base_url=base, timeout=120) as client:
        await client.get("/api/health")
        start_rss = _rss(pid)
        for round_ in range(1, rounds + 1):
            before = _rss(pid)
            made = await _play_rooms(client, rooms, students, cycles, 1000 * round_)
            health = (await client.get("/api/health")).json()
            during = _rss(pid)
            print(f"  round {round_}: {rooms} rooms of {students} students, {cycles} cycles "
                  f"played: {during - before:6.1f} MiB more ({(during - before) / rooms:.2f} "
                  f"MiB per room); models alive {health['live_models']}")
            start = time.perf_counter()
            for room in made:
                await client.post(f"/api/rooms/{room['code']}/teacher", json={
                    "token": room["teacher_token"], "action": "end"})
            ended = time.perf_counter() - start
            health = (await client.get("/api/health")).json()
            print(f"    ended (a debrief of 100 simulated classes each, {ended / rooms:.2f} s "
                  f"per room): models alive {health['live_models']}, rooms kept for their "
                  f"debriefs {health['ended']}, {_rss(pid) - start_rss:6.1f} MiB above the "
                  "server's start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--cycles", type=int, default=10)
    parser.add_argument("--rooms", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as out:
        server, base = _serve(out)
        try:
            delays = asyncio.run(latency(base, args.students, args.cycles, args.seed))
            ms = 1000 * delays
            print(f"Advance to every page showing the new cycle ({args.students} students, "
                  f"a teacher and a projector; {args.cycles} cycles, {len(ms)} page updates):")
            print(f"  median {np.median(ms):6.1f} ms, p95 {np.percentile(ms, 95):6.1f} ms, "
                  f"max {ms.max():6.1f} ms (target: p95 < 1000 ms)")
            print("Server memory:")
            asyncio.run(memory(base, server.pid, args.rooms, args.students, args.cycles,
                               args.rounds))
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
