"""Generates numpy_mlp_debug's data with fixed seeds: noisy three-armed spirals.

Writes the training and validation sets the agent gets (workspace/data/) and a training and
test set from another seed that only the grader sees (grader/spiral_train.csv,
grader/spiral_test.csv). Features are already standardised; labels are 0, 1, 2.

Run from the task folder inside the task image:
  docker run --rm -v "$PWD:/task" -w /task IMAGE python3 generator/generate.py
"""

from pathlib import Path

import numpy as np


def spirals(rng, n_per_class, noise=0.25, turns=1.25):
    xs, ys = [], []
    for k in range(3):
        t = rng.uniform(0.15, 1.0, n_per_class)
        angle = 2 * np.pi * (turns * t + k / 3)
        pts = np.c_[t * np.cos(angle), t * np.sin(angle)] + rng.normal(0, noise * 0.1, (n_per_class, 2))
        xs.append(pts)
        ys.append(np.full(n_per_class, k))
    X = np.vstack(xs)
    y = np.concatenate(ys)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    order = rng.permutation(len(y))
    return X[order], y[order]


def write(path, X, y):
    with open(path, "w") as f:
        f.write("x1,x2,label\n")
        for (a, b), c in zip(X, y):
            f.write(f"{a:.6f},{b:.6f},{c}\n")


def main():
    here = Path(__file__).resolve().parent.parent
    rng = np.random.default_rng(424242)
    write(here / "workspace/data/train.csv", *spirals(rng, 300))
    write(here / "workspace/data/val.csv", *spirals(rng, 100))
    hidden = np.random.default_rng(97531)
    write(here / "grader/spiral_train.csv", *spirals(hidden, 300, noise=0.3, turns=1.1))
    write(here / "grader/spiral_test.csv", *spirals(hidden, 200, noise=0.3, turns=1.1))


if __name__ == "__main__":
    main()
