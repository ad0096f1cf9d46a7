"""Run with `python3 -m pytest -q tests`."""

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tinynet import MLP, softmax, train  # noqa: E402

DATA = Path(__file__).resolve().parent.parent / "data"


def test_softmax_rows_sum_to_one():
    p = softmax(np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]))
    assert np.allclose(p.sum(axis=1), 1.0)


def test_spirals_reach_90_percent():
    train_set = np.loadtxt(DATA / "train.csv", delimiter=",", skiprows=1)
    val = np.loadtxt(DATA / "val.csv", delimiter=",", skiprows=1)
    model = MLP([2, 64, 64, 3], seed=1)
    train(model, train_set[:, :2], train_set[:, 2].astype(int), epochs=150, lr=0.1, batch_size=32, seed=2)
    assert (model.predict(val[:, :2]) == val[:, 2]).mean() >= 0.9
