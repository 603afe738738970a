"""A lesson as the classroom app runs it: a preset with a seed, a fixed layout of the nations
for the network chart, and the nation a student plays, if any."""

from __future__ import annotations

import threading
from typing import Any

import networkx as nx
import numpy as np

from ..model import CoalitionModel
from ..scenarios.presets import preset_params, presets

SEED_MAX = 999  # the app's seed control: 0 to 999


class ClassroomModel(CoalitionModel):
    """A lesson (preset) with a seed, as the app's Reset builds it; ``setup`` overrides some of
    the lesson's creation parameters (the Setup card's Rebuild).

    >>> model = ClassroomModel(preset="alliance", rng=3, setup={"n_nations": 12})
    >>> model.preset, model.n
    ('alliance', 12)
    """

    # No **kwargs: SolaraViz's Reset would then pass the model a Mesa ``scenario`` object.
    def __init__(self, preset: str = "default", rng: int = 42,
                 setup: dict[str, Any] | None = None) -> None:
        # The controls' bounds hold whatever a browser's message says: a lesson of the list,
        # a seed in [0, SEED_MAX].
        preset = preset if preset in presets else "default"
        super().__init__(rng=min(max(int(rng), 0), SEED_MAX), **preset_params(preset, setup))
        self.preset = preset
        self.player: int | None = None
        self._layout: dict[int, np.ndarray] | None = None
        # The app steps the model in one thread (Play) and draws it in another: each takes
        # the lock, so that a chart never sees a cycle half recorded.
        self.lock = threading.RLock()

    def step(self) -> None:
        with self.lock:
            super().step()

    def change(self, **params: Any) -> None:
        with self.lock:
            super().change(**params)

    def layout(self) -> dict[int, np.ndarray]:
        """Node positions, fixed for the model's life and seeded from its seed."""
        if self._layout is None:
            self._layout = layout(self)
        return self._layout


def layout(model: CoalitionModel) -> dict[int, np.ndarray]:
    """Positions of the nations for the network chart: a spring layout of their initial
    trust, seeded from the model's seed (the same seed draws the same picture)."""
    graph = nx.complete_graph(model.n)
    weights = {(i, j): float(model.trust[i, j] + model.trust[j, i]) / 2 for i, j in graph.edges}
    nx.set_edge_attributes(graph, weights, "weight")
    seed = int(np.random.SeedSequence(model.seed).generate_state(1)[0])
    return nx.spring_layout(graph, seed=seed, weight="weight")
