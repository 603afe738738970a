"""The shared game in Chromium: a teacher, a projector and three students in one room."""

import json
import re

import pytest

from .servers import start

TIMEOUT = 20_000  # ms
CHLOE = "Chloe <i>x</i>"  # (a name with markup: shown as typed, never run)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    out = tmp_path_factory.mktemp("classroom")
    proc, base = start(["classroom", "--out", str(out)], "/api/lessons")
    yield base
    proc.terminate()
    proc.wait(timeout=20)


def _page(context, url):
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    return page, errors


def _cycle(page) -> str:
    return page.locator("#cycle").inner_text()


def test_a_class_plays_a_cycle_together(server, browser):
    # The teacher starts a room with 6 nations from the front page.
    teacher_context = browser.new_context()
    teacher, teacher_errors = _page(teacher_context, server + "/")
    teacher.locator("#lesson option[value=default]").wait_for(state="attached", timeout=TIMEOUT)
    teacher.select_option("#lesson", "default")
    teacher.fill("#nations", "6")
    teacher.fill("#seed", "11")
    teacher.click("#create")
    teacher.wait_for_url(re.compile(r"/t/[A-Z0-9]+$"), timeout=TIMEOUT)
    code = teacher.url.rsplit("/", 1)[1]
    teacher.locator("#code", has_text=code).wait_for(timeout=TIMEOUT)
    projector, projector_errors = _page(teacher_context, f"{server}/p/{code}")
    projector.locator(".code", has_text=code).wait_for(timeout=TIMEOUT)

    # Three students join by the code, from the front page.
    students, errors = [], [teacher_errors, projector_errors]
    contexts = []
    for name in ("Ana", "Ben", CHLOE):
        context = browser.new_context()
        contexts.append(context)
        page, page_errors = _page(context, server + "/")
        page.fill("#join-code", code.lower())  # (typed in lower case: still found)
        page.click("#join-form button")
        page.fill("#name", name)
        page.click("#join-button")
        page.locator("#you-nation").wait_for(timeout=TIMEOUT)
        students.append(page)
        errors.append(page_errors)
    nations = [page.locator("#you-nation").inner_text() for page in students]
    assert len(set(nations)) == 3
    for name in ("Ana", "Ben", CHLOE):
        teacher.locator(f'tr[data-student="{name}"]').wait_for(timeout=TIMEOUT)
    assert teacher.locator("tr i").count() == 0  # the markup is text

    # Ana and Ben submit; Chloe does not, and closes her page. Ana's pledge shows on the
    # teacher's page.
    ana, ben, chloe = students
    ana.locator("#share-funds").fill("0.8")
    ana.click("#submit")
    ben.click("#submit")
    ana_row = teacher.locator('tr[data-student="Ana"]')
    ana_row.locator(".pledge", has_text="funds 80 %").wait_for(timeout=TIMEOUT)
    teacher.locator("#progress", has_text="2 of 3 students have submitted").wait_for(
        timeout=TIMEOUT)
    assert "waiting" in teacher.locator(f'tr[data-student="{CHLOE}"]').inner_text()
    chloe.close()

    # A student has no control over the game: no advance button, and the API refuses its
    # token for advancing and for changing the rules.
    assert ana.locator("#advance").count() == 0
    token = ana.evaluate(f"localStorage.getItem('coalition:student:{code}')")
    for body in ({"action": "advance"}, {"action": "rules", "monitoring": 1.0}):
        response = ana.request.post(f"{server}/api/rooms/{code}/teacher",
                                    data=json.dumps({"token": token, **body}),
                                    headers={"Content-Type": "application/json"})
        assert response.status == 403
        assert "teacher" in response.json()["error"]
    assert _cycle(teacher) == "0"

    # The teacher advances: every page shows cycle 1.
    teacher.click("#advance")
    pages = [teacher, projector, ana, ben]
    for page in pages:
        page.locator("#cycle", has_text="1").wait_for(timeout=TIMEOUT)
    assert {_cycle(page) for page in pages} == {"1"}

    # Chloe's seat was played by the model; Ana and Ben decided their own.
    decided = teacher.locator(f'tr[data-student="{CHLOE}"] .decided-by')
    decided.filter(has_text="decided by the model").wait_for(timeout=TIMEOUT)
    assert "the student" in teacher.locator('tr[data-student="Ana"] .decided-by').inner_text()
    chloe, chloe_errors = _page(contexts[2], f"{server}/s/{code}")  # Chloe comes back
    errors.append(chloe_errors)
    chloe.locator("#you-nation", has_text=nations[2]).wait_for(timeout=TIMEOUT)
    chloe.locator("#last", has_text="the model").wait_for(timeout=TIMEOUT)
    ana.locator("#last", has_text="Decided by").wait_for(timeout=TIMEOUT)
    assert "the model" not in ana.locator("#last").inner_text()

    # The next cycle starts from a student's last choices.
    assert ana.locator("#share-funds").input_value() == "0.8"

    # The rules the teacher changes reach the students: peer punishment opens their choice,
    # and what a student ticks stays ticked while the others' submissions update the page.
    teacher.check("#peer_punishment")
    ana.locator("#punishment").wait_for(state="visible", timeout=TIMEOUT)
    ana.locator("#targets input").first.check()
    ben.click("#submit")
    teacher.locator("#progress", has_text="1 of 3 students").wait_for(timeout=TIMEOUT)
    ana.wait_for_timeout(300)
    assert ana.locator("#targets input:checked").count() == 1

    # A student who reloads comes back to the same nation, at the same cycle.
    ana.reload()
    ana.locator("#you-nation", has_text=nations[0]).wait_for(timeout=TIMEOUT)
    ana.locator("#cycle", has_text="1").wait_for(timeout=TIMEOUT)
    assert ana.locator("#join").is_hidden()
    assert ana.locator("#share-funds").input_value() == "0.8"

    # The projector draws the live charts.
    for chart in ("series", "burden", "network"):
        assert projector.locator(f"#{chart} > *").count() > 0

    assert not [e for page_errors in errors for e in page_errors], errors
