import math
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from softknn import soft_knn_scores  # noqa: E402


def test_rows_sum_to_one():
    rng = np.random.default_rng(0)
    scores = soft_knn_scores(rng.normal(size=(50, 3)), rng.integers(0, 3, 50), rng.normal(size=(8, 3)), 5, 0.5, 3)
    assert scores.shape == (8, 3)
    assert np.allclose(scores.sum(axis=1), 1.0)


def test_small_example_by_hand():
    train_X = [[0.0], [1.0], [3.0]]
    train_y = [0, 1, 1]
    scores = soft_knn_scores(train_X, train_y, [[0.5]], 2, 1.0, 2)
    w = math.exp(-0.25)
    assert np.allclose(scores, [[0.5, 0.5]]) and w > 0


def test_far_query_votes_by_count():
    scores = soft_knn_scores([[0.0], [0.1], [0.2]], [0, 1, 1], [[1000.0]], 3, 10.0, 2)
    assert np.allclose(scores, [[1 / 3, 2 / 3]])
