"""The classroom app: a SolaraViz page with lessons, live charts and a student playing a nation.

Start it with ``coalition app`` (or ``make app``) and open http://localhost:8765. Every
browser session gets its own model (``Page`` makes one per session), so students sharing a
server never step each other's simulations. Lessons are the presets; the rules can be changed
while the model runs (``CoalitionModel.change``), and a student can take over one nation's
pledges. Teaching notes: docs/classroom.md.
"""

from __future__ import annotations

import functools
import html
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import reacton.ipywidgets as rw
import solara
from mesa.visualization import SolaraViz
from mesa.visualization.utils import force_update, update_counter

from ..scenarios.kinds import CAPABILITIES
from ..scenarios.parameters import ParameterError
from ..scenarios.presets import DESCRIPTIONS, presets
from .charts import BurdenChart, Chart, NetworkChart, SeriesChart
from .inputs import one_line
from .lesson import ClassroomModel

NOBODY = "nobody"
# Live controls: (parameter, label, min, max, step, what it means).
RULE_SLIDERS = (
    ("monitoring", "Monitoring", 0.0, 1.0, 0.05, "chance a shortfall is seen"),
    ("sanction_rate", "Sanction", 0.0, 2.0, 0.1, "penalty per unit of shortfall seen"),
    ("private_benefit", "Private benefit", 0.0, 1.0, 0.05,
     "share of a contribution's value the giver keeps"),
    ("trust_learning", "Trust learning", 0.0, 1.0, 0.05, "how fast trust follows conduct"),
    ("noise", "Noise", 0.0, 0.5, 0.05, "random error in pledges"),
)
# Setup: who the nations are, fixed once a model is made; Rebuild makes a new one.
SETUP_SLIDERS = (
    ("n_nations", "Nations", 4, 200, 1, "how many nations (in the lab: subjects)"),
    ("inequality", "Inequality", 0.0, 3.0, 0.1, "spread of GDP (sd of log GDP)"),
    ("divergence", "Divergence", 0.0, 2.0, 0.1, "how far apart nations' interests lie"),
    ("initial_trust", "Initial trust", 0.0, 1.0, 0.05, "nations' trust in each other at first"),
)
FROM_DATA = frozenset(("n_nations", "inequality"))  # set by a lesson's nations file, if any
# Solara 1.58's app layout under Vuetify 3: (1) the drawer's width "min-content" is read as
# NaN, so the docked controls drawer covers the charts and the title: reserve its 400 px and
# keep it under the app bar (not when it slides over a narrow screen); (2) the menu button
# that opens the drawer on a narrow screen has no icon: give it one.
LAYOUT_CSS = """
.v-layout:has(.v-navigation-drawer--active:not(.v-navigation-drawer--temporary)) .v-main {
  --v-layout-left: 400px !important;
}
.v-navigation-drawer:not(.v-navigation-drawer--temporary) {
  top: 64px !important; height: calc(100% - 64px) !important;
}
.v-app-bar-nav-icon .v-btn__content::before { content: "\\2630"; font-size: 24px; }
"""


# --- guards: a browser's messages are input like any other -----------------------------------
ERROR = solara.reactive("")  # (per browser session) the last error, in one line


def bounded(value: Any, low: float, high: float) -> float:
    """A control's value held to the control's bounds, whatever the message said.

    >>> bounded(1000, 4, 200), bounded("nan", 0.0, 1.0), bounded(None, 0.0, 1.0)
    (200.0, 0.0, 0.0)
    """
    try:
        number = float(value)
    except (TypeError, ValueError):
        return float(low)
    return float(low) if math.isnan(number) else float(min(max(number, low), high))


def guarded(handler: Callable[..., Any]) -> Callable[..., Any]:
    """An event handler whose failure shows as one line on the page, not as a traceback."""
    @functools.wraps(handler)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return handler(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - shown to the user, the session goes on
            ERROR.value = one_line(exc)
            return None
    return run


# --- components ----------------------------------------------------------------------------
def _paragraph(text: str) -> None:
    """A paragraph of HTML (solara.Markdown would fetch KaTeX from a CDN a classroom may
    lack)."""
    solara.HTML(tag="p", unsafe_innerHTML=text)


def ChartImage(chart: Chart, dependencies: list) -> None:
    """The chart as a PNG, redrawn only when it or its dependencies change (not on every
    render of the page)."""
    rw.Image(value=solara.use_memo(chart.png, [chart, *dependencies]), format="png")


@solara.component
def NetworkView(model: ClassroomModel):
    update_counter.get()  # redraw after every step or change
    colour_by, set_colour_by = solara.use_state("contribution")
    with solara.Card("Network"):
        colours = ["contribution", "strategy"]
        solara.ToggleButtonsSingle(value=colour_by, values=colours, on_value=guarded(
            lambda value: set_colour_by(value if value in colours else colours[0])))
        chart = solara.use_memo(lambda: NetworkChart(model, colour_by), [model, colour_by])
        ChartImage(chart, [model.steps, model.player])


@solara.component
def SeriesView(model: ClassroomModel):
    update_counter.get()  # redraw after every step or change
    with solara.Card("Over time"):
        chart = solara.use_memo(lambda: SeriesChart(model), [model])
        ChartImage(chart, [model.steps])


@solara.component
def BurdenView(model: ClassroomModel):
    update_counter.get()  # redraw after every step or change
    with solara.Card("Burden by nation"):
        chart = solara.use_memo(lambda: BurdenChart(model), [model])
        ChartImage(chart, [model.steps, model.player])


@solara.component
def LessonView(model: ClassroomModel):
    update_counter.get()  # redraw after every step or change
    with solara.Card(f"Lesson: {model.preset}", subtitle=f"seed {model.seed}"):
        _paragraph(DESCRIPTIONS.get(model.preset, ""))
        if model.steps:
            c = model.metrics
            trust = "none left" if np.isnan(c["mean_trust"]) else f"{c['mean_trust']:.2f}"
            _paragraph(
                f"Cycle {model.steps}: effectiveness {c['effectiveness']:.2f}, "
                f"mean trust {trust}, members {c['members']} of {model.n}.")


@solara.component
def RulesView(model: ClassroomModel):
    """Rules a teacher changes while the model runs: they apply from the next cycle."""
    update_counter.get()  # redraw after every step or change
    with solara.Card("Rules (apply from the next cycle)"):
        rule = model.p["burden_rule"]
        rules = ["voluntary", "assessed", "guideline"]

        @guarded
        def set_rule(value):
            if value in rules:
                model.change(burden_rule=value)
            force_update()

        solara.Select("Burden-sharing rule", value=rule, on_value=set_rule, values=rules)
        for name, label, low, high, step, _meaning in RULE_SLIDERS:
            @guarded
            def on_value(value, name=name, low=low, high=high):
                model.change(**{name: bounded(value, low, high)})
                force_update()

            value = float(model.p[name])
            solara.SliderFloat(f"{label} {value:.2f}", value=value, min=low, max=high,
                               step=step, on_value=on_value)
        meanings = "; ".join(f"<b>{label}</b>: {meaning}"
                             for _name, label, *_range, meaning in RULE_SLIDERS)
        _paragraph(f"<small>{meanings}.</small>")


@solara.component
def SetupView(model: ClassroomModel, on_model: Callable[[ClassroomModel], None]):
    """Who the nations are: fixed once a model is made, so Rebuild makes a new model of the
    same lesson and seed with these values (Reset goes back to the lesson as written)."""
    shown = [row for row in SETUP_SLIDERS
             if not (row[0] in FROM_DATA and model.p["nations_file"])]
    values = solara.use_reactive({name: model.p[name] for name, *_ in shown})
    error = solara.use_reactive("")

    def rebuild() -> None:
        try:
            on_model(ClassroomModel(model.preset, model.seed, setup=values.value))
        except ParameterError as exc:  # e.g. fewer nations than a lab group
            error.value = str(exc)
        except Exception as exc:  # noqa: BLE001 - one line on the page, the session goes on
            error.value = one_line(exc)

    with solara.Card("Setup (applies when you rebuild)"):
        for name, label, low, high, step, _meaning in shown:
            @guarded
            def on_value(value, name=name, low=low, high=high, step=step):
                value = bounded(value, low, high)  # (1000 nations stalled a whole class)
                values.value = {**values.value,
                                name: int(round(value)) if isinstance(step, int) else value}

            value = values.value[name]
            if isinstance(step, int):
                solara.SliderInt(f"{label} {int(value)}", value=int(value), min=low, max=high,
                                 step=step, on_value=on_value)
            else:
                solara.SliderFloat(f"{label} {value:.2f}", value=float(value), min=low,
                                   max=high, step=step, on_value=on_value)
        solara.Button("Rebuild", on_click=rebuild, color="primary")
        if error.value:  # (solara.Error's alert is broken under Vuetify 3)
            _paragraph(f'<span style="color: #c62828">{html.escape(error.value)}</span>')
        meanings = "; ".join(f"<b>{label}</b>: {meaning}"
                             for _name, label, *_range, meaning in shown)
        _paragraph(f"<small>{meanings}.</small>")


@solara.component
def PlayerView(model: ClassroomModel):
    """A student takes over one nation: pledges (as shares of its capacity) hold each cycle
    until changed; the others respond; payoff and the trust others place in it are shown."""
    update_counter.get()  # redraw after every step or change
    shares = solara.use_reactive({c: 0.5 for c in CAPABILITIES})
    names = [NOBODY, *[str(n) for n in model.names]]
    current = NOBODY if model.player is None else str(model.names[model.player])

    @guarded
    def choose(name: str) -> None:
        if name not in names:
            return
        if model.player is not None:
            model.nations[model.player].clear_pledge()
        model.player = None if name == NOBODY else names.index(name) - 1
        apply(shares.value)

    def apply(values: dict[str, float]) -> None:
        if model.player is not None:
            nation = model.nations[model.player]
            nation.set_pledge(**{c: values[c] * nation.capacity[c] for c in CAPABILITIES})
        force_update()

    @guarded
    def set_share(capability: str, value: float) -> None:
        shares.value = {**shares.value, capability: bounded(value, 0.0, 1.0)}
        apply(shares.value)

    with solara.Card("Play a nation"):
        solara.Select("You play", value=current, values=names, on_value=choose)
        if model.player is None:
            _paragraph("Pick a nation to set its pledges yourself.")
            return
        nation = model.nations[model.player]
        _paragraph(f"<b>{nation.name}</b>: GDP {nation.gdp:,.0f} bn USD, "
                   f"{nation.gdp_per_capita:,.0f} USD per person. Your pledges, as shares of "
                   "your capacity, hold each cycle until you move them:")
        for capability in CAPABILITIES:
            if model.p[f"req_{capability}"] > 0:  # (missions may not exist before cycle 1)
                share = shares.value[capability]
                solara.SliderFloat(f"{capability.capitalize()} {share:.0%}", value=share,
                                   min=0.0, max=1.0, step=0.05,
                                   on_value=lambda v, c=capability: set_share(c, v))
        if model.steps:
            with model.lock:
                frame = model.recorder.stacked()
            i = model.player
            fair = frame["fair_share"][-1, i]
            given = frame["contribution"][-1, i]
            payoffs = frame["payoff"][:, i]
            trust_in_you = frame["trust_received"][:, i]
            _paragraph(
                f"Last cycle you gave <b>{given:,.2f}</b> against a fair share of {fair:,.2f}; "
                f"your payoff was <b>{payoffs[-1]:,.2f}</b> ({payoffs.sum():,.2f} in all). "
                f"The others' trust in you: <b>{trust_in_you[-1]:.2f}</b> "
                f"({_trust_move(trust_in_you)}).")


def _trust_move(trust: np.ndarray) -> str:
    """How the others' trust in the student moved: since last cycle, and since the first.

    >>> _trust_move(np.array([0.5, 0.42, 0.40]))
    'down 0.02 since last cycle; 0.50 after the first'
    """
    change = trust[-1] - trust[-2] if len(trust) > 1 else 0.0
    direction = "up" if change > 5e-3 else "down" if change < -5e-3 else "steady"
    moved = "" if direction == "steady" else f" {abs(change):.2f}"
    return f"{direction}{moved} since last cycle; {trust[0]:.2f} after the first"


# --- the page ------------------------------------------------------------------------------
MODEL_PARAMS = {
    "preset": {"type": "Select", "value": "default", "values": list(presets),
               "label": "Lesson (preset)"},
    # An integer control: InputText would hand the model a string.
    "rng": {"type": "SliderInt", "value": 42, "min": 0, "max": 999, "step": 1,
            "label": "Seed"},
}


@solara.component
def Views(model: ClassroomModel, on_model: Callable[[ClassroomModel], None]):
    """The charts and the classroom cards, in two columns (a plain layout: no draggable grid,
    whose script a classroom without internet could not load)."""
    ErrorLine()
    with solara.Columns([3, 2]):
        with solara.Column():
            LessonView(model)
            SeriesView(model)
            BurdenView(model)
        with solara.Column():
            NetworkView(model)
            PlayerView(model)
            RulesView(model)
            SetupView(model, on_model).key(f"setup-{id(model)}")  # fresh values per model


@solara.component
def ErrorLine():
    """The last error of this session, in one line, until dismissed."""
    if ERROR.value:
        with solara.Row():
            _paragraph(f'<span style="color: #c62828">{html.escape(ERROR.value)}</span>')
            solara.Button("Dismiss", on_click=lambda: ERROR.set(""), text=True)


@solara.component
def Page():
    """One model per browser session; SolaraViz gives the controls (reset, play, step, lesson,
    seed), ``Views`` the charts and cards (its Setup card replaces the model)."""
    solara.Style(LAYOUT_CSS)
    exception, clear = solara.use_exception()  # a failure while drawing: one line, no trace
    first = solara.use_memo(lambda: ClassroomModel(), [])
    model = solara.use_reactive(first)
    if exception is not None:
        with solara.Card("Something went wrong"):
            _paragraph(html.escape(one_line(exception)))
            solara.Button("Start the lesson again", color="primary",
                          on_click=lambda: (model.set(ClassroomModel()), clear()))
        return
    SolaraViz(model, components=[], model_params=MODEL_PARAMS, play_interval=400,
              name="Coalition burden-sharing: classroom")
    Views(model.value, on_model=model.set)
