"""The shared game's web server: rooms on one Starlette app, pages sent their views by
server-sent events.

    coalition classroom [--host 0.0.0.0] [--port 8000] [--out results/classroom]

Why Starlette and server-sent events rather than Solara (measured: ``python
benchmarks/bench_classroom.py --solara``): a Solara session holds a widget tree per browser
(9 MiB each) and re-renders it in the one Python process on every change (0.9 s for a step),
so forty pages of one room would wait in line; here a change costs one JSON view per page,
and the browser draws it. Everything is
served from the package (no CDN): a classroom network needs no internet.

Routes: ``/`` (start a room, or join one), ``/t/CODE`` (the teacher's dashboard), ``/p/CODE``
(the projector), ``/s/CODE`` (a student); the API under ``/api/rooms``. Only the teacher's
token (given when the room is made) can advance, change rules, pause or end; a student's
token (given on joining, kept by the browser) can only submit its own choices.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import segno
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..scenarios.presets import DESCRIPTIONS, preset_params, presets
from . import debrief, views
from .hub import KEEP_ENDED, Classroom, NoRoom
from .inputs import one_line
from .room import NATIONS, SEED_MAX, TIME_LIMIT_MAX, Room, RoomError

STATIC = Path(__file__).resolve().parent / "static"
KEEPALIVE = 15.0  # seconds between comments on an idle event stream


class Forbidden(Exception):
    """Only the teacher's page may do this."""


class NotFound(Exception):
    """No such page or file."""


BODY_MAX = 16_384  # bytes: a choice or a command is a few hundred


# --- requests -------------------------------------------------------------------------------------
def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


async def _body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if len(raw) > BODY_MAX:
        raise RoomError(f"request: {len(raw)} bytes, expected at most {BODY_MAX}")
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise RoomError("request: expected a JSON object") from None
    if not isinstance(body, dict):
        raise RoomError("request: expected a JSON object")
    return body


def handled(endpoint):
    """An endpoint whose refusals are one line of JSON: 400 bad input, 403 not the teacher,
    404 no such room."""
    async def run(request: Request) -> Response:
        try:
            return await endpoint(request, request.app.state.classroom)
        except RoomError as exc:
            return _error(400, str(exc))
        except Forbidden as exc:
            return _error(403, str(exc) or "only the teacher's page can do this")
        except NoRoom as exc:
            return _error(404, str(exc))
        except NotFound as exc:
            return _error(404, str(exc))
        except Exception as exc:  # noqa: BLE001 - a bug: one line to the page, logged here
            print(f"coalition classroom: {request.method} {request.url.path}: "
                  f"{one_line(exc)}", flush=True)
            return _error(500, f"server error: {type(exc).__name__}")
    return run


def join_base(request: Request, classroom: Classroom) -> str:
    """The address students type: ``--public-url``, else the one the teacher's browser used,
    with this machine's network address for a loopback name (phones cannot reach
    "localhost")."""
    if classroom.public_url:
        return classroom.public_url
    url = request.base_url
    host = url.hostname or "localhost"
    if host in ("localhost", "127.0.0.1", "::1") and request.app.state.host in ("0.0.0.0", "::"):
        host = lan_address()
    port = f":{url.port}" if url.port else ""
    host = f"[{host}]" if ":" in host else host
    return f"{url.scheme}://{host}{port}"


def lan_address() -> str:
    """This machine's address on the local network (no packet is sent): the one its default
    route would use, else one its name resolves to (a network with no route out)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.254.254.254", 1))
            return s.getsockname()[0]
        except OSError:
            pass
    try:
        found = socket.gethostbyname_ex(socket.gethostname())[2]
    except OSError:
        found = []
    outside = [a for a in found if not a.startswith("127.")]
    return outside[0] if outside else "127.0.0.1"


@handled
async def lessons(request: Request, classroom: Classroom) -> Response:
    rows = []
    for name in presets:
        fixed = bool(presets[name].get("nations_file"))
        n = preset_params(name).get("n_nations", 30)
        rows.append({"name": name, "description": DESCRIPTIONS.get(name, ""),
                     "nations": None if fixed else min(n, 30), "fixed": fixed})
    return JSONResponse({"lessons": rows, "nations": NATIONS, "seed_max": SEED_MAX,
                         "time_limit_max": TIME_LIMIT_MAX})


@handled
async def create(request: Request, classroom: Classroom) -> Response:
    body = await _body(request)
    options = {k: body[k] for k in ("lesson", "n_nations", "seed", "time_limit",
                                    "auto_advance") if body.get(k) not in (None, "")}
    room = classroom.create(**{"lesson": "default", **options})
    base = join_base(request, classroom)
    print(f"coalition classroom: room {room.code} ({room.lesson}, {room.n} nations); the "
          f"teacher's link: {request.base_url}t/{room.code}#token={room.teacher_token}",
          flush=True)
    return JSONResponse({"code": room.code, "teacher_token": room.teacher_token,
                         "teacher_url": f"/t/{room.code}", "join_url": f"{base}/s/{room.code}"})


@handled
async def about(request: Request, classroom: Classroom) -> Response:
    """A room's public face, for the join form: its lesson and free nations."""
    room = classroom.room(request.path_params["code"])
    return JSONResponse({"code": room.code, "lesson": room.lesson, "status": room.status,
                         "join_url": f"{join_base(request, classroom)}/s/{room.code}",
                         "free": [{"index": i, "nation": room.names[i]}
                                  for i in room.free_nations()]})


@handled
async def join(request: Request, classroom: Classroom) -> Response:
    room = classroom.room(request.path_params["code"])
    body = await _body(request)
    seat = room.join(body.get("name"), body.get("nation"))
    return JSONResponse({"token": seat.token, "name": seat.name,
                         "nation": room.names[seat.nation]})


@handled
async def submit(request: Request, classroom: Classroom) -> Response:
    room = classroom.room(request.path_params["code"])
    body = await _body(request)
    punish = body.get("punish") or []
    if not isinstance(punish, list):
        raise RoomError("punish: expected a list of nation indices")
    room.submit(body.get("token"), body.get("funds", 0), body.get("troops", 0),
                body.get("enablers", 0), punish, body.get("punish_share", 0),
                body.get("punish_below", 0))
    await classroom.submitted(room)
    return JSONResponse({"ok": True, "cycle": room.cycles})


@handled
async def command(request: Request, classroom: Classroom) -> Response:
    """The teacher's actions: advance, pause, resume, end, rules, timing."""
    room = classroom.room(request.path_params["code"])
    body = await _body(request)
    if not room.is_teacher(body.get("token")):
        raise Forbidden("only the teacher's page can do this")
    action = body.get("action")
    if action == "advance":
        room.advance()
    elif action == "pause":
        room.pause()
    elif action == "resume":
        room.resume()
    elif action == "end":
        classroom.end(room)
    elif action == "rules":
        room.change(**{k: v for k, v in body.items() if k not in ("token", "action")})
    elif action == "timing":
        room.set_timing(body.get("time_limit"), body.get("auto_advance"))
        await classroom.submitted(room)  # (all may have submitted already)
    else:
        raise RoomError(f"action: got {action!r}, expected one of advance, pause, resume, "
                        "end, rules, timing")
    return JSONResponse({"ok": True, "cycle": room.cycles, "status": room.status})


@handled
async def events(request: Request, classroom: Classroom) -> Response:
    """The page's view now and after every change of the room (server-sent events)."""
    room = classroom.room(request.path_params["code"])
    role, token = request.query_params.get("role"), request.query_params.get("token")
    seat = None
    if role == "teacher":
        if not room.is_teacher(token):
            raise Forbidden("only the teacher's page can do this")
    elif role == "student":
        seat = room.seat(token)
    elif role != "projector":
        raise RoomError(f"role: got {role!r}, expected teacher, student or projector")
    return StreamingResponse(_stream(classroom, room, role, seat), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


def _view(room: Room, role: str, seat: Any) -> dict[str, Any]:
    with room.lock:
        if role == "student":
            return views.student(room, seat)
        view = views.teacher(room) if role == "teacher" else views.projector(room)
        return {**view, "seconds_left": views.seconds_left(room)}  # (not cached: it runs)


async def _stream(classroom: Classroom, room: Room, role: str, seat: Any
                  ) -> AsyncIterator[str]:
    if seat is not None:
        seat.connected += 1
        room.touch()
    try:
        sent = -1
        while room.code in classroom.rooms and not classroom.closing:
            event = classroom.event(room.code)  # (taken before reading the version)
            if room.version != sent:
                sent = room.version
                yield f"data: {json.dumps(_view(room, role, seat))}\n\n"
            try:
                await asyncio.wait_for(event.wait(), KEEPALIVE)
            except TimeoutError:
                yield ": still here\n\n"
        why = "the server has stopped" if classroom.closing else "this room is closed"
        yield f'event: gone\ndata: {{"error": "room: {why}"}}\n\n'
    finally:
        if seat is not None:
            seat.connected -= 1
            if room.status != "ended" or room.debrief is not None:
                room.touch()


@handled
async def export(request: Request, classroom: Classroom) -> Response:
    """Every decision so far (or of the whole game), with the room's parameters and seed."""
    room = classroom.room(request.path_params["code"])
    if not room.is_teacher(request.query_params.get("token")):
        raise Forbidden("only the teacher's page can download the decisions")
    kind = request.path_params["kind"]
    if kind not in ("csv", "parquet", "zip"):
        raise NotFound(f"decisions.{kind[:12]}: expected decisions.csv, .parquet or .zip")
    with room.lock:  # (the game so far, or the whole game's record)
        record = room.debrief if room.debrief is not None else (
            debrief.unfinished(room) if room.model is not None else None)
    if record is None:
        raise RoomError("room: its record is not ready (the debrief failed)")
    name = f"coalition-{room.code}-decisions.{kind}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if kind == "csv":
        return Response(record.decisions.to_csv(index=False), media_type="text/csv",
                        headers=headers)
    if kind == "zip":
        return Response(debrief.zipped(record), media_type="application/zip", headers={
            "Content-Disposition": f'attachment; filename="coalition-{room.code}.zip"'})
    return Response(debrief.parquet_bytes(record.decisions, record.setup),
                    media_type="application/vnd.apache.parquet", headers=headers)


@handled
async def qr(request: Request, classroom: Classroom) -> Response:
    room = classroom.room(request.path_params["code"])
    url = f"{join_base(request, classroom)}/s/{room.code}"
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=8, border=2, xmldecl=False)
    return Response(buffer.getvalue(), media_type="image/svg+xml")


async def health(request: Request) -> Response:
    collect = request.query_params.get("collect") == "1"
    return JSONResponse(request.app.state.classroom.health(collect))


def _page(name: str):
    async def page(request: Request) -> Response:
        return FileResponse(STATIC / name, headers={"Cache-Control": "no-store"})
    return page


def make_app(classroom: Classroom | None = None, host: str = "127.0.0.1") -> Starlette:
    classroom = classroom or Classroom()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        await classroom.start()
        yield
        await classroom.stop()

    app = Starlette(lifespan=lifespan, routes=[
        Route("/", _page("index.html")),
        Route("/t/{code}", _page("teacher.html")),
        Route("/p/{code}", _page("projector.html")),
        Route("/s/{code}", _page("student.html")),
        Route("/api/lessons", lessons),
        Route("/api/health", health),
        Route("/api/rooms", create, methods=["POST"]),
        Route("/api/rooms/{code}", about),
        Route("/api/rooms/{code}/join", join, methods=["POST"]),
        Route("/api/rooms/{code}/submit", submit, methods=["POST"]),
        Route("/api/rooms/{code}/teacher", command, methods=["POST"]),
        Route("/api/rooms/{code}/events", events),
        Route("/api/rooms/{code}/decisions.{kind:str}", export),
        Route("/api/rooms/{code}/qr.svg", qr),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ])
    app.state.classroom, app.state.host = classroom, host
    return app


def serve(host: str = "127.0.0.1", port: int = 8000, out: Path | None = None,
          public_url: str = "", keep_ended: float = KEEP_ENDED) -> None:
    """Run the classroom server until Ctrl-C."""
    import uvicorn

    classroom = Classroom(out=out if out is not None else Path("results/classroom"),
                          public_url=public_url, keep_ended=keep_ended)
    config = uvicorn.Config(make_app(classroom, host), host=host, port=port,
                            log_level="warning", timeout_graceful_shutdown=2)

    class Server(uvicorn.Server):
        def handle_exit(self, sig: int, frame: Any) -> None:
            classroom.close()  # (the pages' streams would otherwise hold the shutdown)
            super().handle_exit(sig, frame)

    Server(config).run()
