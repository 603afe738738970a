"""Record the golden runs: the model and nation frames of three seeds of every preset, and of
small scenarios that exercise the mechanisms no preset's defaults reach.

``tests/integration/test_golden.py`` checks that the model still produces these frames bit for
bit. Run this script only when a change of behaviour is intended, and commit the new files in
a commit of their own that says why::

    .venv/bin/python tests/golden/regenerate.py

It uses only the model's public API (``abm.run``, ``CoalitionModel.from_preset``, ``change``,
``Nation.set_pledge``), so it also runs against an older version of the package.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

import abm

HERE = Path(__file__).resolve().parent
SEEDS = (1, 2, 3)
MECHANISM_STEPS = 24
# Scenario -> preset, overrides, rule changes {before cycle: params}, played nations {nation:
# shares of capacity}, and the model-frame columns whose sum must be > 0 (what it exercises).
MECHANISMS: dict[str, dict[str, Any]] = {
    "side_payments": {"preset": "default", "params": {
        "req_troops": 0.9, "troop_cost_factor": 15.0, "n_nations": 12},
        "exercises": ("side_payments",)},
    "sanctions_and_punishment": {"preset": "default", "params": {
        "sanction_rate": 1.0, "peer_punishment": True, "monitoring": 0.6, "n_nations": 12},
        "exercises": ("sanctions",)},
    "imitation_gossip_rejoin": {"preset": "trust_collapse", "params": {
        "imitation": 0.3, "gossip": 0.4, "rejoin": True, "exit_patience": 2, "n_nations": 12},
        "exercises": ("exits",)},
    "pooled_fund_hub_centralised": {"preset": "default", "params": {
        "pooled_fund": 0.5, "logistics_hub": True, "command": "centralised",
        "req_enablers": 0.6, "n_nations": 12}, "exercises": ("delivered_enablers",)},
    "unanimity": {"preset": "default", "params": {
        "decision_rule": "unanimity", "divergence": 0.6, "tolerance": 0.9, "n_nations": 12},
        "exercises": ("opt_outs",)},
    "rejoin_several_missions": {"preset": "default", "params": {
        "rejoin": True, "exit_payoff": -0.2, "exit_patience": 2, "n_missions": 2,
        "mission_duration": 4, "n_nations": 12}, "exercises": ("exits", "rejoins")},
    "lab_partners_exits": {"preset": "public_goods_lab", "params": {
        "rematch": False, "exit_patience": 1, "exit_payoff": 1.2, "n_nations": 20},
        "exercises": ("exits",)},
    "lab_punishment": {"preset": "public_goods_lab", "params": {
        "peer_punishment": True, "n_nations": 20}, "exercises": ("sanctions",)},
    "rules_changed": {"preset": "peacekeeping", "params": {"n_nations": 12}, "changes": {
        8: {"sanction_rate": 1.0, "imitation": 0.3},
        16: {"burden_rule": "voluntary", "imitation": 0.0, "reimbursement": 0.0}},
        "exercises": ("sanctions",)},
    "played_nations_budget_inertia": {"preset": "alliance", "params": {
        "budget_inertia": 0.6, "n_nations": 12}, "played": {0: 0.0, 3: 1.0},
        "exercises": ("pledged_funds",)},
}


def golden_runs() -> list[tuple[str, int]]:
    """(preset or scenario, seed) of every golden run; a preset runs for its default number
    of steps, a scenario for MECHANISM_STEPS."""
    return [(name, seed) for name in [*abm.presets, *MECHANISMS] for seed in SEEDS]


def path(name: str, seed: int, frame: str) -> Path:
    prefix = "mechanism-" if name in MECHANISMS else ""
    return HERE / f"{prefix}{name}-seed{seed}-{frame}.parquet"


def frames(name: str, seed: int) -> dict[str, pd.DataFrame]:
    if name not in MECHANISMS:
        result = abm.run(name, seed=seed)
        return {"model": result.model_frame, "nations": result.nation_frame}
    scenario = MECHANISMS[name]
    model = abm.CoalitionModel.from_preset(scenario["preset"], rng=seed, **scenario["params"])
    for nation, share in scenario.get("played", {}).items():
        agent = model.nations[nation]
        agent.set_pledge(**{c: share * v for c, v in agent.capacity.items()})
    changes = scenario.get("changes", {})
    for cycle in range(1, MECHANISM_STEPS + 1):
        if cycle in changes:
            model.change(**changes[cycle])
        model.step()
    return {"model": model.model_frame(), "nations": model.nation_frame()}


def write(frame: pd.DataFrame, target: Path) -> None:
    """Exact values (float64 as stored); byte-stream-split floats compress best."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    floats = [f.name for f in table.schema if pa.types.is_floating(f.type)]
    others = [f.name for f in table.schema if f.name not in floats]
    pq.write_table(table, target, compression="zstd", compression_level=19,
                   use_byte_stream_split=floats, use_dictionary=others)


def read(name: str, seed: int, frame: str) -> pd.DataFrame:
    return pd.read_parquet(path(name, seed, frame))


def main() -> int:
    for name, seed in golden_runs():
        for kind, frame in frames(name, seed).items():
            write(frame, path(name, seed, kind))
        print(f"{name} seed {seed}: written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
