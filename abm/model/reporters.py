"""What a run reports beyond its raw arrays: the statistics of each cycle's missions and trust,
and the run-level outcomes (at the end of a run).

A cycle keeps what its statistics need (``Cycle``), and they are computed for all cycles at
once when a frame is asked for: the missions' small arrays, and, up to ``KEEP_TRUST``
nations, the trust matrix (a reference: the model replaces it each cycle and never changes
it in place). Beyond that, a matrix a cycle would cost too much memory, so the three numbers
trust gives are computed each cycle. The rest of the model frame is derived from the recorded
nation arrays (``recording.py``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from ..scenarios.kinds import CAPABILITIES, FUNDS, TROOPS
from .metrics import spearman
from .phases.trust import component_leaders, count_blocs

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
# Statistics of each cycle, in column order.
LIVE = (*_REQUIRED, *_COVERAGE, "coverage_min", "missions", "launched", "effectiveness",
         "legitimacy", "success", "fulfilment", "mean_trust", "trust_sd", "trust_blocs",
         "members", "exited", "exits", "rejoins", "retention", "opt_outs", "side_payments",
         "sanctions")


# Up to this many nations a cycle keeps its trust matrix (64 x 64 floats: 32 kB a cycle).
KEEP_TRUST = 64


class TrustSnapshot(NamedTuple):
    """What the trust statistics of one cycle are computed from (``trust_statistics``); a
    cycle keeps it as a plain tuple (see ``Recorder.add``)."""

    trust: np.ndarray  # (n, n)
    given: np.ndarray  # (n,) trust.sum(axis=1)
    member: np.ndarray  # (n,) bool
    members: int
    threshold: float  # bloc_threshold (a teacher may change it mid-run)


def trust_record(trust: np.ndarray, given: np.ndarray, member: np.ndarray, members: int,
                 threshold: float) -> tuple:
    """What a cycle keeps of trust: the matrix up to ``KEEP_TRUST`` nations (the fields of a
    ``TrustSnapshot``, as a plain tuple), else its statistics (mean, sd, blocs)."""
    if len(member) > KEEP_TRUST:
        return trust_statistics(trust, given, member, members, threshold)
    trust.flags.writeable = False  # the record is kept: an edit in place would rewrite it
    return trust, given, member, members, threshold


class Cycle(NamedTuple):
    """What one cycle leaves for its statistics (``cycle_columns``): its trust record
    (``trust_record``) and the per-mission arrays, summarised later for all cycles at once
    (computed each cycle, the statistics over missions cost about 5 % of a default run)."""

    required_total: tuple[float, ...]  # (c,) over missions
    cover: np.ndarray  # (m, c)
    effectiveness: np.ndarray  # (m,)
    legitimacy: np.ndarray  # (m,)
    mission_value: np.ndarray  # (m,) value delivered to each mission
    launched: np.ndarray  # (m,) bool
    success_threshold: float  # (a rule, which a teacher may change mid-run)
    pledged_value: np.ndarray  # (n,) what each nation pledged, at its own unit costs
    trust: tuple  # a TrustSnapshot's fields, or mean, sd and blocs (n large): trust_record
    members: int
    exits: int
    rejoins: int
    opt_outs: int
    side_payments: float
    sanctions: float


def trust_statistics(trust: np.ndarray, trust_given: np.ndarray, member: np.ndarray,
                     members: int, bloc_threshold: float) -> tuple[float, float, int]:
    """Mean and sd of trust over ordered pairs of members, and the number of trust blocs;
    ``trust_given`` is ``trust.sum(axis=1)``, ``members`` the number of members.

    >>> t = np.array([[0, .9, .1], [.9, 0, .1], [.1, .1, 0]])
    >>> mean, sd, blocs = trust_statistics(t, t.sum(axis=1), np.ones(3, bool), 3, 0.5)
    >>> round(mean, 4), round(sd, 4), blocs
    (0.3667, 0.3771, 2)
    """
    n, k = len(member), members
    if k == n:
        pairs = n * (n - 1)
        mean = float(trust_given.sum()) / pairs
        sd = max(float(np.vdot(trust, trust)) / pairs - mean * mean, 0.0) ** 0.5
    elif k > 1:  # over pairs of members (trust[i, i] is 0)
        pairs = k * (k - 1)
        inside = member.astype(float)
        mean = float(inside @ trust @ inside) / pairs
        squares = float(inside @ (trust * trust) @ inside) / pairs
        sd = max(squares - mean * mean, 0.0) ** 0.5
    else:
        mean = sd = float("nan")
    return mean, sd, count_blocs(trust, member, bloc_threshold, k)


def trust_columns(records: Sequence[tuple]) -> np.ndarray:
    """(cycles, 3): mean, sd and blocs of trust for each cycle's record (``trust_record``).

    The cycles with every nation a member, and those with some, are each computed together,
    with the operations of ``trust_statistics`` (the same bits); components are looked for
    (``component_leaders``) only in the cycles where some member is linked to fewer than half
    the others.
    """
    out = np.empty((len(records), 3))
    full: list[int] = []
    some: list[int] = []
    snapshots: dict[int, TrustSnapshot] = {}
    for i, kept in enumerate(records):
        if len(kept) != len(TrustSnapshot._fields):  # the statistics themselves
            out[i] = kept
            continue
        record = snapshots[i] = TrustSnapshot._make(kept)
        if record.members == len(record.member):
            full.append(i)
        elif record.members > 1:
            some.append(i)
        else:
            out[i] = trust_statistics(*record)
    for rows, everyone in ((full, True), (some, False)):
        if rows:
            out[rows] = _trust_together([snapshots[i] for i in rows], everyone)
    return out


def _trust_together(records: list[TrustSnapshot], everyone: bool) -> np.ndarray:
    """``trust_statistics`` of cycles of the same number of nations, at least two members
    each (``everyone``: all are members), computed together."""
    trust = np.stack([r.trust for r in records])
    members = np.array([r.members for r in records])
    pairs = members * (members - 1)
    if everyone:
        mean = np.stack([r.given for r in records]).sum(axis=1) / pairs
        flat = trust.reshape(len(records), -1)
        squares = np.vecdot(flat, flat) / pairs
    else:
        inside = np.stack([r.member for r in records])
        weights = inside.astype(float)[:, None, :]
        mean = np.vecdot((weights @ trust)[:, 0], weights[:, 0]) / pairs
        squares = np.vecdot((weights @ (trust * trust))[:, 0], weights[:, 0]) / pairs
    sd = np.maximum(squares - mean * mean, 0.0)
    linked = trust >= np.array([r.threshold for r in records])[:, None, None]
    linked &= linked.transpose(0, 2, 1)
    if not everyone:
        linked &= inside[:, None, :]  # links to members only
    degree = np.count_nonzero(linked, axis=2)
    fewest = degree.min(axis=1) if everyone else np.where(inside, degree, len(inside[0])
                                                          ).min(axis=1)
    blocs = np.ones(len(records))
    split = 2 * fewest < members - 1
    if split.any():  # count_blocs' components, for these cycles at once
        graphs = linked[split]
        if not everyone:  # non-members are nodes of their own, and are not counted
            graphs &= inside[split][:, :, None]
        leaders = component_leaders(graphs)
        if not everyone:
            leaders &= inside[split]
        blocs[split] = leaders.sum(axis=1)
    # (x ** 0.5 as trust_statistics takes it, a float at a time: numpy's is sqrt's bits)
    return np.column_stack([mean, [v ** 0.5 for v in sd.tolist()], blocs])


def cycle_columns(cycles: Sequence[tuple], n: int) -> dict[str, np.ndarray]:
    """The cycles' statistics (``LIVE``), one array each, computed for all cycles at once:
    means over each cycle's missions (0 without missions) and counts of members.

    Sums over missions are those of Python's ``sum`` (``compensated_sums``), as when each
    cycle computed its own: the same bits.
    """
    steps = len(cycles)
    out: dict[str, np.ndarray] = {}
    if not steps:
        return {k: np.zeros(0) for k in LIVE}
    field = dict(zip(Cycle._fields, zip(*cycles, strict=True), strict=True))
    required = np.array(field["required_total"], dtype=float).reshape(steps, len(CAPABILITIES))
    for c, column in enumerate(_REQUIRED):
        out[column] = required[:, c]
    counts = np.array([len(x) for x in field["launched"]])
    cycle = np.repeat(np.arange(steps), counts)
    share = np.divide(1.0, counts, out=np.zeros(steps), where=counts > 0)

    def mean_over_missions(values: np.ndarray) -> np.ndarray:
        return compensated_sums(values, counts) * share

    cover = np.concatenate(field["cover"]).reshape(-1, len(CAPABILITIES))
    for c, column in enumerate(_COVERAGE):
        out[column] = mean_over_missions(cover[:, c])
    out["coverage_min"] = mean_over_missions(cover.min(axis=1, initial=np.inf))
    out["missions"] = counts
    out["launched"] = np.bincount(cycle, np.concatenate(field["launched"]), minlength=steps)
    effectiveness = np.concatenate(field["effectiveness"])
    legitimacy = np.concatenate(field["legitimacy"])
    out["effectiveness"] = mean_over_missions(effectiveness)
    out["legitimacy"] = mean_over_missions(legitimacy)
    threshold = np.repeat(np.array(field["success_threshold"], dtype=float), counts)
    out["success"] = np.bincount(cycle, effectiveness * legitimacy >= threshold,
                                 minlength=steps) * share
    given = compensated_sums(np.concatenate(field["mission_value"]), counts)
    promised = np.concatenate(field["pledged_value"]).reshape(steps, -1).sum(axis=1)
    out["fulfilment"] = np.divide(given, promised, out=np.ones(steps), where=promised > 0)
    trust = trust_columns(field["trust"])
    out["mean_trust"], out["trust_sd"], out["trust_blocs"] = trust.T
    members = np.array(field["members"], dtype=np.int64)
    out["members"] = members
    out["exited"] = n - members
    out["retention"] = members / n
    for column in ("exits", "rejoins", "opt_outs", "side_payments", "sanctions"):
        out[column] = np.array(field[column], dtype=float)
    return out


def compensated_sums(values: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Sums of consecutive runs of ``values``, ``counts[k]`` of them for the k-th, exactly as
    Python's ``sum`` adds floats since 3.12 (Neumaier's compensated summation), vectorised
    over the runs.

    >>> values = [0.1] * 10 + [1e16, 1.0, -1e16]
    >>> compensated_sums(np.array(values), np.array([10, 3, 0])).tolist() == [
    ...     sum(values[:10]), sum(values[10:]), 0.0]
    True
    """
    runs = len(counts)
    width = int(counts.max()) if runs else 0
    padded = np.zeros((runs, width))  # (adding 0.0 changes neither the sum nor the error)
    padded[np.arange(width) < counts[:, None]] = values
    total, error = np.zeros(runs), np.zeros(runs)
    for x in padded.T:
        added = total + x
        error += np.where(np.abs(total) >= np.abs(x), (total - added) + x, (x - added) + total)
        total = added
    return np.where((error != 0) & np.isfinite(error), total + error, total)


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
