"""Phase 5, payoffs: public benefit for all, private benefits for contributors, costs."""

import numpy as np
import pytest

from abm.model.phases.payoffs import settle


def test_everyone_gains_the_public_benefit_only_contributors_pay():
    value = np.array([[2.0, 2.0, 2.0]])
    delivered = np.zeros((1, 3, 3))
    delivered[0, 0] = [1.0, 0.0, 0.0]
    result = settle(value, np.array([0.5]), np.array([0.8]), delivered,
                    np.array([[1.0, 0.0, 0.0]]), np.zeros((1, 3)), np.zeros(3), np.zeros(3),
                    np.zeros(3))
    assert result.benefit.tolist() == pytest.approx([0.8, 0.8, 0.8])
    assert result.contribution.tolist() == [1.0, 0.0, 0.0]


def test_reimbursement_and_side_payments_are_private_benefits():
    delivered = np.zeros((1, 2, 3))
    delivered[0, 0, 1] = 100.0  # soldiers
    result = settle(np.zeros((1, 2)), np.zeros(1), np.zeros(1), delivered,
                    np.array([[0.5, 0.0]]), np.array([[0.2, 0.2]]),
                    np.array([0.0, 1e-3, 0.0]), np.array([0.0, 0.3]), np.array([0.3, 0.0]))
    assert result.benefit.tolist() == pytest.approx([0.2 * 0.5 + 100 * 1e-3 + 0.3, 0.0])
    assert result.contribution.tolist() == pytest.approx([0.5, 0.3])
    assert result.own_cost.tolist() == [0.5, 0.0]
