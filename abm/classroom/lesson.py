"""A lesson as the classroom app runs it: a preset with a seed, a fixed layout of the nations
for the network chart, and the nation a student plays, if any."""

from __future__ import annotations

from typing import Any

import networkx as nx
import numpy as np

from ..model import CoalitionModel
from ..scenarios.presets import preset_params


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
        super().__init__(rng=int(rng), **preset_params(preset, setup))
        self.preset = preset
        self.player: int | None = None
        self._layout: dict[int, np.ndarray] | None = None

    def layout(self) -> dict[int, np.ndarray]:
        """Node positions, fixed for the model's life and seeded from its seed."""
        if self._layout is None:
            graph = nx.complete_graph(self.n)
            weights = {(i, j): float(self.trust[i, j] + self.trust[j, i]) / 2
                       for i, j in graph.edges}
            nx.set_edge_attributes(graph, weights, "weight")
            seed = int(np.random.SeedSequence(self.seed).generate_state(1)[0])
            self._layout = nx.spring_layout(graph, seed=seed, weight="weight")
        return self._layout
