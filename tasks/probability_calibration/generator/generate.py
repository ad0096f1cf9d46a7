"""Generates probability_calibration's data with a fixed seed.

A fraud model's scores are overconfident and shifted: the true probability of fraud is
sigmoid(z) for a latent z, and the model reports sigmoid(2.2 z + 0.6). Writes the
calibration set the agent gets (workspace/data/calibration.csv: score, label) and a test
set from the same population that only the grader sees (grader/test.csv).

Run from the task folder inside the task image:
  docker run --rm -v "$PWD:/task" -w /task IMAGE python3 generator/generate.py
"""

from pathlib import Path

import numpy as np

SEED = 8086


def sample(rng, n):
    z = rng.normal(-1.1, 1.3, n)
    truth = 1 / (1 + np.exp(-z))
    label = (rng.random(n) < truth).astype(int)
    score = 1 / (1 + np.exp(-(2.2 * z + 0.6)))
    return np.round(score, 6), label


def write(path, score, label):
    with open(path, "w") as f:
        f.write("score,label\n")
        for s, y in zip(score, label):
            f.write(f"{s:.6f},{y}\n")


def main():
    rng = np.random.default_rng(SEED)
    here = Path(__file__).resolve().parent.parent
    write(here / "workspace/data/calibration.csv", *sample(rng, 6000))
    write(here / "grader/test.csv", *sample(rng, 20000))


if __name__ == "__main__":
    main()
