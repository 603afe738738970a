"""The shared game's server over HTTP: rooms, tokens, event streams, the clock, the end."""

import io
import json
import os
import re
import signal
import subprocess
import sys
import time
import zipfile

import httpx
import pandas as pd
import pytest

from abm.classroom.server import STATIC

from .servers import free_port, start


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    return tmp_path_factory.mktemp("games")


@pytest.fixture(scope="module")
def server(out):
    proc, base = start(["classroom", "--out", str(out)], "/api/lessons")
    with httpx.Client(base_url=base, timeout=30) as client:
        yield client
    proc.terminate()
    proc.wait(timeout=20)


def _room(client, **options) -> tuple[str, str]:
    room = client.post("/api/rooms", json={"lesson": "default", "n_nations": 6, "seed": 2,
                                           **options}).json()
    return room["code"], room["teacher_token"]


def _join(client, code, name) -> str:
    return client.post(f"/api/rooms/{code}/join", json={"name": name}).json()["token"]


def _teacher(client, code, token, action, **extra):
    return client.post(f"/api/rooms/{code}/teacher", json={"token": token, "action": action,
                                                           **extra})


def _views(client, code, role, token=""):
    """The views a page receives, one by one, from the room's event stream."""
    with client.stream("GET", f"/api/rooms/{code}/events",
                       params={"role": role, "token": token}) as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        for line in stream.iter_lines():
            if line.startswith("data: "):
                yield json.loads(line[6:])


def _next_view(views, condition, seconds=10):
    deadline = time.time() + seconds
    for view in views:
        if condition(view):
            return view
        assert time.time() < deadline, "no such view arrived"
    raise AssertionError("the stream ended")


def test_a_student_page_gets_the_new_cycle_when_the_teacher_advances(server):
    code, teacher = _room(server)
    token = _join(server, code, "Ana")
    views = _views(server, code, "student", token)
    first = next(views)
    assert first["cycle"] == 0 and first["you"]["name"] == "Ana" and first["last"] is None
    server.post(f"/api/rooms/{code}/submit", json={"token": token, "funds": 0.6})
    assert _next_view(views, lambda v: v["decision"] is not None)["decision"]["funds"] == 0.6
    assert _teacher(server, code, teacher, "advance").status_code == 200
    view = _next_view(views, lambda v: v["cycle"] == 1)
    assert view["last"]["decided_by"] == "you" and view["decision"] is None


def test_rooms_are_isolated(server):
    first, first_teacher = _room(server)
    second, second_teacher = _room(server)
    token = _join(server, first, "Ana")
    assert server.get(f"/api/rooms/{second}").json()["free"].__len__() == 6
    refused = server.post(f"/api/rooms/{second}/submit", json={"token": token, "funds": 1})
    assert refused.status_code == 400 and "not a student of this room" in refused.json()["error"]
    assert _teacher(server, second, first_teacher, "advance").status_code == 403
    _teacher(server, first, first_teacher, "advance")
    assert next(_views(server, second, "projector"))["cycle"] == 0


@pytest.mark.parametrize(("method", "path", "body", "status", "message"), [
    ("post", "/api/rooms/NOPE1/join", {"name": "Ana"}, 404, "room: no room 'NOPE1'"),
    ("post", "/api/rooms", {"lesson": "default", "n_nations": 500}, 400,
     r"nations: got 500, expected an integer in \[2, 200\]"),
    ("post", "/api/rooms", {"lesson": "default", "seed": "x"}, 400, "seed: got 'x'"),
    ("post", "/api/rooms/{code}/submit", {"token": "{student}", "funds": 7}, 400,
     r"funds: got 7, expected a share in \[0, 1\]"),
    ("post", "/api/rooms/{code}/teacher", {"token": "{student}", "action": "advance"}, 403,
     "only the teacher"),
    ("post", "/api/rooms/{code}/teacher", {"token": "{student}", "action": "rules",
                                           "monitoring": 1}, 403, "only the teacher"),
    ("post", "/api/rooms/{code}/teacher", {"token": "{teacher}", "action": "dance"}, 400,
     "action: got 'dance', expected one of"),
    ("post", "/api/rooms/{code}/teacher", {"token": "{teacher}", "action": "rules",
                                           "monitoring": 3}, 400, r"monitoring: got 3"),
    ("get", "/api/rooms/{code}/decisions.csv?token={student}", None, 403, "only the teacher"),
    ("get", "/api/rooms/{code}/events?role=teacher&token={student}", None, 403,
     "only the teacher"),
    ("get", "/api/rooms/{code}/events?role=student&token=guess", None, 400, "not a student"),
    ("post", "/api/rooms", {"lesson": ["default"]}, 400, "lesson: got"),
    ("post", "/api/rooms/{code}/submit", {"token": "{student}", "funds": 10**400}, 400,
     "funds: got .{1,40}, expected a share"),
    ("post", "/api/rooms/{code}/teacher", {"token": "{teacher}", "action": "rules",
                                           "n_nations": 9}, 400,
     "n_nations: not a rule of the dashboard"),
    ("post", "/api/rooms/{code}/teacher", {"token": "{teacher}", "action": "timing",
                                           "auto_advance": "false"}, 400,
     "auto_advance: got 'false', expected true or false"),
    ("post", "/api/rooms/{code}/join", {"name": "x" * 20_000}, 400,
     "request: .* bytes, expected at most 16384"),
    ("get", "/api/rooms/{code}/decisions.xlsx?token={teacher}", None, 404,
     "expected decisions.csv, .parquet or .zip"),
])
def test_refusals_are_one_line_with_the_right_status(server, method, path, body, status,
                                                     message):
    code, teacher = _room(server)
    student = _join(server, code, "Ana")
    fill = {"code": code, "student": student, "teacher": teacher}
    path = path.format(**fill)
    if body is not None:
        body = {k: v.format(**fill) if isinstance(v, str) else v for k, v in body.items()}
    response = server.request(method, path, json=body)
    assert response.status_code == status
    error = response.json()["error"]
    assert re.search(message, error) and "\n" not in error and "Traceback" not in error


@pytest.mark.parametrize("body", [b"name=Ana", b"[" * 5000 + b"]" * 5000])
def test_a_request_that_is_not_a_json_object_is_refused(server, body):
    code, _ = _room(server)
    response = server.post(f"/api/rooms/{code}/join", content=body)
    assert response.status_code == 400 and response.json()["error"].startswith("request:")


def test_the_time_limit_closes_a_cycle_by_itself(server):
    code, _ = _room(server, time_limit=1)
    _join(server, code, "Ana")  # does not submit: the model plays the seat
    views = _views(server, code, "projector")
    assert 0 < next(views)["seconds_left"] <= 1
    assert _next_view(views, lambda v: v["cycle"] >= 1, seconds=5)["cycle"] == 1


def test_the_cycle_advances_when_everyone_has_submitted_if_the_teacher_asks(server):
    code, teacher = _room(server)
    ana, ben = _join(server, code, "Ana"), _join(server, code, "Ben")
    _teacher(server, code, teacher, "timing", auto_advance=True)
    server.post(f"/api/rooms/{code}/submit", json={"token": ana, "funds": 0.5})
    assert server.get(f"/api/rooms/{code}").json()["status"] == "open"
    assert next(_views(server, code, "projector"))["cycle"] == 0
    reply = server.post(f"/api/rooms/{code}/submit", json={"token": ben, "funds": 0.5}).json()
    assert reply["cycle"] == 1


def test_asking_for_auto_advance_once_all_have_submitted_advances(server):
    code, teacher = _room(server)
    ana = _join(server, code, "Ana")
    server.post(f"/api/rooms/{code}/submit", json={"token": ana, "funds": 0.5})
    assert _teacher(server, code, teacher, "timing", auto_advance=True).json()["cycle"] == 1


def test_a_game_ended_before_any_cycle_shows_its_students_a_summary_page(server):
    code, teacher = _room(server)
    ana = _join(server, code, "Ana")
    _teacher(server, code, teacher, "end")
    view = _next_view(_views(server, code, "student", ana), lambda v: "summary" in v)
    assert view["status"] == "ended" and view["summary"] is None


def test_the_teacher_sees_who_has_joined_submitted_and_connected(server):
    code, teacher = _room(server)
    ana = _join(server, code, "Ana")
    _join(server, code, "Ben")
    views = _views(server, code, "teacher", teacher)
    view = next(views)
    assert [s["name"] for s in sorted(view["seats"], key=lambda s: s["name"])] == ["Ana", "Ben"]
    assert view["model_seats"] == 4
    server.post(f"/api/rooms/{code}/submit", json={"token": ana, "funds": 0.3})
    view = _next_view(views, lambda v: v["submitted"] == 1)
    seat = next(s for s in view["seats"] if s["name"] == "Ana")
    assert seat["submitted"] and seat["decision"]["funds"] == 0.3
    with server.stream("GET", f"/api/rooms/{code}/events",
                       params={"role": "student", "token": ana}) as stream:
        next(stream.iter_lines())
        view = _next_view(views, lambda v: any(s["connected"] for s in v["seats"]))
        assert [s["name"] for s in view["seats"] if s["connected"]] == ["Ana"]


def test_ending_frees_the_model_keeps_the_debrief_and_saves_the_record(server, out):
    before = {p.name for p in out.iterdir()}
    code, teacher = _room(server)
    ana = _join(server, code, "Ana")
    for funds in (0.2, 0.9):
        server.post(f"/api/rooms/{code}/submit", json={"token": ana, "funds": funds})
        _teacher(server, code, teacher, "advance")
    live_csv = server.get(f"/api/rooms/{code}/decisions.csv", params={"token": teacher}).text
    live_models = server.get("/api/health?collect=1").json()["live_models"]
    assert _teacher(server, code, teacher, "end").json()["status"] == "ended"  # (at once)
    view = _next_view(_views(server, code, "teacher", teacher),
                      lambda v: v.get("debrief") and v["debrief"]["saved"], seconds=60)
    assert view["status"] == "ended" and view["debrief"]["students"][0]["student"] == "Ana"
    assert set(view["debrief"]["measures"]) == {"effectiveness", "mean_contribution_ratio",
                                                "mean_trust"}
    assert server.get("/api/health?collect=1").json()["live_models"] == live_models - 1
    student = next(_views(server, code, "student", ana))
    assert student["summary"]["cycles_submitted"] == 2
    saved = [p for p in out.iterdir() if p.name not in before and p.name.endswith(code)]
    assert len(saved) == 1 and view["debrief"]["saved"] == str(saved[0])
    csv = server.get(f"/api/rooms/{code}/decisions.csv", params={"token": teacher}).text
    assert csv == live_csv == (saved[0] / "decisions.csv").read_text()
    parquet = server.get(f"/api/rooms/{code}/decisions.parquet", params={"token": teacher})
    assert parquet.content == (saved[0] / "decisions.parquet").read_bytes()
    archive = server.get(f"/api/rooms/{code}/decisions.zip", params={"token": teacher})
    with zipfile.ZipFile(io.BytesIO(archive.content)) as record:
        assert sorted(record.namelist()) == sorted(p.name for p in saved[0].iterdir())
        assert json.loads(record.read("room.json"))["seed"] == 2
    assert len(pd.read_csv(saved[0] / "decisions.csv")) == 2 * 6
    assert _teacher(server, code, teacher, "advance").status_code == 400


def test_the_qr_code_is_an_svg_image(server):
    code, _ = _room(server)
    response = server.get(f"/api/rooms/{code}/qr.svg")
    assert response.headers["content-type"] == "image/svg+xml"
    assert response.text.startswith("<svg")
    assert 'xmlns="http://www.w3.org/2000/svg"' in response.text


def test_the_pages_load_nothing_from_the_internet():
    for path in STATIC.iterdir():
        text = path.read_text()
        urls = re.findall(r"""(?:src|href)\s*=\s*["'](?!/|data:|#)([^"']+)""", text)
        assert not urls, (path.name, urls)
        assert not re.findall(r"https?://(?!www\.w3\.org/2000/svg)", text), path.name
        assert "@import" not in text


@pytest.mark.parametrize(("args", "message"), [
    (["--host", "999.1.1.1"], "host: '999.1.1.1' is not an address of this machine"),
    (["--out", "/proc/version/games"], "out: cannot make the folder /proc/version/games"),
    (["--public-url", "example.org"], "public-url: got 'example.org', expected http://"),
])
def test_the_command_checks_its_options_before_serving(args, message):
    result = subprocess.run([sys.executable, "-m", "abm", "classroom", "--port",
                             str(free_port()), *args],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_the_command_refuses_a_port_in_use_in_one_line(server):
    port = str(httpx.URL(str(server.base_url)).port)
    result = subprocess.run([sys.executable, "-m", "abm", "classroom", "--port", port],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip() == (f"coalition: error: port: {port} is in use on 127.0.0.1; "
                                     "pick another with --port")


def test_ctrl_c_right_after_a_game_ends_stops_cleanly_and_keeps_its_record(tmp_path):
    """Ctrl-C in a terminal reaches the whole process group, the debrief's worker too."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "abm", "classroom", "--port", str(port),
                             "--out", str(tmp_path)], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                httpx.get(base + "/api/lessons", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        with httpx.Client(base_url=base, timeout=30) as client:
            code, teacher = _room(client, n_nations=30)
            _join(client, code, "Ana")
            for _ in range(3):
                _teacher(client, code, teacher, "advance")
            _teacher(client, code, teacher, "end")
        time.sleep(0.3)  # (the debrief's worker has started)
        os.killpg(proc.pid, signal.SIGINT)
        output = proc.communicate(timeout=60)[0]
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 0, output
    assert "Traceback" not in output and "ERROR" not in output, output
    (folder,) = tmp_path.iterdir()
    assert folder.name.endswith(code) and (folder / "decisions.csv").exists(), output
    assert len(pd.read_csv(folder / "band.csv")) == 3 * 3  # (the debrief was finished)
