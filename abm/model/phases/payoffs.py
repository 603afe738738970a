"""Phase 5, payoffs: every nation, member or not, gains the public benefit of the missions it
is a beneficiary of (non-excludable: the root of free-riding); contributors also gain private
benefits (joint products, reimbursement, side-payments received); all pay for what they
delivered and the side-payments they made. Sanctions and punishment (phase 6) come off later.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...scenarios.kinds import TROOPS
from ..missions import over_missions


@dataclass(slots=True)
class Payoffs:
    """Benefits and costs before accountability (phase 6 adds punishment paid and takes off
    sanctions received)."""

    own_cost: np.ndarray  # (n,) what it delivered, at its own unit costs
    contribution: np.ndarray  # (n,) own cost plus side-payments made: its cost so far
    benefit: np.ndarray  # (n,) public plus private benefits
    public: np.ndarray  # (n,) the public benefit alone (non-excludable: kept outside)


def settle(value: np.ndarray, effectiveness: np.ndarray, legitimacy: np.ndarray,
           delivered: np.ndarray, delivered_value: np.ndarray, private_rate: np.ndarray,
           reimbursement: np.ndarray, paid: np.ndarray | None = None,
           received: np.ndarray | None = None) -> Payoffs:
    """Public benefit value x effectiveness x legitimacy of each mission; private benefit the
    private share of what it delivered, reimbursement per soldier and side-payments received
    (``paid`` and ``received``: None when no side-payments were made).

    >>> r = settle(np.array([[2.0, 2.0]]), np.array([0.5]), np.array([1.0]),
    ...            np.array([[[1.0, 0.0, 0.0], [0.0, 0.0, 0.0]]]), np.array([[1.0, 0.0]]),
    ...            np.array([[0.25, 0.25]]), np.zeros(3))
    >>> r.benefit.tolist(), r.contribution.tolist()
    ([1.25, 1.0], [1.0, 0.0])
    """
    own_cost = over_missions(delivered_value)
    public = over_missions(value * (effectiveness * legitimacy)[:, None])
    private = over_missions(private_rate * delivered_value)
    if received is not None:
        private = private + received
    if reimbursement[TROOPS]:
        private += reimbursement[TROOPS] * over_missions(delivered[:, :, TROOPS])
    contribution = own_cost if paid is None else own_cost + paid
    return Payoffs(own_cost, contribution, public + private, public)
