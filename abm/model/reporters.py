"""What a run reports beyond its raw arrays: the statistics only a cycle's live state can give
(each cycle), and the run-level outcomes (at the end of a run).

The per-cycle statistics need the trust matrix and the missions, which are not kept; the rest
of the model frame is derived from the recorded arrays (``recording.py``).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from ..scenarios.kinds import CAPABILITIES, FUNDS, TROOPS
from .metrics import spearman
from .phases.outcome import Outcome
from .phases.trust import count_blocs

if TYPE_CHECKING:
    from .recording import Recorder

# Outcomes summarised as means over the last fifth of a run.
TAIL_OUTCOMES = ("effectiveness", "coverage_min", "legitimacy", "success", "fulfilment",
                 "free_riding_rate", "mean_contribution_ratio", "exploitation_rho",
                 "burden_gini", "mean_trust", "trust_blocs", "mean_belief",
                 "mean_contribution_pct")
# Every run-level outcome, in the order run tables list them.
RUN_OUTCOMES = (*(f"{k}_tail_mean" for k in TAIL_OUTCOMES), "funds_gdp_rho",
                "troops_income_rho", "final_members", "retention", "total_exits",
                "mission_success_rate", "time_to_collapse")
_REQUIRED = tuple(f"required_{c}" for c in CAPABILITIES)
_COVERAGE = tuple(f"coverage_{c}" for c in CAPABILITIES)


def cycle_statistics(required_total: list[float], outcome: Outcome, launched: np.ndarray,
                     pledged_value: np.ndarray, trust: np.ndarray, trust_given: np.ndarray,
                     member: np.ndarray, members: int, exits: int, rejoins: int, dissent: int,
                     side_payments: float, sanctions: float, p: dict[str, Any]
                     ) -> dict[str, float]:
    """The cycle's statistics over missions and over the trust among members (after the
    cycle's exits and returns); ``trust_given`` is ``trust.sum(axis=1)``, ``members`` the
    number of members.

    Per-mission values are few: Python sums over their lists beat numpy calls here.
    """
    n = len(member)
    live: dict[str, float] = {}
    missions = len(launched)
    cover = outcome.cover
    for required, total in zip(_REQUIRED, required_total, strict=True):
        live[required] = total
    if missions:
        share = 1.0 / missions
        rows = cover.tolist()
        for covered, column in zip(_COVERAGE, zip(*rows, strict=True), strict=True):
            live[covered] = sum(column) * share
        effective = outcome.effectiveness.tolist()
        legitimate = outcome.legitimacy.tolist()
        threshold = p["success_threshold"]
        live["coverage_min"] = sum(min(row) for row in rows) * share
        live["effectiveness"] = sum(effective) * share
        live["legitimacy"] = sum(legitimate) * share
        live["success"] = sum(e * g >= threshold for e, g in zip(effective, legitimate)
                              ) * share
    else:
        for covered in _COVERAGE:
            live[covered] = 0.0
        live.update(coverage_min=0.0, effectiveness=0.0, legitimacy=0.0, success=0.0)
    live["missions"] = missions
    live["launched"] = sum(launched.tolist())
    promised = float(pledged_value.sum())
    given = sum(outcome.mission_value.tolist())
    live["fulfilment"] = given / promised if promised > 0 else 1.0
    k = members
    if k == n:
        pairs = n * (n - 1)
        mean = float(trust_given.sum()) / pairs
        live["mean_trust"] = mean
        live["trust_sd"] = max(float(np.vdot(trust, trust)) / pairs - mean * mean, 0.0) ** 0.5
    elif k > 1:  # over pairs of members (trust[i, i] is 0)
        pairs = k * (k - 1)
        inside = member.astype(float)
        mean = float(inside @ trust @ inside) / pairs
        live["mean_trust"] = mean
        squares = float(inside @ (trust * trust) @ inside) / pairs
        live["trust_sd"] = max(squares - mean * mean, 0.0) ** 0.5
    else:
        live["mean_trust"] = live["trust_sd"] = float("nan")
    live["trust_blocs"] = count_blocs(trust, member, p["bloc_threshold"], k)
    live["members"] = k
    live["exited"] = n - k
    live["exits"] = exits
    live["rejoins"] = rejoins
    live["retention"] = k / n
    live["opt_outs"] = dissent
    live["side_payments"] = side_payments
    live["sanctions"] = sanctions
    return live


def run_outcomes(recorder: Recorder, columns: dict[str, np.ndarray] | None = None
                 ) -> dict[str, Any]:
    """Run-level outcomes: means over the last fifth of the run, and events.

    Besides the model-frame columns, the division of labour over the last fifth: the rank
    correlation of GDP with funds delivered (positive: money comes from the rich) and of GDP
    per capita with troops delivered (negative: troops come from the poor). ``columns`` is the
    recorder's model columns, if already made.
    """
    c = recorder.model_columns() if columns is None else columns
    steps = len(c["step"])
    tail = max(1, steps // 5)
    out: dict[str, Any] = {}
    for k in TAIL_OUTCOMES:
        values = c[k][-tail:]
        values = values[np.isfinite(values)]
        out[f"{k}_tail_mean"] = float(values.mean()) if len(values) else None
    collapsed = np.flatnonzero(c["members"] < len(recorder.gdp) / 2)
    delivered = recorder.stacked()["delivered"][-tail:].mean(axis=0)
    out.update(
        funds_gdp_rho=plain(spearman(recorder.gdp, delivered[:, FUNDS])),
        troops_income_rho=plain(spearman(recorder.gdp_per_capita, delivered[:, TROOPS])),
        final_members=int(c["members"][-1]),
        retention=plain(float(c["retention"][-1])),
        total_exits=int(c["exits"].sum()),
        mission_success_rate=plain(float(c["success"].mean())),
        time_to_collapse=int(c["step"][collapsed[0]]) if len(collapsed) else None,
    )
    return out


def plain(value: Any) -> Any:
    """JSON-friendly scalars: numpy to Python, NaN to None.

    >>> plain(np.float64(0.5)), plain(float("nan")), plain(np.int64(3))
    (0.5, None, 3)
    """
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
