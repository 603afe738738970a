"""Screenshots of the shared game for docs/classroom.md: the teacher's dashboard, a student's
page and the projector mid-game, then the debrief.

    make screenshots   # or: python docs/screenshots_shared.py; needs /usr/bin/chromium

A room of 24 nations (lesson ``default``, seed 5) with five students: one in the browser, four
submitting through the API (one of them never does: the model plays that seat); six cycles,
with monitoring and a sanction raised and peer punishment allowed before the fourth.
"""

from __future__ import annotations

import io
import json
import subprocess
import tempfile
import urllib.request
from pathlib import Path

from PIL import Image
from playwright.sync_api import Page, sync_playwright

from abm.classroom.launch import in_background

IMAGES = Path(__file__).resolve().parent / "images"
CHROMIUM = "/usr/bin/chromium"
PLEDGES = {"Ben": (0.9, 0.6, 0.5), "Chloe": (0.2, 0.1, 0.0), "Dev": (0.5, 0.5, 0.5)}


def _post(url: str, body: dict) -> dict:
    request = urllib.request.Request(url, json.dumps(body).encode(),
                                     {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def _serve(out: str) -> tuple[subprocess.Popen, str]:
    try:
        return in_background(["classroom", "--out", out], "/api/lessons", 60)
    except RuntimeError as exc:
        raise SystemExit(f"screenshots: {exc}") from None


def _save(page: Page, name: str, full_page: bool = True) -> Path:
    page.wait_for_timeout(800)
    path = IMAGES / f"{name}.png"
    shot = Image.open(io.BytesIO(page.screenshot(full_page=full_page))).convert("RGB")
    shot.quantize(256).save(path, optimize=True)
    return path


def main() -> None:
    IMAGES.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as out:
        server, base = _serve(out)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM)
                shoot(browser, base)
                browser.close()
        finally:
            server.terminate()


def shoot(browser, base: str) -> None:
    room = _post(f"{base}/api/rooms", {"lesson": "default", "n_nations": 24, "seed": 5,
                                       "time_limit": 120})
    code, teacher_token = room["code"], room["teacher_token"]
    api = f"{base}/api/rooms/{code}"
    teacher = browser.new_page(viewport={"width": 1400, "height": 1000})
    teacher.goto(f"{base}{room['teacher_url']}#token={teacher_token}")
    projector = browser.new_page(viewport={"width": 1920, "height": 1080})
    projector.goto(f"{base}/p/{code}")
    student = browser.new_context(viewport={"width": 430, "height": 900},
                                  device_scale_factor=1).new_page()
    student.goto(f"{base}/s/{code}")
    student.fill("#name", "Ana")
    student.click("#join-button")
    student.locator("#you-nation").wait_for()
    tokens = {name: _post(f"{api}/join", {"name": name})["token"]
              for name in (*PLEDGES, "Eli")}  # Eli never submits: the model plays that seat
    for cycle in range(1, 7):
        if cycle == 4:
            _post(f"{api}/teacher", {"token": teacher_token, "action": "rules",
                                     "monitoring": 0.9, "sanction_rate": 1.0,
                                     "peer_punishment": True})
        for name, (funds, troops, enablers) in PLEDGES.items():
            _post(f"{api}/submit", {"token": tokens[name], "funds": funds, "troops": troops,
                                    "enablers": enablers})
        student.locator("#share-funds").fill("0.3" if cycle < 4 else "0.7")
        if cycle >= 4:
            student.locator("#punish-below").fill("0.5")
        student.click("#submit")
        student.locator("#submitted", has_text="Submitted").wait_for()
        if cycle < 6:
            _post(f"{api}/teacher", {"token": teacher_token, "action": "advance"})
            student.locator("#cycle", has_text=str(cycle)).wait_for()
    teacher.locator("#cycle", has_text="5").wait_for()
    print(_save(teacher, "shared_teacher"))
    print(_save(student, "shared_student"))
    print(_save(projector, "shared_projector", full_page=False))  # (what the screen shows)
    _post(f"{api}/teacher", {"token": teacher_token, "action": "advance"})
    _post(f"{api}/teacher", {"token": teacher_token, "action": "end"})
    projector.locator("#debrief-section").wait_for(state="visible", timeout=60_000)
    teacher.locator("#summaries tr").first.wait_for(timeout=60_000)
    print(_save(projector, "shared_debrief", full_page=False))


if __name__ == "__main__":
    main()
