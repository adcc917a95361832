"""The tracker's pairing gives scipy's least total cost on any shape, ties and all."""

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment

from emotion_ros.vision.assignment import min_cost_assignment


@pytest.mark.parametrize("shape", [(1, 1), (3, 3), (2, 5), (5, 2), (8, 8), (64, 40)])
def test_the_total_cost_is_scipys_on_random_matrices(shape):
    rng = np.random.default_rng(sum(shape))
    for _ in range(20):
        cost = rng.random(shape) * rng.choice([1.0, 100.0])
        rows, cols = min_cost_assignment(cost)
        expected_rows, expected_cols = linear_sum_assignment(cost)
        assert len(rows) == len(set(rows)) == len(set(cols)) == min(shape)
        assert list(rows) == sorted(rows)
        assert cost[rows, cols].sum() == pytest.approx(cost[expected_rows, expected_cols].sum())


def test_ties_integers_and_the_empty_case():
    tied = np.ones((4, 4))
    rows, cols = min_cost_assignment(tied)
    assert list(rows) == [0, 1, 2, 3] and sorted(cols) == [0, 1, 2, 3]
    crossing = np.array([[5, 1], [1, 5]])  # two people who swapped places
    assert [list(x) for x in min_cost_assignment(crossing)] == [[0, 1], [1, 0]]
    assert [len(x) for x in min_cost_assignment(np.zeros((0, 3)))] == [0, 0]
