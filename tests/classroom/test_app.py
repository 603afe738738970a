"""The classroom app: Solara component tests, and one end-to-end run in headless Chromium."""

import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import ipyvuetify as v
import ipywidgets as widgets
import numpy as np
import pytest
import solara
from mesa.visualization.utils import force_update

from abm.classroom.app import LessonView, Page, PlayerView, RulesView, SetupView
from abm.classroom.lesson import ClassroomModel

from .servers import free_port, start


@solara.component
def _App():
    with solara.AppLayout():  # the sidebar (controls) renders inside an app layout
        Page()


def _texts(rc) -> str:
    """All the page's HTML text (the cards' paragraphs)."""
    return " ".join(w.unsafe_innerHTML for w in rc.find(solara.widgets.HTML).widgets)


def _images(rc):
    return [w.value for w in rc.find(widgets.Image).widgets]


def test_app_renders_and_steps_redraw_every_chart():
    box, rc = solara.render(_App(), handle_error=False)
    before = _images(rc)
    assert len(before) == 3  # network, time series, burden
    for _ in range(3):
        rc.find(v.Btn, children=["Step"]).widget.click()
    after = _images(rc)
    assert all(a != b for a, b in zip(after, before))


def test_reset_builds_the_chosen_lesson_with_the_chosen_seed():
    box, rc = solara.render(_App(), handle_error=False)
    rc.find(v.Btn, children=["Step"]).widget.click()
    rc.find(v.Select, label="Lesson (preset)").widget.v_model = "alliance"
    rc.find(v.Slider, label="Seed").widget.v_model = 7
    rc.find(v.Btn, children=["Reset"]).widget.click()
    rc.find(v.CardTitle, children=["Lesson: alliance"]).assert_single()
    rc.find(v.Btn, children=["Step"]).widget.click()
    expected = ClassroomModel(preset="alliance", rng=7)
    expected.step()
    cycle = (f"Cycle 1: effectiveness {expected.metrics['effectiveness']:.2f}, "
             f"mean trust {expected.metrics['mean_trust']:.2f}")
    assert cycle in _texts(rc)  # the fresh lesson's first cycle


def test_rebuild_makes_the_lesson_anew_with_the_setup_values():
    box, rc = solara.render(_App(), handle_error=False)
    rc.find(v.Slider, label="Nations 30").widget.v_model = 12
    rc.find(v.Slider, label="Inequality 1.00").widget.v_model = 0.0
    rc.find(v.Btn, children=["Rebuild"]).widget.click()
    rc.find(v.Btn, children=["Step"]).widget.click()
    texts = _texts(rc)
    assert "members 12 of 12" in texts
    rc.find(v.Slider, label="Inequality 0.00").assert_single()  # the new model's value
    rc.find(v.Btn, children=["Reset"]).widget.click()  # back to the lesson as written
    rc.find(v.Slider, label="Nations 30").assert_single()


def test_setup_keeps_lesson_and_seed_and_reports_bad_values():
    model = ClassroomModel(preset="public_goods_lab", rng=5)
    made = []
    box, rc = solara.render(SetupView(model, made.append), handle_error=False)
    rc.find(v.Slider, label="Divergence 0.00").widget.v_model = 0.5
    rc.find(v.Btn, children=["Rebuild"]).widget.click()
    assert made[0].preset == "public_goods_lab" and made[0].seed == 5
    assert made[0].p["divergence"] == 0.5 and made[0].p["group_size"] == 4
    # a message below the slider's minimum (fewer than a group of 4) is held to it
    rc.find(v.Slider, label="Nations 140").widget.v_model = 3
    rc.find(v.Btn, children=["Rebuild"]).widget.click()
    assert made[1].n == 4


@pytest.mark.parametrize(("name", "sent", "held"), [
    ("n_nations", 1000, 200), ("n_nations", -5, 4), ("inequality", float("nan"), 0.0),
    ("divergence", float("inf"), 2.0)])
def test_a_crafted_setup_message_is_held_to_the_controls_bounds(name, sent, held):
    from abm.classroom.app import SETUP_SLIDERS

    model = ClassroomModel(rng=1)
    made = []
    box, rc = solara.render(SetupView(model, made.append), handle_error=False)
    label, step = next((row[1], row[4]) for row in SETUP_SLIDERS if row[0] == name)
    value = model.p[name]
    shown = f"{label} {int(value)}" if isinstance(step, int) else f"{label} {value:.2f}"
    rc.find(v.Slider, label=shown).widget.v_model = sent
    rc.find(v.Btn, children=["Rebuild"]).widget.click()
    assert made[0].p[name] == held


def test_crafted_rule_player_and_seed_messages_are_held_to_the_controls():
    model = ClassroomModel(rng=1)
    box, rc = solara.render(RulesView(model), handle_error=False)
    rc.find(v.Slider, label=f"Monitoring {model.p['monitoring']:.2f}").widget.v_model = 7.0
    assert model.p["monitoring"] == 1.0
    rc.find(v.Select, label="Burden-sharing rule").widget.v_model = "anarchy"
    assert model.p["burden_rule"] == "voluntary"
    box, rc = solara.render(PlayerView(model), handle_error=False)
    rc.find(v.Select, label="You play").widget.v_model = "not a nation"
    assert model.player is None
    assert ClassroomModel(preset="nowhere", rng=10**9).seed == 999
    assert ClassroomModel(preset="nowhere", rng=-3).preset == "default"


def test_a_failing_control_shows_one_line_not_a_traceback(monkeypatch):
    from abm.classroom import app

    model = ClassroomModel(rng=1)
    box, rc = solara.render(_App(), handle_error=False)

    def broken(**params):
        raise ValueError("x has 38 points, y has 37\n  File /srv/abm/app.py, line 9")

    monkeypatch.setattr(ClassroomModel, "change", lambda self, **p: broken(**p))
    rc.find(v.Slider, label=f"Monitoring {model.p['monitoring']:.2f}").widget.v_model = 0.3
    assert app.ERROR.value == "ValueError: x has 38 points, y has 37"
    texts = _texts(rc)
    assert "x has 38 points" in texts and "/srv/abm" not in texts


def test_stepping_and_drawing_do_not_race():
    """Play steps the model in one thread while the page draws it in another."""
    import threading

    from abm.classroom.charts import SeriesChart

    model = ClassroomModel(preset="public_goods_lab", rng=2)
    chart = SeriesChart(model)
    errors = []

    def draw():
        try:
            for _ in range(20):
                chart.png()
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    drawer = threading.Thread(target=draw)
    drawer.start()
    for _ in range(10):
        model.step()
    drawer.join()
    assert not errors


def test_setup_hides_what_a_lesson_takes_from_data():
    model = ClassroomModel(preset="nato_2014", rng=1)
    box, rc = solara.render(SetupView(model, lambda m: None), handle_error=False)
    labels = [w.label for w in rc.find(v.Slider).widgets]
    assert labels and not any(x.startswith(("Nations", "Inequality")) for x in labels)


def test_a_rules_slider_changes_the_running_model():
    model = ClassroomModel(rng=1)
    box, rc = solara.render(RulesView(model), handle_error=False)
    slider = rc.find(v.Slider, label=f"Monitoring {model.p['monitoring']:.2f}")
    slider.widget.v_model = 0.95
    assert model.p["monitoring"] == 0.95
    assert model._negotiated is None  # the rules changed: the next cycle negotiates anew
    rc.find(v.Select, label="Burden-sharing rule").widget.v_model = "assessed"
    assert model.p["burden_rule"] == "assessed"


def test_a_student_plays_a_nation():
    model = ClassroomModel(preset="alliance", rng=2)
    box, rc = solara.render(PlayerView(model), handle_error=False)
    rc.find(v.Select, label="You play").widget.v_model = str(model.names[4])
    assert model.player == 4
    rc.find(v.Slider, label="Funds 50%").widget.v_model = 0.8
    model.step()
    pledged = model.recorder.stacked()["pledged"][-1, 4, 0]
    assert pledged == pytest.approx(0.8 * model.capacity[4, 0])
    model.step()
    force_update()  # what the app's Step does after stepping
    trust = model.recorder.stacked()["trust_received"][:, 4]
    texts = _texts(rc)
    assert f"The others' trust in you: <b>{trust[-1]:.2f}</b>" in texts
    assert f"since last cycle; {trust[0]:.2f} after the first" in texts
    rc.find(v.Select, label="You play").widget.v_model = "nobody"
    assert model.player is None and not model.state.played


def test_a_student_can_pledge_before_the_first_cycle_when_groups_rematch():
    model = ClassroomModel(preset="public_goods_lab", rng=2)  # missions form each cycle
    box, rc = solara.render(PlayerView(model), handle_error=False)
    rc.find(v.Select, label="You play").widget.v_model = "N000"
    rc.find(v.Slider, label="Funds 50%").widget.v_model = 1.0
    model.step()
    pledged = model.recorder.stacked()["pledged"][-1, 0, 0]
    assert pledged == pytest.approx(model.capacity[0, 0])


def test_the_lesson_card_reads_well_after_a_collapse():
    # Membership worth nothing to anyone (exit_payoff 100): everybody leaves.
    model = ClassroomModel(preset="trust_collapse", rng=42, setup={"exit_payoff": 100.0})
    model.run_for(25)
    assert model.metrics["members"] == 0  # everybody left: mean trust is undefined
    box, rc = solara.render(LessonView(model), handle_error=False)
    texts = _texts(rc)
    assert "mean trust none left, members 0 of 30" in texts and "nan" not in texts


def test_the_seed_control_is_an_integer_and_reset_uses_it():
    from abm.classroom.app import MODEL_PARAMS

    assert MODEL_PARAMS["rng"]["type"] == "SliderInt"
    a, b = ClassroomModel(rng=7), ClassroomModel(rng=7)
    a.run_for(3)
    b.run_for(3)
    np.testing.assert_array_equal(a.trust, b.trust)


# --- end to end ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def server():
    proc, base = start(["app"])
    url = base + "/"
    yield url
    proc.terminate()
    proc.wait(timeout=20)
    # the server stopped with the command (it used to live on as an orphan holding the port)
    time.sleep(1)
    with pytest.raises(OSError):
        urllib.request.urlopen(url, timeout=2)


def _chart_sources(page) -> list[str]:
    return page.locator("img").evaluate_all("imgs => imgs.map(i => i.src)")


def _open(browser, url):
    page = browser.new_page(viewport={"width": 1600, "height": 1400})
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.get_by_role("button", name="Step").wait_for(timeout=60_000)
    page.wait_for_function("document.querySelectorAll('img').length >= 3", timeout=60_000)
    return page, errors


def test_in_chromium_a_slider_and_three_steps_change_the_charts(server, browser, tmp_path):
    page, errors = _open(browser, server)
    before = _chart_sources(page)
    monitoring = page.locator(".v-input", has_text="Monitoring").get_by_role("slider")
    start = monitoring.get_attribute("aria-valuenow")
    monitoring.focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    page.wait_for_function(
        f"el => el.getAttribute('aria-valuenow') !== '{start}'",
        arg=monitoring.element_handle(), timeout=10_000)
    for _ in range(3):
        page.get_by_role("button", name="Step").click()
        page.wait_for_timeout(200)
    page.get_by_text("Cycle 3:").wait_for(timeout=30_000)
    page.wait_for_function(
        "before => { const now = [...document.querySelectorAll('img')].map(i => i.src);"
        " return now.length >= 3 && now.every((s, k) => s !== before[k]); }",
        arg=before, timeout=30_000)
    page.screenshot(path=str(tmp_path / "app.png"), full_page=True)
    assert (tmp_path / "app.png").stat().st_size > 20_000
    assert errors == []


def test_in_chromium_the_controls_do_not_cover_the_charts(server, browser):
    page, _ = _open(browser, server)  # 1600 px wide: the controls drawer is docked
    # The page's style sheet arrives with the page's widgets: wait for the layout to settle.
    page.wait_for_function(
        "() => { const box = s => document.querySelector(s).getBoundingClientRect();"
        " return box('.solara-autorouter-content').left >= box('nav').right - 1"
        " && box('nav').top >= box('.v-toolbar-title').bottom - 1; }", timeout=15_000)


def test_in_chromium_a_narrow_screen_opens_the_controls_from_a_visible_menu_button(server,
                                                                                    browser):
    page = browser.new_page(viewport={"width": 800, "height": 900})
    page.goto(server)
    page.get_by_role("button", name="Step").wait_for(timeout=60_000)
    page.locator(".v-navigation-drawer__scrim").click()  # it slides over the page: close it
    drawer = page.locator("nav.v-navigation-drawer")
    page.wait_for_function("el => el.getBoundingClientRect().right <= 0",
                           arg=drawer.element_handle(), timeout=10_000)
    page.wait_for_function(  # the menu button shows a glyph
        "() => document.querySelector('.v-app-bar-nav-icon .v-btn__content')"
        ".getBoundingClientRect().width > 10", timeout=15_000)
    page.locator(".v-app-bar-nav-icon").click()
    page.wait_for_function("el => el.getBoundingClientRect().left >= 0",
                           arg=drawer.element_handle(), timeout=10_000)


def test_in_chromium_two_sessions_have_their_own_models(server, browser):
    first, _ = _open(browser, server)
    second, _ = _open(browser, server)
    for _ in range(2):
        first.get_by_role("button", name="Step").click()
        first.wait_for_timeout(200)
    first.get_by_text("Cycle 2:").wait_for(timeout=30_000)
    second.wait_for_timeout(1000)
    assert second.get_by_text("Cycle 2:").count() == 0  # the second is still at cycle 0
    assert second.get_by_text("Cycle 1:").count() == 0
    second.get_by_role("button", name="Step").click()
    second.get_by_text("Cycle 1:").wait_for(timeout=30_000)  # and steps on its own
    assert first.get_by_text("Cycle 2:").count() == 1


def test_the_app_runs_offline_frees_abandoned_sessions_and_starts_without_warnings():
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "abm", "app", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.time() + 90
        while time.time() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        environ = dict(item.split("=", 1) for item in Path(f"/proc/{proc.pid}/environ")
                       .read_text().split("\0") if "=" in item)
        cmdline = Path(f"/proc/{proc.pid}/cmdline").read_text().split("\0")
    finally:
        proc.terminate()
        output = proc.communicate(timeout=20)[0]
    assert environ["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"
    assert environ["SOLARA_KERNEL_CULL_TIMEOUT"] == "2m"
    assert "--no-check-version" in cmdline
    assert "warn" not in output.lower() and "pip install" not in output
