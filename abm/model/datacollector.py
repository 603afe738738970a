"""Mesa's DataCollector interface over a run's records, for ``mesa.batch_run`` and for code
written after Mesa's examples (``model.datacollector.get_model_vars_dataframe()``).

The model keeps raw arrays per cycle (``recording.py``) rather than running a DataCollector,
which deep-copies every reporter value every step; this view is made from those records only
when asked for, so a run that never asks pays nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd


class RecordedData:
    """What ``mesa.DataCollector`` offers after a run: the model's variables per collected
    step (the model frame's columns) and each agent's (the nation frame's), under the
    attributes ``mesa.batch_run`` reads."""

    def __init__(self, model_frame: pd.DataFrame, nation_frame: pd.DataFrame,
                 agent_ids: Sequence[int]) -> None:
        self._model = model_frame.set_index("step")
        self._model.index.name = "Step"
        self._nations = nation_frame
        self._collection_steps: list[int] = self._model.index.tolist()
        self.model_reporters = {name: name for name in self._model.columns}
        self.model_vars = {name: self._model[name].tolist() for name in self._model.columns}
        columns = [c for c in nation_frame.columns if c != "step"]
        self.agent_reporters = {name: name for name in columns}
        self.agenttype_reporters: dict[Any, dict[str, Any]] = {}
        self._agenttype_records: dict[int, dict[Any, list[tuple]]] = {}
        n = len(agent_ids)
        rows = list(nation_frame[columns].itertuples(index=False, name=None))
        self._agent_records = {
            step: [(step, agent_ids[i], *rows[k * n + i]) for i in range(n)]
            for k, step in enumerate(self._collection_steps)}

    def get_model_vars_dataframe(self) -> pd.DataFrame:
        """One row per collected step (index ``Step``), one column per model variable."""
        return self._model.copy()

    def get_agent_vars_dataframe(self) -> pd.DataFrame:
        """One row per step and nation (index ``Step``, ``AgentID``)."""
        ids = [record[1] for step in self._collection_steps
               for record in self._agent_records[step]]
        frame = self._nations.rename(columns={"step": "Step"}).assign(AgentID=ids)
        return frame.set_index(["Step", "AgentID"])
