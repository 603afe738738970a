"""How long the classroom app takes to step and redraw, for 30 nations (the alliance lesson).

    python benchmarks/bench_app.py [--steps 20]

Prints the model step alone; each chart drawn to PNG after a step, built anew and updated in
place (what the app does); and one click of Step in a rendered app (``solara.render``: the
server-side work a browser waits for, without the network).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import time
from collections.abc import Callable

import ipyvuetify as v
import numpy as np
import solara

from abm.classroom import app, charts
from abm.classroom.lesson import ClassroomModel


@solara.component
def _App():
    with solara.AppLayout():
        app.Page()


def _median_ms(samples: list[float]) -> str:
    return f"{1000 * np.median(samples):6.1f} ms (fastest {1000 * min(samples):.1f})"


def _seconds(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20, help="steps to time (default 20)")
    steps = parser.parse_args().steps

    model = ClassroomModel(preset="alliance", rng=1)
    timings = [_seconds(model.step) for _ in range(steps)]
    print(f"{model.n} nations, {steps} steps")
    print(f"model step                      {_median_ms(timings)}")
    for name, make in (("network", charts.NetworkChart), ("series", charts.SeriesChart),
                       ("burden", charts.BurdenChart)):
        kept = make(model)
        fresh, updated = [], []
        for _ in range(steps):
            model.step()
            fresh.append(_seconds(lambda make=make: make(model).png()))
            updated.append(_seconds(kept.png))
        print(f"{name + ' chart, built anew':<31} {_median_ms(fresh)}")
        print(f"{name + ' chart, updated':<31} {_median_ms(updated)}")

    with contextlib.redirect_stdout(io.StringIO()):  # the app bar prints itself outside a page
        box, rc = solara.render(_App(), handle_error=False)
        rc.find(v.Select, label="Lesson (preset)").widget.v_model = "alliance"
        rc.find(v.Slider, label="Seed").widget.v_model = 1
        rc.find(v.Btn, children=["Reset"]).widget.click()
    step = rc.find(v.Btn, children=["Step"]).widget
    timings = [_seconds(step.click) for _ in range(steps)]
    print(f"app: Step and redraw            {_median_ms(timings)}")


if __name__ == "__main__":
    main()
