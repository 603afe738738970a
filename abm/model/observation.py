"""Who sees whom: observation is private (docs/ODD.md, section 7).

Each nation follows the missions it benefits from (in the laboratory, its own group's; in the
coalition, every mission) and so knows what their contributors delivered together. It sees a
given contributor's own shortfall with the monitoring probability (its own monitoring), or
when the organisation publishes what it saw (``public_reports``), or when the contributor
opted out in public. One uniform draw per observer and nation makes each observer's view its
own.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .phases.negotiation import Mandates


def following(mandates: Mandates) -> np.ndarray:
    """(n, n): i follows a mission j is watched in (the same while the mandates stand).

    >>> from types import SimpleNamespace as S
    >>> m = S(seen=np.array([[True, True, False]]), launched=np.array([True]),
    ...       beneficiaries=np.ones((1, 3), dtype=bool))
    >>> following(m).astype(int).tolist()
    [[0, 1, 0], [1, 0, 0], [1, 1, 0]]
    """
    watched = mandates.seen
    follows = mandates.beneficiaries & mandates.launched[:, None]
    if len(watched) == 1:
        aware = follows[0][:, None] & watched[0][None, :]
    else:
        aware = (follows.T.astype(np.float32) @ watched.astype(np.float32)) > 0
    np.fill_diagonal(aware, False)
    return aware


def observation(aware: np.ndarray, opted_out: np.ndarray, detected: np.ndarray,
                draw: np.ndarray, p: dict[str, Any]) -> np.ndarray:
    """``sees`` (n, n): i saw j's own contribution, among those it follows (``aware``,
    from ``following``). ``opted_out``: j rejected every mandate in public; ``detected``: the
    organisation saw j's shortfall; ``draw``: uniforms (n, n).

    >>> aware = ~np.eye(3, dtype=bool)
    >>> p = {"monitoring": 0.5, "public_reports": True}
    >>> observation(aware, np.zeros(3, dtype=bool), np.array([False, True, False]),
    ...             np.full((3, 3), 0.7), p).astype(int).tolist()
    [[0, 1, 0], [0, 0, 0], [0, 1, 0]]
    """
    visible = draw < p["monitoring"]
    public = opted_out | detected if p["public_reports"] else opted_out
    if public.any():
        visible |= public[None, :]
    visible &= aware
    return visible


def co_participants(part: np.ndarray) -> np.ndarray:
    """(n, n): i and j take part in a mission together.

    >>> co_participants(np.array([[True, True, False]])).astype(int).tolist()
    [[1, 1, 0], [1, 1, 0], [0, 0, 0]]
    """
    if len(part) == 1:
        return part[0][:, None] & part[0][None, :]
    return (part.T.astype(np.float32) @ part.astype(np.float32)) > 0
