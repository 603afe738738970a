"""Screenshots of the classroom app for docs/classroom.md: one per lesson, after a few cycles.

    make screenshots   # or: python docs/screenshots.py [LESSON ...]; needs /usr/bin/chromium

Each shot drives the app as a teacher would: pick the lesson, reset, (play a nation), step.
"""

from __future__ import annotations

import argparse
import io
import subprocess
from pathlib import Path

from PIL import Image
from playwright.sync_api import Page, sync_playwright

from abm.classroom.launch import in_background

# lesson -> (cycles to run, nation a student plays or None, its funds pledge: "End" = all)
LESSONS = {
    "public_goods_lab": (10, "N000", "End"),
    "alliance": (20, None, None),
    "trust_collapse": (5, "N05", "Home"),  # the cycle before half the members leave
    "peacekeeping": (20, None, None),
}
IMAGES = Path(__file__).resolve().parent / "images"
CHROMIUM = "/usr/bin/chromium"


def _serve() -> tuple[subprocess.Popen, str]:
    try:
        server, base = in_background(["app"], "/", 90)
    except RuntimeError as exc:
        raise SystemExit(f"screenshots: {exc}") from None
    return server, base + "/"


def _choose(page: Page, label: str, option: str) -> None:
    """Pick ``option`` in the (Vuetify 3) select labelled ``label``."""
    page.locator(".v-field", has_text=label).click()
    page.locator(".v-overlay--active .v-list-item-title").get_by_text(option, exact=True).click()


def shoot(page: Page, lesson: str, cycles: int, player: str | None, key: str | None) -> Path:
    _choose(page, "Lesson (preset)", lesson)
    page.get_by_role("button", name="Reset").click()
    page.get_by_text(f"Lesson: {lesson}").wait_for(timeout=30_000)
    if player:
        _choose(page, "You play", player)
        page.get_by_text("hold each cycle until you move them").wait_for(timeout=30_000)
        page.locator(".v-input", has_text="Funds").get_by_role("slider").press(key)
        page.wait_for_timeout(500)
    for cycle in range(1, cycles + 1):
        page.get_by_role("button", name="Step").click()
        page.get_by_text(f"Cycle {cycle}:").wait_for(timeout=30_000)
    page.wait_for_timeout(1500)  # let the last charts arrive
    path = IMAGES / f"{lesson}.png"
    shot = Image.open(io.BytesIO(page.screenshot(full_page=True))).convert("RGB")
    shot.quantize(256).save(path, optimize=True)  # a third of the size, no visible loss
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lessons", nargs="*", choices=list(LESSONS), metavar="LESSON",
                        help=f"lessons to shoot (default: all of {', '.join(LESSONS)})")
    lessons = parser.parse_args().lessons or list(LESSONS)
    IMAGES.mkdir(exist_ok=True)
    server, url = _serve()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM)
            for lesson in lessons:
                cycles, player, key = LESSONS[lesson]
                page = browser.new_page(viewport={"width": 1440, "height": 1300})
                page.goto(url)
                page.get_by_role("button", name="Step").wait_for(timeout=60_000)
                print(shoot(page, lesson, cycles, player, key))
                page.close()
            browser.close()
    finally:
        server.terminate()


if __name__ == "__main__":
    main()
